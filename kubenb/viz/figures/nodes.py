"""`nodes(cluster)`: what each node has promised, against what it can give.

Three stacked-bar panels sharing the x axis (one category per node, plus an ``Unscheduled``
lane): CPU (cores, top), memory (GiB) and pods (count, bottom — BestEffort pods request nothing
and show only there). Bars are the pods' *requests* — what the scheduler
counts — stacked by owner (a Deployment for its ReplicaSets' pods, a DaemonSet, a StatefulSet,
a Job; ``static`` for mirror pods; ``bare pods``); the biggest owners get their own trace, the
rest are summed as ``other``. Markers show ``status.allocatable`` (a wide dash) and the sum of
*limits* (an ×, over allocatable means the node is overcommitted). Tick labels list taints and
``SchedulingDisabled``. The Unscheduled lane holds pending pods without a node; their hover and
``layout.meta["kubenb"]["unscheduled"]`` carry the scheduler's last message
(``cluster.scheduler.decisions``).

Trace roles: ``requests`` (``meta["resource"]`` cpu|memory|pods, ``meta["owner"]``),
``allocatable`` (cpu|memory|pods), ``limits`` (cpu|memory).
"""

from __future__ import annotations

from typing import Any, Optional

import plotly.graph_objects as go

from kubenb.api.quantity import Quantity
from kubenb.history import Recorder
from kubenb.scheduler.resources import node_allocatable, pod_request
from kubenb.viz.common import bar, base_layout, color, figure_meta, make_figure, scatter

UNSCHEDULED = "Unscheduled"
TOP_OWNERS = 12
GIB = 1024**3


def _limits(spec: Any) -> tuple[int, int]:
    cpu = mem = 0
    for c in spec.containers:
        lim = c.resources.limits or {}
        if "cpu" in lim:
            cpu += Quantity.parse(lim["cpu"]).milli_value()
        if "memory" in lim:
            mem += Quantity.parse(lim["memory"]).value()
    return cpu, mem


def _owner_label(cluster: Any, pod: Any, cache: dict) -> tuple[str, Optional[str]]:
    """(group label, cache key for the pod's resources: pods of one controller share a template)."""
    ref = pod.metadata.controller_ref()
    ns = pod.metadata.namespace or ""
    if ref is None:
        return f"bare pods ({ns})", None
    if ref.kind == "Node":
        return "static pods", None
    label = cache.get(ref.uid)
    if label is None:
        label = f"{ref.kind.lower()}/{ref.name}"
        if ref.kind == "ReplicaSet":
            rs = cluster.store.try_get("ReplicaSet", ns, ref.name)
            top = rs.metadata.controller_ref() if rs is not None else None
            if top is not None:
                label = f"{top.kind.lower()}/{top.name}"
        if ns != "default":
            label += f" ({ns})"
        cache[ref.uid] = label
    return label, ref.uid


