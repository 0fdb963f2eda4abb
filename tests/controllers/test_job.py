"""The Job controller with pods that really run: the docs' pi in ``perl``, shell one-liners that
sleep and exit with a code. Labels and finalizers, completions and parallelism, back-off and
backoffLimit, OnFailure restarts, activeDeadlineSeconds, Indexed jobs, suspend, TTL after
finished, and the conditions and events of v1.23 and v1.32.

Expected times are derived from the timings that produce them: a container's exit is seen at
its node's next PLEG relist, the Job controller batches pod updates for ``SYNC_BATCH_PERIOD``,
replacements wait 10s doubling from the failed container's ``finishedAt``."""

from __future__ import annotations

import json

import pytest
from workload_helpers import EventLog, History, pods, until

from kubenb.api import podutil
from kubenb.controllers.job import SYNC_BATCH_PERIOD, condition, format_indexes, parse_indexes
from kubenb.runtime.programs.perl import BIGNUM_LOAD_CPU, STARTUP_CPU, bpi_cpu, pi_digits
from kubenb.sim.clock import format_rfc3339, parse_rfc3339

PI = ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"]
PI_SECONDS = STARTUP_CPU + BIGNUM_LOAD_CPU + bpi_cpu(2000)  # the CPU time perl spends on it
BUSYBOX = "busybox:1.28"
TERMINATION_GRACE = 30  # a pod's default; `sleep` as PID 1 ignores SIGTERM and waits for SIGKILL


def job(name="pi", spec="", restart="Never", template_extra="", image="perl:5.34.0", command=PI):
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
        image: {image}
        command: {json.dumps(command)}
"""


def sh_job(script, **kw):
    return job(image=BUSYBOX, command=["sh", "-c", script], **kw)


def job_pods(cluster, name="pi"):
    return [p for p in pods(cluster) if p.metadata.name.startswith(f"{name}-")]


def active(cluster, name="pi"):
    return [p for p in job_pods(cluster, name) if podutil.is_active(p)]


def conditions(cluster, name="pi"):
    return [(c.type, c.status, c.reason, c.message) for c in cluster.get("Job", name).status.conditions or ()]


def finished(cluster, name="pi"):
    return lambda: any(c.type in ("Complete", "Failed") and c.status == "True"
                       for c in cluster.get("Job", name).status.conditions or ())


def container(cluster, pod):
    """The runtime container the kubelet runs (or ran last) for the pod's only container."""
    return cluster.kubelet.worker(pod).instance("pi").container


def relist_after(cluster, pod, t):
    """When the pod's node next relists its containers (the kubelet sees an exit then)."""
    return cluster.kubelet.nodes[pod.spec.node_name].next_relist(t)


def batched(t, after):
    """The Job controller syncs within one batch period of a pod update (sooner if a sync was already queued)."""
    return after < t <= after + SYNC_BATCH_PERIOD


def written(history, test):
    """When the Job was first written in a state passing `test`."""
    return history.when(test, "pi")


def finished_at(pod):
    """The pod's container's `finishedAt` (seconds, as the API has it)."""
    return parse_rfc3339(pod.status.container_statuses[0].state.terminated.finished_at)


# ---------------------------------------------------------------- one pod, one completion


