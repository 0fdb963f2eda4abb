"""The StatefulSet controller on the course's manifests (seed section 8) and on the behaviours of
`stateful_set_control.go`: ordered start, claims, scale-down order, partitioned rolling updates,
OnDelete, revisions and the claim retention policy."""

from __future__ import annotations

import pytest
from storage.storage_manifests import REDIS_PV_STS  # the course's §8 StatefulSet, one copy
from workload_helpers import EventLog, finish_pod, pods

from kubenb.controllers import history
from kubenb.sim.clock import parse_rfc3339

REDIS_STS = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: redis-sts

spec:
  serviceName: redis-svc
  replicas: 2
  selector:
    matchLabels:
      app: redis-sts
  template:
    metadata:
      labels:
        app: redis-sts
    spec:
      containers:
      - name: redis
        image: redis:5-alpine
        ports:
        - containerPort: 6379
"""

def web(replicas=3, image="nginx:1.25", extra="", strategy=""):
    return f"""\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: {replicas}
{extra}{strategy}  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: {image}
"""


def created(pod):
    return parse_rfc3339(pod.metadata.creation_timestamp)


def ready_since(pod):
    return next(parse_rfc3339(c.last_transition_time) for c in pod.status.conditions if c.type == "Ready")


def names(cluster, selector):
    return [p.metadata.name for p in pods(cluster, selector)]


# ---------------------------------------------------------------- identity and ordered start


def test_course_redis_sts_starts_in_order(wl_course):
    log = EventLog(wl_course)
    assert wl_course.apply(REDIS_STS) == "statefulset.apps/redis-sts created\n"
    wl_course.sleep("60s")
    p0, p1 = pods(wl_course, "app=redis-sts")
    assert (p0.metadata.name, p1.metadata.name) == ("redis-sts-0", "redis-sts-1")
    # redis-sts-1 is only created once redis-sts-0 is Running and Ready
    assert created(p0) < created(p1)
    assert ready_since(p0) <= created(p1)
    assert log.messages("StatefulSet", "redis-sts") == [
        "create Pod redis-sts-0 in StatefulSet redis-sts successful",
        "create Pod redis-sts-1 in StatefulSet redis-sts successful",
    ]
    assert [r for _, r, _ in log.of("StatefulSet", "redis-sts")] == ["SuccessfulCreate", "SuccessfulCreate"]
    out = wl_course.kubectl("get sts -o wide").stdout
    assert out.splitlines()[1].split()[:2] == ["redis-sts", "2/2"]


def test_course_pod_identity(wl_course):
    wl_course.apply(REDIS_STS)
    wl_course.sleep("30s")
    sts = wl_course.get("StatefulSet", "redis-sts")
    pod = wl_course.get("Pod", "redis-sts-0")
    revision = sts.status.current_revision
    assert revision.startswith("redis-sts-") and revision == sts.status.update_revision
    # v1.23: no apps.kubernetes.io/pod-index label yet
    assert pod.metadata.labels == {"app": "redis-sts", "controller-revision-hash": revision,
                                   "statefulset.kubernetes.io/pod-name": "redis-sts-0"}
    assert pod.metadata.generate_name == "redis-sts-"
    assert (pod.spec.hostname, pod.spec.subdomain) == ("redis-sts-0", "redis-svc")
    ref = pod.metadata.controller_ref()
    assert (ref.kind, ref.name, ref.uid) == ("StatefulSet", "redis-sts", sts.metadata.uid)
    status = sts.to_dict()["status"]
    assert status == {"observedGeneration": 1, "replicas": 2, "readyReplicas": 2, "currentReplicas": 2,
                      "updatedReplicas": 2, "currentRevision": revision, "updateRevision": revision,
                      "collisionCount": 0, "availableReplicas": 2}
    cr = wl_course.get("ControllerRevision", revision)
    assert cr.revision == 1
    assert cr.metadata.labels == {"app": "redis-sts", "controller.kubernetes.io/hash": revision[len("redis-sts-"):]}


def test_kubeadm_pod_index_label_and_defaults(wl_kubeadm):
    wl_kubeadm.apply(REDIS_STS)
    wl_kubeadm.sleep("30s")
    pod = wl_kubeadm.get("Pod", "redis-sts-1")
    assert pod.metadata.labels["apps.kubernetes.io/pod-index"] == "1"
    spec = wl_kubeadm.get("StatefulSet", "redis-sts").to_dict()["spec"]
    assert spec["podManagementPolicy"] == "OrderedReady"
    assert spec["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}
    assert spec["persistentVolumeClaimRetentionPolicy"] == {"whenDeleted": "Retain", "whenScaled": "Retain"}
    assert spec["revisionHistoryLimit"] == 10
    # a template gets PodSpec defaults but not the Pod-only ones
    assert "enableServiceLinks" not in spec["template"]["spec"]
    assert spec["template"]["spec"]["containers"][0]["imagePullPolicy"] == "IfNotPresent"


def test_course_defaults_have_no_retention_policy(wl_course):
    wl_course.apply(REDIS_STS)
    assert "persistentVolumeClaimRetentionPolicy" not in wl_course.get("StatefulSet", "redis-sts").to_dict()["spec"]


# ---------------------------------------------------------------- claims


def volumes(cluster, n: int, cls: str = "nfs-client", mode: str = "ReadWriteMany", size: str = "100Mi") -> None:
    """Static volumes the set's claims bind to (pods whose claims stay unbound would not be scheduled)."""
    for i in range(n):
        cluster.apply(f"""apiVersion: v1
kind: PersistentVolume
metadata:
  name: vol-{i}
spec:
  storageClassName: "{cls}"
  accessModes: [{mode}]
  capacity:
    storage: {size}
  hostPath:
    path: /tmp/vol-{i}
""")


