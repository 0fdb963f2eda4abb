"""The builders skip Plotly's validation for speed; validated or not, every view is the same figure."""

from __future__ import annotations

import json

import pytest

from kubenb import viz
from kubenb.viz import common

SERVICE = """\
apiVersion: v1
kind: Service
metadata: {name: nginx}
spec:
  type: NodePort
  selector: {app: nginx-deploy}
  ports: [{port: 80}]
"""


@pytest.mark.parametrize("build", [
    pytest.param(lambda c: viz.rollout(c, "deploy/nginx-deploy"), id="rollout"),
    pytest.param(lambda c: viz.routes(c, "svc/nginx"), id="routes"),
    pytest.param(lambda c: viz.storage(c, "default"), id="storage"),
    pytest.param(lambda c: viz.nodes(c), id="nodes"),
    pytest.param(lambda c: viz.graph(c, "default"), id="graph"),
    pytest.param(lambda c: viz.graph(c, "default", max_pods=1), id="graph-aggregated"),
    pytest.param(lambda c: viz.timeline(c, "app=nginx-deploy", containers=True), id="timeline"),
])
def test_unvalidated_figures_equal_validated_ones(rolled, monkeypatch, build):
    c, _, _ = rolled
    if c.store.try_get("Service", "default", "nginx") is None:
        c.apply(SERVICE)
    monkeypatch.setattr(common, "VALIDATE", True)
    checked = json.loads(build(c).to_json())
    monkeypatch.setattr(common, "VALIDATE", False)
    fast = json.loads(build(c).to_json())
    assert fast == checked
