"""NFS between the simulated machines: who serves which directory to whom, and who can mount.

One :class:`NfsFabric` per cluster. Every machine that owns a disk registers it here by IP (the
kubelet registers each node's disk, the host shell the workstation's), with the packages it has.
A server's *active* exports are what ``exportfs -ra`` last read from its ``/etc/exports``; the
kernel server answers only while ``nfs-server`` runs. A mount needs the client's
``/sbin/mount.nfs`` helper (package ``nfs-common``), a running server, an export covering the
path whose client list admits the client, and the directory on the server's disk. What the
client then sees *is* the server's directory node: a file written through any mount is on the
server's disk, and in every other mount of it, at once.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Optional

from kubenb.runtime.fs import Dir, FileSystem, FsError

NFS_CLIENT = "nfs-common"
NFS_SERVER = "nfs-kernel-server"
MOUNT_HELPER_MISSING = ("bad option; for several filesystems (e.g. nfs, cifs) you might need a "
                        "/sbin/mount.<type> helper program.")

# exportfs's defaults and the order `exportfs -v` prints options in (nfs-utils exportfs.c dump())
DEFAULT_FLAGS = {"sync": True, "wdelay": True, "hide": True, "subtree_check": False, "rw": False,
                 "secure": True, "root_squash": True, "all_squash": False}


class NfsError(Exception):
    """A failed mount: what ``mount.nfs`` prints (without the ``mount.nfs: `` prefix)."""


@dataclass
class ExportClient:
    spec: str  # "192.168.191.0/24", "*", "10.0.0.5", a host name
    options: list[str]

    def admits(self, ip: str, name: str = "") -> bool:
        if self.spec == "*":
            return True
        try:
            return ipaddress.ip_address(ip) in ipaddress.ip_network(self.spec, strict=False)
        except ValueError:
            return self.spec == name

    def flags(self) -> dict[str, bool]:
        out = dict(DEFAULT_FLAGS)
        for opt in self.options:
            neg = opt.startswith("no_")
            base = opt[3:] if neg else opt
            if opt in ("rw", "ro"):
                out["rw"] = opt == "rw"
            elif opt in ("async", "sync"):
                out["sync"] = opt == "sync"
            elif opt in ("insecure", "secure"):
                out["secure"] = opt == "secure"
            elif opt in ("nohide", "hide"):
                out["hide"] = opt == "hide"
            elif base in out:
                out[base] = not neg
        return out

    def verbose(self) -> str:
        """The client's options as ``exportfs -v`` prints them (every default spelled out)."""
        f = self.flags()
        parts = ["sync" if f["sync"] else "async", "wdelay" if f["wdelay"] else "no_wdelay",
                 "hide" if f["hide"] else "nohide", "subtree_check" if f["subtree_check"] else "no_subtree_check",
                 "sec=sys", "rw" if f["rw"] else "ro", "secure" if f["secure"] else "insecure",
                 "root_squash" if f["root_squash"] else "no_root_squash",
                 "all_squash" if f["all_squash"] else "no_all_squash"]
        return f"{self.spec}({','.join(parts)})"


@dataclass
class Export:
    path: str
    clients: list[ExportClient]


def parse_exports(text: str) -> tuple[list[Export], list[str]]:
    """``/etc/exports``: the exports, and exportfs's warnings about them."""
    exports, warnings = [], []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        path, *specs = line.split()
        clients = []
        for spec in specs or ["*"]:
            host, _, opts = spec.partition("(")
            options = [o for o in opts.rstrip(")").split(",") if o]
            client = ExportClient(host or "*", options)
            if not any(o in ("subtree_check", "no_subtree_check") for o in options):
                warnings.append(f"exportfs: /etc/exports [{lineno}]: Neither 'subtree_check' or 'no_subtree_check' "
                                f"specified for export \"{client.spec}:{path}\".\n"
                                "  Assuming default behaviour ('no_subtree_check').\n"
                                "  NOTE: this default has changed since nfs-utils version 1.0.x\n")
            clients.append(client)
        exports.append(Export(path, clients))
    return exports, warnings


@dataclass
class Machine:
    """What NFS needs to know about one machine."""

    name: str
    ip: str
    fs: FileSystem
    packages: set[str] = field(default_factory=set)
    exports: list[Export] = field(default_factory=list)  # active (exportfs -ra)
    server_running: bool = False
    server_enabled: bool = False
    server_since: float = 0.0
    server_pid: int = 0
    server_journal: list[str] = field(default_factory=list)  # what the unit's start logged, besides systemd


class NfsFabric:
    def __init__(self) -> None:
        self.machines: dict[str, Machine] = {}  # by IP
        self._by_name: dict[str, str] = {}

    def register(self, name: str, ip: str, fs: FileSystem) -> Machine:
        found = self.machines.get(ip)
        if found is None:
            found = self.machines[ip] = Machine(name, ip, fs)
            self._by_name[name] = ip
        return found

    def machine(self, host: str) -> Optional[Machine]:
        """A machine by IP or name (``127.1``/``localhost`` are resolved by the caller)."""
        ip = self._by_name.get(host, host)
        return self.machines.get(ip)

    def has_client(self, ip: str) -> bool:
        m = self.machines.get(ip)
        return m is not None and NFS_CLIENT in m.packages

    def mount(self, client_ip: str, server: str, path: str) -> Dir:
        """The server directory a ``mount -t nfs SERVER:PATH`` from `client_ip` reaches.
        Raises NfsError with mount.nfs's words. (The client's helper is the caller's check.)"""
        spec = f"{server}:{path}"
        m = self.machine(server)
        if m is None or not m.server_running:
            raise NfsError("Connection refused" if m is not None else "Connection timed out")
        norm = "/" + path.strip("/")
        client = self.machines.get(client_ip)
        client_name = client.name if client is not None else ""
        for export in sorted(m.exports, key=lambda e: -len(e.path)):
            root = "/" + export.path.strip("/")
            if norm != root and not norm.startswith(root.rstrip("/") + "/"):
                continue
            if not any(c.admits(client_ip, client_name) for c in export.clients):
                break
            try:
                node = m.fs.node(norm)
            except FsError:
                raise NfsError(f"mounting {spec} failed, reason given by server: No such file or directory") from None
            if not isinstance(node, Dir):
                raise NfsError(f"mounting {spec} failed, reason given by server: Not a directory")
            return node
        raise NfsError(f"access denied by server while mounting {spec}")

    def read_only(self, client_ip: str, server: str, path: str) -> bool:
        m = self.machine(server)
        norm = "/" + path.strip("/")
        for export in sorted(m.exports if m else (), key=lambda e: -len(e.path)):
            root = "/" + export.path.strip("/")
            if norm == root or norm.startswith(root.rstrip("/") + "/"):
                client = next((c for c in export.clients if c.admits(client_ip)), None)
                return client is not None and not client.flags()["rw"]
        return False
