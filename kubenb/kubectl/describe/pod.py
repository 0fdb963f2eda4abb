"""``kubectl describe pod``: a port of ``describePod`` (kubernetes/kubectl ``pkg/describe/describe.go``,
commit 365ecee2), with the v1.23-era field set restored by :data:`~kubenb.kubectl.describe.common.SINCE`
(no ``Service Account``/``Runtime Class Name``/``SeccompProfile`` lines, no topology spread constraints).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Optional

from kubenb.api.qos import pod_qos_class
from kubenb.kubectl.describe.common import (
    LEVEL_0,
    LEVEL_1,
    describe_events,
    fmt_time,
    print_annotations_multiline,
    print_controller,
    print_labels_multiline,
    print_tolerations_multiline,
    since,
    tabbed_string,
    translate_timestamp_since,
)
from kubenb.kubectl.describe.containers import (
    describe_containers,
    describe_resources,
    describe_topology_spread_constraints,
    env_value_retriever,
)
from kubenb.kubectl.describe.lookup import Lookup
from kubenb.kubectl.describe.volumes import describe_volumes


def describe_pod(lookup: Lookup, pod: Any, events: Optional[Sequence[Any]] = None, show_events: bool = True) -> str:
    if show_events and events is None:
        events = lookup.events_for(pod)
    minor, now = lookup.minor, lookup.now
    meta, spec, status = pod.metadata, pod.spec, pod.status

    def body(w: Any) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.name}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.namespace}\n")
        if spec.priority is not None:
            w.write(LEVEL_0, f"Priority:\t{spec.priority}\n")
        if spec.priority_class_name:
            w.write(LEVEL_0, f"Priority Class Name:\t{spec.priority_class_name}\n")
        if since(minor, "pod_runtime_class") and spec.runtime_class_name:
            w.write(LEVEL_0, f"Runtime Class Name:\t{spec.runtime_class_name}\n")
        if since(minor, "pod_service_account") and spec.service_account_name:
            w.write(LEVEL_0, f"Service Account:\t{spec.service_account_name}\n")
        if not spec.node_name:
            w.write(LEVEL_0, "Node:\t<none>\n")
        else:
            w.write(LEVEL_0, f"Node:\t{spec.node_name}/{status.host_ip or ''}\n")
        if status.start_time:
            w.write(LEVEL_0, f"Start Time:\t{fmt_time(status.start_time)}\n")
        print_labels_multiline(w, "Labels", meta.labels)
        print_annotations_multiline(w, "Annotations", meta.annotations)
        terminating = meta.deletion_timestamp is not None
        if since(minor, "pod_terminating_phase_check"):
            terminating = terminating and status.phase not in ("Failed", "Succeeded")
        if terminating:
            w.write(LEVEL_0, f"Status:\tTerminating (lasts {translate_timestamp_since(meta.deletion_timestamp, now)})\n")
            w.write(LEVEL_0, f"Termination Grace Period:\t{meta.deletion_grace_period_seconds or 0}s\n")
        else:
            w.write(LEVEL_0, f"Status:\t{status.phase or ''}\n")
        if status.reason:
            w.write(LEVEL_0, f"Reason:\t{status.reason}\n")
        if status.message:
            w.write(LEVEL_0, f"Message:\t{status.message}\n")
        sc = spec.security_context
        if since(minor, "seccomp_profile") and sc is not None and sc.seccomp_profile is not None:
            w.write(LEVEL_0, f"SeccompProfile:\t{sc.seccomp_profile.type}\n")
            if sc.seccomp_profile.type == "Localhost":
                w.write(LEVEL_0, f"LocalhostProfile:\t{sc.seccomp_profile.localhost_profile or ''}\n")
        w.write(LEVEL_0, f"IP:\t{status.pod_ip or ''}\n")
        describe_pod_ips(pod, w, "")
        controlled_by = print_controller(pod)
        if controlled_by:
            w.write(LEVEL_0, f"Controlled By:\t{controlled_by}\n")
        if status.nominated_node_name:
            w.write(LEVEL_0, f"NominatedNodeName:\t{status.nominated_node_name}\n")
        if since(minor, "pod_level_resources") and spec.resources is not None:
            w.write(LEVEL_0, "Resources:\n")
            describe_resources(spec.resources, w, LEVEL_1)
        resolver = env_value_retriever(pod)
        if spec.init_containers:
            describe_containers("Init Containers", spec.init_containers, status.init_container_statuses,
                                resolver, w, "", minor)
        describe_containers("Containers", spec.containers, status.container_statuses, resolver, w, "", minor)
        if spec.ephemeral_containers:
            describe_containers("Ephemeral Containers", spec.ephemeral_containers,
                                status.ephemeral_container_statuses, resolver, w, "", minor)
        if spec.readiness_gates:
            w.write(LEVEL_0, "Readiness Gates:\n  Type\tStatus\n")
            for gate in spec.readiness_gates:
                cond_status = "<none>"
                for c in status.conditions or ():
                    if c.type == gate.condition_type:
                        cond_status = c.status
                        break
                w.write(LEVEL_1, f"{gate.condition_type} \t{cond_status} \n")
        if status.conditions:
            w.write(LEVEL_0, "Conditions:\n  Type\tStatus\n")
            for c in status.conditions:
                w.write(LEVEL_1, f"{c.type} \t{c.status} \n")
        describe_volumes(spec.volumes, w, "", minor)
        w.write(LEVEL_0, f"QoS Class:\t{status.qos_class or pod_qos_class(spec)}\n")
        print_labels_multiline(w, "Node-Selectors", spec.node_selector)
        print_tolerations_multiline(w, "Tolerations", spec.tolerations, minor)
        if since(minor, "topology_spread"):
            describe_topology_spread_constraints(spec.topology_spread_constraints, w, "", minor)
        describe_events(events, w, now, minor)

    return tabbed_string(body)


def describe_pod_ips(pod: Any, w: Any, space: str) -> None:
    """``describePodIPs``: ``IPs:  <none>`` or an ``IPs:`` block of ``IP:`` lines."""
    ips = pod.status.pod_ips or []
    if not ips:
        w.write(LEVEL_0, f"{space}IPs:\t<none>\n")
        return
    w.write(LEVEL_0, f"{space}IPs:\n")
    for ip in ips:
        w.write(LEVEL_1, f"IP:\t{ip.ip}\n")
