"""Cluster profiles: the data that makes one simulated cluster look like a particular real one.

A profile names the Kubernetes version, the nodes (roles, taints, addresses, pod CIDRs, images
already on disk), the runtime, the service CIDR, the clock, and whether a default StorageClass
is installed. The composition root
(:mod:`kubenb.cluster`) builds a cluster from it; nothing else reads profiles.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Optional

CONTROL_PLANE_IMAGES_123 = (
    "k8s.gcr.io/kube-apiserver:v1.23.3", "k8s.gcr.io/kube-controller-manager:v1.23.3",
    "k8s.gcr.io/kube-scheduler:v1.23.3", "k8s.gcr.io/kube-proxy:v1.23.3", "k8s.gcr.io/etcd:3.5.1-0",
    "k8s.gcr.io/coredns/coredns:v1.8.6", "k8s.gcr.io/pause:3.6",
)
CONTROL_PLANE_IMAGES_132 = (
    "registry.k8s.io/kube-apiserver:v1.32.4", "registry.k8s.io/kube-controller-manager:v1.32.4",
    "registry.k8s.io/kube-scheduler:v1.32.4", "registry.k8s.io/kube-proxy:v1.32.4", "registry.k8s.io/etcd:3.5.16-0",
    "registry.k8s.io/coredns/coredns:v1.11.3", "registry.k8s.io/pause:3.10",
)

WORKER_IMAGES_132 = ("registry.k8s.io/kube-proxy:v1.32.4", "registry.k8s.io/pause:3.10")


@dataclass(frozen=True)
class Version:
    major: int
    minor: int
    patch: int

    @property
    def git_version(self) -> str:
        return f"v{self.major}.{self.minor}.{self.patch}"


@dataclass(frozen=True)
class NodeSpec:
    name: str
    internal_ip: str
    pod_cidr: str
    roles: tuple[str, ...] = ()
    taints: tuple[tuple[str, str, str], ...] = ()  # (key, value, effect)
    cpu: str = "2"
    memory_ki: int = 4_015_876
    pods: int = 110
    images: tuple[str, ...] = ()
    first_pod_ip: int = 2  # host-local IPAM: where this node's pod IPs start


@dataclass(frozen=True)
class Profile:
    name: str
    version: Version
    nodes: tuple[NodeSpec, ...]
    runtime: str  # the CONTAINER-RUNTIME column, e.g. "docker://20.10.24"
    os_image: str
    kernel: str
    service_cidr: str
    cluster_cidr: str
    created: str  # when `kubeadm init` ran (RFC 3339)
    now: str  # when the learner starts typing (RFC 3339)
    cni_namespace: str = "kube-flannel"
    api_port: int = 6443
    extra_namespaces: tuple[str, ...] = ()
    # a local-path provisioner and its default StorageClass `standard`, as kind installs them
    default_storage_class: bool = False

    @property
    def runtime_prefix(self) -> str:
        return self.runtime.split("://", 1)[0]

    @property
    def control_plane(self) -> NodeSpec:
        return next(n for n in self.nodes if "control-plane" in n.roles)

    def node(self, name: str) -> Optional[NodeSpec]:
        """The node named `name` (by index: every kubelet looks its node up once, and a scan of
        5,000 nodes per node made the build quadratic)."""
        return self._nodes_by_name.get(name)

    @functools.cached_property
    def _nodes_by_name(self) -> dict[str, NodeSpec]:
        return {n.name: n for n in self.nodes}

    def epoch(self, which: str) -> float:
        text = self.created if which == "created" else self.now
        return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=UTC).timestamp()

    def with_nodes(self, count: int) -> Profile:
        """The same cluster with `count` nodes: its control plane and `count - 1` workers, whose
        names, addresses and pod CIDRs continue the profile's pattern. The cluster CIDR widens
        (as `--cluster-cidr` would be set) when it has fewer /24s than nodes."""
        import ipaddress

        cp = self.control_plane
        template = next((n for n in self.nodes if n is not cp), cp)
        cluster = ipaddress.ip_network(self.cluster_cidr)
        while cluster.num_addresses // 256 < count and cluster.prefixlen > 8:
            cluster = cluster.supernet()
        cp_subnet = ipaddress.ip_network(cp.pod_cidr)
        free = (net for net in cluster.subnets(new_prefix=24) if net != cp_subnet)
        base_ip = ipaddress.ip_address(template.internal_ip)
        workers = tuple(
            replace(template, name=template.name if i == 0 else _numbered(template.name, i),
                    internal_ip=str(base_ip + i), pod_cidr=str(next(free)))
            for i in range(max(count - 1, 0)))
        return replace(self, nodes=(cp, *workers), cluster_cidr=str(cluster))


def _numbered(name: str, i: int) -> str:
    stem = name.rstrip("0123456789").rstrip("-")
    return f"{stem}-{i + 1}" if name != stem else f"{name}{i + 1}"


KUBEADM = Profile(
    name="kubeadm",
    version=Version(1, 32, 4),
    nodes=(
        NodeSpec("control-plane", "192.168.56.10", "10.244.0.0/24", roles=("control-plane",),
                 taints=(("node-role.kubernetes.io/control-plane", "", "NoSchedule"),),
                 images=CONTROL_PLANE_IMAGES_132),
        NodeSpec("worker-1", "192.168.56.11", "10.244.1.0/24", images=WORKER_IMAGES_132),
        NodeSpec("worker-2", "192.168.56.12", "10.244.2.0/24", images=WORKER_IMAGES_132),
    ),
    runtime="containerd://1.7.24",
    os_image="Ubuntu 24.04.1 LTS",
    kernel="6.8.0-51-generic",
    service_cidr="10.96.0.0/12",
    cluster_cidr="10.244.0.0/16",
    created="2025-11-20T09:00:00Z",
    now="2025-11-22T10:00:00Z",
    default_storage_class=True,
)

# The course's cluster (seed notes, "Shared environment"): kubeadm v1.23.3 on two Ubuntu VMs,
# docker runtime, flannel 10.10.0.0/16. Images the course uses were already on the worker.
COURSE_IMAGES = (
    "nginx:alpine", "nginx:1.21-alpine", "nginx:1.22-alpine", "nginx:1.23-alpine", "redis:5-alpine",
    "busybox", "mariadb:10", "wordpress:5", "nginx/nginx-ingress:2.2-alpine",
    "chronolaw/nfs-subdir-external-provisioner:v4.0.2",
)
COURSE = Profile(
    name="course",
    version=Version(1, 23, 3),
    nodes=(
        NodeSpec("mac-master", "192.168.191.144", "10.10.0.0/24", roles=("control-plane", "master"),
                 taints=(("node-role.kubernetes.io/master", "", "NoSchedule"),),
                 images=CONTROL_PLANE_IMAGES_123 + COURSE_IMAGES, first_pod_ip=2),
        NodeSpec("mac-worker", "192.168.191.146", "10.10.1.0/24", first_pod_ip=32,
                 images=("k8s.gcr.io/kube-proxy:v1.23.3", "k8s.gcr.io/pause:3.6") + COURSE_IMAGES),
    ),
    runtime="docker://20.10.24",
    os_image="Ubuntu 22.04.2 LTS",
    kernel="5.15.0-75-generic",
    service_cidr="10.96.0.0/12",
    cluster_cidr="10.10.0.0/16",
    created="2023-06-10T06:00:00Z",
    now="2023-06-17T15:12:00Z",
)

PROFILES: dict[str, Profile] = {p.name: p for p in (KUBEADM, COURSE)}


def get_profile(name: str, nodes: int | None = None) -> Profile:
    try:
        profile = PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown profile {name!r}; choose one of: {', '.join(sorted(PROFILES))}") from None
    return profile.with_nodes(nodes) if nodes is not None else profile
