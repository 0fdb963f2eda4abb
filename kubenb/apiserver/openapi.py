"""OpenAPI v3 documents generated from the pydantic models, one per group-version, plus their index.

What uses them: `kubectl apply`/`create`/`replace` check that the resource's PATCH operation takes
a `fieldValidation` parameter before sending `fieldValidation=Strict` (kubectl ≥1.29), and
`kubectl explain` looks a kind up by `x-kubernetes-group-version-kind` and walks its schema. Each
struct becomes a schema named as upstream names it (`io.k8s.api.apps.v1.Deployment`), with the
strategic-merge tags (`x-kubernetes-patch-merge-key`/`-strategy`) of :data:`kubenb.kubectl.patch.PATCH_TAGS`
and the model's docstring as its description. Kinds kubenb does not model field by field are
objects that keep unknown fields.

The index's `serverRelativeURL` carries a hash of the document, so kubectl's HTTP cache refetches
a document exactly when it changes.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import typing
from typing import Any, Optional

from pydantic import BaseModel

from kubenb.api.codec import DEFINITION_PREFIX, GenericObject, model_class
from kubenb.api.registry import Registry, ResourceInfo
from kubenb.apiserver import openapiv2
from kubenb.kubectl.patch import PATCH_TAGS

META = "io.k8s.apimachinery.pkg.apis.meta.v1"


def group_version_path(info: ResourceInfo) -> str:
    return f"apis/{info.group}/{info.version}" if info.group else f"api/{info.version}"


class Documents:
    """The documents of one server (its registry is fixed, so each is built once, on first request)."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._docs: dict[str, bytes] = {}

    def paths(self) -> list[str]:
        return sorted({group_version_path(i) for i in self.registry.resources})

    def document(self, gv_path: str) -> Optional[bytes]:
        if gv_path not in self._docs:
            infos = [i for i in self.registry.resources if group_version_path(i) == gv_path]
            if not infos:
                return None
            self._docs[gv_path] = json.dumps(build(infos), separators=(",", ":")).encode()
        return self._docs[gv_path]

    def swagger(self, protobuf: bool) -> tuple[bytes, str]:
        """`/openapi/v2` in JSON or gnostic protobuf, with its ETag (built once, from the v3 documents)."""
        key = "v2.pb" if protobuf else "v2.json"
        if key not in self._docs:
            doc = openapiv2.swagger([json.loads(self.document(p) or b"{}") for p in self.paths()])
            self._docs[key] = openapiv2.to_protobuf(doc) if protobuf else json.dumps(doc, separators=(",", ":")).encode()
        body = self._docs[key]
        return body, openapiv2.etag(body)

    def index(self) -> dict[str, Any]:
        out = {}
        for path in self.paths():
            digest = hashlib.sha512(self.document(path) or b"").hexdigest().upper()
            out[path] = {"serverRelativeURL": f"/openapi/v3/{path}?hash={digest}"}
        return {"paths": out}


# ---------------------------------------------------------------------------- schemas


def schema_name(cls: type) -> str:
    prefix = DEFINITION_PREFIX.get(cls.__module__, f"io.k8s.kubenb.{cls.__module__.rpartition('.')[2]}")
    return f"{prefix}.{cls.__name__}"


def build(infos: list[ResourceInfo]) -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    paths: dict[str, Any] = {}
    for info in infos:
        cls = model_class(info)
        name = _kind_schema(cls, info, schemas)
        paths.update(_paths(info, name))
    gv = infos[0]
    return {"openapi": "3.0.0",
            "info": {"title": "Kubernetes", "version": "kubenb"},
            "paths": paths,
            "components": {"schemas": schemas, "securitySchemes": {"BearerToken": {
                "type": "apiKey", "name": "authorization", "in": "header",
                "description": "Bearer Token authentication"}}},
            "security": [{"BearerToken": []}],
            "x-kubenb-group-version": gv.api_version}


def _kind_schema(cls: type, info: ResourceInfo, schemas: dict[str, Any]) -> str:
    gvk = [{"group": info.group, "version": info.version, "kind": info.kind}]
    if issubclass(cls, GenericObject):
        name = f"io.k8s.kubenb.{info.group or 'core'}.{info.version}.{info.kind}"
        schemas[name] = {"type": "object", "description": f"{info.kind} (kubenb keeps its fields as given).",
                         "properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"},
                                        "metadata": _ref(f"{META}.ObjectMeta")},
                         "x-kubernetes-preserve-unknown-fields": True, "x-kubernetes-group-version-kind": gvk}
        _model_schema(_meta_class(), schemas)
        return name
    name = _model_schema(cls, schemas)
    schemas[name]["x-kubernetes-group-version-kind"] = gvk
    return name


def _meta_class() -> type:
    from kubenb.api.meta import ObjectMeta

    return ObjectMeta


