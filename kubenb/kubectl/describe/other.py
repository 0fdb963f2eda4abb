"""The smaller dedicated describers: Namespace, ConfigMap, Secret, ServiceAccount, PersistentVolume,
PersistentVolumeClaim, StorageClass, Ingress, IngressClass, Job and CronJob.

Ported from kubernetes/kubectl ``pkg/describe/describe.go`` (commit 365ecee2). These follow the
upstream HEAD; only the Ingress describer has v1.23-era behaviour restored (no ``Ingress Class``
line, the ``default-http-backend`` fallback, Endpoints instead of EndpointSlices).
"""

from __future__ import annotations

import base64
from typing import Any

from kubenb.api.quantity import Quantity
from kubenb.kubectl.describe.common import (
    LEVEL_0,
    LEVEL_1,
    LEVEL_2,
    describe_events,
    field,
    fmt_time,
    format_labels,
    go_list,
    print_annotations_multiline,
    print_bool_ptr,
    print_controller,
    print_labels_multiline,
    print_pods_multiline,
    selector_from_set,
    selector_string,
    since,
    tabbed_string,
    translate_timestamp_since,
)
from kubenb.kubectl.describe.containers import describe_pod_template
from kubenb.kubectl.describe.lookup import Lookup
from kubenb.kubectl.describe.service import SERVICE_NAME_LABEL, format_endpoint_slices, format_endpoints
from kubenb.kubectl.describe.volumes import (
    access_modes_string,
    print_aws_ebs,
    print_cephfs,
    print_cinder,
    print_csi_attributes,
    print_fc,
    print_flex,
    print_flocker,
    print_gce_pd,
    print_host_path,
    print_iscsi,
    print_nfs,
    print_persistent_volume_claim,
    print_photon,
    print_rbd,
    print_storageos,
    print_vsphere,
)
from kubenb.sim.clock import parse_rfc3339
from kubenb.sim.duration import human_duration

SINCE_EXTRA = {
    "ingress_class_line": 24,  # kubernetes#107921 "Add Ingress Class to kubectl describe ingress output" (2022-02)
    "ingress_default_backend_default": 24,  # guess: kubectl#1172 (2022-01) dropped the default-http-backend lookup
    "job_suspend": 30,  # kubernetes#122618 (2024-01)
}


def _since(minor: int, feature: str) -> bool:
    return minor >= SINCE_EXTRA[feature]


# ------------------------------------------------------------------ Namespace


