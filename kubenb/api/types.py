"""Field types shared by the API models: Quantity, IntOrString, timestamps, and Go's printed nulls.

``GoModel`` exists because ``to_dict()`` drops every ``None`` (Go's ``omitempty``), yet Go prints
``null`` for a few zero values that ``omitempty`` cannot hide: a non-pointer ``metav1.Time``
(``lastProbeTime: null`` in every pod condition), a nil slice or pointer without ``omitempty``
(``rules: null`` in an aggregated ClusterRole, ``endpoints: null`` in an empty EndpointSlice,
``selector: null`` in a Deployment without one). Such fields are ``Optional[...] = None`` and
listed in ``GO_NULLS``; only the few models that have them pay for the serializer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, ClassVar, Optional, Union

from pydantic import BeforeValidator, SerializationInfo, StrictInt, StrictStr, model_serializer

from kubenb.api.base import KubeModel

_canonicalize: Optional[Callable[[Any], str]] = None


def _canonical_quantity(value: Any) -> str:
    # Imported on first use so that the models do not depend on kubenb.api.quantity at import time.
    global _canonicalize
    if _canonicalize is None:
        from kubenb.api.quantity import canonicalize

        _canonicalize = canonicalize
    return _canonicalize(value)


# resource.Quantity: accepts "100m", 1, 0.5 and keeps the canonical string ("100m", "1", "500m"),
# as the API server re-serialises it. Errors are QuantityError (a ValueError) with upstream's text.
Quantity = Annotated[str, BeforeValidator(_canonical_quantity)]

# intstr.IntOrString: JSON numbers stay int, strings stay str ("80" is a named port, not 80).
# Strict like Go's decoder: true and 80.5 are errors, not 1 and 80.
IntOrString = Union[StrictInt, StrictStr]

# metav1.Time / metav1.MicroTime: RFC 3339 strings as the API server writes them
# ("2024-05-20T10:15:30Z", micro: "2024-05-20T10:15:30.123456Z").
Time = str
MicroTime = str


class GoModel(KubeModel):
    """A struct some of whose unset fields Go prints as ``null`` (names in ``GO_NULLS``)."""

    GO_NULLS: ClassVar[tuple[str, ...]] = ()
    _GO_KEYS_BY_ALIAS: ClassVar[tuple[tuple[str, str], ...]] = ()
    _GO_KEYS_BY_NAME: ClassVar[tuple[tuple[str, str], ...]] = ()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        unknown = set(cls.GO_NULLS) - set(cls.model_fields)
        if unknown:
            raise TypeError(f"{cls.__name__}.GO_NULLS names unknown fields {sorted(unknown)}")
        cls._GO_KEYS_BY_ALIAS = tuple((name, f.alias or name) for name, f in cls.model_fields.items())
        cls._GO_KEYS_BY_NAME = tuple((name, name) for name in cls.model_fields)

    @model_serializer(mode="wrap")
    def _print_go_nulls(self, handler: Any, info: SerializationInfo) -> Any:
        data = handler(self)
        if not info.exclude_none or info.exclude_unset or info.exclude_defaults:
            return data
        values = self.__dict__
        missing = [n for n in self.GO_NULLS if values[n] is None]
        if not missing:
            return data
        out: dict[str, Any] = {}
        for name, key in self._GO_KEYS_BY_ALIAS if info.by_alias else self._GO_KEYS_BY_NAME:
            if key in data:  # rebuilt to keep Go's field order
                out[key] = data[key]
            elif name in missing:
                out[key] = None
        return out
