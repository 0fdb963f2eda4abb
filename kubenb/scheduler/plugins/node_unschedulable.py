"""NodeUnschedulable: a cordoned node takes only pods tolerating `node.kubernetes.io/unschedulable`."""

from __future__ import annotations

from typing import Any, Optional

from kubenb.api.taints import tolerates
from kubenb.scheduler.plugins.base import NodeInfo, Rejection


def node_unschedulable(pod: Any, info: NodeInfo, minor: int) -> Optional[Rejection]:
    if info.node.spec.unschedulable and not any(
        tolerates(t, "node.kubernetes.io/unschedulable", "", "NoSchedule") for t in pod.spec.tolerations or ()
    ):
        return Rejection.one("node(s) were unschedulable", True)
    return None
