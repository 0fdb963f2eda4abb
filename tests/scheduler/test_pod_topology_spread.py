"""PodTopologySpread's Filter and Score, cases ported from upstream's
`podtopologyspread/filtering_test.go` (TestSingleConstraint, minDomains) and `scoring_test.go`
(TestPodTopologySpreadScore), plus the system default constraints."""

from __future__ import annotations

import pytest

from kubenb.api import codec
from kubenb.scheduler.plugins.pod_topology_spread import HOSTNAME, MISMATCH, MISSING_LABEL, PodTopologySpread
from tests.scheduler.plugin_harness import REGISTRY, Snapshot, node, pod

FOO = {"foo": ""}


def spread(key: str, max_skew: int = 1, when: str = "DoNotSchedule", **extra) -> dict:
    return {"maxSkew": max_skew, "topologyKey": key, "whenUnsatisfiable": when,
            "labelSelector": {"matchExpressions": [{"key": "foo", "operator": "Exists"}]}, **extra}


def four_nodes(b_has_zone: bool = True) -> list:
    return [node("node-a", {"zone": "zone1", "node": "node-a"}),
            node("node-b", {"zone": "zone1", "node": "node-b"} if b_has_zone else {"node": "node-b"}),
            node("node-x", {"zone": "zone2", "node": "node-x"}), node("node-y", {"zone": "zone2", "node": "node-y"})]


def placed(counts: dict, labels=FOO, namespace: str = "default") -> list:
    return [pod(f"p-{n}{i}", labels, n, namespace=namespace) for n, k in counts.items() for i in range(k)]


def verdicts(incoming, existing, nodes, minor: int = 32) -> dict:
    snap = Snapshot(nodes, existing)
    filter_ = PodTopologySpread(snap, minor).prefilter(incoming, nodes)
    assert filter_ is not None
    return {i.node.metadata.name: (r.reasons[0], r.unresolvable) if (r := filter_(incoming, i, minor)) else None
            for i in snap.infos()}


FAIL = (MISMATCH, False)


@pytest.mark.parametrize(("constraint", "labels", "existing", "want"), [
    pytest.param(spread("zone"), FOO, [], dict.fromkeys("abxy"), id="no-existing-pods"),
    pytest.param(spread("zone"), {"bar": ""}, [], dict.fromkeys("abxy"), id="incoming-pod-does-not-match-itself"),
    pytest.param(spread("zone"), FOO,
                 [pod("p-a1", FOO, "node-a", namespace="ns1"), pod("p-b1", FOO, "node-b", namespace="ns2"),
                  *placed({"node-x": 1, "node-y": 1})],
                 {"a": None, "b": None, "x": FAIL, "y": FAIL}, id="pods-in-another-namespace-do-not-count"),
    pytest.param(spread("zone"), FOO, placed({"node-a": 1, "node-b": 2, "node-x": 2, "node-y": 1}),
                 dict.fromkeys("abxy"), id="zones-spread-3-3-all-fit"),
    pytest.param(spread("zone"), FOO, placed({"node-a": 1, "node-b": 2, "node-x": 3, "node-y": 2}),
                 {"a": None, "b": None, "x": FAIL, "y": FAIL}, id="zones-spread-3-5-only-zone1-fits"),
    pytest.param(spread("node"), FOO, placed({"node-a": 2, "node-b": 1, "node-y": 3}),
                 {"a": FAIL, "b": FAIL, "x": None, "y": FAIL}, id="nodes-spread-2-1-0-3-only-node-x"),
    pytest.param(spread("node", 2), FOO, placed({"node-a": 2, "node-b": 1, "node-y": 3}),
                 {"a": FAIL, "b": None, "x": None, "y": FAIL}, id="nodes-spread-2-1-0-3-max-skew-2"),
    pytest.param(spread("node"), {"bar": ""}, placed({"node-a": 2, "node-b": 1, "node-y": 3}),
                 {"a": FAIL, "b": None, "x": None, "y": FAIL}, id="nodes-spread-2-1-0-3-pod-not-matching-itself"),
    pytest.param(spread("node"), FOO, placed({"node-a": 1, "node-b": 1, "node-x": 1, "node-y": 1},
                                              labels={"foo": "", "terminating": ""}),
                 dict.fromkeys("abxy"), id="one-pod-per-node"),
])
def test_single_constraint(constraint, labels, existing, want):
    incoming = pod(labels=labels, topologySpreadConstraints=[constraint])
    assert verdicts(incoming, existing, four_nodes()) == {f"node-{k}": v for k, v in want.items()}


