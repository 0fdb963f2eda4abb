"""The in-memory filesystem: image layers, the writable layer, shared volumes, read-only mounts."""

from __future__ import annotations

import pytest

from kubenb.runtime.fs import Dir, FileSystem, FsError, freeze
from kubenb.runtime.rootfs import Tree


def image() -> Dir:
    t = Tree()
    t.file("/etc/nginx/conf.d/default.conf", "server {}\n")
    t.file("/etc/os-release", "ID=test\n")
    t.dir("/tmp", 0o1777)
    return t.build()


def test_writes_do_not_leak_into_the_image_or_other_containers() -> None:
    base = image()
    a, b = FileSystem(base), FileSystem(base)
    a.write("/etc/os-release", "changed\n")
    a.write("/tmp/new", "x")
    assert a.read_text("/etc/os-release") == "changed\n"
    assert b.read_text("/etc/os-release") == "ID=test\n"
    assert not b.exists("/tmp/new")
    assert FileSystem(base).read_text("/etc/os-release") == "ID=test\n"


def test_removing_an_image_file_only_hides_it_in_that_container() -> None:
    base = image()
    a = FileSystem(base)
    a.remove("/etc/os-release")
    assert not a.exists("/etc/os-release")
    assert FileSystem(base).exists("/etc/os-release")


def test_a_volume_is_shared_by_every_view_that_mounts_it() -> None:
    """hostPath: the node's /tmp/host-10m-pv is the pod's /tmp (the PV lesson)."""
    host = FileSystem(Dir(), clock=lambda: 100.0)
    host.makedirs("/tmp/host-10m-pv")
    pod = FileSystem(image(), clock=lambda: 200.0)
    pod.mount("/tmp", host.node("/tmp/host-10m-pv"))
    pod.write("/tmp/name.txt", "zhongmingmao\n")
    assert host.read_text("/tmp/host-10m-pv/name.txt") == "zhongmingmao\n"
    assert host.stat("/tmp/host-10m-pv/name.txt").mtime == 200.0
    again = FileSystem(image())
    again.mount("/tmp", host.node("/tmp/host-10m-pv"))
    assert again.read_text("/tmp/name.txt") == "zhongmingmao\n"


def test_a_mount_hides_what_the_image_had_at_that_path() -> None:
    volume = Dir()
    fs = FileSystem(image())
    fs.mount("/etc/nginx/conf.d", volume, read_only=True)
    assert fs.listdir("/etc/nginx/conf.d") == []


@pytest.mark.parametrize(
    ("action", "code"),
    [
        pytest.param(lambda fs: fs.write("/conf/default.conf", "x"), "EROFS", id="overwrite"),
        pytest.param(lambda fs: fs.write("/conf/new.conf", "x"), "EROFS", id="create"),
        pytest.param(lambda fs: fs.remove("/conf/default.conf"), "EROFS", id="remove"),
        pytest.param(lambda fs: fs.touch("/conf/default.conf"), "EROFS", id="touch"),
        pytest.param(lambda fs: fs.mkdir("/conf/d"), "EROFS", id="mkdir"),
        pytest.param(lambda fs: fs.remove("/conf/missing"), "ENOENT", id="missing-first"),
    ],
)
def test_read_only_mounts_refuse_changes(action, code) -> None:
    volume = FileSystem()
    volume.write("/default.conf", "server {}\n")
    fs = FileSystem(image())
    fs.mount("/conf", volume.root, read_only=True)
    with pytest.raises(FsError) as e:
        action(fs)
    assert e.value.code == code
    assert FsError("EROFS", "/x").strerror() == "Read-only file system"


def test_symlinks_resolve_and_loop_detection() -> None:
    fs = FileSystem(image())
    fs.symlink("/etc/nginx", "/n")
    fs.symlink("conf.d/default.conf", "/etc/nginx/default")
    assert fs.read_text("/n/default") == "server {}\n"
    assert fs.readlink("/n/default") == "conf.d/default.conf"
    fs.symlink("/loop2", "/loop1")
    fs.symlink("/loop1", "/loop2")
    with pytest.raises(FsError) as e:
        fs.read("/loop1")
    assert e.value.code == "ELOOP"
    assert e.value.strerror("musl") == "Symbolic link loop"


@pytest.mark.parametrize(
    ("action", "code"),
    [
        pytest.param(lambda fs: fs.read("/nope"), "ENOENT", id="read-missing"),
        pytest.param(lambda fs: fs.read("/etc"), "EISDIR", id="read-dir"),
        pytest.param(lambda fs: fs.mkdir("/etc"), "EEXIST", id="mkdir-exists"),
        pytest.param(lambda fs: fs.rmdir("/etc"), "ENOTEMPTY", id="rmdir-not-empty"),
        pytest.param(lambda fs: fs.listdir("/etc/os-release"), "ENOTDIR", id="list-file"),
        pytest.param(lambda fs: fs.read("/etc/os-release/x"), "ENOTDIR", id="through-file"),
    ],
)
def test_errors(action, code) -> None:
    with pytest.raises(FsError) as e:
        action(FileSystem(image()))
    assert e.value.code == code