def test_kubeadm_job_runs_a_pod_to_completion(wl_kubeadm):
    c = wl_kubeadm
    log, pod_history, job_history = EventLog(c), History(c, "Pod"), History(c, "Job")
    assert c.apply(job()) == "job.batch/pi created\n"
    j = c.get("Job", "pi")
    (pod,) = job_pods(c)
    uid = j.metadata.uid
    assert pod.metadata.generate_name == "pi-"
    assert pod.metadata.labels == {"batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": "pi",
                                   "controller-uid": uid, "job-name": "pi"}
    assert pod.metadata.finalizers == ["batch.kubernetes.io/job-tracking"]
    assert pod.metadata.controller_ref().uid == uid
    assert j.to_dict()["status"] == {"startTime": j.metadata.creation_timestamp, "active": 1, "ready": 0,
                                     "terminating": 0, "uncountedTerminatedPods": {}}
    spec = j.to_dict()["spec"]
    assert {k: spec[k] for k in ("parallelism", "completions", "backoffLimit", "completionMode", "suspend",
                                 "podReplacementPolicy")} == {
        "parallelism": 1, "completions": 1, "backoffLimit": 6, "completionMode": "NonIndexed", "suspend": False,
        "podReplacementPolicy": "TerminatingOrFailed"}

    until(c, finished(c), 120)
    name = pod.metadata.name
    done = c.get("Pod", name)
    # perl ran for the CPU time of 2000 digits, printed them, and exited 0
    exit_status = container(c, done).exit_status
    assert (exit_status.exit_code, exit_status.reason) == (0, "Completed")
    assert exit_status.finished_at - exit_status.started_at == pytest.approx(PI_SECONDS)
    assert c.kubectl(f"logs {name}").stdout == pi_digits(2000) + "\n"
    term = done.status.container_statuses[0].state.terminated
    assert (done.status.phase, term.reason, term.exit_code) == ("Succeeded", "Completed", 0)
    assert [(x.type, x.status, x.reason) for x in done.status.conditions if x.type in ("Ready", "ContainersReady")] \
        == [("Ready", "False", "PodCompleted"), ("ContainersReady", "False", "PodCompleted")]
    assert done.metadata.finalizers is None
    # the kubelet reports the exit at its next relist; the Job sees it one batch period later
    succeeded_at = pod_history.when(lambda p: p.status.phase == "Succeeded", name)
    assert succeeded_at == relist_after(c, done, exit_status.finished_at)
    j = c.get("Job", "pi")
    reason = ("CompletionsReached", "Reached expected number of succeeded pods")
    assert conditions(c) == [("SuccessCriteriaMet", "True", *reason), ("Complete", "True", *reason)]
    complete_at = written(job_history, lambda j: condition(j, "Complete") is not None)
    assert batched(complete_at, succeeded_at)
    assert j.status.completion_time == condition(j, "Complete").last_transition_time == format_rfc3339(complete_at)
    status = j.to_dict()["status"]
    assert status["succeeded"] == 1 and "active" not in status and "failed" not in status
    assert status["ready"] == 0 and status["terminating"] == 0 and status["uncountedTerminatedPods"] == {}
    assert log.of("Job", "pi") == [("Normal", "SuccessfulCreate", f"Created pod: {name}"),
                                   ("Normal", "Completed", "Job completed")]
    duration = int(parse_rfc3339(j.status.completion_time) - parse_rfc3339(j.status.start_time))
    assert c.kubectl("get jobs").stdout.splitlines()[1].split()[:4] == ["pi", "Complete", "1/1", f"{duration}s"]
    assert c.kubectl("get pods").stdout.splitlines()[1].split()[:4] == [name, "0/1", "Completed", "0"]


def test_course_job_uses_v1_23_labels_and_conditions(wl_course):
    c = wl_course
    c.apply(job())
    j = c.get("Job", "pi")
    (pod,) = job_pods(c)
    assert pod.metadata.labels == {"controller-uid": j.metadata.uid, "job-name": "pi"}
    assert "ready" not in j.to_dict()["status"] and "terminating" not in j.to_dict()["status"]
    assert "podReplacementPolicy" not in j.to_dict()["spec"]
    until(c, finished(c), 120)
    assert conditions(c) == [("Complete", "True", None, None)]
    assert c.get("Job", "pi").status.succeeded == 1
    assert c.get("Pod", pod.metadata.name).status.phase == "Succeeded"


def test_completions_and_parallelism(wl_kubeadm):
    c = wl_kubeadm
    job_history = History(c, "Job")
    c.apply(sh_job("sleep 3", spec="  completions: 5\n  parallelism: 2\n"))
    most = 0

    def check() -> bool:
        nonlocal most
        running = active(c)
        most = max(most, len(running))
        assert len(running) <= 2
        return finished(c)()

    until(c, check, 300)
    j = c.get("Job", "pi")
    assert most == 2 and len(job_pods(c)) == 5
    assert all(p.status.phase == "Succeeded" for p in job_pods(c))
    assert j.status.succeeded == 5 and j.status.active is None
    assert conditions(c)[-1][:2] == ("Complete", "True")
    # while pods ran, the Job counted the ready ones
    assert max(j.status.ready or 0 for _, _, j in job_history.items) == 2


