"""Per-kind table columns and cells: a port of `pkg/printers/internalversion/printers.go`.

Each printer turns one object into the cells kubectl shows, given the current simulated time
(for AGE). Kinds without a printer get the server's default table: NAME and AGE (CREATED AT for
some cluster-scoped kinds, as upstream).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any, Optional

from kubenb.api.labels import format_label_selector, format_labels, selector_from_label_selector
from kubenb.kubectl.printers.table import Column, Row, Table
from kubenb.sim.clock import parse_rfc3339
from kubenb.sim.duration import human_duration

Printer = Callable[[Any, float], list[str]]
NONE = "<none>"


def age(timestamp: Optional[str], now: float) -> str:
    """`translateTimestampSince`: HumanDuration since the timestamp, `<unknown>` when unset."""
    if not timestamp:
        return "<unknown>"
    return _since(timestamp, now)


@lru_cache(maxsize=4096)
def _since(timestamp: str, now: float) -> str:
    """Cached: the objects of a table share few distinct timestamps, and formatting one costs ~10 µs."""
    return human_duration(now - parse_rfc3339(timestamp))


def _age(obj: Any, now: float) -> str:
    return age(obj.metadata.creation_timestamp, now)


def _containers_images(spec: Any) -> tuple[str, str]:
    containers = spec.containers if spec is not None else []
    return ",".join(c.name for c in containers), ",".join(c.image or "" for c in containers)


# ------------------------------------------------------------------ pods


def _pod(pod: Any, now: float) -> list[str]:
    """`printPod`. Written for the common pod (no init containers, no readiness gates, Running):
    each field is read once into a local, and the rare branches cost nothing when they do not apply."""
    spec, status = pod.spec, pod.status
    conditions = status.conditions or ()
    init_specs = spec.init_containers or []
    restarts = 0
    last_restart: Optional[float] = None
    total = len(spec.containers)
    if init_specs:
        total += sum(1 for c in init_specs if c.restart_policy == "Always")
    ready = 0
    reason = status.reason or status.phase or ""
    for cond in conditions:
        if cond.reason == "SchedulingGated" and cond.type == "PodScheduled":
            reason = "SchedulingGated"

    initializing = False
    for i, ics in enumerate(status.init_container_statuses or ()):
        restarts += ics.restart_count
        if ics.restart_count:
            last_restart = _last_restart(ics, last_restart)
        sidecar = i < len(init_specs) and init_specs[i].restart_policy == "Always"
        term, wait = ics.state.terminated, ics.state.waiting
        if term is not None and term.exit_code == 0:
            continue
        if sidecar and ics.started:
            if ics.ready:
                ready += 1
            continue
        if term is not None:
            reason = "Init:" + (term.reason or (f"Signal:{term.signal}" if term.signal else f"ExitCode:{term.exit_code}"))
        elif wait is not None and wait.reason and wait.reason != "PodInitializing":
            reason = "Init:" + wait.reason
        else:
            reason = f"Init:{i}/{len(init_specs)}"
        initializing = True
        break
    if not initializing or any(c.type == "Initialized" and c.status == "True" for c in conditions):
        has_running = False
        for cs in reversed(status.container_statuses or ()):
            count = cs.restart_count
            if count:
                restarts += count
                last_restart = _last_restart(cs, last_restart)
            state = cs.state
            waiting, terminated = state.waiting, state.terminated
            if waiting is not None and waiting.reason:
                reason = waiting.reason
            elif terminated is not None:
                reason = terminated.reason or (f"Signal:{terminated.signal}" if terminated.signal
                                               else f"ExitCode:{terminated.exit_code}")
            elif cs.ready and state.running is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            pod_ready = any(c.type == "Ready" and c.status == "True" for c in conditions)
            reason = "Running" if pod_ready else "NotReady"
    if pod.metadata.deletion_timestamp:
        if status.reason == "NodeLost":
            reason = "Unknown"
        elif status.phase not in ("Succeeded", "Failed"):
            reason = "Terminating"
    restarts_text = str(restarts)
    if restarts and last_restart is not None:
        restarts_text = f"{restarts} ({human_duration(now - last_restart)} ago)"
    pod_ips = status.pod_ips
    ip = pod_ips[0].ip if pod_ips else (status.pod_ip or NONE)
    gates = NONE
    if spec.readiness_gates:
        true = sum(1 for g in spec.readiness_gates for c in conditions
                   if c.type == g.condition_type and c.status == "True")
        gates = f"{true}/{len(spec.readiness_gates)}"
    return [pod.metadata.name, f"{ready}/{total}", reason, restarts_text, _age(pod, now), ip,
            spec.node_name or NONE, status.nominated_node_name or NONE, gates]


def _last_restart(cs: Any, last: Optional[float]) -> Optional[float]:
    """The later of `last` and when the container's previous run ended (the RESTARTS "(… ago)")."""
    term = cs.last_state.terminated if cs.last_state is not None else None
    if term is not None and term.finished_at:
        t = parse_rfc3339(term.finished_at)
        return t if last is None or t > last else last
    return last


