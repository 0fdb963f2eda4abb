"""InterPodAffinity's Filter and Score, cases ported from upstream's
`interpodaffinity/filtering_test.go` (TestRequiredAffinitySingleNode, TestRequiredAffinityMultipleNodes)
and `scoring_test.go` (TestPreferredAffinity)."""

from __future__ import annotations

import pytest

from kubenb.scheduler.plugins.interpod_affinity import AFFINITY, ANTI_AFFINITY, EXISTING_ANTI_AFFINITY, InterPodAffinity
from tests.scheduler.plugin_harness import Snapshot, node, pod, term

SECURITY_S1 = {"security": "S1"}
SERVICE_SECURE = {"service": "securityscan"}


def affinity(required=None, anti=None, preferred=None, anti_preferred=None) -> dict:
    out = {}
    if required or preferred:
        out["podAffinity"] = {k: v for k, v in (("requiredDuringSchedulingIgnoredDuringExecution", required),
                                                ("preferredDuringSchedulingIgnoredDuringExecution", preferred)) if v}
    if anti or anti_preferred:
        out["podAntiAffinity"] = {k: v for k, v in (("requiredDuringSchedulingIgnoredDuringExecution", anti),
                                                    ("preferredDuringSchedulingIgnoredDuringExecution", anti_preferred))
                                  if v}
    return {"affinity": out}


def verdicts(incoming, pods, nodes) -> dict:
    snap = Snapshot(nodes, pods)
    filter_ = InterPodAffinity(snap).prefilter(incoming, nodes)
    if filter_ is None:
        return {n.metadata.name: None for n in nodes}
    return {i.node.metadata.name: (r.reasons[0], r.unresolvable) if (r := filter_(incoming, i, 32)) else None
            for i in snap.infos()}


NODE1 = node("node1", {"region": "r1", "zone": "z11", "kubernetes.io/hostname": "node1"})


@pytest.mark.parametrize(("incoming", "existing", "want"), [
    pytest.param(pod(), [], None, id="no-required-affinity-fits-an-empty-node"),
    pytest.param(pod(labels=SECURITY_S1, **affinity(required=[term(SECURITY_S1)])),
                 [pod("e", SECURITY_S1, "node1")], None, id="affinity-In-matches-the-existing-pod"),
    pytest.param(pod(labels=SECURITY_S1, **affinity(required=[term(SECURITY_S1, namespaces=["DiffNameSpace"])])),
                 [pod("e", SECURITY_S1, "node1", namespace="ns")], (AFFINITY, True),
                 id="affinity-not-satisfied-in-another-namespace"),
    pytest.param(pod(**affinity(required=[term({"service": "antivirusscan"})])),
                 [pod("e", SECURITY_S1, "node1")], (AFFINITY, True), id="affinity-selector-matches-nothing"),
    pytest.param(pod(labels=SECURITY_S1, **affinity(required=[term(SECURITY_S1), term(SECURITY_S1, "zone")])),
                 [pod("e", SECURITY_S1, "node1")], None, id="all-affinity-terms-satisfied"),
    pytest.param(pod(**affinity(required=[term(SECURITY_S1)], anti=[term(SECURITY_S1)])),
                 [pod("e", SECURITY_S1, "node1")], (ANTI_AFFINITY, False),
                 id="affinity-satisfied-but-anti-affinity-not"),
    pytest.param(pod(**affinity(anti=[term(SERVICE_SECURE)])),
                 [pod("e", SECURITY_S1, "node1")], None, id="anti-affinity-satisfied"),
    pytest.param(pod(labels=SECURITY_S1),
                 [pod("e", SECURITY_S1, "node1", **affinity(anti=[term(SECURITY_S1, "zone")]))],
                 (EXISTING_ANTI_AFFINITY, False), id="existing-pods-anti-affinity-rejects"),
    pytest.param(pod(labels=SECURITY_S1),
                 [pod("e", SECURITY_S1, "node1", **affinity(anti=[term(SECURITY_S1, "no-such-key")]))],
                 None, id="existing-anti-affinity-on-a-key-the-node-lacks"),
    pytest.param(pod(labels=SECURITY_S1, **affinity(required=[term(SECURITY_S1)])), [], None,
                 id="first-pod-of-a-group-matching-its-own-affinity"),
    pytest.param(pod(labels={"app": "x"}, **affinity(required=[term(SECURITY_S1)])), [], (AFFINITY, True),
                 id="affinity-to-pods-that-do-not-exist-and-not-itself"),
    pytest.param(pod(labels=SECURITY_S1, **affinity(required=[term(SECURITY_S1, "no-such-key")])), [],
                 (AFFINITY, True), id="affinity-topology-key-missing-on-the-node"),
    pytest.param(pod(labels=SECURITY_S1, **affinity(required=[term(SECURITY_S1, namespaceSelector={})])),
                 [pod("e", SECURITY_S1, "node1", namespace="other")], None,
                 id="empty-namespace-selector-means-all-namespaces"),
])
def test_required_affinity_single_node(incoming, existing, want):
    assert verdicts(incoming, existing, [NODE1]) == {"node1": want}


