"""Field ownership (`metadata.managedFields`), kept as structured-merge-diff keeps it.

Every write through the API records who set what. An object is flattened into paths (`f:spec`,
`f:replicas`; keyed list items `k:{"name":"nginx"}`), each a leaf (a value), a node (a struct or a
map with members) or a keyed list item. Two operations change the owners:

- **Update** (create, PUT, the classic patches, `scale`, `status`): the paths the write added or
  changed go to its manager — taken from everyone else, never a conflict — and the paths it
  removed leave every manager.
- **Apply** (`application/apply-patch+yaml`): the manager owns exactly the fields of its applied
  configuration; changing a value another manager owns is a conflict unless `force=true`, which
  takes the field over.

A manager is identified by name, operation, subresource and — for `Update` — the apiVersion it
wrote, as upstream's `BuildManagerIdentifier`. What creating an object owns follows from comparing
it with Go's zero value of the kind, where structs embedded by value (`spec`, `spec.template`, …)
are already present: that is why a created Deployment's entry has `.: {}` under `f:labels` or a
container's `f:ports` but not under `f:spec`. Lists are keyed by their merge keys (ports by port
and protocol, TCP when left out); other lists, and label selectors, are atomic.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Optional

from kubenb.kubectl import merge
from kubenb.store.errors import StatusError

Path = tuple[str, ...]
LEAF, NODE, ITEM = "leaf", "node", "item"
# metadata the server sets (or that names the object): nobody owns it
SERVER_SET = {"name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
              "deletionGracePeriodSeconds", "managedFields", "selfLink"}
# fields present in a Go zero value: structs embedded by value, and `containers` (a list without omitempty)
ZERO_PRESENT = {"f:metadata", "f:spec", "f:template", "f:strategy", "f:updateStrategy", "f:resources",
                "f:containers"}
KEY_DEFAULTS = {"protocol": "TCP"}


# ---------------------------------------------------------------------------- paths


def flatten(obj: dict, scope: str = "") -> dict[Path, tuple[str, Any]]:
    """Every owned path of an object: `scope` "status" keeps only its status, "" everything but."""
    out: dict[Path, tuple[str, Any]] = {}
    for key, value in obj.items():
        if key in ("apiVersion", "kind") or value is None or (key == "status") != (scope == "status"):
            continue
        if key == "metadata" and isinstance(value, dict):
            value = {k: v for k, v in value.items() if k not in SERVER_SET}
            if not value:
                continue
        _walk(value, (f"f:{key}",), key, "", out)
    return out


def _walk(value: Any, path: Path, key: str, parent: str, out: dict[Path, tuple[str, Any]]) -> None:
    if isinstance(value, dict) and value and not _atomic(key, value):
        out[path] = (NODE, None)
        for k, v in value.items():
            if v is not None:
                _walk(v, (*path, f"f:{k}"), k, key, out)
        return
    if isinstance(value, list) and value:
        keys = list_keys(key, parent)
        elements = [item_element(i, keys) for i in value] if keys else [None]
        if None not in elements:
            out[path] = (NODE, None)
            for element, item in zip(elements, value, strict=True):
                out[(*path, element)] = (ITEM, None)
                for k, v in item.items():
                    if v is not None:
                        _walk(v, (*path, element, f"f:{k}"), k, key, out)
            return
    out[path] = (LEAF, value)


def _atomic(key: str, value: dict) -> bool:
    return key == "selector" and ("matchLabels" in value or "matchExpressions" in value)


def list_keys(key: str, parent: str) -> Optional[list[str]]:
    merge_key = merge.merge_key_of(key, parent)
    if not merge_key:
        return None
    return [merge_key, "protocol"] if key == "ports" else [merge_key]


def item_element(item: Any, keys: Optional[list[str]]) -> Optional[str]:
    if not isinstance(item, dict) or not keys:
        return None
    values = {}
    for k in keys:
        v = item.get(k, KEY_DEFAULTS.get(k))
        if v is None:
            return None
        values[k] = v
    return "k:" + json.dumps(values, separators=(",", ":"))


def field_set(flat: dict[Path, tuple[str, Any]]) -> set[Path]:
    """What an applied configuration owns: its leaves and its keyed list items (ToFieldSet)."""
    return {p for p, (kind, _) in flat.items() if kind != NODE}


def compare(before: dict[Path, tuple[str, Any]], after: dict[Path, tuple[str, Any]]) -> tuple[set[Path], set[Path]]:
    """(added or modified, removed) between two flattened objects, as structured-merge-diff's Compare."""
    changed = {p for p, entry in after.items() if before.get(p) != entry and not (entry[0] == NODE and p in before)}
    removed = {p for p in before if p not in after}
    return changed, removed


def zero_value(after: dict[Path, tuple[str, Any]]) -> dict[Path, tuple[str, Any]]:
    """The paths of Go's zero value of the kind that `after` also has (what creating it compares with)."""
    return {p: (NODE, None) for p, (kind, _) in after.items() if kind == NODE and all(e in ZERO_PRESENT for e in p)}


def path_string(path: Path) -> str:
    """fieldpath's `Path.String()`: `.spec.replicas`, `.spec.template.spec.containers[name="nginx"].image`."""
    out = ""
    for element in path:
        if element.startswith("f:"):
            out += "." + element[2:]
        else:
            keys = json.loads(element[2:])
            out += "[" + ",".join(f"{k}={json.dumps(v)}" for k, v in keys.items()) + "]"
    return out


def to_fields_v1(paths: set[Path]) -> dict[str, Any]:
    """A set as `FieldsV1`: `.` marks a member that also has members below it; keys sorted as upstream."""
    tree: dict[str, Any] = {}
    for path in paths:
        node = tree
        for element in path:
            node = node.setdefault(element, {})
        node["."] = {}
    return _finish(tree)


