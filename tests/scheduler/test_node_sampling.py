"""The scheduler's scale rules: how many nodes it filters per pod, and which pods it pins."""

from __future__ import annotations

import pytest

from kubenb.api.core import Pod
from kubenb.scheduler import plugins
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


@pytest.mark.parametrize(("terms", "pinned"), [
    pytest.param(None, None, id="no-affinity"),
    pytest.param([_by_name("w1")], {"w1"}, id="daemonset-pin"),
    pytest.param([_by_name("w1"), _by_name("w2")], {"w1", "w2"}, id="terms-are-ored"),
    pytest.param([_by_name("w1"), {"matchExpressions": [{"key": "a", "operator": "Exists"}]}], None,
                 id="a-term-without-names-allows-any-node"),
    pytest.param([{"matchFields": [_by_name("w1", "w2")["matchFields"][0], _by_name("w2")["matchFields"][0]]}], {"w2"},
                 id="requirements-are-anded"),
    pytest.param([_by_name("w1", op="NotIn")], None, id="notin-pins-nothing"),
])
def test_pinned_nodes_is_node_affinity_prefilter(terms, pinned):
    assert plugins.pinned_nodes(_pod(terms)) == pinned


def test_a_big_cluster_searches_on_from_where_the_last_pod_stopped_and_pinned_pods_skip_the_search():
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
    assert big.scheduler.next_start_node_index == start
