"""core/v1 models (k8s.io/api/core/v1/types.go), fields in Go order.

Conventions (see :mod:`kubenb.api.base`): pointer or ``omitempty`` -> ``Optional[...] = None``;
non-pointer struct -> ``Field(default_factory=...)`` (prints ``{}``); non-``omitempty`` scalar ->
Go zero value (``ready: false``, ``imageID: ""``). Fields Go prints as ``null`` when unset are
listed in ``GO_NULLS`` (:class:`kubenb.api.types.GoModel`).

Deprecated in-tree volume plugins (gcePersistentDisk, rbd, cinder, …) are accepted and kept
verbatim as :class:`Unstructured`; kubenb does not model them.
"""

from __future__ import annotations

from typing import ClassVar, Optional

from pydantic import Field

from kubenb.api.base import KubeModel, KubeObject, Unstructured
from kubenb.api.meta import LabelSelector, ObjectMeta
from kubenb.api.registry import register_model
from kubenb.api.types import GoModel, IntOrString, MicroTime, Quantity, Time

# ---------------------------------------------------------------- references


class ObjectReference(KubeModel):
    kind: Optional[str] = None
    namespace: Optional[str] = None
    name: Optional[str] = None
    uid: Optional[str] = None
    api_version: Optional[str] = None
    resource_version: Optional[str] = None
    field_path: Optional[str] = None


class LocalObjectReference(KubeModel):
    name: Optional[str] = None


class TypedLocalObjectReference(GoModel):
    GO_NULLS = ("api_group",)  # *string without omitempty: `apiGroup: null`
    api_group: Optional[str] = None
    kind: str = ""
    name: str = ""


class TypedObjectReference(GoModel):
    GO_NULLS = ("api_group",)
    api_group: Optional[str] = None
    kind: str = ""
    name: str = ""
    namespace: Optional[str] = None


class SecretReference(KubeModel):
    name: Optional[str] = None
    namespace: Optional[str] = None


class Condition(GoModel):
    """metav1.Condition (Service status, most newer APIs); every field but observedGeneration prints."""

    GO_NULLS = ("last_transition_time",)
    type: str = ""
    status: str = ""
    observed_generation: Optional[int] = None
    last_transition_time: Optional[Time] = None
    reason: str = ""
    message: str = ""


# ---------------------------------------------------------------- volumes


class KeyToPath(KubeModel):
    key: str = ""
    path: str = ""
    mode: Optional[int] = None


class HostPathVolumeSource(KubeModel):
    path: str = ""
    type: Optional[str] = None


class EmptyDirVolumeSource(KubeModel):
    medium: Optional[str] = None
    size_limit: Optional[Quantity] = None


class SecretVolumeSource(KubeModel):
    secret_name: Optional[str] = None
    items: Optional[list[KeyToPath]] = None
    default_mode: Optional[int] = None
    optional: Optional[bool] = None


class NFSVolumeSource(KubeModel):
    server: str = ""
    path: str = ""
    read_only: Optional[bool] = None


class PersistentVolumeClaimVolumeSource(KubeModel):
    claim_name: str = ""
    read_only: Optional[bool] = None


class ConfigMapVolumeSource(KubeModel):
    name: Optional[str] = None  # inlined LocalObjectReference
    items: Optional[list[KeyToPath]] = None
    default_mode: Optional[int] = None
    optional: Optional[bool] = None


class ObjectFieldSelector(KubeModel):
    api_version: Optional[str] = None
    field_path: str = ""


class ResourceFieldSelector(KubeModel):
    container_name: Optional[str] = None
    resource: str = ""
    # A non-pointer resource.Quantity: omitempty cannot hide a struct, so Go prints `divisor: "0"`.
    divisor: Quantity = "0"


class DownwardAPIVolumeFile(KubeModel):
    path: str = ""
    field_ref: Optional[ObjectFieldSelector] = None
    resource_field_ref: Optional[ResourceFieldSelector] = None
    mode: Optional[int] = None


class DownwardAPIVolumeSource(KubeModel):
    items: Optional[list[DownwardAPIVolumeFile]] = None
    default_mode: Optional[int] = None


class DownwardAPIProjection(KubeModel):
    items: Optional[list[DownwardAPIVolumeFile]] = None


class SecretProjection(KubeModel):
    name: Optional[str] = None
    items: Optional[list[KeyToPath]] = None
    optional: Optional[bool] = None


class ConfigMapProjection(KubeModel):
    name: Optional[str] = None
    items: Optional[list[KeyToPath]] = None
    optional: Optional[bool] = None


class ServiceAccountTokenProjection(KubeModel):
    audience: Optional[str] = None
    expiration_seconds: Optional[int] = None
    path: str = ""


class ClusterTrustBundleProjection(KubeModel):
    name: Optional[str] = None
    signer_name: Optional[str] = None
    label_selector: Optional[LabelSelector] = None
    optional: Optional[bool] = None
    path: str = ""


class PodCertificateProjection(KubeModel):
    signer_name: Optional[str] = None
    key_type: Optional[str] = None
    max_expiration_seconds: Optional[int] = None
    credential_bundle_path: Optional[str] = None
    key_path: Optional[str] = None
    certificate_chain_path: Optional[str] = None
    user_annotations: Optional[dict[str, str]] = None


class VolumeProjection(KubeModel):
    secret: Optional[SecretProjection] = None
    downward_api: Optional[DownwardAPIProjection] = Field(default=None, alias="downwardAPI")
    config_map: Optional[ConfigMapProjection] = None
    service_account_token: Optional[ServiceAccountTokenProjection] = None
    cluster_trust_bundle: Optional[ClusterTrustBundleProjection] = None
    pod_certificate: Optional[PodCertificateProjection] = None


class ProjectedVolumeSource(GoModel):
    GO_NULLS = ("sources",)
    sources: Optional[list[VolumeProjection]] = None
    default_mode: Optional[int] = None


