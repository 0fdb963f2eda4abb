"""The seed notes' Deployment (§1) and Rollout (§9) sections, replayed on `Cluster("course")` (v1.23).

Each test drives a whole cluster (scheduler, kubelet, ReplicaSet controller) and compares what
the Deployment controller did with the real transcripts: the ScalingReplicaSet events (v1.23
wording, no "from N"), the order of `status.conditions` (which `describe` prints as is), the
revision annotations and the ReplicaSets left behind.

`kubectl scale` is a PUT of the scale subresource, which changes nothing but `spec.replicas`;
`kubectl rollout undo` a patch of `spec.template` to the target ReplicaSet's template without
its pod-template-hash label. Both are done on the store, so that these tests depend only on the
controllers.
"""

from __future__ import annotations

import course_manifests
import pytest
from deployment_harness import Harness

from kubenb import Cluster
from kubenb.api.base import evolve
from kubenb.controllers.deployment import util
from kubenb.sim.clock import parse_rfc3339

NGINX_DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deploy
  labels:
    app: nginx-deploy

spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: nginx-deploy
  template:
    metadata:
      labels:
        app: nginx-deploy
    spec:
      containers:
      - name: nginx
        image: nginx:alpine
{extra}"""

NGINX_CM = course_manifests.NGINX_CM
V1, V2 = course_manifests.deploy_v1(), course_manifests.deploy_v2()


class Course:
    """`Cluster("course")` plus a record of the deployment controller's events as they happen."""

    def __init__(self) -> None:
        self.c = Cluster("course")
        self.scaling: list[tuple[float, str]] = []
        self.c.store.watch(self._on_event, "Event")

    def _on_event(self, ev) -> None:
        e = ev.object
        if e.source is None or e.source.component != "deployment-controller" or e.reason != "ScalingReplicaSet":
            return
        if ev.type == "ADDED" or (ev.type == "MODIFIED" and (e.count or 1) > (ev.old_object.count or 1)):
            self.scaling.append((self.c.clock.now, e.message))

    def messages(self) -> list[str]:
        return [m for (_, m) in self.scaling]

    def deployment(self, name: str = "nginx-deploy"):
        return self.c.get("Deployment", name)

    def rs_of(self, name: str = "nginx-deploy") -> dict[str, object]:
        d = self.deployment(name)
        return {rs.metadata.name: rs for rs in self.c.store.by_owner(d.metadata.uid, "ReplicaSet")}

    def conditions(self, name: str = "nginx-deploy") -> list[tuple[str, str, str]]:
        return [(c.type, c.status, c.reason) for c in self.deployment(name).status.conditions or ()]

    def scale(self, name: str, replicas: int) -> None:
        d = evolve(self.deployment(name))
        d.spec.replicas = replicas
        self.c.store.update(d)
        self.c.settle()

    def new_rs(self, name: str = "nginx-deploy"):
        d = self.deployment(name)
        return util.find_new_replica_set(d, list(self.rs_of(name).values()))


PROGRESSING_DONE = ("Progressing", "True", "NewReplicaSetAvailable")
AVAILABLE = ("Available", "True", "MinimumReplicasAvailable")


# ---------------------------------------------------------------- §1 Deployment


