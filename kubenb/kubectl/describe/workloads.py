"""``kubectl describe`` for workload controllers: Deployment, ReplicaSet, StatefulSet, DaemonSet.

Ports ``describeDeployment`` (with ``deploymentutil.GetAllReplicaSetsInChunks``),
``describeReplicaSet``, ``describeStatefulSet``, ``describeDaemonSet``,
``getPodStatusForController`` and ``describeVolumeClaimTemplates`` from kubernetes/kubectl
``pkg/describe/describe.go`` (commit 365ecee2) and ``pkg/util/deployment/deployment.go``.
"""

from __future__ import annotations

from typing import Any, Optional

from kubenb.api.intstr import int_or_string_str
from kubenb.api.quantity import Quantity
from kubenb.kubectl.describe.common import (
    LEVEL_0,
    LEVEL_1,
    describe_events,
    fmt_time,
    format_label_selector,
    format_labels,
    go_list,
    print_annotations_multiline,
    print_controller,
    print_labels_multiline,
    selector_for,
    selector_string,
    since,
    tabbed_string,
)
from kubenb.kubectl.describe.containers import describe_pod_template
from kubenb.kubectl.describe.lookup import Lookup
from kubenb.kubectl.describe.volumes import pvc_storage_class
from kubenb.sim.clock import parse_rfc3339

POD_TEMPLATE_HASH = "pod-template-hash"


def pod_status_for_controller(lookup: Lookup, namespace: str, selector: Any, uid: Optional[str]) -> tuple[int, int, int, int]:
    """``getPodStatusForController``: Running / Waiting (Pending) / Succeeded / Failed counts of the
    pods matching the selector whose controller is ``uid``."""
    running = waiting = succeeded = failed = 0
    for pod in lookup.list("Pod", namespace, selector):
        ref = next((r for r in pod.metadata.owner_references or () if r.controller), None)
        if ref is None or ref.uid != uid:
            continue
        phase = pod.status.phase
        if phase == "Running":
            running += 1
        elif phase == "Pending":
            waiting += 1
        elif phase == "Succeeded":
            succeeded += 1
        elif phase == "Failed":
            failed += 1
    return running, waiting, succeeded, failed


def _pods_status(counts: tuple[int, int, int, int]) -> str:
    running, waiting, succeeded, failed = counts
    return f"{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed\n"


def _events(lookup: Lookup, obj: Any, show_events: bool) -> Optional[list]:
    return lookup.events_for(obj) if show_events else None


# ------------------------------------------------------------------ ReplicaSet


def describe_replica_set(lookup: Lookup, rs: Any, show_events: bool = True) -> str:
    minor, now = lookup.minor, lookup.now
    meta = rs.metadata
    counts = pod_status_for_controller(lookup, meta.namespace, selector_for(rs.spec.selector), meta.uid)
    events = _events(lookup, rs, show_events)

    def body(w: Any) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.name}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.namespace}\n")
        w.write(LEVEL_0, f"Selector:\t{format_label_selector(rs.spec.selector)}\n")
        print_labels_multiline(w, "Labels", meta.labels)
        print_annotations_multiline(w, "Annotations", meta.annotations)
        controlled_by = print_controller(rs)
        if controlled_by:
            w.write(LEVEL_0, f"Controlled By:\t{controlled_by}\n")
        w.write(LEVEL_0, f"Replicas:\t{rs.status.replicas or 0} current / {rs.spec.replicas or 0} desired\n")
        w.write(LEVEL_0, "Pods Status:\t")
        w.write(LEVEL_0, _pods_status(counts))
        describe_pod_template(rs.spec.template, w, minor)
        if rs.status.conditions:
            w.write(LEVEL_0, "Conditions:\n  Type\tStatus\tReason\n")
            w.write(LEVEL_1, "----\t------\t------\n")
            for c in rs.status.conditions:
                w.write(LEVEL_1, f"{c.type} \t{c.status}\t{c.reason or ''}\n")
        describe_events(events, w, now, minor)

    return tabbed_string(body)


# ------------------------------------------------------------------ Deployment


