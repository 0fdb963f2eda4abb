"""The machines around the pods: each node, and the learner's workstation.

A :class:`Host` is a small Linux machine built from :mod:`kubenb.runtime`: an Ubuntu root
filesystem (the profile's release) with bash, coreutils, ``grep``/``head``/``tail``/``wc``,
``curl`` (7.81.0 on Ubuntu 22.04, 8.5.0 on 24.04; the course's workstation ran 7.88.1), iputils
``ping``, ``sudo``, ``ip``, ``iptables``/``iptables-save`` (nodes only) and the ``ll`` alias;
kubeadm's files (``/var/lib/kubelet/config.yaml`` on every node, the static pod manifests in
``/etc/kubernetes/manifests`` on the control plane); Ubuntu's ``/etc/hosts`` and systemd-resolved's
``/etc/resolv.conf`` (which knows no cluster names). Its network is the cluster's, seen from the
host: node ports, pod IPs through flannel, cluster IPs through kube-proxy's rules on that node,
and the ``kubectl port-forward`` listeners on the host kubectl runs on.

:func:`run_host_shell` is ``ssh HOST 'CMDLINE'``: bash runs the line on a terminal (so curl
prints no progress meter), simulated time passes while it runs, and a command still running
after `timeout` seconds gets Ctrl-C.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from typing import Any, Optional

from kubenb.network.hostfiles import RESOLV_CONF, etc_hosts, kubelet_config, static_pod_manifests
from kubenb.network.hosttools import HOST_PROGRAMS
from kubenb.network.network import WORKSTATION, ClusterNetwork
from kubenb.network.nfstools import NFS_PROGRAMS, register
from kubenb.runtime import rootfs
from kubenb.runtime.container import Container, ContainerSpec, MountSpec
from kubenb.runtime.images import Image, synthetic_digest
from kubenb.runtime.process import BufferStream, Driver, LoopScheduler, Process, StartFailure, program_main
from kubenb.runtime.program import SIGNALS, Program
from kubenb.runtime.reference import ImageRef
from kubenb.runtime.registry import program_for
from kubenb.runtime.sandbox import Endpoint, HostInfo, Sandbox

DEFAULT_TIMEOUT = 60.0  # simulated seconds before Ctrl-C
UBUNTU = {"22.04": ("jammy", "Jammy Jellyfish", "7.81.0"), "24.04": ("noble", "Noble Numbat", "8.5.0")}
WORKSTATION_CURL = {"course": "7.88.1"}


def network_of(cluster: Any) -> ClusterNetwork:
    """The cluster's network (made and attached on first use when the cluster has none yet)."""
    net = getattr(cluster, "network", None)
    if not isinstance(net, ClusterNetwork):
        net = ClusterNetwork(cluster)
        cluster.network = net
    return net


class HostSandbox(Sandbox):
    """A host's network namespace: its own address, its own files, the cluster network behind."""

    def __init__(self, host: Host, network: ClusterNetwork, info: HostInfo) -> None:
        super().__init__(host.name, host.ip, info, network, dns_servers=("127.0.0.53",), dns_search=(),
                         hosts_file=etc_hosts(host.name))
        self.kubenb_host = host

    def resolv_conf(self) -> str:
        return RESOLV_CONF

    def connect(self, ip: str, port: int, proto: str = "TCP") -> Endpoint:
        return self.network.connect(ip, port, self, proto)


@dataclass
class Host:
    name: str
    ip: str
    node: Optional[str]  # None for the workstation
    net: ClusterNetwork
    sandbox: Optional[HostSandbox] = None
    container: Optional[Container] = None


def host_names(net: ClusterNetwork) -> list[str]:
    return [*net.nodes, WORKSTATION]


def get_host(net: ClusterNetwork, name: str) -> Host:
    """The host called `name` (a node's name or IP, or ``workstation``), started on first use."""
    name = net.node_by_ip.get(name, name)
    if name == net.workstation_ip:
        name = WORKSTATION
    found = net.hosts.get(name)
    if found is not None:
        return found
    if name == WORKSTATION:
        host = Host(WORKSTATION, net.workstation_ip, None, net)
    elif name in net.nodes:
        host = Host(name, net.nodes[name].ip, name, net)
    else:
        raise KeyError(name)
    _boot(host)
    net.hosts[name] = host
    return host


def _boot(host: Host) -> None:
    net = host.net
    cluster = net.cluster
    profile = cluster.profile
    info = HostInfo(kernel_release=profile.kernel, cpus=2)
    host.sandbox = HostSandbox(host, net, info)
    image = _image(host)
    scheduler = LoopScheduler(cluster.loop)
    spec = ContainerSpec(host.name, image, mounts=_shared_dirs(host))
    host.container = Container(host.sandbox, spec, scheduler, _program, profile.runtime_prefix)
    host.container.start()
    register(host)


# A node's directories that are the kubelet's disk too: what hostPath volumes and NFS exports
# under them hold is what the node's shell shows.
SHARED_DIRS = ("/tmp", "/mnt", "/opt", "/srv", "/data", "/home", "/var/lib/kubelet/pods", "/var/log/pods",
               "/var/log/containers")


