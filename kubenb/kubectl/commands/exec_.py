"""`kubectl exec (POD | TYPE/NAME) [-c CONTAINER] [-i] [-t] -- COMMAND [ARG...]`.

Port of `pkg/cmd/exec`: the pod (or the most active pod of a Deployment, ReplicaSet, StatefulSet,
Job or Service), the container (the annotated default or the first, with kubectl's ``Defaulted
container "x" out of: x, y`` note), then the API server and the node's kubelet run the command in
the container. Simulated time passes while it runs; its output comes back on stdout and stderr
(merged with ``-t``), a non-zero exit status as ``command terminated with exit code N`` and the
same exit code. ``-i`` feeds the command's standard input from the cell (``input``); with ``-t``
as well the notebook cell is the terminal, prompts and echo included.
"""

from __future__ import annotations

from typing import Any

from kubenb.api import podutil
from kubenb.kubectl.args import Flag
from kubenb.kubectl.commands import common
from kubenb.kubectl.context import Context, KubectlError
from kubenb.store import errors

FLAGS = (
    Flag("container", "c", default=""),
    Flag("stdin", "i", kind=bool, default=False),
    Flag("tty", "t", kind=bool, default=False),
    Flag("quiet", "q", kind=bool, default=False),
    Flag("pod-running-timeout", default="1m0s"),
    Flag("filename", "f", kind=list),
)

# A command still running after this much simulated time gets Ctrl-C (a learner would press it).
EXEC_LIMIT_SECONDS = 300.0
USAGE = ("error: expected 'exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...]'.\n"
         "POD or TYPE/NAME is a required argument for the exec command\n"
         "See 'kubectl exec -h' for help and examples")


@common.kubectl_errors
def run(ctx: Context, p: Any) -> int:
    from kubenb.kubelet import ExecError
    from kubenb.runtime import ExecFailure

    argv = list(p.after_dash)
    if not p.args:
        raise KubectlError(USAGE)
    if len(p.args) > 1:
        raise KubectlError("error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] "
                           "instead\nSee 'kubectl exec -h' for help and examples")
    if not argv:
        raise KubectlError("error: you must specify at least one command for the container")
    pod = pod_for(ctx, p.args[0])
    if pod.status.phase in ("Succeeded", "Failed"):
        raise KubectlError(f"error: cannot exec into a container in a completed pod; current phase is "
                           f"{pod.status.phase}")
    container = p["container"] or default_container(ctx, pod, p["quiet"])
    _check_server_side(pod, container)
    stdin = ctx.stdin if p["stdin"] else None
    tty = bool(p["tty"] and p["stdin"])
    kubelet = ctx.cluster.kubelet
    try:
        proc = kubelet.exec(pod, container, argv, stdin, tty)
    except ExecError as e:
        raise KubectlError(f"error: unable to upgrade connection: {e}") from None
    except ExecFailure as e:
        exec_id = ctx.cluster.rng.hex(32, "exec-ids")
        text, code = e.kubectl(kubelet.flavor, exec_id)
        ctx.err.write(text)
        return code
    loop = ctx.cluster.loop
    loop.run_while(lambda: not proc.done, ctx.cluster.clock.now + EXEC_LIMIT_SECONDS)
    if not proc.done:
        proc.signal_received(2)  # Ctrl-C
        loop.run_while(lambda: not proc.done, ctx.cluster.clock.now + 1)
        if not proc.done:
            proc.kill_now(9)
    if tty:
        ctx.out.write(proc.output.text if proc.output is not None else "")
    else:
        ctx.out.write(proc.stdout_buffer.text if proc.stdout_buffer is not None else "")
        ctx.err.write(proc.stderr_buffer.text if proc.stderr_buffer is not None else "")
    code = proc.exit_code or 0
    if code:
        ctx.err.write(f"command terminated with exit code {code}\n")
    return code


def _check_server_side(pod: Any, container: str) -> None:
    """What the API server checks before it proxies to the kubelet (``streamLocation``)."""
    names = [c.name for c in pod.spec.containers] + [c.name for c in pod.spec.init_containers or ()] + \
        [c.name for c in pod.spec.ephemeral_containers or ()]
    if container not in names:
        raise errors.bad_request(f"container {container} is not valid for pod {pod.metadata.name}")
    if not pod.spec.node_name:
        raise errors.bad_request(f"pod {pod.metadata.name} does not have a host assigned")


