"""`kubectl top pod|node`: CPU and memory as metrics-server reports them from the kubelets.

Port of `pkg/cmd/top` and `pkg/metricsutil`. The numbers are the runtime's cgroup usage of each
running container (``Usage``), summed per pod; a node adds its own system share. Neither profile
installs metrics-server (kubeadm does not; the course installs it only in a later lesson), so
until a ``k8s-app=metrics-server`` pod is ready in ``kube-system`` the API group is not served and
kubectl says ``error: Metrics API not available``, as on a fresh kubeadm cluster.
"""

from __future__ import annotations

from typing import Any

from kubenb.api import labels as labelsel
from kubenb.api.quantity import Quantity
from kubenb.kubectl.args import Flag
from kubenb.kubectl.commands import common
from kubenb.kubectl.context import Context, KubectlError
from kubenb.kubectl.tabwriter import get_writer
from kubenb.store import errors

FLAGS = (
    Flag("selector", "l", default=""),
    Flag("field-selector", default=""),
    Flag("all-namespaces", "A", kind=bool, default=False),
    Flag("containers", kind=bool, default=False),
    Flag("no-headers", kind=bool, default=False),
    Flag("sort-by", default=""),
    Flag("use-protocol-buffers", kind=bool, default=True),
    Flag("show-capacity", kind=bool, default=False),
)
NOT_AVAILABLE = "error: Metrics API not available"
USAGE = ("error: You must specify the type of resource to show metrics for.\nValid resource types include:\n"
         "   * nodes (aka 'no')\n   * pods (aka 'po')\nSee 'kubectl top -h' for help and examples")


@common.kubectl_errors
def run(ctx: Context, p: Any) -> int:
    if not p.args:
        raise KubectlError(USAGE)
    what, names = p.args[0], p.args[1:]
    if p["sort-by"] not in ("", "cpu", "memory"):
        raise KubectlError("error: --sort-by accepts only cpu or memory")
    if what in ("pod", "pods", "po"):
        return _pods(ctx, p, names)
    if what in ("node", "nodes", "no"):
        return _nodes(ctx, p, names)
    raise KubectlError(f'error: unknown command "{what}" for "kubectl top"\n\nDid you mean this?\n\tnode\n\tpod\n')


def _selector(p: Any) -> Any:
    try:
        return labelsel.parse_selector(p["selector"]) if p["selector"] else None
    except ValueError as e:
        raise KubectlError(f"error: {e}") from None


def _mi(nbytes: int) -> str:
    return f"{nbytes // (1024 * 1024)}Mi"


def _pods(ctx: Context, p: Any, names: list[str]) -> int:
    kubelet = ctx.cluster.kubelet
    if not kubelet.metrics_api_available():
        raise KubectlError(NOT_AVAILABLE)
    all_ns = p["all-namespaces"]
    if names:
        pods = []
        for name in names[:1]:
            pod = ctx.store.try_get("Pod", ctx.namespace, name)
            if pod is None or kubelet.pod_usage(pod) is None:
                raise errors.StatusError("NotFound", 404, f'podmetrics.metrics.k8s.io "{ctx.namespace}/{name}" not found')
            pods.append(pod)
    else:
        pods = ctx.store.list("Pod", None if all_ns else ctx.namespace, _selector(p))
    rows = []
    for pod in pods:
        usage = kubelet.pod_usage(pod)
        if usage is None:
            continue
        rows.append((pod, usage))
    if not rows:
        if any(pod.status.phase == "Running" for pod in pods):
            raise KubectlError("error: metrics not available yet")
        ctx.warn("No resources found" if all_ns else f"No resources found in {ctx.namespace} namespace.")
        return 0
    sort = p["sort-by"]

    def total(usage: list[Any], attr: str) -> int:
        return sum(getattr(u, attr) for u in usage)

    if sort == "cpu":
        rows.sort(key=lambda r: -total(r[1], "cpu_millicores"))
    elif sort == "memory":
        rows.sort(key=lambda r: -total(r[1], "memory_bytes"))
    else:
        rows.sort(key=lambda r: ((r[0].metadata.namespace or "") if all_ns else "", r[0].metadata.name or ""))
    lines = []
    if not p["no-headers"]:
        head = ("NAMESPACE\t" if all_ns else "") + ("POD\t" if p["containers"] else "")
        lines.append(head + "NAME\tCPU(cores)\tMEMORY(bytes)\t")
    for pod, usage in rows:
        ns = f"{pod.metadata.namespace}\t" if all_ns else ""
        if p["containers"]:
            for u in sorted(usage, key=lambda u: u.name):
                lines.append(f"{ns}{pod.metadata.name}\t{u.name}\t{u.cpu_millicores}m\t{_mi(u.memory_bytes)}\t")
        else:
            lines.append(f"{ns}{pod.metadata.name}\t{total(usage, 'cpu_millicores')}m\t"
                         f"{_mi(total(usage, 'memory_bytes'))}\t")
    ctx.out.write(get_writer().render("\n".join(lines) + "\n"))
    return 0


def _nodes(ctx: Context, p: Any, names: list[str]) -> int:
    kubelet = ctx.cluster.kubelet
    if not kubelet.metrics_api_available():
        raise KubectlError(NOT_AVAILABLE)
    if names:
        nodes = []
        for name in names[:1]:
            node = ctx.store.try_get("Node", "", name)
            if node is None:
                raise errors.not_found(ctx.store.info("Node"), name)
            nodes.append(node)
    else:
        nodes = ctx.store.list("Node", "", _selector(p))
    rows = []
    for node in nodes:
        name = node.metadata.name or ""
        if name not in kubelet.nodes:
            rows.append((name, None, None))
            continue
        cpu, memory = kubelet.node_usage(name)
        source = node.status.capacity if p["show-capacity"] else node.status.allocatable
        rows.append((name, (cpu, memory), source or {}))
    sort = p["sort-by"]
    if sort:
        index = 0 if sort == "cpu" else 1
        rows.sort(key=lambda r: -(r[1][index] if r[1] else 0))
    pct = "CPU(%)\tMEMORY(bytes)\tMEMORY(%)" if ctx.minor >= 31 else "CPU%\tMEMORY(bytes)\tMEMORY%"
    lines = [] if p["no-headers"] else [f"NAME\tCPU(cores)\t{pct}\t"]
    for name, usage, available in rows:
        if usage is None:
            lines.append(f"{name}\t<unknown>\t\t<unknown>\t\t<unknown>\t\t<unknown>\t\t")
            continue
        cpu, memory = usage
        cpu_total = Quantity.parse(available.get("cpu", "1")).milli_value() or 1
        mem_total = Quantity.parse(available.get("memory", "1")).value() or 1
        lines.append(f"{name}\t{cpu}m\t{int(cpu * 100 / cpu_total)}%\t{_mi(memory)}\t"
                     f"{int(memory * 1000 * 100 / (mem_total * 1000))}%\t")
    ctx.out.write(get_writer().render("\n".join(lines) + "\n"))
    return 0
