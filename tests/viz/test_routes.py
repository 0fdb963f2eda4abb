"""`routes`: a Sankey whose weights are the kube-proxy model's own probabilities (the code that routes
curl and prints iptables-save), per node where the rules differ, and beside it the node's chains."""

from __future__ import annotations

import pytest
from network.net_manifests import (
    NGINX_CONF,
    NGINX_DEPLOYMENT,
    NGINX_ING,
    NGINX_ING_CTL,
    NGINX_ING_CTL_SVC,
    NGINX_INGRESS_NS,
    NGINX_SVC,
)
from viz_helpers import new_cluster

from kubenb import Cluster, viz
from kubenb.api.codec import decode
from kubenb.history import recorder_for
from kubenb.network import chains
from kubenb.network.iptables import NodeRules
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
{policy}  ports: [{{name: http, port: 8080, targetPort: http}}]
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
    tr = fig.to_plotly_json()["data"][0]
    assert tr["type"] == "sankey"
    keys = tr["node"]["customdata"]
    link = tr["link"]
    links = [(keys[s], keys[t], v, p) for s, t, v, p in
             zip(link["source"], link["target"], link["value"], link["customdata"], strict=True)]
    return tr, keys, links


def chain_table(fig) -> dict:
    (table,) = [tr for tr in fig.to_plotly_json()["data"] if tr["type"] == "table"]
    return table


def web(profile: str = "course", n: int = 3, policy: str = "") -> Cluster:
    c = new_cluster(profile)
    c.apply(APP.format(n=n, policy=policy))
    c.sleep("40s")
    return c


def model(c, svc_name: str, node: str, external: bool, ns: str = "default") -> dict[str, float]:
    """What kube-proxy's model says, asked independently of the figure: {endpoint key: probability}."""
    svc = c.get("svc", svc_name, ns)
    port = svc.spec.ports[0]
    info = c.network.table.by_vip(svc.spec.cluster_ip, port.port, "TCP")
    src = c.network.workstation_ip if external else c.network.nodes[node].gateway
    choice = c.network.proxy.service_choice(info, node, src, external=external)
    return {f"endpoint:{e.address}": p for e, p in choice.probabilities()}


def out_of(links, src) -> dict[str, tuple[float, float]]:
    return {d: (v, p) for s, d, v, p in links if s == src}


def test_weights_are_the_kube_proxy_model_probabilities():
    c = web()
    fig = viz.routes(c, "svc/web")
    tr, keys, links = sankey(fig)
    pods = {p.status.pod_ip: p for p in c.store.list("Pod", "default")}
    svc = c.get("svc", "web")
    cluster_ip = "frontend:default/web:8080/TCP:ClusterIP"
    node_port = "frontend:default/web:8080/TCP:NodePort"
    for front, external in ((cluster_ip, False), (node_port, True)):
        expected = model(c, "web", "mac-worker", external)
        assert set(expected) == {f"endpoint:{ip}:80" for ip in pods}
        assert out_of(links, front) == {k: (pytest.approx(p), p) for k, p in expected.items()}
        assert tr["meta"]["frontends"][front]["probabilities"] == expected
        # the kernel's 31-bit fractions, not 1/3 exactly: the first rule takes 0.33333333349
        first = min(expected)
        assert f"{expected[first]:.11f}" == chains.saved_probability(chains.probability(3)) != f"{1 / 3:.11f}"
        assert sum(expected.values()) == pytest.approx(1.0, abs=1e-12)
    # endpoint -> its pod -> the pod's node, carrying the same flow (two entries: ClusterIP and NodePort)
    for ip, pod in pods.items():
        assert [(d, v) for s, d, v, _ in links if s == f"endpoint:{ip}:80"] == \
            [(f"pod:default/{pod.metadata.name}", pytest.approx(2 * model(c, "web", "mac-worker", False)[
                f"endpoint:{ip}:80"]))]
    assert sum(v for s, d, v, _ in links if d.startswith("node:")) == pytest.approx(2.0)
    labels = tr["node"]["label"]
    assert f"svc/web {svc.spec.cluster_ip}:8080/TCP" in labels
    assert f"svc/web NodePort :{svc.spec.ports[0].node_port}/TCP" in labels


