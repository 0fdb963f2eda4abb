"""`get`: what reading a big cluster costs a learner — listing, selecting, describing, with text rendering."""

from __future__ import annotations

from benchmarks.figures import Writes, figure, stopwatch, timed
from benchmarks.registry import scenario
from benchmarks.scenarios.converge import converge_cluster


@scenario("get", nodes=5000, pods=150_000)
def get(nodes: int, pods: int) -> None:
    """`kubectl get pods -A`, `get pods -l app=app-0` (100 pods) and `describe node` on a converged cluster."""
    cluster = converge_cluster(nodes, pods, report=False)
    busiest = max((n.metadata.name for n in cluster.store.list("Node")),
                  key=lambda name: len(cluster.store.indexes.node_keys(name)))
    for cmd, selected in (("get pods -A", cluster.store.list("Pod")),
                          ("get pods -l app=app-0", cluster.store.list("Pod", "default", _app0())),
                          (f"describe node {busiest}", [cluster.store.get("Node", "", busiest)])):
        floor = _floor(cluster, selected)
        with stopwatch() as t:
            out = cluster.kubectl(cmd)
        timed(f"kubectl {cmd}", t[0], floor, f"{len(out.stdout.splitlines())} lines, {len(selected)} objects")
    figure("pods in the cluster", cluster.store.count("Pod"), "pods")


def _app0():
    from kubenb.api import labels

    return labels.selector_from_set({"app": "app-0"})


def _floor(cluster, objects) -> float:
    """The floor of a read: validating the objects it shows."""
    writes = Writes(cluster).close()
    writes.objects = {(o.KIND, o.metadata.namespace or "", o.metadata.name or ""): o for o in objects}
    return writes.floor()
