"""A pod's sandbox: the namespaces its containers share, and its door to the cluster network.

A :class:`Sandbox` is what RunPodSandbox makes: a hostname, an IP, one network namespace (a
sidecar is at ``127.0.0.1``), and the kubelet-managed ``/etc/hosts``, ``/etc/hostname`` and
``/etc/resolv.conf`` bind-mounted into every container. Connections leave through
:class:`Network`, which the network layer implements (CoreDNS, kube-proxy, Ingress routing);
the default has no network at all, so a pod reaches only itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from kubenb.runtime.fs import File
from kubenb.runtime.http import HttpRequest, HttpResponse
from kubenb.runtime.process import Process
from kubenb.runtime.program import Program

if TYPE_CHECKING:
    from kubenb.runtime.container import Container

LOOPBACK = ("127.0.0.1", "::1", "localhost")
# the kubelet-managed /etc files, by name, and the slot of a Sandbox that holds each
_ETC_SLOTS = {"hosts": "_etc_hosts", "hostname": "_etc_hostname", "resolv.conf": "_etc_resolv"}


@dataclass(frozen=True)
class HostInfo:
    """The node a pod runs on, as programs inside can observe it (``uname``, ``nproc``, ``df``)."""

    kernel_release: str = "5.15.0-75-generic"
    kernel_version: str = "#82-Ubuntu SMP Tue Jun 6 23:10:23 UTC 2023"
    machine: str = "x86_64"
    cpus: int = 2
    disk_bytes: int = 64_000_000_000
    root_device: str = "/dev/sda1"  # where the kubelet's files for pods live (df shows it)


class ConnectError(Exception):
    """A connection that did not happen: ``kind`` is ``refused``, ``unreachable`` or ``timeout``."""

    def __init__(self, kind: str, address: str = "") -> None:
        super().__init__(kind)
        self.kind = kind
        self.address = address


@dataclass(frozen=True)
class Endpoint:
    """Where a connection landed: the server program, and the addresses it sees.

    After kube-proxy's DNAT a connection to a Service arrives at a pod IP and target port, and
    the server's ``$server_addr``/``$remote_addr`` print those, not what the client dialled.
    """

    program: Program
    server_ip: str
    server_port: int
    client_ip: str


class Network:
    """What the cluster network provides to a pod. The default is no network at all.

    The network layer subclasses this: name resolution (CoreDNS), connections to Service and pod
    addresses (kube-proxy), ICMP reachability, and Ingress routing for controller pods.
    """

    def resolve(self, name: str, sandbox: Sandbox) -> tuple[str, list[str]]:
        """(fully qualified name, addresses) as the pod's resolver finds them; no addresses is NXDOMAIN."""
        return name, []

    def connect(self, ip: str, port: int, sandbox: Sandbox, proto: str = "TCP") -> Endpoint:
        """Where a connection to ``ip:port`` from `sandbox` lands. Raises ConnectError."""
        raise ConnectError("unreachable", ip)

    def ping(self, ip: str, sandbox: Sandbox) -> float | None:
        """Round-trip time in milliseconds, or None when nothing answers."""
        return None

    def ingress(self, ingress_class: str, request: HttpRequest, sandbox: Sandbox) -> HttpResponse | None:
        """What an Ingress controller of `ingress_class` answers (None: no rule matched)."""
        return None


