"""API-server defaulting (`pkg/apis/*/v1/defaults.go`): what `-o yaml` shows after a create.

Each function fills the unset fields of a private copy in place, exactly as the upstream
`SetDefaults_*` functions do, and does nothing to fields the user set. Client-side
`--dry-run=client` output does not pass through here (kubectl does not default).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from kubenb.api.base import KubeObject

DEFAULT_PROBE = {"timeout_seconds": 1, "period_seconds": 10, "success_threshold": 1, "failure_threshold": 3}
DEFAULT_FILE_MODE = 420  # 0644


def image_pull_policy(image: str) -> str:
    """`Always` for `:latest` or an untagged image, else `IfNotPresent` (digests count as tags)."""
    if "@" in image:
        return "IfNotPresent"
    last = image.rsplit("/", 1)[-1]
    tag = last.partition(":")[2]
    return "Always" if tag in ("", "latest") else "IfNotPresent"


def _set(obj: Any, **fields: Any) -> None:
    for name, value in fields.items():
        if getattr(obj, name) is None:
            setattr(obj, name, value)


def default_container(c: Any) -> None:
    _set(c, termination_message_path="/dev/termination-log", termination_message_policy="File")
    if c.image_pull_policy is None and c.image:
        c.image_pull_policy = image_pull_policy(c.image)
    for port in c.ports or ():
        _set(port, protocol="TCP")
    for probe in (c.liveness_probe, c.readiness_probe, c.startup_probe):
        if probe is not None:
            _set(probe, **DEFAULT_PROBE)
            if probe.http_get is not None:
                _set(probe.http_get, scheme="HTTP")
    for env in c.env or ():
        ref = env.value_from and env.value_from.field_ref
        if ref is not None:
            _set(ref, api_version="v1")


def default_volume(v: Any) -> None:
    if v.config_map is not None:
        _set(v.config_map, default_mode=DEFAULT_FILE_MODE)
    if v.secret is not None:
        _set(v.secret, default_mode=DEFAULT_FILE_MODE)
    if v.projected is not None:
        _set(v.projected, default_mode=DEFAULT_FILE_MODE)
    if v.downward_api is not None:
        _set(v.downward_api, default_mode=DEFAULT_FILE_MODE)
    if v.host_path is not None:
        _set(v.host_path, type="")


def default_pod_spec(spec: Any) -> None:
    """`SetDefaults_PodSpec` and the nested defaults: what Pods and pod templates both get."""
    _set(spec, restart_policy="Always", termination_grace_period_seconds=30, dns_policy="ClusterFirst",
         scheduler_name="default-scheduler")
    # Not a default but the v1 conversion every write goes through (`Convert_v1_PodSpec_To_core_PodSpec`
    # and back): serviceAccountName falls back to the deprecated serviceAccount, which then mirrors it.
    spec.service_account_name = spec.service_account_name or spec.service_account
    spec.service_account = spec.service_account_name
    if spec.security_context is None:
        from kubenb.api.core import PodSecurityContext

        spec.security_context = PodSecurityContext()
    for c in (*(spec.init_containers or ()), *spec.containers):
        default_container(c)
    for v in spec.volumes or ():
        default_volume(v)


def default_pod(pod: Any) -> None:
    """`SetDefaults_Pod`: the spec defaults, plus two that templates never get (so they stay out of
    a Deployment's template and of ControllerRevision hashes): service links on, and requests
    defaulting to limits."""
    default_pod_spec(pod.spec)
    _set(pod.spec, enable_service_links=True)
    for c in (*(pod.spec.init_containers or ()), *pod.spec.containers):
        if c.resources.limits:
            c.resources.requests = {**c.resources.limits, **(c.resources.requests or {})}


def default_template(template: Any) -> None:
    default_pod_spec(template.spec)


def default_deployment(d: Any) -> None:
    from kubenb.api.apps import RollingUpdateDeployment

    spec = d.spec
    _set(spec, replicas=1, revision_history_limit=10, progress_deadline_seconds=600)
    if spec.strategy.type is None:  # strategy itself is a non-pointer struct: always present
        spec.strategy.type = "RollingUpdate"
    if spec.strategy.type == "RollingUpdate":
        if spec.strategy.rolling_update is None:
            spec.strategy.rolling_update = RollingUpdateDeployment()
        _set(spec.strategy.rolling_update, max_unavailable="25%", max_surge="25%")
    default_template(spec.template)


def default_replica_set(rs: Any) -> None:
    _set(rs.spec, replicas=1)
    if rs.spec.template is not None:
        default_template(rs.spec.template)


def default_service(svc: Any) -> None:
    spec = svc.spec
    _set(spec, type="ClusterIP", session_affinity="None")
    for port in spec.ports or ():
        _set(port, protocol="TCP")
        if port.target_port is None:
            port.target_port = port.port
    if spec.type in ("NodePort", "LoadBalancer"):
        _set(spec, external_traffic_policy="Cluster")
    if spec.type != "ExternalName":
        _set(spec, internal_traffic_policy="Cluster")


def default_namespace(ns: Any) -> None:
    labels = dict(ns.metadata.labels or {})
    labels.setdefault("kubernetes.io/metadata.name", ns.metadata.name)
    ns.metadata.labels = labels


def default_secret(secret: Any) -> None:
    _set(secret, type="Opaque")


def default_persistent_volume(pv: Any) -> None:
    _set(pv.spec, persistent_volume_reclaim_policy="Retain", volume_mode="Filesystem")
    if pv.spec.host_path is not None:
        _set(pv.spec.host_path, type="")


def default_persistent_volume_claim(pvc: Any) -> None:
    _set(pvc.spec, volume_mode="Filesystem")


def default_storage_class(sc: Any) -> None:
    _set(sc, reclaim_policy="Delete", volume_binding_mode="Immediate")


DEFAULTERS: dict[str, Callable[[KubeObject], None]] = {
    "Pod": default_pod,
    "Deployment": default_deployment,
    "ReplicaSet": default_replica_set,
    "Service": default_service,
    "Namespace": default_namespace,
    "Secret": default_secret,
    "PersistentVolume": default_persistent_volume,
    "PersistentVolumeClaim": default_persistent_volume_claim,
    "StorageClass": default_storage_class,
}


def apply_defaults(obj: KubeObject, minor: int) -> None:
    """Default `obj` as a v1.`minor` API server would (some defaults follow feature gates)."""
    fn = defaulters(minor).get(obj.KIND)
    if fn is not None:
        fn(obj)


@functools.cache
def defaulters(minor: int) -> dict[str, Callable[[KubeObject], None]]:
    """Every kind's defaulter for a v1.`minor` API server, bound once per version: admission runs
    on every write, and binding the version-aware ones anew each time was a cost of every write."""
    from kubenb.api.workload_defaults import workload_defaulters

    return {**workload_defaulters(minor), **DEFAULTERS}