# ------------------------------------------------------------------ workloads


def _deployment(d: Any, now: float) -> list[str]:
    s = d.status
    containers, images = _containers_images(d.spec.template.spec)
    return [d.metadata.name, f"{s.ready_replicas or 0}/{d.spec.replicas if d.spec.replicas is not None else 1}",
            str(s.updated_replicas or 0), str(s.available_replicas or 0), _age(d, now),
            containers, images, _selector(d.spec.selector)]


def _replicaset(rs: Any, now: float) -> list[str]:
    s = rs.status
    containers, images = _containers_images(rs.spec.template.spec if rs.spec.template else None)
    return [rs.metadata.name, str(rs.spec.replicas if rs.spec.replicas is not None else 1), str(s.replicas or 0),
            str(s.ready_replicas or 0), _age(rs, now), containers, images, format_label_selector(rs.spec.selector)]


def _statefulset(s: Any, now: float) -> list[str]:
    containers, images = _containers_images(s.spec.template.spec)
    return [s.metadata.name, f"{s.status.ready_replicas or 0}/{s.spec.replicas if s.spec.replicas is not None else 1}",
            _age(s, now), containers, images]


def _daemonset(ds: Any, now: float) -> list[str]:
    s = ds.status
    containers, images = _containers_images(ds.spec.template.spec)
    return [ds.metadata.name, str(s.desired_number_scheduled or 0), str(s.current_number_scheduled or 0),
            str(s.number_ready or 0), str(s.updated_number_scheduled or 0), str(s.number_available or 0),
            format_labels(ds.spec.template.spec.node_selector or {}), _age(ds, now), containers, images,
            format_label_selector(ds.spec.selector)]


def _selector(sel: Any) -> str:
    if sel is None:
        return NONE
    try:
        text = str(selector_from_label_selector(sel))
    except ValueError:
        return "<error>"
    return text or NONE


# ------------------------------------------------------------------ services and config


def _service(svc: Any, now: float) -> list[str]:
    spec = svc.spec
    cluster_ip = (spec.cluster_ips[0] if spec.cluster_ips else spec.cluster_ip) or NONE
    if spec.type == "ExternalName":
        external = spec.external_name or NONE
    elif spec.type == "LoadBalancer":
        ingress = [i.ip or i.hostname for i in (svc.status.load_balancer.ingress or ())] if svc.status.load_balancer else []
        external = ",".join(sorted(ingress) + list(spec.external_ips or ())) or "<pending>"
    else:
        external = ",".join(spec.external_ips or ()) or NONE
    ports = []
    for p in spec.ports or ():
        ports.append(f"{p.port}:{p.node_port}/{p.protocol or 'TCP'}" if p.node_port else f"{p.port}/{p.protocol or 'TCP'}")
    return [svc.metadata.name, spec.type or "", cluster_ip, external, ",".join(ports) or NONE, _age(svc, now),
            format_labels(spec.selector or {})]


def _endpoints(ep: Any, now: float) -> list[str]:
    addrs = []
    for subset in ep.subsets or ():  # ports outside, addresses inside, as `formatEndpoints` loops
        if not subset.ports:
            addrs += [a.ip for a in subset.addresses or ()]
        for p in subset.ports or ():
            addrs += [f"{a.ip}:{p.port}" for a in subset.addresses or ()]
    text = NONE
    if addrs:
        shown = addrs[:3]
        text = ",".join(shown) + (f" + {len(addrs) - 3} more..." if len(addrs) > 3 else "")
    return [ep.metadata.name, text, _age(ep, now)]


def _configmap(cm: Any, now: float) -> list[str]:
    return [cm.metadata.name, str(len(cm.data or {}) + len(cm.binary_data or {})), _age(cm, now)]


def _secret(s: Any, now: float) -> list[str]:
    return [s.metadata.name, s.type or "", str(len(s.data or {})), _age(s, now)]


def _serviceaccount(sa: Any, now: float) -> list[str]:
    return [sa.metadata.name, str(len(sa.secrets or ())), _age(sa, now)]


def _namespace(ns: Any, now: float) -> list[str]:
    return [ns.metadata.name, ns.status.phase or "", _age(ns, now)]