class Sandbox:
    """A pod's shared namespaces: hostname, IP, network, and the kubelet-managed /etc files.

    Slotted: a node keeps one per pod (150,000 at scale). The three /etc files have a slot each
    rather than a dict of them (a dict is 184 bytes, three slots 24)."""

    __slots__ = (
        "hostname", "ip", "host", "network", "dns_servers", "dns_search", "fqdn", "_hosts_file", "created_at",
        "containers", "_etc_hosts", "_etc_hostname", "_etc_resolv",
    )  # fmt: skip

    def __init__(
        self,
        hostname: str,
        ip: str = "",
        host: HostInfo | None = None,
        network: Network | None = None,
        dns_servers: Sequence[str] = ("10.96.0.10",),
        dns_search: Sequence[str] = ("default.svc.cluster.local", "svc.cluster.local", "cluster.local"),
        fqdn: str = "",
        hosts_file: str | None = None,
        created_at: float = 0.0,
    ) -> None:
        self.hostname = hostname
        self.ip = ip
        self.host = host or HostInfo()
        self.network = network or Network()
        self.dns_servers = tuple(dns_servers)
        self.dns_search = tuple(dns_search)
        self.fqdn = fqdn
        self._hosts_file = hosts_file
        self.created_at = created_at
        self.containers: list[Container] = []
        self._etc_hosts: File | None = None
        self._etc_hostname: File | None = None
        self._etc_resolv: File | None = None

    # -- /etc files the kubelet writes into every container --------------------------------

    def hosts_file(self) -> str:
        """The kubelet's managed /etc/hosts (``managedHostsHeader`` plus the pod's own entry)."""
        if self._hosts_file is not None:
            return self._hosts_file
        lines = [
            "# Kubernetes-managed hosts file.",
            "127.0.0.1\tlocalhost",
            "::1\tlocalhost ip6-localhost ip6-loopback",
            "fe00::0\tip6-localnet",
            "fe00::0\tip6-mcastprefix",
            "fe00::1\tip6-allnodes",
            "fe00::2\tip6-allrouters",
        ]
        if self.ip:
            names = f"{self.fqdn}\t{self.hostname}" if self.fqdn else self.hostname
            lines.append(f"{self.ip}\t{names}")
        return "\n".join(lines) + "\n"

    def etc_file(self, name: str) -> File:
        """The pod's ``hosts``, ``hostname`` or ``resolv.conf``: one file, bind-mounted into every
        container of the pod (an edit in one container shows in the others, as on a node)."""
        slot = _ETC_SLOTS[name]
        found = getattr(self, slot)
        if found is None:
            if name == "hosts":  # the pod's own IP and names: no two pods share it, few ever read it
                found = _HostsFile(self, self.created_at)
            else:
                text = self.hostname + "\n" if name == "hostname" else self.resolv_conf()
                found = File(_encoded(text), mtime=self.created_at)
            setattr(self, slot, found)
        return found

    def resolv_conf(self) -> str:
        lines = [f"nameserver {s}" for s in self.dns_servers]
        if self.dns_search:
            lines.append("search " + " ".join(self.dns_search))
        lines.append("options ndots:5")
        return "\n".join(lines) + "\n"

    # -- the network as seen from inside the pod --------------------------------------------

    def is_local(self, ip: str) -> bool:
        return ip in LOOPBACK or ip.startswith("127.") or (bool(self.ip) and ip == self.ip)

    def resolve(self, name: str) -> tuple[str, list[str]]:
        """/etc/hosts first (localhost, the pod's own names), then the cluster's DNS."""
        for line in self.etc_file("hosts").data.decode().splitlines():
            fields = line.split("#", 1)[0].split()
            if len(fields) > 1 and name in fields[1:] and ":" not in fields[0]:
                return name, [fields[0]]
        ip = ipv4(name)
        if ip is not None:
            return name, [ip]
        return self.network.resolve(name, self)

    def listener(self, port: int, proto: str = "TCP") -> tuple[Process, Program] | None:
        """The process (and its program) listening on `port` in this pod, if any."""
        for container in self.containers:
            for proc in container.live_processes():
                if any(p == proto and n == port for p, n, _ in proc.ports) and proc.program is not None:
                    return proc, proc.program
        return None

    def is_listening(self, port: int, proto: str = "TCP") -> bool:
        """What a tcpSocket probe checks."""
        return self.listener(port, proto) is not None

    def connect(self, ip: str, port: int, proto: str = "TCP") -> Endpoint:
        """A connection from inside the pod. Raises ConnectError."""
        if self.is_local(ip):
            found = self.listener(port, proto)
            if found is None:
                raise ConnectError("refused", ip)
            return Endpoint(found[1], ip, port, ip)
        return self.network.connect(ip, port, self, proto)

    def http(self, request: HttpRequest) -> HttpResponse | None:
        """Deliver a request that reached this pod's IP (a probe, a Service).

        None when nothing listens (connection refused); status 0 when something listens that
        does not speak HTTP and just closes the connection (the kubelet reports ``EOF``).
        """
        found = self.listener(request.server_port)
        if found is None:
            return None
        handler = getattr(found[1], "handle_http", None)
        if handler is None:
            return HttpResponse(0, reason="EOF")
        return handler(request)


class _HostsFile(File):
    """The pod's /etc/hosts, whose bytes are made from its sandbox the first time they are read
    (a file like any other from then on: what is written to it replaces them)."""

    __slots__ = ("_sandbox", "_data")

    def __init__(self, sandbox: Sandbox, mtime: float) -> None:
        self._sandbox: Sandbox | None = sandbox
        super().__init__(b"", mtime=mtime)
        self._sandbox = sandbox  # File's constructor set the (empty) data: the text is still to make

    @property  # type: ignore[override]
    def data(self) -> bytes:
        if self._sandbox is not None:
            self._data, self._sandbox = self._sandbox.hosts_file().encode(), None
        return self._data

    @data.setter
    def data(self, value: bytes) -> None:
        self._data, self._sandbox = value, None


@lru_cache(maxsize=256)
def _encoded(text: str) -> bytes:
    """The bytes of an /etc file's first text, shared: every pod of a namespace has the same
    resolv.conf (a File is the pod's own; its contents, immutable bytes, need not be)."""
    return text.encode()


def ipv4(text: str) -> str | None:
    """`text` as a dotted quad if it is an IPv4 address, shorthand included (``127.1``), else None."""
    parts = text.split(".")
    if not 1 < len(parts) <= 4 or not all(p.isdigit() for p in parts):
        return None
    *head, last = (int(p) for p in parts)
    if any(h > 255 for h in head) or last >= 256 ** (4 - len(head)):
        return None
    tail = [(last >> (8 * i)) & 0xFF for i in reversed(range(4 - len(head)))]
    return ".".join(str(n) for n in [*head, *tail])
