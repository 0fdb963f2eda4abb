"""What mybinder.org builds from `binder/`, rebuilt here from those files alone.

repo2docker sees the `binder/` folder and from then on reads only it: a Python as named by
`binder/runtime.txt`, then `pip install -r binder/requirements.txt` and `./binder/postBuild`, both
from the repository root; the root pyproject.toml is not installed. The fixtures do the same in a
new virtual environment made from a copy of the checkout (the editable install writes
`kubenb.egg-info` into the tree), the tests then execute the start notebook there and ask
repo2docker itself which steps it would run.

Slow (JupyterLab and its stack come from the package index: minutes, mostly pip), so
marked `binder`; skipped, saying why, when the index or the Python of runtime.txt is missing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.binder

REPO = Path(__file__).parents[2]
START = "notebooks/00-start-here.ipynb"
NOT_COMPARED = {"nbval-ignore-output", "nbval-skip", "skip-execution"}  # the tags nbval honours
INSTALL_TIMEOUT = 1500


@dataclass(frozen=True)
class BinderEnv:
    repo: Path      # the copy of the checkout, where repo2docker runs its steps
    venv: Path      # the environment the binder files built
    env: dict       # what those steps and the notebook's kernel run with

    def run(self, *argv: str, timeout: float = 600) -> subprocess.CompletedProcess:
        return run(list(argv), self.repo, self.env, timeout)


def run(argv: list, cwd: Path, env: dict, timeout: float) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, (f"{' '.join(map(str, argv))} exited {result.returncode}\n"
                                    f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def runtime_python() -> str:
    """The interpreter binder/runtime.txt asks for (`python-3.11` -> python3.11 on PATH)."""
    runtime = (REPO / "binder/runtime.txt").read_text().strip()
    m = re.fullmatch(r"python-(\d+\.\d+)", runtime)
    assert m, f"binder/runtime.txt must name a Python version such as python-3.11, not {runtime!r}"
    exe = shutil.which(f"python{m[1]}")
    if exe is None:
        pytest.skip(f"binder/runtime.txt asks for {runtime} and there is no python{m[1]} on PATH")
    return exe


def require_index() -> None:
    """Skip, saying why, when pip's package index cannot be reached (no network, no mirror)."""
    url = os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple/").rstrip("/") + "/pip/"
    try:
        urllib.request.urlopen(url, timeout=15).close()
    except (urllib.error.URLError, OSError) as e:
        pytest.skip(f"the package index is unreachable ({url}: {e}), so Binder's install cannot be rebuilt")


def copy_checkout(dest: Path) -> Path:
    """The files a clone would hold: tracked ones and new unignored ones (so uncommitted work is tested)."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                                cwd=REPO, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        pytest.skip(f"not a git checkout ({e}): cannot tell which files Binder would get")
    for name in filter(None, listed.decode().split("\0")):
        src = REPO / name
        if src.is_file():                                   # a tracked file deleted in the worktree is not
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    return dest


def clean_env(venv: Path, state: Path) -> dict:
    """The caller's environment minus anything that would import another kubenb or another Jupyter's state."""
    drop = {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "JUPYTER_PATH", "JUPYTER_CONFIG_PATH"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}", NB_PYTHON_PREFIX=str(venv),
               JUPYTER_CONFIG_DIR=str(state / "config"), JUPYTER_DATA_DIR=str(state / "data"),
               JUPYTER_RUNTIME_DIR=str(state / "runtime"), IPYTHONDIR=str(state / "ipython"))
    return env


@pytest.fixture(scope="module")
def binder_env(tmp_path_factory):
    """A virtual environment built the way repo2docker builds Binder's image, from binder/ alone."""
    python = runtime_python()
    require_index()
    root = tmp_path_factory.mktemp("binder")
    repo = copy_checkout(root / "repo")
    venv = root / "venv"
    env = clean_env(venv, root / "state")
    run([python, "-m", "venv", venv], repo, env, 300)
    run([venv / "bin/pip", "install", "-r", "binder/requirements.txt"], repo, env, INSTALL_TIMEOUT)
    (repo / "binder/postBuild").chmod(0o755)                # repo2docker: chmod +x binder/postBuild
    run(["./binder/postBuild"], repo, env, 600)
    yield BinderEnv(repo, venv, env)
    shutil.rmtree(venv, ignore_errors=True)                 # ~400 MB; pytest keeps its last three tmp dirs


