"""An in-memory POSIX-ish filesystem: what a container, a node or an NFS server has on disk.

A container's view is built the way overlayfs and bind mounts build it:

* the **image** is a tree of *frozen* nodes, built once and shared by every container of that
  image (150,000 pods must not copy 150,000 root filesystems);
* the **writable layer** is copy-on-write by redirection: the first change to a frozen node (a
  file's contents, a directory's entries, an inode's mode) makes the view's private copy of that
  one node, and the view's walks follow the frozen node to its copy from then on. Only what a
  container changes is copied -- not the directories above it, which keep pointing at the frozen
  node -- and a restarted container (a new one, in Kubernetes) starts again from the image;
* **mounts** put another node tree at a path. A volume is a plain, unfrozen :class:`Dir` shared by
  reference, so what one container writes into an emptyDir, a hostPath directory or an NFS export
  is at once visible to every other view of the same directory -- the node's own filesystem, the
  NFS server's, another pod's. A read-only mount refuses writes with ``EROFS``.

Errors are :class:`FsError` carrying the errno name; tools print them in their own words.
"""

from __future__ import annotations

import posixpath
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

# strerror() as glibc prints it; musl (Alpine) words two of them differently.
_STRERROR = {
    "ENOENT": "No such file or directory",
    "EEXIST": "File exists",
    "ENOTDIR": "Not a directory",
    "EISDIR": "Is a directory",
    "EROFS": "Read-only file system",
    "ENOTEMPTY": "Directory not empty",
    "EACCES": "Permission denied",
    "EINVAL": "Invalid argument",
    "EBUSY": "Device or resource busy",
    "ELOOP": "Too many levels of symbolic links",
}
_MUSL_STRERROR = {"EBUSY": "Resource busy", "ELOOP": "Symbolic link loop"}

_MAX_SYMLINKS = 40  # Linux's MAXSYMLINKS


class FsError(Exception):
    """A failed filesystem call: ``code`` is the errno name, ``path`` the path the caller gave."""

    def __init__(self, code: str, path: str) -> None:
        super().__init__(code, path)  # the text is made only if asked for: walks raise these as answers
        self.code = code
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {_STRERROR[self.code]}"

    def strerror(self, libc: str = "glibc") -> str:
        """The libc's text for the errno (`libc` is ``glibc`` or ``musl``)."""
        if libc == "musl" and self.code in _MUSL_STRERROR:
            return _MUSL_STRERROR[self.code]
        return _STRERROR[self.code]


class Node:
    """An inode. ``frozen`` nodes belong to an image and are copied before any change."""

    __slots__ = ("mode", "uid", "gid", "mtime", "frozen")

    def __init__(self, mode: int, uid: int = 0, gid: int = 0, mtime: float = 0.0) -> None:
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.mtime = mtime
        self.frozen = False

    def _copy_meta(self, other: Node) -> None:
        self.uid, self.gid, self.mtime = other.uid, other.gid, other.mtime


class File(Node):
    """A regular file. ``exe`` names the simulated program an executable file runs."""

    __slots__ = ("data", "exe")

    def __init__(self, data: bytes = b"", mode: int = 0o644, exe: str | None = None, **meta) -> None:
        super().__init__(mode, **meta)
        self.data = data
        self.exe = exe

    def thaw(self) -> File:
        copy = File(self.data, self.mode, self.exe)
        copy._copy_meta(self)
        return copy


class Dir(Node):
    __slots__ = ("children",)

    def __init__(self, mode: int = 0o755, **meta) -> None:
        super().__init__(mode, **meta)
        self.children: dict[str, Node] = {}

    def thaw(self) -> Dir:
        copy = Dir(self.mode)
        copy._copy_meta(self)
        copy.children = dict(self.children)
        return copy


class Symlink(Node):
    __slots__ = ("target",)

    def __init__(self, target: str, **meta) -> None:
        super().__init__(0o777, **meta)
        self.target = target

    def thaw(self) -> Symlink:
        copy = Symlink(self.target)
        copy._copy_meta(self)
        return copy


