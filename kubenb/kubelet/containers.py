"""What the kubelet remembers about one container of a pod, and how its status reads.

A container name has a succession of runtime *instances* (a restart is a new container). The
kubelet keeps the newest and the one before it (the dead one ``--previous`` and ``lastState``
show). What the API sees is not the runtime's state at every instant but what the PLEG observed
at its last relist: :meth:`ContainerRun.observe` takes that snapshot, and statuses, probes and
restart decisions read it, never the live runtime.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Optional

from kubenb.sim.clock import format_rfc3339
from kubenb.store.compact import intern, seal

if TYPE_CHECKING:
    from kubenb.runtime import Container, ExitStatus, Image


@dataclass(eq=False, slots=True)
class Instance:
    """One runtime container: the CRI's ``containerID`` and the restart count it was created with."""

    container: Container
    cid: str  # "<runtime>://<64 hex>"
    restart_count: int
    image: Image
    image_name: str  # what ``containerStatuses[].image`` says
    termination_log: Any = None  # the file bind-mounted at terminationMessagePath
    message: Optional[str] = None  # the termination message, read when it exited

    @property
    def running(self) -> bool:
        return self.container.state == "running"

    @property
    def exit(self) -> Optional[ExitStatus]:
        return self.container.exit_status


@dataclass(eq=False, slots=True)
class ContainerRun:
    spec: Any  # the pod's core/v1 Container
    init: bool = False
    sidecar: bool = False
    current: Optional[Instance] = None
    previous: Optional[Instance] = None
    # the PLEG's view: the newest instance it saw, whether it had exited, and the one before
    seen: Optional[Instance] = None
    seen_exited: bool = False
    seen_previous: Optional[Instance] = None
    reason: Optional[tuple[str, str]] = None  # the kubelet's reasonCache: (Waiting reason, message)
    shown_reason: Optional[tuple[str, str]] = None  # the reason as of the last sync's start (what status shows)
    ready: bool = False
    started: bool = False  # the startup probe passed (or there is none) for the current instance
    probes: tuple[Any, ...] = ()  # the probe workers (most containers have none: no list each)
    killing: bool = False
    # the status last built and what it was built from: an unchanged container is not rebuilt
    status_key: Any = None
    status: Any = None

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def field_path(self) -> str:
        return _field_path(self.init, self.spec.name)

    def set_reason(self, reason: str, message: str = "") -> None:
        self.reason = (reason, message)

    def add(self, instance: Instance) -> None:
        self.previous, self.current = self.current, instance
        self.ready = False
        self.started = False

    def observe(self) -> bool:
        """The PLEG relist: take a snapshot; True if anything changed since the last one."""
        cur = self.current
        exited = cur is not None and not cur.running
        if cur is self.seen and exited == self.seen_exited:
            return False
        if cur is not self.seen:
            self.seen_previous = self.previous if self.previous is not None else self.seen
            if not exited:
                # without a startup probe a running container has started; without a readiness
                # probe a started one is ready (the prober manager's UpdatePodStatus)
                self.started = self.spec.startup_probe is None
                self.ready = self.started and self.spec.readiness_probe is None
        self.seen, self.seen_exited = cur, exited
        if exited:
            self.ready = self.started = False
        return True

    @property
    def seen_running(self) -> bool:
        return self.seen is not None and not self.seen_exited

    def last_exit(self) -> Optional[ExitStatus]:
        """The newest *exited* instance the PLEG saw (what ``doBackOff`` looks at)."""
        if self.seen is not None and self.seen_exited:
            return self.seen.exit
        if self.seen_previous is not None:
            return self.seen_previous.exit
        return None


@lru_cache(maxsize=4096)
def _field_path(init: bool, name: str) -> str:
    """``spec.containers{nginx}``: one string per container name, shared by every pod's events."""
    return f"spec.{'initContainers' if init else 'containers'}{{{name}}}"


def should_restart(run: ContainerRun, restart_policy: str, deleting: bool) -> bool:
    """``ShouldContainerBeRestarted``, over the PLEG's view."""
    if deleting:
        return False
    if run.seen is None:
        return True
    if not run.seen_exited:
        return False
    if run.sidecar:
        return True
    if restart_policy == "Never":
        return False
    if restart_policy == "OnFailure":
        status = run.seen.exit
        return status is None or status.exit_code != 0
    return True


