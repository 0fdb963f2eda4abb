"""The three patch formats the API server accepts, applied to plain JSON values (dicts and lists).

* :func:`strategic_merge` — Kubernetes' strategic merge patch (``application/strategic-merge-patch+json``,
  ``k8s.io/apimachinery/pkg/util/strategicpatch``): maps merge recursively, ``null`` deletes a key,
  lists follow the ``patchStrategy``/``patchMergeKey`` tags of the Go types (containers merge by
  ``name``, container ports by ``containerPort``, ...; untagged lists are replaced), and the
  directives ``$patch: replace|delete|merge``, ``$setElementOrder/<list>``, ``$retainKeys`` and
  ``$deleteFromPrimitiveList/<list>`` are honoured.
* :func:`json_merge` — RFC 7386 JSON merge patch (``application/merge-patch+json``): maps merge,
  ``null`` deletes, everything else (lists included) is replaced.
* :func:`json_patch` — RFC 6902 JSON patch (``application/json-patch+json``): a list of ``add``,
  ``remove``, ``replace``, ``move``, ``copy`` and ``test`` operations on JSON pointers.

Every function works on a private deep copy and never mutates its arguments. Failures raise
:class:`PatchError` subclasses carrying the API server's wording (see :func:`status_error`).

The strategic-merge schema comes from the typed models: a field's nested model is found from the
pydantic annotations, and the patch tags (which Go keeps in struct tags, and the OpenAPI spec as
``x-kubernetes-patch-strategy``/``x-kubernetes-patch-merge-key``) are listed in :data:`PATCH_TAGS`.
"""

from __future__ import annotations

import copy
import json
import typing
from typing import Any, Optional

from pydantic import BaseModel

DIRECTIVE = "$patch"
RETAIN_KEYS = "$retainKeys"
SET_ELEMENT_ORDER = "$setElementOrder/"
DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList/"

# (Go struct, JSON field) -> (patchStrategy, patchMergeKey), from the struct tags of k8s.io/api.
PATCH_TAGS: dict[tuple[str, str], tuple[str, str]] = {
    ("ObjectMeta", "finalizers"): ("merge", ""),
    ("ObjectMeta", "ownerReferences"): ("merge", "uid"),
    ("PodSpec", "volumes"): ("merge,retainKeys", "name"),
    ("PodSpec", "initContainers"): ("merge", "name"),
    ("PodSpec", "containers"): ("merge", "name"),
    ("PodSpec", "ephemeralContainers"): ("merge", "name"),
    ("PodSpec", "imagePullSecrets"): ("merge", "name"),
    ("PodSpec", "hostAliases"): ("merge", "ip"),
    ("PodSpec", "topologySpreadConstraints"): ("merge", "topologyKey"),
    ("PodSpec", "resourceClaims"): ("merge,retainKeys", "name"),
    ("PodSpec", "schedulingGates"): ("merge", "name"),
    ("Container", "ports"): ("merge", "containerPort"),
    ("Container", "env"): ("merge", "name"),
    ("Container", "volumeMounts"): ("merge", "mountPath"),
    ("Container", "volumeDevices"): ("merge", "devicePath"),
    ("EphemeralContainer", "ports"): ("merge", "containerPort"),
    ("EphemeralContainer", "env"): ("merge", "name"),
    ("EphemeralContainer", "volumeMounts"): ("merge", "mountPath"),
    ("EphemeralContainer", "volumeDevices"): ("merge", "devicePath"),
    ("PodStatus", "conditions"): ("merge", "type"),
    ("PodStatus", "podIPs"): ("merge", "ip"),
    ("PodStatus", "hostIPs"): ("merge", "ip"),
    ("PodStatus", "resourceClaimStatuses"): ("merge,retainKeys", "name"),
    ("ServiceSpec", "ports"): ("merge", "port"),
    ("ServiceStatus", "conditions"): ("merge", "type"),
    ("NodeSpec", "podCIDRs"): ("merge", ""),
    ("NodeStatus", "conditions"): ("merge", "type"),
    ("NodeStatus", "addresses"): ("merge", "type"),
    ("ServiceAccount", "secrets"): ("merge", "name"),
    ("NamespaceStatus", "conditions"): ("merge", "type"),
    ("PersistentVolumeClaimStatus", "conditions"): ("merge", "type"),
    ("ReplicationControllerStatus", "conditions"): ("merge", "type"),
    ("DeploymentSpec", "strategy"): ("retainKeys", ""),
    ("DeploymentStatus", "conditions"): ("merge", "type"),
    ("ReplicaSetStatus", "conditions"): ("merge", "type"),
    ("StatefulSetStatus", "conditions"): ("merge", "type"),
    ("DaemonSetStatus", "conditions"): ("merge", "type"),
    ("JobStatus", "conditions"): ("merge", "type"),
}


