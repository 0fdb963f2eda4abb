"""Live figures: one long-lived ``go.FigureWidget`` per view, patched in place as the cluster moves.

Every FigureWidget carries the whole plotly.js bundle (~5 MB) in its model, so a view is made
once and then only *patched*: :meth:`LiveView.refresh` rebuilds the figure with the view's pure
function and, inside ``batch_update()``, writes the new trace and layout properties into the
existing traces (traces are added or dropped only when their number or types change). What
travels to the browser is the changed properties, never a new widget.

:func:`refresh_all` refreshes every live view whose cluster changed since it last drew (a
cheap check of the store's resourceVersion, the clock and the recorder's version); the magics
call it after each command. Views with a time axis (``rollout``, ``timeline``, ``routes``) get an
ipywidgets slider to scrub the recorded history; at its right end the view follows the present.

Displayed, a view is the widget plus a light static fallback (``text/html``: a small SVG and a
table, see :mod:`kubenb.viz.fallback`) and a deterministic ``text/plain``.
"""

from __future__ import annotations

import weakref
from typing import Any, Optional

import ipywidgets
import plotly.graph_objects as go

from kubenb.history import recorder_for
from kubenb.viz.common import VizError, hms
from kubenb.viz.fallback import static_html
from kubenb.viz.figures.graph import graph
from kubenb.viz.figures.nodes import nodes
from kubenb.viz.figures.rollout import rollout
from kubenb.viz.figures.routes import routes
from kubenb.viz.figures.storage import storage
from kubenb.viz.figures.timeline import timeline

VIEWS = {"rollout": rollout, "routes": routes, "storage": storage, "nodes": nodes, "graph": graph,
         "timeline": timeline}
TIME_VIEWS = {"rollout", "timeline", "routes"}

_LIVE: weakref.WeakSet = weakref.WeakSet()
_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # cluster -> {key: LiveView}


