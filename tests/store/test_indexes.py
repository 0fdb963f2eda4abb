"""The store's indexes after rewrites are the indexes of what is stored: a write moves only the entries
keyed by a fact it changed, yet ends where indexing every stored object afresh would, and the owner
buckets list dependents in the order they were last written."""

from __future__ import annotations

from kubenb import Cluster
from kubenb.api.base import evolve
from kubenb.api.codec import decode
from kubenb.store.indexes import Indexes


def _pod(cluster: Cluster, name: str, labels: dict, owner: str) -> dict:
    return decode(cluster.registry, {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "labels": labels, "ownerReferences": [
            {"apiVersion": "v1", "kind": "ConfigMap", "name": owner, "uid": f"uid-{owner}"}]},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]}})


def _contents(indexes: Indexes) -> dict:
    """Every bucket as a set (their order is read sorted), but the owners' in order."""
    flat = {}
    for name in ("_namespace", "_labels", "_selectors"):
        flat[name] = {(kind, b): set(keys) for kind, table in getattr(indexes, name).items()
                      for b, keys in table.items() if keys}
    for name in ("_nodes", "_involved"):
        flat[name] = {b: set(keys) for b, keys in getattr(indexes, name).items() if keys}
    flat["_owners"] = {b: list(keys) for b, keys in indexes._owners.items() if keys}
    return flat


def test_rewrites_leave_the_indexes_of_what_is_stored(cluster: Cluster):
    store = cluster.store
    pods = [store.create(_pod(cluster, f"p{i}", {"app": "a", "tier": str(i % 2)}, "one")) for i in range(6)]
    for pod in pods[:4]:
        bound = evolve(pod)
        bound.spec.node_name = "node-1" if pod.metadata.name < "p2" else "node-2"
        store.bind(bound)
    relabelled = evolve(store.get("Pod", "default", "p2"))
    relabelled.metadata.labels = {"app": "b"}
    store.update(relabelled)
    reowned = evolve(store.get("Pod", "default", "p3"))
    reowned.metadata.owner_references[0].uid, reowned.metadata.owner_references[0].name = "uid-two", "two"
    store.update(reowned)
    status = evolve(store.get("Pod", "default", "p0"), deep=("status",))
    status.status.phase = "Running"
    store.update(status, subresource="status")

    fresh = Indexes()
    stored = [obj for kind in store.kinds() for obj in store.list(kind)]
    for obj in sorted(stored, key=lambda o: int(o.metadata.resource_version)):
        fresh.add(obj)  # in the order of their last writes, as the owner buckets are
    assert _contents(store.indexes) == _contents(fresh)
    assert [k[2] for k in store.indexes.owner_keys("uid-one")] == ["p4", "p5", "p1", "p2", "p0"]
    assert sorted(store.indexes.node_keys("node-2")) == [("default", "p2"), ("default", "p3")]
    assert {k[1] for k in store.indexes.label_keys("Pod", "app", "a")} == {"p0", "p1", "p3", "p4", "p5"}


def test_an_objects_events_are_listed_in_order_as_their_bucket_grows_and_shrinks():
    """The involvedObject buckets are tuples while small and dicts beyond: either way they list an
    object's Events in the order they were filed, once each, and an emptied bucket goes."""
    from types import SimpleNamespace

    indexes = Indexes()

    def event(i: int):
        meta = SimpleNamespace(namespace="default", name=f"e{i}", labels=None, owner_references=None)
        return SimpleNamespace(KIND="Event", metadata=meta, involved_object=SimpleNamespace(uid="pod-uid"))

    events = [event(i) for i in range(12)]
    for n, e in enumerate(events, 1):
        indexes.add(e)
        indexes.add(e)  # filed twice: listed once
        assert [k[1] for k in indexes.event_keys("pod-uid")] == [f"e{i}" for i in range(n)]
    for e in events[:-1]:
        indexes.remove(e)
    assert list(indexes.event_keys("pod-uid")) == [("default", "e11")]
    indexes.remove(events[-1])
    assert list(indexes.event_keys("pod-uid")) == [] and "pod-uid" not in indexes._involved