# ---------------------------------------------------------------------------- shared with logs


DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container"
GO_TYPES = {"ConfigMap": "*v1.ConfigMap", "Secret": "*v1.Secret", "Node": "*v1.Node", "Namespace": "*v1.Namespace",
            "Endpoints": "*v1.Endpoints", "PersistentVolumeClaim": "*v1.PersistentVolumeClaim",
            "PersistentVolume": "*v1.PersistentVolume", "ServiceAccount": "*v1.ServiceAccount",
            "Ingress": "*v1.Ingress", "CronJob": "*v1.CronJob", "Event": "*v1.Event"}


def all_container_names(pod: Any) -> str:
    """``podcmd.AllContainerNames``: containers, then ``(ephem)`` and ``(init)`` ones."""
    names = [c.name for c in pod.spec.containers]
    names += [f"{c.name} (ephem)" for c in pod.spec.ephemeral_containers or ()]
    names += [f"{c.name} (init)" for c in pod.spec.init_containers or ()]
    return ", ".join(names)


def go_quote(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


def default_container(ctx: Context, pod: Any, quiet: bool = False) -> str:
    """``FindOrDefaultContainerByName`` without a name: the annotated default, else the first."""
    annotated = (pod.metadata.annotations or {}).get(DEFAULT_CONTAINER_ANNOTATION)
    names = {c.name for c in pod.spec.containers} | {c.name for c in pod.spec.init_containers or ()}
    if annotated and annotated in names:
        return annotated
    first = pod.spec.containers[0].name
    if not quiet and (len(pod.spec.containers) > 1 or pod.spec.init_containers or pod.spec.ephemeral_containers):
        ctx.warn(f"Defaulted container {go_quote(first)} out of: {all_container_names(pod)}")
    return first


def pods_of(ctx: Context, obj: Any, verb: str) -> list[Any]:
    """``SelectorsForObject``: the pods a workload or Service selects."""
    from kubenb.api import labels as labelsel

    kind = obj.KIND
    if kind == "Service":
        if not obj.spec.selector:
            raise KubectlError(f"error: invalid service '{obj.metadata.name}': Service is defined without a selector")
        selector = labelsel.selector_from_set(obj.spec.selector)
    elif kind in ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job"):
        sel = obj.spec.selector
        selector = labelsel.selector_from_set((sel.match_labels if sel is not None else None) or {})
        for req in (sel.match_expressions if sel is not None else None) or ():
            selector = labelsel.parse_selector(
                ",".join(filter(None, [str(selector) if not selector.empty() else "", _expression(req)])))
    elif kind == "ReplicationController":
        selector = labelsel.selector_from_set(obj.spec.selector or {})
    else:
        go = GO_TYPES.get(kind, f"*v1.{kind}")
        what = "cannot get the logs from" if verb == "logs" else "cannot attach to"
        raise KubectlError(f"error: {what} {go}: selector for {go} not implemented")
    return ctx.store.list("Pod", obj.metadata.namespace, selector)


def _expression(req: Any) -> str:
    values = ",".join(req.values or ())
    op = req.operator
    if op == "In":
        return f"{req.key} in ({values})"
    if op == "NotIn":
        return f"{req.key} notin ({values})"
    if op == "Exists":
        return req.key
    return f"!{req.key}"


def active_rank(pod: Any) -> tuple:
    """``sort.Reverse(podutils.ActivePods)``: scheduled, running, ready longest, fewest restarts, oldest."""
    phase = {"Pending": 0, "Unknown": 1, "Running": 2}.get(pod.status.phase or "", 0)
    ready = podutil.is_ready(pod)
    restarts = sum(c.restart_count or 0 for c in pod.status.container_statuses or ())
    return (0 if pod.spec.node_name else 1, -phase, 0 if ready else 1, podutil.ready_since(pod) or 0, restarts,
            pod.metadata.creation_timestamp or "", pod.metadata.name or "")


def pod_for(ctx: Context, arg: str, verb: str = "exec") -> Any:
    """The pod `arg` names: ``NAME`` or ``TYPE/NAME`` (then the most active pod it selects)."""
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
    pods = pods_of(ctx, obj, verb)
    if not pods:
        raise KubectlError("error: timed out waiting for the condition")
    return sorted(pods, key=active_rank)[0]