def _model_schema(cls: type, schemas: dict[str, Any]) -> str:
    name = schema_name(cls)
    if name in schemas:
        return name
    schema: dict[str, Any] = {"type": "object"}
    schemas[name] = schema  # before the fields: models refer to themselves (JSONSchemaProps)
    doc = inspect.getdoc(cls)
    if doc and cls.__doc__ is not None and "__doc__" in cls.__dict__:
        schema["description"] = doc.split("\n\n")[0].replace("\n", " ")
    if cls.model_config.get("extra") == "allow":
        schema["x-kubernetes-preserve-unknown-fields"] = True
    props: dict[str, Any] = {}
    hints = typing.get_type_hints(cls, include_extras=True)
    for attr, field in cls.model_fields.items():
        key = field.alias or attr
        prop = _type_schema(hints.get(attr, field.annotation), schemas)
        if field.description:
            prop = {**prop, "description": field.description}
        strategy, merge_key = _tags(cls, key)
        if strategy:
            prop["x-kubernetes-patch-strategy"] = strategy
        if merge_key:
            prop["x-kubernetes-patch-merge-key"] = merge_key
            if prop.get("type") == "array":
                prop.update({"x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": [merge_key]})
        props[key] = prop
    required = [f.alias or a for a, f in cls.model_fields.items() if f.is_required()]
    schema["properties"] = props
    if required:
        schema["required"] = required
    return name


def _tags(cls: type, key: str) -> tuple[str, str]:
    for base in cls.__mro__:
        tags = PATCH_TAGS.get((base.__name__, key))
        if tags is not None:
            return tags
    return "", ""


def _type_schema(annotation: Any, schemas: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin is typing.Annotated:
        return _type_schema(args[0], schemas)
    if origin is typing.Union or (origin is not None and str(origin) == "<class 'types.UnionType'>"):
        if len(args) == 1:
            return _type_schema(args[0], schemas)
        kinds = {_type_schema(a, schemas).get("type") for a in args}
        if kinds == {"integer", "string"}:
            return {"type": "string", "format": "int-or-string", "x-kubernetes-int-or-string": True}
        return {"x-kubernetes-preserve-unknown-fields": True}
    if origin in (list, tuple, set):
        return {"type": "array", "items": _type_schema(args[0], schemas) if args else {}}
    if origin is dict:
        return {"type": "object", "additionalProperties": _type_schema(args[1], schemas) if len(args) > 1 else {}}
    if origin is typing.Literal:
        return {"type": "string", "enum": list(typing.get_args(annotation))}
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return _ref(_model_schema(annotation, schemas))
        if issubclass(annotation, bool):
            return {"type": "boolean"}
        if issubclass(annotation, int):
            return {"type": "integer", "format": "int32"}
        if issubclass(annotation, float):
            return {"type": "number", "format": "double"}
        if issubclass(annotation, str):
            return {"type": "string"}
    return {"x-kubernetes-preserve-unknown-fields": True}


def _ref(name: str) -> dict[str, Any]:
    return {"allOf": [{"$ref": f"#/components/schemas/{name}"}]}


# ---------------------------------------------------------------------------- paths


def _param(name: str, description: str, kind: str = "string") -> dict[str, Any]:
    return {"name": name, "in": "query", "description": description, "schema": {"type": kind, "uniqueItems": True}}


_WRITE_PARAMS = [
    _param("dryRun", "When present, indicates that modifications should not be persisted."),
    _param("fieldManager", "fieldManager is a name associated with the actor or entity that is making these changes."),
    _param("fieldValidation", "fieldValidation instructs the server on how to handle objects in the request "
           "containing unknown or duplicate fields. Valid values are: Ignore, Warn (the default) and Strict."),
]
_PATCH_TYPES = ("application/json-patch+json", "application/merge-patch+json",
                "application/strategic-merge-patch+json", "application/apply-patch+yaml")


def _paths(info: ResourceInfo, schema: str) -> dict[str, Any]:
    gvk = {"group": info.group, "version": info.version, "kind": info.kind}
    base = "/" + group_version_path(info)
    collection = f"{base}/namespaces/{{namespace}}/{info.plural}" if info.namespaced else f"{base}/{info.plural}"
    ok = {"200": {"description": "OK", "content": {"application/json": {"schema": _ref(schema)}}}}

    def op(action: str, verb: str, **extra: Any) -> dict[str, Any]:
        return {"operationId": f"{verb}{info.kind}", "responses": ok, "x-kubernetes-action": action,
                "x-kubernetes-group-version-kind": gvk, **extra}

    item: dict[str, Any] = {}
    coll: dict[str, Any] = {}
    verbs = set(info.verbs)
    body = {"content": {"*/*": {"schema": _ref(schema)}}, "required": True}
    if "get" in verbs:
        item["get"] = op("get", "read")
    if "update" in verbs:
        item["put"] = op("put", "replace", parameters=_WRITE_PARAMS, requestBody=body)
    if "patch" in verbs:
        item["patch"] = op("patch", "patch", requestBody={"content": {t: {"schema": {"type": "object"}} for t in _PATCH_TYPES},
                                                          "required": True},
                           parameters=[*_WRITE_PARAMS, _param("force", "Force is going to \"force\" Apply requests.",
                                                              "boolean")])
    if "delete" in verbs:
        item["delete"] = op("delete", "delete")
    if "list" in verbs:
        coll["get"] = op("list", "list")
    if "create" in verbs:
        coll["post"] = op("post", "create", parameters=_WRITE_PARAMS, requestBody=body)
    if "deletecollection" in verbs:
        coll["delete"] = op("deletecollection", "deleteCollection")
    out = {}
    if coll:
        out[collection] = coll
    if item:
        out[f"{collection}/{{name}}"] = item
    return out
