"""A light static stand-in for a figure: a small inline SVG and the figure's summary table.

It is the ``text/html`` beside a live widget, so a notebook exported (nbconvert, GitHub, a
reopened untrusted notebook) still shows something true — without a second copy of plotly.js.
It is made from the figure's own data (``layout.meta["kubenb"]`` and the traces), so it says
exactly what the widget said when it was displayed. Deterministic: simulated times only.
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any

W, H, PAD = 520, 150, 28


def static_html(fig: Any, max_rows: int = 30) -> str:
    layout = fig.layout
    meta = (layout.meta or {}).get("kubenb", {}) if isinstance(layout.meta, dict) else {}
    title = layout.title.text if layout.title and layout.title.text else meta.get("view", "figure")
    title = re.sub(r"<[^>]+>", "", str(title).split("<br>")[0])  # the title line, without Plotly's markup
    parts = [f'<div class="kubenb-figure-fallback"><div><b>{html.escape(str(title))}</b></div>']
    view = meta.get("view")
    svg = ""
    if view == "rollout":
        svg = _lines_svg(fig, {"rs-desired", "rs-available", "bound-max", "bound-min", "desired", "available"})
    elif view == "timeline":
        svg = _bars_svg(fig)
    if svg:
        parts.append(svg)
    parts.append(_table(meta.get("summary") or {}, max_rows))
    chains = meta.get("chains") or {}
    if chains.get("rows"):  # the routes view's companion: the node's kube-proxy rules, verbatim
        parts.append(f"<div><b>kube-proxy's chains on node {html.escape(str(meta.get('node', '')))}</b></div>")
        parts.append(_table(chains, 2 * max_rows, code=True))
    parts.append("</div>")
    return "".join(parts)


def _table(spec: dict, max_rows: int, code: bool = False) -> str:
    columns, rows = spec.get("columns") or [], spec.get("rows") or []
    if not columns:
        return ""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
    cell = (lambda v: f"<td><code>{html.escape(str(v))}</code></td>") if code else \
        (lambda v: f"<td>{html.escape(str(v))}</td>")
    body = "".join("<tr>" + "".join(cell(v) for v in row) + "</tr>" for row in rows[:max_rows])
    more = f"<div>… {len(rows) - max_rows} more rows</div>" if len(rows) > max_rows else ""
    return f'<table class="kubenb-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}'


def _epoch(x: Any) -> float:
    return datetime.fromisoformat(str(x) + "+00:00").timestamp()


def _lines_svg(fig: Any, roles: set[str]) -> str:
    series = []
    for tr in fig.data:
        role = (tr.meta or {}).get("role") if isinstance(tr.meta, dict) else None
        if role in roles and tr.x is not None and len(tr.x) > 0:
            pts = [(_epoch(x), y) for x, y in zip(tr.x, tr.y, strict=True) if y is not None]
            if pts:
                series.append((tr.line.color or "#444", tr.line.dash or "solid", pts))
    if not series:
        return ""
    t0 = min(p[0] for _, _, s in series for p in s)
    t1 = max(p[0] for _, _, s in series for p in s)
    top = max(max(p[1] for p in s) for _, _, s in series) or 1
    sx = (W - 2 * PAD) / ((t1 - t0) or 1)
    sy = (H - 2 * PAD) / top
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}">',
           f'<line x1="{PAD}" y1="{H - PAD}" x2="{W - PAD}" y2="{H - PAD}" stroke="#999"/>',
           f'<text x="2" y="{PAD}" font-size="10">{top}</text><text x="2" y="{H - PAD}" font-size="10">0</text>']
    for c, dash, pts in series:
        d, prev = [], None
        for t, y in pts:  # a step line: horizontal, then vertical
            x, yy = PAD + (t - t0) * sx, H - PAD - y * sy
            d.append(f"{'M' if prev is None else 'L'}{x:.1f},{prev if prev is not None else yy:.1f}")
            d.append(f"L{x:.1f},{yy:.1f}")
            prev = yy
        dasharray = ' stroke-dasharray="4 3"' if dash not in (None, "solid") else ""
        out.append(f'<path d="{" ".join(d)}" fill="none" stroke="{html.escape(c)}" stroke-width="1.5"{dasharray}/>')
    out.append("</svg>")
    return "".join(out)


def _bars_svg(fig: Any, max_rows: int = 40) -> str:
    bars = []
    for tr in fig.data:
        meta = tr.meta if isinstance(tr.meta, dict) else {}
        if meta.get("role") != "segments" or tr.customdata is None:
            continue
        for row, start, stop in tr.customdata:
            bars.append((row, start, stop, tr.marker.color or "#999"))
    if not bars:
        return ""
    rows: list[str] = []
    for row, *_ in bars:
        if row not in rows:
            rows.append(row)
    rows = rows[-max_rows:]
    keep = set(rows)
    bars = [b for b in bars if b[0] in keep]
    t0 = min(b[1] for b in bars)
    t1 = max(b[2] for b in bars)
    left, rh = 150, 12
    h = PAD + rh * len(rows) + 4
    sx = (W - left - 8) / ((t1 - t0) or 1)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{h}" viewBox="0 0 {W} {h}">']
    for i, row in enumerate(rows):
        out.append(f'<text x="2" y="{PAD + i * rh + 9}" font-size="9">{html.escape(row[-28:])}</text>')
    for row, start, stop, c in bars:
        i = rows.index(row)
        x = left + (start - t0) * sx
        out.append(f'<rect x="{x:.1f}" y="{PAD + i * rh + 1}" width="{max((stop - start) * sx, 0.5):.1f}" '
                   f'height="{rh - 3}" fill="{html.escape(str(c))}"/>')
    out.append("</svg>")
    return "".join(out)
