"""Admission: what the API server does to an object between decoding and storing it.

In upstream order: the registry strategy's PrepareForCreate/PrepareForUpdate (status is reset on
create and kept apart from spec on update), the mutating admission plugins a kubeadm cluster runs
(ServiceAccount, DefaultTolerationSeconds, Priority), defaulting, then validation.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Optional

from kubenb.api import defaults, validation
from kubenb.api.base import KubeObject, shallow_copy
from kubenb.api.registry import ResourceInfo
from kubenb.store import compact, errors, limits
from kubenb.store.allocators import ServiceAllocators

if TYPE_CHECKING:
    from kubenb.store.store import Store

# Kinds whose registry strategy keeps metadata.generation (spec changes bump it).
GENERATION_KINDS = {
    "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "Ingress", "NetworkPolicy",
    "PodDisruptionBudget", "HorizontalPodAutoscaler", "CustomResourceDefinition", "ReplicationController",
    "IngressClass", "ValidatingAdmissionPolicy", "PriorityLevelConfiguration", "FlowSchema",
}

# Kinds with a status subresource: a main-resource write keeps the stored status, and a status
# write keeps the stored spec.
STATUS_SUBRESOURCE_KINDS = {
    "Pod", "Node", "Namespace", "Service", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job",
    "CronJob", "PersistentVolume", "PersistentVolumeClaim", "Ingress", "ReplicationController",
    "HorizontalPodAutoscaler", "PodDisruptionBudget",
}

# The phase a kind's registry strategy writes on create (`PrepareForCreate`).
INITIAL_PHASE = {"Namespace": "Active", "PersistentVolume": "Pending", "PersistentVolumeClaim": "Pending"}

# Metadata the API server sets, never the client: cleared on create, kept from the stored object on update.
SYSTEM_FIELDS = ("uid", "resource_version", "creation_timestamp", "deletion_timestamp",
                 "deletion_grace_period_seconds", "generation", "self_link")
KEPT_ON_UPDATE = ("uid", "creation_timestamp", "generation", "deletion_timestamp", "deletion_grace_period_seconds",
                  "namespace")
KEPT_ON_STATUS_UPDATE = ("labels", "annotations", "owner_references", "finalizers")

DEFAULT_TOLERATION_SECONDS = 300
TOKEN_VOLUME_PREFIX = "kube-api-access-"
# The built-in PriorityClasses (Priority admission resolves priorityClassName to a number).
SYSTEM_PRIORITIES = {"system-node-critical": 2000001000, "system-cluster-critical": 2000000000}


class Admission:
    def __init__(self, store: Store, allocators: ServiceAllocators,
                 simulation_limits: Optional[limits.SimulationLimits] = None) -> None:
        self.store = store
        self.allocators = allocators
        self.limits = simulation_limits or limits.SimulationLimits()

    def has_generation(self, info: ResourceInfo) -> bool:
        return info.kind in GENERATION_KINDS

    def defaults_spec_in_place(self, info: ResourceInfo) -> bool:
        """Whether this version's defaulting of the kind edits its spec in place (the rest it replaces)."""
        return info.kind in defaults.defaulters(self.allocators.minor)

    def admit_create(self, info: ResourceInfo, obj: KubeObject, *, keep_status: bool) -> None:
        if not keep_status and info.kind in STATUS_SUBRESOURCE_KINDS:
            obj.status = type(obj.status)()
        meta = obj.metadata
        for field in SYSTEM_FIELDS:
            if getattr(meta, field) is not None:
                setattr(meta, field, None)
        unique: tuple[Any, ...] = ()
        if info.kind == "Pod":
            unique = self._admit_pod(obj)
        if info.kind in ("PersistentVolume", "PersistentVolumeClaim"):
            self._admit_storage(obj)
        defaults.apply_defaults(obj, self.allocators.minor)
        if not keep_status and info.kind in INITIAL_PHASE:
            obj.status.phase = INITIAL_PHASE[info.kind]
        if info.kind == "Pod" and not keep_status:
            self._initial_pod_status(obj)
        self._validate(info, obj, None)
        limits.check(self.limits, info, obj, None, self.store.count("Pod"))
        for part in unique:  # complete now: nothing edits them any more
            compact.seal(part)

    def after_uid(self, info: ResourceInfo, obj: KubeObject) -> None:
        """Strategy steps that need the new object's uid (the Job's generated selector)."""
        if info.kind == "Job":
            from kubenb.api.workload_defaults import prepare_job_for_create

            prepare_job_for_create(obj, self.allocators.minor)

    def admit_update(self, info: ResourceInfo, new: KubeObject, old: KubeObject, *, subresource: Optional[str]) -> None:
        meta = new.metadata
        _keep(meta, old.metadata, KEPT_ON_UPDATE)
        if subresource == "status":
            # the status strategy's PrepareForUpdate and ResetObjectMetaForStatus; a writer that
            # edited a copy of the stored status shares the rest, so nothing is set at all
            if hasattr(old, "spec") and new.spec is not old.spec:
                new.spec = old.spec
            _keep(meta, old.metadata, KEPT_ON_STATUS_UPDATE)
            return
        if info.kind in STATUS_SUBRESOURCE_KINDS:
            new.status = old.status
        defaults.apply_defaults(new, self.allocators.minor)
        self._validate(info, new, old)
        limits.check(self.limits, info, new, old, self.store.count("Pod"))
        if info.kind == "PersistentVolumeClaim":
            self._admit_resize(info, new, old)
        if info.kind in GENERATION_KINDS and getattr(new, "spec", None) != getattr(old, "spec", None):
            meta.generation = (old.metadata.generation or 0) + 1

    def grace_period(self, info: ResourceInfo, obj: KubeObject, requested: Optional[int]) -> int:
        """Seconds a deletion waits. Only pods bound to a node wait (for the kubelet to stop them)."""
        if info.kind != "Pod":
            return 0
        if not obj.spec.node_name or obj.status.phase in ("Succeeded", "Failed"):
            return 0
        if requested is not None:
            return max(requested, 0)
        return obj.spec.termination_grace_period_seconds if obj.spec.termination_grace_period_seconds is not None else 30

    # ---------------------------------------------------------------- storage

    def _admit_storage(self, obj: Any) -> None:
        """DefaultStorageClass (a claim that names no class gets the default one) and
        StorageObjectInUseProtection (the pvc-protection / pv-protection finalizers)."""
        from kubenb.api import volumeutil

        meta = obj.metadata
        if obj.KIND == "PersistentVolumeClaim":
            finalizer = volumeutil.PVC_PROTECTION
            if obj.spec.storage_class_name is None and volumeutil.ANN_BETA_CLASS not in (meta.annotations or {}):
                sc = volumeutil.default_class(self.store.list("StorageClass"))
                if sc is not None:
                    obj.spec = obj.spec.model_copy(update={"storage_class_name": sc.metadata.name})
        else:
            finalizer = volumeutil.PV_PROTECTION
        if finalizer not in (meta.finalizers or ()):
            meta.finalizers = [*(meta.finalizers or ()), finalizer]

    def _admit_resize(self, info: ResourceInfo, new: Any, old: Any) -> None:
        """PersistentVolumeClaimResize: a bound claim grows only if its class allows expansion."""
        from kubenb.api import volumeutil

        if old.status.phase != "Bound" or volumeutil.requested_bytes(new) <= volumeutil.requested_bytes(old):
            return
        name, old_name = volumeutil.claim_class(new), volumeutil.claim_class(old)
        sc = self.store.try_get("StorageClass", "", name) if name and name == old_name else None
        if sc is None or not sc.allow_volume_expansion:
            raise errors.forbidden_error(info, new.metadata.name or "",
                                         f'{info.plural} "{new.metadata.name}" is forbidden: only dynamically provisioned pvc can be resized and '
                                         "the storageclass that provisions the pvc must support resize")

    # ---------------------------------------------------------------- pods

    def _admit_pod(self, pod: Any) -> tuple[Any, ...]:
        """ServiceAccount, DefaultTolerationSeconds and Priority admission plugins; returns the parts
        they made that hold a value of this pod's alone (the token volume and its mount).

        What they add is the same for every pod but for the token volume's name, so it is built
        once and shared (stored objects are never mutated): a pod's admission copies one model. The
        name, with its random suffix, is this pod's alone: the volume and mount can never be found
        again by the store's sharing, nor the containers and spec holding them (`compact.seal`)."""
        unique: tuple[Any, ...] = ()
        spec = pod.spec
        sa = spec.service_account_name or spec.service_account or "default"
        spec.service_account_name = spec.service_account = sa
        if spec.automount_service_account_token is not False and not any(
            (v.name or "").startswith(TOKEN_VOLUME_PREFIX) for v in spec.volumes or ()
        ):
            volume_template, mount_template = _token_volume()
            name = TOKEN_VOLUME_PREFIX + self.store.rng.name_suffix()
            spec.volumes = [*(spec.volumes or ()), shallow_copy(volume_template, name=name)]
            mount = shallow_copy(mount_template, name=name)
            for c in (*(spec.init_containers or ()), *spec.containers):
                c.volume_mounts = [*(c.volume_mounts or ()), mount]
            unique = (spec.volumes[-1], mount)
        tolerations = list(spec.tolerations or ())
        for key, toleration in _default_tolerations():
            if not any(t.key == key and t.effect in (None, "", "NoExecute") for t in tolerations) and \
                    not any(t.operator == "Exists" and not t.key for t in tolerations):
                tolerations.append(toleration)
        spec.tolerations = tolerations
        if spec.priority is None:
            spec.priority = SYSTEM_PRIORITIES.get(spec.priority_class_name or "", 0)
        if spec.preemption_policy is None:
            spec.preemption_policy = "PreemptLowerPriority"
        return unique

    def _initial_pod_status(self, pod: Any) -> None:
        from kubenb.api.qos import pod_qos_class

        pod.status = _pending_status(pod_qos_class(pod.spec))

    # ---------------------------------------------------------------- validation

    def _validate(self, info: ResourceInfo, obj: KubeObject, old: Optional[KubeObject]) -> None:
        errs = validation.validate(obj, old, info.namespaced)
        if info.kind == "Service" and not errs:
            errs = self.allocators.admit(obj, old)
        if errs:
            raise errors.invalid_object(info, obj.metadata.name or obj.metadata.generate_name or "", errs)


