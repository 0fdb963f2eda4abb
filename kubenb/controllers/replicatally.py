"""A ReplicaSet's running tally of its active pods, kept up to date by the pod watch.

`calculateStatus` counts a ReplicaSet's pods, ready pods and available pods, and every pod event
wakes the sync that counts them: with 10,000 replicas a rollout's tens of thousands of pod events
each walked 10,000 pods. The counts only change when one pod does, so the tally changes them by
that pod: each write of a pod the ReplicaSet controls moves the old version out of the tally and
the new one in, at the cost of that one pod. A sync then reads its counts in constant time, and
walks its pods only to pick the ones to delete.

Deletions follow `ActivePodsWithRanks`, whose order depends on the time (ages are compared by
their power-of-two bucket) and on how many of the pods share a node. Everything else in a pod's
rank is fixed for a pod version, so the tally groups its pods by those fixed parts, uid aside, and
files them by the rank's leading parts (assigned, phase, ready, deletion cost), then by the rest of
the fixed parts (ready since, restarts, created), then by node. The part in between orders whole
nodes (most pods first), so a scale-down takes the nodes it needs a tier of equal counts at a time
and ranks each distinct rest once, not every pod of the ReplicaSet.

The verdicts a tally keeps (matches the selector, carries the template's labels) hold for one
selector and one set of template labels, its `stamp`; a sync under another stamp (an edited
template, a first sync) rebuilds the tally from the ReplicaSet's pods.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left, insort
from collections import Counter
from operator import attrgetter, itemgetter
from typing import Any, Optional

from kubenb.controllers.podviews import PodView
from kubenb.sim.clock import parse_rfc3339

PodKey = tuple[str, str]
_PHASE_ORDER = {"Pending": 0, "Unknown": 1, "Running": 2}
DELETION_COST = "controller.kubernetes.io/pod-deletion-cost"


class ReplicaTally:
    """The active pods one ReplicaSet controls, split by whether its selector matches them."""

    __slots__ = ("stamp", "selector", "template", "kept", "unmatched", "labeled", "ready",
                 "ready_since", "per_node", "groups", "prefix_nodes")

    def __init__(self, stamp: Any, selector: Any, template: dict[str, str], views: list[PodView]) -> None:
        self.stamp = stamp
        self.selector = selector
        self.template = template
        #: active pods the selector matches (what a claim keeps untouched), by (namespace, name)
        self.kept: dict[PodKey, PodView] = {}
        #: active pods the selector no longer matches (a claim releases them)
        self.unmatched: dict[PodKey, PodView] = {}
        #: the keys of the kept pods that carry the template's labels (`fully_labeled`)
        self.labeled: set[PodKey] = set()
        self.ready = 0
        #: ready-since times of the kept ready pods that have one, ascending (availability is a prefix)
        self.ready_since: list[float] = []
        # The deletion-rank indexes below are filed only once a scale-down first asks for them
        # (`ranked_first`), then kept up with: most ReplicaSets never shrink, and every pod write
        # of theirs would otherwise pay for a rank nobody reads.
        #: kept pods by node (`spec.nodeName`)
        self.per_node: Counter[str] = Counter()
        #: kept pods by their rank's leading parts, then the rest of its fixed parts, then node
        self.groups: Optional[dict[tuple, dict[tuple, dict[str, dict[PodKey, PodView]]]]] = None
        #: how many kept pods of each leading parts sit on each node
        self.prefix_nodes: dict[tuple, Counter[str]] = {}
        for view in views:
            self.add(view)

    def add(self, view: PodView) -> None:
        if not view.active:
            return
        labels = view.pod.metadata.labels or {}
        key = view.key
        if not self.selector.matches(labels):
            self.unmatched[key] = view
            return
        self.kept[key] = view
        if self.groups is not None:
            self._file(view)
        if all(labels.get(k) == v for k, v in self.template.items()):
            self.labeled.add(key)
        if view.ready:
            self.ready += 1
            if view.ready_since is not None:
                insort(self.ready_since, view.ready_since)

    def remove(self, view: PodView) -> None:
        key = view.key
        if self.unmatched.get(key) is view:
            del self.unmatched[key]
            return
        if self.kept.get(key) is not view:
            return
        del self.kept[key]
        if self.groups is not None:
            self._unfile(view)
        self.labeled.discard(key)
        if view.ready:
            self.ready -= 1
            if view.ready_since is not None:
                del self.ready_since[bisect_left(self.ready_since, view.ready_since)]

    def swap(self, old: PodView, new: PodView) -> bool:
        """Put `new` where `old` was filed if nothing the tally counts differs between them (a
        bind, a container starting: most pod writes); False, having done nothing, if it does."""
        if self.groups is not None or old.active != new.active or old.ready != new.ready or \
                old.ready_since != new.ready_since or old.pod.metadata.labels is not new.pod.metadata.labels:
            return False
        key = old.key
        if self.kept.get(key) is old:
            self.kept[key] = new
        elif self.unmatched.get(key) is old:
            self.unmatched[key] = new
        else:
            return not new.active  # neither filed: nothing to do unless `new` is to be
        return True

    def _file(self, view: PodView) -> None:
        """File a kept pod under its rank's fixed parts (see `ranked_first`)."""
        if view.rank is None:
            view.rank = _fixed_rank(view)
        rank = view.rank
        self.per_node[rank[0]] += 1
        prefix = rank[1:5]
        self.groups.setdefault(prefix, {}).setdefault(rank[5:], {}).setdefault(rank[0], {})[view.key] = view
        self.prefix_nodes.setdefault(prefix, Counter())[rank[0]] += 1

    def _unfile(self, view: PodView) -> None:
        key = view.key
        rank = view.rank
        self.per_node[rank[0]] -= 1
        prefix, rest, node = rank[1:5], rank[5:], rank[0]
        rests = self.groups[prefix]
        nodes = rests[rest]
        group = nodes[node]
        del group[key]
        if not group:
            del nodes[node]
            if not nodes:
                del rests[rest]
                if not rests:
                    del self.groups[prefix]
        counts = self.prefix_nodes[prefix]
        counts[node] -= 1
        if not counts[node]:
            del counts[node]
            if not counts:
                del self.prefix_nodes[prefix]

    @property
    def fully_labeled(self) -> int:
        return len(self.labeled)

    def available(self, min_ready_seconds: int, now: float) -> int:
        """How many kept pods `PodView.available` would count: the ready ones without a
        minReadySeconds, else those ready since before `now - minReadySeconds` (a prefix of the
        ascending times, found by the same comparison the view makes)."""
        if not min_ready_seconds:
            return self.ready
        return bisect_left(self.ready_since, True, key=lambda since: not since + min_ready_seconds < now)

    def ranked_first(self, n: int, now: float) -> list[Any]:
        """`getPodsToDelete`: the `n` kept pods that `ActivePodsWithRanks.Less` orders first, in that
        order. The rank's leading parts (assigned, phase, ready, cost) are fixed per group and
        `-per_node[node]` per node, so the leading parts are taken in order, then their nodes from
        the most pods down, a tier of nodes with equal counts at a time; only that tier's groups get
        the rest of their rank (ages bucketed at `now`). Groups of equal rank form one tier whose
        pods are ordered by uid; tiers are taken in order until `n` pods are found.

        Unlike upstream, `per_node` counts this ReplicaSet's own pods on each node, where
        `getPodsRankedByRelatedPodsOnSameNode` counts the related pods of every ReplicaSet of the same
        owner; kept until the outputs that pin today's deletion order are re-derived with it."""
        buckets: dict[float, int] = {}  # timestamps have whole seconds: few distinct ages

        def bucket(at: Optional[float]) -> int:
            if at is None:
                return -2
            found = buckets.get(at)
            if found is None:
                found = buckets[at] = _log_bucket(now - at)
            return found

        if self.groups is None:
            self.groups = {}
            for view in self.kept.values():
                self._file(view)
        out: list[Any] = []
        per_node = self.per_node
        for prefix in sorted(self.groups):
            rests = self.groups[prefix]
            ready = prefix[2]
            # more recently ready (smaller age bucket) first; zero time first
            ranked = [((bucket(rest[0]) if ready else 0, rest[1], bucket(rest[2])), nodes)
                      for rest, nodes in rests.items()]
            ranked.sort(key=itemgetter(0))
            by_count = sorted(self.prefix_nodes[prefix], key=per_node.__getitem__, reverse=True)
            start = 0
            while start < len(by_count):
                count = per_node[by_count[start]]
                end = start + 1
                while end < len(by_count) and per_node[by_count[end]] == count:
                    end += 1
                _take_tiers(ranked, frozenset(by_count[start:end]), n, out)
                if len(out) >= n:
                    return out
                start = end
        return out


