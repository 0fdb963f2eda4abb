"""Port of kubernetes/kubernetes `pkg/controller/deployment/recreate_test.go`.

Read at commit 003e86297d18a8538c9da3619871393f9703bf70 (`apps/v1`, ktesting).
`scaleDownOldReplicaSetsForRecreate` is the first step of kubenb's `_rollout_recreate`, and
`oldPodsRunning` is `_old_pods_running`, which finds the pods of each old ReplicaSet itself:
upstream's `podMap` (pods grouped by the UID of their ReplicaSet) is therefore given as pods
owned by the old ReplicaSets (`uid-1` → `rs-1`, `uid-2` → `rs-2`, …).
"""

from __future__ import annotations

import pytest
from deployment_harness import Harness, rs_status


def test_scale_down_old_replica_sets():
    """TestScaleDownOldReplicaSets, scenario 0: one old RS of 3 is scaled to 0."""
    h = Harness()
    d = h.create_deployment("foo", 3, strategy="Recreate")
    old = h.create_rs(d, "foo-0", 3, image="old/foo", status=rs_status(3, 3))
    h.ctrl._rollout_recreate(d, [old])
    assert h.replicas("foo-0") == 0
    assert [rs.metadata.name for rs in h.owned(d)] == ["foo-0"]  # no new RS while old pods run


@pytest.mark.parametrize("old_rss, pods, expected", [
    pytest.param([], {}, False, id="no old RSs"),
    pytest.param([("foo-some-uid", 0), ("foo-other-uid", 0)],
                 {"foo-some-uid": [None, None], "foo-other-uid": [None, None]}, True,
                 id="old RSs with running pods"),
    pytest.param([("rs-1", 1)], {}, True, id="old RSs without pods but with non-zero status replicas"),
    pytest.param([("rs-1", 0)], {}, False, id="old RSs without pods or non-zero status replicas"),
    pytest.param([("rs-1", 0)], {"rs-1": ["Failed", "Succeeded"]}, False,
                 id="old RSs with zero status replicas but pods in terminal state are present"),
    pytest.param([("rs-1", 0)], {"rs-1": ["Unknown"]}, True,
                 id="old RSs with zero status replicas but pod in unknown phase present"),
    pytest.param([("rs-1", 0)], {"rs-1": ["Pending"]}, True,
                 id="old RSs with zero status replicas with pending pod present"),
    pytest.param([("rs-1", 0)], {"rs-1": ["Running"]}, True,
                 id="old RSs with zero status replicas with running pod present"),
    pytest.param([("rs-1", 0), ("rs-2", 0), ("rs-3", 0)], {"rs-1": ["Failed", "Succeeded"], "rs-2": [],
                                                          "rs-3": ["Pending"]}, True,
                 id="old RSs with zero status replicas but pods in terminal state and pending are present"),
])
def test_old_pods_running(old_rss, pods, expected):
    h = Harness()
    d = h.create_deployment("foo", 1, strategy="Recreate")
    old = []
    for name, status_replicas in old_rss:
        rs = h.create_rs(d, name, 0, image=f"old/{name}", status=rs_status(status_replicas))
        old.append(rs)
        for i, phase in enumerate(pods.get(name, [])):
            h.create_pod(rs, f"{name}-pod-{i}", phase)
    assert h.ctrl._old_pods_running(old) is expected
