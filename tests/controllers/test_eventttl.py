"""EventTTL: an Event goes an hour after it was last written (`--event-ttl=1h`), swept from a
queue of expiries whose timers number the distinct seconds of expiry, not the Events."""

from __future__ import annotations

from kubenb.api.core import Event, EventSource, ObjectReference
from kubenb.api.meta import ObjectMeta
from kubenb.client.events import EventRecorder
from kubenb.controllers.eventttl import EVENT_TTL_SECONDS, EventTTL
from kubenb.sim.clock import format_rfc3339, parse_rfc3339


def _ttl(cluster) -> EventTTL:
    return next(c for c in cluster.components if isinstance(c, EventTTL))


def _deletions(cluster) -> list[tuple[float, str]]:
    """(time, name) of every Event deleted from now on, in the order of the deletions."""
    seen: list[tuple[float, str]] = []
    cluster.store.watch(lambda ev: ev.type == "DELETED" and seen.append((ev.time, ev.object.metadata.name)), "Event")
    return seen


def _pod(name: str, uid: str):
    from kubenb.api.core import Pod

    return Pod(metadata=ObjectMeta(name=name, namespace="default", uid=uid, resource_version="1"))


def _hand_made(cluster, name: str, last: str) -> None:
    cluster.store.create(Event(
        metadata=ObjectMeta(name=name, namespace="default"), reason="Test", message="by hand", type="Normal",
        involved_object=ObjectReference(kind="Pod", namespace="default", name="p", uid="u"),
        source=EventSource(component="me"), first_timestamp=last, last_timestamp=last, count=1))


def test_each_event_goes_an_hour_after_its_last_write_in_write_order(cluster):
    recorder = EventRecorder(cluster.store, "tester")
    deleted = _deletions(cluster)
    for step in range(6):
        for i in range(3):
            recorder.normal(_pod(f"p{step}-{i}", f"u{step}-{i}"), "Tested", f"step {step}")
        cluster.sleep(0.4 if step % 2 else 1.7)  # several writes per second, and seconds without any
    repeated = _pod("p0-0", "u0-0")
    recorder.normal(repeated, "Tested", "step 0")  # count 2: its expiry moves on
    mine = {e.metadata.name: e for e in cluster.store.list("Event", "default") if e.source.component == "tester"}
    written = {name: parse_rfc3339(e.last_timestamp) + EVENT_TTL_SECONDS for name, e in mine.items()}
    cluster.sleep(EVENT_TTL_SECONDS + 30)
    got = [(t, name) for t, name in deleted if name in mine]
    order = sorted(mine, key=lambda n: (written[n], int(mine[n].metadata.resource_version or 0)))
    assert got == [(written[n], n) for n in order]
    assert len(got) == 18


def test_a_thousand_events_of_one_second_cost_one_timer(cluster):
    recorder = EventRecorder(cluster.store, "tester")
    cluster.loop.settle()
    before = len(cluster.loop._heap)
    ttl = _ttl(cluster)
    pending = ttl.pending()
    for i in range(1000):
        recorder.warning(_pod(f"p{i}", f"u{i}"), "Tested", "a thousand")
    assert ttl.pending() == pending + 1000
    assert len(cluster.loop._heap) - before <= 2  # one sweep timer (and the controllers' own work)
    cluster.sleep(EVENT_TTL_SECONDS + 1)
    assert not [e for e in cluster.store.list("Event", "default") if e.source.component == "tester"]
    assert ttl.pending() < pending + 1000


def test_an_event_goes_an_hour_after_its_write_whatever_its_timestamps_say(cluster):
    """Upstream the TTL is an etcd lease taken by the write: the Event's own times do not count."""
    deleted = _deletions(cluster)
    now = cluster.clock.now
    _hand_made(cluster, "old.1", format_rfc3339(now - 1800))
    _hand_made(cluster, "stale.1", format_rfc3339(now - 2 * EVENT_TTL_SECONDS))
    cluster.sleep(1)
    _hand_made(cluster, "future.1", format_rfc3339(now + 2 * EVENT_TTL_SECONDS))
    cluster.sleep(EVENT_TTL_SECONDS - 2)
    assert deleted == []
    cluster.sleep(3)
    assert deleted == [(now + EVENT_TTL_SECONDS, "old.1"), (now + EVENT_TTL_SECONDS, "stale.1"),
                       (now + 1 + EVENT_TTL_SECONDS, "future.1")]


def test_events_k8s_io_events_expire_an_hour_after_their_last_write(cluster):
    """The scheduler's Events (no firstTimestamp/lastTimestamp) expire too; a series update
    renews the lease."""
    from kubenb.api.core import Pod

    deleted = _deletions(cluster)
    cluster.kubectl("run web --image=nginx")
    cluster.settle()
    scheduled = [e for e in cluster.store.list("Event", "default") if e.reason == "Scheduled"]
    assert len(scheduled) == 1 and scheduled[0].event_time and not scheduled[0].last_timestamp
    born = cluster.clock.now
    pod = cluster.store.get("Pod", "default", "web")
    series = cluster.scheduler.events
    cluster.sleep(600)
    twice = Pod(metadata=pod.metadata.model_copy(update={"name": "x", "uid": "ux", "resource_version": "1"}))
    series.warning(twice, "FailedScheduling", "no")
    series.warning(twice, "FailedScheduling", "no")  # the first repeat writes series.count 2: a second write
    failed = next(e for e in cluster.store.list("Event", "default") if e.reason == "FailedScheduling")
    assert failed.series is not None and failed.series.count == 2
    renewed = cluster.clock.now
    mine = (scheduled[0].metadata.name, failed.metadata.name)
    cluster.sleep(born + EVENT_TTL_SECONDS + 1 - cluster.clock.now)
    gone = [(t, name) for t, name in deleted if name in mine]
    assert [name for _, name in gone] == [mine[0]] and 0 <= gone[0][0] - born - EVENT_TTL_SECONDS < 1
    cluster.sleep(renewed + EVENT_TTL_SECONDS + 1 - cluster.clock.now)
    assert [(t, name) for t, name in deleted if name in mine][1:] == [(renewed + EVENT_TTL_SECONDS, mine[1])]
