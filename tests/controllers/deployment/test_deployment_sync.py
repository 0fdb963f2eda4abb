"""Port of kubernetes/kubernetes `pkg/controller/deployment/sync_test.go`.

Read at commit 003e86297d18a8538c9da3619871393f9703bf70 (modern `apps/v1` version with
`ptr.To`, ktesting, and the "saturated but broken new replica set" row). Every TestScale row is
ported; `dc.scale()` is kubenb's `_scale()`.
"""

from __future__ import annotations

import pytest
from deployment_harness import MAX_INT32, Harness, new_deployment, rs_status

from kubenb.controllers.deployment import util

NEW, OLD, OLDER = 2, 1, 0  # upstream newTimestamp / oldTimestamp / olderTimestamp (hours)


def _dep(replicas, max_surge=None, max_unavailable=None, template=False):
    """Upstream `newDeployment("foo", replicas, nil, maxSurge, maxUnavailable, selector)` arguments
    (nil surge/unavailable mean the helper's 0); `template` is `updatedTemplate(replicas)`."""
    return {"replicas": replicas, "max_surge": 0 if max_surge is None else max_surge,
            "max_unavailable": 0 if max_unavailable is None else max_unavailable, "template": template}


SCALE = [
    pytest.param(_dep(12), _dep(10), ("foo-v1", 10, NEW), [], 12, [], {}, id="normal scaling event: 10 -> 12"),
    pytest.param(_dep(5), _dep(10), ("foo-v1", 10, NEW), [], 5, [], {}, id="normal scaling event: 10 -> 5"),
    pytest.param(_dep(10), _dep(5), ("foo-v2", 2, NEW), [("foo-v1", 3, OLD)], 4, [6], {},
                 id="proportional scaling: 5 -> 10"),
    pytest.param(_dep(3), _dep(5), ("foo-v2", 2, NEW), [("foo-v1", 3, OLD)], 1, [2], {},
                 id="proportional scaling: 5 -> 3"),
    pytest.param(_dep(4), _dep(9), ("foo-v2", 8, NEW), [("foo-v1", 1, OLD)], 4, [0], {},
                 id="proportional scaling: 9 -> 4"),
    pytest.param(_dep(10), _dep(7), ("foo-v3", 2, NEW), [("foo-v2", 3, OLD), ("foo-v1", 2, OLDER)], 3, [4, 3], {},
                 id="proportional scaling: 7 -> 10"),
    pytest.param(_dep(8), _dep(13), ("foo-v3", 2, NEW), [("foo-v2", 8, OLD), ("foo-v1", 3, OLDER)], 1, [5, 2], {},
                 id="proportional scaling: 13 -> 8"),
    pytest.param(_dep(4), _dep(3), ("foo-v3", 1, NEW), [("foo-v2", 1, OLD), ("foo-v1", 1, OLDER)], 2, [1, 1], {},
                 id="leftover distribution: 3 -> 4"),
    pytest.param(_dep(2), _dep(3), ("foo-v3", 1, NEW), [("foo-v2", 1, OLD), ("foo-v1", 1, OLDER)], 1, [1, 0], {},
                 id="leftover distribution: 3 -> 2"),
    pytest.param(_dep(5), _dep(4), None, [("foo-v2", 2, OLD), ("foo-v1", 2, OLDER)], None, [3, 2], {},
                 id="proportional scaling (no new rs): 4 -> 5"),
    pytest.param(_dep(0), _dep(6), ("foo-v3", 3, NEW), [("foo-v2", 2, OLD), ("foo-v1", 1, OLDER)], 0, [0, 0], {},
                 id="proportional scaling: 6 -> 0"),
    pytest.param(_dep(6), _dep(6), ("foo-v3", 0, NEW), [("foo-v2", 0, OLD), ("foo-v1", 0, OLDER)], 6, [0, 0], {},
                 id="proportional scaling: 0 -> 6"),
    pytest.param(_dep(5), _dep(5), ("foo-v3", 2, NEW), [("foo-v2", 1, OLD), ("foo-v1", 1, OLDER)], 2, [2, 1],
                 {"foo-v2": 3}, id="failed rs update"),
    pytest.param(_dep(20, 2), _dep(10, 2), ("foo-v2", 6, NEW), [("foo-v1", 6, OLD)], 11, [11], {},
                 id="deployment with surge pods"),
    pytest.param(_dep(50, 6), _dep(10, 3), ("foo-v2", 5, NEW), [("foo-v1", 8, OLD)], 22, [34], {},
                 id="change both surge and size"),
    pytest.param(_dep(14, template=True), _dep(10), None, [("foo-v2", 7, NEW), ("foo-v1", 3, OLD)], None, [10, 4], {},
                 id="change both size and template"),
    pytest.param(_dep(2, 1, 1), _dep(2, 1, 1), ("foo-v2", 2, NEW), [("foo-v1", 1, OLD)], 2, [1], {},
                 id="saturated but broken new replica set does not affect old pods"),
]


