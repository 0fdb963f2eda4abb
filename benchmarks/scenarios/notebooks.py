"""`notebooks`: executing every notebook in `notebooks/` in a fresh kernel, as the test suite does.

Each notebook runs in its own kernel process, so the CPU time that matters is the kernels': it is
read from ``RUSAGE_CHILDREN`` once each kernel has been shut down and reaped, and added to this
process's own (nbclient's) CPU. Wall time includes starting each kernel."""

from __future__ import annotations

import resource
import time
from pathlib import Path

from benchmarks.figures import figure
from benchmarks.registry import scenario

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@scenario("notebooks", nodes=0, pods=0)
def notebooks(nodes: int, pods: int) -> None:
    """Execute every notebook with nbclient: wall and CPU (kernel included) per notebook and in all."""
    import nbformat
    from nbclient import NotebookClient

    wall_total = cpu_total = 0.0
    paths = sorted(NOTEBOOKS.glob("*.ipynb"))
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        w0, c0, k0 = time.perf_counter(), time.process_time(), _children_cpu()
        NotebookClient(nb, timeout=600, kernel_name="python3", store_widget_state=False,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        wall = time.perf_counter() - w0
        cpu = time.process_time() - c0 + _children_cpu() - k0
        figure(f"notebook {path.name} wall", wall, "s", f"{len(nb.cells)} cells")
        figure(f"notebook {path.name} CPU", cpu, "s", "kernel + client")
        wall_total += wall
        cpu_total += cpu
    figure(f"all {len(paths)} notebooks wall", wall_total, "s")
    figure(f"all {len(paths)} notebooks CPU", cpu_total, "s", "kernel + client (user+sys)")
