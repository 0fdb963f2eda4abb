"""Event names stay unique when simulated time stands still through a burst of events."""

from kubenb.api.codec import decode
from kubenb.client.events import EventRecorder


def _configmap(cluster, name="cm"):
    return cluster.store.create(decode(cluster.registry, {
        "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "default"}}))


def _events_of(cluster, obj):
    return [e for e in cluster.store.list("Event", "default") if e.involved_object.uid == obj.metadata.uid]


def test_thousands_of_events_at_one_instant_all_get_a_name(cluster):
    """Past a thousand writes the revision-derived nanoseconds repeat; each event still gets a
    fresh `<object>.<hex nanos>` name instead of an AlreadyExists error."""
    cm = _configmap(cluster)
    recorder = EventRecorder(cluster.store, "test-controller")
    for i in range(2500):
        recorder.normal(cm, "SuccessfulCreate", f"Created pod: cm-{i}")
    events = _events_of(cluster, cm)
    assert len(events) == 2500
    assert len({e.metadata.name for e in events}) == 2500
    assert all(e.metadata.name.startswith("cm.") and int(e.metadata.name[3:], 16) for e in events)


def test_a_name_that_is_free_is_the_clock_and_revision_as_before(cluster):
    cm = _configmap(cluster)
    recorder = EventRecorder(cluster.store, "test-controller")
    nanos = int(cluster.clock.now * 1_000_000) * 1000 + cluster.store.resource_version % 1000
    recorder.warning(cm, "Failed", "once")
    [event] = _events_of(cluster, cm)
    assert event.metadata.name == f"cm.{nanos:x}"


def test_two_recorders_do_not_collide(cluster):
    """The kubelet and the scheduler both report on a pod; a name taken by one is skipped by the other."""
    cm = _configmap(cluster)
    first, second = EventRecorder(cluster.store, "a"), EventRecorder(cluster.store, "b")
    for i in range(1200):
        (first if i % 2 else second).normal(cm, "Reason", f"message {i}")
    assert len({e.metadata.name for e in _events_of(cluster, cm)}) == 1200
