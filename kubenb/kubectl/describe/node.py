"""``kubectl describe node``: a port of ``describeNode``, ``describeNodeLease``,
``describeNodeResource`` (the ``Non-terminated Pods`` and ``Allocated resources`` tables),
``getPodsTotalRequestsAndLimits`` and ``findNodeRoles`` from kubernetes/kubectl
``pkg/describe/describe.go`` (commit 365ecee2), with ``resourcehelper.PodRequestsAndLimits``
from ``pkg/util/resource``.
"""

from __future__ import annotations

import math
from typing import Any, Optional

from kubenb.api.quantity import Format, Quantity
from kubenb.kubectl.describe.common import (
    LEVEL_0,
    LEVEL_1,
    describe_events,
    field,
    fmt_time,
    go_bool,
    print_annotations_multiline,
    print_labels_multiline,
    print_taints_multiline,
    tabbed_string,
    translate_timestamp_since,
)
from kubenb.kubectl.describe.lookup import Lookup

NODE_ROLE_PREFIX = "node-role.kubernetes.io/"
NODE_LABEL_ROLE = "kubernetes.io/role"
NODE_LEASE_NAMESPACE = "kube-node-lease"

_STANDARD_CONTAINER_RESOURCES = {"cpu", "memory", "ephemeral-storage"}


def find_node_roles(node: Any) -> list[str]:
    """``findNodeRoles``: ``node-role.kubernetes.io/<role>`` labels and ``kubernetes.io/role=<role>``."""
    roles = set()
    for k, v in (node.metadata.labels or {}).items():
        if k.startswith(NODE_ROLE_PREFIX):
            role = k[len(NODE_ROLE_PREFIX):]
            if role:
                roles.add(role)
        elif k == NODE_LABEL_ROLE and v:
            roles.add(v)
    return sorted(roles)


def _q(text: Optional[str]) -> Quantity:
    return Quantity.parse(text) if text else Quantity.parse("0")


def _add(total: dict[str, Quantity], values: Optional[dict]) -> None:
    """``addResourceList``."""
    for name, text in (values or {}).items():
        q = _q(text)
        total[name] = total[name] + q if name in total else q


def _max(total: dict[str, Quantity], values: dict[str, Quantity]) -> None:
    """``maxResourceList``."""
    for name, q in values.items():
        if name not in total or q > total[name]:
            total[name] = q


def pod_requests_and_limits(pod: Any) -> tuple[dict[str, Quantity], dict[str, Quantity]]:
    """``resourcehelper.PodRequestsAndLimits``: the sum of the containers, raised to the largest
    init container (restartable "sidecar" init containers count towards the sum), plus overhead."""
    spec = pod.spec
    result = []
    for attr in ("requests", "limits"):
        total: dict[str, Quantity] = {}
        for c in spec.containers:
            _add(total, getattr(c.resources, attr))
        init_max: dict[str, Quantity] = {}
        sidecars: dict[str, Quantity] = {}
        for c in spec.init_containers or ():
            own: dict[str, Quantity] = {}
            _add(own, getattr(c.resources, attr))
            if c.restart_policy == "Always":
                _add(total, getattr(c.resources, attr))
                for k, v in own.items():
                    sidecars[k] = sidecars[k] + v if k in sidecars else v
                current = dict(sidecars)
            else:
                current = dict(own)
                for k, v in sidecars.items():
                    current[k] = current[k] + v if k in current else v
            _max(init_max, current)
        _max(total, init_max)
        result.append(total)
    reqs, limits = result
    if spec.overhead:
        _add(reqs, spec.overhead)
        for name, text in spec.overhead.items():
            if name in limits:
                limits[name] = limits[name] + _q(text)
    return reqs, limits


def _fraction(value: int, total: int) -> int:
    """``int64(float64(value) / float64(total) * 100)``: Go truncates toward zero, and converting
    the NaN or infinity of a division by zero gives the minimum int64 on amd64."""
    if total == 0:
        return -(1 << 63)
    return math.trunc(float(value) / float(total) * 100)


def _zero(fmt: str = Format.DECIMAL_SI) -> Quantity:
    return Quantity(0, 0, fmt)


def _get(values: dict[str, Quantity], name: str, fmt: str = Format.DECIMAL_SI) -> Quantity:
    return values.get(name, _zero(fmt))