def test_deployment_section_scale_then_rolling_update():
    k = Course()
    k.c.apply(NGINX_DEPLOY.format(replicas=2, extra=""))
    k.c.sleep("60s")
    (old,) = k.rs_of()
    assert k.messages() == [f"Scaled up replica set {old} to 2"]
    assert k.deployment().metadata.annotations[util.REVISION] == "1"

    k.scale("nginx-deploy", 3)
    k.c.sleep("60s")
    assert k.messages()[1:] == [f"Scaled up replica set {old} to 3"]
    # describe after a scale: Progressing first, then Available (it changed last)
    assert k.conditions() == [PROGRESSING_DONE, AVAILABLE]
    annotations = k.rs_of()[old].metadata.annotations
    assert (annotations[util.DESIRED_REPLICAS], annotations[util.MAX_REPLICAS]) == ("3", "4")

    # the file again, replicas 2, and a template change describe does not show
    k.c.apply(NGINX_DEPLOY.format(replicas=2, extra="        imagePullPolicy: Always\n"))
    k.c.sleep("60s")
    rss = k.rs_of()
    (new,) = [n for n in rss if n != old]
    assert k.messages()[2:] == [
        f"Scaled down replica set {old} to 2",
        f"Scaled up replica set {new} to 1",
        f"Scaled down replica set {old} to 1",
        f"Scaled up replica set {new} to 2",
        f"Scaled down replica set {old} to 0",
    ]
    # describe after a rollout: Available first, then Progressing
    assert k.conditions() == [AVAILABLE, PROGRESSING_DONE]
    assert k.deployment().metadata.annotations[util.REVISION] == "2"
    assert rss[new].metadata.annotations[util.REVISION] == "2"
    assert rss[old].metadata.annotations[util.REVISION] == "1"
    assert (rss[old].spec.replicas, rss[new].spec.replicas) == (0, 2)
    d = k.deployment()
    assert (d.status.replicas, d.status.updated_replicas, d.status.available_replicas) == (2, 2, 2)


def test_deployment_section_conditions_right_after_create():
    """`describe` of a Deployment that was only ever created (Rollout §9, nginx-deployment):
    Available, then Progressing."""
    k = Course()
    k.c.apply(NGINX_DEPLOY.format(replicas=2, extra=""))
    k.c.sleep("60s")
    assert k.conditions() == [AVAILABLE, PROGRESSING_DONE]


# ---------------------------------------------------------------- §9 Rollout


def _rollout_v1_to_v2(k: Course) -> tuple[str, str]:
    k.c.apply(NGINX_CM)
    k.c.apply(V1)
    k.c.sleep("60s")
    (x,) = k.rs_of()
    k.c.apply(V2)
    k.c.sleep("120s")
    (y,) = [n for n in k.rs_of() if n != x]
    return x, y


def test_rollout_section_25_percent_rolling_update():
    k = Course()
    x, y = _rollout_v1_to_v2(k)
    assert k.messages() == [
        f"Scaled up replica set {x} to 4",
        f"Scaled up replica set {y} to 1",
        f"Scaled down replica set {x} to 3",
        f"Scaled up replica set {y} to 2",
        f"Scaled down replica set {x} to 1",
        f"Scaled up replica set {y} to 4",
        f"Scaled down replica set {x} to 0",
    ]
    # the blog's ages: 5m9s, 5m9s, 5m8s, 4m51s, 4m51s, 4m34s: each step waits minReadySeconds (16 s) + ~1 s
    t = [when for (when, _) in k.scaling[1:]]
    assert t[2] - t[0] <= 1
    assert 16 < t[3] - t[2] <= 18 and t[4] - t[3] <= 1
    assert 16 < t[5] - t[4] <= 18
    assert k.conditions() == [AVAILABLE, PROGRESSING_DONE]
    rss = k.rs_of()
    assert (rss[x].spec.replicas, rss[y].spec.replicas) == (0, 4)
    for name, revision in ((x, "1"), (y, "2")):
        ann = rss[name].metadata.annotations
        assert (ann[util.REVISION], ann[util.DESIRED_REPLICAS], ann[util.MAX_REPLICAS]) == (revision, "4", "5")
    assert k.deployment().metadata.annotations[util.REVISION] == "2"
    assert rss[y].spec.min_ready_seconds == 16


def _undo_to_revision_1(k: Course, x: str) -> None:
    """`kubectl rollout undo deployment nginx-deploy --to-revision=1`: the template of revision 1."""
    d = evolve(k.deployment())
    target = k.rs_of()[x].spec.template.model_copy(deep=True)
    target.metadata.labels = {key: v for key, v in target.metadata.labels.items() if key != "pod-template-hash"}
    d.spec.template = target
    k.c.store.update(d)
    k.c.settle()
    k.c.sleep("120s")


