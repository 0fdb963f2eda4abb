"""What `kubeadm init` + `kubeadm join` + a CNI leave behind, written into a fresh store.

Nodes (with the labels, annotations, conditions and nodeInfo a real kubelet reports), the system
namespaces, the `kubernetes` and `kube-dns` Services, the static control-plane pods (mirror
pods, already running), and the CoreDNS Deployment, which the controllers then run like any
other workload. A profile that asks for a default StorageClass also gets rancher's
local-path-provisioner in ``local-path-storage`` and kind's ``standard`` class.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from kubenb.api import rbac_policy
from kubenb.api.codec import decode
from kubenb.profiles import NodeSpec

if TYPE_CHECKING:
    from kubenb.cluster import Cluster

SYSTEM_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")


# Workers run `kubeadm join` this long after `kubeadm init` (CoreDNS is running on the control
# plane by then, as on a real cluster).
JOIN_AFTER_SECONDS = 120.0


def bootstrap(cluster: Cluster) -> None:
    """`kubeadm init` now, the CNI right after, and `kubeadm join` of every worker a little later."""
    p = cluster.profile
    create = lambda d, **kw: cluster.store.create(decode(cluster.registry, d), **kw)  # noqa: E731
    for ns in (*SYSTEM_NAMESPACES, p.cni_namespace, *p.extra_namespaces):
        create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
    # the API server's post-start hook writes its bootstrap RBAC policy
    for doc in (*rbac_policy.cluster_roles(cluster.version.minor), *rbac_policy.cluster_role_bindings()):
        create(doc)
    cp = p.control_plane
    _join(cluster, cp)
    create(_service("kubernetes", "default", _nth_ip(p.service_cidr, 1),
                    [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": p.api_port}],
                    None, {"component": "apiserver", "provider": "kubernetes"}))
    create({"apiVersion": "v1", "kind": "Endpoints",  # kept by the API server itself, not a controller
            "metadata": {"name": "kubernetes", "namespace": "default",
                         "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
            "subsets": [{"addresses": [{"ip": cp.internal_ip}],
                         "ports": [{"name": "https", "port": p.api_port, "protocol": "TCP"}]}]})
    create({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": "kubernetes", "namespace": "default",
                         "labels": {"kubernetes.io/service-name": "kubernetes"}},
            "addressType": "IPv4",
            "endpoints": [{"addresses": [cp.internal_ip], "conditions": {"ready": True}}],
            "ports": [{"name": "https", "port": p.api_port, "protocol": "TCP"}]})
    create(_service("kube-dns", "kube-system", _nth_ip(p.service_cidr, 10), [
        {"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
        {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
        {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153},
    ], {"k8s-app": "kube-dns"}, {"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true",
                                 "kubernetes.io/name": "CoreDNS"},
        {"prometheus.io/port": "9153", "prometheus.io/scrape": "true"}))
    node_uid = cluster.store.get("Node", "", cp.name).metadata.uid
    for component, image in _control_plane_images(cluster):
        create(_static_pod(cluster, component, image, cp, node_uid), keep_status=True)
    create(_coredns(cluster))
    create(_daemonset("kube-proxy", "kube-system", {"k8s-app": "kube-proxy"},
                      _image(cluster, "kube-proxy"), host_network=True, critical="system-node-critical"))
    create(_daemonset("kube-flannel-ds", p.cni_namespace, {"app": "flannel", "k8s-app": "flannel"},
                      "docker.io/flannel/flannel:v0.26.1" if cluster.version.minor >= 30
                      else "rancher/mirrored-flannelcni-flannel:v0.17.0",
                      host_network=True, critical="system-node-critical", tolerate_all=True))
    if p.default_storage_class:
        for obj in _local_path_storage(cp_taint=cp.taints[0][0] if cp.taints else ""):
            create(obj)
    workers = [n for n in p.nodes if n is not cp]
    cluster.loop.call_later(JOIN_AFTER_SECONDS, lambda: [_join(cluster, n) for n in workers])


def _join(cluster: Cluster, spec: NodeSpec) -> None:
    cluster.store.create(decode(cluster.registry, _node(cluster, spec)), keep_status=True)
    cluster.kubelet.add_node(spec.name, set(spec.images), spec.pod_cidr, spec.first_pod_ip)


def _image(cluster: Cluster, name: str) -> str:
    return next(i for i in cluster.profile.control_plane.images if i.rsplit("/", 1)[-1].startswith(name + ":"))


def _daemonset(name: str, namespace: str, labels: dict[str, str], image: str, *, host_network: bool,
               critical: str, tolerate_all: bool = False) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "containers": [{"name": name.removesuffix("-ds"), "image": image, "imagePullPolicy": "IfNotPresent"}],
        "hostNetwork": host_network, "nodeSelector": {"kubernetes.io/os": "linux"},
        "priorityClassName": critical,
        "tolerations": [{"operator": "Exists"}] if tolerate_all else [{"operator": "Exists"}],
    }
    return {"apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": name, "namespace": namespace, "labels": labels},
            "spec": {"selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels}, "spec": spec},
                     "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}},
                     "revisionHistoryLimit": 10}}


def _nth_ip(cidr: str, n: int) -> str:
    import ipaddress

    return str(ipaddress.ip_network(cidr).network_address + n)


def _control_plane_images(cluster: Cluster) -> list[tuple[str, str]]:
    names = ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler")
    images = {img.rsplit("/", 1)[-1].split(":")[0]: img for img in cluster.profile.control_plane.images}
    return [(n, images[n]) for n in names]


def _node(cluster: Cluster, spec: NodeSpec) -> dict[str, Any]:
    p = cluster.profile
    minor = cluster.version.minor
    now = cluster.clock.rfc3339()
    labels = {
        "beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": spec.name, "kubernetes.io/os": "linux",
    }
    for role in spec.roles:
        labels[f"node-role.kubernetes.io/{role}"] = ""
    if "control-plane" in spec.roles:
        labels["node.kubernetes.io/exclude-from-external-load-balancers"] = ""
    socket = "/var/run/dockershim.sock" if p.runtime_prefix == "docker" else "unix:///var/run/containerd/containerd.sock"
    digest = hashlib.sha256(f"{cluster.seed}:{spec.name}".encode()).hexdigest()
    memory_alloc = spec.memory_ki - 102_400  # kubelet's default eviction threshold: memory.available<100Mi
    ready_msg = "kubelet is posting ready status" + (". AppArmor enabled" if minor < 27 else "")

    def condition(type_: str, status: str, reason: str, message: str) -> dict[str, str]:
        return {"type": type_, "status": status, "lastHeartbeatTime": now, "lastTransitionTime": now,
                "reason": reason, "message": message}

    return {
        "apiVersion": "v1", "kind": "Node",
        "metadata": {
            "name": spec.name, "labels": labels,
            "annotations": {
                "flannel.alpha.coreos.com/backend-data": '{"VNI":1,"VtepMAC":"' + _mac(digest) + '"}',
                "flannel.alpha.coreos.com/backend-type": "vxlan",
                "flannel.alpha.coreos.com/kube-subnet-manager": "true",
                "flannel.alpha.coreos.com/public-ip": spec.internal_ip,
                "kubeadm.alpha.kubernetes.io/cri-socket": socket,
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
        },
        "spec": {
            "podCIDR": spec.pod_cidr, "podCIDRs": [spec.pod_cidr],
            **({"taints": [{"key": k, "value": v or None, "effect": e} for k, v, e in spec.taints]} if spec.taints else {}),
        },
        "status": {
            "capacity": {"cpu": spec.cpu, "ephemeral-storage": "64768Mi", "hugepages-1Gi": "0",
                         "hugepages-2Mi": "0", "memory": f"{spec.memory_ki}Ki", "pods": str(spec.pods)},
            "allocatable": {"cpu": spec.cpu, "ephemeral-storage": "61124888636", "hugepages-1Gi": "0",
                            "hugepages-2Mi": "0", "memory": f"{memory_alloc}Ki", "pods": str(spec.pods)},
            "conditions": [
                condition("NetworkUnavailable", "False", "FlannelIsUp", "Flannel is running on this node"),
                condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                condition("Ready", "True", "KubeletReady", ready_msg),
            ],
            "addresses": [{"type": "InternalIP", "address": spec.internal_ip}, {"type": "Hostname", "address": spec.name}],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "machineID": digest[:32], "systemUUID": _uuid(digest[32:]), "bootID": _uuid(digest[:32][::-1]),
                "kernelVersion": p.kernel, "osImage": p.os_image, "containerRuntimeVersion": p.runtime,
                "kubeletVersion": cluster.version.git_version, "kubeProxyVersion": cluster.version.git_version,
                "operatingSystem": "linux", "architecture": "amd64",
            },
        },
    }


def _mac(digest: str) -> str:
    return ":".join(digest[i:i + 2] for i in range(0, 12, 2))


def _uuid(hex32: str) -> str:
    h = hex32.ljust(32, "0")
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def _service(name: str, namespace: str, ip: str, ports: list[dict], selector: Any, labels: dict,
             annotations: Any = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "namespace": namespace, "labels": labels}
    if annotations:
        meta["annotations"] = annotations
    spec: dict[str, Any] = {"clusterIP": ip, "clusterIPs": [ip], "ports": ports, "type": "ClusterIP",
                            "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack"}
    if selector:
        spec["selector"] = selector
    return {"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": spec}


def _static_pod(cluster: Cluster, component: str, image: str, node: NodeSpec, node_uid: str) -> dict[str, Any]:
    """A mirror pod: the API's view of a static pod the kubelet runs from /etc/kubernetes/manifests."""
    now = cluster.clock.rfc3339()
    digest = hashlib.sha256(f"{cluster.seed}:{component}".encode()).hexdigest()
    prefix = cluster.profile.runtime_prefix
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {
            "name": f"{component}-{node.name}", "namespace": "kube-system",
            "labels": {"component": component, "tier": "control-plane"},
            "annotations": {"kubernetes.io/config.hash": digest[:32], "kubernetes.io/config.mirror": digest[:32],
                            "kubernetes.io/config.seen": now.replace("Z", ".000000000Z"),
                            "kubernetes.io/config.source": "file"},
            "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": node.name, "uid": node_uid,
                                 "controller": True}],
        },
        "spec": {
            "containers": [{"name": component, "image": image, "imagePullPolicy": "IfNotPresent",
                            "command": [component]}],
            "hostNetwork": True, "nodeName": node.name, "priorityClassName": "system-node-critical",
            "priority": 2000001000, "tolerations": [{"operator": "Exists", "effect": "NoExecute"}],
            "automountServiceAccountToken": False,
        },
        "status": {
            "phase": "Running", "hostIP": node.internal_ip, "podIP": node.internal_ip,
            "podIPs": [{"ip": node.internal_ip}], "startTime": now, "qosClass": "Burstable",
            "conditions": [{"type": t, "status": "True", "lastProbeTime": None, "lastTransitionTime": now}
                           for t in ("Initialized", "Ready", "ContainersReady", "PodScheduled")],
            "containerStatuses": [{
                "name": component, "image": image, "imageID": f"{prefix}-pullable://{image}" if prefix == "docker" else image,
                "containerID": f"{prefix}://{digest}", "ready": True, "restartCount": 0, "started": True,
                "state": {"running": {"startedAt": now}}}],
        },
    }


