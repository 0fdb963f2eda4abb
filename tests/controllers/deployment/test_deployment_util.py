"""Port of kubernetes/kubernetes `pkg/controller/deployment/util/deployment_util_test.go`.

Read at commit 00216e4596922fe546c0e5548921d01e2d91db12 (stored copy; the modern `apps/v1`,
`ptr.To`, ktesting version). Case ids are the upstream case names (or `#<index>` for the
unnamed TestResolveFenceposts rows). Tables that test code kubenb does not have are listed at
the bottom of this module.
"""

from __future__ import annotations

import pytest
from deployment_harness import MAX_INT32, Harness, decode, new_deployment

from kubenb.api.apps import DeploymentCondition, DeploymentStatus
from kubenb.api.core import PodTemplateSpec
from kubenb.api.intstr import IntOrStringError
from kubenb.controllers.deployment import util
from kubenb.controllers.deployment.controller import (
    _complete,
    _condition_in,
    _is_saturated,
    _progressing,
    _proportion,
    _set_condition,
)
from kubenb.sim.clock import format_rfc3339

HASH = "pod-template-hash"


# ---------------------------------------------------------------- TestEqualIgnoreHash


def _pts(name: str, node: str, annotations: dict, labels: dict) -> PodTemplateSpec:
    """Upstream `generatePodTemplateSpec(name, nodeName, annotations, labels)`."""
    return PodTemplateSpec.model_validate(
        {"metadata": {"name": name, "annotations": annotations, "labels": labels}, "spec": {"nodeName": node}})


EQUAL_IGNORE_HASH = [
    pytest.param(_pts("foo", "foo-node", {}, {HASH: "value-1", "something": "else"}),
                 _pts("foo", "foo-node", {}, {HASH: "value-1", "something": "else"}), True,
                 id="Same spec, same labels"),
    pytest.param(_pts("foo", "foo-node", {}, {HASH: "value-1", "something": "else"}),
                 _pts("foo", "foo-node", {}, {HASH: "value-2", "something": "else"}), True,
                 id="Same spec, only pod-template-hash label value is different"),
    pytest.param(_pts("foo", "foo-node", {}, {"something": "else"}),
                 _pts("foo", "foo-node", {}, {HASH: "value-2", "something": "else"}), True,
                 id="Same spec, the former doesn't have pod-template-hash label"),
    pytest.param(_pts("foo", "foo-node", {}, {"something": "else"}),
                 _pts("foo", "foo-node", {}, {HASH: "value-2"}), False,
                 id="Same spec, the label is different, the former doesn't have pod-template-hash label, same number of labels"),
    pytest.param(_pts("foo", "foo-node", {}, {HASH: "value-1"}),
                 _pts("foo", "foo-node", {}, {"something": "else"}), False,
                 id="Same spec, the label is different, the latter doesn't have pod-template-hash label, same number of labels"),
    pytest.param(_pts("foo", "foo-node", {}, {HASH: "value-1"}),
                 _pts("foo", "foo-node", {}, {HASH: "value-1", "something": "else"}), False,
                 id="Same spec, the label is different, and the pod-template-hash label value is the same"),
    pytest.param(_pts("foo", "foo-node", {"former": "value"}, {HASH: "value-1", "something": "else"}),
                 _pts("foo", "foo-node", {"latter": "value"}, {HASH: "value-1", "something": "else"}), False,
                 id="Different spec, same labels"),
    pytest.param(_pts("foo-1", "foo-node", {}, {HASH: "value-1", "something": "else"}),
                 _pts("foo-2", "foo-node", {}, {HASH: "value-2", "something": "else"}), False,
                 id="Different spec, different pod-template-hash label value"),
    pytest.param(_pts("foo-1", "foo-node-1", {}, {"something": "else"}),
                 _pts("foo-2", "foo-node-2", {}, {HASH: "value-2", "something": "else"}), False,
                 id="Different spec, the former doesn't have pod-template-hash label"),
    pytest.param(_pts("foo", "foo-node-1", {}, {"something": "else"}),
                 _pts("foo", "foo-node-2", {}, {"nothing": "else"}), False,
                 id="Different spec, different labels"),
]


