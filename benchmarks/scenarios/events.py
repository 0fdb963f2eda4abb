"""`events`: what recording an Event costs, and what holding one costs, apart from the rest of a cluster.

Each of P pods gets the events a converging pod gets on a real cluster — the ReplicaSet controller's
``SuccessfulCreate`` (about the ReplicaSet), the scheduler's ``Scheduled`` (events.k8s.io), and the
kubelet's ``Pulled``, ``Created``, ``Started`` through its spam filter — plus one repeat of ``Pulled``
so client-go's aggregation (count+1 on the stored Event) is exercised. The pods are never stored:
only the recorders and whatever watches Events (the TTL controller, the history recorder) run.
"""

from __future__ import annotations

import gc
import sys
import time
import tracemalloc

from benchmarks.figures import figure, stopwatch
from benchmarks.registry import scenario
from benchmarks.scenarios.cluster import new_cluster


def _pods(count: int) -> list:
    from kubenb.api.core import Pod
    from kubenb.api.meta import ObjectMeta

    return [Pod(metadata=ObjectMeta(name=f"app-0-6d4cf56db6-{i:05d}", namespace="default", uid=f"uid-{i:08d}",
                                    resource_version=str(i + 1))) for i in range(count)]


def _record_all(cluster, pods: list, nodes: int, recorders: list | None = None) -> int:
    """The converge pattern of events for every pod; returns how many record calls were made (and
    puts the recorders it made in `recorders`)."""
    from kubenb.api.apps import ReplicaSet
    from kubenb.api.meta import ObjectMeta
    from kubenb.client.events import EventRecorder, SeriesRecorder
    from kubenb.kubelet.events import SpamFilter, record

    store, now = cluster.store, cluster.clock.now
    rs = ReplicaSet(metadata=ObjectMeta(name="app-0-6d4cf56db6", namespace="default", uid="rs-uid", resource_version="1"))
    replicaset = EventRecorder(store, "replicaset-controller")
    scheduler = SeriesRecorder(store, cluster.loop, "default-scheduler", "default-scheduler-node")
    kubelets = [EventRecorder(store, "kubelet", f"node-{n}") for n in range(nodes)]
    if recorders is not None:
        recorders += [replicaset, scheduler, *kubelets]
    calls = 0
    for i, pod in enumerate(pods):
        kubelet, spam = kubelets[i % nodes], SpamFilter(now)
        replicaset.record(rs, "Normal", "SuccessfulCreate", f"Created pod: {pod.metadata.name}")
        scheduler.record(pod, "Normal", "Scheduled", f"Successfully assigned default/{pod.metadata.name} to node-{i % nodes}",
                         action="Binding")
        for reason, message in (("Pulled", 'Container image "nginx:alpine" already present on machine'),
                                ("Created", "Created container c"), ("Started", "Started container c"),
                                ("Pulled", 'Container image "nginx:alpine" already present on machine')):
            record(kubelet, spam, now, pod, "Normal", reason, message, "spec.containers{c}")
        calls += 6
        if i % 100 == 99:
            cluster.advance(1.0)  # time moves on as it does while pods converge (TTL timers are armed)
    return calls


@scenario("events", nodes=100, pods=30_000)
def events(nodes: int, pods: int) -> None:
    """Record the events of P converging pods on N kubelets: CPU per event, bytes per stored Event."""
    cluster = new_cluster(1)
    objs = _pods(pods)
    before = cluster.store.count("Event")
    with stopwatch() as t:
        calls = _record_all(cluster, objs, nodes)
    stored = cluster.store.count("Event") - before
    figure(f"record {calls:,} events ({stored:,} stored)", t[1] / calls * 1e6, "µs/call", f"cpu {t[1]:.2f} s")
    with stopwatch() as t:
        cluster.advance(3600.0 + pods / 100)  # every Event's TTL runs out
    figure("expire them (EventTTL)", t[1] / max(stored, 1) * 1e6, "µs/Event",
           f"cpu {t[1]:.2f} s, {cluster.store.count('Event') - before:,} left")

    sample = min(pods, 5000)  # held memory, measured on a smaller run under tracemalloc
    cluster = new_cluster(1)
    objs = _pods(sample)
    before = cluster.store.count("Event")
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    t0 = time.process_time()
    recorders: list = []
    _record_all(cluster, objs, nodes, recorders)
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    stored = cluster.store.count("Event") - before
    figure("memory held per stored Event", held / stored, "bytes",
           f"{stored:,} Events of {sample:,} pods, all that holds them (timers, caches) included; "
           f"cpu {time.process_time() - t0:.1f} s traced")
    figure("of which the recorders' caches, per pod", _cache_bytes(recorders) / sample, "bytes",
           "aggregation LRUs and the scheduler's series cache: their tables, keys and entries")


def _cache_bytes(recorders: list) -> int:
    """What the recorders' own caches hold (the Events' names they point at belong to the Events)."""
    total = 0
    for recorder in recorders:
        for cache in (recorder._seen, getattr(recorder, "_series", {})):
            total += sys.getsizeof(cache) + sum(sys.getsizeof(k) for k in cache)
            total += sum(sys.getsizeof(v) for v in cache.values() if not isinstance(v, str))
    return total
