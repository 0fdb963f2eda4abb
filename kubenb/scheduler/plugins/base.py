"""What a Filter plugin sees (the node and its accounted usage) and what it answers.

A Filter or Score plugin may also offer a `vector` form (:func:`vectorised`) answering for every
node at once from the cache's columns (:class:`kubenb.scheduler.columns.NodeColumns`):

- a Filter's `vector(pod, columns, slots)` returns a boolean array over `slots` (an index array),
  True where the scalar Filter would reject the node -- exactly there, so that the framework asks
  the scalar Filter only for a rejected node's reasons -- or None when it has no vector form for
  this pod (a matter of the pod alone: the walk asks about several windows of slots in turn);
- a Scorer's `vector(pod, columns, slots)` returns the normalised scores of those slots as an
  int64 array (or one int when every slot scores the same), None for PreScore's Skip, or
  :data:`SCALAR` to have the scalar form called.

A plugin whose answer for a node depends only on the node's row of the columns and on a few
parts of the pod may also name those parts: its `shape(pod)` returns a key (values, or
identities of stored parts) and the parts to hold while the key is kept, so that the answer is
kept per shape over every slot and refreshed only where a row changed (:mod:`kubenb.scheduler.shapes`).
"""


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
    #: the node's row in the cache's columns (:mod:`kubenb.scheduler.columns`); -1 outside a cache
    slot: int = -1


Filter = Callable[[Any, NodeInfo, int], Optional[Rejection]]

#: what a Scorer's vector form returns when it has none for this pod: call the scalar form
SCALAR = object()


def vectorised(plugin: Any, vector: Callable[..., Any], shape: Optional[Callable[[Any], Any]] = None) -> Any:
    """`plugin` (a Filter or Scorer function) with its vector form attached, and its shape (see above)."""
    plugin.vector = vector
    if shape is not None:
        plugin.shape = shape
    return plugin
