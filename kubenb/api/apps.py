"""apps/v1 models (k8s.io/api/apps/v1/types.go), fields in Go order.

Every workload ``selector`` is a ``*metav1.LabelSelector`` without ``omitempty``: unset, Go prints
``selector: null``. Status counters without ``omitempty`` print as ``0`` (``replicas: 0`` in a
new ReplicaSet's status, the four DaemonSet counts, StatefulSet ``availableReplicas``).
"""

from __future__ import annotations

from typing import Any, ClassVar, Optional

from pydantic import Field

from kubenb.api.base import KubeModel, KubeObject
from kubenb.api.core import PersistentVolumeClaim, PodTemplateSpec
from kubenb.api.meta import LabelSelector, ObjectMeta
from kubenb.api.registry import register_model
from kubenb.api.types import GoModel, IntOrString, Time

# ---------------------------------------------------------------- Deployment


class RollingUpdateDeployment(KubeModel):
    max_unavailable: Optional[IntOrString] = None
    max_surge: Optional[IntOrString] = None


class DeploymentStrategy(KubeModel):
    type: Optional[str] = None
    rolling_update: Optional[RollingUpdateDeployment] = None


class DeploymentSpec(GoModel):
    GO_NULLS = ("selector",)
    replicas: Optional[int] = None
    selector: Optional[LabelSelector] = None
    template: PodTemplateSpec = Field(default_factory=PodTemplateSpec)
    strategy: DeploymentStrategy = Field(default_factory=DeploymentStrategy)  # `strategy: {}`
    min_ready_seconds: Optional[int] = None
    revision_history_limit: Optional[int] = None
    paused: Optional[bool] = None
    progress_deadline_seconds: Optional[int] = None


class DeploymentCondition(GoModel):
    GO_NULLS = ("last_update_time", "last_transition_time")
    type: str = ""
    status: str = ""
    last_update_time: Optional[Time] = None
    last_transition_time: Optional[Time] = None
    reason: Optional[str] = None
    message: Optional[str] = None


class DeploymentStatus(KubeModel):
    observed_generation: Optional[int] = None
    replicas: Optional[int] = None
    updated_replicas: Optional[int] = None
    ready_replicas: Optional[int] = None
    available_replicas: Optional[int] = None
    unavailable_replicas: Optional[int] = None
    terminating_replicas: Optional[int] = None
    conditions: Optional[list[DeploymentCondition]] = None
    collision_count: Optional[int] = None


@register_model
class Deployment(KubeObject):
    API_VERSION: ClassVar[str] = "apps/v1"
    KIND: ClassVar[str] = "Deployment"
    api_version: Optional[str] = None
    kind: Optional[str] = None
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: DeploymentSpec = Field(default_factory=DeploymentSpec)
    status: DeploymentStatus = Field(default_factory=DeploymentStatus)


# ---------------------------------------------------------------- ReplicaSet


class ReplicaSetSpec(GoModel):
    GO_NULLS = ("selector",)
    replicas: Optional[int] = None
    min_ready_seconds: Optional[int] = None
    selector: Optional[LabelSelector] = None
    template: PodTemplateSpec = Field(default_factory=PodTemplateSpec)


class ReplicaSetCondition(GoModel):
    GO_NULLS = ("last_transition_time",)
    type: str = ""
    status: str = ""
    last_transition_time: Optional[Time] = None
    reason: Optional[str] = None
    message: Optional[str] = None


class ReplicaSetStatus(KubeModel):
    replicas: int = 0
    fully_labeled_replicas: Optional[int] = None
    ready_replicas: Optional[int] = None
    available_replicas: Optional[int] = None
    terminating_replicas: Optional[int] = None
    observed_generation: Optional[int] = None
    conditions: Optional[list[ReplicaSetCondition]] = None


@register_model
class ReplicaSet(KubeObject):
    API_VERSION: ClassVar[str] = "apps/v1"
    KIND: ClassVar[str] = "ReplicaSet"
    api_version: Optional[str] = None
    kind: Optional[str] = None
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: ReplicaSetSpec = Field(default_factory=ReplicaSetSpec)
    status: ReplicaSetStatus = Field(default_factory=ReplicaSetStatus)


# ---------------------------------------------------------------- StatefulSet


class RollingUpdateStatefulSetStrategy(KubeModel):
    partition: Optional[int] = None
    max_unavailable: Optional[IntOrString] = None


class StatefulSetUpdateStrategy(KubeModel):
    type: Optional[str] = None
    rolling_update: Optional[RollingUpdateStatefulSetStrategy] = None


