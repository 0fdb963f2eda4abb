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
750,000. An Event written again is queued again, and only its last write counts: resourceVersions
grow with time too, so each second of expiry remembers the last resourceVersion written in it, and
an Event has expired when its stored resourceVersion is no newer than that of the last second that
ran out. So what the controller holds per Event is two pointers (its namespace and its name, the
strings the Event holds), not a key and an expiry of its own.
"""

from __future__ import annotations

from collections import deque
from typing import Optional

from kubenb.controllers.base import Controller
from kubenb.store.errors import StatusError

EVENT_TTL_SECONDS = 3600.0


class _Second:
    """The writes of one second, as they expire together: the Events' namespaces and names (in
    write order), and the last resourceVersion written."""

    __slots__ = ("expiry", "namespaces", "names", "last_rv")

    def __init__(self, expiry: float) -> None:
        self.expiry = expiry
        self.namespaces: list[str] = []
        self.names: list[str] = []
        self.last_rv = 0


class EventTTL(Controller):
    component = "event-ttl"

    def __init__(self, cluster) -> None:
        super().__init__(cluster)
        #: the seconds of expiry still to come, oldest first; each has a timer due at its expiry
        self._expiries: deque[_Second] = deque()
        #: the last resourceVersion written in a second that has run out: Events no newer are expired
        self._expired_rv = 0
        self.store.watch(self._on_event, "Event")

    def _on_event(self, ev) -> None:
        if ev.type == "DELETED":
            return
        meta = ev.object.metadata
        expiry = int(ev.time) + EVENT_TTL_SECONDS
        expiries = self._expiries
        if expiries and expiries[-1].expiry == expiry:
            second = expiries[-1]
        else:
            second = _Second(expiry)
            expiries.append(second)
            self.cluster.loop.call_at(expiry, self._expire)
        second.namespaces.append(meta.namespace or "")
        second.names.append(meta.name or "")
        second.last_rv = ev.resource_version

    def _expire(self) -> None:
        """The timer of the oldest expiry: every Event written in that second is looked at (a later
        write may have moved its expiry on; `sync` compares resourceVersions)."""
        second = self._expiries.popleft()
        self._expired_rv = second.last_rv
        for key in zip(second.namespaces, second.names, strict=True):
            self.queue.add(key)

    def pending(self) -> int:
        """How many writes are waiting to expire (stale ones, of Events written again, included)."""
        return sum(len(second.names) for second in self._expiries)

    def sync(self, namespace: str, name: str) -> Optional[float]:
        event = self.store.try_get("Event", namespace, name)
        if event is not None and int(event.metadata.resource_version or 0) <= self._expired_rv:
            try:
                self.store.delete("Event", namespace, name)
            except StatusError:
                pass
        return None
