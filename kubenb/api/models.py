"""Imports every typed kind so that each ``@register_model`` has run.

``ALL_MODELS`` lists the top-level classes, in import order (core, apps, batch, discovery,
networking, storage, rbac).
"""

from __future__ import annotations

from kubenb.api import apps, batch, core, discovery, networking, rbac, storage
from kubenb.api.base import KubeObject

ALL_MODELS: tuple[type[KubeObject], ...] = tuple(
    cls
    for module in (core, apps, batch, discovery, networking, storage, rbac)
    for cls in vars(module).values()
    if isinstance(cls, type) and issubclass(cls, KubeObject) and cls.__module__ == module.__name__
)
