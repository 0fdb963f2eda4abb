"""The simpler Score plugins, upstream's normalisation, and percentageOfNodesToScore. Cases from
upstream's `tainttoleration/taint_toleration_test.go` (TestTaintTolerationScore),
`nodeaffinity/node_affinity_test.go` (TestNodeAffinityPriority),
`noderesources/least_allocated_test.go`, `balanced_allocation_test.go`,
`imagelocality/image_locality_test.go` and `schedule_one_test.go` (TestNumFeasibleNodesToFind)."""

from __future__ import annotations

import pytest

from kubenb.scheduler.plugins.image_locality import ImageLocality, normalized_image_name
from kubenb.scheduler.plugins.node_affinity import node_affinity_score
from kubenb.scheduler.plugins.node_resources_score import balanced_allocation, least_allocated
from kubenb.scheduler.plugins.scoring import default_normalize
from kubenb.scheduler.plugins.taint_toleration import taint_toleration_score
from kubenb.scheduler.resources import Request
from kubenb.scheduler.scheduler import num_feasible_nodes_to_find
from tests.scheduler.plugin_harness import Snapshot, node, pod


@pytest.mark.parametrize(("scores", "reverse", "want"), [
    ([0, 0, 0], False, [0, 0, 0]),
    ([0, 0, 0], True, [100, 100, 100]),
    ([1, 2, 3, 4, 5], False, [20, 40, 60, 80, 100]),
    ([1, 2, 3, 4, 5], True, [80, 60, 40, 20, 0]),
    ([1, 3], False, [33, 100]),
])
def test_default_normalize(scores, reverse, want):
    assert default_normalize(scores, reverse) == want


def taint(key: str, value: str = "", effect: str = "PreferNoSchedule") -> dict:
    return {"key": key, "value": value, "effect": effect}


@pytest.mark.parametrize(("tolerations", "taints", "want"), [
    pytest.param([{"key": "foo", "operator": "Equal", "value": "bar", "effect": "PreferNoSchedule"}],
                 [[taint("foo", "bar")], [taint("foo", "blah")]], [100, 0], id="tolerated-taint-is-better"),
    pytest.param([{"key": "cpu-type", "operator": "Equal", "value": "arm64", "effect": "PreferNoSchedule"},
                  {"key": "disk-type", "operator": "Equal", "value": "ssd", "effect": "PreferNoSchedule"}],
                 [[], [taint("cpu-type", "arm64")], [taint("cpu-type", "arm64"), taint("disk-type", "ssd")]],
                 [100, 100, 100], id="all-taints-tolerated"),
    pytest.param([{"key": "foo", "operator": "Equal", "value": "bar", "effect": "PreferNoSchedule"}],
                 [[], [taint("cpu-type", "arm64")], [taint("cpu-type", "arm64"), taint("disk-type", "ssd")]],
                 [100, 50, 0], id="more-untolerated-taints-score-less"),
    pytest.param([{"key": "foo", "operator": "Equal", "value": "bar", "effect": "NoSchedule"}],
                 [[], [taint("cpu-type", "arm64", "NoSchedule")], [taint("cpu-type", "arm64")]],
                 [100, 100, 0], id="only-PreferNoSchedule-taints-count"),
])
def test_taint_toleration_score(tolerations, taints, want):
    nodes = [node(f"n{i}", taints=t) for i, t in enumerate(taints)]
    assert taint_toleration_score(pod(tolerations=tolerations), Snapshot(nodes).infos()) == want


def preferred(weight: int, key: str, values: list) -> dict:
    return {"weight": weight, "preference": {"matchExpressions": [{"key": key, "operator": "In", "values": values}]}}


AFFINITY1 = {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [preferred(2, "foo", ["bar"])]}}
AFFINITY2 = {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
    preferred(2, "foo", ["bar"]), preferred(4, "key", ["value"]),
    {"weight": 5, "preference": {"matchExpressions": [
        {"key": "foo", "operator": "In", "values": ["bar"]}, {"key": "key", "operator": "In", "values": ["value"]},
        {"key": "az", "operator": "In", "values": ["az1"]}]}}]}}
LABEL1, LABEL2, LABEL3 = {"foo": "bar"}, {"key": "value"}, {"az": "az1"}
LABEL5 = {"foo": "bar", "key": "value", "az": "az1"}


@pytest.mark.parametrize(("affinity", "labels", "want"), [
    pytest.param(None, [LABEL1, LABEL2, LABEL3], None, id="no-preferred-terms-skips"),
    pytest.param(AFFINITY1, [{"foo": "no"}, LABEL2, LABEL3], [0, 0, 0], id="no-node-matches"),
    pytest.param(AFFINITY1, [LABEL1, LABEL2, LABEL3], [100, 0, 0], id="one-node-matches"),
    pytest.param(AFFINITY2, [LABEL1, LABEL5, LABEL2], [18, 100, 36], id="weights-add-up"),
])
def test_node_affinity_priority(affinity, labels, want):
    nodes = [node(f"n{i}", lbl) for i, lbl in enumerate(labels)]
    incoming = pod(affinity=affinity) if affinity else pod()
    assert node_affinity_score(incoming, Snapshot(nodes).infos()) == want