@pytest.mark.parametrize("reverse", [False, True], ids=["", "reverse order"])
@pytest.mark.parametrize("former, latter, expected", EQUAL_IGNORE_HASH)
def test_equal_ignore_hash(former, latter, expected, reverse):
    t1, t2 = (latter, former) if reverse else (former, latter)
    labels1, labels2 = dict(t1.metadata.labels), dict(t2.metadata.labels)
    assert util.equal_ignore_hash(t1, t2) is expected
    # upstream also checks the inputs' labels are neither dropped nor mutated
    assert t1.metadata.labels == labels1 and t2.metadata.labels == labels2


# ---------------------------------------------------------------- TestFindNewReplicaSet / TestFindOldReplicaSets

NOW = "2025-11-22T10:00:00Z"
LATER = "2025-11-22T10:01:00Z"
BEFORE = "2025-11-22T09:59:00Z"


def _generate_deployment(image: str, container: str | None = None) -> dict:
    """Upstream `generateDeployment(image)`: name and labels `name=<image>`, one container."""
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": image, "namespace": "default", "annotations": {}},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"name": image}},
                 "template": {"metadata": {"labels": {"name": image}},
                              "spec": {"containers": [{"name": container or image, "image": image,
                                                       "imagePullPolicy": "Always"}]}}},
    }


def _generate_rs(d: dict, name: str, created: str, pod_hash: str | None = None, replicas: int = 0):
    """Upstream `generateRS(deployment)`: the deployment's template, owned by it."""
    tpl = {**d["spec"]["template"], "metadata": {"labels": dict(d["spec"]["template"]["metadata"]["labels"])}}
    if pod_hash:
        tpl["metadata"]["labels"][HASH] = pod_hash
    return decode({
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": name, "namespace": "default", "uid": f"uid-{name}", "creationTimestamp": created,
                     "labels": tpl["metadata"]["labels"]},
        "spec": {"replicas": replicas, "template": tpl, "selector": {"matchLabels": tpl["metadata"]["labels"]}},
    })


def _find_fixtures():
    deployment = _generate_deployment("nginx")
    new_rs = _generate_rs(deployment, "nginx-new", LATER, "hash", replicas=1)
    new_rs_dup = _generate_rs(deployment, "nginx-dup", NOW, "different-hash")
    old_rs = _generate_rs(_generate_deployment("nginx", container="nginx-old-1"), "nginx-old", BEFORE)
    return decode(deployment), new_rs, new_rs_dup, old_rs


@pytest.mark.parametrize("rs_names, expected", [
    pytest.param(["new", "old"], "new",
                 id="Get new ReplicaSet with the same template as Deployment spec but different pod-template-hash value"),
    pytest.param(["new", "old", "dup"], "dup",
                 id="Get the oldest new ReplicaSet when there are more than one ReplicaSet with the same template"),
    pytest.param(["old"], None, id="Get nil new ReplicaSet"),
])
def test_find_new_replica_set(rs_names, expected):
    d, new_rs, dup, old = _find_fixtures()
    by = {"new": new_rs, "dup": dup, "old": old}
    found = util.find_new_replica_set(d, [by[n] for n in rs_names])
    assert (found is by[expected]) if expected else found is None


@pytest.mark.parametrize("rs_names, expected_old", [
    pytest.param(["new", "old"], ["old"], id="Get old ReplicaSets"),
    pytest.param(["old"], ["old"], id="Get old ReplicaSets with no new ReplicaSet"),
    pytest.param(["old", "new", "dup"], ["old", "new"],
                 id="Get old ReplicaSets with two new ReplicaSets, only the oldest new ReplicaSet is seen as new ReplicaSet"),
    pytest.param(["new"], [], id="Get empty old ReplicaSets"),
])
def test_find_old_replica_sets(rs_names, expected_old):
    """`FindOldReplicaSets` is `getAllReplicaSetsAndSyncRevision`'s split in kubenb (`_new_and_old`)."""
    h = Harness()
    d = h.store.create(decode(_generate_deployment("nginx")))
    created = {}
    # stored creation timestamps follow the clock: create oldest first, a minute apart
    for key, image_container, pod_hash in [("old", "nginx-old-1", "old"), ("dup", "nginx", "different-hash"),
                                           ("new", "nginx", "hash")]:
        if key in rs_names:
            created[key] = h.create_rs(d, f"nginx-{pod_hash}", 1 if key == "new" else 0, container=image_container,
                                       pod_hash=pod_hash)
        h.tick(60)
    rss = [created[n] for n in rs_names]
    _, _, old = h.ctrl._new_and_old(d, rss, create=False)
    assert sorted(rs.metadata.name for rs in old) == sorted(created[n].metadata.name for n in expected_old)


