"""`build`: how bootstrap cost grows with the node count (`Cluster(nodes=N)`, the kubeadm profile).

Builds 100, 300, 1000, … nodes up to N and prints wall and CPU time of each, so that a cost
growing as nodes² (every node's DaemonSet pods re-checking every node, or filtered against every
node) shows as a ratio near 10 between neighbouring sizes instead of near 3. The pod count says
whether the build finished (two DaemonSet pods per node, and 7 more), and the process's peak RSS
comes last (the largest size dominates it).

With ``--idle`` the largest cluster then idles for a simulated minute: what it costs per simulated
second to do nothing (node leases renewed every 10 s, whatever else runs per node), and how many
store writes that makes. A converge at 5,000 nodes pays this for every simulated second it takes.
"""

from __future__ import annotations

import gc

from benchmarks.figures import Writes, figure, peak_rss, stopwatch
from benchmarks.registry import scenario
from kubenb import Cluster


def sizes(nodes: int) -> list[int]:
    """100, 300, 1000, 3000, … below `nodes`, then `nodes` itself."""
    ladder, step = [], 100
    while step < nodes:
        ladder.append(step)
        step = step * 3 if str(step)[0] == "1" else step * 10 // 3
    return [*ladder, nodes]


IDLE_SECONDS = 60.0


@scenario("build", nodes=1000, pods=0, flags={"idle": "then idle the largest cluster for a simulated minute"})
def build(nodes: int, pods: int, idle: bool = False) -> None:
    """Cluster(nodes=n) for n = 100, 300, 1000, … N: wall and CPU seconds of each bootstrap."""
    previous = None
    for n in sizes(nodes):
        with stopwatch() as t:
            cluster = Cluster(nodes=n, pace=0)
        growth = f", x{t[1] / previous:.1f} cpu of the previous size" if previous else ""
        figure(f"build {n} nodes", t[0], "s", f"cpu {t[1]:.2f} s, {cluster.store.count('Pod')} pods{growth}")
        previous = t[1]
        if n != nodes:
            del cluster  # not alive while the next size builds, so the peak RSS is the largest size's
            gc.collect()
    peak_rss()
    if idle:
        idle_cost(cluster, nodes)


def idle_cost(cluster: Cluster, nodes: int) -> None:
    """CPU and store writes per simulated second of a cluster left alone."""
    writes = Writes(cluster)
    with stopwatch() as t:
        cluster.advance(IDLE_SECONDS)
    writes.close()
    figure(f"idle {nodes} nodes, per simulated second", 1000 * t[1] / IDLE_SECONDS, "ms cpu",
           f"{writes.count / IDLE_SECONDS:.1f} writes/s ({writes.count} in {IDLE_SECONDS:.0f} s: "
           f"{1e6 * t[1] / max(writes.count, 1):.0f} us cpu per write)")
