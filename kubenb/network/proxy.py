"""kube-proxy in iptables mode: the service table it programs, and where a packet goes through it.

:class:`ServiceTable` is what ``syncProxyRules`` reads: one :class:`ServicePortInfo` per Service
port with a cluster IP (headless and ExternalName Services are not proxied), each with its
endpoints from the EndpointSlices (``Addresses[0]``, ready/serving/terminating as the slice says,
a missing ``ready`` meaning ready), sorted as kube-proxy sorts them: by the ``ip:port`` *string*.

:meth:`KubeProxy.route` walks one new connection through the rules a node's kube-proxy wrote —
``KUBE-SERVICES`` (cluster IP, external IPs, then the node-port tail rule for local
destinations), the ``KUBE-SVC``/``KUBE-SVL``/``KUBE-EXT`` (v1.24+) or ``KUBE-SVC``/``KUBE-XLB``
(v1.23) chains, session affinity (``-m recent``), the ``-m statistic --mode random`` rules with
the kernel's 31-bit probabilities drawn from a seeded stream, and the ``KUBE-SEP`` DNAT — and
says what became of it: DNAT to an endpoint (with or without the masquerade mark), REJECT (the
filter table's "has no endpoints" rule: ``Connection refused``), DROP (no local endpoints under a
``Local`` policy: the client times out), or no rule at all.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any, Optional

from kubenb.network import chains

DEFAULT_STICKY_SECONDS = 10800
SERVICE_NAME_LABEL = "kubernetes.io/service-name"


@dataclass(frozen=True)
class EndpointInfo:
    ip: str
    port: int
    ready: bool
    serving: bool
    terminating: bool
    node: Optional[str]
    chain: str  # KUBE-SEP-…

    @property
    def address(self) -> str:
        return f"{self.ip}:{self.port}"


@dataclass
class ServicePortInfo:
    namespace: str
    name: str
    port_name: str
    protocol: str  # TCP / UDP / SCTP
    port: int
    cluster_ip: str
    node_port: int
    external_ips: tuple[str, ...]
    lb_ips: tuple[str, ...]
    lb_source_ranges: tuple[str, ...]
    svc_type: str
    affinity: bool
    sticky_seconds: int
    external_local: bool
    internal_local: bool
    health_check_node_port: int
    endpoints: list[EndpointInfo] = field(default_factory=list)

    @property
    def name_string(self) -> str:
        return chains.service_port_name(self.namespace, self.name, self.port_name)

    @property
    def proto(self) -> str:
        return self.protocol.lower()

    def chain(self, prefix: str = chains.SVC) -> str:
        return chains.service_chain(self.name_string, self.proto, prefix)

    @property
    def externally_accessible(self) -> bool:
        return bool(self.node_port or self.external_ips or self.lb_ips)

    @property
    def uses_local_endpoints(self) -> bool:
        return self.internal_local or (self.external_local and self.externally_accessible)

    @property
    def uses_cluster_endpoints(self) -> bool:
        """Cluster endpoints serve internal traffic unless it is Local, and any external traffic
        (even under a Local external policy: pods and the node itself short-circuit to them)."""
        return not self.internal_local or self.externally_accessible


@dataclass(frozen=True)
class Categorized:
    """``proxy.CategorizeEndpoints`` (and the v1.23 filtering): who serves, from one node."""

    cluster: list[EndpointInfo]
    local: list[EndpointInfo]
    reachable: list[EndpointInfo]
    has_endpoints: bool


@dataclass(frozen=True)
class Route:
    """What a node's rules did with a new connection."""

    outcome: str  # "dnat" | "reject" | "drop" | "none"
    endpoint: Optional[EndpointInfo] = None
    masquerade: bool = False
    service: Optional[ServicePortInfo] = None


NO_RULE = Route("none")


@dataclass(frozen=True)
class Choice:
    """What a node's rules decide about a new connection *before* the ``-m statistic`` rules draw:
    the outcome and, for DNAT, the endpoints in the order the rules try them. :meth:`KubeProxy.route`
    draws from it; pictures read :meth:`probabilities` (the same rules, as numbers)."""

    outcome: str  # "dnat" | "reject" | "drop" | "none"
    service: Optional[ServicePortInfo] = None
    endpoints: tuple[EndpointInfo, ...] = ()
    masquerade: bool = False

    def probabilities(self) -> list[tuple[EndpointInfo, float]]:
        """Each endpoint's share of new connections: rule ``i`` of ``n`` matches with the kernel's
        31-bit fraction of ``1/(n-i)`` of what the rules before it left; the last rule takes the rest.
        (Session affinity only sends a *returning* client back to its endpoint.)"""
        out: list[tuple[EndpointInfo, float]] = []
        left, n = 1.0, len(self.endpoints)
        for i, ep in enumerate(self.endpoints):
            q = 1.0 if i == n - 1 else chains.kernel_probability(chains.probability(n - i)) / 0x80000000
            out.append((ep, left * q))
            left -= left * q
        return out