# ---------------------------------------------------------------- TestGetReplicaCountForReplicaSets


def _count_rs(name: str, spec: int, status: int):
    return decode({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": name},
                   "spec": {"replicas": spec}, "status": {"replicas": status}})


RS1, RS2, RS3, RS4 = (_count_rs("foo-rs", 1, 2), _count_rs("bar-rs", 2, 3), _count_rs("unsynced-rs", 3, 0),
                      _count_rs("dropped-rs", 1, 1))


@pytest.mark.parametrize("sets, count, actual", [
    pytest.param([RS1], 1, 2, id="scaling down rs1"),
    pytest.param([RS1, RS2], 3, 5, id="scaling down rs1 and rs2"),
    pytest.param([RS3], 3, 0, id="scaling up rs3"),
    pytest.param([RS1, RS2, RS3], 6, 5, id="scaling down rs1 and rs2 and scaling up rs3"),
    pytest.param([RS4], 1, 1, id="invalid/unknown terminating status for rs4"),
    pytest.param([RS1, RS2, RS3, RS4], 7, 6, id="invalid/unknown terminating status for rs4 with rs1, rs2 and rs3"),
])
def test_get_replica_count_for_replica_sets(sets, count, actual):
    # the `expectedTerminating` column (status.terminatingReplicas, DeploymentReplicaSetTerminatingReplicas
    # feature) has no kubenb counterpart and is not ported
    assert util.replicas_of(sets) == count
    assert util.actual_replicas(sets) == actual


# ---------------------------------------------------------------- TestResolveFenceposts


@pytest.mark.parametrize("max_surge, max_unavailable, desired, surge, unavailable, error", [
    pytest.param("0%", "0%", 0, 0, 1, False, id="#0"),
    pytest.param("39%", "39%", 10, 4, 3, False, id="#1"),
    pytest.param("oops", "39%", 10, 0, 0, True, id="#2"),
    pytest.param("55%", "urg", 10, 0, 0, True, id="#3"),
    pytest.param(None, "39%", 10, 0, 3, False, id="#4"),
    pytest.param("39%", None, 10, 4, 0, False, id="#5"),
    pytest.param(None, None, 10, 0, 1, False, id="#6"),
])
def test_resolve_fenceposts(max_surge, max_unavailable, desired, surge, unavailable, error):
    d = new_deployment("foo", desired, max_surge=max_surge, max_unavailable=max_unavailable)
    if error:
        with pytest.raises(IntOrStringError):
            util.resolve_fenceposts(d)
    else:
        assert util.resolve_fenceposts(d) == (surge, unavailable)


# ---------------------------------------------------------------- TestNewRSNewReplicas


@pytest.mark.parametrize("strategy, dep_replicas, new_rs_replicas, max_surge, expected", [
    pytest.param("RollingUpdate", 1, 5, 1, 5, id="can not scale up - to newRSReplicas"),
    pytest.param("RollingUpdate", 6, 2, 10, 6, id="scale up - to depReplicas"),
    pytest.param("Recreate", 3, 1, 1, 3, id="recreate - to depReplicas"),
])
def test_new_rs_new_replicas(strategy, dep_replicas, new_rs_replicas, max_surge, expected):
    d = new_deployment("nginx", dep_replicas, max_surge=max_surge, max_unavailable=1)
    d.spec.strategy.type = strategy  # upstream keeps rollingUpdate set even for Recreate
    new_rc = _count_rs("new", new_rs_replicas, 0)
    rs5 = _count_rs("rs5", 5, 0)
    assert util.new_rs_new_replicas(d, [rs5], new_rc) == expected


