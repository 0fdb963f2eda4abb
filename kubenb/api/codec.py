"""Decoding JSON/YAML objects into models and back, with the API server's strict-decoding errors.

`decode` is the API boundary: user input is validated here once (unknown fields, wrong types,
bad quantities), and everything inside kubenb works with trusted models afterwards.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, ValidationError

from kubenb.api.base import KubeObject
from kubenb.api.meta import ObjectMeta
from kubenb.api.registry import Registry, ResourceInfo, model_for


class DecodeError(ValueError):
    """The body cannot become an object of its kind (`... cannot be handled as a Deployment: ...`)."""

    def __init__(self, kind: str, version: str, detail: str) -> None:
        self.kind, self.version, self.detail = kind, version, detail
        super().__init__(f'{kind} in version "{version}" cannot be handled as a {kind}: {detail}')


class NoKindMatch(LookupError):
    """`no matches for kind "Deploymnt" in version "apps/v1"`."""

    def __init__(self, kind: str, api_version: str) -> None:
        self.kind, self.api_version = kind, api_version
        super().__init__(f'no matches for kind "{kind}" in version "{api_version}"')


class GenericObject(KubeObject):
    """An object of a served kind that kubenb does not model field by field: kept as given."""

    model_config = ConfigDict(extra="allow")
    metadata: ObjectMeta = ObjectMeta()


_GENERIC: dict[tuple[str, str], type[GenericObject]] = {}


def generic_model(info: ResourceInfo) -> type[GenericObject]:
    key = (info.api_version, info.kind)
    cls = _GENERIC.get(key)
    if cls is None:
        cls = _GENERIC[key] = type(info.kind, (GenericObject,), {"API_VERSION": info.api_version, "KIND": info.kind})
    return cls


def model_class(info: ResourceInfo) -> type[KubeObject]:
    return model_for(info.group, info.kind) or generic_model(info)


def resource_for(registry: Registry, data: dict[str, Any]) -> ResourceInfo:
    api_version, kind = data.get("apiVersion") or "", data.get("kind") or ""
    info = registry.by_kind(api_version, kind)
    if info is None:
        raise NoKindMatch(kind, api_version)
    return info


def decode(registry: Registry, data: dict[str, Any]) -> KubeObject:
    """A typed object from its JSON form; strict like the API server with `fieldValidation=Strict`."""
    info = resource_for(registry, data)
    cls = model_class(info)
    try:
        obj = cls.model_validate(drop_nulls(data))
    except ValidationError as err:
        raise DecodeError(info.kind, info.version, describe_validation_error(err)) from None
    if isinstance(obj, GenericObject):  # its apiVersion and kind are extra fields, kept by their JSON names
        obj.__pydantic_extra__.update(apiVersion=info.api_version, kind=info.kind)
    else:
        obj.api_version, obj.kind = info.api_version, info.kind
    return obj


def drop_nulls(value: Any) -> Any:
    """Go decodes `field: null` (or a YAML key left blank) as the zero value: the same as leaving it out."""
    if isinstance(value, dict):
        return {k: drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_nulls(v) for v in value]
    return value


def describe_validation_error(err: ValidationError) -> str:
    """The first problem pydantic found, in the words of the API server's decoder."""
    unknown = [e for e in err.errors() if e["type"] == "extra_forbidden"]
    if unknown:
        fields = ", ".join(f'unknown field "{_path(e["loc"])}"' for e in unknown)
        return f"strict decoding error: {fields}"
    e = err.errors()[0]
    path = _path(e["loc"])
    if e["type"] == "value_error":
        return str(e.get("ctx", {}).get("error", e["msg"]))
    if e["type"] == "missing":
        return f'missing required field "{path}"'
    go_type = {"int_parsing": "int32", "int_type": "int32", "bool_parsing": "bool", "bool_type": "bool",
               "string_type": "string", "dict_type": "map[string]string", "list_type": "array",
               "model_type": "object", "model_attributes_type": "object"}.get(e["type"], "value")
    got = _json_type(e.get("input"))
    return f"json: cannot unmarshal {got} into Go struct field .{path} of type {go_type}"


def _path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not str(part).startswith(("function-", "union[", "int", "str")) or out == "":
            out += ("." if out else "") + str(part)
    return out


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"




# OpenAPI definition prefixes of the modules that hold each API group's models.
DEFINITION_PREFIX = {
    "kubenb.api.core": "io.k8s.api.core.v1", "kubenb.api.apps": "io.k8s.api.apps.v1",
    "kubenb.api.batch": "io.k8s.api.batch.v1", "kubenb.api.networking": "io.k8s.api.networking.v1",
    "kubenb.api.storage": "io.k8s.api.storage.v1", "kubenb.api.rbac": "io.k8s.api.rbac.v1",
    "kubenb.api.discovery": "io.k8s.api.discovery.v1", "kubenb.api.meta": "io.k8s.apimachinery.pkg.apis.meta.v1",
}


def schema_error(registry: Registry, data: dict[str, Any]) -> str | None:
    """kubectl ≤1.24's client-side schema check: `ValidationError(Deployment.spec): unknown field "replica" in
    io.k8s.api.apps.v1.DeploymentSpec`, or None when the object is well-formed."""
    info = resource_for(registry, data)
    cls = model_class(info)
    try:
        cls.model_validate(drop_nulls(data))
    except ValidationError as err:
        unknown = next((e for e in err.errors() if e["type"] == "extra_forbidden"), None)
        if unknown is None:
            return None  # type errors are left to the server, as kubectl did
        return _unknown_field_text(info.kind, cls, unknown["loc"])
    return None


def _unknown_field_text(kind: str, cls: type, loc: tuple) -> str:
    import typing

    from pydantic import BaseModel

    path, current = kind, cls
    for part in loc[:-1]:
        if isinstance(part, int):
            path += f"[{part}]"
            continue
        field = next((f for n, f in current.model_fields.items() if (f.alias or n) == part), None)
        path += f".{part}"
        if field is None:
            break
        stack = [field.annotation]
        while stack:
            t = stack.pop()
            if isinstance(t, type) and issubclass(t, BaseModel):
                current = t
                break
            stack.extend(typing.get_args(t))
    definition = f"{DEFINITION_PREFIX.get(current.__module__, 'io.k8s.api')}.{current.__name__}"
    return f'ValidationError({path}): unknown field "{loc[-1]}" in {definition}'
