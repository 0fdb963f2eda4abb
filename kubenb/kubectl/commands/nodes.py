"""`kubectl cordon|uncordon|drain NODE` and `kubectl taint nodes NODE KEY[=VALUE]:EFFECT[-]`.

Ports of `pkg/cmd/drain` (with `pkg/drain`'s filters and messages) and `pkg/cmd/taint`. Drain
cordons, then evicts the node's pods: DaemonSet pods need ``--ignore-daemonsets``, pods with an
``emptyDir`` ``--delete-emptydir-data``, pods no controller will recreate ``--force``; mirror
pods are skipped. Evictions wait (on simulated time) for the pods to be gone, printing
``evicting pod ns/name`` and ``pod/name evicted`` as kubectl does.
"""

from __future__ import annotations

from typing import Any, Optional

from kubenb.api import labels as labelsel
from kubenb.api.base import evolve
from kubenb.kubectl.args import Flag
from kubenb.kubectl.commands import common
from kubenb.kubectl.context import Context, KubectlError
from kubenb.store import errors
from kubenb.store.errors import StatusError

CORDON_FLAGS = (
    Flag("selector", "l", default=""),
    Flag("dry-run", default="none", no_value="unchanged"),
)
DRAIN_FLAGS = (
    *CORDON_FLAGS,
    Flag("force", kind=bool, default=False),
    Flag("ignore-daemonsets", kind=bool, default=False),
    Flag("delete-emptydir-data", kind=bool, default=False),
    Flag("delete-local-data", kind=bool, default=False),
    Flag("grace-period", kind=int, default=-1),
    Flag("timeout", default="0s"),
    Flag("pod-selector", default=""),
    Flag("disable-eviction", kind=bool, default=False),
    Flag("skip-wait-for-delete-timeout", kind=int, default=0),
    Flag("chunk-size", default="500"),
    Flag("ignore-errors", kind=bool, default=False),
)
TAINT_FLAGS = (
    Flag("selector", "l", default=""),
    Flag("all", kind=bool, default=False),
    Flag("overwrite", kind=bool, default=False),
    Flag("dry-run", default="none", no_value="unchanged"),
    Flag("output", "o", default=""),
    Flag("validate", default="strict", no_value="strict"),
)

# How long drain waits for evicted pods at most (kubectl: `--timeout`, 0 meaning forever).
MAX_DRAIN_SECONDS = 3600.0
MIRROR_ANNOTATION = "kubernetes.io/config.mirror"
DAEMONSET_FATAL = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)"
DAEMONSET_WARNING = "ignoring DaemonSet-managed Pods"
LOCAL_STORAGE_FATAL = "Pods with local storage (use --delete-emptydir-data to override)"
LOCAL_STORAGE_WARNING = "deleting Pods with local storage"
UNMANAGED_FATAL = "Pods declare no controller (use --force to override)"
UNMANAGED_WARNING = "deleting Pods that declare no controller"


def _nodes(ctx: Context, p: Any, verb: str) -> list[Any]:
    info = ctx.store.info("Node")
    if p["selector"]:
        if p.args:
            raise KubectlError("error: cannot specify both a node name and a --selector option")
        try:
            sel = labelsel.parse_selector(p["selector"])
        except ValueError as e:
            raise KubectlError(f"error: {e}") from None
        return ctx.store.list("Node", "", sel)
    if not p.args:
        raise KubectlError(f"error: USAGE: {verb} NODE [flags]\nSee 'kubectl {verb} -h' for help and examples")
    out = []
    for arg in p.args:
        name = arg.split("/", 1)[1] if arg.startswith(("node/", "nodes/", "no/")) else arg
        node = ctx.store.try_get("Node", "", name)
        if node is None:
            raise errors.not_found(info, name)
        out.append(node)
    return out


