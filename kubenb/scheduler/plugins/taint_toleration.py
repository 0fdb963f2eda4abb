"""TaintToleration: the first NoSchedule/NoExecute taint the pod does not tolerate rejects the node.

The text changed in v1.25 (`had untolerated taint {k: v}`); v1.23 says `had taint {k: v}, that the
pod didn't tolerate` -- one reason with a comma inside.
"""

from __future__ import annotations

from typing import Any, Optional

from kubenb.api.taints import untolerated
from kubenb.scheduler.plugins.base import NodeInfo, Rejection


def taint_toleration(pod: Any, info: NodeInfo, minor: int) -> Optional[Rejection]:
    taint = untolerated(pod.spec.tolerations, info.node.spec.taints)
    if taint is None:
        return None
    text = f"{{{taint.key}: {taint.value or ''}}}"
    if minor >= 25:
        return Rejection.one(f"node(s) had untolerated taint {text}", True)
    return Rejection.one(f"node(s) had taint {text}, that the pod didn't tolerate", True)
