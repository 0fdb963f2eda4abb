"""kube-scheduler's Filter plugins, one module each, run in upstream's default order.

A plugin returns None when the node fits, or a :class:`~kubenb.scheduler.plugins.base.Rejection`
carrying the reasons upstream reports for the node (NodeResourcesFit may give several at once:
`Insufficient cpu` and `Insufficient memory` are counted separately in the FailedScheduling
histogram).
"""

from __future__ import annotations

from kubenb.scheduler.plugins.base import Filter, NodeInfo, Rejection
from kubenb.scheduler.plugins.node_affinity import node_affinity
from kubenb.scheduler.plugins.node_name import node_name
from kubenb.scheduler.plugins.node_ports import node_ports
from kubenb.scheduler.plugins.node_resources_fit import make_fit
from kubenb.scheduler.plugins.node_unschedulable import node_unschedulable
from kubenb.scheduler.plugins.taint_toleration import taint_toleration

__all__ = ["Filter", "NodeInfo", "Rejection", "make_fit", "node_affinity", "node_name", "node_ports",
           "node_unschedulable", "taint_toleration"]
