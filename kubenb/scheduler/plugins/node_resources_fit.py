"""NodeResourcesFit: the pod's requests against the node's allocatable minus what is bound there.

Every resource that does not fit is its own reason (`Insufficient cpu`, `Insufficient memory`),
and a full node says `Too many pods` -- all Unschedulable, so preemption would be tried.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Optional

from kubenb.scheduler.plugins.base import Filter, NodeInfo, Rejection
from kubenb.scheduler.resources import Request


def make_fit(request_of: Callable[[Any], Request]) -> Filter:
    def node_resources_fit(pod: Any, info: NodeInfo, minor: int) -> Optional[Rejection]:
        req = request_of(pod)
        free = info.allocatable - info.requested
        missing = []
        if free.pods < 1:
            missing.append("Too many pods")
        if req.milli_cpu and req.milli_cpu > free.milli_cpu:
            missing.append("Insufficient cpu")
        if req.memory and req.memory > free.memory:
            missing.append("Insufficient memory")
        return Rejection(tuple(missing), False) if missing else None
    return node_resources_fit
