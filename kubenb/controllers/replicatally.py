"""A ReplicaSet's running tally of its active pods, kept up to date by the pod watch.

`calculateStatus` counts a ReplicaSet's pods, ready pods and available pods, and every pod event
wakes the sync that counts them: with 10,000 replicas a rollout's tens of thousands of pod events
each walked 10,000 pods. The counts only change when one pod does, so the tally changes them by
that pod: each write of a pod the ReplicaSet controls moves the old version out of the tally and
the new one in, at the cost of that one pod. A sync then reads its counts in constant time, and
walks its pods only to pick the ones to delete.

The verdicts a tally keeps (matches the selector, carries the template's labels) hold for one
selector and one set of template labels, its `stamp`; a sync under another stamp (an edited
template, a first sync) rebuilds the tally from the ReplicaSet's pods.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from typing import Any, Optional

from kubenb.controllers.podviews import PodView

PodKey = tuple[str, str]


class ReplicaTally:
    """The active pods one ReplicaSet controls, split by whether its selector matches them."""

    __slots__ = ("stamp", "selector", "template", "kept", "unmatched", "fully_labeled", "ready", "ready_since")

    def __init__(self, stamp: Any, selector: Any, template: dict[str, str], views: list[PodView]) -> None:
        self.stamp = stamp
        self.selector = selector
        self.template = template
        #: active pods the selector matches (what a claim keeps untouched), by (namespace, name)
        self.kept: dict[PodKey, PodView] = {}
        #: active pods the selector no longer matches (a claim releases them)
        self.unmatched: dict[PodKey, PodView] = {}
        self.fully_labeled = 0
        self.ready = 0
        #: ready-since times of the kept ready pods that have one, ascending (availability is a prefix)
        self.ready_since: list[float] = []
        for view in views:
            self.add(view)

    def add(self, view: PodView) -> None:
        if not view.active:
            return
        pod = view.pod
        labels = pod.metadata.labels or {}
        key = (pod.metadata.namespace or "", pod.metadata.name or "")
        if not self.selector.matches(labels):
            self.unmatched[key] = view
            return
        self.kept[key] = view
        if all(labels.get(k) == v for k, v in self.template.items()):
            self.fully_labeled += 1
        if view.ready:
            self.ready += 1
            if view.ready_since is not None:
                insort(self.ready_since, view.ready_since)

    def remove(self, view: PodView) -> None:
        pod = view.pod
        key = (pod.metadata.namespace or "", pod.metadata.name or "")
        if self.unmatched.get(key) is view:
            del self.unmatched[key]
            return
        if self.kept.get(key) is not view:
            return
        del self.kept[key]
        labels = pod.metadata.labels or {}
        if all(labels.get(k) == v for k, v in self.template.items()):
            self.fully_labeled -= 1
        if view.ready:
            self.ready -= 1
            if view.ready_since is not None:
                del self.ready_since[bisect_left(self.ready_since, view.ready_since)]

    def available(self, min_ready_seconds: int, now: float) -> int:
        """How many kept pods `PodView.available` would count: the ready ones without a
        minReadySeconds, else those ready since before `now - minReadySeconds` (a prefix of the
        ascending times, found by the same comparison the view makes)."""
        if not min_ready_seconds:
            return self.ready
        return bisect_left(self.ready_since, True, key=lambda since: not since + min_ready_seconds < now)


def stamp_of(rs: Any, selector: Any) -> tuple:
    """What a tally's verdicts depend on: the selector and the template's labels."""
    return selector, tuple(sorted((rs.spec.template.metadata.labels or {}).items()))


def replace(tallies: dict[str, ReplicaTally], old: Optional[PodView], new: Optional[PodView]) -> None:
    """Move one pod write through the tallies of the ReplicaSets that control its versions."""
    if old is not None and old.owner_uid in tallies:
        tallies[old.owner_uid].remove(old)
    if new is not None and new.owner_uid in tallies:
        tallies[new.owner_uid].add(new)
