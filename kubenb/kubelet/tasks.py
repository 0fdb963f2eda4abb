"""What a pod worker's sync waits for: the kubelet's blocking calls, on simulated time.

A sync is a generator; it yields one of these and is resumed when it is over, the way the real
``SyncPod`` blocks in ``RunPodSandbox``, ``PullImage`` or ``StopContainer``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional


@dataclass(frozen=True)
class Delay:
    """A call that takes this long (a sandbox, an image pull)."""

    seconds: float


@dataclass(frozen=True)
class Exited:
    """Until every container in `containers` has exited (their stop timers bound the wait)."""

    containers: tuple[Any, ...]


@dataclass(frozen=True)
class Finished:
    """Until an exec'd process ends, or `timeout` seconds pass (resumes with True if it ended)."""

    process: Any
    timeout: Optional[float] = None
