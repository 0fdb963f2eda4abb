"""Readers of figure data and a witness of ReplicaSet writes, shared by the figure tests (everything is
asserted on `fig.to_plotly_json()`, never on pixels)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kubenb import Cluster


def new_cluster(profile: str = "course", **kw: Any) -> Cluster:
    """A cluster (it records its history from bootstrap on: `Cluster.__init__` attaches the recorder)."""
    return Cluster(profile, **kw)


def epoch(x: str) -> float:
    """A date-axis string of a figure back to simulated epoch seconds."""
    return datetime.fromisoformat(x + "+00:00").timestamp()


def traces(fig: Any, role: str, **meta: Any) -> list[dict]:
    """The traces of `fig` (as JSON) whose meta has this role (and these other meta values)."""
    out = []
    for tr in fig.to_plotly_json()["data"]:
        m = tr.get("meta") or {}
        if m.get("role") == role and all(m.get(k) == v for k, v in meta.items()):
            out.append(tr)
    return out


def step_value(tr: dict, t: float) -> Any:
    """The value of a step trace (``shape: hv``) right after everything recorded at time `t`."""
    value = None
    for x, y in zip(tr["x"], tr["y"], strict=True):
        if epoch(x) <= t + 5e-4:
            value = y
        else:
            break
    return value


class ReplicaSetWrites:
    """An independent witness: every ReplicaSet write as the store announced it."""

    def __init__(self, cluster: Cluster) -> None:
        self.writes: dict[str, list[tuple[float, int, int, int]]] = {}
        cluster.store.watch(self._on, "ReplicaSet")

    def _on(self, ev: Any) -> None:
        if ev.type == "DELETED":
            return
        rs = ev.object
        self.writes.setdefault(rs.metadata.name, []).append(
            (ev.time, rs.spec.replicas, rs.status.ready_replicas or 0, rs.status.available_replicas or 0))
