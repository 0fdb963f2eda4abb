"""The `get` benchmark's stamped cluster holds what a converged one holds: the same objects up to
identity (names, uids, addresses, container IDs) and start times, so its reads cost the same."""

from __future__ import annotations

import re

import pytest

from benchmarks.scenarios.cluster import all_available, apply_deployments, new_cluster, run_until
from benchmarks.scenarios.stamp import stamped_cluster

NODES, PODS, PER_DEPLOYMENT = 4, 30, 10
IDENTITY = [
    (r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "UID"),
    (r"\b[0-9a-f]{64}\b", "HEX"),
    (r"\b(app-\d+)-[a-z0-9]{9,10}\b", r"\1-HASH"),
    (r"pod-template-hash: \w+", "pod-template-hash: HASH"),
    (r"-[bcdfghjklmnpqrstvwxz2456789]{5}\b", "-SUFFIX"),
    (r'resourceVersion: "\d+"', "resourceVersion: RV"),
    (r"\d+\.\d+\.\d+\.\d+", "IP"),
    (r"worker-\d+", "worker-N"),
    (r'"20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ"', "TIME"),
]


def _masked(text: str) -> str:
    for pattern, repl in IDENTITY:
        text = re.sub(pattern, repl, text)
    return text


def _rows(table: str) -> list[str]:
    return [" ".join(re.sub(r"^\d+[smhd](\d+[smh])?$", "AGE", cell) for cell in line.split()) for line in table.splitlines()]


@pytest.fixture(scope="module")
def clusters():
    converged = new_cluster(NODES)
    apply_deployments(converged, PODS, per_deployment=PER_DEPLOYMENT)
    run_until(converged, lambda: all_available(converged))
    return stamped_cluster(NODES, PODS, per_deployment=PER_DEPLOYMENT), converged


@pytest.mark.parametrize("cmd", ["get deploy,rs,pods -o yaml", "get pods -A -o wide"])
def test_stamped_objects_are_what_converging_leaves(clusters, cmd):
    stamped, converged = (c.kubectl(cmd) for c in clusters)
    assert stamped.returncode == converged.returncode == 0
    # list order follows the random names: compare the objects (or rows, cell by cell, ages aside) as sorted sets
    split = (lambda t: t.split("\n- apiVersion")) if "yaml" in cmd else _rows
    assert sorted(split(_masked(stamped.stdout))) == sorted(split(_masked(converged.stdout)))


def test_stamped_pods_have_their_own_identity(clusters):
    stamped, _ = clusters
    pods = stamped.store.list("Pod", "default")
    assert len(pods) == PODS
    for field in (lambda p: p.metadata.name, lambda p: p.metadata.uid, lambda p: p.status.pod_ip,
                  lambda p: p.status.container_statuses[0].container_id, lambda p: p.spec.volumes[0].name):
        assert len({field(p) for p in pods}) == PODS
    assert all(len(stamped.store.pods_on_node(n.metadata.name)) <= 110 for n in stamped.store.list("Node"))


def test_nothing_is_left_to_do_after_stamping(clusters):
    """No watch event announced the stamped pods: a kubectl call (which settles) changes nothing."""
    stamped, _ = clusters
    before = stamped.store.resource_version
    stamped.kubectl("get pods")
    assert stamped.store.resource_version == before