def test_a_node_without_the_topology_key():
    """Node-b lacks `zone`: it is rejected as unresolvable, and its pods do not count for zone1."""
    incoming = pod(labels=FOO, topologySpreadConstraints=[spread("zone")])
    got = verdicts(incoming, placed({"node-a": 1, "node-b": 2, "node-x": 2}), four_nodes(b_has_zone=False))
    assert got == {"node-a": None, "node-b": (MISSING_LABEL, True), "node-x": FAIL, "node-y": FAIL}


def test_only_nodes_passing_the_pods_node_affinity_are_domains():
    """Spread over the nodes the pod may use (nodeAffinityPolicy Honor): node-a (2) and node-y (3)
    make the minimum 2, so node-a fits and node-y does not."""
    affinity = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchExpressions": [{"key": "node", "operator": "In", "values": ["node-a", "node-y"]}]}]}}}
    incoming = pod(labels=FOO, topologySpreadConstraints=[spread("node")], affinity=affinity)
    got = verdicts(incoming, placed({"node-a": 2, "node-b": 1, "node-y": 3}), four_nodes())
    assert (got["node-a"], got["node-y"]) == (None, FAIL)


@pytest.mark.parametrize(("minor", "want"), [(23, None), (32, FAIL)])
def test_min_domains_counts_missing_domains_as_empty(minor, want):
    """Two zones with one pod each: with minDomains 3 (honoured from v1.25) the global minimum is
    0, so one more pod anywhere is a skew of 2."""
    incoming = pod(labels=FOO, topologySpreadConstraints=[spread("zone", minDomains=3)])
    got = verdicts(incoming, placed({"node-a": 1, "node-x": 1}), four_nodes(), minor)
    assert set(got.values()) == {want}


def scores(incoming, existing, nodes, objects=()) -> list:
    snap = Snapshot(nodes, existing, objects)
    return PodTopologySpread(snap, 32).score(incoming, snap.infos())


@pytest.mark.parametrize(("existing", "want"), [
    pytest.param({}, [100, 100, 100, 100], id="no-existing-pods"),
    pytest.param({"node-a": 1, "node-b": 1, "node-x": 1, "node-y": 1}, [100, 100, 100, 100],
                 id="same-number-of-matching-pods-everywhere"),
    pytest.param({"node-a": 2, "node-b": 1, "node-y": 3}, [20, 60, 100, 0], id="nodes-spread-2-1-0-3"),
])
def test_score_one_constraint_on_hostname(existing, want):
    incoming = pod(labels=FOO, topologySpreadConstraints=[spread("node", when="ScheduleAnyway")])
    assert scores(incoming, placed(existing), four_nodes()) == want


def test_score_ignores_nodes_without_the_key():
    """Zone1 holds 1 pod, zone2 2: raw scores round(1 * log 4) = 1 and round(2 * log 4) = 3, so
    100 * (3 + 1 - s) / 3; node-b, without a zone, scores 0."""
    incoming = pod(labels=FOO, topologySpreadConstraints=[spread("zone", when="ScheduleAnyway")])
    assert scores(incoming, placed({"node-a": 1, "node-x": 2}), four_nodes(b_has_zone=False)) == [100, 0, 33, 33]


def test_system_defaults_spread_a_replicasets_pods_by_host_even_without_zones():
    rs = codec.decode(REGISTRY, {"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                 "metadata": {"name": "web", "namespace": "default", "uid": "u1"},
                                 "spec": {"selector": {"matchLabels": {"app": "web"}},
                                          "template": {"metadata": {"labels": {"app": "web"}},
                                                       "spec": {"containers": [{"name": "c", "image": "x"}]}}}})
    owner = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web", "uid": "u1", "controller": True}]
    nodes = [node(n, {HOSTNAME: n}) for n in ("n1", "n2", "n3")]
    existing = placed({"n1": 2, "n2": 1}, labels={"app": "web"})
    # hostname maxSkew 3: round(count * log(5) + 2) = 5, 4, 2 -> 100 * (5 + 2 - s) / 5; no zones, no zone score
    assert scores(pod(labels={"app": "web"}, owner=owner), existing, nodes, [rs]) == [40, 60, 100]
    # a bare pod (no owner, no Service) gets no default spreading at all
    assert scores(pod(labels={"app": "web"}), existing, nodes, [rs]) is None
    svc = codec.decode(REGISTRY, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "default"},
                                  "spec": {"selector": {"app": "web"}}})
    assert scores(pod(labels={"app": "web"}), existing, nodes, [svc]) == [40, 60, 100]
