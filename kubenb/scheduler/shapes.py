"""Verdicts and scores per pod shape over every node slot, kept current from the columns' change log.

The pods of one ReplicaSet ask the same of every node: the same requests, tolerations and node
affinity. What a node-local Filter answers for such a pod, and what LeastAllocated and
BalancedAllocation score, depends only on that shape and on the node's row of the columns -- so
it is computed once per shape over every slot, and after that only at the slots whose row has
changed since (a binding changes one node's usage), found in :attr:`NodeColumns.changed`. A
cycle then reads its window of nodes from an array instead of computing it again, which costs a
few array operations over the ~500 nodes a cycle examines at 5,000 nodes.

A few changed slots are brought up to date with the plugins' scalar forms (a handful of Python
operations per slot, where an array expression costs a fixed microsecond or two per operation);
more with the vector forms over just those slots. Both decide exactly as each other (the vector
forms' contract), so a cached answer is the one the plugin would give now. A shape's key is made
of values (requests) or of the identities of stored parts (a tolerations list: stored objects
share their equal parts and never change), and the entry holds those parts, so their identities
cannot be reused while it lives. The `LIMIT` most recently used shapes are kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Optional

import numpy as np

#: how many shapes are kept (each holds one array per slot); the longest unused is dropped
LIMIT = 64
#: up to this many changed slots are refreshed by the scalar form, more by the vector form
SCALAR_REFRESH = 8

Vector = Callable[[np.ndarray], Optional[np.ndarray]]
Scalar = Callable[[Any], Any]


class ShapeCache:
    def __init__(self, cache: Any) -> None:
        self.columns = cache.columns
        self.by_slot = cache.by_slot
        #: key -> [columns epoch, position in the change log, the array over all slots, held parts]
        self._entries: dict[Any, list[Any]] = {}

    def array(self, key: Any, holds: Any, vector: Vector, scalar: Scalar) -> Optional[np.ndarray]:
        """The answer over every slot (indexed by slot) for the shape `key`: `vector(slots)` answers
        for an index array of slots (None: no vector form for this pod), `scalar(info)` for one
        node's NodeInfo. None when the vector form declines."""
        columns = self.columns
        changed = columns.changed
        entry = self._entries.pop(key, None)
        if entry is None or entry[0] != columns.epoch:
            values = vector(np.arange(columns.size))
            if values is None:
                return None
            entry = [columns.epoch, len(changed), values, holds]
            if len(self._entries) >= LIMIT:
                del self._entries[next(iter(self._entries))]
        elif entry[1] != len(changed):
            self._refresh(entry[2], changed[entry[1]:], vector, scalar)
            entry[1] = len(changed)
        self._entries[key] = entry  # the most recently used last
        return entry[2]

    def _refresh(self, values: np.ndarray, changed: list[int], vector: Vector, scalar: Scalar) -> None:
        by_slot = self.by_slot
        if len(changed) == 1:  # one binding since the shape was last asked for (a cycle's rule)
            info = by_slot[changed[0]]
            if info.node is not None:
                values[changed[0]] = scalar(info)
                return
        slots = dict.fromkeys(changed)
        if len(slots) <= SCALAR_REFRESH and all(by_slot[s].node is not None for s in slots):
            for s in slots:
                values[s] = scalar(by_slot[s])
            return
        idx = np.fromiter(slots, np.intp, len(slots))
        values[idx] = vector(idx)


def filters_shape(pod: Any, filters: list[Any]) -> Optional[tuple[Any, Any]]:
    """The key and held parts of the Filters' shape for `pod`, or None when one of them has none."""
    keys, holds = [], []
    for f in filters:
        shape = getattr(f, "shape", None)
        made = shape(pod) if shape is not None else None
        if made is None:
            return None
        keys.append(made[0])
        holds.append(made[1])
    return tuple(keys), holds
