"""Pod QoS class (`ComputePodQOS`, pkg/apis/core/v1/helper/qos): BestEffort, Burstable or Guaranteed.

Only cpu and memory count. Because defaulting copies limits into missing requests first, a pod
with limits alone comes out Guaranteed.
"""

from __future__ import annotations

from typing import Any

from kubenb.api.quantity import Quantity

_COUNTED = ("cpu", "memory")


def pod_qos_class(spec: Any) -> str:
    requests: dict[str, Quantity] = {}
    limits: dict[str, Quantity] = {}
    guaranteed = True
    for c in (*(spec.init_containers or ()), *spec.containers):
        res = c.resources
        for name, value in (res.requests or {}).items():
            q = Quantity.parse(value)
            if name in _COUNTED and q > Quantity.parse("0"):
                requests[name] = requests[name] + q if name in requests else q
        container_limits = set()
        for name, value in (res.limits or {}).items():
            q = Quantity.parse(value)
            if name in _COUNTED and q > Quantity.parse("0"):
                container_limits.add(name)
                limits[name] = limits[name] + q if name in limits else q
        if container_limits != set(_COUNTED):
            guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    if guaranteed and len(requests) == len(limits) and all(limits.get(k) == v for k, v in requests.items()):
        return "Guaranteed"
    return "Burstable"
