"""A layered drawing of a small directed graph: nodes in columns, ordered to keep edges short.

No numpy (so none of networkx's layouts): columns are given, and the order within a column comes
from two barycentre sweeps (each node moves toward the mean position of its neighbours in the
column before, then after). O(E log V).

Data contract of the traces it makes:

* ``meta = {"role": "edges", "kind": <edge kind>, "pairs": [[source key, target key], ...]}`` —
  one line trace per edge kind (segments separated by ``None``);
* ``meta = {"role": "nodes", "category": <category>}`` with ``customdata`` = the node keys — one
  marker trace per category.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kubenb.viz.common import scatter, scattergl, short

WIDTH = 900  # px a notebook gives the plot area beside the legend, about


@dataclass
class Node:
    key: str
    label: str
    column: int
    category: str
    color: str
    hover: str = ""
    size: float = 14


@dataclass
class Layered:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], None] = field(default_factory=dict)  # (src, dst, kind), ordered

    def add(self, key: str, label: str, column: int, category: str, color: str, hover: str = "",
            size: float = 14) -> str:
        if key not in self.nodes:
            self.nodes[key] = Node(key, label, column, category, color, hover or label, size)
        return key

    def edge(self, src: str, dst: str, kind: str) -> None:
        if src in self.nodes and dst in self.nodes and src != dst:
            self.edges[(src, dst, kind)] = None

    # ---------------------------------------------------------------- layout

    def positions(self) -> dict[str, tuple[float, float]]:
        columns: dict[int, list[str]] = {}
        for n in self.nodes.values():
            columns.setdefault(n.column, []).append(n.key)
        neighbours: dict[str, list[str]] = {k: [] for k in self.nodes}
        for src, dst, _ in self.edges:
            neighbours[src].append(dst)
            neighbours[dst].append(src)
        rank: dict[str, float] = {}
        order = sorted(columns)
        for c in order:
            columns[c].sort(key=lambda k: (self.nodes[k].category, self.nodes[k].label))
            for i, k in enumerate(columns[c]):
                rank[k] = _norm(i, len(columns[c]))

        def sweep(cols: list[int], before: bool) -> None:
            for c in cols:
                def bary(k: str, c: int = c) -> tuple[float, float]:
                    ns = [rank[m] for m in neighbours[k]
                          if (self.nodes[m].column < c if before else self.nodes[m].column > c)]
                    return (sum(ns) / len(ns) if ns else rank[k], rank[k])
                columns[c].sort(key=bary)
                for i, k in enumerate(columns[c]):
                    rank[k] = _norm(i, len(columns[c]))

        sweep(order[1:], True)
        sweep(list(reversed(order[:-1])), False)
        sweep(order[1:], True)
        pos = {}
        x_of = {c: float(i) for i, c in enumerate(order)}  # empty columns take no room
        for c, keys in columns.items():
            n = len(keys)
            for i, k in enumerate(keys):
                # centre short columns against the tallest one
                pos[k] = (x_of[c], (n - 1) / 2 - i)
        return pos

    def used_columns(self) -> list[int]:
        return sorted({n.column for n in self.nodes.values()})

    def tallest(self) -> int:
        """The most nodes any column holds."""
        counts: dict[int, int] = {}
        for n in self.nodes.values():
            counts[n.column] = counts.get(n.column, 0) + 1
        return max(counts.values(), default=0)

    def titles(self, titles: list[str]) -> list[str]:
        """The titles of the columns that hold something (what :meth:`positions` draws, in order)."""
        return [titles[c] for c in self.used_columns()]

    # ---------------------------------------------------------------- traces

    def traces(self, *, gl: bool = False, edge_styles: dict[str, dict] | None = None,
               show_text: bool = True) -> list[Any]:
        pos = self.positions()
        make = scattergl if gl else scatter
        out: list[Any] = []
        by_kind: dict[str, list[tuple[str, str]]] = {}
        for src, dst, kind in self.edges:
            by_kind.setdefault(kind, []).append((src, dst))
        for kind, pairs in by_kind.items():
            xs: list[Any] = []
            ys: list[Any] = []
            for src, dst in pairs:
                (x0, y0), (x1, y1) = pos[src], pos[dst]
                xs += [x0, x1, None]
                ys += [y0, y1, None]
            style = (edge_styles or {}).get(kind, {})
            out.append(make(x=xs, y=ys, mode="lines", name=kind, hoverinfo="skip", legendgroup="edges",
                               line={"width": style.get("width", 1), "color": style.get("color", "#999"),
                                     **({"dash": style["dash"]} if "dash" in style and not gl else {})},
                               meta={"role": "edges", "kind": kind, "pairs": [list(p) for p in pairs]}))
        by_cat: dict[str, list[Node]] = {}
        for n in self.nodes.values():
            by_cat.setdefault(n.category, []).append(n)
        # labels centred above their marker, no wider than a column: edges leave a marker sideways,
        # so they cross no label, and labels of neighbouring columns do not meet
        width = max(12, int(WIDTH / max(1, len(self.used_columns())) / 6.5))
        for cat, nodes in by_cat.items():
            kw: dict[str, Any] = {}
            if show_text and not gl:
                kw = {"mode": "markers+text", "text": [short(n.label, width) for n in nodes],
                      "textposition": "top center", "textfont": {"size": 10}}
            else:
                kw = {"mode": "markers"}
            out.append(make(
                x=[pos[n.key][0] for n in nodes], y=[pos[n.key][1] for n in nodes], name=cat, legendgroup=cat,
                marker={"color": [n.color for n in nodes], "size": [n.size for n in nodes],
                        "line": {"width": 1, "color": "#333"}},
                customdata=[n.key for n in nodes], hovertext=[n.hover for n in nodes], hoverinfo="text",
                meta={"role": "nodes", "category": cat}, **kw))
        return out


def _norm(i: int, n: int) -> float:
    return (i + 0.5) / n if n else 0.5


def axis_off(titles: list[str] | None = None, tallest: int = 0) -> dict:
    """Layout for a layered drawing: no grid, column titles along the top; with `tallest` (the most
    nodes in a column), room above the top row for its labels, below the titles."""
    yaxis: dict[str, Any] = {"visible": False}
    if tallest:
        yaxis["range"] = [-(tallest - 1) / 2 - 0.5, (tallest - 1) / 2 + 0.9]
    layout: dict[str, Any] = {
        "xaxis": {"visible": False}, "yaxis": yaxis, "showlegend": True, "hovermode": "closest",
        "legend": {"orientation": "v", "x": 1.0, "y": 1.0, "font": {"size": 10}},
    }
    if titles:
        layout["annotations"] = [{"x": i, "y": 1.02, "xref": "x", "yref": "paper", "text": f"<b>{t}</b>",
                                  "showarrow": False, "font": {"size": 11}} for i, t in enumerate(titles)]
        layout["xaxis"]["range"] = [-0.5, len(titles) - 0.5]  # room for the labels centred on the edge columns
    return layout