# ---------------------------------------------------------------- TestGetCondition / TestSetCondition


def _cond(type_: str, status: str, reason: str) -> DeploymentCondition:
    return DeploymentCondition(type=type_, status=status, reason=reason)


COND_PROGRESSING = ("Progressing", "False", "ForSomeReason")
COND_PROGRESSING2 = ("Progressing", "True", "BecauseItIs")
COND_AVAILABLE = ("Available", "True", "AwesomeController")


def _status(*conds) -> DeploymentStatus:
    return DeploymentStatus(conditions=[_cond(*c) for c in conds] or None)


@pytest.mark.parametrize("cond_type, expected", [
    pytest.param("Available", True, id="condition exists"),
    pytest.param("ReplicaFailure", False, id="condition does not exist"),
])
def test_get_condition(cond_type, expected):
    status = _status(COND_PROGRESSING, COND_AVAILABLE)
    assert (_condition_in(status, cond_type) is not None) is expected


@pytest.mark.parametrize("initial, cond, expected", [
    pytest.param([], COND_AVAILABLE, [COND_AVAILABLE], id="set for the first time"),
    pytest.param([COND_PROGRESSING], COND_AVAILABLE, [COND_PROGRESSING, COND_AVAILABLE], id="simple set"),
    pytest.param([COND_PROGRESSING], COND_PROGRESSING2, [COND_PROGRESSING2], id="overwrite"),
])
def test_set_condition(initial, cond, expected):
    status = _status(*initial)
    _set_condition(status, NOW, cond[0], cond[1], cond[2], "")
    assert [(c.type, c.status, c.reason) for c in status.conditions] == expected


# ---------------------------------------------------------------- TestDeploymentComplete


def _complete_deployment(desired, current, updated, available, max_unavailable, max_surge):
    return new_deployment("foo", desired, max_surge=max_surge, max_unavailable=max_unavailable,
                          status={"replicas": current, "updatedReplicas": updated, "availableReplicas": available})


@pytest.mark.parametrize("args, expected", [
    pytest.param((5, 5, 5, 4, 1, 0), False, id="not complete: min but not all pods become available"),
    pytest.param((5, 5, 5, 3, 1, 0), False, id="not complete: min availability is not honored"),
    pytest.param((5, 5, 5, 5, 0, 0), True, id="complete"),
    pytest.param((5, 5, 4, 5, 0, 0), False, id="not complete: all pods are available but not updated"),
    pytest.param((1, 2, 1, 1, 0, 1), False, id="not complete: still running old pods"),
    pytest.param((1, 1, 1, 0, 1, 1), False, id="not complete: one replica deployment never comes up"),
])
def test_deployment_complete(args, expected):
    d = _complete_deployment(*args)
    assert _complete(d, d.status) is expected


# ---------------------------------------------------------------- TestDeploymentProgressing


def _progress_status(current, updated, ready, available) -> dict:
    return {"replicas": current, "updatedReplicas": updated, "readyReplicas": ready, "availableReplicas": available}


@pytest.mark.parametrize("old, new, expected", [
    pytest.param((10, 4, 4, 4), (10, 6, 4, 4), True, id="progressing: updated pods"),
    pytest.param((10, 4, 4, 4), (10, 4, 4, 4), False, id="not progressing"),
    pytest.param((10, 4, 6, 6), (8, 4, 6, 6), True, id="progressing: old pods removed"),
    pytest.param((10, 7, 3, 3), (10, 6, 3, 3), False, id="not progressing: less new pods"),
    pytest.param((10, 4, 7, 7), (8, 8, 5, 5), True, id="progressing: less overall but more new pods"),
    pytest.param((10, 10, 9, 8), (10, 10, 10, 8), True, id="progressing: more ready pods"),
    pytest.param((10, 10, 10, 9), (10, 10, 10, 10), True, id="progressing: more available pods"),
])
def test_deployment_progressing(old, new, expected):
    d = new_deployment("foo", 10, status=_progress_status(*old))
    assert _progressing(d, DeploymentStatus.model_validate(_progress_status(*new))) is expected


# ---------------------------------------------------------------- TestDeploymentTimedOut


