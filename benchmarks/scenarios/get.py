"""`get`: what reading a big cluster costs a learner — listing, selecting, describing, with text rendering."""

from __future__ import annotations

from benchmarks.figures import Writes, figure, stopwatch, timed
from benchmarks.registry import scenario
from benchmarks.scenarios.converge import converge_cluster
from benchmarks.scenarios.stamp import stamped_cluster


@scenario("get", nodes=5000, pods=150_000,
          flags={"converge": "run every pod through the kubelet instead of stamping copies (small sizes only)"})
def get(nodes: int, pods: int, converge: bool = False) -> None:
    """`kubectl get pods -A`, `get pods -l app=app-0` (100 pods) and `describe node` on a cluster of P Running pods."""
    with stopwatch() as t:
        cluster = converge_cluster(nodes, pods, report=False) if converge else stamped_cluster(nodes, pods)
    figure(f"{'converged' if converge else 'stamped'} {pods} pods on {nodes} nodes", t[0], "s", f"cpu {t[1]:.1f} s")
    busiest = max((n.metadata.name for n in cluster.store.list("Node")),
                  key=lambda name: len(cluster.store.indexes.node_keys(name)))
    for cmd, selected in (("get pods -A", cluster.store.list("Pod")),
                          ("get pods -l app=app-0", cluster.store.list("Pod", "default", _app0())),
                          (f"describe node {busiest}",
                           [cluster.store.get("Node", "", busiest), *cluster.store.pods_on_node(busiest)])):
        floor = _floor(cluster, selected)
        with stopwatch() as t:
            out = cluster.kubectl(cmd)
        timed(f"kubectl {cmd}", t[0], floor, f"cpu {t[1]:.3f} s, {len(out.stdout.splitlines())} lines, "
              f"{len(selected)} objects")
    figure("pods in the cluster", cluster.store.count("Pod"), "pods")


def _app0():
    from kubenb.api import labels

    return labels.selector_from_set({"app": "app-0"})


def _floor(cluster, objects) -> float:
    """The floor of a read: validating the objects it shows (for `describe node`, the node and its pods)."""
    writes = Writes(cluster).close()
    writes.objects = {(o.KIND, o.metadata.namespace or "", o.metadata.name or ""): o for o in objects}
    return writes.floor()
