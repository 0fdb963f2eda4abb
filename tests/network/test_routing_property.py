"""Property: every connection lands on a ready endpoint of the right Service and target port, or
fails the way the real network makes it fail.

Random pods (node, readiness, the ports they listen on, a label) and Services (selector, ports,
ClusterIP or NodePort, traffic policies, session affinity) are written straight into a store with
their EndpointSlices, for both profiles' kube-proxy (v1.23 and v1.32). Pods are stand-in
sandboxes that only say which ports they listen on.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from types import SimpleNamespace
from typing import Any, Optional

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubenb.api.codec import decode
from kubenb.api.registry import Registry
from kubenb.api.resources import resources_for
from kubenb.network.network import ClusterNetwork, Origin
from kubenb.profiles import get_profile
from kubenb.runtime.sandbox import ConnectError, Endpoint
from kubenb.sim.clock import Clock
from kubenb.sim.loop import EventLoop
from kubenb.sim.random import RandomStreams
from kubenb.store import Store

PORTS = (80, 8080)


@cache
def registry(minor: int) -> Registry:
    return Registry(resources_for(minor))


@dataclass(frozen=True)
class PodSpec:
    node: int
    ready: bool
    listens: tuple[int, ...]
    app: str


@dataclass(frozen=True)
class SvcSpec:
    app: str
    ports: tuple[tuple[int, int], ...]  # (port, targetPort)
    node_port: bool
    external_local: bool
    internal_local: bool
    affinity: bool


class Stub:
    """A pod's sandbox as the network sees it: which ports something listens on."""

    def __init__(self, name: str, ip: str, listens: tuple[int, ...]) -> None:
        self.hostname, self.ip, self.listens = name, ip, listens
        self.program = SimpleNamespace(pod=name)

    def listener(self, port: int, proto: str = "TCP") -> Optional[tuple[Any, Any]]:
        return (None, self.program) if port in self.listens and proto == "TCP" else None


def build(profile_name: str, pods: list[PodSpec], services: list[SvcSpec]):
    profile = get_profile(profile_name)
    clock = Clock(profile.epoch("now"))
    rng = RandomStreams(7)
    store = Store(registry(profile.version.minor), clock, rng, profile.service_cidr, profile.version.minor)
    stubs: dict[str, Stub] = {}
    kubelet = SimpleNamespace(sandboxes_for_ip=lambda ip: [s for s in stubs.values() if s.ip == ip])
    cluster = SimpleNamespace(store=store, profile=profile, version=profile.version, rng=rng, clock=clock,
                              loop=EventLoop(clock), kubelet=kubelet, seed=7)
    net = ClusterNetwork(cluster)
    reg = registry(profile.version.minor)
    store.create(decode(reg, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default"}}))
    nodes = profile.nodes
    placed = []
    for i, p in enumerate(pods):
        node = nodes[p.node % len(nodes)]
        subnet = node.pod_cidr.rsplit(".", 1)[0]
        ip = f"{subnet}.{10 + i}"
        name = f"pod-{i}"
        cond = "True" if p.ready else "False"
        store.create(decode(reg, {
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "default", "labels": {"app": p.app}},
            "spec": {"nodeName": node.name, "containers": [{"name": "c", "image": "nginx:alpine"}]},
            "status": {"phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}], "hostIP": node.internal_ip,
                       "conditions": [{"type": "Ready", "status": cond}]}}), keep_status=True)
        stubs[name] = Stub(name, ip, p.listens)
        placed.append((name, ip, node.name, p))
    made = []
    for j, s in enumerate(services):
        name = f"svc-{j}"
        spec: dict[str, Any] = {
            "selector": {"app": s.app},
            "ports": [{"name": f"p{k}", "port": port, "targetPort": target, "protocol": "TCP"}
                      for k, (port, target) in enumerate(s.ports)],
            "type": "NodePort" if s.node_port else "ClusterIP",
            "sessionAffinity": "ClientIP" if s.affinity else "None",
            "internalTrafficPolicy": "Local" if s.internal_local else "Cluster",
        }
        if s.node_port:
            spec["externalTrafficPolicy"] = "Local" if s.external_local else "Cluster"
        svc = store.create(decode(reg, {"apiVersion": "v1", "kind": "Service",
                                        "metadata": {"name": name, "namespace": "default"}, "spec": spec}))
        members = [(n, ip, node, p) for n, ip, node, p in placed if p.app == s.app]
        targets = sorted({t for _, t in s.ports})
        for t in targets:  # one slice per target port (the controller's shape does not matter here)
            store.create(decode(reg, {
                "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                "metadata": {"name": f"{name}-{t}", "namespace": "default",
                             "labels": {"kubernetes.io/service-name": name}},
                "addressType": "IPv4",
                "endpoints": [{"addresses": [ip], "conditions": {"ready": p.ready, "serving": p.ready,
                                                                 "terminating": False}, "nodeName": node}
                              for _, ip, node, p in members] or None,
                "ports": [{"name": f"p{k}", "port": t, "protocol": "TCP"}
                          for k, (_, tt) in enumerate(s.ports) if tt == t]}))
        made.append((svc, s, members))
    return net, placed, made


pod_specs = st.builds(PodSpec, node=st.integers(0, 2), ready=st.booleans(),
                      listens=st.sets(st.sampled_from(PORTS)).map(lambda s: tuple(sorted(s))),
                      app=st.sampled_from(["a", "b"]))