def test_rollout_section_undo_reuses_the_old_replica_set_as_revision_3():
    k = Course()
    x, y = _rollout_v1_to_v2(k)
    _undo_to_revision_1(k, x)
    rss = k.rs_of()
    assert set(rss) == {x, y}  # no new ReplicaSet: the old one is the new one again
    assert rss[x].metadata.annotations[util.REVISION] == "3"
    assert rss[x].metadata.annotations[util.REVISION_HISTORY] == "1"
    assert rss[y].metadata.annotations[util.REVISION] == "2"
    assert k.deployment().metadata.annotations[util.REVISION] == "3"
    assert (rss[x].spec.replicas, rss[y].spec.replicas) == (4, 0)
    assert k.conditions() == [AVAILABLE, PROGRESSING_DONE]
    again = [e for e in k.c.store.list("Event", "default") if e.message == f"Scaled up replica set {x} to 4"]
    assert [e.count for e in again] == [2]  # the blog's `(x2 over 30m)`


def test_rollout_section_undo_event_sequence():
    k = Course()
    x, y = _rollout_v1_to_v2(k)
    first = len(k.scaling)
    _undo_to_revision_1(k, x)
    assert k.messages()[first:] == [
        f"Scaled up replica set {x} to 1",
        f"Scaled down replica set {y} to 3",
        f"Scaled up replica set {x} to 2",
        f"Scaled down replica set {y} to 1",
        f"Scaled up replica set {x} to 4",
        f"Scaled down replica set {y} to 0",
    ]


# ---------------------------------------------------------------- revisionHistoryLimit


@pytest.mark.parametrize("limit", [0, 1, 2])
def test_revision_history_limit_cleanup(limit):
    """Four revisions; after each completed rollout only the `limit` newest old ReplicaSets stay."""
    k = Course()
    extra = f"  revisionHistoryLimit: {limit}\n"
    manifest = NGINX_DEPLOY.replace("spec:\n  replicas", "spec:\n" + extra + "  replicas")
    names = []
    for i in range(4):
        env = "" if i == 0 else f"        env:\n        - name: REV\n          value: \"{i}\"\n"
        k.c.apply(manifest.format(replicas=2, extra=env))
        k.c.sleep("60s")
        names.append(k.new_rs().metadata.name)
    rss = k.rs_of()
    expected = set(names[3 - limit:]) if limit else {names[3]}
    assert set(rss) == expected
    assert sorted(rs.metadata.annotations[util.REVISION] for rs in rss.values()) == [
        str(r) for r in range(4 - limit, 5)]
    assert k.deployment().metadata.annotations[util.REVISION] == "4"


def test_progress_deadline_exceeded_when_new_pods_cannot_schedule():
    """A rollout whose new pods stay Pending (nodeSelector matches no node) times out
    progressDeadlineSeconds after its last progress; the controller looks again after the deadline
    + 1 s (requeueStuckDeployment's `after + time.Second`)."""
    k = Course()
    manifest = NGINX_DEPLOY.replace("spec:\n  replicas", "spec:\n  progressDeadlineSeconds: 30\n  replicas")
    k.c.apply(manifest.format(replicas=2, extra=""))
    k.c.sleep("30s")
    (old,) = k.rs_of()
    k.c.apply(manifest.replace("    spec:\n      containers:", "    spec:\n      nodeSelector:\n        disktype: none\n"
                                                                  "      containers:").format(replicas=2, extra=""))
    k.c.sleep("60s")
    (new,) = [n for n in k.rs_of() if n != old]
    created = parse_rfc3339(k.rs_of()[new].metadata.creation_timestamp)
    assert k.conditions() == [AVAILABLE, ("Progressing", "False", "ProgressDeadlineExceeded")]
    cond = k.deployment().status.conditions[-1]
    assert cond.message == f'ReplicaSet "{new}" has timed out progressing.'
    assert parse_rfc3339(cond.last_update_time) == created + 30 + 1
    assert k.messages()[1:] == [f"Scaled up replica set {new} to 1"]  # maxUnavailable 25% of 2 is 0


