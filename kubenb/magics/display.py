"""How a kubectl result shows in a notebook: kubectl's exact text, and an HTML table beside it."""

from __future__ import annotations

from typing import Any


class KubectlOutput:
    """`text/plain` is exactly what kubectl printed; `text/html` renders its tables."""

    def __init__(self, text: str, tables: list[tuple[Any, dict]]) -> None:
        self.text = text
        self.tables = tables

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        html = "<br/>".join(table.html(**options) for table, options in self.tables)
        return {"text/plain": self.text, "text/html": f'<div class="kubenb-output">{html}</div>'}

    def __repr__(self) -> str:
        return self.text
