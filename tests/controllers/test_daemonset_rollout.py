"""DaemonSet rolling updates: at most maxUnavailable nodes without an available pod, or a surge pod first."""

from __future__ import annotations

import pytest

from kubenb import Cluster

DS = """\
apiVersion: apps/v1
kind: DaemonSet
metadata: {{name: agent}}
spec:
  selector: {{matchLabels: {{app: agent}}}}
  updateStrategy: {{type: RollingUpdate, rollingUpdate: {{maxUnavailable: {unavailable}, maxSurge: {surge}}}}}
  template:
    metadata: {{labels: {{app: agent}}}}
    spec:
      tolerations: [{{operator: Exists}}]
      containers: [{{name: c, image: {image}}}]
"""


@pytest.mark.parametrize("unavailable,surge", [(1, 0), (0, 1)])
def test_rolling_update_keeps_the_budget_and_finishes(unavailable, surge):
    c = Cluster(pace=0)
    c.apply(DS.format(unavailable=unavailable, surge=surge, image="nginx:1.25"))
    c.sleep(30)
    c.apply(DS.format(unavailable=unavailable, surge=surge, image="nginx:1.27"))
    nodes = len(c.store.list("Node"))
    for _ in range(120):
        c.sleep(0.5)
        pods = [p for p in c.store.list("Pod", "default") if p.metadata.deletion_timestamp is None]
        ready = [p for p in pods if p.status.phase == "Running" and p.status.conditions and
                 any(x.type == "Ready" and x.status == "True" for x in p.status.conditions)]
        assert nodes - len({p.spec.node_name for p in ready}) <= unavailable  # nodes without a ready pod
        assert len(pods) <= nodes + surge
    images = {p.spec.containers[0].image for p in c.store.list("Pod", "default")}
    assert images == {"nginx:1.27"}
    assert len(c.store.list("Pod", "default")) == nodes
    assert len(c.store.list("ControllerRevision", "default")) == 2
