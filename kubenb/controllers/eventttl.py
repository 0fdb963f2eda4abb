"""Events expire an hour after they were last seen (kube-apiserver `--event-ttl=1h`).

This is why `kubectl describe` of an old pod says `Events: <none>`.

Upstream, each Event write takes an etcd lease of the same TTL. Here a write due to expire at T
puts its key on a queue of expiries; since the TTL is fixed and an Event is stamped when it is
written, expiries arrive in order and the queue is a deque, not a heap. One timer per distinct
second of expiry wakes the controller — the timer the first write due then would have set, so
deletions happen at the same instants, in the same order, as with a timer per write — and a
converged cluster's 750,000 Events cost at most 3,600 pending timers, not 750,000. A write whose
expiry is out of order (an Event created by hand with an old `lastTimestamp`) gets a timer of
its own.
"""

from __future__ import annotations

from collections import deque
from typing import Optional

from kubenb.controllers.base import Controller
from kubenb.sim.clock import parse_rfc3339
from kubenb.store.errors import StatusError

EVENT_TTL_SECONDS = 3600.0


class EventTTL(Controller):
    component = "event-ttl"

    def __init__(self, cluster) -> None:
        super().__init__(cluster)
        #: (expiry, keys written with it), oldest first; each has a timer due at its expiry
        self._expiries: deque[tuple[float, list[tuple[str, str]]]] = deque()
        self.store.watch(lambda ev: ev.type != "DELETED" and self._schedule(ev.object), "Event")

    def _schedule(self, event) -> None:
        last = event.last_timestamp or event.first_timestamp
        if not last:
            return
        key = (event.metadata.namespace or "", event.metadata.name or "")
        expiry = parse_rfc3339(last) + EVENT_TTL_SECONDS
        expiries = self._expiries
        if expiry <= self.clock.now or (expiries and expiry < expiries[-1][0]):  # already due, or out of order
            self.cluster.loop.call_at(expiry, lambda: self.queue.add(key))
        elif expiries and expiries[-1][0] == expiry:
            expiries[-1][1].append(key)
        else:
            expiries.append((expiry, [key]))
            self.cluster.loop.call_at(expiry, self._expire)

    def _expire(self) -> None:
        """The timer of the oldest expiry: every Event written with it is looked at (a later write
        may have moved its expiry on; `sync` reads the stored one)."""
        _, keys = self._expiries.popleft()
        for key in keys:
            self.queue.add(key)

    def pending(self) -> int:
        """How many writes are waiting to expire (stale ones, of Events written again, included)."""
        return sum(len(keys) for _, keys in self._expiries)

    def sync(self, namespace: str, name: str) -> Optional[float]:
        event = self.store.try_get("Event", namespace, name)
        if event is None:
            return None
        last = parse_rfc3339(event.last_timestamp or event.first_timestamp)
        if last + EVENT_TTL_SECONDS <= self.clock.now:
            try:
                self.store.delete("Event", namespace, name)
            except StatusError:
                pass
        return None
