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
    # NodeAffinity's PreFilter names worker-7 up front: one node is filtered, and the next search
    # starts one node further on (`processedNodes` counts only the filtered ones)
    assert big.scheduler.next_start_node_index == (start + 1) % 120
    assert big.scheduler.decisions[("default", "pinned")].rejections == {}


def test_before_v1_24_a_pinned_pod_is_filtered_against_every_node():
    from kubenb import Cluster

    course = Cluster("course", pace=0)
    start = course.scheduler.next_start_node_index
    course.store.create(_pod([_by_name("mac-worker")], name="pinned"))
    course.settle()
    assert course.store.get("Pod", "default", "pinned").spec.node_name == "mac-worker"
    assert course.scheduler.next_start_node_index == start
    assert course.scheduler.decisions[("default", "pinned")].rejections == {
        "mac-master": ("node(s) had taint {node-role.kubernetes.io/master: }, that the pod didn't tolerate",)}


@pytest.mark.parametrize(("terms", "want"), [
    pytest.param(None, None, id="no-affinity"),
    pytest.param([_by_name("a")], {"a"}, id="one-name"),
    pytest.param([_by_name("a", "b"), _by_name("c")], {"a", "b", "c"}, id="terms-are-ored"),
    pytest.param([{"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["a", "b"]},
                                   {"key": "metadata.name", "operator": "In", "values": ["b", "c"]}]}], {"b"},
                 id="requirements-are-anded"),
    pytest.param([_by_name("a"), {"matchExpressions": [{"key": "disk", "operator": "Exists"}]}], None,
                 id="a-term-without-names-lets-every-node-through"),
    pytest.param([_by_name("a", op="NotIn")], None, id="not-in-names-nothing"),
    pytest.param([{"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["a"]},
                                   {"key": "metadata.name", "operator": "In", "values": ["b"]}]}], set(),
                 id="conflicting-requirements"),
])
def test_node_affinity_prefilter_names_nodes_only_when_every_term_does(terms, want):
    from kubenb.scheduler.plugins.node_affinity import node_names

    got = node_names(_pod(terms))
    assert got == (None if want is None else frozenset(want))


PINNED_TOO_BIG = """\
apiVersion: v1
kind: Pod
metadata: {name: pinned}
spec:
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
        - matchFields:
          - {key: metadata.name, operator: In, values: [NODE]}
  containers:
  - {name: c, image: nginx:alpine, resources: {requests: {cpu: "CPU"}}}
"""


@pytest.mark.parametrize(("profile", "node", "cpu", "message"), [
    pytest.param("kubeadm", "worker-1", "100", "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy "
                 "plugin(s) [NodeAffinity]. preemption: 0/3 nodes are available: 1 No preemption victims found for "
                 "incoming pod, 2 Preemption is not helpful for scheduling.", id="v1.32-named-node-too-small"),
    pytest.param("kubeadm", "gone", "1", "0/3 nodes are available: 3 node(s) didn't satisfy plugin(s) [NodeAffinity]. "
                 "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
                 id="v1.32-named-node-missing"),
    pytest.param("course", "mac-worker", "100", "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had taint "
                 "{node-role.kubernetes.io/master: }, that the pod didn't tolerate.", id="v1.23-every-node-counted"),
    pytest.param("course", "gone", "1", "0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, "
                 "1 node(s) had taint {node-role.kubernetes.io/master: }, that the pod didn't tolerate.",
                 id="v1.23-named-node-missing"),
])
def test_a_pinned_pod_that_cannot_fit_says_why_in_its_versions_words(profile, node, cpu, message):
    from kubenb import Cluster

    c = Cluster(profile, pace=0)
    c.apply(PINNED_TOO_BIG.replace("NODE", node).replace("CPU", cpu))
    c.sleep(2)
    assert not c.get("Pod", "pinned").spec.node_name
    assert c.scheduler.decisions[("default", "pinned")].message == message
    (event,) = [e for e in c.store.list("Event", "default") if e.reason == "FailedScheduling"]
    assert event.message == message


def test_v1_32_conflicting_node_names_reject_the_pod_in_prefilter():
    from kubenb import Cluster

    c = Cluster("kubeadm", pace=0)
    conflict = {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["worker-1"]},
                                {"key": "metadata.name", "operator": "In", "values": ["worker-2"]}]}
    c.store.create(_pod([conflict], name="torn"))
    c.settle()
    assert c.scheduler.decisions[("default", "torn")].message == (
        "0/3 nodes are available: pod affinity terms conflict. "
        "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.")
