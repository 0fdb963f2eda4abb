"""Answers kept per pod shape (`kubenb.scheduler.shapes`) say what the plugins would answer now:
after pods bind and finish, nodes are cordoned, tainted, relabelled, deleted and added, the kept
Filter verdict and resource scores equal the vector forms computed afresh over every slot, and a
pod's request is its own even when other pods' parts are remembered."""

from __future__ import annotations

import numpy as np

from kubenb import Cluster
from kubenb.api.base import evolve
from kubenb.api.core import Taint
from kubenb.scheduler import plugins, shapes, walk
from kubenb.scheduler.plugins.node_resources_score import balanced_allocation, least_allocated
from kubenb.scheduler.resources import Request, pod_request

POD = ("apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec:\n  {extra}"
       "containers: [{{name: c, image: nginx, resources: {{requests: {{cpu: {cpu}, memory: 64Mi}}}}}}]\n")


def _kept_and_fresh(c: Cluster, pod) -> list[tuple[np.ndarray, np.ndarray]]:
    """(kept, computed afresh over every slot) for the pod's shaped Filters and both resource scores."""
    s = c.scheduler
    columns = s.cache.columns
    every = np.arange(columns.size)
    filters = [f for f in plugins.node_filters(pod)[0] if getattr(f, "shape", None) is not None]
    kept = [(walk._kept_verdict(pod, s.shapes, filters, s.minor),
             walk._any([f.vector(pod, columns, every) for f in filters]))]
    for scorer in (least_allocated, balanced_allocation):
        key, holds = scorer.shape(pod)
        fresh = scorer.vector(pod, columns, every)
        kept.append((s.shapes.array(key, holds, lambda slots, v=scorer.vector: v(pod, columns, slots),
                                    lambda info, sc=scorer: sc(pod, [info])[0]), fresh))
    return kept


def _assert_current(c: Cluster, pod) -> None:
    for kept, fresh in _kept_and_fresh(c, pod):
        assert kept is not None and kept.tolist() == fresh.tolist()


def test_kept_answers_follow_pods_and_nodes():
    c = Cluster("kubeadm", nodes=3, pace=0)
    c.settle()
    c.apply(POD.format(name="probe", cpu="250m", extra="nodeSelector: {kubernetes.io/os: linux}\n  "))
    probe = c.store.get("Pod", "default", "probe")
    _assert_current(c, probe)  # computed over every slot the first time
    changes = 0
    for i in range(12):  # bound one by one: a slot or two changed between looks (the scalar refresh)
        c.apply(POD.format(name=f"p{i}", cpu=f"{300 + 100 * i}m", extra=f"nodeName: worker-{1 + i % 2}\n  "))
        c.settle()
        _assert_current(c, probe)
        changes += 1
    node = c.store.get("Node", "", "worker-1")
    new = evolve(node, deep=("metadata", "spec"))
    new.spec.unschedulable = True
    new.spec.taints = [Taint(key="gpu", effect="NoSchedule")]
    new.metadata.labels = {**(node.metadata.labels or {}), "kubernetes.io/os": "windows"}
    c.store.update(new)
    _assert_current(c, probe)
    for i in range(12):  # finished pods free their room: many slots changed at once
        pod = c.store.get("Pod", "default", f"p{i}")
        done = evolve(pod, deep=("status",))
        done.status.phase = "Succeeded"
        c.store.update(done, subresource="status")
    _assert_current(c, probe)
    other = c.store.get("Node", "", "worker-2")
    c.store.delete("Node", "", "worker-2")
    _assert_current(c, probe)  # a deleted node's slot: refreshed by the vector forms
    c.store.create(evolve(other))
    _assert_current(c, probe)
    verdict = _kept_and_fresh(c, probe)[0][0]
    assert verdict[c.scheduler.cache.get("worker-1").slot]  # cordoned, tainted, relabelled
    assert changes == 12


def test_a_long_change_log_starts_a_new_epoch(monkeypatch):
    monkeypatch.setattr("kubenb.scheduler.columns.CHANGES_KEPT", 4)
    c = Cluster("kubeadm", nodes=2, pace=0)
    c.settle()
    c.apply(POD.format(name="probe", cpu="100m", extra=""))
    probe = c.store.get("Pod", "default", "probe")
    columns = c.scheduler.cache.columns
    _assert_current(c, probe)
    epoch = columns.epoch
    for i in range(20):
        c.apply(POD.format(name=f"p{i}", cpu="10m", extra="nodeName: worker-1\n  "))
    c.settle()
    assert columns.epoch > epoch and len(columns.changed) <= 4 * columns.size
    _assert_current(c, probe)


def test_the_kept_shapes_are_bounded(monkeypatch):
    monkeypatch.setattr(shapes, "LIMIT", 3)
    c = Cluster("kubeadm", nodes=2, pace=0)
    c.settle()
    kept = c.scheduler.shapes
    for cpu in range(10):
        kept.array(("test", cpu), None, lambda slots, cpu=cpu: np.full(len(slots), cpu), lambda info: 0)
    assert len(kept._entries) == 3
    assert kept.array(("test", 9), None, lambda slots: None, lambda info: 0).tolist() == [9] * c.scheduler.cache.columns.size


def test_pod_requests_are_remembered_by_their_parts():
    c = Cluster("kubeadm", nodes=1, pace=0)
    c.apply(POD.format(name="a", cpu="100m", extra=""))
    c.apply(POD.format(name="b", cpu="100m", extra=""))
    c.apply(POD.format(name="d", cpu="300m", extra=""))
    a, b, d = (c.store.get("Pod", "default", n) for n in "abd")
    assert a.spec.containers is not b.spec.containers  # per-pod token mounts
    assert a.spec.containers[0].resources is b.spec.containers[0].resources  # shared by the store
    assert pod_request(a.spec) == pod_request(b.spec) == Request(100, 64 * 1024 * 1024, 1)
    assert pod_request(d.spec) == Request(300, 64 * 1024 * 1024, 1)
    assert pod_request(a.spec, nonzero=True) == Request(100, 64 * 1024 * 1024, 1)
    init = evolve(a, deep=("spec",))
    init.spec.init_containers = [evolve(d.spec.containers[0])]
    assert pod_request(init.spec) == Request(300, 64 * 1024 * 1024, 1)  # the larger init container


def test_kept_topology_domains_follow_label_writes():
    c = Cluster("kubeadm", nodes=3, pace=0)
    c.settle()
    columns = c.scheduler.cache.columns
    key = "topology.kubernetes.io/zone"

    def current() -> None:
        kept, fresh = columns.domains(key), columns._domains_now(key)
        assert [a.tolist() for a in kept] == [a.tolist() for a in fresh]

    current()
    first = columns.domains(key)
    assert columns.domains(key) is first  # kept while no label is written
    for name, zone in (("worker-1", "a"), ("worker-2", ""), ("control-plane", "b")):
        node = c.store.get("Node", "", name)
        new = evolve(node, deep=("metadata",))
        new.metadata.labels = {**(node.metadata.labels or {}), key: zone}
        c.store.update(new)
        current()
    slot = c.scheduler.cache.get("worker-1").slot
    assert columns.domains(key)[0][slot]
    c.store.delete("Node", "", "worker-1")
    current()
    assert not columns.domains(key)[0][slot]
