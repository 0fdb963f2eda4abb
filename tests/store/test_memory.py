"""What the store and the event recorder keep stays bounded and shared (the churn leak)."""

from kubenb.api.base import evolve
from kubenb.api.codec import decode
from kubenb.client.events import MAX_LRU_CACHE_ENTRIES, EventRecorder


def _configmap(cluster, name):
    return cluster.store.create(decode(cluster.registry, {
        "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "default"}}))


def test_the_recorder_remembers_only_the_last_4096_distinct_events_like_client_go(cluster):
    cm = _configmap(cluster, "cm")
    recorder = EventRecorder(cluster.store, "test-controller")
    for i in range(MAX_LRU_CACHE_ENTRIES + 100):
        recorder.normal(cm, "Created", f"Created pod: p-{i}")
    assert len(recorder._seen) == MAX_LRU_CACHE_ENTRIES
    recorder.normal(cm, "Created", f"Created pod: p-{MAX_LRU_CACHE_ENTRIES + 99}")  # still remembered: aggregated
    counts = {e.message: e.count for e in cluster.store.list("Event", "default") if e.involved_object.uid == cm.metadata.uid}
    assert counts[f"Created pod: p-{MAX_LRU_CACHE_ENTRIES + 99}"] == 2
    recorder.normal(cm, "Created", "Created pod: p-0")  # forgotten: a new Event, as client-go would create
    assert sum(1 for e in cluster.store.list("Event", "default") if e.message == "Created pod: p-0") == 2


def test_stored_objects_share_fields_sets_and_an_edited_copy_does_not_leak_into_them(cluster):
    a, b = _configmap(cluster, "a"), _configmap(cluster, "b")
    assert a.metadata.__pydantic_fields_set__ is b.metadata.__pydantic_fields_set__
    edited = evolve(a)
    edited.metadata.labels = {"x": "y"}
    assert "labels" in edited.metadata.model_fields_set
    assert "labels" not in b.metadata.model_fields_set
    stored = cluster.store.update(edited)
    assert stored.metadata.labels == {"x": "y"} and b.metadata.labels is None