def _coredns(cluster: Cluster) -> dict[str, Any]:
    image = next(i for i in cluster.profile.control_plane.images if "coredns" in i)
    cp_taint = cluster.profile.control_plane.taints[0][0]
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "coredns", "namespace": "kube-system", "labels": {"k8s-app": "kube-dns"}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"k8s-app": "kube-dns"}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}},
            "template": {
                "metadata": {"labels": {"k8s-app": "kube-dns"}},
                "spec": {
                    "containers": [{
                        "name": "coredns", "image": image, "imagePullPolicy": "IfNotPresent",
                        "args": ["-conf", "/etc/coredns/Corefile"],
                        "ports": [{"containerPort": 53, "name": "dns", "protocol": "UDP"},
                                  {"containerPort": 53, "name": "dns-tcp", "protocol": "TCP"},
                                  {"containerPort": 9153, "name": "metrics", "protocol": "TCP"}],
                        "resources": {"limits": {"memory": "170Mi"}, "requests": {"cpu": "100m", "memory": "70Mi"}},
                    }],
                    "dnsPolicy": "Default",
                    "nodeSelector": {"kubernetes.io/os": "linux"},
                    "priorityClassName": "system-cluster-critical",
                    "serviceAccountName": "coredns",
                    "tolerations": [{"key": "CriticalAddonsOnly", "operator": "Exists"},
                                    {"key": cp_taint, "effect": "NoSchedule"}],
                },
            },
        },
    }


