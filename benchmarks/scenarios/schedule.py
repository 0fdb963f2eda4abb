"""`schedule`: scheduler throughput, the scheduling cycles alone (upstream's scheduler_perf measure).

P pending pods are created on a built cluster of N nodes; the CPU time spent in scheduling
cycles (PreFilter, Filter, Score, the binding write) is summed, and the kubelets' reaction to the
bindings is left out, as scheduler_perf leaves it to no kubelet at all.
"""

from __future__ import annotations

import gc
import time

from benchmarks.figures import Writes, figure, peak_rss, stopwatch, timed
from benchmarks.registry import scenario
from benchmarks.scenarios.cluster import new_cluster


@scenario("schedule", nodes=5000, pods=5000)
def schedule(nodes: int, pods: int) -> None:
    """Scheduler throughput: P pending pods placed and bound on N nodes (upstream asks >= 680 pods/s at 5,000)."""
    from kubenb.api.core import Pod

    with stopwatch() as t:
        cluster = new_cluster(nodes)
    figure(f"cluster of {nodes} nodes", t[0], "s", f"cpu {t[1]:.2f} s")
    queue = cluster.scheduler.queue
    cycle = queue._schedule
    spent = [0.0]
    collecting = [0.0, 0.0, 0.0]  # CPU in collections inside cycles, when the current one started, inside?

    def timed_cycle(key):
        c0 = time.process_time()
        collecting[2] = 1.0
        try:
            return cycle(key)
        finally:
            collecting[2] = 0.0
            spent[0] += time.process_time() - c0

    def on_collection(phase, info):
        if collecting[2] and phase == "start":
            collecting[1] = time.process_time()
        elif collecting[2]:
            collecting[0] += time.process_time() - collecting[1]

    queue._schedule = timed_cycle
    gc.callbacks.append(on_collection)
    writes = Writes(cluster)
    for i in range(pods):
        cluster.store.create(Pod.model_validate({
            "metadata": {"name": f"p-{i}", "namespace": "default", "labels": {"app": "bench"}},
            "spec": {"containers": [{"name": "c", "image": "nginx:alpine",
                                     "resources": {"requests": {"cpu": "1m", "memory": "1Mi"}}}]}}))
    cluster.settle()
    gc.callbacks.remove(on_collection)
    writes.close()
    bound = sum(1 for p in cluster.store.list("Pod", "default") if p.spec.node_name)
    timed(f"schedule {pods} pods on {nodes} nodes (cpu)", spent[0], writes.floor(), f"{bound} bound")
    figure("  pods/s (cpu)", bound / spent[0], "pods/s", "(upstream scheduler_perf threshold: 680)")
    figure("  of which garbage collection (cpu)", collecting[0], "s")
    figure("  pods/s (cpu) without the collector", bound / (spent[0] - collecting[0]), "pods/s")
    peak_rss()