def test_the_chains_table_is_the_nodes_own_iptables_save():
    c = web()
    fig = viz.routes(c, "svc/web", node="mac-master")
    table = chain_table(fig)
    assert table["meta"]["node"] == "mac-master" == fig.layout.meta["kubenb"]["node"]
    saved = NodeRules(c.network, "mac-master").save(c.clock.now).splitlines()
    rules = table["meta"]["rules"]
    assert rules and all(r in saved for r in rules)  # every row is a line the node's iptables-save prints
    svc_chain = c.network.table.by_vip(c.get("svc", "web").spec.cluster_ip, 8080, "TCP").chain()
    balancing = [r for r in rules if r.startswith(f"-A {svc_chain} ") and "KUBE-SEP-" in r]
    assert balancing == [line for line in saved if line.startswith(f"-A {svc_chain} ") and "KUBE-SEP-" in line]
    table_col, chain_col, match_col, prob_col, target_col = table["cells"]["values"]
    rows = [i for i, ch in enumerate(chain_col) if ch == svc_chain and target_col[i].startswith("KUBE-SEP-")]
    assert [prob_col[i] for i in rows] == ["0.33333333349", "0.50000000000", ""]
    dnat = sorted(t.removeprefix("DNAT --to-destination ") for t in target_col if t.startswith("DNAT"))
    assert dnat == sorted(f"{p.status.pod_ip}:80" for p in c.store.list("Pod", "default"))
    # the Sankey from the same node: its first link carries the first rule's probability
    _, _, links = sankey(fig)
    first_sep = target_col[rows[0]]
    first_ep = next(t for i, t in enumerate(target_col) if chain_col[i] == first_sep and t.startswith("DNAT"))
    key = "endpoint:" + first_ep.removeprefix("DNAT --to-destination ")
    p = out_of(links, "frontend:default/web:8080/TCP:ClusterIP@mac-master")[key][1]
    assert f"{p:.11f}" == prob_col[rows[0]]  # iptables-save prints the kernel's fraction with %.11f
    # the static fallback carries the same rules
    assert [r[1] for r in fig.layout.meta["kubenb"]["chains"]["rows"]] == rules


@pytest.mark.parametrize("profile", ["course", "kubeadm"])
def test_external_traffic_policy_local_weights_differ_per_node(profile):
    c = web(profile, n=3, policy="  externalTrafficPolicy: Local\n")
    fig = viz.routes(c, "svc/web")
    tr, keys, links = sankey(fig)
    fronts = tr["meta"]["frontends"]
    ports = {k: v for k, v in fronts.items() if ":NodePort" in k}
    hosting = {p.spec.node_name for p in c.store.list("Pod", "default")}
    others = [n for n in c.network.nodes if n not in hosting]
    assert len(ports) == len(hosting) + (1 if others else 0)
    node_port = c.get("svc", "web").spec.ports[0].node_port
    for key, meta in ports.items():
        nodes = meta["nodes"]
        for n in nodes:  # the model, asked as curl asks it, agrees with every node of the group
            assert model(c, "web", n, True) == {k: p for k, p in meta["probabilities"].items() if p} or \
                meta["outcome"] == "drop"
        if nodes[0] in hosting:
            local = {f"endpoint:{p.status.pod_ip}:80" for p in c.store.list("Pod", "default")
                     if p.spec.node_name == nodes[0]}
            assert {k for k, p in meta["probabilities"].items() if p} == local
            assert {d for d, (v, p) in out_of(links, key).items() if p} == local
        else:
            assert meta["outcome"] == "drop" and set(nodes) == set(others)
            route = c.network.proxy.route(nodes[0], c.network.nodes[nodes[0]].ip, node_port, "TCP",
                                          c.network.workstation_ip, src_local=False, dst_local=True)
            assert route.outcome == "drop"
            assert out_of(links, key) == {f"drop:{key}": (pytest.approx(len(nodes) / len(c.network.nodes)), 1.0)}
    # the cluster IP is not Local: one frontend for every node
    assert [k for k in fronts if ":ClusterIP" in k] == ["frontend:default/web:8080/TCP:ClusterIP"]
    # outside clients spread over the nodes: each group gets its share of the one unit
    assert sum(v for s, d, v, _ in links if s == "client:outside") == pytest.approx(1.0)


