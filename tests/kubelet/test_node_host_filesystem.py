"""A node's own disk (what hostPath volumes mount and a node shell lists) is exactly the tree that
`mkdir -p` of the kubelet's directories, `chmod 1777 /tmp` and writing /etc/hostname leave."""

from __future__ import annotations

from kubenb.kubelet.node import HOST_DIRS
from kubenb.runtime.fs import Dir, File, FileSystem


def _tree(node, path="/"):
    meta = (path, type(node).__name__, oct(node.mode), node.uid, node.gid, node.mtime, node.frozen,
            getattr(node, "data", None))
    if isinstance(node, Dir):
        return [meta, *(m for name, child in node.children.items() for m in _tree(child, path.rstrip("/") + "/" + name))]
    return [meta]


def test_a_joined_node_has_the_tree_mkdir_would_make_at_its_join(cluster):
    agent = cluster.kubelet.nodes["worker-2"]
    joined = cluster.store.get("Node", "", "worker-2").metadata.creation_timestamp
    reference = FileSystem(clock=lambda: agent.hostfs.root.mtime)
    for d in HOST_DIRS:
        reference.makedirs(d)
    reference.chmod("/tmp", 0o1777)
    reference.write("/etc/hostname", "worker-2\n")
    assert _tree(agent.hostfs.root) == _tree(reference.root)
    assert isinstance(agent.hostfs.node("/etc/hostname"), File) and agent.hostfs.stat("/tmp").mode & 0o7777 == 0o1777
    from kubenb.sim.clock import parse_rfc3339

    assert agent.hostfs.root.mtime == parse_rfc3339(joined)


def test_writes_to_one_node_disk_stay_on_that_node(cluster):
    a, b = (cluster.kubelet.nodes[n].hostfs for n in ("worker-1", "worker-2"))
    a.write("/tmp/x", "1")
    assert a.read_text("/tmp/x") == "1" and not b.exists("/tmp/x")
