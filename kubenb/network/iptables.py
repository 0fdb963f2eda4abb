"""A node's netfilter rules as ``iptables-save`` prints them.

The kube-proxy part follows ``syncProxyRules`` of the profile's release -- v1.32 (KUBE-EXT and
KUBE-SVL chains, ``"ns/svc -> ip:port"`` comments, nfacct counters) or v1.23 (the masquerade and
node-port rules in KUBE-SVC, KUBE-XLB for ``Local`` policies, KUBE-MARK-DROP) -- with the rules the
kubelet, flannel and (for the docker runtime) dockerd add around it.

Rules are printed the way the kernel gives them back, not the way kube-proxy wrote them: the IP
header matches first (``! -s``, ``-d`` with ``/32`` on host addresses, ``-p``), then the match
modules in order, comments quoted unless made only of ``[A-Za-z0-9_-]``, probabilities as the
kernel's 31-bit fraction (``0.33333333349``), ``--or-mark``/``--xor-mark`` as ``--set-xmark``.
Chains are listed built-ins first, then the others sorted (iptables-nft keeps them sorted).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Optional

from kubenb.network import chains
from kubenb.network.proxy import EndpointInfo, ServicePortInfo

if TYPE_CHECKING:
    from kubenb.network.network import ClusterNetwork

BUILTIN = {
    "mangle": ("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"),
    "filter": ("INPUT", "FORWARD", "OUTPUT"),
    "nat": ("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"),
}
TABLE_ORDER = ("mangle", "filter", "nat")
IPTABLES_VERSION = {"course": "1.8.7", "kubeadm": "1.8.10"}
MASQ = "0x4000"
DROP_MARK = "0x8000"
_SAFE = set("_-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def quote(text: str) -> str:
    """``xtables_save_string``: bare when made of safe characters only, else double-quoted."""
    if text and all(c in _SAFE for c in text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def comment(text: str) -> str:
    return f"-m comment --comment {quote(text)}"


def host(ip: str) -> str:
    return ip if "/" in ip else f"{ip}/32"


def rule(chain: str, *parts: str, src: str = "", nsrc: str = "", dst: str = "", ndst: str = "",
         proto: str = "", iface_in: str = "", iface_out: str = "", niface_out: str = "", jump: str = "") -> str:
    """One ``-A`` line in iptables-save's order."""
    words = ["-A", chain]
    if nsrc:
        words += ["!", "-s", host(nsrc)]
    if src:
        words += ["-s", host(src)]
    if ndst:
        words += ["!", "-d", host(ndst)]
    if dst:
        words += ["-d", host(dst)]
    if iface_in:
        words += ["-i", iface_in]
    if niface_out:
        words += ["!", "-o", niface_out]
    if iface_out:
        words += ["-o", iface_out]
    if proto:
        words += ["-p", proto]
    words += [p for p in parts if p]
    if jump:
        words += ["-j", jump]
    return " ".join(words)


@dataclass
class Table:
    name: str
    policies: dict[str, str] = field(default_factory=dict)
    chains: set[str] = field(default_factory=set)
    rules: dict[str, list[str]] = field(default_factory=dict)

    def chain(self, name: str) -> None:
        if name not in BUILTIN[self.name]:
            self.chains.add(name)

    def add(self, line: str) -> None:
        chain = line.split(" ", 2)[1]
        self.chain(chain)
        self.rules.setdefault(chain, []).append(line)

    def order(self) -> list[str]:
        return list(BUILTIN[self.name]) + sorted(self.chains)

    def save_lines(self) -> list[str]:
        out = [f"*{self.name}"]
        for c in BUILTIN[self.name]:
            out.append(f":{c} {self.policies.get(c, 'ACCEPT')} [0:0]")
        out += [f":{c} - [0:0]" for c in sorted(self.chains)]
        for c in self.order():
            out += self.rules.get(c, [])
        out.append("COMMIT")
        return out

    def spec_lines(self, chain: Optional[str] = None) -> list[str]:
        """``iptables -t TABLE -S [CHAIN]``."""
        out = []
        for c in self.order() if chain is None else [chain]:
            if c in BUILTIN[self.name]:
                out.append(f"-P {c} {self.policies.get(c, 'ACCEPT')}")
            elif chain is None or c == chain:
                out.append(f"-N {c}")
        for c in self.order() if chain is None else [chain]:
            out += self.rules.get(c, [])
        return out


