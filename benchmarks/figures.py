"""Measuring and printing: one line per figure, with the same-run pydantic floor beside each time.

The floor comes from a `Writes` recorder: a store watch that keeps the last version of every
object written while it is open (references only, the store shares them). Re-validating those
objects from their JSON form is the floor.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Optional

from kubenb import Cluster


def figure(name: str, value: float, unit: str, extra: str = "") -> None:
    """Print one figure: name, value and unit in columns, then free text (ratios, context)."""
    print(f"{name:<44} {value:>12.3f} {unit:<7} {extra}".rstrip(), flush=True)


def timed(name: str, seconds: float, floor: Optional[float] = None, extra: str = "") -> None:
    ratio = f"{seconds / floor:.1f}x floor ({floor:.3f} s)" if floor else "floor n/a"
    figure(name, seconds, "s", f"{ratio}  {extra}".rstrip())


def peak_rss_now() -> int:
    """The process's peak resident set size so far, in bytes (Linux reports KiB). Read it before a
    floor is measured: the floor's dumps and models are the benchmark's, not the cluster's."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def peak_rss(pods: int = 0, rss: int | None = None) -> None:
    """The process's peak resident set size (`rss` if read earlier), and bytes per pod when given."""
    rss = peak_rss_now() if rss is None else rss
    per_pod = f"{rss / pods:,.0f} bytes/pod" if pods else ""
    figure("peak RSS", rss / 2**20, "MiB", per_pod)


def current_rss() -> int:
    """The process's resident set size now, in bytes (Linux `/proc/self/statm`; 0 elsewhere): unlike
    the peak, it can go down, so a series of it tells a plateau from a leak."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * resource.getpagesize()
    except OSError:
        return 0


class Writes:
    """Every object (last version per kind/namespace/name) written to `cluster`'s store while open."""

    def __init__(self, cluster: Cluster) -> None:
        self.objects: dict[tuple[str, str, str], Any] = {}
        self.count = 0
        self._stop = cluster.store.watch(self._on_write)

    def _on_write(self, ev: Any) -> None:
        meta = ev.object.metadata
        self.objects[(ev.object.KIND, meta.namespace or "", meta.name or "")] = ev.object
        self.count += 1

    def close(self) -> Writes:
        self._stop()
        return self

    def floor(self, chunk: int = 1000) -> float:
        """Seconds to validate every recorded object again from its JSON form (the dumps untimed). The
        dumps are made and validated `chunk` objects at a time: holding all of them at once would add
        their size (about 28 KB a pod) to the peak RSS the same run reports for the cluster."""
        objects = list(self.objects.values())
        spent = 0.0
        for start in range(0, len(objects), chunk):
            dumps = [(type(o), o.model_dump(mode="json", by_alias=True, exclude_none=True))
                     for o in objects[start:start + chunk]]
            t0 = time.perf_counter()
            for model, data in dumps:
                model.model_validate(data)
            spent += time.perf_counter() - t0
        return spent


class SyncTimes:
    """CPU time and count of every controller's syncs, through each work queue's public observer hook."""

    def __init__(self, cluster: Cluster) -> None:
        from kubenb.controllers.base import Controller

        self.spent: dict[str, list[float]] = {}
        for component in cluster.components:
            if isinstance(component, Controller):
                component.queue.observe(self._counter(self.spent.setdefault(type(component).__name__, [0.0, 0])))

    @staticmethod
    def _counter(spent: list[float]) -> Any:
        def count(key: Any, cpu: float) -> None:
            spent[0] += cpu
            spent[1] += 1
        return count

    def reset(self) -> None:
        for spent in self.spent.values():
            spent[:] = [0.0, 0]

    def total(self) -> float:
        return sum(cpu for cpu, _ in self.spent.values())

    def busiest(self, n: int = 4) -> list[tuple[str, tuple[float, int]]]:
        return sorted(((k, (v[0], int(v[1]))) for k, v in self.spent.items() if v[1]), key=lambda kv: -kv[1][0])[:n]


@contextmanager
def stopwatch() -> Iterator[list[float]]:
    """`with stopwatch() as t:` leaves [wall seconds, CPU seconds] in `t` (CPU tells a busy machine apart)."""
    out: list[float] = []
    w0, c0 = time.perf_counter(), time.process_time()
    try:
        yield out
    finally:
        out.extend((time.perf_counter() - w0, time.process_time() - c0))


@contextmanager
def profiled(enabled: bool = True, top: int = 15) -> Iterator[None]:
    """`with profiled():` runs the block under cProfile and prints its top functions by own time and
    by cumulative time (what grows with the cluster's size shows there first). The times printed
    inside the block are then the profiled ones, two to three times the plain ones."""
    if not enabled:
        yield
        return
    profile = cProfile.Profile()
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        for order in ("tottime", "cumulative"):
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats(order).print_stats(top)
            table = out.getvalue()
            print(f"cProfile top {top} by {order}:\n" + table[table.index("   ncalls"):].rstrip(), flush=True)
