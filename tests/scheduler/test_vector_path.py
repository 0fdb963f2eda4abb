"""The vector path decides exactly as the node-by-node one.

Two clusters are built alike -- one scheduling with the plugins' vector forms, one without -- and
given the same randomly labelled, tainted and cordoned nodes and the same random pods (requests,
nodeSelectors, required and preferred node affinity of every operator, tolerations, host ports,
topology spread -- explicit constraints of either kind on zone, hostname and well-known zone keys
with minDomains and the node inclusion policies, and the system defaults for the pods a Service
selects -- preferred pod anti-affinity), created in the same order, some bound pods deleted on
the way (so spreading's kept counts must follow the events). Every pod must land on the same node, or fail with
the same FailedScheduling text, after the same nodes were examined with the same verdicts and
scores, and the search must leave off at the same node.
"""

from __future__ import annotations

import random

import pytest

from kubenb import Cluster
from kubenb.api.base import evolve
from kubenb.api.core import Pod, Taint

KEYS = ("zone", "rank", "disk", "topology.kubernetes.io/zone")
SPREAD_KEYS = ("zone", "kubernetes.io/hostname", "topology.kubernetes.io/zone")
TAINTS = ({"key": "dedicated", "value": "a", "effect": "NoSchedule"},
          {"key": "gpu", "effect": "NoExecute"},
          {"key": "soft", "value": "x", "effect": "PreferNoSchedule"},
          {"key": "soft2", "effect": "PreferNoSchedule"})
OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt")


def _value(rng: random.Random, key: str) -> str:
    return {"zone": f"z{rng.randrange(4)}", "rank": str(rng.randrange(10)), "disk": rng.choice(("ssd", "hdd")),
            "topology.kubernetes.io/zone": rng.choice(("", "a", "b", "c"))}[key]  # "" is a domain too


def _shape_nodes(cluster: Cluster, rng: random.Random) -> None:
    for node in cluster.store.list("Node"):
        new = evolve(node, deep=("metadata", "spec"))
        new.metadata.labels = {**(node.metadata.labels or {}),
                               **{k: _value(rng, k) for k in KEYS if rng.random() < 0.8}}
        if rng.random() < 0.3:
            new.spec.taints = [Taint.model_validate(t) for t in TAINTS if rng.random() < 0.4] or None
        if rng.random() < 0.1:
            new.spec.unschedulable = True
        cluster.store.update(new)


def _expression(rng: random.Random) -> dict:
    key, op = rng.choice(KEYS), rng.choice(OPERATORS)
    if op in ("Exists", "DoesNotExist"):
        return {"key": key, "operator": op}
    if op in ("Gt", "Lt"):
        return {"key": "rank", "operator": op, "values": [str(rng.randrange(10))]}
    return {"key": key, "operator": op, "values": sorted({_value(rng, key) for _ in range(rng.randint(1, 2))})}


def _term(rng: random.Random, names: list[str]) -> dict:
    if rng.random() < 0.05:
        return {}  # an empty term matches no node
    term: dict = {"matchExpressions": [_expression(rng) for _ in range(rng.randint(1, 2))]}
    if rng.random() < 0.05:
        term["matchFields"] = [{"key": "metadata.name", "operator": "NotIn", "values": rng.sample(names, 3)}]
    return term


def _pod(rng: random.Random, i: int, names: list[str]) -> Pod:
    requests = {}
    if rng.random() < 0.8:
        requests["cpu"] = f"{rng.choice((1, 50, 250, 900, 1500, 5000))}m"
    if rng.random() < 0.7:
        requests["memory"] = f"{rng.choice((1, 64, 512, 3000, 9000))}Mi"
    container: dict = {"name": "c", "image": rng.choice(("nginx:alpine", "busybox")), "resources": {"requests": requests}}
    if rng.random() < 0.05:
        container["ports"] = [{"containerPort": 80, "hostPort": 8080}]
    spec: dict = {"containers": [container]}
    if rng.random() < 0.3:
        spec["nodeSelector"] = {k: _value(rng, k) for k in rng.sample(KEYS, rng.randint(1, 2))}
    affinity: dict = {}
    if rng.random() < 0.3:
        affinity["requiredDuringSchedulingIgnoredDuringExecution"] = {
            "nodeSelectorTerms": [_term(rng, names) for _ in range(rng.randint(1, 2))]}
    if rng.random() < 0.4:
        affinity["preferredDuringSchedulingIgnoredDuringExecution"] = [
            {"weight": rng.randint(1, 100), "preference": _term(rng, names)} for _ in range(rng.randint(1, 3))]
    spec["affinity"] = {"nodeAffinity": affinity} if affinity else {}
    if rng.random() < 0.1:
        spec["affinity"]["podAntiAffinity"] = {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 10, "podAffinityTerm": {"labelSelector": {"matchLabels": {"app": "spread"}},
                                               "topologyKey": "zone"}}]}
    tolerations = [{"key": t["key"], "operator": "Exists"} for t in TAINTS if rng.random() < 0.3]
    if rng.random() < 0.05:
        tolerations.append({"operator": "Exists"})
    if tolerations:
        spec["tolerations"] = tolerations
    if rng.random() < 0.05:
        spec["topologySpreadConstraints"] = [{"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule",
                                              "labelSelector": {"matchLabels": {"app": "spread"}}}]
    elif rng.random() < 0.3:
        spec["topologySpreadConstraints"] = [_spread(rng) for _ in range(rng.randint(1, 2))]
    labels = {"app": rng.choice(("spread", "other")), "tier": rng.choice(("web", "db"))}
    return Pod.model_validate({"metadata": {"name": f"p-{i}", "namespace": "default", "labels": labels},
                               "spec": spec})


