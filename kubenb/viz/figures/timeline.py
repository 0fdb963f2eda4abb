"""`timeline(cluster, "app=x")`: a Gantt chart of each pod's life, from the recorder.

One row per pod (``containers=True``: per pod and container), newest at the bottom; each
recorded state interval is a horizontal bar on a date axis (``base`` = start, ``x`` = length in
milliseconds, as Plotly's own timelines). Pod states: ``Pending``, ``Unschedulable``,
``ContainerCreating`` (and other waiting reasons), ``Running`` (not ready), ``Ready``,
``Terminating``, ``Succeeded``, ``Failed``, ``CrashLoopBackOff`` …; container states are
``Waiting:<reason>``, ``Running:Ready``, ``Running:NotReady``, ``Terminated:<reason>``.

Traces: role ``segments`` — one bar trace per state (``meta["state"]``), ``customdata`` =
``[row, start epoch, end epoch]`` per bar; role ``deleted`` — × markers where pods were removed.
``layout.meta["kubenb"]["row_names"]`` lists the rows top to bottom; ``["hidden"]`` counts pods left
out beyond `max_rows` (the oldest go first).
"""

from __future__ import annotations

from typing import Any, Optional

import plotly.graph_objects as go

from kubenb.api import labels as labelsel
from kubenb.history import Recorder, recorder_for
from kubenb.viz.common import VizError, bar, base_layout, figure_meta, make_figure, scatter, state_color, xtime


def timeline(cluster: Any, selector: Optional[str] = None, namespace: Optional[str] = "default",
             recorder: Optional[Recorder] = None, until: Optional[float] = None, containers: bool = False,
             max_rows: int = 300) -> go.Figure:
    """Pod phases (or container states) over time for the pods matching `selector` (``app=x``)."""
    rec = recorder or recorder_for(cluster)
    try:
        sel = labelsel.parse_selector(selector) if selector else None
    except labelsel.SelectorError as e:
        raise VizError(f"error: {e}") from None
    now = cluster.clock.now
    end = now if until is None else min(until, now)
    tracks = [t for t in rec.pod_tracks(namespace, sel) if t.times and t.times[0] <= end]
    tracks.sort(key=lambda t: (t.times[0], t.namespace, t.name))
    hidden = max(0, len(tracks) - max_rows)
    tracks = tracks[hidden:]
    by_state: dict[str, dict[str, list]] = {}
    rows: list[str] = []
    summary = []
    dx, dy = [], []

    def segment(state: str, row: str, start: float, stop: float, hover: str) -> None:
        b = by_state.setdefault(state, {"base": [], "x": [], "y": [], "custom": [], "hover": []})
        b["base"].append(xtime(start))
        b["x"].append(round(max(stop - start, 0.0) * 1000, 3))
        b["y"].append(row)
        b["custom"].append([row, start, stop])
        b["hover"].append(hover)

    for t in tracks:
        label = t.name if namespace is not None else f"{t.namespace}/{t.name}"
        intervals = list(t.intervals(end))
        if containers:
            names = sorted({name for _, _, _, cs in intervals for name, _ in cs})
            for cname in names:
                row = f"{label} / {cname}"
                rows.append(row)
                for start, stop, _, cs in intervals:
                    state = dict(cs).get(cname)
                    if state:
                        segment(state, row, start, stop, f"{row}<br>{state}")
        else:
            rows.append(label)
            for start, stop, state, cs in intervals:
                detail = "<br>".join(f"{n}: {s}" for n, s in cs)
                segment(state, label, start, stop, f"{label}<br><b>{state}</b><br>{detail}")
        if t.deleted is not None and t.deleted <= end:
            dx.append(xtime(t.deleted))
            dy.append(rows[-1])
        summary.append([label, t.node or "", t.state or "", _span(t, end)])
    traces: list[Any] = []
    for state in sorted(by_state, key=_state_order):
        b = by_state[state]
        traces.append(bar(
            base=b["base"], x=b["x"], y=b["y"], orientation="h", name=state, marker={"color": state_color(state)},
            customdata=b["custom"], hovertext=b["hover"], hoverinfo="text", meta={"role": "segments", "state": state}))
    if dx:
        traces.append(scatter(x=dx, y=dy, mode="markers", name="deleted", marker={"symbol": "x", "color": "#333"},
                                 meta={"role": "deleted"}, hovertemplate="deleted %{x}<extra>%{y}</extra>"))
    shapes = []
    if until is not None:
        shapes.append({"type": "line", "x0": xtime(end), "x1": xtime(end), "y0": 0, "y1": 1, "yref": "paper",
                       "line": {"color": "#000", "width": 2}, "name": "cursor"})
    what = f"pods matching {selector}" if selector else "pods"
    title = f"Timeline of {what}" + (f" in {namespace}" if namespace else "") + (
        f" ({hidden} older not shown)" if hidden else "")
    layout = base_layout(
        title, barmode="overlay", bargap=0.25, shapes=shapes,
        xaxis={"type": "date", "title": {"text": "simulated time (UTC)"}},
        yaxis={"categoryorder": "array", "categoryarray": list(reversed(rows)), "automargin": True,
               "tickfont": {"size": 10}},
        height=max(260, min(2400, 120 + 22 * len(rows))), legend={"traceorder": "normal"},
        meta=figure_meta("timeline", cluster, target=selector, namespace=namespace, until=until,
                         columns=["POD", "NODE", "STATE", "LIFETIME"], rows=summary[-50:], hidden=hidden,
                         row_names=rows))
    if not rows:
        empty = f"No pods{' matching ' + selector if selector else ''} recorded in {namespace or 'any'} namespace."
        layout["annotations"] = [{"text": empty, "showarrow": False, "xref": "paper", "yref": "paper",
                                  "x": 0.5, "y": 0.5}]
    return make_figure(traces, layout)


_ORDER = ["Pending", "Unschedulable", "ContainerCreating", "Running", "Ready", "Terminating", "Succeeded", "Failed"]


def _state_order(state: str) -> tuple[int, str]:
    return (_ORDER.index(state) if state in _ORDER else len(_ORDER), state)


def _span(t: Any, end: float) -> str:
    stop = t.deleted if t.deleted is not None and t.deleted <= end else end
    seconds = int(stop - t.created)
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"
