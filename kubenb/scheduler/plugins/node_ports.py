"""NodePorts: a hostPort (protocol, hostIP; 0.0.0.0 clashes with every IP) already taken on the node."""

from __future__ import annotations

from typing import Any, Optional

from kubenb.scheduler.plugins.base import Filter, NodeInfo, Rejection

_REJECTED = Rejection.one("node(s) didn't have free ports for the requested pod ports", False)


def prefilter(pod: Any) -> Optional[Filter]:
    """The Filter for a pod asking for host ports, or None (PreFilter's Skip) for the others."""
    wanted = [(p.host_ip or "0.0.0.0", p.protocol or "TCP", p.host_port)
              for c in pod.spec.containers for p in c.ports or () if p.host_port]
    if not wanted:
        return None

    def node_ports(pod: Any, info: NodeInfo, minor: int) -> Optional[Rejection]:
        for want_ip, want_proto, want_port in wanted:
            if any(proto == want_proto and port == want_port and
                   (ip == want_ip or "0.0.0.0" in (ip, want_ip))
                   for ip, proto, port in info.host_ports):
                return _REJECTED
        return None
    return node_ports