# ---------------------------------------------------------------------------- errors


class PatchError(ValueError):
    """A patch the API server refuses. `reason`/`code` say how (see :func:`status_error`)."""

    reason = "BadRequest"
    code = 400


class BadRequest(PatchError):
    pass


class Unprocessable(PatchError):
    """422 without details: kubectl prints only `The request is invalid`."""

    reason = "Invalid"
    code = 422


class InternalError(PatchError):
    """An error the patch code returns unwrapped: the API server answers 500 with no reason."""

    reason = ""
    code = 500


def status_error(err: PatchError) -> Any:
    """The :class:`~kubenb.store.errors.StatusError` the API server answers a failed patch with."""
    from kubenb.store.errors import StatusError

    if isinstance(err, Unprocessable):
        return StatusError("Invalid", 422, "the server rejected our request due to an error in our request")
    return StatusError(err.reason, err.code, str(err))


# ---------------------------------------------------------------------------- Go formatting


def go_value(value: Any) -> str:
    """`fmt.Sprintf("%v")` of a decoded JSON value (maps print as `map[k:v ...]`, keys sorted)."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{go_value(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(go_value(v) for v in value) + "]"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ---------------------------------------------------------------------------- schema lookup


class Schema:
    """Where a JSON value sits in the Go types: the model class (or None when unknown)."""

    def __init__(self, model: Optional[type]) -> None:
        self.model = model

    def field(self, key: str) -> tuple[Schema, str, str]:
        """(schema of the field's value or list items, patch strategy, merge key)."""
        if self.model is None:
            return Schema(None), "", ""
        for name, info in self.model.model_fields.items():
            if (info.alias or name) == key:
                strategy, merge_key = _tags(self.model, key)
                return Schema(_model_in(info.annotation)), strategy, merge_key
        return Schema(None), "", ""


def _tags(model: type, key: str) -> tuple[str, str]:
    for cls in model.__mro__:
        tags = PATCH_TAGS.get((cls.__name__, key))
        if tags is not None:
            return tags
    return "", ""


def _model_in(annotation: Any) -> Optional[type]:
    """The pydantic model inside `Optional[list[Model]]`, `Model`, ... (None for maps and scalars)."""
    stack = [annotation]
    while stack:
        t = stack.pop()
        if isinstance(t, type) and issubclass(t, BaseModel):
            return t
        origin = typing.get_origin(t)
        if origin is dict:
            return None
        stack.extend(typing.get_args(t))
    return None


def schema_for(obj_or_class: Any) -> Schema:
    cls = obj_or_class if isinstance(obj_or_class, type) else type(obj_or_class)
    from kubenb.api.codec import GenericObject

    if issubclass(cls, GenericObject):
        return Schema(None)
    return Schema(cls)


# ---------------------------------------------------------------------------- strategic merge patch


def strategic_merge(original: dict, patch: Any, schema: Schema) -> dict:
    """`strategicpatch.StrategicMergePatch` with the API server's options (parallel lists, unmatched
    nulls ignored)."""
    if not isinstance(patch, dict):
        raise BadRequest(f"json: cannot unmarshal {_json_kind(patch)} into Go value of type map[string]interface {{}}")
    if not isinstance(original, dict):
        raise BadRequest("invalid JSON document")
    return _merge_map(copy.deepcopy(original), copy.deepcopy(patch), schema)


def _merge_map(original: Optional[dict], patch: dict, schema: Schema) -> dict:
    if DIRECTIVE in patch:
        directive = patch[DIRECTIVE]
        if directive == "replace":
            return _strip_directives({k: v for k, v in patch.items() if k != DIRECTIVE})
        if directive == "delete":
            return {}
        if directive != "merge":
            raise InternalError(f"unknown patch type: {go_value(directive)} in map: {go_value(patch)}")
        patch = {k: v for k, v in patch.items() if k != DIRECTIVE}
    if original is None:
        original = {}
    _apply_retain_keys(original, patch)
    _merge_set_element_order(original, patch, schema)
    for key in list(patch):
        value = patch[key]
        if key.startswith(DELETE_FROM_PRIMITIVE_LIST):
            target = key[len(DELETE_FROM_PRIMITIVE_LIST):]
            if not isinstance(value, list):
                raise BadRequest("invalid patch format of primitive list")
            current = original.get(target)
            if isinstance(current, list):
                original[target] = [v for v in current if v not in value]
            continue
        if key.startswith(SET_ELEMENT_ORDER) or key == RETAIN_KEYS:
            continue
        if value is None:
            original.pop(key, None)
            continue
        sub, strategy, merge_key = schema.field(key)
        if key not in original:
            original[key] = _strip_directives(_drop_nulls(value))
            continue
        current = original[key]
        if isinstance(current, dict) and isinstance(value, dict):
            original[key] = _merge_map(current, value, sub)
        elif isinstance(current, list) and isinstance(value, list):
            original[key] = _merge_list(current, value, sub, strategy, merge_key)
        else:
            original[key] = _strip_directives(_drop_nulls(value))
    return original


def _apply_retain_keys(original: dict, patch: dict) -> None:
    if RETAIN_KEYS not in patch:
        return
    keep = patch.pop(RETAIN_KEYS)
    if not isinstance(keep, list):
        raise BadRequest("invalid patch format of retainKeys")
    for k, v in patch.items():
        if v is None or k.startswith((DELETE_FROM_PRIMITIVE_LIST, SET_ELEMENT_ORDER)) or k == DIRECTIVE:
            continue
        if k not in keep:
            raise BadRequest("invalid patch format of retainKeys")
    for k in list(original):
        if k not in keep:
            del original[k]


def _merge_set_element_order(original: dict, patch: dict, schema: Schema) -> None:
    """`mergePatchIntoOriginal`: merge each list named by a `$setElementOrder/<list>` directive, then
    order it: the directive's order first, items only on the server kept in their relative place."""
    for key in [k for k in patch if k.startswith(SET_ELEMENT_ORDER)]:
        order = patch.pop(key)
        target = key[len(SET_ELEMENT_ORDER):]
        if not isinstance(order, list):
            raise BadRequest("invalid patch format of setElementOrder list")
        sub, strategy, merge_key = schema.field(target)
        if "merge" not in strategy.split(","):
            continue  # only merged lists carry an order directive; a replaced list keeps the patch's order
        current = original.get(target)
        current = current if isinstance(current, list) else []
        value = patch.pop(target, None)
        value = value if isinstance(value, list) else []
        merged = _merge_list(current, value, sub, strategy, merge_key)
        in_order = [m for m in merged if _present(m, order, merge_key)]
        server_only = [m for m in merged if not _present(m, order, merge_key)]
        in_order = _sort_by(in_order, order, merge_key)
        server_only = _sort_by(server_only, current, merge_key)
        original[target] = _merge_sorted(server_only, in_order, current, merge_key)


def _merge_list(original: list, patch: list, schema: Schema, strategy: str, merge_key: str) -> list:
    if "merge" not in strategy.split(","):
        return _strip_directives(_drop_nulls(patch))
    if not original and not patch:
        return original
    items = original + patch
    if any(isinstance(i, list) for i in items):
        raise Unprocessable("lists of lists are not supported")
    if not any(isinstance(i, dict) for i in items):
        merged = _dedupe(original + patch)
        patch_items = [m for m in merged if m in patch]
        server_only = [m for m in merged if m not in patch]
        return _merge_sorted(_sort_by(server_only, original, ""), _sort_by(patch_items, patch, ""), original, "")
    if not merge_key:
        raise InternalError(f"cannot merge lists without merge key for {schema.model.__name__ if schema.model else ''}")
    replace = False
    plain: list = []
    for item in patch:
        if not isinstance(item, dict):
            raise InternalError(f"unable to find api field in struct for the merge key {merge_key}")
        directive = item.get(DIRECTIVE)
        if directive is None:
            plain.append(item)
        elif directive == "delete":
            if merge_key not in item:
                raise InternalError(f"map: {go_value(item)} does not contain declared merge key: {merge_key}")
            original = [o for o in original if not (isinstance(o, dict) and o.get(merge_key) == item[merge_key])]
        elif directive == "replace":
            replace = True
        elif directive == "merge":
            raise InternalError("merging lists cannot yet be specified in the patch")
        else:
            raise InternalError(f"unknown patch type: {go_value(directive)} in map: {go_value(item)}")
    if replace:
        return _strip_directives(_drop_nulls(plain))
    merged = [copy.deepcopy(o) for o in original]
    for item in plain:
        if merge_key not in item:
            raise InternalError(f"map: {go_value(item)} does not contain declared merge key: {merge_key}")
        index = next((i for i, o in enumerate(merged) if isinstance(o, dict) and o.get(merge_key) == item[merge_key]), -1)
        if index >= 0:
            merged[index] = _merge_map(merged[index], item, schema)
        else:
            merged.append(_strip_directives(_drop_nulls(item)))
    patch_items = [m for m in merged if _present(m, plain, merge_key)]
    server_only = [m for m in merged if not _present(m, plain, merge_key)]
    return _merge_sorted(_sort_by(server_only, original, merge_key), _sort_by(patch_items, plain, merge_key),
                         original, merge_key)


def _key_of(item: Any, merge_key: str) -> Any:
    if merge_key and isinstance(item, dict):
        return json.dumps(item.get(merge_key), sort_keys=True)
    return json.dumps(item, sort_keys=True)


def _present(item: Any, items: list, merge_key: str) -> bool:
    key = _key_of(item, merge_key)
    return any(_key_of(i, merge_key) == key for i in items)


def _index(items: list, item: Any, merge_key: str) -> int:
    key = _key_of(item, merge_key)
    for i, candidate in enumerate(items):
        if _key_of(candidate, merge_key) == key:
            return i
    return -1


def _sort_by(items: list, order: list, merge_key: str) -> list:
    """`normalizeSliceOrder`: a stable sort of `items` by their position in `order`."""
    return sorted(items, key=lambda it: (_index(order, it, merge_key) < 0, _index(order, it, merge_key)))


def _merge_sorted(left: list, right: list, server_order: list, merge_key: str) -> list:
    """`mergeSortedSlice`: insert the server-only items (`left`) among the patch items (`right`)."""
    out: list = []
    i = j = 0
    while i < len(left) or j < len(right):
        if i >= len(left):
            out.append(right[j])
            j += 1
        elif j >= len(right):
            out.append(left[i])
            i += 1
        else:
            li, ri = _index(server_order, left[i], merge_key), _index(server_order, right[j], merge_key)
            if li >= 0 and ri >= 0 and li < ri:
                out.append(left[i])
                i += 1
            else:
                out.append(right[j])
                j += 1
    return out


def _dedupe(items: list) -> list:
    out: list = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def _drop_nulls(value: Any) -> Any:
    """`discardNullValuesFromPatch`: nulls inside a value added wholesale mean nothing."""
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nulls(v) for v in value]
    return value


