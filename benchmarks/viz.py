"""How long the pictures take: figure build and serialisation, against listing the same objects.

    python -m benchmarks.viz [--nodes 250] [--pods 50000] [--repeat 3] [--skip-large]

Every time is CPU time (``time.process_time``): the machine is shared, wall time is not a measure.

Two clusters:

* course size — ``Cluster("course")`` after the Rollout section (4 replicas, 25%/25%, new image),
  a NodePort Service, an Ingress, PVs/PVCs;
* large — ``Cluster(nodes=N)`` plus P running pods written straight into the store (100 pods
  per ReplicaSet, one Service + EndpointSlices per app): the controllers never run, so what is
  measured is the figures, not the simulation.

For each view: build (the pure function), ``to_json`` (what a static figure sends), the JSON
size, and the ratio of build time to listing the objects the view reads (``kubectl get …``
through the simulated kubectl, and the raw ``store.list``). Then the recorder: microseconds per
pod watch event and bytes per tracked pod, and the live widget: first FigureWidget, and a patch.
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from kubenb import Cluster
from kubenb.api.codec import decode
from kubenb.history import Recorder, recorder_for
from kubenb.kubectl import run
from kubenb.store import WatchEvent

COURSE_DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deploy
{annotations}spec:
{min_ready}  replicas: 4
  selector: {{matchLabels: {{app: nginx-deploy}}}}
  template:
    metadata: {{labels: {{app: nginx-deploy}}}}
    spec:
      containers: [{{name: nginx, image: "{image}", ports: [{{containerPort: 80}}]}}]
"""
COURSE_EXTRA = """\
apiVersion: v1
kind: Service
metadata: {name: nginx-deploy}
spec:
  type: NodePort
  selector: {app: nginx-deploy}
  ports: [{port: 80, targetPort: 80}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: nginx}
spec:
  rules:
  - host: nginx.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: nginx-deploy, port: {number: 80}}}}]}
"""


def figure(name: str, value: float, unit: str, extra: str = "") -> None:
    print(f"{name:<46} {value:>11.3f} {unit:<6} {extra}", flush=True)


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median CPU seconds (`process_time`: the machine is shared) of `repeat` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        gc.collect()
        t0 = time.process_time()
        result = fn()
        times.append(time.process_time() - t0)
    return statistics.median(times), result


# ---------------------------------------------------------------- clusters


def course_cluster() -> Cluster:
    c = Cluster("course", pace=2.0)
    c.apply(COURSE_DEPLOY.format(annotations="", min_ready="", image="nginx:1.21-alpine"))
    c.sleep("60s")
    c.apply(COURSE_DEPLOY.format(annotations="  annotations: {kubernetes.io/change-cause: image 1.22}\n",
                                 min_ready="  minReadySeconds: 16\n", image="nginx:1.22-alpine"))
    c.sleep("120s")
    c.apply(COURSE_EXTRA)
    for body in (
        {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pv-data"},
         "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"], "hostPath": {"path": "/mnt/data"},
                  "claimRef": {"namespace": "default", "name": "data"}}, "status": {"phase": "Bound"}},
        {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data", "namespace": "default"},
         "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}},
                  "storageClassName": "", "volumeName": "pv-data"}, "status": {"phase": "Bound"}},
    ):
        c.store.create(decode(c.registry, body), keep_status=True)
    c.sleep("10s")
    c.pace = 0
    return c


