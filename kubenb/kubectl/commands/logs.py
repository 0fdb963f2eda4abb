"""`kubectl logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]`, `-l SELECTOR`, `--all-containers`.

Port of `pkg/cmd/logs` and `polymorphichelpers.LogsForObject`: a workload or Service names the
pod best for logging (``Found 2 pods, using pod/x``), a pod the container (``Defaulted container
...`` when it has several). The API server checks the container name; the node's kubelet serves
the log of the container instance the status names (the last terminated one for ``--previous``,
or while the current one waits in a back-off), or says why it cannot (``container "x" in pod
"y" is waiting to start: ContainerCreating``). ``--tail`` (10 by default with a selector),
``--timestamps``, ``--since``, ``--limit-bytes`` and ``--prefix`` shape the text. ``-f`` follows
the log for a while of simulated time (``FOLLOW_SECONDS``, or until the container ends).
"""

from __future__ import annotations

from typing import Any, Optional

from kubenb.api import podutil
from kubenb.kubectl.args import Flag
from kubenb.kubectl.commands import common
from kubenb.kubectl.commands.exec_ import default_container, pods_of
from kubenb.kubectl.context import Context, KubectlError
from kubenb.store import errors
from kubenb.store.errors import StatusError

FLAGS = (
    Flag("container", "c", default=""),
    Flag("previous", "p", kind=bool, default=False),
    Flag("follow", "f", kind=bool, default=False),
    Flag("tail", kind=int, default=-1),
    Flag("timestamps", kind=bool, default=False),
    Flag("since", default=""),
    Flag("since-time", default=""),
    Flag("limit-bytes", kind=int, default=0),
    Flag("all-containers", kind=bool, default=False),
    Flag("selector", "l", default=""),
    Flag("prefix", kind=bool, default=False),
    Flag("max-log-requests", kind=int, default=5),
    Flag("pod-running-timeout", default="20s"),
    Flag("ignore-errors", kind=bool, default=False),
    Flag("insecure-skip-tls-verify-backend", kind=bool, default=False),
)

# How long `logs -f` follows, in simulated seconds (the real one follows until Ctrl-C).
FOLLOW_SECONDS = 60.0
USAGE = ("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n"
         "POD or TYPE/NAME is a required argument for the logs command\n"
         "See 'kubectl logs -h' for help and examples")


def by_logging(pod: Any) -> tuple:
    """``podutils.ByLogging``: scheduled, Running (then Unknown, then Pending), ready longest, most
    restarts, oldest."""
    phase = {"Running": 0, "Unknown": 1, "Pending": 2}.get(pod.status.phase or "", 0)
    ready = podutil.is_ready(pod)
    since = podutil.ready_since(pod) if ready else None
    restarts = max((c.restart_count or 0 for c in pod.status.container_statuses or ()), default=0)
    return (0 if pod.spec.node_name else 1, phase, 0 if ready else 1, since if since is not None else float("inf"),
            -restarts, pod.metadata.creation_timestamp or "~", pod.metadata.name or "")


@common.kubectl_errors
def run(ctx: Context, p: Any) -> int:
    selector = p["selector"]
    if not p.args and not selector:
        raise KubectlError(USAGE)
    if selector and len(p.args) == 1:
        raise KubectlError("error: only a selector (-l) or a POD name is allowed\n"
                           "See 'kubectl logs -h' for help and examples")
    since = common.duration_flag(p, "since", "logs") if p["since"] else None
    tail = p["tail"]
    container = p["container"]
    if len(p.args) == 2 and not container:
        container = p.args[1]
    elif len(p.args) > 2:
        raise KubectlError(USAGE)
    if selector:
        if tail == -1:
            tail = 10
        from kubenb.api import labels as labelsel

        try:
            sel = labelsel.parse_selector(selector)
        except ValueError as e:
            raise KubectlError(f"error: {e}") from None
        pods = ctx.store.list("Pod", ctx.namespace, sel)
        if not pods:
            ctx.warn(f"No resources found in {ctx.namespace} namespace.")
            return 0
    else:
        pods = [_pod(ctx, p.args[0])]
    marks = _follow(ctx, pods, container) if p["follow"] else {}
    sources: list[tuple[Any, str]] = []
    for pod in pods:
        if p["all-containers"]:
            names = [c.name for c in pod.spec.init_containers or ()] + [c.name for c in pod.spec.containers]
            sources += [(pod, n) for n in names]
        else:
            sources.append((pod, container or default_container(ctx, pod)))
    out: list[str] = []
    for pod, name in sources:
        text = _log_text(ctx, pod, name, p["previous"], tail, p["timestamps"], since, marks)
        if text is None:
            continue
        if p["prefix"]:
            prefix = f"[pod/{pod.metadata.name}/{name}] "
            text = "".join(prefix + line + "\n" for line in text.splitlines())
        out.append(text)
    text = "".join(out)
    if p["limit-bytes"] > 0:
        text = text.encode()[: p["limit-bytes"]].decode("utf-8", "replace")
    ctx.out.write(text)
    return 0


