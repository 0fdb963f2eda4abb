"""`findNodesThatPassFilters`' walk: the nodes from `nextStartNodeIndex` on, in the store's order,
through the cycle's Filters, until `numFeasibleNodesToFind` are feasible.

Two ways to the same verdicts. :func:`scalar_walk` asks each Filter about each node in turn.
:func:`vector_walk` first asks every Filter that has a vector form (:func:`plugins.base.vectorised`)
which nodes it rejects -- a few array expressions over all the nodes -- and then visits in Python
only what it must: nodes a vector form rejected, for the reasons of the first Filter (in upstream's
order) that rejects them, and, when some Filter has no vector form for this pod, the nodes the
vectors let through, for those Filters alone. So a pod whose Filters are all vectorised costs a few
array operations plus its rejected nodes, however many nodes are examined; the nodes examined,
their rejections and the feasible ones are those the scalar walk gives.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from typing import Any

import numpy as np

from kubenb.scheduler.plugins.base import Filter, NodeInfo


def scalar_walk(pod: Any, candidates: Sequence[NodeInfo], filters: list[Filter], plain_filters: list[Filter],
                first: int, wanted: int, minor: int, rejections: dict[str, tuple[str, ...]]) -> tuple[np.ndarray, int]:
    """Each candidate from `first` on (wrapping round) through the Filters -- `plain_filters` for a
    node neither cordoned nor tainted; returns the feasible slots and the unresolvable count."""
    unresolvable = 0
    feasible: list[int] = []
    for info in chain(candidates[first:], candidates[:first]):  # candidates[(start + i) % count]
        for f in plain_filters if info.plain else filters:
            rejection = f(pod, info, minor)
            if rejection is not None:
                rejections[info.node.metadata.name] = rejection.reasons
                unresolvable += rejection.unresolvable
                break
        else:
            feasible.append(info.slot)
            if len(feasible) >= wanted:
                break
    return np.array(feasible, np.intp), unresolvable


def vector_walk(pod: Any, cache: Any, filters: list[Filter], first: int, wanted: int, minor: int,
                rejections: dict[str, tuple[str, ...]]) -> tuple[np.ndarray, int]:
    """The same walk over all the cache's nodes, with the Filters' vector forms."""
    columns, by_slot = cache.columns, cache.by_slot
    order = cache.order()
    rotated = np.concatenate((order[first:], order[:first]))
    masks, scalar = [], []
    for f in filters:
        vector = getattr(f, "vector", None)
        mask = vector(pod, columns) if vector is not None else None
        if mask is None:
            scalar.append(f)
        else:
            masks.append(mask)
    rejected = _any(masks).take(rotated) if masks else np.zeros(len(rotated), bool)
    unresolvable = 0

    def reject(info: NodeInfo, chain_: list[Filter]) -> bool:
        nonlocal unresolvable
        for f in chain_:
            rejection = f(pod, info, minor)
            if rejection is not None:
                rejections[info.node.metadata.name] = rejection.reasons
                unresolvable += rejection.unresolvable
                return True
        return False

    if not scalar:
        passing = (~rejected).nonzero()[0]
        end = int(passing[wanted - 1]) + 1 if len(passing) >= wanted else len(rotated)
        for pos in rejected[:end].nonzero()[0].tolist():
            reject(by_slot[rotated[pos]], filters)
        return rotated[passing[:wanted]], unresolvable
    feasible: list[int] = []
    for slot, vetoed in zip(rotated.tolist(), rejected.tolist(), strict=True):
        if not reject(by_slot[slot], filters if vetoed else scalar):
            feasible.append(slot)
            if len(feasible) >= wanted:
                break
    return np.array(feasible, np.intp), unresolvable


def _any(masks: list[np.ndarray]) -> np.ndarray:
    """The masks OR'ed (a new array: a mask may be a view of a column)."""
    if len(masks) == 1:
        return masks[0]
    out = masks[0] | masks[1]
    for mask in masks[2:]:
        out |= mask
    return out