def describe_namespace(lookup: Lookup, ns: Any, show_events: bool = True) -> str:
    """``describeNamespace`` (kubectl fetches no events for namespaces)."""
    name = ns.metadata.name
    quotas = sorted(lookup.list("ResourceQuota", name), key=lambda q: q.metadata.name)
    limit_ranges = lookup.list("LimitRange", name)

    def body(w: Any) -> None:
        w.write(LEVEL_0, f"Name:\t{name}\n")
        print_labels_multiline(w, "Labels", ns.metadata.labels)
        print_annotations_multiline(w, "Annotations", ns.metadata.annotations)
        w.write(LEVEL_0, f"Status:\t{ns.status.phase or ''}\n")
        if ns.status.conditions:
            w.write(LEVEL_0, "Conditions:\n")
            w.write(LEVEL_1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n")
            w.write(LEVEL_1, "----\t------\t------------------\t------\t-------\n")
            for c in ns.status.conditions:
                w.write(LEVEL_1, f"{c.type}\t{c.status}\t{fmt_time(c.last_transition_time)}\t{c.reason or ''}\t"
                        f"{c.message or ''}\n")
        w.write(LEVEL_0, "\n")
        if not quotas:
            w.write(LEVEL_0, "No resource quota.\n")
        else:
            w.write(LEVEL_0, "Resource Quotas\n")
            for q in quotas:
                w.write(LEVEL_1, f"Name:\t{q.metadata.name}\n")
                if q.spec.scopes:
                    w.write(LEVEL_1, f"Scopes:\t{', '.join(sorted(q.spec.scopes))}\n")
                w.write(LEVEL_1, "Resource\tUsed\tHard\n")
                w.write(LEVEL_1, "--------\t---\t---\n")
                hard, used = q.status.hard or {}, q.status.used or {}
                for r in sorted(hard):
                    w.write(LEVEL_1, f"{r}\t{Quantity.parse(used.get(r, '0'))}\t{Quantity.parse(hard[r])}\n")
        w.write(LEVEL_0, "\n")
        if not limit_ranges:
            w.write(LEVEL_0, "No LimitRange resource.\n")
        else:
            w.write(LEVEL_0, "Resource Limits\n Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\t"
                    "Max Limit/Request Ratio\n")
            w.write(LEVEL_0, " ----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n")
            for lr in limit_ranges:
                _limit_range_spec(lr.spec, " ", w)

    return tabbed_string(body)


def _limit_range_spec(spec: Any, prefix: str, w: Any) -> None:
    for item in spec.limits or ():
        names: list[str] = []
        for m in (item.max, item.min, item.default, item.default_request, item.max_limit_request_ratio):
            for k in m or {}:
                if k not in names:
                    names.append(k)
        for k in names:  # Go iterates a map here: the order is random upstream
            cells = [str(Quantity.parse(m[k])) if m and k in m else "-"
                     for m in (item.min, item.max, item.default_request, item.default, item.max_limit_request_ratio)]
            w.write(LEVEL_0, f"{prefix}{item.type}\t{k}\t" + "\t".join(cells) + "\n")


# ------------------------------------------------------------------ ConfigMap and Secret


def describe_config_map(lookup: Lookup, cm: Any, show_events: bool = True) -> str:
    """ConfigMapDescriber. Go ranges over the data map (random order); keys are sorted here."""
    events = lookup.events_for(cm) if show_events else None

    def body(w: Any) -> None:
        w.write(LEVEL_0, f"Name:\t{cm.metadata.name}\n")
        w.write(LEVEL_0, f"Namespace:\t{cm.metadata.namespace}\n")
        print_labels_multiline(w, "Labels", cm.metadata.labels)
        print_annotations_multiline(w, "Annotations", cm.metadata.annotations)
        w.write(LEVEL_0, "\nData\n====\n")
        for k in sorted(cm.data or {}):
            w.write(LEVEL_0, f"{k}:\n----\n")
            w.write(LEVEL_0, f"{cm.data[k]}\n")
            w.write(LEVEL_0, "\n")
        w.write(LEVEL_0, "\nBinaryData\n====\n")
        for k in sorted(cm.binary_data or {}):
            w.write(LEVEL_0, f"{k}: {len(base64.b64decode(cm.binary_data[k]))} bytes\n")
        w.write(LEVEL_0, "\n")
        describe_events(events, w, lookup.now, lookup.minor)

    return tabbed_string(body)


def describe_secret(lookup: Lookup, secret: Any, show_events: bool = True) -> str:
    """SecretDescriber (no events). The data map is ranged in random order upstream; sorted here."""

    def body(w: Any) -> None:
        w.write(LEVEL_0, f"Name:\t{secret.metadata.name}\n")
        w.write(LEVEL_0, f"Namespace:\t{secret.metadata.namespace}\n")
        print_labels_multiline(w, "Labels", secret.metadata.labels)
        print_annotations_multiline(w, "Annotations", secret.metadata.annotations)
        w.write(LEVEL_0, f"\nType:\t{secret.type or ''}\n")
        w.write(LEVEL_0, "\nData\n====\n")
        for k in sorted(secret.data or {}):
            raw = base64.b64decode(secret.data[k])
            if k == "token" and secret.type == "kubernetes.io/service-account-token":
                w.write(LEVEL_0, f"{k}:\t{raw.decode(errors='replace')}\n")
            else:
                w.write(LEVEL_0, f"{k}:\t{len(raw)} bytes\n")

    return tabbed_string(body)


def describe_service_account(lookup: Lookup, sa: Any, show_events: bool = True) -> str:
    meta = sa.metadata
    secrets = lookup.list("Secret", meta.namespace)
    existing = {s.metadata.name for s in secrets}
    tokens = [s for s in secrets if s.type == "kubernetes.io/service-account-token"
              and (s.metadata.annotations or {}).get("kubernetes.io/service-account.name") == meta.name
              and (s.metadata.annotations or {}).get("kubernetes.io/service-account.uid") == meta.uid]
    missing = {r.name for r in sa.secrets or () if r.name not in existing}
    missing |= {r.name for r in sa.image_pull_secrets or () if r.name not in existing}
    events = lookup.events_for(sa) if show_events else None

    def body(w: Any) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.name}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.namespace}\n")
        print_labels_multiline(w, "Labels", meta.labels)
        print_annotations_multiline(w, "Annotations", meta.annotations)
        empty = "                   "
        groups = {
            "Image pull secrets:": [r.name for r in sa.image_pull_secrets or ()],
            "Mountable secrets: ": [r.name for r in sa.secrets or ()],
            "Tokens:            ": [s.metadata.name for s in tokens],
        }
        for header in sorted(groups):
            names = groups[header]
            if not names:
                w.write(LEVEL_0, f"{header}\t<none>\n")
                continue
            prefix = header
            for name in names:
                suffix = " (not found)" if name in missing else ""
                w.write(LEVEL_0, f"{prefix}\t{name}{suffix}\n")
                prefix = empty
        describe_events(events, w, lookup.now, lookup.minor)

    return tabbed_string(body)