class CSIVolumeSource(KubeModel):
    driver: str = ""
    read_only: Optional[bool] = None
    fs_type: Optional[str] = None
    volume_attributes: Optional[dict[str, str]] = None
    node_publish_secret_ref: Optional[LocalObjectReference] = None


class ImageVolumeSource(KubeModel):
    reference: Optional[str] = None
    pull_policy: Optional[str] = None


class LocalVolumeSource(KubeModel):
    path: str = ""
    fs_type: Optional[str] = None


class CSIPersistentVolumeSource(KubeModel):
    driver: str = ""
    volume_handle: str = ""
    read_only: Optional[bool] = None
    fs_type: Optional[str] = None
    volume_attributes: Optional[dict[str, str]] = None
    controller_publish_secret_ref: Optional[SecretReference] = None
    node_stage_secret_ref: Optional[SecretReference] = None
    node_publish_secret_ref: Optional[SecretReference] = None
    controller_expand_secret_ref: Optional[SecretReference] = None
    node_expand_secret_ref: Optional[SecretReference] = None


# ---------------------------------------------------------------- node selection (used by PVs too)


class NodeSelectorRequirement(KubeModel):
    key: str = ""
    operator: str = ""
    values: Optional[list[str]] = None


class NodeSelectorTerm(KubeModel):
    match_expressions: Optional[list[NodeSelectorRequirement]] = None
    match_fields: Optional[list[NodeSelectorRequirement]] = None


class NodeSelector(GoModel):
    GO_NULLS = ("node_selector_terms",)
    node_selector_terms: Optional[list[NodeSelectorTerm]] = None


class TopologySelectorLabelRequirement(GoModel):
    GO_NULLS = ("values",)
    key: str = ""
    values: Optional[list[str]] = None


class TopologySelectorTerm(KubeModel):
    match_label_expressions: Optional[list[TopologySelectorLabelRequirement]] = None


# ---------------------------------------------------------------- persistent volumes and claims


class VolumeResourceRequirements(KubeModel):
    limits: Optional[dict[str, Quantity]] = None
    requests: Optional[dict[str, Quantity]] = None


class PersistentVolumeClaimSpec(KubeModel):
    access_modes: Optional[list[str]] = None
    selector: Optional[LabelSelector] = None
    resources: VolumeResourceRequirements = Field(default_factory=VolumeResourceRequirements)
    volume_name: Optional[str] = None
    storage_class_name: Optional[str] = None
    volume_mode: Optional[str] = None
    data_source: Optional[TypedLocalObjectReference] = None
    data_source_ref: Optional[TypedObjectReference] = None
    volume_attributes_class_name: Optional[str] = None


class PersistentVolumeClaimCondition(GoModel):
    GO_NULLS = ("last_probe_time", "last_transition_time")
    type: str = ""
    status: str = ""
    last_probe_time: Optional[Time] = None
    last_transition_time: Optional[Time] = None
    reason: Optional[str] = None
    message: Optional[str] = None


class ModifyVolumeStatus(KubeModel):
    target_volume_attributes_class_name: Optional[str] = None
    status: str = ""


class PersistentVolumeClaimStatus(KubeModel):
    phase: Optional[str] = None
    access_modes: Optional[list[str]] = None
    capacity: Optional[dict[str, Quantity]] = None
    conditions: Optional[list[PersistentVolumeClaimCondition]] = None
    allocated_resources: Optional[dict[str, Quantity]] = None
    allocated_resource_statuses: Optional[dict[str, str]] = None
    current_volume_attributes_class_name: Optional[str] = None
    modify_volume_status: Optional[ModifyVolumeStatus] = None


@register_model
class PersistentVolumeClaim(KubeObject):
    """Also the element type of StatefulSet volumeClaimTemplates (apiVersion/kind then print there)."""

    API_VERSION: ClassVar[str] = "v1"
    KIND: ClassVar[str] = "PersistentVolumeClaim"
    api_version: Optional[str] = None
    kind: Optional[str] = None
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: PersistentVolumeClaimSpec = Field(default_factory=PersistentVolumeClaimSpec)
    status: PersistentVolumeClaimStatus = Field(default_factory=PersistentVolumeClaimStatus)


class PersistentVolumeClaimTemplate(KubeModel):
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: PersistentVolumeClaimSpec = Field(default_factory=PersistentVolumeClaimSpec)


class EphemeralVolumeSource(KubeModel):
    volume_claim_template: Optional[PersistentVolumeClaimTemplate] = None


class VolumeNodeAffinity(KubeModel):
    required: Optional[NodeSelector] = None


class PersistentVolumeSpec(KubeModel):
    capacity: Optional[dict[str, Quantity]] = None
    # inlined PersistentVolumeSource
    gce_persistent_disk: Optional[Unstructured] = None
    aws_elastic_block_store: Optional[Unstructured] = None
    host_path: Optional[HostPathVolumeSource] = None
    glusterfs: Optional[Unstructured] = None
    nfs: Optional[NFSVolumeSource] = None
    rbd: Optional[Unstructured] = None
    iscsi: Optional[Unstructured] = None
    cinder: Optional[Unstructured] = None
    cephfs: Optional[Unstructured] = None
    fc: Optional[Unstructured] = None
    flocker: Optional[Unstructured] = None
    flex_volume: Optional[Unstructured] = None
    azure_file: Optional[Unstructured] = None
    vsphere_volume: Optional[Unstructured] = None
    quobyte: Optional[Unstructured] = None
    azure_disk: Optional[Unstructured] = None
    photon_persistent_disk: Optional[Unstructured] = None
    portworx_volume: Optional[Unstructured] = None
    scale_io: Optional[Unstructured] = Field(default=None, alias="scaleIO")
    local: Optional[LocalVolumeSource] = None
    storageos: Optional[Unstructured] = None
    csi: Optional[CSIPersistentVolumeSource] = None
    # end of PersistentVolumeSource
    access_modes: Optional[list[str]] = None
    claim_ref: Optional[ObjectReference] = None
    persistent_volume_reclaim_policy: Optional[str] = None
    storage_class_name: Optional[str] = None
    mount_options: Optional[list[str]] = None
    volume_mode: Optional[str] = None
    node_affinity: Optional[VolumeNodeAffinity] = None
    volume_attributes_class_name: Optional[str] = None


