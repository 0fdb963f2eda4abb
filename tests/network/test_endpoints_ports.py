"""Named target ports: a pod that lacks the Service's named port is no endpoint for that port.

Upstream's Endpoints controller skips the pod for that port (`podutil.FindPort` fails), and the
EndpointSlice reconciler keys slices by the ports each pod resolves, so the pod sits in a slice
without the port; kube-proxy then never sends that port's traffic to it.
"""

from __future__ import annotations

from collections import Counter

import pytest

from kubenb import Cluster

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: {name}
  labels:
    app: web
spec:
  containers:
  - name: nginx
    image: nginx:alpine
{ports}"""
NAMED = "    ports:\n    - name: web\n      containerPort: 80\n"
SVC = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: {target}
"""


def make(target: str, *pods: tuple[str, str]) -> Cluster:
    c = Cluster("course")
    for name, ports in pods:
        c.apply(POD.format(name=name, ports=ports))
    c.apply(SVC.format(target=target))
    c.advance(40)
    return c


def slices(c: Cluster) -> list[tuple[list[str], list]]:
    out = []
    for s in sorted(c.store.list("EndpointSlice", "default"), key=lambda s: s.metadata.name):
        if (s.metadata.labels or {}).get("kubernetes.io/service-name") == "web":
            out.append(([e.target_ref.name for e in s.endpoints or ()], [(p.name, p.port) for p in s.ports or ()]))
    return sorted(out)


def test_only_the_pod_with_the_named_port_is_an_endpoint() -> None:
    c = make("web", ("has-port", NAMED), ("no-port", ""))
    ip = c.get("pod", "has-port").status.pod_ip
    assert c.kubectl("get endpoints web").stdout.splitlines()[1].split()[1] == f"{ip}:80"
    assert slices(c) == [(["has-port"], [("", 80)]), (["no-port"], [])]
    saved = c.sh("iptables-save -t nat").stdout
    assert f"--to-destination {ip}:80" in saved
    assert f"--to-destination {c.get('pod', 'no-port').status.pod_ip}:" not in saved
    assert Counter(c.kubectl("exec no-port -- curl -sI web").stdout.splitlines()[0] for _ in range(8)) == {
        "HTTP/1.1 200 OK": 8}


@pytest.mark.parametrize("target", ["http", "missing"])
def test_no_pod_has_the_port_no_endpoints_and_connection_refused(target: str) -> None:
    c = make(target, ("a", NAMED), ("b", ""))
    assert c.kubectl("get endpoints web").stdout.splitlines()[1].split()[1] == "<none>"
    assert slices(c) == [(["a", "b"], [])]
    r = c.kubectl("exec a -- curl -sS web")
    assert r.returncode == 7 and r.stderr.startswith("curl: (7) Failed to connect to web port 80")
    vip = c.get("svc", "web").spec.cluster_ip
    assert (f'-A KUBE-SERVICES -d {vip}/32 -p tcp -m comment --comment "default/web has no endpoints" -m tcp '
            "--dport 80 -j REJECT --reject-with icmp-port-unreachable") in c.sh("iptables-save -t filter").stdout


def test_adding_the_port_moves_the_pod_between_slices() -> None:
    c = make("web", ("a", NAMED))
    before = {s.metadata.name for s in c.store.list("EndpointSlice", "default")}
    c.apply(POD.format(name="b", ports=NAMED))
    c.advance(30)
    assert slices(c) == [(["a", "b"], [("", 80)])]
    assert {s.metadata.name for s in c.store.list("EndpointSlice", "default")} == before  # updated in place