# ------------------------------------------------------------------ storage


def _pv_class(pv: Any) -> str:
    ann = pv.metadata.annotations or {}
    if "volume.beta.kubernetes.io/storage-class" in ann:
        return ann["volume.beta.kubernetes.io/storage-class"]
    return pv.spec.storage_class_name or ""


def describe_persistent_volume(lookup: Lookup, pv: Any, show_events: bool = True) -> str:
    meta, spec, status = pv.metadata, pv.spec, pv.status
    events = lookup.events_for(pv) if show_events else None

    def body(w: Any) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.name}\n")
        print_labels_multiline(w, "Labels", meta.labels)
        print_annotations_multiline(w, "Annotations", meta.annotations)
        w.write(LEVEL_0, f"Finalizers:\t{go_list(meta.finalizers)}\n")
        w.write(LEVEL_0, f"StorageClass:\t{_pv_class(pv)}\n")
        if meta.deletion_timestamp:
            w.write(LEVEL_0, f"Status:\tTerminating (lasts {translate_timestamp_since(meta.deletion_timestamp, lookup.now)})\n")
        else:
            w.write(LEVEL_0, f"Status:\t{status.phase or ''}\n")
        if spec.claim_ref is not None:
            w.write(LEVEL_0, f"Claim:\t{spec.claim_ref.namespace or ''}/{spec.claim_ref.name or ''}\n")
        else:
            w.write(LEVEL_0, "Claim:\t\n")
        w.write(LEVEL_0, f"Reclaim Policy:\t{spec.persistent_volume_reclaim_policy or ''}\n")
        w.write(LEVEL_0, f"Access Modes:\t{access_modes_string(spec.access_modes)}\n")
        if spec.volume_mode is not None:
            w.write(LEVEL_0, f"VolumeMode:\t{spec.volume_mode}\n")
        storage = (spec.capacity or {}).get("storage")
        w.write(LEVEL_0, f"Capacity:\t{Quantity.parse(storage) if storage else '0'}\n")
        _node_affinity(w, spec.node_affinity)
        w.write(LEVEL_0, f"Message:\t{status.message or ''}\n")
        w.write(LEVEL_0, "Source:\n")
        if spec.host_path is not None:
            print_host_path(spec.host_path, w)
        elif spec.gce_persistent_disk is not None:
            print_gce_pd(spec.gce_persistent_disk, w)
        elif spec.aws_elastic_block_store is not None:
            print_aws_ebs(spec.aws_elastic_block_store, w)
        elif spec.nfs is not None:
            print_nfs(spec.nfs, w)
        elif spec.iscsi is not None:
            print_iscsi(spec.iscsi, w)
        elif spec.rbd is not None:
            print_rbd(spec.rbd, w)
        elif spec.vsphere_volume is not None:
            print_vsphere(spec.vsphere_volume, w)
        elif spec.cinder is not None:
            print_cinder(spec.cinder, w)
        elif spec.photon_persistent_disk is not None:
            print_photon(spec.photon_persistent_disk, w)
        elif spec.local is not None:
            w.write(LEVEL_2, f"Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n"
                    f"    Path:\t{spec.local.path}\n")
        elif spec.cephfs is not None:
            print_cephfs(spec.cephfs, w)
        elif spec.storageos is not None:
            print_storageos(spec.storageos, w)
        elif spec.fc is not None:
            print_fc(spec.fc, w)
        elif spec.flex_volume is not None:
            print_flex(spec.flex_volume, w)
        elif spec.flocker is not None:
            print_flocker(spec.flocker, w)
        elif spec.csi is not None:
            c = spec.csi
            w.write(LEVEL_2, "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n"
                    f"    Driver:\t{c.driver}\n"
                    f"    FSType:\t{c.fs_type or ''}\n"
                    f"    VolumeHandle:\t{c.volume_handle}\n"
                    f"    ReadOnly:\t{'true' if c.read_only else 'false'}\n")
            print_csi_attributes(w, "VolumeAttributes", c.volume_attributes)
        else:
            w.write(LEVEL_1, "<unknown>\n")
        describe_events(events, w, lookup.now, lookup.minor)

    return tabbed_string(body)


