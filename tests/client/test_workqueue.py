"""The work queue's observer hook: every sync reported once, with its key and the CPU it took."""

from __future__ import annotations

import time

from kubenb.client.workqueue import WorkQueue
from kubenb.sim.clock import Clock
from kubenb.sim.loop import EventLoop


def _busy(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_observers_see_each_sync_with_its_cpu_time_until_they_stop():
    loop = EventLoop(Clock(0.0))
    synced: list[str] = []

    def sync(key: str):
        synced.append(key)
        _busy(0.01 if key == "slow" else 0.0)
        return 5.0 if key == "retry" and synced.count("retry") == 1 else None

    queue: WorkQueue[str] = WorkQueue(loop, sync)
    seen: list[tuple[str, float]] = []
    stop = queue.observe(lambda key, cpu: seen.append((key, cpu)))
    for key in ("fast", "slow", "retry", "fast"):
        queue.add(key)
    loop.run_until(10.0)
    assert synced == ["fast", "slow", "retry", "retry"]
    assert [k for k, _ in seen] == synced
    cpu = dict(seen)
    assert cpu["slow"] >= 0.01 > cpu["fast"] >= 0.0
    stop()
    queue.add("after")
    loop.run_until(11.0)
    assert synced[-1] == "after" and len(seen) == 4
