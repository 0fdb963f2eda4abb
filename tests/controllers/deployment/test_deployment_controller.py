"""Port of kubernetes/kubernetes `pkg/controller/deployment/deployment_controller_test.go`.

Read at commit 57a37514f2231cf381908e589517bddb3ab09d62 (the only stored version: the
`extensions/v1beta1` era, whose controller-level behaviour is unchanged in apps/v1). Event-handler
tests inspect the controller's work queue: here a spy on `DeploymentController.queue.add` sees
the keys the store watches enqueue.

Not ported: TestSyncDeploymentClearsOverlapAnnotation (the overlap annotation is gone upstream),
TestReentrantRollback (`spec.rollbackTo` is extensions-only), TestDontSyncDeploymentsWithEmptyPodSelector
(kubenb's API server rejects an empty selector, as apps/v1 does), TestGetPodMapForReplicaSets
(kubenb has no pod map).
"""

from __future__ import annotations

import pytest
from deployment_harness import Harness, rs_status

from kubenb.api.base import evolve


@pytest.fixture
def h():
    return Harness()


def _spy_queue(h: Harness, monkeypatch) -> list[tuple[str, str]]:
    keys: list[tuple[str, str]] = []
    queue = h.ctrl.queue
    add = queue.add

    def spy(key):
        if key not in keys:
            keys.append(key)
        add(key)

    monkeypatch.setattr(queue, "add", spy)
    return keys


def test_sync_deployment_creates_replica_set(h):
    """TestSyncDeploymentCreatesReplicaSet: create the RS (1 replica), then update the status."""
    d = h.create_deployment("foo", 1)
    h.ctrl.sync("default", "foo")
    rss = h.owned(d)
    assert len(rss) == 1 and rss[0].spec.replicas == 1
    assert rss[0].metadata.name == f"foo-{rss[0].metadata.labels['pod-template-hash']}"
    stored = h.deployment("foo")
    assert stored.status.observed_generation == stored.metadata.generation
    progressing = [c for c in stored.status.conditions if c.type == "Progressing"]
    assert [(c.reason, c.message) for c in progressing] == [
        ("NewReplicaSetCreated", f'Created new replica set "{rss[0].metadata.name}"')]


def test_sync_deployment_dont_do_anything_during_deletion(h):
    """TestSyncDeploymentDontDoAnythingDuringDeletion: only a status update."""
    d = h.create_deployment("foo", 1, deletion=True)
    assert d.metadata.deletion_timestamp is not None
    h.ctrl.sync("default", "foo")
    assert h.owned(d) == [] and h.rs_writes == []
    assert h.deployment("foo").status.observed_generation == d.metadata.generation


def test_get_replica_sets_for_deployment(h):
    d1 = h.create_deployment("foo", 1)
    d2 = h.create_deployment("bar", 1)
    h.create_rs(d1, "rs1", 1)
    h.create_rs(d2, "rs2", 1)
    assert [rs.metadata.name for rs in h.owned(d1)] == ["rs1"]
    assert [rs.metadata.name for rs in h.owned(d2)] == ["rs2"]


def test_get_replica_sets_for_deployment_adopt_release(h):
    d = h.create_deployment("foo", 1)
    h.create_rs(d, "rs-adopt", 1, owned=False)  # matching labels, orphaned: adopted
    h.create_rs(d, "rs-release", 1, extra_labels={"foo": "notbar"})  # owned, labels no longer match: released
    h.ctrl.sync("default", "foo")
    assert [rs.metadata.name for rs in h.owned(d)] == ["rs-adopt"]


def test_pod_deletion_enqueues_recreate_deployment(h, monkeypatch):
    foo = h.create_deployment("foo", 1, strategy="Recreate")
    rs = h.create_rs(foo, "foo-1", 1, status=rs_status(1, 1))
    pod = h.create_pod(rs, "foo-1-pod", "Running")
    keys = _spy_queue(h, monkeypatch)
    h.store.delete("Pod", "default", pod.metadata.name)
    assert ("default", "foo") in keys