def _strip_directives(value: Any) -> Any:
    """A value copied from the patch without the directives meant for merging (and `$patch: delete`
    items, which delete nothing when there is nothing to merge with)."""
    if isinstance(value, dict):
        return {k: _strip_directives(v) for k, v in value.items()
                if not (k == DIRECTIVE or k == RETAIN_KEYS or k.startswith((SET_ELEMENT_ORDER, DELETE_FROM_PRIMITIVE_LIST)))}
    if isinstance(value, list):
        return [_strip_directives(v) for v in value if not (isinstance(v, dict) and v.get(DIRECTIVE) == "delete")]
    return value


# ---------------------------------------------------------------------------- RFC 7386


def json_merge(original: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    target = copy.deepcopy(original) if isinstance(original, dict) else {}
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = json_merge(target.get(key), value)
    return target


# ---------------------------------------------------------------------------- RFC 6902


def json_patch(original: Any, operations: Any) -> Any:
    """RFC 6902 JSON patch. A malformed patch document is a BadRequest; an operation that does not
    apply is answered 422 (`The request is invalid`)."""
    if not isinstance(operations, list):
        raise BadRequest(f"json: cannot unmarshal {_json_kind(operations)} into Go value of type jsonpatch.Patch")
    for op in operations:
        if not isinstance(op, dict):
            raise BadRequest(f"json: cannot unmarshal {_json_kind(op)} into Go value of type jsonpatch.Operation")
    doc = copy.deepcopy(original)
    for op in operations:
        kind = op.get("op")
        if kind == "add":
            doc = _add(doc, _path(op, "path"), _value(op))
        elif kind == "remove":
            doc, _ = _remove(doc, _path(op, "path"))
        elif kind == "replace":
            doc = _replace(doc, _path(op, "path"), _value(op))
        elif kind == "move":
            doc, value = _remove(doc, _path(op, "from"))
            doc = _add(doc, _path(op, "path"), value)
        elif kind == "copy":
            doc = _add(doc, _path(op, "path"), copy.deepcopy(_get(doc, _path(op, "from"))))
        elif kind == "test":
            if _get(doc, _path(op, "path")) != op.get("value"):
                raise Unprocessable(f"testing value {op.get('path')} failed: test failed")
        else:
            raise Unprocessable(f"Unexpected kind: {kind}")
    return doc


def _path(op: dict, field: str) -> list[str]:
    text = op.get(field)
    if not isinstance(text, str):
        raise Unprocessable(f"operation missing {field} field")
    if text == "":
        return []
    if not text.startswith("/"):
        raise Unprocessable(f"add operation does not apply: doc is missing path: {text!r}")
    return [p.replace("~1", "/").replace("~0", "~") for p in text[1:].split("/")]


def _value(op: dict) -> Any:
    if "value" not in op:
        raise Unprocessable(f"{op.get('op')} operation missing value")
    return copy.deepcopy(op["value"])


def _container(doc: Any, path: list[str]) -> tuple[Any, str]:
    if not path:
        raise Unprocessable("doc is missing path")
    node = doc
    for part in path[:-1]:
        node = _child(node, part)
    return node, path[-1]


def _child(node: Any, part: str) -> Any:
    if isinstance(node, dict):
        if part not in node:
            raise Unprocessable(f"doc is missing key: {part}")
        return node[part]
    if isinstance(node, list):
        return node[_list_index(node, part, allow_end=False)]
    raise Unprocessable(f"doc is missing path: {part}")


def _list_index(items: list, part: str, allow_end: bool) -> int:
    if part == "-" and allow_end:
        return len(items)
    if not part.isdigit() and not (part.startswith("-") and part[1:].isdigit()):
        raise Unprocessable(f"invalid index: {part}")
    index = int(part)
    limit = len(items) if allow_end else len(items) - 1
    if index < 0 or index > limit:
        raise Unprocessable(f"Unable to access invalid index: {index}")
    return index


def _get(doc: Any, path: list[str]) -> Any:
    node = doc
    for part in path:
        node = _child(node, part)
    return node


def _add(doc: Any, path: list[str], value: Any) -> Any:
    if not path:
        return value
    parent, last = _container(doc, path)
    if isinstance(parent, dict):
        parent[last] = value
    elif isinstance(parent, list):
        parent.insert(_list_index(parent, last, allow_end=True), value)
    else:
        raise Unprocessable("add operation does not apply: doc is missing path")
    return doc


def _remove(doc: Any, path: list[str]) -> tuple[Any, Any]:
    parent, last = _container(doc, path)
    if isinstance(parent, dict):
        if last not in parent:
            raise Unprocessable(f"remove operation does not apply: doc is missing key: {last}")
        return doc, parent.pop(last)
    if isinstance(parent, list):
        return doc, parent.pop(_list_index(parent, last, allow_end=False))
    raise Unprocessable("remove operation does not apply: doc is missing path")


def _replace(doc: Any, path: list[str], value: Any) -> Any:
    if not path:
        return value
    parent, last = _container(doc, path)
    if isinstance(parent, dict):
        if last not in parent:
            raise Unprocessable(f"replace operation does not apply: doc is missing key: {last}")
        parent[last] = value
    elif isinstance(parent, list):
        parent[_list_index(parent, last, allow_end=False)] = value
    else:
        raise Unprocessable("replace operation does not apply: doc is missing path")
    return doc


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "bool"
    if value is None:
        return "null"
    return "number"


# ---------------------------------------------------------------------------- one entry point


PATCH_TYPES = {"json": "json", "merge": "merge", "strategic": "strategic"}


def apply_patch(patch_type: str, original: dict, patch: Any, model: Any = None) -> Any:
    """Apply a patch of `patch_type` (`strategic`, `merge` or `json`) to the JSON form `original`
    of an object whose model class is `model`."""
    if patch_type == "json":
        return json_patch(original, patch)
    if patch_type == "merge":
        return json_merge(original, patch)
    return strategic_merge(original, patch, schema_for(model) if model is not None else Schema(None))