class PersistentVolumeStatus(KubeModel):
    phase: Optional[str] = None
    message: Optional[str] = None
    reason: Optional[str] = None
    last_phase_transition_time: Optional[Time] = None


@register_model
class PersistentVolume(KubeObject):
    API_VERSION: ClassVar[str] = "v1"
    KIND: ClassVar[str] = "PersistentVolume"
    api_version: Optional[str] = None
    kind: Optional[str] = None
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: PersistentVolumeSpec = Field(default_factory=PersistentVolumeSpec)
    status: PersistentVolumeStatus = Field(default_factory=PersistentVolumeStatus)


class Volume(KubeModel):
    """A pod volume: ``name`` plus the inlined VolumeSource (exactly one member set)."""

    name: str = ""
    host_path: Optional[HostPathVolumeSource] = None
    empty_dir: Optional[EmptyDirVolumeSource] = None
    gce_persistent_disk: Optional[Unstructured] = None
    aws_elastic_block_store: Optional[Unstructured] = None
    git_repo: Optional[Unstructured] = None
    secret: Optional[SecretVolumeSource] = None
    nfs: Optional[NFSVolumeSource] = None
    iscsi: Optional[Unstructured] = None
    glusterfs: Optional[Unstructured] = None
    persistent_volume_claim: Optional[PersistentVolumeClaimVolumeSource] = None
    rbd: Optional[Unstructured] = None
    flex_volume: Optional[Unstructured] = None
    cinder: Optional[Unstructured] = None
    cephfs: Optional[Unstructured] = None
    flocker: Optional[Unstructured] = None
    downward_api: Optional[DownwardAPIVolumeSource] = Field(default=None, alias="downwardAPI")
    fc: Optional[Unstructured] = None
    azure_file: Optional[Unstructured] = None
    config_map: Optional[ConfigMapVolumeSource] = None
    vsphere_volume: Optional[Unstructured] = None
    quobyte: Optional[Unstructured] = None
    azure_disk: Optional[Unstructured] = None
    photon_persistent_disk: Optional[Unstructured] = None
    projected: Optional[ProjectedVolumeSource] = None
    portworx_volume: Optional[Unstructured] = None
    scale_io: Optional[Unstructured] = Field(default=None, alias="scaleIO")
    storageos: Optional[Unstructured] = None
    csi: Optional[CSIVolumeSource] = None
    ephemeral: Optional[EphemeralVolumeSource] = None
    image: Optional[ImageVolumeSource] = None


# ---------------------------------------------------------------- containers


class ContainerPort(KubeModel):
    name: Optional[str] = None
    host_port: Optional[int] = None
    container_port: int = 0
    protocol: Optional[str] = None
    host_ip: Optional[str] = None


class VolumeMount(KubeModel):
    name: str = ""
    read_only: Optional[bool] = None
    recursive_read_only: Optional[str] = None
    mount_path: str = ""
    sub_path: Optional[str] = None
    mount_propagation: Optional[str] = None
    sub_path_expr: Optional[str] = None


class VolumeDevice(KubeModel):
    name: str = ""
    device_path: str = ""


class ConfigMapKeySelector(KubeModel):
    name: Optional[str] = None
    key: str = ""
    optional: Optional[bool] = None


class SecretKeySelector(KubeModel):
    name: Optional[str] = None
    key: str = ""
    optional: Optional[bool] = None


class FileKeySelector(KubeModel):
    volume_name: str = ""
    path: str = ""
    key: str = ""
    optional: Optional[bool] = None


class EnvVarSource(KubeModel):
    field_ref: Optional[ObjectFieldSelector] = None
    resource_field_ref: Optional[ResourceFieldSelector] = None
    config_map_key_ref: Optional[ConfigMapKeySelector] = None
    secret_key_ref: Optional[SecretKeySelector] = None
    file_key_ref: Optional[FileKeySelector] = None


class EnvVar(KubeModel):
    name: str = ""
    value: Optional[str] = None
    value_from: Optional[EnvVarSource] = None


class ConfigMapEnvSource(KubeModel):
    name: Optional[str] = None
    optional: Optional[bool] = None


class SecretEnvSource(KubeModel):
    name: Optional[str] = None
    optional: Optional[bool] = None


class EnvFromSource(KubeModel):
    prefix: Optional[str] = None
    config_map_ref: Optional[ConfigMapEnvSource] = None
    secret_ref: Optional[SecretEnvSource] = None


class ResourceClaim(KubeModel):
    name: str = ""
    request: Optional[str] = None


class ResourceRequirements(KubeModel):
    limits: Optional[dict[str, Quantity]] = None
    requests: Optional[dict[str, Quantity]] = None
    claims: Optional[list[ResourceClaim]] = None


class ContainerResizePolicy(KubeModel):
    resource_name: str = ""
    restart_policy: str = ""


class ContainerRestartRuleOnExitCodes(KubeModel):
    operator: Optional[str] = None
    values: Optional[list[int]] = None


class ContainerRestartRule(KubeModel):
    action: Optional[str] = None
    exit_codes: Optional[ContainerRestartRuleOnExitCodes] = None


class HTTPHeader(KubeModel):
    name: str = ""
    value: str = ""


class HTTPGetAction(KubeModel):
    path: Optional[str] = None
    port: IntOrString = 0
    host: Optional[str] = None
    scheme: Optional[str] = None
    http_headers: Optional[list[HTTPHeader]] = None


class TCPSocketAction(KubeModel):
    port: IntOrString = 0
    host: Optional[str] = None


class GRPCAction(GoModel):
    GO_NULLS = ("service",)  # *string without omitempty
    port: int = 0
    service: Optional[str] = None


class ExecAction(KubeModel):
    command: Optional[list[str]] = None


