"""NodeAffinity: `nodeSelector` and required node affinity terms (terms OR'ed, expressions AND'ed)
filter; the weights of the preferred terms a node matches score it (`DefaultNormalizeScore`).

PreFilter (from v1.24, `node_affinity.go`) compiles the pod's requirements once per cycle, skips
the Filter for a pod without any, and -- when every required term names nodes with a `matchFields`
`metadata.name In` requirement, as a DaemonSet's pods do -- returns those names
(`PreFilterResult.NodeNames`: the union over the terms of each term's intersection), so that only
they are filtered. Terms whose names cannot meet reject the pod everywhere (`pod affinity terms
conflict`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Optional

import numpy as np

from kubenb.api import labels as labelsel
from kubenb.scheduler.plugins.base import SCALAR, Filter, NodeInfo, Rejection, vectorised
from kubenb.scheduler.plugins.scoring import default_normalize, default_normalize_vector

REASON = "node(s) didn't match Pod's node affinity/selector"
CONFLICT = "pod affinity terms conflict"
NAME_FIELD = "metadata.name"
_REJECTED = Rejection.one(REASON, True)

Requirements = tuple[labelsel.Requirement, ...]
Term = tuple[Requirements, Requirements]  # (label requirements, field requirements)


def prefilter(pod: Any) -> Optional[Filter]:
    """This cycle's Filter, or None when the pod has no nodeSelector and no required terms (Skip)."""
    match = required_matcher(pod)
    if match is None:
        return None

    def node_affinity(pod: Any, info: NodeInfo, minor: int) -> Optional[Rejection]:
        return None if match(info.node) else _REJECTED

    rejected: list[np.ndarray] = []  # over every slot, computed once a cycle (the walk asks per window)

    def rejects(pod: Any, columns: Any, slots: np.ndarray) -> Optional[np.ndarray]:
        if rejected:
            return rejected[0][slots]
        selector = tuple((pod.spec.node_selector or {}).items())
        required = _required_terms(pod)
        terms = None if required is None else [_compile(t) for t in required]
        if terms is not None and any(t is not None and t[1] for t in terms):
            return None  # matchFields: by name, node by node
        ok = np.ones(columns.size, bool)
        for k, v in selector:
            ok &= columns.label_equals(k, v)
        if terms is not None:
            ok &= _terms_mask(terms, columns)
        rejected.append(~ok)
        return rejected[0][slots]
    spec = pod.spec
    parts = (spec.node_selector, spec.affinity)
    return vectorised(node_affinity, rejects, lambda pod: (("NodeAffinity", *map(id, parts)), parts))


def node_names(pod: Any) -> Optional[frozenset[str]]:
    """PreFilter's `PreFilterResult.NodeNames`: None for "all nodes", else the named nodes (empty when
    the terms conflict)."""
    terms = _required_terms(pod)
    if not terms:
        return None
    names: set[str] = set()
    for term in terms:
        named: Optional[set[str]] = None
        for expr in term.match_fields or ():
            if expr.key == NAME_FIELD and expr.operator == "In":
                values = set(expr.values or ())
                named = values if named is None else named & values
        if named is None:
            return None  # a term that names no node lets every node through (terms are OR'ed)
        names |= named
    return frozenset(names)


def required_matcher(pod: Any) -> Optional[Any]:
    """`GetRequiredNodeAffinity(pod)` compiled: a predicate on nodes, or None when it holds for all."""
    selector = tuple((pod.spec.node_selector or {}).items())
    required = _required_terms(pod)
    if not selector and required is None:
        return None
    terms = None if required is None else tuple(_compile(t) for t in required)

    def matches(node: Any) -> bool:
        labels = node.metadata.labels or {}
        for k, v in selector:
            if labels.get(k) != v:
                return False
        return terms is None or any(_compiled_matches(t, labels, node) for t in terms)
    return matches


def required_matches(pod: Any, node: Any) -> bool:
    """`GetRequiredNodeAffinity(pod).Match(node)`: the nodeSelector and the required terms."""
    match = required_matcher(pod)
    return match is None or match(node)


def node_affinity_score(pod: Any, infos: Sequence[NodeInfo]) -> Optional[list[int]]:
    affinity = pod.spec.affinity and pod.spec.affinity.node_affinity
    preferred = [(t.weight, _compile(t.preference))
                 for t in (affinity and affinity.preferred_during_scheduling_ignored_during_execution) or () if t.weight]
    if not preferred:
        return None  # PreScore: Skip
    return default_normalize([sum(w for w, t in preferred if _compiled_matches(t, info.node.metadata.labels or {}, info.node))
                              for info in infos])


def _term_mask(term: Optional[Term], columns: Any) -> np.ndarray:
    """The slots a compiled term's label requirements match (none for an empty term)."""
    if term is None:
        return np.zeros(columns.size, bool)
    ok = np.ones(columns.size, bool)
    for req in term[0]:
        ok &= columns.label_matches(req)
    return ok


def _terms_mask(terms: list[Optional[Term]], columns: Any) -> np.ndarray:
    out = np.zeros(columns.size, bool)
    for term in terms:
        out |= _term_mask(term, columns)
    return out


def _score_vector(pod: Any, columns: Any, slots: np.ndarray) -> Any:
    affinity = pod.spec.affinity and pod.spec.affinity.node_affinity
    preferred = [(t.weight, _compile(t.preference))
                 for t in (affinity and affinity.preferred_during_scheduling_ignored_during_execution) or () if t.weight]
    if not preferred:
        return None  # PreScore: Skip
    if any(t is not None and t[1] for _, t in preferred):
        return SCALAR  # matchFields: by name, node by node
    total = np.zeros(columns.size, np.int64)
    for weight, term in preferred:
        total += weight * _term_mask(term, columns)
    return default_normalize_vector(total[slots])


vectorised(node_affinity_score, _score_vector)


def _required_terms(pod: Any) -> Optional[list[Any]]:
    affinity = pod.spec.affinity and pod.spec.affinity.node_affinity
    required = affinity and affinity.required_during_scheduling_ignored_during_execution
    return (required.node_selector_terms or []) if required else None


def _compile(term: Any) -> Optional[Term]:
    """A `NodeSelectorTerm` as requirements on labels and on fields (only `metadata.name` is known);
    None for an empty term, which matches nothing."""
    if not term.match_expressions and not term.match_fields:
        return None
    labels = tuple(labelsel.Requirement(e.key, _operator(e.operator), list(e.values or ()))
                   for e in term.match_expressions or ())
    fields = tuple(labelsel.Requirement(e.key, _operator(e.operator), list(e.values or ()))
                   for e in term.match_fields or () if e.key == NAME_FIELD)
    return labels, fields


def _compiled_matches(term: Optional[Term], labels: dict[str, str], node: Any) -> bool:
    if term is None:
        return False
    label_reqs, field_reqs = term
    for req in label_reqs:
        if not req.matches(labels):
            return False
    if field_reqs:
        fields = {NAME_FIELD: node.metadata.name}
        return all(req.matches(fields) for req in field_reqs)
    return True


def _operator(op: str) -> str:
    return {"In": "in", "NotIn": "notin", "Exists": "exists", "DoesNotExist": "!", "Gt": "gt", "Lt": "lt"}[op]
