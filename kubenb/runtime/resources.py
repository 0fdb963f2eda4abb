"""The cgroup model: what a container may use, and what it uses.

Kubernetes turns ``resources.limits`` into a CFS quota (CPU) and ``memory.max`` (memory); the
kernel enforces them. Here:

* **memory**: each process reports its resident size; when the container's sum passes the limit
  the cgroup's OOM killer kills the biggest process (SIGKILL, exit 137). When that is the main
  process, the runtime reports the container ``OOMKilled``.
* **CPU**: CPU-bound work (:class:`~kubenb.runtime.program.Work`) runs at
  ``min(cores wanted, quota shared among the busy processes, node CPUs)``, so a 100m limit makes
  one CPU-second of work take ten seconds. Sleeping is not slowed.
* **usage** is what ``kubectl top`` shows (metrics-server reads it from the kubelet).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kubenb.runtime.process import Process


@dataclass(frozen=True)
class Limits:
    """A container's cgroup limits; None means unlimited (the node's capacity)."""

    cpu_millicores: int | None = None
    memory_bytes: int | None = None


@dataclass(frozen=True)
class Usage:
    cpu_millicores: int
    memory_bytes: int


def cpu_rate(cores: float, limits: Limits, node_cpus: float, busy: int) -> float:
    """Cores a process doing CPU work gets while `busy` processes (itself included) share the quota."""
    available = float(node_cpus)
    if limits.cpu_millicores is not None:
        available = min(available, max(limits.cpu_millicores, 1) / 1000.0)
    return max(1e-3, min(cores, available / max(busy, 1)))


def oom_victim(processes: Iterable[Process], limits: Limits) -> Process | None:
    """The process the cgroup OOM killer picks, or None while the sum fits the limit."""
    live = [p for p in processes if not p.done]
    if limits.memory_bytes is None or sum(p.memory for p in live) <= limits.memory_bytes:
        return None
    # oom_score is proportional to memory; ties go to the newest process.
    return max(live, key=lambda p: (p.memory, p.pid), default=None)


def usage(processes: Iterable[Process], idle_millicores: int = 0) -> Usage:
    live = [p for p in processes if not p.done]
    cpu = idle_millicores + round(sum(p.cpu_rate for p in live) * 1000)
    return Usage(cpu, sum(p.memory for p in live))