class Device(Node):
    """A character device: ``null``, ``zero``, ``stdout``, ``stderr``. Processes give it meaning."""

    __slots__ = ("kind",)

    def __init__(self, kind: str, mode: int = 0o666, **meta) -> None:
        super().__init__(mode, **meta)
        self.kind = kind

    def thaw(self) -> Device:
        copy = Device(self.kind, self.mode)
        copy._copy_meta(self)
        return copy


def freeze(node: Node) -> Node:
    """Mark a whole tree as an immutable image layer (returns it, for chaining)."""
    node.frozen = True
    if isinstance(node, Dir):
        for child in node.children.values():
            freeze(child)
    return node


# The mtime of what a shared tree made "when the view was created" (a container's mount points,
# see kubenb.runtime.mountpoints): NaN, never a real time; each view's `stat` reads it as its own
# creation time.
AT_CREATION = float("nan")


@dataclass(frozen=True)
class Stat:
    kind: str  # "file" | "dir" | "symlink" | "device"
    mode: int
    uid: int
    gid: int
    size: int
    mtime: float
    nlink: int
    exe: str | None = None
    device: str | None = None

    @property
    def is_dir(self) -> bool:
        return self.kind == "dir"

    @property
    def is_file(self) -> bool:
        return self.kind == "file"


@dataclass(frozen=True, slots=True)
class Mount:
    path: str
    node: Node
    read_only: bool
    source: str  # what `df` and /proc/mounts call it, e.g. "/dev/sda1" or "192.168.191.144:/tmp/nfs"


class _Walk:
    """Where a path walk is: the stack of (path so far, node, read-only) from the root down.

    The path is kept only while the walk is above a mount point (where a child may be one); below,
    no path can name a mount, so the walk does not spend a string on each step (``None``).
    """

    __slots__ = ("stack",)

    def __init__(self, root: Node) -> None:
        self.stack: list[tuple[str | None, Node, bool]] = [("/", root, False)]

    @property
    def node(self) -> Node:
        return self.stack[-1][1]

    @property
    def read_only(self) -> bool:
        return self.stack[-1][2]


