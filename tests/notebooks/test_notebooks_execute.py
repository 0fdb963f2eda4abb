"""Every notebook runs top to bottom without an error output.

nbval compares outputs, but lets a cell pass when a magic raises `UsageError` (it prints to
stderr and sends no error message); executing with nbclient catches that. A cell that is meant
to fail carries the `raises-exception` tag.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).parents[2] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_executes_without_errors(path: Path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", store_widget_state=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    for cell in nb.cells:
        if cell.cell_type == "code" and "raises-exception" not in cell.metadata.get("tags", []):
            assert not [o for o in cell.outputs if o.output_type == "error"], cell.source


def test_notebooks_keep_no_widget_state():
    for path in NOTEBOOKS:
        assert "application/vnd.jupyter.widget-state+json" not in path.read_text(), path.name
        assert path.stat().st_size < 1_000_000, path.name
