"""The Endpoints and EndpointSlice controllers: which pods back each Service, and on which ports.

For a Service with a selector, every matching pod that has an IP and is not finished becomes an
address — in `addresses` when Ready (or when the Service publishes not-ready addresses),
otherwise in `notReadyAddresses` — and each Service port is resolved to the pod's port
(a named `targetPort` is looked up among the pod's container ports; a pod without it is left
out of that port's subset). The Endpoints object holds at most 1,000 addresses: beyond that it
is truncated, ready addresses first, and annotated `endpoints.kubernetes.io/over-capacity:
truncated` (v1.22+). The same facts are written as EndpointSlices of at most 100 endpoints, one
set of slices per set of ports the pods resolve to (`endpointslices`).
Services without a selector are left alone: their Endpoints are the user's.

The pods behind each synced Service are kept by the pod watch (`servicemembers`), so a sync
costs what changed, not what the Service has.
"""

from __future__ import annotations

import math
from typing import Any, Optional

from kubenb.api import labels as labelsel
from kubenb.api import podutil
from kubenb.api.codec import decode
from kubenb.controllers import endpointslices
from kubenb.controllers.base import Controller, owner_reference
from kubenb.controllers.endpointslices import SliceBook, SliceRecord
from kubenb.controllers.servicemembers import Member, ServiceMembers, selects, serves, stamp_of
from kubenb.store import WatchEvent
from kubenb.store.errors import StatusError

SERVICE_NAME = "kubernetes.io/service-name"
MANAGED_BY = "endpointslice.kubernetes.io/managed-by"
SLICE_CONTROLLER = "endpointslice-controller.k8s.io"
TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time"
OVER_CAPACITY = "endpoints.kubernetes.io/over-capacity"
#: `maxCapacity`: the addresses an Endpoints object holds before it is truncated
MAX_CAPACITY = 1000


class ServiceState:
    """What the controller keeps per synced Service: its members, its slices' book, and the
    Endpoints subsets it last wrote (with the resourceVersion they were stored under)."""

    def __init__(self, stamp: tuple) -> None:
        self.members = ServiceMembers(stamp)
        self.book = SliceBook()
        self.written: tuple[Optional[str], Any] = (None, None)


