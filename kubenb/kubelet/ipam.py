"""Pod IPs from the node's pod CIDR, handed out in order (the host-local IPAM plugin)."""

from __future__ import annotations

import ipaddress
from typing import Optional


class PodIPs:
    def __init__(self, cidr: str, first: int) -> None:
        self.network = ipaddress.ip_network(cidr)
        self.next = first
        self.free: list[int] = []
        self.size = self.network.num_addresses

    @property
    def gateway(self) -> str:
        """The bridge's address (flannel's ``cni0``): where the kubelet's probes come from."""
        return str(self.network.network_address + 1)

    def allocate(self) -> str:
        if self.next < self.size - 1:
            offset = self.next
            self.next += 1
        elif self.free:
            offset = self.free.pop(0)
        else:
            raise RuntimeError(f"no free pod IP left in {self.network}")
        return str(self.network.network_address + offset)

    def release(self, ip: Optional[str]) -> None:
        if ip:
            offset = int(ipaddress.ip_address(ip)) - int(self.network.network_address)
            if 0 < offset < self.size:
                self.free.append(offset)
