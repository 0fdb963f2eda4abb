"""A stand-in for the kubelet's runtime wiring: a sandbox per running pod, built with kubenb.runtime.

:class:`PodSandboxes` watches pods; when one is Running with an IP it makes the sandbox a real
kubelet would (hostname, IP, the cluster network, ClusterFirst DNS) and starts its containers
from their images, with ConfigMap volumes mounted and ``env``/``envFrom`` resolved. It answers
``sandbox_for_ip`` / ``sandboxes_for_ip`` the way ``cluster.kubelet`` will.
"""

from __future__ import annotations

from typing import Any, Optional

from kubenb import Cluster
from kubenb.network import network_of
from kubenb.network.network import ClusterNetwork
from kubenb.runtime import FileSystem, LoopScheduler, MountSpec, Runtime, Sandbox


class PodSandboxes:
    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.net: ClusterNetwork = network_of(cluster)
        flavor = cluster.profile.runtime_prefix
        self.runtimes = {n.name: Runtime(LoopScheduler(cluster.loop), flavor=flavor) for n in cluster.profile.nodes}
        self.boxes: dict[str, Sandbox] = {}  # pod uid -> sandbox
        self.containers: dict[str, list] = {}
        cluster.store.watch(self._on_pod, "Pod")
        for pod in cluster.store.list("Pod"):
            self._ensure(pod)
        cluster.kubelet.sandbox_for_ip = self.sandbox_for_ip
        cluster.kubelet.sandboxes_for_ip = self.sandboxes_for_ip

    # -- what the network asks --------------------------------------------------------------

    def sandbox_for_ip(self, ip: str) -> Optional[Sandbox]:
        found = self.sandboxes_for_ip(ip)
        return found[0] if found else None

    def sandboxes_for_ip(self, ip: str) -> list[Sandbox]:
        out = []
        for pod in self.cluster.store.list("Pod"):
            if pod.status.pod_ip == ip and pod.metadata.uid in self.boxes:
                out.append(self.boxes[pod.metadata.uid])
        return out

    def sandbox_of(self, namespace: str, name: str) -> Sandbox:
        pod = self.cluster.store.get("Pod", namespace, name)
        return self.boxes[pod.metadata.uid]

    # -- lifecycle ---------------------------------------------------------------------------

    def _on_pod(self, ev: Any) -> None:
        pod = ev.object
        if ev.type == "DELETED" or pod.metadata.deletion_timestamp:
            self._drop(pod.metadata.uid)
            return
        self.cluster.loop.call_soon(lambda: self._ensure(pod))

    def _drop(self, uid: str) -> None:
        box = self.boxes.pop(uid, None)
        for c in self.containers.pop(uid, []):
            c.kill()
        if box is not None:
            box.containers.clear()

    def _ensure(self, pod: Any) -> None:
        uid = pod.metadata.uid
        current = self.cluster.store.try_get("Pod", pod.metadata.namespace, pod.metadata.name)
        if current is None or current.metadata.uid != uid or uid in self.boxes:
            return
        pod = current
        if pod.status.phase != "Running" or not pod.status.pod_ip or pod.spec.node_name not in self.runtimes:
            return
        if (pod.metadata.annotations or {}).get("kubernetes.io/config.source") == "file":
            return  # static control-plane pods: their programs are not modelled here
        runtime = self.runtimes[pod.spec.node_name]
        ns = pod.metadata.namespace
        host_network = bool(pod.spec.host_network)
        dns = {"dns_servers": (self.net.dns_ip,), "dns_search": (f"{ns}.svc.cluster.local", "svc.cluster.local",
                                                                 "cluster.local")}
        if pod.spec.dns_policy == "Default" or (host_network and pod.spec.dns_policy != "ClusterFirstWithHostNet"):
            dns = {"dns_servers": ("192.168.191.2",), "dns_search": ()}
        hostname = pod.spec.node_name if host_network else (pod.spec.hostname or pod.metadata.name)
        box = runtime.run_sandbox(hostname, pod.status.pod_ip, network=self.net, **dns)
        self.boxes[uid] = box
        started = []
        for c in pod.spec.containers:
            try:
                image = runtime.pull(c.image)
            except Exception:  # an image the catalogue refuses: the pod would not be Running
                continue
            container = runtime.create(box, c.name, image, command=c.command, args=c.args, env=self._env(pod, c),
                                       mounts=self._mounts(pod, c))
            try:
                container.start()
            except Exception:
                continue
            started.append(container)
        self.containers[uid] = started

    def _env(self, pod: Any, c: Any) -> list[tuple[str, str]]:
        env: list[tuple[str, str]] = []
        for src in c.env_from or ():
            ref = src.config_map_ref
            if ref is None:
                continue
            cm = self.cluster.store.try_get("ConfigMap", pod.metadata.namespace, ref.name)
            for k, v in sorted((cm.data or {}).items()) if cm is not None else ():
                env.append(((src.prefix or "") + k, v))
        for e in c.env or ():
            env.append((e.name, e.value or ""))
        return env

    def _mounts(self, pod: Any, c: Any) -> list[MountSpec]:
        volumes = {v.name: v for v in pod.spec.volumes or ()}
        out = []
        for m in c.volume_mounts or ():
            v = volumes.get(m.name)
            if v is None or v.config_map is None:
                continue
            cm = self.cluster.store.try_get("ConfigMap", pod.metadata.namespace, v.config_map.name)
            fs = FileSystem()
            for k, text in (cm.data or {}).items() if cm is not None else ():
                fs.write(f"/{k}", text)
            out.append(MountSpec(m.mount_path, fs.root, read_only=True))
        return out

    # -- kubectl exec -----------------------------------------------------------------------

    def exec(self, namespace: str, name: str, argv: list[str], limit: float = 120) -> tuple[str, str, int]:
        pod = self.cluster.store.get("Pod", namespace, name)
        container = self.containers[pod.metadata.uid][0]
        proc = container.exec(argv)
        self.cluster.loop.run_while(lambda: not proc.done, self.cluster.clock.now + limit)
        return proc.stdout_buffer.text, proc.stderr_buffer.text, proc.exit_code if proc.exit_code is not None else -1
