"""Containers and pod templates in ``kubectl describe``.

Ports ``describeContainers`` (basic info, command, state, resources, probes, environment,
mounts), ``DescribeProbe``, ``describeResources``, ``EnvValueRetriever`` and
``DescribePodTemplate`` from kubernetes/kubectl ``pkg/describe/describe.go`` (commit 365ecee2),
with the pod template of kubectl < 1.30 (no ``Node-Selectors``/``Tolerations``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, Optional
from urllib.parse import quote

from kubenb.api.intstr import int_or_string_str
from kubenb.api.names import go_quote
from kubenb.api.quantity import Quantity
from kubenb.kubectl.describe.common import (
    LEVEL_0,
    LEVEL_1,
    LEVEL_2,
    LEVEL_3,
    fmt_time,
    go_list,
    go_sort,
    print_annotations_multiline,
    print_labels_multiline,
    print_tolerations_multiline,
    printBool,
    since,
    string_or_none,
)
from kubenb.kubectl.describe.volumes import describe_volumes

EnvResolver = Callable[[Any], str]


def describe_containers(label: str, containers: Sequence[Any], statuses: Optional[Sequence[Any]],
                        resolver: Optional[EnvResolver], w: Any, space: str, minor: int) -> None:
    """``describeContainers``."""
    by_name = {s.name: s for s in statuses or ()}
    none = " <none>" if not containers else ""
    w.write(LEVEL_0, f"{space}{label}:{none}\n")
    for c in containers:
        status = by_name.get(c.name)
        _basic_info(c, status, space, w, minor)
        _command(c, w)
        if status is not None:
            describe_container_state(status, w)
        describe_resources(c.resources, w, LEVEL_2)
        _probes(c, w)
        if c.env_from:
            _env_from(c, w)
        _env_vars(c, resolver, w)
        _mounts(c, w, minor)


def _basic_info(c: Any, status: Any, space: str, w: Any, minor: int) -> None:
    name_indent = " " if space else ""
    w.write(LEVEL_1, f"{name_indent}{c.name}:\n")
    if status is not None:
        w.write(LEVEL_2, f"Container ID:\t{status.container_id or ''}\n")
    w.write(LEVEL_2, f"Image:\t{c.image or ''}\n")
    if status is not None:
        w.write(LEVEL_2, f"Image ID:\t{status.image_id or ''}\n")
    ports = ", ".join(f"{p.container_port}/{p.protocol or ''}" for p in c.ports or ())
    if "," in ports:
        w.write(LEVEL_2, f"Ports:\t{ports}\n")
    else:
        w.write(LEVEL_2, f"Port:\t{string_or_none(ports)}\n")
    host_ports = ", ".join(f"{p.host_port or 0}/{p.protocol or ''}" for p in c.ports or ())
    if "," in host_ports:
        w.write(LEVEL_2, f"Host Ports:\t{host_ports}\n")
    else:
        w.write(LEVEL_2, f"Host Port:\t{string_or_none(host_ports)}\n")
    sc = c.security_context
    if since(minor, "seccomp_profile") and sc is not None and sc.seccomp_profile is not None:
        w.write(LEVEL_2, f"SeccompProfile:\t{sc.seccomp_profile.type}\n")
        if sc.seccomp_profile.type == "Localhost":
            w.write(LEVEL_3, f"LocalhostProfile:\t{sc.seccomp_profile.localhost_profile or ''}\n")


def _command(c: Any, w: Any) -> None:
    if c.command:
        w.write(LEVEL_2, "Command:\n")
        for cmd in c.command:
            for s in cmd.split("\n"):
                w.write(LEVEL_3, f"{s}\n")
    if c.args:
        w.write(LEVEL_2, "Args:\n")
        for arg in c.args:
            for s in arg.split("\n"):
                w.write(LEVEL_3, f"{s}\n")


def describe_resources(resources: Any, w: Any, level: int) -> None:
    """``describeResources``: ``Limits:`` then ``Requests:``, resource names sorted."""
    if resources is None:
        return
    limits = resources.limits or {}
    if limits:
        w.write(level, "Limits:\n")
    for name in sorted(limits):
        w.write(level + 1, f"{name}:\t{Quantity.parse(limits[name])}\n")
    requests = resources.requests or {}
    if requests:
        w.write(level, "Requests:\n")
    for name in sorted(requests):
        w.write(level + 1, f"{name}:\t{Quantity.parse(requests[name])}\n")


def describe_container_state(status: Any, w: Any) -> None:
    """``describeContainerState``: State, Last State (if terminated), Ready, Restart Count."""
    describe_status("State", status.state, w)
    if status.last_state is not None and status.last_state.terminated is not None:
        describe_status("Last State", status.last_state, w)
    w.write(LEVEL_2, f"Ready:\t{printBool(status.ready)}\n")
    w.write(LEVEL_2, f"Restart Count:\t{status.restart_count or 0}\n")


def describe_status(name: str, state: Any, w: Any) -> None:
    """``describeStatus``."""
    if state is not None and state.running is not None:
        w.write(LEVEL_2, f"{name}:\tRunning\n")
        w.write(LEVEL_3, f"Started:\t{fmt_time(state.running.started_at)}\n")
    elif state is not None and state.waiting is not None:
        w.write(LEVEL_2, f"{name}:\tWaiting\n")
        if state.waiting.reason:
            w.write(LEVEL_3, f"Reason:\t{state.waiting.reason}\n")
    elif state is not None and state.terminated is not None:
        t = state.terminated
        w.write(LEVEL_2, f"{name}:\tTerminated\n")
        if t.reason:
            w.write(LEVEL_3, f"Reason:\t{t.reason}\n")
        if t.message:
            w.write(LEVEL_3, f"Message:\t{t.message}\n")
        w.write(LEVEL_3, f"Exit Code:\t{t.exit_code or 0}\n")
        if (t.signal or 0) > 0:
            w.write(LEVEL_3, f"Signal:\t{t.signal}\n")
        w.write(LEVEL_3, f"Started:\t{fmt_time(t.started_at)}\n")
        w.write(LEVEL_3, f"Finished:\t{fmt_time(t.finished_at)}\n")
    else:
        w.write(LEVEL_2, f"{name}:\tWaiting\n")


def _probes(c: Any, w: Any) -> None:
    if c.liveness_probe is not None:
        w.write(LEVEL_2, f"Liveness:\t{describe_probe(c.liveness_probe)}\n")
    if c.readiness_probe is not None:
        w.write(LEVEL_2, f"Readiness:\t{describe_probe(c.readiness_probe)}\n")
    if c.startup_probe is not None:
        w.write(LEVEL_2, f"Startup:\t{describe_probe(c.startup_probe)}\n")


def _join_host_port(host: str, port: str) -> str:
    """Go's ``net.JoinHostPort``: brackets around a host containing a colon."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _url_string(scheme: str, host: str, path: str) -> str:
    """``url.URL{Scheme, Host, Path}.String()`` for the parts an HTTP probe sets."""
    out = ""
    if scheme:
        out += scheme + ":"
    escaped = quote(path, safe="$&+,/:;=@")
    if scheme or host:
        if host or path:
            out += "//"
        out += host
    if escaped and not escaped.startswith("/") and host:
        out += "/"
    if not out and ":" in escaped.split("/", 1)[0]:
        out += "./"
    return out + escaped


