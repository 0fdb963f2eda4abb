"""`makedirs` walks once from the root; it must do exactly what `is_dir` + `mkdir` per prefix did.

The reference below is that per-prefix algorithm; each case builds the same tree twice, runs
both, and compares the error (code and path) and the resulting tree with its modes and mtimes.
"""

from __future__ import annotations

import posixpath

import pytest

from kubenb.runtime.fs import Dir, File, FileSystem, FsError, Symlink, _norm, freeze


def reference_makedirs(fs: FileSystem, path: str) -> None:
    path = _norm(path)
    if fs.is_dir(path):
        return
    head = posixpath.dirname(path)
    if head != path:
        reference_makedirs(fs, head)
    fs.mkdir(path)


def tree() -> FileSystem:
    now = iter(range(1, 1000))
    lower = Dir()
    fs = FileSystem(lower, clock=lambda: float(next(now)))
    for d in ("/usr", "/usr/share", "/etc"):
        fs.mkdir(d)
    fs.write("/etc/hosts", b"")
    fs.symlink("/usr/share", "/share")
    fs.symlink("share", "/rel")
    fs.symlink("/nowhere", "/dangling")
    fs.symlink("/loop", "/loop")
    fs.symlink("/etc/hosts", "/tofile")
    fs.mkdir("/ro")
    fs.mkdir("/vol")
    fs.write("/etc/resolv.conf", b"")
    return FileSystem(freeze(fs.root), clock=fs.clock)


def shape(node) -> object:
    if isinstance(node, Dir):
        return (node.mode, node.mtime, {k: shape(v) for k, v in sorted(node.children.items())})
    if isinstance(node, Symlink):
        return ("->", node.target)
    return (type(node).__name__, node.mtime)


CASES = ["/a/b/c", "/usr/share/x/y", "/usr/share", "/share/z", "/rel/q/r", "/dangling/x", "/dangling",
         "/loop/x", "/tofile/x", "/etc/hosts/x", "/etc/hosts", "/ro/x/y", "/ro", "/vol/a/b", "/etc/resolv.conf/x",
         "/", "/a/../b/./c/"]


@pytest.mark.parametrize("path", CASES)
def test_makedirs_does_what_mkdir_of_each_missing_prefix_did(path):
    results = []
    for make in (reference_makedirs, FileSystem.makedirs):
        fs = tree()
        for p in ("/etc/resolv.conf", "/vol", "/ro"):  # mounts are per view, not in the frozen tree
            fs.mount(p, File(b"") if p.startswith("/etc") else Dir(), read_only=p == "/ro")
        try:
            make(fs, path)
            error = None
        except FsError as e:
            error = (e.code, e.path)
        results.append((error, shape(fs.root), fs.clock()))
    assert results[0] == results[1]
