"""Dicts of string keys kept for a long time, in CPython's compact shared-key form.

Every container's main process keeps its environment for the container's whole life: fourteen
variables for nginx, 150,000 containers at scale. The pods of one Deployment have the same names
in the same order (only HOSTNAME's value differs), so their dicts can share one table of keys
(PEP 412): a copy of an instance dict keeps the keys' table and holds only the values, 296 bytes
instead of 400 for nginx's fourteen. The result is an ordinary dict -- equal, in the same order,
and free to grow (it becomes a plain dict then).
"""

from __future__ import annotations

import sys

_TEMPLATES: dict[tuple[str, ...], dict[str, None] | None] = {}
_MAX_TEMPLATES = 1024  # distinct key lists: one per image and pod template, a few hundred at most


def shared_keys(values: dict[str, str]) -> dict[str, str]:
    """`values` in shared-key form, or `values` itself when that form would not be smaller."""
    keys = tuple(values)
    template = _TEMPLATES.get(keys, False)
    if template is False:
        if len(_TEMPLATES) >= _MAX_TEMPLATES:
            _TEMPLATES.clear()
        template = _TEMPLATES[keys] = _template(keys)
    if template is None:
        return values
    compact = template.copy()  # a shared-key dict stays one when copied and when its values are replaced
    compact.update(values)
    return compact


def _template(keys: tuple[str, ...]) -> dict[str, None] | None:
    """A shared-key dict of `keys` in order: the attributes of the one instance of a class of its own.

    None for names an attribute cannot take (``__class__`` and the like) and for key lists whose
    shared-key form is no smaller than a plain dict (a few keys, or too many to share)."""
    if any(k.startswith("__") for k in keys):
        return None
    holder = type("_Keys", (), {})()
    for k in keys:
        setattr(holder, k, None)
    shared = holder.__dict__
    if tuple(shared) != keys or sys.getsizeof(shared.copy()) >= sys.getsizeof(dict(shared)):
        return None
    return shared
