"""Resource paths, parsed as the API server's `RequestInfoFactory` does.

    /api/v1/namespaces/default/pods/web/log     -> pods "web" in "default", subresource "log"
    /apis/apps/v1/deployments                   -> deployments in every namespace
    /api/v1/namespaces/kube-system              -> the namespace "kube-system"
    /api/v1/namespaces/demo/status              -> its status subresource
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from kubenb.api.registry import Registry, ResourceInfo
from kubenb.apiserver.responses import not_found_path


@dataclass(frozen=True)
class ResourcePath:
    info: ResourceInfo
    namespace: Optional[str]  # None: across all namespaces (or a cluster-scoped resource)
    name: str = ""
    subresource: str = ""


def parse(registry: Registry, group: str, version: str, segments: list[str]) -> ResourcePath:
    """The resource a path under `/api/v1` or `/apis/GROUP/VERSION` names; 404 when none is served."""
    namespace: Optional[str] = None
    if (len(segments) >= 3 and segments[0] == "namespaces"
            and _served(registry, group, version, segments[2]) is not None):
        namespace, segments = segments[1], segments[2:]
    if not segments or len(segments) > 3:
        raise not_found_path()
    info = _served(registry, group, version, segments[0])
    if info is None:
        raise not_found_path()
    name = segments[1] if len(segments) > 1 else ""
    sub = segments[2] if len(segments) > 2 else ""
    if sub and sub not in info.subresources:
        raise not_found_path()
    if info.namespaced and namespace is None and name:
        raise not_found_path()  # a namespaced object needs its namespace in the path
    if not info.namespaced and namespace is not None:
        raise not_found_path()
    return ResourcePath(info, namespace if info.namespaced else None, name, sub)


def _served(registry: Registry, group: str, version: str, plural: str) -> Optional[ResourceInfo]:
    for info in registry.resources:
        if info.plural == plural and info.group == group and info.version == version:
            return info
    return None
