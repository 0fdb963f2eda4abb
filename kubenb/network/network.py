"""The cluster network a pod, a node or the workstation sees: :class:`ClusterNetwork`.

It implements :class:`kubenb.runtime.Network` for every sandbox of the cluster:

* **names** through CoreDNS (:mod:`kubenb.network.dns`) when the sandbox's nameserver is the
  ``kube-dns`` Service and CoreDNS has a ready endpoint; nodes and the workstation have only their
  ``/etc/hosts`` (their upstream DNS knows no cluster names, and there is no internet);
* **connections** through the rules kube-proxy wrote on the node the packet crosses
  (:mod:`kubenb.network.proxy`), then flannel's routes: pod IPs are reachable from every node
  and pod, node IPs from everywhere, cluster IPs only through the rules, and nothing else answers
  (a connect times out). A reached pod answers through the program listening in its sandbox
  (``cluster.kubelet.sandbox_for_ip``) or resets the connection (``Connection refused``); an IP
  in the pod range that no pod holds is ``No route to host``;
* **ICMP**: pods and nodes answer ping, cluster IPs never do (no rule matches ICMP);
* **Ingress**: what an Ingress controller pod's nginx proxies to (:mod:`kubenb.network.ingress`);
* **port forwards** that ``kubectl port-forward`` opened on the host where kubectl runs.

The server sees the connection's addresses after NAT: the endpoint's IP and target port, and as
client either the original source or, when kube-proxy marked the connection for masquerade, the
address of the node's interface toward the endpoint (``cni0`` for a pod on that node,
``flannel.1`` for a pod on another one).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

from kubenb.network.dns import CoreDNS
from kubenb.network.ingress import IngressRouter
from kubenb.network.proxy import KubeProxy, Route, ServiceTable
from kubenb.runtime.http import HttpRequest, HttpResponse
from kubenb.runtime.program import Program
from kubenb.runtime.sandbox import ConnectError, Endpoint, Network, Sandbox
from kubenb.store import WatchEvent

if TYPE_CHECKING:
    from kubenb.network.hosts import Host

WORKSTATION = "workstation"


@dataclass(frozen=True)
class NodeNet:
    """One node's addresses: its IP, its pod subnet, ``cni0`` (the subnet's first address) and
    ``flannel.1`` (the subnet's network address)."""

    name: str
    ip: str
    pod_cidr: str

    @property
    def subnet(self) -> ipaddress.IPv4Network:
        return ipaddress.ip_network(self.pod_cidr)

    @property
    def gateway(self) -> str:
        return str(self.subnet.network_address + 1)

    @property
    def vtep(self) -> str:
        return str(self.subnet.network_address)


@dataclass(frozen=True)
class Origin:
    """Who opens a connection: a pod, a node's own processes (``host``; host-network pods too) or
    the workstation; on which node (none for the workstation), from which address."""

    kind: str  # "pod" | "host" | "workstation"
    node: Optional[str]
    ip: str
    host: Optional[str] = None  # the simulated host's name, for host origins


@dataclass
class Forward:
    """A ``kubectl port-forward`` listener on the host where kubectl runs."""

    host: str
    addresses: tuple[str, ...]
    local_port: int
    namespace: str
    pod: str
    uid: str
    remote_port: int
    handled: int = 0


class _Closes(Program):
    """What answers a forwarded connection when nothing listens in the pod: it closes."""

    def main(self, proc: Any) -> Any:  # pragma: no cover  (never run as a process)
        return 0
        yield

    def handle_http(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse(0, reason="EOF")


class _HostService(Program):
    """A node's own daemon behind a port (kubelet, kube-proxy, the API server...)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def main(self, proc: Any) -> Any:  # pragma: no cover
        return 0
        yield

    def handle_http(self, request: HttpRequest) -> HttpResponse:
        plain = [("Content-Type", "text/plain; charset=utf-8")]
        if self.kind == "tls":  # Go's net/http answers plain HTTP on a TLS port like this
            return HttpResponse(400, [], b"Client sent an HTTP request to an HTTPS server.\n")
        if self.kind == "kubelet-healthz" and request.path == "/healthz":
            return HttpResponse(200, plain, b"ok")
        if self.kind == "kube-proxy-healthz" and request.path in ("/healthz", "/livez"):
            return HttpResponse(200, [("Content-Type", "application/json")],
                                b'{"lastUpdated": "", "currentTime": "", "nodeEligible": true}')
        return HttpResponse(404, plain, b"404 page not found\n")


# (port, bound to loopback only, kind) of the daemons every node runs, and the control plane's.
NODE_SERVICES = ((10250, False, "tls"), (10248, True, "kubelet-healthz"), (10249, True, "kube-proxy-metrics"),
                 (10256, False, "kube-proxy-healthz"))
CONTROL_PLANE_SERVICES = ((6443, False, "tls"), (2379, False, "tls"), (2380, False, "tls"), (2381, True, "etcd"),
                          (10257, True, "tls"), (10259, True, "tls"))


class ClusterNetwork(Network):
    """The network of one cluster (see the module docstring)."""

    def __init__(self, cluster: Any) -> None:
        self.cluster = cluster
        self.store = cluster.store
        profile = cluster.profile
        self.cluster_cidr = ipaddress.ip_network(profile.cluster_cidr)
        self.service_cidr = ipaddress.ip_network(profile.service_cidr)
        self.dns_ip = str(self.service_cidr.network_address + 10)
        self.nodes: dict[str, NodeNet] = {n.name: NodeNet(n.name, n.internal_ip, n.pod_cidr) for n in profile.nodes}
        self.node_by_ip = {n.ip: n.name for n in self.nodes.values()}
        self.control_plane = profile.control_plane.name
        cp_ip = ipaddress.ip_address(profile.control_plane.internal_ip)
        self.workstation_ip = str(ipaddress.ip_network(f"{cp_ip}/24", strict=False).network_address + 1)
        self.table = ServiceTable(self.store)
        self.proxy = KubeProxy(self.table, profile.cluster_cidr, cluster.version.minor, cluster.rng,
                               lambda: cluster.clock.now)
        self.dns = CoreDNS(self.store, cluster.rng)
        self.ingress_router = IngressRouter(self)
        #: where `kubectl port-forward` listens: the host kubectl runs on (the course's control plane)
        self.kubectl_host = self.control_plane
        self.forwards: dict[tuple[str, int], Forward] = {}
        self.hosts: dict[str, Host] = {}
        self.terminals: dict[str, Any] = {}  # host -> the stdout of the command running there
        self._pods_by_ip: dict[str, tuple[str, str, str]] = {}
        self.store.watch(self._on_pod, "Pod", when=[["pod-ip"]])  # a pod that never held an IP has none to file
        for pod in self.store.list("Pod"):  # a network made after the cluster already runs pods
            if pod.status.pod_ip and not pod.spec.host_network:
                self._pods_by_ip[pod.status.pod_ip] = (pod.metadata.namespace or "", pod.metadata.name or "",
                                                       pod.metadata.uid or "")

    # ---------------------------------------------------------------- bookkeeping

    def _on_pod(self, ev: WatchEvent) -> None:
        pod = ev.object
        key = (pod.metadata.namespace or "", pod.metadata.name or "", pod.metadata.uid or "")
        old = ev.old_object
        if old is not None and old.status.pod_ip and self._pods_by_ip.get(old.status.pod_ip) == key:
            if ev.type == "DELETED" or old.status.pod_ip != pod.status.pod_ip:
                del self._pods_by_ip[old.status.pod_ip]
        if ev.type == "DELETED":
            if pod.status.pod_ip and self._pods_by_ip.get(pod.status.pod_ip) == key:
                del self._pods_by_ip[pod.status.pod_ip]
            return
        if pod.status.pod_ip and not pod.spec.host_network:
            self._pods_by_ip[pod.status.pod_ip] = key

    def pod_at(self, ip: str) -> Optional[Any]:
        """The (non host-network) pod holding `ip`, if any."""
        key = self._pods_by_ip.get(ip)
        if key is None:
            return None
        pod = self.store.try_get("Pod", key[0], key[1])
        return pod if pod is not None and pod.metadata.uid == key[2] else None

    def node_of(self, ip: str) -> Optional[str]:
        """The node owning `ip`: its own address, or the pod subnet it belongs to."""
        if ip in self.node_by_ip:
            return self.node_by_ip[ip]
        try:
            addr = ipaddress.ip_address(ip)
        except ValueError:
            return None
        for n in self.nodes.values():
            if addr in n.subnet:
                return n.name
        return None

    def in_cluster_cidr(self, ip: str) -> bool:
        try:
            return ipaddress.ip_address(ip) in self.cluster_cidr
        except ValueError:
            return False

    def sandboxes_at(self, ip: str) -> list[Sandbox]:
        """The kubelets' sandboxes holding `ip` (several for a node IP: its host-network pods)."""
        kubelet = getattr(self.cluster, "kubelet", None)
        many = getattr(kubelet, "sandboxes_for_ip", None)
        if many is not None:
            return [s for s in many(ip) if s is not None]
        one = getattr(kubelet, "sandbox_for_ip", None)
        found = one(ip) if one is not None else None
        return [found] if found is not None else []

    def origin(self, sandbox: Sandbox) -> Origin:
        host = getattr(sandbox, "kubenb_host", None)
        if host is not None:
            return Origin("workstation" if host.node is None else "host", host.node, host.ip, host.name)
        ip = sandbox.ip or ""
        if ip in self.node_by_ip:  # a host-network pod: a process of the node
            return Origin("host", self.node_by_ip[ip], ip, self.node_by_ip[ip])
        pod = self.pod_at(ip)
        node = pod.spec.node_name if pod is not None and pod.spec.node_name else self.node_of(ip)
        return Origin("pod", node, ip)

    # ---------------------------------------------------------------- names

    def resolve(self, name: str, sandbox: Sandbox) -> tuple[str, list[str]]:
        if self.dns_ip not in sandbox.dns_servers or not self._dns_up():
            return name, []
        return self.dns.resolve(name, sandbox.dns_search)

    def _dns_up(self) -> bool:
        svc = self.table.by_vip(self.dns_ip, 53, "UDP")
        return svc is not None and any(e.ready for e in svc.endpoints)

    # ---------------------------------------------------------------- connections

    def connect(self, ip: str, port: int, sandbox: Sandbox, proto: str = "TCP") -> Endpoint:
        return self.connect_from(self.origin(sandbox), ip, port, proto)

    def connect_from(self, o: Origin, ip: str, port: int, proto: str = "TCP") -> Endpoint:
        proto = proto.upper()
        loopback = ip.startswith("127.") or ip in ("::1", "localhost")
        if loopback or (o.kind != "pod" and ip == o.ip):
            return self._local(o, ip, port, proto)
        dst_node = self.node_by_ip.get(ip)
        if o.node is not None:  # the packet crosses its own node's rules first
            own = self.nodes.get(o.node)
            dst_local = dst_node == o.node or (own is not None and ip in (own.gateway, own.vtep))
            route = self.proxy.route(o.node, ip, port, proto, o.ip, src_local=o.kind == "host", dst_local=dst_local)
            if route.outcome != "none":
                return self._after_nat(route, o, o.node, proto)
        if dst_node is not None and dst_node != o.node:  # arriving at another node (flannel masquerades pods)
            src = o.ip if o.node is None else self.nodes[o.node].ip
            route = self.proxy.route(dst_node, ip, port, proto, src, src_local=False, dst_local=True)
            if route.outcome != "none":
                return self._after_nat(route, o, dst_node, proto)
        if dst_node is not None:
            # a pod's packet to another node leaves through flannel's MASQUERADE (not pod-to-pod)
            masq = o.kind == "pod" and o.node is not None and dst_node != o.node
            client = self.nodes[o.node].ip if masq and o.node is not None else o.ip
            return self._host_port(dst_node, ip, port, proto, client, o)
        if self.in_cluster_cidr(ip):
            if o.node is None:  # the workstation has no route to the pod network
                raise ConnectError("timeout", ip)
            return self._reach(ip, port, proto, self._source_toward(o, ip))
        raise ConnectError("timeout", ip)  # a cluster IP no rule matched, or the world outside

    def _after_nat(self, route: Route, o: Origin, via: str, proto: str) -> Endpoint:
        assert route.service is not None
        if route.outcome == "reject":
            raise ConnectError("refused", route.service.cluster_ip)
        if route.outcome == "drop":
            raise ConnectError("timeout", route.service.cluster_ip)
        ep = route.endpoint
        assert ep is not None
        client = self._egress(via, ep.ip) if route.masquerade else self._source_toward(o, ep.ip)
        if ep.ip in self.node_by_ip:
            return self._host_port(self.node_by_ip[ep.ip], ep.ip, ep.port, proto, client, o, nat=False)
        return self._reach(ep.ip, ep.port, proto, client)

    def _egress(self, node: str, dst: str) -> str:
        """The address a node's kernel picks to reach `dst` (what MASQUERADE rewrites to)."""
        n = self.nodes[node]
        try:
            addr = ipaddress.ip_address(dst)
        except ValueError:
            return n.ip
        if addr in n.subnet:
            return n.gateway
        if addr in self.cluster_cidr:
            return n.vtep
        return n.ip

    def _source_toward(self, o: Origin, dst: str) -> str:
        if o.kind == "host" and o.node is not None:
            return self._egress(o.node, dst)
        return o.ip

    def _reach(self, ip: str, port: int, proto: str, client: str) -> Endpoint:
        """Deliver to a pod IP: its listener, a reset, or no host at all."""
        pod = self.pod_at(ip)
        boxes = self.sandboxes_at(ip) if pod is not None else []
        if not boxes:
            raise ConnectError("unreachable", ip)
        for box in boxes:
            found = box.listener(port, proto)
            if found is not None:
                return Endpoint(found[1], ip, port, client)
        raise ConnectError("refused", ip)

    def _host_port(self, node: str, ip: str, port: int, proto: str, client: str, o: Origin,
                   nat: bool = True) -> Endpoint:
        """A connection arriving at a node's address: a port forward on it (``--address 0.0.0.0``), a
        host-network pod, a hostPort, a node daemon."""
        forwarded = self._forwarded(node, ip, port)
        if forwarded is not None:
            return forwarded
        for box in self.sandboxes_at(self.nodes[node].ip):
            found = box.listener(port, proto)
            if found is not None:
                return Endpoint(found[1], ip, port, client)
        if nat:
            for pod in self.store.pods_on_node(node):
                if pod.spec.host_network or not pod.status.pod_ip or pod.metadata.deletion_timestamp:
                    continue
                for c in pod.spec.containers:
                    for cp in c.ports or ():
                        if cp.host_port == port and (cp.protocol or "TCP") == proto:
                            return self._reach(pod.status.pod_ip, cp.container_port, proto, client)
        service = self._node_daemon(node, port, loopback=False)
        if service is not None:
            return Endpoint(service, ip, port, client)
        raise ConnectError("refused", ip)

    def _node_daemon(self, node: str, port: int, loopback: bool) -> Optional[Program]:
        table = NODE_SERVICES + (CONTROL_PLANE_SERVICES if node == self.control_plane else ())
        for number, local_only, kind in table:
            if number == port and (loopback or not local_only):
                return _HostService(kind)
        return None

    def _local(self, o: Origin, ip: str, port: int, proto: str) -> Endpoint:
        """A host's own addresses: port forwards, node ports on localhost, its daemons and pods."""
        host = o.host or o.node or WORKSTATION
        found = self._forwarded(host, ip, port)
        if found is not None:
            return found
        if o.node is None:
            raise ConnectError("refused", ip)
        route = self.proxy.route(o.node, ip, port, proto, ip if ip.startswith("127.") else o.ip,
                                 src_local=True, dst_local=True)
        if route.outcome != "none":
            return self._after_nat(route, o, o.node, proto)
        for box in self.sandboxes_at(self.nodes[o.node].ip):
            found_l = box.listener(port, proto)
            if found_l is not None:
                return Endpoint(found_l[1], ip, port, ip)
        daemon = self._node_daemon(o.node, port, loopback=ip.startswith("127."))
        if daemon is not None:
            return Endpoint(daemon, ip, port, ip)
        raise ConnectError("refused", ip)

    # ---------------------------------------------------------------- ICMP

    def ping(self, ip: str, sandbox: Sandbox) -> Optional[float]:
        o = self.origin(sandbox)
        stream = self.cluster.rng.stream("ping")
        if ip in self.node_by_ip or ip == o.ip or ip == self.workstation_ip:
            same = self.node_by_ip.get(ip) == o.node
            return round(stream.uniform(0.03, 0.08) if same else stream.uniform(0.3, 0.9), 3)
        if self.in_cluster_cidr(ip) and o.node is not None:
            if self.pod_at(ip) is None or not self.sandboxes_at(ip):
                return None
            same = self.node_of(ip) == o.node
            return round(stream.uniform(0.04, 0.09) if same else stream.uniform(0.4, 1.1), 3)
        return None

    # ---------------------------------------------------------------- Ingress

    def ingress(self, ingress_class: str, request: HttpRequest, sandbox: Sandbox) -> Optional[HttpResponse]:
        return self.ingress_router.route(ingress_class, request, sandbox)

    # ---------------------------------------------------------------- kubectl port-forward

    def port_forward(self, namespace: str, pod: str, local_port: int, remote_port: int,
                     addresses: tuple[str, ...] = ("127.0.0.1", "::1")) -> Forward:
        """Listen on the kubectl host. Raises OSError (``address already in use``) for a taken port."""
        host = self.kubectl_host
        if (host, local_port) in self.forwards:
            raise OSError(f"port {local_port} in use")
        obj = self.store.get("Pod", namespace, pod)
        fwd = Forward(host, addresses, local_port, namespace, pod, obj.metadata.uid or "", remote_port)
        self.forwards[(host, local_port)] = fwd
        return fwd

    def stop_forwards(self) -> None:
        """Ctrl-C for every background ``kubectl port-forward``."""
        self.forwards.clear()

    def _forwarded(self, host: str, ip: str, port: int) -> Optional[Endpoint]:
        fwd = self.forwards.get((host, port))
        if fwd is None:
            return None
        if not any(a == "0.0.0.0" or a == ip or (a == "127.0.0.1" and ip.startswith("127.")) for a in fwd.addresses):
            return None
        pod = self.store.try_get("Pod", fwd.namespace, fwd.pod)
        if pod is None or pod.metadata.uid != fwd.uid:  # kubectl lost the pod and exited
            del self.forwards[(host, port)]
            return None
        fwd.handled += 1
        terminal = self.terminals.get(host)
        if terminal is not None:
            terminal.write(f"Handling connection for {port}\n")
        boxes = self.sandboxes_at(pod.status.pod_ip or "")
        if pod.spec.host_network:
            boxes = [b for b in boxes if b.hostname == pod.metadata.name] or boxes
        for box in boxes:
            found = box.listener(fwd.remote_port, "TCP")
            if found is not None:
                return Endpoint(found[1], "127.0.0.1", fwd.remote_port, "127.0.0.1")
        return Endpoint(_Closes(), "127.0.0.1", fwd.remote_port, "127.0.0.1")
