"""`routes`: a Sankey whose frontend → endpoint links carry kube-proxy's probabilities, 1/n over ready."""

from __future__ import annotations

import pytest
from viz_helpers import new_cluster

from kubenb import viz
from kubenb.api.codec import decode
from kubenb.history import recorder_for
from kubenb.viz.figures.routes import SLIVER

APP = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web}}
spec:
  replicas: {n}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec: {{containers: [{{name: nginx, image: nginx:alpine, ports: [{{containerPort: 80, name: http}}]}}]}}
---
apiVersion: v1
kind: Service
metadata: {{name: web}}
spec:
  type: NodePort
  selector: {{app: web}}
  ports: [{{name: http, port: 8080, targetPort: http}}]
"""
INGRESS = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  rules:
  - host: web.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}
"""


def sankey(fig) -> tuple[dict, list[str], list[tuple[str, str, float, float]]]:
    (tr,) = fig.to_plotly_json()["data"]
    keys = tr["node"]["customdata"]
    link = tr["link"]
    links = [(keys[s], keys[t], v, p) for s, t, v, p in
             zip(link["source"], link["target"], link["value"], link["customdata"], strict=True)]
    return tr, keys, links


def test_weights_are_one_over_the_ready_endpoints():
    c = new_cluster()
    c.apply(APP.format(n=3))
    c.sleep("30s")
    fig = viz.routes(c, "svc/web")
    tr, keys, links = sankey(fig)
    pods = {p.status.pod_ip: p for p in c.store.list("Pod", "default")}
    svc = c.get("svc", "web")
    cluster_ip = "frontend:default/web:8080/TCP:ClusterIP"
    node_port = "frontend:default/web:8080/TCP:NodePort"
    for front in (cluster_ip, node_port):
        out = {dst: (v, p) for src, dst, v, p in links if src == front}
        assert out == {f"endpoint:{ip}:80": (pytest.approx(1 / 3), pytest.approx(1 / 3)) for ip in pods}
        assert tr["meta"]["frontends"][front]["probabilities"] == {f"endpoint:{ip}:80": pytest.approx(1 / 3)
                                                                   for ip in pods}
    # endpoint -> its pod -> the pod's node, carrying the same flow (two entries: ClusterIP and NodePort)
    for ip, pod in pods.items():
        (to_pod,) = [(v) for s, d, v, _ in links if s == f"endpoint:{ip}:80"]
        assert d_of(links, f"endpoint:{ip}:80") == f"pod:default/{pod.metadata.name}"
        assert to_pod == pytest.approx(2 / 3)
    node_in = sum(v for s, d, v, _ in links if d.startswith("node:"))
    assert node_in == pytest.approx(2.0)  # all the flow lands on nodes
    labels = tr["node"]["label"]
    assert f"svc/web {svc.spec.cluster_ip}:8080/TCP" in labels
    assert f"svc/web NodePort :{svc.spec.ports[0].node_port}/TCP" in labels


def d_of(links, src):
    (dst,) = [d for s, d, _, _ in links if s == src]
    return dst


def test_not_ready_endpoints_stay_visible_with_zero_probability():
    """A Service without selector and a hand-written EndpointSlice: two ready addresses, one not."""
    c = new_cluster()
    c.apply("apiVersion: v1\nkind: Service\nmetadata: {name: ext}\nspec:\n  ports: [{port: 80}]\n")
    c.store.create(decode(c.registry, {
        "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {"name": "ext-1", "namespace": "default", "labels": {"kubernetes.io/service-name": "ext"}},
        "addressType": "IPv4", "ports": [{"name": "", "port": 8080, "protocol": "TCP"}],
        "endpoints": [{"addresses": ["192.168.1.10"], "conditions": {"ready": True}},
                      {"addresses": ["192.168.1.11"], "conditions": {"ready": False}},
                      {"addresses": ["192.168.1.12"]}],  # no `ready`: kube-proxy counts it as ready
    }))
    fig = viz.routes(c, "svc/ext")
    tr, keys, links = sankey(fig)
    front = "frontend:default/ext:80/TCP:ClusterIP"
    out = {d: (v, p) for s, d, v, p in links if s == front}
    # the not-ready one carries no traffic (p = 0) but a sliver of width, or Plotly would not draw it
    assert out == {"endpoint:192.168.1.10:8080": (0.5, 0.5), "endpoint:192.168.1.11:8080": (SLIVER, 0.0),
                   "endpoint:192.168.1.12:8080": (0.5, 0.5)}
    drawn = {k for s, d, v, _ in links if v > 0 for k in (s, d)}
    assert set(keys) == drawn  # every node has a link Plotly draws
    assert tr["meta"]["frontends"][front]["not_ready"] == ["endpoint:192.168.1.11:8080"]
    i = keys.index("endpoint:192.168.1.11:8080")
    assert tr["node"]["label"][i].endswith("(not ready)")
    rows = fig.layout.meta["kubenb"]["summary"]["rows"]
    assert [r[1:4] for r in rows] == [["192.168.1.10:8080", "ready", "0.5"], ["192.168.1.11:8080", "not ready", "0"],
                                      ["192.168.1.12:8080", "ready", "0.5"]]


def test_ingress_rules_feed_the_service():
    c = new_cluster()
    c.apply(APP.format(n=2))
    c.apply(INGRESS)
    c.sleep("30s")
    fig = viz.routes(c, "ing/web")
    _, keys, links = sankey(fig)
    rule = "ingress:default/web:web.example.com/"
    assert ("client:outside", rule, 1.0, 1.0) in links
    assert [(d, v) for s, d, v, _ in links if s == rule] == [("frontend:default/web:8080/TCP:ClusterIP", 1.0)]
    out = [v for s, d, v, _ in links if s == "frontend:default/web:8080/TCP:ClusterIP"]
    assert out == [pytest.approx(0.5)] * 2
    # the whole namespace: the Service's own entries and the Ingress's meet at one ClusterIP frontend
    _, _, links = sankey(viz.routes(c))
    inflow = sum(v for s, d, v, _ in links if d == "frontend:default/web:8080/TCP:ClusterIP")
    assert inflow == 2.0


def test_routes_in_the_past_use_the_recorded_endpoints():
    c = new_cluster()
    c.apply(APP.format(n=3))
    c.sleep("30s")
    before = c.clock.now
    c.kubectl("scale deploy web --replicas=1")
    c.sleep("30s")
    _, _, now = sankey(viz.routes(c, "svc/web"))
    front = "frontend:default/web:8080/TCP:ClusterIP"
    assert [v for s, d, v, _ in now if s == front] == [1.0]
    _, _, then = sankey(viz.routes(c, "svc/web", recorder=recorder_for(c), until=before))
    assert [v for s, d, v, _ in then if s == front] == [pytest.approx(1 / 3)] * 3
