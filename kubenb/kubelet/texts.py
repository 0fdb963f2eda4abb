"""The kubelet's words, as each Kubernetes minor version prints them."""

from __future__ import annotations

from functools import lru_cache

from kubenb.sim.duration import format_go_duration

# The texts every pod's events repeat (``Created container nginx``) are made once per container
# name and shared: each stored Event holds its message.
_shared = lru_cache(maxsize=4096)


def pod_ref(name: str, namespace: str, uid: str) -> str:
    """``format.Pod``: ``name_namespace(uid)``."""
    return f"{name}_{namespace}({uid})"


@_shared
def created(minor: int, container: str) -> str:
    return f"Created container: {container}" if minor >= 32 else f"Created container {container}"


@_shared
def started(container: str) -> str:
    return f"Started container {container}"


@_shared
def stopping(container: str) -> str:
    return f"Stopping container {container}"


def probe_kill(container: str, probe: str, restart: bool) -> str:
    text = f"Container {container} failed {probe} probe"
    return text + ", will be restarted" if restart else text


def backoff_event(minor: int, container: str, pod: str) -> str:
    """The ``BackOff`` event: 1.26 added the container and the pod (kubernetes#112352)."""
    if minor >= 26:
        return f"Back-off restarting failed container {container} in pod {pod}"
    return "Back-off restarting failed container"


def backoff_waiting(seconds: float, container: str, pod: str) -> str:
    """``containerStatuses[].state.waiting.message`` while in CrashLoopBackOff."""
    return f"back-off {format_go_duration(seconds)} restarting failed container={container} pod={pod}"


def pull_duration(minor: int, seconds: float) -> str:
    """How long a pull took: nanoseconds before 1.28, milliseconds since (the message changed then)."""
    if minor >= 28:
        return format_go_duration(round(seconds, 3))
    return format_go_duration(round(seconds, 9))


def pulled(minor: int, image: str, took: float, waited: float, size: int) -> str:
    """The ``Pulled`` text: the waiting time since 1.28, the image size since 1.30."""
    d = pull_duration(minor, took)
    if minor >= 28:
        w = pull_duration(minor, took + waited)
        text = f'Successfully pulled image "{image}" in {d} ({w} including waiting)'
        return text + f". Image size: {size} bytes." if minor >= 30 else text
    return f'Successfully pulled image "{image}" in {d}'


def already_present(image: str) -> str:
    return f'Container image "{image}" already present on machine'


def never_pull(image: str) -> str:
    return f'Container image "{image}" is not present with pull policy of Never'


def pull_backoff(image: str) -> str:
    return f'Back-off pulling image "{image}"'