# ---------------------------------------------------------------- divergences found while porting


def test_recreate_rollout_replaces_all_pods():
    k = Course()
    manifest = NGINX_DEPLOY.replace("spec:\n  replicas", "spec:\n  strategy:\n    type: Recreate\n  replicas")
    k.c.apply(manifest.format(replicas=2, extra=""))
    k.c.sleep("60s")
    (old,) = k.rs_of()
    k.c.apply(manifest.format(replicas=2, extra="        imagePullPolicy: Always\n"))
    k.c.sleep("120s")
    rss = k.rs_of()
    assert len(rss) == 2
    (new,) = [n for n in rss if n != old]
    assert k.messages()[1:] == [f"Scaled down replica set {old} to 0", f"Scaled up replica set {new} to 2"]
    assert (rss[old].spec.replicas, rss[new].spec.replicas) == (0, 2)
    assert k.conditions()[-1] == PROGRESSING_DONE


def test_max_int32_progress_deadline_has_no_progressing_condition():
    k = Course()
    manifest = NGINX_DEPLOY.replace("spec:\n  replicas", "spec:\n  progressDeadlineSeconds: 2147483647\n  replicas")
    k.c.apply(manifest.format(replicas=2, extra=""))
    k.c.sleep("60s")
    assert k.conditions() == [AVAILABLE]


def test_recreated_deployment_adopts_its_orphaned_replica_set():
    k = Course()
    k.c.apply(NGINX_DEPLOY.format(replicas=2, extra=""))
    k.c.sleep("30s")
    (rs,) = k.rs_of()
    k.c.store.delete("Deployment", "default", "nginx-deploy", propagation="Orphan")
    k.c.sleep("10s")
    assert k.c.store.try_get("Deployment", "default", "nginx-deploy") is None
    k.c.apply(NGINX_DEPLOY.format(replicas=2, extra=""))
    k.c.sleep("30s")
    assert list(k.rs_of()) == [rs]
    assert k.deployment().status.collision_count is None
    assert len([p for p in k.c.store.list("Pod", "default") if p.metadata.name.startswith("nginx-deploy-")]) == 2


def test_scaling_events_use_v1_23_wording():
    """v1.23 prints `Scaled up replica set X to N` (the `from A to B` form is v1.28+)."""
    k = Course()
    k.c.apply(NGINX_DEPLOY.format(replicas=2, extra=""))
    k.c.sleep("30s")
    assert all(" from " not in m for m in k.messages())
    assert parse_rfc3339(k.deployment().metadata.creation_timestamp) <= k.c.clock.now


# ---------------------------------------------------------------- invalid rolling-update parameters

WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  strategy:
    rollingUpdate:
      maxSurge: {surge}
      maxUnavailable: {unavailable}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:alpine
"""


def test_api_rejects_zero_surge_with_zero_unavailable():
    c = Cluster("course", pace=0)
    r = c.kubectl(["apply", "-f", "-"], input=WEB.format(surge=0, unavailable=0))
    assert r.returncode != 0 and "may not be 0 when `maxSurge` is 0" in r.stderr


def test_api_rejects_a_non_percent_string():
    c = Cluster("course", pace=0)
    try:
        r = c.kubectl(["apply", "-f", "-"], input=WEB.format(surge="oops", unavailable=1))
    except Exception as err:  # the controller's exception escapes from the event loop
        pytest.fail(f"kubectl apply raised {err!r}")
    assert r.returncode != 0 and "a valid percent string must be a numeric string" in r.stderr


def test_controller_survives_an_invalid_max_surge():
    h = Harness()
    h.create_deployment("foo", 2, max_surge="oops", max_unavailable=1)  # stored as if admitted
    delays = [h.ctrl.sync("default", "foo") for _ in range(3)]
    assert delays == [0.005, 0.01, 0.02]  # requeued with the workqueue's exponential backoff
    assert h.rs_writes == [] and h.owned(h.deployment()) == []
