"""One node's kubelet: its container runtime, its own filesystem, its pod IPs, its image store.

The runtime's flavor follows the profile (``docker`` for the course's v1.23 cluster, ``containerd``
otherwise); the images the profile lists are on disk from the start. The node's
:class:`~kubenb.runtime.FileSystem` is what ``hostPath`` volumes mount (and what a node shell will
show). The PLEG relists once a second on a phase of its own. :class:`NodeStatusReporter` is the
kubelet's node status heartbeat.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from kubenb.api.base import evolve
from kubenb.client.events import EventRecorder
from kubenb.kubelet.backoff import Backoff
from kubenb.kubelet.ipam import PodIPs
from kubenb.runtime import Dir, FileSystem, HostInfo, Image, LoopScheduler, Runtime
from kubenb.runtime.fs import File
from kubenb.sim.loop import PRIORITY_NODE
from kubenb.store.errors import StatusError

if TYPE_CHECKING:
    from kubenb.kubelet.kubelet import Kubelet
    from kubenb.kubelet.worker import PodWorker

RELIST_PERIOD = 1.0
CLUSTER_DOMAIN = "cluster.local"
STATUS_UPDATE_SECONDS = 10.0  # nodeStatusUpdateFrequency: how often the kubelet recomputes the status
STATUS_REPORT_SECONDS = 300.0  # nodeStatusReportFrequency: how often it writes an unchanged one
STATUS_JITTER = 0.04  # wait.JitterUntil(kl.syncNodeStatus, kl.nodeStatusUpdateFrequency, 0.04, true, ...)
#: the conditions the kubelet's setters own (NetworkUnavailable is the CNI's, set once at join)
KUBELET_CONDITIONS = frozenset({"MemoryPressure", "DiskPressure", "PIDPressure", "Ready"})


class NodeAgent:
    def __init__(self, kubelet: Kubelet, name: str, images: set[str], pod_cidr: str, first_ip: int,
                 spec: Any = None) -> None:
        self.kubelet = kubelet
        self.name = name
        self.spec = spec
        profile = kubelet.cluster.profile
        self.ip: Optional[str] = spec.internal_ip if spec is not None else None
        cpus = _cpus(spec.cpu) if spec is not None else 2
        self.host = HostInfo(kernel_release=profile.kernel, cpus=cpus)
        self.runtime = Runtime(LoopScheduler(kubelet.loop), kubelet.flavor, self.host, kubelet.catalogue)
        self.hostfs = _host_filesystem(name, kubelet)
        self.ipam = PodIPs(pod_cidr, first_ip)
        self.gateway = self.ipam.gateway
        self.rng = kubelet.rng.stream(f"kubelet/{name}")
        self.relist_phase = self.rng.random() * RELIST_PERIOD
        self.runs: dict[tuple[str, str], PodWorker] = {}
        # the back-offs of the node's pods, by pod UID (only those that ever backed off)
        self.crash_backoffs: dict[str, Backoff] = {}
        self.pull_backoffs: dict[str, Backoff] = {}
        self.events = EventRecorder(kubelet.store, "kubelet", name)
        self._images: dict[str, Image] = {}  # canonical reference -> image on disk
        self._arrivals: dict[str, float] = {}  # canonical reference -> when a queued pull lands
        self._pulls_free_at = 0.0
        self._refs: dict[str, Any] = {}
        for ref in sorted(images):
            try:
                image = self.runtime.pull(ref)
            except Exception:  # noqa: BLE001 (a profile image the catalogue does not know)
                continue
            self._images[image.ref.canonical] = image
        self.status_reporter = NodeStatusReporter(self)
        self.status_reporter.start()

    # ---------------------------------------------------------------- images

    def parse(self, image: str) -> Any:
        """The reference as the kubelet parses it (remembered: a node sees the same few images).
        Raises InvalidImageName."""
        found = self._refs.get(image)
        if found is None:
            try:
                found = self.runtime.catalogue.parse(image)
            except Exception as e:  # noqa: BLE001 (InvalidImageName, remembered as such)
                found = e
            self._refs[image] = found
        if isinstance(found, Exception):
            raise found
        return found

    def image(self, canonical: str) -> Optional[Image]:
        return self._images.get(canonical)

    def add_image(self, canonical: str, image: Image) -> None:
        self._images[canonical] = image

    def earliest_pull(self, requested: float) -> float:
        return max(requested, self._pulls_free_at)

    def arriving(self, canonical: str, by: float) -> bool:
        at = self._arrivals.get(canonical)
        return at is not None and at <= by

    def reserve_pull(self, requested: float, took: float, canonical: Optional[str] = None) -> float:
        """``serializeImagePulls``: one pull at a time per node. Returns when this one starts."""
        start = max(requested, self._pulls_free_at)
        self._pulls_free_at = start + took
        if canonical is not None:
            self._arrivals.setdefault(canonical, start + took)
        return start

    def image_name(self, spec_image: str, image: Image) -> str:
        """``containerStatuses[].image``: docker repeats the pod's reference, containerd names it fully."""
        if self.runtime.flavor == "docker":
            return spec_image
        return image.ref.canonical if not image.ref.digest else f"{image.ref.name}@{image.ref.digest}"

    def container_id(self) -> str:
        return f"{self.runtime.flavor}://{self.kubelet.rng.hex(32, 'container-ids')}"

    # ---------------------------------------------------------------- the node

    def allocatable(self, resource: str) -> Optional[str]:
        node = self.kubelet.store.try_get("Node", "", self.name)
        if node is None:
            return None
        return (node.status.allocatable or {}).get(resource)

    def next_relist(self, now: float) -> float:
        k = int((now - self.relist_phase) // RELIST_PERIOD) + 1
        return self.relist_phase + k * RELIST_PERIOD

    def make_sandbox(self, worker: PodWorker, ip: str) -> Any:
        """RunPodSandbox: hostname, IP, DNS as ``dnsPolicy`` says, ``/etc/hosts`` with the host aliases."""
        pod = worker.pod
        spec = pod.spec
        host_network = bool(spec.host_network)
        hostname = self.name if host_network else (spec.hostname or worker.name)[:63]
        fqdn = ""
        if spec.subdomain and not host_network:
            fqdn = f"{hostname}.{spec.subdomain}.{worker.namespace}.svc.{CLUSTER_DOMAIN}"
        policy = spec.dns_policy or "ClusterFirst"
        cluster_dns = self.kubelet.cluster_dns(worker.namespace)
        upstream = ((self.upstream_dns,), ())
        if policy == "None":
            servers: tuple[str, ...] = ()
            search: tuple[str, ...] = ()
        elif policy == "Default" or (host_network and policy != "ClusterFirstWithHostNet"):
            servers, search = upstream
        else:
            servers, search = cluster_dns
        config = spec.dns_config
        if config is not None:
            servers = tuple(dict.fromkeys([*servers, *(config.nameservers or ())]))
            search = tuple(dict.fromkeys([*search, *(config.searches or ())]))
        hosts_file = None
        if spec.host_aliases and not host_network:
            hosts_file = _hosts_file(ip, hostname, fqdn, spec.host_aliases)
        net = self.kubelet.network
        return self.runtime.run_sandbox(hostname, ip, net, dns_servers=servers, dns_search=search, fqdn=fqdn,
                                        hosts_file=hosts_file)

    @property
    def upstream_dns(self) -> str:
        """What the node's own resolv.conf points at (the hypervisor's NAT gateway)."""
        parts = (self.ip or "192.168.0.1").split(".")
        return ".".join(parts[:3] + ["2"])


class NodeStatusReporter:
    """The kubelet's ``syncNodeStatus`` (``pkg/kubelet/kubelet_node_status.go``), as far as a node
    whose status never changes on its own needs it.

    Upstream recomputes the status every 10 s (+4% jitter, the period measured from the end of the
    last sync) and patches it when it changed or when the tick is at least 5 minutes after the last
    report (``!now.Before(lastStatusReportTime.Add(nodeStatusReportFrequency))``); every patch
    refreshes ``lastHeartbeatTime`` of the conditions the kubelet's setters own. Here nothing but
    the kubelet writes a node's status, so the ticks in between find it unchanged: instead of a
    timer per tick, the ticks are drawn when a report is written, up to the first one 5 minutes
    on, and only that one gets a timer -- one timer and one write per node per 5 minutes (17
    writes per simulated second at 5,000 nodes).

    The kubelet's first sync registered the node: its status then is the first report. Like the
    node lease, the reports of a profile's quiet prehistory (nodes joined a week before "now") are
    not written: the first report after it falls in the 5 minutes before "now".

    Both profiles follow this (v1.23) rule; newer kubelets are said to add a one-off random delay to
    the report after a status change or restart, which is not modelled (no source for it was found).
    """

    def __init__(self, agent: NodeAgent) -> None:
        kubelet = agent.kubelet
        self.name = agent.name
        self.store = kubelet.store
        self.loop = kubelet.loop
        self.clock = kubelet.clock
        self.rng = kubelet.rng.stream(f"node-status/{agent.name}")
        self.present = kubelet.cluster.profile.epoch("now")
        self.last_report = self.tick = self.clock.now

    def start(self) -> None:
        at = self._next_report()
        quiet = self.present - STATUS_REPORT_SECONDS * self.rng.random()
        if at < quiet:  # a report of the prehistory: skip to the last before "now"
            at = self.tick = quiet
        self.loop.call_at(at, self._report, PRIORITY_NODE)

    def _next_report(self) -> float:
        """The first tick at least 5 minutes after the last report."""
        due = self.last_report + STATUS_REPORT_SECONDS
        tick, rng = self.tick, self.rng
        while tick < due:
            tick += STATUS_UPDATE_SECONDS * (1 + STATUS_JITTER * rng.random())
        self.tick = tick
        return tick

    def _report(self) -> None:
        """``tryUpdateNodeStatus``: patch the status with fresh heartbeats. A failed patch (the Node
        is gone) is retried at the next tick, as ``lastStatusReportTime`` did not move."""
        node = self.store.try_get("Node", "", self.name)
        if node is not None:
            stamp = self.clock.rfc3339()
            new = evolve(node, deep=())
            new.status = node.status.model_copy(update={"conditions": [
                c.model_copy(update={"last_heartbeat_time": stamp}) if c.type in KUBELET_CONDITIONS else c
                for c in node.status.conditions or ()]})
            try:
                self.store.update(new, subresource="status")
                self.last_report = self.clock.now
            except StatusError:
                pass
        if self.last_report == self.clock.now:
            at = self._next_report()
        else:
            self.tick = at = self.tick + STATUS_UPDATE_SECONDS * (1 + STATUS_JITTER * self.rng.random())
        self.loop.call_at(at, self._report, PRIORITY_NODE)


def _cpus(text: str) -> int:
    from kubenb.api.quantity import Quantity

    try:
        return max(1, Quantity.parse(text).milli_value() // 1000)
    except ValueError:
        return 2


def _hosts_file(ip: str, hostname: str, fqdn: str, aliases: Any) -> str:
    lines = [
        "# Kubernetes-managed hosts file.", "127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback",
        "fe00::0\tip6-localnet", "fe00::0\tip6-mcastprefix", "fe00::1\tip6-allnodes", "fe00::2\tip6-allrouters",
    ]
    if ip:
        lines.append(f"{ip}\t{fqdn}\t{hostname}" if fqdn else f"{ip}\t{hostname}")
    lines += ["", "# Entries added by HostAliases."]
    for a in aliases:
        lines.append("\t".join([a.ip, *(a.hostnames or ())]))
    return "\n".join(lines) + "\n"


# What the kubelet needs of a node's disk, made at the instant the node joins.
HOST_DIRS = ("/etc", "/tmp", "/var/log/pods", "/var/log/containers", "/var/lib/kubelet/pods", "/mnt",
             "/opt", "/root", "/home", "/run")


def _host_filesystem(name: str, kubelet: Kubelet) -> FileSystem:
    """The node's disk as far as the kubelet needs it: ``hostPath`` volumes live here.

    Built as the tree ``mkdir -p`` of :data:`HOST_DIRS`, ``chmod 1777 /tmp`` and ``/etc/hostname``
    leave at this instant (every inode stamped now, owned by root), but directly: walking the
    paths through :class:`FileSystem` once per node was a tenth of a 5,000-node cluster's build.
    """
    clock = kubelet.clock
    now = clock.now
    root = Dir(mtime=now)
    for path in HOST_DIRS:
        parent = root
        for part in path[1:].split("/"):
            child = parent.children.get(part)
            if child is None:
                child = parent.children[part] = Dir(mtime=now)
            parent = child
    root.children["tmp"].mode = 0o1777
    root.children["etc"].children["hostname"] = File((name + "\n").encode(), mtime=now)
    return FileSystem(root, clock=lambda: clock.now)