def test_stat_counts_links_and_sizes() -> None:
    fs = FileSystem(image())
    st = fs.stat("/etc")
    assert (st.kind, st.nlink, st.size) == ("dir", 3, 4096)
    assert fs.stat("/tmp").mode == 0o1777
    assert fs.stat("/etc/os-release").size == 8


def test_rename_and_rmtree_across_a_mount() -> None:
    volume = Dir()
    fs = FileSystem(image())
    fs.mount("/data", volume)
    fs.write("/data/a", "1")
    fs.rename("/data/a", "/data/b")
    assert fs.listdir("/data") == ["b"]
    with pytest.raises(FsError) as e:
        fs.rmtree("/data")
    assert e.value.code == "EBUSY"


def test_frozen_trees_cannot_be_mounted() -> None:
    with pytest.raises(ValueError):
        FileSystem().mount("/x", freeze(Dir()))


def test_mounts_below_symlinks_nested_and_unmounted() -> None:
    """The walk looks mounts up only above a mount point: nested mounts, a mount reached through a
    symlink, and a mount point that shows again after umount all resolve as before. (Mount paths
    are resolved ones: the kubelet resolves a volume's path in the image before it mounts.)"""
    t = Tree()
    t.dir("/run")
    t.link("/var/run", "/run")
    t.file("/etc/hosts", "image\n")
    fs = FileSystem(t.build(), clock=lambda: 5.0)
    outer, inner, hosts = Dir(), Dir(), FileSystem().root
    fs.mount("/run/secrets/sa", outer)
    fs.mount("/run/secrets/sa/inner", inner)
    fs.write("/var/run/secrets/sa/inner/token", "t")  # reached through the symlink
    assert inner.children["token"].data == b"t"  # type: ignore[attr-defined]
    assert fs.listdir("/run/secrets") == ["sa"]
    assert fs.stat("/run/secrets").mtime == 5.0
    with pytest.raises(FsError) as e:
        fs.mkdir("/var/run/secrets/sa/inner")  # the mount point is taken
    assert e.value.code == "EEXIST"
    fs.umount("/run/secrets/sa/inner")
    assert fs.listdir("/run/secrets/sa/inner") == []  # the (empty) mount point in `outer` shows again
    fs.mount("/etc", hosts)
    fs.write("/etc/hosts", "volume\n")
    assert fs.read_text("/etc/hosts") == "volume\n"
    fs.umount("/etc")
    assert fs.read_text("/etc/hosts") == "image\n"
    assert fs.read_text("/etc/../etc/./hosts") == "image\n"


def test_mkdir_in_a_read_only_mount_and_through_a_file() -> None:
    fs = FileSystem(image())
    volume = Dir()
    volume.children["taken"] = Dir()
    fs.mount("/ro", volume, read_only=True)
    for path, code in (("/ro/taken", "EEXIST"), ("/ro/new", "EROFS"), ("/etc/os-release/d", "ENOTDIR"),
                       ("/nope/d", "ENOENT"), ("/", "EEXIST")):
        with pytest.raises(FsError) as e:
            fs.mkdir(path)
        assert (path, e.value.code) == (path, code)


def test_mounted_around_sees_mounts_at_below_and_above_a_path_but_not_beside_it() -> None:
    fs = FileSystem(Dir())
    fs.mount("/etc/nginx/conf.d", Dir())
    fs.mount("/var/log", Dir())
    assert fs.mounted_around("/etc/nginx/conf.d")
    assert fs.mounted_around("/etc/nginx")
    assert fs.mounted_around("/etc")
    assert fs.mounted_around("/var/log/nginx")
    assert not fs.mounted_around("/etc/nginx-other")
    assert not fs.mounted_around("/var/lib")
    fs.umount("/etc/nginx/conf.d")
    assert not fs.mounted_around("/etc/nginx")


def test_write_errors_name_what_a_whole_path_walk_then_a_parent_walk_would() -> None:
    t = Tree()
    t.file("/etc/passwd", "root\n")
    t.dir("/srv/www")
    t.link("/srv/link", "/etc/passwd")
    t.link("/var/run", "/run")
    t.dir("/run")
    fs = FileSystem(t.build())
    ro = Dir()
    ro.children["sub"] = Dir()
    fs.mount("/ro", ro, read_only=True)

    def error(path: str) -> tuple[str, str]:
        with pytest.raises(FsError) as e:
            fs.write(path, b"x")
        return e.value.code, e.value.path

    assert error("/missing/dir/file") == ("ENOENT", "/missing/dir")
    assert error("/etc/passwd/file") == ("ENOTDIR", "/etc/passwd/file")
    assert error("/srv/www") == ("EISDIR", "/srv/www")
    assert error("/ro/sub") == ("EISDIR", "/ro/sub")
    assert error("/ro/new") == ("EROFS", "/ro/new")
    assert error("/ro") == ("EISDIR", "/ro")
    fs.write("/srv/link", b"through\n")  # a symlink is followed to the file it names
    assert fs.read("/etc/passwd") == b"through\n"
    fs.write("/var/run/app.pid", b"1\n", mode=0o600)
    assert (fs.read("/run/app.pid"), fs.stat("/run/app.pid").mode) == (b"1\n", 0o600)
    fs.write("/run/app.pid", b"2\n", append=True)
    assert fs.read("/var/run/app.pid") == b"1\n2\n"
