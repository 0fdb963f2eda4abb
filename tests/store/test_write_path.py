"""The write path's indexes and shortcuts: a pod write finds its Services from the selector index,
a status write moves no index entry but the owner order, admission's shared parts stay shared and
unmodified."""

from __future__ import annotations

import pytest

from kubenb import Cluster
from kubenb.api.base import evolve
from kubenb.api.codec import decode
from kubenb.controllers.endpoints import EndpointsController
from kubenb.store import admission


def service(cluster: Cluster, name: str, selector: dict | None, namespace: str = "default"):
    spec = {"ports": [{"port": 80}], **({"selector": selector} if selector is not None else {})}
    return cluster.store.create(decode(cluster.registry, {
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": namespace}, "spec": spec}))


def pod(cluster: Cluster, name: str, labels: dict, owner=None):
    meta = {"name": name, "namespace": "default", "labels": labels}
    if owner is not None:
        meta["ownerReferences"] = [{"apiVersion": "v1", "kind": owner.KIND, "name": owner.metadata.name,
                                    "uid": owner.metadata.uid}]
    return cluster.store.create(decode(cluster.registry, {
        "apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}))


def names(objs) -> list[str]:
    return [o.metadata.name for o in objs]


def test_selecting_finds_exactly_the_services_whose_selector_the_labels_hold(cluster: Cluster):
    cluster.store.create(decode(cluster.registry, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "other"}}))
    service(cluster, "zeta", {"app": "web"})
    service(cluster, "alpha", {"app": "web", "tier": "front"})
    service(cluster, "beta", {"app": "web", "tier": "back"})
    service(cluster, "empty", {})
    service(cluster, "none", None)
    service(cluster, "elsewhere", {"app": "web"}, namespace="other")
    store = cluster.store
    assert names(store.selecting("Service", "default", {"app": "web", "tier": "front", "x": "y"})) == ["alpha", "zeta"]
    assert names(store.selecting("Service", "default", {"app": "web"})) == ["zeta"]
    assert names(store.selecting("Service", "other", {"app": "web"})) == ["elsewhere"]
    assert store.selecting("Service", "default", {}) == [] and store.selecting("Service", "default", None) == []
    # the answer is the one a scan of every Service gives
    for labels in ({"app": "web", "tier": "back"}, {"tier": "front"}, {"app": "db"}):
        scan = [s for s in store.list("Service", "default")
                if s.spec.selector and all(labels.get(k) == v for k, v in s.spec.selector.items())]
        assert store.selecting("Service", "default", labels) == scan


def test_selecting_follows_selector_changes_and_deletion(cluster: Cluster):
    svc = service(cluster, "web", {"app": "web"})
    changed = evolve(svc)
    changed.spec.selector = {"app": "api"}
    cluster.store.update(changed)
    assert cluster.store.selecting("Service", "default", {"app": "web"}) == []
    assert names(cluster.store.selecting("Service", "default", {"app": "api"})) == ["web"]
    cluster.store.delete("Service", "default", "web")
    assert cluster.store.selecting("Service", "default", {"app": "api"}) == []


def test_a_pod_write_looks_at_no_service_of_the_namespace_but_its_own(cluster: Cluster, monkeypatch):
    for i in range(20):
        service(cluster, f"svc-{i}", {"app": f"app-{i}"})
    p = pod(cluster, "p", {"app": "app-3"})
    listed = []
    real_list = cluster.store.list
    monkeypatch.setattr(cluster.store, "list", lambda kind, *a, **k: listed.append(kind) or real_list(kind, *a, **k))
    queued = []
    controller = next(x for x in cluster.components if isinstance(x, EndpointsController))
    monkeypatch.setattr(controller, "enqueue", lambda svc: queued.append(svc.metadata.name))
    new = evolve(p, deep=("status",))
    new.status.pod_ip = "10.244.1.7"
    cluster.store.update(new, subresource="status")
    assert queued == ["svc-3"]
    assert "Service" not in listed


def test_a_status_write_moves_the_pod_to_the_end_of_its_owners_dependents(cluster: Cluster):
    owner = cluster.store.create(decode(cluster.registry, {
        "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "owner", "namespace": "default"}}))
    for name in ("a", "b", "c"):
        pod(cluster, name, {"app": "web"}, owner=owner)
    assert names(cluster.store.by_owner(owner.metadata.uid)) == ["a", "b", "c"]
    a = cluster.store.get("Pod", "default", "a")
    new = evolve(a, deep=("status",))
    new.status.pod_ip = "10.244.1.8"
    cluster.store.update(new, subresource="status")
    assert names(cluster.store.by_owner(owner.metadata.uid)) == ["b", "c", "a"]  # last written last, as before
    assert names(cluster.store.list("Pod", "default", _selector({"app": "web"}))) == ["a", "b", "c"]


def test_a_relabel_moves_the_label_index_entries(cluster: Cluster):
    p = pod(cluster, "p", {"app": "web"})
    relabelled = evolve(p)
    relabelled.metadata.labels = {"app": "api"}
    cluster.store.update(relabelled)
    assert cluster.store.list("Pod", "default", _selector({"app": "web"})) == []
    assert names(cluster.store.list("Pod", "default", _selector({"app": "api"}))) == ["p"]


def test_admission_shares_its_token_volume_but_names_it_per_pod(cluster: Cluster):
    first, second = pod(cluster, "one", {}), pod(cluster, "two", {})
    template, mount_template = admission._token_volume()
    assert template.name == admission.TOKEN_VOLUME_PREFIX and mount_template.name == admission.TOKEN_VOLUME_PREFIX
    for p in (first, second):
        volume = next(v for v in p.spec.volumes if v.name.startswith(admission.TOKEN_VOLUME_PREFIX))
        assert volume.name != admission.TOKEN_VOLUME_PREFIX
        assert [m.name for m in p.spec.containers[0].volume_mounts] == [volume.name]
        assert volume.projected is template.projected  # one projected source for every pod
        assert [t.key for t in p.spec.tolerations] == ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]
    assert first.spec.volumes[0].name != second.spec.volumes[0].name


@pytest.mark.parametrize("field", ["uid", "creation_timestamp", "generation"])
def test_a_status_write_keeps_the_stored_system_metadata(cluster: Cluster, field):
    p = pod(cluster, "p", {"app": "web"})
    new = evolve(p)
    setattr(new.metadata, field, "forged" if field != "generation" else 99)
    new.metadata.labels = {"app": "forged"}
    new.status.pod_ip = "10.244.1.9"
    stored = cluster.store.update(new, subresource="status")
    assert getattr(stored.metadata, field) == getattr(p.metadata, field)
    assert stored.metadata.labels == {"app": "web"} and stored.status.pod_ip == "10.244.1.9"


def _selector(labels: dict):
    from kubenb.api import labels as labelsel

    return labelsel.selector_from_set(labels)


def test_deleting_the_last_object_of_a_bucket_drops_the_bucket(cluster: Cluster):
    """Index buckets per owner uid, label value and involved uid go with their last object:
    a churning cluster creates a fresh uid per pod, and empty buckets would pile up for good."""
    owner = service(cluster, "owner", {"app": "x"})
    indexes = cluster.store.indexes
    before = (len(indexes._owners), len(indexes._labels["Pod"]))
    made = pod(cluster, "p", {"unique": "label-value"}, owner=owner)
    assert owner.metadata.uid in indexes._owners and ("unique", "label-value") in indexes._labels["Pod"]
    cluster.store.delete("Pod", "default", made.metadata.name, grace_period_seconds=0)
    assert owner.metadata.uid not in indexes._owners
    assert ("unique", "label-value") not in indexes._labels["Pod"]
    assert (len(indexes._owners), len(indexes._labels["Pod"])) == before


def _event(name: str, namespace: str = "default"):
    from kubenb.api.construct import construct
    from kubenb.api.core import Event, ObjectReference
    from kubenb.api.meta import ObjectMeta

    return construct(Event, metadata=construct(ObjectMeta, name=name, namespace=namespace),
                     involved_object=construct(ObjectReference, kind="Pod", namespace=namespace, name="p", uid="u"),
                     reason="Started", message="Started container c", count=1, type="Normal")


def test_an_owned_create_stores_the_callers_object_admitted_as_any_other(cluster: Cluster):
    event = _event("p.17")
    stored = cluster.store.create(event, owned=True)
    assert stored is event and cluster.store.get("Event", "default", "p.17") is event  # no defensive copy
    copied = cluster.store.create(_event("p.18"))
    assert copied.metadata.uid and copied.metadata.uid != stored.metadata.uid
    assert stored.metadata.creation_timestamp == copied.metadata.creation_timestamp
    assert int(copied.metadata.resource_version) == int(stored.metadata.resource_version) + 1
    assert stored.metadata.model_fields_set == copied.metadata.model_fields_set
    assert stored.to_dict().keys() == copied.to_dict().keys()


def test_a_rejected_owned_create_changes_nothing(cluster: Cluster):
    from kubenb.store.errors import StatusError

    rv, events = cluster.store.resource_version, cluster.store.count("Event")
    for bad in (_event("Not_A_Name"), _event("p.1", namespace="nowhere")):
        with pytest.raises(StatusError) as err:
            cluster.store.create(bad, owned=True)
        assert err.value.reason in ("Invalid", "NotFound")
    assert (cluster.store.resource_version, cluster.store.count("Event")) == (rv, events)


def test_an_owned_update_leaves_the_stored_object_and_its_metadata_untouched(cluster: Cluster):
    first = cluster.store.create(_event("p.19"), owned=True)
    rv, meta = first.metadata.resource_version, first.metadata
    second = cluster.store.update(first.model_copy(update={"count": 2}), owned=True)
    assert (first.count, first.metadata.resource_version, first.metadata is meta) == (1, rv, True)
    assert second.count == 2 and int(second.metadata.resource_version) > int(rv)
    assert second.metadata is not meta and second.involved_object is first.involved_object
    assert cluster.store.update(second.model_copy(), owned=True) is second  # nothing changed: nothing written