def _node(node: Any, now: float) -> list[str]:
    ready = next((c for c in node.status.conditions or () if c.type == "Ready"), None)
    status = "Unknown" if ready is None else ("Ready" if ready.status == "True" else "NotReady")
    if node.spec.unschedulable:
        status += ",SchedulingDisabled"
    roles = set()
    for key, value in (node.metadata.labels or {}).items():
        if key.startswith("node-role.kubernetes.io/"):
            roles.add(key.split("/", 1)[1])
        elif key == "kubernetes.io/role" and value:
            roles.add(value)
    info = node.status.node_info
    internal = next((a.address for a in node.status.addresses or () if a.type == "InternalIP"), NONE)
    external = next((a.address for a in node.status.addresses or () if a.type == "ExternalIP"), NONE)
    return [node.metadata.name, status, ",".join(sorted(roles)) or NONE, _age(node, now),
            info.kubelet_version if info else "", internal, external,
            (info.os_image if info else "") or "<unknown>", (info.kernel_version if info else "") or "<unknown>",
            (info.container_runtime_version if info else "") or "<unknown>"]


def _event(ev: Any, now: float) -> list[str]:
    first = ev.first_timestamp or ev.event_time
    last = ev.last_timestamp or first
    count = ev.count or 1
    if ev.series is not None:  # events.k8s.io: a series counts and dates itself
        last, count = ev.series.last_observed_time, ev.series.count or 0
    obj = ev.involved_object
    return [age(last, now), ev.type or "", ev.reason or "", f"{(obj.kind or '').lower()}/{obj.name}",
            obj.field_path or "", _source(ev), (ev.message or "").strip(), age(first, now), str(count),
            ev.metadata.name]


def _source(ev: Any) -> str:
    src = ev.source
    if src is not None and src.component:
        return f"{src.component}, {src.host}" if src.host else src.component
    return ev.reporting_component or ""


def _controllerrevision(cr: Any, now: float) -> list[str]:
    ref = cr.metadata.controller_ref()
    controller = NONE
    if ref is not None:
        group = ref.api_version.rpartition("/")[0]
        controller = f"{ref.kind.lower()}.{group}/{ref.name}" if group else f"{ref.kind.lower()}/{ref.name}"
    return [cr.metadata.name, controller, str(cr.revision), _age(cr, now)]


def _endpointslice(es: Any, now: float) -> list[str]:
    ports = ",".join(str(p.port) for p in es.ports or () if p.port is not None) or NONE
    addrs = [a for e in es.endpoints or () for a in e.addresses or ()]
    text = "<unset>" if es.endpoints is None else (",".join(addrs[:3]) + (f" + {len(addrs) - 3} more..." if len(addrs) > 3 else "")) or NONE
    return [es.metadata.name, es.address_type or "", ports, text, _age(es, now)]


def _job(job: Any, now: float) -> list[str]:
    spec, st = job.spec, job.status
    conds = {c.type: c.status for c in st.conditions or ()}
    if conds.get("Complete") == "True":
        status = "Complete"
    elif conds.get("Failed") == "True":
        status = "Failed"
    elif job.metadata.deletion_timestamp:
        status = "Terminating"
    elif conds.get("Suspended") == "True":
        status = "Suspended"
    elif conds.get("FailureTarget") == "True":
        status = "FailureTarget"
    elif conds.get("SuccessCriteriaMet") == "True":
        status = "SuccessCriteriaMet"
    else:
        status = "Running"
    if spec.completions is not None:
        completions = f"{st.succeeded or 0}/{spec.completions}"
    elif (spec.parallelism or 1) > 1:
        completions = f"{st.succeeded or 0}/1 of {spec.parallelism}"
    else:
        completions = f"{st.succeeded or 0}/1"
    duration = ""
    if st.start_time:
        end = parse_rfc3339(st.completion_time) if st.completion_time else now
        duration = human_duration(end - parse_rfc3339(st.start_time))
    containers, images = _containers_images(spec.template.spec)
    return [job.metadata.name, status, completions, duration, _age(job, now), containers, images,
            format_label_selector(spec.selector)]


def _cronjob(cj: Any, now: float) -> list[str]:
    spec, st = cj.spec, cj.status
    suspend = "<unset>" if spec.suspend is None else ("True" if spec.suspend else "False")
    last = age(st.last_schedule_time, now) if st.last_schedule_time else NONE
    tpl = spec.job_template.spec
    containers, images = _containers_images(tpl.template.spec)
    return [cj.metadata.name, spec.schedule, spec.time_zone or NONE, suspend, str(len(st.active or ())), last,
            _age(cj, now), containers, images, format_label_selector(tpl.selector)]


