"""What several scenarios share: a cluster of N nodes, Deployments totalling P pods, running them to the end."""

from __future__ import annotations

from collections.abc import Callable

from kubenb import Cluster

PER_DEPLOYMENT = 100
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers: [{{name: c, image: nginx:alpine, resources: {{requests: {{cpu: 1m, memory: 1Mi}}}}}}]
"""


def new_cluster(nodes: int) -> Cluster:
    """The kubeadm profile with `nodes` nodes, and no pause between commands (pace 0)."""
    return Cluster(profile="kubeadm", nodes=nodes, pace=0)


def deployment(name: str, replicas: int, image: str = "nginx:alpine") -> str:
    return DEPLOYMENT.format(name=name, replicas=replicas).replace("nginx:alpine", image)


def apply_deployments(cluster: Cluster, pods: int, per_deployment: int = PER_DEPLOYMENT) -> list[str]:
    """`kubectl apply` Deployments `app-0`, `app-1`, … of `per_deployment` replicas totalling `pods`."""
    names = []
    for i in range(0, pods, per_deployment):
        names.append(f"app-{i // per_deployment}")
        cluster.apply(deployment(names[-1], min(per_deployment, pods - i)))
    return names


def all_available(cluster: Cluster) -> bool:
    """Every Deployment has observed its spec and has all its replicas updated and available."""
    for d in cluster.store.list("Deployment"):
        s, want = d.status, d.spec.replicas or 0
        if s.observed_generation != d.metadata.generation or (s.updated_replicas or 0) != want or \
                (s.available_replicas or 0) != want or (s.replicas or 0) != want:
            return False
    return True


def run_until(cluster: Cluster, done: Callable[[], bool], step: float = 1.0, limit: float = 3600.0) -> float:
    """Advance simulated time by `step` until `done()`; the simulated seconds it took."""
    start = cluster.clock.now
    while not done():
        if cluster.clock.now - start > limit:
            raise RuntimeError(f"not done after {limit:.0f} simulated seconds")
        cluster.advance(step)
    return cluster.clock.now - start


def running_pods(cluster: Cluster) -> int:
    return sum(1 for p in cluster.store.list("Pod", "default") if p.status.phase == "Running")