def test_course_volume_claim_templates(wl_course):
    volumes(wl_course, 2)
    log = EventLog(wl_course)
    wl_course.apply(REDIS_PV_STS)
    wl_course.sleep("30s")
    claims = wl_course.store.list("PersistentVolumeClaim", "default")
    assert [c.metadata.name for c in claims] == ["redis-100m-pvc-redis-pv-sts-0", "redis-100m-pvc-redis-pv-sts-1"]
    claim = claims[0]
    assert claim.metadata.labels == {"app": "redis-pv-sts"}
    assert claim.spec.storage_class_name == "nfs-client"
    assert claim.spec.access_modes == ["ReadWriteMany"]
    assert claim.metadata.owner_references is None  # Retain: nobody owns the claim
    pod = wl_course.get("Pod", "redis-pv-sts-0")
    volume = pod.spec.volumes[0]
    assert (volume.name, volume.persistent_volume_claim.claim_name) == ("redis-100m-pvc", "redis-100m-pvc-redis-pv-sts-0")
    assert volume.persistent_volume_claim.read_only is False
    # the claim is created before its pod, and says so first
    assert created(claim) <= created(pod)
    assert log.messages("StatefulSet", "redis-pv-sts") == [
        "create Claim redis-100m-pvc-redis-pv-sts-0 Pod redis-pv-sts-0 in StatefulSet redis-pv-sts success",
        "create Pod redis-pv-sts-0 in StatefulSet redis-pv-sts successful",
        "create Claim redis-100m-pvc-redis-pv-sts-1 Pod redis-pv-sts-1 in StatefulSet redis-pv-sts success",
        "create Pod redis-pv-sts-1 in StatefulSet redis-pv-sts successful",
    ]


def test_course_revision_hash_is_the_real_one(wl_course):
    """The seed's `describe po redis-pv-sts-0` shows `controller-revision-hash=redis-pv-sts-97766b5f9`."""
    wl_course.apply(REDIS_PV_STS)
    wl_course.sleep("10s")
    assert wl_course.get("Pod", "redis-pv-sts-0").metadata.labels["controller-revision-hash"] == "redis-pv-sts-97766b5f9"
    assert wl_course.get("ControllerRevision", "redis-pv-sts-97766b5f9").data["spec"]["template"]["$patch"] == "replace"
    template = wl_course.get("StatefulSet", "redis-pv-sts").to_dict()["spec"]["volumeClaimTemplates"][0]
    assert template["apiVersion"] == "v1" and template["kind"] == "PersistentVolumeClaim"
    assert template["spec"]["volumeMode"] == "Filesystem" and template["status"] == {"phase": "Pending"}


