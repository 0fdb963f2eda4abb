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
