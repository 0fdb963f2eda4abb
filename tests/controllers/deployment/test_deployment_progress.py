"""Port of kubernetes/kubernetes `pkg/controller/deployment/progress_test.go`.

Read at commit 04791b4906602ffda5ccf9bc4c84d3329f1d7080 (`apps/v1`). Upstream's fixed dates
(2017-02-15 18:49:00 …) are kept as offsets from the simulated clock, which cannot go back.

Two adaptations, both forced by kubenb's API server: `progressDeadlineSeconds: nil` cannot be
stored (apps/v1 defaulting makes it 600), so the "no progress deadline" rows use MaxInt32, which
upstream's `HasProgressDeadline` treats exactly like nil; and the TimedOut condition gets
testTime as its timestamps so that "do not update" is observable.
"""

from __future__ import annotations

import pytest
from deployment_harness import MAX_INT32, Harness, new_deployment, rs_status

from kubenb.sim.clock import format_rfc3339

# ---------------------------------------------------------------- TestRequeueStuckDeployment


def _current_deployment(pds, replicas, status_replicas, updated, available, conditions):
    """Upstream `currentDeployment(pds, replicas, statusReplicas, updatedReplicas, availableReplicas, conditions)`."""
    return new_deployment("progress-test", replicas, strategy="Recreate", progress_deadline_seconds=pds,
                          status={"replicas": status_replicas, "updatedReplicas": updated,
                                  "availableReplicas": available, "conditions": conditions})


@pytest.mark.parametrize("pds, d_args, cond, now_offset, expected", [
    pytest.param(None, (4, 3, 3, 2), None, None, -1, id="nil progressDeadlineSeconds specified"),
    pytest.param(MAX_INT32, (4, 3, 3, 2), "stuck", 30, -1, id="infinite progressDeadlineSeconds specified"),
    pytest.param(60, (4, 3, 3, 2), None, None, -1, id="no progressing condition found"),
    pytest.param(60, (3, 3, 3, 3), None, None, -1, id="complete deployment does not need to be requeued"),
    pytest.param(60, (3, 3, 3, 0), "failed", None, -1, id="already failed deployment does not need to be requeued"),
    pytest.param(60, (3, 3, 3, 1), "stuck", 30, 30, id="stuck deployment - 30s"),
    pytest.param(60, (3, 3, 3, 1), "stuck", 59, 1, id="stuck deployment - 1s"),
    pytest.param(60, (3, 3, 3, 1), "stuck", 59.25, 0, id="failed deployment - less than a second => now"),
    pytest.param(60, (3, 3, 3, 1), "stuck", 60, 0, id="failed deployment - now"),
    pytest.param(60, (3, 3, 3, 1), "stuck", 61, 0, id="failed deployment - 1s after deadline"),
    pytest.param(60, (3, 3, 3, 1), "stuck", 120, 0, id="failed deployment - 60s after deadline"),
])
def test_requeue_stuck_deployment(pds, d_args, cond, now_offset, expected):
    """Upstream returns the remaining time and enqueues after it + 1s (-1: no requeue; 0: requeue now,
    rate limited). kubenb's `_requeue_stuck` returns the requeue delay itself (None: no requeue).
    The "less than a second" row uses 0.75 s instead of 1 ns (float seconds at today's epoch).
    Upstream's "infinite" row has no condition, which hides the deadline check behind the missing
    condition; here it carries the stuck condition, so that only HasProgressDeadline can answer -1."""
    h = Harness()
    start = float(int(h.now)) + 1  # 18:49:00, a whole second as stored timestamps are
    conditions = None
    if cond == "failed":
        conditions = [{"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded"}]
    elif cond == "stuck":
        conditions = [{"type": "Progressing", "status": "True", "lastUpdateTime": format_rfc3339(start)}]
    d = _current_deployment(pds, *d_args, conditions)
    if now_offset is not None:
        h.tick(start + now_offset - h.now)
    current = next((c for c in d.status.conditions or () if c.type == "Progressing"), None)
    delay = h.ctrl._requeue_stuck(d, current)
    if expected < 0:
        assert delay is None
    elif expected == 0:
        assert delay is not None and delay < 1
    else:
        assert delay == pytest.approx(expected + 1)


# ---------------------------------------------------------------- TestSyncRolloutStatus

FAILED_TIMED_OUT = ("False", "ProgressDeadlineExceeded")
NEW_RS_AVAILABLE = ("True", "NewReplicaSetAvailable")
REPLICA_SET_UPDATED = ("True", "ReplicaSetUpdated")


