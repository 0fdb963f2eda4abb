"""The kubelets of every node: they run the pods bound to their node and report their status.

:class:`Kubelet` watches pods and hands each to the :class:`~kubenb.kubelet.node.NodeAgent` of its
node, whose :class:`~kubenb.kubelet.worker.PodWorker` drives real runtime containers
(:mod:`kubenb.runtime`) through the kubelet's lifecycle. It also answers what the API server
proxies to a kubelet -- ``exec``, ``logs``, the metrics ``top`` reads -- and what the network
layer needs: the sandbox behind a pod IP (:meth:`sandbox_for_ip`).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Optional

from kubenb.kubelet.lease import NodeLease
from kubenb.kubelet.node import CLUSTER_DOMAIN, NodeAgent
from kubenb.kubelet.worker import PodWorker
from kubenb.runtime import Container, Dir, Network, Process, Sandbox
from kubenb.runtime.catalog import DefaultCatalogue
from kubenb.runtime.fs import Node
from kubenb.sim.loop import PRIORITY_NODE
from kubenb.store import WatchEvent

# How long after a ConfigMap or Secret changes its projected files change in pods (the kubelet's
# periodic sync plus its object cache's TTL), in seconds.
PROJECTION_DELAY = (30.0, 75.0)
PRIORITY_END_OF_INSTANT = PRIORITY_NODE + 50  # after everything a node does at an instant


class ExecError(Exception):
    """The kubelet refuses an exec or attach (``container not found ("x")``)."""


class LogError(Exception):
    """The kubelet's reason for not serving logs (``container "x" in pod "y" is waiting to start: ...``)."""


@dataclass(frozen=True)
class ContainerUsage:
    name: str
    cpu_millicores: int
    memory_bytes: int


def sign_token(worker: PodWorker, iat: int, expiration: int, audience: Optional[str]) -> bytes:
    """The pod's bound service-account token issued at `iat`: a signed JWT's shape, made when
    first read (see :class:`~kubenb.kubelet.volumes.TokenFile`)."""
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")

    ns, name, uid = worker.namespace, worker.name, worker.uid
    sa = worker.pod.spec.service_account_name or "default"
    seed = worker.kubelet.cluster.seed
    digest = hashlib.sha256(f"{seed}:sa-key".encode()).digest()
    header = {"alg": "RS256", "kid": b64(digest)[:43]}
    issuer = "https://kubernetes.default.svc.cluster.local"
    sa_uid = hashlib.md5(f"{seed}:{ns}/{sa}".encode()).hexdigest()
    sa_uid = f"{sa_uid[:8]}-{sa_uid[8:12]}-{sa_uid[12:16]}-{sa_uid[16:20]}-{sa_uid[20:]}"
    claims = {"aud": [audience or issuer], "exp": iat + expiration, "iat": iat, "iss": issuer,
              "kubernetes.io": {"namespace": ns, "pod": {"name": name, "uid": uid},
                                "serviceaccount": {"name": sa, "uid": sa_uid}, "warnafter": iat + 3600},
              "nbf": iat, "sub": f"system:serviceaccount:{ns}:{sa}"}
    sig = b"".join(hashlib.sha256(f"{seed}:{uid}:{i}".encode()).digest() for i in range(8))
    parts = [b64(json.dumps(header, separators=(",", ":")).encode()),
             b64(json.dumps(claims, separators=(",", ":")).encode()), b64(sig)]
    return ".".join(parts).encode()


