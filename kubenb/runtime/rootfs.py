"""Base root filesystems of the distributions images are built on.

What learners look at inside a container -- ``/etc/os-release``, ``/etc/passwd``, which tools
exist in ``$PATH`` -- differs by base: Alpine and the ``busybox`` image have BusyBox applets
(``wget``, ``ps``, ``nslookup``, ``ping``), Debian and Ubuntu have GNU coreutils and ``bash`` but
no ``ps`` or ``ping``. Each executable file carries ``exe``, the simulated program it runs; every
BusyBox applet is a link to ``/bin/busybox``, which dispatches on the name it was called by.
"""

from __future__ import annotations

import posixpath

from kubenb.runtime.fs import Device, Dir, File, Node, Symlink, freeze

# The BusyBox applets kubenb simulates, and where a BusyBox install puts their links.
BUSYBOX_APPLETS = {
    "/bin": "ash cat chmod cp date df echo false grep hostname kill ln ls mkdir mv netstat ping ps pwd rm "
    "rmdir sh sleep touch true uname",
    "/usr/bin": "[ basename dirname env head id nslookup printf seq tail tee test wc wget which whoami",
}
# GNU tools present in a Debian or Ubuntu base image (no ps, ping, wget, nslookup, netstat).
GNU_TOOLS = (
    "bash cat chmod cp date df echo false grep hostname kill ln ls mkdir mv pwd rm rmdir sleep touch true "
    "uname [ basename dirname env head id printenv printf seq tail tee test wc which whoami"
).split()

ALPINE_PASSWD = """\
root:x:0:0:root:/root:/bin/ash
bin:x:1:1:bin:/bin:/sbin/nologin
daemon:x:2:2:daemon:/sbin:/sbin/nologin
adm:x:3:4:adm:/var/adm:/sbin/nologin
lp:x:4:7:lp:/var/spool/lpd:/sbin/nologin
sync:x:5:0:sync:/sbin:/bin/sync
shutdown:x:6:0:shutdown:/sbin:/sbin/shutdown
halt:x:7:0:halt:/sbin:/sbin/halt
mail:x:8:12:mail:/var/mail:/sbin/nologin
news:x:9:13:news:/usr/lib/news:/sbin/nologin
operator:x:11:0:operator:/root:/sbin/nologin
guest:x:405:100:guest:/dev/null:/sbin/nologin
nobody:x:65534:65534:nobody:/:/sbin/nologin
"""
ALPINE_GROUP = """\
root:x:0:root
bin:x:1:root,bin,daemon
daemon:x:2:root,bin,daemon
sys:x:3:root,bin,adm
adm:x:4:root,adm,daemon
tty:x:5:
disk:x:6:root,adm
lp:x:7:lp
wheel:x:10:root
floppy:x:11:root
mail:x:12:mail
dialout:x:20:root
tape:x:26:root
video:x:27:root
www-data:x:82:
users:x:100:games
ping:x:999:
nogroup:x:65533:
nobody:x:65534:
"""
BUSYBOX_PASSWD = """\
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
"""
BUSYBOX_GROUP = """\
root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
wheel:x:10:root
mail:x:8:
www-data:x:33:
operator:x:37:
staff:x:50:
users:x:100:
nogroup:x:65534:
"""
DEBIAN_PASSWD = """\
root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
sys:x:3:3:sys:/dev:/usr/sbin/nologin
sync:x:4:65534:sync:/bin:/bin/sync
games:x:5:60:games:/usr/games:/usr/sbin/nologin
man:x:6:12:man:/var/cache/man:/usr/sbin/nologin
lp:x:7:7:lp:/var/spool/lpd:/usr/sbin/nologin
mail:x:8:8:mail:/var/mail:/usr/sbin/nologin
news:x:9:9:news:/var/spool/news:/usr/sbin/nologin
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
backup:x:34:34:backup:/var/backups:/usr/sbin/nologin
_apt:x:42:65534::/nonexistent:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
"""
DEBIAN_GROUP = """\
root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
mail:x:8:
www-data:x:33:
staff:x:50:
users:x:100:
nogroup:x:65534:
"""

OS_RELEASE = {
    "alpine": 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID={version}\nPRETTY_NAME="Alpine Linux v{minor}"\n'
    'HOME_URL="https://alpinelinux.org/"\nBUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"\n',
    "debian": 'PRETTY_NAME="Debian GNU/Linux {version} ({codename})"\nNAME="Debian GNU/Linux"\nVERSION_ID="{version}"\n'
    'VERSION="{version} ({codename})"\nVERSION_CODENAME={codename}\nID=debian\nHOME_URL="https://www.debian.org/"\n'
    'SUPPORT_URL="https://www.debian.org/support"\nBUG_REPORT_URL="https://bugs.debian.org/"\n',
    "ubuntu": 'PRETTY_NAME="Ubuntu {version} LTS"\nNAME="Ubuntu"\nVERSION_ID="{minor}"\n'
    'VERSION="{version} LTS ({title})"\nVERSION_CODENAME={codename}\nID=ubuntu\nID_LIKE=debian\n'
    'HOME_URL="https://www.ubuntu.com/"\nSUPPORT_URL="https://help.ubuntu.com/"\n'
    'BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"\nUBUNTU_CODENAME={codename}\n',
}