def describe_probe(probe: Any) -> str:
    """``DescribeProbe``: ``http-get http://:80/ready delay=0s timeout=1s period=5s #success=1 #failure=3``."""
    attrs = (f"delay={probe.initial_delay_seconds or 0}s timeout={probe.timeout_seconds or 0}s "
             f"period={probe.period_seconds or 0}s #success={probe.success_threshold or 0} "
             f"#failure={probe.failure_threshold or 0}")
    if probe.exec is not None:
        return f"exec {go_list(probe.exec.command)} {attrs}"
    if probe.http_get is not None:
        h = probe.http_get
        port = int_or_string_str(h.port)
        host = _join_host_port(h.host or "", port) if port else (h.host or "")
        return f"http-get {_url_string((h.scheme or '').lower(), host, h.path or '')} {attrs}"
    if probe.tcp_socket is not None:
        return f"tcp-socket {probe.tcp_socket.host or ''}:{int_or_string_str(probe.tcp_socket.port)} {attrs}"
    if probe.grpc is not None:
        return f"grpc <pod>:{probe.grpc.port} {probe.grpc.service or ''} {attrs}"
    return f"unknown {attrs}"


# ------------------------------------------------------------------ environment


def _format_map(m: Optional[dict]) -> str:
    """``fieldpath.FormatMap``: ``key="value"`` lines, keys sorted."""
    return "\n".join(f"{k}={go_quote(v)}" for k, v in sorted((m or {}).items()))