def test_internal_traffic_policy_local_from_a_node_without_endpoints():
    c = web("kubeadm", n=1, policy="  internalTrafficPolicy: Local\n")
    (pod,) = c.store.list("Pod", "default")
    away = next(n for n in c.network.nodes if n != pod.spec.node_name)
    _, _, links = sankey(viz.routes(c, "svc/web", node=away))
    key = f"frontend:default/web:8080/TCP:ClusterIP@{away}"
    assert out_of(links, key) == {f"drop:{key}": (1.0, 1.0)}
    _, _, links = sankey(viz.routes(c, "svc/web", node=pod.spec.node_name))
    key = f"frontend:default/web:8080/TCP:ClusterIP@{pod.spec.node_name}"
    assert out_of(links, key) == {f"endpoint:{pod.status.pod_ip}:80": (1.0, 1.0)}


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
    # the not-ready one carries no traffic (p = 0) but a sliver of width, or Plotly would not draw it
    assert out_of(links, front) == {"endpoint:192.168.1.10:8080": (0.5, 0.5),
                                    "endpoint:192.168.1.11:8080": (SLIVER, 0.0),
                                    "endpoint:192.168.1.12:8080": (0.5, 0.5)}
    drawn = {k for s, d, v, _ in links if v > 0 for k in (s, d)}
    assert set(keys) == drawn  # every node has a link Plotly draws
    assert tr["meta"]["frontends"][front]["not_ready"] == ["endpoint:192.168.1.11:8080"]
    i = keys.index("endpoint:192.168.1.11:8080")
    assert tr["node"]["hovertemplate"][i].startswith("192.168.1.11:8080 not ready<br>")
    assert tr["node"]["label"][i].startswith("192.168.1.1")  # shortened to the sliver's width
    rows = fig.layout.meta["kubenb"]["summary"]["rows"]
    assert [r[1:4] for r in rows] == [["192.168.1.10:8080", "ready", "0.5"], ["192.168.1.11:8080", "not ready", "0"],
                                      ["192.168.1.12:8080", "ready", "0.5"]]


TERMINATING = {
    "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
    "metadata": {"name": "ext-1", "namespace": "default", "labels": {"kubernetes.io/service-name": "ext"}},
    "addressType": "IPv4", "ports": [{"name": "", "port": 8080, "protocol": "TCP"}],
    "endpoints": [{"addresses": [ip], "conditions": {"ready": False, "serving": True, "terminating": True}}
                  for ip in ("192.168.1.10", "192.168.1.11")],
}


@pytest.mark.parametrize(("profile", "expected"), [
    pytest.param("course", {"outcome": "reject", "p": 0.0}, id="v1.23-rejects"),
    pytest.param("kubeadm", {"outcome": "dnat", "p": 0.5}, id="v1.32-serves-terminating"),
])
def test_serving_terminating_endpoints_follow_the_version(profile, expected):
    c = new_cluster(profile)
    c.apply("apiVersion: v1\nkind: Service\nmetadata: {name: ext}\nspec:\n  ports: [{port: 80}]\n")
    c.store.create(decode(c.registry, TERMINATING))
    tr, _, links = sankey(viz.routes(c, "svc/ext"))
    front = "frontend:default/ext:80/TCP:ClusterIP"
    meta = tr["meta"]["frontends"][front]
    assert meta["outcome"] == expected["outcome"]
    assert set(meta["probabilities"].values()) == {expected["p"]}
    svc = c.get("svc", "ext")
    route = c.network.proxy.route("mac-worker" if profile == "course" else next(iter(c.network.nodes)),
                                  svc.spec.cluster_ip, 80, "TCP", "10.244.0.5", src_local=False, dst_local=False)
    assert route.outcome == expected["outcome"]
    if expected["outcome"] == "reject":
        assert out_of(links, front)[f"none:{front}"] == (1.0, 1.0)


def test_session_affinity_keeps_first_connection_odds_and_says_so():
    c = web()
    c.kubectl(["patch", "svc", "web", "-p", '{"spec": {"sessionAffinity": "ClientIP"}}'])
    tr, keys, links = sankey(viz.routes(c, "svc/web"))
    front = "frontend:default/web:8080/TCP:ClusterIP"
    assert tr["meta"]["frontends"][front]["probabilities"] == model(c, "web", "mac-worker", False)
    hover = tr["node"]["hovertemplate"][keys.index(front)]
    assert "sessionAffinity ClientIP (10800s): a returning client keeps its endpoint" in hover


def ingress_course():
    c = new_cluster()
    for m in (NGINX_CONF, NGINX_DEPLOYMENT, NGINX_SVC, NGINX_ING, NGINX_INGRESS_NS, NGINX_ING_CTL_SVC,
              NGINX_ING_CTL):
        c.apply(m)
    c.sleep("60s")
    return c


