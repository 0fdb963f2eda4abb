"""The API server's storage rules: names, uids, resourceVersions, generation, deletion, watches, GC."""

from __future__ import annotations

import pytest

from kubenb import Cluster
from kubenb.api.base import evolve
from kubenb.api.codec import decode
from kubenb.store.errors import StatusError

CM = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg", "namespace": "default"}, "data": {"a": "1"}}


def make(cluster: Cluster, data: dict):
    return decode(cluster.registry, data)


def test_create_stamps_uid_resource_version_and_creation_time(cluster: Cluster):
    before = cluster.store.resource_version
    cm = cluster.store.create(make(cluster, CM))
    assert cm.metadata.uid and len(cm.metadata.uid) == 36
    assert int(cm.metadata.resource_version) == before + 1
    assert cm.metadata.creation_timestamp == cluster.clock.rfc3339()
    assert cm.metadata.generation is None  # ConfigMaps keep no generation


def test_generate_name_gets_five_safe_characters(cluster: Cluster):
    data = {**CM, "metadata": {"generateName": "web-", "namespace": "default"}}
    cm = cluster.store.create(make(cluster, data))
    suffix = cm.metadata.name.removeprefix("web-")
    assert len(suffix) == 5 and set(suffix) <= set("bcdfghjklmnpqrstvwxz2456789")


def test_already_exists(cluster: Cluster):
    cluster.store.create(make(cluster, CM))
    with pytest.raises(StatusError) as err:
        cluster.store.create(make(cluster, CM))
    assert (err.value.reason, err.value.code, str(err.value)) == ("AlreadyExists", 409, 'configmaps "cfg" already exists')


def test_generation_moves_with_spec_only(cluster: Cluster):
    cluster.apply("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 1\n"
                  "  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n"
                  "    spec: {containers: [{name: c, image: nginx}]}\n")
    d = cluster.store.get("Deployment", "default", "web")
    assert d.metadata.generation == 1
    labelled = evolve(d)
    labelled.metadata.labels = {"team": "a"}
    assert cluster.store.update(labelled).metadata.generation == 1
    scaled = evolve(cluster.store.get("Deployment", "default", "web"))
    scaled.spec.replicas = 3
    assert cluster.store.update(scaled).metadata.generation == 2


def test_no_op_update_stores_nothing(cluster: Cluster):
    cm = cluster.store.create(make(cluster, CM))
    rv = cluster.store.resource_version
    assert cluster.store.update(evolve(cm)) is cm
    assert cluster.store.resource_version == rv


def test_stale_resource_version_conflicts(cluster: Cluster):
    cm = cluster.store.create(make(cluster, CM))
    first = evolve(cm)
    first.data = {"a": "2"}
    cluster.store.update(first)
    stale = evolve(cm)
    stale.data = {"a": "3"}
    with pytest.raises(StatusError) as err:
        cluster.store.update(stale)
    assert err.value.reason == "Conflict"
    assert str(err.value) == ('Operation cannot be fulfilled on configmaps "cfg": the object has been modified; '
                              "please apply your changes to the latest version and try again")


def test_watch_events_carry_the_old_object(cluster: Cluster):
    seen = []
    cluster.store.watch(lambda ev: seen.append((ev.type, ev.old_object and ev.old_object.data, ev.object.data)),
                        "ConfigMap")
    cm = cluster.store.create(make(cluster, CM))
    changed = evolve(cm)
    changed.data = {"a": "2"}
    cluster.store.update(changed)
    cluster.store.delete("ConfigMap", "default", "cfg")
    assert seen == [("ADDED", None, {"a": "1"}), ("MODIFIED", {"a": "1"}, {"a": "2"}),
                    ("DELETED", {"a": "2"}, {"a": "2"})]


def test_finalizers_hold_deletion_until_removed(cluster: Cluster):
    data = {**CM, "metadata": {**CM["metadata"], "finalizers": ["example.com/hold"]}}
    cluster.store.create(make(cluster, data))
    held = cluster.store.delete("ConfigMap", "default", "cfg")
    assert held.metadata.deletion_timestamp == cluster.clock.rfc3339()
    released = evolve(held)
    released.metadata.finalizers = None
    cluster.store.update(released)
    assert cluster.store.try_get("ConfigMap", "default", "cfg") is None


def test_pods_on_a_node_terminate_gracefully(cluster: Cluster):
    cluster.apply("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: nginx}]}\n")
    cluster.sleep(10)
    pod = cluster.store.delete("Pod", "default", "p")
    assert pod.metadata.deletion_grace_period_seconds == 30
    assert cluster.store.try_get("Pod", "default", "p") is not None  # Terminating until the kubelet is done
    cluster.sleep(5)
    assert cluster.store.try_get("Pod", "default", "p") is None


@pytest.mark.parametrize("propagation,survivors", [
    ("Background", set()),
    ("Foreground", set()),
    ("Orphan", {"ReplicaSet", "Pod"}),
])
def test_garbage_collector_propagation(cluster: Cluster, propagation, survivors):
    cluster.apply("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 2\n"
                  "  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n"
                  "    spec: {containers: [{name: c, image: nginx}]}\n")
    cluster.sleep(10)
    cluster.store.delete("Deployment", "default", "web", propagation=propagation)
    cluster.sleep(60)
    left = {k for k in ("ReplicaSet", "Pod") if cluster.store.list(k, "default")}
    assert cluster.store.try_get("Deployment", "default", "web") is None
    assert left == survivors
    if propagation == "Orphan":
        assert all(p.metadata.owner_references for p in cluster.store.list("Pod", "default"))  # owned by the RS
        assert not cluster.store.list("ReplicaSet", "default")[0].metadata.owner_references


def test_deleting_a_deployments_pod_brings_a_replacement(cluster: Cluster):
    cluster.apply("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 2\n"
                  "  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n"
                  "    spec: {containers: [{name: c, image: nginx}]}\n")
    cluster.sleep(10)
    victim = cluster.store.list("Pod", "default")[0].metadata.name
    result = cluster.kubectl(f"delete pod {victim}")
    assert result.stdout == f'pod "{victim}" deleted\n'
    cluster.sleep(10)
    pods = cluster.store.list("Pod", "default")
    assert len(pods) == 2 and victim not in {p.metadata.name for p in pods}
    assert all(p.status.phase == "Running" for p in pods)


def test_label_index_answers_selectors(cluster: Cluster):
    from kubenb.api.labels import parse_selector

    for i in range(20):
        cluster.store.create(make(cluster, {**CM, "metadata": {"name": f"c{i}", "namespace": "default",
                                                               "labels": {"app": "a" if i % 2 else "b"}}}))
    got = cluster.store.list("ConfigMap", "default", parse_selector("app=a"))
    assert [c.metadata.name for c in got] == sorted(f"c{i}" for i in range(20) if i % 2)
