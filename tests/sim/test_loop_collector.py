"""The loop's garbage-collector policy holds for its runs only and gives the caller's settings back."""

from __future__ import annotations

import gc

import pytest

from kubenb.sim.clock import Clock
from kubenb.sim.loop import RUN_THRESHOLD0, EventLoop


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