class SleepAction(KubeModel):
    seconds: int = 0


class Probe(KubeModel):
    # inlined ProbeHandler
    exec: Optional[ExecAction] = None
    http_get: Optional[HTTPGetAction] = None
    tcp_socket: Optional[TCPSocketAction] = None
    grpc: Optional[GRPCAction] = None
    # end of ProbeHandler
    initial_delay_seconds: Optional[int] = None
    timeout_seconds: Optional[int] = None
    period_seconds: Optional[int] = None
    success_threshold: Optional[int] = None
    failure_threshold: Optional[int] = None
    termination_grace_period_seconds: Optional[int] = None


class LifecycleHandler(KubeModel):
    exec: Optional[ExecAction] = None
    http_get: Optional[HTTPGetAction] = None
    tcp_socket: Optional[TCPSocketAction] = None
    sleep: Optional[SleepAction] = None


class Lifecycle(KubeModel):
    post_start: Optional[LifecycleHandler] = None
    pre_stop: Optional[LifecycleHandler] = None
    stop_signal: Optional[str] = None


class Capabilities(KubeModel):
    add: Optional[list[str]] = None
    drop: Optional[list[str]] = None


class SELinuxOptions(KubeModel):
    user: Optional[str] = None
    role: Optional[str] = None
    type: Optional[str] = None
    level: Optional[str] = None


class WindowsSecurityContextOptions(KubeModel):
    gmsa_credential_spec_name: Optional[str] = None
    gmsa_credential_spec: Optional[str] = None
    run_as_user_name: Optional[str] = None
    host_process: Optional[bool] = None


class SeccompProfile(KubeModel):
    type: str = ""
    localhost_profile: Optional[str] = None


class AppArmorProfile(KubeModel):
    type: str = ""
    localhost_profile: Optional[str] = None


class SecurityContext(KubeModel):
    capabilities: Optional[Capabilities] = None
    privileged: Optional[bool] = None
    se_linux_options: Optional[SELinuxOptions] = None
    windows_options: Optional[WindowsSecurityContextOptions] = None
    run_as_user: Optional[int] = None
    run_as_group: Optional[int] = None
    run_as_non_root: Optional[bool] = None
    read_only_root_filesystem: Optional[bool] = None
    allow_privilege_escalation: Optional[bool] = None
    proc_mount: Optional[str] = None
    seccomp_profile: Optional[SeccompProfile] = None
    app_armor_profile: Optional[AppArmorProfile] = None


class Container(KubeModel):
    name: str = ""
    image: Optional[str] = None
    command: Optional[list[str]] = None
    args: Optional[list[str]] = None
    working_dir: Optional[str] = None
    ports: Optional[list[ContainerPort]] = None
    env_from: Optional[list[EnvFromSource]] = None
    env: Optional[list[EnvVar]] = None
    resources: ResourceRequirements = Field(default_factory=ResourceRequirements)
    resize_policy: Optional[list[ContainerResizePolicy]] = None
    restart_policy: Optional[str] = None  # "Always" on an init container makes it a sidecar
    restart_policy_rules: Optional[list[ContainerRestartRule]] = None
    volume_mounts: Optional[list[VolumeMount]] = None
    volume_devices: Optional[list[VolumeDevice]] = None
    liveness_probe: Optional[Probe] = None
    readiness_probe: Optional[Probe] = None
    startup_probe: Optional[Probe] = None
    lifecycle: Optional[Lifecycle] = None
    termination_message_path: Optional[str] = None
    termination_message_policy: Optional[str] = None
    image_pull_policy: Optional[str] = None
    security_context: Optional[SecurityContext] = None
    stdin: Optional[bool] = None
    stdin_once: Optional[bool] = None
    tty: Optional[bool] = None


class EphemeralContainer(Container):
    target_container_name: Optional[str] = None


# ---------------------------------------------------------------- scheduling


class PreferredSchedulingTerm(KubeModel):
    weight: int = 0
    preference: NodeSelectorTerm = Field(default_factory=NodeSelectorTerm)


class NodeAffinity(KubeModel):
    required_during_scheduling_ignored_during_execution: Optional[NodeSelector] = None
    preferred_during_scheduling_ignored_during_execution: Optional[list[PreferredSchedulingTerm]] = None


class PodAffinityTerm(KubeModel):
    label_selector: Optional[LabelSelector] = None
    namespaces: Optional[list[str]] = None
    topology_key: str = ""
    namespace_selector: Optional[LabelSelector] = None
    match_label_keys: Optional[list[str]] = None
    mismatch_label_keys: Optional[list[str]] = None


class WeightedPodAffinityTerm(KubeModel):
    weight: int = 0
    pod_affinity_term: PodAffinityTerm = Field(default_factory=PodAffinityTerm)


class PodAffinity(KubeModel):
    required_during_scheduling_ignored_during_execution: Optional[list[PodAffinityTerm]] = None
    preferred_during_scheduling_ignored_during_execution: Optional[list[WeightedPodAffinityTerm]] = None


class PodAntiAffinity(KubeModel):
    required_during_scheduling_ignored_during_execution: Optional[list[PodAffinityTerm]] = None
    preferred_during_scheduling_ignored_during_execution: Optional[list[WeightedPodAffinityTerm]] = None


class Affinity(KubeModel):
    node_affinity: Optional[NodeAffinity] = None
    pod_affinity: Optional[PodAffinity] = None
    pod_anti_affinity: Optional[PodAntiAffinity] = None


class Taint(KubeModel):
    key: str = ""
    value: Optional[str] = None
    effect: str = ""
    time_added: Optional[Time] = None


class Toleration(KubeModel):
    key: Optional[str] = None
    operator: Optional[str] = None
    value: Optional[str] = None
    effect: Optional[str] = None
    toleration_seconds: Optional[int] = None


