"""The section notebooks' figures are stored so that nbval, Git and a reader all cope with them.

A `%kviz` cell must be a plain figure (`--static`: a FigureWidget would want widget state in the
file), tagged `nbval-ignore-output` (the Plotly JSON embeds Plotly's template, so any Plotly
upgrade would change it; a `# NBVAL_…` comment would break a following cell magic), and its
stored output must be the figure itself: a `%kviz` that failed writes to stderr only, which
neither nbval (output ignored) nor the execution test (no error output) would notice.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).parents[2] / "notebooks").glob("[01][0-9]-*.ipynb"))
SECTIONS = [p for p in NOTEBOOKS if not p.name.startswith("00-")]


def figure_cells(path: Path) -> list:
    nb = nbformat.read(path, as_version=4)
    return [c for c in nb.cells if c.cell_type == "code" and c.source.lstrip().startswith("%kviz")]


@pytest.mark.parametrize("path", SECTIONS, ids=[p.name for p in SECTIONS])
def test_every_section_has_a_stored_static_figure(path: Path):
    cells = figure_cells(path)
    assert cells, f"{path.name} has no %kviz figure"
    for cell in cells:
        assert "--static" in cell.source.split(), cell.source
        assert "nbval-ignore-output" in cell.metadata.get("tags", []), cell.source
        assert not [o for o in cell.outputs if o.output_type == "stream"], (cell.source, cell.outputs)
        figures = [o for o in cell.outputs
                   if o.output_type == "display_data" and "application/vnd.plotly.v1+json" in o.data]
        assert len(figures) == 1, cell.source
        assert figures[0].data["application/vnd.plotly.v1+json"]["data"], f"empty figure: {cell.source}"