def _set_unschedulable(ctx: Context, node: Any, value: bool, dry: str) -> str:
    """``RunCordonOrUncordon`` for one node: the word kubectl prints after ``node/NAME``."""
    already = bool(node.spec.unschedulable) == value
    word = "cordoned" if value else "uncordoned"
    if already:
        return f"already {word}"
    if dry != "client":
        spec = node.spec.model_copy(update={"unschedulable": True if value else None})
        ctx.store.update(evolve(node, deep=(), spec=spec), dry_run=dry == "server")
    return word + common.suffix(dry)


@common.kubectl_errors
def run_cordon(ctx: Context, p: Any) -> int:
    return _cordon(ctx, p, True, "cordon")


@common.kubectl_errors
def run_uncordon(ctx: Context, p: Any) -> int:
    return _cordon(ctx, p, False, "uncordon")


def _cordon(ctx: Context, p: Any, value: bool, verb: str) -> int:
    dry = common.dry_run(p)
    for node in _nodes(ctx, p, verb):
        ctx.print(f"node/{node.metadata.name} {_set_unschedulable(ctx, node, value, dry)}")
    return 0


# ---------------------------------------------------------------------------- drain


def _controller(pod: Any) -> Optional[Any]:
    for ref in pod.metadata.owner_references or ():
        if ref.controller:
            return ref
    return None


def _filter(ctx: Context, pod: Any, p: Any) -> tuple[bool, str, str]:
    """``makeFilters``: (delete it, "warning"/"error"/"", message). The last warning wins."""
    finished = pod.status.phase in ("Succeeded", "Failed")
    status: tuple[bool, str, str] = (True, "", "")
    ref = _controller(pod)
    if ref is not None and ref.kind == "DaemonSet" and not finished:
        ds = ctx.store.try_get("DaemonSet", pod.metadata.namespace or "", ref.name)
        if ds is None:
            message = f'daemonsets.apps "{ref.name}" not found'
            if p["force"]:
                status = (True, "warning", message)
            else:
                return False, "error", message
        elif not p["ignore-daemonsets"]:
            return False, "error", DAEMONSET_FATAL
        else:
            return False, "warning", DAEMONSET_WARNING
    if MIRROR_ANNOTATION in (pod.metadata.annotations or {}):
        return False, "skip", ""
    if any(v.empty_dir is not None for v in pod.spec.volumes or ()) and not finished:
        if not (p["delete-emptydir-data"] or p["delete-local-data"]):
            return False, "error", LOCAL_STORAGE_FATAL
        status = (True, "warning", LOCAL_STORAGE_WARNING)
    if not finished and ref is None:
        if not p["force"]:
            return False, "error", UNMANAGED_FATAL
        status = (True, "warning", UNMANAGED_WARNING)
    return status


def _grouped(items: list[tuple[str, Any]]) -> list[tuple[str, list[str]]]:
    groups: dict[str, list[str]] = {}
    for message, pod in items:
        groups.setdefault(message, []).append(f"{pod.metadata.namespace}/{pod.metadata.name}")
    return sorted(groups.items())


@common.kubectl_errors
def run_drain(ctx: Context, p: Any) -> int:
    dry = common.dry_run(p)
    if p.was_set("delete-local-data"):
        ctx.warn("Flag --delete-local-data has been deprecated, This option is deprecated and will be deleted. "
                 "Use --delete-emptydir-data.")
    timeout = common.duration_flag(p, "timeout", "drain") or MAX_DRAIN_SECONDS
    nodes = _nodes(ctx, p, "drain")
    for node in nodes:
        ctx.print(f"node/{node.metadata.name} {_set_unschedulable(ctx, node, True, dry)}")
    fatal: list[str] = []
    pending_nodes: list[str] = []
    for node in nodes:
        error = _drain_one(ctx, p, node, dry, timeout)
        if error is None:
            ctx.print(f"node/{node.metadata.name} drained" + common.suffix(dry))
            continue
        if p["ignore-errors"] and len(nodes) > 1:
            ctx.warn(f'error: unable to drain node "{node.metadata.name}" due to error: {error}, continuing command...')
            continue
        ctx.warn(f'error: unable to drain node "{node.metadata.name}" due to error:{error}, continuing command...')
        pending_nodes.append(node.metadata.name)
        fatal.append(error)
    if pending_nodes:
        ctx.warn("There are pending nodes to be drained:")
        for name in pending_nodes:
            ctx.warn(f" {name}")
    if fatal:
        raise KubectlError("\n".join(fatal))
    return 0


