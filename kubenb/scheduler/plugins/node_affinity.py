"""NodeAffinity: `nodeSelector` and required node affinity terms (terms OR'ed, expressions AND'ed)."""

from __future__ import annotations

from typing import Any, Optional

from kubenb.api import labels as labelsel
from kubenb.scheduler.plugins.base import NodeInfo, Rejection

REASON = "node(s) didn't match Pod's node affinity/selector"


def node_affinity(pod: Any, info: NodeInfo, minor: int) -> Optional[Rejection]:
    labels = info.node.metadata.labels or {}
    for k, v in (pod.spec.node_selector or {}).items():
        if labels.get(k) != v:
            return Rejection.one(REASON, True)
    affinity = pod.spec.affinity and pod.spec.affinity.node_affinity
    required = affinity and affinity.required_during_scheduling_ignored_during_execution
    if required and not any(_term_matches(t, info.node) for t in required.node_selector_terms or ()):
        return Rejection.one(REASON, True)
    return None


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
