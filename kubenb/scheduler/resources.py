"""What a pod asks of a node (`resourcehelper.PodRequests`), in milli-CPU and bytes.

requests = max(sum of app containers (+ sidecars), largest init container) + overhead.
For scoring (`nonzero`), every container without a request counts as 100m CPU and 200Mi, init
containers too (`GetNonzeroRequestForResource` in both loops).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kubenb.api.quantity import Quantity

# Scoring counts a container without requests as asking for this much (`util.GetNonzeroRequests`).
DEFAULT_MILLI_CPU = 100
DEFAULT_MEMORY = 200 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Request:
    milli_cpu: int = 0
    memory: int = 0
    pods: int = 1

    def __add__(self, other: Request) -> Request:
        return Request(self.milli_cpu + other.milli_cpu, self.memory + other.memory, self.pods + other.pods)

    def __sub__(self, other: Request) -> Request:
        return Request(self.milli_cpu - other.milli_cpu, self.memory - other.memory, self.pods - other.pods)


def _container_request(c: Any, nonzero: bool) -> tuple[int, int]:
    req = c.resources.requests or {}
    cpu = Quantity.parse(req["cpu"]).milli_value() if "cpu" in req else (DEFAULT_MILLI_CPU if nonzero else 0)
    mem = Quantity.parse(req["memory"]).value() if "memory" in req else (DEFAULT_MEMORY if nonzero else 0)
    return cpu, mem


#: the requests by the identities of the parts they are computed from (see `pod_request`)
_known: dict[tuple, tuple[Request, tuple]] = {}
#: how many requests `_known` keeps before it starts again (a handful of pod shapes in practice)
KNOWN_LIMIT = 1024


def pod_request(spec: Any, nonzero: bool = False) -> Request:
    """The pod's request, remembered by the identities of what it is computed from -- each
    container's `resources` (and an init container's restart policy) and the overhead. Stored
    pods share equal parts (the store's hash-consing), so a ReplicaSet's pods, whose containers
    differ by their token mounts, share their `resources`: a cycle asks for the same request
    several times (PreFilter, two scores), the cache again once the pod is bound, and the next
    replica's cycle too, and each costs a key of a few ids. Stored objects are never changed in
    place, so the same objects mean the same request; the entry keeps them alive, so their
    identities cannot be reused meanwhile."""
    init, containers = spec.init_containers, spec.containers
    # one container (most pods): the same key, without building a list of one
    key: tuple = (nonzero, id(spec.overhead), id(containers[0].resources)) if len(containers) == 1 else \
        (nonzero, id(spec.overhead), *[id(c.resources) for c in containers])
    if init:
        key += (None, *[(id(c.resources), c.restart_policy) for c in init])
    known = _known.get(key)
    if known is not None:
        return known[0]
    request = _pod_request(spec, nonzero)
    if len(_known) >= KNOWN_LIMIT:
        _known.clear()
    _known[key] = (request, (spec.overhead, [c.resources for c in containers],
                             [c.resources for c in init or ()]))
    return request


def _pod_request(spec: Any, nonzero: bool) -> Request:
    cpu = mem = 0
    for c in spec.containers:
        c_cpu, c_mem = _container_request(c, nonzero)
        cpu, mem = cpu + c_cpu, mem + c_mem
    for c in spec.init_containers or ():
        c_cpu, c_mem = _container_request(c, nonzero)
        if c.restart_policy == "Always":  # a sidecar runs beside the app containers
            cpu, mem = cpu + c_cpu, mem + c_mem
        else:
            cpu, mem = max(cpu, c_cpu), max(mem, c_mem)
    for name, value in (spec.overhead or {}).items():
        if name == "cpu":
            cpu += Quantity.parse(value).milli_value()
        elif name == "memory":
            mem += Quantity.parse(value).value()
    return Request(cpu, mem, 1)


def node_allocatable(node: Any) -> Request:
    alloc = node.status.allocatable or {}
    return Request(
        Quantity.parse(alloc.get("cpu", "0")).milli_value(),
        Quantity.parse(alloc.get("memory", "0")).value(),
        Quantity.parse(alloc.get("pods", "110")).value(),
    )
