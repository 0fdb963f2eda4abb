"""What a second terminal's `kubectl get -w` prints while the course deletes a Pod: one row per
watch event, so every status write of the kubelet and the ReplicaSet controller shows. The course's
transcript (a real v1.23 cluster) is the reference for which writes happen."""

from __future__ import annotations

from kubenb import Cluster, kubectl
from tests.course_manifests import NGINX_DEPLOY


def watch_while(c: Cluster, argv: list[str], action) -> list[list[str]]:
    """Start `get -w`, run `action`, let 15 s pass; the rows printed after the initial list, split."""
    jobs: list = []
    kubectl.run(c, argv, background=jobs)
    c.settle()
    action()
    c.sleep("15s")
    return [row.split() for job in jobs for row in job.finish().splitlines()]


def deployed() -> Cluster:
    c = Cluster("course")
    c.apply(NGINX_DEPLOY)
    c.sleep("20s")
    return c


def first_pod(c: Cluster) -> str:
    return sorted(p.metadata.name for p in c.store.list("Pod", "default"))[0]


def test_a_replacement_pod_shows_container_creating_once():
    """The kubelet writes a status when a sync begins (`generateAPIPodStatus` then `SetPodStatus`);
    making the sandbox inside that sync writes nothing, so the new Pod goes Pending, Pending
    (bound), ContainerCreating, Running -- as in the course."""
    c = deployed()
    victim = first_pod(c)
    rows = watch_while(c, ["get", "po", "-w"], lambda: c.kubectl(f"delete po {victim}"))
    new = [r[2] for r in rows if r[0] != victim]
    assert new == ["Pending", "Pending", "ContainerCreating", "Running"]


def test_the_replica_set_status_dips_then_recovers_when_a_pod_is_deleted():
    """`syncReplicaSet` counts the active pods it listed (a Terminating pod is not active) and
    writes that status after creating the replacement: CURRENT drops to 1, then the new Pod's
    arrival brings it back to 2 and its readiness READY -- the course's 2 1 1, 2 2 1, 2 2 2."""
    c = deployed()
    victim = first_pod(c)
    rows = watch_while(c, ["get", "rs", "-w"], lambda: c.kubectl(f"delete po {victim}"))
    assert [r[1:4] for r in rows] == [["2", "1", "1"], ["2", "2", "1"], ["2", "2", "2"]]


def test_a_rolling_update_writes_each_replica_set_status_as_the_course_shows():
    """The scale-down's own sync still counts the deleted pod (2 3 3 twice), and a new
    ReplicaSet's first sync writes 1 0 0 before its pod is counted."""
    c = deployed()
    c.kubectl("scale --replicas=3 deployment nginx-deploy")
    c.sleep("20s")
    updated = NGINX_DEPLOY.replace("image: nginx:alpine", "image: nginx:alpine\n        imagePullPolicy: Always")
    rows = watch_while(c, ["get", "rs", "-w"], lambda: c.apply(updated))
    old = [r[1:4] for r in rows if r[0] == "nginx-deploy-5db48f768c"]
    new = [r[1:4] for r in rows if r[0] != "nginx-deploy-5db48f768c"]
    assert old[:3] == [["2", "3", "3"], ["2", "3", "3"], ["2", "2", "2"]]
    assert new[:3] == [["1", "0", "0"], ["1", "0", "0"], ["1", "1", "0"]]
    assert old[-1] == ["0", "0", "0"] and new[-1] == ["2", "2", "2"]


def test_a_watch_stops_after_five_quiet_seconds_even_with_a_change_scheduled_later():
    """A watch left to itself ends once nothing has changed for QUIET_SECONDS; it does not run on to
    the cluster's next scheduled change (a pod created a minute later prints no row)."""
    c = deployed()
    late = NGINX_DEPLOY.replace("name: nginx-deploy", "name: late-deploy")
    start = c.clock.now
    c.loop.call_at(start + 60, lambda: c.apply(late))
    jobs: list = []
    kubectl.run(c, ["get", "deploy", "-w"], background=jobs)
    rows = "".join(job.finish() for job in jobs)
    assert c.clock.now == start + 5
    assert rows == ""
    c.sleep("70s")
    assert c.get("Deployment", "late-deploy") is not None  # the change did happen, later


def test_a_watch_keeps_going_while_rows_keep_coming():
    """Each row restarts the quiet spell: rows 4 s apart keep the watch open, the last one ends it 5 s later."""
    c = deployed()
    start = c.clock.now
    for i in (1, 2, 3):
        c.loop.call_at(start + 4 * i, lambda i=i: c.kubectl(f"scale --replicas={2 + i} deployment nginx-deploy"))
    jobs: list = []
    kubectl.run(c, ["get", "deploy", "nginx-deploy", "-w"], background=jobs)
    rows = "".join(job.finish() for job in jobs).splitlines()
    assert rows and c.clock.now >= start + 12 + 5
    assert c.clock.now < start + 12 + 5 + 5