def test_pod_deletion_doesnt_enqueue_recreate_deployment(h, monkeypatch):
    foo = h.create_deployment("foo", 1, strategy="Recreate")
    rs = h.create_rs(foo, "foo-1", 1, status=rs_status(1, 1))
    pod = h.create_pod(rs, "foo-1-pod", "Running")
    h.create_pod(rs, "foo-1-other", "Running")  # the pod lister still returns a pod
    keys = _spy_queue(h, monkeypatch)
    h.store.delete("Pod", "default", pod.metadata.name)
    assert ("default", "foo") not in keys


def test_add_replica_set(h, monkeypatch):
    d1 = h.create_deployment("d1", 1)
    d2 = h.create_deployment("d2", 1)
    keys = _spy_queue(h, monkeypatch)
    h.create_rs(d1, "rs1", 1)
    assert keys == [("default", "d1")]
    keys.clear()
    h.create_rs(d2, "rs2", 1)
    assert keys == [("default", "d2")]


def test_add_replica_set_orphan(h, monkeypatch):
    d1 = h.create_deployment("d1", 1)
    h.create_deployment("d2", 1)
    h.create_deployment("d3", 1, selector={"foo": "notbar"})
    keys = _spy_queue(h, monkeypatch)
    h.create_rs(d1, "rs1", 1, owned=False)
    assert sorted(keys) == [("default", "d1"), ("default", "d2")]


def _bump(h: Harness, name: str, **meta) -> None:
    rs = evolve(h.rs(name))
    rs.metadata.annotations = {**(rs.metadata.annotations or {}), "bump": str(h.store.resource_version)}
    for k, v in meta.items():
        setattr(rs.metadata, k, v)
    h.store.update(rs)


def test_update_replica_set(h, monkeypatch):
    d1 = h.create_deployment("d1", 1)
    d2 = h.create_deployment("d2", 1)
    h.create_rs(d1, "rs1", 1)
    h.create_rs(d2, "rs2", 1)
    keys = _spy_queue(h, monkeypatch)
    _bump(h, "rs1")
    assert keys == [("default", "d1")]
    keys.clear()
    _bump(h, "rs2")
    assert keys == [("default", "d2")]


def test_update_replica_set_orphan_with_new_labels(h, monkeypatch):
    d1 = h.create_deployment("d1", 1)
    h.create_deployment("d2", 1)
    rs = h.create_rs(d1, "rs1", 1, owned=False, extra_labels={"foo": "notbar"})
    keys = _spy_queue(h, monkeypatch)
    _bump(h, "rs1", labels={**rs.metadata.labels, "foo": "bar"})
    assert sorted(keys) == [("default", "d1"), ("default", "d2")]


def test_update_replica_set_change_controller_ref(h, monkeypatch):
    d1 = h.create_deployment("d1", 1)
    d2 = h.create_deployment("d2", 1)
    h.create_rs(d2, "rs1", 1)
    keys = _spy_queue(h, monkeypatch)
    ref = h.rs("rs1").metadata.owner_references[0].model_copy(update={"name": "d1", "uid": d1.metadata.uid})
    _bump(h, "rs1", owner_references=[ref])
    assert sorted(keys) == [("default", "d1"), ("default", "d2")]


def test_update_replica_set_release(h, monkeypatch):
    d1 = h.create_deployment("d1", 1)
    h.create_deployment("d2", 1)
    h.create_rs(d1, "rs1", 1)
    keys = _spy_queue(h, monkeypatch)
    _bump(h, "rs1", owner_references=None)
    assert sorted(keys) == [("default", "d1"), ("default", "d2")]


def test_delete_replica_set(h, monkeypatch):
    d1 = h.create_deployment("d1", 1)
    d2 = h.create_deployment("d2", 1)
    h.create_rs(d1, "rs1", 1)
    h.create_rs(d2, "rs2", 1)
    keys = _spy_queue(h, monkeypatch)
    h.store.delete("ReplicaSet", "default", "rs1")
    assert keys == [("default", "d1")]
    keys.clear()
    h.store.delete("ReplicaSet", "default", "rs2")
    assert keys == [("default", "d2")]


def test_delete_replica_set_orphan(h, monkeypatch):
    d1 = h.create_deployment("d1", 1)
    h.create_deployment("d2", 1)
    h.create_rs(d1, "rs1", 1, owned=False)
    keys = _spy_queue(h, monkeypatch)
    h.store.delete("ReplicaSet", "default", "rs1")
    assert keys == []