def nodes(cluster: Any, recorder: Optional[Recorder] = None) -> go.Figure:
    """Requests, limits and allocatable per node, pods stacked by owner, and an Unscheduled lane."""
    store = cluster.store
    node_objs = store.list("Node")
    names = [n.metadata.name for n in node_objs]
    lanes = [*names, UNSCHEDULED]
    lane_index = {n: i for i, n in enumerate(lanes)}
    n = len(lanes)
    owners: dict[str, list[list[float]]] = {}  # label -> [cpu per lane, mem per lane, pods per lane]
    limits_cpu = [0.0] * n
    limits_mem = [0.0] * n
    res_cache: dict[str, tuple] = {}
    label_cache: dict[str, str] = {}
    unscheduled = []
    decisions = getattr(getattr(cluster, "scheduler", None), "decisions", {})
    for pod in store.list("Pod"):
        if pod.status.phase in ("Succeeded", "Failed"):
            continue
        label, rkey = _owner_label(cluster, pod, label_cache)
        res = res_cache.get(rkey) if rkey is not None else None
        if res is None:
            req = pod_request(pod.spec)
            res = (req.milli_cpu, req.memory, *_limits(pod.spec))
            if rkey is not None:
                res_cache[rkey] = res
        lane = lane_index.get(pod.spec.node_name or UNSCHEDULED)
        if lane is None:
            continue
        acc = owners.get(label)
        if acc is None:
            acc = owners[label] = [[0.0] * n, [0.0] * n, [0] * n]
        acc[0][lane] += res[0] / 1000
        acc[1][lane] += res[1] / GIB
        acc[2][lane] += 1
        limits_cpu[lane] += res[2] / 1000
        limits_mem[lane] += res[3] / GIB
        if lane == n - 1:
            key = (pod.metadata.namespace or "", pod.metadata.name or "")
            d = decisions.get(key)
            reason = d.message if d is not None and d.message else _pod_scheduled_message(pod)
            unscheduled.append({"pod": f"{key[0]}/{key[1]}", "owner": label, "reason": reason})
    alloc = [node_allocatable(node) for node in node_objs]
    alloc_cpu = [a.milli_cpu / 1000 for a in alloc] + [None]
    alloc_mem = [a.memory / GIB for a in alloc] + [None]
    # ---------------------------------------------------------------- owners, biggest first
    share = {label: sum(a[0][i] / (alloc_cpu[i] or 1) + a[1][i] / (alloc_mem[i] or 1) for i in range(n - 1))
             + sum(a[2]) * 1e-6 for label, a in owners.items()}
    ranked = sorted(owners, key=lambda k: (-share[k], k))
    top, rest = ranked[:TOP_OWNERS], ranked[TOP_OWNERS:]
    groups = [(label, owners[label]) for label in top]
    if rest:
        other = [[0.0] * n, [0.0] * n, [0] * n]
        for label in rest:
            for r in range(3):
                other[r] = [x + y for x, y in zip(other[r], owners[label][r], strict=True)]
        groups.append((f"other ({len(rest)} owners)", other))
    traces: list[Any] = []
    for i, (label, acc) in enumerate(sorted(groups, key=lambda g: g[0].startswith("other"))):
        c = color(i) if not label.startswith("other") else "#c7c7c7"
        for resource, yaxis, values, unit in (("cpu", "y", acc[0], "cores"), ("memory", "y2", acc[1], "GiB"),
                                              ("pods", "y3", acc[2], "pods")):
            traces.append(bar(
                x=lanes, y=[round(v, 6) for v in values], name=label, legendgroup=label,
                showlegend=resource == "cpu", marker={"color": c}, yaxis=yaxis,
                customdata=acc[2], hovertemplate=f"{label}<br>%{{customdata}} pods, %{{y:.3f}} {unit}"
                                                 "<extra>%{x}</extra>",
                meta={"role": "requests", "resource": resource, "owner": label}))
    traces.append(scatter(x=lanes, y=[a.pods for a in alloc] + [None], mode="markers", name="allocatable",
                             legendgroup="allocatable", showlegend=False, yaxis="y3",
                             marker={"symbol": "line-ew-open", "size": 40, "color": "#222", "line": {"width": 3, "color": "#222"}},
                             meta={"role": "allocatable", "resource": "pods"},
                             hovertemplate="allocatable %{y} pods<extra>%{x}</extra>"))
    for resource, yaxis, values, lims in (("cpu", "y", alloc_cpu, limits_cpu), ("memory", "y2", alloc_mem, limits_mem)):
        traces.append(scatter(x=lanes, y=values, mode="markers", name="allocatable", legendgroup="allocatable",
                                 showlegend=resource == "cpu", yaxis=yaxis,
                                 marker={"symbol": "line-ew-open", "size": 40, "color": "#222", "line": {"width": 3, "color": "#222"}},
                                 meta={"role": "allocatable", "resource": resource},
                                 hovertemplate="allocatable %{y:.3f}<extra>%{x}</extra>"))
        traces.append(scatter(x=lanes, y=[round(v, 6) for v in lims], mode="markers", name="limits",
                                 legendgroup="limits", showlegend=resource == "cpu", yaxis=yaxis,
                                 marker={"symbol": "x-thin-open", "size": 12, "color": "#d62728",
                                         "line": {"width": 2, "color": "#d62728"}},
                                 meta={"role": "limits", "resource": resource},
                                 hovertemplate="limits %{y:.3f}<extra>%{x}</extra>"))
    # ---------------------------------------------------------------- ticks: taints, cordons
    ticks = []
    rows = []
    for node, a in zip(node_objs, alloc, strict=True):
        marks = [f"{t.key}{'=' + t.value if t.value else ''}:{t.effect}" for t in node.spec.taints or ()]
        if node.spec.unschedulable:
            marks.insert(0, "SchedulingDisabled")
        ticks.append(node.metadata.name + "".join(f"<br><span style='font-size:9px'>⊘ {m}</span>" for m in marks))
        i = lane_index[node.metadata.name]
        req_cpu = sum(acc[0][i] for acc in owners.values())
        req_mem = sum(acc[1][i] for acc in owners.values())
        pods = sum(acc[2][i] for acc in owners.values())
        rows.append([node.metadata.name, f"{req_cpu:.2f}/{a.milli_cpu / 1000:.2f}",
                     f"{req_mem:.2f}/{a.memory / GIB:.2f}", f"{pods}/{a.pods}", "; ".join(marks)])
    pending = len(unscheduled)
    ticks.append(f"{UNSCHEDULED}<br><span style='font-size:9px'>{pending} pending</span>")
    if pending:
        rows.append([UNSCHEDULED, "", "", str(pending), unscheduled[0]["reason"]])
    annotations = []
    if unscheduled:
        reasons: dict[str, int] = {}
        for u in unscheduled:
            reasons[u["reason"]] = reasons.get(u["reason"], 0) + 1
        reason, count = max(reasons.items(), key=lambda kv: kv[1])
        annotations.append({"x": UNSCHEDULED, "y": 1.0, "xref": "x", "yref": "paper", "yanchor": "bottom",
                            "text": f"{count}× " + reason.split(" preemption:")[0], "showarrow": False,
                            "font": {"size": 10, "color": "#d62728"}, "align": "right", "xanchor": "right"})
    layout = base_layout(
        "Nodes: requests and limits against allocatable", barmode="stack",
        xaxis={"tickmode": "array", "tickvals": lanes, "ticktext": ticks, "anchor": "y3"},
        yaxis={"title": {"text": "CPU (cores)"}, "domain": [0.68, 1.0], "rangemode": "tozero"},
        yaxis2={"title": {"text": "memory (GiB)"}, "domain": [0.34, 0.64], "rangemode": "tozero", "anchor": "x"},
        yaxis3={"title": {"text": "pods"}, "domain": [0.0, 0.30], "rangemode": "tozero", "anchor": "x"},
        annotations=annotations, legend={"font": {"size": 10}}, height=640 if n < 40 else 800,
        meta=figure_meta("nodes", cluster, columns=["NODE", "CPU REQ/ALLOC", "MEM GiB REQ/ALLOC", "PODS", "TAINTS"],
                         rows=rows, unscheduled=unscheduled[:500], unscheduled_count=pending))
    return make_figure(traces, layout)


def _pod_scheduled_message(pod: Any) -> str:
    for c in pod.status.conditions or ():
        if c.type == "PodScheduled" and c.status == "False":
            return c.message or c.reason or "Unschedulable"
    return "waiting to be scheduled"
