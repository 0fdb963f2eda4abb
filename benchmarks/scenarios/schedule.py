"""`schedule`: scheduler throughput, the scheduling cycles alone (upstream's scheduler_perf measure).

P pending pods are created on a built cluster of N nodes; the CPU time spent in scheduling
cycles (PreFilter, Filter, Score, the binding write) is summed, and the kubelets' reaction to the
bindings is left out, as scheduler_perf leaves it to no kubelet at all.
"""

from __future__ import annotations

import gc
import time
from contextlib import contextmanager

from benchmarks.figures import Writes, figure, peak_rss, stopwatch, timed
from benchmarks.registry import scenario
from benchmarks.scenarios.cluster import new_cluster


@scenario("schedule", nodes=5000, pods=5000)
def schedule(nodes: int, pods: int) -> None:
    """Scheduler throughput: P pending pods placed and bound on N nodes (upstream asks >= 680 pods/s at 5,000)."""
    with stopwatch() as t:
        cluster = new_cluster(nodes)
    figure(f"cluster of {nodes} nodes", t[0], "s", f"cpu {t[1]:.2f} s")
    spent = [0.0]
    collector = _Collections()

    @contextmanager
    def timed_cycle(key):
        c0 = time.process_time()
        collector.inside = True
        try:
            yield
        finally:
            collector.inside = False
            spent[0] += time.process_time() - c0

    cluster.scheduler.queue.cycle_hook = timed_cycle
    gc.callbacks.append(collector)
    writes = Writes(cluster)
    create_pending_pods(cluster, pods)
    cluster.settle()
    gc.callbacks.remove(collector)
    writes.close()
    bound = sum(1 for p in cluster.store.list("Pod", "default") if p.spec.node_name)
    timed(f"schedule {pods} pods on {nodes} nodes (cpu)", spent[0], writes.floor(), f"{bound} bound")
    figure("  pods/s (cpu)", bound / spent[0], "pods/s", "(upstream scheduler_perf threshold: 680)")
    figure("  of which garbage collection (cpu)", collector.seconds, "s")
    figure("  pods/s (cpu) without the collector", bound / (spent[0] - collector.seconds), "pods/s")
    peak_rss()


def create_pending_pods(cluster, pods: int) -> None:
    """P pods of one small shape, owned by nothing (scheduler_perf's pods), created without settling."""
    from kubenb.api.core import Pod

    for i in range(pods):
        cluster.store.create(Pod.model_validate({
            "metadata": {"name": f"p-{i}", "namespace": "default", "labels": {"app": "bench"}},
            "spec": {"containers": [{"name": "c", "image": "nginx:alpine",
                                     "resources": {"requests": {"cpu": "1m", "memory": "1Mi"}}}]}}))


class _Collections:
    """A `gc.callbacks` entry summing the CPU time of the collections that run while `inside`."""

    def __init__(self) -> None:
        self.inside = False
        self.seconds = 0.0
        self._started = 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if not self.inside:
            return
        if phase == "start":
            self._started = time.process_time()
        else:
            self.seconds += time.process_time() - self._started
