"""DaemonSet pods and taints: NoSchedule stops new pods, only NoExecute evicts (`NodeShouldRunDaemonPod`)."""

from __future__ import annotations

import pytest

from kubenb import Cluster

DS = """\
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: redis-ds}
spec:
  selector: {matchLabels: {name: redis-ds}}
  template:
    metadata: {labels: {name: redis-ds}}
    spec:
      containers: [{name: redis, image: "redis:5-alpine"}]
"""


def _pods_by_node(c: Cluster) -> set[str]:
    return {p.spec.node_name for p in c.store.list("Pod", "default") if p.metadata.deletion_timestamp is None}


@pytest.mark.parametrize("effect,kept", [("NoSchedule", True), ("NoExecute", False)])
def test_retainting_the_master_keeps_or_evicts_its_pod(effect, kept):
    c = Cluster(profile="course", pace=0)
    c.apply(DS)
    c.kubectl("taint node mac-master node-role.kubernetes.io/master:NoSchedule-")
    c.sleep(30)
    assert _pods_by_node(c) == {"mac-master", "mac-worker"}
    c.kubectl(f"taint node mac-master node-role.kubernetes.io/master:{effect}")
    c.sleep(60)
    assert ("mac-master" in _pods_by_node(c)) is kept
    ds = c.get("DaemonSet", "redis-ds")
    assert (ds.status.desired_number_scheduled, ds.status.current_number_scheduled) == (1, 1)
    assert ds.status.number_misscheduled == (1 if kept else 0)
