"""`routes(cluster, "svc/x")`: where a new connection goes, as a Sankey from clients to nodes.

Columns: clients → Ingress rules (host + path) → Service frontends (``ClusterIP:port/proto``,
``NodePort :port``) → endpoints (``ip:port``) → pods → nodes. Link values are flows: each entry
(an Ingress rule, in-cluster clients of a ClusterIP, outside clients of a NodePort) carries one
unit, and a frontend passes what comes in on to its endpoints with kube-proxy's probabilities in
iptables mode — ``1/n`` over the ready endpoints (v1.24+: when none is ready, over the serving
terminating ones), ``0`` for the rest. Plotly does not draw a zero-valued link (nor a node left
with only those), so a link with probability 0 carries a thin orange sliver (``SLIVER`` × the
frontend's flow) that keeps the not-ready endpoint and its pod on the picture; its probability,
in ``link.customdata``, stays 0. Session affinity
changes which endpoint a *returning* client gets, not these first-connection odds.

Data contract, one ``sankey`` trace with ``meta = {"role": "routes", "frontends": {...}}``:

* ``node.customdata[i]`` is a key: ``client:in-cluster``, ``client:outside``,
  ``ingress:<ns>/<name>:<host><path>``, ``frontend:<ns>/<svc>:<port>/<proto>:<ClusterIP|NodePort|Headless>``,
  ``endpoint:<ip>:<port>``, ``pod:<ns>/<name>``, ``node:<name>``, ``more:<frontend key>``;
* ``link.customdata[i]`` is the kube-proxy probability of that hop (1 for hops that do not branch);
* ``meta["frontends"][frontend key]`` maps each endpoint key to its probability (what the
  iptables ``-m statistic`` rules give the first connection) and lists ``ready`` / ``not_ready``.

With ``until``, readiness comes from the recorder's Endpoints history at that instant.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

import plotly.graph_objects as go

from kubenb.api import labels as labelsel
from kubenb.history import Recorder, recorder_for
from kubenb.viz.common import VizError, base_layout, figure_meta, get_object, make_figure, resolve_target, sankey

SERVICE_NAME = "kubernetes.io/service-name"
MAX_ENDPOINTS = 200  # per frontend; the rest are summed into one "… more" node
SLIVER = 0.02  # drawn width of a link that carries no traffic, as a share of its frontend's flow


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
    """{service port name: endpoints} from the Service's EndpointSlices (else its Endpoints)."""
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


def kube_proxy_probabilities(endpoints: list[_Endpoint], minor: int) -> dict[str, float]:
    """Each endpoint's chance of getting a new connection (iptables mode, traffic policy Cluster)."""
    usable = [e for e in endpoints if e.ready]
    if not usable and minor >= 24:
        usable = [e for e in endpoints if e.serving and e.terminating]
    p = 1.0 / len(usable) if usable else 0.0
    chosen = {e.address for e in usable}
    return {e.address: (p if e.address in chosen else 0.0) for e in endpoints}