def _shared_dirs(host: Host) -> tuple[MountSpec, ...]:
    kubelet = getattr(host.net.cluster, "kubelet", None)
    if host.node is None or kubelet is None:
        return ()
    fs = kubelet.host_filesystem(host.node)
    out = []
    for path in SHARED_DIRS:
        if not fs.exists(path):
            fs.makedirs(path)
        out.append(MountSpec(path, fs.node(path), False, "/dev/sda1"))
    return tuple(out)


def _program(exe: str) -> Program:
    factory = HOST_PROGRAMS.get(exe) or NFS_PROGRAMS.get(exe)
    return factory() if factory is not None else program_for(exe)


def _image(host: Host) -> Image:
    net = host.net
    profile = net.cluster.profile
    version = profile.os_image.split()[1] if len(profile.os_image.split()) > 1 else "22.04.2"
    codename, title, curl = UBUNTU.get(".".join(version.split(".")[:2]), UBUNTU["22.04"])
    if host.node is None:
        curl = WORKSTATION_CURL.get(profile.name, curl)
    created = profile.epoch("created")

    def build() -> Any:
        t = rootfs.ubuntu(version, codename, title)
        t.mtime = created
        for name in ("curl", "ping", "sudo", "ip", "apt", "apt-get", "mount", "umount", "systemctl"):
            t.program(f"/usr/bin/{name}", name)
        t.program("/usr/local/bin/ll", "ll")
        t.program("/usr/sbin/kubenb-init", "kubenb-init")
        if host.node is not None:
            t.program("/usr/sbin/iptables-save", "iptables-save")
            t.program("/usr/sbin/iptables", "iptables")
            t.dir("/etc/kubernetes/manifests")
            t.dir("/etc/kubernetes/pki")
            t.dir("/var/lib/kubelet", 0o700)
            t.file("/var/lib/kubelet/config.yaml", kubelet_config(profile, net.dns_ip))
            if host.node == net.control_plane:
                for fname, text in static_pod_manifests(profile).items():
                    t.file(f"/etc/kubernetes/manifests/{fname}", text, 0o600)
                t.dir("/etc/pki")
        t.file("/etc/hostname", host.name + "\n")
        _stamp(t.root, created)
        return t.build()

    ref = ImageRef("kubenb.local", f"hosts/{host.name}", "latest")
    return Image(ref, synthetic_digest("host", host.name), synthetic_digest("host-config", host.name), 0, build,
                 entrypoint=("/usr/sbin/kubenb-init",), userland="gnu", libc="glibc",
                 env=(("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),),
                 meta={"curl.version": curl})


def _stamp(node: Any, t: float) -> None:
    node.mtime = t
    for child in getattr(node, "children", {}).values():
        _stamp(child, t)


# ---------------------------------------------------------------------------- running commands


def _spawn(container: Container, argv: list[str], out: BufferStream, err: BufferStream, stdin: str = "") -> Process:
    """Start `argv` as root on the host's terminal (stdout and stderr kept apart)."""
    env = container.environment(tty=True)
    cwd = env.get("HOME", "/root")
    program = container.load(argv, env, cwd)
    proc = container.new_process(argv, env, cwd, 0, stdin, out, err, tty=True)
    proc.stdout_buffer, proc.stderr_buffer = out, err
    proc.program = program
    Driver(proc, program_main(program, proc)).start()
    return proc


def run_host_shell(cluster: Any, cmdline: str, host: Optional[str] = None, stdin: str = "",
                   timeout: float = DEFAULT_TIMEOUT) -> subprocess.CompletedProcess:
    """``ssh HOST CMDLINE`` (default: the control plane, where the course runs kubectl)."""
    net = network_of(cluster)
    name = host or net.kubectl_host
    try:
        h = get_host(net, name)
    except KeyError:
        return subprocess.CompletedProcess(["ssh", name, cmdline], 255, "",
                                           f"ssh: Could not resolve hostname {name}: Name or service not known\n")
    assert h.container is not None
    out, err = BufferStream(), BufferStream()
    net.terminals[h.name] = out  # background jobs (kubectl port-forward) print on the same terminal
    loop = cluster.loop
    try:
        try:
            proc = _spawn(h.container, ["bash", "-c", cmdline], out, err, stdin)
        except StartFailure as e:  # pragma: no cover  (bash is always there)
            return subprocess.CompletedProcess(["ssh", name, cmdline], 127, "", f"{e.detail}\n")
        loop.run_while(lambda: not proc.done, cluster.clock.now + timeout)
        for sig in ("SIGINT", "SIGKILL"):
            if proc.done:
                break
            driver = proc.driver
            target = driver.stack[-1] if driver is not None and driver.stack else proc
            h.container.signal(target.pid, SIGNALS[sig])
            loop.run_while(lambda: not proc.done, cluster.clock.now + 1.0)
    finally:
        net.terminals.pop(h.name, None)
    code = proc.exit_code if proc.exit_code is not None else 130
    return subprocess.CompletedProcess(["ssh", name, cmdline], code, out.text, err.text)