def _finish(node: dict[str, Any]) -> dict[str, Any]:
    children = {k: _finish(v) for k, v in node.items() if k != "."}
    out: dict[str, Any] = {".": {}} if "." in node and children else {}
    for k in sorted(children, key=lambda e: (e[0] != "f", e)):
        out[k] = children[k]
    return out


def from_fields_v1(tree: Any, prefix: Path = ()) -> set[Path]:
    out: set[Path] = set()
    if not isinstance(tree, dict):
        return out
    for k, v in tree.items():
        if k == ".":
            out.add(prefix)
        elif not v:
            out.add((*prefix, k))
        else:
            out |= from_fields_v1(v, (*prefix, k))
    return out


# ---------------------------------------------------------------------------- managers


@dataclass
class Manager:
    manager: str
    operation: str
    api_version: str
    subresource: str
    time: str
    fields: set[Path]

    @property
    def identity(self) -> str:
        """upstream's manager identifier: the entry's JSON without fields and time (nor apiVersion when applying)."""
        data = {"manager": self.manager, "operation": self.operation}
        if self.operation != "Apply":
            data["apiVersion"] = self.api_version
        if self.subresource:
            data["subresource"] = self.subresource
        return json.dumps(data, separators=(",", ":"))

    def describe(self) -> str:
        """`printManager`: how a conflict names it."""
        text = json.dumps(self.manager)
        if self.subresource:
            text += f" with subresource {json.dumps(self.subresource)}"
        return f"{text} using {self.api_version}" if self.operation == "Update" else text

    def entry(self) -> dict[str, Any]:
        out = {"manager": self.manager, "operation": self.operation, "apiVersion": self.api_version,
               "time": self.time, "fieldsType": "FieldsV1", "fieldsV1": to_fields_v1(self.fields)}
        if self.subresource:
            out["subresource"] = self.subresource
        return out


def managers_of(obj: Optional[dict]) -> dict[str, Manager]:
    out: dict[str, Manager] = {}
    for e in ((obj or {}).get("metadata") or {}).get("managedFields") or []:
        m = Manager(e.get("manager", ""), e.get("operation", ""), e.get("apiVersion", ""), e.get("subresource", ""),
                    e.get("time", ""), from_fields_v1(e.get("fieldsV1")))
        out[m.identity] = m
    return out


def encode(managers: dict[str, Manager]) -> list[dict[str, Any]]:
    """The entries in upstream's order: Apply before Update, then by time, manager, apiVersion, subresource."""
    kept = [m for m in managers.values() if m.fields]
    kept.sort(key=lambda m: (m.operation, m.time, m.manager, m.api_version, m.subresource))
    return [m.entry() for m in kept]


class ApplyConflict(StatusError):
    """`errors.NewApplyConflict`: 409 Conflict, one `FieldManagerConflict` cause per field."""

    def __init__(self, conflicts: list[tuple[Manager, Path]]) -> None:
        if len(conflicts) == 1:
            manager, path = conflicts[0]
            message = f"Apply failed with 1 conflict: conflict with {manager.describe()}: {path_string(path)}"
        else:
            lines: list[str] = []
            for identity in sorted({m.identity for m, _ in conflicts}):
                owned = [(m, p) for m, p in conflicts if m.identity == identity]
                lines.append(f"conflicts with {owned[0][0].describe()}:")
                lines.extend(f"- {path_string(p)}" for _, p in owned)
            message = f"Apply failed with {len(conflicts)} conflicts: " + "\n".join(lines)
        super().__init__("Conflict", 409, message)
        self.conflicts = conflicts

    def to_status(self) -> dict[str, Any]:
        out = super().to_status()
        causes = [{"reason": "FieldManagerConflict", "message": f"conflict with {m.describe()}",
                   "field": path_string(p)} for m, p in self.conflicts]
        return {**{k: v for k, v in out.items() if k != "code"}, "details": {"causes": causes}, "code": out["code"]}


def update(live: Optional[dict], new: dict, manager: str, api_version: str, now: str,
           subresource: str = "") -> list[dict[str, Any]]:
    """The managedFields after `manager` wrote `new` over `live` (None: created) with an Update."""
    managers = managers_of(live)
    scope = "status" if subresource == "status" else ""
    after = flatten(new, scope)
    before = flatten(live, scope) if live is not None else zero_value(after)
    changed, removed = compare(before, after)
    if not changed and not removed:
        return encode(managers)
    mine = Manager(manager, "Update", api_version, subresource, now, set())
    previous = managers.pop(mine.identity, None)
    for other in managers.values():
        other.fields -= changed | removed
    mine.fields = ((previous.fields if previous else set()) - removed) | changed
    managers[mine.identity] = mine
    return encode(managers)


def apply(live: Optional[dict], config: dict, new: dict, manager: str, now: str, force: bool) -> list[dict[str, Any]]:
    """The managedFields after `manager` applied `config`, giving `new`; an :class:`ApplyConflict` when it
    would change fields others own and `force` is not set."""
    managers = managers_of(live)
    after = flatten(new)
    changed, removed = compare(flatten(live) if live is not None else {}, after)
    mine = Manager(manager, "Apply", config.get("apiVersion", ""), "", now, field_set(flatten(config)))
    managers.pop(mine.identity, None)
    conflicts = [(m, p) for _, m in sorted(managers.items()) for p in sorted(m.fields & changed)]
    if conflicts and not force:
        raise ApplyConflict(conflicts)
    for other in managers.values():
        other.fields -= changed | removed
    managers[mine.identity] = mine
    return encode(managers)
