"""Mount points made once per image and mount layout, shared by the containers that have them."""

from __future__ import annotations

from kubenb.runtime.fs import Dir, File, FileSystem
from kubenb.runtime.mountpoints import container_fs
from kubenb.runtime.rootfs import alpine, debian

ROOTS = {"alpine": alpine("3.17.3").build(), "debian": debian("12", "bookworm").build()}


def layout() -> list[tuple[str, object, bool, str]]:
    """What the kubelet mounts into a pod's container: the /etc files, the token, the termination log."""
    return [
        ("/etc/resolv.conf", File(b"nameserver 10.96.0.10\n"), False, "/dev/sda1"),
        ("/etc/hosts", File(b"127.0.0.1\tlocalhost\n"), False, "/dev/sda1"),
        ("/var/run/secrets/kubernetes.io/serviceaccount", Dir(0o1777), True, "tmpfs"),
        ("/dev/termination-log", File(), False, "/dev/sda1"),
    ]


def mounted_one_by_one(root: Dir, mounts: list, working_dir: str, t: float) -> FileSystem:
    fs = FileSystem(root, clock=lambda: t)
    for path, node, read_only, source in mounts:
        fs.mount(path, node, read_only, source)
    fs.makedirs(working_dir)
    return fs


def everything(fs: FileSystem) -> list[tuple]:
    return [(p, fs.stat(p, follow=False), [(m.path, m.read_only, m.source) for m in fs.mounts()]) for p in fs.walk("/")]


def test_a_shared_tree_shows_what_mounting_each_volume_makes() -> None:
    for name, root in ROOTS.items():
        for t, working_dir in ((100.0, "/"), (250.0, "/srv/app/data")):
            mounts = layout()
            shared = container_fs(root, mounts, working_dir, lambda t=t: t)
            assert everything(shared) == everything(mounted_one_by_one(root, mounts, working_dir, t)), name


def test_containers_of_one_layout_share_the_tree_but_not_their_writes() -> None:
    root = ROOTS["alpine"]
    a = container_fs(root, layout(), "/", lambda: 100.0)
    b = container_fs(root, layout(), "/", lambda: 200.0)
    assert a.root is b.root  # one tree for both: nothing copied per container
    assert (a.stat("/run/secrets").mtime, b.stat("/run/secrets").mtime) == (100.0, 200.0)
    a.write("/run/nginx.pid", "1\n")
    a.write("/etc/hosts", "changed\n")  # a mounted file: the volume's, not the tree's
    assert a.read_text("/run/nginx.pid") == "1\n" and not b.exists("/run/nginx.pid")
    assert a.listdir("/run") == ["nginx.pid", "secrets"] and b.listdir("/run") == ["secrets"]
    assert a.root is b.root  # a write below / copies /run only, not the root


def test_a_mount_point_inside_another_volume_is_made_in_that_volume() -> None:
    """Making it changes the volume every view shares: that layout is made per container, as before."""
    root = ROOTS["alpine"]
    outer = Dir()
    mounts = [("/data", outer, False, ""), ("/data/sub/dir", Dir(), False, "")]
    fs = container_fs(root, mounts, "/", lambda: 5.0)
    assert list(outer.children) == ["sub"]
    again = container_fs(root, [("/data", Dir(), False, ""), ("/data/sub/dir", Dir(), False, "")], "/", lambda: 6.0)
    assert fs.root is not again.root
    assert again.listdir("/data") == ["sub"]
