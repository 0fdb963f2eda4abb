"""The DaemonSet controller re-checks only the nodes an event concerns, and keeps its status as
running sums: a pod event on a large cluster costs one node, not all of them."""

from __future__ import annotations

import pytest

from kubenb import Cluster
from kubenb.controllers.daemonset import DaemonSetController

DS = """\
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {name: agent}}
  template:
    metadata: {labels: {name: agent}}
    spec:
      tolerations: [{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}]
      containers: [{name: agent, image: "redis:5-alpine"}]
"""

ALL = (12, 12, 12, 12, 12, 0, None)  # desired, current, ready, available, updated, misscheduled, unavailable


@pytest.fixture(scope="module")
def big() -> Cluster:
    c = Cluster(profile="kubeadm", nodes=12, pace=0)
    c.apply(DS)
    c.sleep(60)
    return c


def _controller(c: Cluster) -> DaemonSetController:
    return next(x for x in c.components if isinstance(x, DaemonSetController))


def _agents(c: Cluster) -> dict[str, str]:
    return {p.spec.node_name: p.metadata.name for p in c.store.list("Pod", "default")
            if p.metadata.deletion_timestamp is None}


def _visited(c: Cluster, monkeypatch) -> list[str]:
    """The nodes whose share of a DaemonSet's status the controller computes from now on."""
    controller, seen = _controller(c), []
    original = controller._share

    def spy(ds, node_name, hash_):
        seen.append(node_name)
        return original(ds, node_name, hash_)
    monkeypatch.setattr(controller, "_share", spy)
    return seen


def _counts(c: Cluster) -> tuple:
    st = c.get("DaemonSet", "agent").status
    return (st.desired_number_scheduled, st.current_number_scheduled, st.number_ready,
            st.number_available, st.updated_number_scheduled, st.number_misscheduled, st.number_unavailable)


def test_every_node_runs_one_pod(big):
    nodes = {n.metadata.name for n in big.store.list("Node")}
    assert len(nodes) == 12 and set(_agents(big)) == nodes
    assert _counts(big) == ALL


def test_a_deleted_pod_is_replaced_by_looking_at_its_node_only(big, monkeypatch):
    node, victim = sorted(_agents(big).items())[5]
    visited = _visited(big, monkeypatch)
    big.kubectl(f"delete pod {victim} --wait=false")
    big.sleep(30)
    agents = _agents(big)
    assert agents[node] != victim and len(agents) == 12
    assert visited and set(visited) == {node}
    assert _counts(big) == ALL


def test_a_tainted_node_loses_its_pod_and_the_counts_follow(big, monkeypatch):
    node = sorted(_agents(big))[7]
    visited = _visited(big, monkeypatch)
    big.kubectl(f"taint node {node} dedicated=db:NoExecute")
    big.sleep(30)
    assert node not in _agents(big) and len(_agents(big)) == 11
    assert set(visited) == {node}
    assert _counts(big) == (11, 11, 11, 11, 11, 0, None)
    big.kubectl(f"taint node {node} dedicated=db:NoExecute-")
    big.sleep(30)
    assert node in _agents(big)
    assert _counts(big) == ALL


def test_a_new_template_visits_every_node_again(big, monkeypatch):
    visited = _visited(big, monkeypatch)
    big.kubectl("set image ds/agent agent=redis:6-alpine")
    big.sleep(120)
    nodes = {n.metadata.name for n in big.store.list("Node")}
    assert nodes <= set(visited)
    images = {p.spec.containers[0].image for p in big.store.list("Pod", "default") if p.metadata.deletion_timestamp is None}
    assert images == {"redis:6-alpine"}
    assert _counts(big) == ALL


def test_a_failed_creation_keeps_its_node_for_the_retry(monkeypatch):
    """A generated name already taken fails one creation (upstream's FailedCreate); the sync goes on
    with the other nodes and the failed node is retried after the back-off, not forgotten."""
    c = Cluster(profile="kubeadm", nodes=6, pace=0)
    suffixes = iter(["taken", "vol00", "taken"])  # the first pod's name, its token volume's, the second pod's
    original = c.store.rng.name_suffix
    monkeypatch.setattr(c.store.rng, "name_suffix", lambda n=5: next(suffixes, None) or original(n))
    c.apply(DS)
    c.sleep(60)
    nodes = {n.metadata.name for n in c.store.list("Node")}
    assert set(_agents(c)) == nodes and "agent-taken" in _agents(c).values()
    (failed,) = [e for e in c.store.list("Event", "default") if e.reason == "FailedCreate"]
    assert failed.message == 'Error creating: pods "agent-taken" already exists'
    st = c.get("DaemonSet", "agent").status
    assert (st.desired_number_scheduled, st.current_number_scheduled) == (6, 6)
