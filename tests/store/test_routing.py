"""Watch routing: a handler that declared an interest sees exactly the writes that meet it, in the
order of subscription relative to every other handler a write concerns."""

from __future__ import annotations

import pytest

from kubenb import Cluster
from kubenb.api.base import evolve
from kubenb.api.codec import decode
from kubenb.store.routing import facts

CM = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg", "namespace": "default"}, "data": {"a": "1"}}


def pod(cluster: Cluster, name: str, owner: str | None = None, claim: str | None = None):
    meta: dict = {"name": name, "namespace": "default"}
    if owner is not None:
        meta["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": owner, "name": "o", "uid": "u-1",
                                    "controller": True}]
    spec: dict = {"containers": [{"name": "c", "image": "nginx"}], "schedulerName": "none"}
    if claim is not None:
        spec["volumes"] = [{"name": "v", "persistentVolumeClaim": {"claimName": claim}}]
    return decode(cluster.registry, {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec})


def test_a_pod_write_has_the_tags_of_both_versions():
    cluster = Cluster()
    a = pod(cluster, "a", owner="ReplicaSet", claim="data")
    b = evolve(pod(cluster, "a"))
    assert facts("ADDED", a, None) == ["ADDED", "owner:ReplicaSet", "pvc"]
    # the claim and the controller the old version had still concern their watchers
    assert facts("MODIFIED", b, a) == ["MODIFIED", "orphan", "owner:ReplicaSet", "pvc"]
    bound = evolve(b, deep=("spec", "status"))
    bound.spec.node_name, bound.status.pod_ip = "n1", "10.244.0.5"
    bound.metadata.finalizers = ["x/y"]
    assert facts("DELETED", bound, None) == ["DELETED", "orphan", "finalizers", "pod-ip", "bound"]


def test_handlers_see_only_the_writes_they_declared_and_keep_their_order(cluster: Cluster):
    seen: list[tuple[str, str, str]] = []

    def handler(name: str):
        return lambda ev: seen.append((name, ev.type, ev.object.metadata.name))

    store = cluster.store
    store.watch(handler("all"), "Pod")
    store.watch(handler("rs"), "Pod", when=[["owner:ReplicaSet"]])
    store.watch(handler("claims-or-orphans"), "Pod", when=[["pvc", "orphan"]])
    store.watch(handler("deleted-rs"), "Pod", when=[["DELETED"], ["owner:ReplicaSet"]])
    store.watch(handler("any-kind-deleted"), when=[["DELETED"]])
    store.create(pod(cluster, "web", owner="ReplicaSet"))
    store.create(pod(cluster, "db", owner="StatefulSet", claim="data"))
    store.create(pod(cluster, "lone"))
    store.delete("Pod", "default", "web", grace_period_seconds=0)
    assert seen == [
        ("all", "ADDED", "web"), ("rs", "ADDED", "web"),
        ("all", "ADDED", "db"), ("claims-or-orphans", "ADDED", "db"),
        ("all", "ADDED", "lone"), ("claims-or-orphans", "ADDED", "lone"),
        ("all", "DELETED", "web"), ("rs", "DELETED", "web"), ("deleted-rs", "DELETED", "web"),
        ("any-kind-deleted", "DELETED", "web"),
    ]


def set_config(store, value: str) -> None:
    """Write the ConfigMap `cfg` with a new value (a MODIFIED write)."""
    cm = evolve(store.get("ConfigMap", "default", "cfg"))
    cm.data = {"a": value}
    store.update(cm)


def test_subscribing_and_unsubscribing_reroute_the_next_write(cluster: Cluster):
    store, seen = cluster.store, []
    store.create(decode(cluster.registry, CM))

    first = store.watch(lambda ev: seen.append("first"), "ConfigMap", when=[["MODIFIED"]])
    store.watch(lambda ev: seen.append("second"), "ConfigMap")
    set_config(store, "2")
    first()
    late = store.watch(lambda ev: seen.append("late"), "ConfigMap", when=[["MODIFIED"]])
    set_config(store, "3")
    late()
    set_config(store, "4")
    assert seen == ["first", "second", "second", "late", "second"]
    with pytest.raises(ValueError):
        late()


def test_swapped_watchers_keep_their_interest_and_are_put_back(cluster: Cluster):
    store, seen = cluster.store, []
    store.create(decode(cluster.registry, CM))

    def mine(ev) -> None:
        seen.append(("modified", ev.object.data["a"]))

    def timed(h, kind):
        return (lambda ev: (seen.append("timed"), h(ev))) if h is mine else h

    store.watch(mine, "ConfigMap", when=[["MODIFIED"]])
    restore = store.swap_watchers(timed)
    set_config(store, "2")
    store.delete("ConfigMap", "default", "cfg")  # a DELETED write: the wrapper keeps the interest
    restore()
    store.create(decode(cluster.registry, CM))
    set_config(store, "3")
    detached = store.swap_watchers(lambda h, kind: None)
    set_config(store, "4")
    detached()
    set_config(store, "5")
    assert seen == ["timed", ("modified", "2"), ("modified", "3"), ("modified", "5")]
