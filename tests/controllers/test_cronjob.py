"""The CronJob controller on the simulated clock: job names and schedule times, time zones,
concurrency policies, history limits, suspend and starting deadlines, and its events. Its jobs'
pods really run: the docs' ``busybox:1.28`` greeting finishes in a moment, a ``sleep`` keeps a
job active as long as it sleeps."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from workload_helpers import EventLog, History, pods, until

from kubenb.controllers.cronjob import NEXT_SCHEDULE_DELTA
from kubenb.sim.clock import parse_rfc3339

HELLO = "date; echo Hello from the Kubernetes cluster"


def cronjob(schedule="*/1 * * * *", spec="", name="hello", script=HELLO):
    return f"""\
apiVersion: batch/v1
kind: CronJob
metadata:
  name: {name}
spec:
  schedule: "{schedule}"
{spec}  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
          - name: hello
            image: busybox:1.28
            command: ["sh", "-c", "{script}"]
"""


def jobs(cluster, name="hello"):
    return [j for j in cluster.store.list("Job", "default") if j.metadata.name.startswith(f"{name}-")]


def minutes(t: float) -> int:
    return int(t) // 60


def next_minute(t: float, every: int = 1) -> int:
    m = minutes(t) + 1
    while m % every:
        m += 1
    return m * 60


def utc(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def finished(job):
    return any(c.type in ("Complete", "Failed") and c.status == "True" for c in job.status.conditions or ())


def test_every_minute_creates_named_jobs(wl_kubeadm):
    log = EventLog(wl_kubeadm)
    assert wl_kubeadm.apply(cronjob(script="sleep 600")) == "cronjob.batch/hello created\n"
    created_at = wl_kubeadm.clock.now
    first = next_minute(created_at)
    wl_kubeadm.advance(first - wl_kubeadm.clock.now - 1)
    assert jobs(wl_kubeadm) == []
    wl_kubeadm.sleep("2s")
    (job,) = jobs(wl_kubeadm)
    assert job.metadata.name == f"hello-{first // 60}"
    assert parse_rfc3339(job.metadata.creation_timestamp) == first  # 100 ms after the minute
    cj = wl_kubeadm.get("CronJob", "hello")
    assert parse_rfc3339(cj.status.last_schedule_time) == first
    (ref,) = cj.status.active
    assert (ref.kind, ref.name, ref.uid, ref.api_version) == ("Job", job.metadata.name, job.metadata.uid, "batch/v1")
    assert job.metadata.controller_ref().uid == cj.metadata.uid
    assert job.metadata.annotations == {"batch.kubernetes.io/cronjob-scheduled-timestamp":
                                        datetime.fromtimestamp(first, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    assert job.spec.backoff_limit == 6  # the created Job is defaulted as a Job
    assert log.of("CronJob", "hello") == [("Normal", "SuccessfulCreate", f"Created job {job.metadata.name}")]
    wl_kubeadm.sleep("3m")
    assert [j.metadata.name for j in jobs(wl_kubeadm)] == [f"hello-{first // 60 + i}" for i in range(4)]
    assert len(wl_kubeadm.get("CronJob", "hello").status.active) == 4  # Allow: they run side by side
    spec = wl_kubeadm.get("CronJob", "hello").to_dict()["spec"]
    assert (spec["concurrencyPolicy"], spec["suspend"], spec["successfulJobsHistoryLimit"],
            spec["failedJobsHistoryLimit"]) == ("Allow", False, 3, 1)


@pytest.mark.parametrize("schedule,expected", [
    ("*/15 * * * *", ["10:15", "10:30", "10:45", "11:00", "11:15", "11:30", "11:45", "12:00", "12:15", "12:30",
                      "12:45"]),
    ("0 * * * *", ["11:00", "12:00"]),
    ("@hourly", ["11:00", "12:00"]),
    ("30 10-12 * * *", ["10:30", "11:30", "12:30"]),
    ("5,55 * * * *", ["10:05", "10:55", "11:05", "11:55", "12:05", "12:55"]),
    ("*/20 12 * * *", ["12:00", "12:20", "12:40"]),
    ("0 0 * * *", []),
], ids=["every-15-min", "hourly", "@hourly", "range-of-hours", "list", "step-in-an-hour", "daily"])
def test_schedule_times(wl_kubeadm, schedule, expected):
    """Created at 10:00:14 UTC; the runs until 12:59 (job names carry the minute; the finished
    ones beyond the history limit are gone by then, so the test watches them being created)."""
    job_history = History(wl_kubeadm, "Job")
    wl_kubeadm.apply(cronjob(schedule=schedule))
    assert wl_kubeadm.clock.now < utc("2025-11-22T10:01:00")
    wl_kubeadm.advance(utc("2025-11-22T12:59:00") - wl_kubeadm.clock.now)
    times = [datetime.fromtimestamp(int(name.rsplit("-", 1)[1]) * 60, UTC).strftime("%H:%M")
             for t, name in job_history.added()]
    assert times == expected
    # the controller wakes 100 ms after each scheduled time
    assert [t for t, _ in job_history.added()] == [utc(f"2025-11-22T{x}:00") + NEXT_SCHEDULE_DELTA for x in expected]
    assert len(jobs(wl_kubeadm)) == min(len(expected), 3)  # successfulJobsHistoryLimit


def test_time_zone(wl_kubeadm):
    wl_kubeadm.apply(cronjob(schedule="0 9 * * *", spec="  timeZone: Asia/Seoul\n"))
    wl_kubeadm.advance(utc("2025-11-23T00:01:00") - wl_kubeadm.clock.now)
    (job,) = jobs(wl_kubeadm)
    assert job.metadata.name == f"hello-{int(utc('2025-11-23T00:00:00')) // 60}"
    assert job.metadata.annotations["batch.kubernetes.io/cronjob-scheduled-timestamp"] == "2025-11-23T09:00:00+09:00"
    line = wl_kubeadm.kubectl("get cronjob hello").stdout.splitlines()[1].split()
    assert line[:8] == ["hello", "0", "9", "*", "*", "*", "Asia/Seoul", "False"]


def test_completed_jobs_and_history_limit(wl_any):
    cluster = wl_any
    log, job_history = EventLog(cluster), History(cluster, "Job")
    cluster.apply(cronjob(spec="  successfulJobsHistoryLimit: 2\n"))
    fourth = next_minute(cluster.clock.now) + 180
    until(cluster, lambda: len(job_history.added()) == 4 and finished(cluster.get("Job", job_history.added()[-1][1])),
          fourth + 60 - cluster.clock.now)
    cluster.sleep("2s")
    names = [name for _, name in job_history.added()]
    assert [t for t, _ in job_history.added()] == [fourth - 180 + 60 * i + NEXT_SCHEDULE_DELTA for i in range(4)]
    assert [j.metadata.name for j in jobs(cluster)] == names[2:]
    cj = cluster.get("CronJob", "hello")
    assert not cj.status.active
    last = cluster.get("Job", names[-1])
    assert cj.status.last_successful_time == last.status.completion_time
    (pod,) = [p for p in pods(cluster) if p.metadata.controller_ref().name == names[-1]]
    # `date` ran as the container started
    started = parse_rfc3339(pod.status.container_statuses[0].state.terminated.started_at)
    assert cluster.kubectl(f"logs {pod.metadata.name}").stdout == \
        datetime.fromtimestamp(started, UTC).strftime("%a %b %d %H:%M:%S UTC %Y\n") + "Hello from the Kubernetes cluster\n"
    word = "condition" if cluster.version.minor >= 31 else "status"
    messages = log.messages("CronJob", "hello")
    assert f"Saw completed job: {names[0]}, {word}: Complete" in messages
    assert [m for m in messages if m.startswith("Deleted")] == [f"Deleted job {names[0]}", f"Deleted job {names[1]}"]
    cluster.sleep("30s")
    # the deleted jobs took their pods with them
    owners = {p.metadata.controller_ref().name for p in pods(cluster) if p.metadata.controller_ref()}
    assert owners == set(names[2:])


def test_forbid_skips_while_a_job_runs(wl_kubeadm):
    log, job_history = EventLog(wl_kubeadm), History(wl_kubeadm, "Job")
    wl_kubeadm.apply(cronjob(spec="  concurrencyPolicy: Forbid\n", script="sleep 150"))
    wl_kubeadm.advance(next_minute(wl_kubeadm.clock.now) + 5 - wl_kubeadm.clock.now)
    (first,) = jobs(wl_kubeadm)
    wl_kubeadm.sleep("2m")
    assert jobs(wl_kubeadm) == [first]
    skipped = ("Normal", "JobAlreadyActive",
               "Not starting job because prior execution is running and concurrency policy is Forbid")
    assert log.of("CronJob", "hello").count(skipped) == 1
    (event,) = [e for e in wl_kubeadm.store.list("Event", "default") if e.reason == "JobAlreadyActive"]
    assert event.count == 2  # the two minutes while it sleeps, as one aggregated event
    until(wl_kubeadm, lambda: finished(wl_kubeadm.get("Job", first.metadata.name)), 60)
    done = job_history.when(finished, first.metadata.name)
    wl_kubeadm.settle()
    # the skipped schedule was never recorded as run: it starts as soon as the running job is
    # seen finished, late and named after its scheduled minute (as upstream, with no deadline)
    ((t, second),) = job_history.added()[1:]
    assert t == done and second == f"hello-{minutes(done)}"
    assert parse_rfc3339(wl_kubeadm.get("CronJob", "hello").status.last_schedule_time) == minutes(done) * 60


def test_replace_deletes_the_running_job(wl_kubeadm):
    log = EventLog(wl_kubeadm)
    wl_kubeadm.apply(cronjob(spec="  concurrencyPolicy: Replace\n", script="sleep 600"))
    wl_kubeadm.advance(next_minute(wl_kubeadm.clock.now) + 5 - wl_kubeadm.clock.now)
    (first,) = jobs(wl_kubeadm)
    wl_kubeadm.sleep("60s")
    (second,) = [j for j in jobs(wl_kubeadm) if j.metadata.deletion_timestamp is None]
    assert second.metadata.name != first.metadata.name
    assert wl_kubeadm.store.try_get("Job", "default", first.metadata.name) is None or \
        wl_kubeadm.get("Job", first.metadata.name).metadata.deletion_timestamp is not None
    assert [r.name for r in wl_kubeadm.get("CronJob", "hello").status.active] == [second.metadata.name]
    assert log.messages("CronJob", "hello") == [f"Created job {first.metadata.name}",
                                                f"Deleted job {first.metadata.name}",
                                                f"Created job {second.metadata.name}"]


def test_suspend_then_resume_runs_the_missed_schedule(wl_kubeadm):
    wl_kubeadm.apply(cronjob(schedule="*/5 * * * *", spec="  suspend: true\n"))
    boundary = next_minute(wl_kubeadm.clock.now, 5)
    wl_kubeadm.advance(boundary + 60 - wl_kubeadm.clock.now)
    assert jobs(wl_kubeadm) == []
    wl_kubeadm.apply(cronjob(schedule="*/5 * * * *", spec="  suspend: false\n"))
    (job,) = jobs(wl_kubeadm)
    assert job.metadata.name == f"hello-{boundary // 60}"  # started late, named after its schedule
    assert parse_rfc3339(wl_kubeadm.get("CronJob", "hello").status.last_schedule_time) == boundary


def test_starting_deadline_drops_a_late_run(wl_kubeadm):
    wl_kubeadm.apply(cronjob(schedule="*/5 * * * *", spec="  startingDeadlineSeconds: 10\n  suspend: true\n"))
    boundary = next_minute(wl_kubeadm.clock.now, 5)
    wl_kubeadm.advance(boundary + 60 - wl_kubeadm.clock.now)
    wl_kubeadm.apply(cronjob(schedule="*/5 * * * *", spec="  startingDeadlineSeconds: 10\n  suspend: false\n"))
    assert jobs(wl_kubeadm) == []
    wl_kubeadm.advance(boundary + 301 - wl_kubeadm.clock.now)
    (job,) = jobs(wl_kubeadm)
    assert job.metadata.name == f"hello-{(boundary + 300) // 60}"


def test_unparseable_schedule(wl_kubeadm):
    log = EventLog(wl_kubeadm)
    wl_kubeadm.apply(cronjob(schedule="61 * * * *"))
    wl_kubeadm.sleep("2m")
    assert jobs(wl_kubeadm) == []
    assert log.of("CronJob", "hello") == [
        ("Warning", "UnparseableSchedule", 'unparseable schedule: "61 * * * *" : end of range (61) above maximum (59): 61')]


def test_course_scheduled_annotation_is_newer_than_v1_23(wl_course):
    wl_course.apply(cronjob())
    wl_course.advance(next_minute(wl_course.clock.now) + 5 - wl_course.clock.now)
    (job,) = jobs(wl_course)
    assert job.metadata.annotations is None
    assert job.metadata.name == f"hello-{minutes(parse_rfc3339(job.metadata.creation_timestamp))}"
