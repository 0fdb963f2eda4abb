"""The kubelet: runs the pods bound to its node and reports their status.

A pod moves through the states a real node shows, on a simulated timeline:

    bound -> Pending/ContainerCreating (sandbox, IP) -> image pull per container ->
    Created/Started -> Running and Ready -> (deletion) containers stopped -> pod removed.

Each step is an event-loop callback at the time it would happen, so `kubectl get -w` sees the
same rows a watching terminal sees. This first version runs every image as a long-running
process; the container runtime (probes, exits, restarts, cgroups) deepens it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Optional

from kubenb.api.base import evolve
from kubenb.client.events import EventRecorder
from kubenb.sim.duration import format_go_duration
from kubenb.sim.loop import PRIORITY_NODE
from kubenb.store import WatchEvent
from kubenb.store.errors import StatusError

# Seconds, drawn from seeded streams: how long a node takes for each step.
SANDBOX_SECONDS = (0.6, 1.4)
PULL_SECONDS = (2.0, 6.0)
STOP_SECONDS = (0.3, 0.8)


@dataclass
class PodRun:
    """What the kubelet remembers about one pod it runs."""

    uid: str
    started: bool = False
    stopping: bool = False
    container_ids: dict[str, str] = field(default_factory=dict)


class NodeAgent:
    """The kubelet of one node."""

    def __init__(self, kubelet: Kubelet, node_name: str, images: set[str], pod_cidr: str, first_ip: int) -> None:
        self.kubelet = kubelet
        self.name = node_name
        self.images = set(images)
        self.ipam = PodIPs(pod_cidr, first_ip)
        self.runs: dict[tuple[str, str], PodRun] = {}
        self.events = EventRecorder(kubelet.store, "kubelet", node_name)


class Kubelet:
    """All nodes' kubelets; dispatches pod events to the agent of the pod's node."""

    def __init__(self, cluster) -> None:
        self.cluster = cluster
        self.store = cluster.store
        self.loop = cluster.loop
        self.clock = cluster.clock
        self.rng = cluster.rng
        self.runtime_prefix = cluster.profile.runtime_prefix
        self.minor = cluster.version.minor
        self.agents: dict[str, NodeAgent] = {}
        self.store.watch(self._on_pod, "Pod")

    def add_node(self, name: str, images: set[str], pod_cidr: str, first_ip: int = 2) -> NodeAgent:
        agent = self.agents[name] = NodeAgent(self, name, images, pod_cidr, first_ip)
        return agent

    # ---------------------------------------------------------------- watch

    def _on_pod(self, ev: WatchEvent) -> None:
        pod = ev.object
        agent = self.agents.get(pod.spec.node_name or "")
        if agent is None:
            return
        key = (pod.metadata.namespace or "", pod.metadata.name or "")
        run = agent.runs.get(key)
        if ev.type == "DELETED":
            if run is not None and run.uid == pod.metadata.uid:
                agent.runs.pop(key, None)
                if not pod.spec.host_network:
                    agent.ipam.release(pod.status.pod_ip)
            return
        if run is None or run.uid != pod.metadata.uid:
            if pod.status.phase in ("Succeeded", "Failed") or pod.status.container_statuses:
                return  # created with a status already (a profile's static pod): nothing to start
            run = agent.runs[key] = PodRun(pod.metadata.uid or "")
            self.loop.call_soon(lambda: self._admit(agent, key, run), PRIORITY_NODE)
        if pod.metadata.deletion_timestamp is not None and not run.stopping:
            run.stopping = True
            self.loop.call_soon(lambda: self._stop(agent, key, run), PRIORITY_NODE)

    # ---------------------------------------------------------------- start

    def _current(self, key: tuple[str, str], run: PodRun) -> Optional[Any]:
        pod = self.store.try_get("Pod", *key)
        return pod if pod is not None and pod.metadata.uid == run.uid else None

    def _admit(self, agent: NodeAgent, key: tuple[str, str], run: PodRun) -> None:
        from kubenb.api.core import ContainerState, ContainerStateWaiting, ContainerStatus, HostIP

        pod = self._current(key, run)
        if pod is None or run.stopping:
            return
        now = self.clock.rfc3339()
        node = self.store.try_get("Node", "", agent.name)
        host_ip = _internal_ip(node) if node is not None else None
        new = evolve(pod, deep=("status",))
        st = new.status
        st.host_ip = host_ip
        if self.minor >= 28 and host_ip:
            st.host_ips = [HostIP(ip=host_ip)]
        st.start_time = now
        st.container_statuses = [
            ContainerStatus(name=c.name, image=c.image, image_id="", ready=False, restart_count=0, started=False,
                            state=ContainerState(waiting=ContainerStateWaiting(reason="ContainerCreating")))
            for c in pod.spec.containers
        ]
        st.conditions = self._conditions(pod, now, ready=False, initialized=True)
        self._write(new)
        delay = self.rng.stream("kubelet-sandbox").uniform(*SANDBOX_SECONDS)
        self.loop.call_later(delay, lambda: self._sandbox_ready(agent, key, run), PRIORITY_NODE)

    def _sandbox_ready(self, agent: NodeAgent, key: tuple[str, str], run: PodRun) -> None:
        from kubenb.api.core import PodIP

        pod = self._current(key, run)
        if pod is None or run.stopping:
            return
        ip = pod.status.host_ip if pod.spec.host_network else agent.ipam.allocate()
        status = pod.status.model_copy(deep=True)
        status.pod_ip = ip
        status.pod_ips = [PodIP(ip=ip)]
        status.conditions = self._conditions(pod, self.clock.rfc3339(), ready=False, initialized=True, sandbox=True)
        self._start_container(agent, pod, status, run, 0)

    def _start_container(self, agent: NodeAgent, pod: Any, status: Any, run: PodRun, index: int) -> None:
        """Start containers in order from `index`; `status` collects what changes at this instant.

        Like the kubelet's status manager, the steps that happen at one instant reach the API
        server as one status write (so a pod goes from ContainerCreating straight to Running).
        """
        if index >= len(pod.spec.containers):
            self._all_running(pod, status, run)
            return
        c = pod.spec.containers[index]
        field_path = f"spec.containers{{{c.name}}}"
        if c.image in agent.images and c.image_pull_policy != "Always":
            agent.events.normal(pod, "Pulled", f'Container image "{c.image}" already present on machine', field_path)
            self._run_container(agent, pod, status, run, index)
            return
        agent.events.normal(pod, "Pulling", f'Pulling image "{c.image}"', field_path)
        self._write_status(pod, status)
        took = round(self.rng.stream("kubelet-pull").uniform(*PULL_SECONDS), 3)
        key = (pod.metadata.namespace or "", pod.metadata.name or "")

        def pulled() -> None:
            current = self._current(key, run)
            if current is None or run.stopping:
                return
            agent.images.add(c.image)
            agent.events.normal(current, "Pulled", self._pulled_message(c.image, took), field_path)
            self._run_container(agent, current, current.status.model_copy(deep=True), run, index)

        self.loop.call_later(took, pulled, PRIORITY_NODE)

    def _pulled_message(self, image: str, took: float) -> str:
        """The kubelet's `Pulled` text: waiting time since 1.28, the image size since 1.30."""
        d = format_go_duration(took)
        if self.minor >= 30:
            return f'Successfully pulled image "{image}" in {d} ({d} including waiting). Image size: {_image_size(image)} bytes.'
        if self.minor >= 28:
            return f'Successfully pulled image "{image}" in {d} ({d} including waiting)'
        return f'Successfully pulled image "{image}" in {d}'

    def _run_container(self, agent: NodeAgent, pod: Any, status: Any, run: PodRun, index: int) -> None:
        from kubenb.api.core import ContainerState, ContainerStateRunning

        c = pod.spec.containers[index]
        field_path = f"spec.containers{{{c.name}}}"
        created = f"Created container: {c.name}" if self.minor >= 32 else f"Created container {c.name}"
        agent.events.normal(pod, "Created", created, field_path)
        agent.events.normal(pod, "Started", f"Started container {c.name}", field_path)
        cid = self.rng.hex(32, "container-ids")
        run.container_ids[c.name] = cid
        cs = status.container_statuses[index]
        cs.state = ContainerState(running=ContainerStateRunning(started_at=self.clock.rfc3339()))
        cs.container_id = f"{self.runtime_prefix}://{cid}"
        cs.image_id = _image_id(c.image, self.runtime_prefix)
        cs.started = True
        self._start_container(agent, pod, status, run, index + 1)

    def _all_running(self, pod: Any, status: Any, run: PodRun) -> None:
        run.started = True
        for cs in status.container_statuses:
            cs.ready = True
        status.phase = "Running"
        status.conditions = self._conditions(pod, self.clock.rfc3339(), ready=True, initialized=True,
                                             sandbox=True)
        self._write_status(pod, status)

    def _conditions(self, pod: Any, now: str, *, ready: bool, initialized: bool, sandbox: bool = False) -> list[Any]:
        """Pod conditions in the order the kubelet writes them, keeping transition times that did not change."""
        from kubenb.api.core import PodCondition

        old = {c.type: c for c in pod.status.conditions or ()}
        unready = [c.name for c in pod.spec.containers] if not ready else []

        def cond(type_: str, ok: bool, reason: Optional[str] = None, message: Optional[str] = None) -> Any:
            status = "True" if ok else "False"
            prev = old.get(type_)
            since = prev.last_transition_time if prev is not None and prev.status == status else now
            return PodCondition(type=type_, status=status, last_transition_time=since, last_probe_time=None,
                                reason=None if ok else reason, message=None if ok else message)

        msg = f"containers with unready status: [{' '.join(unready)}]"
        out = []
        if self.minor >= 29:
            out.append(cond("PodReadyToStartContainers", sandbox))
        out += [
            cond("Initialized", initialized),
            cond("Ready", ready, "ContainersNotReady", msg),
            cond("ContainersReady", ready, "ContainersNotReady", msg),
        ]
        if "PodScheduled" in old:
            out.append(old["PodScheduled"])
        return out

    # ---------------------------------------------------------------- stop

    def _stop(self, agent: NodeAgent, key: tuple[str, str], run: PodRun) -> None:
        """SIGTERM every container; once they have exited, the kubelet removes the pod from the API."""
        from kubenb.api.core import ContainerState, ContainerStateTerminated

        pod = self._current(key, run)
        if pod is None:
            return
        for c in pod.spec.containers:
            agent.events.normal(pod, "Killing", f"Stopping container {c.name}", f"spec.containers{{{c.name}}}")
        took = self.rng.stream("kubelet-stop").uniform(*STOP_SECONDS)

        def stopped() -> None:
            current = self._current(key, run)
            if current is None:
                return
            now = self.clock.rfc3339()
            new = evolve(current, deep=("status",))
            for cs in new.status.container_statuses or ():
                started = cs.state.running.started_at if cs.state.running else None
                if started is not None:
                    cs.state = ContainerState(terminated=ContainerStateTerminated(
                        exit_code=0, reason="Completed", started_at=started, finished_at=now,
                        container_id=cs.container_id))
                cs.ready = False
                cs.started = False
            new.status.conditions = self._conditions(current, now, ready=False, initialized=True)
            self._write(new)
            try:
                self.store.delete("Pod", key[0], key[1], grace_period_seconds=0)
            except StatusError:
                pass

        self.loop.call_later(took, stopped, PRIORITY_NODE)

    def _write_status(self, pod: Any, status: Any) -> None:
        self._write(evolve(pod, deep=(), status=status))

    def _write(self, pod: Any) -> None:
        try:
            self.store.update(pod, subresource="status")
        except StatusError:
            pass  # the pod went away meanwhile; the next watch event tells us