class TopologySpreadConstraint(KubeModel):
    max_skew: int = 0
    topology_key: str = ""
    when_unsatisfiable: str = ""
    label_selector: Optional[LabelSelector] = None
    min_domains: Optional[int] = None
    node_affinity_policy: Optional[str] = None
    node_taints_policy: Optional[str] = None
    match_label_keys: Optional[list[str]] = None


# ---------------------------------------------------------------- pods


class Sysctl(KubeModel):
    name: str = ""
    value: str = ""


class PodSecurityContext(KubeModel):
    se_linux_options: Optional[SELinuxOptions] = None
    windows_options: Optional[WindowsSecurityContextOptions] = None
    run_as_user: Optional[int] = None
    run_as_group: Optional[int] = None
    run_as_non_root: Optional[bool] = None
    supplemental_groups: Optional[list[int]] = None
    supplemental_groups_policy: Optional[str] = None
    fs_group: Optional[int] = None
    sysctls: Optional[list[Sysctl]] = None
    fs_group_change_policy: Optional[str] = None
    seccomp_profile: Optional[SeccompProfile] = None
    app_armor_profile: Optional[AppArmorProfile] = None
    se_linux_change_policy: Optional[str] = None


class HostAlias(KubeModel):
    ip: str = ""
    hostnames: Optional[list[str]] = None


class PodDNSConfigOption(KubeModel):
    name: Optional[str] = None
    value: Optional[str] = None


class PodDNSConfig(KubeModel):
    nameservers: Optional[list[str]] = None
    searches: Optional[list[str]] = None
    options: Optional[list[PodDNSConfigOption]] = None


class PodReadinessGate(KubeModel):
    condition_type: str = ""


class PodOS(KubeModel):
    name: str = ""


class PodSchedulingGate(KubeModel):
    name: str = ""


class PodResourceClaim(KubeModel):
    name: str = ""
    resource_claim_name: Optional[str] = None
    resource_claim_template_name: Optional[str] = None


class WorkloadReference(KubeModel):
    name: str = ""
    pod_group: str = ""
    pod_group_replica_key: Optional[str] = None


class PodSpec(KubeModel):
    """``containers`` is a list even when unset (Go would print ``null``): every stored pod has
    containers, and code iterates them everywhere."""

    volumes: Optional[list[Volume]] = None
    init_containers: Optional[list[Container]] = None
    containers: list[Container] = Field(default_factory=list)
    ephemeral_containers: Optional[list[EphemeralContainer]] = None
    restart_policy: Optional[str] = None
    termination_grace_period_seconds: Optional[int] = None
    active_deadline_seconds: Optional[int] = None
    dns_policy: Optional[str] = None
    node_selector: Optional[dict[str, str]] = None
    service_account_name: Optional[str] = None
    service_account: Optional[str] = None  # DeprecatedServiceAccount, still written by the API server
    automount_service_account_token: Optional[bool] = None
    node_name: Optional[str] = None
    host_network: Optional[bool] = None
    host_pid: Optional[bool] = None
    host_ipc: Optional[bool] = None
    share_process_namespace: Optional[bool] = None
    security_context: Optional[PodSecurityContext] = None
    image_pull_secrets: Optional[list[LocalObjectReference]] = None
    hostname: Optional[str] = None
    subdomain: Optional[str] = None
    affinity: Optional[Affinity] = None
    scheduler_name: Optional[str] = None
    tolerations: Optional[list[Toleration]] = None
    host_aliases: Optional[list[HostAlias]] = None
    priority_class_name: Optional[str] = None
    priority: Optional[int] = None
    dns_config: Optional[PodDNSConfig] = None
    readiness_gates: Optional[list[PodReadinessGate]] = None
    runtime_class_name: Optional[str] = None
    enable_service_links: Optional[bool] = None
    preemption_policy: Optional[str] = None
    overhead: Optional[dict[str, Quantity]] = None
    topology_spread_constraints: Optional[list[TopologySpreadConstraint]] = None
    set_hostname_as_fqdn: Optional[bool] = Field(default=None, alias="setHostnameAsFQDN")
    os: Optional[PodOS] = None
    host_users: Optional[bool] = None
    scheduling_gates: Optional[list[PodSchedulingGate]] = None
    resource_claims: Optional[list[PodResourceClaim]] = None
    resources: Optional[ResourceRequirements] = None
    hostname_override: Optional[str] = None
    workload_ref: Optional[WorkloadReference] = None


class PodCondition(GoModel):
    GO_NULLS = ("last_probe_time", "last_transition_time")  # `lastProbeTime: null` in every pod
    type: str = ""
    observed_generation: Optional[int] = None
    status: str = ""
    last_probe_time: Optional[Time] = None
    last_transition_time: Optional[Time] = None
    reason: Optional[str] = None
    message: Optional[str] = None


class ContainerStateWaiting(KubeModel):
    reason: Optional[str] = None
    message: Optional[str] = None


class ContainerStateRunning(GoModel):
    GO_NULLS = ("started_at",)
    started_at: Optional[Time] = None


class ContainerStateTerminated(GoModel):
    GO_NULLS = ("started_at", "finished_at")
    exit_code: int = 0
    signal: Optional[int] = None
    reason: Optional[str] = None
    message: Optional[str] = None
    started_at: Optional[Time] = None
    finished_at: Optional[Time] = None
    container_id: Optional[str] = None


class ContainerState(KubeModel):
    waiting: Optional[ContainerStateWaiting] = None
    running: Optional[ContainerStateRunning] = None
    terminated: Optional[ContainerStateTerminated] = None


class ImageVolumeStatus(KubeModel):
    image_ref: Optional[str] = None


class VolumeStatus(KubeModel):
    image: Optional[ImageVolumeStatus] = None


class VolumeMountStatus(KubeModel):
    name: str = ""
    mount_path: str = ""
    read_only: Optional[bool] = None
    recursive_read_only: Optional[str] = None
    # Go (1.34+) has a non-pointer `volumeStatus` here, which would print `{}` on every mount;
    # clusters up to 1.33 print nothing, so it stays optional.
    volume_status: Optional[VolumeStatus] = None