class Tree:
    """A small builder for image trees; :meth:`build` freezes the result."""

    def __init__(self, mtime: float = 0.0) -> None:
        self.root = Dir()
        self.mtime = mtime

    def _put(self, path: str, node: Node) -> Node:
        head, name = posixpath.split(path)
        parent = self.dir(head)
        node.mtime = self.mtime
        parent.children[name] = node
        return node

    def dir(self, path: str, mode: int = 0o755, uid: int = 0, gid: int = 0) -> Dir:
        node: Dir = self.root
        for name in [p for p in path.split("/") if p]:
            child = node.children.get(name)
            if not isinstance(child, Dir):
                child = Dir(mode, uid=uid, gid=gid, mtime=self.mtime)
                node.children[name] = child
            node = child
        if path.strip("/"):
            node.mode, node.uid, node.gid = mode, uid, gid
        return node

    def file(
        self, path: str, data: str | bytes = b"", mode: int = 0o644, exe: str | None = None, uid: int = 0, gid: int = 0
    ) -> None:
        raw = data.encode() if isinstance(data, str) else data
        self._put(path, File(raw, mode, exe, uid=uid, gid=gid))

    def program(self, path: str, exe: str) -> None:
        """An executable file that runs the simulated program `exe`."""
        self.file(path, f"\x7fELF (kubenb simulates this program: {exe})\n", 0o755, exe)

    def link(self, path: str, target: str) -> None:
        self._put(path, Symlink(target))

    def device(self, path: str, kind: str) -> None:
        self._put(path, Device(kind))

    def build(self) -> Dir:
        return freeze(self.root)  # type: ignore[return-value]


def _skeleton(t: Tree) -> None:
    """What every Linux container has, whatever the image."""
    for d in ("/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/lib", "/etc",
              "/home", "/media", "/mnt", "/opt", "/proc", "/run", "/srv", "/sys", "/var/log", "/var/lib", "/var/cache"):  # fmt: skip
        t.dir(d)
    t.dir("/root", 0o700)
    t.dir("/tmp", 0o1777)
    t.dir("/var/tmp", 0o1777)
    t.dir("/dev")
    for kind in ("null", "zero", "stdout", "stderr"):
        t.device(f"/dev/{kind}", kind)
    _mount_points(t)


def _mount_points(t: Tree) -> None:
    """The empty files the runtime bind-mounts the pod's hosts, hostname and resolv.conf onto."""
    for name in ("hosts", "hostname", "resolv.conf"):
        t.file(f"/etc/{name}")


def alpine(version: str) -> Tree:
    """An Alpine Linux base: BusyBox, musl, ``/bin/ash``."""
    t = Tree()
    _skeleton(t)
    t.link("/var/run", "/run")
    minor = ".".join(version.split(".")[:2])
    t.file("/etc/os-release", OS_RELEASE["alpine"].format(version=version, minor=minor))
    t.file("/etc/alpine-release", version + "\n")
    t.file("/etc/passwd", ALPINE_PASSWD)
    t.file("/etc/group", ALPINE_GROUP)
    t.file("/etc/shells", "# valid login shells\n/bin/sh\n/bin/ash\n")
    _busybox(t)
    return t


def busybox_image() -> Tree:
    """The ``busybox`` image: applets only, no package manager, no os-release."""
    t = Tree()
    _skeleton(t)
    t.dir("/var/spool/mail")
    t.dir("/var/www")
    t.file("/etc/passwd", BUSYBOX_PASSWD)
    t.file("/etc/group", BUSYBOX_GROUP)
    _busybox(t)
    return t


def _busybox(t: Tree) -> None:
    t.program("/bin/busybox", "busybox")
    for d, names in BUSYBOX_APPLETS.items():
        for name in names.split():
            t.link(f"{d}/{name}", "/bin/busybox")
    t.link("/usr/bin/printenv", "/bin/busybox")


def debian(version: str, codename: str) -> Tree:
    """A Debian base (merged /usr): GNU coreutils, ``dash`` as /bin/sh, ``bash``."""
    t = _gnu_base(DEBIAN_PASSWD, DEBIAN_GROUP)
    t.file("/etc/os-release", OS_RELEASE["debian"].format(version=version, codename=codename))
    t.file("/etc/debian_version", {"bullseye": "11.7", "bookworm": "12.5"}.get(codename, version) + "\n")
    return t


def ubuntu(version: str, codename: str, title: str) -> Tree:
    t = _gnu_base(DEBIAN_PASSWD, DEBIAN_GROUP)
    minor = ".".join(version.split(".")[:2])
    t.file("/etc/os-release", OS_RELEASE["ubuntu"].format(version=version, minor=minor, codename=codename, title=title))
    return t


def _gnu_base(passwd: str, group: str) -> Tree:
    t = Tree()
    _skeleton(t)
    del t.root.children["bin"], t.root.children["sbin"]
    t.link("/bin", "usr/bin")
    t.link("/sbin", "usr/sbin")
    t.link("/var/run", "/run")
    t.file("/etc/passwd", passwd)
    t.file("/etc/group", group)
    t.file(
        "/etc/shells",
        "# /etc/shells: valid login shells\n/bin/sh\n/bin/bash\n/usr/bin/bash\n/bin/dash\n/usr/bin/dash\n",
    )
    for name in GNU_TOOLS:
        t.program(f"/usr/bin/{name}", name)
    t.program("/usr/bin/dash", "dash")
    t.link("/usr/bin/sh", "dash")
    return t


def scratch() -> Tree:
    """An image with nothing but its own binary (distroless/static images, unknown images)."""
    t = Tree()
    t.dir("/etc")
    t.dir("/dev")
    t.dir("/proc")
    t.dir("/tmp", 0o1777)
    for kind in ("null", "stdout", "stderr"):
        t.device(f"/dev/{kind}", kind)
    _mount_points(t)
    return t


def add_user(t: Tree, passwd_line: str, group_line: str) -> None:
    """Append an image's service account (``nginx``, ``redis``, ``mysql``) to passwd and group."""
    for name, line in (("passwd", passwd_line), ("group", group_line)):
        node = t.dir("/etc").children[name]
        assert isinstance(node, File)
        node.data += (line + "\n").encode()