@pytest.mark.parametrize("deployment, old_deployment, new_rs, old_rss, expected_new, expected_old, desired", SCALE)
def test_scale(deployment, old_deployment, new_rs, old_rss, expected_new, expected_old, desired):
    h = Harness()
    labels = {"foo": "bar", "another": "label"} if deployment["template"] else None
    d = h.create_deployment("foo", deployment["replicas"], max_surge=deployment["max_surge"],
                            max_unavailable=deployment["max_unavailable"], template_labels=labels)
    old_d = new_deployment("foo", old_deployment["replicas"], max_surge=old_deployment["max_surge"],
                           max_unavailable=old_deployment["max_unavailable"])

    def annotations(name):
        # upstream: SetReplicasAnnotations(rs, desired, desired + MaxSurge(oldDeployment))
        want = desired.get(name, old_d.spec.replicas)
        return {util.DESIRED_REPLICAS: str(want), util.MAX_REPLICAS: str(want + util.max_surge(old_d))}

    specs = ([(new_rs, True)] if new_rs else []) + [(o, False) for o in old_rss]
    created = {}
    base = h.now
    for (name, replicas, hour), is_new in sorted(specs, key=lambda s: s[0][2]):
        h.tick(base + hour * 3600 - h.now)
        # "saturated but broken": the new RS has 0 available; every other RS is fully available
        available = 0 if is_new else replicas
        created[name] = h.create_rs(d, name, replicas, image=None if is_new else f"foo/{name}",
                                    status=rs_status(replicas, available), annotations=annotations(name))
    h.ctrl._scale(d, created[new_rs[0]] if new_rs else None, [created[o[0]] for o in old_rss])

    if new_rs is not None and expected_new is not None:
        assert h.replicas(new_rs[0]) == expected_new
    assert [h.replicas(name) for (name, _, _) in old_rss] == expected_old


def test_scale_up_leftover_tie_break_same_timestamp():
    """Not an upstream row: `leftover distribution: 3 -> 4` with the three ReplicaSets created in the
    same second (kubenb timestamps have 1 s resolution, so two template changes within a second
    produce exactly this)."""
    h = Harness()
    d = h.create_deployment("foo", 4)
    ann = {util.DESIRED_REPLICAS: "3", util.MAX_REPLICAS: "3"}
    rss = [h.create_rs(d, name, 1, image=f"old/{name}", status=rs_status(1, 1), annotations=ann)
           for name in ("foo-a", "foo-b", "foo-c")]
    h.ctrl._scale(d, None, rss)
    assert [h.replicas(n) for n in ("foo-a", "foo-b", "foo-c")] == [1, 1, 2]


def test_scale_down_leftover_tie_break_same_timestamp():
    """Counterpart of the above for ReplicaSetsBySizeOlder (Less(i, j): name ascending), which
    kubenb gets right: `leftover distribution: 3 -> 2` with equal timestamps takes from the
    smallest name."""
    h = Harness()
    d = h.create_deployment("foo", 2)
    ann = {util.DESIRED_REPLICAS: "3", util.MAX_REPLICAS: "3"}
    rss = [h.create_rs(d, name, 1, image=f"old/{name}", status=rs_status(1, 1), annotations=ann)
           for name in ("foo-a", "foo-b", "foo-c")]
    h.ctrl._scale(d, None, rss)
    assert [h.replicas(n) for n in ("foo-a", "foo-b", "foo-c")] == [0, 1, 1]


def test_scale_single_active_replica_set_already_at_size_is_not_written():
    """Not an upstream row: the FindActiveOrLatest branch of scale() with nothing to scale. A paused
    Deployment (paused Deployments always go through scale()) had maxSurge 1 and now has 2."""
    h = Harness()
    d = h.create_deployment("foo", 3, max_surge=2, max_unavailable=0)
    rs = h.create_rs(d, "foo-v1", 3, status=rs_status(3, 3),
                     annotations={util.DESIRED_REPLICAS: "3", util.MAX_REPLICAS: "4"})
    h.ctrl._scale(d, rs, [])
    assert h.rs_updates() == []
    assert h.rs("foo-v1").metadata.annotations[util.MAX_REPLICAS] == "4"


