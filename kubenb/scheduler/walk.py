"""`findNodesThatPassFilters`' walk: the nodes from `nextStartNodeIndex` on, in the store's order,
through the cycle's Filters, until `numFeasibleNodesToFind` are feasible.

Two ways to the same verdicts. :func:`scalar_walk` asks each Filter about each node in turn.
:func:`vector_walk` first asks every Filter that has a vector form (:func:`plugins.base.vectorised`)
which nodes it rejects -- a few array expressions over all the nodes -- and then visits in Python
only what it must: nodes a vector form rejected, for the reasons of the first Filter (in upstream's
order) that rejects them, and, when some Filter has no vector form for this pod, the nodes the
vectors let through, for those Filters alone. So a pod whose Filters are all vectorised costs a few
array operations over the window of nodes the walk examines (never all the nodes: upstream stops
at `numFeasibleNodesToFind`, a tenth of 5,000 nodes) plus its rejected nodes; the nodes examined,
their rejections and the feasible ones are those the scalar walk gives.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from typing import Any, Optional

import numpy as np

from kubenb.scheduler.plugins.base import Filter, NodeInfo
from kubenb.scheduler.shapes import ShapeCache, filters_shape

#: how many nodes beyond the feasible ones still wanted a window of the walk takes (it doubles after)
WINDOW_SLACK = 16
_NO_SLOTS = np.zeros(0, np.intp)


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
                rejections: dict[str, tuple[str, ...]], shapes: Optional[ShapeCache] = None) -> tuple[np.ndarray, int]:
    """The same walk over all the cache's nodes, with the Filters' vector forms: when every Filter
    has one for this pod, they are asked only about windows of the walk, each a little longer than
    the feasible nodes still wanted, until enough are found -- so a cycle at 5,000 nodes looks at
    the ~500 nodes upstream examines, not at all of them. Given `shapes`, the Filters that have a
    shape answer together from the verdict kept for the pod's shape (:mod:`kubenb.scheduler.shapes`)."""
    columns, by_slot = cache.columns, cache.by_slot
    order = cache.order()
    count = len(order)
    vectors, scalar = [], []
    for f in filters:
        vector = getattr(f, "vector", None)
        (vectors if vector is not None else scalar).append(f)
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

    kept = _kept_verdict(pod, shapes, vectors, minor) if shapes is not None and not scalar else None
    if kept is not None:
        vectors = [f for f in vectors if getattr(f, "shape", None) is None]
    if not scalar:
        found, need, done, size = [], wanted, 0, wanted + wanted // 8 + WINDOW_SLACK
        while need and done < count:
            window = _window(order, (first + done) % count, min(size, count - done))
            masks = [f.vector(pod, columns, window) for f in vectors]  # type: ignore[attr-defined]
            if any(m is None for m in masks):  # a Filter without a vector form for this pod after all
                scalar = [f for f, m in zip(vectors, masks, strict=True) if m is None]
                break
            if kept is not None:
                masks.append(kept[window])
            rejected = _any(masks) if masks else np.zeros(len(window), bool)
            passing = (~rejected).nonzero()[0]
            end = int(passing[need - 1]) + 1 if len(passing) >= need else len(window)
            for pos in rejected[:end].nonzero()[0].tolist():
                reject(by_slot[window[pos]], filters)
            found.append(window[passing[:need]])
            need -= min(need, len(passing))
            done += end
            size *= 2
        else:
            return (found[0] if len(found) == 1 else np.concatenate(found or [_NO_SLOTS])), unresolvable
    rotated = _window(order, first, count)
    masks = [m for m in (f.vector(pod, columns, rotated) for f in filters if f not in scalar)  # type: ignore[attr-defined]
             if m is not None]
    rejected = _any(masks) if masks else np.zeros(count, bool)
    feasible: list[int] = []
    for slot, vetoed in zip(rotated.tolist(), rejected.tolist(), strict=True):
        if not reject(by_slot[slot], filters if vetoed else scalar):
            feasible.append(slot)
            if len(feasible) >= wanted:
                break
    return np.array(feasible, np.intp), unresolvable


def _kept_verdict(pod: Any, shapes: ShapeCache, vectors: list[Filter], minor: int) -> Optional[np.ndarray]:
    """Whether the Filters that have a shape reject each slot, kept for the pod's shape: None when
    none has one, or one's vector form declines this pod."""
    shaped = [f for f in vectors if getattr(f, "shape", None) is not None]
    made = filters_shape(pod, shaped) if shaped else None
    if made is None:
        return None
    columns = shapes.columns

    def vector(slots: np.ndarray) -> Optional[np.ndarray]:
        masks = [f.vector(pod, columns, slots) for f in shaped]  # type: ignore[attr-defined]
        return None if any(m is None for m in masks) else _any(masks).copy()

    def scalar(info: NodeInfo) -> bool:
        return any(f(pod, info, minor) is not None for f in shaped)
    return shapes.array(made[0], made[1], vector, scalar)


def _window(order: np.ndarray, start: int, length: int) -> np.ndarray:
    """`length` slots of the walk from position `start`, wrapping round (a view when it does not wrap)."""
    end = start + length
    if end <= len(order):
        return order[start:end]
    return np.concatenate((order[start:], order[:end - len(order)]))


def _any(masks: list[np.ndarray]) -> np.ndarray:
    """The masks OR'ed (a new array: a mask may be a view of a column)."""
    if len(masks) == 1:
        return masks[0]
    out = masks[0] | masks[1]
    for mask in masks[2:]:
        out |= mask
    return out