def ctime(t: float) -> str:
    """``ctime(3)`` without the newline: ``Sat Jun 24 07:35:39 2023`` (UTC, C locale)."""
    d = datetime.fromtimestamp(int(t), UTC)
    day = "Mon Tue Wed Thu Fri Sat Sun".split()[d.weekday()]
    month = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()[d.month - 1]
    return f"{day} {month} {d.day:>2} {d:%H:%M:%S} {d.year}"


class NodeRules:
    """The rule set of one node, built from the cluster's current state."""

    def __init__(self, net: ClusterNetwork, node: str, services: Optional[list[ServicePortInfo]] = None) -> None:
        """`services`: write kube-proxy's rules for these Service ports only (a picture of a few
        Services need not build the rules of every Service of a large cluster); all by default."""
        self.net = net
        self.node = node
        self.services = net.table.ports if services is None else services
        self.modern = net.proxy.modern
        self.cidr = str(net.cluster_cidr)
        self.docker = net.cluster.profile.runtime_prefix == "docker"
        self.tables = {t: Table(t) for t in TABLE_ORDER}
        self._build()

    # ---------------------------------------------------------------- assembling

    def _build(self) -> None:
        mangle, filt, nat = self.tables["mangle"], self.tables["filter"], self.tables["nat"]
        for t in (mangle, filt, nat):
            t.chain("KUBE-KUBELET-CANARY")
            t.chain("KUBE-PROXY-CANARY")
        mangle.chain("KUBE-IPTABLES-HINT")
        if self.docker:
            filt.policies["FORWARD"] = "DROP"
        self._jumps(filt, nat)
        self._kubelet(filt, nat)
        self._kube_proxy(filt, nat)
        if self.docker:  # dockerd's rules are there from boot; flannel appends its own later
            self._dockerd(filt, nat)
        self._flannel(filt, nat)

    def _jumps(self, filt: Table, nat: Table) -> None:
        """The jumps from the built-in chains, in the order repeated prepends leave them."""
        new = "-m conntrack --ctstate NEW"
        if self.modern:
            for c in ("INPUT",):
                filt.add(rule(c, new, comment("kubernetes load balancer firewall"), jump="KUBE-PROXY-FIREWALL"))
                filt.add(rule(c, comment("kubernetes health check service ports"), jump="KUBE-NODEPORTS"))
                filt.add(rule(c, new, comment("kubernetes externally-visible service portals"),
                              jump="KUBE-EXTERNAL-SERVICES"))
                filt.add(rule(c, jump="KUBE-FIREWALL"))
            filt.add(rule("FORWARD", new, comment("kubernetes load balancer firewall"), jump="KUBE-PROXY-FIREWALL"))
            filt.add(rule("FORWARD", comment("kubernetes forwarding rules"), jump="KUBE-FORWARD"))
            filt.add(rule("FORWARD", new, comment("kubernetes service portals"), jump="KUBE-SERVICES"))
            filt.add(rule("FORWARD", new, comment("kubernetes externally-visible service portals"),
                          jump="KUBE-EXTERNAL-SERVICES"))
            filt.add(rule("OUTPUT", new, comment("kubernetes load balancer firewall"), jump="KUBE-PROXY-FIREWALL"))
            filt.add(rule("OUTPUT", new, comment("kubernetes service portals"), jump="KUBE-SERVICES"))
            filt.add(rule("OUTPUT", jump="KUBE-FIREWALL"))
        else:
            filt.add(rule("INPUT", comment("kubernetes health check service ports"), jump="KUBE-NODEPORTS"))
            filt.add(rule("INPUT", new, comment("kubernetes externally-visible service portals"),
                          jump="KUBE-EXTERNAL-SERVICES"))
            filt.add(rule("INPUT", jump="KUBE-FIREWALL"))
            filt.add(rule("FORWARD", comment("kubernetes forwarding rules"), jump="KUBE-FORWARD"))
            filt.add(rule("FORWARD", new, comment("kubernetes service portals"), jump="KUBE-SERVICES"))
            filt.add(rule("FORWARD", new, comment("kubernetes externally-visible service portals"),
                          jump="KUBE-EXTERNAL-SERVICES"))
            filt.add(rule("OUTPUT", new, comment("kubernetes service portals"), jump="KUBE-SERVICES"))
            filt.add(rule("OUTPUT", jump="KUBE-FIREWALL"))
        nat.add(rule("PREROUTING", comment("kubernetes service portals"), jump="KUBE-SERVICES"))
        nat.add(rule("OUTPUT", comment("kubernetes service portals"), jump="KUBE-SERVICES"))
        nat.add(rule("POSTROUTING", comment("kubernetes postrouting rules"), jump="KUBE-POSTROUTING"))

    def _kubelet(self, filt: Table, nat: Table) -> None:
        if not self.modern:
            filt.add(rule("KUBE-FIREWALL", comment("kubernetes firewall for dropping marked packets"),
                          f"-m mark --mark {DROP_MARK}/{DROP_MARK}", jump="DROP"))
            nat.add(rule("KUBE-MARK-DROP", jump=f"MARK --set-xmark {DROP_MARK}/{DROP_MARK}"))
        filt.add(rule("KUBE-FIREWALL", comment("block incoming localnet connections"),
                      "-m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT", nsrc="127.0.0.0/8", dst="127.0.0.0/8",
                      jump="DROP"))

    def _flannel(self, filt: Table, nat: Table) -> None:
        subnet = self.net.nodes[self.node].pod_cidr
        masq = comment("flanneld masq")
        nat.add(rule("POSTROUTING", masq, jump="FLANNEL-POSTRTG"))
        nat.add(rule("FLANNEL-POSTRTG", f"-m mark --mark {MASQ}/{MASQ}", masq, jump="RETURN"))
        nat.add(rule("FLANNEL-POSTRTG", masq, src=self.cidr, dst=self.cidr, jump="RETURN"))
        nat.add(rule("FLANNEL-POSTRTG", masq, nsrc=self.cidr, dst=subnet, jump="RETURN"))
        nat.add(rule("FLANNEL-POSTRTG", masq, src=self.cidr, ndst="224.0.0.0/4", jump="MASQUERADE --random-fully"))
        nat.add(rule("FLANNEL-POSTRTG", masq, nsrc=self.cidr, dst=self.cidr, jump="MASQUERADE --random-fully"))
        fwd = comment("flanneld forward")
        filt.add(rule("FORWARD", fwd, jump="FLANNEL-FWD"))
        filt.add(rule("FLANNEL-FWD", fwd, src=self.cidr, jump="ACCEPT"))
        filt.add(rule("FLANNEL-FWD", fwd, dst=self.cidr, jump="ACCEPT"))

    def _dockerd(self, filt: Table, nat: Table) -> None:
        nat.add(rule("PREROUTING", "-m addrtype --dst-type LOCAL", jump="DOCKER"))
        nat.add(rule("OUTPUT", "-m addrtype --dst-type LOCAL", ndst="127.0.0.0/8", jump="DOCKER"))
        nat.add(rule("POSTROUTING", src="172.17.0.0/16", niface_out="docker0", jump="MASQUERADE"))
        nat.add(rule("DOCKER", iface_in="docker0", jump="RETURN"))
        filt.add(rule("FORWARD", jump="DOCKER-USER"))
        filt.add(rule("FORWARD", jump="DOCKER-ISOLATION-STAGE-1"))
        filt.add(rule("FORWARD", "-m conntrack --ctstate RELATED,ESTABLISHED", iface_out="docker0", jump="ACCEPT"))
        filt.add(rule("FORWARD", iface_out="docker0", jump="DOCKER"))
        filt.add(rule("FORWARD", iface_in="docker0", niface_out="docker0", jump="ACCEPT"))
        filt.add(rule("FORWARD", iface_in="docker0", iface_out="docker0", jump="ACCEPT"))
        filt.chain("DOCKER")
        filt.add(rule("DOCKER-ISOLATION-STAGE-1", iface_in="docker0", niface_out="docker0",
                      jump="DOCKER-ISOLATION-STAGE-2"))
        filt.add(rule("DOCKER-ISOLATION-STAGE-1", jump="RETURN"))
        filt.add(rule("DOCKER-ISOLATION-STAGE-2", iface_out="docker0", jump="DROP"))
        filt.add(rule("DOCKER-ISOLATION-STAGE-2", jump="RETURN"))
        filt.add(rule("DOCKER-USER", jump="RETURN"))

    # ---------------------------------------------------------------- kube-proxy

    def _kube_proxy(self, filt: Table, nat: Table) -> None:
        for c in ("KUBE-EXTERNAL-SERVICES", "KUBE-FORWARD", "KUBE-NODEPORTS", "KUBE-SERVICES"):
            filt.chain(c)
        if self.modern:
            filt.chain("KUBE-PROXY-FIREWALL")
        for c in ("KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-MARK-MASQ"):
            nat.chain(c)
        nat.add(rule("KUBE-POSTROUTING", f"-m mark ! --mark {MASQ}/{MASQ}", jump="RETURN"))
        nat.add(rule("KUBE-POSTROUTING", jump=f"MARK --set-xmark {MASQ}/0x0"))
        nat.add(rule("KUBE-POSTROUTING", comment("kubernetes service traffic requiring SNAT"),
                     jump="MASQUERADE --random-fully"))
        nat.add(rule("KUBE-MARK-MASQ", jump=f"MARK --set-xmark {MASQ}/{MASQ}"))
        for svc in self.services:
            if self.modern:
                self._service_modern(svc, filt, nat)
            else:
                self._service_123(svc, filt, nat)
        nat.add(rule("KUBE-SERVICES", comment("kubernetes service nodeports; NOTE: this must be the last rule in this "
                                              "chain"), "-m addrtype --dst-type LOCAL", jump="KUBE-NODEPORTS"))
        invalid = "-m conntrack --ctstate INVALID"
        if self.modern:
            invalid += " -m nfacct --nfacct-name  ct_state_invalid_dropped_pkts"
        filt.add(rule("KUBE-FORWARD", invalid, jump="DROP"))
        filt.add(rule("KUBE-FORWARD", comment("kubernetes forwarding rules"), f"-m mark --mark {MASQ}/{MASQ}",
                      jump="ACCEPT"))
        filt.add(rule("KUBE-FORWARD", comment("kubernetes forwarding conntrack rule"),
                      "-m conntrack --ctstate RELATED,ESTABLISHED", jump="ACCEPT"))

    def _balance(self, nat: Table, chain: str, svc: ServicePortInfo, eps: list[EndpointInfo]) -> None:
        """``writeServiceToEndpointRules``: affinity checks, then the statistic rules."""
        name = svc.name_string
        label = (lambda e: f"{name} -> {e.address}") if self.modern else (lambda e: name)
        if svc.affinity:
            for e in eps:
                nat.add(rule(chain, comment(label(e)), f"-m recent --rcheck --seconds {svc.sticky_seconds} --reap "
                             f"--name {e.chain} --mask 255.255.255.255 --rsource", jump=e.chain))
        n = len(eps)
        for i, e in enumerate(eps):
            stat = ""
            if i < n - 1:
                stat = f"-m statistic --mode random --probability {chains.saved_probability(chains.probability(n - i))}"
            nat.add(rule(chain, comment(label(e)), stat, jump=e.chain))

    def _endpoint_chains(self, nat: Table, svc: ServicePortInfo, eps: list[EndpointInfo]) -> None:
        p = svc.proto
        for e in eps:
            nat.add(rule(e.chain, comment(svc.name_string), src=e.ip, jump="KUBE-MARK-MASQ"))
            recent = f"-m recent --set --name {e.chain} --mask 255.255.255.255 --rsource" if svc.affinity else ""
            nat.add(rule(e.chain, comment(svc.name_string), recent, f"-m {p}", proto=p,
                         jump=f"DNAT --to-destination {e.address}"))

    def _service_modern(self, svc: ServicePortInfo, filt: Table, nat: Table) -> None:
        cat = self.net.proxy.categorize(svc, self.node)
        name, p = svc.name_string, svc.proto
        svc_chain, svl_chain, ext_chain = svc.chain(chains.SVC), svc.chain(chains.SVL), svc.chain(chains.EXT)
        uses_cluster = bool(cat.cluster) and svc.uses_cluster_endpoints
        uses_local = bool(cat.local) and svc.uses_local_endpoints
        internal_chain, has_internal = svc_chain, cat.has_endpoints
        if svc.internal_local:
            internal_chain = svl_chain
            has_internal = has_internal and bool(cat.local)
        external_chain, has_external = svc_chain, cat.has_endpoints
        if svc.external_local:
            external_chain = svl_chain
            has_external = has_external and bool(cat.local)
        uses_ext = cat.has_endpoints and svc.externally_accessible
        if not cat.has_endpoints:
            int_target = ext_target = "REJECT --reject-with icmp-port-unreachable"
            int_comment = ext_comment = f"{name} has no endpoints"
        else:
            int_target = ext_target = "DROP"
            int_comment = ext_comment = f"{name} has no local endpoints"
        dport = f"-m {p} --dport {svc.port}"
        if has_internal:
            nat.add(rule("KUBE-SERVICES", comment(f"{name} cluster IP"), dport, dst=svc.cluster_ip, proto=p,
                         jump=internal_chain))
        else:
            filt.add(rule("KUBE-SERVICES", comment(int_comment), dport, dst=svc.cluster_ip, proto=p, jump=int_target))
        for ip in svc.external_ips:
            if cat.has_endpoints:
                nat.add(rule("KUBE-SERVICES", comment(f"{name} external IP"), dport, dst=ip, proto=p, jump=ext_chain))
            if not has_external:
                filt.add(rule("KUBE-EXTERNAL-SERVICES", comment(ext_comment), dport, dst=ip, proto=p, jump=ext_target))
        for ip in svc.lb_ips:
            if cat.has_endpoints:
                nat.add(rule("KUBE-SERVICES", comment(f"{name} loadbalancer IP"), dport, dst=ip, proto=p,
                             jump=ext_chain))
            if not has_external:
                filt.add(rule("KUBE-EXTERNAL-SERVICES", comment(ext_comment), dport, dst=ip, proto=p, jump=ext_target))
        if svc.node_port:
            np = f"-m {p} --dport {svc.node_port}"
            if cat.has_endpoints:
                nat.add(rule("KUBE-NODEPORTS", comment(name), np,
                             "-m nfacct --nfacct-name  localhost_nps_accepted_pkts", dst="127.0.0.0/8", proto=p,
                             jump=ext_chain))
                nat.add(rule("KUBE-NODEPORTS", comment(name), np, proto=p, jump=ext_chain))
            if not has_external:
                filt.add(rule("KUBE-EXTERNAL-SERVICES", comment(ext_comment), "-m addrtype --dst-type LOCAL", np,
                              proto=p, jump=ext_target))
        if svc.health_check_node_port:
            filt.add(rule("KUBE-NODEPORTS", comment(f"{name} health check node port"),
                          f"-m tcp --dport {svc.health_check_node_port}", proto="tcp", jump="ACCEPT"))
        if has_internal:
            nat.add(rule(internal_chain, comment(f"{name} cluster IP"), dport, nsrc=self.cidr, dst=svc.cluster_ip,
                         proto=p, jump="KUBE-MARK-MASQ"))
        if uses_ext:
            nat.chain(ext_chain)
            if not svc.external_local:
                nat.add(rule(ext_chain, comment(f"masquerade traffic for {name} external destinations"),
                             jump="KUBE-MARK-MASQ"))
            else:
                nat.add(rule(ext_chain, comment(f"pod traffic for {name} external destinations"), src=self.cidr,
                             jump=svc_chain))
                nat.add(rule(ext_chain, comment(f"masquerade LOCAL traffic for {name} external destinations"),
                             "-m addrtype --src-type LOCAL", jump="KUBE-MARK-MASQ"))
                nat.add(rule(ext_chain, comment(f"route LOCAL traffic for {name} external destinations"),
                             "-m addrtype --src-type LOCAL", jump=svc_chain))
            if has_external:
                nat.add(rule(ext_chain, jump=external_chain))
        if uses_cluster:
            nat.chain(svc_chain)
            self._balance(nat, svc_chain, svc, cat.cluster)
        if uses_local:
            nat.chain(svl_chain)
            self._balance(nat, svl_chain, svc, cat.local)
        self._endpoint_chains(nat, svc, cat.reachable)

    def _service_123(self, svc: ServicePortInfo, filt: Table, nat: Table) -> None:
        cat = self.net.proxy.categorize(svc, self.node)
        name, p = svc.name_string, svc.proto
        svc_chain, xlb_chain = svc.chain(chains.SVC), svc.chain(chains.XLB)
        ready, local = cat.cluster, cat.local
        has = cat.has_endpoints
        self._endpoint_chains(nat, svc, sorted({e.address: e for e in ready + local}.values(), key=lambda e: e.address))
        if has:
            nat.chain(svc_chain)
        if svc.external_local:
            nat.chain(xlb_chain)
        dport = f"-m {p} --dport {svc.port}"
        if has:
            nat.add(rule(svc_chain, comment(f"{name} cluster IP"), dport, nsrc=self.cidr, dst=svc.cluster_ip, proto=p,
                         jump="KUBE-MARK-MASQ"))
            nat.add(rule("KUBE-SERVICES", comment(f"{name} cluster IP"), dport, dst=svc.cluster_ip, proto=p,
                         jump=svc_chain))
        else:
            filt.add(rule("KUBE-SERVICES", comment(f"{name} has no endpoints"), dport, dst=svc.cluster_ip, proto=p,
                          jump="REJECT --reject-with icmp-port-unreachable"))
        for ip in svc.external_ips:
            if has:
                dest = xlb_chain
                if not svc.external_local:
                    dest = svc_chain
                    nat.add(rule(svc_chain, comment(f"{name} external IP"), dport, nsrc=self.cidr, dst=ip, proto=p,
                                 jump="KUBE-MARK-MASQ"))
                nat.add(rule("KUBE-SERVICES", comment(f"{name} external IP"), dport, dst=ip, proto=p, jump=dest))
            else:
                filt.add(rule("KUBE-EXTERNAL-SERVICES", comment(f"{name} has no endpoints"), dport, dst=ip, proto=p,
                              jump="REJECT --reject-with icmp-port-unreachable"))
        if svc.node_port:
            np = f"-m {p} --dport {svc.node_port}"
            if has:
                if not svc.external_local:
                    nat.add(rule(svc_chain, comment(name), np, proto=p, jump="KUBE-MARK-MASQ"))
                    nat.add(rule("KUBE-NODEPORTS", comment(name), np, proto=p, jump=svc_chain))
                else:
                    nat.add(rule("KUBE-NODEPORTS", comment(name), np, src="127.0.0.0/8", proto=p,
                                 jump="KUBE-MARK-MASQ"))
                    nat.add(rule("KUBE-NODEPORTS", comment(name), np, proto=p, jump=xlb_chain))
            else:
                filt.add(rule("KUBE-EXTERNAL-SERVICES", comment(f"{name} has no endpoints"),
                              "-m addrtype --dst-type LOCAL", np, proto=p,
                              jump="REJECT --reject-with icmp-port-unreachable"))
        if svc.health_check_node_port:
            filt.add(rule("KUBE-NODEPORTS", comment(f"{name} health check node port"),
                          f"-m tcp --dport {svc.health_check_node_port}", proto="tcp", jump="ACCEPT"))
        if not has:
            return
        self._balance(nat, svc_chain, svc, ready)
        if not svc.external_local:
            return
        nat.add(rule(xlb_chain, comment("Redirect pods trying to reach external loadbalancer VIP to clusterIP"),
                     src=self.cidr, jump=svc_chain))
        nat.add(rule(xlb_chain, comment(f"masquerade LOCAL traffic for {name} LB IP"), "-m addrtype --src-type LOCAL",
                     jump="KUBE-MARK-MASQ"))
        nat.add(rule(xlb_chain, comment(f"route LOCAL traffic for {name} LB IP to service chain"),
                     "-m addrtype --src-type LOCAL", jump=svc_chain))
        if not local:
            nat.add(rule(xlb_chain, comment(f"{name} has no local endpoints"), jump="KUBE-MARK-DROP"))
        else:
            self._balance(nat, xlb_chain, svc, local)

    # ---------------------------------------------------------------- printing

    def save(self, now: float, only: Optional[str] = None) -> str:
        version = IPTABLES_VERSION.get(self.net.cluster.profile.name, "1.8.7")
        stamp = ctime(now)
        out = []
        for name in TABLE_ORDER:
            if only is not None and name != only:
                continue
            out.append(f"# Generated by iptables-save v{version} on {stamp}")
            out += self.tables[name].save_lines()
            out.append(f"# Completed on {stamp}")
        return "\n".join(out) + "\n"
