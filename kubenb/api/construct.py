"""Models built from values that are already valid, without pydantic's validation, in compact form.

A component that writes a great many objects of one kind from values it made itself (the event
recorders: about five Events per pod) knows they are valid: strings it formatted, references to
stored objects, models it holds. Validating them again is most of what building the object costs.

What `construct` builds is also smaller than what pydantic builds. Pydantic gives every instance
a dict of its own (a hash table of every field name, 464 bytes for an Event); here the fields are
set one by one, in declaration order, on an object of a private class, so CPython keeps them as
shared-key values (PEP 412): one table of names per model class, and per instance only the values
(30 slots at most). Copies (``model_copy``) keep that form, so a stored object does too.

The result is the model pydantic would build from the same keywords: the same values in the same
order, the same ``model_fields_set`` (the names given), defaults for the rest.
"""

from __future__ import annotations

import sys
from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)

_TEMPLATES: dict[type, tuple[dict[str, Any], tuple[tuple[str, Any], ...]]] = {}
_COMPACT: dict[type, tuple[tuple[str, ...], dict[str, Any]] | None] = {}  # class -> its field names and shared-key template


def construct(cls: type[M], **given: Any) -> M:
    """An instance of `cls` with the fields `given` (by Python name, already valid) and defaults for the others."""
    template, factories = _TEMPLATES.get(cls) or _template(cls)
    values = template.copy()  # a shared-key dict stays one when copied and when its values are replaced
    values.update(given)
    if len(values) != len(template):
        raise TypeError(f"{cls.__name__} has no field(s) {sorted(set(given) - set(template))}")
    for name, factory in factories:
        if name not in given:
            values[name] = factory()
    model = cls.__new__(cls)
    put = object.__setattr__
    put(model, "__dict__", values)
    put(model, "__pydantic_fields_set__", set(given))
    put(model, "__pydantic_extra__", None)
    put(model, "__pydantic_private__", None)
    return model


def compact_dict(cls: type, values: dict[str, Any]) -> dict[str, Any]:
    """A copy of `values` (the fields of an instance of `cls`, in declaration order) in compact form.

    A model built by pydantic holds its fields in a plain dict: 832 bytes for a Container's 25 fields,
    464 for a ContainerStatus or an ObjectMeta. Copied from `cls`'s shared-key template instead, the
    same keys, values and order take 296 bytes. The copies that are stored (a pod's containers and
    status, each a private copy of the template's or the last version's) are made here. A dict whose
    keys are not exactly `cls`'s fields in declaration order, or a class whose fields do not fit a
    shared-key dict or fit a plain one in fewer bytes, gets a plain copy."""
    found = _COMPACT.get(cls, False)
    if found is False:
        found = _compact_template(cls)
    if found is not None and tuple(values) == found[0]:
        compact = found[1].copy()
        compact.update(values)  # replacing the values of keys it has: the dict stays shared-key
        return compact
    return values.copy()


def _compact_template(cls: type) -> tuple[tuple[str, ...], dict[str, Any]] | None:
    template, _ = _TEMPLATES.get(cls) or _template(cls)
    names = tuple(cls.model_fields)
    plain = dict.fromkeys(names)
    found = (names, template) if sys.getsizeof(template.copy()) < sys.getsizeof(plain) else None
    _COMPACT[cls] = found
    return found


def _template(cls: type) -> tuple[dict[str, Any], tuple[tuple[str, Any], ...]]:
    """The defaults of `cls` in a shared-key dict, and the fields whose default is made anew.

    The keys are those of a private class with one instance, whose attributes are set in `cls`'s
    declaration order: CPython gives a class's shared keys less room with every instance made, so
    the keys of `cls` itself (thousands of instances later) may no longer take all its fields. Any
    dict may be a model's ``__dict__``; if the fields did not fit even so, the template is a plain
    dict (as big as pydantic's, and as correct); so is it for a model whose few fields take fewer
    bytes in a plain dict."""
    shared = _key_table(tuple(cls.model_fields), f"_{cls.__name__}Fields")
    factories = []
    for name, field in cls.model_fields.items():
        if field.default_factory is None:
            shared[name] = field.default  # replacing a value: the dict stays shared-key
        else:
            factories.append((name, field.default_factory))
    plain = dict(shared)
    # a model of a few fields fits a plain dict in fewer bytes than in 30 shared-key slots
    template = shared if sys.getsizeof(shared.copy()) < sys.getsizeof(plain.copy()) else plain
    _TEMPLATES[cls] = found = (template, tuple(factories))
    return found


_KEY_TABLES: dict[tuple[str, ...], dict[str, None] | None] = {}
_KEY_TABLES_MAX = 1024  # distinct key lists: one per image and pod template, a few hundred at most


def shared_keys(values: dict[str, str]) -> dict[str, str]:
    """`values` in shared-key form (see `compact_dict`), or `values` itself when that is no smaller.

    For a plain dict of string keys kept for a long time by a great many holders with the same keys in
    the same order: every container's main process keeps its environment for the container's life
    (fourteen variables for nginx, only HOSTNAME's value differing between a Deployment's pods), 296
    bytes instead of 400. The result is an ordinary dict: equal, in the same order, free to grow."""
    keys = tuple(values)
    table = _KEY_TABLES.get(keys, False)
    if table is False:
        if len(_KEY_TABLES) >= _KEY_TABLES_MAX:
            _KEY_TABLES.clear()
        table = _KEY_TABLES[keys] = None if any(k.startswith("__") for k in keys) else _key_table(keys, "_Keys")
        if table is not None and (tuple(table) != keys or sys.getsizeof(table.copy()) >= sys.getsizeof(dict(table))):
            table = _KEY_TABLES[keys] = None  # names an attribute cannot take, or no bytes saved
    if table is None:
        return values
    compact = table.copy()
    compact.update(values)
    return compact


def _key_table(names: tuple[str, ...], label: str) -> dict[str, None]:
    """A dict of `names` in order (values None) in CPython's shared-key form (PEP 412): the
    ``__dict__`` of the one instance of a class of its own, its attributes set in that order. A copy
    stays shared-key, and so does a copy whose values are replaced (not its keys)."""
    holder = type(label, (), {})()
    for name in names:
        setattr(holder, name, None)
    return holder.__dict__
