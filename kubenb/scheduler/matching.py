"""How many bound pods a label selector matches on each node, kept from watch events.

PodTopologySpread counts, per cycle, the bound and not terminating pods of the pod's namespace
that a constraint's selector matches, node by node (`countPodsMatchSelector`). Asking the store's
label index every cycle costs every matching pod in Python -- a Deployment's pods are counted again
for each of its replicas. Here a (namespace, selector) is counted from the index once, when first
asked for, and then kept up to date from the pod events the scheduler receives: a pod event
adjusts only the selectors it can concern, found through one exact `key=value` pair each selector
requires (selectors without one are checked on every event of their namespace). A status write
that leaves a pod's node, labels and being counted alone costs two comparisons.

Watch events are delivered synchronously on every write, so the counts always say what the store
says. The `LIMIT` most recently asked-for selectors are kept; the longest unused is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Optional

import numpy as np

from kubenb.api import labels as labelsel
from kubenb.scheduler.plugins.pod_terms import bound, matching_pods
from kubenb.store import WatchEvent

#: how many (namespace, selector) counts are kept (one per spread workload in practice)
LIMIT = 4096

Key = tuple[str, labelsel.Selector]


def counted(pod: Optional[Any]) -> bool:
    """Bound, not finished and not terminating: a pod `countPodsMatchSelector` counts."""
    return pod is not None and bound(pod) and pod.metadata.deletion_timestamp is None


class MatchingCounts:
    def __init__(self, store: Any, slot_of: Callable[[str], int]) -> None:
        self.store = store
        self._slot_of = slot_of  # node name -> its slot in the scheduler cache's columns
        #: (namespace, selector) -> slot -> matching pods there (slots with none left out)
        self._counts: dict[Key, dict[int, int]] = {}
        #: (namespace, key, value) -> the kept selectors anchored on that required pair
        self._anchored: dict[tuple[str, str, str], set[Key]] = {}
        #: namespace -> the kept selectors without an exact pair
        self._loose: dict[str, set[Key]] = {}

    def counts(self, namespace: str, selector: labelsel.Selector) -> dict[int, int]:
        """slot -> how many counted pods of `namespace` `selector` matches there (shared: read only)."""
        key = (namespace, selector)
        counts = self._counts.pop(key, None)
        if counts is None:
            counts = {}
            for pod in matching_pods(self.store, [namespace], selector):
                if pod.metadata.deletion_timestamp is None:
                    slot = self._slot_of(pod.spec.node_name)
                    counts[slot] = counts.get(slot, 0) + 1
            self._track(key)
        self._counts[key] = counts  # (re)inserted last: the dictionary's order is the recency
        if len(self._counts) > LIMIT:
            self._untrack(next(iter(self._counts)))
        return counts

    def arrays(self, namespace: str, selector: labelsel.Selector) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`counts` as two arrays: the slots with matching pods, and how many each has."""
        counts = self.counts(namespace, selector)
        return (np.fromiter(counts.keys(), np.intp, len(counts)), np.fromiter(counts.values(), np.int64, len(counts)))

    def on_pod(self, ev: WatchEvent) -> None:
        if not self._counts:
            return
        old = ev.old_object
        new = None if ev.type == "DELETED" else ev.object
        was, now = counted(old), counted(new)
        if not was and not now:
            return
        if was and now and old.spec.node_name == new.spec.node_name and old.metadata.labels == new.metadata.labels:
            return
        if was:
            self._adjust(old, -1)
        if now:
            self._adjust(new, +1)

    # ---------------------------------------------------------------- bookkeeping

    def _adjust(self, pod: Any, delta: int) -> None:
        ns = pod.metadata.namespace or ""
        labels = pod.metadata.labels or {}
        keys = set(self._loose.get(ns, ()))
        for pair in labels.items():
            keys.update(self._anchored.get((ns, *pair), ()))
        slot = -1
        for key in keys:
            if key[1].matches(labels):
                if slot < 0:
                    slot = self._slot_of(pod.spec.node_name)
                counts = self._counts[key]
                n = counts.get(slot, 0) + delta
                if n:
                    counts[slot] = n
                else:
                    del counts[slot]

    def _track(self, key: Key) -> None:
        pairs = key[1].exact_match_pairs()
        if pairs:
            self._anchored.setdefault((key[0], *pairs[0]), set()).add(key)
        else:
            self._loose.setdefault(key[0], set()).add(key)

    def _untrack(self, key: Key) -> None:
        del self._counts[key]
        pairs = key[1].exact_match_pairs()
        index, at = (self._anchored, (key[0], *pairs[0])) if pairs else (self._loose, key[0])
        keys = index[at]  # type: ignore[index]
        keys.discard(key)
        if not keys:
            del index[at]  # type: ignore[arg-type]
