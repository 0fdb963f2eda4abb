"""The cache's node columns say what its NodeInfos say: usage, cordon, taints and labels follow
node and pod events, a label removed or a node deleted leaves no stale value behind, and a node
that comes back gets its old slot."""

from __future__ import annotations

from kubenb import Cluster
from kubenb.api import labels as labelsel
from kubenb.api.base import evolve
from kubenb.api.core import Taint


def _row(c: Cluster, name: str) -> dict:
    cache = c.scheduler.cache
    slot = cache._infos[name].slot
    cols = cache.columns
    return {"numbers": {k: int(v[slot]) for k, v in cols.numbers.items()},
            "unschedulable": bool(cols.unschedulable[slot]),
            "taints": [(t.key, t.effect) for t in cols.taint_sets[cols.taint_set[slot]]],
            "labels": {k: cols.label_values[k][ids[slot]] for k, ids in cols.label_ids.items() if ids[slot] >= 0}}


def _expected(c: Cluster, name: str) -> dict:
    info = c.scheduler.cache._infos[name]
    node = info.node
    return {"numbers": {"alloc_cpu": info.allocatable.milli_cpu, "alloc_mem": info.allocatable.memory,
                        "alloc_pods": info.allocatable.pods, "req_cpu": info.requested.milli_cpu,
                        "req_mem": info.requested.memory, "req_pods": info.requested.pods,
                        "nz_cpu": info.nonzero_requested.milli_cpu, "nz_mem": info.nonzero_requested.memory},
            "unschedulable": bool(node and node.spec.unschedulable),
            "taints": [(t.key, t.effect) for t in (node and node.spec.taints) or ()],
            "labels": dict((node and node.metadata.labels) or {})}


def test_columns_follow_nodes_and_pods():
    c = Cluster("kubeadm", pace=0)
    c.apply("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  nodeName: worker-1\n"
            "  containers: [{name: c, image: nginx, resources: {requests: {cpu: 300m, memory: 1Gi}}}]\n")
    c.settle()
    assert _row(c, "worker-1")["numbers"]["req_cpu"] >= 300
    node = c.store.get("Node", "", "worker-1")
    new = evolve(node, deep=("metadata", "spec"))
    new.metadata.labels = {k: v for k, v in (node.metadata.labels or {}).items() if k != "kubernetes.io/os"} | {"disk": "ssd"}
    new.spec.unschedulable = True
    new.spec.taints = [Taint(key="gpu", effect="NoSchedule")]
    c.store.update(new)
    for name in ("control-plane", "worker-1", "worker-2"):
        assert _row(c, name) == _expected(c, name)
    cols = c.scheduler.cache.columns
    slot = c.scheduler.cache._infos["worker-1"].slot
    assert not cols.label_matches(labelsel.Requirement("kubernetes.io/os", "exists", []))[slot]
    assert cols.label_equals("disk", "ssd")[slot] and cols.label_equals("disk", "ssd").sum() == 1

    c.store.delete("Pod", "default", "p", grace_period_seconds=0)
    c.settle()
    assert _row(c, "worker-1") == _expected(c, "worker-1")

    c.store.delete("Node", "", "worker-1")
    c.settle()
    gone = _row(c, "worker-1")
    assert gone["labels"] == {} and gone["taints"] == [] and not gone["unschedulable"]
    assert slot not in c.scheduler.cache.order().tolist()
    c.store.create(node)
    c.settle()
    assert c.scheduler.cache._infos["worker-1"].slot == slot
    assert _row(c, "worker-1") == _expected(c, "worker-1")
    assert [c.scheduler.cache.names[s] for s in c.scheduler.cache.order().tolist()] == \
        [n.metadata.name for n in c.store.list("Node")]
