"""A cluster holding P Running pods without converging them: reading benchmarks at 150,000 pods.

Converging 150,000 pods through the kubelet takes far longer than the reads `get` measures, so
`stamped_cluster` converges one pod per Deployment through the real controllers, scheduler and
kubelet, then stamps out the other replicas from it — fresh names, uids, resourceVersions,
service-account volume names, nodes, pod IPs (from the node kubelet's own allocator) and container
IDs, everything else as the template pod holds it — and brings each Deployment and ReplicaSet to
what the controllers leave after creating it at full size (spec, annotations, status, generation
1). The objects are written straight into the store, without watch events: no component learns of
the stamped pods, so a later `settle()` (every `kubectl` call ends with one) has nothing to do, and
the cluster is for reading only — advancing time would let kubelets find pods they never started.

Not stamped: the Events a real start-up would have left (six per pod); the event-reading paths are
measured against the events the converged template pods left.
"""

from __future__ import annotations

import json
import math

from benchmarks.scenarios.cluster import PER_DEPLOYMENT, all_available, apply_deployments, new_cluster, run_until
from kubenb import Cluster
from kubenb.api.core import HostIP, PodIP

SA_VOLUME = "kube-api-access-"


def stamped_cluster(nodes: int, pods: int, per_deployment: int = PER_DEPLOYMENT) -> Cluster:
    """N nodes and Deployments of `per_deployment` replicas totalling `pods` Running, Available pods."""
    cluster = new_cluster(nodes)
    sizes = [min(per_deployment, pods - i) for i in range(0, pods, per_deployment)]
    names = apply_deployments(cluster, len(sizes), per_deployment=1)
    run_until(cluster, lambda: all_available(cluster))
    placer = _Placer(cluster)
    for name, replicas in zip(names, sizes, strict=True):
        _grow(cluster, placer, name, replicas)
    return cluster


class _Placer:
    """Nodes for new pods, spread evenly as the scheduler's LeastAllocated scoring does, never past
    a node's `pods` allocatable; IPs from the node kubelet's allocator, so none is handed out twice."""

    def __init__(self, cluster: Cluster) -> None:
        store = cluster.store
        self.cluster = cluster
        self.free: dict[str, int] = {}
        for node in store.list("Node"):
            if any(t.effect in ("NoSchedule", "NoExecute") for t in node.spec.taints or ()):
                continue
            room = int((node.status.allocatable or {}).get("pods", "110")) - len(store.indexes.node_keys(node.metadata.name))
            if room > 0:
                self.free[node.metadata.name] = room
        self.host_ip = {n.metadata.name: next(a.address for a in n.status.addresses if a.type == "InternalIP")
                        for n in store.list("Node")}
        self._order = list(self.free)
        self._next = 0

    def place(self) -> tuple[str, str, str]:
        """(node, host IP, pod IP) for one more pod."""
        for _ in range(len(self._order)):
            name = self._order[self._next % len(self._order)]
            self._next += 1
            if self.free[name] > 0:
                self.free[name] -= 1
                return name, self.host_ip[name], self.cluster.kubelet.nodes[name].ipam.allocate()
        raise RuntimeError("every schedulable node is full (110 pods each)")


def _grow(cluster: Cluster, placer: _Placer, name: str, replicas: int) -> None:
    """Deployment `name` (converged at one replica) as if it had been created with `replicas`."""
    store = cluster.store
    deployment = store.get("Deployment", "default", name)
    rs = store.by_owner(deployment.metadata.uid or "", "ReplicaSet")[0]
    template = store.by_owner(rs.metadata.uid or "", "Pod")[0]
    for _ in range(replicas - 1):
        _write(store, _stamp(cluster, template, *placer.place()))
    surge = replicas + math.ceil(replicas * 0.25)  # maxSurge 25%, rounded up as the controller does
    rs_annotations = {**rs.metadata.annotations, "deployment.kubernetes.io/desired-replicas": str(replicas),
                      "deployment.kubernetes.io/max-replicas": str(surge)}
    full = {"replicas": replicas, "ready_replicas": replicas, "available_replicas": replicas}
    _write(store, rs.model_copy(update={
        "metadata": rs.metadata.model_copy(update={"annotations": rs_annotations}),
        "spec": rs.spec.model_copy(update={"replicas": replicas}),
        "status": rs.status.model_copy(update={**full, "fully_labeled_replicas": replicas})}))
    applied = json.loads(deployment.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"])
    applied["spec"]["replicas"] = replicas
    d_annotations = {**deployment.metadata.annotations, "kubectl.kubernetes.io/last-applied-configuration":
                     json.dumps(applied, separators=(",", ":"), sort_keys=True) + "\n"}
    _write(store, deployment.model_copy(update={
        "metadata": deployment.metadata.model_copy(update={"annotations": d_annotations}),
        "spec": deployment.spec.model_copy(update={"replicas": replicas}),
        "status": deployment.status.model_copy(update={**full, "updated_replicas": replicas})}))


def _stamp(cluster: Cluster, template, node: str, host_ip: str, pod_ip: str):
    """A copy of `template` with its own identity, node and addresses; unchanged parts stay shared."""
    rng = cluster.rng
    meta = template.metadata
    while True:
        name = meta.generate_name + rng.name_suffix()
        if cluster.store.try_get("Pod", "default", name) is None:
            break
    spec, status = template.spec, template.status
    volume = SA_VOLUME + rng.name_suffix()
    old_volume = next(v.name for v in spec.volumes if v.name.startswith(SA_VOLUME))
    containers = [c.model_copy(update={"volume_mounts": [
        m.model_copy(update={"name": volume}) if m.name == old_volume else m for m in c.volume_mounts or ()]})
        for c in spec.containers]
    volumes = [v.model_copy(update={"name": volume}) if v.name == old_volume else v for v in spec.volumes]
    statuses = [cs.model_copy(update={"container_id": "containerd://" + rng.hex(32)})
                for cs in status.container_statuses or ()]
    return template.model_copy(update={
        "metadata": meta.model_copy(update={"name": name, "uid": rng.uid()}),
        "spec": spec.model_copy(update={"node_name": node, "containers": containers, "volumes": volumes}),
        "status": status.model_copy(update={"host_ip": host_ip, "host_ips": [HostIP(ip=host_ip)], "pod_ip": pod_ip,
                                            "pod_ips": [PodIP(ip=pod_ip)], "container_statuses": statuses}),
    })


def _write(store, obj) -> None:
    """Store `obj` with a fresh resourceVersion, indexed, without watch events (see the module docstring)."""
    obj.metadata.resource_version = store._next_rv()
    old = store.try_get(obj.KIND, obj.metadata.namespace or "", obj.metadata.name or "")
    store._put(obj, old)
