"""TaintToleration: the first NoSchedule/NoExecute taint the pod does not tolerate rejects the node.

The text changed in v1.25 (`had untolerated taint {k: v}`); v1.23 says `had taint {k: v}, that the
pod didn't tolerate` -- one reason with a comma inside. Scoring counts the PreferNoSchedule taints.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Optional

import numpy as np

from kubenb.api.taints import tolerates, untolerated
from kubenb.scheduler.plugins.base import NodeInfo, Rejection, vectorised
from kubenb.scheduler.plugins.scoring import MAX_NODE_SCORE, default_normalize, default_normalize_vector


def taint_toleration(pod: Any, info: NodeInfo, minor: int) -> Optional[Rejection]:
    taints = info.node.spec.taints
    if not taints:
        return None
    taint = untolerated(pod.spec.tolerations, taints)
    if taint is None:
        return None
    text = f"{{{taint.key}: {taint.value or ''}}}"
    if minor >= 25:
        return Rejection.one(f"node(s) had untolerated taint {text}", True)
    return Rejection.one(f"node(s) had taint {text}, that the pod didn't tolerate", True)


def _rejects(pod: Any, columns: Any, slots: np.ndarray) -> np.ndarray:
    tolerations = pod.spec.tolerations
    table = columns.taint_table("TaintToleration", tolerations,
                                lambda: lambda taints: untolerated(tolerations, taints) is not None)
    return table[columns.taint_set[slots]]


def _shape(pod: Any) -> tuple[Any, Any]:
    tolerations = pod.spec.tolerations
    return ("TaintToleration", id(tolerations)), tolerations


vectorised(taint_toleration, _rejects, _shape)


def _untolerated_preferred(pod: Any) -> Any:
    """How many of a node's PreferNoSchedule taints the pod's PreferNoSchedule (or effect-less)
    tolerations leave untolerated."""
    tolerations = [t for t in pod.spec.tolerations or () if t.effect in (None, "", "PreferNoSchedule")]

    def count(taints: Any) -> int:
        return sum(1 for taint in taints or () if taint.effect == "PreferNoSchedule" and not any(
            tolerates(t, taint.key, taint.value or "", taint.effect) for t in tolerations))
    return count


def taint_toleration_score(pod: Any, infos: Sequence[NodeInfo]) -> Optional[list[int]]:
    """Score: the node's untolerated PreferNoSchedule taints, fewer being better (reversed
    `DefaultNormalizeScore`)."""
    count = _untolerated_preferred(pod)
    return default_normalize([count(info.node.spec.taints) for info in infos], reverse=True)


def _score_vector(pod: Any, columns: Any, slots: np.ndarray) -> Any:
    """Counted once per distinct taint set; when no set has an untolerated PreferNoSchedule taint
    (the rule) every node scores 100 without a look at which set each node has."""
    table = columns.taint_table("TaintTolerationScore", pod.spec.tolerations, lambda: _untolerated_preferred(pod),
                                np.int64)
    if not table.any():
        return MAX_NODE_SCORE
    return default_normalize_vector(table[columns.taint_set[slots]], reverse=True)


vectorised(taint_toleration_score, _score_vector)
