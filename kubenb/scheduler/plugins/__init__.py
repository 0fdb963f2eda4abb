"""kube-scheduler's Filter plugins, one module each, run in upstream's default order.

A plugin returns None when the node fits, or a :class:`~kubenb.scheduler.plugins.base.Rejection`
carrying the reasons upstream reports for the node (NodeResourcesFit may give several at once:
`Insufficient cpu` and `Insufficient memory` are counted separately in the FailedScheduling
histogram). Each cycle starts with the plugins' PreFilter: what a plugin needs of the pod is
computed once, and a plugin with nothing to check for the pod is left out (upstream's Skip).
"""

from __future__ import annotations

from typing import Any

from kubenb.scheduler.plugins import node_affinity, node_name, node_ports, node_resources_fit, node_unschedulable
from kubenb.scheduler.plugins.base import SCALAR, Filter, NodeInfo, Rejection
from kubenb.scheduler.plugins.taint_toleration import taint_toleration

__all__ = ["SCALAR", "Filter", "NodeInfo", "Rejection", "node_filters"]


def node_filters(pod: Any) -> tuple[list[Filter], list[Filter]]:
    """This cycle's node-local Filters for `pod`, in upstream's order: NodeUnschedulable, NodeName,
    TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit -- all of them, and those left for a
    node that is neither cordoned nor tainted (:attr:`NodeInfo.plain`), which the first and third
    always pass."""
    cordon = node_unschedulable.prefilter(pod)
    rest = [f for f in (node_affinity.prefilter(pod), node_ports.prefilter(pod), node_resources_fit.prefilter(pod))
            if f is not None]
    named = node_name.prefilter(pod)
    every = [f for f in (cordon, named, taint_toleration) if f is not None] + rest
    return every, ([named] if named is not None else []) + rest
