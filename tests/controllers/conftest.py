"""Clusters for the workload-controller tests, and the kubelet's part for pods that finish (the
simulated runtime keeps every container running until the container runtime lands)."""

from __future__ import annotations

from typing import Any, Optional

import pytest

from kubenb import Cluster
from kubenb.api.base import evolve


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


def pods(cluster: Cluster, selector: Optional[str] = None, namespace: str = "default") -> list[Any]:
    from kubenb.api.labels import parse_selector

    return cluster.store.list("Pod", namespace, parse_selector(selector) if selector else None)


def finish_pod(cluster: Cluster, pod: Any, exit_code: int = 0) -> Any:
    """What the kubelet writes when the pod's containers exit: Succeeded (0) or Failed."""
    from kubenb.api.core import ContainerState, ContainerStateTerminated

    pod = cluster.store.get("Pod", pod.metadata.namespace, pod.metadata.name)
    now = cluster.clock.rfc3339()
    new = evolve(pod, deep=("status",))
    st = new.status
    st.phase = "Succeeded" if exit_code == 0 else "Failed"
    for cs in st.container_statuses or ():
        started = cs.state.running.started_at if cs.state.running else now
        cs.state = ContainerState(terminated=ContainerStateTerminated(
            exit_code=exit_code, reason="Completed" if exit_code == 0 else "Error", started_at=started,
            finished_at=now, container_id=cs.container_id))
        cs.ready = False
        cs.started = False
    for c in st.conditions or ():
        if c.type in ("Ready", "ContainersReady"):
            c.status, c.reason, c.last_transition_time = "False", "PodCompleted", now
    return cluster.store.update(new, subresource="status")


def restart_container(cluster: Cluster, pod: Any) -> Any:
    """A container of a `restartPolicy: OnFailure` pod exited with an error and was restarted."""
    pod = cluster.store.get("Pod", pod.metadata.namespace, pod.metadata.name)
    new = evolve(pod, deep=("status",))
    for cs in new.status.container_statuses or ():
        cs.restart_count += 1
    return cluster.store.update(new, subresource="status")


class EventLog:
    """Every Event as it is first recorded: (time, kind, name, type, reason, message), in order."""

    def __init__(self, cluster: Cluster) -> None:
        self.items: list[tuple[float, str, str, str, str, str]] = []
        cluster.store.watch(self._on_event, "Event")

    def _on_event(self, ev: Any) -> None:
        if ev.type == "ADDED":
            e = ev.object
            self.items.append((ev.time, e.involved_object.kind, e.involved_object.name, e.type, e.reason, e.message))

    def of(self, kind: str, name: str) -> list[tuple[str, str, str]]:
        return [(t, r, m) for _, k, n, t, r, m in self.items if k == kind and n == name]

    def messages(self, kind: str, name: str) -> list[str]:
        return [m for _, _, m in self.of(kind, name)]