def _node_affinity(w: Any, affinity: Any) -> None:
    """``printVolumeNodeAffinity``."""
    w.write(LEVEL_0, "Node Affinity:\t")
    if affinity is None or affinity.required is None:
        w.write_line("<none>")
        return
    w.write_line("")
    w.write(LEVEL_1, "Required Terms:\t")
    terms = affinity.required.node_selector_terms or []
    if not terms:
        w.write_line("<none>")
        return
    w.write_line("")
    for i, term in enumerate(terms):
        w.write(LEVEL_2, f"Term {i}:\t")
        reqs = term.match_expressions or []
        if not reqs:
            w.write_line("<none>")
            continue
        for j, req in enumerate(reqs):
            if j:
                w.write(LEVEL_2, "\t")
            text = f"{req.key} {req.operator.lower()}"
            if req.values:
                text += f" [{', '.join(req.values)}]"
            w.write(LEVEL_0, text + "\n")


def describe_persistent_volume_claim(lookup: Lookup, pvc: Any, show_events: bool = True) -> str:
    meta = pvc.metadata
    pods = []
    ns_pods = lookup.list("Pod", meta.namespace)
    for pod in ns_pods:
        for v in pod.spec.volumes or ():
            if v.persistent_volume_claim is not None and v.persistent_volume_claim.claim_name == meta.name:
                pods.append(pod)
    for ref in meta.owner_references or ():
        if ref.kind != "Pod":
            continue
        owner = next((p for p in ns_pods if p.metadata.uid == ref.uid), None)
        if owner is not None and all(p.metadata.uid != owner.metadata.uid for p in pods):
            pods.append(owner)
    events = lookup.events_for(pvc) if show_events else None

    def body(w: Any) -> None:
        print_persistent_volume_claim(w, pvc, True, lookup.minor, lookup.now)
        print_pods_multiline(w, "Used By", pods, lookup.minor)
        if pvc.status.conditions:
            w.write(LEVEL_0, "Conditions:\n")
            w.write(LEVEL_1, "Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage\n")
            w.write(LEVEL_1, "----\t------\t-----------------\t------------------\t------\t-------\n")
            for c in pvc.status.conditions:
                w.write(LEVEL_1, f"{c.type} \t{c.status} \t{fmt_time(c.last_probe_time)} \t"
                        f"{fmt_time(c.last_transition_time)} \t{c.reason or ''} \t{c.message or ''}\n")
        describe_events(events, w, lookup.now, lookup.minor)

    return tabbed_string(body)


