"""TaintToleration: the first NoSchedule/NoExecute taint the pod does not tolerate rejects the node.

The text changed in v1.25 (`had untolerated taint {k: v}`); v1.23 says `had taint {k: v}, that the
pod didn't tolerate` -- one reason with a comma inside. Scoring counts the PreferNoSchedule taints.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Optional

from kubenb.api.taints import tolerates, untolerated
from kubenb.scheduler.plugins.base import NodeInfo, Rejection
from kubenb.scheduler.plugins.scoring import default_normalize


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


def taint_toleration_score(pod: Any, infos: Sequence[NodeInfo]) -> Optional[list[int]]:
    """Score: the node's PreferNoSchedule taints that the pod's PreferNoSchedule (or effect-less)
    tolerations leave untolerated, fewer being better (reversed `DefaultNormalizeScore`)."""
    tolerations = [t for t in pod.spec.tolerations or () if t.effect in (None, "", "PreferNoSchedule")]
    counts = [sum(1 for taint in taints if taint.effect == "PreferNoSchedule" and not any(
        tolerates(t, taint.key, taint.value or "", taint.effect) for t in tolerations))
        if (taints := info.node.spec.taints) else 0 for info in infos]
    return default_normalize(counts, reverse=True)
