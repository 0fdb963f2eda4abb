"""Events expire an hour after they were last seen (kube-apiserver `--event-ttl=1h`).

This is why `kubectl describe` of an old pod says `Events: <none>`.
"""

from __future__ import annotations

from typing import Optional

from kubenb.controllers.base import Controller
from kubenb.sim.clock import parse_rfc3339
from kubenb.store.errors import StatusError

EVENT_TTL_SECONDS = 3600.0


class EventTTL(Controller):
    component = "event-ttl"

    def __init__(self, cluster) -> None:
        super().__init__(cluster)
        self.store.watch(lambda ev: ev.type != "DELETED" and self._schedule(ev.object), "Event")

    def _schedule(self, event) -> None:
        last = event.last_timestamp or event.first_timestamp
        if last:
            key = (event.metadata.namespace or "", event.metadata.name or "")
            self.cluster.loop.call_at(parse_rfc3339(last) + EVENT_TTL_SECONDS, lambda: self.queue.add(key))

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