def sized_pod(*requests: tuple[str, str]) -> object:
    return pod(containers=[{"name": f"c{i}", "image": "x", "resources": {"requests": {"cpu": c, "memory": m}}}
                           for i, (c, m) in enumerate(requests)])


def capacity_node(name: str, cpu: str, memory: str) -> object:
    n = node(name)
    return n.model_copy(update={"status": n.status.model_copy(update={"allocatable": {"cpu": cpu, "memory": memory}})})


def test_least_allocated_and_balanced_allocation():
    """Upstream's 'resources requested, pods scheduled with resources' shape: the pod asks 3000m
    and 5000 B on node1 (4000m, 10000 B; 3000m bound) and node2 (6000m, 10000 B; 3000m, 5000 B
    bound)."""
    nodes = [capacity_node("node1", "4", "10000"), capacity_node("node2", "6", "10000")]
    snap = Snapshot(nodes)
    infos = snap.infos()
    used = {"node1": Request(3000, 0), "node2": Request(3000, 5000)}
    infos[0].nonzero_requested, infos[1].nonzero_requested = used["node1"], used["node2"]
    incoming = sized_pod(("1000m", "2000"), ("2000m", "3000"))
    # node1: cpu (4000-6000)<0 -> 0, mem (10000-5000)*100/10000 = 50 -> 25; node2: cpu 0, mem 0 -> 0
    assert least_allocated(incoming, infos) == [25, 0]
    infos[0].requested, infos[1].requested = used["node1"], used["node2"]
    # balanced: node1 cpu 1 (capped), mem 0.5 -> 75; node2 cpu 1, mem 1 -> 100
    assert balanced_allocation(incoming, infos) == [75, 100]
    # a pod without requests counts 100m / 200Mi for LeastAllocated, nothing for BalancedAllocation
    empty = pod()
    big = [capacity_node("big", "4", "4Gi")]
    assert least_allocated(empty, Snapshot(big).infos()) == [(97 + 95) // 2]
    assert balanced_allocation(empty, Snapshot(big).infos()) == [100]


MB = 1024 * 1024


def image_node(name: str, images: list) -> object:
    n = node(name)
    status = n.status.model_copy(update={"images": [
        type(n.status).model_validate({"images": [{"names": names, "sizeBytes": size}]}).images[0]
        for names, size in images]})
    return n.model_copy(update={"status": status})


def test_image_locality():
    """Upstream's 'two images spread on two nodes': gcr.io/40 (40 MB) on node1 only, gcr.io/250
    (250 MB) on node2 and gcr.io/10 (10 MB) on both; spread factors 1/2."""
    nodes = [image_node("node1", [(["gcr.io/40:latest", "gcr.io/40:v1"], 40 * MB),
                                  (["gcr.io/10:v1"], 10 * MB)]),
             image_node("node2", [(["gcr.io/250:latest"], 250 * MB), (["gcr.io/10:v1"], 10 * MB)])]
    plugin = ImageLocality(32)
    for n in nodes:
        plugin.on_node(n, deleted=False)
    incoming = pod(containers=[{"name": "a", "image": "gcr.io/40"}, {"name": "b", "image": "gcr.io/250"}])
    # node1: 40MB * 1/2 = 20MB < 23MB -> 0; node2: 250MB * 1/2 = 125MB -> 100 * (125-23) / (2000-23) = 5
    assert plugin(incoming, Snapshot(nodes).infos()) == [0, 5]
    incoming = pod(containers=[{"name": "a", "image": "gcr.io/10:v1"}, {"name": "b", "image": "gcr.io/250"}])
    assert plugin(incoming, Snapshot(nodes).infos()) == [0, 5]  # 10 MB on both nodes adds almost nothing
    plugin.on_node(nodes[1], deleted=True)
    assert plugin.holders["gcr.io/10:v1"] == 1


def test_normalized_image_name():
    assert [normalized_image_name(n) for n in ("nginx", "nginx:1.21", "localhost:5000/app", "a/b@sha256:x")] == \
        ["nginx:latest", "nginx:1.21", "localhost:5000/app:latest", "a/b@sha256:x"]


@pytest.mark.parametrize(("nodes", "want"), [
    (10, 10), (99, 99), (100, 100), (1000, 420), (5000, 500), (6000, 300), (10000, 500), (100000, 5000),
])
def test_num_feasible_nodes_to_find(nodes, want):
    """TestNumFeasibleNodesToFind with the default (adaptive) percentage: 50% - nodes/125, at least
    5%, at least 100 nodes."""
    assert num_feasible_nodes_to_find(nodes) == want