@pytest.mark.parametrize("pds, reason, started_ago, expected", [
    pytest.param(None, "", 11, False, id="nil progressDeadlineSeconds specified - no timeout"),
    pytest.param(MAX_INT32, "", 11, False, id="infinite progressDeadlineSeconds specified - no timeout"),
    pytest.param(10, "", 11, True, id="progressDeadlineSeconds: 10s, now - started => 00:01:20 - 00:01:09 => 11s"),
    pytest.param(10, "", 9, False, id="progressDeadlineSeconds: 10s, now - started => 00:01:20 - 00:01:11 => 9s"),
    pytest.param(None, "NewReplicaSetAvailable", None, False, id="previous status was a complete deployment"),
])
def test_deployment_timed_out(pds, reason, started_ago, expected):
    """`DeploymentTimedOut`: kubenb's `_timed_out` plus its call-site guard `progressDeadlineSeconds is not None`.

    Upstream's times (2016-01-01 00:01:09 / :11 against now 00:01:20) are kept as offsets from
    the simulated now; the zero LastUpdateTime of the last row is the epoch.
    """
    h = Harness()
    d = new_deployment("foo", 1, progress_deadline_seconds=pds)
    from_ = format_rfc3339(h.now - started_ago) if started_ago is not None else "1970-01-01T00:00:00Z"
    cond = DeploymentCondition(type="Progressing", status="True", reason=reason, last_update_time=from_)
    d.status.conditions = [cond]
    timed_out = d.spec.progress_deadline_seconds is not None and h.ctrl._timed_out(d, cond)
    assert timed_out is expected


# ---------------------------------------------------------------- TestMaxUnavailable


@pytest.mark.parametrize("replicas, max_unavailable, strategy, expected", [
    pytest.param(10, 5, "RollingUpdate", 5, id="maxUnavailable less than replicas"),
    pytest.param(10, 10, "RollingUpdate", 10, id="maxUnavailable equal replicas"),
    pytest.param(5, 10, "RollingUpdate", 5, id="maxUnavailable greater than replicas"),
    pytest.param(0, 10, "RollingUpdate", 0, id="maxUnavailable with replicas is 0"),
    pytest.param(None, None, "Recreate", 0, id="maxUnavailable with Recreate deployment strategy"),
    pytest.param(10, "50%", "RollingUpdate", 5, id="maxUnavailable less than replicas with percents"),
    pytest.param(10, "100%", "RollingUpdate", 10, id="maxUnavailable equal replicas with percents"),
    pytest.param(5, "100%", "RollingUpdate", 5, id="maxUnavailable greater than replicas with percents"),
])
def test_max_unavailable(replicas, max_unavailable, strategy, expected):
    d = new_deployment("foo", replicas, max_surge=1, max_unavailable=max_unavailable, strategy=strategy)
    assert util.max_unavailable(d) == expected


# ---------------------------------------------------------------- TestGetNonNegativeInt32FromAnnotation


@pytest.mark.parametrize("annotations, value, valid", [
    pytest.param(None, 0, False, id="invalid empty"),
    pytest.param({"test": "invalid", "foo": "2"}, 0, False, id="invalid"),
    pytest.param({"test": "-1", "foo": "2"}, 0, False, id="invalid negative "),
    pytest.param({"test": "0", "foo": "2"}, 0, True, id="valid zero"),
    pytest.param({"test": "13", "foo": "2"}, 13, True, id="valid"),
    pytest.param({"test": str(MAX_INT32), "foo": "2"}, MAX_INT32, True, id="valid max"),
    pytest.param({"test": str(MAX_INT32 + 1), "foo": "2"}, 0, False, id="invalid max out of range"),
    pytest.param({"test": str(2**32), "foo": "2"}, 0, False, id="invalid max out of range 2"),
])
def test_get_non_negative_int32_from_annotation(annotations, value, valid):
    """kubenb has no such helper; its one reader of a numeric annotation whose validity changes the
    result is `GetProportion` (max-replicas). The row's annotation is put under that key: a valid
    non-zero value must be used as the old maximum, anything else must fall back to
    `deployment.status.replicas` (26 here, giving a 0 fraction)."""
    d = new_deployment("foo", 26, max_surge=0, max_unavailable=1, status={"replicas": 26})
    rs = _count_rs("foo-rs", 13, 13)
    if annotations is not None:
        rs.metadata.annotations = {util.MAX_REPLICAS if k == "test" else k: v for k, v in annotations.items()}
    expected = round(13 * 26 / value) - 13 if valid and value else 0
    assert _proportion(rs, d, 10**6, 0) == expected


