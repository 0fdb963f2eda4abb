"""`build`: how bootstrap cost grows with the node count (`Cluster(nodes=N)`, the kubeadm profile).

Builds 100, 300, 1000, … nodes up to N and prints wall and CPU time of each, so that a cost
growing as nodes² (every node's DaemonSet pods re-checking every node, or filtered against every
node) shows as a ratio near 10 between neighbouring sizes instead of near 3. The pod count says
whether the build finished (two DaemonSet pods per node, and 7 more), and the process's peak RSS
comes last (the largest size dominates it).
"""

from __future__ import annotations

import gc

from benchmarks.figures import figure, peak_rss, stopwatch
from benchmarks.registry import scenario
from kubenb import Cluster


def sizes(nodes: int) -> list[int]:
    """100, 300, 1000, 3000, … below `nodes`, then `nodes` itself."""
    ladder, step = [], 100
    while step < nodes:
        ladder.append(step)
        step = step * 3 if str(step)[0] == "1" else step * 10 // 3
    return [*ladder, nodes]


@scenario("build", nodes=1000, pods=0)
def build(nodes: int, pods: int) -> None:
    """Cluster(nodes=n) for n = 100, 300, 1000, … N: wall and CPU seconds of each bootstrap."""
    previous = None
    for n in sizes(nodes):
        with stopwatch() as t:
            cluster = Cluster(nodes=n, pace=0)
        growth = f", x{t[1] / previous:.1f} cpu of the previous size" if previous else ""
        figure(f"build {n} nodes", t[0], "s", f"cpu {t[1]:.2f} s, {cluster.store.count('Pod')} pods{growth}")
        previous = t[1]
        del cluster  # not alive while the next size builds, so the peak RSS is the largest size's
        gc.collect()
    peak_rss()
