"""InterPodAffinity (`interpodaffinity/filtering.go`, `scoring.go`).

Filter, with the counts PreFilter takes per topology pair `(key, value)` of the nodes the
matching pods run on:

- the pod's required affinity: every term's key must be on the node and some pod matching all
  the terms must run in the node's domain -- unless no such pod exists anywhere and the pod
  matches its own terms (the first of a group that wants to be together); else `node(s) didn't
  match pod affinity rules` (UnschedulableAndUnresolvable);
- the pod's required anti-affinity: no pod matching a term in the node's domain, else `node(s)
  didn't match pod anti-affinity rules`;
- existing pods' required anti-affinity: no bound pod whose term matches this pod runs in a
  domain the node is in, else `node(s) didn't satisfy existing pods anti-affinity rules`.

Score: per topology pair, the pod's preferred terms add (affinity) or subtract (anti-affinity)
their weight for each matching pod there; existing pods' required affinity terms matching this
pod add 1 (`hardPodAffinityWeight`) and their preferred terms add or subtract their weight. A node
scores the sum over its labels, normalised min..max to 0..100.

Existing pods with affinity are indexed as pods come and go, and the pods a term selects come
from the label index, so neither step walks every pod of the cluster.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any, Optional

from kubenb.scheduler.plugins.base import SCALAR, Filter, NodeInfo, Rejection
from kubenb.scheduler.plugins.pod_terms import Term, bound, preferred_terms, required_terms
from kubenb.scheduler.plugins.scoring import MAX_NODE_SCORE
from kubenb.store import WatchEvent

AFFINITY = "node(s) didn't match pod affinity rules"
ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules"
EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules"
HARD_POD_AFFINITY_WEIGHT = 1

Pair = tuple[str, str]


class InterPodAffinity:
    def __init__(self, store: Any) -> None:
        self.store = store
        #: bound pods with pod affinity or anti-affinity (`NodeInfo.PodsWithAffinity`), by key
        self.with_affinity: dict[tuple[str, str], Any] = {}
        store.watch(self._on_pod, "Pod")

    def _on_pod(self, ev: WatchEvent) -> None:
        pod = ev.object
        affinity = pod.spec.affinity
        if affinity is None and not self.with_affinity:
            return  # the rule (no pod has affinity): nothing to add, nothing to drop
        key = (pod.metadata.namespace or "", pod.metadata.name or "")
        if ev.type != "DELETED" and bound(pod) and affinity is not None and (
                affinity.pod_affinity is not None or affinity.pod_anti_affinity is not None):
            self.with_affinity[key] = pod
        else:
            self.with_affinity.pop(key, None)

    def _labels_of_node(self, name: str) -> dict[str, str]:
        node = self.store.try_get("Node", "", name)
        return (node.metadata.labels or {}) if node is not None else {}

    def _count(self, counts: Counter, terms: Sequence[Term], pod: Any, weight: int = 1) -> None:
        labels = self._labels_of_node(pod.spec.node_name)
        for t in terms:
            if t.topology_key in labels:
                counts[(t.topology_key, labels[t.topology_key])] += weight

    # ---------------------------------------------------------------- filter

    def prefilter(self, pod: Any, nodes: Sequence[Any]) -> Optional[Filter]:
        """The Filter for this pod, or None when there is nothing to check (PreFilter's Skip)."""
        affinity = required_terms(self.store, pod, anti=False)
        anti = required_terms(self.store, pod, anti=True)
        existing: Counter = Counter()
        for other in self.with_affinity.values():
            terms = [t for t in required_terms(self.store, other, anti=True) if t.matches(pod)]
            self._count(existing, terms, other)
        if not affinity and not anti and not existing:
            return None
        affinity_counts: Counter = Counter()
        if affinity:
            for other in affinity[0].pods(self.store):
                if all(t.matches(other) for t in affinity):
                    self._count(affinity_counts, affinity, other)
        anti_counts: Counter = Counter()
        for t in anti:
            for other in t.pods(self.store):
                self._count(anti_counts, [t], other)
        first_of_group = not affinity_counts and bool(affinity) and all(t.matches(pod) for t in affinity)

        def inter_pod_affinity(pod: Any, info: NodeInfo, minor: int) -> Optional[Rejection]:
            labels = info.node.metadata.labels or {}
            if affinity:
                if any(t.topology_key not in labels for t in affinity):
                    return Rejection.one(AFFINITY, True)
                if not all(affinity_counts[(t.topology_key, labels[t.topology_key])] > 0 for t in affinity) \
                        and not first_of_group:
                    return Rejection.one(AFFINITY, True)
            if anti_counts and any(t.topology_key in labels and anti_counts[(t.topology_key, labels[t.topology_key])] > 0
                                   for t in anti):
                return Rejection.one(ANTI_AFFINITY, False)
            if existing and any(existing[pair] > 0 for pair in labels.items()):
                return Rejection.one(EXISTING_ANTI_AFFINITY, False)
            return None
        return inter_pod_affinity

    # ---------------------------------------------------------------- score

    def score_vector(self, pod: Any, columns: Any, slots: Any) -> Any:
        """No vector form: only PreScore's Skip -- no preferred terms of the pod's, no bound pod
        with affinity -- is answered without the nodes."""
        affinity = pod.spec.affinity
        preferred = affinity is not None and any(
            a is not None and a.preferred_during_scheduling_ignored_during_execution
            for a in (affinity.pod_affinity, affinity.pod_anti_affinity))
        return SCALAR if preferred or self.with_affinity else None

    def score(self, pod: Any, infos: Sequence[NodeInfo]) -> Optional[list[int]]:
        affinity = preferred_terms(self.store, pod, anti=False)
        anti = preferred_terms(self.store, pod, anti=True)
        topology: Counter = Counter()
        for sign, terms in ((1, affinity), (-1, anti)):
            for t in terms:
                for other in t.pods(self.store):
                    self._count(topology, [t], other, sign * t.weight)
        for other in self.with_affinity.values():
            hard = [Term(t.namespaces, t.selector, t.topology_key, HARD_POD_AFFINITY_WEIGHT)
                    for t in required_terms(self.store, other, anti=False)]
            for sign, terms in ((1, hard), (1, preferred_terms(self.store, other, anti=False)),
                                (-1, preferred_terms(self.store, other, anti=True))):
                for t in terms:
                    if t.matches(pod):
                        self._count(topology, [t], other, sign * t.weight)
        if not topology:
            return None  # PreScore: Skip
        return normalize_min_max([sum(topology.get(pair, 0) for pair in (info.node.metadata.labels or {}).items())
                                  for info in infos])


def normalize_min_max(scores: list[int]) -> list[int]:
    """InterPodAffinity's NormalizeScore: (score - min) * 100 / (max - min), 0 when all are equal."""
    low, high = min(scores), max(scores)
    if high == low:
        return [0] * len(scores)
    return [int(MAX_NODE_SCORE * ((s - low) / (high - low))) for s in scores]