def _access_modes(modes: Any) -> str:
    short = {"ReadWriteOnce": "RWO", "ReadOnlyMany": "ROX", "ReadWriteMany": "RWX", "ReadWriteOncePod": "RWOP"}
    return ",".join(short.get(m, m) for m in modes or ())


def _pv(pv: Any, now: float) -> list[str]:
    spec = pv.spec
    claim = f"{spec.claim_ref.namespace}/{spec.claim_ref.name}" if spec.claim_ref else ""
    capacity = (spec.capacity or {}).get("storage", "")
    return [pv.metadata.name, capacity, _access_modes(spec.access_modes), spec.persistent_volume_reclaim_policy or "",
            _terminating(pv, pv.status.phase), claim, spec.storage_class_name or "", spec.volume_attributes_class_name or NONE,
            pv.status.reason or "", _age(pv, now), spec.volume_mode or "Filesystem"]


def _pvc(pvc: Any, now: float) -> list[str]:
    spec, st = pvc.spec, pvc.status
    bound = st.phase == "Bound"
    return [pvc.metadata.name, _terminating(pvc, st.phase), spec.volume_name or "",
            (st.capacity or {}).get("storage", "") if bound else "", _access_modes(st.access_modes) if bound else "",
            spec.storage_class_name or "", spec.volume_attributes_class_name or NONE, _age(pvc, now),
            spec.volume_mode or "Filesystem"]


def _terminating(obj: Any, phase: Optional[str]) -> str:
    """PV and PVC printers show ``Terminating`` instead of the phase once deletion began."""
    return "Terminating" if obj.metadata.deletion_timestamp else phase or ""


def _storageclass(sc: Any, now: float) -> list[str]:
    name = sc.metadata.name
    annotations = sc.metadata.annotations or {}
    if annotations.get("storageclass.kubernetes.io/is-default-class") == "true":
        name += " (default)"
    return [name, sc.provisioner, sc.reclaim_policy or "Delete", sc.volume_binding_mode or "Immediate",
            "true" if sc.allow_volume_expansion else "false", _age(sc, now)]


def _ingress(ing: Any, now: float) -> list[str]:
    spec = ing.spec
    hosts = [r.host for r in spec.rules or () if r.host] or ["*"]
    lb = ing.status.load_balancer.ingress if ing.status and ing.status.load_balancer else None
    address = ",".join(i.ip or i.hostname or "" for i in lb or ())
    ports = "80, 443" if spec.tls else "80"
    return [ing.metadata.name, spec.ingress_class_name or NONE, ",".join(hosts), address, ports, _age(ing, now)]


def _ingressclass(ic: Any, now: float) -> list[str]:
    params = ic.spec.parameters
    return [ic.metadata.name, ic.spec.controller or "", f"{params.kind}/{params.name}" if params else NONE, _age(ic, now)]


def _rolebinding(rb: Any, now: float) -> list[str]:
    subjects = rb.subjects or ()
    users = ",".join(s.name for s in subjects if s.kind == "User")
    groups = ",".join(s.name for s in subjects if s.kind == "Group")
    sas = ",".join(f"{s.namespace or ''}/{s.name}" for s in subjects if s.kind == "ServiceAccount")
    return [rb.metadata.name, f"{rb.role_ref.kind}/{rb.role_ref.name}", _age(rb, now), users, groups, sas]


def _lease(lease: Any, now: float) -> list[str]:
    """``printLease``: the holder, empty when unset."""
    spec = getattr(lease, "spec", None) or {}
    return [lease.metadata.name, spec.get("holderIdentity") or "", _age(lease, now)]


def _default(obj: Any, now: float) -> list[str]:
    return [obj.metadata.name, _age(obj, now)]


def _created_at(obj: Any, now: float) -> list[str]:
    return [obj.metadata.name, obj.metadata.creation_timestamp or ""]


# ------------------------------------------------------------------ table of printers

