"""`nodes`, `graph` and `timeline`: figure data against what the store and the recorder hold."""

from __future__ import annotations

import pytest
from course_manifests import NGINX_POD_RESOURCES
from viz_helpers import epoch, new_cluster, traces

from kubenb import viz
from kubenb.history import recorder_for
from kubenb.scheduler.resources import node_allocatable

GREEDY = """\
apiVersion: v1
kind: Pod
metadata: {name: greedy}
spec:
  containers: [{name: c, image: nginx:alpine, resources: {requests: {cpu: "64"}}}]
"""
WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: nginx:alpine, resources: {requests: {cpu: 100m, memory: 64Mi}}}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
"""


def test_nodes_requests_allocatable_taints_and_the_unscheduled_lane():
    c = new_cluster()
    c.apply(NGINX_POD_RESOURCES)
    c.apply(WEB)
    c.apply(GREEDY)
    c.sleep("30s")
    fig = viz.nodes(c)
    lanes = ["mac-master", "mac-worker", "Unscheduled"]
    for resource, unit in (("cpu", 1000), ("memory", 1024**3)):
        requested = [0.0, 0.0, 0.0]
        for tr in traces(fig, "requests", resource=resource):
            assert tr["x"] == lanes
            requested = [a + b for a, b in zip(requested, tr["y"], strict=True)]
        (alloc,) = traces(fig, "allocatable", resource=resource)
        for i, node in enumerate(c.store.list("Node")):
            a = node_allocatable(node)
            assert alloc["y"][i] == pytest.approx((a.milli_cpu if resource == "cpu" else a.memory) / unit)
    web = traces(fig, "requests", resource="cpu", owner="deployment/web")[0]
    assert sum(web["y"][:2]) == pytest.approx(0.3) and web["customdata"][:2] == [0, 3]
    greedy = traces(fig, "requests", resource="cpu", owner="bare pods (default)")[0]
    assert greedy["y"][2] == pytest.approx(64.0)  # in the Unscheduled lane
    (limits,) = traces(fig, "limits", resource="cpu")
    assert limits["y"][1] == pytest.approx(0.02)  # nginx-pod-resources' 20m limit on the worker
    pods = traces(fig, "requests", resource="pods", owner="deployment/web")[0]
    assert pods["y"] == [0, 3, 0]
    meta = fig.layout.meta["kubenb"]
    (pending,) = meta["unscheduled"]
    assert pending["pod"] == "default/greedy"
    assert pending["reason"] == c.scheduler.decisions[("default", "greedy")].message
    assert pending["reason"].startswith("0/2 nodes are available:") and "Insufficient cpu" in pending["reason"]
    assert "node-role.kubernetes.io/master:NoSchedule" in fig.layout.xaxis.ticktext[0]


def test_graph_edges_focus_aggregation_and_webgl(monkeypatch):
    c = new_cluster()
    c.apply(WEB)
    c.sleep("30s")
    g = viz.object_graph(c, "default")
    d = "Deployment/default/web"
    (rs,) = [k for k in g.successors(d)]
    pods = sorted(k for k in g.successors(rs))
    assert len(pods) == 3 and all(g.edges[rs, p]["kind"] == "owns" for p in pods)
    assert sorted(g.successors("Service/default/web")) == pods
    assert all(g.edges["Service/default/web", p]["kind"] == "selects" for p in pods)
    assert all(any(g.edges[p, n]["kind"] == "runs-on" for n in g.successors(p)) for p in pods)

    fig = viz.graph(c, "default", focus="svc/web")
    keys = {k for tr in traces(fig, "nodes") for k in tr["customdata"]}
    assert {d, rs, "Service/default/web", *pods} <= keys
    assert "Service/default/kubernetes" not in keys
    owns = {tuple(p) for tr in traces(fig, "edges", kind="owns") for p in tr["meta"]["pairs"]}
    assert (d, rs) in owns and all((rs, p) in owns for p in pods)

    small = viz.graph(c, "default", max_pods=2)
    assert small.layout.meta["kubenb"]["aggregated"] is True
    (agg,) = [k for tr in traces(small, "nodes", category="Pod") for k in tr["customdata"]]
    assert agg == f"Pods/{rs}"
    assert [rs, agg] in traces(small, "edges", kind="owns")[0]["meta"]["pairs"]

    monkeypatch.setattr("kubenb.viz.figures.graph.GL_THRESHOLD", 3)
    big = viz.graph(c, "default")
    assert {tr["type"] for tr in big.to_plotly_json()["data"]} == {"scattergl"}


def test_graph_labels_are_short_kind_names_kept_apart(rolled):
    """The course's rollout: labels read like kubectl (``deploy/``, ``rs/``, ``po/``, ``svc/``), sit above
    their marker, are no wider than a column, and no two share a column closer than a row apart."""
    from kubenb.viz.layered import WIDTH

    c, _, _ = rolled
    fig = viz.graph(c, "default")
    nodes = traces(fig, "nodes")
    prefixes = {"Deployment": "deploy/", "ReplicaSet": "rs/", "Pod": "po/", "Service": "svc/", "Node": "no/",
                "ConfigMap": "cm/"}
    xs = sorted({x for tr in nodes for x in tr["x"]})
    assert xs == [float(i) for i in range(len(xs))]  # empty columns (Ingress, PVC, PV…) take no room
    budget = int(WIDTH / len(xs) / 6.5)
    seen: dict[float, list[float]] = {}
    cats: set[str] = set()
    for tr in nodes:
        cat = tr["meta"]["category"]
        assert tr["textposition"] == "top center"
        for text, x, y in zip(tr["text"], tr["x"], tr["y"], strict=True):
            assert text.startswith(prefixes[cat]) and len(text) <= budget
            cats.add(cat)
            seen.setdefault(x, []).append(y)
    for ys in seen.values():
        ys.sort()
        assert all(b - a >= 1 for a, b in zip(ys, ys[1:], strict=False))
    assert cats >= {"Deployment", "ReplicaSet", "Pod", "Service"}
    titles = [a["text"] for a in fig.layout.annotations]
    assert len(titles) == len(xs) and "<b>PVC</b>" not in titles


def test_timeline_bars_are_the_recorded_intervals(rolled):
    c, _, _ = rolled
    fig = viz.timeline(c, "app=nginx-deploy")
    rec = recorder_for(c)
    tracks = {t.name: t for t in rec.pod_tracks("default")}
    rows = fig.layout.meta["kubenb"]["row_names"]
    assert sorted(rows) == sorted(tracks)
    bars: dict[str, list] = {}
    for tr in traces(fig, "segments"):
        for base, length, row, custom in zip(tr["base"], tr["x"], tr["y"], tr["customdata"], strict=True):
            assert custom[0] == row
            assert epoch(base) == pytest.approx(custom[1], abs=1e-3)
            assert length == pytest.approx((custom[2] - custom[1]) * 1000, abs=1)
            bars.setdefault(row, []).append((custom[1], tr["meta"]["state"]))
    for name, t in tracks.items():
        assert sorted(bars[name]) == sorted((start, state) for start, _, state, _ in t.intervals(c.clock.now))
    (deleted,) = traces(fig, "deleted")
    assert sorted(deleted["y"]) == sorted(n for n, t in tracks.items() if t.deleted is not None)
    per_container = viz.timeline(c, "app=nginx-deploy", containers=True)
    assert all(r.endswith(" / nginx") for r in per_container.layout.meta["kubenb"]["row_names"])
    assert {tr["meta"]["state"] for tr in traces(per_container, "segments")} >= {
        "Waiting:ContainerCreating", "Running:Ready", "Terminated:Completed"}


def test_the_one_pass_aggregated_graph_equals_aggregating_the_full_one(rolled):
    from kubenb.viz.figures.graph import aggregate, aggregated_graph

    c, _, _ = rolled
    c.apply(WEB)
    c.sleep("20s")
    full = aggregate(viz.object_graph(c, "default"))
    fast = aggregated_graph(c, "default")
    assert sorted(fast.nodes) == sorted(full.nodes)
    assert sorted(fast.edges(data="kind")) == sorted(full.edges(data="kind"))
    for k, d in fast.nodes(data=True):
        if d["kind"] == "Pods":
            assert (d["count"], d["states"], d["nodes"]) == tuple(full.nodes[k][a] for a in ("count", "states", "nodes"))
    assert {d["kind"] for _, d in fast.nodes(data=True)} >= {"Pods", "Service", "Deployment", "ReplicaSet", "Node"}
