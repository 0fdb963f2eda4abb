"""JupyterLab in a real browser: a notebook's kubectl table, Plotly figures and widgets render.

The other tests check what the kernel *sends*; only a browser shows whether JupyterLab can *draw*
it (the widget manager, anywidget carrying plotly.js for FigureWidgets, the plotly mime renderer
for static figures). The test starts JupyterLab on 127.0.0.1 with a token, with every bit of
Jupyter, IPython and Chromium state in a temporary directory, opens a generated notebook in
Debian's headless Chromium driven by Playwright (never a downloaded browser), runs all cells,
checks the DOM, moves a live view's time slider (a browser → kernel → widget round trip), and
saves a screenshot to ``tests/browser/artifacts/`` for CI to keep.

Skipped, with the reason, where Chromium, Playwright or JupyterLab is missing (``.ci/run``
installs Chromium with apt).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

CHROMIUM = "/usr/bin/chromium"
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deploy
spec:
  replicas: 3
  selector:
    matchLabels: {app: nginx-deploy}
  template:
    metadata:
      labels: {app: nginx-deploy}
    spec:
      containers:
      - {name: nginx, image: "nginx:1.22-alpine", ports: [{containerPort: 80}]}
---
apiVersion: v1
kind: Service
metadata:
  name: nginx-svc
spec:
  type: NodePort
  selector: {app: nginx-deploy}
  ports: [{port: 80, targetPort: 80}]
"""
CELLS = [
    "%load_ext kubenb",
    f"%%kapply\n{DEPLOYMENT}",
    "%ksleep 60s",
    "%kget pods -o wide",
    "%kviz rollout deploy/nginx-deploy",
    "%kviz routes svc/nginx-svc --static",
    "%k scale deploy nginx-deploy --replicas=5\n%ksleep 60s",
]

# Lab's own settings, written to the temporary user-settings folder: no news toast over the page,
# and no autosave rewriting the notebook while the test looks at it.
SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"checkForUpdates": False,
                                                                        "fetchNews": "false"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}

KERNEL_IDLE = """() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!(w && w.context && w.context.isReady && k && k.status === 'idle'); }"""
PROMPTS = "[...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')].map(p => p.textContent.trim())"
ALL_RAN = f"(n) => {{ const ps = {PROMPTS}; return ps.length === n && ps.every(t => /^\\[\\d+\\]:$/.test(t)); }}"


def _missing() -> str | None:
    if not os.path.exists(CHROMIUM):
        return f"{CHROMIUM} is not installed (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright; never `playwright install`)"
    if shutil.which("jupyter-lab", path=str(Path(sys.executable).parent)) is None:
        return "JupyterLab is not installed next to this Python"
    return None


pytestmark = pytest.mark.skipif(_missing() is not None, reason=_missing() or "")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def lab(tmp_path: Path):
    """A JupyterLab server on 127.0.0.1 whose state lives under `tmp_path`: (url, token, notebook path)."""
    home, root = tmp_path / "home", tmp_path / "notebooks"
    for d in (home, root, tmp_path / "tmp"):
        d.mkdir()
    for name, value in SETTINGS.items():
        path = tmp_path / "user-settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, root / "lab-check.ipynb")
    env = {**os.environ, "HOME": str(home), "TMPDIR": str(tmp_path / "tmp"),
           "JUPYTER_CONFIG_DIR": str(tmp_path / "jupyter-config"), "JUPYTER_DATA_DIR": str(tmp_path / "jupyter-data"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "jupyter-runtime"), "IPYTHONDIR": str(tmp_path / "ipython"),
           # the kernel imports this checkout's kubenb, whatever is installed in the environment
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    port, token = _free_port(), secrets.token_hex(16)
    log = (tmp_path / "lab.log").open("w")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "jupyter-lab"), "--allow-root", "--no-browser", "--ip=127.0.0.1",
         f"--port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={root}", f"--LabApp.user_settings_dir={tmp_path / 'user-settings'}",
         f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.extension_manager=readonly",
         "--LabApp.expose_app_in_browser=True"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # a loaded 2-core machine has taken over 30 s
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=1)  # noqa: S310 (local)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not start:\n" + (tmp_path / "lab.log").read_text()[-3000:])
                time.sleep(0.25)
        yield url, token, "lab-check.ipynb", tmp_path
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def test_notebook_renders_tables_figures_and_widgets(lab):
    from playwright.sync_api import sync_playwright

    url, token, notebook, tmp_path = lab
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "jupyterlab.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1600})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            marks = [("start", time.monotonic())]
            page.goto(f"{url}/lab/tree/{notebook}?token={token}", wait_until="domcontentloaded")
            page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=30_000)
            page.wait_for_function(KERNEL_IDLE, timeout=30_000)
            marks.append(("kernel idle", time.monotonic()))
            page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
            page.wait_for_function(ALL_RAN, arg=len(CELLS), timeout=90_000)
            marks.append(("cells ran", time.monotonic()))
            # a kubectl table as HTML, two plotly figures drawn (the live widget's and the static one)
            page.wait_for_selector(".jp-OutputArea-output table", timeout=10_000)
            page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 2",
                                   timeout=60_000)
            page.wait_for_selector(".widget-slider", timeout=10_000)
            marks.append(("drawn", time.monotonic()))
            drawn = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => ({
                traces: gd.querySelectorAll('.scatterlayer .trace, .sankey .sankey-link').length,
                cells: gd.querySelectorAll('.table .column-cell').length,
                title: (gd.layout && gd.layout.title && gd.layout.title.text) || ''}))""")
            table = page.evaluate("() => document.querySelector('.jp-OutputArea-output table').innerText")
            page.evaluate("() => window.jupyterapp.commands.execute('application:toggle-left-area')")
            page.screenshot(path=str(shot), full_page=True)
            # browser -> kernel -> widget: moving the time slider back redraws the live figure with a cursor
            page.locator(".widget-slider .noUi-handle").first.focus()
            page.keyboard.press("Home")
            page.wait_for_function("""() => [...document.querySelectorAll('.js-plotly-plot')].some(gd =>
                gd.layout && (gd.layout.shapes || []).some(s => s.name === 'cursor'))""", timeout=60_000)
            bad = page.evaluate("""() => [...document.querySelectorAll('.jp-OutputArea-output')].map(e => e.innerText)
                .filter(t => /Error displaying widget|model not found|javascript error|Traceback|UsageError/i.test(t))""")
            stderr = page.evaluate("""() => [...document.querySelectorAll(
                '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')].map(e => e.innerText)""")
            page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
        finally:
            browser.close()
    (ARTIFACTS / "jupyterlab-timings.txt").write_text(
        " ".join(f"{name} +{t - marks[0][1]:.1f}s" for name, t in marks[1:]) + "\n")
    assert "nginx-deploy-" in table and "Running" in table, table
    titles = [d["title"] for d in drawn]
    assert any(t.startswith("Rollout of deployment/nginx-deploy") for t in titles), drawn
    assert any(t.startswith("Routes to svc/nginx-svc") for t in titles), drawn
    assert all(d["traces"] > 0 for d in drawn), drawn
    # beside the routes Sankey, the node's kube-proxy chains as a drawn table
    assert all(d["cells"] > 0 for d in drawn if d["title"].startswith("Routes to")), drawn
    assert bad == [] and stderr == [], (bad, stderr)
    assert errors == [], errors
    assert shot.stat().st_size > 10_000
