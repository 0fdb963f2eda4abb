"""NodeAffinity: `nodeSelector` and required node affinity terms (terms OR'ed, expressions AND'ed)
filter; the weights of the preferred terms a node matches score it (`DefaultNormalizeScore`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Optional

from kubenb.api import labels as labelsel
from kubenb.scheduler.plugins.base import NodeInfo, Rejection
from kubenb.scheduler.plugins.scoring import default_normalize

REASON = "node(s) didn't match Pod's node affinity/selector"


def node_affinity(pod: Any, info: NodeInfo, minor: int) -> Optional[Rejection]:
    return None if required_matches(pod, info.node) else Rejection.one(REASON, True)


def required_matches(pod: Any, node: Any) -> bool:
    """`GetRequiredNodeAffinity(pod).Match(node)`: the nodeSelector and the required terms."""
    labels = node.metadata.labels or {}
    for k, v in (pod.spec.node_selector or {}).items():
        if labels.get(k) != v:
            return False
    affinity = pod.spec.affinity and pod.spec.affinity.node_affinity
    required = affinity and affinity.required_during_scheduling_ignored_during_execution
    return not required or any(_term_matches(t, node) for t in required.node_selector_terms or ())


def node_affinity_score(pod: Any, infos: Sequence[NodeInfo]) -> Optional[list[int]]:
    affinity = pod.spec.affinity and pod.spec.affinity.node_affinity
    preferred = [t for t in (affinity and affinity.preferred_during_scheduling_ignored_during_execution) or ()
                 if t.weight]
    if not preferred:
        return None  # PreScore: Skip
    return default_normalize([sum(t.weight for t in preferred if _term_matches(t.preference, info.node))
                              for info in infos])


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
