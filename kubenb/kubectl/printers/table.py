"""`metav1.Table`: what the API server's table convertor returns and kubectl's table printer prints.

A Table is columns (priority 0 always shown, priority 1 only with `-o wide`) and rows of cells
(already strings, as kubectl prints them), each row remembering its object for `--show-labels`,
`-L`, sorting and the HTML view. `render` reproduces kubectl's text byte for byte; the same Table
will serve the HTTP façade's `as=Table` responses.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, Optional

from kubenb.api.labels import format_labels
from kubenb.kubectl.tabwriter import get_writer


@dataclass(frozen=True)
class Column:
    name: str
    priority: int = 0
    since: int = 0  # the first Kubernetes minor whose printer has this column


@dataclass(slots=True)
class Row:
    cells: list[str]
    object: Any = None


@dataclass
class Table:
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)

    def visible(self, wide: bool) -> list[int]:
        return [i for i, c in enumerate(self.columns) if wide or c.priority == 0]

    def render(self, *, wide: bool = False, show_labels: bool = False, namespace_column: bool = False,
               no_headers: bool = False, label_columns: tuple[str, ...] = (), name_prefix: str = "",
               writer: Any = None) -> str:
        """kubectl's human-readable table (`printers.HumanReadablePrinter`)."""
        lines = self.lines(wide=wide, show_labels=show_labels, namespace_column=namespace_column,
                           no_headers=no_headers, label_columns=label_columns, name_prefix=name_prefix)
        tw = writer or get_writer()
        if lines:
            tw.write("\n".join(lines) + "\n")  # one write: the writer splits a whole table at C speed
        return tw.flush()

    def lines(self, *, wide: bool = False, show_labels: bool = False, namespace_column: bool = False,
              no_headers: bool = False, label_columns: tuple[str, ...] = (), name_prefix: str = "") -> list[str]:
        """Tab-separated lines, before alignment (a watch feeds them to one long-lived writer)."""
        cols = self.visible(wide)
        out = []
        if not no_headers:
            header = [self.columns[i].name.upper() for i in cols]
            header += [label.rsplit("/", 1)[-1].upper() for label in label_columns]
            if namespace_column:
                header.insert(0, "NAMESPACE")
            if show_labels:
                header.append("LABELS")
            out.append("\t".join(header))
        if not (name_prefix or label_columns or show_labels) and cols:
            return out + self._plain_lines(cols, namespace_column)
        for row in self.rows:
            cells = [_cell(row.cells[i]) for i in cols]
            if name_prefix and cells:
                cells[0] = name_prefix + cells[0]
            labels = (row.object.metadata.labels or {}) if row.object is not None else {}
            cells += [labels.get(label, "") for label in label_columns]
            if namespace_column:
                cells.insert(0, (row.object.metadata.namespace or "") if row.object is not None else "")
            if show_labels:
                cells.append(format_labels(labels))
            out.append("\t".join(cells))
        return out

    def _plain_lines(self, cols: list[int], namespace_column: bool) -> list[str]:
        """The rows of `lines` without labels or a name prefix: joined first, and cell by cell
        (`_cell`) only for the rare row holding a None or a newline."""
        out = []
        for row in self.rows:
            cells = row.cells
            try:
                line = "\t".join(cells) if len(cols) == len(cells) else "\t".join([cells[i] for i in cols])
            except TypeError:  # a None cell
                line = "\n"
            if "\n" in line:
                line = "\t".join([_cell(cells[i]) for i in cols])
            if namespace_column:
                line = ((row.object.metadata.namespace or "") if row.object is not None else "") + "\t" + line
            out.append(line)
        return out

    def html(self, *, wide: bool = False, namespace_column: bool = False, name_prefix: str = "") -> str:
        """The notebook's view of the same table."""
        cols = self.visible(wide)
        head = (["NAMESPACE"] if namespace_column else []) + [self.columns[i].name.upper() for i in cols]
        body = []
        for row in self.rows:
            cells = [row.cells[i] for i in cols]
            if name_prefix and cells:
                cells[0] = name_prefix + cells[0]
            if namespace_column:
                cells.insert(0, row.object.metadata.namespace or "" if row.object is not None else "")
            body.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
        return ('<table class="kubenb-table"><thead><tr>' + "".join(f"<th>{html.escape(h)}</th>" for h in head)
                + "</tr></thead><tbody>" + "".join(body) + "</tbody></table>")


def _cell(text: Optional[str]) -> str:
    """A newline in a cell truncates it with `...` (`printers.printRows`)."""
    if text is None:
        return ""
    if "\n" in text:
        return text.split("\n", 1)[0] + "..."
    return text