class EndpointsController(Controller):
    component = "endpoint-controller"

    def __init__(self, cluster) -> None:
        super().__init__(cluster)
        self._states: dict[tuple[str, str], ServiceState] = {}
        self._ports: dict[tuple, list[Any]] = {}  # Endpoints ports models, by resolved ports
        self.watch_own("Service")
        self.store.watch(self._on_pod, "Pod")

    def _on_pod(self, ev: WatchEvent) -> None:
        """`addPod` / `updatePod` / `deletePod`: queue the Services of the pod's namespace whose
        selector matches it (`GetPodServiceMemberships`). A pod update queues only if something a
        sync reads from the pod changed (`podEndpointsChanged`); then the Services it belongs to,
        and, if its labels changed, those it belonged to before — all of both if the endpoint
        itself changed, else only those it joined or left (`determineNeededServiceUpdates`).
        A status write that changes nothing an endpoint shows (a probe result with the same
        readiness, a restart count) queues nothing, and neither does the binding of a pod that has
        no IP yet (upstream: "NodeName is immutable once initially set, which happens before the
        pod gets an IP"). The members of the queued Services follow."""
        pod, old = ev.object, ev.old_object
        changed = True
        relabelled = False
        if ev.type != "MODIFIED" or old is None:
            old = None
        else:
            changed = _endpoint_facts(pod) != _endpoint_facts(old)
            relabelled = pod.metadata.labels is not old.metadata.labels and \
                (pod.metadata.labels or {}) != (old.metadata.labels or {})
            if not changed and not relabelled:
                return
        namespace = pod.metadata.namespace or ""
        key = (namespace, pod.metadata.name or "")
        # the store's selector index: only the Services selecting the pod, now or before
        candidates = {s.metadata.name: s for s in self.store.selecting("Service", namespace, pod.metadata.labels)}
        if relabelled:
            candidates.update((s.metadata.name, s) for s in self.store.selecting("Service", namespace, old.metadata.labels))
        for _, svc in sorted(candidates.items()):
            if not svc.spec.selector:
                continue
            now, before = selects(svc, pod), old is not None and selects(svc, old)
            if (now or before) and (changed or now != before):
                self.enqueue(svc)
                state = self._states.get((namespace, svc.metadata.name or ""))
                if state is not None:
                    gone = ev.type == "DELETED" or not now or not serves(pod, svc)
                    state.members.put(key, None if gone else Member(svc, pod))

    def sync(self, namespace: str, name: str) -> Optional[float]:
        svc = self.store.try_get("Service", namespace, name)
        if svc is None or not svc.spec.selector or svc.spec.type == "ExternalName":
            self._states.pop((namespace, name), None)
            if svc is None:
                self._delete("Endpoints", namespace, name)
            return None
        try:
            state, full = self._state(svc)
            self._write_endpoints(svc, state)
            self._write_slices(svc, state, full)
        except BaseException:
            self._states.pop((namespace, name), None)  # what was written is unknown: start over
            raise
        return None

    def _state(self, svc: Any) -> tuple[ServiceState, bool]:
        """The Service's state, rebuilt from its pods on a first sync or when the Service changed
        in a way its endpoints show (True then: the slices are compared whole)."""
        key = (svc.metadata.namespace or "", svc.metadata.name or "")
        stamp = stamp_of(svc)
        state = self._states.get(key)
        if state is not None and state.members.stamp == stamp:
            return state, False
        state = self._states[key] = ServiceState(stamp)
        for pod in self.store.list("Pod", key[0], labelsel.selector_from_set(svc.spec.selector)):
            if serves(pod, svc):
                state.members.put((pod.metadata.namespace or "", pod.metadata.name or ""), Member(svc, pod))
        return state, True

    # ---------------------------------------------------------------- Endpoints

    def _subsets(self, state: ServiceState) -> tuple[Optional[list[Any]], bool]:
        """The Endpoints subsets (one per set of resolved ports, in the order of their first
        address), truncated to `MAX_CAPACITY` addresses (`truncateEndpoints`); and whether they were."""
        from kubenb.api.core import EndpointSubset

        by_ports: dict[tuple, list[list[tuple]]] = {}
        for (ports, ready), group in state.members.groups.items():
            by_ports.setdefault(ports, [[], []])[0 if ready else 1] = group
        ordered = sorted(by_ports.items(), key=lambda kv: min(g[0][0] for g in kv[1] if g))
        lists = [list(lists) for _, lists in ordered]
        truncated = _truncate(lists)
        members = state.members.members
        subsets = [EndpointSubset(
            addresses=[members[k].address for _, k in ready] or None,
            not_ready_addresses=[members[k].address for _, k in not_ready] or None,
            ports=self._ports_models(ports)) for (ports, _), (ready, not_ready) in zip(ordered, lists, strict=True)]
        return subsets or None, truncated

    def _ports_models(self, ports: tuple) -> Optional[list[Any]]:
        from kubenb.api.core import EndpointPort

        if not ports:
            return None
        models = self._ports.get(ports)
        if models is None:
            models = self._ports[ports] = [
                EndpointPort(**{k: v for k, v in zip(("name", "port", "protocol", "app_protocol"), p, strict=True)
                                if v is not None}) for p in ports]
        return models

    def _write_endpoints(self, svc: Any, state: ServiceState) -> None:
        subsets, truncated = self._subsets(state)
        labels = _labels(svc) or None
        current = self.store.try_get("Endpoints", svc.metadata.namespace, svc.metadata.name)
        if current is None:
            body: dict[str, Any] = {"apiVersion": "v1", "kind": "Endpoints", "metadata": {
                "name": svc.metadata.name, "namespace": svc.metadata.namespace, "labels": labels}}
            desired = decode(self.cluster.registry, body)
            annotations = {TRIGGER_TIME: self.clock.rfc3339()} if subsets else {}
            if truncated:
                annotations[OVER_CAPACITY] = "truncated"
            desired.metadata.annotations = annotations or None
            desired.subsets = subsets
            created = self.store.create(desired)
            state.written = (created.metadata.resource_version, subsets)
            return
        rv, written = state.written
        known = written if rv == current.metadata.resource_version else current.subsets
        annotations = current.metadata.annotations or {}
        if known == subsets and current.metadata.labels == labels and (OVER_CAPACITY in annotations) == truncated:
            return
        annotations = {**annotations, TRIGGER_TIME: self.clock.rfc3339()}
        if truncated:
            annotations[OVER_CAPACITY] = "truncated"
        else:
            annotations.pop(OVER_CAPACITY, None)
        # shallow copies suffice: the store copies what it is given before admitting it
        updated = self.store.update(current.model_copy(update={
            "subsets": subsets,
            "metadata": current.metadata.model_copy(update={"labels": labels, "annotations": annotations})}))
        state.written = (updated.metadata.resource_version, subsets)
        # the store copied the addresses it had not stored yet: the members take its instances, so
        # the next write hands it parts it holds already and nothing is copied or hashed again
        stored = dict(zip(map(id, _addresses(subsets)), _addresses(updated.subsets), strict=True))
        for member in state.members.members.values():
            member.address = stored.get(id(member.address), member.address)

    # ---------------------------------------------------------------- EndpointSlices

    def _write_slices(self, svc: Any, state: ServiceState, full: bool) -> None:
        """Carry out the reconciler's `plan`: updates, then creates (or reuses), then deletes."""
        existing = sorted((s for s in self.store.by_owner(svc.metadata.uid, "EndpointSlice")
                           if (s.metadata.labels or {}).get(MANAGED_BY) == SLICE_CONTROLLER),
                          key=lambda s: s.metadata.name)
        book, members = state.book, state.members.members
        plan = endpointslices.plan(state.members, book, existing, full)
        for current, pm, keys in (*plan.updates, *plan.creates):
            endpoints = [members[k].endpoint for k in keys] or None
            if current is None:
                written = self.store.create(self._new_slice(svc, pm, endpoints))
            else:
                ports = current.ports if endpointslices.ports_key(current.ports) == pm else self._slice_ports(svc, pm)
                written = self.store.update(current.model_copy(update={"endpoints": endpoints, "ports": ports}))
                for key, endpoint in zip(keys, written.endpoints or (), strict=True):
                    members[key].endpoint = endpoint  # the stored instance (see `_write_endpoints`)
            book.record(written.metadata.name, SliceRecord(written.metadata.resource_version, pm, list(keys)))
        for stale in plan.deletes:
            book.forget(stale.metadata.name)
            self._delete("EndpointSlice", stale.metadata.namespace, stale.metadata.name)
        state.members.dirty.clear()

    def _new_slice(self, svc: Any, pm: tuple, endpoints: Optional[list[Any]]) -> Any:
        new = decode(self.cluster.registry, {
            "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"generateName": f"{svc.metadata.name}-", "namespace": svc.metadata.namespace,
                         "labels": {**_labels(svc), SERVICE_NAME: svc.metadata.name, MANAGED_BY: SLICE_CONTROLLER},
                         "ownerReferences": [owner_reference(svc).to_dict()]},
            "addressType": "IPv4", "ports": [dict(p) for p in pm] or None,
        })
        new.endpoints = endpoints
        return new

    def _slice_ports(self, svc: Any, pm: tuple) -> Optional[list[Any]]:
        return self._new_slice(svc, pm, None).ports

    def _delete(self, kind: str, namespace: str, name: str) -> None:
        try:
            self.store.delete(kind, namespace, name)
        except StatusError:
            pass