class LinuxContainerUser(KubeModel):
    uid: int = 0
    gid: int = 0
    supplemental_groups: Optional[list[int]] = None


class ContainerUser(KubeModel):
    linux: Optional[LinuxContainerUser] = None


class ResourceHealth(KubeModel):
    resource_id: str = Field(default="", alias="resourceID")
    health: Optional[str] = None


class ResourceStatus(KubeModel):
    name: str = ""
    resources: Optional[list[ResourceHealth]] = None


class ContainerStatus(KubeModel):
    name: str = ""
    state: ContainerState = Field(default_factory=ContainerState)
    last_state: ContainerState = Field(default_factory=ContainerState)  # prints `lastState: {}`
    ready: bool = False
    restart_count: int = 0
    image: str = ""
    image_id: str = ""  # `imageID: ""` while the image is pulled
    container_id: Optional[str] = None
    started: Optional[bool] = None
    allocated_resources: Optional[dict[str, Quantity]] = None
    resources: Optional[ResourceRequirements] = None
    volume_mounts: Optional[list[VolumeMountStatus]] = None
    user: Optional[ContainerUser] = None
    allocated_resources_status: Optional[list[ResourceStatus]] = None
    stop_signal: Optional[str] = None


class HostIP(KubeModel):
    ip: str = ""


class PodIP(KubeModel):
    ip: str = ""


class PodResourceClaimStatus(KubeModel):
    name: str = ""
    resource_claim_name: Optional[str] = None


class ContainerExtendedResourceRequest(KubeModel):
    container_name: str = ""
    resource_name: str = ""
    request_name: str = ""


class PodExtendedResourceClaimStatus(GoModel):
    GO_NULLS = ("request_mappings",)
    request_mappings: Optional[list[ContainerExtendedResourceRequest]] = None
    resource_claim_name: str = ""


class PodStatus(KubeModel):
    observed_generation: Optional[int] = None
    phase: Optional[str] = None
    conditions: Optional[list[PodCondition]] = None
    message: Optional[str] = None
    reason: Optional[str] = None
    nominated_node_name: Optional[str] = None
    host_ip: Optional[str] = None
    host_ips: Optional[list[HostIP]] = None
    pod_ip: Optional[str] = None
    pod_ips: Optional[list[PodIP]] = None
    start_time: Optional[Time] = None
    init_container_statuses: Optional[list[ContainerStatus]] = None
    container_statuses: Optional[list[ContainerStatus]] = None
    qos_class: Optional[str] = None
    ephemeral_container_statuses: Optional[list[ContainerStatus]] = None
    resize: Optional[str] = None
    resource_claim_statuses: Optional[list[PodResourceClaimStatus]] = None
    extended_resource_claim_status: Optional[PodExtendedResourceClaimStatus] = None
    allocated_resources: Optional[dict[str, Quantity]] = None
    resources: Optional[ResourceRequirements] = None


@register_model
class Pod(KubeObject):
    API_VERSION: ClassVar[str] = "v1"
    KIND: ClassVar[str] = "Pod"
    api_version: Optional[str] = None
    kind: Optional[str] = None
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: PodSpec = Field(default_factory=PodSpec)
    status: PodStatus = Field(default_factory=PodStatus)


class PodTemplateSpec(KubeModel):
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)  # `metadata: {creationTimestamp: null}`
    spec: PodSpec = Field(default_factory=PodSpec)


@register_model
class PodTemplate(KubeObject):
    API_VERSION: ClassVar[str] = "v1"
    KIND: ClassVar[str] = "PodTemplate"
    api_version: Optional[str] = None
    kind: Optional[str] = None
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    template: PodTemplateSpec = Field(default_factory=PodTemplateSpec)


# ---------------------------------------------------------------- replication controllers


class ReplicationControllerSpec(KubeModel):
    replicas: Optional[int] = None
    min_ready_seconds: Optional[int] = None
    selector: Optional[dict[str, str]] = None
    template: Optional[PodTemplateSpec] = None


class ReplicationControllerCondition(GoModel):
    GO_NULLS = ("last_transition_time",)
    type: str = ""
    status: str = ""
    last_transition_time: Optional[Time] = None
    reason: Optional[str] = None
    message: Optional[str] = None


class ReplicationControllerStatus(KubeModel):
    replicas: int = 0
    fully_labeled_replicas: Optional[int] = None
    ready_replicas: Optional[int] = None
    available_replicas: Optional[int] = None
    observed_generation: Optional[int] = None
    conditions: Optional[list[ReplicationControllerCondition]] = None


@register_model
class ReplicationController(KubeObject):
    API_VERSION: ClassVar[str] = "v1"
    KIND: ClassVar[str] = "ReplicationController"
    api_version: Optional[str] = None
    kind: Optional[str] = None
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: ReplicationControllerSpec = Field(default_factory=ReplicationControllerSpec)
    status: ReplicationControllerStatus = Field(default_factory=ReplicationControllerStatus)


# ---------------------------------------------------------------- namespaces


class NamespaceSpec(KubeModel):
    finalizers: Optional[list[str]] = None


class NamespaceCondition(GoModel):
    GO_NULLS = ("last_transition_time",)
    type: str = ""
    status: str = ""
    last_transition_time: Optional[Time] = None
    reason: Optional[str] = None
    message: Optional[str] = None


class NamespaceStatus(KubeModel):
    phase: Optional[str] = None
    conditions: Optional[list[NamespaceCondition]] = None


@register_model
class Namespace(KubeObject):
    API_VERSION: ClassVar[str] = "v1"
    KIND: ClassVar[str] = "Namespace"
    api_version: Optional[str] = None
    kind: Optional[str] = None
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: NamespaceSpec = Field(default_factory=NamespaceSpec)
    status: NamespaceStatus = Field(default_factory=NamespaceStatus)


# ---------------------------------------------------------------- nodes


class ConfigMapNodeConfigSource(KubeModel):
    namespace: str = ""
    name: str = ""
    uid: Optional[str] = None
    resource_version: Optional[str] = None
    kubelet_config_key: str = ""