# ---------------------------------------------------------------- TestAnnotationUtils


def _upstream_revision_history(history: str, old_revision: str, limit: int) -> str:
    """Upstream `SetNewReplicaSetAnnotations`' revision-history update (the oracle)."""
    old_revisions = history.split(",")
    if not old_revisions[0]:
        return old_revision
    total = len(history) + len(old_revision) + 1
    start = 0
    while total > limit and start < len(old_revisions):
        total -= len(old_revisions[start]) + 1
        start += 1
    if total <= limit:
        return ",".join(old_revisions[start:] + [old_revision])
    return history


MAX_REV_HISTORY_LENGTH_IN_CHARS = 2000  # deployment_controller.go maxRevHistoryLengthInChars


def test_annotation_utils_set_new_replica_set_annotations():
    """Upstream drives `SetNewReplicaSetAnnotations` from revision 11 to 20 with a 5-character
    history limit. kubenb has no parameter: the controller's limit (2000) is the one to honour."""
    h = Harness()
    d = h.create_deployment("nginx", 1, annotations={util.REVISION: "1"})
    rs = h.create_rs(d, "nginx-abc", 1, annotations={})
    history = ""
    for i in range(10, 20):
        next_revision = str(i + 1)
        old_revision = (rs.metadata.annotations or {}).get(util.REVISION)
        rs = h.ctrl._sync_new_rs_annotations(d, rs, next_revision)
        if old_revision:
            history = _upstream_revision_history(history, old_revision, MAX_REV_HISTORY_LENGTH_IN_CHARS)
        assert rs.metadata.annotations[util.REVISION] == next_revision
        assert rs.metadata.annotations.get(util.REVISION_HISTORY, "") == history


def test_annotation_utils_revision_history_is_trimmed_to_2000_chars():
    h = Harness()
    d = h.create_deployment("nginx", 1)
    history = ",".join(str(i) for i in range(1000, 1400))  # 1999 characters
    rs = h.create_rs(d, "nginx-abc", 1, annotations={util.REVISION: "1400", util.REVISION_HISTORY: history})
    rs = h.ctrl._sync_new_rs_annotations(d, rs, "1401")
    expected = _upstream_revision_history(history, "1400", MAX_REV_HISTORY_LENGTH_IN_CHARS)
    assert expected.startswith("1001,") and len(expected) <= MAX_REV_HISTORY_LENGTH_IN_CHARS
    assert rs.metadata.annotations[util.REVISION_HISTORY] == expected


def test_annotation_utils_set_replicas_annotations():
    h = Harness()
    d = h.create_deployment("nginx", 10, max_surge=1, max_unavailable=1)
    rs = h.create_rs(d, "nginx-abc", 10)
    assert util.replica_annotations(d) == {util.DESIRED_REPLICAS: "10", util.MAX_REPLICAS: "11"}
    updated = h.ctrl._scale_rs(d, rs, 10)
    assert updated.metadata.annotations[util.DESIRED_REPLICAS] == "10"
    assert updated.metadata.annotations[util.MAX_REPLICAS] == "11"


def test_annotation_utils_is_saturated():
    d = new_deployment("nginx", 1, annotations={util.REVISION: "1"})
    rs = _count_rs("nginx-abc", 1, 1)
    rs.metadata.annotations = {util.DESIRED_REPLICAS: "1"}
    rs.status.available_replicas = 1
    assert _is_saturated(d, rs)


# ---------------------------------------------------------------- TestReplicasAnnotationsNeedUpdate


