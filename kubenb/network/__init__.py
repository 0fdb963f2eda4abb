"""The cluster network: CoreDNS, kube-proxy's iptables rules, Ingress controllers, and the hosts
(nodes and the workstation) with their shells.

:class:`ClusterNetwork` is the :class:`kubenb.runtime.Network` every sandbox of a cluster uses;
:func:`run_host_shell` runs a command line on a node or the workstation.
"""

from kubenb.network.chains import endpoint_chain, port_proto_hash, service_chain, service_port_name
from kubenb.network.hosts import network_of, run_host_shell
from kubenb.network.network import ClusterNetwork, Forward

__all__ = [
    "ClusterNetwork", "Forward", "endpoint_chain", "network_of", "port_proto_hash", "run_host_shell", "service_chain",
    "service_port_name",
]
