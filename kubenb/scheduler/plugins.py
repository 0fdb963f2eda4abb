"""Filter plugins, each returning None (fits) or the reason upstream reports for the node.

A reason comes with its status: `UnschedulableAndUnresolvable` reasons tell preemption that
evicting pods would not help (`Preemption is not helpful for scheduling`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Optional

from kubenb.api import labels as labelsel
from kubenb.api.taints import tolerates, untolerated
from kubenb.scheduler.resources import Request


@dataclass(frozen=True)
class Rejection:
    reason: str
    unresolvable: bool  # UnschedulableAndUnresolvable


@dataclass
class NodeInfo:
    node: Any
    allocatable: Request
    requested: Request
    host_ports: set[tuple[str, str, int]]


Filter = Callable[[Any, NodeInfo, int], Optional[Rejection]]


def node_unschedulable(pod: Any, info: NodeInfo, minor: int) -> Optional[Rejection]:
    if info.node.spec.unschedulable and not any(
        tolerates(t, "node.kubernetes.io/unschedulable", "", "NoSchedule") for t in pod.spec.tolerations or ()
    ):
        return Rejection("node(s) were unschedulable", True)
    return None


def node_name(pod: Any, info: NodeInfo, minor: int) -> Optional[Rejection]:
    if pod.spec.node_name and pod.spec.node_name != info.node.metadata.name:
        return Rejection("node(s) didn't match the requested node name", True)
    return None


def taint_toleration(pod: Any, info: NodeInfo, minor: int) -> Optional[Rejection]:
    taint = untolerated(pod.spec.tolerations, info.node.spec.taints)
    if taint is None:
        return None
    text = f"{{{taint.key}: {taint.value or ''}}}"
    if minor >= 25:
        return Rejection(f"node(s) had untolerated taint {text}", True)
    return Rejection(f"node(s) had taint {text}, that the pod didn't tolerate", True)


def node_affinity(pod: Any, info: NodeInfo, minor: int) -> Optional[Rejection]:
    labels = info.node.metadata.labels or {}
    for k, v in (pod.spec.node_selector or {}).items():
        if labels.get(k) != v:
            return Rejection("node(s) didn't match Pod's node affinity/selector", True)
    affinity = pod.spec.affinity and pod.spec.affinity.node_affinity
    required = affinity and affinity.required_during_scheduling_ignored_during_execution
    if required and not any(_term_matches(t, info.node) for t in required.node_selector_terms or ()):
        return Rejection("node(s) didn't match Pod's node affinity/selector", True)
    return None


def pinned_nodes(pod: Any) -> Optional[set[str]]:
    """NodeAffinity's PreFilter (`getPreFilterNodeNames`): the node names a pod's required affinity
    allows when every term names them with `metadata.name In`, else None (any node may fit)."""
    affinity = pod.spec.affinity and pod.spec.affinity.node_affinity
    required = affinity and affinity.required_during_scheduling_ignored_during_execution
    if not required:
        return None
    names: Optional[set[str]] = None
    for term in required.node_selector_terms or ():
        term_names: Optional[set[str]] = None
        for f in term.match_fields or ():
            if f.key == "metadata.name" and f.operator == "In":
                term_names = set(f.values or ()) if term_names is None else term_names & set(f.values or ())
        if term_names is None:
            return None  # this term allows nodes of any name, and terms are ORed
        names = term_names if names is None else names | term_names
    return names


def node_ports(pod: Any, info: NodeInfo, minor: int) -> Optional[Rejection]:
    for c in pod.spec.containers:
        for p in c.ports or ():
            if p.host_port and any(
                proto == (p.protocol or "TCP") and port == p.host_port and
                (ip == (p.host_ip or "0.0.0.0") or "0.0.0.0" in (ip, p.host_ip or "0.0.0.0"))
                for ip, proto, port in info.host_ports
            ):
                return Rejection("node(s) didn't have free ports for the requested pod ports", False)
    return None


def make_fit(request_of: Callable[[Any], Request]) -> Filter:
    def node_resources_fit(pod: Any, info: NodeInfo, minor: int) -> Optional[Rejection]:
        req = request_of(pod)
        free = info.allocatable - info.requested
        if free.pods < 1:
            return Rejection("Too many pods", False)
        missing = []
        if req.milli_cpu and req.milli_cpu > free.milli_cpu:
            missing.append("Insufficient cpu")
        if req.memory and req.memory > free.memory:
            missing.append("Insufficient memory")
        return Rejection(", ".join(missing), False) if missing else None
    return node_resources_fit


def _term_matches(term: Any, node: Any) -> bool:
    labels = node.metadata.labels or {}
    for expr in term.match_expressions or ():
        req = labelsel.Requirement(expr.key, _operator(expr.operator), list(expr.values or ()))
        if not req.matches(labels):
            return False
    for expr in term.match_fields or ():
        if expr.key == "metadata.name":
            req = labelsel.Requirement("metadata.name", _operator(expr.operator), list(expr.values or ()))
            if not req.matches({"metadata.name": node.metadata.name}):
                return False
    return bool(term.match_expressions or term.match_fields)


def _operator(op: str) -> str:
    return {"In": "in", "NotIn": "notin", "Exists": "exists", "DoesNotExist": "!", "Gt": "gt", "Lt": "lt"}[op]
