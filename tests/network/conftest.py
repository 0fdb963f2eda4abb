"""Fixtures for the network tests: clusters whose pods run in sandboxes (see netkit)."""

from __future__ import annotations

import pytest
from netkit import PodSandboxes

from kubenb import Cluster


@pytest.fixture
def course_net() -> tuple[Cluster, PodSandboxes]:
    cluster = Cluster("course")
    return cluster, PodSandboxes(cluster)


@pytest.fixture
def kubeadm_net() -> tuple[Cluster, PodSandboxes]:
    cluster = Cluster("kubeadm")
    return cluster, PodSandboxes(cluster)


GOLDENS = __import__("pathlib").Path(__file__).parent / "goldens"


@pytest.fixture
def net_golden():
    """`check(name, text)`: compare with tests/network/goldens/NAME (KUBENB_UPDATE_GOLDENS=1 rewrites)."""
    import os

    def check(name: str, text: str) -> None:
        path = GOLDENS / name
        if os.environ.get("KUBENB_UPDATE_GOLDENS") == "1":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        assert path.exists(), f"golden {name} is missing (run with KUBENB_UPDATE_GOLDENS=1 to create it)"
        assert text == path.read_text()

    return check
