"""Shared helpers for the figure tests: a course-style rollout recorded from bootstrap, and readers
of figure data (everything is asserted on `fig.to_plotly_json()`, never on pixels)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from course_manifests import NGINX_CM, deploy_v1, deploy_v2

from kubenb import Cluster
from kubenb.history import Recorder
from kubenb.viz import common


@pytest.fixture(autouse=True)
def validated_figures(monkeypatch):
    """Every figure a test builds goes through Plotly's validation (the fast path skips it)."""
    monkeypatch.setattr(common, "VALIDATE", True)


def new_cluster(profile: str = "course", **kw: Any) -> Cluster:
    """A cluster with a recorder attached (until `Cluster.__init__` makes one itself)."""
    c = Cluster(profile, **kw)
    if not isinstance(getattr(c, "recorder", None), Recorder):
        Recorder(c)
    return c


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


@pytest.fixture(scope="module")
def rolled() -> tuple[Cluster, ReplicaSetWrites, float]:
    """The Rollout section: 4 replicas, maxSurge/maxUnavailable 25% (the defaults), then a new image
    with minReadySeconds 16 and a change-cause. Returns (cluster, witness, time of the image change)."""
    c = new_cluster()
    witness = ReplicaSetWrites(c)
    c.apply(NGINX_CM)
    c.apply(deploy_v1())
    c.sleep("60s")
    changed = c.clock.now + c.pace
    c.apply(deploy_v2("image updated to 1.22"))
    c.sleep("120s")
    return c, witness, changed
