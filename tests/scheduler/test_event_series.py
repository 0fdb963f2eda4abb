"""kube-scheduler records through events.k8s.io (client-go ``tools/events``): a repeated event is
an EventSeries whose count reaches the API server only at the first repeat, every 30 minutes,
and when ``finishSeries`` (every 6 minutes) finds it unobserved for 6 minutes."""

from __future__ import annotations

from kubenb import Cluster
from kubenb.client.events import FINISH_SECONDS, format_micro
from tests.scheduler.test_failed_scheduling import Attempts, failed_scheduling, pod


def stored(c: Cluster) -> list:
    return sorted(failed_scheduling(c), key=lambda e: e.event_time)


def test_an_event_is_new_api_shaped():
    c = Cluster("course")
    c.apply(pod())
    (event,) = stored(c)
    assert (event.first_timestamp, event.last_timestamp, event.count, event.source.component) == (None, None, None, None)
    assert (event.action, event.reporting_component, event.reporting_instance) == \
        ("Scheduling", "default-scheduler", "default-scheduler-mac-master")
    assert event.event_time == format_micro(c.clock.now)


def test_repeats_past_the_second_stay_in_the_recorder_until_the_series_finishes():
    c = Cluster("course")
    seen = Attempts(c, "big")
    c.apply(pod())
    c.sleep(400)
    attempts = len(seen.times)
    assert attempts >= 5
    first, second = stored(c)
    assert first.series is None
    assert second.series.count == 2  # only the first repeat was written
    out = c.kubectl("describe po big").stdout
    assert "(x2 over " in out and f"(x{attempts - 1} over " not in out
    # the pod goes away: nothing observes the series any more; at the first finishSeries tick
    # 6 minutes after its last observation the final count is written
    last_attempt = seen.start + seen.times[-1]
    c.kubectl("delete po big --wait=false")
    c.sleep(FINISH_SECONDS + 6 * 60)
    (_, second) = stored(c)
    assert second.series.count == attempts - 1
    assert second.series.last_observed_time == format_micro(last_attempt)


def test_a_new_failure_message_joins_the_series_keeping_the_first_note():
    """The isomorphic key has no message: a pod that fails for a new reason counts in the same series."""
    c = Cluster("course", pace=0)
    seen = Attempts(c, "big")
    c.apply(pod(cpu="100m", extra="  nodeSelector: {disk: ssd}\n"))
    for step in range(1, 4):
        c.advance(0.5)
        c.kubectl(f"label node mac-worker step={step} --overwrite")
        c.advance(15)
    c.kubectl("cordon mac-worker")
    c.advance(15)
    assert len(seen.times) >= 4
    messages = {e.message for e in stored(c)}
    assert all("were unschedulable" not in m for m in messages)
