"""A deleted pod's containers and sandbox leave nothing behind in the kubelet or the runtime.

Upstream's container GC keeps a dead container only until its pod is deleted; once the pod is
gone, its sandbox, containers, logs, filesystem layers, processes and parsed configuration must
all become garbage, or a cluster whose pods churn grows without bound. The test counts the live
objects of those kinds on a settled cluster, creates and deletes pods repeatedly, and checks each
count is back to its level once the deletions are done. The volume files of the pods alive at
each count are left out: pods whose volumes were written at the same instant share their
identical files and links, so how many nodes the survivors hold depends on when they started.
"""

from __future__ import annotations

import gc
from collections import Counter

from kubenb import Cluster
from kubenb.kubelet.containers import ContainerRun, Instance
from kubenb.kubelet.worker import PodWorker
from kubenb.runtime import fs
from kubenb.runtime.container import Container
from kubenb.runtime.logs import ContainerLog, LogLine
from kubenb.runtime.process import Process
from kubenb.runtime.programs.nginxconf import Directive
from kubenb.runtime.sandbox import Sandbox

KINDS = (PodWorker, ContainerRun, Instance, Sandbox, Container, Process, ContainerLog, LogLine,
         fs.Dir, fs.File, fs.Symlink, fs.FileSystem, Directive)

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: %d
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: c, image: %s}]
"""


def others() -> list[object]:
    """The objects of those kinds alive before the test's cluster exists (other tests' clusters, the
    images' frozen trees), kept alive by the caller while it counts: left out of every count, and
    none of them dying on the way (another test's cluster freed mid-way) can change one."""
    gc.collect()
    return [o for o in gc.get_objects() if isinstance(o, KINDS)]


def live(cluster: Cluster, pinned: list[object]) -> Counter:
    gc.collect()
    held = {id(n) for n in _volume_nodes(cluster)} | {id(o) for o in pinned}
    return Counter(type(o).__name__ for o in gc.get_objects() if isinstance(o, KINDS) and id(o) not in held)


def _volume_nodes(cluster: Cluster) -> list[fs.Node]:
    """Every node of the volumes of the pods the kubelets run now."""
    out: list[fs.Node] = []
    stack = [v.node for agent in cluster.kubelet.nodes.values() for w in agent.runs.values()
             for v in (w.volumes or {}).values()]
    while stack:
        node = stack.pop()
        out.append(node)
        if isinstance(node, fs.Dir):
            stack.extend(node.children.values())
    return out


def settle(cluster: Cluster, replicas: int, image: str = "nginx:alpine") -> None:
    cluster.apply(DEPLOYMENT % (replicas, image))
    cluster.advance(120)  # started, or terminated past their grace period and removed


def test_pods_created_and_deleted_repeatedly_leave_nothing():
    pinned = others()
    cluster = Cluster(profile="kubeadm", nodes=2, pace=0)
    settle(cluster, 4)
    for pod in cluster.store.list("Pod", "default")[:2]:  # the replacements' first start warms caches
        cluster.kubectl(f"delete pod {pod.metadata.name} --wait=false")
    settle(cluster, 4, "nginx:1.27-alpine")
    settle(cluster, 4)
    before = live(cluster, pinned)
    assert before["Container"] and before["Sandbox"]  # (nginx's parsed Directives may be another test's, cached)
    for round_ in range(3):
        settle(cluster, 12)  # created
        assert live(cluster, pinned)["Sandbox"] > before["Sandbox"]
        for pod in cluster.store.list("Pod", "default")[:3]:  # deleted directly
            cluster.kubectl(f"delete pod {pod.metadata.name} --wait=false")
        settle(cluster, 12, "nginx:1.27-alpine" if round_ % 2 == 0 else "nginx:alpine")  # rolled
        settle(cluster, 4)  # scaled down
    assert len(cluster.store.list("Pod", "default")) == 4
    assert live(cluster, pinned) == before
