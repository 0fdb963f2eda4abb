"""`/openapi/v2`: the whole API as one Swagger 2.0 document, in JSON or in gnostic's protobuf.

kubectl 1.27 and 1.28 read it for `apply`'s validation (a resource's PATCH operation must take
`fieldValidation` before kubectl sends `fieldValidation=Strict`), for the strategic-merge tags of
client-side `apply`, and for `explain` when asked for the v2 output. It is derived from the very
documents `/openapi/v3` serves (:mod:`~.openapi`), so the two never disagree: schemas become
`definitions` (`allOf: [$ref]` becomes a plain `$ref`), request bodies become `body` parameters,
query parameters lose their `schema` wrapper.

The protobuf form is `openapi.v2.Document` of google/gnostic (`OpenAPIv2.proto`): a vendor
extension is a `NamedAny` whose value carries the extension as YAML text (JSON is YAML), as
kube-openapi writes it and as kubectl reads it back. Both forms carry an ETag; a request whose
`If-None-Match` names it gets 304, so kubectl's HTTP cache revalidates instead of refetching.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from kubenb.apiserver.protowire import boolean, message, string

# what kubectl asks for, and what kube-openapi answers with (Go's mime parser refuses the "@")
PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
PROTOBUF_TYPES = ("application/com.github.proto-openapi.spec.v2@v1.0+protobuf", PROTOBUF)
_V3_REF = "#/components/schemas/"


def wants_protobuf(accept: str) -> bool:
    return any(t in accept for t in PROTOBUF_TYPES)


def etag(body: bytes) -> str:
    return '"' + hashlib.sha512(body).hexdigest().upper() + '"'


# ---------------------------------------------------------------------------- Swagger 2.0 from OpenAPI 3


def swagger(v3_documents: list[dict[str, Any]]) -> dict[str, Any]:
    """One Swagger 2.0 document from the group-version OpenAPI 3 documents."""
    paths: dict[str, Any] = {}
    definitions: dict[str, Any] = {}
    for doc in v3_documents:
        for name, schema in doc["components"]["schemas"].items():
            definitions[name] = _schema(schema)
        for path, item in doc["paths"].items():
            paths[path] = _path_item(path, item)
    return {"swagger": "2.0", "info": {"title": "Kubernetes", "version": "kubenb"},
            "paths": dict(sorted(paths.items())), "definitions": dict(sorted(definitions.items())),
            "securityDefinitions": {"BearerToken": {"description": "Bearer Token authentication", "type": "apiKey",
                                                    "name": "authorization", "in": "header"}},
            "security": [{"BearerToken": []}]}


def _schema(schema: Any) -> Any:
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "allOf" and len(value) == 1 and "$ref" in value[0]:
            out["$ref"] = value[0]["$ref"].replace(_V3_REF, "#/definitions/")
        elif key == "$ref":
            out["$ref"] = value.replace(_V3_REF, "#/definitions/")
        elif key in ("items", "additionalProperties"):
            out[key] = _schema(value)
        elif key == "properties":
            out[key] = {k: _schema(v) for k, v in value.items()}
        else:
            out[key] = value
    return out


def _path_item(path: str, item: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for method, op in item.items():
        converted = {k: v for k, v in op.items() if k not in ("parameters", "requestBody", "responses")}
        params = [{"name": p["name"], "in": p["in"], "description": p.get("description", ""), "type":
                   p.get("schema", {}).get("type", "string"), "uniqueItems": True} for p in op.get("parameters", [])]
        body = op.get("requestBody")
        if body is not None:
            types = list(body["content"])
            params.insert(0, {"name": "body", "in": "body", "required": True,
                              "schema": _schema(next(iter(body["content"].values()))["schema"])})
            if types != ["*/*"]:
                converted["consumes"] = types
        if params:
            converted["parameters"] = params
        converted["produces"] = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"]
        converted["responses"] = {code: {"description": r["description"],
                                         "schema": _schema(r["content"]["application/json"]["schema"])}
                                  for code, r in op["responses"].items()}
        out[method] = converted
    names = [p.strip("{}") for p in path.split("/") if p.startswith("{")]
    if names:
        out["parameters"] = [{"name": n, "in": "path", "required": True, "type": "string", "uniqueItems": True,
                              "description": f"{n} of the {'resource' if n == 'name' else 'object'}"} for n in names]
    return out


# ---------------------------------------------------------------------------- gnostic protobuf


def to_protobuf(doc: dict[str, Any]) -> bytes:
    """`openapi.v2.Document`."""
    info = doc["info"]
    security_defs = b"".join(
        message(1, string(1, name) + message(2, message(2, string(1, d["type"]) + string(2, d["name"]) +
                                                        string(3, d["in"]) + string(4, d.get("description", "")))))
        for name, d in doc["securityDefinitions"].items())
    security = b"".join(message(12, b"".join(message(1, string(1, name) + message(2, b"".join(string(1, s) for s in v)))
                                             for name, v in req.items())) for req in doc["security"])
    return (string(1, doc["swagger"]) + message(2, string(1, info["title"]) + string(2, info["version"])) +
            message(8, b"".join(message(2, string(1, p) + message(2, _path_item_pb(item)))
                                for p, item in doc["paths"].items())) +
            message(9, b"".join(message(1, string(1, n) + message(2, _schema_pb(s)))
                                for n, s in doc["definitions"].items())) +
            security + message(13, security_defs))


def _extensions(number: int, data: dict[str, Any]) -> bytes:
    return b"".join(message(number, string(1, k) + message(2, string(2, json.dumps(v, separators=(",", ":")))))
                    for k, v in data.items() if k.startswith("x-"))


def _schema_pb(s: dict[str, Any]) -> bytes:
    out = string(1, s.get("$ref", "")) + string(2, s.get("format", "")) + string(4, s.get("description", ""))
    out += boolean(16, s.get("uniqueItems", False))
    out += b"".join(string(19, r) for r in s.get("required", []))
    out += b"".join(message(20, string(2, json.dumps(v))) for v in s.get("enum", []))
    if "additionalProperties" in s:
        extra = s["additionalProperties"]
        out += message(21, message(1, _schema_pb(extra)) if isinstance(extra, dict) else boolean(2, bool(extra)))
    if "type" in s:
        out += message(22, string(1, s["type"]))
    if "items" in s:
        out += message(23, message(1, _schema_pb(s["items"])))
    if "properties" in s:
        out += message(25, b"".join(message(1, string(1, k) + message(2, _schema_pb(v)))
                                    for k, v in s["properties"].items()))
    return out + _extensions(31, s)


def _path_item_pb(item: dict[str, Any]) -> bytes:
    numbers = {"get": 2, "put": 3, "post": 4, "delete": 5, "patch": 8}
    out = b"".join(message(numbers[m], _operation_pb(op)) for m, op in item.items() if m in numbers)
    return out + b"".join(message(9, _parameter_pb(p)) for p in item.get("parameters", []))


def _operation_pb(op: dict[str, Any]) -> bytes:
    out = string(3, op.get("description", "")) + string(5, op.get("operationId", ""))
    out += b"".join(string(6, t) for t in op.get("produces", [])) + b"".join(string(7, t) for t in op.get("consumes", []))
    out += b"".join(message(8, _parameter_pb(p)) for p in op.get("parameters", []))
    out += message(9, b"".join(message(1, string(1, code) + message(2, message(1, string(1, r["description"]) +
                                                                                message(2, message(1, _schema_pb(r["schema"]))))))
                                for code, r in op["responses"].items()))
    return out + _extensions(13, op)


def _parameter_pb(p: dict[str, Any]) -> bytes:
    """`ParametersItem` → `Parameter`: a body parameter, or a query/path `NonBodyParameter`."""
    if p["in"] == "body":
        body = (string(1, p.get("description", "")) + string(2, p["name"]) + string(3, "body") +
                boolean(4, p.get("required", False)) + message(5, _schema_pb(p["schema"])))
        return message(1, message(1, body))
    common = boolean(1, p.get("required", False)) + string(2, p["in"]) + string(3, p.get("description", "")) + \
        string(4, p["name"])
    if p["in"] == "query":  # QueryParameterSubSchema: type 6, uniqueItems 20
        sub = message(3, common + string(6, p.get("type", "")) + boolean(20, p.get("uniqueItems", False)))
    else:  # PathParameterSubSchema: type 5, uniqueItems 19
        sub = message(4, common + string(5, p.get("type", "")) + boolean(19, p.get("uniqueItems", False)))
    return message(1, message(2, sub))
