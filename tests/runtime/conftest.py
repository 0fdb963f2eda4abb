"""The runtime tests' fixtures: a node on a simulated clock (see `runtime_node`)."""

from __future__ import annotations

import pytest
from runtime_node import Node


@pytest.fixture
def node() -> Node:
    return Node()


@pytest.fixture
def make_node():
    """``make_node("docker")``: a node whose runtime words things the docker way."""
    return Node