# ---------------------------------------------------------------- TestDeploymentController_cleanupDeployment


@pytest.mark.parametrize("old_rss, limit, expected_deletions", [
    pytest.param([("foo-1", 0, 0), ("foo-2", 0, 0), ("foo-3", 0, 0)], 1, 2, id="scenario 0"),
    pytest.param([("foo-1", 0, 0), ("foo-2", 0, 1), ("foo-3", 1, 0), ("foo-4", 1, 1)], 0, 1,
                 id="scenario 1 (only delete the replica set with Spec.Replicas = Status.Replicas = 0)"),
    pytest.param([("foo-1", 0, 0), ("foo-2", 0, 0)], 0, 2, id="scenario 2"),
    pytest.param([("foo-1", 1, 1), ("foo-2", 1, 1)], 0, 0, id="scenario 3"),
    pytest.param([("foo-1", 0, 0, "deleted")], 0, 0, id="scenario 4 (alreadyDeleted)"),
    pytest.param([("foo-1", 0, 0), ("foo-2", 0, 0), ("foo-3", 0, 0)], MAX_INT32, 0,
                 id="scenario 5 (with unlimited revisionHistoryLimit)"),
])
def test_cleanup_deployment(old_rss, limit, expected_deletions):
    h = Harness()
    d = h.create_deployment("foo", 1, revision_history_limit=limit)
    old = [h.create_rs(d, name, spec, image=f"old/{name}", status=rs_status(status), deleted=bool(rest))
           for (name, spec, status, *rest) in old_rss]
    h.rs_writes.clear()
    h.ctrl._cleanup(d, old)
    assert len(h.rs_deletions()) == expected_deletions


# ---------------------------------------------------------------- TestDeploymentController_cleanupDeploymentOrder


@pytest.mark.parametrize("old_rss, limit, expected_deleted", [
    pytest.param([("foo-1", 0, -1, "1"), ("foo-2", 0, 0, "2")], 1, ["foo-1"], id="revision order: rs1 < rs2, delete rs1"),
    pytest.param([("foo-1", 0, -1, "2"), ("foo-2", 0, 0, "1")], 1, ["foo-2"], id="revision order: rs2 < rs1, delete rs2"),
    pytest.param([("foo-1", 0, -1, "1"), ("foo-2", 0, 0, "")], 1, ["foo-2"],
                 id="rs1 has revision but rs2 doesn't have revision, delete rs2"),
    pytest.param([("foo-1", 0, -1, ""), ("foo-2", 0, 0, "2")], 1, ["foo-1"],
                 id="rs1 doesn't have revision while rs2 has revision, delete rs1"),
    pytest.param([("foo-1", 1, -1, "1"), ("foo-2", 0, 0, "2"), ("foo-3", 0, 1, "3")], 1, ["foo-2"],
                 id="revision order: rs1 < rs2 < r3, but rs1 has replicas, delete rs2"),
    pytest.param([("foo-1", 1, -1, "1"), ("foo-2", 1, 0, "2"), ("foo-3", 0, 1, "3")], 1, [],
                 id="revision order: rs1 < rs2 < r3, both rs1 && rs2 have replicas, don't delete"),
    pytest.param([("foo-1", 0, -1, "3"), ("foo-2", 0, 0, "1"), ("foo-3", 0, 1, "4"), ("foo-4", 0, 2, "2")], 2,
                 ["foo-2", "foo-4"], id="revision order: rs2 < rs4 < rs1 < rs3, delete rs2 && rs4"),
])
def test_cleanup_deployment_order(old_rss, limit, expected_deleted):
    h = Harness()
    d = h.create_deployment("foo", 1, revision_history_limit=limit)
    base = h.now + 60
    old = []
    for name, replicas, minute, revision in sorted(old_rss, key=lambda r: r[2]):
        h.tick(base + minute * 60 - h.now)
        old.append(h.create_rs(d, name, replicas, image=f"old/{name}", status=rs_status(replicas),
                               annotations={util.REVISION: revision} if revision else None))
    old.sort(key=lambda rs: rs.metadata.name)  # the order of the upstream table
    h.rs_writes.clear()
    h.ctrl._cleanup(d, old)
    assert h.rs_deletions() == expected_deleted
