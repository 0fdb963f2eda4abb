"""Watches: one store subscription per server, fanned out to every open watch.

The store calls its handlers synchronously inside each write, on whichever thread holds the
cluster lock; :class:`Broadcaster` keeps the recent events (so a watch started from a list's
`resourceVersion` misses nothing written in between) and hands each event to the matching
:class:`Watcher` queues through the server's asyncio loop. A watch that cannot be resumed — its
resourceVersion is older than the kept history — gets upstream's `410 Expired` as an ERROR event.

Selectors are applied to the old and the new object of each write, as the API server's watch
cache does: an object that stops matching is sent as DELETED, one that starts matching as ADDED.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Optional

from kubenb.store.errors import StatusError
from kubenb.store.store import ADDED, DELETED, MODIFIED, Store, WatchEvent

HISTORY = 20_000  # events kept for resuming watches (the watch cache's capacity is of this order)

Predicate = Callable[[Any], bool]


@dataclass(eq=False)
class Watcher:
    kind: str
    namespace: Optional[str]
    matches: Predicate
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue = field(default_factory=asyncio.Queue)

    def offer(self, ev: WatchEvent) -> None:
        obj, old = ev.object, ev.old_object
        if self.namespace is not None and (obj.metadata.namespace or "") != self.namespace:
            return
        now_in = ev.type != DELETED and self.matches(obj)
        was_in = old is not None and self.matches(old)
        if ev.type == DELETED:
            type_ = DELETED if was_in or self.matches(obj) else None
        elif now_in:
            type_ = MODIFIED if was_in and ev.type == MODIFIED else ADDED
        else:
            type_ = DELETED if was_in else None
        if type_ is not None:
            self.loop.call_soon_threadsafe(self.queue.put_nowait, (type_, obj))


class Broadcaster:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.history: deque[WatchEvent] = deque(maxlen=HISTORY)
        self.floor = store.resource_version  # every event after this one is in `history`
        self.watchers: dict[str, set[Watcher]] = {}
        self._unsubscribe = store.watch(self._on_event)

    def _on_event(self, ev: WatchEvent) -> None:
        if len(self.history) == self.history.maxlen:
            self.floor = self.history[0].resource_version
        self.history.append(ev)
        for w in tuple(self.watchers.get(ev.object.KIND, ())):
            w.offer(ev)

    def subscribe(self, w: Watcher, since: Optional[int]) -> None:
        """Start `w` after resourceVersion `since` (None: with the current state as ADDED events).
        Call with the cluster lock held, so nothing is written between the replay and the first live event."""
        if since is None:
            for obj in self.store.list(w.kind, w.namespace):
                if w.matches(obj):
                    w.queue.put_nowait((ADDED, obj))
        elif since < self.floor:
            raise StatusError("Expired", 410, f"too old resource version: {since} ({self.floor})")
        else:
            for ev in self.history:
                if ev.resource_version > since and ev.object.KIND == w.kind:
                    w.offer(ev)
        self.watchers.setdefault(w.kind, set()).add(w)

    def unsubscribe(self, w: Watcher) -> None:
        self.watchers.get(w.kind, set()).discard(w)

    def open_watches(self) -> int:
        return sum(len(ws) for ws in self.watchers.values())

    def close(self) -> None:
        self._unsubscribe()


def parse_since(text: str) -> Optional[int]:
    """A watch's `resourceVersion`: unset or "0" means "start with the current state"."""
    if text in ("", "0"):
        return None
    if not text.isdigit():
        raise StatusError("BadRequest", 400, f'invalid resource version "{text}"')
    return int(text)
