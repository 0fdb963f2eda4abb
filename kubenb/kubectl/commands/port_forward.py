"""`kubectl port-forward TYPE/NAME [options] [LOCAL_PORT:]REMOTE_PORT [...[LOCAL_PORT_N:]REMOTE_PORT_N]`.

Port of `pkg/cmd/portforward`: the object is resolved to one running pod (a Service, Deployment,
ReplicaSet or StatefulSet to its most active pod), Service ports are translated to the pod's
target ports, and a listener is opened on each ``--address`` (default ``localhost``: 127.0.0.1
and ::1) of the host kubectl runs on, printing ``Forwarding from 127.0.0.1:8080 -> 80``. The real
command then blocks until Ctrl-C; here it returns at once, as if started with ``&``: the forward
keeps working (``curl 127.0.0.1:8080`` on that host reaches the pod, and the host's terminal shows
``Handling connection for 8080``) until the pod goes away.
"""

from __future__ import annotations

from typing import Any, Optional

from kubenb.api import labels as labelsel
from kubenb.api import podutil
from kubenb.kubectl.args import Flag
from kubenb.kubectl.commands import common
from kubenb.kubectl.context import Context, KubectlError
from kubenb.network import network_of
from kubenb.store import errors

FLAGS = (
    Flag("address", kind=list),
    Flag("pod-running-timeout", default="1m0s"),
)
USAGE_TAIL = "\nSee 'kubectl port-forward -h' for help and examples"


def _parse_ports(specs: list[str]) -> list[tuple[int, int]]:
    out = []
    for spec in specs:
        parts = spec.split(":")
        if len(parts) == 1:
            local, remote = parts[0], parts[0]
        elif len(parts) == 2:
            local, remote = parts[0] or "0", parts[1]
        else:
            raise KubectlError(f"error: invalid port format '{spec}'")
        lp = _uint16(local, "local")
        rp = _uint16(remote, "remote")
        if rp == 0:
            raise KubectlError("error: remote port must be > 0")
        out.append((lp, rp))
    return out


def _uint16(text: str, which: str) -> int:
    if not text.isdigit():
        raise KubectlError(f"error: error parsing {which} port '{text}': strconv.ParseUint: parsing \"{text}\": "
                           "invalid syntax")
    value = int(text)
    if value > 65535:
        raise KubectlError(f"error: error parsing {which} port '{text}': strconv.ParseUint: parsing \"{text}\": "
                           "value out of range")
    return value


def _rank(pod: Any) -> tuple:
    """`sort.Reverse(podutils.ActivePods)`: scheduled, running, ready (longest), fewest restarts, oldest."""
    phase = {"Pending": 0, "Unknown": 1, "Running": 2}.get(pod.status.phase or "", 0)
    ready = podutil.is_ready(pod)
    restarts = sum(c.restart_count or 0 for c in pod.status.container_statuses or ())
    return (0 if pod.spec.node_name else 1, -phase, 0 if ready else 1, podutil.ready_since(pod) or 0, restarts,
            pod.metadata.creation_timestamp or "", pod.metadata.name or "")


def _pod_for(ctx: Context, info: Any, obj: Any) -> Any:
    if obj.KIND == "Pod":
        return obj
    if obj.KIND == "Service":
        selector = labelsel.selector_from_set(obj.spec.selector or {})
    else:
        sel = obj.spec.selector
        selector = labelsel.selector_from_set((sel.match_labels if sel is not None else None) or {})
    pods = ctx.store.list("Pod", obj.metadata.namespace, selector)
    if not pods:
        raise KubectlError("error: timed out waiting for the condition")
    return sorted(pods, key=_rank)[0]


