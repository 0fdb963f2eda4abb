"""Stored objects share their equal parts: one canonical instance per distinct sub-model, list and map.

A ReplicaSet's pods hold equal containers, tolerations, volume sources, owner references and labels;
a pod's six Events hold one equal involvedObject and source. Stored objects are immutable (a writer
edits a copy made by ``model_copy``/``evolve``), so equal parts can be one object: when an object
is stored, each of its parts (bottom-up) is replaced by the canonical equal one, or becomes the
canonical one itself (hash-consing). Sharing is exact: a part is equal to its canonical only if
every field is the same type and value (``True`` is not ``1``), with the same fields set, so
serialisation cannot tell the difference.

What makes it cheap: a canonical model is marked by its ``__pydantic_fields_set__``, which points at
the marked set for its content (one set object per distinct set of field names, shared instead of
one set per instance). A copy (``model_copy``, ``evolve``) gets a set of its own, so the parts a
write did not replace are recognised at once and only new parts are hashed: a status write costs
what changed. The root of an object and its ``metadata`` carry its identity (uid, resourceVersion)
and are never equal to another's; they are not entered, only their parts are.

A part that holds a value no other part holds (a pod's token volume, named with a random suffix;
a container status's containerID) can never be found again: hashing and entering it, and every
part holding it (the pod's containers, its spec, its status), would only fill the table. The writer
that makes such a part seals it (`seal`); sharing then marks it and its holders as unique instead
(a set of their own, as canonical parts have), so they are recognised at once by later writes and
never hashed, while the parts they hold are shared as ever.

Canonical parts nothing else holds any more (their objects were deleted or rewritten) are dropped
by a sweep each time the table has doubled, so the table stays proportional to what is stored.
Most dead parts die young (a pod's spec before its binding, a Deployment's status of a moment
ago): each part entered is looked at again once `_LAG` more have been entered, and dropped then if
nothing but the table holds it, so those go at a bounded cost per write instead of waiting, with
the objects they keep alive, for the table to double.
"""

from __future__ import annotations

import sys
from collections import deque
from operator import is_
from types import UnionType
from typing import Any, Literal, Optional, Union, get_args, get_origin

from pydantic import BaseModel

from kubenb.api.base import copy_model
from kubenb.api.construct import compact_dict

_SCALARS = frozenset({str, int, bool, float, type(None)})  # most fields: kept as they are, hashed as values
_IDENTITY = "metadata"  # the field of a stored object that names it: never shared (see above)
_MIN_SWEEP = 50_000
_LAG = 4096  # parts entered since a part was, before it is looked at again (see above)

_PLANS: dict[type, tuple[list[str], tuple[tuple[int, str], ...], tuple[str, ...]]] = {}
_TABLE: dict[int, Any] = {}  # content hash -> canonical model, list or dict
_PLAIN: dict[frozenset, set] = {}  # field names -> the set unmarked models with those names share
_MARKED: dict[frozenset, set] = {}  # field names -> the set only canonical models point at
_MARKED_IDS: set[int] = set()
_SEALED: dict[frozenset, set] = {}  # field names -> the set only unique models (see `seal`) point at
_SEALED_IDS: set[int] = set()
_UNIQUE: Any = object()  # what a part that can never be found again stands for while its holder is shared
_CANONICAL_IDS: set[int] = set()  # ids of the canonical lists and maps (the table holds them, so ids stay theirs)
_next_sweep = _MIN_SWEEP
_YOUNG: deque[int] = deque()  # digests of the parts last entered, oldest first


def share(obj: BaseModel) -> None:
    """Replace the parts of `obj` (about to be stored) by their canonical equal instances.

    Parts equal to nothing stored become canonical; the parts' values never change, only which
    instance holds them. `obj` itself and its metadata stay its own.
    """
    _own(obj)
    values = obj.__dict__
    meta = values.get(_IDENTITY)
    if isinstance(meta, BaseModel):
        _own(meta)
        _share_parts(meta)
    _share_parts(obj, _IDENTITY)
    if len(_YOUNG) > _LAG:
        _drop_dead_young()
    if len(_TABLE) >= _next_sweep:
        _sweep()


def seal(model: BaseModel) -> None:
    """Declare `model` (a part about to be stored, complete: never edited again) unique: it holds a
    value no other part holds (a pod's token volume, named with a random suffix), so an equal part
    can never be found and hashing it would only fill the table. It is kept out of the table, and so
    is every part that holds it (that pod's containers, its spec), which sharing then looks at once:
    what they hold is shared as ever, they are recognised at once afterwards, and are hashed never."""
    if id(model.__pydantic_fields_set__) not in _MARKED_IDS:
        _seal(model)


def intern(value: Any) -> Any:
    """The canonical instance equal to `value` (`value` itself if none is stored yet): for a writer
    that keeps one instance of a part many objects hold (a container state), so that the store finds
    it by identity instead of hashing and comparing an equal copy on every write. `value` must never
    be edited afterwards, like every stored part."""
    canonical = _canonical(value)
    return value if canonical is None or canonical is _UNIQUE else canonical


