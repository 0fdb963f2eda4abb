"""batch/v1 models (k8s.io/api/batch/v1/types.go): Job and CronJob, fields in Go order."""

from __future__ import annotations

from typing import ClassVar, Optional

from pydantic import Field

from kubenb.api.base import KubeModel, KubeObject
from kubenb.api.core import ObjectReference, PodTemplateSpec
from kubenb.api.meta import LabelSelector, ObjectMeta
from kubenb.api.registry import register_model
from kubenb.api.types import GoModel, Time


class PodFailurePolicyOnExitCodesRequirement(GoModel):
    GO_NULLS = ("values",)
    container_name: Optional[str] = None
    operator: str = ""
    values: Optional[list[int]] = None


class PodFailurePolicyOnPodConditionsPattern(KubeModel):
    type: str = ""
    status: str = ""


class PodFailurePolicyRule(KubeModel):
    action: str = ""
    on_exit_codes: Optional[PodFailurePolicyOnExitCodesRequirement] = None
    on_pod_conditions: Optional[list[PodFailurePolicyOnPodConditionsPattern]] = None


class PodFailurePolicy(GoModel):
    GO_NULLS = ("rules",)
    rules: Optional[list[PodFailurePolicyRule]] = None


class SuccessPolicyRule(KubeModel):
    succeeded_indexes: Optional[str] = None
    succeeded_count: Optional[int] = None


class SuccessPolicy(GoModel):
    GO_NULLS = ("rules",)
    rules: Optional[list[SuccessPolicyRule]] = None


class JobSpec(KubeModel):
    parallelism: Optional[int] = None
    completions: Optional[int] = None
    active_deadline_seconds: Optional[int] = None
    pod_failure_policy: Optional[PodFailurePolicy] = None
    success_policy: Optional[SuccessPolicy] = None
    backoff_limit: Optional[int] = None
    backoff_limit_per_index: Optional[int] = None
    max_failed_indexes: Optional[int] = None
    selector: Optional[LabelSelector] = None
    manual_selector: Optional[bool] = None
    template: PodTemplateSpec = Field(default_factory=PodTemplateSpec)
    ttl_seconds_after_finished: Optional[int] = None
    completion_mode: Optional[str] = None
    suspend: Optional[bool] = None
    pod_replacement_policy: Optional[str] = None
    managed_by: Optional[str] = None


class UncountedTerminatedPods(KubeModel):
    succeeded: Optional[list[str]] = None
    failed: Optional[list[str]] = None


class JobCondition(GoModel):
    GO_NULLS = ("last_probe_time", "last_transition_time")
    type: str = ""
    status: str = ""
    last_probe_time: Optional[Time] = None
    last_transition_time: Optional[Time] = None
    reason: Optional[str] = None
    message: Optional[str] = None


class JobStatus(KubeModel):
    conditions: Optional[list[JobCondition]] = None
    start_time: Optional[Time] = None
    completion_time: Optional[Time] = None
    active: Optional[int] = None
    succeeded: Optional[int] = None
    failed: Optional[int] = None
    terminating: Optional[int] = None
    completed_indexes: Optional[str] = None
    failed_indexes: Optional[str] = None
    uncounted_terminated_pods: Optional[UncountedTerminatedPods] = None  # `{}` once tracked
    ready: Optional[int] = None


@register_model
class Job(KubeObject):
    API_VERSION: ClassVar[str] = "batch/v1"
    KIND: ClassVar[str] = "Job"
    api_version: Optional[str] = None
    kind: Optional[str] = None
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: JobSpec = Field(default_factory=JobSpec)
    status: JobStatus = Field(default_factory=JobStatus)


class JobTemplateSpec(KubeModel):
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: JobSpec = Field(default_factory=JobSpec)


class CronJobSpec(KubeModel):
    schedule: str = ""
    time_zone: Optional[str] = None
    starting_deadline_seconds: Optional[int] = None
    concurrency_policy: Optional[str] = None
    suspend: Optional[bool] = None
    job_template: JobTemplateSpec = Field(default_factory=JobTemplateSpec)
    successful_jobs_history_limit: Optional[int] = None
    failed_jobs_history_limit: Optional[int] = None


class CronJobStatus(KubeModel):
    active: Optional[list[ObjectReference]] = None
    last_schedule_time: Optional[Time] = None
    last_successful_time: Optional[Time] = None


@register_model
class CronJob(KubeObject):
    API_VERSION: ClassVar[str] = "batch/v1"
    KIND: ClassVar[str] = "CronJob"
    api_version: Optional[str] = None
    kind: Optional[str] = None
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: CronJobSpec = Field(default_factory=CronJobSpec)
    status: CronJobStatus = Field(default_factory=CronJobStatus)