def test_parallel_without_completions_ends_once_all_have_exited_after_a_success(wl_kubeadm):
    c = wl_kubeadm
    pod_history = History(c, "Pod")
    c.apply(sh_job("sleep 4", spec="  parallelism: 3\n"))
    j = c.get("Job", "pi")
    assert j.spec.completions is None and len(active(c)) == 3
    first = until(c, lambda: any(p.status.phase == "Succeeded" for p in job_pods(c)), 120)
    assert not finished(c)()
    done_at = until(c, finished(c), 60)
    last = max(pod_history.when(lambda p: p.status.phase == "Succeeded", p.metadata.name) for p in job_pods(c))
    assert first <= last and batched(done_at, last)  # complete once the last one is counted
    assert len(pod_history.added()) == 3  # no pod was added after the first success
    assert c.get("Job", "pi").status.succeeded == 3
    assert conditions(c)[-1][:2] == ("Complete", "True")


# ---------------------------------------------------------------- failures


def test_backoff_limit_with_never(wl_kubeadm):
    c = wl_kubeadm
    log, pod_history, job_history = EventLog(c), History(c, "Pod"), History(c, "Job")
    c.apply(sh_job("sleep 2; exit 1", spec="  backoffLimit: 2\n"))
    until(c, finished(c), 300)
    created = pod_history.added()
    assert len(created) == 3 and len(job_pods(c)) == 3  # failed pods are kept
    by_name = {p.metadata.name: p for p in job_pods(c)}
    for i, ((_, failed), (replaced_at, _)) in enumerate(zip(created, created[1:], strict=False)):
        # a replacement waits 10s, then 20s, after the failed container finished
        assert replaced_at - finished_at(by_name[failed]) == 10 * 2**i
    for p in job_pods(c):
        term = p.status.container_statuses[0].state.terminated
        assert (p.status.phase, term.reason, term.exit_code, p.metadata.finalizers) == ("Failed", "Error", 1, None)
    j = c.get("Job", "pi")
    assert j.status.failed == 3 and j.status.succeeded is None
    message = "Job has reached the specified backoff limit"
    assert conditions(c) == [("FailureTarget", "True", "BackoffLimitExceeded", message),
                             ("Failed", "True", "BackoffLimitExceeded", message)]
    last_failed = pod_history.when(lambda p: p.status.phase == "Failed", created[-1][1])
    failed_at = written(job_history, lambda j: condition(j, "Failed") is not None)
    assert batched(failed_at, last_failed)
    assert condition(j, "Failed").last_transition_time == format_rfc3339(failed_at)
    assert log.of("Job", "pi") == [("Normal", "SuccessfulCreate", f"Created pod: {name}") for _, name in created] + [
        ("Warning", "BackoffLimitExceeded", message)]
    assert [line.split()[2] for line in c.kubectl("get pods").stdout.splitlines()[1:]] == ["Error"] * 3


