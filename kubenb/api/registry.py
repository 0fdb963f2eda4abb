"""One table of every resource the simulated API server serves.

It feeds `kubectl api-resources`, name resolution (`po`, `deploy`, `deployments.apps`, `all`),
discovery documents and tab completion. The rows themselves live in
:mod:`kubenb.api.resources` (data); the typed model of a kind, where kubenb has one, is attached
with :func:`register_model`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Optional

from kubenb.api.base import KubeObject


@dataclass(frozen=True)
class ResourceInfo:
    group: str  # "" for the core group
    version: str
    kind: str
    plural: str
    singular: str
    namespaced: bool
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    verbs: tuple[str, ...] = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
    subresources: tuple[str, ...] = ()
    # first and last Kubernetes minor versions that serve it (for the profiles' versions)
    since_minor: int = 0
    until_minor: int = 99

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def group_resource(self) -> str:
        """`deployments.apps`, `pods` — how the API server names the resource in errors."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def kind_group(self) -> str:
        """`deployment.apps`, `pod` — kubectl's prefix in `deployment.apps/x created`."""
        return f"{self.kind.lower()}.{self.group}" if self.group else self.kind.lower()


@dataclass
class Registry:
    """Resources of one cluster version; lookups by every name kubectl accepts."""

    resources: list[ResourceInfo]
    _by_gk: dict[tuple[str, str], ResourceInfo] = field(default_factory=dict, repr=False)
    _by_name: dict[str, list[ResourceInfo]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for info in self.resources:
            self._by_gk.setdefault((info.group, info.kind), info)
            names = {info.plural, info.singular, info.kind.lower(), *info.short_names}
            for n in names:
                self._by_name.setdefault(n, []).append(info)
                self._by_name.setdefault(f"{n}.{info.group}" if info.group else n, []).append(info)
                self._by_name.setdefault(f"{n}.{info.version}.{info.group}" if info.group else f"{n}.{info.version}", []).append(info)

    def by_kind(self, api_version: str, kind: str) -> Optional[ResourceInfo]:
        group, _, version = api_version.rpartition("/")
        info = self._by_gk.get((group, kind))
        if info is None or info.version != version:
            return None
        return info

    def by_group_kind(self, group: str, kind: str) -> Optional[ResourceInfo]:
        return self._by_gk.get((group, kind))

    def resolve(self, name: str) -> Optional[ResourceInfo]:
        """kubectl's resource-name resolution: `po`, `pods`, `Pod`, `deploy.apps`, `deployments.v1.apps`.

        When a short name is ambiguous across groups (`events`), the core group wins, as in kubectl's
        priority RESTMapper.
        """
        found = self._by_name.get(name) or self._by_name.get(name.lower())
        if not found:
            return None
        return sorted(found, key=lambda i: (i.group != "", i.group))[0]

    def in_category(self, category: str) -> list[ResourceInfo]:
        return [i for i in self.resources if category in i.categories]

    def __iter__(self) -> Iterable[ResourceInfo]:
        return iter(self.resources)


_MODELS: dict[tuple[str, str], type[KubeObject]] = {}


def register_model(cls: type[KubeObject]) -> type[KubeObject]:
    """Class decorator: the typed model for ``cls.API_VERSION``/``cls.KIND``."""
    group = cls.API_VERSION.rpartition("/")[0]
    _MODELS[(group, cls.KIND)] = cls
    return cls


def model_for(group: str, kind: str) -> Optional[type[KubeObject]]:
    return _MODELS.get((group, kind))
