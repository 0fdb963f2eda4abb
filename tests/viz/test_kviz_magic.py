"""`%kviz`: views by name, help, one-line errors, completion, and live widgets refreshed after commands."""

from __future__ import annotations

import pytest

from kubenb.magics import viz as viz_magics
from kubenb.magics.session import SESSION
from kubenb.viz.live import LiveView

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
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
"""


@pytest.fixture
def ip(ipython_shell):
    viz_magics.register(ipython_shell)  # until `load_ipython_extension` does it (once per shell)
    return ipython_shell


@pytest.fixture
def shown(ip, monkeypatch):
    SESSION.new("default", "course")
    SESSION.current.apply(WEB)
    SESSION.current.sleep("30s")
    out: list = []
    monkeypatch.setattr("kubenb.magics.viz.display", out.append)
    return out


@pytest.mark.parametrize("line,view", [
    pytest.param("rollout deploy/web", "rollout", id="rollout"),
    pytest.param("routes svc/web", "routes", id="routes"),
    pytest.param("routes svc/web --node mac-master", "routes", id="routes-node"),
    pytest.param("storage", "storage", id="storage"),
    pytest.param("nodes", "nodes", id="nodes"),
    pytest.param("graph --focus deploy/web", "graph", id="graph"),
    pytest.param("timeline -l app=web", "timeline", id="timeline"),
])
def test_each_view_displays_a_live_widget(ip, shown, line, view):
    ip.run_line_magic("kviz", line)
    (obj,) = shown
    assert isinstance(obj, LiveView) and obj.view == view and obj.error is None
    assert obj.figure.layout.meta["kubenb"]["view"] == view


def test_the_same_view_reuses_its_widget_and_commands_refresh_it(ip, shown, monkeypatch):
    ip.run_line_magic("kviz", "rollout deploy/web")
    ip.run_line_magic("kviz", "rollout deploy/web")
    first, second = shown
    assert first is second
    before = first.refreshes
    monkeypatch.setattr("kubenb.magics.magics.display", lambda *_: None)
    ip.run_line_magic("k", "scale deploy web --replicas=3")
    ip.run_line_magic("ksleep", "30s")
    viz_magics.after_command()  # what the kubectl magics call after each command
    assert first.refreshes > before
    (desired,) = [tr for tr in first.widget.data if tr.meta["role"] == "rs-desired"]
    assert desired.y[-1] == 3


def test_static_figures_carry_plotly_json_and_the_fallback(ip, shown):
    ip.run_line_magic("kviz", "routes svc/web --static")
    (obj,) = shown
    bundle = obj._repr_mimebundle_()
    assert bundle["application/vnd.plotly.v1+json"]["data"][0]["type"] == "sankey"
    assert "<table" in bundle["text/html"] and bundle["text/plain"] == "<kubenb routes svc/web>"


def test_errors_are_one_line(ip, shown, capsys):
    ip.run_line_magic("kviz", "rollout deploy/missing")
    assert capsys.readouterr().err == 'Error from server (NotFound): deployments.apps "missing" not found\n'
    ip.run_line_magic("kviz", "pie")
    assert capsys.readouterr().err.startswith('error: unknown view "pie"')
    ip.run_line_magic("kviz", "rollout")
    assert "needs a target" in capsys.readouterr().err
    assert shown == []


def test_help(ip, shown, capsys):
    doc = ip.magics_manager.magics["line"]["kviz"].__doc__
    for view in viz_magics.VIEWS:
        assert f"%kviz {view}" in doc
    ip.run_line_magic("kviz", "help")
    assert "%kviz rollout deploy/NAME" in capsys.readouterr().out


def test_completion(ip, shown):
    complete = viz_magics.complete_kviz_args
    assert complete([""]) == [*viz_magics.VIEWS, "help"]
    assert complete(["rollout", ""]) == ["deploy/web"]
    assert "svc/web" in complete(["routes", ""]) and "svc/kubernetes" in complete(["routes", ""])
    assert "app=web" in complete(["timeline", "-l", ""])
    assert "kube-system" in complete(["storage", "-n", ""])
    assert complete(["graph", "--focus", ""])[:1] == ["deploy/web"]
    assert "--static" in complete(["nodes", "--"])
    assert complete(["routes", "svc/web", "--node", ""]) == ["mac-master", "mac-worker"]


def test_routes_of_one_node_show_its_chains(ip, shown, capsys):
    ip.run_line_magic("kviz", "routes svc/web --node mac-master --static")
    (obj,) = shown
    data = obj.fig.to_plotly_json()["data"]
    assert [tr["type"] for tr in data] == ["sankey", "table"]
    assert data[1]["meta"]["node"] == "mac-master"
    svc = SESSION.current.get("svc", "web")
    assert "frontend:default/web:80/TCP:ClusterIP@mac-master" in data[0]["node"]["customdata"]
    assert any(r.startswith("-A KUBE-SERVICES -d " + svc.spec.cluster_ip) for r in data[1]["meta"]["rules"])
    fallback = obj._repr_mimebundle_()["text/html"]
    assert "<b>kube-proxy's chains on node mac-master</b>" in fallback
    assert "<b>Routes to svc/web from node mac-master</b>" in fallback  # the title, without its subtitle markup
    ip.run_line_magic("kviz", "routes svc/web --node nope")
    assert capsys.readouterr().err == 'Error from server (NotFound): nodes "nope" not found\n'
