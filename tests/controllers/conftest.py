"""Clusters for the workload-controller tests (their helpers are in `workload_helpers`)."""

from __future__ import annotations

import pytest

from kubenb import Cluster


def wire(cluster: Cluster, monkeypatch: pytest.MonkeyPatch) -> Cluster:
    """The composition root registers the workload controllers and defaulters; nothing to add."""
    return cluster


@pytest.fixture
def wl_kubeadm(monkeypatch) -> Cluster:
    return wire(Cluster(), monkeypatch)


@pytest.fixture
def wl_course(monkeypatch) -> Cluster:
    return wire(Cluster("course"), monkeypatch)


@pytest.fixture(params=["course", "kubeadm"])
def wl_any(request, monkeypatch) -> Cluster:
    return wire(Cluster(request.param), monkeypatch)
