"""`rollout(cluster, "deploy/x")`: a Deployment's ReplicaSets over time, with the rolling-update bounds.

Traces (``meta["role"]``), all step lines (``line.shape == "hv"``) on a date x axis:

* ``rs-desired`` / ``rs-ready`` / ``rs-available`` — one of each per ReplicaSet (``meta["rs"]``,
  ``meta["revision"]``): ``spec.replicas``, ``status.readyReplicas``, ``status.availableReplicas``
  at every write that changed one of them (several points may share an instant), then a last
  point at the end (the ReplicaSet's deletion, or the instant shown);
* ``total-desired`` / ``total-available`` — the sums over the ReplicaSets, in write order;
* ``bound-max`` (``replicas + maxSurge``) and ``bound-min`` (``replicas - maxUnavailable``) —
  the fenceposts the Deployment controller keeps Σ desired under and Σ available above while
  it rolls (RollingUpdate only), resolved like the controller does (surge rounds up,
  unavailable down);
* ``scaling`` — the ``ScalingReplicaSet`` events as markers at (event time, the new size), the
  message in ``customdata``/hover; ``meta["messages"]`` lists them in order.

Layout annotations name each revision when it appeared (``rev N · change-cause`` or the images).
For a StatefulSet or DaemonSet the object's own counts are drawn (roles ``desired``, ``ready``,
``available``, ``updated``).
"""

from __future__ import annotations

from typing import Any, Optional

import plotly.graph_objects as go

from kubenb.api.intstr import IntOrStringError, get_scaled_value_from_int_or_percent, value_or_default
from kubenb.history import OwnerHistory, Recorder, StrategySample, recorder_for
from kubenb.viz.common import (
    VizError,
    base_layout,
    color,
    figure_meta,
    get_object,
    make_figure,
    resolve_target,
    scatter,
    short,
    xtime,
)


def fenceposts(s: StrategySample) -> Optional[tuple[int, int]]:
    """(replicas + maxSurge, replicas - maxUnavailable) as `util.resolve_fenceposts` would give, or None
    for Recreate (or values the API would have rejected)."""
    if s.strategy != "RollingUpdate":
        return None
    try:
        surge = get_scaled_value_from_int_or_percent(value_or_default(s.max_surge, "25%"), s.replicas, True)
        unavailable = get_scaled_value_from_int_or_percent(value_or_default(s.max_unavailable, "25%"), s.replicas,
                                                           False)
    except IntOrStringError:
        return None
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return s.replicas + surge, s.replicas - min(unavailable, s.replicas)


def _clip(samples: Any, until: float) -> list:
    return [s for s in samples if s.time <= until]


def _step_trace(xs: list[float], ys: list[int], *, name: str, role: str, line: dict, group: str,
                meta: Optional[dict] = None, showlegend: bool = True, visible: Any = True) -> dict:
    return scatter(x=[xtime(t) for t in xs], y=ys, mode="lines", name=name, line={"shape": "hv", **line},
                      legendgroup=group, showlegend=showlegend, visible=visible,
                      meta={"role": role, **(meta or {})}, hovertemplate="%{y} " + role.split("-")[-1] + "<extra>" +
                      name.replace("<", "&lt;") + "</extra>")


def rollout(cluster: Any, target: str, namespace: str = "default", recorder: Optional[Recorder] = None,
            until: Optional[float] = None) -> go.Figure:
    """ReplicaSet replica curves of Deployment `target` (``deploy/x``), or a StatefulSet/DaemonSet's own."""
    rec = recorder or recorder_for(cluster)
    info, name = resolve_target(cluster, target, "deployment")
    if info.kind not in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"):
        raise VizError(f"error: rollout pictures need a Deployment, StatefulSet, DaemonSet or ReplicaSet, not {info.kind}")
    hist = rec.owner(info.kind, namespace, name)
    if hist is None:
        get_object(cluster, info, namespace, name)  # raises NotFound in kubectl's words
        raise VizError(f"error: no history recorded for {info.kind.lower()}/{name}")
    now = cluster.clock.now
    end = now if until is None else min(until, now)
    if info.kind == "Deployment":
        return _deployment(cluster, rec, hist, namespace, end, until)
    return _single(cluster, hist, namespace, end, until)