def _keep(meta: Any, stored: Any, fields: tuple[str, ...]) -> None:
    """Set `fields` of `meta` to the stored object's values; those already the same object are left
    as they are (a copy of the stored metadata needs no write)."""
    for field in fields:
        value = getattr(stored, field)
        if getattr(meta, field) is not value:
            setattr(meta, field, value)


@functools.cache
def _token_volume() -> tuple[Any, Any]:
    """The ServiceAccount plugin's projected token volume and its mount, named per pod by a copy."""
    from kubenb.api.core import (
        ConfigMapProjection,
        DownwardAPIProjection,
        DownwardAPIVolumeFile,
        KeyToPath,
        ObjectFieldSelector,
        ProjectedVolumeSource,
        ServiceAccountTokenProjection,
        Volume,
        VolumeMount,
        VolumeProjection,
    )

    volume = Volume(name=TOKEN_VOLUME_PREFIX, projected=ProjectedVolumeSource(
        default_mode=420,
        sources=[
            VolumeProjection(service_account_token=ServiceAccountTokenProjection(
                expiration_seconds=3607, path="token")),
            VolumeProjection(config_map=ConfigMapProjection(
                name="kube-root-ca.crt", items=[KeyToPath(key="ca.crt", path="ca.crt")])),
            VolumeProjection(downward_api=DownwardAPIProjection(items=[DownwardAPIVolumeFile(
                path="namespace", field_ref=ObjectFieldSelector(api_version="v1", field_path="metadata.namespace"))])),
        ]))
    mount = VolumeMount(name=TOKEN_VOLUME_PREFIX, mount_path="/var/run/secrets/kubernetes.io/serviceaccount",
                        read_only=True)
    return volume, mount


@functools.cache
def _pending_status(qos_class: str) -> Any:
    """A new pod's status, the same for every pod of a QoS class: one canonical instance each
    (stored parts are never edited), found by identity instead of being built and hashed per pod."""
    from kubenb.api.core import PodStatus

    return compact.intern(PodStatus(phase="Pending", qos_class=qos_class))


@functools.cache
def _default_tolerations() -> tuple[tuple[str, Any], ...]:
    """DefaultTolerationSeconds: (taint key, the toleration added when the pod tolerates it no other way)."""
    from kubenb.api.core import Toleration

    return tuple((key, Toleration(key=key, operator="Exists", effect="NoExecute",
                                  toleration_seconds=DEFAULT_TOLERATION_SECONDS))
                 for key in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"))