def _spread(rng: random.Random) -> dict:
    """A ScheduleAnyway constraint (sometimes DoNotSchedule) with the optional fields at random."""
    constraint: dict = {"maxSkew": rng.randint(1, 3), "topologyKey": rng.choice(SPREAD_KEYS),
                        "whenUnsatisfiable": "DoNotSchedule" if rng.random() < 0.1 else "ScheduleAnyway",
                        "labelSelector": rng.choice(({"matchLabels": {"app": "spread"}},
                                                     {"matchExpressions": [{"key": "app", "operator": "Exists"}]}))}
    if rng.random() < 0.3:
        constraint["minDomains"] = rng.randint(1, 5)
        constraint["whenUnsatisfiable"] = "DoNotSchedule"  # minDomains is only allowed with DoNotSchedule
    if rng.random() < 0.3:
        constraint["nodeAffinityPolicy"] = rng.choice(("Honor", "Ignore"))
    if rng.random() < 0.3:
        constraint["nodeTaintsPolicy"] = rng.choice(("Honor", "Ignore"))
    if rng.random() < 0.2:
        constraint["matchLabelKeys"] = ["tier"]
    return constraint


def _outcomes(profile: str, nodes: int, pods: int, seed: int, vectorised: bool) -> tuple[list, int]:
    cluster = Cluster(profile, nodes=nodes, pace=0)
    cluster.scheduler.vectorised = vectorised
    scalar_scores = []
    scorers = cluster.scheduler.scorers
    i = next(i for i, s in enumerate(scorers) if s[0] == "PodTopologySpread")
    scorers[i] = (*scorers[i][:2], lambda pod, infos, score=scorers[i][2]: scalar_scores.append(pod) or score(pod, infos),
                  scorers[i][3])
    # the system default constraints: what this Service selects spreads by host and zone
    cluster.apply("{apiVersion: v1, kind: Service, metadata: {name: spread}, spec: {selector: {app: spread}, "
                  "ports: [{port: 80}]}}")
    rng = random.Random(seed)
    _shape_nodes(cluster, rng)
    cluster.settle()
    names = [n.metadata.name for n in cluster.store.list("Node")]
    for i in range(pods):
        cluster.store.create(_pod(rng, i, names))
        cluster.settle()
        if rng.random() < 0.1:  # a bound pod goes: terminating first, then gone
            placed = [p for p in cluster.store.list("Pod", "default") if p.spec.node_name]
            if placed:
                victim = rng.choice(placed)
                cluster.store.delete("Pod", "default", victim.metadata.name)
                cluster.settle()
    # the vector form answered for every spreading pod itself: the node-by-node score never ran
    assert (not scalar_scores) if vectorised else bool(scalar_scores)
    outcomes = []
    for key, d in cluster.scheduler.decisions.items():
        pod = cluster.store.try_get("Pod", *key)  # None: deleted on the way
        condition = pod and next((c.message for c in pod.status.conditions or () if c.type == "PodScheduled"), None)
        outcomes.append((key, pod and pod.spec.node_name, condition, d.node, d.message, d.rejections, list(d.scored),
                         list(d.totals), d.by_plugin))
    return outcomes, cluster.scheduler.next_start_node_index


@pytest.mark.parametrize(("profile", "nodes", "pods", "seed"), [
    pytest.param("kubeadm", 130, 60, 1, id="kubeadm-130-nodes-partial-walk"),
    pytest.param("course", 120, 60, 2, id="course-120-nodes-v1.23-texts"),
    pytest.param("kubeadm", 12, 80, 3, id="kubeadm-12-nodes-filling-up"),
])
def test_vector_and_scalar_paths_decide_alike(profile, nodes, pods, seed):
    vector, vector_next = _outcomes(profile, nodes, pods, seed, vectorised=True)
    scalar, scalar_next = _outcomes(profile, nodes, pods, seed, vectorised=False)
    assert len([o for o in vector if o[0][0] == "default"]) == pods
    # the random pods must exercise both outcomes, rejections and scoring, or the test shows nothing
    assert any(o[1] for o in vector) and any(not o[1] for o in vector)
    assert any(o[5] for o in vector) and any(o[8] for o in vector)
    spread = [o[8]["PodTopologySpread"] for o in vector if "PodTopologySpread" in o[8]]
    assert len(spread) >= 5 and any(len(set(scores)) > 2 for scores in spread)
    for v, s in zip(vector, scalar, strict=True):
        assert v == s
    assert vector_next == scalar_next


def test_a_walk_over_several_windows_decides_as_node_by_node(monkeypatch):
    """The vector walk looks at a window a little longer than the feasible nodes it still wants,
    then at further windows while rejections leave it short: with no slack at all, a cluster of
    tainted, cordoned and filling nodes needs several windows, and still decides alike."""
    from kubenb.scheduler import walk

    windows, walks = [], []
    real_window, real_walk = walk._window, walk.vector_walk
    monkeypatch.setattr(walk, "WINDOW_SLACK", 0)
    monkeypatch.setattr(walk, "_window", lambda *args: windows.append(args[1:]) or real_window(*args))
    monkeypatch.setattr(walk, "vector_walk", lambda *args: walks.append(1) or real_walk(*args))
    vector, vector_next = _outcomes("kubeadm", 130, 60, 4, vectorised=True)
    assert len(windows) > len(walks) > 0, "no walk went on to a second window"
    scalar, scalar_next = _outcomes("kubeadm", 130, 60, 4, vectorised=False)
    assert any(o[5] for o in vector) and any(o[1] for o in vector)
    for v, s in zip(vector, scalar, strict=True):
        assert v == s
    assert vector_next == scalar_next
