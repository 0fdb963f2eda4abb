"""Measure how long the simulation takes, and print the figures (never assert on them).

Scenarios:
  converge  a cluster of N nodes, then Deployments totalling P pods, run until all are Running
  get       `kubectl get pods -A` and `get pods -l` on the converged cluster
  apiserver `GET …/pods` of P stored pods through the HTTP façade (Table and JSON): requests/s, p50/p99
"""

from __future__ import annotations

import argparse
import resource
import time

from kubenb import Cluster

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: app-{i}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: app-{i}}}}}
  template:
    metadata: {{labels: {{app: app-{i}}}}}
    spec:
      containers: [{{name: c, image: nginx:alpine, resources: {{requests: {{cpu: 1m, memory: 1Mi}}}}}}]
"""


def figure(name: str, value: float, unit: str, extra: str = "") -> None:
    print(f"{name:<40} {value:>12.3f} {unit:<8} {extra}")


def converge(nodes: int, pods: int) -> Cluster:
    t0 = time.perf_counter()
    cluster = Cluster(nodes=nodes, pace=0)
    figure(f"cluster of {nodes} nodes", time.perf_counter() - t0, "s")
    per_deploy = 100
    t0 = time.perf_counter()
    sim0 = cluster.clock.now
    for i in range(0, pods, per_deploy):
        cluster.apply(DEPLOYMENT.format(i=i // per_deploy, replicas=min(per_deploy, pods - i)))
    while any(p.status.phase != "Running" for p in cluster.store.list("Pod", "default")):
        cluster.advance(1.0)
    wall = time.perf_counter() - t0
    figure(f"converge {pods} pods", wall, "s", f"simulated {cluster.clock.now - sim0:.0f}s, {pods / wall:.0f} pods/s")
    figure("peak RSS", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "MiB")
    return cluster


def get(cluster: Cluster) -> None:
    for cmd in ("get pods -A", "get pods -l app=app-0"):
        t0 = time.perf_counter()
        cluster.kubectl(cmd)
        figure(f"kubectl {cmd}", (time.perf_counter() - t0) * 1000, "ms")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("scenario", nargs="?", default="all", choices=["all", "converge", "get", "apiserver"])
    parser.add_argument("--nodes", type=int, default=20)
    parser.add_argument("--pods", type=int, default=1000)
    args = parser.parse_args()
    if args.scenario == "apiserver":
        from benchmarks.apiserver import run

        return run(args.pods)
    cluster = converge(args.nodes, args.pods)
    if args.scenario in ("all", "get"):
        get(cluster)


if __name__ == "__main__":
    main()