def routes(cluster: Any, target: Optional[str] = None, namespace: str = "default",
           recorder: Optional[Recorder] = None, until: Optional[float] = None) -> go.Figure:
    """The paths into Service / Ingress `target` (``svc/x``, ``ing/x``; all of `namespace` when None)."""
    rec = recorder if recorder is not None else (recorder_for(cluster) if until is not None else None)
    store = cluster.store
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
    sk = _Sankey()
    minor = cluster.version.minor
    frontends_meta: dict[str, dict] = {}
    rows: list[list[Any]] = []
    inflow: dict[int, float] = {}
    fronts_of: dict[tuple[str, str, str], list[int]] = {}  # (ns, svc, port name or number) -> frontend nodes

    def frontend(svc: Any, port: Any, mode: str) -> int:
        ns, name = svc.metadata.namespace or "", svc.metadata.name or ""
        proto = port.protocol or "TCP"
        key = f"frontend:{ns}/{name}:{port.port}/{proto}:{mode}"
        if mode == "NodePort":
            label = f"svc/{name} NodePort :{port.node_port}/{proto}"
        elif mode == "Headless":
            label = f"svc/{name} (headless, DNS) :{port.port}"
        else:
            label = f"svc/{name} {svc.spec.cluster_ip}:{port.port}/{proto}"
        i = sk.node(key, label, "#1f77b4" if mode != "NodePort" else "#17becf")
        for ref in {port.name or "", str(port.port)}:
            fronts_of.setdefault((ns, name, ref), []).append(i)
        return i

    # ---------------------------------------------------------------- entries
    for svc in services:
        if svc.spec.type == "ExternalName":
            i = sk.node(f"frontend:{svc.metadata.namespace}/{svc.metadata.name}:ExternalName",
                        f"svc/{svc.metadata.name} → {svc.spec.external_name} (DNS CNAME)", "#9467bd")
            sk.link(sk.node("client:in-cluster", "clients in the cluster", "#7f7f7f"), i, 1.0, 1.0, "rgba(0,0,0,0.2)")
            inflow[i] = inflow.get(i, 0) + 1
            continue
        headless = svc.spec.cluster_ip == "None"
        for port in svc.spec.ports or ():
            i = frontend(svc, port, "Headless" if headless else "ClusterIP")
            src = sk.node("client:in-cluster", "clients in the cluster", "#7f7f7f")
            sk.link(src, i, 1.0, 1.0, "rgba(0,0,0,0.2)")
            inflow[i] = inflow.get(i, 0) + 1
            if port.node_port and svc.spec.type in ("NodePort", "LoadBalancer"):
                j = frontend(svc, port, "NodePort")
                src = sk.node("client:outside", "clients outside (any node's IP)", "#7f7f7f")
                sk.link(src, j, 1.0, 1.0, "rgba(0,0,0,0.2)")
                inflow[j] = inflow.get(j, 0) + 1
    for ing in ingresses:
        ns = ing.metadata.namespace or ""
        rules = []
        for rule in ing.spec.rules or ():
            for path in (rule.http.paths if rule.http and rule.http.paths else ()):
                rules.append((rule.host or "*", path.path or "/", path.backend))
        if ing.spec.default_backend is not None:
            rules.append(("*", "(default backend)", ing.spec.default_backend))
        for host, path, backend in rules:
            key = f"ingress:{ns}/{ing.metadata.name}:{host}{path}"
            r = sk.node(key, f"ing/{ing.metadata.name} {host}{path}", "#8c564b")
            sk.link(sk.node("client:outside", "clients outside (any node's IP)", "#7f7f7f"), r, 1.0, 1.0,
                    "rgba(0,0,0,0.2)")
            inflow[r] = inflow.get(r, 0) + 1
            if backend.service is None:
                continue
            svc = store.try_get("Service", ns, backend.service.name)
            port_ref = backend.service.port.name or str(backend.service.port.number)
            if svc is None:
                miss = sk.node(f"missing:{ns}/{backend.service.name}", f"svc/{backend.service.name} (missing)",
                               "#d62728")
                sk.link(r, miss, 1.0, 1.0, "rgba(214,39,40,0.4)")
                continue
            if svc not in services:
                services.append(svc)
            port = next((p for p in svc.spec.ports or () if (p.name or "") == port_ref or str(p.port) == port_ref),
                        None)
            if port is None:
                continue
            i = frontend(svc, port, "ClusterIP" if svc.spec.cluster_ip != "None" else "Headless")
            sk.link(r, i, 1.0, 1.0, "rgba(140,86,75,0.4)")
            inflow[i] = inflow.get(i, 0) + 1
    # ---------------------------------------------------------------- frontends -> endpoints -> pods -> nodes
    pod_flow: dict[int, float] = {}
    pod_node: dict[int, Optional[str]] = {}
    pod_p: dict[int, float] = {}  # a pod's best probability: 0 means its link to the node is only a sliver
    for svc in services:
        if svc.spec.type == "ExternalName":
            continue
        ns, name = svc.metadata.namespace or "", svc.metadata.name or ""
        by_port = _endpoints(cluster, svc, rec, until)
        for port in svc.spec.ports or ():
            eps = by_port.get(port.name or "", [])
            probs = kube_proxy_probabilities(eps, minor)
            fronts = sorted(set(fronts_of.get((ns, name, port.name or ""), []) +
                                fronts_of.get((ns, name, str(port.port)), [])))
            for fi in fronts:
                fkey = sk.keys[fi]
                flow = inflow.get(fi, 0.0)
                ready = [e.address for e in eps if e.ready]
                frontends_meta[fkey] = {"probabilities": {f"endpoint:{a}": p for a, p in probs.items()},
                                        "ready": [f"endpoint:{a}" for a in ready],
                                        "not_ready": [f"endpoint:{e.address}" for e in eps if not e.ready]}
                if not eps:
                    none = sk.node(f"none:{fkey}", "no endpoints (connection refused)", "#d62728")
                    sk.link(fi, none, max(flow, 1e-9), 0.0, "rgba(214,39,40,0.4)")
                # past MAX_ENDPOINTS, the least likely ones are summed into one node (per node of theirs)
                ordered = sorted(eps, key=lambda e: (-probs[e.address], e.address))
                hidden = ordered[MAX_ENDPOINTS:]
                kept = {e.address for e in ordered[:MAX_ENDPOINTS]}
                shown = [e for e in eps if e.address in kept]
                for e in shown:
                    p = probs[e.address]
                    drawn = flow * p if p else flow * SLIVER
                    state = "ready" if e.ready else ("serving, terminating" if e.serving and e.terminating
                                                     else "not ready")
                    ei = sk.node(f"endpoint:{e.address}", f"{e.address}" + ("" if e.ready else f" ({state})"),
                                 "#2ca02c" if e.ready else "#ff7f0e", f"{e.address} {state}, p={p:.3g}")
                    sk.link(fi, ei, drawn, p, "rgba(44,160,44,0.35)" if p else "rgba(255,127,14,0.6)")
                    rows.append([sk.labels[fi], e.address, state, f"{p:.4g}",
                                 f"{e.pod[1]}" if e.pod else "", e.node or ""])
                    if e.pod is not None:
                        pi = sk.node(f"pod:{e.pod[0]}/{e.pod[1]}", f"pod/{e.pod[1]}",
                                     "#2ca02c" if e.ready else "#ff7f0e")
                        sk.link(ei, pi, drawn, 1.0 if p else 0.0,
                                "rgba(44,160,44,0.25)" if p else "rgba(255,127,14,0.6)")
                        pod_flow[pi] = pod_flow.get(pi, 0.0) + drawn
                        pod_p[pi] = max(pod_p.get(pi, 0.0), p)
                        pod_node[pi] = e.node
                    elif e.node:
                        ni = sk.node(f"node:{e.node}", f"node/{e.node}", "#393b79")
                        sk.link(ei, ni, drawn, 1.0 if p else 0.0,
                                "rgba(57,59,121,0.25)" if p else "rgba(255,127,14,0.6)")
                if hidden:
                    mi = sk.node(f"more:{fkey}", f"… {len(hidden)} more endpoints", "#c7c7c7")
                    total = sum(probs[e.address] for e in hidden)
                    sk.link(fi, mi, flow * total, total, "rgba(0,0,0,0.15)")
                    per_node: dict[str, float] = {}
                    for e in hidden:
                        per_node[e.node or "?"] = per_node.get(e.node or "?", 0.0) + flow * probs[e.address]
                    for node, v in sorted(per_node.items()):
                        sk.link(mi, sk.node(f"node:{node}", f"node/{node}", "#393b79"), v, 1.0, "rgba(57,59,121,0.25)")
    for pi, flow in pod_flow.items():
        node = pod_node.get(pi)
        if node:
            ni = sk.node(f"node:{node}", f"node/{node}", "#393b79")
            live = pod_p.get(pi, 0.0) > 0
            sk.link(pi, ni, flow, 1.0 if live else 0.0, "rgba(57,59,121,0.25)" if live else "rgba(255,127,14,0.6)")
    pairs = list(sk.links)
    trace = sankey(
        arrangement="snap", valueformat=".3f",
        node={"label": sk.labels, "customdata": sk.keys, "color": sk.colors, "pad": 12, "thickness": 14,
              "hovertemplate": "%{label}<br>flow %{value:.3f}<extra></extra>"},
        link={"source": [s for s, _ in pairs], "target": [t for _, t in pairs],
              "value": [sk.links[p][0] for p in pairs], "customdata": [sk.links[p][1] for p in pairs],
              "color": [sk.link_colors[p] for p in pairs],
              "hovertemplate": "%{source.label} → %{target.label}<br>kube-proxy probability %{customdata:.3f}"
                                "<extra></extra>"},
        meta={"role": "routes", "frontends": frontends_meta},
    )
    title = "Routes to " + (target or f"the Services of namespace {namespace}") + \
        "<br><sup>link width: share of new connections (kube-proxy, iptables mode); orange: not ready, no traffic</sup>"
    layout = base_layout(title, meta=figure_meta(
        "routes", cluster, target=target, namespace=namespace, until=until,
        columns=["FRONTEND", "ENDPOINT", "STATE", "P", "POD", "NODE"], rows=rows),
        height=max(320, min(1400, 40 + 22 * max(1, len(rows)))))
    return make_figure([trace], layout)
