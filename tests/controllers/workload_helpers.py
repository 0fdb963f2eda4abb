"""Recorders of what happened when, and small helpers for the workload-controller tests: the tests
derive the times they expect from the kubelet's and the controllers' own timings.

A module of its own, not the conftest, so test modules import it by a name no other directory's
conftest shares."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Optional

from kubenb import Cluster
from kubenb.api.base import evolve


def pods(cluster: Cluster, selector: Optional[str] = None, namespace: str = "default") -> list[Any]:
    from kubenb.api.labels import parse_selector

    return cluster.store.list("Pod", namespace, parse_selector(selector) if selector else None)


def finish_pod(cluster: Cluster, pod: Any, exit_code: int = 0) -> Any:
    """A pod failed from outside its containers (an eviction, a node lost): the terminal status the
    kubelet would write. Pods whose containers exit need no help: the kubelet reports them."""
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


def until(cluster: Cluster, done: Callable[[], bool], limit: float = 600.0) -> float:
    """Let simulated time pass event by event until `done()`; the time it became true."""
    assert cluster.loop.run_while(lambda: not done(), cluster.clock.now + limit), f"not within {limit}s"
    return cluster.clock.now


class History:
    """Every watch event of one kind as it happened: (time, type, object), in order."""

    def __init__(self, cluster: Cluster, kind: str) -> None:
        self.items: list[tuple[float, str, Any]] = []
        cluster.store.watch(lambda ev: self.items.append((ev.time, ev.type, ev.object)), kind)

    def when(self, test: Callable[[Any], bool], name: Optional[str] = None) -> float:
        """The first time an object (named `name`, if given) was written in a state passing `test`."""
        for t, type_, obj in self.items:
            if type_ != "DELETED" and (name is None or obj.metadata.name == name) and test(obj):
                return t
        raise AssertionError(f"no {name or 'object'} ever passed {test}")

    def added(self) -> list[tuple[float, str]]:
        return [(t, o.metadata.name) for t, type_, o in self.items if type_ == "ADDED"]

    def deleted(self, name: str) -> float:
        return next(t for t, type_, o in self.items if type_ == "DELETED" and o.metadata.name == name)


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
