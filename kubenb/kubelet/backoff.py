"""Per-key exponential back-off, ported from client-go's ``flowcontrol.Backoff``.

The kubelet keeps two: one for restarting crashed containers (``backOffPeriod`` 10s doubling to
``MaxContainerBackOff`` 5m) and one for image pulls (same numbers). Neither adds jitter. An
entry *expires* when the event it is asked about comes more than twice the maximum (10 minutes)
after its last update: a container that ran for ten minutes before crashing starts again at 10s.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

INITIAL = 10.0
MAXIMUM = 300.0
_NONE: MappingProxyType = MappingProxyType({})  # no entry yet: every pod worker has two back-offs, most never used


class Backoff:
    __slots__ = ("initial", "maximum", "entries")

    def __init__(self, initial: float = INITIAL, maximum: float = MAXIMUM) -> None:
        self.initial = initial
        self.maximum = maximum
        self.entries: Any = _NONE  # key -> (back-off, last update); a dict of its own from the first entry

    def _expired(self, event_time: float, last_update: float) -> bool:
        return event_time - last_update > 2 * self.maximum

    def next(self, key: str, event_time: float, now: float) -> None:
        """``Next``: start at the initial period, or double the current one (capped)."""
        if self.entries is _NONE:
            self.entries = {}
        entry = self.entries.get(key)
        if entry is None or self._expired(event_time, entry[1]):
            self.entries[key] = (self.initial, now)
        else:
            self.entries[key] = (min(entry[0] * 2, self.maximum), now)

    def get(self, key: str) -> float:
        entry = self.entries.get(key)
        return entry[0] if entry is not None else 0.0

    def in_backoff_since(self, key: str, event_time: float, now: float) -> bool:
        """``IsInBackOffSince``: is `now` still within the back-off counted from `event_time`?"""
        entry = self.entries.get(key)
        if entry is None or self._expired(event_time, entry[1]):
            return False
        return now - event_time < entry[0]

    def in_backoff_since_update(self, key: str, now: float) -> bool:
        """``IsInBackOffSinceUpdate``: counted from the last ``next`` (image pulls)."""
        entry = self.entries.get(key)
        if entry is None or self._expired(now, entry[1]):
            return False
        return now - entry[1] < entry[0]


_UNUSED = Backoff()  # what a pod without an entry reads (never written: `PodBackoff.next` makes its own)


class PodBackoff:
    """One pod's view of a node's back-offs of one kind (upstream's kubelet keeps one ``Backoff``
    for all its pods, keyed by pod and container): the pod's own :class:`Backoff` exists only from
    its first entry, so the pods that never crash or fail a pull hold none. Made when asked for."""

    __slots__ = ("table", "uid")

    def __init__(self, table: dict[str, Backoff], uid: str) -> None:
        self.table, self.uid = table, uid

    def next(self, key: str, event_time: float, now: float) -> None:
        found = self.table.get(self.uid)
        if found is None:
            found = self.table[self.uid] = Backoff()
        found.next(key, event_time, now)

    def get(self, key: str) -> float:
        return self.table.get(self.uid, _UNUSED).get(key)

    def in_backoff_since(self, key: str, event_time: float, now: float) -> bool:
        return self.table.get(self.uid, _UNUSED).in_backoff_since(key, event_time, now)

    def in_backoff_since_update(self, key: str, now: float) -> bool:
        return self.table.get(self.uid, _UNUSED).in_backoff_since_update(key, now)