def texts(cell) -> dict:
    """A code cell's outputs as nbval compares them: streams joined per name, text/plain, errors."""
    seen: dict = {}
    for out in cell.outputs:
        if out.output_type == "stream":
            seen[out.name] = seen.get(out.name, "") + out.text
        elif out.output_type == "error":
            seen.setdefault("error", []).append((out.ename, out.evalue))
        elif "text/plain" in out.get("data", {}):
            seen.setdefault("text/plain", []).append(out.data["text/plain"])
    return seen


def test_start_notebook_runs_and_prints_what_is_committed(binder_env):
    out = binder_env.repo.parent / "executed"
    binder_env.run(binder_env.venv / "bin/jupyter", "nbconvert", "--to", "notebook", "--execute",
                   "--ExecutePreprocessor.timeout=600", "--ExecutePreprocessor.store_widget_state=False",
                   "--output-dir", out, START)
    committed = nbformat.read(REPO / START, as_version=4)
    ran = nbformat.read(out / Path(START).name, as_version=4)
    pairs = [(c, r) for c, r in zip(committed.cells, ran.cells, strict=True) if c.cell_type == "code"]
    assert pairs and all(r.execution_count for _, r in pairs), "every code cell ran"
    for c, r in pairs:
        tags = set(c.metadata.get("tags", []))
        if "raises-exception" not in tags:
            assert not [o for o in r.outputs if o.output_type == "error"], c.source
        if not tags & NOT_COMPARED:
            assert texts(r) == texts(c), c.source


def test_kernel_is_binder_python_importing_kubenb_from_the_checkout(binder_env):
    probe = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import sys, kubenb\nprint(sys.prefix)\nprint(kubenb.__file__)")])
    probe.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = binder_env.repo.parent / "probe.ipynb"
    nbformat.write(probe, path)
    binder_env.run(binder_env.venv / "bin/jupyter", "nbconvert", "--to", "notebook", "--execute", "--inplace", path)
    prefix, module = nbformat.read(path, as_version=4).cells[0].outputs[0].text.split()
    assert Path(prefix).resolve() == binder_env.venv.resolve()
    assert Path(module).resolve().is_relative_to(binder_env.repo.resolve())


def test_lab_has_the_extensions_that_render_tables_figures_and_widgets(binder_env):
    listing = binder_env.run(binder_env.venv / "bin/jupyter", "labextension", "list")
    text = re.sub(r"\x1b\[[0-9;]*m", "", listing.stdout + listing.stderr)
    for ext in ("@jupyter-widgets/jupyterlab-manager", "anywidget", "jupyterlab-plotly"):
        assert re.search(rf"^\s*{re.escape(ext)} v\S+ enabled OK", text, re.M), (ext, text)
    settings = binder_env.venv / "share/jupyter/lab/settings/overrides.json"
    assert settings.read_text() == (REPO / "binder/overrides.json").read_text()


@pytest.fixture(scope="module")
def repo2docker_plan(tmp_path_factory):
    """The Dockerfile repo2docker would build for this checkout (`--no-build`: no Docker needed)."""
    python = runtime_python()
    require_index()
    root = tmp_path_factory.mktemp("repo2docker")
    repo = copy_checkout(root / "repo")
    venv = root / "venv"
    env = clean_env(venv, root / "state")
    run([python, "-m", "venv", venv], root, env, 300)
    run([venv / "bin/pip", "install", "jupyter-repo2docker"], root, env, INSTALL_TIMEOUT)
    plan = run([venv / "bin/repo2docker", "--no-build", "--no-run", "--debug", "--user-id", "1000",
                "--user-name", "jovyan", repo], root, env, 300)
    yield plan.stdout + plan.stderr
    shutil.rmtree(venv, ignore_errors=True)


def test_repo2docker_reads_the_binder_folder_and_nothing_else(repo2docker_plan):
    version = (REPO / "binder/runtime.txt").read_text().strip().removeprefix("python-")
    assert re.search(rf"python={re.escape(version)}\b", repo2docker_plan), "runtime.txt picks the Python"
    runs = [line for line in repo2docker_plan.splitlines() if line.startswith("RUN ")]
    installs = [line for line in runs if "pip install" in line]
    assert len(installs) == 1 and installs[0].endswith('-r "binder/requirements.txt"'), installs
    assert "RUN ./binder/postBuild" in runs, runs
    assert runs.index(installs[0]) < runs.index("RUN ./binder/postBuild")
