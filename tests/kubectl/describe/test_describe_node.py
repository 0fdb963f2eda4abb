"""A ``kubectl describe node`` golden: Lease, Conditions, Capacity/Allocatable, System Info, the
``Non-terminated Pods`` table with per-pod percentages, and the ``Allocated resources`` totals
(memory requests of ``64M + 32M + 70Mi`` add up, in the first addend's DecimalSI format, to
``169400320``).

the course notes has only fragments of node descriptions (§2.3: ``Name``/``Roles``/``Taints``
lines). The full expected text is a real one from a v1.24.4 kubeadm cluster (Calico), published
in a public course repository (a Russian-language Kubernetes practice write-up, Oct 2022). Its
times were printed in +0200; kubenb's clock is UTC, so :func:`to_utc` rewrites them (the column
widths do not change).
"""

from __future__ import annotations

from describe_helpers import FakeLookup, at, model, to_utc

from kubenb.kubectl.describe import describe
from kubenb.kubectl.describe.common import fmt_time

NOW = "2022-10-05T15:31:57Z"


def node(extra_labels: dict | None = None, taints: list | None = None):
    hb, created = "2022-10-05T15:31:55Z", "2022-10-05T12:40:58Z"
    return model("Node", {
        "metadata": {"name": "node1", "uid": "uid-node1", "creationTimestamp": created,
                     "labels": {"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
                                "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": "node1",
                                "kubernetes.io/os": "linux", **(extra_labels or {})},
                     "annotations": {
                         "kubeadm.alpha.kubernetes.io/cri-socket": "unix:////var/run/containerd/containerd.sock",
                         "node.alpha.kubernetes.io/ttl": "0",
                         "projectcalico.org/IPv4Address": "10.240.0.21/16",
                         "projectcalico.org/IPv4VXLANTunnelAddr": "10.200.166.128",
                         "volumes.kubernetes.io/controller-managed-attach-detach": "true"}},
        "spec": {"podCIDR": "10.200.1.0/24", "podCIDRs": ["10.200.1.0/24"], "taints": taints},
        "status": {
            "capacity": {"cpu": "2", "ephemeral-storage": "52574180Ki", "hugepages-2Mi": "0",
                         "memory": "2030664Ki", "pods": "110"},
            "allocatable": {"cpu": "1900m", "ephemeral-storage": "48452364208", "hugepages-2Mi": "0",
                            "memory": "1666120Ki", "pods": "110"},
            "conditions": [
                {"type": "NetworkUnavailable", "status": "False", "lastHeartbeatTime": "2022-10-05T13:16:03Z",
                 "lastTransitionTime": "2022-10-05T13:16:03Z", "reason": "CalicoIsUp",
                 "message": "Calico is running on this node"},
                {"type": "MemoryPressure", "status": "False", "lastHeartbeatTime": hb, "lastTransitionTime": created,
                 "reason": "KubeletHasSufficientMemory", "message": "kubelet has sufficient memory available"},
                {"type": "DiskPressure", "status": "False", "lastHeartbeatTime": hb, "lastTransitionTime": created,
                 "reason": "KubeletHasNoDiskPressure", "message": "kubelet has no disk pressure"},
                {"type": "PIDPressure", "status": "False", "lastHeartbeatTime": hb, "lastTransitionTime": created,
                 "reason": "KubeletHasSufficientPID", "message": "kubelet has sufficient PID available"},
                {"type": "Ready", "status": "True", "lastHeartbeatTime": hb,
                 "lastTransitionTime": "2022-10-05T12:43:23Z", "reason": "KubeletReady",
                 "message": "kubelet is posting ready status. AppArmor enabled"},
            ],
            "addresses": [{"type": "InternalIP", "address": "10.240.0.21"}, {"type": "Hostname", "address": "node1"}],
            "nodeInfo": {"machineID": "23000007c6cce07e92a130b95728bddb",
                         "systemUUID": "23000007-c6cc-e07e-92a1-30b95728bddb",
                         "bootID": "705ff29e-11f6-45b9-83d0-5f06941bdc90", "kernelVersion": "5.4.0-124-generic",
                         "osImage": "Ubuntu 20.04.4 LTS", "containerRuntimeVersion": "containerd://1.6.8",
                         "kubeletVersion": "v1.24.4", "kubeProxyVersion": "v1.24.4", "operatingSystem": "linux",
                         "architecture": "amd64"},
        },
    })