def _drain_one(ctx: Context, p: Any, node: Any, dry: str, timeout: float) -> Optional[str]:
    pod_sel = None
    if p["pod-selector"]:
        try:
            pod_sel = labelsel.parse_selector(p["pod-selector"])
        except ValueError as e:
            raise KubectlError(f"error: {e}") from None
    pods = [pod for pod in ctx.store.pods_on_node(node.metadata.name or "")
            if pod_sel is None or pod_sel.matches(pod.metadata.labels or {})]
    to_delete, warnings, failures = [], [], []
    for pod in pods:
        delete, kind, message = _filter(ctx, pod, p)
        if kind == "error":
            failures.append((message, pod))
        elif kind == "warning":
            warnings.append((message, pod))
        if delete and kind != "error":
            to_delete.append(pod)
    if failures:
        texts = [f"cannot delete {m}: {', '.join(names)}" for m, names in _grouped(failures)]
        return texts[0] if len(texts) == 1 else "[" + ", ".join(texts) + "]"  # utilerrors.NewAggregate
    if warnings:
        text = "; ".join(f"{m}: {', '.join(names)}" for m, names in _grouped(warnings))
        ctx.warn(f"{'Warning' if ctx.minor >= 24 else 'WARNING'}: {text}")
    evict = not p["disable-eviction"]
    verb = "evicting" if evict else "deleting"
    done_word = "evicted" if evict else "deleted"
    if dry == "client":  # kubectl prints what it would evict, and asks the server nothing
        for pod in to_delete:
            ctx.print(f"pod/{pod.metadata.name} {done_word} (dry run)")
        return None
    for pod in to_delete:
        suffix = " (server dry run)" if dry == "server" else ""
        ctx.print(f"{verb} pod {pod.metadata.namespace}/{pod.metadata.name}{suffix}")
    if dry != "none":
        return None
    grace = p["grace-period"]
    for pod in to_delete:
        try:
            ctx.store.delete("Pod", pod.metadata.namespace or "", pod.metadata.name or "",
                             grace_period_seconds=None if grace < 0 else grace)
        except StatusError as err:
            if err.reason != "NotFound":
                return f"error when evicting pods/\"{pod.metadata.name}\" -n \"{pod.metadata.namespace}\": {err.message}"
    remaining = {(pod.metadata.namespace, pod.metadata.name, pod.metadata.uid): pod for pod in to_delete}
    deadline = ctx.cluster.clock.now + timeout

    def gone(key: tuple) -> bool:
        current = ctx.store.try_get("Pod", key[0] or "", key[1] or "")
        return current is None or current.metadata.uid != key[2]

    def report() -> bool:
        for key in [k for k in remaining if gone(k)]:
            ctx.print(f"pod/{key[1]} {done_word}")
            del remaining[key]
        return bool(remaining)

    loop = ctx.cluster.loop
    while report():
        nxt = loop.next_time()
        if nxt is None or nxt > deadline:
            loop.run_until(deadline)
            report()
            break
        loop.run_until(nxt)
    if remaining:
        names = ", ".join(f"{k[0]}/{k[1]}" for k in remaining)
        return f"drain did not complete within {common_duration(timeout)}: {names}"
    return None


def common_duration(seconds: float) -> str:
    from kubenb.sim.duration import format_go_duration

    return format_go_duration(seconds)


# ---------------------------------------------------------------------------- taint

EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")