class NodeConfigSource(KubeModel):
    config_map: Optional[ConfigMapNodeConfigSource] = None


class NodeSpec(KubeModel):
    pod_cidr: Optional[str] = None
    pod_cidrs: Optional[list[str]] = None
    provider_id: Optional[str] = None
    unschedulable: Optional[bool] = None
    taints: Optional[list[Taint]] = None
    config_source: Optional[NodeConfigSource] = None
    external_id: Optional[str] = Field(default=None, alias="externalID")


class DaemonEndpoint(KubeModel):
    port: int = Field(default=0, alias="Port")  # capitalised in the JSON, for historical reasons


class NodeDaemonEndpoints(KubeModel):
    kubelet_endpoint: DaemonEndpoint = Field(default_factory=DaemonEndpoint)


class NodeRuntimeHandlerFeatures(KubeModel):
    recursive_read_only_mounts: Optional[bool] = None
    user_namespaces: Optional[bool] = None


class NodeRuntimeHandler(KubeModel):
    name: str = ""  # `name: ""` for the default handler
    features: Optional[NodeRuntimeHandlerFeatures] = None


class NodeFeatures(KubeModel):
    supplemental_groups_policy: Optional[bool] = None


class NodeSwapStatus(KubeModel):
    capacity: Optional[int] = None


class NodeSystemInfo(KubeModel):
    machine_id: str = ""
    system_uuid: str = ""
    boot_id: str = ""
    kernel_version: str = ""
    os_image: str = ""
    container_runtime_version: str = ""
    kubelet_version: str = ""
    kube_proxy_version: str = ""
    operating_system: str = ""
    architecture: str = ""
    swap: Optional[NodeSwapStatus] = None


class NodeConfigStatus(KubeModel):
    assigned: Optional[NodeConfigSource] = None
    active: Optional[NodeConfigSource] = None
    last_known_good: Optional[NodeConfigSource] = None
    error: Optional[str] = None


class NodeCondition(GoModel):
    GO_NULLS = ("last_heartbeat_time", "last_transition_time")
    type: str = ""
    status: str = ""
    last_heartbeat_time: Optional[Time] = None
    last_transition_time: Optional[Time] = None
    reason: Optional[str] = None
    message: Optional[str] = None


class NodeAddress(KubeModel):
    type: str = ""
    address: str = ""


class ContainerImage(GoModel):
    GO_NULLS = ("names",)
    names: Optional[list[str]] = None
    size_bytes: Optional[int] = None


class AttachedVolume(KubeModel):
    name: str = ""
    device_path: str = ""


class NodeStatus(KubeModel):
    capacity: Optional[dict[str, Quantity]] = None
    allocatable: Optional[dict[str, Quantity]] = None
    phase: Optional[str] = None
    conditions: Optional[list[NodeCondition]] = None
    addresses: Optional[list[NodeAddress]] = None
    daemon_endpoints: NodeDaemonEndpoints = Field(default_factory=NodeDaemonEndpoints)
    node_info: NodeSystemInfo = Field(default_factory=NodeSystemInfo)
    images: Optional[list[ContainerImage]] = None
    volumes_in_use: Optional[list[str]] = None
    volumes_attached: Optional[list[AttachedVolume]] = None
    config: Optional[NodeConfigStatus] = None
    runtime_handlers: Optional[list[NodeRuntimeHandler]] = None
    features: Optional[NodeFeatures] = None
    declared_features: Optional[list[str]] = None


@register_model
class Node(KubeObject):
    API_VERSION: ClassVar[str] = "v1"
    KIND: ClassVar[str] = "Node"
    api_version: Optional[str] = None
    kind: Optional[str] = None
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: NodeSpec = Field(default_factory=NodeSpec)
    status: NodeStatus = Field(default_factory=NodeStatus)


# ---------------------------------------------------------------- services and endpoints


class ClientIPConfig(KubeModel):
    timeout_seconds: Optional[int] = None


class SessionAffinityConfig(KubeModel):
    client_ip: Optional[ClientIPConfig] = Field(default=None, alias="clientIP")


class ServicePort(KubeModel):
    name: Optional[str] = None
    protocol: Optional[str] = None
    app_protocol: Optional[str] = None
    port: int = 0
    # Go's IntOrString is a struct (never omitted); the server always defaults it to `port`,
    # so "unset" is kept as None for the defaulting pass rather than printed as 0.
    target_port: Optional[IntOrString] = None
    node_port: Optional[int] = None


class ServiceSpec(KubeModel):
    ports: Optional[list[ServicePort]] = None
    selector: Optional[dict[str, str]] = None
    cluster_ip: Optional[str] = None
    cluster_ips: Optional[list[str]] = None
    type: Optional[str] = None
    external_ips: Optional[list[str]] = None
    session_affinity: Optional[str] = None
    load_balancer_ip: Optional[str] = None
    load_balancer_source_ranges: Optional[list[str]] = None
    external_name: Optional[str] = None
    external_traffic_policy: Optional[str] = None
    health_check_node_port: Optional[int] = None
    publish_not_ready_addresses: Optional[bool] = None
    session_affinity_config: Optional[SessionAffinityConfig] = None
    ip_families: Optional[list[str]] = None
    ip_family_policy: Optional[str] = None
    allocate_load_balancer_node_ports: Optional[bool] = None
    load_balancer_class: Optional[str] = None
    internal_traffic_policy: Optional[str] = None
    traffic_distribution: Optional[str] = None


class PortStatus(KubeModel):
    port: int = 0
    protocol: str = ""
    error: Optional[str] = None


class LoadBalancerIngress(KubeModel):
    ip: Optional[str] = None
    hostname: Optional[str] = None
    ip_mode: Optional[str] = None
    ports: Optional[list[PortStatus]] = None


class LoadBalancerStatus(KubeModel):
    ingress: Optional[list[LoadBalancerIngress]] = None