def test_required_affinity_multiple_nodes_share_a_topology_domain():
    """TestRequiredAffinityMultipleNodes: node1 and node2 share region r1, so a pod wanting to be in
    the region of `foo: bar` fits both; node3 (another region) does not."""
    nodes = [node("node1", {"region": "r1", "zone": "z11"}), node("node2", {"region": "r1", "zone": "z12"}),
             node("node3", {"region": "r2", "zone": "z21"})]
    incoming = pod(**affinity(required=[term({"foo": "bar"})]))
    assert verdicts(incoming, [pod("e", {"foo": "bar"}, "node1")], nodes) == {
        "node1": None, "node2": None, "node3": (AFFINITY, True)}
    anti = pod(**affinity(anti=[term({"foo": "bar"})]))
    assert verdicts(anti, [pod("e", {"foo": "bar"}, "node1")], nodes) == {
        "node1": (ANTI_AFFINITY, False), "node2": (ANTI_AFFINITY, False), "node3": None}


def test_existing_anti_affinity_is_symmetric_per_topology():
    """The existing pod on node1 refuses `foo: bar` pods in its zone only: node2, same region but
    another zone, is fine."""
    nodes = [node("node1", {"region": "r1", "zone": "z11"}), node("node2", {"region": "r1", "zone": "z12"})]
    existing = pod("e", {}, "node1", **affinity(anti=[term({"foo": "bar"}, "zone")]))
    assert verdicts(pod(labels={"foo": "bar"}), [existing], nodes) == {
        "node1": (EXISTING_ANTI_AFFINITY, False), "node2": None}


def scores(incoming, pods, nodes) -> list:
    snap = Snapshot(nodes, pods)
    return InterPodAffinity(snap).score(incoming, snap.infos())


PREFERRED_NODES = [node("node1", {"region": "China", "zone": "z1"}), node("node2", {"region": "India"}),
                   node("node3", {"az": "az1"})]


@pytest.mark.parametrize(("incoming", "existing", "want"), [
    pytest.param(pod(), [], None, id="nothing-to-score-is-a-skip"),
    pytest.param(pod(**affinity(preferred=[{"weight": 5, "podAffinityTerm": term(SECURITY_S1)}])),
                 [pod("e", SECURITY_S1, "node1")], [100, 0, 0], id="preferred-affinity-pulls-to-the-region"),
    pytest.param(pod(**affinity(preferred=[{"weight": 5, "podAffinityTerm": term(SECURITY_S1)}])),
                 [pod("a", SECURITY_S1, "node1"), pod("b", SECURITY_S1, "node2"), pod("c", SECURITY_S1, "node2")],
                 [50, 100, 0], id="preferred-affinity-counts-matching-pods"),
    pytest.param(pod(**affinity(anti_preferred=[{"weight": 5, "podAffinityTerm": term(SECURITY_S1)}])),
                 [pod("e", SECURITY_S1, "node1")], [0, 100, 100], id="preferred-anti-affinity-pushes-away"),
    pytest.param(pod(labels=SECURITY_S1),
                 [pod("e", {}, "node2", **affinity(required=[term(SECURITY_S1)]))], [0, 100, 0],
                 id="existing-pods-hard-affinity-counts-with-weight-1"),
    pytest.param(pod(labels=SECURITY_S1),
                 [pod("e", {}, "node1", **affinity(anti_preferred=[{"weight": 7, "podAffinityTerm": term(SECURITY_S1)}]))],
                 [0, 100, 100], id="existing-pods-preferred-anti-affinity"),
])
def test_preferred_affinity_score(incoming, existing, want):
    assert scores(incoming, existing, PREFERRED_NODES) == want