def describe_storage_class(lookup: Lookup, sc: Any, show_events: bool = True) -> str:
    events = lookup.events_for(sc) if show_events else None
    ann = sc.metadata.annotations or {}
    is_default = "Yes" if (ann.get("storageclass.kubernetes.io/is-default-class") == "true"
                           or ann.get("storageclass.beta.kubernetes.io/is-default-class") == "true") else "No"

    def body(w: Any) -> None:
        w.write(LEVEL_0, f"Name:\t{sc.metadata.name}\n")
        w.write(LEVEL_0, f"IsDefaultClass:\t{is_default}\n")
        w.write(LEVEL_0, f"Annotations:\t{format_labels(sc.metadata.annotations)}\n")
        w.write(LEVEL_0, f"Provisioner:\t{sc.provisioner}\n")
        w.write(LEVEL_0, f"Parameters:\t{format_labels(sc.parameters)}\n")
        w.write(LEVEL_0, f"AllowVolumeExpansion:\t{print_bool_ptr(sc.allow_volume_expansion)}\n")
        if not sc.mount_options:
            w.write(LEVEL_0, "MountOptions:\t<none>\n")
        else:
            w.write(LEVEL_0, "MountOptions:\n")
            for opt in sc.mount_options:
                w.write(LEVEL_1, f"{opt}\n")
        if sc.reclaim_policy is not None:
            w.write(LEVEL_0, f"ReclaimPolicy:\t{sc.reclaim_policy}\n")
        if sc.volume_binding_mode is not None:
            w.write(LEVEL_0, f"VolumeBindingMode:\t{sc.volume_binding_mode}\n")
        if sc.allowed_topologies is not None:
            w.write(LEVEL_0, "AllowedTopologies:\t")
            if not sc.allowed_topologies:
                w.write_line("<none>")
            else:
                w.write_line("")
                for i, term in enumerate(sc.allowed_topologies):
                    w.write(LEVEL_1, f"Term {i}:\t")
                    reqs = term.match_label_expressions or []
                    if not reqs:
                        w.write_line("<none>")
                        continue
                    for j, req in enumerate(reqs):
                        if j:
                            w.write(LEVEL_1, "\t")
                        text = f"{req.key} in"
                        if req.values:
                            text += f" [{', '.join(req.values)}]"
                        w.write(LEVEL_0, text + "\n")
        describe_events(events, w, lookup.now, lookup.minor)

    return tabbed_string(body)


# ------------------------------------------------------------------ networking


def _service_backend_string(backend: Any) -> str:
    port = backend.port
    num = field(port, "number") or 0
    return f"{backend.name}:{num if num else (field(port, 'name') or '')}"


def _describe_backend(lookup: Lookup, ns: str, backend: Any) -> str:
    """``describeBackendV1``: ``svc:port (endpoints)``, or ``<error: ...>``."""
    minor = lookup.minor
    if backend.service is not None:
        sb = _service_backend_string(backend.service)
        name = backend.service.name
        if since(minor, "service_endpointslices"):
            slices = lookup.list("EndpointSlice", ns, selector_from_set({SERVICE_NAME_LABEL: name}))
        else:
            endpoints = lookup.try_get("Endpoints", ns, name)
            if endpoints is None:
                return f'{sb} (<error: endpoints "{name}" not found>)'
        service = lookup.try_get("Service", ns, name)
        if service is None:
            return f'{sb} (<error: services "{name}" not found>)'
        sp_name = ""
        for sp in service.spec.ports or ():
            number, pname = field(backend.service.port, "number") or 0, field(backend.service.port, "name") or ""
            if number and number == sp.port:
                sp_name = sp.name or ""
            elif pname and pname == (sp.name or ""):
                sp_name = sp.name or ""
        if since(minor, "service_endpointslices"):
            eps = format_endpoint_slices(slices, {sp_name}, since(minor, "endpointslice_ready_filter"))
        else:
            eps = format_endpoints(endpoints, {sp_name})
        return f"{sb} ({eps})"
    if backend.resource is not None:
        r = backend.resource
        return f"APIGroup: {r.api_group if r.api_group is not None else '<none>'}, Kind: {r.kind}, Name: {r.name}"
    return ""