def _truncate(lists: list[list[list[tuple]]]) -> bool:
    """`truncateEndpoints`, on each subset's [ready, not ready] address lists: over `MAX_CAPACITY`,
    keep the ready ones (each subset its proportion, rounded up) and as many not-ready ones as
    fit, or, with more ready ones than fit, only ready ones."""
    total_ready = sum(len(r) for r, _ in lists)
    total_not_ready = sum(len(n) for _, n in lists)
    if total_ready + total_not_ready <= MAX_CAPACITY:
        return False
    truncate_ready = total_ready > MAX_CAPACITY
    most = MAX_CAPACITY if truncate_ready else MAX_CAPACITY - total_ready
    total = total_ready if truncate_ready else total_not_ready
    room = most
    for pair in lists:
        n = len(pair[0] if truncate_ready else pair[1])
        take = min(math.ceil(n / total * most), room)
        if truncate_ready:
            pair[0], pair[1] = pair[0][:take], []
            room -= len(pair[0])
        else:
            pair[1] = pair[1][:take]
            room -= len(pair[1])
    return True


def _labels(svc: Any) -> dict[str, str]:
    labels = dict(svc.metadata.labels or {})
    if svc.spec.cluster_ip == "None":
        labels["service.kubernetes.io/headless"] = ""
    return labels


def _endpoint_facts(pod: Any) -> tuple:
    """What a sync reads from a pod besides its labels: whether it is served (IP, phase, deletion)
    and what its address shows (IP, node, readiness, terminating, hostname). Name, uid and
    container ports are immutable; the node is read only from a pod with an IP (one without is
    not served), so the binding of a pod without one changes nothing a sync reads."""
    ip = pod.status.pod_ip
    return (ip, pod.status.phase in ("Succeeded", "Failed"), pod.metadata.deletion_timestamp,
            podutil.is_ready(pod), pod.spec.node_name if ip else None, pod.spec.hostname, pod.spec.subdomain)


def _addresses(subsets: Optional[list[Any]]) -> list[Any]:
    """Every address of `subsets`, ready and not ready, in order."""
    return [a for s in subsets or () for a in (*(s.addresses or ()), *(s.not_ready_addresses or ()))]
