"""A host's NFS tools: ``apt install nfs-common|nfs-kernel-server``, ``exportfs``, ``showmount``,
``mount -t nfs``/``umount`` and ``systemctl`` for ``nfs-server``, over the cluster's
:class:`~kubenb.runtime.nfs.NfsFabric`.

Installing a package puts its programs on the host's disk (``/usr/sbin/exportfs``,
``/sbin/mount.nfs``...), so a host without them answers ``command not found`` and a mount
without the helper fails like util-linux's ``mount`` does. ``nfs-kernel-server`` starts and
enables ``nfs-server`` at install, as Debian's package scripts do; ``exportfs -ra`` is what makes
``/etc/exports`` take effect.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Optional

from kubenb.runtime.fs import File, FsError
from kubenb.runtime.nfs import MOUNT_HELPER_MISSING, NFS_CLIENT, NFS_SERVER, Machine, NfsError, parse_exports
from kubenb.runtime.process import Process
from kubenb.runtime.program import Program
from kubenb.runtime.programs.applet import Gen

if TYPE_CHECKING:
    from kubenb.network.hosts import Host

NFS_UTILS_VERSION = {"22.04": "1:2.6.1-1ubuntu1.2", "24.04": "1:2.6.4-3ubuntu5"}
DEFAULT_EXPORTS = """# /etc/exports: the access control list for filesystems which may be exported
#\t\tto NFS clients.  See exports(5).
#
# Example for NFSv2 and NFSv3:
# /srv/homes       hostname1(rw,sync,no_subtree_check) hostname2(ro,sync,no_subtree_check)
#
# Example for NFSv4:
# /srv/nfs4        gss/krb5i(rw,sync,fsid=0,crossmnt,no_subtree_check)
# /srv/nfs4/homes  gss/krb5i(rw,sync,no_subtree_check)
#
"""
# what each package puts on the disk (programs by the name the simulator runs them under)
PACKAGE_FILES = {
    NFS_CLIENT: {"/usr/sbin/mount.nfs": "mount.nfs", "/usr/sbin/showmount": "showmount"},
    NFS_SERVER: {"/usr/sbin/exportfs": "exportfs"},
}
DEPENDS = {NFS_SERVER: [NFS_CLIENT], NFS_CLIENT: []}
EXTRA = {NFS_CLIENT: ["keyutils", "libevent-core-2.1-7", "libnfsidmap1", "rpcbind"]}
UNITS = {"nfs-server", "nfs-kernel-server"}


def host_of(proc: Process) -> Host:
    return proc.container.sandbox.kubenb_host  # type: ignore[attr-defined]


def machine_of(proc: Process) -> Machine:
    return register(host_of(proc))


def register(host: Host) -> Machine:
    """The host's NFS record (its disk is the kubelet's for a node: hostPath, NFS and the shell agree)."""
    cluster = host.net.cluster
    kubelet = getattr(cluster, "kubelet", None)
    fs = kubelet.host_filesystem(host.node) if host.node is not None and kubelet is not None else host.container.fs
    return cluster.nfs.register(host.name, host.ip, fs)


def _release(host: Host) -> str:
    os_image = host.net.cluster.profile.os_image.split()
    return ".".join(os_image[1].split(".")[:2]) if len(os_image) > 1 else "22.04"


class Apt(Program):
    """``apt``/``apt-get install PKG...`` (only the NFS packages are known to the simulated archive)."""

    def main(self, proc: Process) -> Gen:
        yield from ()
        args = [a for a in proc.argv[1:] if not a.startswith("-")]
        if not args or args[0] not in ("install", "update"):
            proc.out("apt 2.4.9 (amd64)\nUsage: apt [options] command\n")
            return 0 if not args else 1
        if proc.uid != 0:
            proc.err("E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)\n"
                     "E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?\n")
            return 100
        if args[0] == "update":
            proc.out("Reading package lists... Done\n")
            return 0
        machine = machine_of(proc)
        wanted = args[1:]
        proc.out("Reading package lists... Done\nBuilding dependency tree... Done\nReading state information... Done\n")
        unknown = [p for p in wanted if p not in PACKAGE_FILES]
        if unknown:
            proc.err(f"E: Unable to locate package {unknown[0]}\n")
            return 100
        todo: list[str] = []
        for pkg in wanted:
            for dep in [*DEPENDS[pkg], pkg]:
                if dep not in machine.packages and dep not in todo:
                    todo.append(dep)
        if not todo:
            for pkg in wanted:
                proc.out(f"{pkg} is already the newest version ({NFS_UTILS_VERSION[_release(host_of(proc))]}).\n")
            proc.out("0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n")
            return 0
        extra = [e for p in todo for e in EXTRA.get(p, ())]
        names = sorted([*todo, *extra])
        if len(names) > len(wanted):
            proc.out("The following additional packages will be installed:\n  "
                     + " ".join(sorted(set(names) - set(wanted))) + "\n")
        proc.out("The following NEW packages will be installed:\n  " + " ".join(names) + "\n")
        proc.out(f"0 upgraded, {len(names)} newly installed, 0 to remove and 0 not upgraded.\n")
        version = NFS_UTILS_VERSION[_release(host_of(proc))]
        for pkg in todo:
            self._install(proc, machine, pkg)
            proc.out(f"Setting up {pkg} ({version}) ...\n")
        return 0

    @staticmethod
    def _install(proc: Process, machine: Machine, pkg: str) -> None:
        fs = proc.container.fs
        for path, exe in PACKAGE_FILES[pkg].items():
            fs.write(path, f"\x7fELF (kubenb simulates this program: {exe})\n".encode(), mode=0o755)
            node = fs.node(path)
            assert isinstance(node, File)
            node.exe = exe
        machine.packages.add(pkg)
        if pkg == NFS_SERVER:
            # the unit starts while the package is set up, before /etc/exports is in place (the
            # course's journal: "exportfs: can't open /etc/exports for reading")
            start_server(proc, machine)
            machine.server_enabled = True
            if not fs.exists("/etc/exports"):
                fs.write("/etc/exports", DEFAULT_EXPORTS.encode())


def start_server(proc: Process, machine: Machine) -> None:
    if machine.server_running:
        return
    machine.server_running = True
    machine.server_since = proc.container.now()
    text = _read(proc, "/etc/exports")
    machine.server_journal = []
    if text is None:  # ExecStartPre=/usr/sbin/exportfs -r, logged under its own PID
        machine.server_journal.append(f"exportfs[{proc.container.allocate_pid()}]: exportfs: can't open /etc/exports "
                                      "for reading")
    machine.server_pid = proc.container.allocate_pid()
    exports, _ = parse_exports(text or "")
    machine.exports = [e for e in exports if machine.fs.exists(e.path)]


def _read(proc: Process, path: str) -> Optional[str]:
    try:
        return proc.fs.read_text(path)
    except FsError:
        return None


class Exportfs(Program):
    def main(self, proc: Process) -> Gen:
        yield from ()
        flags = "".join(a[1:] for a in proc.argv[1:] if a.startswith("-"))
        machine = machine_of(proc)
        if proc.uid != 0:
            proc.err("exportfs: could not open /var/lib/nfs/.etab.lock for locking: errno 13 (Permission denied)\n")
            return 1
        if "r" in flags or "a" in flags:
            text = _read(proc, "/etc/exports")
            if text is None:
                proc.err("exportfs: can't open /etc/exports for reading\n")
                return 1
            exports, warnings = parse_exports(text)
            for w in warnings:
                proc.err(w)
            kept = []
            for e in exports:
                if not machine.fs.exists(e.path):
                    proc.err(f"exportfs: Failed to stat {e.path}: No such file or directory\n")
                    continue
                kept.append(e)
            machine.exports = kept
            if "v" not in flags:
                return 0
        for e in machine.exports:
            for c in e.clients:
                client = c.verbose() if "v" in flags else c.spec
                if len(e.path) > 14:
                    proc.out(f"{e.path}\n\t\t{client}\n")
                else:
                    proc.out(f"{e.path:<14}\t{client}\n")
        return 0


class Showmount(Program):
    def main(self, proc: Process) -> Gen:
        yield from ()
        args = [a for a in proc.argv[1:] if not a.startswith("-")]
        target = args[0] if args else "localhost"
        host = host_of(proc)
        fabric = host.net.cluster.nfs
        register(host)
        local = target in ("localhost", "127.1", "127.0.0.1") or target == host.name
        server = fabric.machine(host.ip if local else target)
        if server is None and target not in host.net.node_by_ip and target not in host.net.nodes:
            if not target.replace(".", "").isdigit():
                proc.err("clnt_create: RPC: Unknown host\n")
                return 1
        if server is None or not server.server_running:
            proc.err("clnt_create: RPC: Program not registered\n")
            return 1
        proc.out(f"Export list for {target}:\n")
        width = max((len(e.path) for e in server.exports), default=0)
        for e in server.exports:
            proc.out(f"{e.path:<{width}} {','.join(c.spec for c in e.clients)}\n")
        return 0


class Mount(Program):
    """util-linux ``mount``: ``mount -t nfs SERVER:PATH DIR``, or the list of mounts."""

    def main(self, proc: Process) -> Gen:
        yield from ()
        argv = proc.argv[1:]
        fstype, rest = "", []
        i = 0
        while i < len(argv):
            if argv[i] == "-t" and i + 1 < len(argv):
                fstype = argv[i + 1]
                i += 2
                continue
            if argv[i] == "-o" and i + 1 < len(argv):
                i += 2
                continue
            rest.append(argv[i])
            i += 1
        fs = proc.container.fs
        if not rest:
            for m in fs.mounts():
                if ":" in m.source:
                    proc.out(f"{m.source} on {m.path} type nfs4 (rw,relatime,vers=4.2,rsize=1048576,wsize=1048576,"
                             f"namlen=255,hard,proto=tcp,timeo=600,retrans=2,sec=sys,local_lock=none)\n")
            return 0
        if proc.uid != 0:
            proc.err("mount: only root can use \"--types\" option\n" if fstype else "mount: only root can do that\n")
            return 1
        if len(rest) != 2 or ":" not in rest[0]:
            proc.err(f"mount: {rest[-1]}: can't find in /etc/fstab.\n")
            return 1
        spec, target = rest
        path = proc.path(target)
        if not fs.exists("/usr/sbin/mount.nfs"):
            proc.err(f"mount: {path}: {MOUNT_HELPER_MISSING}\n")
            return 32
        if not fs.is_dir(path):
            proc.err(f"mount.nfs: mount point {target} does not exist\n")
            return 32
        server, _, export = spec.partition(":")
        host = host_of(proc)
        machine = register(host)
        try:
            node = host.net.cluster.nfs.mount(machine.ip, server, export)
        except NfsError as e:
            proc.err(f"mount.nfs: {e}\n")
            return 32
        fs.mount(path, node, source=spec)
        return 0


class Umount(Program):
    def main(self, proc: Process) -> Gen:
        yield from ()
        args = [a for a in proc.argv[1:] if not a.startswith("-")]
        if not args:
            proc.err("Usage:\n umount [-hV]\n umount -a [options]\n umount [options] <source> | <directory>\n")
            return 1
        path = proc.path(args[0])
        try:
            proc.container.fs.umount(path)
        except KeyError:
            proc.err(f"umount: {args[0]}: not mounted.\n")
            return 32
        return 0


class Systemctl(Program):
    """``systemctl start|stop|restart|enable|disable|status|is-active nfs-server``."""

    def main(self, proc: Process) -> Gen:
        yield from ()
        args = [a for a in proc.argv[1:] if not a.startswith("-")]
        if len(args) < 2:
            proc.err("Too few arguments.\n")
            return 1
        verb, unit = args[0], args[1].removesuffix(".service")
        machine = machine_of(proc)
        if unit not in UNITS or NFS_SERVER not in machine.packages:
            if verb == "status":
                proc.err(f"Unit {unit}.service could not be found.\n")
                return 4
            proc.err(f"Failed to {verb} {unit}.service: Unit {unit}.service not found.\n")
            return 5
        if verb in ("start", "restart", "reload"):
            if verb != "start":
                machine.server_running = False
            start_server(proc, machine)
        elif verb == "stop":
            machine.server_running = False
            machine.exports = []
        elif verb in ("enable", "disable"):
            machine.server_enabled = verb == "enable"
        elif verb == "is-active":
            proc.out("active\n" if machine.server_running else "inactive\n")
            return 0 if machine.server_running else 3
        elif verb == "status":
            proc.out(self._status(proc, machine))
            return 0 if machine.server_running else 3
        return 0

    @staticmethod
    def _status(proc: Process, machine: Machine) -> str:
        host = host_of(proc)
        modern = _release(host) >= "24.04"
        unit_file = "/usr/lib/systemd/system/nfs-server.service" if modern else "/lib/systemd/system/nfs-server.service"
        preset = "preset: enabled" if modern else "vendor preset: enabled"
        enabled = "enabled" if machine.server_enabled else "disabled"
        bullet = "●" if machine.server_running else "○"
        lines = [f"{bullet} nfs-server.service - NFS server and services",
                 f"     Loaded: loaded ({unit_file}; {enabled}; {preset})",
                 "    Drop-In: /run/systemd/generator/nfs-server.service.d",
                 "             └─order-with-mounts.conf"]
        if not machine.server_running:
            lines.append("     Active: inactive (dead)")
            return "\n".join(lines) + "\n"
        since = machine.server_since
        stamp = datetime.fromtimestamp(since, UTC)
        ago = _relative(proc.container.now() - since)
        lines += [f"     Active: active (exited) since {stamp.strftime('%a %Y-%m-%d %H:%M:%S')} UTC; {ago} ago",
                  f"   Main PID: {machine.server_pid} (code=exited, status=0/SUCCESS)",
                  "        CPU: 3ms", ""]
        journal = stamp.strftime("%b %d %H:%M:%S")
        lines += [f"{journal} {host.name} systemd[1]: Starting NFS server and services...",
                  *(f"{journal} {host.name} {line}" for line in machine.server_journal),
                  f"{journal} {host.name} systemd[1]: Finished NFS server and services."]
        return "\n".join(lines) + "\n"


def _relative(seconds: float) -> str:
    """systemd's ``format_timestamp_relative`` (without the `` ago``)."""
    s = int(seconds)
    day, hour, minute = 86400, 3600, 60
    if s >= 2 * day:
        return f"{s // day} days"
    if s >= 25 * hour:
        return f"1 day {(s - day) // hour}h"
    if s >= 6 * hour:
        return f"{s // hour}h"
    if s >= hour:
        return f"{s // hour}h {(s % hour) // minute}min"
    if s >= 5 * minute:
        return f"{s // minute}min"
    if s >= minute:
        return f"{s // minute}min {s % minute}s"
    return f"{s}s" if s else f"{int(seconds * 1000)}ms"


class MountHelper(Program):
    """``/sbin/mount.nfs`` run by hand: what ``mount -t nfs`` would do."""

    def main(self, proc: Process) -> Gen:
        yield from ()
        return (yield from Mount().main(proc))


NFS_PROGRAMS: dict[str, Any] = {
    "apt": Apt, "apt-get": Apt, "exportfs": Exportfs, "showmount": Showmount, "mount": Mount, "umount": Umount,
    "systemctl": Systemctl, "mount.nfs": MountHelper,
}
