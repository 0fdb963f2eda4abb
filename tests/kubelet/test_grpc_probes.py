"""gRPC probes (kubernetes.io "Define a gRPC liveness probe"): etcd answers grpc.health.v1 on its
client port; a port that does not speak gRPC times out the dial, an unknown service is NotFound --
in the kubelet's words, and the failing probe restarts the container."""

from __future__ import annotations

import pytest

ETCD = """\
apiVersion: v1
kind: Pod
metadata:
  name: etcd-with-grpc
spec:
  containers:
  - name: etcd
    image: registry.k8s.io/etcd:3.5.1-0
    command: [ "/usr/local/bin/etcd", "--data-dir",  "/var/lib/etcd", "--listen-client-urls", "http://0.0.0.0:2379", "--advertise-client-urls", "http://127.0.0.1:2379", "--log-level", "debug"]
    ports:
    - containerPort: 2379
    livenessProbe:
      grpc:
        port: {port}{service}
      initialDelaySeconds: 10
"""


def unhealthy(c):
    return [(e.message, e.count) for e in c.store.list("Event", "default") if e.reason == "Unhealthy"]


def test_the_documentation_example_stays_healthy(cluster):
    cluster.apply(ETCD.format(port=2379, service=""))
    cluster.sleep(120)
    cs = cluster.get("Pod", "etcd-with-grpc").status.container_statuses[0]
    assert cs.state.running is not None and cs.restart_count == 0
    assert unhealthy(cluster) == []
    assert "Liveness:       grpc <pod>:2379  delay=10s timeout=1s period=10s #success=1 #failure=3" in \
        cluster.kubectl("describe pod etcd-with-grpc").stdout


@pytest.mark.parametrize(("port", "service", "message"), [
    pytest.param(2380, "", 'timeout: failed to connect service "{ip}:2380" within 1s: context deadline exceeded',
                 id="not-grpc"),
    pytest.param(2999, "", 'timeout: failed to connect service "{ip}:2999" within 1s: context deadline exceeded',
                 id="closed-port"),
    pytest.param(2379, "\n        service: kv", "rpc error: code = NotFound desc = unknown service", id="unknown-service"),
])
def test_a_failing_grpc_probe_restarts_the_container(cluster, port, service, message):
    cluster.apply(ETCD.format(port=port, service=service))
    cluster.sleep(45)
    pod = cluster.get("Pod", "etcd-with-grpc")
    ((text, count),) = unhealthy(cluster)
    assert text == "Liveness probe failed: " + message.format(ip=pod.status.pod_ip)
    assert count == 3  # at 10, 20 and 30 s, then the kill
    assert pod.status.container_statuses[0].restart_count == 1
