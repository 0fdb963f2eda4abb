"""Which pods back one Service, and what each one's endpoint looks like, kept up by the pod watch.

Upstream's Endpoints and EndpointSlice syncs list every pod the selector matches and rebuild
every endpoint each time; with 10,000 pods behind a Service, the tens of thousands of pod events
of a rollout each cost 10,000 pods. The endpoints only change when one pod does, so a
`ServiceMembers` holds each served pod's endpoint (built once per pod version) and is moved
along by every pod write: a sync reads it instead of the pods, and learns from `dirty` which
pods changed since the slices were last written.

What a member shows also depends on the Service (its ports, `publishNotReadyAddresses`, its
name for hostnames): the members hold for one `stamp` of the Service, and a sync under another
stamp rebuilds them from the pods.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from typing import Any, Optional

from kubenb.api import podutil

PodKey = tuple[str, str]


class Member:
    """One served pod's endpoint, as the Endpoints object (`address`, under `ports` when
    `ready` or else as not ready) and as an EndpointSlice endpoint (`endpoint`, in the slices of
    `slice_ports`) show it. `order` is (IP, uid), the order both list addresses in."""

    __slots__ = ("order", "ports", "ready", "address", "slice_ports", "endpoint")

    def __init__(self, svc: Any, pod: Any) -> None:
        from kubenb.api.core import EndpointAddress, ObjectReference
        from kubenb.api.discovery import Endpoint, EndpointConditions

        meta = pod.metadata
        self.order = (pod.status.pod_ip, meta.uid)
        ready = podutil.is_ready(pod)
        resolved = []
        for port in svc.spec.ports or ():
            number = target_port(pod, port)
            if number is not None:
                resolved.append((port.name, number, port.protocol, port.app_protocol))
        # none of the Service's ports exists on this pod: only a port-less Service lists it
        self.ports: Optional[tuple] = tuple(resolved) if resolved or not svc.spec.ports else None
        self.ready = ready or bool(svc.spec.publish_not_ready_addresses)
        hostname = pod.spec.hostname if pod.spec.hostname and pod.spec.subdomain == svc.metadata.name else None
        ref = dict(kind="Pod", namespace=meta.namespace, name=meta.name, uid=meta.uid)
        self.address = EndpointAddress(ip=pod.status.pod_ip, node_name=pod.spec.node_name,
                                       target_ref=ObjectReference(**ref),
                                       **({"hostname": hostname} if hostname else {}))
        terminating = meta.deletion_timestamp is not None
        self.slice_ports = slice_ports(svc, pod)
        self.endpoint = Endpoint(addresses=[pod.status.pod_ip],
                                 conditions=EndpointConditions(ready=ready and not terminating, serving=ready,
                                                               terminating=terminating),
                                 node_name=pod.spec.node_name, target_ref=ObjectReference(**ref))


class ServiceMembers:
    """The served pods of one Service under one `stamp`, with the Endpoints' groups kept sorted."""

    def __init__(self, stamp: tuple) -> None:
        self.stamp = stamp
        self.members: dict[PodKey, Member] = {}
        #: pods whose member changed (came, went or changed) since the slices were last reconciled
        self.dirty: set[PodKey] = set()
        #: the Endpoints' address lists: (ports, ready) -> [(order, pod key)] ascending
        self.groups: dict[tuple, list[tuple]] = {}
        #: how many members each set of slice ports has
        self.port_maps: dict[tuple, int] = {}

    def put(self, key: PodKey, member: Optional[Member]) -> None:
        """Record the member `key` now has (None: the pod is not served, or gone)."""
        old = self.members.pop(key, None)
        if old is None and member is None:
            return
        self.dirty.add(key)
        if old is not None:
            self._ungroup(key, old)
        if member is not None:
            self.members[key] = member
            self.port_maps[member.slice_ports] = self.port_maps.get(member.slice_ports, 0) + 1
            if member.ports is not None:
                insort(self.groups.setdefault((member.ports, member.ready), []), (member.order, key))

    def _ungroup(self, key: PodKey, old: Member) -> None:
        left = self.port_maps[old.slice_ports] - 1
        if left:
            self.port_maps[old.slice_ports] = left
        else:
            del self.port_maps[old.slice_ports]
        if old.ports is not None:
            group = self.groups[(old.ports, old.ready)]
            del group[bisect_left(group, (old.order, key))]
            if not group:
                del self.groups[(old.ports, old.ready)]


def stamp_of(svc: Any) -> tuple:
    """What the members depend on besides the pods: the Service's identity, selector and ports,
    whether it publishes not-ready addresses, and its name (pods' hostnames need a subdomain
    equal to it)."""
    ports = tuple((p.name, p.port, p.target_port, p.protocol, p.app_protocol) for p in svc.spec.ports or ())
    return (svc.metadata.uid, svc.metadata.name, tuple(sorted((svc.spec.selector or {}).items())), ports,
            bool(svc.spec.publish_not_ready_addresses))


def selects(svc: Any, pod: Any) -> bool:
    labels = pod.metadata.labels or {}
    return all(labels.get(k) == v for k, v in svc.spec.selector.items())


def serves(pod: Any, svc: Any) -> bool:
    """`ShouldPodBeInEndpoints`: has an IP, has not finished, and is not terminating (unless published)."""
    if not pod.status.pod_ip or pod.status.phase in ("Succeeded", "Failed"):
        return False
    return pod.metadata.deletion_timestamp is None or bool(svc.spec.publish_not_ready_addresses)


def slice_ports(svc: Any, pod: Any) -> tuple:
    """`getEndpointPorts`: the Service ports this pod can serve, as EndpointSlice ports (hashable)."""
    out = []
    for port in svc.spec.ports or ():
        number = target_port(pod, port)
        if number is None:
            continue
        entry = (("name", port.name or ""), ("port", number), ("protocol", port.protocol or "TCP"))
        out.append(entry + ((("appProtocol", port.app_protocol),) if port.app_protocol else ()))
    return tuple(out)


def target_port(pod: Any, port: Any) -> Optional[int]:
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