def test_ingress_path_goes_through_the_controllers_node_port_service():
    c = ingress_course()
    fig = viz.routes(c, "ing/nginx-ing")
    tr, keys, links = sankey(fig)
    ctl_svc = c.get("svc", "nginx-ing-ctl-svc", "nginx-ingress")
    (ctl,) = c.store.list("Pod", "nginx-ingress")
    ctl_front = "frontend:nginx-ingress/nginx-ing-ctl-svc:80/TCP:NodePort"
    rule = "ingress:default/nginx-ing:nginx.local/"
    upstream = "frontend:default/nginx-svc:80/TCP:Upstream"
    # client -> the controller's NodePort Service -> its endpoint -> the controller pod -> the rule
    assert out_of(links, "client:outside") == {ctl_front: (1.0, 1.0)}
    assert out_of(links, ctl_front) == {f"endpoint:{ctl.status.pod_ip}:80": (1.0, 1.0)}
    assert tr["meta"]["frontends"][ctl_front]["probabilities"] == model(c, "nginx-ing-ctl-svc", "mac-worker", True,
                                                                        ns="nginx-ingress")
    assert out_of(links, f"endpoint:{ctl.status.pod_ip}:80") == {f"pod:nginx-ingress/{ctl.metadata.name}": (1.0, 1.0)}
    assert out_of(links, f"pod:nginx-ingress/{ctl.metadata.name}") == {rule: (1.0, 1.0)}
    # the rule -> the Service's ready endpoints, evenly (nginx's upstream) -> pods -> nodes
    assert out_of(links, rule) == {upstream: (1.0, 1.0)}
    backends = {f"endpoint:{p.status.pod_ip}:80" for p in c.store.list("Pod", "default")}
    assert out_of(links, upstream) == {k: (0.5, 0.5) for k in backends}
    assert sum(v for s, d, v, _ in links if d.startswith("node:")) == pytest.approx(1.0)
    assert not [1 for s, d, _, _ in links if s == f"pod:nginx-ingress/{ctl.metadata.name}" and d.startswith("node:")]
    label = tr["node"]["label"][keys.index(rule)]
    assert label == "ing/nginx-ing nginx.local/ (Exact)"
    # the chains table holds the controller Service's chains too
    rules = chain_table(fig)["meta"]["rules"]
    assert any(f"--dport {ctl_svc.spec.ports[0].node_port}" in r for r in rules)


def test_an_ingress_without_controller_starts_at_its_rules():
    c = new_cluster()
    c.apply(APP.format(n=2, policy=""))
    c.apply(INGRESS)
    c.sleep("30s")
    _, keys, links = sankey(viz.routes(c, "ing/web"))
    rule = "ingress:default/web:web.example.com/"
    assert ("client:outside", rule, 1.0, 1.0) in links
    upstream = "frontend:default/web:8080/TCP:Upstream"
    assert out_of(links, rule) == {upstream: (1.0, 1.0)}
    assert [v for s, d, v, _ in links if s == upstream] == [0.5, 0.5]
    # the whole namespace: the Service's own entries beside the Ingress's upstream
    _, _, links = sankey(viz.routes(c))
    assert sum(v for s, d, v, _ in links if d == "frontend:default/web:8080/TCP:ClusterIP") == 1.0
    assert sum(v for s, d, v, _ in links if d == upstream) == 1.0


def test_routes_in_the_past_use_the_recorded_endpoints():
    c = web()
    before = c.clock.now
    c.kubectl("scale deploy web --replicas=1")
    c.sleep("30s")
    front = "frontend:default/web:8080/TCP:ClusterIP"
    _, _, now = sankey(viz.routes(c, "svc/web"))
    assert [v for s, d, v, _ in now if s == front] == [1.0]
    fig = viz.routes(c, "svc/web", recorder=recorder_for(c), until=before)
    _, _, then = sankey(fig)
    assert [v for s, d, v, _ in then if s == front] == [pytest.approx(1 / 3)] * 3
    # and the chains are those kube-proxy wrote then: three endpoint chains
    assert len([r for r in chain_table(fig)["meta"]["rules"] if "DNAT" in r]) == 3


def test_an_unknown_node_is_refused_in_kubectls_words():
    c = web()
    with pytest.raises(viz.VizError, match='Error from server \\(NotFound\\): nodes "nope" not found'):
        viz.routes(c, "svc/web", node="nope")
