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