class Kubelet:
    """All nodes' kubelets; dispatches pod events to the agent of the pod's node."""

    def __init__(self, cluster: Any) -> None:
        self.cluster = cluster
        self.store = cluster.store
        self.loop = cluster.loop
        self.clock = cluster.clock
        self.rng = cluster.rng
        self.minor = cluster.version.minor
        profile = cluster.profile
        self.flavor = "docker" if profile.runtime_prefix == "docker" else "containerd"
        self.runtime_prefix = profile.runtime_prefix
        self.catalogue = DefaultCatalogue()
        import ipaddress

        self.dns_ip = str(ipaddress.ip_network(profile.service_cidr).network_address + 10)
        self.nodes: dict[str, NodeAgent] = {}
        self.leases: dict[str, NodeLease] = {}  # each node's heartbeat in kube-node-lease
        # almost every IP has one pod: the worker itself, a tuple only for the IPs several share
        self._by_ip: dict[str, PodWorker | tuple[PodWorker, ...]] = {}
        self._shared: dict[tuple, Dir] = {}
        self._instant: Optional[tuple[float, dict[Any, Node]]] = None
        self._cluster_dns: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self._waiting: dict[tuple[str, str, str], set[PodWorker]] = {}
        self._users: dict[tuple[str, str, str], set[PodWorker]] = {}
        self._network: Optional[Network] = None
        self._port = 40000 + self.rng.stream("kubelet-ports").randrange(20000)
        self.metrics_server: Optional[bool] = None  # None: available iff a metrics-server pod is ready
        self.store.watch(self._on_pod, "Pod", when=[["bound"]])  # no kubelet runs a pod bound to no node
        self.store.watch(self._on_object, "ConfigMap")
        self.store.watch(self._on_object, "Secret")
        self.service_env_cache: dict[tuple[str, bool], tuple[dict[str, str], tuple[tuple[str, str], ...]]] = {}
        self.store.watch(lambda ev: self.service_env_cache.clear(), "Service")

    @property
    def agents(self) -> dict[str, NodeAgent]:
        return self.nodes

    def add_node(self, name: str, images: set[str], pod_cidr: str, first_ip: int = 2) -> NodeAgent:
        spec = self.cluster.profile.node(name)
        agent = self.nodes[name] = NodeAgent(self, name, images, pod_cidr, first_ip, spec)
        self.leases[name] = NodeLease(agent)
        self.leases[name].start()
        return agent

    # ---------------------------------------------------------------- the network layer's door

    @property
    def network(self) -> Optional[Network]:
        if self._network is not None:
            return self._network
        net = getattr(self.cluster, "network", None)
        return net if isinstance(net, Network) else None

    @network.setter
    def network(self, net: Optional[Network]) -> None:
        self.set_network(net)

    def set_network(self, net: Optional[Network]) -> None:
        """Give every sandbox (those to come, and those already running) the cluster's network."""
        self._network = net
        for ip in self._by_ip:
            for w in self._workers_at(ip):
                if w.sandbox is not None and net is not None:
                    w.sandbox.network = net

    def sandbox_for_ip(self, ip: str) -> Optional[Sandbox]:
        """The sandbox holding pod IP `ip` (for a node IP: its first host-network pod)."""
        found = self._workers_at(ip)
        return found[0].sandbox if found else None

    def sandbox_of(self, namespace: str, name: str) -> Optional[Sandbox]:
        """The sandbox of pod `namespace/name` (None until the kubelet made one, or after it is gone)."""
        pod = self.store.try_get("Pod", namespace, name)
        w = self.worker(pod) if pod is not None else None
        return w.sandbox if w is not None and not w.sandbox_gone else None

    def sandboxes_for_ip(self, ip: str) -> list[Sandbox]:
        return [w.sandbox for w in self._workers_at(ip) if w.sandbox is not None]

    def _workers_at(self, ip: str) -> tuple[PodWorker, ...]:
        found = self._by_ip.get(ip, ())
        return found if type(found) is tuple else (found,)  # type: ignore[return-value]

    def register_ip(self, worker: PodWorker) -> None:
        if worker.ip:
            found = self._by_ip.get(worker.ip)
            self._by_ip[worker.ip] = worker if found is None else (*self._workers_at(worker.ip), worker)

    def unregister_ip(self, worker: PodWorker) -> None:
        ip = worker.ip or ""
        found = self._workers_at(ip)
        if worker in found:
            rest = tuple(w for w in found if w is not worker)
            if len(rest) > 1:
                self._by_ip[ip] = rest
            elif rest:
                self._by_ip[ip] = rest[0]
            else:
                del self._by_ip[ip]

    def host_filesystem(self, node: str) -> Any:
        """A node's own filesystem (``hostPath`` volumes live there)."""
        return self.nodes[node].hostfs

    # ---------------------------------------------------------------- watches

    def _on_pod(self, ev: WatchEvent) -> None:
        pod = ev.object
        agent = self.nodes.get(pod.spec.node_name or "")
        if agent is None:
            return
        key = (pod.metadata.namespace or "", pod.metadata.name or "")
        worker = agent.runs.get(key)
        if ev.type == "DELETED":
            if worker is not None and worker.uid == pod.metadata.uid:
                agent.runs.pop(key, None)
                worker.forget()
                self._untrack(worker)
            return
        if worker is not None and worker.uid != pod.metadata.uid:
            agent.runs.pop(key, None)
            worker.forget()
            self._untrack(worker)
            worker = None
        if worker is None:
            worker = agent.runs[key] = PodWorker(agent, pod)
            if pod.status.phase in ("Succeeded", "Failed") or pod.status.container_statuses:
                # created with a status already (a profile's static pod): run it without reporting
                self.loop.call_soon(worker.adopt, PRIORITY_NODE)
                return
            self.loop.call_soon(lambda: worker.gone or worker.admit(), PRIORITY_NODE)
        worker.update(pod)

    def _on_object(self, ev: WatchEvent) -> None:
        obj = ev.object
        key = (obj.KIND, obj.metadata.namespace or "", obj.metadata.name or "")
        if ev.type == "ADDED":
            for w in sorted(self._waiting.pop(key, ()), key=lambda w: (w.namespace, w.name)):
                if not w.gone:
                    self.loop.call_soon(w.object_appeared, PRIORITY_NODE)
        elif ev.type == "MODIFIED":
            users = [w for w in self._users.get(key, ()) if not w.gone]
            for w in sorted(users, key=lambda w: (w.namespace, w.name)):
                delay = w.node.rng.uniform(*PROJECTION_DELAY)
                self.loop.call_later(delay, lambda w=w: w.gone or w.refresh_volumes(key[0], key[2]), PRIORITY_NODE)

    def wait_for(self, key: tuple[str, str, str], worker: PodWorker) -> None:
        self._waiting.setdefault(key, set()).add(worker)

    def _untrack(self, worker: PodWorker) -> None:
        """A pod is gone: drop it from the indexes of the objects it waits for or projects."""
        users = [(v.kind, worker.namespace, v.ref) for v in (worker.volumes or {}).values() if v.ref]
        waiting = [k for k, ws in self._waiting.items() if worker in ws] if worker.volumes is None else []
        for index, keys in ((self._users, users), (self._waiting, waiting)):
            for key in keys:
                found = index.get(key)
                if found is not None:
                    found.discard(worker)
                    if not found:
                        del index[key]

    def track_volumes(self, worker: PodWorker) -> None:
        for vol in (worker.volumes or {}).values():
            if vol.kind in ("ConfigMap", "Secret") and vol.ref:
                self._users.setdefault((vol.kind, worker.namespace, vol.ref), set()).add(worker)

    # ---------------------------------------------------------------- what volumes need

    def shared_dir(self, key: tuple) -> Dir:
        """A directory every pod naming the same claim or export shares (until storage provisions it)."""
        found = self._shared.get(key)
        if found is None:
            found = self._shared[key] = Dir(0o777, mtime=self.clock.now)
        return found

    def instant_nodes(self) -> dict[Any, Node]:
        """The files and links the volumes written at this instant share: every pod whose token
        volume is written at the same instant as another's has the same ``ca.crt`` and
        ``namespace`` files (bytes, mode, mtime) and the same ``..data/<key>`` links, so they are
        one node each. Those volumes (``configMap``, ``secret``, ``downwardAPI``, ``projected``) are
        mounted read-only and a re-projection replaces their nodes: nothing writes a shared node.
        Held until the instant's work is done, so a deleted pod's nodes do not outlive it."""
        now = self.clock.now
        if self._instant is None or self._instant[0] != now:
            if self._instant is None:
                self.loop.call_soon(self._end_instant, PRIORITY_END_OF_INSTANT)
            self._instant = (now, {})
        return self._instant[1]

    def _end_instant(self) -> None:
        self._instant = None

    @functools.cached_property
    def cluster_ca(self) -> bytes:
        """The cluster's CA certificate (what ``kube-root-ca.crt`` publishes), one object for all pods."""
        seed = hashlib.sha256(f"{self.cluster.seed}:kubernetes-ca".encode()).digest()
        body = b"".join(hashlib.sha256(seed + bytes([i])).digest() for i in range(24))[:761]
        text = base64.b64encode(body).decode()
        lines = [text[i:i + 64] for i in range(0, len(text), 64)]
        return ("-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n").encode()

    def cluster_dns(self, namespace: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The nameservers and search path of a ``ClusterFirst`` pod in `namespace`: one tuple per
        namespace, which every sandbox there holds."""
        found = self._cluster_dns.get(namespace)
        if found is None:
            domain = CLUSTER_DOMAIN
            found = self._cluster_dns[namespace] = ((self.dns_ip,), (f"{namespace}.svc.{domain}", f"svc.{domain}",
                                                                      domain))
        return found

    def ephemeral_port(self) -> int:
        self._port = 32768 + (self._port - 32768 + 1) % 28232
        return self._port

    # ---------------------------------------------------------------- what kubectl asks a kubelet

    def worker(self, pod: Any) -> Optional[PodWorker]:
        agent = self.nodes.get(pod.spec.node_name or "")
        if agent is None:
            return None
        w = agent.runs.get((pod.metadata.namespace or "", pod.metadata.name or ""))
        return w if w is not None and w.uid == pod.metadata.uid else None

    def exec(self, pod: Any, container: str, argv: list[str], stdin: Optional[str] = None,
             tty: bool = False) -> Process:
        """Start `argv` in the running container (``/exec``). Raises ExecError or runtime's ExecFailure."""
        w = self.worker(pod)
        run = w.by_name(container) if w is not None else None
        inst = run.current if run is not None else None
        if inst is None or not inst.running:
            raise ExecError(f'container not found ("{container}")')
        return inst.container.exec(argv, stdin, tty)

    def log_source(self, pod: Any, container: str, previous: bool = False) -> Optional[Container]:
        """The runtime container whose log ``/containerLogs`` serves (``validateContainerLogStatus``).

        Raises LogError with the kubelet's words when there is none yet (or any more).
        """
        name = pod.metadata.name
        statuses = list(pod.status.container_statuses or ()) + list(pod.status.init_container_statuses or ())
        cs = next((s for s in statuses if s.name == container), None)
        if cs is None:
            raise LogError(f'container "{container}" in pod "{name}" is not available')
        last = cs.last_state.terminated if cs.last_state is not None else None
        waiting, running, terminated = cs.state.waiting, cs.state.running, cs.state.terminated
        if previous:
            if last is None or not last.container_id:
                raise LogError(f'previous terminated container "{container}" in pod "{name}" not found')
            cid = last.container_id
        elif running is not None:
            cid = cs.container_id
        elif terminated is not None:
            cid = terminated.container_id or (last.container_id if last is not None else None)
            if not cid:
                raise LogError(f'container "{container}" in pod "{name}" is terminated')
        elif last is not None:
            if not last.container_id:
                raise LogError(f'container "{container}" in pod "{name}" is terminated')
            cid = last.container_id
        elif waiting is not None:
            reason = waiting.reason
            if reason == "ErrImagePull":
                raise LogError(f'container "{container}" in pod "{name}" is waiting to start: image can\'t be pulled')
            if reason == "ImagePullBackOff":
                raise LogError(f'container "{container}" in pod "{name}" is waiting to start: trying and failing to '
                               "pull image")
            raise LogError(f'container "{container}" in pod "{name}" is waiting to start: {reason}')
        else:
            raise LogError(f'container "{container}" in pod "{name}" is waiting to start - no logs yet')
        w = self.worker(pod)
        run = w.by_name(container) if w is not None else None
        if run is None:
            return None
        for inst in (run.current, run.previous, run.seen, run.seen_previous):
            if inst is not None and inst.cid == cid:
                return inst.container
        return None

    def pod_usage(self, pod: Any) -> Optional[list[ContainerUsage]]:
        """What metrics-server reports for a pod (None when no container of it runs)."""
        w = self.worker(pod)
        if w is None:
            return None
        out = []
        for run in w.main_runs + w.init_runs:
            inst = run.current
            if inst is not None and inst.running:
                u = inst.container.usage()
                out.append(ContainerUsage(run.name, u.cpu_millicores, u.memory_bytes))
        return out or None

    def node_usage(self, name: str) -> tuple[int, int]:
        """(millicores, bytes) a node uses: the system's own share plus its containers'."""
        agent = self.nodes[name]
        control_plane = agent.spec is not None and "control-plane" in agent.spec.roles
        cpu, memory = (180, 1_300 << 20) if control_plane else (45, 780 << 20)
        for w in agent.runs.values():
            for usage in self.pod_usage(w.pod) or ():
                cpu += usage.cpu_millicores
                memory += usage.memory_bytes
        return cpu, memory

    def metrics_api_available(self) -> bool:
        """The ``metrics.k8s.io`` API is served once a metrics-server pod is ready (kubeadm installs none)."""
        if self.metrics_server is not None:
            return self.metrics_server
        from kubenb.api.labels import parse_selector

        pods = self.store.list("Pod", "kube-system", parse_selector("k8s-app=metrics-server"))
        return any(c.type == "Ready" and c.status == "True" for p in pods for c in p.status.conditions or ())
