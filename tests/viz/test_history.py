"""The recorder: what it keeps, that it stays bounded, and that it can rebuild a past endpoint set."""

from __future__ import annotations

import pytest
from viz_helpers import new_cluster

from kubenb.api.codec import decode
from kubenb.history import Limits, Recorder, pod_state, recorder_for

DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web}}
spec:
  replicas: {n}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec: {{containers: [{{name: c, image: nginx:alpine}}]}}
"""
SERVICE = """\
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
"""


def test_rollout_history_per_owner(rolled):
    c, witness, changed = rolled
    rec = recorder_for(c)
    d = rec.owner("Deployment", "default", "nginx-deploy")
    rss = rec.children(d.uid, "ReplicaSet")
    assert [rs.name for rs in rss] == sorted(witness.writes, key=lambda n: witness.writes[n][0][0])
    assert [(s.replicas, s.max_surge, s.max_unavailable, s.min_ready_seconds) for s in d.strategies] == [
        (4, "25%", "25%", 0), (4, "25%", "25%", 16)]
    new = rss[-1]
    assert [(r.revision, r.change_cause, r.images) for r in new.revisions] == [
        (2, "image updated to 1.22", ("nginx:1.22-alpine",))]
    events = rec.scaling_events(d.uid)
    assert [e.message for e in events][:2] == [f"Scaled up replica set {rss[0].name} to 4",
                                               f"Scaled up replica set {new.name} to 1"]
    assert all(e.time >= changed for e in events[1:])


def test_pod_states_follow_the_kubelet(rolled):
    c, _, _ = rolled
    rec = recorder_for(c)
    tracks = rec.pod_tracks("default")
    assert len(tracks) == 8  # 4 old pods (deleted) and 4 new ones
    alive = [t for t in tracks if t.deleted is None]
    assert len(alive) == 4
    for t in alive:
        states = [s for _, s, _ in t.segments]
        assert states[0] == "Pending" and states[-1] == "Ready"
        assert "ContainerCreating" in states
        assert t.segments[-1][2] == (("nginx", "Running:Ready"),)
        pod = c.get("pod", t.name)
        assert pod_state(pod)[0] == "Ready"
    gone = [t for t in tracks if t.deleted is not None]
    assert all(t.state == "Terminating" for t in gone)
    assert all(t.segments[-1][2] == (("nginx", "Terminated:Completed"),) for t in gone)


def test_recorder_is_bounded():
    c = new_cluster()
    system = c.store.count("Pod")
    rec = Recorder(c, Limits(max_pods=system + 4, segments_per_pod=2, samples_per_owner=4))
    c.apply(DEPLOY.format(n=4))
    c.sleep("30s")
    c.kubectl("scale deploy web --replicas=1")
    c.sleep("30s")
    assert len(rec.pods) == system + 4  # the three deleted pods are still remembered
    c.kubectl("scale deploy web --replicas=3")
    c.sleep("30s")
    assert len(rec.pods) == system + 4  # two new pods pushed out the two oldest deleted ones
    live = {p.metadata.uid for p in c.store.list("Pod")}
    assert live <= set(rec.pods)
    assert sum(1 for t in rec.pods.values() if t.deleted is not None) == 1
    assert all(len(t.segments) <= 2 for t in rec.pods.values())
    assert any(t.dropped for t in rec.pods.values())
    rs = [h for h in rec.owners.values() if h.kind == "ReplicaSet" and h.name.startswith("web-")][0]
    assert len(rs.samples) == 4 and rs.truncated
    rec.detach()


def test_endpoints_history_rebuilds_the_past():
    c = new_cluster()
    rec = recorder_for(c)
    c.apply(DEPLOY.format(n=3))
    c.apply(SERVICE)
    c.sleep("30s")
    before = c.clock.now
    three = {i.ip for i in rec.services[("default", "web")].current.values() if i.state == "ready"}
    assert len(three) == 3
    c.kubectl("scale deploy web --replicas=1")
    c.sleep("30s")
    now = rec.endpoints_at("default", "web", c.clock.now)
    assert len(now) == 1
    past = rec.endpoints_at("default", "web", before)
    assert {ip for ip, i in past.items() if i.state == "ready"} == three
    assert all(i.pod and i.pod.startswith("web-") for i in past.values())
    changes = rec.endpoint_changes("default", "web")
    assert changes[-1].ready == 1 and changes[0].ready <= 3


def test_volume_bindings_are_recorded():
    c = new_cluster()
    rec = recorder_for(c)
    pv = decode(c.registry, {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pv1"},
                             "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
                                      "hostPath": {"path": "/mnt/data"}},
                             "status": {"phase": "Available"}})
    c.store.create(pv, keep_status=True)
    assert rec.bindings[-1][1:] == ("PersistentVolume", "", "pv1", "Available", None, None)


def test_a_late_recorder_starts_from_creation_times():
    c = new_cluster("kubeadm")
    c.apply(DEPLOY.format(n=2))
    c.sleep("20s")
    late = Recorder(c)
    d = late.owner("Deployment", "default", "web")
    assert d is not None and d.samples[-1].spec == 2
    assert len(late.pod_tracks("default")) == 2
    late.detach()


@pytest.mark.parametrize("message,expected", [
    pytest.param("Scaled up replica set web-1 to 3", ("up", "web-1", 3, None), id="v1.23"),
    pytest.param("Scaled down replica set web-1 to 1 from 3", ("down", "web-1", 1, 3), id="v1.28-resize"),
    pytest.param("Scaled up replica set web-1 from 0 to 2", ("up", "web-1", 2, 0), id="v1.28-create"),
])
def test_scaling_messages_of_every_version(message, expected):
    from kubenb.history import _SCALED

    m = _SCALED.match(message)
    before = m.group(3) or m.group(5)
    assert (m.group(1), m.group(2), int(m.group(4)), int(before) if before else None) == expected


def test_pod_churn_keeps_every_structure_bounded():
    """Thousands of pods created and deleted: the tracked set and the eviction queues stay small."""
    c = new_cluster()
    rec = Recorder(c, Limits(max_pods=50))
    template = decode(c.registry, {"apiVersion": "v1", "kind": "Pod",
                                   "metadata": {"name": "p", "namespace": "default", "uid": "u"},
                                   "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    from kubenb.store import WatchEvent

    for i in range(5000):
        meta = template.metadata.model_copy(update={"name": f"p{i}", "uid": f"uid-{i}"})
        pod = template.model_copy(update={"metadata": meta})
        rec._on_pod(WatchEvent("ADDED", pod, None, i, float(i)))
        if i % 3:
            rec._on_pod(WatchEvent("DELETED", pod, pod, i, i + 0.5))
    assert len(rec.pods) == 50
    assert len(rec._pod_order) <= 2 * 50 + 1024 + 1 and len(rec._deleted_pods) <= 2 * 50 + 1024 + 1
    assert sum(1 for t in rec.pods.values() if t.deleted is None) >= 49  # live pods outlast deleted ones
    rec.detach()


def test_a_deleted_pods_track_keeps_its_owner_but_not_the_pods_references(rolled):
    """A deleted pod's track outlives the pod (up to `max_pods`): it keeps what pictures read (owner,
    labels, states) and lets the pod's ownerReferences go with the pod."""
    c, _, _ = rolled
    rec = recorder_for(c)
    pod = next(p for p in c.store.list("Pod", "default") if p.metadata.owner_references)
    track = rec.pods[pod.metadata.uid]
    assert track._refs is pod.metadata.owner_references
    c.kubectl(f"delete pod {pod.metadata.name} --grace-period=0 --force")
    c.settle()
    assert track.deleted is not None and track.owner == ("ReplicaSet", pod.metadata.owner_references[0].name)
    assert track._refs is None and track.labels == pod.metadata.labels