def test_deleted_pod_comes_back_with_its_claim(wl_course):
    volumes(wl_course, 2)
    wl_course.apply(REDIS_PV_STS)
    wl_course.sleep("30s")
    old = wl_course.get("Pod", "redis-pv-sts-0")
    assert wl_course.kubectl("delete po redis-pv-sts-0").stdout == 'pod "redis-pv-sts-0" deleted\n'
    wl_course.sleep("10s")
    new = wl_course.get("Pod", "redis-pv-sts-0")
    assert new.metadata.uid != old.metadata.uid
    assert new.status.phase == "Running"
    assert new.spec.volumes[0].persistent_volume_claim.claim_name == "redis-100m-pvc-redis-pv-sts-0"
    assert len(wl_course.store.list("PersistentVolumeClaim", "default")) == 2


# ---------------------------------------------------------------- scaling


def test_scale_down_in_reverse_order_one_at_a_time(wl_kubeadm):
    wl_kubeadm.apply(web(replicas=4))
    wl_kubeadm.sleep("60s")
    gone = []
    wl_kubeadm.store.watch(lambda ev: gone.append((ev.time, ev.object.metadata.name)) if ev.type == "DELETED" else None,
                        "Pod")
    deleting = []
    wl_kubeadm.store.watch(lambda ev: deleting.append((ev.time, ev.object.metadata.name))
                        if ev.type == "MODIFIED" and ev.object.metadata.deletion_timestamp
                        and not ev.old_object.metadata.deletion_timestamp else None, "Pod")
    wl_kubeadm.apply(web(replicas=1))
    wl_kubeadm.sleep("60s")
    assert names(wl_kubeadm, "app=web") == ["web-0"]
    assert [n for _, n in deleting] == ["web-3", "web-2", "web-1"]
    assert [n for _, n in gone] == ["web-3", "web-2", "web-1"]
    # each deletion waits until the previous pod is gone
    for (t_next, _), (t_gone, _) in zip(deleting[1:], gone, strict=False):
        assert t_next >= t_gone
    assert wl_kubeadm.get("StatefulSet", "web").status.replicas == 1


def test_parallel_creates_all_at_once(wl_kubeadm):
    wl_kubeadm.apply(web(replicas=3, extra="  podManagementPolicy: Parallel\n"))
    wl_kubeadm.settle()
    ps = pods(wl_kubeadm, "app=web")
    assert [p.metadata.name for p in ps] == ["web-0", "web-1", "web-2"]
    assert len({p.metadata.creation_timestamp for p in ps}) == 1


def test_ordered_ready_waits_for_a_pod_that_is_not_ready(wl_kubeadm):
    wl_kubeadm.apply(web(replicas=3))
    wl_kubeadm.settle()
    assert names(wl_kubeadm, "app=web") == ["web-0"]
    wl_kubeadm.sleep("60s")
    assert names(wl_kubeadm, "app=web") == ["web-0", "web-1", "web-2"]


def test_min_ready_seconds_delays_the_next_pod(wl_kubeadm):
    wl_kubeadm.apply(web(replicas=2, extra="  minReadySeconds: 20\n"))
    wl_kubeadm.sleep("90s")
    p0, p1 = pods(wl_kubeadm, "app=web")
    assert created(p1) >= ready_since(p0) + 20
    sts = wl_kubeadm.get("StatefulSet", "web")
    assert (sts.status.ready_replicas, sts.status.available_replicas) == (2, 2)


def test_failed_pod_is_replaced(wl_kubeadm):
    wl_kubeadm.apply(web(replicas=2))
    wl_kubeadm.sleep("30s")
    old = wl_kubeadm.get("Pod", "web-1")
    finish_pod(wl_kubeadm, old, exit_code=1)
    wl_kubeadm.sleep("30s")
    new = wl_kubeadm.get("Pod", "web-1")
    assert new.metadata.uid != old.metadata.uid and new.status.phase == "Running"


# ---------------------------------------------------------------- updates


