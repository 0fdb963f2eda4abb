"""Live views: one FigureWidget per view, patched in place when the cluster changes."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from viz_helpers import new_cluster, traces

from kubenb import viz
from kubenb.viz.common import VizError
from kubenb.viz.live import LiveView, live_views

WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: nginx:alpine}]}
"""


def desired(fig) -> list:
    (tr,) = traces(fig, "rs-desired")
    return tr["y"]


def count_messages(widget, monkeypatch) -> dict[str, int]:
    sent = {"addTraces": 0, "deleteTraces": 0, "update": 0, "restyle": 0, "relayout": 0}
    for kind in sent:
        original = getattr(widget, f"_send_{kind}_msg")

        def spy(*a, _kind=kind, _original=original, **kw):
            sent[_kind] += 1
            return _original(*a, **kw)

        monkeypatch.setattr(widget, f"_send_{kind}_msg", spy)
    return sent


def test_scaling_patches_the_same_widget(monkeypatch):
    c = new_cluster()
    c.apply(WEB)
    c.sleep("30s")
    view = viz.live_view(c, "rollout", "deploy/web", namespace="default")
    widget, model_id = view.widget, view.widget.model_id
    assert desired(widget)[-1] == 2
    nodes_view = viz.live_view(c, "nodes")
    sent = count_messages(widget, monkeypatch)
    assert viz.refresh_all() == 0  # nothing changed: nothing redrawn

    c.kubectl("scale deploy web --replicas=5")
    c.sleep("30s")
    assert viz.refresh_all() >= 2
    assert view.widget is widget and widget.model_id == model_id
    assert desired(widget)[-1] == 5
    assert desired(widget) == desired(viz.rollout(c, "deploy/web"))  # the widget shows what the function draws
    assert sent["addTraces"] == sent["deleteTraces"] == 0
    assert sent["update"] == 1  # one batched message for the whole patch
    (pods,) = traces(nodes_view.widget, "requests", resource="pods", owner="deployment/web")
    assert sum(pods["y"]) == 5
    # asking for the view again gives the same widget back
    assert viz.live_view(c, "rollout", "deploy/web", namespace="default") is view
    assert view in live_views()


def test_new_traces_are_added_to_the_same_widget():
    c = new_cluster()
    c.apply(WEB)
    c.sleep("30s")
    view = viz.live_view(c, "rollout", "deploy/web")
    widget = view.widget
    before = len(widget.data)
    c.kubectl("set image deploy/web c=nginx:1.25")
    c.sleep("60s")
    assert view.refresh()
    assert view.widget is widget and len(widget.data) == before + 3  # the new ReplicaSet's three curves
    assert [tr.meta["rs"] for tr in widget.data if tr.meta["role"] == "rs-desired"] == [
        tr["meta"]["rs"] for tr in traces(viz.rollout(c, "deploy/web"), "rs-desired")]


def test_the_time_slider_scrubs_history():
    c = new_cluster()
    c.apply(WEB)
    c.sleep("30s")
    view = viz.live_view(c, "timeline", "app=web")
    assert view.slider is not None and view.slider.value == view.slider.max
    c.kubectl("scale deploy web --replicas=3")
    c.sleep("30s")
    view.refresh()
    assert view.slider.value == view.slider.max  # following the present
    view.slider.value = 1  # one second after the first pod appeared
    assert view.until == view.t0 + 1
    rows = view.widget.layout.meta["kubenb"]["row_names"]
    assert len(rows) == 2  # the third pod did not exist yet
    assert view.widget.layout.shapes[-1].name == "cursor"
    assert "(history)" in view.label.value
    view.slider.value = view.slider.max
    assert view.until is None and len(view.widget.layout.meta["kubenb"]["row_names"]) == 3
    assert not view.widget.layout.shapes  # the cursor is gone again


def test_display_has_a_light_static_fallback():
    c = new_cluster()
    c.apply(WEB)
    c.sleep("30s")
    view = LiveView(c, "rollout", "deploy/web")
    bundle = view._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"] == "<kubenb live rollout deploy/web>"
    html = bundle["text/html"]
    assert "<svg" in html and "<table" in html and "web-" in html
    assert "plotly" not in html.lower() and len(html) < 20_000
    assert LiveView(c, "rollout", "deploy/web")._repr_mimebundle_()["text/html"] == html  # deterministic
    for shown in (view, LiveView(c, "timeline", "app=web")):
        svg = shown._repr_mimebundle_()["text/html"]
        ElementTree.fromstring(svg[svg.index("<svg"):svg.index("</svg>") + 6])  # well-formed


def test_a_deleted_target_is_said_in_place():
    c = new_cluster()
    service = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n"
    c.apply(WEB)
    c.apply(service)
    c.sleep("30s")
    with pytest.raises(VizError, match='services "nothing" not found'):
        viz.live_view(c, "routes", "svc/nothing")
    view = viz.live_view(c, "routes", "svc/web")
    widget = view.widget
    c.kubectl("delete svc web")
    assert view.refresh() and view.error == 'Error from server (NotFound): services "web" not found'
    assert widget.layout.title.text == view.error and len(widget.data) == 0
    c.apply(service)
    c.sleep("5s")
    assert view.refresh() and view.error is None
    assert view.widget is widget and widget.data[0].type == "sankey"