C = Column
PRINTERS: dict[str, tuple[list[Column], Printer]] = {
    "Pod": ([C("Name"), C("Ready"), C("Status"), C("Restarts"), C("Age"), C("IP", 1), C("Node", 1),
             C("Nominated Node", 1), C("Readiness Gates", 1)], _pod),
    "Deployment": ([C("Name"), C("Ready"), C("Up-to-date"), C("Available"), C("Age"), C("Containers", 1),
                    C("Images", 1), C("Selector", 1)], _deployment),
    "ReplicaSet": ([C("Name"), C("Desired"), C("Current"), C("Ready"), C("Age"), C("Containers", 1),
                    C("Images", 1), C("Selector", 1)], _replicaset),
    "StatefulSet": ([C("Name"), C("Ready"), C("Age"), C("Containers", 1), C("Images", 1)], _statefulset),
    "DaemonSet": ([C("Name"), C("Desired"), C("Current"), C("Ready"), C("Up-to-date"), C("Available"),
                   C("Node Selector"), C("Age"), C("Containers", 1), C("Images", 1), C("Selector", 1)], _daemonset),
    "Service": ([C("Name"), C("Type"), C("Cluster-IP"), C("External-IP"), C("Port(s)"), C("Age"),
                 C("Selector", 1)], _service),
    "Endpoints": ([C("Name"), C("Endpoints"), C("Age")], _endpoints),
    "EndpointSlice": ([C("Name"), C("AddressType"), C("Ports"), C("Endpoints"), C("Age")], _endpointslice),
    "ConfigMap": ([C("Name"), C("Data"), C("Age")], _configmap),
    "Secret": ([C("Name"), C("Type"), C("Data"), C("Age")], _secret),
    "ServiceAccount": ([C("Name"), C("Secrets"), C("Age")], _serviceaccount),
    "Namespace": ([C("Name"), C("Status"), C("Age")], _namespace),
    "Node": ([C("Name"), C("Status"), C("Roles"), C("Age"), C("Version"), C("Internal-IP", 1),
              C("External-IP", 1), C("OS-Image", 1), C("Kernel-Version", 1), C("Container-Runtime", 1)], _node),
    "Event": ([C("Last Seen"), C("Type"), C("Reason"), C("Object"), C("Subobject", 1), C("Source", 1),
               C("Message"), C("First Seen", 1), C("Count", 1), C("Name", 1)], _event),
    "ControllerRevision": ([C("Name"), C("Controller"), C("Revision"), C("Age")], _controllerrevision),
    "Job": ([C("Name"), C("Status"), C("Completions"), C("Duration"), C("Age"), C("Containers", 1), C("Images", 1),
             C("Selector", 1)], _job),
    "CronJob": ([C("Name"), C("Schedule"), C("Timezone", since=27), C("Suspend"), C("Active"), C("Last Schedule"), C("Age"),
                 C("Containers", 1), C("Images", 1), C("Selector", 1)], _cronjob),
    "PersistentVolume": ([C("Name"), C("Capacity"), C("Access Modes"), C("Reclaim Policy"), C("Status"), C("Claim"),
                          C("StorageClass"), C("VolumeAttributesClass", since=29), C("Reason"), C("Age"), C("VolumeMode", 1)], _pv),
    "PersistentVolumeClaim": ([C("Name"), C("Status"), C("Volume"), C("Capacity"), C("Access Modes"),
                               C("StorageClass"), C("VolumeAttributesClass", since=29), C("Age"), C("VolumeMode", 1)], _pvc),
    "StorageClass": ([C("Name"), C("Provisioner"), C("ReclaimPolicy"), C("VolumeBindingMode"),
                      C("AllowVolumeExpansion"), C("Age")], _storageclass),
    "Ingress": ([C("Name"), C("Class"), C("Hosts"), C("Address"), C("Ports"), C("Age")], _ingress),
    "IngressClass": ([C("Name"), C("Controller"), C("Parameters"), C("Age")], _ingressclass),
    "RoleBinding": ([C("Name"), C("Role"), C("Age"), C("Users", 1), C("Groups", 1), C("ServiceAccounts", 1)],
                    _rolebinding),
    "ClusterRoleBinding": ([C("Name"), C("Role"), C("Age"), C("Users", 1), C("Groups", 1), C("ServiceAccounts", 1)],
                           _rolebinding),
    "Lease": ([C("Name"), C("Holder"), C("Age")], _lease),
    "ClusterRole": ([C("Name"), C("Created At")], _created_at),
    "Role": ([C("Name"), C("Created At")], _created_at),
}



def table_for(kind: str, objects: Iterable[Any], now: float, minor: int = 99) -> Table:
    """The server's table for `objects` of `kind`, with the columns of a v1.`minor` API server."""
    columns, printer = PRINTERS.get(kind, ([C("Name"), C("Age")], _default))
    keep = [i for i, c in enumerate(columns) if c.since <= minor]
    if len(keep) == len(columns):
        return Table(columns, [Row(printer(obj, now), obj) for obj in objects])
    rows = []
    for obj in objects:
        cells = printer(obj, now)
        rows.append(Row([cells[i] for i in keep], obj))
    return Table([columns[i] for i in keep], rows)