LOCAL_PATH_NS = "local-path-storage"
LOCAL_PATH_SA = "local-path-provisioner-service-account"
LOCAL_PATH_CONFIG = '{\n  "nodePathMap": [\n    {\n      "node": "DEFAULT_PATH_FOR_NON_LISTED_NODES",\n' \
                    '      "paths": ["/opt/local-path-provisioner"]\n    }\n  ]\n}\n'


def _local_path_storage(cp_taint: str) -> list[dict[str, Any]]:
    """rancher's ``local-path-storage.yaml`` as kind installs it, with kind's default class ``standard``."""
    labels = {"app": "local-path-provisioner"}
    rules = [
        {"apiGroups": [""], "resources": ["nodes", "persistentvolumeclaims", "configmaps", "pods", "pods/log"],
         "verbs": ["get", "list", "watch"]},
        {"apiGroups": [""], "resources": ["persistentvolumes"],
         "verbs": ["get", "list", "watch", "create", "patch", "update", "delete"]},
        {"apiGroups": [""], "resources": ["events"], "verbs": ["create", "patch"]},
        {"apiGroups": ["storage.k8s.io"], "resources": ["storageclasses"], "verbs": ["get", "list", "watch"]},
    ]
    subject = [{"kind": "ServiceAccount", "name": LOCAL_PATH_SA, "namespace": LOCAL_PATH_NS}]
    rbac = "rbac.authorization.k8s.io/v1"
    tolerations = [{"key": cp_taint, "operator": "Exists", "effect": "NoSchedule"}] if cp_taint else []
    return [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": LOCAL_PATH_NS}},
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": LOCAL_PATH_SA, "namespace": LOCAL_PATH_NS}},
        {"apiVersion": rbac, "kind": "Role", "metadata": {"name": "local-path-provisioner-role", "namespace": LOCAL_PATH_NS},
         "rules": [{"apiGroups": [""], "resources": ["pods"],
                    "verbs": ["get", "list", "watch", "create", "patch", "update", "delete"]}]},
        {"apiVersion": rbac, "kind": "ClusterRole", "metadata": {"name": "local-path-provisioner-role"}, "rules": rules},
        {"apiVersion": rbac, "kind": "RoleBinding", "metadata": {"name": "local-path-provisioner-bind", "namespace": LOCAL_PATH_NS},
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "local-path-provisioner-role"},
         "subjects": subject},
        {"apiVersion": rbac, "kind": "ClusterRoleBinding", "metadata": {"name": "local-path-provisioner-bind"},
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "local-path-provisioner-role"},
         "subjects": subject},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "local-path-config", "namespace": LOCAL_PATH_NS},
         "data": {"config.json": LOCAL_PATH_CONFIG}},
        {"apiVersion": "apps/v1", "kind": "Deployment",
         "metadata": {"name": "local-path-provisioner", "namespace": LOCAL_PATH_NS},
         "spec": {"replicas": 1, "selector": {"matchLabels": labels},
                  "template": {"metadata": {"labels": labels}, "spec": {
                      "serviceAccountName": LOCAL_PATH_SA,
                      "nodeSelector": {"kubernetes.io/os": "linux"},
                      "tolerations": tolerations,
                      "containers": [{
                          "name": "local-path-provisioner", "image": "docker.io/rancher/local-path-provisioner:v0.0.31",
                          "imagePullPolicy": "IfNotPresent",
                          "command": ["local-path-provisioner", "--debug", "start", "--config", "/etc/config/config.json"],
                          "volumeMounts": [{"name": "config-volume", "mountPath": "/etc/config/"}],
                          "env": [{"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
                                  {"name": "CONFIG_MOUNT_PATH", "value": "/etc/config/"}]}],
                      "volumes": [{"name": "config-volume", "configMap": {"name": "local-path-config"}}]}}}},
        {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
         "metadata": {"name": "standard", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
         "provisioner": "rancher.io/local-path", "reclaimPolicy": "Delete", "volumeBindingMode": "WaitForFirstConsumer"},
    ]
