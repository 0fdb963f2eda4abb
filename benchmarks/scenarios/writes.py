"""`writes`: what one pod status write costs as the cluster grows, in all and per store watcher.

A write that costs more on a bigger cluster has a scan somewhere on its path (an index, a watch
handler, a sorted list rebuilt); the figures at two sizes, the same pods per node and a Service per
100-pod app, show whether it grows and, split per watcher, where.
"""

from __future__ import annotations

import gc
import time
from collections import defaultdict
from collections.abc import Callable

from benchmarks.figures import figure, stopwatch
from benchmarks.registry import scenario
from benchmarks.scenarios.stamp import stamped_cluster
from kubenb import Cluster
from kubenb.api.base import evolve

SMALL = 20_000  # the size the growth is measured from
WRITES = 2_000  # status writes per measurement


@scenario("writes", nodes=1400, pods=150_000)
def writes(nodes: int, pods: int) -> None:
    """A pod status write (a readiness flip) at 20,000 and at P pods: µs per write, through each store watcher."""
    for size in sorted({min(SMALL, pods), pods}):
        size_nodes = max(1, round(nodes * size / pods))
        with stopwatch() as t:
            cluster = stamped_cluster(size_nodes, size)
            services = add_services(cluster)
        figure(f"stamped {size} pods on {size_nodes} nodes", t[0], "s", f"cpu {t[1]:.1f} s, {services} Services")
        report_status_writes(cluster, f"at {cluster.store.count('Pod')} pods")
        del cluster
        gc.collect()


def add_services(cluster: Cluster) -> int:
    """A ClusterIP Service selecting each Deployment's pods, as an app has (created through the store,
    so its ClusterIP is allocated; the endpoint controllers are not run)."""
    from kubenb.api.codec import decode

    names = [d.metadata.name for d in cluster.store.list("Deployment", "default")]
    for name in names:
        cluster.store.create(decode(cluster.registry, {
            "apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": "default"},
            "spec": {"selector": {"app": name}, "ports": [{"port": 80, "targetPort": 80}]}}))
    return len(names)


def report_status_writes(cluster: Cluster, label: str, n: int = WRITES) -> None:
    """Flip one container's readiness in `n` pods (a real change, as a probe result is): µs per write in
    all, in the store alone (watchers detached), and per watcher, costliest first."""
    store = cluster.store
    pods = store.list("Pod")[:n]
    costs: dict[str, float] = defaultdict(float)
    restore = store.swap_watchers(lambda h, kind: _timed(h, f"{_name(h)} ({kind or 'any kind'})", costs))
    try:
        _flip(cluster, pods)  # warm
        costs.clear()
        total = _flip(cluster, pods)
    finally:
        restore()
    restore = store.swap_watchers(lambda h, kind: None)
    try:
        alone = _flip(cluster, pods)
    finally:
        restore()
    figure(f"pod status write {label}", total / len(pods) * 1e6, "µs", f"{len(pods)} writes, every watcher")
    figure("  the store alone (no watchers)", alone / len(pods) * 1e6, "µs")
    for name, seconds in sorted(costs.items(), key=lambda kv: -kv[1])[:8]:
        figure(f"  {name}"[:44], seconds / len(pods) * 1e6, "µs")


def _flip(cluster: Cluster, pods: list) -> float:
    """CPU seconds to write each pod's status with its readiness flipped: the first container's and the
    pod's Ready and ContainersReady conditions, as the kubelet writes a readiness probe's new result.
    The collector runs before, not during: a full collection's cost is the heap's, not the write's,
    and whether one falls inside a measurement is chance."""
    store = cluster.store
    gc.collect()
    gc.disable()
    try:
        t0 = time.process_time()
        for p in pods:
            cur = store.get("Pod", p.metadata.namespace, p.metadata.name)
            new = evolve(cur, deep=("status",))
            cs = new.status.container_statuses[0]
            cs.ready = not cs.ready
            for cond in new.status.conditions:
                if cond.type in ("Ready", "ContainersReady"):
                    cond.status = "True" if cs.ready else "False"
            store.update(new, subresource="status")
        return time.process_time() - t0
    finally:
        gc.enable()


def _timed(handler: Callable, name: str, costs: dict[str, float]) -> Callable:
    def run(event) -> None:
        t0 = time.process_time()
        handler(event)
        costs[name] += time.process_time() - t0
    return run


def _name(handler: Callable) -> str:
    owner = getattr(handler, "__self__", None)
    qual = getattr(handler, "__qualname__", repr(handler))
    return f"{type(owner).__name__}.{handler.__name__}" if owner is not None else qual
