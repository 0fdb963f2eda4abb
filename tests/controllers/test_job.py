"""The Job controller: pods, labels and finalizers, completions and parallelism, back-off and
backoffLimit, OnFailure restarts, activeDeadlineSeconds, Indexed jobs, suspend, TTL after
finished, and the conditions and events of v1.23 and v1.32. The simulated containers never
exit on their own, so the tests finish pods as a kubelet would (`finish_pod`)."""

from __future__ import annotations

import pytest
from conftest import EventLog, finish_pod, pods, restart_container

from kubenb.controllers.job import format_indexes, parse_indexes
from kubenb.sim.clock import parse_rfc3339


def job(name="pi", spec="", restart="Never", template_extra=""):
    return f"""\
apiVersion: batch/v1
kind: Job
metadata:
  name: {name}
spec:
{spec}  template:
    spec:
{template_extra}      restartPolicy: {restart}
      containers:
      - name: pi
        image: perl:5.34.0
        command: ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"]
"""


def job_pods(cluster, name="pi"):
    return [p for p in pods(cluster) if p.metadata.name.startswith(f"{name}-")]


def active(cluster, name="pi"):
    return [p for p in job_pods(cluster, name) if p.status.phase not in ("Succeeded", "Failed")
            and p.metadata.deletion_timestamp is None]


def conditions(cluster, name="pi"):
    return [(c.type, c.status, c.reason, c.message) for c in cluster.get("Job", name).status.conditions or ()]


# ---------------------------------------------------------------- one pod, one completion


def test_kubeadm_job_runs_a_pod_to_completion(wl_kubeadm):
    log = EventLog(wl_kubeadm)
    assert wl_kubeadm.apply(job()) == "job.batch/pi created\n"
    wl_kubeadm.sleep("10s")
    j = wl_kubeadm.get("Job", "pi")
    (pod,) = job_pods(wl_kubeadm)
    uid = j.metadata.uid
    assert pod.metadata.generate_name == "pi-"
    assert pod.metadata.labels == {"batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": "pi",
                                   "controller-uid": uid, "job-name": "pi"}
    assert pod.metadata.finalizers == ["batch.kubernetes.io/job-tracking"]
    assert pod.metadata.controller_ref().uid == uid
    status = j.to_dict()["status"]
    assert status == {"startTime": j.metadata.creation_timestamp, "active": 1, "ready": 1, "terminating": 0,
                      "uncountedTerminatedPods": {}}
    spec = j.to_dict()["spec"]
    assert {k: spec[k] for k in ("parallelism", "completions", "backoffLimit", "completionMode", "suspend",
                                 "podReplacementPolicy")} == {
        "parallelism": 1, "completions": 1, "backoffLimit": 6, "completionMode": "NonIndexed", "suspend": False,
        "podReplacementPolicy": "TerminatingOrFailed"}

    finish_pod(wl_kubeadm, pod)
    wl_kubeadm.sleep("5s")
    j = wl_kubeadm.get("Job", "pi")
    done = wl_kubeadm.get("Pod", pod.metadata.name)
    assert done.metadata.finalizers is None
    reason = ("CompletionsReached", "Reached expected number of succeeded pods")
    assert conditions(wl_kubeadm) == [("SuccessCriteriaMet", "True", *reason), ("Complete", "True", *reason)]
    status = j.to_dict()["status"]
    assert status["succeeded"] == 1 and "active" not in status and "failed" not in status
    assert status["ready"] == 0 and status["terminating"] == 0 and status["uncountedTerminatedPods"] == {}
    assert status["completionTime"] == j.status.conditions[-1].last_transition_time
    assert log.of("Job", "pi") == [("Normal", "SuccessfulCreate", f"Created pod: {pod.metadata.name}"),
                                   ("Normal", "Completed", "Job completed")]
    line = wl_kubeadm.kubectl("get jobs").stdout.splitlines()[1].split()
    assert line[:3] == ["pi", "Complete", "1/1"]


def test_course_job_uses_v1_23_labels_and_conditions(wl_course):
    wl_course.apply(job())
    wl_course.sleep("10s")
    j = wl_course.get("Job", "pi")
    (pod,) = job_pods(wl_course)
    assert pod.metadata.labels == {"controller-uid": j.metadata.uid, "job-name": "pi"}
    assert "ready" not in j.to_dict()["status"] and "terminating" not in j.to_dict()["status"]
    assert "podReplacementPolicy" not in j.to_dict()["spec"]
    finish_pod(wl_course, pod)
    wl_course.sleep("5s")
    assert conditions(wl_course) == [("Complete", "True", None, None)]
    assert wl_course.get("Job", "pi").status.succeeded == 1