class PodIPs:
    """Pod IPs from the node's pod CIDR, handed out in order (the host-local IPAM plugin)."""

    def __init__(self, cidr: str, first: int) -> None:
        import ipaddress

        self.network = ipaddress.ip_network(cidr)
        self.next = first
        self.free: list[int] = []
        self.size = self.network.num_addresses

    def allocate(self) -> str:
        if self.next < self.size - 1:
            offset = self.next
            self.next += 1
        elif self.free:
            offset = self.free.pop(0)
        else:
            raise RuntimeError(f"no free pod IP left in {self.network}")
        return str(self.network.network_address + offset)

    def release(self, ip: Optional[str]) -> None:
        if ip:
            import ipaddress

            offset = int(ipaddress.ip_address(ip)) - int(self.network.network_address)
            if 0 < offset < self.size:
                self.free.append(offset)


def _internal_ip(node: Any) -> Optional[str]:
    for addr in node.status.addresses or ():
        if addr.type == "InternalIP":
            return addr.address
    return None


def _image_size(image: str) -> int:
    """A stable, plausible size (10-80 MB) until the runtime's image catalogue knows real ones."""
    return 10_000_000 + int(hashlib.sha256(image.encode()).hexdigest()[:8], 16) % 70_000_000


def _image_id(image: str, runtime: str) -> str:
    """A stable digest per image reference, in the runtime's format."""
    repo = image.split("@")[0].rsplit(":", 1)[0] if ":" in image.rsplit("/", 1)[-1] else image.split("@")[0]
    digest = hashlib.sha256(image.encode()).hexdigest()
    if runtime == "docker":
        return f"docker-pullable://{repo}@sha256:{digest}"
    full = repo if "/" in repo else f"docker.io/library/{repo}"
    return f"{full}@sha256:{digest}"