def private_copy(value: Any) -> Any:
    """A deep copy that keeps the canonical parts it meets: those belong to stored objects, which are
    never edited, so a writer's copy of a stored object is copied only where the writer replaced a
    part, and sharing it again hashes only those parts."""
    kind = type(value)
    if kind is list:
        return value if id(value) in _CANONICAL_IDS else [private_copy(v) for v in value]
    if kind is dict:
        return value if id(value) in _CANONICAL_IDS else {k: private_copy(v) for k, v in value.items()}
    if isinstance(value, BaseModel):
        fields_set = id(value.__pydantic_fields_set__)
        if fields_set in _MARKED_IDS or fields_set in _SEALED_IDS:
            return value
        return copy_model(value, private_copy)
    return value


def _own(model: BaseModel) -> None:
    """Point a model that stays unshared at the plain set for its field names (a canonical one stays marked)."""
    fields_set = model.__pydantic_fields_set__
    if id(fields_set) in _MARKED_IDS or id(fields_set) in _SEALED_IDS:
        return
    key = frozenset(fields_set)
    plain = _PLAIN.get(key)
    if plain is None:
        plain = _PLAIN[key] = set(key)
    if fields_set is not plain:
        object.__setattr__(model, "__pydantic_fields_set__", plain)


def _share_parts(model: BaseModel, skip: str = "") -> None:
    """Share the parts of a model that is not shared itself (but for its field `skip`): only the
    fields whose type may hold a model, list or map are looked at (an Event's five of seventeen)."""
    values = model.__dict__
    cls = type(model)
    for name in (_PLANS.get(cls) or _plan(cls))[2]:
        value = values.get(name)
        if value is None or name == skip:
            continue
        # a part the write did not replace is canonical already: known by identity, without a call
        kind = type(value)
        if kind is list or kind is dict:
            if id(value) in _CANONICAL_IDS:
                continue
        elif kind in _SCALARS:
            continue
        else:
            fields_set = id(getattr(value, "__pydantic_fields_set__", None))
            if fields_set in _MARKED_IDS or fields_set in _SEALED_IDS:
                continue
        canonical = _canonical(value)
        if canonical is not None and canonical is not value and canonical is not _UNIQUE:
            values[name] = canonical


def _canonical(value: Any) -> Optional[Any]:
    """The canonical instance equal to `value` (maybe `value` itself), None if it cannot be shared,
    or `_UNIQUE` if it is or holds a part that can never be found again (it stays as it is)."""
    kind = type(value)
    if kind is list:
        return _list(value)
    if kind is dict:
        return _dict(value)
    if isinstance(value, BaseModel):
        return _model(value)
    return None


def _model(model: BaseModel) -> Optional[BaseModel]:
    fields_set = model.__pydantic_fields_set__
    if id(fields_set) in _MARKED_IDS:
        return model  # canonical already: a part the write did not replace
    if id(fields_set) in _SEALED_IDS:
        return _UNIQUE
    cls = type(model)
    plan = _PLANS.get(cls) or _plan(cls)
    values = model.__dict__
    vals = list(values.values())
    if len(vals) != len(plan[0]):
        return _model_unplanned(model, values)
    shareable = model.__pydantic_extra__ is None and model.__pydantic_private__ is None
    unique = False
    for i, name in plan[1]:
        value = vals[i]
        if value is None:  # most optional parts are unset
            continue
        kind = type(value)
        if kind in _SCALARS:
            continue
        # a part the write did not replace is canonical already: known by identity, without a call
        if kind is list:
            canonical = value if id(value) in _CANONICAL_IDS else _list(value)
        elif kind is dict:
            canonical = value if id(value) in _CANONICAL_IDS else _dict(value)
        elif isinstance(value, BaseModel):
            canonical = value if id(value.__pydantic_fields_set__) in _MARKED_IDS else _model(value)
        else:
            canonical = None
        if canonical is None:
            shareable = False
            vals[i] = None
            continue
        if canonical is _UNIQUE:
            unique = True
            continue
        if canonical is not value:
            values[name] = canonical
        vals[i] = id(canonical)
    if not shareable:
        _own(model)
        return None
    if unique:  # holding a part that can never be found again, it never will be either
        _seal(model)
        return _UNIQUE
    marked = _MARKED.get(frozenset(fields_set)) or _marked(fields_set)
    try:
        digest = hash((cls, id(marked), *vals))
    except TypeError:  # fields not in declaration order (never built so here): not shared
        _model_unplanned(model, values)
        return None
    found = _TABLE.get(digest)
    if found is None:
        _TABLE[digest] = model
        _YOUNG.append(digest)
        object.__setattr__(model, "__pydantic_fields_set__", marked)
        object.__setattr__(model, "__dict__", compact_dict(cls, values))  # what pydantic built is a plain dict
        return model
    if type(found) is cls and found.__pydantic_fields_set__ is marked and _same(found.__dict__, values):
        return found
    _own(model)  # a hash collision: left unshared
    return None


