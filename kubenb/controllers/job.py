"""The Job controller (`pkg/controller/job`) and the TTL-after-finished controller.

A Job runs pods until `completions` of them succeed, at most `parallelism` at a time. Pods are
created from the template with `generateName: <job>-`, the `batch.kubernetes.io/job-tracking`
finalizer and the job's labels (`batch.kubernetes.io/controller-uid`, `batch.kubernetes.io/job-name`
and the legacy `controller-uid`, `job-name`). A finished pod is first recorded in
`status.uncountedTerminatedPods`, then its finalizer is removed and it moves to the
`succeeded`/`failed` counters, as upstream counts pods exactly once.

Failures: every failed pod (or, with `restartPolicy: OnFailure`, every container restart of a
running pod) counts against `backoffLimit`; past it the Job fails with `BackoffLimitExceeded`.
A failed pod is replaced after an exponential back-off (10s, 20s, 40s … capped at 10 minutes,
6 before 1.28, counted from the last failure). `activeDeadlineSeconds` fails the Job with `DeadlineExceeded`. The active
pods of a failed Job are deleted. Since 1.31 the interim conditions `FailureTarget` and
`SuccessCriteriaMet` come first, and `Failed`/`Complete` follow once no pod is terminating.

`completionMode: Indexed` gives each pod an index (`batch.kubernetes.io/job-completion-index`
annotation, and label since 1.28), a `JOB_COMPLETION_INDEX` variable and the hostname
`<job>-<index>`, and counts succeeded indexes in `status.completedIndexes`.

`suspend: true` deletes the active pods and keeps the Job from starting new ones.

Version gates (the features that changed what a user sees): `status.ready` (1.24),
`batch.kubernetes.io/` labels (1.27), `apps.kubernetes.io/pod-index`-style index label (1.28),
`status.terminating` and pod replacement policy (1.29), interim conditions and the
`CompletionsReached` reason (1.31).

Not modelled: `podFailurePolicy`, `successPolicy`, `backoffLimitPerIndex`, `managedBy`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Optional

from kubenb.api import labels as labelsel
from kubenb.api import podutil
from kubenb.api.base import deep_copy, evolve
from kubenb.api.workload_defaults import job_labels
from kubenb.controllers.base import Controller, owner_reference, pod_spec_from_template
from kubenb.sim.clock import format_rfc3339, parse_rfc3339
from kubenb.store import WatchEvent
from kubenb.store.errors import StatusError

TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking"
COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index"
COMPLETION_INDEX_ENV = "JOB_COMPLETION_INDEX"

DEFAULT_BACKOFF = 10.0       # DefaultJobPodFailureBackOff
MAX_BACKOFF = 600.0          # MaxJobPodFailureBackOff (1.28+; MaxJobBackOff was 360s before)
MAX_BACKOFF_OLD = 360.0
BACKOFF_STORE_MINOR = 28
SYNC_BATCH_PERIOD = 1.0      # syncJobBatchPeriod: pod events and status updates are batched

READY_MINOR = 24             # JobReadyPods beta
INDEX_LABEL_MINOR = 28       # PodIndexLabel beta
TERMINATING_MINOR = 29       # JobPodReplacementPolicy beta: status.terminating
DELAY_TERMINAL_MINOR = 31    # interim FailureTarget / SuccessCriteriaMet conditions
SUCCESS_REASON_MINOR = 31    # JobSuccessPolicy beta: Complete gets reason CompletionsReached


# ---------------------------------------------------------------- small facts about jobs and pods


def condition(job: Any, type_: str) -> Optional[Any]:
    for c in job.status.conditions or ():
        if c.type == type_:
            return c
    return None


def finished_condition(job: Any) -> Optional[str]:
    """`FinishedCondition`: "Complete" or "Failed" when that condition is True."""
    for c in job.status.conditions or ():
        if c.type in ("Complete", "Failed") and c.status == "True":
            return c.type
    return None


def is_job_finished(job: Any) -> bool:
    return finished_condition(job) is not None


def is_job_succeeded(job: Any) -> bool:
    c = condition(job, "Complete")
    return c is not None and c.status == "True"


def is_indexed(job: Any) -> bool:
    return job.spec.completion_mode == "Indexed"


def is_suspended(job: Any) -> bool:
    return bool(job.spec.suspend)


def has_finalizer(pod: Any) -> bool:
    return TRACKING_FINALIZER in (pod.metadata.finalizers or ())


def completion_index(pod: Any) -> int:
    """`getCompletionIndex`: the annotation as an int, -1 when missing or invalid."""
    text = (pod.metadata.annotations or {}).get(COMPLETION_INDEX)
    if text is None or not text.isdigit():
        return -1
    return int(text)


def is_terminal(pod: Any) -> bool:
    return pod.status.phase in ("Succeeded", "Failed")


def _restarts(pod: Any) -> int:
    return sum(cs.restart_count for cs in (*(pod.status.init_container_statuses or ()),
                                          *(pod.status.container_statuses or ())))


def _ts(text: Optional[str]) -> Optional[float]:
    return parse_rfc3339(text) if text else None


def finished_time(pod: Any) -> float:
    """`getFinishedTime`: last container exit, else Ready=False since, else deletion, else creation."""
    statuses = pod.status.container_statuses or ()
    ends = [_ts(cs.state.terminated.finished_at) if cs.state.terminated is not None else None for cs in statuses]
    if statuses and all(e is not None for e in ends):
        return max(ends)  # type: ignore[type-var]
    ready = podutil.condition(pod, "Ready")
    if ready is not None and ready.status == "False" and ready.last_transition_time:
        return parse_rfc3339(ready.last_transition_time)
    if pod.metadata.deletion_timestamp:
        return parse_rfc3339(pod.metadata.deletion_timestamp) - (pod.metadata.deletion_grace_period_seconds or 0)
    return _ts(pod.metadata.creation_timestamp) or 0.0


def _active_pods_key(now: float) -> Callable[[Any], tuple]:
    """`controller.ActivePods` order: the pods to delete first sort first."""
    phase_order = {"Pending": 0, "Unknown": 1, "Running": 2}

    def key(p: Any) -> tuple:
        ready = podutil.is_ready(p)
        since = podutil.ready_since(p) if ready else None
        created = _ts(p.metadata.creation_timestamp)
        return (bool(p.spec.node_name), phase_order.get(p.status.phase or "", 0), ready,
                -(since or float("inf")) if ready else 0.0,  # ready more recently first, zero time first
                -max((cs.restart_count for cs in p.status.container_statuses or ()), default=0),
                -(created if created is not None else float("inf")))
    return key


# ---------------------------------------------------------------- ordered intervals of indexes


def parse_indexes(text: Optional[str], completions: int) -> set[int]:
    """`parseIndexesFromString`: "1,3-5" -> {1, 3, 4, 5}, dropping indexes >= completions."""
    out: set[int] = set()
    for part in (text or "").split(","):
        if not part:
            continue
        first, _, last = part.partition("-")
        try:
            a = int(first)
            b = int(last) if last else a
        except ValueError:
            continue
        out.update(i for i in range(a, b + 1) if i < completions)
    return out


def format_indexes(indexes: set[int]) -> str:
    """`orderedIntervals.String`: runs of 3+ as `a-b`, a run of two as `a,b`."""
    parts: list[str] = []
    run: list[int] = []
    for i in sorted(indexes):
        if run and i == run[-1] + 1:
            run.append(i)
            continue
        if run:
            parts.append(_interval(run))
        run = [i]
    if run:
        parts.append(_interval(run))
    return ",".join(parts)


def _interval(run: list[int]) -> str:
    if len(run) == 1:
        return str(run[0])
    return f"{run[0]},{run[-1]}" if len(run) == 2 else f"{run[0]}-{run[-1]}"


# ---------------------------------------------------------------- the controller


class JobController(Controller):
    component = "job-controller"

    def __init__(self, cluster) -> None:
        super().__init__(cluster)
        self.minor = cluster.version.minor
        self.loop = cluster.loop
        self._backoff: dict[tuple[str, str], tuple[int, Optional[float]]] = {}
        self._orphans: set[tuple[str, str]] = set()
        self.store.watch(self._on_job, "Job")
        # acts on the pods a Job controls (now or before), orphans (adoption) and pods with finalizers
        # (the tracking finalizer of a pod no Job controls is dropped)
        self.store.watch(self._on_pod, "Pod", when=[["owner:Job", "orphan", "finalizers"]])

    # ---------------------------------------------------------------- watches

    def _on_job(self, ev: WatchEvent) -> None:
        job = ev.object
        key = (job.metadata.namespace or "", job.metadata.name or "")
        if ev.type == "DELETED":
            self.queue.add(key)
            for pod in self.store.by_owner(job.metadata.uid or "", "Pod"):
                if has_finalizer(pod):
                    self._enqueue_orphan(pod)
            return
        if ev.type == "MODIFIED" and ev.old_object is not None and \
                job.metadata.generation == ev.old_object.metadata.generation:
            self.queue.add_after(key, SYNC_BATCH_PERIOD)  # status updates are batched
        else:
            self.queue.add(key)

    def _on_pod(self, ev: WatchEvent) -> None:
        pod = ev.object
        ns = pod.metadata.namespace or ""
        refs = [pod.metadata.controller_ref()]
        if ev.old_object is not None:
            refs.append(ev.old_object.metadata.controller_ref())
        owned = False
        for ref in refs:
            if ref is None or ref.kind != "Job":
                continue
            job = self.store.try_get("Job", ns, ref.name)
            if job is not None and job.metadata.uid == ref.uid:
                self.queue.add_after((ns, ref.name), SYNC_BATCH_PERIOD)
                owned = True
        if ev.type != "DELETED" and has_finalizer(pod) and not owned:
            self._enqueue_orphan(pod)
        if refs[0] is None and ev.type != "DELETED":
            for job in self.store.list("Job", ns):
                selector = self._selector(job)
                if selector is not None and not selector.empty() and selector.matches(pod.metadata.labels or {}):
                    self.queue.add_after((ns, job.metadata.name or ""), SYNC_BATCH_PERIOD)

    def _enqueue_orphan(self, pod: Any) -> None:
        key = (pod.metadata.namespace or "", pod.metadata.name or "")
        if key not in self._orphans:
            self._orphans.add(key)
            self.loop.call_soon(lambda: self._sync_orphan_pod(key))

    def _sync_orphan_pod(self, key: tuple[str, str]) -> None:
        """`syncOrphanPod`: drop the tracking finalizer of a pod no unfinished Job controls."""
        self._orphans.discard(key)
        pod = self.store.try_get("Pod", *key)
        if pod is None or not has_finalizer(pod):
            return
        ref = pod.metadata.controller_ref()
        if ref is not None:
            if ref.kind != "Job" or ref.api_version != "batch/v1":
                return
            job = self.store.try_get("Job", key[0], ref.name)
            if job is not None and job.metadata.uid == ref.uid and not is_job_finished(job):
                return
        self._remove_finalizer(pod)

    # ---------------------------------------------------------------- selector and pods

    def _selector(self, job: Any) -> Optional[Any]:
        """The Job's selector; the generated one (controller-uid) when the strategy did not set it."""
        if job.spec.selector is None:
            return labelsel.selector_from_set({job_labels(self.minor)[2]: job.metadata.uid or ""})
        try:
            return labelsel.selector_from_label_selector(job.spec.selector)
        except labelsel.SelectorError:
            return None

    def _pods_for_job(self, job: Any, selector: Any) -> list[Any]:
        """`getPodsForJob`: owned pods that match, plus adopted orphans (which get the finalizer)."""
        uid = job.metadata.uid
        deleting = job.metadata.deletion_timestamp is not None
        claimed = []
        for pod in self.store.by_owner(uid or "", "Pod"):
            ref = pod.metadata.controller_ref()
            if ref is None or ref.uid != uid:
                continue
            if selector.matches(pod.metadata.labels or {}):
                claimed.append(pod)
            elif not deleting:
                new = evolve(pod, deep=("metadata",))
                new.metadata.owner_references = [r for r in new.metadata.owner_references or ()
                                                  if r.uid != uid] or None
                new.metadata.finalizers = [f for f in new.metadata.finalizers or ()
                                           if f != TRACKING_FINALIZER] or None
                self._try_update(new)
        if not deleting and not selector.empty():
            for pod in self.store.list("Pod", job.metadata.namespace or "", selector):
                if pod.metadata.controller_ref() is not None or pod.metadata.deletion_timestamp is not None:
                    continue
                new = evolve(pod, deep=("metadata",))
                new.metadata.owner_references = [*(new.metadata.owner_references or ()), owner_reference(job)]
                if not has_finalizer(new):
                    new.metadata.finalizers = [*(new.metadata.finalizers or ()), TRACKING_FINALIZER]
                adopted = self._try_update(new)
                if adopted is not None:
                    claimed.append(adopted)
        return sorted(claimed, key=lambda p: p.metadata.name or "")

    def _try_update(self, obj: Any) -> Optional[Any]:
        try:
            return self.store.update(obj)
        except StatusError:
            return None

    def _remove_finalizer(self, pod: Any) -> bool:
        fresh = self.store.try_get("Pod", pod.metadata.namespace or "", pod.metadata.name or "")
        if fresh is None or fresh.metadata.uid != pod.metadata.uid:
            return True
        if not has_finalizer(fresh):
            return True
        new = evolve(fresh, deep=("metadata",))
        new.metadata.finalizers = [f for f in new.metadata.finalizers or () if f != TRACKING_FINALIZER] or None
        new.metadata.resource_version = None
        return self._try_update(new) is not None

    # ---------------------------------------------------------------- syncJob

    def sync(self, namespace: str, name: str) -> Optional[float]:
        key = (namespace, name)
        job = self.store.try_get("Job", namespace, name)
        if job is None:
            self._backoff.pop(key, None)
            return None
        if is_job_finished(job):
            self._backoff.pop(key, None)
            return None
        if job.spec.completion_mode not in (None, "NonIndexed", "Indexed"):
            self.events.warning(job, "UnknownCompletionMode", "Skipped Job sync because completion mode is unknown")
            return None
        selector = self._selector(job)
        if selector is None:
            return None
        ctx = _SyncContext(self, evolve(job, deep=("status",)), self._pods_for_job(job, selector))
        ctx.run()
        return None

    # ---------------------------------------------------------------- pod creation and deletion

    def create_pod(self, job: Any, template: Any, index: int) -> Optional[Any]:
        """`CreatePodsWithGenerateName`: a pod from `template`; `SuccessfulCreate` `Created pod: <name>`."""
        from kubenb.api.core import Pod
        from kubenb.api.meta import ObjectMeta

        meta = template.metadata
        labels = dict(meta.labels or {})
        if job.spec.selector is None:  # the strategy did not label the template: label the pod
            name_keys, uid_keys, _ = job_labels(self.minor)
            for k in name_keys:
                labels.setdefault(k, job.metadata.name or "")
            for k in uid_keys:
                labels.setdefault(k, job.metadata.uid or "")
        generate_name = f"{job.metadata.name}-"
        if index >= 0:
            generate_name = f"{job.metadata.name}-{index}-"
        pod = Pod(api_version="v1", kind="Pod", metadata=ObjectMeta(
            generate_name=generate_name, namespace=job.metadata.namespace, labels=labels or None,
            annotations=dict(meta.annotations or {}) or None,
            finalizers=list(meta.finalizers or ()) or None, owner_references=[owner_reference(job)]),
            spec=pod_spec_from_template(template.spec))
        try:
            created = self.store.create(pod)
        except StatusError as e:
            self.events.warning(job, "FailedCreate", f"Error creating: {e}")
            return None
        self.events.normal(job, "SuccessfulCreate", f"Created pod: {created.metadata.name}")
        return created

    def delete_pod(self, job: Any, pod: Any, remove_finalizer: bool) -> bool:
        """`deleteJobPods` (finalizer first) / `deleteActivePods`; `SuccessfulDelete` `Deleted pod: <name>`."""
        if remove_finalizer:
            self._remove_finalizer(pod)
        try:
            self.store.delete("Pod", pod.metadata.namespace or "", pod.metadata.name or "")
        except StatusError as e:
            if e.reason == "NotFound":
                return True
            self.events.warning(job, "FailedDelete", f"Error deleting: {e}")
            return False
        self.events.normal(job, "SuccessfulDelete", f"Deleted pod: {pod.metadata.name}")
        return True

    def pod_template(self, job: Any) -> Any:
        """The template pods are made from: + tracking finalizer, + index variable for Indexed Jobs."""
        from kubenb.api.core import EnvVar, EnvVarSource, ObjectFieldSelector

        template = deep_copy(job.spec.template)
        if is_indexed(job):
            where = "labels" if self.minor >= INDEX_LABEL_MINOR else "annotations"
            path = f"metadata.{where}['{COMPLETION_INDEX}']"
            for c in (*(template.spec.init_containers or ()), *template.spec.containers):
                if not any(e.name == COMPLETION_INDEX_ENV for e in c.env or ()):
                    # apiVersion as defaulting sets it: the pods share this part, which admission never writes
                    c.env = [*(c.env or ()), EnvVar(name=COMPLETION_INDEX_ENV, value_from=EnvVarSource(
                        field_ref=ObjectFieldSelector(api_version="v1", field_path=path)))]
        finalizers = list(template.metadata.finalizers or ())
        if TRACKING_FINALIZER not in finalizers:
            finalizers.append(TRACKING_FINALIZER)
        template.metadata.finalizers = finalizers
        return template

    def indexed_template(self, job: Any, template: Any, index: int) -> Any:
        """`template` for one completion index: its own metadata maps and spec (the parts set here),
        the rest shared."""
        t = template.model_copy(update={"metadata": template.metadata.model_copy(),
                                        "spec": template.spec.model_copy()})
        t.metadata.annotations = {**(t.metadata.annotations or {}), COMPLETION_INDEX: str(index)}
        if self.minor >= INDEX_LABEL_MINOR:
            t.metadata.labels = {**(t.metadata.labels or {}), COMPLETION_INDEX: str(index)}
        t.spec.hostname = f"{job.metadata.name}-{index}"
        return t