def _service_target(svc: Any, pod: Any, local: str, remote: str) -> tuple[int, int]:
    """`translateServicePortToTargetPort` for one `local:remote` pair."""
    if remote.isdigit():
        number = int(remote)
    else:
        match = next((p for p in svc.spec.ports or () if p.name == remote), None)
        if match is None:
            raise KubectlError(f"error: Service '{svc.metadata.name}' does not have a named port '{remote}'")
        number = match.port
        if local == remote:
            local = str(number)
    port = next((p for p in svc.spec.ports or () if p.port == number), None)
    if port is None:
        raise KubectlError(f"error: Service {svc.metadata.name} does not have a service port {number}")
    target = port.target_port
    if target is None or target == 0:
        container_port = number
    elif isinstance(target, int) or str(target).isdigit():
        container_port = int(target)
    else:
        container_port = _named_port(pod, str(target))
    return _uint16(local or "0", "local"), container_port


def _named_port(pod: Any, name: str) -> int:
    for c in pod.spec.containers:
        for cp in c.ports or ():
            if cp.name == name:
                return cp.container_port
    raise KubectlError(f"error: Pod '{pod.metadata.name}' does not have a named port '{name}'")


@common.kubectl_errors
def run(ctx: Context, p: Any) -> int:
    args = list(p.args)
    if len(args) < 2:
        raise KubectlError("error: TYPE/NAME and list of ports are required for port-forward" + USAGE_TAIL)
    resource, specs = args[0], args[1:]
    if "/" in resource:
        type_text, _, name = resource.partition("/")
        from kubenb.kubectl.resolve import resolve_type

        info = resolve_type(ctx.cluster.registry, type_text)
    else:
        info, name = ctx.store.info("Pod"), resource
    obj = ctx.store.try_get(info.kind, ctx.namespace if info.namespaced else "", name)
    if obj is None:
        raise KubectlError(common.format_status_error(errors.not_found(info, name)))
    if obj.KIND not in ("Pod", "Service", "Deployment", "ReplicaSet", "StatefulSet", "ReplicationController",
                        "DaemonSet", "Job"):
        raise KubectlError(f"error: cannot attach to {obj.KIND}: not implemented")
    pod = _pod_for(ctx, info, obj)
    pairs: list[tuple[int, int]] = []
    if obj.KIND == "Service":
        for spec in specs:
            parts = spec.split(":")
            local, remote = (parts[0], parts[1]) if len(parts) == 2 else (parts[0], parts[0])
            pairs.append(_service_target(obj, pod, local, remote))
    else:
        for spec in specs:
            parts = spec.split(":")
            if len(parts) == 2 and not parts[1].isdigit():
                spec = f"{parts[0]}:{_named_port(pod, parts[1])}"
            elif len(parts) == 1 and not parts[0].isdigit():
                spec = f"{_named_port(pod, parts[0])}"
            pairs.append(_parse_ports([spec])[0])
    if pod.status.phase != "Running":
        raise KubectlError(f"error: unable to forward port because pod is not running. Current status={pod.status.phase}")
    addresses = _addresses(p["address"])
    net = network_of(ctx.cluster)
    opened = 0
    failed: list[tuple[int, int]] = []
    for local, remote in pairs:
        if local == 0:
            local = net.cluster.rng.stream("port-forward").randint(32768, 60999)
        try:
            net.port_forward(pod.metadata.namespace, pod.metadata.name, local, remote, tuple(addresses))
        except OSError:
            errs = " ".join(f"unable to create listener: Error listen {'tcp6' if ':' in a else 'tcp4'} "
                            f"{_join(a, local)}: bind: address already in use" for a in addresses)
            ctx.warn(f"Unable to listen on port {local}: Listeners failed to create with the following errors: "
                     f"[{errs}]")
            failed.append((local, remote))
            continue
        opened += 1
        for a in addresses:
            ctx.print(f"Forwarding from {_join(a, local)} -> {remote}")
    if not opened:
        shown = " ".join(f"{{{lp} {rp}}}" for lp, rp in failed)
        raise KubectlError(f"error: unable to listen on any of the requested ports: [{shown}]")
    return 0


def _addresses(given: Optional[list[str]]) -> list[str]:
    out: list[str] = []
    for item in given or ["localhost"]:
        for a in item.split(","):
            a = a.strip()
            if a == "localhost":
                out += ["127.0.0.1", "::1"]
            elif a:
                out.append(a)
    return out


def _join(address: str, port: int) -> str:
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
