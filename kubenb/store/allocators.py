"""The API server's allocators for Services: ClusterIPs from the service CIDR, NodePorts from 30000-32767.

Dynamic ClusterIPs are drawn at random (seeded), from the upper band of the range when the range
is large enough for upstream's static sub-range (the lowest addresses are kept for IPs users pick,
like kube-dns's `.10`). A taken address or port is refused with upstream's field error.
"""

from __future__ import annotations

import ipaddress
import random
from typing import Any

from kubenb.api.field import FieldError, invalid

NODE_PORT_RANGE = (30000, 32767)


class ServiceAllocators:
    def __init__(self, service_cidr: str, rng: random.Random, minor: int) -> None:
        self.network = ipaddress.ip_network(service_cidr)
        self.rng = rng
        self.minor = minor
        self.ips: dict[str, str] = {}  # ip -> owner "ns/name"
        self.node_ports: dict[tuple[str, int], str] = {}  # (protocol, port) -> owner

    # ---------------------------------------------------------------- cluster IPs

    def _dynamic_range(self) -> tuple[int, int]:
        size = self.network.num_addresses
        low = 1
        if self.minor >= 25 and size > 16:  # ServiceIPStaticSubrange (GA in 1.26, beta on in 1.25)
            low = min(max(16, size // 16), 256)
        return low, size - 2

    def allocate_ip(self, owner: str, requested: str | None, path: str = "spec.clusterIPs") -> tuple[str | None, list[FieldError]]:
        if requested == "None":
            return "None", []
        if requested:
            try:
                ip = ipaddress.ip_address(requested)
            except ValueError:
                return None, [invalid(f"{path}[0]", requested, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")]
            if ip not in self.network:
                return None, [invalid(path, [requested], f"failed to allocate IP {requested}: the provided IP "
                                      f"({requested}) is not in the valid range. The range of valid IPs is {self.network}")]
            if self.ips.get(requested, owner) != owner:
                return None, [invalid(path, [requested], f"failed to allocate IP {requested}: provided IP is already allocated")]
            self.ips[requested] = owner
            return requested, []
        low, high = self._dynamic_range()
        for _ in range(10_000):
            ip = str(self.network.network_address + self.rng.randint(low, high))
            if ip not in self.ips:
                self.ips[ip] = owner
                return ip, []
        return None, [FieldError("Internal error", path, detail="range is full")]

    # ---------------------------------------------------------------- node ports

    def allocate_node_port(self, owner: str, protocol: str, requested: int | None, path: str) -> tuple[int | None, list[FieldError]]:
        if requested:
            lo, hi = NODE_PORT_RANGE
            if not lo <= requested <= hi:
                return None, [invalid(path, requested, f"provided port is not in the valid range. The range of valid "
                                      f"ports is {lo}-{hi}")]
            if self.node_ports.get((protocol, requested), owner) != owner:
                return None, [invalid(path, requested, "provided port is already allocated")]
            self.node_ports[(protocol, requested)] = owner
            return requested, []
        for _ in range(10_000):
            port = self.rng.randint(*NODE_PORT_RANGE)
            if (protocol, port) not in self.node_ports:
                self.node_ports[(protocol, port)] = owner
                return port, []
        return None, [FieldError("Internal error", path, detail="range is full")]

    def snapshot(self, kind: str) -> tuple[dict, dict] | None:
        """What `restore` needs to undo a write of `kind`: only Services allocate, so any other
        write (a pod's status, an Event) copies nothing -- the tables grow with every Service."""
        return (dict(self.ips), dict(self.node_ports)) if kind == "Service" else None

    def restore(self, state: tuple[dict, dict] | None) -> None:
        """Undo allocations of a write that failed or was a dry run (a failed command changes nothing)."""
        if state is not None:
            self.ips, self.node_ports = dict(state[0]), dict(state[1])

    def release(self, owner: str) -> None:
        self.ips = {ip: o for ip, o in self.ips.items() if o != owner}
        self.node_ports = {k: o for k, o in self.node_ports.items() if o != owner}

    # ---------------------------------------------------------------- services

    @staticmethod
    def _init_ip_families(spec: Any, old: Any | None) -> None:
        """``initIPFamilyFields`` on this single-stack IPv4 cluster: SingleStack and IPv4, except that a
        headless Service without a selector defaults to RequireDualStack and lists both families
        (the one combination a single-stack cluster accepts)."""
        headless_selectorless = spec.cluster_ip == "None" and not spec.selector
        if spec.ip_family_policy is None:
            if old is not None and old.spec.ip_family_policy is not None:
                spec.ip_family_policy = old.spec.ip_family_policy
            else:
                spec.ip_family_policy = "RequireDualStack" if headless_selectorless else "SingleStack"
        if not spec.ip_families:
            spec.ip_families = ["IPv4"]
        if headless_selectorless and len(spec.ip_families) < 2 and spec.ip_family_policy != "SingleStack":
            spec.ip_families = [*spec.ip_families, "IPv6" if spec.ip_families[0] == "IPv4" else "IPv4"]

    def admit(self, svc: Any, old: Any | None) -> list[FieldError]:
        """Fill clusterIP(s) and nodePorts of a Service being created or updated."""
        spec = svc.spec
        owner = f"{svc.metadata.namespace}/{svc.metadata.name}"
        errs: list[FieldError] = []
        if spec.type == "ExternalName":
            return errs
        if old is not None and old.spec.cluster_ip and not spec.cluster_ip:
            spec.cluster_ip = old.spec.cluster_ip
        if spec.cluster_ip is None and spec.cluster_ips:
            spec.cluster_ip = spec.cluster_ips[0]
        if old is None or spec.cluster_ip != old.spec.cluster_ip:
            ip, problems = self.allocate_ip(owner, spec.cluster_ip)
            errs += problems
            spec.cluster_ip = ip
        spec.cluster_ips = [spec.cluster_ip] if spec.cluster_ip else None
        self._init_ip_families(spec, old)
        old_ports = {(p.protocol, p.port): p.node_port for p in (old.spec.ports or ())} if old is not None else {}
        for i, port in enumerate(spec.ports or ()):
            if spec.type in ("NodePort", "LoadBalancer"):
                wanted = port.node_port or old_ports.get((port.protocol, port.port))
                got, problems = self.allocate_node_port(owner, port.protocol or "TCP", wanted, f"spec.ports[{i}].nodePort")
                errs += problems
                port.node_port = got
            else:
                port.node_port = None
        return errs
