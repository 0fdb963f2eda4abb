"""The scheduler's node cache: each node's requested resources and host ports follow the pods
bound to it, through status writes, finishing and deletion, without reading the store."""

from __future__ import annotations

from kubenb import Cluster
from kubenb.scheduler.resources import Request, pod_request

POD = """\
apiVersion: v1
kind: Pod
metadata: {{name: {name}}}
spec:
  nodeName: {node}
  restartPolicy: Never
  containers:
  - name: c
    image: busybox
    command: [sh, -c, "{command}"]
    resources: {{requests: {{cpu: 250m, memory: 64Mi}}}}
    ports: [{{containerPort: 80, hostPort: {port}}}]
"""


def _usage(c: Cluster, node: str) -> tuple[Request, set]:
    """What the bound, unfinished pods of `node` request, summed from the store."""
    total = Request(0, 0, 0)
    ports = set()
    for p in c.store.list("Pod"):
        if p.spec.node_name == node and p.status.phase not in ("Succeeded", "Failed"):
            total = total + pod_request(p.spec)
            ports |= {("0.0.0.0", "TCP", port.host_port) for ct in p.spec.containers for port in ct.ports or ()
                      if port.host_port}
    return total, ports


def test_a_nodes_usage_follows_its_pods_through_writes_finishing_and_deletion():
    c = Cluster("kubeadm", pace=0)
    node = "worker-1"
    c.apply(POD.format(name="long", node=node, command="sleep 3600", port=8080))
    c.apply(POD.format(name="short", node=node, command="true", port=8081))
    info = c.scheduler.cache.get(node)
    c.sleep(1)
    assert info.requested == _usage(c, node)[0] and info.host_ports == _usage(c, node)[1]
    assert {("0.0.0.0", "TCP", 8080), ("0.0.0.0", "TCP", 8081)} <= info.host_ports
    c.sleep(30)  # `short` has finished: its room and port are free again
    assert c.get("Pod", "short").status.phase == "Succeeded"
    assert info.requested == _usage(c, node)[0] and ("0.0.0.0", "TCP", 8081) not in info.host_ports
    before, long = info.requested, pod_request(c.get("Pod", "long").spec)
    c.kubectl("delete pod long --wait=false")
    c.sleep(60)
    assert c.store.try_get("Pod", "default", "long") is None
    assert info.requested == _usage(c, node)[0] == before - long
    assert ("0.0.0.0", "TCP", 8080) not in info.host_ports


def test_nodes_are_listed_in_the_stores_order_and_a_deleted_node_leaves_the_list():
    c = Cluster("kubeadm", pace=0)
    assert [i.node.metadata.name for i in c.scheduler.cache.nodes()] == [n.metadata.name for n in c.store.list("Node")]
    c.kubectl("delete node worker-2")
    assert "worker-2" not in [i.node.metadata.name for i in c.scheduler.cache.nodes()]
    assert c.scheduler.cache.get("worker-2") is None