def _seal(model: BaseModel) -> None:
    fields_set = model.__pydantic_fields_set__
    key = frozenset(fields_set)
    sealed = _SEALED.get(key)
    if sealed is None:
        sealed = _SEALED[key] = set(key)
        _SEALED_IDS.add(id(sealed))
    object.__setattr__(model, "__pydantic_fields_set__", sealed)
    object.__setattr__(model, "__dict__", compact_dict(type(model), model.__dict__))


def _model_unplanned(model: BaseModel, values: dict) -> None:
    """A model missing a field or holding one out of order (never built so here): its parts are shared, it is not."""
    _own(model)
    _share_parts(model)


def _plan(cls: type) -> tuple[list[str], tuple[tuple[int, str], ...], tuple[str, ...]]:
    """The field names in order, the positions of those that may hold a model, list or map, and their names."""
    names = list(cls.model_fields)
    nested = tuple((i, name) for i, (name, field) in enumerate(cls.model_fields.items())
                   if not _scalar_type(field.annotation))
    _PLANS[cls] = plan = (names, nested, tuple(name for _, name in nested))
    return plan


def _scalar_type(annotation: Any) -> bool:
    if annotation in _SCALARS:
        return True
    if get_origin(annotation) in (Union, UnionType):
        return all(arg in _SCALARS for arg in get_args(annotation))
    return get_origin(annotation) is Literal


def _marked(fields_set: set) -> set:
    key = frozenset(fields_set)
    marked = _MARKED.get(key)
    if marked is None:
        marked = _MARKED[key] = set(key)
        _MARKED_IDS.add(id(marked))
    return marked


def _list(items: list) -> Optional[list]:
    if id(items) in _CANONICAL_IDS:
        return items  # canonical already: a part the write did not replace
    parts: list[Any] = [list]
    shareable = True
    unique = False
    for i, item in enumerate(items):
        if type(item) is str:
            parts.append(item)
            continue
        canonical = _canonical(item)
        if canonical is None:
            shareable = False
            continue
        if canonical is _UNIQUE:
            unique = True
            continue
        if canonical is not item:
            items[i] = canonical
        parts.append(id(canonical))
    if not shareable:
        return None
    # a list holding a unique part is not marked (a list has no place for a mark): its holder is
    return _UNIQUE if unique else _enter(parts, items, _same_items)


def _dict(mapping: dict) -> Optional[dict]:
    """Maps of strings (labels, annotations, selectors, ConfigMap data) are shared; others are left alone."""
    if id(mapping) in _CANONICAL_IDS:
        return mapping
    parts: list[Any] = [dict]
    for k, v in mapping.items():
        if type(k) is not str or type(v) is not str:
            return None
        parts.append(k)
        parts.append(v)
    return _enter(parts, mapping, _same_map)


def _enter(parts: list, value: Any, same: Any) -> Optional[Any]:
    digest = hash(tuple(parts))
    found = _TABLE.get(digest)
    if found is None:
        _TABLE[digest] = value
        _YOUNG.append(digest)
        _CANONICAL_IDS.add(id(value))
        return value
    if found is value or (type(found) is type(value) and same(found, value)):
        return found
    return None


def _same(a: dict, b: dict) -> bool:
    """Equal values of the same types (so `True` is not `1`); most are the very same objects."""
    if a != b:
        return False
    if all(map(is_, a.values(), b.values())):
        return True
    return all(x is y or type(x) is type(y) for x, y in zip(a.values(), b.values(), strict=True))


def _same_items(a: list, b: list) -> bool:
    return len(a) == len(b) and all(x is y or (type(x) is type(y) is str and x == y) for x, y in zip(a, b, strict=True))


def _same_map(a: dict, b: dict) -> bool:
    return list(a.items()) == list(b.items())


def _drop_dead_young() -> None:
    """Look again at the parts entered `_LAG` parts ago: those only the table holds are dropped."""
    table = _TABLE
    while len(_YOUNG) > _LAG:
        digest = _YOUNG.popleft()
        found = table.get(digest)
        if found is not None and sys.getrefcount(found) <= 3:  # the table's, `found` and the call's argument
            del table[digest]
            _CANONICAL_IDS.discard(id(found))


def _sweep() -> None:
    """Drop the canonical parts only the table still holds; newest first, so a dropped part's own
    parts (always entered before it) are dropped in the same pass."""
    global _next_sweep
    table = _TABLE
    for digest in reversed(list(table)):
        if sys.getrefcount(table[digest]) <= 2:  # the table's reference and the call's argument
            _CANONICAL_IDS.discard(id(table.pop(digest)))
    _YOUNG.clear()  # what is left is held: looked at again by the next sweep
    _next_sweep = max(_MIN_SWEEP, 2 * len(table))