def env_value_retriever(pod: Any) -> EnvResolver:
    """``EnvValueRetriever``: the value of a ``fieldRef`` env var, as ``fieldpath.ExtractFieldPathAsString``
    resolves it -- only ``metadata.*`` paths; anything else (``spec.nodeName``…) is an error,
    which kubectl prints as an empty value."""

    def resolve(env: Any) -> str:
        ref = env.value_from.field_ref
        path = ref.field_path or ""
        meta = pod.metadata
        if path.endswith("']") and "['" in path:
            base, _, sub = path[:-2].partition("['")
            if base == "metadata.annotations":
                return (meta.annotations or {}).get(sub, "")
            if base == "metadata.labels":
                return (meta.labels or {}).get(sub, "")
            return ""
        return {
            "metadata.annotations": _format_map(meta.annotations),
            "metadata.labels": _format_map(meta.labels),
            "metadata.name": meta.name or "",
            "metadata.namespace": meta.namespace or "",
            "metadata.uid": meta.uid or "",
        }.get(path, "")

    return resolve


def _resource_value(selector: Any, container: Any) -> Optional[str]:
    """``resourcehelper.ExtractContainerResourceValue`` (``None`` for an unsupported resource)."""
    divisor = Quantity.parse(selector.divisor or "0")
    if divisor.is_zero():
        divisor = Quantity.parse("1")
    resource = selector.resource or ""
    kind, _, name = resource.partition(".")
    if kind not in ("limits", "requests") or not name:
        return None
    values = (container.resources.limits if kind == "limits" else container.resources.requests) or {}
    q = Quantity.parse(values.get(name, "0"))
    if name == "cpu":
        return str(math.ceil(q.milli_value() / divisor.milli_value()))
    if name in ("memory", "ephemeral-storage") or name.startswith("hugepages-"):
        return str(math.ceil(q.value() / divisor.value()))
    return None


def _env_vars(c: Any, resolver: Optional[EnvResolver], w: Any) -> None:
    none = "\t<none>" if not c.env else ""
    w.write(LEVEL_2, f"Environment:{none}\n")
    for e in c.env or ():
        vf = e.value_from
        if vf is None:
            for i, s in enumerate((e.value or "").split("\n")):
                w.write(LEVEL_3, f"{e.name}:\t{s}\n" if i == 0 else f"\t{s}\n")
            continue
        if vf.field_ref is not None:
            value = resolver(e) if resolver is not None else ""
            w.write(LEVEL_3, f"{e.name}:\t{value} ({vf.field_ref.api_version or ''}:{vf.field_ref.field_path})\n")
        elif vf.resource_field_ref is not None:
            value = _resource_value(vf.resource_field_ref, c) or ""
            resource = vf.resource_field_ref.resource
            if value == "0" and resource in ("limits.cpu", "limits.memory"):
                value = "node allocatable"
            w.write(LEVEL_3, f"{e.name}:\t{value} ({resource})\n")
        elif vf.secret_key_ref is not None:
            r = vf.secret_key_ref
            w.write(LEVEL_3, f"{e.name}:\t<set to the key '{r.key}' in secret '{r.name or ''}'>\t"
                    f"Optional: {'true' if r.optional else 'false'}\n")
        elif vf.config_map_key_ref is not None:
            r = vf.config_map_key_ref
            w.write(LEVEL_3, f"{e.name}:\t<set to the key '{r.key}' of config map '{r.name or ''}'>\t"
                    f"Optional: {'true' if r.optional else 'false'}\n")