def _deployment(cluster: Any, rec: Recorder, d: OwnerHistory, namespace: str, end: float,
                until: Optional[float]) -> go.Figure:
    traces: list[Any] = []
    rss = rec.children(d.uid, "ReplicaSet")
    rss = [rs for rs in rss if rs.samples and rs.samples[0].time <= end]
    rows = []
    # ---------------------------------------------------------------- per ReplicaSet
    merged: list[tuple[float, int, int, Any]] = []  # (time, order, rs index, sample)
    for i, rs in enumerate(rss):
        samples = _clip(rs.samples, end)
        if not samples:
            continue
        rev = rs.revision()
        number = max((r.revision for r in rs.revisions if r.time <= end), default=0)
        images = rev.images if rev else ()
        label = f"{rs.name} (rev {number})" if number else rs.name
        stop = rs.deleted if rs.deleted is not None and rs.deleted <= end else end
        xs = [s.time for s in samples] + [stop]
        c = color(i)
        meta = {"rs": rs.name, "revision": number, "images": list(images)}
        for role, attr, dash, width in (("rs-desired", "spec", "solid", 2.5), ("rs-ready", "ready", "dash", 1.5),
                                        ("rs-available", "available", "dot", 2)):
            ys = [getattr(s, attr) for s in samples]
            ys.append(ys[-1])
            title = {"rs-desired": "desired", "rs-ready": "ready", "rs-available": "available"}[role]
            traces.append(_step_trace(xs, ys, name=f"{label} {title}", role=role, group=rs.name,
                                      line={"color": c, "dash": dash, "width": width}, meta=meta))
        last = samples[-1]
        rows.append([rs.name, number, ", ".join(images), last.spec, last.ready, last.available])
        for order, s in enumerate(samples):
            merged.append((s.time, order, i, s))
    # ---------------------------------------------------------------- totals, in write order
    # samples of different ReplicaSets at one instant are ordered by when they were recorded:
    # each history is in write order, and a stable merge by time keeps that order per ReplicaSet.
    merged.sort(key=lambda m: (m[0], m[3].rv, m[2], m[1]))
    current: dict[int, Any] = {}
    tx, td, ta = [], [], []
    for t, _, i, s in merged:
        current[i] = s
        tx.append(t)
        td.append(sum(v.spec for v in current.values()))
        ta.append(sum(v.available for v in current.values()))
    if tx:
        tx.append(end)
        td.append(td[-1])
        ta.append(ta[-1])
        traces.append(_step_trace(tx, td, name="Σ desired", role="total-desired", group="totals",
                                  line={"color": "#444", "width": 1}, visible="legendonly"))
        traces.append(_step_trace(tx, ta, name="Σ available", role="total-available", group="totals",
                                  line={"color": "#2ca02c", "width": 1}, visible="legendonly"))
    # ---------------------------------------------------------------- fenceposts
    strategies = [s for s in d.strategies if s.time <= end]
    bx, bmax, bmin = [], [], []
    for s in strategies:
        posts = fenceposts(s)
        bx.append(s.time)
        bmax.append(posts[0] if posts else None)
        bmin.append(posts[1] if posts else None)
    if bx and any(v is not None for v in bmax):
        bx.append(end)
        bmax.append(bmax[-1])
        bmin.append(bmin[-1])
        traces.append(_step_trace(bx, bmax, name="replicas + maxSurge", role="bound-max", group="bounds",
                                  line={"color": "#d62728", "dash": "longdash", "width": 1}))
        traces.append(_step_trace(bx, bmin, name="replicas − maxUnavailable", role="bound-min", group="bounds",
                                  line={"color": "#ff7f0e", "dash": "longdash", "width": 1}))
    # ---------------------------------------------------------------- scaling events
    events = [e for e in rec.scaling_events(d.uid) if e.time <= end]
    index = {rs.name: i for i, rs in enumerate(rss)}
    if events:
        traces.append(scatter(
            x=[xtime(e.time) for e in events], y=[e.to for e in events], mode="markers", name="ScalingReplicaSet",
            marker={"size": 10, "symbol": ["triangle-up" if e.direction == "up" else "triangle-down" for e in events],
                    "color": [color(index.get(e.replica_set, 0)) for e in events],
                    "line": {"width": 1, "color": "#222"}},
            customdata=[e.message for e in events], hovertemplate="%{customdata}<extra>%{x}</extra>",
            meta={"role": "scaling", "messages": [e.message for e in events]}, legendgroup="events"))
    # ---------------------------------------------------------------- revisions
    annotations, shapes = [], []
    for i, rs in enumerate(rss):
        for r in rs.revisions:
            if r.time > end or not r.revision:
                continue
            text = f"rev {r.revision} · " + short(r.change_cause or ", ".join(r.images), 48)
            annotations.append({"x": xtime(r.time), "y": 1.0, "yref": "paper", "xref": "x", "text": text,
                                "showarrow": False, "xanchor": "left", "yanchor": "bottom", "textangle": 0,
                                "font": {"size": 10, "color": color(i)}, "name": f"revision-{r.revision}"})
            shapes.append({"type": "line", "x0": xtime(r.time), "x1": xtime(r.time), "y0": 0, "y1": 1,
                           "yref": "paper", "line": {"color": color(i), "width": 1, "dash": "dot"}})
    # stagger labels that start at the same instant
    for k, a in enumerate(annotations):
        a["y"] = 1.0 + 0.06 * sum(1 for b in annotations[:k] if b["x"] == a["x"])
    if until is not None:
        shapes.append({"type": "line", "x0": xtime(end), "x1": xtime(end), "y0": 0, "y1": 1, "yref": "paper",
                       "line": {"color": "#000", "width": 2}, "name": "cursor"})
    top = max([*(v for v in bmax if v is not None), *td, 1]) if (bmax or td) else 1
    layout = base_layout(
        f"Rollout of deployment/{d.name}" + ("" if namespace == "default" else f" -n {namespace}"),
        xaxis={"type": "date", "title": {"text": "simulated time (UTC)"}},
        yaxis={"title": {"text": "replicas"}, "dtick": 1 if top <= 12 else None, "rangemode": "tozero",
               "range": [-0.2, top + 0.8]},
        legend={"groupclick": "toggleitem", "font": {"size": 10}}, hovermode="closest",
        annotations=annotations, shapes=shapes,
        meta=figure_meta("rollout", cluster, target=f"deployment/{d.name}", namespace=namespace, until=until,
                         columns=["REPLICASET", "REVISION", "IMAGES", "DESIRED", "READY", "AVAILABLE"], rows=rows,
                         messages=[e.message for e in events]),
    )
    layout["margin"]["t"] = 60 + 14 * max((int((a["y"] - 1) / 0.06) for a in annotations), default=0)
    return make_figure(traces, layout)


