"""`routes(cluster, "svc/x")`: where a new connection goes, as a Sankey from clients to nodes, and
beside it the node's KUBE-SVC / KUBE-SEP chains (:mod:`kubenb.viz.figures.chains`).

Columns: clients → (for an Ingress: the controller's NodePort Service → controller pod → Ingress
rule (host, path, pathType)) → Service frontends (``ClusterIP:port/proto``, ``NodePort :port``)
→ endpoints (``ip:port``) → pods → nodes, as the course's NGINX Inc. controller routes.

Every branching weight comes from the network model, never from a rule of this module:

* a Service frontend asks kube-proxy's model (``cluster.network.proxy.service_choice``, the code
  that routes ``curl`` and whose rules ``iptables-save`` prints) what a node's rules do with a new
  connection — from a pod on that node to the cluster IP, from outside to that node's IP and
  node port — and draws its ``Choice.probabilities()``: the ``-m statistic`` rules with the
  kernel's 31-bit fractions. So ``internalTrafficPolicy``/``externalTrafficPolicy: Local``
  (only the node's own endpoints; none: the traffic is dropped), not-ready and
  serving-terminating endpoints (by version) and REJECT come out as kube-proxy does them.
  Nodes whose rules differ (Local policies) get a frontend each; nodes that agree share one.
  With ``node=``, only that node's entries are drawn;
* an Ingress controller hands each request to its rule's Service's *ready* endpoints evenly
  (nginx upstreams: round-robin or random-two-least-conn), so those links carry ``1/n``;
* entries carry one unit each (a Service port's in-cluster clients, its outside clients — spread
  evenly over the nodes they connect to —, an Ingress rule); a link's value is the flow it
  carries, its ``customdata`` the probability of that hop (1 where nothing is drawn by chance).

Plotly does not draw a zero-valued link (nor a node left with only those), so a not-ready
endpoint's link carries a thin orange sliver (``SLIVER`` × the frontend's flow); its probability,
in ``link.customdata``, stays 0. Session affinity changes which endpoint a *returning* client
gets, not these first-connection odds (the frontend's hover says so).

Data contract: trace 0 is the ``sankey`` with ``meta = {"role": "routes", "frontends": {...}}``:

* ``node.customdata[i]`` is a key: ``client:in-cluster``, ``client:outside``,
  ``ingress:<ns>/<name>:<host><path>``, ``frontend:<ns>/<svc>:<port>/<proto>:<ClusterIP|NodePort|
  Headless|Upstream>`` (plus ``@<nodes>`` when the nodes' rules differ or ``node`` is given),
  ``endpoint:<ip>:<port>``, ``pod:<ns>/<name>``, ``node:<name>``, ``more:<frontend key>``,
  ``none:<frontend key>`` (REJECT), ``drop:<frontend key>`` (DROP);
* ``meta["frontends"][frontend key]`` is ``{"probabilities": {endpoint key: p}, "ready": [...],
  "not_ready": [...], "nodes": [the nodes whose rules these are] or "*" (every node),
  "outcome": "dnat"|"reject"|"drop"}``.

Trace 1 is the ``table`` of the chains on ``layout.meta["kubenb"]["node"]``. With ``until``,
readiness comes from the recorder's Endpoints history at that instant (and the chains are the
rules kube-proxy would have written for it).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Optional

import plotly.graph_objects as go

from kubenb.api import labels as labelsel
from kubenb.history import Recorder, recorder_for
from kubenb.network import chains as names
from kubenb.network.proxy import Choice, EndpointInfo, ServicePortInfo
from kubenb.viz.common import (
    VizError,
    base_layout,
    figure_meta,
    get_object,
    make_figure,
    resolve_target,
    sankey,
    short,
)
from kubenb.viz.figures.chains import chains_table, table_height

SERVICE_NAME = "kubernetes.io/service-name"
CLASS_ANNOTATION = "kubernetes.io/ingress.class"
MAX_ENDPOINTS = 200  # per frontend; the rest are summed into one "… more" node
SLIVER = 0.02  # drawn width of a link that carries no traffic, as a share of its frontend's flow
GREY, LINK = "#7f7f7f", "rgba(0,0,0,0.2)"
WIDTH = 1000  # px a notebook gives a figure, about: what labels are shortened to fit


@dataclass
class _Endpoint:
    ip: str
    port: int
    ready: bool
    serving: bool
    terminating: bool
    node: Optional[str]
    pod: Optional[tuple[str, str]]  # (namespace, name)

    @property
    def address(self) -> str:
        return f"{self.ip}:{self.port}"

    @property
    def state(self) -> str:
        if self.ready:
            return "ready"
        return "serving, terminating" if self.serving and self.terminating else "not ready"


@dataclass
class _Sankey:
    labels: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    colors: list[str] = field(default_factory=list)
    hover: list[str] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)
    links: dict[tuple[int, int], list[float]] = field(default_factory=dict)  # (src, dst) -> [value, probability]
    link_colors: dict[tuple[int, int], str] = field(default_factory=dict)

    def node(self, key: str, label: str, color: str, hover: str = "") -> int:
        i = self.index.get(key)
        if i is None:
            i = self.index[key] = len(self.keys)
            self.keys.append(key)
            self.labels.append(label)
            self.colors.append(color)
            self.hover.append(hover or label)
        return i

    def link(self, src: int, dst: int, value: float, probability: float, color: str) -> None:
        entry = self.links.get((src, dst))
        if entry is None:
            self.links[(src, dst)] = [value, probability]
            self.link_colors[(src, dst)] = color
        else:
            entry[0] += value


def _endpoints(cluster: Any, svc: Any, rec: Optional[Recorder], until: Optional[float]) -> dict[str, list[_Endpoint]]:
    """{service port name: endpoints} from the Service's EndpointSlices (else its Endpoints): what
    to draw, with the pods behind the addresses (kube-proxy's table does not keep them)."""
    ns, name = svc.metadata.namespace or "", svc.metadata.name or ""
    out: dict[str, dict[str, _Endpoint]] = {}
    slices = cluster.store.list("EndpointSlice", ns, labelsel.selector_from_set({SERVICE_NAME: name}))
    if slices:
        for s in slices:
            for port in s.ports or ():
                if port.port is None:
                    continue
                seen = out.setdefault(port.name or "", {})
                for ep in s.endpoints or ():
                    if not ep.addresses:
                        continue
                    c = ep.conditions
                    ready = c.ready is None or bool(c.ready)
                    ref = ep.target_ref
                    pod = (ref.namespace or ns, ref.name) if ref is not None and ref.kind == "Pod" else None
                    seen.setdefault(f"{ep.addresses[0]}:{port.port}", _Endpoint(
                        ep.addresses[0], port.port, ready, ready if c.serving is None else bool(c.serving),
                        bool(c.terminating), ep.node_name, pod))
    else:
        eps = cluster.store.try_get("Endpoints", ns, name)
        for subset in (eps.subsets or ()) if eps is not None else ():
            for port in subset.ports or ():
                seen = out.setdefault(port.name or "", {})
                for addrs, ready in ((subset.addresses or (), True), (subset.not_ready_addresses or (), False)):
                    for a in addrs:
                        ref = a.target_ref
                        pod = (ref.namespace or ns, ref.name) if ref is not None and ref.name else None
                        seen.setdefault(f"{a.ip}:{port.port}",
                                        _Endpoint(a.ip, port.port, ready, ready, False, a.node_name, pod))
    if until is not None and rec is not None:
        past = rec.endpoints_at(ns, name, until)
        if past is not None:
            for port_name, seen in list(out.items()):
                number = next(iter(seen.values())).port if seen else None
                if number is None:
                    continue
                rebuilt = {}
                for ip, info in past.items():
                    ready = info.state == "ready"
                    rebuilt[f"{ip}:{number}"] = _Endpoint(ip, number, ready, ready, False, info.node,
                                                          (ns, info.pod) if info.pod else None)
                out[port_name] = rebuilt
    return {k: sorted(v.values(), key=lambda e: e.address) for k, v in out.items()}


def _nodes_text(nodes: list[str], total: int) -> str:
    if len(nodes) == total:
        return "any node"
    return ", ".join(nodes) if len(nodes) <= 3 else f"{nodes[0]} and {len(nodes) - 1} other nodes"


class _Routes:
    """One picture being built: the Sankey, the proxied Service ports seen, the summary rows."""

    def __init__(self, cluster: Any, rec: Optional[Recorder], until: Optional[float], node: Optional[str]) -> None:
        self.cluster, self.rec, self.until, self.node = cluster, rec, until, node
        self.net = cluster.network
        self.proxy = self.net.proxy
        self.all_nodes = list(self.net.nodes)
        self.order = {n: i for i, n in enumerate(self.all_nodes)}
        self.sk = _Sankey()
        self.rows: list[list[Any]] = []
        self.frontends: dict[str, dict] = {}
        self.infos: dict[tuple[str, str, str, str], ServicePortInfo] = {}
        self.pod_flow: dict[int, float] = {}
        self.pod_node: dict[int, Optional[str]] = {}
        self.pod_live: dict[int, bool] = {}
        self.through: set[int] = set()  # pods whose flow goes on (Ingress controllers), not to their node
        self._eps: dict[tuple[str, str], dict[str, list[_Endpoint]]] = {}
        self._controllers: Optional[list[Any]] = None

    # ---------------------------------------------------------------- the model's view

    def endpoints(self, svc: Any) -> dict[str, list[_Endpoint]]:
        key = (svc.metadata.namespace or "", svc.metadata.name or "")
        if key not in self._eps:
            self._eps[key] = _endpoints(self.cluster, svc, self.rec, self.until)
        return self._eps[key]

    def port_info(self, svc: Any, port: Any) -> Optional[ServicePortInfo]:
        """kube-proxy's entry for this Service port (with the recorded endpoints when drawing the past)."""
        info = self.net.table.by_vip(svc.spec.cluster_ip or "", port.port, port.protocol or "TCP")
        if info is None or info.name != svc.metadata.name or info.namespace != (svc.metadata.namespace or ""):
            return None
        if self.until is not None:
            past = self.endpoints(svc).get(port.name or "", [])
            info = dataclasses.replace(info, endpoints=[
                EndpointInfo(e.ip, e.port, e.ready, e.serving, e.terminating, e.node,
                             names.endpoint_chain(info.name_string, info.proto, e.address)) for e in past])
        self.infos.setdefault((info.namespace, info.name, info.port_name, info.protocol), info)
        return info

    def groups(self, info: ServicePortInfo, external: bool) -> list[tuple[list[str], Choice]]:
        """The nodes whose rules treat this entry alike, with what they do. A node's rules depend on
        the node only through its own endpoints (Local policies), so one node without endpoints
        answers for all of them."""
        candidates = [self.node] if self.node else self.all_nodes
        hosting = {e.node for e in info.endpoints} if info.uses_local_endpoints else set()
        asked = [n for n in candidates if n in hosting]
        rest = [n for n in candidates if n not in hosting]
        found: dict[tuple, tuple[list[str], Choice]] = {}
        for members in [[n] for n in asked] + ([rest] if rest else []):
            n = members[0]
            src = self.net.workstation_ip if external else self.net.nodes[n].gateway  # outside / a pod on n
            choice = self.proxy.service_choice(info, n, src, external=external)
            key = (choice.outcome, tuple((e.address, p) for e, p in choice.probabilities()))
            found.setdefault(key, ([], choice))[0].extend(members)
        return [(sorted(nodes, key=self.order.__getitem__), choice) for nodes, choice in found.values()]

    # ---------------------------------------------------------------- entries

    def client(self, outside: bool) -> int:
        if outside:
            return self.sk.node("client:outside", "clients outside (a node's IP)", GREY)
        return self.sk.node("client:in-cluster", "clients in the cluster", GREY)

    def service(self, svc: Any) -> None:
        ns, name = svc.metadata.namespace or "", svc.metadata.name or ""
        if svc.spec.type == "ExternalName":
            i = self.sk.node(f"frontend:{ns}/{name}:ExternalName",
                             f"svc/{name} → {svc.spec.external_name} (DNS CNAME)", "#9467bd")
            self.sk.link(self.client(False), i, 1.0, 1.0, LINK)
            return
        for port in svc.spec.ports or ():
            if svc.spec.cluster_ip == "None":
                self.headless(svc, port)
                continue
            self.entry(svc, port, external=False, source=self.client(False), flow=1.0)
            if port.node_port and svc.spec.type in ("NodePort", "LoadBalancer"):
                self.entry(svc, port, external=True, source=self.client(True), flow=1.0)

    def entry(self, svc: Any, port: Any, *, external: bool, source: int, flow: float) -> None:
        """`flow` of new connections from `source` into a Service port (its cluster IP, or from
        outside its node port), one frontend per group of nodes whose rules agree."""
        info = self.port_info(svc, port)
        if info is None:
            return
        ns, name, proto = info.namespace, info.name, info.protocol
        mode = "NodePort" if external else "ClusterIP"
        groups = self.groups(info, external)
        split = len(groups) > 1 or self.node is not None
        for nodes, choice in groups:
            key = f"frontend:{ns}/{name}:{port.port}/{proto}:{mode}"
            where = _nodes_text(nodes, len(self.all_nodes))
            # split: the node first (the part that differs), the rest is in the hover
            if external:
                label = f"via {where} → :{port.node_port}" if split else f"svc/{name} NodePort :{port.node_port}/{proto}"
                full = f"svc/{name} NodePort :{port.node_port}/{proto}" + (f" via {where}" if split else "")
            else:
                label = f"pods on {where} → {info.cluster_ip}:{port.port}" if split else \
                    f"svc/{name} {info.cluster_ip}:{port.port}/{proto}"
                full = f"svc/{name} {info.cluster_ip}:{port.port}/{proto}" + (f" from pods on {where}" if split else "")
            if split:
                key += ("@" + ",".join(nodes)) if len(nodes) <= 3 else f"@{nodes[0]}+{len(nodes) - 1}"
            policy = info.external_local if external else info.internal_local
            hover = full + ("<br>traffic policy Local" if policy else "") + (
                f"<br>sessionAffinity ClientIP ({info.sticky_seconds}s): a returning client keeps its endpoint"
                if info.affinity else "")
            fi = self.sk.node(key, label, "#17becf" if external else "#1f77b4", hover)
            share = flow * len(nodes) / len(self.all_nodes) if not self.node else flow
            self.sk.link(source, fi, share, len(nodes) / len(self.all_nodes) if not self.node else 1.0, LINK)
            probs = {e.address: p for e, p in choice.probabilities()}
            self.spread(fi, key, self.endpoints(svc).get(port.name or "", []), probs, share, choice.outcome,
                        {"nodes": nodes if len(nodes) < len(self.all_nodes) else "*"})

    def headless(self, svc: Any, port: Any) -> None:
        """No proxying: DNS answers with every ready address (clients spread over them)."""
        ns, name = svc.metadata.namespace or "", svc.metadata.name or ""
        key = f"frontend:{ns}/{name}:{port.port}/{port.protocol or 'TCP'}:Headless"
        fi = self.sk.node(key, f"svc/{name} (headless, DNS) :{port.port}", "#1f77b4")
        self.sk.link(self.client(False), fi, 1.0, 1.0, LINK)
        eps = self.endpoints(svc).get(port.name or "", [])
        self.spread(fi, key, eps, _even(eps), 1.0, "dnat" if eps else "reject", {"dns": True})

    # ---------------------------------------------------------------- Ingress

    def controllers(self) -> list[Any]:
        if self._controllers is None:
            self._controllers = self.net.ingress_router.controllers()
        return self._controllers

    def ingress(self, ing: Any) -> None:
        """Outside clients → the controller's NodePort Service → controller pods → this Ingress's
        rules → each rule's Service's ready endpoints."""
        sk, store = self.sk, self.cluster.store
        router = self.net.ingress_router
        ns = ing.metadata.namespace or ""
        rules = []
        for rule in ing.spec.rules or ():
            for path in (rule.http.paths if rule.http and rule.http.paths else ()):
                rules.append((rule.host or "*", path.path or "/", path.path_type or "", path.backend))
        if ing.spec.default_backend is not None:
            rules.append(("*", "(default backend)", "", ing.spec.default_backend))
        if not rules:
            return
        uid = ing.metadata.uid
        ctrls = [c for c in self.controllers()
                 if any(i.metadata.uid == uid for i in router.ingresses_for(c.ingress_class))]
        rule_nodes = []
        for host, path, path_type, _ in rules:
            key = f"ingress:{ns}/{ing.metadata.name}:{host}{path}"
            label = f"ing/{ing.metadata.name} {host}{path}" + (f" ({path_type})" if path_type else "")
            rule_nodes.append(sk.node(key, label, "#8c564b", label + ("" if ctrls else "<br>no ingress controller")))
        total = float(len(rules))
        if not ctrls:
            for r in rule_nodes:
                sk.link(self.client(True), r, 1.0, 1.0, LINK)
        else:
            pods = self.controller_pods(ctrls, total)
            for pi, flow in pods.items():
                for r in rule_nodes:
                    sk.link(pi, r, flow / total, 1.0, "rgba(140,86,75,0.4)")
        for r, (_, _, _, backend) in zip(rule_nodes, rules, strict=True):
            if backend.service is None:
                continue
            svc = store.try_get("Service", ns, backend.service.name)
            if svc is None:
                miss = sk.node(f"missing:{ns}/{backend.service.name}", f"svc/{backend.service.name} (missing)",
                               "#d62728")
                sk.link(r, miss, 1.0, 1.0, "rgba(214,39,40,0.4)")
                continue
            ref = backend.service.port.name or str(backend.service.port.number)
            port = next((p for p in svc.spec.ports or () if (p.name or "") == ref or str(p.port) == ref), None)
            if port is None:
                continue
            if svc.spec.cluster_ip and svc.spec.cluster_ip != "None":
                self.port_info(svc, port)  # its chains belong in the table too
            key = f"frontend:{ns}/{svc.metadata.name}:{port.port}/{port.protocol or 'TCP'}:Upstream"
            ui = sk.node(key, f"svc/{svc.metadata.name} :{port.port} endpoints (ingress upstream)", "#1f77b4",
                         "the controller's nginx sends each request to one of the Service's ready endpoints")
            sk.link(r, ui, 1.0, 1.0, "rgba(140,86,75,0.4)")
            eps = self.endpoints(svc).get(port.name or "", [])
            ready = [e for e in eps if e.ready]
            self.spread(ui, key, eps, _even(ready), 1.0, "dnat" if ready else "reject", {"upstream": True})

    def controller_pods(self, ctrls: list[Any], total: float) -> dict[int, float]:
        """Feed `total` units from outside to the controller pods: through the NodePort Services
        whose endpoints they are (kube-proxy's weights), else straight to the pods. {pod node: flow}."""
        sk, store = self.sk, self.cluster.store
        ips = {}
        for c in ctrls:
            pod = store.try_get("Pod", c.namespace, c.pod)
            if pod is not None and pod.status.pod_ip:
                ips[pod.status.pod_ip] = (c.namespace, c.pod)
        fronting = []
        for info in self.net.table.ports:
            if info.externally_accessible and any(e.ip in ips for e in info.endpoints):
                svc = store.try_get("Service", info.namespace, info.name)
                port = next((p for p in svc.spec.ports or () if (p.name or "") == info.port_name), None) if svc else None
                if port is not None:
                    fronting.append((svc, port))
        before = dict(self.pod_flow)
        for pod_key in ips.values():
            self.through.add(sk.node(f"pod:{pod_key[0]}/{pod_key[1]}", f"pod/{pod_key[1]}", "#8c564b"))
        if fronting:
            for svc, port in fronting:
                self.entry(svc, port, external=True, source=self.client(True), flow=total / len(fronting))
        else:
            for ns, name in ips.values():
                pi = sk.node(f"pod:{ns}/{name}", f"pod/{name}", "#8c564b")
                sk.link(self.client(True), pi, total / len(ips), 1 / len(ips), LINK)
                self.pod_flow[pi] = self.pod_flow.get(pi, 0.0) + total / len(ips)
        return {pi: self.pod_flow[pi] - before.get(pi, 0.0) for pi in self.through
                if self.pod_flow.get(pi, 0.0) > before.get(pi, 0.0)}

    # ---------------------------------------------------------------- frontend → endpoints → pods

    def spread(self, fi: int, fkey: str, eps: list[_Endpoint], probs: dict[str, float], flow: float, outcome: str,
               extra: dict) -> None:
        sk = self.sk
        self.frontends[fkey] = {"probabilities": {f"endpoint:{e.address}": probs.get(e.address, 0.0) for e in eps},
                                "ready": [f"endpoint:{e.address}" for e in eps if e.ready],
                                "not_ready": [f"endpoint:{e.address}" for e in eps if not e.ready],
                                "outcome": outcome, **extra}
        if outcome == "reject":
            sink = sk.node(f"none:{fkey}", "REJECT (no endpoints)", "#d62728",
                           "no endpoints: the filter table REJECTs (connection refused)")
            sk.link(fi, sink, max(flow, 1e-9), 1.0, "rgba(214,39,40,0.4)")
        elif outcome == "drop":
            sink = sk.node(f"drop:{fkey}", "DROP (no local endpoints)", "#d62728",
                           "no local endpoints on this node: DROP (the client times out)")
            sk.link(fi, sink, max(flow, 1e-9), 1.0, "rgba(214,39,40,0.4)")
        # drawn: what the frontend reaches, and the endpoints no rule can reach (not ready: slivers)
        shown = [e for e in eps if probs.get(e.address, 0.0) > 0 or not e.ready]
        ordered = sorted(shown, key=lambda e: (-probs.get(e.address, 0.0), e.address))
        hidden = ordered[MAX_ENDPOINTS:]
        kept = {e.address for e in ordered[:MAX_ENDPOINTS]}
        label = sk.labels[fi]
        for e in shown:
            if e.address not in kept:
                continue
            p = probs.get(e.address, 0.0)
            drawn = flow * p if p else flow * SLIVER
            ei = sk.node(f"endpoint:{e.address}", e.address + ("" if e.ready else f" ({e.state})"),
                         "#2ca02c" if e.ready else "#ff7f0e", f"{e.address} {e.state}")
            sk.link(fi, ei, drawn, p, "rgba(44,160,44,0.35)" if p else "rgba(255,127,14,0.6)")
            self.rows.append([label, e.address, e.state, f"{p:.4g}", e.pod[1] if e.pod else "", e.node or ""])
            if e.pod is not None:
                pi = sk.node(f"pod:{e.pod[0]}/{e.pod[1]}", f"pod/{e.pod[1]}", "#2ca02c" if e.ready else "#ff7f0e")
                sk.link(ei, pi, drawn, 1.0 if p else 0.0, "rgba(44,160,44,0.25)" if p else "rgba(255,127,14,0.6)")
                self.pod_flow[pi] = self.pod_flow.get(pi, 0.0) + drawn
                self.pod_live[pi] = self.pod_live.get(pi, False) or p > 0
                self.pod_node[pi] = e.node
            elif e.node:
                ni = sk.node(f"node:{e.node}", f"node/{e.node}", "#393b79")
                sk.link(ei, ni, drawn, 1.0 if p else 0.0, "rgba(57,59,121,0.25)" if p else "rgba(255,127,14,0.6)")
        if hidden:
            mi = sk.node(f"more:{fkey}", f"… {len(hidden)} more endpoints", "#c7c7c7")
            total = sum(probs.get(e.address, 0.0) for e in hidden)
            sk.link(fi, mi, max(flow * total, 1e-9), total, "rgba(0,0,0,0.15)")
            per_node: dict[str, float] = {}
            for e in hidden:
                per_node[e.node or "?"] = per_node.get(e.node or "?", 0.0) + flow * probs.get(e.address, 0.0)
            for node, v in sorted(per_node.items()):
                sk.link(mi, sk.node(f"node:{node}", f"node/{node}", "#393b79"), max(v, 1e-9), 1.0,
                        "rgba(57,59,121,0.25)")

    def finish_pods(self) -> None:
        for pi, flow in self.pod_flow.items():
            node = self.pod_node.get(pi)
            if node and pi not in self.through:
                ni = self.sk.node(f"node:{node}", f"node/{node}", "#393b79")
                live = self.pod_live.get(pi, False)
                self.sk.link(pi, ni, flow, 1.0 if live else 0.0,
                             "rgba(57,59,121,0.25)" if live else "rgba(255,127,14,0.6)")


def _depths(n: int, pairs: list[tuple[int, int]]) -> list[int]:
    """Each Sankey node's row: the longest path to it from a source (how Plotly layers them)."""
    succ: dict[int, list[int]] = {}
    indegree = [0] * n
    for s, t in pairs:
        succ.setdefault(s, []).append(t)
        indegree[t] += 1
    depth = [0] * n
    ready = [i for i in range(n) if not indegree[i]]
    while ready:
        i = ready.pop()
        for t in succ.get(i, ()):
            depth[t] = max(depth[t], depth[i] + 1)
            indegree[t] -= 1
            if not indegree[t]:
                ready.append(t)
    return depth


def _even(eps: list[_Endpoint]) -> dict[str, float]:
    return {e.address: 1.0 / len(eps) for e in eps} if eps else {}


def default_node(cluster: Any) -> str:
    """Whose chains the table shows when no node is named: the first worker (the course's
    ``mac-worker``), else the control plane."""
    net = cluster.network
    return next((n for n in net.nodes if n != net.control_plane), net.control_plane)


def routes(cluster: Any, target: Optional[str] = None, namespace: str = "default",
           recorder: Optional[Recorder] = None, until: Optional[float] = None,
           node: Optional[str] = None) -> go.Figure:
    """The paths into Service / Ingress `target` (``svc/x``, ``ing/x``; all of `namespace` when None),
    seen from every node (or from `node`), and `node`'s chains for them."""
    rec = recorder if recorder is not None else (recorder_for(cluster) if until is not None else None)
    store = cluster.store
    if node is not None and node not in cluster.network.nodes:
        raise VizError(f'Error from server (NotFound): nodes "{node}" not found')
    services: list[Any] = []
    ingresses: list[Any] = []
    if target is None:
        services = [s for s in store.list("Service", namespace) if s.metadata.name != "kubernetes"]
        ingresses = store.list("Ingress", namespace)
    else:
        info, name = resolve_target(cluster, target, "service")
        obj = get_object(cluster, info, namespace, name)
        if info.kind == "Service":
            services = [obj]
        elif info.kind == "Ingress":
            ingresses = [obj]
        else:
            raise VizError(f"error: routes pictures need a Service or an Ingress, not {info.kind}")
    b = _Routes(cluster, rec, until, node)
    for ing in ingresses:
        b.ingress(ing)
    for svc in services:
        b.service(svc)
    b.finish_pods()
    sk = b.sk
    pairs = list(sk.links)
    depth = _depths(len(sk.keys), pairs)
    # top to bottom, as a packet goes: a node is as wide as its flow's share of its row, and so is its label
    through = [0.0] * len(sk.keys)
    into = [0.0] * len(sk.keys)
    for (src, dst), (value, _) in sk.links.items():
        through[src] += value
        into[dst] += value
    through = [max(a, b) for a, b in zip(through, into, strict=True)]
    per_row: dict[int, float] = {}
    for d, f in zip(depth, through, strict=True):
        per_row[d] = per_row.get(d, 0.0) + f
    labels = [short(label, max(12, int(WIDTH * f / (per_row[d] or 1) / 7)))
              for label, d, f in zip(sk.labels, depth, through, strict=True)]
    flow_trace = sankey(
        arrangement="snap", valueformat=".3f", orientation="v",
        domain={"x": [0.0, 1.0], "y": [0.0, 1.0]},
        node={"label": labels, "customdata": sk.keys, "color": sk.colors, "pad": 16, "thickness": 14,
              "hovertemplate": [f"{h}<br>flow %{{value:.3f}}<extra></extra>" for h in sk.hover]},
        link={"source": [s for s, _ in pairs], "target": [t for _, t in pairs],
              "value": [sk.links[p][0] for p in pairs], "customdata": [sk.links[p][1] for p in pairs],
              "color": [sk.link_colors[p] for p in pairs],
              "hovertemplate": "%{source.label} → %{target.label}<br>probability %{customdata:.4f}"
                                "<extra></extra>"},
        meta={"role": "routes", "frontends": b.frontends},
    )
    table_node = node or default_node(cluster)
    table = chains_table(cluster, table_node, list(b.infos.values()))
    flow_h = max(240, min(1100, 40 + 78 * (max(depth, default=0) + 1)))
    table_h = table_height(table)
    gap = 50 if table_h else 0
    plot_h = flow_h + gap + table_h
    traces = [flow_trace]
    annotations = []
    if table_h:
        split = (table_h + gap) / plot_h
        flow_trace["domain"]["y"] = [split, 1.0]
        table["domain"] = {"x": [0.0, 1.0], "y": [0.0, table_h / plot_h]}
        traces.append(table)
        annotations.append({"x": 0, "y": (table_h + 8) / plot_h, "xref": "paper", "yref": "paper",
                            "xanchor": "left", "yanchor": "bottom", "showarrow": False, "align": "left",
                            "text": f"<b>kube-proxy's chains on node {table_node}</b> "
                                    f"(iptables-save, the rules of these Services)", "font": {"size": 12}})
    title = "Routes to " + (target or f"the Services of namespace {namespace}") + \
        (f" from node {node}" if node else "") + \
        "<br><sup>link width: share of new connections (kube-proxy's rules, nginx upstreams); " \
        "orange: not ready, no traffic</sup>"
    layout = base_layout(title, meta=figure_meta(
        "routes", cluster, target=target, namespace=namespace, until=until,
        columns=["FRONTEND", "ENDPOINT", "STATE", "P", "POD", "NODE"], rows=b.rows, node=table_node,
        chains={"columns": ["TABLE", "RULE"], "rows": [[t, r] for t, r in zip(
            table["cells"]["values"][0], table["meta"]["rules"], strict=False)]}),
        height=plot_h + 110, margin={"l": 20, "r": 20, "t": 80, "b": 20}, annotations=annotations)
    return make_figure(traces, layout)