def test_deleted_pods_are_capped_on_their_own():
    """Churn deletes pods without end: their tracks are forgotten past `max_deleted_pods`, oldest
    deletion first, while every live pod keeps its track (the pod cap is far away)."""
    c = new_cluster()
    rec = Recorder(c, Limits(max_deleted_pods=3))
    template = decode(c.registry, {"apiVersion": "v1", "kind": "Pod",
                                   "metadata": {"name": "p", "namespace": "default", "uid": "u"},
                                   "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    from kubenb.store import WatchEvent

    before = len(rec.pods)
    for i in range(10):
        meta = template.metadata.model_copy(update={"name": f"p{i}", "uid": f"uid-{i}"})
        pod = template.model_copy(update={"metadata": meta})
        rec._on_pod(WatchEvent("ADDED", pod, None, i, float(i)))
        if i < 8:
            rec._on_pod(WatchEvent("DELETED", pod, pod, i, i + 0.5))
    deleted = sorted(t.name for t in rec.pods.values() if t.deleted is not None)
    assert deleted == ["p5", "p6", "p7"]
    assert len(rec.pods) == before + 5 and rec._deleted_tracked == 3
    rec.detach()


def test_a_track_is_small_and_shares_its_owner(rolled):
    """Every pod has a track: its segments are one tuple of shared parts, and the pods of one
    ReplicaSet share one owner pair."""
    c, _, _ = rolled
    rec = recorder_for(c)
    tracks = [t for t in rec.pod_tracks("default") if t.owner is not None]
    by_owner: dict = {}
    for t in tracks:
        by_owner.setdefault(t.owner, []).append(t)
        assert t.times == tuple(s[0] for s in t.segments) and t.states == tuple(s[1:] for s in t.segments)
        assert t.started == t.times[0] and t.state == t.segments[-1][1]
    for siblings in by_owner.values():
        assert all(t.owner is siblings[0].owner for t in siblings)
    assert any(len(siblings) > 1 for siblings in by_owner.values())