def describe_node_resource(pods: list[Any], node: Any, w: Any, now: float) -> None:
    """``describeNodeResource``."""
    w.write(LEVEL_0, f"Non-terminated Pods:\t({len(pods)} in total)\n")
    w.write(LEVEL_1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n")
    w.write(LEVEL_1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n")
    capacity = node.status.capacity or {}
    allocatable_text = node.status.allocatable or {}
    allocatable = {k: _q(v) for k, v in (allocatable_text if allocatable_text else capacity).items()}
    alloc_cpu = _get(allocatable, "cpu").milli_value()
    alloc_mem = _get(allocatable, "memory", Format.BINARY_SI).value()
    totals = [pod_requests_and_limits(pod) for pod in pods]  # each pod's, for its row and for the sums
    for pod, (req, limit) in zip(pods, totals, strict=True):
        cpu_req, cpu_limit = _get(req, "cpu"), _get(limit, "cpu")
        mem_req, mem_limit = _get(req, "memory"), _get(limit, "memory")
        w.write(LEVEL_1, f"{pod.metadata.namespace}\t{pod.metadata.name}\t\t"
                f"{cpu_req} ({_fraction(cpu_req.milli_value(), alloc_cpu)}%)\t"
                f"{cpu_limit} ({_fraction(cpu_limit.milli_value(), alloc_cpu)}%)\t"
                f"{mem_req} ({_fraction(mem_req.value(), alloc_mem)}%)\t"
                f"{mem_limit} ({_fraction(mem_limit.value(), alloc_mem)}%)\t"
                f"{translate_timestamp_since(pod.metadata.creation_timestamp, now)}\n")

    w.write(LEVEL_0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n")
    w.write(LEVEL_1, "Resource\tRequests\tLimits\n")
    w.write(LEVEL_1, "--------\t--------\t------\n")
    reqs: dict[str, Quantity] = {}
    limits: dict[str, Quantity] = {}
    for pod_reqs, pod_limits in totals:
        for name, q in pod_reqs.items():
            reqs[name] = reqs[name] + q if name in reqs else q
        for name, q in pod_limits.items():
            limits[name] = limits[name] + q if name in limits else q

    def pct(value: int, total: int) -> int:
        return _fraction(value, total) if total != 0 else 0

    cpu_reqs, cpu_limits = _get(reqs, "cpu"), _get(limits, "cpu")
    mem_reqs, mem_limits = _get(reqs, "memory"), _get(limits, "memory")
    eph_reqs, eph_limits = _get(reqs, "ephemeral-storage"), _get(limits, "ephemeral-storage")
    alloc_eph = _get(allocatable, "ephemeral-storage", Format.BINARY_SI).value()
    w.write(LEVEL_1, f"cpu\t{cpu_reqs} ({pct(cpu_reqs.milli_value(), alloc_cpu)}%)\t"
            f"{cpu_limits} ({pct(cpu_limits.milli_value(), alloc_cpu)}%)\n")
    w.write(LEVEL_1, f"memory\t{mem_reqs} ({pct(mem_reqs.value(), alloc_mem)}%)\t"
            f"{mem_limits} ({pct(mem_limits.value(), alloc_mem)}%)\n")
    w.write(LEVEL_1, f"ephemeral-storage\t{eph_reqs} ({pct(eph_reqs.value(), alloc_eph)}%)\t"
            f"{eph_limits} ({pct(eph_limits.value(), alloc_eph)}%)\n")

    ext, huge = [], []
    for name in allocatable:
        if name.startswith("hugepages-"):
            huge.append(name)
        elif not _is_standard_container_resource(name) and name != "pods":
            ext.append(name)
    for name in sorted(huge):
        req, lim, alloc = _get(reqs, name), _get(limits, name), allocatable[name].value()
        w.write(LEVEL_1, f"{name}\t{req} ({pct(req.value(), alloc)}%)\t{lim} ({pct(lim.value(), alloc)}%)\n")
    for name in sorted(ext):
        w.write(LEVEL_1, f"{name}\t{_get(reqs, name)}\t{_get(limits, name)}\n")


def _is_standard_container_resource(name: str) -> bool:
    """``IsStandardContainerResourceName``: cpu, memory, ephemeral-storage and hugepages-*."""
    return name in _STANDARD_CONTAINER_RESOURCES or name.startswith("hugepages-")


def _lease_lines(lookup: Lookup, node: Any, w: Any) -> None:
    """``describeNodeLease`` (or the error line when the Lease cannot be read)."""
    lease = lookup.try_get("Lease", NODE_LEASE_NAMESPACE, node.metadata.name)
    if lease is None:
        w.write(LEVEL_0, f"Lease:\tFailed to get lease: leases.coordination.k8s.io \"{node.metadata.name}\" not found\n")
        return
    w.write(LEVEL_0, "Lease:\n")
    holder = field(lease, "spec", "holder_identity")
    w.write(LEVEL_1, f"HolderIdentity:\t{holder if holder is not None else '<unset>'}\n")
    acquire = field(lease, "spec", "acquire_time")
    w.write(LEVEL_1, f"AcquireTime:\t{fmt_time(acquire) if acquire else '<unset>'}\n")
    renew = field(lease, "spec", "renew_time")
    w.write(LEVEL_1, f"RenewTime:\t{fmt_time(renew) if renew else '<unset>'}\n")


def describe_node(lookup: Lookup, node: Any, show_events: bool = True) -> str:
    minor, now = lookup.minor, lookup.now
    meta, spec, status = node.metadata, node.spec, node.status
    pods = [p for p in lookup.pods_on_node(meta.name) if p.status.phase not in ("Succeeded", "Failed")]
    events = lookup.events_for(node) if show_events else None

    def body(w: Any) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.name}\n")
        roles = find_node_roles(node)
        w.write(LEVEL_0, f"Roles:\t{','.join(roles) if roles else '<none>'}\n")
        print_labels_multiline(w, "Labels", meta.labels)
        print_annotations_multiline(w, "Annotations", meta.annotations)
        w.write(LEVEL_0, f"CreationTimestamp:\t{fmt_time(meta.creation_timestamp)}\n")
        print_taints_multiline(w, "Taints", spec.taints, minor)
        w.write(LEVEL_0, f"Unschedulable:\t{go_bool(spec.unschedulable)}\n")
        _lease_lines(lookup, node, w)
        if status.conditions:
            w.write(LEVEL_0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n")
            w.write(LEVEL_1, "----\t------\t-----------------\t------------------\t------\t-------\n")
            for c in status.conditions:
                w.write(LEVEL_1, f"{c.type} \t{c.status} \t{fmt_time(c.last_heartbeat_time)} \t"
                        f"{fmt_time(c.last_transition_time)} \t{c.reason or ''} \t{c.message or ''}\n")
        w.write(LEVEL_0, "Addresses:\n")
        for a in status.addresses or ():
            w.write(LEVEL_1, f"{a.type}:\t{a.address}\n")

        def resource_list(values: dict) -> None:
            for name in sorted(values):
                w.write(LEVEL_0, f"  {name}:\t{_q(values[name])}\n")

        if status.capacity:
            w.write(LEVEL_0, "Capacity:\n")
            resource_list(status.capacity)
        if status.allocatable:
            w.write(LEVEL_0, "Allocatable:\n")
            resource_list(status.allocatable)
        info = status.node_info
        w.write(LEVEL_0, "System Info:\n")
        w.write(LEVEL_0, f"  Machine ID:\t{info.machine_id}\n")
        w.write(LEVEL_0, f"  System UUID:\t{info.system_uuid}\n")
        w.write(LEVEL_0, f"  Boot ID:\t{info.boot_id}\n")
        w.write(LEVEL_0, f"  Kernel Version:\t{info.kernel_version}\n")
        w.write(LEVEL_0, f"  OS Image:\t{info.os_image}\n")
        w.write(LEVEL_0, f"  Operating System:\t{info.operating_system}\n")
        w.write(LEVEL_0, f"  Architecture:\t{info.architecture}\n")
        w.write(LEVEL_0, f"  Container Runtime Version:\t{info.container_runtime_version}\n")
        w.write(LEVEL_0, f"  Kubelet Version:\t{info.kubelet_version}\n")
        w.write(LEVEL_0, f"  Kube-Proxy Version:\t{info.kube_proxy_version}\n")
        if spec.pod_cidr:
            w.write(LEVEL_0, f"PodCIDR:\t{spec.pod_cidr}\n")
        if spec.pod_cidrs:
            w.write(LEVEL_0, f"PodCIDRs:\t{','.join(spec.pod_cidrs)}\n")
        if spec.provider_id:
            w.write(LEVEL_0, f"ProviderID:\t{spec.provider_id}\n")
        describe_node_resource(pods, node, w, now)
        describe_events(events, w, now, minor)

    return tabbed_string(body)