def test_course_backoff_limit_fails_without_interim_condition(wl_course):
    c = wl_course
    c.apply(sh_job("exit 1", spec="  backoffLimit: 0\n"))
    until(c, finished(c), 120)
    assert conditions(c) == [("Failed", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit")]
    (pod,) = job_pods(c)
    assert pod.status.phase == "Failed"


def test_on_failure_restarts_count_against_the_backoff_limit(wl_kubeadm):
    c = wl_kubeadm
    log, pod_history, job_history = EventLog(c), History(c, "Pod"), History(c, "Job")
    c.apply(sh_job("sleep 2; exit 1", spec="  backoffLimit: 2\n", restart="OnFailure"))
    (pod,) = job_pods(c)
    name = pod.metadata.name
    until(c, finished(c), 300)
    restarts = lambda p: p.status.container_statuses[0].restart_count if p.status.container_statuses else 0  # noqa: E731
    # the kubelet restarts the failing container in place: the pod stays Running
    assert {p.status.phase for t, _, p in pod_history.items if p.metadata.name == name} <= {"Pending", "Running"}
    twice = pod_history.when(lambda p: restarts(p) == 2, name)
    assert batched(written(job_history, lambda j: condition(j, "FailureTarget") is not None), twice)
    assert all(condition(j, "FailureTarget") is None for t, _, j in job_history.items if t < twice)
    # the running pod is deleted at once; Failed follows once it is gone
    gone = pod_history.deleted(name)
    assert batched(written(job_history, lambda j: condition(j, "Failed") is not None), gone)
    assert [x[0] for x in conditions(c)] == ["FailureTarget", "Failed"]
    assert job_pods(c) == []
    assert c.get("Job", "pi").status.failed == 1
    assert [r for _, r, _ in log.of("Job", "pi")] == ["SuccessfulCreate", "SuccessfulDelete", "BackoffLimitExceeded"]
    assert ("Normal", "Killing", "Stopping container pi") in log.of("Pod", name)


def test_active_deadline_seconds(wl_kubeadm):
    c = wl_kubeadm
    log, pod_history, job_history = EventLog(c), History(c, "Pod"), History(c, "Job")
    c.apply(sh_job("sleep 3600", spec="  activeDeadlineSeconds: 30\n"))
    start = parse_rfc3339(c.get("Job", "pi").status.start_time)
    (pod,) = job_pods(c)
    until(c, lambda: condition(c.get("Job", "pi"), "FailureTarget") is not None, 60)
    assert c.clock.now == start + 30
    target = condition(c.get("Job", "pi"), "FailureTarget")
    assert (target.reason, target.message) == ("DeadlineExceeded", "Job was active longer than specified deadline")
    assert parse_rfc3339(target.last_transition_time) == start + 30
    assert c.get("Pod", pod.metadata.name).metadata.deletion_timestamp is not None
    until(c, finished(c), 120)
    # `sleep` ignores SIGTERM: the pod goes after the grace period, and only then is the Job Failed
    gone = pod_history.deleted(pod.metadata.name)
    assert gone - (start + 30) == pytest.approx(TERMINATION_GRACE, abs=2)
    assert batched(written(job_history, lambda j: condition(j, "Failed") is not None), gone)
    assert [x[0] for x in conditions(c)] == ["FailureTarget", "Failed"]
    assert job_pods(c) == []
    assert [r for _, r, _ in log.of("Job", "pi")] == ["SuccessfulCreate", "SuccessfulDelete", "DeadlineExceeded"]
    assert c.get("Job", "pi").status.failed == 1


# ---------------------------------------------------------------- modes


def test_indexed_job(wl_kubeadm):
    c = wl_kubeadm
    job_history = History(c, "Job")
    # index i sleeps 2 + 5i seconds: the indexes complete in order
    c.apply(sh_job("echo index $JOB_COMPLETION_INDEX of $HOSTNAME; sleep $((JOB_COMPLETION_INDEX * 5 + 2))",
                   spec="  completions: 3\n  parallelism: 3\n  completionMode: Indexed\n"))
    by_index = {p.metadata.annotations["batch.kubernetes.io/job-completion-index"]: p for p in active(c)}
    assert sorted(by_index) == ["0", "1", "2"]
    pod = by_index["1"]
    assert pod.metadata.generate_name == "pi-1-"
    assert pod.metadata.labels["batch.kubernetes.io/job-completion-index"] == "1"
    assert pod.spec.hostname == "pi-1"
    (env,) = pod.spec.containers[0].env
    assert env.name == "JOB_COMPLETION_INDEX"
    assert env.value_from.field_ref.field_path == "metadata.labels['batch.kubernetes.io/job-completion-index']"
    until(c, finished(c), 120)
    assert [c.kubectl(f"logs {by_index[i].metadata.name}").stdout for i in "012"] == \
        [f"index {i} of pi-{i}\n" for i in "012"]
    progress = [j.status.completed_indexes for _, _, j in job_history.items]
    assert [x for i, x in enumerate(progress) if x and x != progress[i - 1]] == ["0", "0,1", "0-2"]
    j = c.get("Job", "pi")
    assert (j.status.completed_indexes, j.status.succeeded) == ("0-2", 3)
    assert conditions(c)[-1][:2] == ("Complete", "True")


def test_indexed_failure_is_replaced_at_the_same_index(wl_kubeadm):
    c = wl_kubeadm
    pod_history = History(c, "Pod")
    # index 0 exits 0 at once, index 1 exits 1 three seconds later (a failure after the last
    # success: the back-off applies; one in the same second as a success would reset it)
    c.apply(sh_job("sleep $((JOB_COMPLETION_INDEX * 3)); exit $JOB_COMPLETION_INDEX",
                   spec="  completions: 2\n  parallelism: 2\n  completionMode: Indexed\n  backoffLimit: 1\n"))
    until(c, finished(c), 120)
    index = lambda p: p.metadata.annotations["batch.kubernetes.io/job-completion-index"]  # noqa: E731
    created = [(t, c.get("Pod", n)) for t, n in pod_history.added()]
    assert [index(p) for _, p in created] == ["0", "1", "1"]
    (_, first_one), (again_at, again) = created[1:]
    assert again.spec.hostname == "pi-1" and again_at == finished_at(first_one) + 10
    assert [p.status.container_statuses[0].state.terminated.exit_code for _, p in created] == [0, 1, 1]
    j = c.get("Job", "pi")
    assert (j.status.completed_indexes, j.status.succeeded, j.status.failed) == ("0", 1, 2)
    assert conditions(c)[-1][:3] == ("Failed", "True", "BackoffLimitExceeded")


def test_suspend_and_resume(wl_kubeadm):
    c = wl_kubeadm
    log, pod_history = EventLog(c), History(c, "Pod")
    c.apply(sh_job("sleep 3600", spec="  suspend: true\n"))
    c.sleep("10s")
    j = c.get("Job", "pi")
    assert job_pods(c) == [] and j.status.start_time is None
    assert conditions(c) == [("Suspended", "True", "JobSuspended", "Job suspended")]
    c.apply(sh_job("sleep 3600", spec="  suspend: false\n"))
    (pod,) = active(c)
    assert conditions(c) == [("Suspended", "False", "JobResumed", "Job resumed")]
    # as upstream, manageJob creates the pod before the condition update records `Resumed`
    assert [r for _, r, _ in log.of("Job", "pi")] == ["Suspended", "SuccessfulCreate", "Resumed"]
    until(c, lambda: podutil.is_ready(c.get("Pod", pod.metadata.name)), 60)
    # suspending a running Job deletes its pods (sleep waits out the grace period)
    suspended_at = c.clock.now + c.pace
    c.apply(sh_job("sleep 3600", spec="  suspend: true\n"))
    assert active(c) == [] and c.get("Job", "pi").status.active is None
    until(c, lambda: job_pods(c) == [], 60)
    assert pod_history.deleted(pod.metadata.name) - suspended_at == pytest.approx(TERMINATION_GRACE, abs=2)
    assert conditions(c)[0][:3] == ("Suspended", "True", "JobSuspended")
    assert c.get("Job", "pi").status.failed is None  # a suspended pod is not a failure


def test_ttl_after_finished_deletes_the_job_and_its_pods(wl_kubeadm):
    c = wl_kubeadm
    c.apply(job(spec="  ttlSecondsAfterFinished: 20\n"))
    until(c, finished(c), 120)
    completed = parse_rfc3339(c.get("Job", "pi").status.completion_time)
    c.advance(completed + 20 - c.clock.now - 0.001)
    assert c.store.try_get("Job", "default", "pi") is not None
    c.advance(0.002)
    assert c.store.try_get("Job", "default", "pi") is None
    until(c, lambda: job_pods(c) == [], 30)


def test_deleting_a_job_releases_its_pods(wl_kubeadm):
    c = wl_kubeadm
    c.apply(sh_job("sleep 3600"))
    (pod,) = job_pods(c)
    until(c, lambda: podutil.is_ready(c.get("Pod", pod.metadata.name)), 60)
    c.kubectl("delete job pi")
    until(c, lambda: job_pods(c) == [], 60)


# ---------------------------------------------------------------- intervals


@pytest.mark.parametrize("indexes,text", [
    (set(), ""), ({1}, "1"), ({0, 1}, "0,1"), ({0, 1, 2}, "0-2"), ({0, 2, 3, 4, 7, 8}, "0,2-4,7,8"),
])
def test_format_indexes(indexes, text):
    assert format_indexes(indexes) == text
    assert parse_indexes(text, 100) == indexes
