"""The ReplicaSet controller counts its pods by a tally that each pod write moves along: whatever
happens to the pods, the tally must hold what a recount from the store finds, so a sync that reads
it writes the status a walk over every pod would have written."""

from __future__ import annotations

from kubenb import Cluster
from kubenb.api import labels as labelsel
from kubenb.api import podutil
from kubenb.controllers.replicaset import ReplicaSetController

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