def test_partitioned_rolling_update(wl_kubeadm):
    log = EventLog(wl_kubeadm)
    wl_kubeadm.apply(web(replicas=3, strategy="  updateStrategy:\n    rollingUpdate:\n      partition: 1\n"))
    wl_kubeadm.sleep("60s")
    v1 = wl_kubeadm.get("StatefulSet", "web").status.current_revision
    wl_kubeadm.apply(web(replicas=3, image="nginx:1.26",
                      strategy="  updateStrategy:\n    rollingUpdate:\n      partition: 1\n"))
    wl_kubeadm.sleep("120s")
    sts = wl_kubeadm.get("StatefulSet", "web")
    v2 = sts.status.update_revision
    assert v2 != v1 and sts.status.current_revision == v1
    revisions = {p.metadata.name: p.metadata.labels["controller-revision-hash"] for p in pods(wl_kubeadm, "app=web")}
    assert revisions == {"web-0": v1, "web-1": v2, "web-2": v2}
    assert (sts.status.current_replicas, sts.status.updated_replicas) == (1, 2)
    deletes = [m for m in log.messages("StatefulSet", "web") if m.startswith("delete")]
    assert deletes == ["delete Pod web-2 in StatefulSet web successful", "delete Pod web-1 in StatefulSet web successful"]
    assert wl_kubeadm.get("Pod", "web-2").spec.containers[0].image == "nginx:1.26"
    assert wl_kubeadm.get("Pod", "web-0").spec.containers[0].image == "nginx:1.25"
    # lowering the partition finishes the rollout; the current revision follows
    wl_kubeadm.apply(web(replicas=3, image="nginx:1.26",
                      strategy="  updateStrategy:\n    rollingUpdate:\n      partition: 0\n"))
    wl_kubeadm.sleep("60s")
    sts = wl_kubeadm.get("StatefulSet", "web")
    assert sts.status.current_revision == sts.status.update_revision == v2
    assert (sts.status.current_replicas, sts.status.updated_replicas) == (3, 3)
    assert wl_kubeadm.get("ControllerRevision", v2).revision == 2


def test_rolling_update_goes_from_the_highest_ordinal(wl_kubeadm):
    wl_kubeadm.apply(web(replicas=3))
    wl_kubeadm.sleep("60s")
    before = {p.metadata.name: p.metadata.uid for p in pods(wl_kubeadm, "app=web")}
    order = []
    wl_kubeadm.store.watch(lambda ev: order.append(ev.object.metadata.name) if ev.type == "ADDED" else None, "Pod")
    # what `kubectl rollout restart sts web` does: stamp the template
    wl_kubeadm.apply(web(replicas=3).replace(
        "      labels:\n        app: web\n",
        "      labels:\n        app: web\n      annotations:\n"
        "        kubectl.kubernetes.io/restartedAt: \"2025-11-22T10:05:00Z\"\n"))
    wl_kubeadm.sleep("120s")
    assert order == ["web-2", "web-1", "web-0"]
    after = {p.metadata.name: p.metadata.uid for p in pods(wl_kubeadm, "app=web")}
    assert set(after) == set(before) and not set(after.values()) & set(before.values())


def test_on_delete_updates_only_deleted_pods(wl_kubeadm):
    wl_kubeadm.apply(web(replicas=2, strategy="  updateStrategy:\n    type: OnDelete\n"))
    wl_kubeadm.sleep("30s")
    wl_kubeadm.apply(web(replicas=2, image="nginx:1.26", strategy="  updateStrategy:\n    type: OnDelete\n"))
    wl_kubeadm.sleep("30s")
    assert [p.spec.containers[0].image for p in pods(wl_kubeadm, "app=web")] == ["nginx:1.25", "nginx:1.25"]
    wl_kubeadm.kubectl("delete pod web-1")
    wl_kubeadm.sleep("30s")
    assert [p.spec.containers[0].image for p in pods(wl_kubeadm, "app=web")] == ["nginx:1.25", "nginx:1.26"]
    sts = wl_kubeadm.get("StatefulSet", "web")
    assert (sts.status.current_replicas, sts.status.updated_replicas) == (1, 1)


def test_going_back_to_a_template_reuses_its_revision(wl_kubeadm):
    wl_kubeadm.apply(web(replicas=1))
    wl_kubeadm.sleep("20s")
    v1 = wl_kubeadm.get("StatefulSet", "web").status.update_revision
    wl_kubeadm.apply(web(replicas=1, image="nginx:1.26"))
    wl_kubeadm.sleep("20s")
    wl_kubeadm.apply(web(replicas=1))
    wl_kubeadm.sleep("20s")
    sts = wl_kubeadm.get("StatefulSet", "web")
    assert sts.status.update_revision == v1
    crs = {cr.metadata.name: cr.revision for cr in wl_kubeadm.store.list("ControllerRevision", "default")
           if cr.metadata.name.startswith("web-")}
    assert len(crs) == 2 and crs[v1] == 3