def pod(namespace: str, name: str, age_minutes: int, requests: dict | None = None, limits: dict | None = None,
        node_name: str = "node1", phase: str = "Running"):
    created = at(NOW) - age_minutes * 60 - 30
    return model("Pod", {
        "metadata": {"name": name, "namespace": namespace, "uid": f"uid-{name}",
                     "creationTimestamp": fmt_rfc3339(created)},
        "spec": {"nodeName": node_name, "containers": [
            {"name": "c", "image": "x", "resources": {"requests": requests or {}, "limits": limits or {}}}]},
        "status": {"phase": phase},
    })


def fmt_rfc3339(t: float) -> str:
    from kubenb.sim.clock import format_rfc3339

    return format_rfc3339(t)


def lease():
    return {"kind": "Lease", "metadata": {"name": "node1", "namespace": "kube-node-lease"},
            "spec": {"holderIdentity": "node1", "leaseDurationSeconds": 40, "renewTime": "2022-10-05T15:31:53.123456Z"}}


def test_describe_node_v1_24():
    pods = [
        pod("default", "backend-76b5c84476-q2v6g", 59),
        pod("default", "frontend-757fc9f598-gcrkw", 59),
        pod("default", "postgres-sts-0", 139),
        pod("kube-system", "calico-node-gk26k", 170, {"cpu": "150m", "memory": "64M"},
            {"cpu": "300m", "memory": "500M"}),
        pod("kube-system", "kube-proxy-pzwzc", 170),
        pod("kube-system", "nginx-proxy-node1", 170, {"cpu": "25m", "memory": "32M"}),
        pod("kube-system", "nodelocaldns-pn9qq", 169, {"cpu": "100m", "memory": "70Mi"}, {"memory": "200Mi"}),
        pod("kubernetes-dashboard", "kubernetes-dashboard-6c75475678-bc9q2", 167),
        # not on this node, or terminated: not listed
        pod("default", "elsewhere", 10, node_name="node2"),
        pod("default", "finished", 10, {"cpu": "1"}, phase="Succeeded"),
    ]
    lookup = FakeLookup([node(), lease(), *pods], now=at(NOW), minor=24)
    text = describe(lookup, node())
    assert text == to_utc(NODE_TEXT).lstrip("\n")


