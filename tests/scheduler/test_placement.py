"""Where whole clusters put pods once the scores are upstream's: spreading by the system default
constraints, required anti-affinity leaving a replica Pending with upstream's message, preferred
node affinity and PreferNoSchedule taints, and percentageOfNodesToScore's round robin."""

from __future__ import annotations

from collections import Counter

from kubenb import Cluster


def deployment(replicas: int, extra: str = "") -> str:
    return f"""\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
{extra}      containers: [{{name: nginx, image: "nginx:alpine"}}]
"""


def placement(c: Cluster) -> Counter:
    return Counter(p.spec.node_name or "<pending>" for p in c.store.list("Pod", "default")
                   if p.metadata.deletion_timestamp is None)


def test_a_deployment_spreads_over_the_workers():
    c = Cluster("kubeadm", pace=0)
    c.apply(deployment(6))
    c.sleep(10)
    # PodTopologySpread's default hostname constraint (weight 2) evens them out; the control plane is tainted
    assert sorted(placement(c).values()) == [3, 3] and set(placement(c)) == set(worker_names(c))


ANTI = """\
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector: {matchLabels: {app: web}}
            topologyKey: kubernetes.io/hostname
"""


def test_required_anti_affinity_leaves_the_third_replica_pending():
    c = Cluster("kubeadm", pace=0)
    c.apply(deployment(3, ANTI))
    c.sleep(10)
    spread = placement(c)
    assert spread["<pending>"] == 1 and sorted(v for k, v in spread.items() if k != "<pending>") == [1, 1]
    (pending,) = [p for p in c.store.list("Pod", "default") if not p.spec.node_name]
    (event,) = [e for e in c.store.list("Event", "default")
                if e.reason == "FailedScheduling" and e.involved_object.name == pending.metadata.name]
    assert event.message == (
        "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
        "2 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: "
        "1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.")


def test_required_anti_affinity_on_the_course_cluster():
    c = Cluster("course", pace=0)
    c.apply(deployment(2, ANTI))
    c.sleep(10)
    assert placement(c) == Counter({"mac-worker": 1, "<pending>": 1})
    message = next(e.message for e in c.store.list("Event", "default") if e.reason == "FailedScheduling")
    assert message == ("0/2 nodes are available: 1 node(s) didn't match pod anti-affinity rules, 1 node(s) had "
                       "taint {node-role.kubernetes.io/master: }, that the pod didn't tolerate.")


def worker_names(c: Cluster) -> list[str]:
    return sorted(n.metadata.name for n in c.store.list("Node") if not n.spec.taints)


def test_preferred_node_affinity_and_prefer_no_schedule_taints_steer_pods():
    c = Cluster("kubeadm", pace=0)
    first, second = worker_names(c)
    c.kubectl(f"label node {second} disk=ssd")
    prefer = """\
      affinity:
        nodeAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 100
            preference: {matchExpressions: [{key: disk, operator: In, values: [ssd]}]}
"""
    c.apply(deployment(4, prefer))
    c.sleep(10)
    # NodeAffinity 2 x 100 outweighs the default spreading (2 x at most 100, and it falls as pods pile up)
    assert placement(c)[second] >= 3
    c.kubectl("delete deployment web")
    c.sleep(60)
    c.kubectl(f"taint node {second} maintenance=soon:PreferNoSchedule")
    c.apply(deployment(4))
    c.sleep(10)
    # TaintToleration 3 x 100 against spreading's 2 x (100 - ...): every pod avoids the tainted worker
    assert placement(c) == Counter({first: 4})


def test_scores_are_kept_per_plugin():
    c = Cluster("kubeadm", pace=0)
    c.apply(deployment(1))
    c.sleep(10)
    (decision,) = [d for k, d in c.scheduler.decisions.items() if k[1].startswith("web-")]
    assert set(decision.plugin_scores) == set(decision.scores) == set(worker_names(c))
    for node, detail in decision.plugin_scores.items():
        assert set(detail) >= {"TaintToleration", "NodeResourcesFit", "NodeResourcesBalancedAllocation",
                               "PodTopologySpread"}
        weights = {"TaintToleration": 3, "NodeAffinity": 2, "PodTopologySpread": 2, "InterPodAffinity": 2,
                   "NodeResourcesFit": 1, "NodeResourcesBalancedAllocation": 1, "ImageLocality": 1}
        assert decision.scores[node] == sum(weights[p] * s for p, s in detail.items())


def test_a_large_cluster_scores_a_share_of_its_nodes_in_turn():
    """With 300 nodes a cycle stops after finding max(300 * (50 - 2)%, 100) = 144 feasible nodes,
    and the next cycle starts where it stopped (`nextStartNodeIndex`)."""
    c = Cluster("kubeadm", pace=0)
    template = c.store.list("Node")[-1]
    from kubenb.api.base import evolve

    for i in range(297):
        new = evolve(template, deep=("metadata",))
        new.metadata.name = f"extra-{i:03d}"
        new.metadata.uid = None
        new.metadata.resource_version = None
        new.metadata.labels = {**(template.metadata.labels or {}), "kubernetes.io/hostname": new.metadata.name}
        c.store.create(new, keep_status=True)
    assert len(c.store.list("Node")) == 300
    c.sleep(5)  # the new nodes' DaemonSet pods first: each moves the start on by the one node it names
    start = c.scheduler.next_start_node_index
    c.apply(deployment(2))
    c.sleep(5)
    decisions = [d for k, d in c.scheduler.decisions.items() if k[1].startswith("web-")]
    assert [len(d.scores) for d in decisions] == [144, 144]
    # the control plane (tainted) was among the nodes filtered by one cycle: 145 nodes per cycle, or 144
    assert c.scheduler.next_start_node_index in ((start + 289) % 300, (start + 288) % 300, (start + 290) % 300)