def describe_ingress(lookup: Lookup, ing: Any, show_events: bool = True) -> str:
    minor = lookup.minor
    meta, spec = ing.metadata, ing.spec
    events = lookup.events_for(ing) if show_events else None

    def body(w: Any) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.name}\n")
        print_labels_multiline(w, "Labels", meta.labels)
        w.write(LEVEL_0, f"Namespace:\t{meta.namespace}\n")
        addrs = sorted({i.ip or i.hostname for i in (ing.status.load_balancer.ingress or ()) if i.ip or i.hostname})
        w.write(LEVEL_0, f"Address:\t{','.join(addrs)}\n")
        if _since(minor, "ingress_class_line"):
            w.write(LEVEL_0, f"Ingress Class:\t{spec.ingress_class_name or '<none>'}\n")
        if spec.default_backend is not None:
            default = _describe_backend(lookup, meta.namespace, spec.default_backend)
        elif _since(minor, "ingress_default_backend_default"):
            default = "<default>"
        else:
            from kubenb.api.networking import IngressBackend

            fallback = IngressBackend.model_validate(
                {"service": {"name": "default-http-backend", "port": {"number": 80}}})
            default = _describe_backend(lookup, "kube-system", fallback)
        w.write(LEVEL_0, f"Default backend:\t{default}\n")
        if spec.tls:
            w.write(LEVEL_0, "TLS:\n")
            for t in spec.tls:
                if not t.secret_name:
                    w.write(LEVEL_1, f"SNI routes {','.join(t.hosts or ())}\n")
                else:
                    w.write(LEVEL_1, f"{t.secret_name} terminates {','.join(t.hosts or ())}\n")
        w.write(LEVEL_0, "Rules:\n  Host\tPath\tBackends\n")
        w.write(LEVEL_1, "----\t----\t--------\n")
        count = 0
        for rule in spec.rules or ():
            if rule.http is None:
                continue
            count += 1
            w.write(LEVEL_1, f"{rule.host or '*'}\t\n")
            for path in rule.http.paths or ():
                w.write(LEVEL_2, f"\t{path.path or ''} \t{_describe_backend(lookup, meta.namespace, path.backend)}\n")
        if count == 0:
            w.write(LEVEL_1, f"*\t*\t{default}\n")
        print_annotations_multiline(w, "Annotations", meta.annotations)
        describe_events(events, w, lookup.now, minor)

    return tabbed_string(body)


def describe_ingress_class(lookup: Lookup, ic: Any, show_events: bool = True) -> str:
    events = lookup.events_for(ic) if show_events else None

    def body(w: Any) -> None:
        w.write(LEVEL_0, f"Name:\t{ic.metadata.name}\n")
        print_labels_multiline(w, "Labels", ic.metadata.labels)
        print_annotations_multiline(w, "Annotations", ic.metadata.annotations)
        w.write(LEVEL_0, f"Controller:\t{ic.spec.controller or ''}\n")
        p = ic.spec.parameters
        if p is not None:
            w.write(LEVEL_0, "Parameters:\n")
            if p.api_group is not None:
                w.write(LEVEL_1, f"APIGroup:\t{p.api_group}\n")
            w.write(LEVEL_1, f"Kind:\t{p.kind}\n")
            w.write(LEVEL_1, f"Name:\t{p.name}\n")
        describe_events(events, w, lookup.now, lookup.minor)

    return tabbed_string(body)


# ------------------------------------------------------------------ batch


def describe_job(lookup: Lookup, job: Any, show_events: bool = True) -> str:
    minor = lookup.minor
    meta, spec, status = job.metadata, job.spec, job.status
    events = lookup.events_for(job) if show_events else None

    def body(w: Any) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.name}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.namespace}\n")
        w.write(LEVEL_0, f"Selector:\t{selector_string(spec.selector)}\n")
        print_labels_multiline(w, "Labels", meta.labels)
        print_annotations_multiline(w, "Annotations", meta.annotations)
        controlled_by = print_controller(job)
        if controlled_by:
            w.write(LEVEL_0, f"Controlled By:\t{controlled_by}\n")
        if spec.parallelism is not None:
            w.write(LEVEL_0, f"Parallelism:\t{spec.parallelism}\n")
        if spec.completions is not None:
            w.write(LEVEL_0, f"Completions:\t{spec.completions}\n")
        else:
            w.write(LEVEL_0, "Completions:\t<unset>\n")
        if spec.completion_mode is not None:
            w.write(LEVEL_0, f"Completion Mode:\t{spec.completion_mode}\n")
        if _since(minor, "job_suspend") and spec.suspend is not None:
            w.write(LEVEL_0, f"Suspend:\t{'true' if spec.suspend else 'false'}\n")
        if spec.backoff_limit is not None:
            w.write(LEVEL_0, f"Backoff Limit:\t{spec.backoff_limit}\n")
        if spec.ttl_seconds_after_finished is not None:
            w.write(LEVEL_0, f"TTL Seconds After Finished:\t{spec.ttl_seconds_after_finished}\n")
        if status.start_time:
            w.write(LEVEL_0, f"Start Time:\t{fmt_time(status.start_time)}\n")
        if status.completion_time:
            w.write(LEVEL_0, f"Completed At:\t{fmt_time(status.completion_time)}\n")
        if status.start_time and status.completion_time:
            took = parse_rfc3339(status.completion_time) - parse_rfc3339(status.start_time)
            w.write(LEVEL_0, f"Duration:\t{human_duration(took)}\n")
        if spec.active_deadline_seconds is not None:
            w.write(LEVEL_0, f"Active Deadline Seconds:\t{spec.active_deadline_seconds}s\n")
        if status.ready is None:
            w.write(LEVEL_0, f"Pods Statuses:\t{status.active or 0} Active / {status.succeeded or 0} Succeeded / "
                    f"{status.failed or 0} Failed\n")
        else:
            w.write(LEVEL_0, f"Pods Statuses:\t{status.active or 0} Active ({status.ready} Ready) / "
                    f"{status.succeeded or 0} Succeeded / {status.failed or 0} Failed\n")
        if spec.completion_mode == "Indexed":
            w.write(LEVEL_0, f"Completed Indexes:\t{_cap_indexes(status.completed_indexes or '', 50)}\n")
        describe_pod_template(spec.template, w, minor)
        describe_events(events, w, lookup.now, minor)

    return tabbed_string(body)