def _normalize(value: Any) -> Any:
    """Drop empty maps and lists: apimachinery's Semantic.DeepEqual holds nil and empty equal."""
    if isinstance(value, dict):
        out = {k: _normalize(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in ({}, [], None)}
    if isinstance(value, list):
        return [_normalize(v) for v in value]
    return value


def _template_without_hash(template: Any) -> Any:
    data = template.to_dict()
    labels = dict(data.get("metadata", {}).get("labels") or {})
    labels.pop(POD_TEMPLATE_HASH, None)
    data.setdefault("metadata", {})["labels"] = labels
    data["metadata"].pop("creationTimestamp", None)
    return _normalize(data)


def _time_key(ts: Optional[str]) -> float:
    return parse_rfc3339(ts) if ts else float("-inf")


def deployment_replica_sets(lookup: Lookup, d: Any) -> tuple[list[Any], list[Any], Optional[Any]]:
    """``GetAllReplicaSetsInChunks``: (old RSes with replicas, all old RSes, the new RS or None)."""
    meta = d.metadata
    owned = [rs for rs in lookup.list("ReplicaSet", meta.namespace, selector_for(d.spec.selector))
             if any(r.controller and r.uid == meta.uid for r in rs.metadata.owner_references or ())]
    # replicaSetsByCreationTimestamp: creation time, then name (sort.Sort; keys are unique)
    owned.sort(key=lambda rs: (_time_key(rs.metadata.creation_timestamp), rs.metadata.name))
    target = _template_without_hash(d.spec.template)
    new_rs = next((rs for rs in owned if _template_without_hash(rs.spec.template) == target), None)
    all_old = [rs for rs in owned if new_rs is None or rs.metadata.uid != new_rs.metadata.uid]
    required = [rs for rs in all_old if (rs.spec.replicas or 0) != 0]
    return required, all_old, new_rs


def _rs_list(rss: list[Any]) -> str:
    """``printReplicaSetsByLabels``."""
    text = ", ".join(f"{rs.metadata.name} ({rs.status.replicas or 0}/{rs.spec.replicas or 0} replicas created)"
                     for rs in rss)
    return text or "<none>"


def describe_deployment(lookup: Lookup, d: Any, show_events: bool = True) -> str:
    minor, now = lookup.minor, lookup.now
    meta, spec, status = d.metadata, d.spec, d.status
    events = _events(lookup, d, show_events)
    required, all_old, new_rs = deployment_replica_sets(lookup, d)
    # kubernetes#113083 (kubectl 1.27) switched OldReplicaSets from the ones with replicas to all
    old_rss = all_old if since(minor, "deployment_all_old_rs") else required
    new_rss = [new_rs] if new_rs is not None else []

    def body(w: Any) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.name}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.namespace}\n")
        w.write(LEVEL_0, f"CreationTimestamp:\t{fmt_time(meta.creation_timestamp)}\n")
        print_labels_multiline(w, "Labels", meta.labels)
        print_annotations_multiline(w, "Annotations", meta.annotations)
        w.write(LEVEL_0, f"Selector:\t{selector_string(spec.selector)}\n")
        w.write(LEVEL_0, f"Replicas:\t{spec.replicas or 0} desired | {status.updated_replicas or 0} updated | "
                f"{status.replicas or 0} total | {status.available_replicas or 0} available | "
                f"{status.unavailable_replicas or 0} unavailable\n")
        w.write(LEVEL_0, f"StrategyType:\t{spec.strategy.type or ''}\n")
        w.write(LEVEL_0, f"MinReadySeconds:\t{spec.min_ready_seconds or 0}\n")
        ru = spec.strategy.rolling_update
        if ru is not None:
            w.write(LEVEL_0, f"RollingUpdateStrategy:\t{int_or_string_str(ru.max_unavailable)} max unavailable, "
                    f"{int_or_string_str(ru.max_surge)} max surge\n")
        describe_pod_template(spec.template, w, minor)
        if status.conditions:
            w.write(LEVEL_0, "Conditions:\n  Type\tStatus\tReason\n")
            w.write(LEVEL_1, "----\t------\t------\n")
            for c in status.conditions:
                w.write(LEVEL_1, f"{c.type} \t{c.status}\t{c.reason or ''}\n")
        if old_rss or new_rss:
            w.write(LEVEL_0, f"OldReplicaSets:\t{_rs_list(old_rss)}\n")
            w.write(LEVEL_0, f"NewReplicaSet:\t{_rs_list(new_rss)}\n")
        describe_events(events, w, now, minor)

    return tabbed_string(body)


# ------------------------------------------------------------------ StatefulSet


