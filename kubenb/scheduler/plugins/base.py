"""What a Filter plugin sees (the node and its accounted usage) and what it answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Optional

from kubenb.scheduler.resources import Request


@dataclass(frozen=True)
class Rejection:
    """A node's failure: its reasons (each counted on its own in the FailedScheduling message --
    a reason may itself contain a comma, as v1.23's taint text does) and whether preemption could
    help (`unresolvable` is upstream's UnschedulableAndUnresolvable)."""

    reasons: tuple[str, ...]
    unresolvable: bool

    @classmethod
    def one(cls, reason: str, unresolvable: bool) -> Rejection:
        return cls((reason,), unresolvable)


@dataclass(slots=True)
class NodeInfo:
    """upstream's `framework.NodeInfo`: the node with its allocatable parsed once, and what the pods
    bound to it request -- as they are (`Requested`, for fitting) and with a container without
    requests counted as 100m and 200Mi (`NonZeroRequested`, for LeastAllocated) -- and the host
    ports they hold. The scheduler's cache keeps one per node up to date from watch events."""

    node: Any
    allocatable: Request
    requested: Request
    host_ports: set[tuple[str, str, int]]
    nonzero_requested: Request = field(default_factory=lambda: Request(0, 0, 0))
    #: neither cordoned nor tainted: NodeUnschedulable and TaintToleration cannot reject it
    plain: bool = False


Filter = Callable[[Any, NodeInfo, int], Optional[Rejection]]
