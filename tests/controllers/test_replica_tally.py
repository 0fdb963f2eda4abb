"""The ReplicaSet controller counts its pods by a tally that each pod write moves along: whatever
happens to the pods, the tally must hold what a recount from the store finds, so a sync that reads
it writes the status a walk over every pod would have written."""

from __future__ import annotations

import math
import random
from collections import Counter

import pytest

from kubenb import Cluster
from kubenb.api import labels as labelsel
from kubenb.api import podutil
from kubenb.api.core import Pod
from kubenb.controllers.podviews import PodView
from kubenb.controllers.replicaset import ReplicaSetController
from kubenb.controllers.replicatally import DELETION_COST, ReplicaTally
from kubenb.sim.clock import format_rfc3339, parse_rfc3339

WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 6
  minReadySeconds: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, tier: fe}}
    spec:
      containers: [{name: c, image: "nginx:alpine"}]
"""


def _recount(c: Cluster, rs) -> tuple:
    """(replicas, fully labeled, ready, available) of `rs`'s active matching pods, from the store."""
    selector = labelsel.selector_from_label_selector(rs.spec.selector)
    template = rs.spec.template.metadata.labels or {}
    pods = [p for p in c.store.by_owner(rs.metadata.uid, "Pod")
            if p.metadata.controller_ref().uid == rs.metadata.uid and podutil.is_active(p)
            and selector.matches(p.metadata.labels or {})]
    return (len(pods),
            sum(all((p.metadata.labels or {}).get(k) == v for k, v in template.items()) for p in pods),
            sum(podutil.is_ready(p) for p in pods),
            sum(podutil.is_available(p, rs.spec.min_ready_seconds or 0, c.clock.now) for p in pods))


def _check(c: Cluster) -> int:
    controller = next(x for x in c.components if isinstance(x, ReplicaSetController))
    checked = 0
    for rs in c.store.list("ReplicaSet", "default"):
        tally = controller._tallies.get(rs.metadata.uid)
        if tally is None:
            continue
        counts = (len(tally.kept), tally.fully_labeled, tally.ready,
                  tally.available(rs.spec.min_ready_seconds or 0, c.clock.now))
        assert counts == _recount(c, rs), rs.metadata.name
        checked += 1
    return checked


def _run(c: Cluster, seconds: float) -> int:
    checked = 0
    for _ in range(int(seconds * 2)):
        c.advance(0.5)
        checked += _check(c)
    return checked


def test_tally_holds_the_recount_through_a_rollout_a_relabel_and_an_adoption() -> None:
    c = Cluster(profile="kubeadm", nodes=3, pace=0)
    c.apply(WEB)
    assert _run(c, 30) > 0
    c.kubectl("set image deployment/web c=nginx:1.27-alpine")
    assert _run(c, 60) > 0
    rs = next(r for r in c.store.list("ReplicaSet", "default") if r.spec.replicas)
    assert rs.status.available_replicas == 6
    # a pod relabelled out of the selector is released; its replacement is counted, the pod is not
    pod = next(p for p in c.store.by_owner(rs.metadata.uid, "Pod") if podutil.is_active(p))
    c.kubectl(f"label pod {pod.metadata.name} app=stray --overwrite")
    assert _run(c, 20) > 0
    assert c.store.get("Pod", "default", pod.metadata.name).metadata.owner_references is None
    # labelled back, the orphan is adopted again and the surplus pod deleted
    c.kubectl(f"label pod {pod.metadata.name} app=web --overwrite")
    assert _run(c, 40) > 0
    rs = c.store.get("ReplicaSet", "default", rs.metadata.name)
    assert (rs.status.replicas, rs.status.available_replicas) == (6, 6)
    # a template label edit (a new stamp) rebuilds the tally: no pod carries the new label (the
    # Deployment, whose template no ReplicaSet matches now, starts another rollout meanwhile)
    patched = c.kubectl(f"patch rs {rs.metadata.name} -p "
                        """'{"spec":{"template":{"metadata":{"labels":{"extra":"x"}}}}}'""")
    assert patched.returncode == 0, patched.stderr
    assert _run(c, 5) > 0
    rs = c.store.get("ReplicaSet", "default", rs.metadata.name)
    assert rs.status.replicas and rs.status.fully_labeled_replicas is None


def _rank(p, per_node: dict, now: float) -> tuple:
    """`ActivePodsWithRanks.Less` spelled out for one pod, as a sort key (smaller = deleted first)."""
    def bucket(seconds: float) -> int:
        return int(math.floor(math.log2(seconds))) if seconds >= 1 else -1

    ready = podutil.is_ready(p)
    ready_at = podutil.ready_since(p) if ready else None
    created = parse_rfc3339(p.metadata.creation_timestamp)
    return (bool(p.spec.node_name), {"Pending": 0, "Unknown": 1, "Running": 2}[p.status.phase], ready,
            int((p.metadata.annotations or {}).get(DELETION_COST, "0")), -per_node[p.spec.node_name or ""],
            (bucket(now - ready_at) if ready_at is not None else -2) if ready else 0,
            -max((cs.restart_count for cs in p.status.container_statuses or ()), default=0),
            bucket(now - created), p.metadata.uid)