def _pod_body(i: int, app: int, rs: Any, node: str, now: str) -> dict:
    ip = f"10.{128 + i // 65536}.{i // 256 % 256}.{i % 256}"
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": f"{rs.metadata.name}-{i:06d}", "namespace": "default",
                     "labels": {"app": f"app-{app}", "pod-template-hash": "bench"},
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs.metadata.name,
                                          "uid": rs.metadata.uid, "controller": True, "blockOwnerDeletion": True}]},
        "spec": {"nodeName": node, "containers": [{"name": "c", "image": "nginx:alpine",
                                                   "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}}}]},
        "status": {"phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}], "hostIP": "192.168.0.1", "startTime": now,
                   "conditions": [{"type": t, "status": "True", "lastTransitionTime": now, "lastProbeTime": None}
                                  for t in ("Initialized", "Ready", "ContainersReady", "PodScheduled")],
                   "containerStatuses": [{"name": "c", "ready": True, "restartCount": 0, "image": "nginx:alpine",
                                          "imageID": "", "started": True,
                                          "state": {"running": {"startedAt": now}}}]},
    }


def large_cluster(nodes: int, pods: int) -> Cluster:
    t0 = time.process_time()
    c = Cluster(nodes=nodes, pace=0)
    figure(f"large: Cluster(nodes={nodes})", time.process_time() - t0, "s")
    t0 = time.process_time()
    now = c.clock.rfc3339()
    node_names = [n.metadata.name for n in c.store.list("Node") if not n.spec.taints]
    per_rs = 100
    store = c.store
    slices: list[tuple[int, dict, list]] = []
    for app in range((pods + per_rs - 1) // per_rs):
        labels = {"app": f"app-{app}"}
        template = {"metadata": {"labels": labels},
                    "spec": {"containers": [{"name": "c", "image": "nginx:alpine",
                                             "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}}}]}}
        d = store.create(decode(c.registry, {
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": f"app-{app}", "namespace": "default"},
            "spec": {"replicas": per_rs, "selector": {"matchLabels": labels}, "template": template},
            "status": {"replicas": per_rs, "readyReplicas": per_rs, "availableReplicas": per_rs}}), keep_status=True)
        rs = store.create(decode(c.registry, {
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": f"app-{app}-bench", "namespace": "default", "labels": labels,
                         "annotations": {"deployment.kubernetes.io/revision": "1"},
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": d.metadata.name,
                                              "uid": d.metadata.uid, "controller": True}]},
            "spec": {"replicas": per_rs, "selector": {"matchLabels": labels}, "template": template},
            "status": {"replicas": per_rs, "readyReplicas": per_rs, "availableReplicas": per_rs}}), keep_status=True)
        endpoints = []
        for k in range(min(per_rs, pods - app * per_rs)):
            i = app * per_rs + k
            pod = store.create(decode(c.registry, _pod_body(i, app, rs, node_names[i % len(node_names)], now)),
                               keep_status=True)
            endpoints.append({"addresses": [pod.status.pod_ip], "conditions": {"ready": True},
                              "nodeName": pod.spec.node_name,
                              "targetRef": {"kind": "Pod", "namespace": "default", "name": pod.metadata.name}})
        slices.append((app, labels, endpoints))
    # Services last: the endpoints controller's pod handler looks at every Service of the namespace
    for app, labels, endpoints in slices:
        svc = store.create(decode(c.registry, {
            "apiVersion": "v1", "kind": "Service", "metadata": {"name": f"app-{app}", "namespace": "default"},
            "spec": {"selector": labels, "ports": [{"port": 80}]}}))
        store.create(decode(c.registry, {
            "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": f"app-{app}-bench", "namespace": "default",
                         "labels": {"kubernetes.io/service-name": svc.metadata.name}},
            "addressType": "IPv4", "ports": [{"name": "", "port": 80, "protocol": "TCP"}], "endpoints": endpoints}))
    cpu = time.process_time() - t0
    figure(f"large: {pods} pods written into the store", cpu, "s", f"{pods / cpu:.0f} pods/s (controllers idle)")
    return c


# ---------------------------------------------------------------- measurements


def views(c: Cluster, large: bool) -> list[tuple[str, Callable[[], Any], str, Callable[[], Any]]]:
    from kubenb import viz

    deploy = "deploy/app-0" if large else "deploy/nginx-deploy"
    svc = "svc/app-0" if large else "svc/nginx-deploy"
    sel = "app=app-0" if large else "app=nginx-deploy"
    focus = "deploy/app-0" if large else None
    store = c.store
    return [
        ("rollout " + deploy, lambda: viz.rollout(c, deploy), "get deploy,rs",
         lambda: (store.list("Deployment", "default"), store.list("ReplicaSet", "default"))),
        ("routes " + svc, lambda: viz.routes(c, svc), "get svc,endpointslices",
         lambda: (store.list("Service", "default"), store.list("EndpointSlice", "default"))),
        ("storage default", lambda: viz.storage(c, "default"), "get pods,pvc,pv",
         lambda: (store.list("Pod", "default"), store.list("PersistentVolumeClaim", "default"),
                  store.list("PersistentVolume"))),
        ("nodes", lambda: viz.nodes(c), "get pods -A -o wide", lambda: (store.list("Pod"), store.list("Node"))),
        ("graph default" + (f" --focus {focus}" if focus else ""), lambda: viz.graph(c, "default", focus),
         "get all", lambda: [store.list(k, "default") for k in ("Pod", "Service", "Deployment", "ReplicaSet")]),
        ("graph default (whole namespace)", lambda: viz.graph(c, "default"), "get all",
         lambda: [store.list(k, "default") for k in ("Pod", "Service", "Deployment", "ReplicaSet")]),
        ("timeline -l " + sel, lambda: viz.timeline(c, sel), f"get pods -l {sel}",
         lambda: store.list("Pod", "default")),
    ]


def measure_views(c: Cluster, label: str, repeat: int, large: bool) -> None:
    print(f"\n== {label}: {c.store.count('Pod')} pods, {c.store.count('Node')} nodes ==")
    print(f"{'view':<34} {'build ms':>9} {'json ms':>8} {'KiB':>7} {'kubectl ms':>10} {'list ms':>8} "
          f"{'build/kubectl':>13} {'build/list':>10}")
    for name, build, kubectl, raw in views(c, large):
        build()  # warm: the first call of a view pays its imports
        t_build, fig = timed(build, repeat)
        t_json, js = timed(fig.to_json, repeat)
        # kubectl's own work (parse, list, print), without the pace and settle of Cluster.kubectl
        t_kubectl, result = timed(lambda cmd=kubectl: run(c, cmd), 1 if large else repeat)
        if result.returncode:
            print(f"   ({kubectl}: {result.stderr.strip()})")
        t_list, _ = timed(raw, repeat)
        print(f"{name:<34} {t_build * 1000:>9.1f} {t_json * 1000:>8.1f} {len(js) / 1024:>7.1f} "
              f"{t_kubectl * 1000:>10.1f} {t_list * 1000:>8.1f} {t_build / t_kubectl:>13.2f} "
              f"{t_build / max(t_list, 1e-9):>10.1f}", flush=True)
        meta = fig.layout.meta["kubenb"]
        if meta["view"] == "graph":
            print(f"   ({meta['nodes']} vertices, {meta['edges']} edges; pods aggregated per owner: "
                  f"{meta['aggregated']}; WebGL: {meta['webgl']})")


def measure_recorder(c: Cluster) -> None:
    """Replay the cluster's pods as watch events into a fresh recorder: µs per event, bytes per pod."""
    pods = c.store.list("Pod")
    events = [WatchEvent("ADDED", p, None, 0, c.clock.now) for p in pods]
    # a status write that leaves the state as it was (the kubelet's usual write): state computed, nothing kept
    events += [WatchEvent("MODIFIED", p.model_copy(update={"status": p.status.model_copy()}), p, 0, c.clock.now + 1)
               for p in pods]
    fresh = Recorder(_Detached(c))  # a recorder on an empty store: only its handler is timed
    handler = fresh._on_pod
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    t0 = time.process_time()
    for ev in events[: len(pods)]:
        handler(ev)
    t_add = time.process_time() - t0
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    t0 = time.process_time()
    for ev in events[len(pods):]:
        handler(ev)
    t_mod = time.process_time() - t0
    size = sum(s.size_diff for s in after.compare_to(before, "filename"))
    figure("recorder: first event of a pod", t_add / len(pods) * 1e6, "µs", "(tracemalloc on)")
    figure("recorder: later event of a pod (state unchanged)", t_mod / len(pods) * 1e6, "µs")
    figure("recorder: memory per tracked pod", size / len(pods), "bytes", f"{size / 2**20:.1f} MiB for {len(pods)}")


def measure_event_cost(c: Cluster, n: int = 5000) -> None:
    """What a pod status write costs the whole store (every watcher), with and then without the recorder.

    Each write flips one container's readiness (a real state change, so the recorder keeps a segment),
    the way a readiness probe result reaches the store; the event loop is not run, so this is the
    store and its watch handlers only."""
    from kubenb.api.base import evolve

    pods = c.store.list("Pod")[:n]

    def flip_all() -> float:
        t0 = time.process_time()
        for p in pods:
            cur = c.store.get("Pod", p.metadata.namespace, p.metadata.name)
            new = evolve(cur, deep=("status",))
            cs = new.status.container_statuses[0]
            cs.ready = not cs.ready
            c.store.update(new, subresource="status")
        return (time.process_time() - t0) / len(pods)

    rec = recorder_for(c)
    flip_all()  # warm
    with_rec = statistics.median([flip_all() for _ in range(3)])
    rec.detach()
    without = statistics.median([flip_all() for _ in range(3)])
    figure("pod status write, with the recorder", with_rec * 1e6, "µs", f"{len(pods)} pods, all watchers")
    figure("pod status write, without the recorder", without * 1e6, "µs",
           f"recorder adds {(with_rec - without) * 1e6:.1f} µs ({(with_rec / without - 1) * 100:.0f}%)")


class _Detached:
    """The parts of a cluster a Recorder reads, with an empty store (so nothing is seeded or watched)."""

    def __init__(self, c: Cluster) -> None:
        from kubenb.store import Store

        self.clock = c.clock
        self.store = Store(c.registry, c.clock, c.rng)


def measure_live(c: Cluster, view: tuple, repeat: int) -> None:
    from kubenb.viz.live import LiveView

    t0 = time.process_time()
    lv = LiveView(c, *view[0], **view[1])
    first = time.process_time() - t0
    t_patch, _ = timed(lambda: lv.refresh(force=True), repeat)
    t_html, html = timed(lambda: lv._repr_mimebundle_()["text/html"], repeat)
    figure(f"live {view[0][0]}: new FigureWidget", first * 1000, "ms")
    figure(f"live {view[0][0]}: patch in place (refresh)", t_patch * 1000, "ms")
    figure(f"live {view[0][0]}: static fallback", t_html * 1000, "ms", f"{len(html) / 1024:.1f} KiB of text/html")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.viz")
    parser.add_argument("--nodes", type=int, default=250)
    parser.add_argument("--pods", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-large", action="store_true")
    args = parser.parse_args()
    t0 = time.process_time()
    import plotly.graph_objects  # noqa: F401  (first import is paid once, not by the first figure)

    figure("import plotly.graph_objects", time.process_time() - t0, "s")
    c = course_cluster()
    measure_views(c, "course size", args.repeat, large=False)
    measure_live(c, (("rollout", "deploy/nginx-deploy"), {}), args.repeat)
    measure_live(c, (("nodes",), {}), args.repeat)
    if args.skip_large:
        return
    print()
    big = large_cluster(args.nodes, args.pods)
    measure_views(big, "large", max(1, args.repeat - 1), large=True)
    measure_live(big, (("nodes",), {}), 1)
    measure_live(big, (("timeline", "app=app-0"), {}), 1)
    measure_recorder(big)
    measure_event_cost(big)


if __name__ == "__main__":
    main()