def _pod(ctx: Context, arg: str) -> Any:
    if "/" not in arg:
        pod = ctx.store.try_get("Pod", ctx.namespace, arg)
        if pod is None:
            raise errors.not_found(ctx.store.info("Pod"), arg)
        return pod
    from kubenb.kubectl.resolve import resolve_type

    type_text, _, name = arg.partition("/")
    info = resolve_type(ctx.cluster.registry, type_text)
    obj = ctx.store.try_get(info.kind, ctx.namespace if info.namespaced else "", name)
    if obj is None:
        raise errors.not_found(info, name)
    if info.kind == "Pod":
        return obj
    pods = pods_of(ctx, obj, "logs")
    if not pods:
        raise KubectlError("error: timed out waiting for the condition")
    chosen = sorted(pods, key=by_logging)[0]
    if len(pods) > 1:
        ctx.warn(f"Found {len(pods)} pods, using pod/{chosen.metadata.name}")
    return chosen


def _log_text(ctx: Context, pod: Any, container: str, previous: bool, tail: int, timestamps: bool,
              since: Optional[float], marks: dict) -> Optional[str]:
    from kubenb.kubelet import LogError

    pod = ctx.store.try_get("Pod", pod.metadata.namespace, pod.metadata.name) or pod
    names = [c.name for c in pod.spec.containers] + [c.name for c in pod.spec.init_containers or ()] + \
        [c.name for c in pod.spec.ephemeral_containers or ()]
    if container not in names:
        raise errors.bad_request(f"container {container} is not valid for pod {pod.metadata.name}")
    if not pod.spec.node_name:
        return ""  # not scheduled: the API server has no kubelet to ask, and answers nothing
    try:
        source = ctx.cluster.kubelet.log_source(pod, container, previous)
    except LogError as e:
        raise StatusError("BadRequest", 400, str(e)) from None
    if source is None:
        return ""
    now = ctx.cluster.clock.now
    if id(source) in marks:  # followed: the tail as it was when following began, then every new line
        from kubenb.runtime.logs import format_timestamp

        lines = list(source.log.lines)
        start, at = marks[id(source)]
        old = [ln for ln in lines[:start] if since is None or ln.time >= at - since]
        if tail >= 0:
            old = old[len(old) - tail:] if tail else []
        shown = old + lines[start:]
        if timestamps:
            return "".join(f"{format_timestamp(ln.time)} {ln.text}\n" for ln in shown)
        return "".join(f"{ln.text}\n" for ln in shown)
    return source.log.render(tail=tail if tail >= 0 else None, timestamps=timestamps,
                             since=now - since if since is not None else None)


def _follow(ctx: Context, pods: list[Any], container: str) -> dict[int, tuple[int, float]]:
    """Let simulated time pass while the followed containers run (at most FOLLOW_SECONDS).

    Returns, per followed runtime container, how many log lines it had when following began."""
    kubelet = ctx.cluster.kubelet
    watched = []
    for pod in pods:
        w = kubelet.worker(pod)
        name = container or pod.spec.containers[0].name
        run = w.by_name(name) if w is not None else None
        if run is not None and run.current is not None and run.current.running:
            watched.append(run.current.container)
    now = ctx.cluster.clock.now
    marks = {id(c): (len(c.log.lines), now) for c in watched}
    if watched:
        loop = ctx.cluster.loop
        loop.run_while(lambda: any(c.state == "running" for c in watched), now + FOLLOW_SECONDS)
    return marks
