"""Fixtures of the figure tests: every figure validated by Plotly, and a course-style rollout recorded
from bootstrap. Helpers live in `viz_helpers` (a `conftest` module name is shared by every test folder)."""

from __future__ import annotations

import pytest
from course_manifests import NGINX_CM, deploy_v1, deploy_v2
from viz_helpers import ReplicaSetWrites, new_cluster

from kubenb import Cluster
from kubenb.viz import common


@pytest.fixture(autouse=True)
def validated_figures(monkeypatch):
    """Every figure a test builds goes through Plotly's validation (the fast path skips it)."""
    monkeypatch.setattr(common, "VALIDATE", True)


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
