"""`rollout` and `churn`: what a converged cluster costs when its workloads change."""

from __future__ import annotations

import gc
import math
import random
import sys
import time

from benchmarks.figures import SyncTimes, Writes, current_rss, figure, peak_rss, peak_rss_now, stopwatch, timed
from benchmarks.registry import scenario
from benchmarks.scenarios.cluster import all_available, deployment, new_cluster, run_until
from benchmarks.scenarios.converge import converge_cluster
from kubenb.controllers.eventttl import EVENT_TTL_SECONDS
from kubenb.profiles import NodeSpec

SERVICE = """\
apiVersion: v1
kind: Service
metadata: {name: big}
spec:
  selector: {app: big}
  ports: [{port: 80}]
"""


@scenario("rollout", nodes=200, pods=10_000)
def rollout(nodes: int, pods: int) -> None:
    """Image change of one P-replica Deployment (maxSurge/maxUnavailable 25%) run to completion."""
    _rollout(nodes, pods)


@scenario("rollout-service", nodes=200, pods=10_000)
def rollout_service(nodes: int, pods: int) -> None:
    """`rollout` with a Service in front: the Endpoints and EndpointSlice follow every pod."""
    _rollout(nodes, pods, SERVICE)


def _rollout(nodes: int, pods: int, *extra: str) -> None:
    nodes = _nodes_for_rollout(nodes, pods)
    cluster = new_cluster(nodes)
    syncs = SyncTimes(cluster)
    with stopwatch() as t:
        for manifest in (deployment("big", pods), *extra):
            cluster.apply(manifest)
        run_until(cluster, lambda: all_available(cluster))
    figure(f"create {pods}-replica Deployment", t[0], "s", f"cpu {t[1]:.1f} s")
    _report(syncs, t[1])
    writes = Writes(cluster)
    syncs.reset()
    with stopwatch() as t:
        cluster.kubectl("set image deployment/big c=nginx:1.27-alpine")
        simulated = run_until(cluster, lambda: all_available(cluster))
    writes.close()
    rss = peak_rss_now()
    timed(f"rollout of {pods} replicas", t[0], writes.floor(), f"cpu {t[1]:.1f} s, simulated {simulated:.0f} s")
    _report(syncs, t[1])
    peak_rss(cluster.store.count("Pod"), rss)


def _nodes_for_rollout(nodes: int, pods: int) -> int:
    """`nodes`, or more if they cannot hold the rollout's peak (P plus a 25% surge, rounded up, at
    110 pods a node): short of room, the surge pods would stay Pending and the rollout never end."""
    peak = pods + math.ceil(pods / 4)
    needed = math.ceil(peak / NodeSpec.pods)
    if nodes >= needed:
        return nodes
    print(f"{nodes} nodes hold {nodes * NodeSpec.pods:,} pods, the rollout peaks at {peak:,}: using {needed} nodes",
          flush=True)
    return needed


def _report(syncs: SyncTimes, cpu: float) -> None:
    figure("controller syncs (writes they make included)", syncs.total(), "s",
           f"cpu, {100 * syncs.total() / cpu:.0f}% of the phase's")
    for name, (spent, count) in syncs.busiest():
        figure(f"  {name}", spent, "s", f"cpu in {count:,} syncs")


@scenario("churn", nodes=1000, pods=30_000)
def churn(nodes: int, pods: int, operations: int = 1000) -> None:
    """1,000 seeded random scale / delete pod / apply operations on a converged P-pod cluster.

    Each operation is timed in CPU seconds (the machine may be shared); the resident set and the
    live allocated blocks are printed every tenth of the run. Operations are a second apart and
    Events live an hour, so everything the run recorded is still alive at its end: the run ends by
    letting an hour pass, after which what is still alive beyond the cluster itself is a leak."""
    cluster = converge_cluster(nodes, pods, report=False)
    rng = random.Random(0)
    names = [d.metadata.name for d in cluster.store.list("Deployment", "default")]
    writes = Writes(cluster)
    per_op = []
    every = max(1, operations // 10)
    figure("churn: RSS before the operations", current_rss() / 2**20, "MiB", _live(cluster))
    for i in range(operations):
        name = rng.choice(names)
        what = rng.choice(("scale", "delete", "apply"))
        t0 = time.process_time()
        if what == "scale":
            cluster.kubectl(f"scale deployment/{name} --replicas={rng.randint(80, 120)}")
        elif what == "delete":
            pods_of = cluster.store.list("Pod", "default", _selector(name))
            if pods_of:
                cluster.kubectl(f"delete pod {rng.choice(pods_of).metadata.name} --wait=false")
        else:
            cluster.apply(deployment(name, 100, image=rng.choice(("nginx:alpine", "nginx:1.27-alpine"))))
        cluster.advance(1.0)  # a second between operations, so each one starts to take effect
        per_op.append(time.process_time() - t0)
        if (i + 1) % every == 0:
            figure(f"churn: RSS after {i + 1} operations", current_rss() / 2**20, "MiB",
                   f"{_live(cluster)}, cpu {sum(per_op[-every:]) / every * 1000:.1f} ms/op over the last {every}")
    writes.close()
    # the memory figures come before the floor: its dumps are the benchmark's, not the cluster's
    figure("churn: RSS at the end", current_rss() / 2**20, "MiB", _live(cluster))
    cluster.advance(EVENT_TTL_SECONDS)  # every Event the operations made expires
    figure("churn: RSS an Event TTL later", current_rss() / 2**20, "MiB", _live(cluster))
    rss = peak_rss_now()
    per_op.sort()
    mean = sum(per_op) / len(per_op)
    floor = writes.floor() / operations
    timed(f"churn: mean of {operations} operations", mean, floor, "cpu")
    timed("churn: p99 operation", per_op[int(len(per_op) * 0.99) - 1], floor, "cpu")
    peak_rss(cluster.store.count("Pod"), rss)
    # the recorder holds the last version of every object written, the deleted pods and expired
    # Events among them: what is alive without it is what the cluster itself keeps
    kept = len(writes.objects)
    writes = None
    live = _live(cluster)  # collects first, so the recorder's objects are gone from the count
    figure("churn: live blocks without the write recorder", sys.getallocatedblocks() / 1e6, "M",
           f"{live}; the recorder held {kept:,} objects")


def _live(cluster) -> str:
    """What is alive: the interpreter's allocated blocks (they fall when objects are freed, where the
    resident set may stay at its peak), Pods and Events. The cyclic garbage is collected first: the
    simulation loop collects its young generation rarely, so without it the count swings by millions
    of blocks with the collector's timing (an uncollected churn read 5.9 M, a collected one 4.4 M)."""
    gc.collect()
    return (f"{sys.getallocatedblocks():,} blocks, {cluster.store.count('Pod'):,} Pods, "
            f"{cluster.store.count('Event'):,} Events")


def _selector(app: str):
    from kubenb.api import labels

    return labels.selector_from_set({"app": app})