@pytest.mark.parametrize("pds, d_args, cond, all_rss, new_rs, expected, keep_update, keep_transition", [
    pytest.param(MAX_INT32, (3, 2, 2, 2), REPLICA_SET_UPDATED, [("bar", 0, 1, 1)], ("foo", 3, 2, 2), None, False, False,
                 id="General: remove Progressing condition and do not estimate progress if deployment has no Progress Deadline"),
    pytest.param(60, (3, 3, 3, 3), NEW_RS_AVAILABLE, [("bar", 3, 3, 3)], None, NEW_RS_AVAILABLE, True, True,
                 id="General: do not estimate progress of deployment with only one active ReplicaSet"),
    pytest.param(60, (3, 2, 2, 2), REPLICA_SET_UPDATED, [("bar", 0, 1, 1)], ("foo", 3, 2, 2), REPLICA_SET_UPDATED,
                 False, True,
                 id="DeploymentProgressing: dont update lastTransitionTime if deployment already has Progressing=True"),
    pytest.param(60, (3, 2, 2, 2), FAILED_TIMED_OUT, [("bar", 0, 1, 1)], ("foo", 3, 2, 2), REPLICA_SET_UPDATED,
                 False, False, id="DeploymentProgressing: update everything if deployment has Progressing=False"),
    pytest.param(60, (3, 2, 2, 2), "empty", [("bar", 0, 1, 1)], ("foo", 3, 2, 2), REPLICA_SET_UPDATED, False, False,
                 id="DeploymentProgressing: create Progressing condition if it does not exist"),
    pytest.param(60, (3, 3, 3, 3), REPLICA_SET_UPDATED, [], ("foo", 3, 3, 3), NEW_RS_AVAILABLE, False, True,
                 id="DeploymentComplete: dont update lastTransitionTime if deployment already has Progressing=True"),
    pytest.param(60, (3, 3, 3, 3), FAILED_TIMED_OUT, [], ("foo", 3, 3, 3), NEW_RS_AVAILABLE, False, False,
                 id="DeploymentComplete: update everything if deployment has Progressing=False"),
    pytest.param(60, (3, 3, 3, 3), "empty", [], ("foo", 3, 3, 3), NEW_RS_AVAILABLE, False, False,
                 id="DeploymentComplete: create Progressing condition if it does not exist"),
    pytest.param(60, (0, 3, 3, 3), REPLICA_SET_UPDATED, [("foo", 0, 0, 0)], None, NEW_RS_AVAILABLE, False, False,
                 id="DeploymentComplete: defend against NPE when newRS=nil"),
    pytest.param(60, (3, 2, 2, 2), REPLICA_SET_UPDATED, [], ("foo", 3, 2, 2), FAILED_TIMED_OUT, False, False,
                 id="DeploymentTimedOut: update status if rollout exceeds Progress Deadline"),
    pytest.param(60, (3, 2, 2, 2), FAILED_TIMED_OUT, [], ("foo", 3, 2, 2), FAILED_TIMED_OUT, True, True,
                 id="DeploymentTimedOut: do not update status if deployment has existing timedOut condition"),
])
def test_sync_rollout_status(pds, d_args, cond, all_rss, new_rs, expected, keep_update, keep_transition):
    h = Harness()
    test_time = format_rfc3339(h.now - 3600)
    conditions = []
    if cond != "empty":
        conditions = [{"type": "Progressing", "status": cond[0], "reason": cond[1],
                       "lastUpdateTime": test_time, "lastTransitionTime": test_time}]
    replicas, status_replicas, updated, available = d_args
    d = h.create_deployment("progress-test", replicas, strategy="Recreate", progress_deadline_seconds=pds,
                            status={"replicas": status_replicas, "updatedReplicas": updated,
                                    "availableReplicas": available, "conditions": conditions})
    for name, spec, status, avail in all_rss:  # not the new RS: a different template
        h.create_rs(d, name, spec, image=f"old/{name}", status=rs_status(status, avail, ready=0))
    if new_rs is not None:
        name, spec, status, avail = new_rs
        h.create_rs(d, name, spec, status=rs_status(status, avail, ready=0))

    h.ctrl._sync_rollout_status(d)

    got = next((c for c in h.deployment("progress-test").status.conditions or () if c.type == "Progressing"), None)
    if expected is None:
        assert got is None
        return
    assert got is not None
    assert (got.status, got.reason) == expected
    if keep_update:
        assert got.last_update_time == test_time
    if keep_transition:
        assert got.last_transition_time == test_time

