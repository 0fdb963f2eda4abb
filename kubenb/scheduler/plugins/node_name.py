"""NodeName: a pod that names its node fits only there."""

from __future__ import annotations

from typing import Any, Optional

from kubenb.scheduler.plugins.base import Filter, NodeInfo, Rejection

_REJECTED = Rejection.one("node(s) didn't match the requested node name", True)


def prefilter(pod: Any) -> Optional[Filter]:
    """The Filter for a pod naming its node, or None (Skip) for the others."""
    return node_name if pod.spec.node_name else None


def node_name(pod: Any, info: NodeInfo, minor: int) -> Optional[Rejection]:
    return _REJECTED if pod.spec.node_name != info.node.metadata.name else None
