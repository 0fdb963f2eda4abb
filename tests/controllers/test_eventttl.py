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


def test_an_event_written_with_an_old_timestamp_expires_at_its_own_time(cluster):
    deleted = _deletions(cluster)
    now = cluster.clock.now
    recorder = EventRecorder(cluster.store, "tester")
    recorder.normal(_pod("fresh", "u-fresh"), "Tested", "now")
    _hand_made(cluster, "old.1", format_rfc3339(now - 1800))  # out of order: due before the fresh one
    _hand_made(cluster, "stale.1", format_rfc3339(now - 2 * EVENT_TTL_SECONDS))  # due already
    cluster.sleep(1)
    assert [name for _, name in deleted] == ["stale.1"]
    cluster.sleep(1800)
    assert [name for _, name in deleted] == ["stale.1", "old.1"]
    assert deleted[1][0] == parse_rfc3339(format_rfc3339(now - 1800)) + EVENT_TTL_SECONDS
    cluster.sleep(1800)
    assert [name.split(".")[0] for _, name in deleted] == ["stale", "old", "fresh"]
