"""``kubectl describe``: byte-for-byte ports of kubectl's describers.

:func:`describe` picks the describer kubectl would use for the object's kind (``describerMap``
in ``pkg/describe/describe.go``) and falls back to the generic describer. Everything a describer
needs besides the object comes through a :class:`Lookup`.

Source: kubernetes/kubectl ``pkg/describe/describe.go`` at commit
``365ecee227e9a8a77c6677471d7dae80c36133fe``; version-dependent output is chosen by
``lookup.minor`` (see :data:`kubenb.kubectl.describe.common.SINCE`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kubenb.kubectl.describe.common import SINCE
from kubenb.kubectl.describe.generic import describe_generic
from kubenb.kubectl.describe.lookup import Lookup
from kubenb.kubectl.describe.node import describe_node
from kubenb.kubectl.describe.other import (
    describe_config_map,
    describe_cron_job,
    describe_ingress,
    describe_ingress_class,
    describe_job,
    describe_namespace,
    describe_persistent_volume,
    describe_persistent_volume_claim,
    describe_secret,
    describe_service_account,
    describe_storage_class,
)
from kubenb.kubectl.describe.pod import describe_pod
from kubenb.kubectl.describe.rbac import describe_role
from kubenb.kubectl.describe.service import describe_endpoint_slice, describe_endpoints, describe_service
from kubenb.kubectl.describe.workloads import (
    describe_daemon_set,
    describe_deployment,
    describe_replica_set,
    describe_stateful_set,
)

__all__ = ["Lookup", "SINCE", "describe", "DESCRIBERS"]

Describer = Callable[..., str]

DESCRIBERS: dict[str, Describer] = {
    "Pod": describe_pod,
    "Node": describe_node,
    "Deployment": describe_deployment,
    "ReplicaSet": describe_replica_set,
    "StatefulSet": describe_stateful_set,
    "DaemonSet": describe_daemon_set,
    "Service": describe_service,
    "Endpoints": describe_endpoints,
    "EndpointSlice": describe_endpoint_slice,
    "Namespace": describe_namespace,
    "ConfigMap": describe_config_map,
    "Secret": describe_secret,
    "ServiceAccount": describe_service_account,
    "PersistentVolume": describe_persistent_volume,
    "PersistentVolumeClaim": describe_persistent_volume_claim,
    "StorageClass": describe_storage_class,
    "Ingress": describe_ingress,
    "IngressClass": describe_ingress_class,
    "Job": describe_job,
    "CronJob": describe_cron_job,
    "Role": describe_role,
    "ClusterRole": describe_role,
}


def describe(lookup: Lookup, obj: Any, show_events: bool = True) -> str:
    """What ``kubectl describe <kind> <name>`` prints for ``obj`` (``--show-events`` by default)."""
    describer = DESCRIBERS.get(getattr(obj, "KIND", ""), describe_generic)
    return describer(lookup, obj, show_events=show_events)