def _env_from(c: Any, w: Any) -> None:
    w.write(LEVEL_2, "Environment Variables from:\n")
    for e in c.env_from or ():
        source, name, optional = "", "", False
        if e.config_map_ref is not None:
            source, name, optional = "ConfigMap", e.config_map_ref.name or "", bool(e.config_map_ref.optional)
        elif e.secret_ref is not None:
            source, name, optional = "Secret", e.secret_ref.name or "", bool(e.secret_ref.optional)
        opt = "true" if optional else "false"
        if not e.prefix:
            w.write(LEVEL_3, f"{name}\t{source}\tOptional: {opt}\n")
        else:
            w.write(LEVEL_3, f"{name}\t{source} with prefix '{e.prefix}'\tOptional: {opt}\n")


def _mounts(c: Any, w: Any, minor: int) -> None:
    none = "\t<none>" if not c.volume_mounts else ""
    w.write(LEVEL_2, f"Mounts:{none}\n")
    for m in go_sort(c.volume_mounts or (), lambda a, b: a.mount_path < b.mount_path, minor):
        flags = ["ro" if m.read_only else "rw"]
        if m.sub_path:
            flags.append(f"path={go_quote(m.sub_path)}")
        w.write(LEVEL_3, f"{m.mount_path} from {m.name} ({','.join(flags)})\n")
    if c.volume_devices:
        # upstream reuses the mounts' `none`: no mounts prints `Devices:  <none>` above the devices
        w.write(LEVEL_2, f"Devices:{none}\n")
        for d in go_sort(c.volume_devices, lambda a, b: a.device_path < b.device_path, minor):
            w.write(LEVEL_3, f"{d.device_path} from {d.name}\n")


# ------------------------------------------------------------------ pod templates


def describe_pod_template(template: Any, w: Any, minor: int) -> None:
    """``DescribePodTemplate`` (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job...)."""
    w.write(LEVEL_0, "Pod Template:\n")
    if template is None:
        w.write(LEVEL_1, "<unset>")
        return
    meta, spec = template.metadata, template.spec
    print_labels_multiline(w, "  Labels", meta.labels)
    if meta.annotations:
        print_annotations_multiline(w, "  Annotations", meta.annotations)
    if spec.service_account_name:
        w.write(LEVEL_1, f"Service Account:\t{spec.service_account_name}\n")
    if spec.init_containers:
        describe_containers("Init Containers", spec.init_containers, None, None, w, "  ", minor)
    describe_containers("Containers", spec.containers, None, None, w, "  ", minor)
    describe_volumes(spec.volumes, w, "  ", minor)
    if since(minor, "topology_spread"):
        describe_topology_spread_constraints(spec.topology_spread_constraints, w, "  ", minor)
    if spec.priority_class_name:
        w.write(LEVEL_1, f"Priority Class Name:\t{spec.priority_class_name}\n")
    if since(minor, "template_node_selectors_tolerations"):
        print_labels_multiline(w, "  Node-Selectors", spec.node_selector)
        print_tolerations_multiline(w, "  Tolerations", spec.tolerations, minor)


def describe_topology_spread_constraints(tscs: Optional[Sequence[Any]], w: Any, space: str, minor: int) -> None:
    """``describeTopologySpreadConstraints`` (nothing at all when there are none)."""
    if not tscs:
        return
    from kubenb.kubectl.describe.common import format_label_selector

    w.write(LEVEL_0, f"{space}Topology Spread Constraints:\t")
    for i, t in enumerate(go_sort(tscs, lambda a, b: a.topology_key < b.topology_key, minor)):
        if i:
            w.write(LEVEL_0, space)
            w.write(LEVEL_0, "\t")
        text = f"{t.topology_key}:{t.when_unsatisfiable} when max skew {t.max_skew} is exceeded"
        if t.label_selector is not None:
            text += f" for selector {format_label_selector(t.label_selector)}"
        w.write(LEVEL_0, text + "\n")
