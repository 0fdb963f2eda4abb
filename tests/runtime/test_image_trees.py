"""Every image's tree holds each node at one path: a view's copy-on-write map is keyed by the
frozen node, so a node reachable by two paths would change at both when one is written."""

from __future__ import annotations

import pytest

from kubenb.runtime.catalog import DATA, NGINX, PERL, REDIS, SMALL, SYSTEM
from kubenb.runtime.fs import Dir, FileSystem, Node


def _paths(root: Dir) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}

    def walk(node: Node, path: str) -> None:
        found.setdefault(id(node), []).append(path or "/")
        if isinstance(node, Dir):
            for name, child in node.children.items():
                walk(child, f"{path}/{name}")

    walk(root, "")
    return found


@pytest.mark.parametrize("image", [*NGINX, *REDIS, *SMALL, *PERL, *DATA, *SYSTEM], ids=lambda i: i.ref.name)
def test_no_node_of_an_image_is_at_two_paths(image):
    twice = {paths[0]: paths for paths in _paths(image.rootfs()).values() if len(paths) > 1}
    assert not twice


def test_a_node_at_two_paths_would_be_written_at_both():
    """Why the rule above matters (and that the check can fail): a shared node changes at both paths."""
    from kubenb.runtime.fs import File, freeze

    shared = File(b"one\n", 0o644)
    tree = Dir()
    tree.children.update(a=shared, b=shared)
    root = freeze(tree)
    assert len(_paths(root)[id(shared)]) == 2
    fs = FileSystem(root)
    fs.write("/a", b"two\n")
    assert fs.read("/b") == b"two\n"
