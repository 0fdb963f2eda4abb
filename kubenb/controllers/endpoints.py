"""The Endpoints and EndpointSlice controllers: which pods back each Service, and on which ports.

For a Service with a selector, every matching pod that has an IP and is not finished becomes an
address — in `addresses` when Ready (or when the Service publishes not-ready addresses),
otherwise in `notReadyAddresses` — and each Service port is resolved to the pod's port
(a named `targetPort` is looked up among the pod's container ports; a pod without it is left
out of that port's subset). The same facts are written as EndpointSlices, one per set of ports
the pods resolve to (usually one per Service).
Services without a selector are left alone: their Endpoints are the user's.
"""

from __future__ import annotations

from typing import Any, Optional

from kubenb.api import labels as labelsel
from kubenb.api import podutil
from kubenb.api.codec import decode
from kubenb.controllers.base import Controller, owner_reference
from kubenb.store import WatchEvent
from kubenb.store.errors import StatusError

SERVICE_NAME = "kubernetes.io/service-name"
MANAGED_BY = "endpointslice.kubernetes.io/managed-by"
SLICE_CONTROLLER = "endpointslice-controller.k8s.io"
TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time"


class EndpointsController(Controller):
    component = "endpoint-controller"

    def __init__(self, cluster) -> None:
        super().__init__(cluster)
        self.watch_own("Service")
        self.store.watch(self._on_pod, "Pod")

    def _on_pod(self, ev: WatchEvent) -> None:
        """`addPod` / `updatePod` / `deletePod`: queue the Services of the pod's namespace whose
        selector matches it (`GetPodServiceMemberships`). A pod update queues only if something a
        sync reads from the pod changed (`podEndpointsChanged`); then the Services it belongs to,
        and, if its labels changed, those it belonged to before — all of both if the endpoint
        itself changed, else only those it joined or left (`determineNeededServiceUpdates`).
        A status write that changes nothing an endpoint shows (a probe result with the same
        readiness, a restart count) queues nothing."""
        pod, old = ev.object, ev.old_object
        if ev.type != "MODIFIED" or old is None:
            self._enqueue_services(pod, None, True)
            return
        changed = _endpoint_facts(pod) != _endpoint_facts(old)
        if (pod.metadata.labels or {}) != (old.metadata.labels or {}):
            self._enqueue_services(pod, old, changed)
        elif changed:
            self._enqueue_services(pod, None, True)

    def _enqueue_services(self, pod: Any, old: Optional[Any], changed: bool) -> None:
        """Queue the selecting Services of `pod` (and of its `old` labels): all of them if its
        endpoint `changed`, else those whose membership differs between the two."""
        namespace = pod.metadata.namespace or ""
        candidates = {s.metadata.name: s for s in self.store.selecting("Service", namespace, pod.metadata.labels)}
        if old is not None:  # the store's selector index: only Services selecting the pod, then or now
            candidates.update((s.metadata.name, s) for s in self.store.selecting("Service", namespace, old.metadata.labels))
        for _, svc in sorted(candidates.items()):
            now, before = _selects(svc, pod), old is not None and _selects(svc, old)
            if (now or before) and (changed or now != before):
                self.enqueue(svc)

    def sync(self, namespace: str, name: str) -> Optional[float]:
        svc = self.store.try_get("Service", namespace, name)
        if svc is None:
            self._delete("Endpoints", namespace, name)
            return None
        if not svc.spec.selector or svc.spec.type == "ExternalName":
            return None
        pods = [p for p in self.store.list("Pod", namespace, labelsel.selector_from_set(svc.spec.selector))
                if _serves(p, svc)]
        self._write_endpoints(svc, pods)
        self._write_slice(svc, pods)
        return None

    # ---------------------------------------------------------------- Endpoints

    def _write_endpoints(self, svc: Any, pods: list[Any]) -> None:
        subsets: dict[tuple, dict[str, Any]] = {}
        for pod in sorted(pods, key=lambda p: (p.status.pod_ip, p.metadata.uid)):
            resolved = []
            for port in svc.spec.ports or ():
                number = _target_port(pod, port)
                if number is not None:
                    resolved.append((port.name, number, port.protocol, port.app_protocol))
            if svc.spec.ports and not resolved:
                continue  # none of the Service's ports exists on this pod (only a port-less headless
                # Service lists addresses without ports)
            ports = tuple(resolved)
            address = {"ip": pod.status.pod_ip, "nodeName": pod.spec.node_name,
                       "targetRef": {"kind": "Pod", "namespace": pod.metadata.namespace, "name": pod.metadata.name,
                                     "uid": pod.metadata.uid}}
            if pod.spec.hostname and pod.spec.subdomain == svc.metadata.name:
                address["hostname"] = pod.spec.hostname
            subset = subsets.setdefault(ports, {"addresses": [], "notReadyAddresses": []})
            ready = podutil.is_ready(pod) or svc.spec.publish_not_ready_addresses
            subset["addresses" if ready else "notReadyAddresses"].append(address)
        body: dict[str, Any] = {
            "apiVersion": "v1", "kind": "Endpoints",
            "metadata": {"name": svc.metadata.name, "namespace": svc.metadata.namespace,
                         "labels": _labels(svc) or None},
        }
        rendered = []
        for ports, subset in subsets.items():
            entry: dict[str, Any] = {k: v for k, v in subset.items() if v}
            if ports:
                entry["ports"] = [{k: v for k, v in zip(("name", "port", "protocol", "appProtocol"), p, strict=True)
                                   if v is not None} for p in ports]
            rendered.append(entry)
        if rendered:
            body["subsets"] = rendered
        current = self.store.try_get("Endpoints", svc.metadata.namespace, svc.metadata.name)
        desired = decode(self.cluster.registry, body)
        if current is None:
            desired.metadata.annotations = {TRIGGER_TIME: self.clock.rfc3339()} if rendered else None
            self.store.create(desired)
        elif current.subsets != desired.subsets or current.metadata.labels != desired.metadata.labels:
            # shallow copies suffice: the store copies what it is given before admitting it
            annotations = {**(current.metadata.annotations or {}), TRIGGER_TIME: self.clock.rfc3339()}
            self.store.update(current.model_copy(update={
                "subsets": desired.subsets,
                "metadata": current.metadata.model_copy(update={"labels": desired.metadata.labels,
                                                                "annotations": annotations})}))

    # ---------------------------------------------------------------- EndpointSlice

    def _write_slice(self, svc: Any, pods: list[Any]) -> None:
        """One EndpointSlice per set of resolved ports (`getEndpointPorts` keys the reconciler's slices):
        a pod without a named target port lands in a slice without that port, so no proxy sends that
        port's traffic to it. No pod at all leaves one placeholder slice with neither endpoints nor ports.

        Unlike upstream, a slice is not capped at `--max-endpoints-per-slice` (100): a Service with more
        ready pods gets one big slice per port set; kept until the goldens that list slices move with it."""
        groups: dict[tuple, list[dict]] = {}
        for pod in sorted(pods, key=lambda p: (p.status.pod_ip, p.metadata.uid)):
            ready = podutil.is_ready(pod)
            terminating = pod.metadata.deletion_timestamp is not None
            groups.setdefault(_slice_ports(svc, pod), []).append({
                "addresses": [pod.status.pod_ip],
                "conditions": {"ready": ready and not terminating, "serving": ready, "terminating": terminating},
                "nodeName": pod.spec.node_name,
                "targetRef": {"kind": "Pod", "namespace": pod.metadata.namespace, "name": pod.metadata.name,
                              "uid": pod.metadata.uid},
            })
        desired = [decode(self.cluster.registry, {
            "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"generateName": f"{svc.metadata.name}-", "namespace": svc.metadata.namespace,
                         "labels": {**_labels(svc), SERVICE_NAME: svc.metadata.name, MANAGED_BY: SLICE_CONTROLLER},
                         "ownerReferences": [owner_reference(svc).to_dict()]},
            "addressType": "IPv4", "endpoints": endpoints or None, "ports": [dict(p) for p in ports] or None,
        }) for ports, endpoints in (groups or {(): []}).items()]
        existing = sorted((s for s in self.store.by_owner(svc.metadata.uid, "EndpointSlice")
                           if (s.metadata.labels or {}).get(MANAGED_BY) == SLICE_CONTROLLER),
                          key=lambda s: s.metadata.name)
        unmatched = []
        for want in desired:  # a slice with the same ports keeps its name; others are reused, then created
            same = next((s for s in existing if s.ports == want.ports), None)
            if same is None:
                unmatched.append(want)
                continue
            existing.remove(same)
            self._update_slice(same, want)
        for want in unmatched:
            if existing:
                self._update_slice(existing.pop(0), want)
            else:
                self.store.create(want)
        for stale in existing:
            self._delete_slice(stale)

    def _update_slice(self, current: Any, want: Any) -> None:
        if current.endpoints != want.endpoints or current.ports != want.ports:
            self.store.update(current.model_copy(update={"endpoints": want.endpoints, "ports": want.ports}))

    def _delete_slice(self, stale: Any) -> None:
        self._delete("EndpointSlice", stale.metadata.namespace, stale.metadata.name)

    def _delete(self, kind: str, namespace: str, name: str) -> None:
        try:
            self.store.delete(kind, namespace, name)
        except StatusError:
            pass