def describe_volume_claim_templates(templates: Any, w: Any) -> None:
    """``describeVolumeClaimTemplates``."""
    if not templates:
        w.write(LEVEL_0, "Volume Claims:\t<none>\n")
        return
    w.write(LEVEL_0, "Volume Claims:\n")
    for pvc in templates:
        w.write(LEVEL_1, f"Name:\t{pvc.metadata.name}\n")
        w.write(LEVEL_1, f"StorageClass:\t{pvc_storage_class(pvc)}\n")
        print_labels_multiline(w, "Labels", pvc.metadata.labels, initial_indent="  ")
        print_labels_multiline(w, "Annotations", pvc.metadata.annotations, initial_indent="  ")
        requests = pvc.spec.resources.requests or {}
        if "storage" in requests:
            w.write(LEVEL_1, f"Capacity:\t{Quantity.parse(requests['storage'])}\n")
        else:
            w.write(LEVEL_1, "Capacity:\t<default>\n")
        w.write(LEVEL_1, f"Access Modes:\t{go_list(pvc.spec.access_modes)}\n")


def describe_stateful_set(lookup: Lookup, ps: Any, show_events: bool = True) -> str:
    minor, now = lookup.minor, lookup.now
    meta, spec, status = ps.metadata, ps.spec, ps.status
    counts = pod_status_for_controller(lookup, meta.namespace, selector_for(spec.selector), meta.uid)
    events = _events(lookup, ps, show_events)

    def body(w: Any) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.name}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.namespace}\n")
        w.write(LEVEL_0, f"CreationTimestamp:\t{fmt_time(meta.creation_timestamp)}\n")
        w.write(LEVEL_0, f"Selector:\t{selector_string(spec.selector)}\n")
        print_labels_multiline(w, "Labels", meta.labels)
        print_annotations_multiline(w, "Annotations", meta.annotations)
        w.write(LEVEL_0, f"Replicas:\t{spec.replicas or 0} desired | {status.replicas or 0} total\n")
        w.write(LEVEL_0, f"Update Strategy:\t{spec.update_strategy.type or ''}\n")
        ru = spec.update_strategy.rolling_update
        if ru is not None and ru.partition is not None:
            w.write(LEVEL_1, f"Partition:\t{ru.partition}\n")
            if ru.max_unavailable is not None:
                w.write(LEVEL_1, f"MaxUnavailable:\t{int_or_string_str(ru.max_unavailable)}\n")
        w.write(LEVEL_0, "Pods Status:\t" + _pods_status(counts))
        describe_pod_template(spec.template, w, minor)
        describe_volume_claim_templates(spec.volume_claim_templates, w)
        describe_events(events, w, now, minor)

    return tabbed_string(body)


# ------------------------------------------------------------------ DaemonSet


def describe_daemon_set(lookup: Lookup, ds: Any, show_events: bool = True) -> str:
    minor, now = lookup.minor, lookup.now
    meta, spec, status = ds.metadata, ds.spec, ds.status
    counts = pod_status_for_controller(lookup, meta.namespace, selector_for(spec.selector), meta.uid)
    events = _events(lookup, ds, show_events)

    def body(w: Any) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.name}\n")
        if minor >= 33:  # kubectl prints the namespace from 1.33 on (measured against 1.27–1.33)
            w.write(LEVEL_0, f"Namespace:\t{meta.namespace}\n")
        w.write(LEVEL_0, f"Selector:\t{selector_string(spec.selector)}\n")
        w.write(LEVEL_0, f"Node-Selector:\t{format_labels(spec.template.spec.node_selector)}\n")
        print_labels_multiline(w, "Labels", meta.labels)
        print_annotations_multiline(w, "Annotations", meta.annotations)
        w.write(LEVEL_0, f"Desired Number of Nodes Scheduled: {status.desired_number_scheduled or 0}\n")
        w.write(LEVEL_0, f"Current Number of Nodes Scheduled: {status.current_number_scheduled or 0}\n")
        w.write(LEVEL_0, f"Number of Nodes Scheduled with Up-to-date Pods: {status.updated_number_scheduled or 0}\n")
        w.write(LEVEL_0, f"Number of Nodes Scheduled with Available Pods: {status.number_available or 0}\n")
        w.write(LEVEL_0, f"Number of Nodes Misscheduled: {status.number_misscheduled or 0}\n")
        w.write(LEVEL_0, "Pods Status:\t" + _pods_status(counts))
        describe_pod_template(spec.template, w, minor)
        describe_events(events, w, now, minor)

    return tabbed_string(body)