def _single(cluster: Any, h: OwnerHistory, namespace: str, end: float, until: Optional[float]) -> go.Figure:
    samples = _clip(h.samples, end)
    xs = [s.time for s in samples] + [end]
    traces = []
    for i, (role, attr) in enumerate((("desired", "spec"), ("ready", "ready"), ("available", "available"),
                                      ("updated", "updated"))):
        ys = [getattr(s, attr) for s in samples]
        if not ys:
            continue
        ys.append(ys[-1])
        traces.append(_step_trace(xs, ys, name=role, role=role, group=role,
                                  line={"color": color(i), "dash": ("solid", "dash", "dot", "dashdot")[i]}))
    last = samples[-1] if samples else None
    rows = [[f"{h.kind.lower()}/{h.name}", last.spec, last.ready, last.available, last.updated]] if last else []
    annotations = []
    for r in h.revisions:
        if r.time <= end and (r.change_cause or r.images):
            annotations.append({"x": xtime(r.time), "y": 1.0, "yref": "paper", "text": short(
                r.change_cause or ", ".join(r.images), 48), "showarrow": False, "xanchor": "left",
                "yanchor": "bottom", "font": {"size": 10}})
    layout = base_layout(f"Rollout of {h.kind.lower()}/{h.name}", xaxis={"type": "date"},
                         yaxis={"title": {"text": "replicas"}, "rangemode": "tozero"}, annotations=annotations,
                         meta=figure_meta("rollout", cluster, target=f"{h.kind.lower()}/{h.name}",
                                          namespace=namespace, until=until,
                                          columns=["OBJECT", "DESIRED", "READY", "AVAILABLE", "UPDATED"], rows=rows))
    return make_figure(traces, layout)