def test_completions_and_parallelism(wl_kubeadm):
    wl_kubeadm.apply(job(spec="  completions: 5\n  parallelism: 2\n"))
    wl_kubeadm.sleep("10s")
    seen = set()
    for _ in range(10):
        running = active(wl_kubeadm)
        assert len(running) <= 2
        if not running:
            break
        seen.update(p.metadata.name for p in running)
        finish_pod(wl_kubeadm, running[0])
        wl_kubeadm.sleep("5s")
    j = wl_kubeadm.get("Job", "pi")
    assert len(seen) == 5 and len(job_pods(wl_kubeadm)) == 5
    assert j.status.succeeded == 5 and j.status.active is None
    assert conditions(wl_kubeadm)[-1][:2] == ("Complete", "True")


def test_parallel_without_completions_ends_with_the_first_success(wl_kubeadm):
    wl_kubeadm.apply(job(spec="  parallelism: 3\n"))
    wl_kubeadm.sleep("10s")
    j = wl_kubeadm.get("Job", "pi")
    assert j.spec.completions is None and len(active(wl_kubeadm)) == 3
    a, b, c = active(wl_kubeadm)
    finish_pod(wl_kubeadm, a)
    wl_kubeadm.sleep("5s")
    assert len(active(wl_kubeadm)) == 2  # the others are left running, none is added
    finish_pod(wl_kubeadm, b)
    finish_pod(wl_kubeadm, c)
    wl_kubeadm.sleep("5s")
    assert conditions(wl_kubeadm)[-1][:2] == ("Complete", "True")


# ---------------------------------------------------------------- failures


def test_backoff_limit_with_never(wl_kubeadm):
    log = EventLog(wl_kubeadm)
    wl_kubeadm.apply(job(spec="  backoffLimit: 2\n"))
    wl_kubeadm.sleep("10s")
    created = []
    wl_kubeadm.store.watch(lambda ev: created.append(ev.time) if ev.type == "ADDED" else None, "Pod")
    failed_at = []
    for _ in range(3):
        (pod,) = active(wl_kubeadm)
        finish_pod(wl_kubeadm, pod, exit_code=1)
        failed_at.append(wl_kubeadm.clock.now)
        wl_kubeadm.sleep("60s")
    # replacements wait 10s, then 20s, after the failure
    assert [round(c - f) for c, f in zip(created, failed_at, strict=False)] == [10, 20]
    j = wl_kubeadm.get("Job", "pi")
    assert j.status.failed == 3 and j.status.succeeded is None
    message = "Job has reached the specified backoff limit"
    assert conditions(wl_kubeadm) == [("FailureTarget", "True", "BackoffLimitExceeded", message),
                                   ("Failed", "True", "BackoffLimitExceeded", message)]
    assert ("Warning", "BackoffLimitExceeded", message) in log.of("Job", "pi")
    assert len(job_pods(wl_kubeadm)) == 3  # failed pods are kept
    assert all(p.metadata.finalizers is None for p in job_pods(wl_kubeadm))


def test_course_backoff_limit_fails_without_interim_condition(wl_course):
    wl_course.apply(job(spec="  backoffLimit: 0\n"))
    wl_course.sleep("10s")
    (pod,) = active(wl_course)
    finish_pod(wl_course, pod, exit_code=1)
    wl_course.sleep("10s")
    assert conditions(wl_course) == [("Failed", "True", "BackoffLimitExceeded",
                                   "Job has reached the specified backoff limit")]


def test_on_failure_restarts_count_against_the_backoff_limit(wl_kubeadm):
    wl_kubeadm.apply(job(spec="  backoffLimit: 2\n", restart="OnFailure"))
    wl_kubeadm.sleep("10s")
    (pod,) = active(wl_kubeadm)
    seen = []
    wl_kubeadm.store.watch(lambda ev: seen.append([c.type for c in ev.object.status.conditions or ()]), "Job")
    restart_container(wl_kubeadm, pod)
    wl_kubeadm.sleep("10s")
    assert conditions(wl_kubeadm) == []
    restart_container(wl_kubeadm, pod)
    wl_kubeadm.sleep("60s")
    # the running pod is deleted at once; Failed follows only once it has terminated
    assert ["FailureTarget"] in seen
    assert [c[0] for c in conditions(wl_kubeadm)] == ["FailureTarget", "Failed"]
    assert job_pods(wl_kubeadm) == []
    assert wl_kubeadm.get("Job", "pi").status.failed == 1


def test_active_deadline_seconds(wl_kubeadm):
    log = EventLog(wl_kubeadm)
    wl_kubeadm.apply(job(spec="  activeDeadlineSeconds: 30\n"))
    start = parse_rfc3339(wl_kubeadm.get("Job", "pi").metadata.creation_timestamp)
    wl_kubeadm.sleep("25s")
    assert conditions(wl_kubeadm) == []
    wl_kubeadm.sleep("10s")
    j = wl_kubeadm.get("Job", "pi")
    target = next(c for c in j.status.conditions if c.type == "FailureTarget")
    assert parse_rfc3339(target.last_transition_time) == start + 30
    assert (target.reason, target.message) == ("DeadlineExceeded", "Job was active longer than specified deadline")
    wl_kubeadm.sleep("60s")
    assert [c[0] for c in conditions(wl_kubeadm)] == ["FailureTarget", "Failed"]
    assert job_pods(wl_kubeadm) == []
    reasons = [r for _, r, _ in log.of("Job", "pi")]
    assert reasons == ["SuccessfulCreate", "SuccessfulDelete", "DeadlineExceeded"]


