"""NodePorts: a hostPort (protocol, hostIP; 0.0.0.0 clashes with every IP) already taken on the node."""

from __future__ import annotations

from typing import Any, Optional

from kubenb.scheduler.plugins.base import NodeInfo, Rejection


def node_ports(pod: Any, info: NodeInfo, minor: int) -> Optional[Rejection]:
    for c in pod.spec.containers:
        for p in c.ports or ():
            if p.host_port and any(
                proto == (p.protocol or "TCP") and port == p.host_port and
                (ip == (p.host_ip or "0.0.0.0") or "0.0.0.0" in (ip, p.host_ip or "0.0.0.0"))
                for ip, proto, port in info.host_ports
            ):
                return Rejection.one("node(s) didn't have free ports for the requested pod ports", False)
    return None
