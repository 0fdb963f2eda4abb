"""A container's mount points, made once per image and mount layout and shared.

Before a container starts, the runtime makes its mount points in its writable layer: the
service-account token's ``/var/run/secrets/kubernetes.io/serviceaccount``, ``/dev/termination-log``,
each volume's path. Every pod of a Deployment makes the same ones on the same image, so the tree
with them made is built once, frozen, and becomes the lower layer of each such container: a
container copies nothing until it writes, and a write copies only the directories on its path.

The only thing that differs between those containers is *when* the mount points were made. The
shared tree stamps what it made with :data:`~kubenb.runtime.fs.AT_CREATION`, which each
container's :class:`~kubenb.runtime.fs.FileSystem` reads as its own creation time.

A layout whose making would reach into a mounted volume (a mount point inside another mount, a
working directory on a volume) changes what other views share, so it is made the ordinary way,
per container; so is anything that fails (the container's own making then fails the same way).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from kubenb.runtime.fs import AT_CREATION, Dir, File, FileSystem, Mount, Node, freeze

# (image root, ((path, is a directory, read-only), ...), working dir) ->
#   (the tree with the mount points made, the normalised mount paths, the mount counts) or None
_Layout = tuple[Dir, tuple[tuple[str, bool, bool], ...], str]
_Shared = tuple[Dir, tuple[str, ...], dict[str, int], dict]
_TEMPLATES: dict[_Layout, _Shared | None] = {}
_MAX_TEMPLATES = 1024  # distinct layouts: one per Deployment and image, at most a few hundred in practice


def container_fs(
    root: Dir, mounts: Sequence[tuple[str, Node, bool, str]], working_dir: str, clock: Callable[[], float]
) -> FileSystem:
    """A container's root filesystem over the image `root`, with `mounts` ((path, node, read-only,
    source), in mount order) mounted and `working_dir` made: what mounting each then making the
    working directory does, without copying the image's directories for each container."""
    key = (root, tuple((path, isinstance(node, Dir), read_only) for path, node, read_only, _ in mounts), working_dir)
    try:
        shared = _TEMPLATES[key]
    except KeyError:
        shared = _build(*key) if root.frozen else None
        if len(_TEMPLATES) >= _MAX_TEMPLATES:
            _TEMPLATES.clear()
        _TEMPLATES[key] = shared
    if shared is None:
        fs = FileSystem(root, clock=clock)
        for path, node, read_only, source in mounts:
            fs.mount(path, node, read_only, source)
        fs.makedirs(working_dir)
        return fs
    tree, paths, above, lookups = shared
    fs = FileSystem(tree, clock=clock)
    fs.attach([Mount(p, m[1], m[2], m[3] or p) for p, m in zip(paths, mounts, strict=True)], above, lookups)
    return fs


def _build(root: Dir, layout: tuple[tuple[str, bool, bool], ...], working_dir: str) -> _Shared | None:
    """Make the mount points over `root` with stand-in volumes; None if that is not shareable."""
    fs = FileSystem(root, clock=lambda: AT_CREATION)
    stand_ins: list[Dir | File] = []
    try:
        for path, is_dir, read_only in layout:
            stand_in = Dir() if is_dir else File()
            stand_ins.append(stand_in)
            fs.mount(path, stand_in, read_only)
        fs.makedirs(working_dir)
    except Exception:  # noqa: BLE001  (the container's own making raises it again, for the caller)
        return None
    paths = fs.mount_points()
    if len(paths) != len(layout) or any(_touched(node) for node in stand_ins):
        return None  # a path mounted twice, or something made inside a volume every view shares
    return freeze(fs.merged_root()), tuple(paths), fs.mount_counts(), {}  # type: ignore[return-value]


def _touched(node: Dir | File) -> bool:
    return node.mtime != 0.0 or bool(node.children if isinstance(node, Dir) else node.data)
