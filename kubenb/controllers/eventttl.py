"""Events expire an hour after they were last written (kube-apiserver `--event-ttl=1h`).

This is why `kubectl describe` of an old pod says `Events: <none>`.

Upstream, each Event write -- a create or an update, of either API group, core/v1 or
events.k8s.io/v1, which share one storage -- takes an etcd lease of the same TTL, so an Event goes
an hour after its LAST write whatever its timestamps say (the scheduler's events.k8s.io Events
have no `lastTimestamp` at all; a hand-made Event may carry any). Here the watch event's time is
the write's, to the second (as an Event's own timestamps are).

A write puts its key on a queue of expiries; write times only grow, so the queue is a deque, not a
heap. One timer per distinct second of expiry wakes the controller -- the timer the first write
due then would have set, so deletions happen at the same instants, in the same order, as with a
timer per write -- and a converged cluster's 750,000 Events cost at most 3,600 pending timers, not
750,000. An Event written again is queued again; `_due` holds the expiry of its last write, which
is the one that counts.
"""

from __future__ import annotations

import math
from collections import deque
from typing import Optional

from kubenb.controllers.base import Controller
from kubenb.store.errors import StatusError

EVENT_TTL_SECONDS = 3600.0


class EventTTL(Controller):
    component = "event-ttl"

    def __init__(self, cluster) -> None:
        super().__init__(cluster)
        #: (expiry, keys written with it), oldest first; each has a timer due at its expiry
        self._expiries: deque[tuple[float, list[tuple[str, str]]]] = deque()
        #: each stored Event's expiry: its last write's
        self._due: dict[tuple[str, str], float] = {}
        self.store.watch(self._on_event, "Event")

    def _on_event(self, ev) -> None:
        meta = ev.object.metadata
        key = (meta.namespace or "", meta.name or "")
        if ev.type == "DELETED":
            self._due.pop(key, None)
            return
        expiry = math.floor(ev.time) + EVENT_TTL_SECONDS
        self._due[key] = expiry
        expiries = self._expiries
        if expiries and expiries[-1][0] == expiry:
            expiries[-1][1].append(key)
        else:
            expiries.append((expiry, [key]))
            self.cluster.loop.call_at(expiry, self._expire)

    def _expire(self) -> None:
        """The timer of the oldest expiry: every Event written with it is looked at (a later write
        may have moved its expiry on; `sync` reads the last one)."""
        _, keys = self._expiries.popleft()
        for key in keys:
            self.queue.add(key)

    def pending(self) -> int:
        """How many writes are waiting to expire (stale ones, of Events written again, included)."""
        return sum(len(keys) for _, keys in self._expiries)

    def sync(self, namespace: str, name: str) -> Optional[float]:
        due = self._due.get((namespace, name))
        if due is not None and due <= self.clock.now:
            try:
                self.store.delete("Event", namespace, name)
            except StatusError:
                pass
        return None
