"""The core/v1 event recorder: client-go's aggregation, its bounded LRU, and Events that share
what immutable objects may share (one source per recorder, one reference per object in a row)."""

from __future__ import annotations

from kubenb.api.core import Pod
from kubenb.api.meta import ObjectMeta
from kubenb.client.events import MAX_LRU_CACHE_ENTRIES, EventRecorder, events_for
from kubenb.kubelet.events import SPAM_BURST, SpamFilter, record


def _pod(name: str, uid: str, rv: str = "1") -> Pod:
    return Pod(metadata=ObjectMeta(name=name, namespace="default", uid=uid, resource_version=rv))


def _mine(cluster) -> list:
    return [e for e in cluster.store.list("Event", "default") if e.source.component == "tester"]


def test_a_repeat_counts_on_the_stored_event(cluster):
    recorder = EventRecorder(cluster.store, "tester", "node-1")
    pod = _pod("web", "u1")
    recorder.warning(pod, "BackOff", "Back-off restarting failed container", "spec.containers{c}")
    first = _mine(cluster)[0]
    cluster.sleep(42)
    recorder.warning(pod, "BackOff", "Back-off restarting failed container", "spec.containers{c}")
    (event,) = _mine(cluster)
    assert (event.count, event.first_timestamp) == (2, first.first_timestamp)
    assert event.last_timestamp == cluster.clock.rfc3339() != first.last_timestamp
    assert int(event.metadata.resource_version) > int(first.metadata.resource_version)
    assert first.count == 1  # the stored version the first write made is untouched
    assert events_for(cluster.store, pod) == [event]


def test_events_of_one_recorder_share_their_source_and_a_row_about_one_object_its_reference(cluster):
    recorder = EventRecorder(cluster.store, "tester", "node-1")
    a, b = _pod("a", "ua"), _pod("b", "ub")
    for reason in ("Pulled", "Created", "Started"):
        recorder.normal(a, reason, f"{reason} container c", "spec.containers{c}")
    recorder.normal(b, "Pulled", "Pulled container c", "spec.containers{c}")
    recorder.normal(a, "Killing", "Stopping container c", "spec.containers{c}")
    events = sorted(_mine(cluster), key=lambda e: int(e.metadata.resource_version))
    assert len({id(e.source) for e in events}) == 1
    assert events[0].source.model_dump() == {"component": "tester", "host": "node-1"}
    refs = [id(e.involved_object) for e in events]
    assert refs[0] == refs[1] == refs[2] != refs[3] != refs[4]
    assert [e.involved_object.name for e in events] == ["a", "a", "a", "b", "a"]
    assert events[4].involved_object == events[0].involved_object
    moved = _pod("a", "ua", rv="7")  # the object changed: a new reference, at its new resourceVersion
    recorder.normal(moved, "Started", "Started container c again", "spec.containers{c}")
    newest = max(_mine(cluster), key=lambda e: int(e.metadata.resource_version))
    assert newest.involved_object.resource_version == "7"


def test_equal_messages_are_one_string(cluster):
    recorder = EventRecorder(cluster.store, "tester")
    for i in range(3):
        recorder.normal(_pod(f"p{i}", f"u{i}"), "Started", "".join(["Started container ", "c"]))
    assert len({id(e.message) for e in _mine(cluster)}) == 1


def test_the_aggregation_cache_stays_bounded(cluster):
    recorder = EventRecorder(cluster.store, "tester")
    for i in range(MAX_LRU_CACHE_ENTRIES + 10):
        recorder.normal(_pod(f"p{i}", f"u{i}"), "Tested", "once")
    assert len(recorder._seen) == MAX_LRU_CACHE_ENTRIES
    recorder.normal(_pod("p0", "u0"), "Tested", "once")  # forgotten: a new Event, not a count
    assert sorted(e.count for e in _mine(cluster) if e.involved_object.name == "p0") == [1, 1]


def test_the_kubelet_spam_filter_lets_a_burst_through_then_one_per_five_minutes(cluster):
    recorder = EventRecorder(cluster.store, "tester", "node-1")
    spam = SpamFilter(cluster.clock.now)
    pod = _pod("web", "u1")
    for i in range(SPAM_BURST + 5):
        record(recorder, spam, cluster.clock.now, pod, "Normal", "Tested", f"event {i}")
    assert len(_mine(cluster)) == SPAM_BURST
    cluster.sleep(300)
    record(recorder, spam, cluster.clock.now, pod, "Normal", "Tested", "later")
    record(recorder, spam, cluster.clock.now, pod, "Normal", "Tested", "later still")
    assert len(_mine(cluster)) == SPAM_BURST + 1


def test_a_repeat_counts_only_when_every_part_of_client_gos_key_is_the_same(cluster):
    """The cache keeps a hash of the key; each of its parts still tells events apart."""
    recorder = EventRecorder(cluster.store, "tester", "node-1")
    pod, other = _pod("web", "u1"), _pod("web2", "u2")
    base = (pod, "Warning", "BackOff", "Back-off", "spec.containers{c}")
    variants = [base, (other, *base[1:]), (pod, "Normal", *base[2:]), (pod, "Warning", "Other", *base[3:]),
                (pod, "Warning", "BackOff", "Back-off again", base[4]), (pod, *base[1:4], "spec.containers{d}"),
                (pod, *base[1:4], None)]
    for args in variants:
        recorder.record(*args)
    recorder.record(*base)
    counts = sorted((e.involved_object.name, e.type, e.reason, e.message, e.involved_object.field_path or "", e.count)
                    for e in _mine(cluster))
    assert len(counts) == len(variants)
    assert [c[-1] for c in counts].count(2) == 1
    assert ("web", "Warning", "BackOff", "Back-off", "spec.containers{c}", 2) in counts