def test_revision_history_limit(wl_kubeadm):
    limit = "  revisionHistoryLimit: 1\n"
    for tag in ("1.21", "1.22", "1.23", "1.24"):
        wl_kubeadm.apply(web(replicas=1, image=f"nginx:{tag}", extra=limit))
        wl_kubeadm.sleep("20s")
    images = []
    for cr in wl_kubeadm.store.list("ControllerRevision", "default"):
        if cr.metadata.name.startswith("web-"):
            images.append(history.template_from_revision(cr).spec.containers[0].image)
    assert sorted(images) == ["nginx:1.23", "nginx:1.24"]  # the live one + 1 of history


# ---------------------------------------------------------------- claim retention policy


def claimed(replicas, policy):
    return web(replicas=replicas, extra=f"""\
  persistentVolumeClaimRetentionPolicy:
{policy}  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 1Gi
""")


def test_when_scaled_delete_removes_the_claims_of_removed_pods(wl_kubeadm):
    volumes(wl_kubeadm, 3, "", "ReadWriteOnce", "1Gi")
    wl_kubeadm.apply(claimed(3, "    whenScaled: Delete\n"))
    wl_kubeadm.sleep("60s")
    assert [c.metadata.name for c in wl_kubeadm.store.list("PersistentVolumeClaim", "default")] == \
        ["data-web-0", "data-web-1", "data-web-2"]
    wl_kubeadm.apply(claimed(1, "    whenScaled: Delete\n"))
    wl_kubeadm.sleep("60s")
    assert [c.metadata.name for c in wl_kubeadm.store.list("PersistentVolumeClaim", "default")] == ["data-web-0"]
    assert wl_kubeadm.get("PersistentVolumeClaim", "data-web-0").metadata.owner_references is None


def test_when_deleted_delete_makes_the_set_own_its_claims(wl_kubeadm):
    wl_kubeadm.apply(claimed(2, "    whenDeleted: Delete\n"))
    wl_kubeadm.sleep("30s")
    sts = wl_kubeadm.get("StatefulSet", "web")
    for claim in wl_kubeadm.store.list("PersistentVolumeClaim", "default"):
        (ref,) = claim.metadata.owner_references
        assert (ref.kind, ref.name, ref.uid, ref.controller) == ("StatefulSet", "web", sts.metadata.uid, True)
    wl_kubeadm.kubectl("delete sts web")
    wl_kubeadm.sleep("60s")
    assert wl_kubeadm.store.list("PersistentVolumeClaim", "default") == []
    assert pods(wl_kubeadm, "app=web") == []


def test_retain_keeps_claims_on_scale_down(wl_course):
    volumes(wl_course, 2)
    wl_course.apply(REDIS_PV_STS)
    wl_course.sleep("30s")
    wl_course.apply(REDIS_PV_STS.replace("replicas: 2", "replicas: 1"))
    wl_course.sleep("30s")
    assert names(wl_course, "app=redis-pv-sts") == ["redis-pv-sts-0"]
    assert len(wl_course.store.list("PersistentVolumeClaim", "default")) == 2


# ---------------------------------------------------------------- history helpers


def test_revision_hash_of_known_bytes():
    data = {"spec": {"template": {"$patch": "replace", "metadata": {"creationTimestamp": None,
                                                                     "labels": {"app": "redis-pv-sts"}},
                                  "spec": {"containers": [{
                                      "image": "redis:5-alpine", "imagePullPolicy": "IfNotPresent",
                                      "name": "redis", "ports": [{"containerPort": 6379, "protocol": "TCP"}],
                                      "resources": {}, "terminationMessagePath": "/dev/termination-log",
                                      "terminationMessagePolicy": "File",
                                      "volumeMounts": [{"mountPath": "/data", "name": "redis-100m-pvc"}]}],
                                      "dnsPolicy": "ClusterFirst", "restartPolicy": "Always",
                                      "schedulerName": "default-scheduler", "securityContext": {},
                                      "terminationGracePeriodSeconds": 30}}}}
    assert history.hash_revision(data, 0) == "97766b5f9"
    assert history.hash_revision(data, None) != history.hash_revision(data, 0)
    assert history.hash_revision(data, 1) != history.hash_revision(data, 0)


@pytest.mark.parametrize("value,expected", [
    ({"b": 1, "a": [1, 2.0]}, b'{"a":[1,2],"b":1}'),
    ({"cmd": "a<b && c>d"}, b'{"cmd":"a\\u003cb \\u0026\\u0026 c\\u003ed"}'),
    ({"k": "\u00e9\n"}, '{"k":"\u00e9\\n"}'.encode()),
])
def test_go_json(value, expected):
    assert history.go_json(value) == expected
