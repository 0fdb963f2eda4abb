"""NodeName: a pod that names its node fits only there."""

from __future__ import annotations

from typing import Any, Optional

from kubenb.scheduler.plugins.base import NodeInfo, Rejection


def node_name(pod: Any, info: NodeInfo, minor: int) -> Optional[Rejection]:
    if pod.spec.node_name and pod.spec.node_name != info.node.metadata.name:
        return Rejection.one("node(s) didn't match the requested node name", True)
    return None
