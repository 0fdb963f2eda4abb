"""``kubectl describe`` for Services, Endpoints and EndpointSlices.

Ports ``describeService``, ``describeEndpoints``, ``describeEndpointSliceV1``,
``formatEndpointSlices`` and (for kubectl < 1.31, from the v1.23 source as recalled and
checked against the v1.23 outputs) ``formatEndpoints`` from kubernetes/kubectl
``pkg/describe/describe.go`` (commit 365ecee2).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Optional

from kubenb.kubectl.describe.common import (
    LEVEL_0,
    LEVEL_1,
    LEVEL_2,
    LEVEL_3,
    describe_events,
    format_labels,
    print_annotations_multiline,
    print_labels_multiline,
    selector_from_set,
    since,
    tabbed_string,
)
from kubenb.kubectl.describe.lookup import Lookup

SERVICE_NAME_LABEL = "kubernetes.io/service-name"
MAX_ENDPOINTS = 3


def _join_host_port(host: str, port: Any) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def format_endpoints(endpoints: Any, port_names: Optional[set]) -> str:
    """``formatEndpoints`` (kubectl < 1.31): ready addresses of an Endpoints object, at most 3 shown."""
    subsets = (endpoints.subsets if endpoints is not None else None) or []
    if not subsets:
        return "<none>"
    out: list[str] = []
    more = False
    count = 0
    for ss in subsets:
        if not ss.ports:
            for addr in ss.addresses or ():
                if len(out) == MAX_ENDPOINTS:
                    more = True
                if not more:
                    out.append(addr.ip)
                count += 1
        else:
            for port in ss.ports:
                if port_names is None or (port.name or "") in port_names:
                    for addr in ss.addresses or ():
                        if len(out) == MAX_ENDPOINTS:
                            more = True
                        if not more:
                            out.append(_join_host_port(addr.ip, port.port))
                        count += 1
    text = ",".join(out)
    if more:
        return f"{text} + {count - MAX_ENDPOINTS} more..."
    return text


def format_endpoint_slices(slices: Sequence[Any], port_names: Optional[set], ready_only: bool) -> str:
    """``formatEndpointSlices`` (kubectl >= 1.31; not-ready endpoints skipped since 1.32)."""
    if not slices:
        return "<none>"
    out: list[str] = []
    more = False
    count = 0

    def ready(ep: Any) -> bool:
        return not ready_only or ep.conditions is None or ep.conditions.ready is None or ep.conditions.ready

    for s in slices:
        if not s.ports:
            for ep in s.endpoints or ():
                if len(out) == MAX_ENDPOINTS:
                    more = True
                if not ready(ep):
                    continue
                if not more:
                    out.append((ep.addresses or [""])[0])
                count += 1
        else:
            for port in s.ports:
                if port_names is None or (port.name or "") in port_names:
                    for ep in s.endpoints or ():
                        if len(out) == MAX_ENDPOINTS:
                            more = True
                        if not ready(ep):
                            continue
                        if not more:
                            out.append(_join_host_port((ep.addresses or [""])[0], port.port if port.port is not None else 0))
                        count += 1
    text = ",".join(out)
    if more:
        return f"{text} + {count - MAX_ENDPOINTS} more..."
    return text


def _ingress_string(ingress: Sequence[Any], minor: int) -> str:
    """``buildIngressString`` (the ``(VIP)``/``(Proxy)`` IP mode since kubectl 1.31)."""
    parts = []
    for ing in ingress:
        if ing.ip:
            text = ing.ip
            if since(minor, "service_internal_traffic_policy") and ing.ip_mode:
                text += f" ({ing.ip_mode})"
            parts.append(text)
        else:
            parts.append(ing.hostname or "")
    return ", ".join(parts)


def describe_service(lookup: Lookup, service: Any, show_events: bool = True) -> str:
    minor, now = lookup.minor, lookup.now
    meta, spec = service.metadata, service.spec
    use_slices = since(minor, "service_endpointslices")
    if use_slices:
        slices = lookup.list("EndpointSlice", meta.namespace, selector_from_set({SERVICE_NAME_LABEL: meta.name}))
        endpoints = None
    else:
        slices = []
        endpoints = lookup.try_get("Endpoints", meta.namespace, meta.name)
    events = lookup.events_for(service) if show_events else None

    def body(w: Any) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.name}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.namespace}\n")
        print_labels_multiline(w, "Labels", meta.labels)
        print_annotations_multiline(w, "Annotations", meta.annotations)
        w.write(LEVEL_0, f"Selector:\t{format_labels(spec.selector)}\n")
        w.write(LEVEL_0, f"Type:\t{spec.type or ''}\n")
        if spec.ip_family_policy is not None:
            w.write(LEVEL_0, f"IP Family Policy:\t{spec.ip_family_policy}\n")
        if spec.ip_families:
            w.write(LEVEL_0, f"IP Families:\t{','.join(spec.ip_families)}\n")
        else:
            w.write(LEVEL_0, "IP Families:\t<none>\n")
        w.write(LEVEL_0, f"IP:\t{spec.cluster_ip or ''}\n")
        if spec.cluster_ips:
            w.write(LEVEL_0, f"IPs:\t{','.join(spec.cluster_ips)}\n")
        else:
            w.write(LEVEL_0, "IPs:\t<none>\n")
        if spec.external_ips:
            w.write(LEVEL_0, f"External IPs:\t{','.join(spec.external_ips)}\n")
        if spec.load_balancer_ip:
            label = "Desired LoadBalancer IP" if since(minor, "service_internal_traffic_policy") else "IP"
            w.write(LEVEL_0, f"{label}:\t{spec.load_balancer_ip}\n")
        if spec.external_name:
            w.write(LEVEL_0, f"External Name:\t{spec.external_name}\n")
        lb_ingress = service.status.load_balancer.ingress if service.status is not None else None
        if lb_ingress:
            w.write(LEVEL_0, f"LoadBalancer Ingress:\t{_ingress_string(lb_ingress, minor)}\n")
        for sp in spec.ports or ():
            name = sp.name or "<unset>"
            w.write(LEVEL_0, f"Port:\t{name}\t{sp.port}/{sp.protocol or ''}\n")
            if isinstance(sp.target_port, str):
                w.write(LEVEL_0, f"TargetPort:\t{sp.target_port}/{sp.protocol or ''}\n")
            else:
                w.write(LEVEL_0, f"TargetPort:\t{sp.target_port or 0}/{sp.protocol or ''}\n")
            if sp.node_port:
                w.write(LEVEL_0, f"NodePort:\t{name}\t{sp.node_port}/{sp.protocol or ''}\n")
            ports = {sp.name or ""}
            if use_slices:
                eps = format_endpoint_slices(slices, ports, since(minor, "endpointslice_ready_filter"))
            else:
                eps = format_endpoints(endpoints, ports)
            w.write(LEVEL_0, f"Endpoints:\t{eps}\n")
        w.write(LEVEL_0, f"Session Affinity:\t{spec.session_affinity or ''}\n")
        if spec.external_traffic_policy:
            w.write(LEVEL_0, f"External Traffic Policy:\t{spec.external_traffic_policy}\n")
        if since(minor, "service_internal_traffic_policy") and spec.internal_traffic_policy is not None:
            w.write(LEVEL_0, f"Internal Traffic Policy:\t{spec.internal_traffic_policy}\n")
        if spec.health_check_node_port:
            w.write(LEVEL_0, f"HealthCheck NodePort:\t{spec.health_check_node_port}\n")
        if spec.load_balancer_source_ranges:
            w.write(LEVEL_0, f"LoadBalancer Source Ranges:\t{','.join(spec.load_balancer_source_ranges)}\n")
        if since(minor, "service_traffic_distribution") and spec.traffic_distribution:
            w.write(LEVEL_0, f"Traffic Distribution:\t{spec.traffic_distribution}\n")
        describe_events(events, w, now, minor)

    return tabbed_string(body)


def describe_endpoints(lookup: Lookup, ep: Any, show_events: bool = True) -> str:
    minor, now = lookup.minor, lookup.now
    meta = ep.metadata
    events = lookup.events_for(ep) if show_events else None

    def body(w: Any) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.name}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.namespace}\n")
        print_labels_multiline(w, "Labels", meta.labels)
        print_annotations_multiline(w, "Annotations", meta.annotations)
        w.write(LEVEL_0, "Subsets:\n")
        for ss in ep.subsets or ():
            addresses = ",".join(a.ip for a in ss.addresses or ()) or "<none>"
            w.write(LEVEL_1, f"Addresses:\t{addresses}\n")
            not_ready = ",".join(a.ip for a in ss.not_ready_addresses or ()) or "<none>"
            w.write(LEVEL_1, f"NotReadyAddresses:\t{not_ready}\n")
            if ss.ports:
                w.write(LEVEL_1, "Ports:\n")
                w.write(LEVEL_2, "Name\tPort\tProtocol\n")
                w.write(LEVEL_2, "----\t----\t--------\n")
                for port in ss.ports:
                    w.write(LEVEL_2, f"{port.name or '<unset>'}\t{port.port}\t{port.protocol or ''}\n")
            w.write(LEVEL_0, "\n")
        describe_events(events, w, now, minor)

    return tabbed_string(body)


def describe_endpoint_slice(lookup: Lookup, eps: Any, show_events: bool = True) -> str:
    minor, now = lookup.minor, lookup.now
    meta = eps.metadata
    events = lookup.events_for(eps) if show_events else None

    def body(w: Any) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.name}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.namespace}\n")
        print_labels_multiline(w, "Labels", meta.labels)
        print_annotations_multiline(w, "Annotations", meta.annotations)
        w.write(LEVEL_0, f"AddressType:\t{eps.address_type}\n")
        if not eps.ports:
            w.write(LEVEL_0, "Ports: <unset>\n")
        else:
            w.write(LEVEL_0, "Ports:\n")
            w.write(LEVEL_1, "Name\tPort\tProtocol\n")
            w.write(LEVEL_1, "----\t----\t--------\n")
            for port in eps.ports:
                name = port.name if port.name else "<unset>"
                num = str(port.port) if port.port is not None else "<unset>"
                w.write(LEVEL_1, f"{name}\t{num}\t{port.protocol or ''}\n")
        if not eps.endpoints:
            w.write(LEVEL_0, "Endpoints: <none>\n")
        else:
            w.write(LEVEL_0, "Endpoints:\n")
            for ep in eps.endpoints:
                # v1 joins with ", " (the v1beta1 describer used ",")
                w.write(LEVEL_1, f"- Addresses:\t{', '.join(ep.addresses or ()) or '<none>'}\n")
                w.write(LEVEL_2, "Conditions:\n")
                ready = ep.conditions.ready if ep.conditions is not None else None
                w.write(LEVEL_3, f"Ready:\t{'<unset>' if ready is None else ('true' if ready else 'false')}\n")
                w.write(LEVEL_2, f"Hostname:\t{ep.hostname if ep.hostname is not None else '<unset>'}\n")
                if ep.target_ref is not None:
                    w.write(LEVEL_2, f"TargetRef:\t{ep.target_ref.kind or ''}/{ep.target_ref.name or ''}\n")
                w.write(LEVEL_2, f"NodeName:\t{ep.node_name if ep.node_name is not None else '<unset>'}\n")
                w.write(LEVEL_2, f"Zone:\t{ep.zone if ep.zone is not None else '<unset>'}\n")
        describe_events(events, w, now, minor)

    return tabbed_string(body)
