"""The loop's garbage-collector policy holds for its runs only and gives the caller's settings back."""

from __future__ import annotations

import gc
import weakref

import pytest

from kubenb.sim.clock import Clock
from kubenb.sim.loop import HEAP_OBJECTS_PER_STEP, RUN_THRESHOLD0, EventLoop, FullCollections


@pytest.fixture
def collector():
    """Leave the interpreter's collector as the test found it, whatever the test does."""
    thresholds, enabled = gc.get_threshold(), gc.isenabled()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)
    (gc.enable if enabled else gc.disable)()


def _seen(loop: EventLoop, log: list) -> None:
    loop.call_soon(lambda: log.append((gc.get_threshold(), gc.get_freeze_count() > 0)))


def test_a_run_freezes_and_raises_the_threshold_then_restores(collector):
    gc.set_threshold(700, 10, 10)
    loop, seen = EventLoop(Clock(0.0)), []
    _seen(loop, seen)
    loop.settle()
    assert seen == [((RUN_THRESHOLD0, 10, 10), True)]
    assert gc.get_threshold() == (700, 10, 10) and gc.get_freeze_count() == 0


def test_a_nested_run_leaves_the_policy_to_the_outermost(collector):
    loop, seen = EventLoop(Clock(0.0)), []
    loop.call_soon(lambda: (_seen(loop, seen), loop.settle(), seen.append(("after inner", gc.get_freeze_count() > 0))))
    loop.settle()
    assert seen == [((RUN_THRESHOLD0, 10, 10), True), ("after inner", True)]
    assert gc.get_freeze_count() == 0


def test_a_failing_callback_still_restores(collector):
    gc.set_threshold(900, 5, 7)
    loop = EventLoop(Clock(0.0))
    loop.call_soon(lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        loop.settle()
    assert gc.get_threshold() == (900, 5, 7) and gc.get_freeze_count() == 0


def test_the_callers_own_freeze_and_higher_threshold_are_kept(collector):
    gc.set_threshold(RUN_THRESHOLD0 * 2, 10, 10)
    gc.freeze()
    frozen = gc.get_freeze_count()
    loop, seen = EventLoop(Clock(0.0)), []
    _seen(loop, seen)
    loop.settle()
    assert seen == [((RUN_THRESHOLD0 * 2, 10, 10), True)]
    assert gc.get_freeze_count() == frozen  # not thawed by the run


def test_a_disabled_collector_is_left_alone(collector):
    gc.disable()
    gc.set_threshold(700, 10, 10)
    loop, seen = EventLoop(Clock(0.0)), []
    _seen(loop, seen)
    loop.settle()
    assert seen == [((700, 10, 10), False)] and not gc.isenabled()


class _Cyclic:
    """An object that refers to itself: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


def _garbage_cycle() -> weakref.ref:
    return weakref.ref(_Cyclic())


def test_cycles_wait_for_a_full_collection_until_the_work_makes_one_due(collector, monkeypatch):
    gc.set_threshold(10**9, 10, 10)  # no collection but the loop's own
    monkeypatch.setattr(FullCollections, "steps", 0)
    monkeypatch.setattr(FullCollections, "heap", 3 * HEAP_OBJECTS_PER_STEP)  # due after more than 3 callbacks
    loop = EventLoop(Clock(0.0))
    alive = _garbage_cycle()
    for _ in range(3):
        loop.call_soon(lambda: None)
    loop.settle()
    assert alive() is not None and FullCollections.steps == 3
    loop.call_soon(lambda: None)
    loop.settle()
    assert alive() is None  # collected after the run that made it due
    assert FullCollections.steps == 0 and FullCollections.heap > 0  # the count starts again from the heap left


def test_no_full_collection_when_the_caller_froze_objects(collector, monkeypatch):
    gc.set_threshold(10**9, 10, 10)
    monkeypatch.setattr(FullCollections, "steps", 0)
    monkeypatch.setattr(FullCollections, "heap", 0)
    gc.freeze()
    alive = _garbage_cycle()
    loop = EventLoop(Clock(0.0))
    loop.call_soon(lambda: None)
    loop.settle()
    assert alive() is not None and FullCollections.heap == 0
