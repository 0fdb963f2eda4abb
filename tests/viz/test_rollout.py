"""`rollout`: the ReplicaSet curves are the counts the controllers wrote, inside the fenceposts."""

from __future__ import annotations

import pytest
from viz_helpers import epoch, new_cluster, step_value, traces

from kubenb import viz
from kubenb.viz.common import VizError, xtime


def test_curves_are_the_replica_counts_the_controller_wrote(rolled):
    c, witness, _ = rolled
    fig = viz.rollout(c, "deploy/nginx-deploy")
    assert set(witness.writes) == {tr["meta"]["rs"] for tr in traces(fig, "rs-desired")}
    for name, writes in witness.writes.items():
        curves = {role: traces(fig, role, rs=name)[0] for role in ("rs-desired", "rs-ready", "rs-available")}
        for index, role in ((1, "rs-desired"), (2, "rs-ready"), (3, "rs-available")):
            tr = curves[role]
            assert tr["line"]["shape"] == "hv"
            # after every write, the curve holds the value that write left
            for t in sorted({w[0] for w in writes}):
                last = [w for w in writes if w[0] == t][-1]
                assert step_value(tr, t) == last[index], (name, role, xtime(t))
            # and every point of the curve (but the closing one) is a value written at that instant
            for x, y in list(zip(tr["x"], tr["y"], strict=True))[:-1]:
                assert any(xtime(w[0]) == x and w[index] == y for w in writes), (name, role, x, y)
            assert epoch(tr["x"][-1]) == pytest.approx(c.clock.now, abs=1e-3)
    summary = fig.layout.meta["kubenb"]["summary"]
    assert [row[3:] for row in summary["rows"]] == [[0, 0, 0], [4, 4, 4]]


def test_totals_never_cross_the_surge_and_unavailable_bounds(rolled):
    c, _, changed = rolled
    fig = viz.rollout(c, "deploy/nginx-deploy")
    (upper,) = traces(fig, "bound-max")
    (lower,) = traces(fig, "bound-min")
    assert set(upper["y"]) == {5}  # 4 + ceil(25% of 4)
    assert set(lower["y"]) == {3}  # 4 - floor(25% of 4)
    (desired,) = traces(fig, "total-desired")
    (available,) = traces(fig, "total-available")
    assert max(desired["y"]) == 5  # the surge is used...
    for x, y in zip(desired["x"], desired["y"], strict=True):
        assert y <= step_value(upper, epoch(x)), x  # ...never exceeded
    during = [(x, y) for x, y in zip(available["x"], available["y"], strict=True) if epoch(x) >= changed]
    assert during and min(y for _, y in during) == 3  # the unavailable budget is used, never exceeded
    for x, y in during:
        assert y >= step_value(lower, epoch(x)), x


def test_scaling_events_are_markers_on_the_curves(rolled):
    c, _, _ = rolled
    fig = viz.rollout(c, "deploy/nginx-deploy")
    (scaling,) = traces(fig, "scaling")
    events = sorted((e for e in c.store.list("Event", "default") if e.reason == "ScalingReplicaSet"),
                    key=lambda e: int(e.metadata.resource_version))
    assert scaling["customdata"] == [e.message for e in events]
    assert scaling["meta"]["messages"] == scaling["customdata"]
    old, new = (tr["meta"]["rs"] for tr in traces(fig, "rs-desired"))
    assert scaling["customdata"] == [
        f"Scaled up replica set {old} to 4", f"Scaled up replica set {new} to 1", f"Scaled down replica set {old} to 3",
        f"Scaled up replica set {new} to 2", f"Scaled down replica set {old} to 1", f"Scaled up replica set {new} to 4",
        f"Scaled down replica set {old} to 0"]
    for x, y, message in zip(scaling["x"], scaling["y"], scaling["customdata"], strict=True):
        rs = message.split()[4]
        (curve,) = traces(fig, "rs-desired", rs=rs)
        assert y == int(message.rsplit(" ", 1)[1])
        assert any(cx == x and cy == y for cx, cy in zip(curve["x"], curve["y"], strict=True))


def test_revisions_are_labelled_with_their_change_cause(rolled):
    c, _, changed = rolled
    fig = viz.rollout(c, "deploy/nginx-deploy")
    texts = [a["text"] for a in fig.to_plotly_json()["layout"]["annotations"]]
    assert texts == ["rev 1 · nginx:1.21-alpine", "rev 2 · image updated to 1.22"]
    rev2 = fig.layout.annotations[1]
    assert epoch(rev2.x) == pytest.approx(changed, abs=1e-3)
    assert [tr["meta"]["revision"] for tr in traces(fig, "rs-desired")] == [1, 2]


def test_until_shows_the_past_with_a_cursor(rolled):
    c, _, changed = rolled
    fig = viz.rollout(c, "deploy/nginx-deploy", until=changed + 1)
    assert len(traces(fig, "rs-desired")) == 2
    (old, new) = traces(fig, "rs-desired")
    assert old["y"][-1] == 3 and new["y"][-1] == 2
    assert all(epoch(x) <= changed + 1 + 1e-3 for x in new["x"])
    assert fig.layout.shapes[-1].name == "cursor"


def test_statefulset_and_errors():
    c = new_cluster()
    c.apply("""\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 2
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: c, image: redis:alpine}]}
""")
    c.sleep("60s")
    fig = viz.rollout(c, "sts/db")
    (desired,) = traces(fig, "desired")
    assert desired["y"][-1] == 2
    assert traces(fig, "ready")[0]["y"][-1] == 2
    with pytest.raises(VizError, match=r'^Error from server \(NotFound\): deployments.apps "nope" not found$'):
        viz.rollout(c, "deploy/nope")
    with pytest.raises(VizError, match="need a Deployment"):
        viz.rollout(c, "svc/kubernetes")