# ---------------------------------------------------------------- modes


def test_indexed_job(wl_kubeadm):
    wl_kubeadm.apply(job(spec="  completions: 3\n  parallelism: 3\n  completionMode: Indexed\n"))
    wl_kubeadm.sleep("10s")
    by_index = {p.metadata.annotations["batch.kubernetes.io/job-completion-index"]: p for p in active(wl_kubeadm)}
    assert sorted(by_index) == ["0", "1", "2"]
    pod = by_index["1"]
    assert pod.metadata.generate_name == "pi-1-"
    assert pod.metadata.labels["batch.kubernetes.io/job-completion-index"] == "1"
    assert pod.spec.hostname == "pi-1"
    (env,) = pod.spec.containers[0].env
    assert env.name == "JOB_COMPLETION_INDEX"
    assert env.value_from.field_ref.field_path == "metadata.labels['batch.kubernetes.io/job-completion-index']"
    finish_pod(wl_kubeadm, pod)
    wl_kubeadm.sleep("5s")
    assert wl_kubeadm.get("Job", "pi").status.completed_indexes == "1"
    finish_pod(wl_kubeadm, by_index["0"])
    wl_kubeadm.sleep("5s")
    assert wl_kubeadm.get("Job", "pi").status.completed_indexes == "0,1"
    finish_pod(wl_kubeadm, by_index["2"])
    wl_kubeadm.sleep("5s")
    j = wl_kubeadm.get("Job", "pi")
    assert (j.status.completed_indexes, j.status.succeeded) == ("0-2", 3)
    assert conditions(wl_kubeadm)[-1][:2] == ("Complete", "True")


def test_indexed_failure_is_replaced_at_the_same_index(wl_kubeadm):
    wl_kubeadm.apply(job(spec="  completions: 2\n  parallelism: 2\n  completionMode: Indexed\n"))
    wl_kubeadm.sleep("10s")
    one = next(p for p in active(wl_kubeadm) if p.metadata.annotations["batch.kubernetes.io/job-completion-index"] == "1")
    finish_pod(wl_kubeadm, one, exit_code=1)
    wl_kubeadm.sleep("30s")
    indexes = sorted(p.metadata.annotations["batch.kubernetes.io/job-completion-index"] for p in active(wl_kubeadm))
    assert indexes == ["0", "1"]


def test_suspend_and_resume(wl_kubeadm):
    log = EventLog(wl_kubeadm)
    wl_kubeadm.apply(job(spec="  suspend: true\n"))
    wl_kubeadm.sleep("10s")
    j = wl_kubeadm.get("Job", "pi")
    assert job_pods(wl_kubeadm) == [] and j.status.start_time is None
    assert conditions(wl_kubeadm) == [("Suspended", "True", "JobSuspended", "Job suspended")]
    wl_kubeadm.apply(job(spec="  suspend: false\n"))
    wl_kubeadm.sleep("10s")
    assert len(active(wl_kubeadm)) == 1
    assert conditions(wl_kubeadm) == [("Suspended", "False", "JobResumed", "Job resumed")]
    # as upstream, manageJob creates the pod before the condition update records `Resumed`
    assert [r for _, r, _ in log.of("Job", "pi")] == ["Suspended", "SuccessfulCreate", "Resumed"]
    # suspending a running Job deletes its pods
    wl_kubeadm.apply(job(spec="  suspend: true\n"))
    wl_kubeadm.sleep("30s")
    assert active(wl_kubeadm) == []


def test_ttl_after_finished_deletes_the_job_and_its_pods(wl_kubeadm):
    wl_kubeadm.apply(job(spec="  ttlSecondsAfterFinished: 20\n"))
    wl_kubeadm.sleep("10s")
    (pod,) = active(wl_kubeadm)
    finish_pod(wl_kubeadm, pod)
    wl_kubeadm.sleep("10s")
    assert wl_kubeadm.store.try_get("Job", "default", "pi") is not None
    wl_kubeadm.sleep("30s")
    assert wl_kubeadm.store.try_get("Job", "default", "pi") is None
    assert job_pods(wl_kubeadm) == []


def test_deleting_a_job_releases_its_pods(wl_kubeadm):
    wl_kubeadm.apply(job())
    wl_kubeadm.sleep("10s")
    wl_kubeadm.kubectl("delete job pi")
    wl_kubeadm.sleep("60s")
    assert job_pods(wl_kubeadm) == []


# ---------------------------------------------------------------- intervals


@pytest.mark.parametrize("indexes,text", [
    (set(), ""), ({1}, "1"), ({0, 1}, "0,1"), ({0, 1, 2}, "0-2"), ({0, 2, 3, 4, 7, 8}, "0,2-4,7,8"),
])
def test_format_indexes(indexes, text):
    assert format_indexes(indexes) == text
    assert parse_indexes(text, 100) == indexes