def terminated_state(instance: Instance) -> Any:
    from kubenb.api.core import ContainerStateTerminated

    st = instance.exit
    assert st is not None
    return ContainerStateTerminated(
        exit_code=st.exit_code, reason=st.reason, message=instance.message or st.message or None,
        started_at=format_rfc3339(st.started_at), finished_at=format_rfc3339(st.finished_at),
        container_id=instance.cid)


def container_status(run: ContainerRun, restart_policy: str, deleting: bool, default_waiting: str) -> Any:
    """``convertToAPIContainerStatuses`` for one container: the status built last time when
    nothing it reads changed (that object, stored, is what the store shares again for free)."""
    seen = run.seen
    if seen is None:
        key: Any = (run.shown_reason, default_waiting)
    else:
        # what an instance shows once the PLEG saw it (start time, exit status, termination
        # message) never changes: the instances and the kubelet's own flags say it all
        prev = run.seen_previous
        key = (seen, prev, seen.exit, run.shown_reason,
               run.seen_exited | run.ready << 1 | run.started << 2 | deleting << 3)
    if key != run.status_key or run.status is None:
        run.status = _container_status(run, restart_policy, deleting, default_waiting)
        run.status_key = key
    return run.status


def _container_status(run: ContainerRun, restart_policy: str, deleting: bool, default_waiting: str) -> Any:
    from kubenb.api.core import ContainerState, ContainerStatus

    spec = run.spec
    seen = run.seen
    if seen is None:
        reason, message = run.shown_reason or (default_waiting, "")
        return _not_started(spec.name, spec.image or "", reason, message or None)
    last = _nothing()
    if run.seen_previous is not None and run.seen_previous.exit is not None:
        last = ContainerState(terminated=terminated_state(run.seen_previous))
    if run.seen_exited:
        state = ContainerState(terminated=terminated_state(seen))
        if run.shown_reason is not None and should_restart(run, restart_policy, deleting):
            last = state
            state = _waiting(run.shown_reason[0], run.shown_reason[1] or None)
    else:
        state = _running(format_rfc3339(seen.container.started_at or 0.0))
    running = not run.seen_exited
    ready = run.ready and running
    if run.init and not run.sidecar:
        # a finished init container is ready when it succeeded (``convertToAPIContainerStatuses``)
        ready = state.terminated is not None and state.terminated.exit_code == 0
    status = ContainerStatus(
        name=spec.name, state=state, last_state=last, ready=ready,
        restart_count=seen.restart_count, image=seen.image_name, image_id=seen.image.image_id(seen.container.runtime),
        container_id=seen.cid, started=run.started and running)
    seal(status)  # its containerID is this container's alone: the store never looks for an equal one
    return status


# The states most statuses show are the same for many containers (every pod waits in
# ContainerCreating; the replicas started in one second show one startedAt): one canonical instance
# each, made once. Stored objects are never edited, and the store finds a part it already holds by
# identity instead of validating, hashing and comparing an equal one per status write.
@lru_cache(maxsize=1024)
def _not_started(name: str, image: str, reason: str, message: Optional[str]) -> Any:
    from kubenb.api.core import ContainerStatus

    return intern(ContainerStatus(name=name, image=image, image_id="", ready=False, restart_count=0, started=False,
                                  state=_waiting(reason, message)))


@lru_cache(maxsize=1)
def _nothing() -> Any:
    from kubenb.api.core import ContainerState

    return intern(ContainerState())


@lru_cache(maxsize=256)
def _waiting(reason: str, message: Optional[str]) -> Any:
    from kubenb.api.core import ContainerState, ContainerStateWaiting

    return intern(ContainerState(waiting=ContainerStateWaiting(reason=reason, message=message)))


@lru_cache(maxsize=4096)
def _running(started_at: str) -> Any:
    from kubenb.api.core import ContainerState, ContainerStateRunning

    return intern(ContainerState(running=ContainerStateRunning(started_at=started_at)))
