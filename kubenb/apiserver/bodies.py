"""Request bodies into typed objects, as the API server's decoders do.

`fieldValidation` decides what an unknown field costs: `Strict` fails the request with the strict
decoder's message, `Warn` (the default) drops it and answers with a `Warning` header, `Ignore`
drops it silently. Type errors fail in every mode. A body whose `apiVersion`/`kind` disagree with
the URL, or whose namespace does, is refused with upstream's text before anything is stored.
"""

from __future__ import annotations

import json
from typing import Any, Optional

import yaml
from pydantic import ValidationError

from kubenb.api.base import KubeObject
from kubenb.api.codec import DecodeError, describe_validation_error, drop_nulls, model_class
from kubenb.api.registry import ResourceInfo
from kubenb.apiserver import protobuf
from kubenb.store.errors import StatusError, bad_request

VALIDATIONS = ("Strict", "Warn", "Ignore")


def parse(body: bytes, content_type: str) -> Any:
    """JSON (also when the client sent no Content-Type, as the Python client and `scale` do), YAML, or
    protobuf (kubectl's typed commands)."""
    if content_type.startswith(protobuf.MEDIA_TYPE):
        return protobuf.decode(body)
    text = body.decode("utf-8", errors="replace")
    if "yaml" in content_type:
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as err:
            raise bad_request(f"error converting YAML to JSON: yaml: {getattr(err, 'problem', None) or err}") from None
    try:
        return json.loads(text)
    except ValueError as err:
        raise bad_request(f"couldn't get version/kind; json parse error: {go_json_error(text, err)}") from None


def go_json_error(text: str, err: Any) -> str:
    """encoding/json's words for the first problem in `text`."""
    pos = getattr(err, "pos", len(text))
    if not text.strip() or pos >= len(text.rstrip()):
        return "unexpected end of JSON input"
    return f"invalid character '{text[pos]}' looking for beginning of value"


def validation_mode(query: Any) -> str:
    mode = query.get("fieldValidation", "Warn")
    if mode not in VALIDATIONS:
        raise bad_request(f'fieldValidation parameter unsupported: "{mode}"')
    return mode


def check_identity(info: ResourceInfo, data: Any, namespace: Optional[str], name: str = "") -> dict:
    """The body as a JSON object of the URL's kind and namespace (filled in where the body leaves them out)."""
    if not isinstance(data, dict):
        kind = "array" if isinstance(data, list) else type(data).__name__
        raise bad_request(f"couldn't get version/kind; json parse error: json: cannot unmarshal {kind} into Go value "
                          'of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string '
                          '"json:\\"kind,omitempty\\"" }')
    api_version, kind = data.get("apiVersion") or info.api_version, data.get("kind") or info.kind
    if api_version != info.api_version or kind != info.kind:
        raise bad_request(f"the API version in the data ({api_version}) does not match the expected API version "
                          f"({info.api_version})" if api_version != info.api_version else
                          f"the kind in the data ({kind}) does not match the expected kind ({info.kind})")
    data = {**data, "apiVersion": api_version, "kind": kind}
    meta = data.get("metadata") or {}
    if not isinstance(meta, dict):
        meta = {}
    if info.namespaced and namespace is not None:
        if meta.get("namespace") and meta["namespace"] != namespace:
            raise bad_request("the namespace of the provided object does not match the namespace sent on the request")
        meta = {**meta, "namespace": namespace}
    if name and meta.get("name") and meta["name"] != name:
        raise bad_request(f"the name of the object ({meta['name']}) does not match the name on the URL ({name})")
    if name:
        meta = {**meta, "name": name}
    data["metadata"] = meta
    return data


def decode(info: ResourceInfo, data: dict, mode: str) -> tuple[KubeObject, list[str]]:
    """The typed object and the warnings to send; a `BadRequest` for what the decoder refuses."""
    data = drop_nulls(data)
    cls = model_class(info)
    warnings: list[str] = []
    while True:
        try:
            obj = cls.model_validate(data)
        except ValidationError as err:
            unknown = [e for e in err.errors() if e["type"] == "extra_forbidden"]
            if not unknown or mode == "Strict":
                raise StatusError("BadRequest", 400, str(DecodeError(info.kind, info.version,
                                                                     describe_validation_error(err)))) from None
            for e in unknown:
                if mode == "Warn":
                    warnings.append(f'unknown field "{_dotted(e["loc"])}"')
                _delete(data, e["loc"])
            continue
        obj.api_version, obj.kind = info.api_version, info.kind
        return obj, warnings


def _dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out


def _delete(data: Any, loc: tuple) -> None:
    node = data
    for part in loc[:-1]:
        node = node[part]
    node.pop(loc[-1], None)