class _SyncContext:
    """One `syncJob` pass (upstream's `syncJobCtx` plus the functions that use it)."""

    def __init__(self, jc: JobController, job: Any, pods: list[Any]) -> None:
        self.jc = jc
        self.job = job
        self.orig_status = jc.store.get("Job", job.metadata.namespace or "", job.metadata.name or "").status
        self.pods = pods
        self.now = jc.clock.now
        self.key = (job.metadata.namespace or "", job.metadata.name or "")
        self.active_pods = [p for p in pods if podutil.is_active(p)]
        self.ready = sum(1 for p in self.active_pods if podutil.is_ready(p))
        self.terminating = sum(1 for p in pods if p.metadata.deletion_timestamp is not None and not is_terminal(p))
        uncounted = job.status.uncounted_terminated_pods
        self.uncounted_succeeded = set(uncounted.succeeded or ()) if uncounted else set()
        self.uncounted_failed = set(uncounted.failed or ()) if uncounted else set()
        self.finished: Optional[dict] = None  # the condition to reach: {type, reason, message}
        self.requeue: list[float] = []
        completions = job.spec.completions
        self.prev_indexes: set[int] = set()
        self.succeeded_indexes: set[int] = set()
        if is_indexed(job) and completions is not None:
            self.prev_indexes = parse_indexes(job.status.completed_indexes, completions)

    # ---------------------------------------------------------------- helpers

    def _valid_index(self, pod: Any) -> bool:
        ix = completion_index(pod)
        return ix >= 0 and ix < (self.job.spec.completions or 0)

    def _new_finished(self) -> tuple[list[Any], list[Any]]:
        """`getNewFinishedPods`: finished pods still carrying the finalizer and not yet uncounted."""
        succeeded, failed = [], []
        for p in self.pods:
            if not has_finalizer(p):
                continue
            if is_indexed(self.job) and not self._valid_index(p):
                continue
            uid = p.metadata.uid or ""
            if p.status.phase == "Succeeded" and uid not in self.uncounted_succeeded:
                succeeded.append(p)
            elif self._pod_failed(p) and uid not in self.uncounted_failed:
                failed.append(p)
        return succeeded, failed

    def _only_replace_failed(self) -> bool:
        return self.jc.minor >= TERMINATING_MINOR and self.job.spec.pod_replacement_policy == "Failed"

    def _pod_failed(self, pod: Any) -> bool:
        """`isPodFailed`: Failed, or (unless only failed pods are replaced) deleted before succeeding."""
        if pod.status.phase == "Failed":
            return True
        if self._only_replace_failed():
            return False
        return pod.metadata.deletion_timestamp is not None and pod.status.phase != "Succeeded"

    def _condition(self, type_: str, reason: str, message: str) -> dict:
        return {"type": type_, "reason": reason, "message": message}

    def _failure(self, reason: str, message: str) -> dict:
        delayed = self.jc.minor >= DELAY_TERMINAL_MINOR
        return self._condition("FailureTarget" if delayed else "Failed", reason, message)

    def _success(self) -> dict:
        delayed = self.jc.minor >= DELAY_TERMINAL_MINOR
        reason, message = ("CompletionsReached", "Reached expected number of succeeded pods") \
            if self.jc.minor >= SUCCESS_REASON_MINOR else ("", "")
        return self._condition("SuccessCriteriaMet" if delayed else "Complete", reason, message)

    def _backoff_record(self, new_succeeded: list[Any], new_failed: list[Any]) -> tuple[int, Optional[float]]:
        """`newBackoffRecord`: failures since the last success and the time of the last one."""
        failures, last = self.jc._backoff.get(self.key, (0, None))
        succ = sorted(finished_time(p) for p in new_succeeded)
        fail = sorted(finished_time(p) for p in new_failed)
        if not succ:
            if not fail:
                return failures, last
            return failures + len(fail), fail[-1]
        failures, last = 0, None
        for t in reversed(fail):
            if t <= succ[-1]:
                break
            if last is None:
                last = t
            failures += 1
        return failures, last

    def _remaining_backoff(self, record: tuple[int, Optional[float]]) -> float:
        failures, last = record
        if failures == 0 or last is None:
            return 0.0
        delay = DEFAULT_BACKOFF
        cap = MAX_BACKOFF if self.jc.minor >= BACKOFF_STORE_MINOR else MAX_BACKOFF_OLD
        for _ in range(1, failures):
            delay *= 2
            if delay >= cap:
                delay = cap
                break
        elapsed = self.now - last
        return 0.0 if delay < elapsed else delay - elapsed

    # ---------------------------------------------------------------- the pass

    def run(self) -> None:
        jc, job = self.jc, self.job
        status = job.status
        active = len(self.active_pods)
        new_succeeded, new_failed = self._new_finished()
        self.succeeded = (status.succeeded or 0) + len(new_succeeded) + len(self.uncounted_succeeded)
        self.failed = (status.failed or 0) + len(new_failed) + len(self.uncounted_failed)
        if status.start_time is None and not is_suspended(job):
            status.start_time = format_rfc3339(self.now)
        self.backoff = self._backoff_record(new_succeeded, new_failed)

        backoff_limit = job.spec.backoff_limit if job.spec.backoff_limit is not None else 6
        sc = condition(job, "SuccessCriteriaMet")
        if sc is not None and sc.status == "True":
            self.finished = self._condition("SuccessCriteriaMet", sc.reason or "", sc.message or "")
        else:
            ft = condition(job, "FailureTarget")
            if ft is not None and ft.status == "True":
                self.finished = self._condition("Failed", ft.reason or "", ft.message or "")
        if self.finished is None:
            if self.failed > backoff_limit or self._past_backoff_limit_on_failure(backoff_limit):
                self.finished = self._failure("BackoffLimitExceeded", "Job has reached the specified backoff limit")
            elif self._past_active_deadline():
                self.finished = self._failure("DeadlineExceeded", "Job was active longer than specified deadline")
            elif job.spec.active_deadline_seconds is not None and not is_suspended(job):
                start = parse_rfc3339(status.start_time) if status.start_time else self.now
                self.requeue.append(start + job.spec.active_deadline_seconds - self.now)

        if is_indexed(job) and job.spec.completions is not None:
            self.succeeded_indexes = self.prev_indexes | {
                completion_index(p) for p in self.pods
                if p.status.phase == "Succeeded" and has_finalizer(p) and self._valid_index(p)}
            self.succeeded = len(self.succeeded_indexes)

        suspend_changed = False
        if self.finished is not None:
            deleted = ready_deleted = 0
            for pod in self.active_pods:
                if jc.delete_pod(job, pod, remove_finalizer=False):
                    deleted += 1
                    ready_deleted += podutil.is_ready(pod)
            if deleted != active:
                self.finished = None
            active -= deleted
            self.terminating += deleted
            self.ready -= ready_deleted
        else:
            manage_called = False
            if job.metadata.deletion_timestamp is None:
                active = self._manage(active)
                manage_called = True
            completions = job.spec.completions
            complete = (self.succeeded > 0 if completions is None else self.succeeded >= completions) and active == 0
            if complete:
                self.finished = self._success()
            elif manage_called:
                if is_suspended(job):
                    if self._ensure_condition("Suspended", "True", "JobSuspended", "Job suspended"):
                        suspend_changed = True
                        jc.events.normal(job, "Suspended", "Job suspended")
                elif self._ensure_condition("Suspended", "False", "JobResumed", "Job resumed"):
                    suspend_changed = True
                    jc.events.normal(job, "Resumed", "Job resumed")
                    status.start_time = format_rfc3339(self.now)

        status.active = active or None
        if jc.minor >= READY_MINOR:
            status.ready = self.ready
        if jc.minor >= TERMINATING_MINOR:
            status.terminating = self.terminating
        orig = self.orig_status
        needs_flush = suspend_changed or active != (orig.active or 0) \
            or (jc.minor >= READY_MINOR and status.ready != orig.ready) \
            or (jc.minor >= TERMINATING_MINOR and status.terminating != orig.terminating)
        self._track_status_and_remove_finalizers(needs_flush)
        for delay in self.requeue:
            jc.queue.add_after(self.key, delay)

    def _past_backoff_limit_on_failure(self, limit: int) -> bool:
        """`pastBackoffLimitOnFailure`: container restarts of running pods, for `OnFailure` only."""
        if self.job.spec.template.spec.restart_policy != "OnFailure":
            return False
        restarts = sum(_restarts(p) for p in self.pods if p.status.phase in ("Running", "Pending"))
        return restarts > 0 if limit == 0 else restarts >= limit

    def _past_active_deadline(self) -> bool:
        job = self.job
        if job.spec.active_deadline_seconds is None or job.status.start_time is None or is_suspended(job):
            return False
        return self.now - parse_rfc3339(job.status.start_time) >= job.spec.active_deadline_seconds

    def _ensure_condition(self, type_: str, status_: str, reason: str, message: str) -> bool:
        """`ensureJobConditionStatus`: update the condition in place, or append it unless False."""
        from kubenb.api.batch import JobCondition

        now = format_rfc3339(self.now)
        conditions = list(self.job.status.conditions or ())
        for i, c in enumerate(conditions):
            if c.type == type_:
                if c.status != status_ or (c.reason or "") != reason or (c.message or "") != message:
                    conditions[i] = JobCondition(type=type_, status=status_, reason=reason or None,
                                                 message=message or None, last_probe_time=now,
                                                 last_transition_time=now)
                    self.job.status.conditions = conditions
                    return True
                return False
        if status_ == "False":
            return False
        conditions.append(JobCondition(type=type_, status=status_, reason=reason or None, message=message or None,
                                       last_probe_time=now, last_transition_time=now))
        self.job.status.conditions = conditions
        return True

    # ---------------------------------------------------------------- manageJob

    def _manage(self, active: int) -> int:
        jc, job = self.jc, self.job
        parallelism = job.spec.parallelism if job.spec.parallelism is not None else 1
        if is_suspended(job):
            removed = 0
            for pod in self._pods_for_removal(len(self.active_pods)):
                if jc.delete_pod(job, pod, remove_finalizer=True):
                    removed += 1
                    self.ready -= podutil.is_ready(pod)
            self.terminating += removed
            return active - removed
        completions = job.spec.completions
        if completions is None:
            want = active if self.succeeded > 0 else parallelism
        else:
            want = max(min(completions - self.succeeded, parallelism), 0)
        surplus = self._pods_for_removal(max(active - want, 0))
        if surplus:
            removed = 0
            for pod in surplus:
                if jc.delete_pod(job, pod, remove_finalizer=True):
                    removed += 1
                    self.ready -= podutil.is_ready(pod)
            self.terminating += removed
            return active - removed
        terminating = self.terminating if self._only_replace_failed() else 0
        diff = want - terminating - active
        if diff <= 0:
            return active
        remaining = self._remaining_backoff(self.backoff)
        if remaining > 0:
            self.requeue.append(remaining)
            return 0  # as upstream: status.active reads 0 while the replacement waits
        template = jc.pod_template(job)
        indexes = self._pending_indexes(diff) if is_indexed(job) else [-1] * diff
        created = 0
        for index in indexes:
            t = jc.indexed_template(job, template, index) if index >= 0 else template
            if jc.create_pod(job, t, index) is None:
                break  # slow start: stop at the first failure
            created += 1
        return active + created

    def _pending_indexes(self, count: int) -> list[int]:
        """`firstPendingIndexes`: the lowest indexes neither succeeded nor active."""
        completions = self.job.spec.completions or 0
        taken = set(self.succeeded_indexes)
        taken |= {completion_index(p) for p in self.active_pods if self._valid_index(p)}
        return [i for i in range(completions) if i not in taken][:count]

    def _pods_for_removal(self, at_least: int) -> list[Any]:
        """`activePodsForRemoval`: for Indexed Jobs invalid and duplicate indexes first, then by `ActivePods`."""
        key = _active_pods_key(self.now)
        rm: list[Any] = []
        left = list(self.active_pods)
        if is_indexed(self.job):
            by_index: dict[int, list[Any]] = {}
            left = []
            for p in self.active_pods:
                if not self._valid_index(p):
                    rm.append(p)
                else:
                    by_index.setdefault(completion_index(p), []).append(p)
            for ix in sorted(by_index):
                group = sorted(by_index[ix], key=key)
                rm.extend(group[:-1])
                left.append(group[-1])
        if len(rm) < at_least:
            rm.extend(sorted(left, key=key)[:at_least - len(rm)])
        return rm

    # ---------------------------------------------------------------- trackJobStatusAndRemoveFinalizers

    def _track_status_and_remove_finalizers(self, needs_flush: bool) -> None:
        """`trackJobStatusAndRemoveFinalizers` + `flushUncountedAndRemoveFinalizers`.

        Finished pods go to `uncountedTerminatedPods` (status written), lose their finalizer,
        and then move to the counters (status written again); the terminal condition follows
        once nothing is left uncounted.
        """
        from kubenb.api.batch import UncountedTerminatedPods

        jc, job = self.jc, self.job
        status = job.status
        if status.uncounted_terminated_pods is None:
            status.uncounted_terminated_pods = UncountedTerminatedPods()
        uncounted = status.uncounted_terminated_pods
        lists = {"succeeded": list(uncounted.succeeded or ()), "failed": list(uncounted.failed or ())}
        with_finalizer = {p.metadata.uid for p in self.pods if has_finalizer(p)}

        def clean() -> bool:
            """`cleanUncountedPodsWithoutFinalizers`: uncounted pods without finalizer are counted."""
            changed = False
            for field in ("succeeded", "failed"):
                keep = [u for u in lists[field] if u in with_finalizer]
                if len(keep) != len(lists[field]):
                    changed = True
                    setattr(status, field, (getattr(status, field) or 0) + len(lists[field]) - len(keep) or None)
                    lists[field] = keep
            uncounted.succeeded = lists["succeeded"] or None
            uncounted.failed = lists["failed"] or None
            return changed

        if clean():
            needs_flush = True
        indexed = is_indexed(job)
        pods = sorted(self.pods, key=completion_index) if indexed else self.pods
        to_remove = []
        new_indexes = []
        for pod in pods:
            if not has_finalizer(pod):
                continue
            failed = self._pod_failed(pod)
            if not (job.metadata.deletion_timestamp is not None or self.finished is not None
                    or pod.status.phase == "Succeeded" or failed):
                continue  # `canRemoveFinalizer`
            to_remove.append(pod)
            uid = pod.metadata.uid or ""
            if pod.status.phase == "Succeeded" and uid not in lists["failed"]:
                if indexed:
                    if self._valid_index(pod) and completion_index(pod) not in self.prev_indexes:
                        new_indexes.append(completion_index(pod))
                        needs_flush = True
                elif uid not in lists["succeeded"]:
                    lists["succeeded"].append(uid)
                    needs_flush = True
            elif failed or (self.finished is not None and self.finished["type"] != "SuccessCriteriaMet"):
                if uid not in lists["failed"] and (not indexed or self._valid_index(pod)):
                    lists["failed"].append(uid)
                    needs_flush = True
        uncounted.succeeded = lists["succeeded"] or None
        uncounted.failed = lists["failed"] or None
        if indexed:
            self.succeeded_indexes |= set(new_indexes)
            text = format_indexes(self.succeeded_indexes)
            if text != (status.completed_indexes or ""):
                needs_flush = True
            status.succeeded = len(self.succeeded_indexes) or None
            status.completed_indexes = text or None
        now = format_rfc3339(self.now)
        if self.finished is not None and self.finished["type"] == "FailureTarget":
            status.conditions = [*(status.conditions or ()), self._job_condition(self.finished, now)]
            needs_flush = True
            self.finished = {**self.finished, "type": "Failed"}
        if self.finished is not None and self.finished["type"] == "SuccessCriteriaMet":
            if condition(job, "SuccessCriteriaMet") is None:
                status.conditions = [*(status.conditions or ()), self._job_condition(self.finished, now)]
                needs_flush = True
            self.finished = {**self.finished, "type": "Complete"}

        if needs_flush:
            self._write_status()
            jc._backoff[self.key] = self.backoff
            needs_flush = False
        for pod in to_remove:
            if jc._remove_finalizer(pod):
                with_finalizer.discard(pod.metadata.uid)
        if clean():
            needs_flush = True
        finished = self._enact_finished(now)
        if finished or needs_flush:
            self._write_status()
            if finished:
                self._record_finished()

    def _enact_finished(self, now: str) -> bool:
        """`enactJobFinished`: add Complete/Failed once nothing is uncounted (and, 1.31+, terminating)."""
        if self.finished is None:
            return False
        uncounted = self.job.status.uncounted_terminated_pods
        if uncounted is not None and (uncounted.succeeded or uncounted.failed):
            return False
        if self.jc.minor >= DELAY_TERMINAL_MINOR and self.terminating > 0:
            return False
        f = self.finished
        self._ensure_condition(f["type"], "True", f["reason"], f["message"])
        if f["type"] == "Complete":
            self.job.status.completion_time = now
        return True

    def _job_condition(self, f: dict, now: str) -> Any:
        from kubenb.api.batch import JobCondition

        return JobCondition(type=f["type"], status="True", reason=f["reason"] or None, message=f["message"] or None,
                            last_probe_time=now, last_transition_time=now)

    def _record_finished(self) -> None:
        job, f = self.job, self.finished
        assert f is not None
        if f["type"] == "Complete":
            if job.spec.completions is not None and (job.status.succeeded or 0) > job.spec.completions:
                self.jc.events.warning(job, "TooManySucceededPods",
                                       "Too many succeeded pods running after completion count reached")
            self.jc.events.normal(job, "Completed", "Job completed")
        else:
            self.jc.events.warning(job, f["reason"], f["message"])

    def _write_status(self) -> None:
        stored = self.jc.store.try_get("Job", *self.key)
        if stored is None or stored.metadata.uid != self.job.metadata.uid:
            return
        new = evolve(stored, deep=(), status=deep_copy(self.job.status))
        try:
            self.jc.store.update(new, subresource="status")
        except StatusError:
            pass


# ---------------------------------------------------------------- ttlafterfinished


class TTLAfterFinishedController(Controller):
    """`pkg/controller/ttlafterfinished`: delete a finished Job `ttlSecondsAfterFinished` after it
    finished (foreground deletion: its pods go first)."""

    component = "ttl-after-finished-controller"

    def __init__(self, cluster) -> None:
        super().__init__(cluster)
        self.watch_own("Job")

    def sync(self, namespace: str, name: str) -> Optional[float]:
        job = self.store.try_get("Job", namespace, name)
        if job is None or job.metadata.deletion_timestamp is not None:
            return None
        ttl = job.spec.ttl_seconds_after_finished
        if ttl is None or not is_job_finished(job):
            return None
        finish = None
        for c in job.status.conditions or ():
            if c.type in ("Complete", "Failed") and c.status == "True" and c.last_transition_time:
                finish = parse_rfc3339(c.last_transition_time)
        if finish is None:
            return None
        expire = finish + ttl
        if self.clock.now < expire:
            self.queue.add_at((namespace, name), expire)
            return None
        try:
            self.store.delete("Job", namespace, name, propagation="Foreground")
        except StatusError:
            pass
        return None