def test_node_roles_and_taints():
    n = node({"node-role.kubernetes.io/control-plane": "", "node-role.kubernetes.io/master": ""}, [
        {"key": "node-role.kubernetes.io/master", "effect": "NoSchedule"},
        {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute", "timeAdded": "2022-10-05T15:00:00Z"},
        {"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}])
    text = describe(FakeLookup([n], now=at(NOW), minor=23), n)
    assert "Roles:              control-plane,master\n" in text
    # sorted by effect, then key: NoExecute before NoSchedule
    assert ("Taints:             node.kubernetes.io/unreachable:NoExecute\n"
            "                    dedicated=gpu:NoSchedule\n"
            "                    node-role.kubernetes.io/master:NoSchedule\n") in text
    assert 'Lease:              Failed to get lease: leases.coordination.k8s.io "node1" not found\n' in text
    assert fmt_time(None) == "Mon, 01 Jan 0001 00:00:00 +0000"


NODE_TEXT = """
Name:               node1
Roles:              <none>
Labels:             beta.kubernetes.io/arch=amd64
                    beta.kubernetes.io/os=linux
                    kubernetes.io/arch=amd64
                    kubernetes.io/hostname=node1
                    kubernetes.io/os=linux
Annotations:        kubeadm.alpha.kubernetes.io/cri-socket: unix:////var/run/containerd/containerd.sock
                    node.alpha.kubernetes.io/ttl: 0
                    projectcalico.org/IPv4Address: 10.240.0.21/16
                    projectcalico.org/IPv4VXLANTunnelAddr: 10.200.166.128
                    volumes.kubernetes.io/controller-managed-attach-detach: true
CreationTimestamp:  Wed, 05 Oct 2022 14:40:58 +0200
Taints:             <none>
Unschedulable:      false
Lease:
  HolderIdentity:  node1
  AcquireTime:     <unset>
  RenewTime:       Wed, 05 Oct 2022 17:31:53 +0200
Conditions:
  Type                 Status  LastHeartbeatTime                 LastTransitionTime                Reason                       Message
  ----                 ------  -----------------                 ------------------                ------                       -------
  NetworkUnavailable   False   Wed, 05 Oct 2022 15:16:03 +0200   Wed, 05 Oct 2022 15:16:03 +0200   CalicoIsUp                   Calico is running on this node
  MemoryPressure       False   Wed, 05 Oct 2022 17:31:55 +0200   Wed, 05 Oct 2022 14:40:58 +0200   KubeletHasSufficientMemory   kubelet has sufficient memory available
  DiskPressure         False   Wed, 05 Oct 2022 17:31:55 +0200   Wed, 05 Oct 2022 14:40:58 +0200   KubeletHasNoDiskPressure     kubelet has no disk pressure
  PIDPressure          False   Wed, 05 Oct 2022 17:31:55 +0200   Wed, 05 Oct 2022 14:40:58 +0200   KubeletHasSufficientPID      kubelet has sufficient PID available
  Ready                True    Wed, 05 Oct 2022 17:31:55 +0200   Wed, 05 Oct 2022 14:43:23 +0200   KubeletReady                 kubelet is posting ready status. AppArmor enabled
Addresses:
  InternalIP:  10.240.0.21
  Hostname:    node1
Capacity:
  cpu:                2
  ephemeral-storage:  52574180Ki
  hugepages-2Mi:      0
  memory:             2030664Ki
  pods:               110
Allocatable:
  cpu:                1900m
  ephemeral-storage:  48452364208
  hugepages-2Mi:      0
  memory:             1666120Ki
  pods:               110
System Info:
  Machine ID:                 23000007c6cce07e92a130b95728bddb
  System UUID:                23000007-c6cc-e07e-92a1-30b95728bddb
  Boot ID:                    705ff29e-11f6-45b9-83d0-5f06941bdc90
  Kernel Version:             5.4.0-124-generic
  OS Image:                   Ubuntu 20.04.4 LTS
  Operating System:           linux
  Architecture:               amd64
  Container Runtime Version:  containerd://1.6.8
  Kubelet Version:            v1.24.4
  Kube-Proxy Version:         v1.24.4
PodCIDR:                      10.200.1.0/24
PodCIDRs:                     10.200.1.0/24
Non-terminated Pods:          (8 in total)
  Namespace                   Name                                     CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age
  ---------                   ----                                     ------------  ----------  ---------------  -------------  ---
  default                     backend-76b5c84476-q2v6g                 0 (0%)        0 (0%)      0 (0%)           0 (0%)         59m
  default                     frontend-757fc9f598-gcrkw                0 (0%)        0 (0%)      0 (0%)           0 (0%)         59m
  default                     postgres-sts-0                           0 (0%)        0 (0%)      0 (0%)           0 (0%)         139m
  kube-system                 calico-node-gk26k                        150m (7%)     300m (15%)  64M (3%)         500M (29%)     170m
  kube-system                 kube-proxy-pzwzc                         0 (0%)        0 (0%)      0 (0%)           0 (0%)         170m
  kube-system                 nginx-proxy-node1                        25m (1%)      0 (0%)      32M (1%)         0 (0%)         170m
  kube-system                 nodelocaldns-pn9qq                       100m (5%)     0 (0%)      70Mi (4%)        200Mi (12%)    169m
  kubernetes-dashboard        kubernetes-dashboard-6c75475678-bc9q2    0 (0%)        0 (0%)      0 (0%)           0 (0%)         167m
Allocated resources:
  (Total limits may be over 100 percent, i.e., overcommitted.)
  Resource           Requests        Limits
  --------           --------        ------
  cpu                275m (14%)      300m (15%)
  memory             169400320 (9%)  709715200 (41%)
  ephemeral-storage  0 (0%)          0 (0%)
  hugepages-2Mi      0 (0%)          0 (0%)
Events:              <none>
"""