NO_CHOICE = Choice("none")


class ServiceTable:
    """The Services and endpoints kube-proxy knows, rebuilt lazily after the store changes."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self._ports: Optional[list[ServicePortInfo]] = None
        self._by_vip: dict[tuple[str, int, str], ServicePortInfo] = {}
        self._by_node_port: dict[tuple[int, str], ServicePortInfo] = {}
        self._slices: dict[tuple[str, str], list[Any]] = {}
        for kind in ("Service", "EndpointSlice", "Endpoints"):
            store.watch(self._invalidate, kind)

    def _invalidate(self, _event: Any) -> None:
        self._ports = None

    @property
    def ports(self) -> list[ServicePortInfo]:
        if self._ports is None:
            self._build()
        assert self._ports is not None
        return self._ports

    def by_vip(self, ip: str, port: int, protocol: str) -> Optional[ServicePortInfo]:
        _ = self.ports
        return self._by_vip.get((ip, port, protocol.upper()))

    def by_node_port(self, port: int, protocol: str) -> Optional[ServicePortInfo]:
        _ = self.ports
        return self._by_node_port.get((port, protocol.upper()))

    # ---------------------------------------------------------------- building

    def _build(self) -> None:
        ports: list[ServicePortInfo] = []
        self._slices: dict[tuple[str, str], list[Any]] = {}
        for s in self.store.list("EndpointSlice"):
            name = (s.metadata.labels or {}).get(SERVICE_NAME_LABEL)
            if name and s.address_type in ("IPv4", ""):
                self._slices.setdefault((s.metadata.namespace or "", name), []).append(s)
        for svc in self.store.list("Service"):
            spec = svc.spec
            if not spec.cluster_ip or spec.cluster_ip == "None" or spec.type == "ExternalName":
                continue
            endpoints = self._endpoints_of(svc)
            affinity = spec.session_affinity == "ClientIP"
            sticky = DEFAULT_STICKY_SECONDS
            cfg = spec.session_affinity_config
            if affinity and cfg is not None and cfg.client_ip is not None and cfg.client_ip.timeout_seconds:
                sticky = cfg.client_ip.timeout_seconds
            lb_ips = tuple(i.ip for i in (svc.status.load_balancer.ingress or ()) if i.ip)
            for sp in spec.ports or ():
                info = ServicePortInfo(
                    namespace=svc.metadata.namespace or "", name=svc.metadata.name or "",
                    port_name=sp.name or "", protocol=(sp.protocol or "TCP").upper(), port=sp.port,
                    cluster_ip=spec.cluster_ip, node_port=sp.node_port or 0,
                    external_ips=tuple(spec.external_ips or ()), lb_ips=lb_ips,
                    lb_source_ranges=tuple(spec.load_balancer_source_ranges or ()), svc_type=spec.type or "ClusterIP",
                    affinity=affinity, sticky_seconds=sticky,
                    external_local=spec.external_traffic_policy == "Local" and spec.type in ("NodePort", "LoadBalancer"),
                    internal_local=spec.internal_traffic_policy == "Local",
                    health_check_node_port=spec.health_check_node_port or 0,
                )
                info.endpoints = sorted(
                    (EndpointInfo(ip, number, ready, serving, terminating, node,
                                  chains.endpoint_chain(info.name_string, info.proto, f"{ip}:{number}"))
                     for (name, proto), found in endpoints.items()
                     if name == info.port_name and proto == info.protocol
                     for ip, number, ready, serving, terminating, node in found),
                    key=lambda e: e.address)
                ports.append(info)
        ports.sort(key=lambda p: (p.namespace, p.name, p.port_name, p.protocol))
        self._by_vip = {}
        self._by_node_port = {}
        for p in ports:
            for ip in (p.cluster_ip,):
                self._by_vip.setdefault((ip, p.port, p.protocol), p)
            if p.node_port:
                self._by_node_port.setdefault((p.node_port, p.protocol), p)
        self._ports = ports

    def _endpoints_of(self, svc: Any) -> dict[tuple[str, str], list[tuple]]:
        """{(port name, protocol): [(ip, port, ready, serving, terminating, node)]} from the slices."""
        ns, name = svc.metadata.namespace or "", svc.metadata.name or ""
        slices = self._slices.get((ns, name), [])
        out: dict[tuple[str, str], dict[str, tuple]] = {}
        if slices:
            for s in slices:
                for port in s.ports or ():
                    if port.port is None:
                        continue
                    key = (port.name or "", (port.protocol or "TCP").upper())
                    seen = out.setdefault(key, {})
                    for ep in s.endpoints or ():
                        if not ep.addresses:
                            continue
                        c = ep.conditions
                        ready = c.ready is None or bool(c.ready)
                        serving = ready if c.serving is None else bool(c.serving)
                        terminating = bool(c.terminating)
                        ip = ep.addresses[0]
                        seen.setdefault(f"{ip}:{port.port}", (ip, port.port, ready, serving, terminating, ep.node_name))
            return {k: list(v.values()) for k, v in out.items()}
        # No slice (user-made Endpoints that the mirroring controller would have copied).
        eps = self.store.try_get("Endpoints", ns, name)
        for subset in (eps.subsets or ()) if eps is not None else ():
            for port in subset.ports or ():
                key = (port.name or "", (port.protocol or "TCP").upper())
                seen = out.setdefault(key, {})
                for addrs, ready in ((subset.addresses or (), True), (subset.not_ready_addresses or (), False)):
                    for a in addrs:
                        seen.setdefault(f"{a.ip}:{port.port}", (a.ip, port.port, ready, ready, False, a.node_name))
        return {k: list(v.values()) for k, v in out.items()}


class KubeProxy:
    """Every node's kube-proxy: the shared service table plus each node's kernel state."""

    def __init__(self, table: ServiceTable, cluster_cidr: str, minor: int, rng: Any, now: Any) -> None:
        self.table = table
        self.cluster_cidr = cluster_cidr
        self.cidr = ipaddress.ip_network(cluster_cidr)
        self.minor = minor
        self.rng = rng  # RandomStreams
        self.now = now  # () -> float
        self.recent: dict[tuple[str, str], dict[str, float]] = {}  # (node, SEP chain) -> {client: last seen}

    @property
    def modern(self) -> bool:
        """v1.24+ rules (KUBE-EXT/KUBE-SVL, ``->`` comments); v1.23 wrote KUBE-XLB and plain comments."""
        return self.minor >= 24

    def in_cluster_cidr(self, ip: str) -> bool:
        try:
            return ipaddress.ip_address(ip) in self.cidr
        except ValueError:
            return False

    # ---------------------------------------------------------------- endpoints per node

    def categorize(self, svc: ServicePortInfo, node: Optional[str]) -> Categorized:
        eps = svc.endpoints
        if self.modern:
            cluster: list[EndpointInfo] = []
            local: list[EndpointInfo] = []
            if svc.uses_cluster_endpoints:
                cluster = [e for e in eps if e.ready] or [e for e in eps if e.serving and e.terminating]
            if svc.uses_local_endpoints:
                mine = [e for e in eps if e.node == node]
                local = [e for e in mine if e.ready] or [e for e in mine if e.serving and e.terminating]
            usable = [e for e in eps if e.ready] or [e for e in eps if e.serving and e.terminating]
            reachable = sorted({e.address: e for e in cluster + local}.values(), key=lambda e: e.address)
            return Categorized(cluster, local, reachable, bool(usable))
        # v1.23: FilterEndpoints -- internalTrafficPolicy: Local keeps the local ones, unless the
        # external policy is Local (then nothing is filtered); ready only (serving-and-terminating
        # endpoints count only behind a gate that is off by default).
        if svc.internal_local and not svc.external_local:
            eps = [e for e in eps if e.node == node]
        ready = [e for e in eps if e.ready]
        local = [e for e in ready if e.node == node] if svc.external_local else []
        return Categorized(ready, local, ready, bool(ready))

    # ---------------------------------------------------------------- a packet's path

    def route(self, node: Optional[str], dst: str, port: int, protocol: str, src: str, *,
              src_local: bool, dst_local: bool) -> Route:
        """A new connection `src` -> `dst:port` through `node`'s nat and filter rules.

        `src_local`: the source is one of this node's own addresses (``--src-type LOCAL``).
        `dst_local`: the destination is (``--dst-type LOCAL``), which is what sends it on to
        ``KUBE-NODEPORTS``.
        """
        return self._draw(self.choose(node, dst, port, protocol, src, src_local=src_local, dst_local=dst_local),
                          node, src)

    def choose(self, node: Optional[str], dst: str, port: int, protocol: str, src: str, *,
               src_local: bool, dst_local: bool) -> Choice:
        """What :meth:`route` decides before drawing an endpoint (same arguments)."""
        svc = self.table.by_vip(dst, port, protocol)
        if svc is not None:
            return self._cluster_ip(svc, node, src)
        for p in self.table.ports:
            if p.protocol == protocol.upper() and p.port == port and (dst in p.external_ips or dst in p.lb_ips):
                return self._external(p, node, src, src_local, loopback=False)
        if dst_local:
            p = self.table.by_node_port(port, protocol)
            if p is not None:
                return self._external(p, node, src, src_local, loopback=dst.startswith("127."))
        return NO_CHOICE

    def service_choice(self, svc: ServicePortInfo, node: Optional[str], src: str, *, external: bool,
                       src_local: bool = False) -> Choice:
        """:meth:`choose` for a connection to `svc`'s cluster IP, or (`external`) to its node port,
        given the port's info directly (a picture of the past passes one with recorded endpoints)."""
        if external:
            return self._external(svc, node, src, src_local, loopback=False)
        return self._cluster_ip(svc, node, src)

    def _cluster_ip(self, svc: ServicePortInfo, node: Optional[str], src: str) -> Choice:
        cat = self.categorize(svc, node)
        masq = not self.in_cluster_cidr(src)
        if self.modern:
            if not cat.has_endpoints:
                return Choice("reject", svc)
            if svc.internal_local:
                if not cat.local:
                    return Choice("drop", svc)
                return self._pick(svc, cat.local, masq)
            return self._pick(svc, cat.cluster, masq)
        if not cat.has_endpoints:
            return Choice("reject", svc)
        return self._pick(svc, cat.cluster, masq)

    def _external(self, svc: ServicePortInfo, node: Optional[str], src: str, src_local: bool, loopback: bool) -> Choice:
        """Node ports, external IPs and load-balancer IPs (the EXT chain, or the v1.23 rules)."""
        cat = self.categorize(svc, node)
        if not cat.has_endpoints:
            return Choice("reject", svc)
        if not svc.external_local:
            return self._pick(svc, cat.cluster, True)
        if self.in_cluster_cidr(src):  # pod traffic short-circuits to the cluster-wide chain
            return self._pick(svc, cat.cluster, False)
        if src_local:  # the node itself: masquerade, then the cluster-wide chain
            return self._pick(svc, cat.cluster, True)
        if not cat.local:
            return Choice("drop", svc)
        return self._pick(svc, cat.local, loopback)

    @staticmethod
    def _pick(svc: ServicePortInfo, eps: list[EndpointInfo], masq: bool) -> Choice:
        return Choice("dnat", svc, tuple(eps), masq) if eps else Choice("drop", svc)

    def _draw(self, choice: Choice, node: Optional[str], src: str) -> Route:
        """The ``-m recent`` and ``-m statistic`` rules: which endpoint this connection gets."""
        svc, eps = choice.service, choice.endpoints
        if choice.outcome != "dnat" or svc is None:
            return Route(choice.outcome, service=svc) if choice.outcome != "none" else NO_RULE
        chosen: Optional[EndpointInfo] = None
        now = self.now()
        key_node = node or ""
        if svc.affinity:
            for ep in eps:
                seen = self.recent.get((key_node, ep.chain), {}).get(src)
                if seen is not None and now - seen <= svc.sticky_seconds:
                    chosen = ep
                    break
        if chosen is None:
            stream = self.rng.stream(f"kube-proxy/{key_node}")
            n = len(eps)
            for i, ep in enumerate(eps):
                if i == n - 1 or stream.getrandbits(31) < chains.kernel_probability(chains.probability(n - i)):
                    chosen = ep
                    break
        assert chosen is not None
        if svc.affinity:
            self.recent.setdefault((key_node, chosen.chain), {})[src] = now
        return Route("dnat", chosen, choice.masquerade or src == chosen.ip, svc)
