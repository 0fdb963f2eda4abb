"""The create-only review kinds: access reviews (`kubectl auth can-i`) and `auth whoami`.

They are answered, never stored. The kubeconfig's user is the cluster's administrator (a member of
`system:masters`); kubectl's `--as`/`--as-group` arrive as `Impersonate-User`/`Impersonate-Group`
headers. Access and rules reviews are answered by :mod:`kubenb.store.authorizer`, the same
authorizer `kubectl auth can-i` asks inside the kernel, so both give the same answers.

kubectl's typed clients send these bodies in protobuf (`application/vnd.kubernetes.protobuf`), and do
not retry in JSON; :func:`_from_protobuf` reads the few fields a review carries from the wire
format (the `k8s\\0` envelope around a `runtime.Unknown` holding the message).
"""

from __future__ import annotations

import json
from typing import Any

from kubenb.apiserver.rest import Call, Reply
from kubenb.store.authorizer import Attributes, Authorizer, User, parse_user
from kubenb.store.errors import bad_request

REVIEW_KINDS = {"SelfSubjectAccessReview", "SubjectAccessReview", "LocalSubjectAccessReview",
                "SelfSubjectRulesReview", "SelfSubjectReview", "TokenReview"}
PROTOBUF = "application/vnd.kubernetes.protobuf"
_MAGIC = b"k8s\x00"


def answer(cluster: Any, call: Call) -> Reply:
    info = call.info
    if call.content_type.startswith(PROTOBUF):
        review = _from_protobuf(call.body, info.kind)
    else:
        try:
            review = json.loads(call.body or b"{}")
        except ValueError:
            raise bad_request("couldn't get version/kind; json parse error: unexpected end of JSON input") from None
    if not isinstance(review, dict):
        raise bad_request(f"the body of the request was not a {info.kind}")
    spec = review.get("spec") or {}
    out = {"kind": info.kind, "apiVersion": info.api_version, "metadata": {"creationTimestamp": None}, "spec": spec}
    user = _requester(call)
    authorizer = Authorizer(cluster.store)
    if info.kind == "SelfSubjectReview":
        out["status"] = {"userInfo": user.info()}
        out.pop("spec")
    elif info.kind == "TokenReview":
        out["status"] = {"authenticated": False, "user": {}}
    elif info.kind == "SelfSubjectRulesReview":
        rules = authorizer.rules_for(user, spec.get("namespace") or "")
        out["status"] = {"resourceRules": rules.resource_rules, "nonResourceRules": rules.non_resource_rules,
                         "incomplete": rules.incomplete}
        if rules.evaluation_error:
            out["status"]["evaluationError"] = rules.evaluation_error
    else:
        if info.kind != "SelfSubjectAccessReview":  # the subject is in the spec
            user = User(spec.get("user") or "", tuple(spec.get("groups") or ()))
        decision = authorizer.authorize(user, _attributes(spec, call.path.namespace))
        out["status"] = {"allowed": decision.allowed, "reason": decision.reason}
    return Reply(out, 201)


def _requester(call: Call) -> User:
    """The administrator, or whom kubectl's `--as`/`--as-group` impersonate."""
    headers = call.headers
    if headers is None:
        return parse_user(None)
    groups = headers.getall("Impersonate-Group", []) if hasattr(headers, "getall") else []
    return parse_user(headers.get("Impersonate-User"), groups)


def _attributes(spec: dict[str, Any], path_namespace: str) -> Attributes:
    if spec.get("nonResourceAttributes"):
        attrs = spec["nonResourceAttributes"]
        return Attributes(verb=attrs.get("verb", ""), path=attrs.get("path", ""))
    attrs = spec.get("resourceAttributes") or {}
    return Attributes(verb=attrs.get("verb", ""), namespace=path_namespace or attrs.get("namespace", ""),
                      group=attrs.get("group", ""), resource=attrs.get("resource", ""),
                      subresource=attrs.get("subresource", ""), name=attrs.get("name", ""))


# ---------------------------------------------------------------------------- protobuf

# field numbers of authorization/v1 (generated.proto)
_SPEC = 2
_RESOURCE_ATTRIBUTES = {1: "namespace", 2: "verb", 3: "group", 4: "version", 5: "resource", 6: "subresource", 7: "name"}
_NON_RESOURCE_ATTRIBUTES = {1: "path", 2: "verb"}


def _from_protobuf(body: bytes, kind: str) -> dict[str, Any]:
    """The JSON form of a review's spec from its protobuf encoding (status and metadata ignored)."""
    if not body.startswith(_MAGIC):
        raise bad_request("provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]")
    try:
        unknown = _fields(body[len(_MAGIC):])
        raw = unknown.get(2, [b""])[0]  # runtime.Unknown: 1 typeMeta, 2 raw
        spec_bytes = _fields(raw).get(_SPEC, [b""])[0]
        spec_fields = _fields(spec_bytes)
        spec: dict[str, Any] = {}
        if kind == "SelfSubjectRulesReview":  # its spec is only `namespace` (field 1)
            return {"spec": _strings(spec_bytes, {1: "namespace"})}
        if 1 in spec_fields:
            spec["resourceAttributes"] = _strings(spec_fields[1][0], _RESOURCE_ATTRIBUTES)
        if 2 in spec_fields:
            spec["nonResourceAttributes"] = _strings(spec_fields[2][0], _NON_RESOURCE_ATTRIBUTES)
        return {"spec": spec}
    except (IndexError, ValueError):
        raise bad_request("unable to decode the protobuf body") from None


def _strings(data: bytes, names: dict[int, str]) -> dict[str, str]:
    return {names[n]: values[0].decode() for n, values in _fields(data).items() if n in names and values[0]}


def _fields(data: bytes) -> dict[int, list[Any]]:
    """Protobuf wire format: field number -> values (bytes for length-delimited, int for varints)."""
    out: dict[int, list[Any]] = {}
    i = 0
    while i < len(data):
        key, i = _varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(data, i)
        elif wire == 2:
            length, i = _varint(data, i)
            value, i = data[i:i + length], i + length
        elif wire == 1:
            value, i = data[i:i + 8], i + 8
        elif wire == 5:
            value, i = data[i:i + 4], i + 4
        else:
            raise ValueError(f"wire type {wire}")
        out.setdefault(number, []).append(value)
    return out


def _varint(data: bytes, i: int) -> tuple[int, int]:
    shift = value = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, i
        shift += 7
