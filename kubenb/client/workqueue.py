"""A de-duplicating work queue with delayed re-queue (client-go `workqueue`), run by the event loop.

A key added while already waiting is not added twice; a sync that returns a delay is retried
after that much simulated time. The queue drains in FIFO order at the instant work arrives.

Observers (:meth:`WorkQueue.observe`) see every sync with the CPU time it took: what a benchmark
needs to say which controller is busy, without reaching into the queue's private parts (client-go
publishes the same as its workqueue metrics: work duration per queue).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Hashable
from typing import Generic, Optional, TypeVar

from kubenb.sim.loop import PRIORITY_CONTROL, EventLoop

K = TypeVar("K", bound=Hashable)


class WorkQueue(Generic[K]):
    def __init__(self, loop: EventLoop, sync: Callable[[K], Optional[float]], priority: int = PRIORITY_CONTROL) -> None:
        self._loop = loop
        self._sync = sync
        self._priority = priority
        self._order: deque[K] = deque()
        self._waiting: set[K] = set()
        self._delayed: dict[K, float] = {}
        self._scheduled = False
        self._observers: list[Callable[[K, float], None]] = []

    def observe(self, observer: Callable[[K, float], None]) -> Callable[[], None]:
        """Call ``observer(key, cpu_seconds)`` after every sync of this queue (the sync's own CPU
        time, the writes it makes included); returns the function that stops observing."""
        self._observers.append(observer)
        return lambda: self._observers.remove(observer)

    def add(self, key: K) -> None:
        if key in self._waiting:
            return
        self._waiting.add(key)
        self._order.append(key)
        if not self._scheduled:
            self._scheduled = True
            self._loop.call_soon(self._drain, self._priority)

    def add_after(self, key: K, delay: float) -> None:
        self.add_at(key, self._loop.clock.now + max(delay, 0.0))

    def add_at(self, key: K, when: float) -> None:
        """Add `key` at simulated time `when`; of several pending delays for a key only the earliest
        fires (client-go's delaying queue), so a controller that requeues on every sync does not
        pile up timers."""
        current = self._delayed.get(key)
        if current is not None and current <= when:
            return
        self._delayed[key] = when

        def fire() -> None:
            if self._delayed.get(key) == when:
                del self._delayed[key]
                self.add(key)

        self._loop.call_at(when, fire, self._priority)

    def __len__(self) -> int:
        return len(self._order)

    def _drain(self) -> None:
        self._scheduled = False
        while self._order:
            key = self._order.popleft()
            self._waiting.discard(key)
            if self._observers:
                t0 = time.process_time()
                retry = self._sync(key)
                spent = time.process_time() - t0
                for observer in list(self._observers):
                    observer(key, spent)
            else:
                retry = self._sync(key)
            if retry is not None:
                self.add_after(key, retry)
