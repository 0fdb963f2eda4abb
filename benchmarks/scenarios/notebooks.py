"""`notebooks`: executing every notebook in `notebooks/` in a fresh kernel, as the test suite does."""

from __future__ import annotations

from pathlib import Path

from benchmarks.figures import stopwatch, timed
from benchmarks.registry import scenario

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


@scenario("notebooks", nodes=0, pods=0)
def notebooks(nodes: int, pods: int) -> None:
    """Execute every notebook with nbclient (kernel start included; no pydantic floor applies)."""
    import nbformat
    from nbclient import NotebookClient

    total = 0.0
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        with stopwatch() as t:
            NotebookClient(nb, timeout=600, kernel_name="python3", store_widget_state=False,
                           resources={"metadata": {"path": str(path.parent)}}).execute()
        timed(f"notebook {path.name}", t[0], None, f"{len(nb.cells)} cells")
        total += t[0]
    timed("all notebooks", total, None)
