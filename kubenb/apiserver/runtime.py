"""Where the façade reaches the nodes: container logs, exec and port forwards, through the cluster's kubelet.

The API server proxies `pods/log`, `pods/exec` and `pods/portforward` to the kubelet of the pod's node; here that is
`cluster.kubelet`. A kubelet that runs container processes offers `log_source(pod, container,
previous)` and `exec(pod, container, argv, stdin, tty)`; one that only models pod status (no
processes, so nothing was ever logged) has neither, and the façade says so in the API server's
words instead of failing. This module is the only place that knows which kubelet it talks to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import kubenb.kubelet as kubelet_package
from kubenb.runtime import ExecFailure
from kubenb.runtime.sandbox import ConnectError, Endpoint
from kubenb.store.errors import StatusError, bad_request


class _Absent(Exception):
    """Stands for an error class this kubelet does not have (it can then never be raised)."""


# The kubelet's refusals, where it has them.
LogError = getattr(kubelet_package, "LogError", _Absent)
ExecError = getattr(kubelet_package, "ExecError", _Absent)

EXEC_LIMIT_SECONDS = 300.0  # simulated seconds an exec may run before it is interrupted, as Ctrl-C would


@dataclass
class ExecResult:
    stdout: str
    stderr: str
    exit_code: int


def _check_container(pod: Any, container: str, need_host: bool = True) -> None:
    """What the API server checks before it proxies to the kubelet (`streamLocation`; `LogLocation`
    answers an unscheduled pod's log with nothing instead)."""
    names = [c.name for c in pod.spec.containers] + [c.name for c in pod.spec.init_containers or ()] + \
        [c.name for c in pod.spec.ephemeral_containers or ()]
    if container not in names:
        raise bad_request(f"container {container} is not valid for pod {pod.metadata.name}")
    if need_host and not pod.spec.node_name:
        raise bad_request(f"pod {pod.metadata.name} does not have a host assigned")


def log_source(cluster: Any, pod: Any, container: str, previous: bool = False) -> Any:
    """The runtime container whose log `GET …/pods/NAME/log?container=C` serves (its `.log.lines`,
    its `.state`), or None where nothing was ever logged (not scheduled, or a kubelet without processes)."""
    _check_container(pod, container, need_host=False)
    source_of = getattr(cluster.kubelet, "log_source", None)
    if source_of is None or not pod.spec.node_name:
        return None  # no kubelet to ask (unscheduled), or one that runs no processes: nothing was written
    try:
        return source_of(pod, container, previous)
    except LogError as err:  # the container is waiting, gone, ...
        raise bad_request(str(err)) from None


def exec_in(cluster: Any, pod: Any, container: str, argv: list[str], stdin: Optional[str], tty: bool) -> ExecResult:
    """Run `argv` in a running container until it exits (simulated time passes meanwhile)."""
    _check_container(pod, container)
    if pod.status.phase in ("Succeeded", "Failed"):
        raise bad_request(f"cannot exec into a container in a completed pod; current phase is {pod.status.phase}")
    start = getattr(cluster.kubelet, "exec", None)
    if start is None:
        raise StatusError("InternalError", 500, "Internal error occurred: error executing command in container: "
                          "this cluster's kubelet runs no container processes")
    try:
        proc = start(pod, container, argv, stdin, tty)
    except ExecError as err:  # no such running container
        raise bad_request(f"unable to upgrade connection: {err}") from None
    except ExecFailure as err:  # the runtime cannot start `argv`
        return ExecResult("", f"{err}\n", 126)
    loop = cluster.loop
    loop.run_while(lambda: not proc.done, cluster.clock.now + EXEC_LIMIT_SECONDS)
    if not proc.done:
        proc.kill_now(9)
    if tty:
        return ExecResult(proc.output.text if proc.output is not None else "", "", proc.exit_code or 0)
    return ExecResult(proc.stdout_buffer.text if proc.stdout_buffer is not None else "",
                      proc.stderr_buffer.text if proc.stderr_buffer is not None else "", proc.exit_code or 0)


def dial(cluster: Any, pod: Any, port: int) -> Endpoint:
    """A connection to `port` on the pod's loopback, as the container runtime's port forwarder opens
    it inside the pod's network namespace. Raises ConnectError (`refused`; `unreachable` when the
    kubelet has no sandbox for the pod, or runs no processes)."""
    sandbox_of = getattr(cluster.kubelet, "sandbox_of", None)
    sandbox = sandbox_of(pod.metadata.namespace or "", pod.metadata.name or "") if sandbox_of is not None else None
    if sandbox is None:
        raise ConnectError("unreachable", "127.0.0.1")
    return sandbox.connect("127.0.0.1", port)
