"""The Score extension point's shared rules (`pkg/scheduler/framework`).

Every score plugin gives each feasible node an integer, normalises it to 0..`MAX_NODE_SCORE`, and
the framework adds the normalised scores multiplied by the plugin's weight. The weights are the
default profile's (the same in v1.23's v1beta3 and v1.32's v1 configuration): TaintToleration 3,
NodeAffinity 2, PodTopologySpread 2, InterPodAffinity 2, NodeResourcesFit (LeastAllocated) 1,
NodeResourcesBalancedAllocation 1, ImageLocality 1. SelectorSpread is not in either default
profile: the DefaultPodTopologySpread gate (beta in v1.20, GA in v1.24) gives PodTopologySpread
system default constraints instead.

A scorer is called with the pod and the feasible nodes, and returns their normalised scores in
the same order -- or None when upstream's PreScore would return Skip for the pod.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Optional

import numpy as np

from kubenb.scheduler.plugins.base import NodeInfo

MAX_NODE_SCORE = 100

Scorer = Callable[[Any, Sequence[NodeInfo]], Optional[list[int]]]


def default_normalize(scores: list[int], reverse: bool = False) -> list[int]:
    """`helper.DefaultNormalizeScore`: scale to 0..100 by the highest score (integer division),
    reversed for plugins whose raw score counts something bad. All zero stays zero, or becomes
    100 everywhere when reversed."""
    top = max(scores, default=0)
    if top == 0:
        return [MAX_NODE_SCORE] * len(scores) if reverse else list(scores)
    out = [MAX_NODE_SCORE * s // top for s in scores]
    return [MAX_NODE_SCORE - s for s in out] if reverse else out


def default_normalize_vector(scores: np.ndarray, reverse: bool = False) -> np.ndarray:
    """:func:`default_normalize` over an int64 array (the same integer division)."""
    top = int(scores.max()) if len(scores) else 0
    if top == 0:
        return np.full(len(scores), MAX_NODE_SCORE, np.int64) if reverse else scores.astype(np.int64)
    out = MAX_NODE_SCORE * scores // top
    return MAX_NODE_SCORE - out if reverse else out