class ServiceStatus(KubeModel):
    load_balancer: LoadBalancerStatus = Field(default_factory=LoadBalancerStatus)  # `loadBalancer: {}`
    conditions: Optional[list[Condition]] = None


@register_model
class Service(KubeObject):
    API_VERSION: ClassVar[str] = "v1"
    KIND: ClassVar[str] = "Service"
    api_version: Optional[str] = None
    kind: Optional[str] = None
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: ServiceSpec = Field(default_factory=ServiceSpec)
    status: ServiceStatus = Field(default_factory=ServiceStatus)


class EndpointAddress(KubeModel):
    ip: str = ""
    hostname: Optional[str] = None
    node_name: Optional[str] = None
    target_ref: Optional[ObjectReference] = None


class EndpointPort(KubeModel):
    name: Optional[str] = None
    port: int = 0
    protocol: Optional[str] = None
    app_protocol: Optional[str] = None


class EndpointSubset(KubeModel):
    addresses: Optional[list[EndpointAddress]] = None
    not_ready_addresses: Optional[list[EndpointAddress]] = None
    ports: Optional[list[EndpointPort]] = None


@register_model
class Endpoints(KubeObject):
    API_VERSION: ClassVar[str] = "v1"
    KIND: ClassVar[str] = "Endpoints"
    api_version: Optional[str] = None
    kind: Optional[str] = None
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    subsets: Optional[list[EndpointSubset]] = None


# ---------------------------------------------------------------- events


class EventSource(KubeModel):
    component: Optional[str] = None
    host: Optional[str] = None


class EventSeries(GoModel):
    GO_NULLS = ("last_observed_time",)
    count: Optional[int] = None
    last_observed_time: Optional[MicroTime] = None


@register_model
class Event(KubeObject, GoModel):
    """core/v1 Event. Zero timestamps print as ``null`` (``eventTime: null`` on kubelet events,
    ``firstTimestamp: null`` on events.k8s.io ones), and the reporting fields always print."""

    API_VERSION: ClassVar[str] = "v1"
    KIND: ClassVar[str] = "Event"
    GO_NULLS = ("first_timestamp", "last_timestamp", "event_time")
    api_version: Optional[str] = None
    kind: Optional[str] = None
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    involved_object: ObjectReference = Field(default_factory=ObjectReference)
    reason: Optional[str] = None
    message: Optional[str] = None
    source: EventSource = Field(default_factory=EventSource)
    first_timestamp: Optional[Time] = None
    last_timestamp: Optional[Time] = None
    count: Optional[int] = None
    type: Optional[str] = None
    event_time: Optional[MicroTime] = None
    series: Optional[EventSeries] = None
    action: Optional[str] = None
    related: Optional[ObjectReference] = None
    reporting_component: str = ""
    reporting_instance: str = ""


# ---------------------------------------------------------------- config and identity


@register_model
class ConfigMap(KubeObject):
    API_VERSION: ClassVar[str] = "v1"
    KIND: ClassVar[str] = "ConfigMap"
    api_version: Optional[str] = None
    kind: Optional[str] = None
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    immutable: Optional[bool] = None
    data: Optional[dict[str, str]] = None
    binary_data: Optional[dict[str, str]] = None  # base64, as on the wire


@register_model
class Secret(KubeObject):
    API_VERSION: ClassVar[str] = "v1"
    KIND: ClassVar[str] = "Secret"
    api_version: Optional[str] = None
    kind: Optional[str] = None
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    immutable: Optional[bool] = None
    data: Optional[dict[str, str]] = None  # base64, as on the wire
    string_data: Optional[dict[str, str]] = None  # write-only: merged into data by the API server
    type: Optional[str] = None


@register_model
class ServiceAccount(KubeObject):
    API_VERSION: ClassVar[str] = "v1"
    KIND: ClassVar[str] = "ServiceAccount"
    api_version: Optional[str] = None
    kind: Optional[str] = None
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    secrets: Optional[list[ObjectReference]] = None
    image_pull_secrets: Optional[list[LocalObjectReference]] = None
    automount_service_account_token: Optional[bool] = None


# ---------------------------------------------------------------- limits and quotas


class LimitRangeItem(KubeModel):
    type: str = ""
    max: Optional[dict[str, Quantity]] = None
    min: Optional[dict[str, Quantity]] = None
    default: Optional[dict[str, Quantity]] = None
    default_request: Optional[dict[str, Quantity]] = None
    max_limit_request_ratio: Optional[dict[str, Quantity]] = None


class LimitRangeSpec(GoModel):
    GO_NULLS = ("limits",)
    limits: Optional[list[LimitRangeItem]] = None


@register_model
class LimitRange(KubeObject):
    API_VERSION: ClassVar[str] = "v1"
    KIND: ClassVar[str] = "LimitRange"
    api_version: Optional[str] = None
    kind: Optional[str] = None
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: LimitRangeSpec = Field(default_factory=LimitRangeSpec)


class ScopedResourceSelectorRequirement(KubeModel):
    scope_name: str = ""
    operator: str = ""
    values: Optional[list[str]] = None


class ScopeSelector(KubeModel):
    match_expressions: Optional[list[ScopedResourceSelectorRequirement]] = None


class ResourceQuotaSpec(KubeModel):
    hard: Optional[dict[str, Quantity]] = None
    scopes: Optional[list[str]] = None
    scope_selector: Optional[ScopeSelector] = None


class ResourceQuotaStatus(KubeModel):
    hard: Optional[dict[str, Quantity]] = None
    used: Optional[dict[str, Quantity]] = None


@register_model
class ResourceQuota(KubeObject):
    API_VERSION: ClassVar[str] = "v1"
    KIND: ClassVar[str] = "ResourceQuota"
    api_version: Optional[str] = None
    kind: Optional[str] = None
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: ResourceQuotaSpec = Field(default_factory=ResourceQuotaSpec)
    status: ResourceQuotaStatus = Field(default_factory=ResourceQuotaStatus)

