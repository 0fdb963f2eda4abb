"""What every figure shares: time on the x axis, colours, target names, the data contract's metadata.

Data contract of every figure built in :mod:`kubenb.viz`:

* ``layout.meta["kubenb"]`` is ``{"view": <name>, "target": ..., "namespace": ..., "time": <simulated
  now, epoch seconds>, "until": <the instant shown or None>, "summary": {"columns": [...],
  "rows": [[...], ...]}}``; the summary is what the static fallback prints;
* every trace carries ``meta = {"role": <what it is>, ...}`` (roles are listed per view);
* times on date axes are strings made by :func:`xtime` (UTC, millisecond precision).
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from typing import Any, Optional

import plotly.graph_objects as go

from kubenb.store.errors import StatusError

# a calm qualitative palette (Okabe-Ito, then Tableau) that stays readable for colour-blind readers
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
           "#4E79A7", "#F28E2B", "#59A14F", "#B07AA1", "#76B7B2", "#EDC948", "#FF9DA7", "#9C755F")

# states and phases: green = fine, blue = on its way, orange = waiting, red = broken, grey = gone
STATE_COLORS = {
    "Ready": "#2ca02c", "Running": "#98df8a", "Running:Ready": "#2ca02c", "Running:NotReady": "#98df8a",
    "Pending": "#c7c7c7", "Unschedulable": "#ff7f0e", "ContainerCreating": "#9ecae1", "PodInitializing": "#9ecae1",
    "Waiting:ContainerCreating": "#9ecae1", "Terminating": "#7f7f7f", "Succeeded": "#1f77b4", "Completed": "#1f77b4",
    "Failed": "#d62728", "CrashLoopBackOff": "#d62728", "ErrImagePull": "#d62728", "ImagePullBackOff": "#e377c2",
    "Unknown": "#bcbd22",
    # volumes
    "Bound": "#2ca02c", "Available": "#1f77b4", "Released": "#ff7f0e", "Lost": "#d62728",
}
DEFAULT_STATE_COLOR = "#bcbd22"


def state_color(state: Optional[str]) -> str:
    if not state:
        return "#c7c7c7"
    if state in STATE_COLORS:
        return STATE_COLORS[state]
    head = state.split(":", 1)[-1]
    if head in STATE_COLORS:
        return STATE_COLORS[head]
    if state.startswith("Terminated"):
        return "#1f77b4" if head == "Completed" else "#d62728"
    if state.startswith("Waiting"):
        return "#ff7f0e"
    return DEFAULT_STATE_COLOR


def color(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def xtime(t: float) -> str:
    """A simulated instant as a Plotly date string (UTC, milliseconds): what date axes carry."""
    return datetime.fromtimestamp(round(t, 3), UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def hms(t: float) -> str:
    return datetime.fromtimestamp(int(t), UTC).strftime("%H:%M:%S")


def resolve_target(cluster: Any, target: str, default_kind: str) -> tuple[Any, str]:
    """``deploy/x``, ``deployment.apps/x``, ``svc/x`` or a bare ``x`` (of `default_kind`): (ResourceInfo, name)."""
    kind_word, sep, name = target.partition("/")
    if not sep:
        kind_word, name = default_kind, target
    info = cluster.registry.resolve(kind_word)
    if info is None:
        raise VizError(f'error: the server doesn\'t have a resource type "{kind_word}"')
    if not name:
        raise VizError(f"error: arguments in resource/name form must have a single resource and name: {target!r}")
    return info, name


def get_object(cluster: Any, info: Any, namespace: str, name: str) -> Any:
    try:
        return cluster.store.get(info.kind, namespace if info.namespaced else "", name)
    except StatusError as e:
        raise VizError(f"Error from server ({e.reason}): {e.message}") from None


class VizError(Exception):
    """A figure that cannot be drawn, said in kubectl's words (the magic prints it on one line)."""


def figure_meta(view: str, cluster: Any, *, target: Any = None, namespace: Optional[str] = None,
                until: Optional[float] = None, columns: list[str], rows: list[list[Any]], **extra: Any) -> dict:
    meta = {"view": view, "target": target, "namespace": namespace, "time": cluster.clock.now, "until": until,
            "summary": {"columns": columns, "rows": rows}}
    meta.update(extra)
    return {"kubenb": meta}


# Plotly validates every property it is given, which costs ten times building the figure (the
# template alone is deep-copied per figure). The builders here make plain dicts of known-good
# properties and skip that; the tests set VALIDATE, so every figure they build is validated.
VALIDATE = False
_TEMPLATE: dict = {}


def trace(type_: str, **props: Any) -> dict:
    return {"type": type_, **props}


scatter = partial(trace, "scatter")
scattergl = partial(trace, "scattergl")
bar = partial(trace, "bar")
sankey = partial(trace, "sankey")


def template() -> dict:
    if not _TEMPLATE:
        import plotly.io as pio

        _TEMPLATE.update(pio.templates["plotly_white"].to_plotly_json())
    return _TEMPLATE


def make_figure(data: list[dict], layout: dict) -> go.Figure:
    """A Figure of plain trace and layout dicts (validated by Plotly only when VALIDATE is set)."""
    layout = {k: v for k, v in layout.items() if v != []}  # Plotly drops empty arrays (no shapes, …)
    spec = {"data": data, "layout": layout}
    if VALIDATE:
        return go.Figure(spec)
    return go.Figure(spec, _validate=False)


def base_layout(title: str, **kw: Any) -> dict:
    layout = {"title": {"text": title, "x": 0.01, "xanchor": "left"}, "template": template(),
              "margin": {"l": 60, "r": 20, "t": 60, "b": 50}, "font": {"size": 12}}
    layout.update(kw)
    return layout


def short(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
