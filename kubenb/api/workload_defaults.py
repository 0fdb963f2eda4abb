"""API-server defaulting of StatefulSet, DaemonSet, Job and CronJob (`pkg/apis/{apps,batch}/v1/defaults.go`).

Each `default_*` fills the unset fields of the object it is given, in place, like the functions
of :mod:`kubenb.api.defaults`. Some defaults depend on feature gates, i.e. on the Kubernetes
minor version; the functions take `minor` (default: the newest version kubenb models), and
:func:`workload_defaulters` binds it for a cluster.

Pod templates get the defaults of `SetDefaults_PodSpec` and its nested types only. Two defaults
live in `SetDefaults_Pod` and apply to Pods, never to templates: `enableServiceLinks: true` and
"requests default to limits". They must not appear in a template, or `-o yaml` differs from a
real cluster and the ControllerRevision hash of a StatefulSet differs from the real one.

The Job's generated selector and labels (`controller-uid`, `job-name`) are not defaulting but the
registry strategy's `PrepareForCreate`, which needs the uid: see :func:`prepare_job_for_create`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from kubenb.api import defaults

LATEST_MINOR = 32
MAX_INT32 = 2**31 - 1

# feature gates that change defaults, by the minor version that turned them on by default
AUTO_DELETE_PVC = 27          # StatefulSetAutoDeletePVC: beta 1.27 -> persistentVolumeClaimRetentionPolicy
POD_REPLACEMENT_POLICY = 29   # JobPodReplacementPolicy: beta 1.29 -> podReplacementPolicy
POD_FAILURE_POLICY = 26       # JobPodFailurePolicy: beta 1.26 -> onPodConditions[].status "True"
JOB_TRACKING_LABELS = 27      # batch.kubernetes.io/ prefixed job labels (1.27)


def _set(obj: Any, **fields: Any) -> None:
    for name, value in fields.items():
        if getattr(obj, name) is None:
            setattr(obj, name, value)


def default_pod_template(template: Any) -> None:
    """`SetDefaults_PodSpec` and nested defaults on a PodTemplateSpec, without the Pod-only ones."""
    defaults.default_template(template)


def default_statefulset(sts: Any, minor: int = LATEST_MINOR) -> None:
    """`SetDefaults_StatefulSet` + the nested PVC defaults of `volumeClaimTemplates`."""
    from kubenb.api.apps import (
        RollingUpdateStatefulSetStrategy,
        StatefulSetPersistentVolumeClaimRetentionPolicy,
        StatefulSetUpdateStrategy,
    )

    spec = sts.spec
    _set(spec, pod_management_policy="OrderedReady")
    if spec.update_strategy is None:
        spec.update_strategy = StatefulSetUpdateStrategy()
    strategy = spec.update_strategy
    if not strategy.type:
        strategy.type = "RollingUpdate"
        if strategy.rolling_update is None:
            strategy.rolling_update = RollingUpdateStatefulSetStrategy()
    if strategy.type == "RollingUpdate" and strategy.rolling_update is not None:
        _set(strategy.rolling_update, partition=0)
    if minor >= AUTO_DELETE_PVC:
        if spec.persistent_volume_claim_retention_policy is None:
            spec.persistent_volume_claim_retention_policy = StatefulSetPersistentVolumeClaimRetentionPolicy()
        policy = spec.persistent_volume_claim_retention_policy
        if not policy.when_deleted:
            policy.when_deleted = "Retain"
        if not policy.when_scaled:
            policy.when_scaled = "Retain"
    _set(spec, replicas=1, revision_history_limit=10)
    default_pod_template(spec.template)
    for claim in spec.volume_claim_templates or ():
        # apps/v1 conversion writes apiVersion/kind into each template (kubernetes#87583); the
        # PVC defaults fill volumeMode and the Pending phase of the template's (unused) status
        claim.api_version, claim.kind = "v1", "PersistentVolumeClaim"
        _set(claim.spec, volume_mode="Filesystem")
        _set(claim.status, phase="Pending")


def default_daemonset(ds: Any, minor: int = LATEST_MINOR) -> None:
    """`SetDefaults_DaemonSet`: RollingUpdate with maxUnavailable 1 and maxSurge 0, history of 10."""
    from kubenb.api.apps import DaemonSetUpdateStrategy, RollingUpdateDaemonSet

    spec = ds.spec
    if spec.update_strategy is None:
        spec.update_strategy = DaemonSetUpdateStrategy()
    strategy = spec.update_strategy
    if not strategy.type:
        strategy.type = "RollingUpdate"
    if strategy.type == "RollingUpdate":
        if strategy.rolling_update is None:
            strategy.rolling_update = RollingUpdateDaemonSet()
        _set(strategy.rolling_update, max_unavailable=1, max_surge=0)
    _set(spec, revision_history_limit=10)
    default_pod_template(spec.template)


def default_job(job: Any, minor: int = LATEST_MINOR) -> None:
    """`SetDefaults_Job`."""
    spec = job.spec
    if spec.completions is None and spec.parallelism is None:
        spec.completions = 1
        spec.parallelism = 1
    _set(spec, parallelism=1)
    if spec.backoff_limit is None:
        spec.backoff_limit = MAX_INT32 if spec.backoff_limit_per_index is not None else 6
    template_labels = spec.template.metadata.labels
    if template_labels is not None and not job.metadata.labels:
        job.metadata.labels = dict(template_labels)
    _set(spec, completion_mode="NonIndexed", suspend=False)
    if minor >= POD_FAILURE_POLICY and spec.pod_failure_policy is not None:
        for rule in spec.pod_failure_policy.rules or ():
            for pattern in rule.on_pod_conditions or ():
                if not pattern.status:
                    pattern.status = "True"
    if minor >= POD_REPLACEMENT_POLICY and spec.pod_replacement_policy is None:
        spec.pod_replacement_policy = "Failed" if spec.pod_failure_policy is not None else "TerminatingOrFailed"
    default_pod_template(spec.template)


def default_cronjob(cj: Any, minor: int = LATEST_MINOR) -> None:
    """`SetDefaults_CronJob` (the job template's JobSpec gets no Job defaults, only its pod template's)."""
    spec = cj.spec
    if not spec.concurrency_policy:
        spec.concurrency_policy = "Allow"
    _set(spec, suspend=False, successful_jobs_history_limit=3, failed_jobs_history_limit=1)
    default_pod_template(spec.job_template.spec.template)


def workload_defaulters(minor: int = LATEST_MINOR) -> dict[str, Callable[[Any], None]]:
    """The four defaulters bound to a Kubernetes minor version, keyed by kind (for `DEFAULTERS`)."""
    return {
        "StatefulSet": partial(default_statefulset, minor=minor),
        "DaemonSet": partial(default_daemonset, minor=minor),
        "Job": partial(default_job, minor=minor),
        "CronJob": partial(default_cronjob, minor=minor),
    }


# ---------------------------------------------------------------- Job strategy (not defaulting)


def job_labels(minor: int = LATEST_MINOR) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """(job-name label keys, controller-uid label keys, selector key) the Job strategy uses."""
    if minor >= JOB_TRACKING_LABELS:
        return (("job-name", "batch.kubernetes.io/job-name"),
                ("controller-uid", "batch.kubernetes.io/controller-uid"),
                "batch.kubernetes.io/controller-uid")
    return ("job-name",), ("controller-uid",), "controller-uid"


def prepare_job_for_create(job: Any, minor: int = LATEST_MINOR) -> None:
    """The Job registry strategy's `PrepareForCreate` + `generateSelector`, once the uid is known.

    Unless `spec.manualSelector` is true, the pod template gets `job-name=<job>` and
    `controller-uid=<uid>` (both the legacy and, since 1.27, the `batch.kubernetes.io/` keys), and
    the selector matches the controller-uid. Then, as the API server's read path re-applies
    `SetDefaults_Job`, a Job without labels shows the template's labels.
    """
    from kubenb.api.meta import LabelSelector

    spec = job.spec
    if not spec.manual_selector:
        name_keys, uid_keys, selector_key = job_labels(minor)
        labels = dict(spec.template.metadata.labels or {})
        for key in name_keys:
            labels.setdefault(key, job.metadata.name or "")
        for key in uid_keys:
            labels.setdefault(key, job.metadata.uid or "")
        spec.template.metadata.labels = labels
        if spec.selector is None:
            spec.selector = LabelSelector()
        match = dict(spec.selector.match_labels or {})
        match.setdefault(selector_key, job.metadata.uid or "")
        spec.selector.match_labels = match
    if spec.template.metadata.labels is not None and not job.metadata.labels:
        job.metadata.labels = dict(spec.template.metadata.labels)