class LiveView:
    """A view of one cluster that redraws itself in place. ``widget`` is the FigureWidget."""

    def __init__(self, cluster: Any, view: str, *args: Any, **kwargs: Any) -> None:
        if view not in VIEWS:
            raise VizError(f"error: unknown view {view!r} (one of: {', '.join(VIEWS)})")
        self._cluster = weakref.ref(cluster)
        self.view, self.args, self.kwargs = view, args, kwargs
        self.until: Optional[float] = None  # None: follow the present
        self.error: Optional[str] = None
        self.refreshes = 0
        fig = self._build()
        if self.error is not None:  # nothing to show yet: say why, make no widget
            raise VizError(self.error)
        self.figure = fig
        self.widget = go.FigureWidget(fig)
        self._stamp = self._version()
        self.t0 = self._first_time(fig)
        children: list[Any] = [self.widget]
        self.slider: Optional[ipywidgets.IntSlider] = None
        if view in TIME_VIEWS:
            span = max(0, int(cluster.clock.now - self.t0))
            self.slider = ipywidgets.IntSlider(value=span, min=0, max=span, step=1, description="time",
                                               continuous_update=False, readout=False,
                                               layout=ipywidgets.Layout(width="60%"))
            self.label = ipywidgets.Label(value=self._label())
            self.slider.observe(self._on_slider, names="value")
            children.append(ipywidgets.HBox([self.slider, self.label]))
        self.box = ipywidgets.VBox(children)
        _LIVE.add(self)

    # ---------------------------------------------------------------- building

    @property
    def cluster(self) -> Any:
        return self._cluster()

    def _build(self) -> go.Figure:
        cluster = self.cluster
        kwargs = dict(self.kwargs)
        if self.view in TIME_VIEWS:
            kwargs["until"] = self.until
        try:
            fig = VIEWS[self.view](cluster, *self.args, recorder=recorder_for(cluster), **kwargs)
            self.error = None
            return fig
        except VizError as e:  # e.g. the Deployment was deleted: say so in place of the picture
            self.error = str(e)
            return go.Figure(layout={"title": {"text": self.error}, "xaxis": {"visible": False},
                                     "yaxis": {"visible": False}})

    def _version(self) -> tuple:
        c = self.cluster
        return (c.store.resource_version, c.clock.now, recorder_for(c).version, self.until)

    def _first_time(self, fig: go.Figure) -> float:
        c = self.cluster
        rec = recorder_for(c)
        if self.view == "rollout":
            kind_word, _, name = (self.args[0] if self.args else "").rpartition("/")
            info = c.registry.resolve(kind_word or "deployment")
            hist = rec.owner(info.kind, self.kwargs.get("namespace", "default"), name) if info else None
            if hist is not None:
                return hist.created
        if self.view == "timeline":
            starts = [row[1] for tr in fig.data if isinstance(tr.meta, dict) and tr.meta.get("role") == "segments"
                      for row in tr.customdata or ()]
            if starts:
                return min(starts)
        return max(rec.start, c.clock.now - 3600)

    # ---------------------------------------------------------------- updating

    def refresh(self, force: bool = False) -> bool:
        """Redraw if the cluster changed since the last drawing; True when the widget was patched."""
        if self.cluster is None:
            _LIVE.discard(self)
            return False
        stamp = self._version()
        if stamp == self._stamp and not force:
            return False
        fig = self._build()
        self.patch(fig)
        self.figure = fig
        self._stamp = stamp
        self.refreshes += 1
        if self.slider is not None:
            following = self.until is None
            span = max(0, int(self.cluster.clock.now - self.t0))
            self.slider.unobserve(self._on_slider, names="value")
            self.slider.max = span
            if following:
                self.slider.value = span
            self.slider.observe(self._on_slider, names="value")
            self.label.value = self._label()
        return True

    def patch(self, fig: go.Figure) -> None:
        """Write `fig` into the existing widget: same traces updated in place, never a new widget."""
        w = self.widget
        old, new = w.data, fig.data
        same_types = len(old) == len(new) and all(a.type == b.type for a, b in zip(old, new, strict=True))
        if not same_types:
            prefix = 0
            while prefix < min(len(old), len(new)) and old[prefix].type == new[prefix].type:
                prefix += 1
            if prefix < len(old):
                w.data = w.data[:prefix]
        with w.batch_update():
            for cur, nxt in zip(w.data, new, strict=False):
                _update_props(cur, nxt.to_plotly_json())
            _update_props(w.layout, fig.layout.to_plotly_json(), keep=("template",))
        if len(w.data) < len(new):
            w.add_traces(list(new[len(w.data):]))

    def _on_slider(self, change: dict) -> None:
        if self.slider is None or self.cluster is None:
            return
        at_end = change["new"] >= self.slider.max
        self.until = None if at_end else self.t0 + change["new"]
        self.refresh(force=True)

    def _label(self) -> str:
        c = self.cluster
        t = c.clock.now if self.until is None else self.until
        return f"{hms(t)} UTC" + (" (live)" if self.until is None else " (history)")

    # ---------------------------------------------------------------- display

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        bundle = self.box._repr_mimebundle_() or {}
        bundle["text/plain"] = repr(self)
        bundle["text/html"] = static_html(self.figure)
        return bundle

    def __repr__(self) -> str:
        target = " ".join(str(a) for a in self.args)
        extra = " ".join(f"{k}={v}" for k, v in sorted(self.kwargs.items()) if v not in (None, False))
        return f"<kubenb live {self.view} {target} {extra}>".replace("  ", " ").replace(" >", ">")


def _update_props(obj: Any, props: dict, keep: tuple[str, ...] = ()) -> None:
    """Make `obj`'s properties those of `props`: only what differs is written (each write is
    validated by Plotly and sent to the browser), and properties no longer given are cleared."""
    props = {k: v for k, v in props.items() if k not in ("type", "uid")}
    current = obj.to_plotly_json()
    for k in current:
        if k not in props and k not in ("type", "uid", *keep):
            obj[k] = None
    changed = {k: v for k, v in props.items() if k not in keep and not _same(current.get(k), v)}
    if changed:
        obj.update(changed, overwrite=True)


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON (Plotly hands arrays back as tuples)."""
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a == b and type(a) is type(b) or (isinstance(a, (int, float)) and isinstance(b, (int, float)) and a == b)


def live(cluster: Any, view: str, *args: Any, **kwargs: Any) -> LiveView:
    """The cluster's live view `view` with these arguments: made once, then the same widget again."""
    key = (view, args, tuple(sorted(kwargs.items())))
    views = _CACHE.setdefault(cluster, {})
    found = views.get(key)
    if found is None:
        found = views[key] = LiveView(cluster, view, *args, **kwargs)
    else:
        found.refresh()
    return found


def refresh_all() -> int:
    """Patch every live view whose cluster changed; the number of views redrawn."""
    count = 0
    for view in list(_LIVE):
        try:
            count += view.refresh()
        except Exception as e:  # noqa: BLE001 — a picture must never break a kubectl command
            view.error = f"{type(e).__name__}: {e}"
    return count


def live_views() -> list[LiveView]:
    return list(_LIVE)