def _ranked_pods(mixed: bool, now: float) -> list:
    """300 pods for the ranking tests (see their docstrings), drawn from a fixed seed."""
    rng = random.Random(7)
    pods = []
    for i in range(300):
        node = rng.choice(["", "n1", "n2", "n3", "n4", "n5"]) if mixed else f"n{i % 6}"
        ready = bool(node) and (rng.random() < 0.7 if mixed else True)
        ready_ago = rng.choice([0, 1, 3, 40, 900] if mixed else [1, 3])
        conditions = [{"type": "Ready", "status": "True" if ready else "False",
                       "lastTransitionTime": format_rfc3339(now - ready_ago)}]
        pods.append(Pod.model_validate({
            "metadata": {"name": f"p{i}", "namespace": "default", "uid": f"{rng.getrandbits(64):016x}",
                         "labels": {"app": "web"},
                         "creationTimestamp": format_rfc3339(now - rng.choice([2, 5, 60, 4000] if mixed else [5])),
                         "annotations": {DELETION_COST: str(rng.choice([0, 0, 0, -5, 10] if mixed else [0]))}},
            "spec": {"nodeName": node or None, "containers": [{"name": "c", "image": "nginx"}]},
            "status": {"phase": "Running" if node and (not mixed or rng.random() < 0.8) else "Pending",
                       "conditions": conditions,
                       "containerStatuses": [{"name": "c", "image": "nginx", "imageID": "", "ready": ready,
                                              "restartCount": rng.choice([0, 0, 1, 4] if mixed else [0])}]},
        }))
    return pods


@pytest.mark.parametrize("mixed", [pytest.param(True, id="mixed"), pytest.param(False, id="rollout-like")])
def test_ranked_first_picks_what_sorting_every_pod_picks(mixed: bool) -> None:
    """Mixed: every rank field varies. Rollout-like: running ready pods spread evenly, a few ages
    apart, so whole tiers of groups on different nodes tie until the uid."""
    now = 1_000_000.0
    pods = _ranked_pods(mixed, now)
    tally = ReplicaTally(None, labelsel.selector_from_set({"app": "web"}), {}, [PodView(p) for p in pods])
    per_node = Counter(p.spec.node_name or "" for p in pods)
    everything = [p.metadata.name for p in sorted(pods, key=lambda p: _rank(p, per_node, now))]
    for n in (1, 2, 7, 50, 150, 299, 300):
        assert [p.metadata.name for p in tally.ranked_first(n, now)] == everything[:n], n


@pytest.mark.parametrize("mixed", [pytest.param(True, id="mixed"), pytest.param(False, id="rollout-like")])
def test_ranked_first_follows_the_pods_a_scale_down_removes(mixed: bool) -> None:
    """Scale-downs in a row, each removing the pods it picked (so nodes' counts and the tally's
    indexes change between them) as time passes, still pick what sorting every pod picks."""
    now = 1_000_000.0
    pods = _ranked_pods(mixed, now)
    views = {p.metadata.name: PodView(p) for p in pods}
    tally = ReplicaTally(None, labelsel.selector_from_set({"app": "web"}), {}, list(views.values()))
    left = list(pods)
    while left:
        now += 7
        per_node = Counter(p.spec.node_name or "" for p in left)
        everything = [p.metadata.name for p in sorted(left, key=lambda p: _rank(p, per_node, now))]
        picked = [p.metadata.name for p in tally.ranked_first(3, now)]
        assert picked == everything[:3]
        for name in picked:
            tally.remove(views[name])
        left = [p for p in left if p.metadata.name not in picked]
    assert not tally.kept and not tally.groups and not tally.prefix_nodes and not +tally.per_node


def test_a_write_that_changes_no_count_swaps_the_view_and_one_that_does_moves_it() -> None:
    """`replace` puts a new pod version where the old one was filed when the tally counts nothing
    different (a bind); a readiness change is moved out and back in, counts and all; once a
    scale-down has filed the deletion ranks, every write is moved (the rank may differ)."""
    from kubenb.api.base import evolve
    from kubenb.controllers import replicatally

    rs_uid = "rs-uid"
    pod = Pod.model_validate({
        "metadata": {"name": "p", "namespace": "default", "uid": "u1", "labels": {"app": "web"},
                     "creationTimestamp": format_rfc3339(100.0),
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs",
                                          "uid": rs_uid, "controller": True}]},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]},
        "status": {"phase": "Pending"},
    })
    first = PodView(pod)
    tally = ReplicaTally(None, labelsel.selector_from_set({"app": "web"}), {"app": "web"}, [first])
    tallies = {rs_uid: tally}

    bound = evolve(pod, deep=("spec",))
    bound.spec.node_name = "n1"
    second = PodView(bound)
    replicatally.replace(tallies, first, second)
    assert tally.kept[first.key] is second and second.rank is None
    assert (len(tally.kept), tally.fully_labeled, tally.ready) == (1, 1, 0)

    fields = bound.to_dict()
    fields["status"] = {"phase": "Running", "conditions": [
        {"type": "Ready", "status": "True", "lastTransitionTime": format_rfc3339(200.0)}]}
    ready = Pod.model_validate(fields)
    third = PodView(ready)
    replicatally.replace(tallies, second, third)
    assert tally.kept[first.key] is third
    assert (len(tally.kept), tally.fully_labeled, tally.ready) == (1, 1, 1)

    assert [p.metadata.name for p in tally.ranked_first(1, 300.0)] == ["p"]  # files the ranks
    fourth = PodView(evolve(ready, deep=("status",)))
    replicatally.replace(tallies, third, fourth)
    assert tally.kept[first.key] is fourth and fourth.rank is not None  # moved: filed with its rank
    assert [v.pod for v in tally.groups[fourth.rank[1:5]][fourth.rank[5:]]["n1"].values()] == [fourth.pod]