svc_specs = st.builds(
    SvcSpec, app=st.sampled_from(["a", "b", "c"]),
    ports=st.lists(st.tuples(st.sampled_from([80, 81, 443]), st.sampled_from(PORTS)), min_size=1, max_size=2,
                   unique_by=lambda t: t[0]).map(tuple),
    node_port=st.booleans(), external_local=st.booleans(), internal_local=st.booleans(), affinity=st.booleans())


def outcome(net: ClusterNetwork, client: Origin, ip: str, port: int) -> Any:
    try:
        return net.connect_from(client, ip, port)
    except ConnectError as e:
        return e.kind


@settings(max_examples=50, suppress_health_check=[HealthCheck.too_slow])
@given(profile=st.sampled_from(["course", "kubeadm"]), pods=st.lists(pod_specs, min_size=1, max_size=6),
       services=st.lists(svc_specs, min_size=1, max_size=3), data=st.data())
def test_connections_land_on_ready_endpoints_or_fail_like_the_network(profile, pods, services, data) -> None:
    net, placed, made = build(profile, pods, services)
    modern = net.proxy.modern
    by_name = {n: (ip, node, p) for n, ip, node, p in placed}
    clients = [Origin("pod", node, ip) for _, ip, node, _ in placed]
    clients += [Origin("host", n.name, n.ip, n.name) for n in net.nodes.values()]
    clients.append(Origin("workstation", None, net.workstation_ip, "workstation"))

    for _ in range(12):
        client = data.draw(st.sampled_from(clients))
        svc, spec, members = data.draw(st.sampled_from(made))
        (port, target) = data.draw(st.sampled_from(spec.ports))
        ready = [(n, ip, node) for n, ip, node, p in members if p.ready]
        how = data.draw(st.sampled_from(["vip", "wrong-port", "nodeport", "pod"]))
        if how == "vip":
            got = outcome(net, client, svc.spec.cluster_ip, port)
            if client.node is None:
                assert got == "timeout"  # no route to the service range from outside
                continue
            # v1.23's FilterEndpoints ignores internalTrafficPolicy when externalTrafficPolicy is Local
            local_only = spec.internal_local and (modern or not (spec.node_port and spec.external_local))
            allowed = [r for r in ready if not local_only or r[2] == client.node]
            if not ready:
                assert got == "refused"
            elif not allowed:
                assert got == ("timeout" if modern else "refused")
            elif isinstance(got, Endpoint):
                assert (got.program.pod, got.server_ip, got.server_port) in {(n, ip, target) for n, ip, _ in allowed}
            else:
                assert got == "refused" and any(target not in by_name[n][2].listens for n, _, _ in allowed)
        elif how == "wrong-port":
            used = {p for p, _ in spec.ports}
            assert outcome(net, client, svc.spec.cluster_ip, 9999) == "timeout"
            assert 9999 not in used
        elif how == "nodeport":
            if not spec.node_port:
                continue
            node = data.draw(st.sampled_from(list(net.nodes.values())))
            node_port = next(p.node_port for p in svc.spec.ports if p.port == port)
            got = outcome(net, client, node.ip, node_port)
            external = client.kind == "workstation" or (client.kind == "host" and client.node != node.name) or \
                (client.kind == "pod" and client.node != node.name)  # flannel masquerades pods to other nodes
            allowed = [r for r in ready if not (spec.external_local and external) or r[2] == node.name]
            usable = ready
            if not modern and spec.internal_local and not spec.external_local:
                # v1.23 filtered the endpoints by internalTrafficPolicy for node ports too
                usable = allowed = [r for r in ready if r[2] == node.name]
            if not usable:
                assert got == "refused"
            elif not allowed:
                assert got == "timeout"
            elif isinstance(got, Endpoint):
                assert (got.program.pod, got.server_ip, got.server_port) in {(n, ip, target) for n, ip, _ in allowed}
            else:
                assert got == "refused" and any(target not in by_name[n][2].listens for n, _, _ in allowed)
        else:
            name, ip, _, p = data.draw(st.sampled_from(placed))
            wanted = data.draw(st.sampled_from(PORTS))
            got = outcome(net, client, ip, wanted)
            if client.node is None:
                assert got == "timeout"
            elif wanted in p.listens:
                assert isinstance(got, Endpoint) and (got.program.pod, got.server_port) == (name, wanted)
            else:
                assert got == "refused"


@settings(max_examples=25)
@given(pods=st.lists(pod_specs, min_size=2, max_size=6))
def test_session_affinity_keeps_a_client_on_one_endpoint(pods) -> None:
    pods = [PodSpec(p.node, True, PORTS, "a") for p in pods]
    net, placed, made = build("kubeadm", pods, [SvcSpec("a", ((80, 80),), False, False, False, True)])
    svc = made[0][0]
    client = Origin("pod", placed[0][2], placed[0][1])
    first = net.connect_from(client, svc.spec.cluster_ip, 80).program.pod
    assert {net.connect_from(client, svc.spec.cluster_ip, 80).program.pod for _ in range(20)} == {first}
    net.cluster.clock.advance_to(net.cluster.clock.now + 10801)  # the affinity's 3 hours have passed
    later = {net.connect_from(client, svc.spec.cluster_ip, 80).program.pod for _ in range(40)}
    assert len(later) >= 1
