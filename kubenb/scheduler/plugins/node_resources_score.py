"""NodeResourcesFit's LeastAllocated score and NodeResourcesBalancedAllocation, for CPU and memory.

LeastAllocated (`least_allocated.go`) counts a container without requests as 100m CPU and 200Mi
(the node's already-bound pods likewise, `NonZeroRequested`) and scores each resource
`(allocatable - requested) * 100 / allocatable` in integers, averaged with weight 1 each.
BalancedAllocation (`balanced_allocation.go`, `useRequested`) takes the real requests, caps each
fraction at 1 and scores `(1 - std) * 100`, where the standard deviation of two fractions is half
their difference. A resource the node does not have (allocatable 0) is left out of both.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Optional

import numpy as np

from kubenb.scheduler.columns import NUMBERS
from kubenb.scheduler.plugins.base import NodeInfo, vectorised
from kubenb.scheduler.plugins.scoring import MAX_NODE_SCORE
from kubenb.scheduler.resources import Request, pod_request

# rows of `NodeColumns.gather`
ALLOC_CPU, ALLOC_MEM, REQ_CPU, REQ_MEM, NZ_CPU, NZ_MEM = map(
    NUMBERS.index, ("alloc_cpu", "alloc_mem", "req_cpu", "req_mem", "nz_cpu", "nz_mem"))


def _pairs(want: Request, used: Request, alloc: Request) -> list[tuple[int, int]]:
    """(requested with the pod, allocatable) per resource the node has."""
    return [(want.milli_cpu + used.milli_cpu, alloc.milli_cpu), (want.memory + used.memory, alloc.memory)]


def least_allocated_score(requested: int, capacity: int) -> int:
    """`leastRequestedScore`."""
    if capacity == 0 or requested > capacity:
        return 0
    return (capacity - requested) * MAX_NODE_SCORE // capacity


def least_allocated(pod: Any, infos: Sequence[NodeInfo]) -> Optional[list[int]]:
    """LeastAllocated over the nodes' `NonZeroRequested` (a node with both resources scored inline:
    this runs for every feasible node of every cycle)."""
    want = pod_request(pod.spec, nonzero=True)
    want_cpu, want_mem = want.milli_cpu, want.memory
    out = []
    for info in infos:
        alloc, used = info.allocatable, info.nonzero_requested
        cpu, mem = alloc.milli_cpu, alloc.memory
        if cpu > 0 and mem > 0:
            free_cpu, free_mem = cpu - want_cpu - used.milli_cpu, mem - want_mem - used.memory
            out.append(((free_cpu * MAX_NODE_SCORE // cpu if free_cpu >= 0 else 0) +
                        (free_mem * MAX_NODE_SCORE // mem if free_mem >= 0 else 0)) // 2)
            continue
        pairs = [(r, c) for r, c in _pairs(want, used, alloc) if c]
        out.append(sum(least_allocated_score(r, c) for r, c in pairs) // len(pairs) if pairs else 0)
    return out


def balanced_score(pairs: list[tuple[int, int]]) -> int:
    """`balancedResourceScorer` for CPU and memory."""
    fractions = [min(r / c, 1.0) for r, c in pairs if c]
    std = abs(fractions[0] - fractions[1]) / 2 if len(fractions) == 2 else 0.0
    return int((1 - std) * MAX_NODE_SCORE)


def balanced_allocation(pod: Any, infos: Sequence[NodeInfo]) -> Optional[list[int]]:
    """BalancedAllocation over the nodes' `Requested` (both resources present: inline)."""
    want = pod_request(pod.spec)
    want_cpu, want_mem = want.milli_cpu, want.memory
    out = []
    for info in infos:
        alloc, used = info.allocatable, info.requested
        cpu, mem = alloc.milli_cpu, alloc.memory
        if cpu and mem:
            cpu_fraction, mem_fraction = (want_cpu + used.milli_cpu) / cpu, (want_mem + used.memory) / mem
            if cpu_fraction > 1.0:
                cpu_fraction = 1.0
            if mem_fraction > 1.0:
                mem_fraction = 1.0
            std = (cpu_fraction - mem_fraction if cpu_fraction > mem_fraction else mem_fraction - cpu_fraction) / 2
            out.append(int((1 - std) * MAX_NODE_SCORE))
        else:
            out.append(balanced_score(_pairs(want, used, alloc)))
    return out


