"""kube-proxy v1.32 (the kubeadm profile): KUBE-EXT/KUBE-SVL chains, `->` comments, traffic policies."""

from __future__ import annotations

import pytest

from kubenb.network import chains, run_host_shell

APP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: who
data:
  default.conf: |
    server {
      listen 80;
      location / {
        default_type text/plain;
        return 200 '$hostname $remote_addr\\n';
      }
    }
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 4
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      volumes:
      - name: conf
        configMap:
          name: who
      containers:
      - name: nginx
        image: nginx:alpine
        volumeMounts:
        - mountPath: /etc/nginx/conf.d
          name: conf
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  externalTrafficPolicy: Local
  sessionAffinity: ClientIP
  selector:
    app: web
  ports:
  - name: http
    port: 80
"""


@pytest.fixture
def local_web(kubeadm_net):
    cluster, boxes = kubeadm_net
    cluster.apply(APP)
    cluster.advance(60)
    return cluster, boxes


def endpoints(cluster) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in cluster.store.list("Pod", "default"):
        out.setdefault(p.spec.node_name, []).append(f"{p.status.pod_ip}:80")
    return {k: sorted(v) for k, v in out.items()}


def test_rules_of_a_local_node_port_service_with_affinity(local_web) -> None:
    cluster, _ = local_web
    svc = cluster.get("svc", "web")
    name = "default/web:http"
    svc_chain, svl, ext = (chains.service_chain(name, "tcp", p) for p in (chains.SVC, chains.SVL, chains.EXT))
    by_node = endpoints(cluster)
    assert set(by_node) == {"worker-1", "worker-2"}
    every = sorted(by_node["worker-1"] + by_node["worker-2"])
    saved = run_host_shell(cluster, "iptables-save -t nat | grep default/web", host="worker-1").stdout.splitlines()
    node_port = svc.spec.ports[0].node_port
    assert f'-A {ext} -s 10.244.0.0/16 -m comment --comment "pod traffic for {name} external destinations" ' \
           f"-j {svc_chain}" in saved
    assert f'-A {ext} -m comment --comment "masquerade LOCAL traffic for {name} external destinations" ' \
           "-m addrtype --src-type LOCAL -j KUBE-MARK-MASQ" in saved
    assert f'-A KUBE-NODEPORTS -d 127.0.0.0/8 -p tcp -m comment --comment "{name}" -m tcp --dport {node_port} ' \
           f"-m nfacct --nfacct-name  localhost_nps_accepted_pkts -j {ext}" in saved
    svl_rules = [line for line in saved if line.startswith(f"-A {svl} ")]
    local = by_node["worker-1"]
    seps = [chains.endpoint_chain(name, "tcp", e) for e in local]
    assert svl_rules[:len(local)] == [
        f'-A {svl} -m comment --comment "{name} -> {e}" -m recent --rcheck --seconds 10800 --reap --name {s} '
        f"--mask 255.255.255.255 --rsource -j {s}" for e, s in zip(local, seps, strict=True)]
    svc_rules = [line for line in saved if line.startswith(f"-A {svc_chain} ")]
    assert svc_rules[0] == (f"-A {svc_chain} ! -s 10.244.0.0/16 -d {svc.spec.cluster_ip}/32 -p tcp -m comment "
                            f'--comment "{name} cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ')
    assert len(svc_rules) == 1 + 2 * len(every)  # the masquerade rule, then affinity and balancing per endpoint
    assert "--probability 0.25000000000" in svc_rules[1 + len(every)]
    sep = chains.endpoint_chain(name, "tcp", local[0])
    assert f'-A {sep} -p tcp -m comment --comment "{name}" -m recent --set --name {sep} --mask 255.255.255.255 ' \
           f"--rsource -m tcp -j DNAT --to-destination {local[0]}" in saved


def test_local_policy_keeps_the_client_address_and_the_node(local_web) -> None:
    cluster, _ = local_web
    node_port = cluster.get("svc", "web").spec.ports[0].node_port
    names = {p.metadata.name: p.spec.node_name for p in cluster.store.list("Pod", "default")}
    for node, ip in (("worker-1", "192.168.56.11"), ("worker-2", "192.168.56.12")):
        out = run_host_shell(cluster, f"curl -s {ip}:{node_port}", host="workstation").stdout
        pod, client = out.split()
        assert names[pod] == node and client == "192.168.56.1"
    none_here = run_host_shell(cluster, f"curl -sS 192.168.56.10:{node_port}", host="workstation")
    assert none_here.returncode == 28  # no local endpoint on the control plane: dropped


def test_cluster_policy_masquerades(kubeadm_net) -> None:
    cluster, _ = kubeadm_net
    cluster.apply(APP.replace("  externalTrafficPolicy: Local\n", "").replace("  sessionAffinity: ClientIP\n", ""))
    cluster.advance(60)
    node_port = cluster.get("svc", "web").spec.ports[0].node_port
    names = {p.metadata.name: p.spec.node_name for p in cluster.store.list("Pod", "default")}
    for _ in range(10):
        pod, client = run_host_shell(cluster, f"curl -s 192.168.56.11:{node_port}", host="workstation").stdout.split()
        # SNAT to worker-1's cni0 for its own pods, to its flannel.1 address for worker-2's
        assert client == ("10.244.1.1" if names[pod] == "worker-1" else "10.244.1.0")


def test_affinity_sticks_per_client(local_web) -> None:
    cluster, boxes = local_web
    vip = cluster.get("svc", "web").spec.cluster_ip
    client = cluster.store.list("Pod", "default")[0].metadata.name
    answers = {boxes.exec("default", client, ["curl", "-s", vip])[0].split()[0] for _ in range(15)}
    assert len(answers) == 1
