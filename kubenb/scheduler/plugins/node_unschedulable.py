"""NodeUnschedulable: a cordoned node takes only pods tolerating `node.kubernetes.io/unschedulable`."""

from __future__ import annotations

from typing import Any, Optional

from kubenb.api.taints import tolerates
from kubenb.scheduler.plugins.base import Filter, NodeInfo, Rejection, vectorised

TAINT = "node.kubernetes.io/unschedulable"
_REJECTED = Rejection.one("node(s) were unschedulable", True)


def prefilter(pod: Any) -> Optional[Filter]:
    """The Filter for this pod, or None when it tolerates cordoned nodes (nothing can reject it)."""
    if any(tolerates(t, TAINT, "", "NoSchedule") for t in pod.spec.tolerations or ()):
        return None
    return node_unschedulable


def node_unschedulable(pod: Any, info: NodeInfo, minor: int) -> Optional[Rejection]:
    return _REJECTED if info.node.spec.unschedulable else None


vectorised(node_unschedulable, lambda pod, columns, slots: columns.unschedulable[slots],
           lambda pod: (("NodeUnschedulable",), None))
