"""`converge`: build a cluster and run pods onto it."""

from __future__ import annotations

from benchmarks.figures import Writes, figure, peak_rss, peak_rss_now, profiled, stopwatch, timed
from benchmarks.registry import scenario
from benchmarks.scenarios.cluster import all_available, apply_deployments, new_cluster, run_until, running_pods


def converge_cluster(nodes: int, pods: int, report: bool = True, profile: bool = False):
    """A converged cluster: N nodes, Deployments of 100 replicas totalling P pods, all Running and Available.
    With `profile`, the converging (not the build) runs under cProfile and its top functions print."""
    with stopwatch() as t:
        cluster = new_cluster(nodes)
    if report:
        figure(f"cluster of {nodes} nodes", t[0], "s", f"cpu {t[1]:.2f} s")
    writes = Writes(cluster)
    with profiled(profile), stopwatch() as t:
        apply_deployments(cluster, pods)
        simulated = run_until(cluster, lambda: all_available(cluster))
    writes.close()
    if report:
        rss = peak_rss_now()
        running = running_pods(cluster)
        timed(f"converge {pods} pods on {nodes} nodes", t[0], writes.floor(),
              f"cpu {t[1]:.1f} s, simulated {simulated:.0f} s, {running} Running")
        figure("  pods/s", pods / t[0], "pods/s")
        figure("  objects/s (store writes)", writes.count / t[0], "obj/s", f"{writes.count} writes")
        peak_rss(cluster.store.count("Pod"), rss)
    return cluster


@scenario("converge", nodes=5000, pods=150_000,
          flags={"profile": "converge under cProfile; print its top 15 functions by own and cumulative time"})
def converge(nodes: int, pods: int, profile: bool = False) -> None:
    """N nodes, then Deployments totalling P pods, simulated until all are Running and Available."""
    converge_cluster(nodes, pods, profile=profile)