def _labels(svc: Any) -> dict[str, str]:
    labels = dict(svc.metadata.labels or {})
    if svc.spec.cluster_ip == "None":
        labels["service.kubernetes.io/headless"] = ""
    return labels


def _selects(svc: Any, pod: Any) -> bool:
    labels = pod.metadata.labels or {}
    return all(labels.get(k) == v for k, v in svc.spec.selector.items())


def _endpoint_facts(pod: Any) -> tuple:
    """What a sync reads from a pod besides its labels: whether it is served (IP, phase, deletion)
    and what its address shows (IP, node, readiness, terminating, hostname). Name, uid and
    container ports are immutable."""
    return (pod.status.pod_ip, pod.status.phase in ("Succeeded", "Failed"), pod.metadata.deletion_timestamp,
            podutil.is_ready(pod), pod.spec.node_name, pod.spec.hostname, pod.spec.subdomain)


def _serves(pod: Any, svc: Any) -> bool:
    """`ShouldPodBeInEndpoints`: has an IP, has not finished, and is not terminating (unless published)."""
    if not pod.status.pod_ip or pod.status.phase in ("Succeeded", "Failed"):
        return False
    return pod.metadata.deletion_timestamp is None or bool(svc.spec.publish_not_ready_addresses)


def _slice_ports(svc: Any, pod: Any) -> tuple:
    """`getEndpointPorts`: the Service ports this pod can serve, as EndpointSlice ports (hashable)."""
    out = []
    for port in svc.spec.ports or ():
        number = _target_port(pod, port)
        if number is None:
            continue
        entry = (("name", port.name or ""), ("port", number), ("protocol", port.protocol or "TCP"))
        out.append(entry + ((("appProtocol", port.app_protocol),) if port.app_protocol else ()))
    return tuple(out)


def _target_port(pod: Any, port: Any) -> Optional[int]:
    """`podutil.FindPort`: a number as is, a name looked up among the pod's container ports."""
    target = port.target_port if port.target_port is not None else port.port
    if isinstance(target, int):
        return target
    if target.isdigit():
        return int(target)
    for c in pod.spec.containers:
        for cp in c.ports or ():
            if cp.name == target and (cp.protocol or "TCP") == (port.protocol or "TCP"):
                return cp.container_port
    return None
