"""PATCH bodies by Content-Type, and server-side apply.

The three classic patch types are :mod:`kubenb.kubectl.patch` (the same code that serves kubenb's
own `kubectl patch`). Server-side apply (`application/apply-patch+yaml`) merges the applied
configuration into the live object three ways — the fields this field manager applied last time
(its `managedFields` entry, `fieldsV1`) are the "original", so a field it no longer applies is
removed, while fields set by anyone else stay. Ownership and conflicts are
:mod:`~kubenb.apiserver.fieldmanager`'s.
"""

from __future__ import annotations

import copy
import json
from typing import Any, Optional

from kubenb.apiserver import fieldmanager
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


def server_side_apply(current: Optional[dict], applied: dict, manager: str) -> dict:
    """The object after applying `applied` (`current` None: it is being created). Who owns what is
    :mod:`~kubenb.apiserver.fieldmanager`'s business; here only the values are merged."""
    body = copy.deepcopy(applied)
    body.get("metadata", {}).pop("managedFields", None)
    if current is None:
        return body
    original = skeleton(_applied_fields(current, manager))
    return merge.three_way(original if isinstance(original, dict) else {}, body, current)


def _applied_fields(current: dict, manager: str) -> Any:
    """What the applier alone owned before (its Apply entry, less whatever another manager also owns, down
    to the items holding another's fields): the "original" of the three-way merge, so a field it no
    longer applies is removed unless someone else still manages it (structured-merge-diff's prune)."""
    mine: set = set()
    others: set = set()
    for entry in (current.get("metadata") or {}).get("managedFields") or []:
        paths = fieldmanager.from_fields_v1(entry.get("fieldsV1"))
        if entry.get("manager") == manager and entry.get("operation") == "Apply":
            mine |= paths
        else:
            others |= {path[:i] for path in paths for i in range(1, len(path) + 1)}
    return fieldmanager.to_fields_v1(mine - others)


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