@pytest.mark.parametrize("annotations, expected", [
    pytest.param(None, True, id="test Annotations nil"),
    pytest.param({util.DESIRED_REPLICAS: "8", util.MAX_REPLICAS: "20"}, True, id="test desiredReplicas update"),
    pytest.param({util.DESIRED_REPLICAS: "10", util.MAX_REPLICAS: "16"}, True, id="test maxReplicas update"),
    pytest.param({util.DESIRED_REPLICAS: "10", util.MAX_REPLICAS: "20"}, False, id="test needn't update"),
])
def test_replicas_annotations_need_update(annotations, expected):
    """`ReplicasAnnotationsNeedUpdate(rs, 10, 20)` is `scaleReplicaSet`'s reason to write an RS whose
    size does not change: kubenb's `_scale_rs` must write exactly when it is true."""
    h = Harness()
    d = h.create_deployment("hello", 10, max_surge=10, max_unavailable=1)
    rs = h.create_rs(d, "hello-abc", 3, annotations=annotations)
    h.ctrl._scale_rs(d, rs, 3)
    assert bool(h.rs_updates()) is expected
    assert h.events() == []  # the size did not change: no ScalingReplicaSet event


# ---------------------------------------------------------------- TestGetReplicaSetFraction


@pytest.mark.parametrize("dep_replicas, dep_status_replicas, max_surge, rs_replicas, annotations, expected", [
    pytest.param(0, 0, 0, 10, None, -10, id="empty deployment always scales to 0"),
    pytest.param(10, 0, 0, 5, None, 0,
                 id="unsynced deployment does not scale when max-replicas annotation is missing (removed by a 3rd party)"),
    pytest.param(10, 0, 0, 5, {util.MAX_REPLICAS: "0"}, 0,
                 id="unsynced deployment does not scale when max-replicas annotation is incorrectly set to 0 (by a 3rd party)"),
    pytest.param(120, 100, 0, 50, None, 10,
                 id="scale up by 1/5 should increase RS replicas by 1/5 when max-replicas annotation is missing (removed by a 3rd party)"),
    pytest.param(120, 100, 0, 50, {util.MAX_REPLICAS: "0"}, 10,
                 id="scale up by 1/5 should increase RS replicas by 1/5 when max-replicas annotation is incorrectly set to 0 (by a 3rd party)"),
    pytest.param(120, 0, 0, 50, {util.MAX_REPLICAS: "100"}, 10, id="scale up by 1/5 should increase RS replicas by 1/5"),
    pytest.param(120, 0, 10, 50, {util.MAX_REPLICAS: "110"}, 9,
                 id="scale up with maxSurge by 1/5 should increase RS replicas approximately by 1/5"),
    pytest.param(10, 0, 0, 6, {util.MAX_REPLICAS: "12"}, -1, id="scale down by 1/6 should decrease RS replicas by 1/6"),
    pytest.param(100, 0, 10, 50, {util.MAX_REPLICAS: "130"}, -8,
                 id="scale down with maxSurge by 1/6 should decrease RS replicas approximately by 1/6"),
])
def test_get_replica_set_fraction(dep_replicas, dep_status_replicas, max_surge, rs_replicas, annotations, expected):
    """`getReplicaSetFraction` is `GetProportion` before its clamp to the replicas left to add; an
    unreachable clamp (±10⁶, same sign as the fraction) isolates it."""
    d = new_deployment("nginx", dep_replicas, max_surge=max_surge, max_unavailable=1,
                       status={"replicas": dep_status_replicas})
    rs = _count_rs("nginx-abc", rs_replicas, rs_replicas)
    rs.metadata.annotations = annotations
    to_add = 10**6 if expected >= 0 else -(10**6)
    assert _proportion(rs, d, to_add, 0) == expected


# ---------------------------------------------------------------- not ported
# TestEqualIgnoreHashAndDroppedFields and the first two TestFindNewReplicaSet rows: kubenb's API
#   server drops no feature-gated fields, so there is no EqualIgnoreHashAndDroppedFields.
# TestRemoveCondition: kubenb has no RemoveDeploymentCondition (see test_deployment_progress.py
#   for the behaviour that needs it).
# TestGetDeploymentsForReplicaSet: kubenb finds a ReplicaSet's Deployment only by controllerRef.
# TestMinAvailable: kubenb has no MinAvailable; the Available threshold it does use
#   (replicas - MaxUnavailable, as upstream calculateStatus) is covered by TestMaxUnavailable.
