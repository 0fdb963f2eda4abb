"""The scheduler's cache (upstream `internal/cache`): one NodeInfo per node, kept from watch events.

A scheduling cycle reads nodes and their usage from here, never from the store: a node's
allocatable is parsed when the node changes, and a pod's requests when it is bound, moved or
finished -- not once per node per cycle. A status write that leaves a bound pod's spec alone (the
kubelet's many) costs a dictionary look-up. Usage of a node the cache has not seen yet is kept
too, as upstream keeps an "imaginary" NodeInfo for pods bound to a node that is not there.

`nodes()` lists the present nodes in the store's order (by name), rebuilt only when a node comes
or goes, so a cycle's walk from `nextStartNodeIndex` visits them as the store would list them;
`order()` gives their slots in the same order. Every change is written to the NodeInfo and to the
node's row of :attr:`NodeCache.columns`, which the vectorised plugins read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import numpy as np

from kubenb.scheduler.columns import NodeColumns
from kubenb.scheduler.plugins.base import NodeInfo
from kubenb.scheduler.resources import Request, node_allocatable, pod_request
from kubenb.store import WatchEvent

HostPort = tuple[str, str, int]
NONE = Request(0, 0, 0)


@dataclass(frozen=True, slots=True)
class _Accounted:
    """What one bound pod adds to its node, and the spec it was computed from."""

    spec: Any
    node: str
    requested: Request
    nonzero: Request
    ports: tuple[HostPort, ...]


class NodeCache:
    def __init__(self) -> None:
        self._infos: dict[str, NodeInfo] = {}
        self._pods: dict[tuple[str, str], _Accounted] = {}
        self._ordered: Optional[list[NodeInfo]] = None
        self._order: Optional[np.ndarray] = None
        self.columns = NodeColumns()
        #: every NodeInfo and node name by slot (deleted nodes' too: their `node` is None)
        self.by_slot: list[NodeInfo] = []
        self.names: list[str] = []

    # ---------------------------------------------------------------- reading

    def nodes(self) -> list[NodeInfo]:
        """The present nodes, by name (the list is shared: callers must not change it)."""
        if self._ordered is None:
            self._ordered = sorted((i for i in self._infos.values() if i.node is not None),
                                   key=lambda i: i.node.metadata.name)
        return self._ordered

    def order(self) -> np.ndarray:
        """The slots of :meth:`nodes`, in the same order."""
        if self._order is None or self._ordered is None:
            self._order = np.fromiter((i.slot for i in self.nodes()), np.intp, len(self.nodes()))
        return self._order

    def slot_of(self, name: str) -> int:
        """The node's slot, handed out now if the name is new (a node only pods name yet)."""
        return self._info(name).slot

    def get(self, name: str) -> Optional[NodeInfo]:
        """The node's info, or None when no such node is present."""
        info = self._infos.get(name)
        return info if info is not None and info.node is not None else None

    # ---------------------------------------------------------------- nodes

    def on_node(self, ev: WatchEvent) -> None:
        name = ev.object.metadata.name or ""
        info = self._info(name)
        if ev.type == "DELETED":
            if info.node is not None:
                self.columns.clear_node(info.slot, info.node)
            info.node, info.plain = None, False
            self._ordered = self._order = None
            return
        old = ev.old_object if info.node is not None else None
        if info.node is None:
            self._ordered = self._order = None
        info.node = ev.object
        info.plain = not ev.object.spec.unschedulable and not ev.object.spec.taints
        self.columns.set_node(info.slot, ev.object, old)
        if old is None or old.status.allocatable != ev.object.status.allocatable:
            info.allocatable = node_allocatable(ev.object)
            self.columns.set_allocatable(info.slot, info.allocatable)

    def _info(self, name: str) -> NodeInfo:
        info = self._infos.get(name)
        if info is None:
            info = self._infos[name] = NodeInfo(None, NONE, NONE, set(), NONE, slot=self.columns.add())
            self.by_slot.append(info)
            self.names.append(name)
        return info

    # ---------------------------------------------------------------- pods

    def on_pod(self, ev: WatchEvent, key: tuple[str, str]) -> bool:
        """Account a pod event (`key`: the pod's namespace and name); True when the pod stopped
        holding room on a node (freed room)."""
        pod = ev.object
        before = self._pods.get(key)
        holds = ev.type != "DELETED" and holds_room(pod)
        if before is not None and holds and before.spec is pod.spec:
            return False  # a status write: nothing the scheduler counts has changed
        if before is not None:
            self._account(before, -1)
            del self._pods[key]
        if holds:
            after = _Accounted(pod.spec, pod.spec.node_name, pod_request(pod.spec), pod_request(pod.spec, nonzero=True),
                               host_ports(pod.spec))
            self._pods[key] = after
            self._account(after, +1)
        return before is not None and not holds

    def _account(self, entry: _Accounted, sign: int) -> None:
        info = self._info(entry.node)
        if sign > 0:
            info.requested = info.requested + entry.requested
            info.nonzero_requested = info.nonzero_requested + entry.nonzero
            info.host_ports.update(entry.ports)
        else:
            info.requested = info.requested - entry.requested
            info.nonzero_requested = info.nonzero_requested - entry.nonzero
            info.host_ports.difference_update(entry.ports)
        self.columns.set_usage(info.slot, info.requested, info.nonzero_requested)


def holds_room(pod: Any) -> bool:
    """Bound and not finished: the pod holds its node's resources."""
    return bool(pod.spec.node_name) and pod.status.phase not in ("Succeeded", "Failed")


def host_ports(spec: Any) -> tuple[HostPort, ...]:
    """The (hostIP, protocol, hostPort) triples the pod's containers ask for."""
    return tuple((p.host_ip or "0.0.0.0", p.protocol or "TCP", p.host_port)
                 for c in spec.containers for p in c.ports or () if p.host_port)
