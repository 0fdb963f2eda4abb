"""The scheduler's scale rules: how many nodes it filters per pod, and which pods it pins."""

from __future__ import annotations

import pytest

from kubenb.api.core import Pod
from kubenb.scheduler.scheduler import num_feasible_nodes_to_find


@pytest.mark.parametrize(("nodes", "wanted"), [
    pytest.param(3, 3, id="small-cluster-all"),
    pytest.param(99, 99, id="below-minimum-all"),
    pytest.param(100, 100, id="minimum"),
    pytest.param(1000, 420, id="1000-nodes-42pct"),
    pytest.param(5000, 500, id="5000-nodes-10pct"),
    pytest.param(6000, 300, id="floor-5pct"),
    pytest.param(150, 100, id="never-below-100"),
])
def test_num_feasible_nodes_to_find_is_upstreams_adaptive_percentage(nodes, wanted):
    assert num_feasible_nodes_to_find(nodes) == wanted


def _pod(affinity=None, name: str = "p") -> Pod:
    spec = {"containers": [{"name": "c", "image": "nginx"}]}
    if affinity is not None:
        spec["affinity"] = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": affinity}}}
    return Pod.model_validate({"metadata": {"name": name, "namespace": "default"}, "spec": spec})


def _by_name(*names, op="In"):
    return {"matchFields": [{"key": "metadata.name", "operator": op, "values": list(names)}]}


def test_a_big_cluster_searches_on_from_where_the_last_pod_stopped():
    from kubenb import Cluster

    big = Cluster(nodes=120, pace=0)
    for i in range(2):
        start = big.scheduler.next_start_node_index
        big.store.create(_pod(name=f"p{i}"))
        big.settle()
        # 100 feasible nodes wanted of 120; the tainted control plane may be passed on the way
        assert (big.scheduler.next_start_node_index - start) % 120 in (100, 101)
    start = big.scheduler.next_start_node_index
    big.store.create(_pod([_by_name("worker-7")], name="pinned"))
    big.settle()
    assert big.store.get("Pod", "default", "pinned").spec.node_name == "worker-7"
    # one node fits a pinned pod: the search goes round the whole cluster (upstream's NodeAffinity
    # PreFilter, which names the node up front, is not modelled yet)
    assert big.scheduler.next_start_node_index == start
