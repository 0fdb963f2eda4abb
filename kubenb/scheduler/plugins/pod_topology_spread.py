"""PodTopologySpread (`podtopologyspread/filtering.go`, `scoring.go`, `common.go`).

A constraint counts the bound, non-terminating pods of the pod's namespace that its selector
matches, per value of its topology key, over the nodes that pass the pod's required node
affinity (nodeAffinityPolicy Honor) and, from v1.26 with nodeTaintsPolicy Honor, tolerate its
taints, and carry every constraint's key.

- Filter (DoNotSchedule): placing the pod on a node must keep `count(node's domain) + (1 if the
  pod matches itself) - min over domains <= maxSkew`; the minimum is 0 while there are fewer
  domains than `minDomains` (v1.25+). A node without the key is `node(s) didn't match pod
  topology spread constraints (missing required label)` (UnschedulableAndUnresolvable), a skew
  too large `node(s) didn't match pod topology spread constraints` (Unschedulable).
- Score (ScheduleAnyway): per constraint `count * log(domains + 2) + maxSkew - 1` summed and
  normalised so the emptiest node gets 100: `100 * (max + min - s) / max`.
- A pod without constraints gets the system defaults (`DefaultingType: System`): hostname maxSkew
  3 and zone maxSkew 5, both ScheduleAnyway, selecting what the Services, ReplicationController,
  ReplicaSet or StatefulSet that own or select the pod select (`helper.DefaultSelector`) --
  nothing, so no spreading, for a bare pod. Nodes lacking the zone label still spread by host.

`matchLabelKeys` (v1.27+) adds the pod's own values of those labels to the selector. Matching pods
come from the label index, never from walking every node's pods.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

import numpy as np

from kubenb.api import labels as labelsel
from kubenb.api.taints import untolerated
from kubenb.scheduler.columns import MISSING
from kubenb.scheduler.plugins.base import SCALAR, Filter, NodeInfo, Rejection, vectorised
from kubenb.scheduler.plugins.node_affinity import prefilter as node_affinity_prefilter
from kubenb.scheduler.plugins.node_affinity import required_matcher, required_matches
from kubenb.scheduler.plugins.pod_terms import matching_pods
from kubenb.scheduler.plugins.scoring import MAX_NODE_SCORE

if TYPE_CHECKING:
    from kubenb.scheduler.matching import MatchingCounts

MISMATCH = "node(s) didn't match pod topology spread constraints"
MISSING_LABEL = MISMATCH + " (missing required label)"
HOSTNAME = "kubernetes.io/hostname"
ZONE = "topology.kubernetes.io/zone"
SYSTEM_DEFAULTS = ((HOSTNAME, 3), (ZONE, 5))  # (topologyKey, maxSkew), ScheduleAnyway
MIN_DOMAINS_MINOR = 25
NODE_INCLUSION_MINOR = 26
MATCH_LABEL_KEYS_MINOR = 27
_NO_DOMAIN = 2 ** 31 - 1  # the critical path of a key no eligible node has: MaxInt32


@dataclass(frozen=True)
class Constraint:
    max_skew: int
    topology_key: str
    selector: labelsel.Selector
    min_domains: int = 1
    honor_affinity: bool = True
    honor_taints: bool = False

    def includes(self, pod: Any, node: Any) -> bool:
        """`matchNodeInclusionPolicies`."""
        if self.honor_affinity and not required_matches(pod, node):
            return False
        return not (self.honor_taints and untolerated(pod.spec.tolerations, node.spec.taints) is not None)


class PodTopologySpread:
    def __init__(self, store: Any, minor: int, counts: Optional[MatchingCounts] = None,
                 nodes_by_slot: Sequence[NodeInfo] = ()) -> None:
        self.store = store
        self.minor = minor
        #: matching pods per node, kept from events (the vector score's; the scalar one asks the store)
        self.counts = counts
        self.nodes_by_slot = nodes_by_slot

    # ---------------------------------------------------------------- constraints

    def constraints(self, pod: Any, action: str) -> list[Constraint]:
        """`filterTopologySpreadConstraints`, or `buildDefaultConstraints` for a pod with none."""
        if pod.spec.topology_spread_constraints:
            return [self._constraint(pod, c) for c in pod.spec.topology_spread_constraints
                    if c.when_unsatisfiable == action]
        if action != "ScheduleAnyway":
            return []
        selector = self.default_selector(pod)
        if selector.empty():
            return []
        return [Constraint(skew, key, selector) for key, skew in SYSTEM_DEFAULTS]

    def _constraint(self, pod: Any, c: Any) -> Constraint:
        selector = labelsel.selector_from_label_selector(c.label_selector)
        labels = pod.metadata.labels or {}
        if self.minor >= MATCH_LABEL_KEYS_MINOR and c.match_label_keys:
            pairs = {k: labels[k] for k in c.match_label_keys if k in labels}
            if pairs:
                selector = merge_label_set(pairs, selector)
        inclusion = self.minor >= NODE_INCLUSION_MINOR
        return Constraint(
            c.max_skew, c.topology_key, selector,
            min_domains=(c.min_domains or 1) if self.minor >= MIN_DOMAINS_MINOR else 1,
            honor_affinity=not inclusion or (c.node_affinity_policy or "Honor") == "Honor",
            honor_taints=inclusion and (c.node_taints_policy or "Ignore") == "Honor")

    def default_selector(self, pod: Any) -> labelsel.Selector:
        """`helper.DefaultSelector`: the selectors of the Services selecting the pod merged, plus
        the selector of its controlling ReplicationController, ReplicaSet or StatefulSet."""
        ns = pod.metadata.namespace or ""
        labels = pod.metadata.labels or {}
        merged: dict[str, str] = {}
        for svc in self.store.selecting("Service", ns, labels):  # from the store's selector index
            merged.update(svc.spec.selector)
        selector = labelsel.selector_from_set(merged)
        owner = pod.metadata.controller_ref()
        if owner is None:
            return selector
        if owner.kind == "ReplicationController" and owner.api_version == "v1":
            rc = self.store.try_get("ReplicationController", ns, owner.name)
            if rc is not None:
                selector = labelsel.selector_from_set({**merged, **(rc.spec.selector or {})})
        elif owner.kind in ("ReplicaSet", "StatefulSet") and owner.api_version == "apps/v1":
            owner_obj = self.store.try_get(owner.kind, ns, owner.name)
            if owner_obj is not None:
                try:
                    other = labelsel.selector_from_label_selector(owner_obj.spec.selector)
                except labelsel.SelectorError:
                    return selector
                selector = selector.add(*other.requirements)
        return selector

    def _counts_by_node(self, pod: Any, c: Constraint) -> Counter:
        """`countPodsMatchSelector` for every node at once: matching pods of the pod's namespace
        that are not terminating, by node name."""
        return Counter(p.spec.node_name for p in matching_pods(self.store, [pod.metadata.namespace or ""], c.selector)
                       if p.metadata.deletion_timestamp is None)

    # ---------------------------------------------------------------- filter

    def prefilter(self, pod: Any, nodes: Sequence[Any], columns: Any = None) -> Optional[Filter]:
        """PreFilter: the matching pods per domain of every DoNotSchedule constraint and each one's
        minimum, then the Filter. Given the cache's `columns` (the vector path), the domains come
        from the label value ids and the counts from the kept counts, and the Filter has a vector
        form; otherwise every node is visited (the reference)."""
        constraints = self.constraints(pod, "DoNotSchedule")
        if not constraints:
            return None
        if columns is not None and self.counts is not None:
            per_value, arrays = self._domain_counts(pod, constraints, columns)
        else:
            per_value, arrays = self._domain_counts_by_node(pod, constraints, nodes), None
        minimum = [0 if len(v) < c.min_domains else min(v.values(), default=_NO_DOMAIN)
                   for c, v in zip(constraints, per_value, strict=False)]
        own = pod.metadata.labels or {}
        self_match = [1 if c.selector.matches(own) else 0 for c in constraints]

        def pod_topology_spread(pod: Any, info: NodeInfo, minor: int) -> Optional[Rejection]:
            labels = info.node.metadata.labels or {}
            for i, c in enumerate(constraints):
                value = labels.get(c.topology_key)
                if value is None:
                    return Rejection.one(MISSING_LABEL, True)
                if per_value[i].get(value, 0) + self_match[i] - minimum[i] > c.max_skew:
                    return Rejection.one(MISMATCH, False)
            return None
        if arrays is None:
            return pod_topology_spread

        def rejects(pod: Any, columns: Any, slots: np.ndarray) -> np.ndarray:
            out = np.zeros(len(slots), bool)
            for i, c in enumerate(constraints):
                ids = columns.label_ids.get(c.topology_key)
                if ids is None:
                    return np.ones(len(slots), bool)
                ids = ids[slots]
                out |= (ids == MISSING) | (arrays[i][ids] + self_match[i] - minimum[i] > c.max_skew)
            return out
        return vectorised(pod_topology_spread, rejects)

    def _domain_counts_by_node(self, pod: Any, constraints: list[Constraint], nodes: Sequence[Any]) -> list[Counter]:
        counts = [self._counts_by_node(pod, c) for c in constraints]
        per_value: list[Counter] = [Counter() for _ in constraints]
        for node in nodes:
            labels = node.metadata.labels or {}
            if any(c.topology_key not in labels for c in constraints):
                continue
            for i, c in enumerate(constraints):
                if c.includes(pod, node):
                    per_value[i][labels[c.topology_key]] += counts[i].get(node.metadata.name, 0)
        return per_value

    def _domain_counts(self, pod: Any, constraints: list[Constraint],
                       columns: Any) -> tuple[list[dict[str, int]], list[np.ndarray]]:
        """:meth:`_domain_counts_by_node` over the columns: per constraint the count per domain
        (value -> pods) and the same as an array by value id (with a last, zero entry that a
        missing key indexes)."""
        assert self.counts is not None
        size, ns = columns.size, pod.metadata.namespace or ""
        eligible = columns.present[:size].copy()
        for c in constraints:
            eligible &= columns.domains(c.topology_key)[0]
        matcher = required_matcher(pod)
        affinity: Optional[np.ndarray] = None
        if matcher is not None and any(c.honor_affinity for c in constraints):
            rejected = node_affinity_prefilter(pod).vector(pod, columns, np.arange(size))  # type: ignore[union-attr]
            if rejected is None:  # matchFields: node by node
                affinity = np.zeros(size, bool)
                idx = np.flatnonzero(eligible)
                affinity[idx] = [matcher(self.nodes_by_slot[s].node) for s in idx.tolist()]
            else:
                affinity = ~rejected
        per_value, arrays = [], []
        for c in constraints:
            included = eligible
            if c.honor_affinity and affinity is not None:
                included = included & affinity
            if c.honor_taints:
                included = included & columns.per_taint_set(
                    lambda taints: untolerated(pod.spec.tolerations, taints) is None)
            values = columns.label_values.get(c.topology_key, [])
            ids = columns.label_ids[c.topology_key][:size] if values else np.full(size, MISSING, np.int32)
            domains = np.zeros(len(values) + 1, bool)
            domains[ids[included]] = True
            by_id = np.zeros(len(values) + 1, np.int64)
            where, how_many = self.counts.arrays(ns, c.selector)
            take = included[where]
            np.add.at(by_id, ids[where[take]], how_many[take])
            per_value.append({values[v]: int(by_id[v]) for v in np.flatnonzero(domains).tolist()})
            arrays.append(by_id)
        return per_value, arrays

    # ---------------------------------------------------------------- score

    def score_vector(self, pod: Any, columns: Any, slots: np.ndarray) -> Any:
        """:meth:`score` over the columns: per constraint, the matching pods per slot from the kept
        counts (:mod:`kubenb.scheduler.matching`), domains as label value ids, and only the slots
        holding matching pods visited (for `includes`, when the pod has node affinity or honours
        taints) -- so a cycle costs the feasible nodes in array operations plus the nodes the
        workload already runs on, never a walk of the store."""
        constraints = self.constraints(pod, "ScheduleAnyway")
        if not constraints:
            return None  # PreScore: Skip
        if self.counts is None:
            return SCALAR
        ns = pod.metadata.namespace or ""
        domains = [columns.domains(c.topology_key) for c in constraints]
        ignored = np.zeros(columns.size, bool)
        if pod.spec.topology_spread_constraints:  # system defaults spread by host alone too
            for has, _ in domains:
                ignored |= ~has
        kept = slots[~ignored[slots]]
        total = np.zeros(len(slots), np.float64)
        for c, (has, ids) in zip(constraints, domains, strict=True):
            where, how_many = self.counts.arrays(ns, c.selector)
            if c.topology_key == HOSTNAME:
                size = len(kept)
                per_node = np.zeros(columns.size, np.int64)
                per_node[where] = how_many
                cnt = per_node[slots]
            else:
                in_domain = np.zeros(len(columns.label_values.get(c.topology_key, ())) + 1, bool)
                in_domain[ids[kept]] = True  # MISSING (-1) marks the last entry: the domain ""
                size = int(in_domain.sum())
                # PreScore adds up every node's pods, feasible or not, in the feasible nodes' domains
                take = columns.present[where] & ~ignored[where] & in_domain[ids[where]]
                if take.any() and (c.honor_taints or (c.honor_affinity and required_matcher(pod) is not None)):
                    idx = np.flatnonzero(take)
                    take[idx] = [c.includes(pod, self.nodes_by_slot[s].node) for s in where[idx].tolist()]
                per_value = np.zeros(len(in_domain), np.int64)
                np.add.at(per_value, ids[where[take]], how_many[take])
                cnt = per_value[ids[slots]]
            total += np.where(has[slots], cnt * math.log(size + 2) + (c.max_skew - 1), 0.0)
        raw = np.floor(total + 0.5).astype(np.int64)  # Go's math.Round: halves away from zero
        valid = ~ignored[slots]
        low, high = (int(raw[valid].min()), int(raw[valid].max())) if valid.any() else (0, 0)
        if high == 0:
            return np.where(valid, MAX_NODE_SCORE, 0).astype(np.int64)
        return np.where(valid, MAX_NODE_SCORE * (high + low - raw) // high, 0).astype(np.int64)

    def score(self, pod: Any, infos: Sequence[NodeInfo]) -> Optional[list[int]]:
        constraints = self.constraints(pod, "ScheduleAnyway")
        if not constraints:
            return None  # PreScore: Skip
        require_all = bool(pod.spec.topology_spread_constraints)  # system defaults spread by host alone too
        ignored = {i.node.metadata.name for i in infos if require_all and any(
            c.topology_key not in (i.node.metadata.labels or {}) for c in constraints)}
        domains: list[set[str]] = [set() for _ in constraints]
        for info in infos:
            if info.node.metadata.name not in ignored:
                labels = info.node.metadata.labels or {}
                for i, c in enumerate(constraints):
                    if c.topology_key != HOSTNAME:
                        domains[i].add(labels.get(c.topology_key, ""))
        sizes = [len(infos) - len(ignored) if c.topology_key == HOSTNAME else len(domains[i])
                 for i, c in enumerate(constraints)]
        weights = [math.log(size + 2) for size in sizes]
        counts = [self._counts_by_node(pod, c) for c in constraints]
        per_value: list[Counter] = [Counter() for _ in constraints]
        for i, c in enumerate(constraints):
            if c.topology_key == HOSTNAME:
                continue
            # PreScore adds up every node's pods, feasible or not: walk the nodes that have some
            for name, cnt in counts[i].items():
                node = self.store.try_get("Node", "", name)
                labels = (node.metadata.labels or {}) if node is not None else {}
                if node is None or (require_all and any(k.topology_key not in labels for k in constraints)) or \
                        labels.get(c.topology_key, "") not in domains[i] or not c.includes(pod, node):
                    continue
                per_value[i][labels.get(c.topology_key, "")] += cnt
        raw = []
        for info in infos:
            name = info.node.metadata.name
            if name in ignored:
                raw.append(None)
                continue
            labels = info.node.metadata.labels or {}
            total = 0.0
            for i, c in enumerate(constraints):
                if c.topology_key in labels:
                    cnt = counts[i].get(name, 0) if c.topology_key == HOSTNAME else per_value[i][labels[c.topology_key]]
                    total += cnt * weights[i] + (c.max_skew - 1)
            raw.append(math.floor(total + 0.5))  # Go's math.Round: halves away from zero
        return normalize(raw)


def normalize(raw: list[Optional[int]]) -> list[int]:
    """PodTopologySpread's NormalizeScore: ignored nodes (None) get 0, the others
    `100 * (max + min - s) / max`, or 100 everywhere when the highest is 0."""
    valid = [s for s in raw if s is not None]
    low, high = min(valid, default=0), max(valid, default=0)
    return [0 if s is None else MAX_NODE_SCORE if high == 0 else MAX_NODE_SCORE * (high + low - s) // high
            for s in raw]


def merge_label_set(pairs: dict[str, str], selector: labelsel.Selector) -> labelsel.Selector:
    """`mergeLabelSetWithSelector`: the pod's own values of matchLabelKeys ANDed to the selector."""
    return labelsel.selector_from_set(pairs).add(*selector.requirements)