def _take_tiers(ranked: list, on: frozenset, n: int, out: list[Any]) -> None:
    """Extend `out` toward `n` pods on the nodes `on` from `ranked` (rank, pods by node) pairs sorted
    by rank: the pods of equal rank form one tier, taken by uid."""
    i = 0
    while len(out) < n and i < len(ranked):
        tier: list[PodView] = []
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            for node, members in ranked[j][1].items():
                if node in on:
                    tier.extend(members.values())
            j += 1
        if n - len(out) == 1:
            if tier:
                out.append(min(tier, key=_uid).pod)
        else:
            out.extend(v.pod for v in heapq.nsmallest(n - len(out), tier, key=_uid))
        i = j


#: a pod view's uid, the rank's last part (pods have one: the store assigns it)
_uid = attrgetter("pod.metadata.uid")


def _fixed_rank(view: PodView) -> tuple:
    """What a pod's deletion rank takes from the pod version alone, uid aside (the tie-break read
    from the pod, so that this tuple is also its group's key): (node, assigned, phase order,
    ready, deletion cost, ready since, minus restarts, created)."""
    p = view.pod
    created = parse_rfc3339(p.metadata.creation_timestamp) if p.metadata.creation_timestamp else None
    restarts = max((cs.restart_count for cs in p.status.container_statuses or ()), default=0)
    cost = int((p.metadata.annotations or {}).get(DELETION_COST, "0"))
    return (p.spec.node_name or "", bool(p.spec.node_name), _PHASE_ORDER.get(p.status.phase or "Pending", 0),
            view.ready, cost, view.ready_since, -restarts, created)


def _log_bucket(seconds: float) -> int:
    return int(math.floor(math.log2(seconds))) if seconds >= 1 else -1


def label_items(metadata: Any) -> tuple:
    """An object's labels as a sorted tuple of pairs: with the selector, what a tally's verdicts
    depend on (its `stamp`)."""
    return tuple(sorted((metadata.labels or {}).items()))


def replace(tallies: dict[str, ReplicaTally], old: Optional[PodView], new: Optional[PodView]) -> None:
    """Move one pod write through the tallies of the ReplicaSets that control its versions."""
    if old is not None and new is not None and old.owner_uid == new.owner_uid:
        tally = tallies.get(old.owner_uid)
        if tally is not None and tally.swap(old, new):
            return
    if old is not None and old.owner_uid in tallies:
        tallies[old.owner_uid].remove(old)
    if new is not None and new.owner_uid in tallies:
        tallies[new.owner_uid].add(new)