class FileSystem:
    """One view of a tree: a container's root, a node's disk, an NFS server's disk.

    Paths are absolute (callers join them with their working directory). `clock` gives the
    simulated time stamped on what changes. The names of new entries and of mount points are
    interned: every container of a node makes the same ones.
    """

    __slots__ = ("root", "clock", "created", "_private", "_mounts", "_above", "_above_shared", "_lookups")

    def __init__(self, root: Dir | None = None, clock: Callable[[], float] = lambda: 0.0) -> None:
        # A frozen root stays the root until something is changed right below it: a view that
        # never writes (a container that only reads its image) copies nothing at all.
        self.root: Dir = root if root is not None else Dir()
        self.clock = clock
        self.created = clock()  # what AT_CREATION stands for in this view
        self._private: dict[Node, Node] | None = None  # frozen node -> this view's copy of it
        self._mounts: dict[str, Mount] = {}
        self._above: dict[str, int] = {}  # every directory a mount point lies below -> how many do
        self._above_shared = False  # `_above` is another view's too: copy it before changing it
        # path lookups shared by the views attached to one frozen tree with the same mount points:
        # (path, follow) -> (node or errno name, the frozen nodes the walk stepped on)
        self._lookups: dict[tuple[str, bool], tuple[Node | str, tuple[Node, ...]]] | None = None

    def unchanged(self, node: Node) -> bool:
        """Whether this view sees `node`, a frozen tree, as every view does: nothing in it has a
        private copy here (the frozen node itself says nothing of what lies below it)."""
        private = self._private
        if not private:
            return True
        if node in private:
            return False
        return not isinstance(node, Dir) or all(self.unchanged(child) for child in node.children.values())

    def merged_root(self) -> Dir:
        """This view's tree standing alone: its private copies in place of the frozen nodes they
        replace, with the directories above them copied to point at them (what path copying would
        have made). Walks the whole tree: for making a tree to freeze and share, not for every view."""
        private = self._private
        if not private:
            return self.root

        def merged(node: Node) -> Node:
            if node.frozen:
                node = private.get(node, node)
            if isinstance(node, Dir):
                changed = {name: m for name, child in node.children.items() if (m := merged(child)) is not child}
                if changed:
                    if node.frozen:
                        node = node.thaw()
                    node.children.update(changed)  # type: ignore[attr-defined]
            return node

        return merged(self.root)  # type: ignore[return-value]

    def _own(self, walk: _Walk) -> Node:
        """The node a walk ended on, made this view's own to change: a frozen node is copied once,
        and every later walk of this view follows it to the copy. Callers refuse a read-only one."""
        here_path, node, read_only = walk.stack[-1]
        if node.frozen:
            private = self._private
            if private is None:
                private = self._private = {}
            copy = private.get(node)  # another walk may have copied it since this one passed
            if copy is None:
                copy = private[node] = node.thaw()  # type: ignore[attr-defined]
            if node is self.root:
                self.root = copy  # type: ignore[assignment]
            node = copy
            walk.stack[-1] = (here_path, node, read_only)
        return node

    # ------------------------------------------------------------------ mounts

    def mount(self, path: str, node: Node, read_only: bool = False, source: str = "") -> None:
        """Put `node` (a volume's directory, or a single file) at `path`, creating the mount point."""
        path = sys.intern(_norm(path))  # every container mounts the same few paths: one string for all
        if node.frozen:
            raise ValueError("a mount shares a live tree; image layers are frozen")
        if isinstance(node, Dir):
            self.makedirs(path)
        elif not self.exists(path):  # a file there (hosts, resolv.conf...) implies its directory
            self.makedirs(posixpath.dirname(path))
            self.write(path, b"")
        self._register(Mount(path, node, read_only, source or path))

    def attach(
        self,
        mounts: list[Mount],
        above: dict[str, int],
        lookups: dict[tuple[str, bool], tuple[Node | str, tuple[Node, ...]]] | None = None,
    ) -> None:
        """Mount `mounts`, whose mount points this view's tree has already, all at once.

        `above` is what mounting them one by one would count (:meth:`mount_counts`); it is shared
        by every view attached so (a container of a Deployment has the same mount points as its
        siblings) and copied the first time this view mounts or unmounts anything else. `lookups`
        (a dict, empty at first) is where those views share what their walks find: while a view
        keeps those mount points, a path that leads over frozen nodes only, none of them copied
        by this view, leads where it led any of them."""
        for mount in mounts:
            if mount.node.frozen:
                raise ValueError("a mount shares a live tree; image layers are frozen")
        self._mounts = {m.path: m for m in mounts}
        self._above, self._above_shared = above, True
        self._lookups = lookups

    def mount_points(self) -> list[str]:
        """The mounted paths, in the order they were first mounted."""
        return list(self._mounts)

    def mount_counts(self) -> dict[str, int]:
        """The directories this view's mount points lie below, each with how many do (for :meth:`attach`)."""
        return dict(self._above)

    def _register(self, mount: Mount) -> None:
        path = mount.path
        if path not in self._mounts:
            self._own_above()
            for above in _ancestors(path):
                self._above[sys.intern(above)] = self._above.get(above, 0) + 1
        self._mounts[path] = mount

    def _own_above(self) -> None:
        if self._above_shared:
            self._above, self._above_shared = dict(self._above), False

    def umount(self, path: str) -> Mount:
        """Take the mount at `path` away (the mount point shows again); KeyError if nothing is mounted there."""
        path = _norm(path)
        mount = self._mounts.pop(path)
        self._own_above()
        for above in _ancestors(path):
            left = self._above[above] - 1
            if left:
                self._above[above] = left
            else:
                del self._above[above]
        return mount

    def mounts(self) -> list[Mount]:
        return [self._mounts[p] for p in sorted(self._mounts)]

    def mounted_around(self, path: str) -> bool:
        """Whether something is mounted at `path`, below it, or on a directory above it (but the root):
        whether what a walk finds there may come from outside this view's own tree."""
        path = _norm(path)
        mounts = self._mounts
        return path in mounts or path in self._above or any(a in mounts for a in _ancestors(path) if a != "/")

    # ------------------------------------------------------------------ walking

    def _walk(self, path: str, follow: bool = True, depth: int = 0) -> _Walk:
        """Resolve `path` to its node (symlinks, `..`, mounts, this view's private copies)."""
        walk = _Walk(self.root)
        self._descend(walk, path, path, follow, depth)
        return walk

    def _descend(
        self, walk: _Walk, path: str, orig: str, follow: bool, depth: int, seen: list[Node] | None = None
    ) -> None:
        """Walk `path` on from where `walk` is; `seen` (if given) collects every node stepped on."""
        stack = walk.stack
        parts = path.split("/")
        if not parts[0]:  # absolute: start again from the root
            del stack[1:]
            del parts[0]
        if "" in parts or "." in parts:
            parts = [p for p in parts if p and p != "."]
        last = len(parts) - 1
        above = self._above
        mounts = self._mounts
        private = self._private
        here_path, here, read_only = stack[-1]
        for i, name in enumerate(parts):
            if name == "..":
                if len(stack) > 1:
                    stack.pop()
                here_path, here, read_only = stack[-1]
                continue
            if not isinstance(here, Dir):
                raise FsError("ENOTDIR", orig)
            child_path = None
            if here_path is not None and here_path in above:
                child_path = "/" + name if here_path == "/" else f"{here_path}/{name}"
                mount = mounts.get(child_path)
                if mount is not None:
                    here_path, here, read_only = child_path, mount.node, mount.read_only
                    stack.append((child_path, here, read_only))
                    if seen is not None:
                        seen.append(here)
                    continue
            child = here.children.get(name)
            if child is None:
                raise FsError("ENOENT", orig)
            if private and child.frozen:
                child = private.get(child, child)
            if seen is not None:
                seen.append(child)
            if isinstance(child, Symlink) and (follow or i != last):
                if depth >= _MAX_SYMLINKS:
                    raise FsError("ELOOP", orig)
                depth += 1
                self._descend(walk, child.target, orig, True, depth, seen)
                here_path, here, read_only = stack[-1]
                continue
            here_path, here = child_path, child
            stack.append((child_path, child, read_only))

    def _parent(self, path: str, for_write: bool) -> tuple[_Walk, str]:
        """Walk to the directory that holds `path`'s last component; return it and that name."""
        path = _norm(path)
        if path == "/":
            raise FsError("EBUSY", path)
        head, name = posixpath.split(path)
        walk = self._walk(head)
        if not isinstance(walk.node, Dir):
            raise FsError("ENOTDIR", path)
        if for_write and walk.read_only:
            raise FsError("EROFS", path)
        return walk, name

    def node(self, path: str, follow: bool = True) -> Node:
        path = _norm(path)
        lookups = self._lookups
        if lookups is None or not self._above_shared:  # a view of its own: its own mounts
            return self._walk(path, follow=follow).node
        key = (path, follow)
        hit = lookups.get(key)
        if hit is None:
            return self._look_up(lookups, key)
        found, chain = hit
        private = self._private
        if private and not private.keys().isdisjoint(chain):  # this view has changed a node on the way
            return self._walk(path, follow=follow).node
        if type(found) is str:
            raise FsError(found, path)
        return found  # type: ignore[return-value]

    def _look_up(self, lookups: dict[tuple[str, bool], tuple[Node | str, tuple[Node, ...]]], key: tuple[str, bool]) -> Node:
        """Walk `key`'s path, and remember what it found (or the errno it failed with) for every view
        attached to the same tree when the walk stepped on frozen nodes only: no mount, no copy."""
        path, follow = key
        seen = [self.root]
        walk = _Walk(self.root)
        error = None
        try:
            self._descend(walk, path, path, follow, 0, seen)
        except FsError as e:
            error = e
        if all(node.frozen for node in seen):
            if len(lookups) >= _LOOKUPS_MAX:
                lookups.clear()
            lookups[key] = (walk.node if error is None else error.code, tuple(seen))
        if error is not None:
            raise error
        return walk.node

    # ------------------------------------------------------------------ queries

    def exists(self, path: str, follow: bool = True) -> bool:
        try:
            self.node(path, follow)
        except FsError:
            return False
        return True

    def is_dir(self, path: str) -> bool:
        try:
            return isinstance(self.node(path), Dir)
        except FsError:
            return False

    def is_file(self, path: str) -> bool:
        try:
            return isinstance(self.node(path), File)
        except FsError:
            return False

    def stat(self, path: str, follow: bool = True) -> Stat:
        node = self.node(path, follow)
        mtime = node.mtime
        if mtime != mtime:  # AT_CREATION: a shared mount point, made when this view was
            mtime = self.created
        if isinstance(node, Dir):
            subdirs = sum(1 for c in node.children.values() if isinstance(c, Dir))
            return Stat("dir", node.mode, node.uid, node.gid, 4096, mtime, 2 + subdirs)
        if isinstance(node, Symlink):
            return Stat("symlink", node.mode, node.uid, node.gid, len(node.target), mtime, 1)
        if isinstance(node, Device):
            return Stat("device", node.mode, node.uid, node.gid, 0, mtime, 1, device=node.kind)
        assert isinstance(node, File)
        return Stat("file", node.mode, node.uid, node.gid, len(node.data), mtime, 1, exe=node.exe)

    def read(self, path: str) -> bytes:
        node = self.node(path)
        if isinstance(node, Dir):
            raise FsError("EISDIR", path)
        if isinstance(node, Device):
            return b""
        assert isinstance(node, File)
        return node.data

    def read_text(self, path: str) -> str:
        data = self.read(path)
        return _decode(data) if len(data) <= _DECODED_MAX else data.decode("utf-8", "replace")

    def listdir(self, path: str) -> list[str]:
        node = self.node(path)
        if not isinstance(node, Dir):
            raise FsError("ENOTDIR", path)
        return sorted(node.children)

    def readlink(self, path: str) -> str:
        node = self.node(path, follow=False)
        if not isinstance(node, Symlink):
            raise FsError("EINVAL", path)
        return node.target

    def is_writable(self, path: str) -> bool:
        """Whether `path` sits on a writable filesystem (what `touch` would find out)."""
        try:
            return not self._walk(_norm(path)).read_only
        except FsError:
            return False

    def walk(self, path: str) -> Iterator[str]:
        """Every path under `path` (itself first), parents before children, names sorted."""
        yield _norm(path)
        if self.is_dir(path) and not isinstance(self.node(path, follow=False), Symlink):
            for name in self.listdir(path):
                yield from self.walk(posixpath.join(_norm(path), name))

    # ------------------------------------------------------------------ changes

    def write(
        self, path: str, data: bytes | str, append: bool = False, mode: int = 0o644, uid: int = 0, gid: int = 0
    ) -> None:
        """Create or overwrite (or append to) a regular file.

        One walk, to the parent directory, answers what walking the whole path and then (for a new
        file) walking to its parent again would: the same errors, in the same order, for the same
        path. A symlink as the last component takes the general way."""
        if isinstance(data, str):
            data = data.encode()
        path = _norm(path)
        if path != "/":
            head, name = path.rsplit("/", 1)
            walk = _Walk(self.root)
            try:
                self._descend(walk, head or "/", path, True, 0)
            except FsError as e:
                # the whole-path walk fails here first; a missing parent is then reported by the walk
                # to the parent, in the parent's name
                raise FsError(e.code, head or "/") if e.code == "ENOENT" else e from None
            here_path, here, read_only = walk.stack[-1]
            if not isinstance(here, Dir):
                raise FsError("ENOTDIR", path)
            mount = None
            if here_path is not None and here_path in self._above:
                mount = self._mounts.get(here_path + name if here_path == "/" else f"{here_path}/{name}")
            node = mount.node if mount is not None else here.children.get(name)
            if not isinstance(node, Symlink):
                if mount is not None:
                    read_only = mount.read_only
                if isinstance(node, Dir):
                    raise FsError("EISDIR", path)
                if read_only:
                    raise FsError("EROFS", path)
                if node is None:
                    here = self._own(walk)
                    here.children[sys.intern(name)] = File(data, mode, uid=uid, gid=gid, mtime=self.clock())  # type: ignore[attr-defined]
                    here.mtime = self.clock()
                elif isinstance(node, File):
                    if node.frozen:
                        walk.stack.append((None, node, read_only))
                        node = self._own(walk)  # type: ignore[assignment]
                    node.data = node.data + data if append else data  # type: ignore[union-attr]
                    node.mtime = self.clock()
                return
        try:
            walk = self._walk(path)
        except FsError as e:
            if e.code != "ENOENT":
                raise
            walk = None
        if walk is not None:
            node = walk.node
            if isinstance(node, Dir):
                raise FsError("EISDIR", path)
            if walk.read_only:
                raise FsError("EROFS", path)
            if isinstance(node, File):
                node = self._own(walk)  # type: ignore[assignment]
                node.data = node.data + data if append else data
                node.mtime = self.clock()
            return
        parent, name = self._parent(path, for_write=True)
        self._dir(parent).children[sys.intern(name)] = File(data, mode, uid=uid, gid=gid, mtime=self.clock())
        self._touch_dir(parent)

    def touch(self, path: str) -> None:
        path = _norm(path)
        if self.exists(path):
            walk = self._walk(path)
            if walk.read_only:
                raise FsError("EROFS", path)
            self._own(walk).mtime = self.clock()
        else:
            self.write(path, b"")

    def mkdir(self, path: str, mode: int = 0o755, uid: int = 0, gid: int = 0) -> None:
        path = _norm(path)
        if path == "/":
            raise FsError("EEXIST", path)
        # one walk to the parent answers both questions: is the name taken (EEXIST comes first),
        # and may a directory be made there
        head, name = posixpath.split(path)
        parent = self._walk(head)
        here_path, here, read_only = parent.stack[-1]
        if not isinstance(here, Dir):
            raise FsError("ENOTDIR", path)
        child_path = None if here_path is None else (here_path + name if here_path == "/" else f"{here_path}/{name}")
        if name in here.children or (child_path is not None and child_path in self._mounts):
            raise FsError("EEXIST", path)
        if read_only:
            raise FsError("EROFS", path)
        self._dir(parent).children[sys.intern(name)] = Dir(mode, uid=uid, gid=gid, mtime=self.clock())
        self._touch_dir(parent)

    def makedirs(self, path: str, mode: int = 0o755) -> None:
        """`mkdir -p`: create what is missing; fine if it all exists.

        One walk from the root, a step per component, creating as it goes: what `is_dir` then
        `mkdir` of each missing prefix would do (the same errors for the same prefix), without
        re-walking from the root for each of them (every container makes its mount points so)."""
        path = _norm(path)
        if self.is_dir(path):
            return
        walk = _Walk(self.root)
        stack = walk.stack
        prefix = ""
        mounts = self._mounts
        for name in path.split("/")[1:]:
            prefix = f"{prefix}/{name}"
            here_path, here, read_only = stack[-1]
            child_path = None if here_path is None else (here_path + name if here_path == "/" else prefix)
            if name not in here.children and (child_path is None or child_path not in mounts):  # type: ignore[attr-defined]
                # missing: what the walk below would find out by raising ENOENT, without the exception
                if read_only:
                    raise FsError("EROFS", prefix)
                here = self._own(walk)
                child = Dir(mode, mtime=self.clock())
                here.children[sys.intern(name)] = child  # type: ignore[attr-defined]
                here.mtime = self.clock()
                stack.append((child_path, child, read_only))
                continue
            try:
                self._descend(walk, name, prefix, True, 0)
            except FsError:  # the name is there: a dangling or looping symlink, and mkdir finds it taken
                raise FsError("EEXIST", prefix) from None
            if not isinstance(walk.node, Dir):
                raise FsError("EEXIST", prefix)

    def symlink(self, target: str, path: str) -> None:
        path = _norm(path)
        if self.exists(path, follow=False):
            raise FsError("EEXIST", path)
        parent, name = self._parent(path, for_write=True)
        self._dir(parent).children[sys.intern(name)] = Symlink(target, mtime=self.clock())
        self._touch_dir(parent)

    def remove(self, path: str) -> None:
        """`unlink`: a file, symlink or device (not a directory)."""
        path = _norm(path)
        if path in self._mounts:
            raise FsError("EBUSY", path)
        parent, name = self._parent(path, for_write=False)
        node = parent.node.children.get(name)  # type: ignore[attr-defined]
        if node is None:
            raise FsError("ENOENT", path)
        if isinstance(node, Dir):
            raise FsError("EISDIR", path)
        self._detach(path)

    def rmdir(self, path: str) -> None:
        path = _norm(path)
        if path in self._mounts:
            raise FsError("EBUSY", path)
        node = self.node(path, follow=False)
        if not isinstance(node, Dir):
            raise FsError("ENOTDIR", path)
        if node.children:
            raise FsError("ENOTEMPTY", path)
        self._detach(path)

    def rmtree(self, path: str) -> None:
        """`rm -r`: children first; stops at the first error, like the tools do per entry."""
        path = _norm(path)
        node = self.node(path, follow=False)
        if isinstance(node, Dir) and path not in self._mounts:
            for name in sorted(node.children):
                self.rmtree(posixpath.join(path, name))
            self.rmdir(path)
        elif isinstance(node, Dir):
            raise FsError("EBUSY", path)
        else:
            self.remove(path)

    def rename(self, src: str, dst: str) -> None:
        src, dst = _norm(src), _norm(dst)
        if src in self._mounts or dst in self._mounts:
            raise FsError("EBUSY", src)
        node = self.node(src, follow=False)
        sparent, sname = self._parent(src, for_write=True)
        dparent, dname = self._parent(dst, for_write=True)
        existing = self._dir(dparent).children.get(dname)
        if existing is not None and existing.frozen and self._private:
            existing = self._private.get(existing, existing)
        if isinstance(existing, Dir) and not isinstance(node, Dir):
            raise FsError("EISDIR", dst)
        if isinstance(existing, Dir) and existing.children:
            raise FsError("ENOTEMPTY", dst)
        del self._dir(sparent).children[sname]
        self._touch_dir(sparent)
        self._dir(dparent).children[dname] = node
        self._touch_dir(dparent)

    def chmod(self, path: str, mode: int) -> None:
        walk = self._writable(path)
        walk.node.mode = mode & 0o7777

    def chown(self, path: str, uid: int, gid: int | None = None) -> None:
        walk = self._writable(path)
        walk.node.uid = uid
        if gid is not None:
            walk.node.gid = gid

    # ------------------------------------------------------------------ helpers

    def _writable(self, path: str) -> _Walk:
        walk = self._walk(_norm(path))
        if walk.read_only:
            raise FsError("EROFS", path)
        self._own(walk)
        return walk

    def _detach(self, path: str) -> None:
        parent, name = self._parent(path, for_write=True)
        del self._dir(parent).children[name]
        self._touch_dir(parent)

    def _dir(self, walk: _Walk) -> Dir:
        """The directory a walk ended on, this view's own to change (see :meth:`_own`)."""
        node = self._own(walk)
        assert isinstance(node, Dir)
        return node

    def _touch_dir(self, walk: _Walk) -> None:
        self._dir(walk).mtime = self.clock()


_DECODED_MAX = 1 << 16
_LOOKUPS_MAX = 4096  # paths remembered per shared tree (a few dozen in practice: PATH, configs)


@lru_cache(maxsize=256)
def _decode(data: bytes) -> str:
    """A small file's text, decoded once: every container of an image reads the same bytes objects
    (nginx's configuration, /etc/passwd), and equal bytes decode to equal text."""
    return data.decode("utf-8", "replace")


def _norm(path: str) -> str:
    if not path.startswith("/"):
        raise ValueError(f"filesystem paths are absolute, got {path!r}")
    if "//" not in path and "/." not in path and not path.endswith("/"):
        return path  # already normal: what almost every call passes
    return posixpath.normpath(path).replace("//", "/") if path != "/" else "/"


def _ancestors(path: str) -> Iterator[str]:
    """The directories above a normalised path, from its parent up to the root."""
    while path != "/":
        path = path[: path.rfind("/")] or "/"
        yield path


def join(cwd: str, path: str) -> str:
    """A process's path made absolute against its working directory (no `..` folding: the walk does it)."""
    return path if path.startswith("/") else posixpath.join(cwd, path)