def _least_allocated_vector(pod: Any, columns: Any, slots: np.ndarray) -> np.ndarray:
    """LeastAllocated for every slot: each resource the node has scored in int64, then averaged over
    those it has (none: 0). Where every node has both resources (the rule), a score below 0 -- more
    requested than allocatable -- is floored to 0 instead of being masked."""
    want = pod_request(pod.spec, nonzero=True)
    rows = columns.gather(slots)
    capacity = rows[ALLOC_CPU:ALLOC_MEM + 1]
    if capacity.all():
        cpu = (rows[ALLOC_CPU] - want.milli_cpu - rows[NZ_CPU]) * MAX_NODE_SCORE // rows[ALLOC_CPU]
        mem = (rows[ALLOC_MEM] - want.memory - rows[NZ_MEM]) * MAX_NODE_SCORE // rows[ALLOC_MEM]
        np.maximum(cpu, 0, out=cpu)
        cpu += np.maximum(mem, 0, out=mem)
        cpu //= 2
        return cpu
    total = np.zeros(len(slots), np.int64)
    present = np.zeros(len(slots), np.int64)
    for wanted, used, alloc in ((want.milli_cpu, NZ_CPU, ALLOC_CPU), (want.memory, NZ_MEM, ALLOC_MEM)):
        free = rows[alloc] - wanted - rows[used]
        has = rows[alloc] != 0
        total += np.where(has & (free >= 0), free * MAX_NODE_SCORE // np.where(has, rows[alloc], 1), 0)
        present += has
    return np.where(present > 0, total // np.maximum(present, 1), 0)


def _balanced_allocation_vector(pod: Any, columns: Any, slots: np.ndarray) -> np.ndarray:
    """BalancedAllocation for every slot, in float64 as upstream; a node lacking either resource
    has no standard deviation (100)."""
    want = pod_request(pod.spec)
    rows = columns.gather(slots)
    if rows[ALLOC_CPU:ALLOC_MEM + 1].all():
        cpu = (rows[REQ_CPU] + want.milli_cpu) / rows[ALLOC_CPU]
        mem = (rows[REQ_MEM] + want.memory) / rows[ALLOC_MEM]
        np.minimum(cpu, 1.0, out=cpu)
        cpu -= np.minimum(mem, 1.0, out=mem)
        std = np.abs(cpu, out=cpu)
        std /= 2
        return ((1 - std) * MAX_NODE_SCORE).astype(np.int64)
    fractions = []
    for wanted, used, alloc in ((want.milli_cpu, REQ_CPU, ALLOC_CPU), (want.memory, REQ_MEM, ALLOC_MEM)):
        has = rows[alloc] != 0
        fractions.append((has, np.minimum((wanted + rows[used]) / np.where(has, rows[alloc], 1), 1.0)))
    (has_cpu, cpu), (has_mem, mem) = fractions
    std = np.where(has_cpu & has_mem, np.abs(cpu - mem) / 2, 0.0)
    return ((1 - std) * MAX_NODE_SCORE).astype(np.int64)


def _least_allocated_shape(pod: Any) -> tuple[Any, Any]:
    want = pod_request(pod.spec, nonzero=True)
    return ("LeastAllocated", want.milli_cpu, want.memory), None


def _balanced_allocation_shape(pod: Any) -> tuple[Any, Any]:
    want = pod_request(pod.spec)
    return ("BalancedAllocation", want.milli_cpu, want.memory), None


# a node's score depends on its row and the pod's request alone: kept per request (see `plugins.base`)
vectorised(least_allocated, _least_allocated_vector, _least_allocated_shape)
vectorised(balanced_allocation, _balanced_allocation_vector, _balanced_allocation_shape)