def _parse_taint(spec: str) -> tuple[str, Optional[str], str, bool]:
    """``parseTaints``: ``key[=value]:effect`` to add, ``key[:effect]-`` to remove."""
    remove = spec.endswith("-")
    body = spec[:-1] if remove else spec
    key_value, sep, effect = body.partition(":")
    if remove:
        key, _, value = key_value.partition("=")
        if effect and effect not in EFFECTS:
            raise KubectlError(f"error: invalid taint effect: {effect}, unsupported taint effect")
        return key, None, effect, True
    if not sep:
        raise KubectlError(f"error: invalid taint spec: {spec}, {spec}")
    if effect not in EFFECTS:
        raise KubectlError(f"error: invalid taint effect: {effect}, unsupported taint effect")
    key, has_value, value = key_value.partition("=")
    if not key:
        raise KubectlError(f"error: invalid taint spec: {spec}, invalid key ")
    return key, value if has_value else None, effect, False


def _taint_text(key: str, value: Optional[str], effect: str) -> str:
    text = key + (f"={value}" if value else "")
    return text + (f":{effect}" if effect else "")


@common.kubectl_errors
def run_taint(ctx: Context, p: Any) -> int:
    from kubenb.api.core import Taint

    args = list(p.args)
    if not args:
        raise KubectlError("error: at least one taint update is required\nSee 'kubectl taint -h' for help and examples")
    if args[0].startswith(("node/", "nodes/", "no/")):
        names_part, specs = [args[0].split("/", 1)[1]], args[1:]
    elif args[0] in ("node", "nodes", "no"):
        if p["all"] or p["selector"]:
            names_part, specs = [], args[1:]
        else:
            names_part, specs = args[1:2], args[2:]
    else:
        raise KubectlError(f'error: invalid resource type {args[0]}, only node types are supported')
    if not specs:
        raise KubectlError("error: at least one taint update is required\nSee 'kubectl taint -h' for help and examples")
    add: list[tuple[str, Optional[str], str]] = []
    remove: list[tuple[str, str]] = []
    for spec in specs:
        key, value, effect, is_remove = _parse_taint(spec)
        if is_remove:
            remove.append((key, effect))
        else:
            add.append((key, value, effect))
    if p["all"]:
        nodes = ctx.store.list("Node", "")
    elif p["selector"]:
        nodes = ctx.store.list("Node", "", labelsel.parse_selector(p["selector"]))
    else:
        if not names_part:
            raise KubectlError("error: at least one taint update is required")
        node = ctx.store.try_get("Node", "", names_part[0])
        if node is None:
            raise errors.not_found(ctx.store.info("Node"), names_part[0])
        nodes = [node]
    dry = common.dry_run(p)
    for node in nodes:
        old = list(node.spec.taints or ())
        if not p["overwrite"]:
            exists = [k for k, _, e in add if any(t.key == k and t.effect == e for t in old)]
            if exists:
                raise KubectlError(f"error: node {node.metadata.name} already has {' '.join(exists)} taint(s) with "
                                   "same effect(s) and --overwrite is false")
        new = [Taint(key=k, value=v, effect=e) for k, v, e in add]
        for t in old:
            if not any(n.key == t.key and n.effect == t.effect for n in new):
                new.append(t)
        added = len(old) != len(new)
        failures = []
        deleted = False
        for key, effect in remove:
            before = len(new)
            new = [t for t in new if not (t.key == key and (not effect or t.effect == effect))]
            deleted = len(new) != before
            if not deleted:
                failures.append(f'taint "{_taint_text(key, None, effect)}" not found')
        if failures:
            raise KubectlError("error: " + failures[0] if len(failures) == 1 else "\n".join(failures))
        operation = "modified" if (added and deleted) or p["overwrite"] else ("tainted" if added else "untainted")
        if dry != "client":
            spec = node.spec.model_copy(update={"taints": new or None})
            ctx.store.update(evolve(node, deep=(), spec=spec), dry_run=dry == "server")
        ctx.print(f"node/{node.metadata.name} {operation}{common.suffix(dry)}")
    return 0
