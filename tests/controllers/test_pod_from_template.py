"""A ReplicaSet's pods share their template's parts (no deep copy per pod), yet what pod admission
and defaulting add to a pod (the service-account volume and its mounts, requests from limits,
tolerations) never reaches the stored template."""

from __future__ import annotations

from kubenb import Cluster
from kubenb.api.base import deep_copy

APP = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      initContainers: [{name: init, image: busybox, command: ["true"]}]
      containers:
      - name: c
        image: nginx:alpine
        ports: [{containerPort: 80}]
        resources: {limits: {cpu: 100m, memory: 64Mi}}
        readinessProbe: {httpGet: {path: /, port: 80}}
"""


def test_pods_share_the_template_and_admission_leaves_it_alone() -> None:
    c = Cluster(profile="kubeadm", nodes=2, pace=0)
    c.apply(APP)
    rs = c.store.list("ReplicaSet", "default")[0]
    before = deep_copy(rs.spec.template)
    c.sleep(30)
    pods = c.store.list("Pod", "default")
    assert len(pods) == 3
    template = c.store.get("ReplicaSet", "default", rs.metadata.name).spec.template
    assert template == before
    spec = template.spec
    assert spec.volumes is None and spec.tolerations is None
    for c_ in (*spec.init_containers, *spec.containers):
        assert c_.volume_mounts is None
    assert spec.containers[0].resources.requests is None
    for pod in pods:
        container = pod.spec.containers[0]
        assert container.resources.requests == container.resources.limits  # defaulted on the pod only
        assert [m.mount_path for m in container.volume_mounts] == ["/var/run/secrets/kubernetes.io/serviceaccount"]
    first, second = (p.spec.containers[0] for p in pods[:2])  # created from one template: parts shared
    assert first is not second and first.readiness_probe is second.readiness_probe and first.ports is second.ports


DAEMON = """\
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: default}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}, annotations: {note: kept}}
    spec:
      tolerations: [{key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule}]
      affinity:
        nodeAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - {weight: 1, preference: {matchExpressions: [{key: zone, operator: In, values: [a]}]}}
      containers:
      - name: c
        image: nginx:alpine
        ports: [{containerPort: 80}]
        resources: {limits: {cpu: 100m}}
"""


def test_daemon_pods_share_the_template_and_admission_leaves_it_alone() -> None:
    """A DaemonSet's pods are built from the stored template's parts (no JSON round trip per pod):
    pinned to their node beside the template's own affinity, given the DaemonSet tolerations after
    the template's, while the template itself keeps none of what was added to the pods."""
    c = Cluster(profile="kubeadm", nodes=2, pace=0)
    c.apply(DAEMON)
    ds = c.store.get("DaemonSet", "default", "agent")
    before = deep_copy(ds.spec.template)
    c.sleep(30)
    pods = sorted(c.store.list("Pod", "default"), key=lambda p: p.spec.node_name or "")
    nodes = sorted(n.metadata.name for n in c.store.list("Node"))
    assert [p.spec.node_name for p in pods] == nodes
    assert c.store.get("DaemonSet", "default", "agent").spec.template == before
    for pod, node in zip(pods, nodes, strict=True):
        assert pod.metadata.annotations == {"note": "kept"}
        assert pod.metadata.labels["app"] == "agent" and pod.metadata.labels["pod-template-generation"] == "1"
        affinity = pod.spec.affinity.node_affinity
        terms = affinity.required_during_scheduling_ignored_during_execution.node_selector_terms
        assert [(f.key, f.operator, f.values) for f in terms[0].match_fields] == [("metadata.name", "In", [node])]
        assert affinity.preferred_during_scheduling_ignored_during_execution[0].weight == 1
        keys = [t.key for t in pod.spec.tolerations]
        assert keys[:3] == ["node-role.kubernetes.io/control-plane", "node.kubernetes.io/not-ready",
                            "node.kubernetes.io/unreachable"]
        assert pod.spec.containers[0].resources.requests == {"cpu": "100m"}
    assert pods[0].spec.containers[0].ports is pods[1].spec.containers[0].ports
