"""kube-scheduler's scheduling queue: active, back-off and unschedulable pods.

A pod that fails to schedule waits in the unschedulable set until something in the cluster
changes that could make it fit (a node added or changed, an assigned pod gone) -- then it is
retried at once, or when its back-off ends (1 s doubling per attempt, at most 10 s). A pod nothing
moves is flushed back after `podMaxInUnschedulablePodsDuration` (60 s before v1.27, 5 min since),
checked by a loop that runs every 30 s from the scheduler's start. So a Pending pod records
FailedScheduling once per real retry, not once per API write.

:attr:`SchedulingQueue.cycle_hook` lets a measurement wrap every scheduling cycle (a context
manager per cycle: upstream's scheduler_perf times the cycles alone), without replacing the
queue's internals.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Optional

from kubenb.client.workqueue import WorkQueue
from kubenb.sim.loop import EventLoop

Key = tuple[str, str]

INITIAL_BACKOFF = 1.0
MAX_BACKOFF = 10.0
FLUSH_PERIOD = 30.0


def max_unschedulable_seconds(minor: int) -> float:
    """`DefaultPodMaxInUnschedulablePodsDuration`: 60 s until v1.26, 5 minutes from v1.27."""
    return 300.0 if minor >= 27 else 60.0


class SchedulingQueue:
    def __init__(self, loop: EventLoop, schedule: Callable[[Key], None], minor: int) -> None:
        self.loop = loop
        self.active: WorkQueue[Key] = WorkQueue(loop, self._pop)
        self._schedule = schedule
        self._started = loop.clock.now
        self._max_unschedulable = max_unschedulable_seconds(minor)
        self.attempts: dict[Key, int] = {}
        self.last_attempt: dict[Key, float] = {}
        self.unschedulable: dict[Key, float] = {}  # key -> when it was parked
        self._flush_ticks: dict[float, set[Key]] = {}
        #: when set, every scheduling cycle runs inside `cycle_hook(key)` (a context manager)
        self.cycle_hook: Optional[Callable[[Key], AbstractContextManager[object]]] = None

    # ---------------------------------------------------------------- entering the queue

    def add(self, key: Key) -> None:
        """A new pending pod: straight to the active queue."""
        self.active.add(key)

    def forget(self, key: Key) -> None:
        """The pod is gone or bound: drop its back-off history."""
        self.unschedulable.pop(key, None)
        self.attempts.pop(key, None)
        self.last_attempt.pop(key, None)

    def _pop(self, key: Key) -> Optional[float]:
        self.attempts[key] = self.attempts.get(key, 0) + 1
        self.last_attempt[key] = self.loop.clock.now
        if self.cycle_hook is None:
            self._schedule(key)
        else:
            with self.cycle_hook(key):
                self._schedule(key)
        return None

    # ---------------------------------------------------------------- failures and moves

    def park(self, key: Key) -> None:
        """`AddUnschedulableIfNotPresent`: wait for a cluster event (or the leftover flush)."""
        now = self.loop.clock.now
        self.unschedulable[key] = now
        tick = self._next_tick_after(now + self._max_unschedulable)
        keys = self._flush_ticks.get(tick)
        if keys is None:
            keys = self._flush_ticks[tick] = set()
            self.loop.call_at(tick, lambda: self._flush(tick))
        keys.add(key)

    def backoff(self, key: Key) -> float:
        """`calculateBackoffDuration`: 1 s doubled per attempt after the first, capped at 10 s."""
        return min(INITIAL_BACKOFF * 2 ** max(self.attempts.get(key, 1) - 1, 0), MAX_BACKOFF)

    def activate(self, key: Key) -> None:
        """Move one parked pod: to the active queue, or to back-off while its back-off runs."""
        if self.unschedulable.pop(key, None) is None:
            return
        ready_at = self.last_attempt.get(key, 0.0) + self.backoff(key)
        if ready_at > self.loop.clock.now:
            self.active.add_at(key, ready_at)
        else:
            self.active.add(key)

    def move_all(self) -> None:
        """`MoveAllToActiveOrBackoffQueue`: the cluster changed in a way that may let pods fit."""
        for key in sorted(self.unschedulable):
            self.activate(key)

    def _next_tick_after(self, t: float) -> float:
        """The first run of the 30 s flush loop at which `now - parked > max` holds strictly."""
        n = int((t - self._started) // FLUSH_PERIOD) + 1
        return self._started + n * FLUSH_PERIOD

    def _flush(self, tick: float) -> None:
        for key in sorted(self._flush_ticks.pop(tick, ())):
            parked = self.unschedulable.get(key)
            if parked is not None and tick - parked > self._max_unschedulable:
                self.activate(key)
