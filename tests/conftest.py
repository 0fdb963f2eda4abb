"""Shared fixtures: fresh clusters, and golden-file comparison.

Goldens are compared exactly. Rewrite them only on purpose, with KUBENB_UPDATE_GOLDENS=1, and
read the diff before committing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from kubenb import Cluster

# Property tests measure behaviour, not speed: no per-example deadline (a cold first example on a
# busy CI machine is slow), and in CI the same examples every run so a red build is reproducible.
settings.register_profile("kubenb", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "kubenb")

# A bug inside kubenb must fail the test that hit it, not turn into a one-line kubectl error.
os.environ["KUBENB_DEBUG"] = "1"

GOLDENS = Path(__file__).parent / "scenarios" / "goldens"


@pytest.fixture(scope="session")
def ipython_shell():
    """IPython's test shell with kubenb loaded (`globalipapp` starts it once per process)."""
    from IPython import get_ipython
    from IPython.testing.globalipapp import start_ipython

    start_ipython()
    shell = get_ipython()
    shell.run_line_magic("load_ext", "kubenb")
    return shell


@pytest.fixture
def cluster() -> Cluster:
    return Cluster()


@pytest.fixture
def course() -> Cluster:
    return Cluster("course")


@pytest.fixture
def golden():
    """`golden(name, text)`: assert `text` equals the stored golden (or store it when updating)."""

    def check(name: str, text: str) -> None:
        path = GOLDENS / name
        if os.environ.get("KUBENB_UPDATE_GOLDENS") == "1":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        assert path.exists(), f"golden {name} is missing (run with KUBENB_UPDATE_GOLDENS=1 to create it)"
        assert text == path.read_text()

    return check
