"""NodeResourcesFit: the pod's requests against the node's allocatable minus what is bound there.

Every resource that does not fit is its own reason (`Insufficient cpu`, `Insufficient memory`),
and a full node says `Too many pods` -- all Unschedulable, so preemption would be tried. The pod's
request is computed once per cycle, as upstream's PreFilter does (`computePodResourceRequest`).
"""

from __future__ import annotations

from typing import Any, Optional

from kubenb.scheduler.columns import NUMBERS
from kubenb.scheduler.plugins.base import Filter, NodeInfo, Rejection, vectorised
from kubenb.scheduler.resources import pod_request

# rows of `NodeColumns.gather`
ALLOC_CPU, ALLOC_MEM, ALLOC_PODS, REQ_CPU, REQ_MEM, REQ_PODS = map(
    NUMBERS.index, ("alloc_cpu", "alloc_mem", "alloc_pods", "req_cpu", "req_mem", "req_pods"))


def prefilter(pod: Any) -> Filter:
    req = pod_request(pod.spec)
    cpu, mem = req.milli_cpu, req.memory

    def node_resources_fit(pod: Any, info: NodeInfo, minor: int) -> Optional[Rejection]:
        alloc, used = info.allocatable, info.requested
        if alloc.pods - used.pods >= 1 and (not cpu or cpu <= alloc.milli_cpu - used.milli_cpu) and \
                (not mem or mem <= alloc.memory - used.memory):
            return None
        missing = []
        if alloc.pods - used.pods < 1:
            missing.append("Too many pods")
        if cpu and cpu > alloc.milli_cpu - used.milli_cpu:
            missing.append("Insufficient cpu")
        if mem and mem > alloc.memory - used.memory:
            missing.append("Insufficient memory")
        return Rejection(tuple(missing), False)

    def rejects(pod: Any, columns: Any, slots: Any) -> Any:
        rows = columns.gather(slots)
        out = rows[ALLOC_PODS] - rows[REQ_PODS] < 1
        if cpu:
            out |= cpu > rows[ALLOC_CPU] - rows[REQ_CPU]
        if mem:
            out |= mem > rows[ALLOC_MEM] - rows[REQ_MEM]
        return out
    return vectorised(node_resources_fit, rejects, lambda pod: (("NodeResourcesFit", cpu, mem), None))
