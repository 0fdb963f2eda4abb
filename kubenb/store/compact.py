"""Stored objects share their pydantic bookkeeping: one set object per distinct set of field names.

Every pydantic model instance carries ``__pydantic_fields_set__``, a set of the field names that
were given — 200 to 500 bytes each, and a stored pod or Event holds dozens of models, most with one
of a handful of such sets. Stored objects are immutable (a writer edits a copy made by
``model_copy``/``evolve``, and both copy this set before touching it), so every stored model can
point at one canonical set per distinct content instead of its own copy. Only the parts of a new
version that are not shared with the old one are visited, so a status write costs what changed.
"""

from __future__ import annotations

from typing import Any, Optional

from pydantic import BaseModel

_CANONICAL: dict[frozenset, set] = {}
_CANONICAL_IDS: set[int] = set()  # ids of the canonical sets (they live for good in _CANONICAL)
_SCALARS = frozenset({str, int, bool, float, type(None)})  # most fields: skipped without an isinstance chain


def share_fields_sets(obj: BaseModel, old: Optional[BaseModel]) -> None:
    """Point `obj`'s models (those not shared with `old`) at canonical fields sets."""
    _share(obj, old)


def _share(model: BaseModel, old: Any) -> None:
    fields_set = model.__pydantic_fields_set__
    if id(fields_set) not in _CANONICAL_IDS:
        key = frozenset(fields_set)
        canonical = _CANONICAL.get(key)
        if canonical is None:
            canonical = _CANONICAL[key] = set(key)
            _CANONICAL_IDS.add(id(canonical))
        object.__setattr__(model, "__pydantic_fields_set__", canonical)
    before = old.__dict__ if isinstance(old, BaseModel) else None
    for name, value in model.__dict__.items():
        if type(value) in _SCALARS:
            continue
        prior = before.get(name) if before is not None else None
        if value is prior:
            continue
        if isinstance(value, BaseModel):
            _share(value, prior)
        elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
            for item in value:
                _share(item, None)