class StatefulSetPersistentVolumeClaimRetentionPolicy(KubeModel):
    when_deleted: Optional[str] = None
    when_scaled: Optional[str] = None


class StatefulSetOrdinals(KubeModel):
    start: int = 0


class StatefulSetSpec(GoModel):
    GO_NULLS = ("selector",)
    replicas: Optional[int] = None
    selector: Optional[LabelSelector] = None
    template: PodTemplateSpec = Field(default_factory=PodTemplateSpec)
    volume_claim_templates: Optional[list[PersistentVolumeClaim]] = None
    service_name: str = ""  # `serviceName: ""` when unset
    pod_management_policy: Optional[str] = None
    update_strategy: StatefulSetUpdateStrategy = Field(default_factory=StatefulSetUpdateStrategy)
    revision_history_limit: Optional[int] = None
    min_ready_seconds: Optional[int] = None
    persistent_volume_claim_retention_policy: Optional[StatefulSetPersistentVolumeClaimRetentionPolicy] = None
    ordinals: Optional[StatefulSetOrdinals] = None


class StatefulSetCondition(GoModel):
    GO_NULLS = ("last_transition_time",)
    type: str = ""
    status: str = ""
    last_transition_time: Optional[Time] = None
    reason: Optional[str] = None
    message: Optional[str] = None


class StatefulSetStatus(KubeModel):
    observed_generation: Optional[int] = None
    replicas: int = 0
    ready_replicas: Optional[int] = None
    current_replicas: Optional[int] = None
    updated_replicas: Optional[int] = None
    current_revision: Optional[str] = None
    update_revision: Optional[str] = None
    collision_count: Optional[int] = None
    conditions: Optional[list[StatefulSetCondition]] = None
    available_replicas: int = 0


@register_model
class StatefulSet(KubeObject):
    API_VERSION: ClassVar[str] = "apps/v1"
    KIND: ClassVar[str] = "StatefulSet"
    api_version: Optional[str] = None
    kind: Optional[str] = None
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: StatefulSetSpec = Field(default_factory=StatefulSetSpec)
    status: StatefulSetStatus = Field(default_factory=StatefulSetStatus)


# ---------------------------------------------------------------- DaemonSet


class RollingUpdateDaemonSet(KubeModel):
    max_unavailable: Optional[IntOrString] = None
    max_surge: Optional[IntOrString] = None


class DaemonSetUpdateStrategy(KubeModel):
    type: Optional[str] = None
    rolling_update: Optional[RollingUpdateDaemonSet] = None


class DaemonSetSpec(GoModel):
    GO_NULLS = ("selector",)
    selector: Optional[LabelSelector] = None
    template: PodTemplateSpec = Field(default_factory=PodTemplateSpec)
    update_strategy: DaemonSetUpdateStrategy = Field(default_factory=DaemonSetUpdateStrategy)
    min_ready_seconds: Optional[int] = None
    revision_history_limit: Optional[int] = None


class DaemonSetCondition(GoModel):
    GO_NULLS = ("last_transition_time",)
    type: str = ""
    status: str = ""
    last_transition_time: Optional[Time] = None
    reason: Optional[str] = None
    message: Optional[str] = None


class DaemonSetStatus(KubeModel):
    current_number_scheduled: int = 0
    number_misscheduled: int = 0
    desired_number_scheduled: int = 0
    number_ready: int = 0
    observed_generation: Optional[int] = None
    updated_number_scheduled: Optional[int] = None
    number_available: Optional[int] = None
    number_unavailable: Optional[int] = None
    collision_count: Optional[int] = None
    conditions: Optional[list[DaemonSetCondition]] = None


@register_model
class DaemonSet(KubeObject):
    API_VERSION: ClassVar[str] = "apps/v1"
    KIND: ClassVar[str] = "DaemonSet"
    api_version: Optional[str] = None
    kind: Optional[str] = None
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: DaemonSetSpec = Field(default_factory=DaemonSetSpec)
    status: DaemonSetStatus = Field(default_factory=DaemonSetStatus)


# ---------------------------------------------------------------- ControllerRevision


@register_model
class ControllerRevision(KubeObject, GoModel):
    """``data`` is a runtime.RawExtension: any JSON (the patch of a template), ``null`` when unset."""

    API_VERSION: ClassVar[str] = "apps/v1"
    KIND: ClassVar[str] = "ControllerRevision"
    GO_NULLS = ("data",)
    api_version: Optional[str] = None
    kind: Optional[str] = None
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    data: Any = None
    revision: int = 0
