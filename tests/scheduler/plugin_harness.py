"""A minimal snapshot for plugin table tests, like upstream's `cache.NewSnapshot(pods, nodes)`:
nodes and pods decoded from short dicts, and the part of the store API the plugins use."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Optional

from kubenb.api import codec
from kubenb.api.registry import Registry
from kubenb.api.resources import resources_for
from kubenb.scheduler.plugins.base import NodeInfo
from kubenb.scheduler.resources import Request, node_allocatable

REGISTRY = Registry(resources_for(32))


def node(name: str, labels: Optional[dict] = None, **spec: Any) -> Any:
    return codec.decode(REGISTRY, {"apiVersion": "v1", "kind": "Node",
                                   "metadata": {"name": name, "labels": labels or {}}, "spec": spec,
                                   "status": {"allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"}}})


def pod(name: str = "p", labels: Optional[dict] = None, node_name: str = "", namespace: str = "default",
        owner: Optional[list] = None, **spec: Any) -> Any:
    return codec.decode(REGISTRY, {"apiVersion": "v1", "kind": "Pod",
                                   "metadata": {"name": name, "namespace": namespace, "labels": labels or {},
                                                "ownerReferences": owner or []},
                                   "spec": {"containers": [{"name": "c", "image": "nginx"}], "nodeName": node_name,
                                            **spec}})


class Snapshot:
    def __init__(self, nodes: list[Any], pods: list[Any] = (), objects: list[Any] = ()) -> None:
        self.objects: dict[str, list[Any]] = {"Node": list(nodes), "Pod": list(pods)}
        for obj in objects:
            self.objects.setdefault(obj.kind, []).append(obj)

    def list(self, kind: str, namespace: Optional[str] = None, selector: Any = None) -> list[Any]:
        return [o for o in self.objects.get(kind, ())
                if (namespace is None or o.metadata.namespace == namespace)
                and (selector is None or selector.matches(o.metadata.labels or {}))]

    def selecting(self, kind: str, namespace: str, labels: Optional[dict]) -> list[Any]:
        return [o for o in self.list(kind, namespace) if labels and o.spec.selector
                and all(labels.get(k) == v for k, v in o.spec.selector.items())]

    def try_get(self, kind: str, namespace: str, name: str) -> Any:
        return next((o for o in self.objects.get(kind, ())
                     if o.metadata.name == name and (o.metadata.namespace or "") == (namespace or "")), None)

    def watch(self, handler: Any, kind: str) -> None:
        for obj in self.objects.get(kind, ()):
            handler(SimpleNamespace(type="ADDED", object=obj, old_object=None))

    def infos(self) -> list[NodeInfo]:
        return [NodeInfo(n, node_allocatable(n), Request(0, 0, 0), set()) for n in self.objects["Node"]]


def term(labels: dict, key: str = "region", **extra: Any) -> dict:
    """A `PodAffinityTerm` selecting `labels` with `In`, over topology `key`."""
    return {"labelSelector": {"matchExpressions": [{"key": k, "operator": "In", "values": [v]}
                                                   for k, v in labels.items()]},
            "topologyKey": key, **extra}
