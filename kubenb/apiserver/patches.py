"""PATCH bodies by Content-Type, and server-side apply.

The three classic patch types are :mod:`kubenb.kubectl.patch` (the same code that serves kubenb's
own `kubectl patch`). Server-side apply (`application/apply-patch+yaml`) is approximated without
conflict detection: the applied configuration is merged into the live object three ways — the
fields this field manager applied last time (its `managedFields` entry, `fieldsV1`) are the
"original", so a field it no longer applies is removed, while fields set by anyone else stay — and
the manager's entry is rewritten. Conflicts between managers are not reported (as if `--force-conflicts`).
"""

from __future__ import annotations

import copy
import json
from typing import Any, Optional

from kubenb.kubectl import merge
from kubenb.kubectl import patch as patching
from kubenb.store.errors import StatusError

CONTENT_TYPES = {
    "application/strategic-merge-patch+json": "strategic",
    "application/merge-patch+json": "merge",
    "application/json-patch+json": "json",
    "application/apply-patch+yaml": "apply",
    "application/apply-patch+cbor": "apply",
}


def patch_type(content_type: str) -> str:
    found = CONTENT_TYPES.get(content_type.partition(";")[0].strip())
    if found is None:
        raise StatusError("UnsupportedMediaType", 415, f'the body of the request was in an unknown format - accepted '
                          f'media types include: {", ".join(k for k in CONTENT_TYPES if "cbor" not in k)}')
    return found


def apply_classic(kind_model: Any, kind: str, current: dict, body: Any) -> Any:
    """A strategic merge, JSON merge or JSON patch applied to the live object's JSON form."""
    try:
        return patching.apply_patch(kind, current, body, kind_model)
    except patching.PatchError as err:
        raise patching.status_error(err) from None


# ---------------------------------------------------------------------------- server-side apply


def server_side_apply(current: Optional[dict], applied: dict, manager: str, now: str) -> dict:
    """The object after `manager` applied `applied` (`current` None: it is being created)."""
    entries = list(((current or {}).get("metadata") or {}).get("managedFields") or [])
    previous = next((e for e in entries if e.get("manager") == manager and e.get("operation") == "Apply"), None)
    body = copy.deepcopy(applied)
    body.get("metadata", {}).pop("managedFields", None)
    if current is None:
        result = body
    else:
        original = skeleton((previous or {}).get("fieldsV1") or {})
        result = merge.three_way(original if isinstance(original, dict) else {}, body, current)
    entry = {"manager": manager, "operation": "Apply", "apiVersion": applied.get("apiVersion", ""), "time": now,
             "fieldsType": "FieldsV1", "fieldsV1": fields_v1(body, top=True)}
    others = [e for e in entries if e is not previous]
    result.setdefault("metadata", {})["managedFields"] = [*others, entry] if previous is None else \
        [entry if e is previous else e for e in entries]
    return result


def fields_v1(value: Any, top: bool = False, key: str = "", parent: str = "") -> Any:
    """The field set a value owns, in `FieldsV1` form (`f:name`, `k:{"name":"c"}` for keyed list items)."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            if top and k in ("apiVersion", "kind"):
                continue
            if top and k == "metadata" and isinstance(v, dict):
                meta = {mk: mv for mk, mv in v.items() if mk not in ("name", "namespace", "managedFields")}
                if meta:
                    out["f:metadata"] = fields_v1(meta, key="metadata")
                continue
            out[f"f:{k}"] = fields_v1(v, key=k, parent=key)
        return out
    if isinstance(value, list):
        merge_key = merge.merge_key_of(key, parent)
        if merge_key and all(isinstance(i, dict) and merge_key in i for i in value):
            return {f"k:{json.dumps({merge_key: i[merge_key]}, separators=(',', ':'))}": {".": {}, **fields_v1(i, key=key)}
                    for i in value}
    return {}


def skeleton(fields: Any) -> Any:
    """The shape of an object owning exactly `fields` (values are placeholders): the "original" of a
    three-way merge, which only looks at which keys and keyed items were there."""
    if not isinstance(fields, dict) or not fields:
        return None
    if any(k.startswith("k:") for k in fields):
        items = []
        for k, sub in fields.items():
            if k.startswith("k:"):
                items.append({**(skeleton(sub) or {}), **json.loads(k[2:])})
        return items
    return {k[2:]: skeleton(sub) for k, sub in fields.items() if k.startswith("f:")}