def _cap_indexes(indexes: str, soft_limit: int) -> str:
    if not indexes:
        return "<none>"
    ix = soft_limit
    while ix < len(indexes) and indexes[ix] != ",":
        ix += 1
    if ix >= len(indexes):
        return indexes
    return indexes[:ix + 1] + "..."


def describe_cron_job(lookup: Lookup, cj: Any, show_events: bool = True) -> str:
    minor = lookup.minor
    meta, spec, status = cj.metadata, cj.spec, cj.status
    events = lookup.events_for(cj) if show_events else None

    def body(w: Any) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.name}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.namespace}\n")
        print_labels_multiline(w, "Labels", meta.labels)
        print_annotations_multiline(w, "Annotations", meta.annotations)
        w.write(LEVEL_0, f"Schedule:\t{spec.schedule}\n")
        w.write(LEVEL_0, f"Concurrency Policy:\t{spec.concurrency_policy or ''}\n")
        w.write(LEVEL_0, f"Suspend:\t{print_bool_ptr(spec.suspend)}\n")
        for label, value in (("Successful Job History Limit", spec.successful_jobs_history_limit),
                             ("Failed Job History Limit", spec.failed_jobs_history_limit)):
            w.write(LEVEL_0, f"{label}:\t{value if value is not None else '<unset>'}\n")
        if spec.starting_deadline_seconds is not None:
            w.write(LEVEL_0, f"Starting Deadline Seconds:\t{spec.starting_deadline_seconds}s\n")
        else:
            w.write(LEVEL_0, "Starting Deadline Seconds:\t<unset>\n")
        jt = spec.job_template
        jspec = jt.spec
        if jspec.selector is not None:
            w.write(LEVEL_0, f"Selector:\t{selector_string(jspec.selector)}\n")
        else:
            w.write(LEVEL_0, "Selector:\t<unset>\n")
        w.write(LEVEL_0, f"Parallelism:\t{jspec.parallelism if jspec.parallelism is not None else '<unset>'}\n")
        w.write(LEVEL_0, f"Completions:\t{jspec.completions if jspec.completions is not None else '<unset>'}\n")
        if jspec.active_deadline_seconds is not None:
            w.write(LEVEL_0, f"Active Deadline Seconds:\t{jspec.active_deadline_seconds}s\n")
        describe_pod_template(jspec.template, w, minor)
        if status.last_schedule_time:
            w.write(LEVEL_0, f"Last Schedule Time:\t{fmt_time(status.last_schedule_time)}\n")
        else:
            w.write(LEVEL_0, "Last Schedule Time:\t<unset>\n")
        w.write(LEVEL_0, "Active Jobs:\t")
        active = status.active or []
        if not active:
            w.write_line("<none>")
        else:
            w.write(LEVEL_0, ", ".join(r.name or "" for r in active))
            w.write_line("")
        describe_events(events, w, lookup.now, minor)

    return tabbed_string(body)
