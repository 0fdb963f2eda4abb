"""The pod status the kubelet reports: ``generateAPIPodStatus`` over the PLEG's view.

Container statuses come from :mod:`kubenb.kubelet.containers`; the phase is upstream's
``getPhase``; the conditions are written in the order the kubelet adds them
(``PodReadyToStartContainers`` since 1.29, ``Initialized``, ``Ready``, ``ContainersReady``, then
``PodScheduled`` as the scheduler left it), each keeping its ``lastTransitionTime`` while its
status does not change.
"""

from __future__ import annotations

import operator
from typing import TYPE_CHECKING, Any, Optional

from kubenb.kubelet.containers import container_status

if TYPE_CHECKING:
    from kubenb.kubelet.worker import PodWorker


def build(worker: PodWorker, old: Any) -> Any:
    """The status to write over `old` (the stored one). Its unchanged parts are the stored parts
    themselves -- each container's status when nothing it shows changed, the conditions when none
    moved -- so the store's sharing finds them at once and a write costs what changed."""
    from kubenb.api.core import HostIP, PodIP

    pod = worker.pod
    init_statuses, statuses = container_statuses(worker)
    phase = worker.phase_override or get_phase(pod, init_statuses, statuses, worker.terminal_requested)
    update: dict[str, Any] = {"phase": phase, "reason": worker.status_reason, "message": worker.status_message,
                              "host_ip": worker.host_ip}
    # the stored lists when they say the same (a status built per flush need not rebuild them)
    if worker.kubelet.minor >= 28 and worker.host_ip and not _single_ip(old.host_ips, worker.host_ip):
        update["host_ips"] = [HostIP(ip=worker.host_ip)]
    if worker.ip:
        update["pod_ip"] = worker.ip
        if not _single_ip(old.pod_ips, worker.ip):
            update["pod_ips"] = [PodIP(ip=worker.ip)]
    update["start_time"] = worker.start_time
    update["init_container_statuses"] = _same_list(old.init_container_statuses, init_statuses) or None
    update["container_statuses"] = _same_list(old.container_statuses, statuses)
    update["conditions"] = _same_list(old.conditions, conditions(worker, old, init_statuses, statuses, phase))
    return old.model_copy(update=update)


def container_statuses(worker: PodWorker) -> tuple[list[Any], list[Any]]:
    """The init and main containers' statuses (each memoized in :mod:`kubenb.kubelet.containers`:
    an unchanged container's is the very object built last time)."""
    spec = worker.pod.spec
    policy = spec.restart_policy or "Always"
    deleting = worker.pod.metadata.deletion_timestamp is not None
    default = "PodInitializing" if spec.init_containers else "ContainerCreating"
    return ([container_status(run, policy, deleting, "PodInitializing") for run in worker.init_runs],
            [container_status(run, policy, deleting, default) for run in worker.main_runs])


def flags(worker: PodWorker) -> int:
    """The worker's flags a status reads, as one small int."""
    return ((worker.sandbox is not None and not worker.sandbox_gone) | worker.terminal_requested << 1
            | (worker.pod.metadata.deletion_timestamp is not None) << 2 | (worker.phase_override is not None) << 3)


def unchanged(worker: PodWorker, old: Any, built: Any, built_flags: int) -> bool:
    """Whether :func:`build` over `old` would give `old` itself, known without building it: `old`
    is the stored status of the last build (`built`, with the worker's :func:`flags` then), and
    nothing it was built from changed since -- the same flags and phase override, the fields it
    copies from the worker, and each container's (memoized) status the very object it holds. A
    build over the status of a build from the same inputs is that status again (its conditions
    keep their times)."""
    if old is not built or flags(worker) != built_flags:
        return False
    if old.pod_ip != worker.ip or old.start_time != worker.start_time or old.reason != worker.status_reason \
            or old.message != worker.status_message \
            or (worker.phase_override is not None and old.phase != worker.phase_override):
        return False
    init_statuses, statuses = container_statuses(worker)
    return _identical(init_statuses, old.init_container_statuses) and _identical(statuses, old.container_statuses)


def _identical(built: list[Any], stored: Optional[list[Any]]) -> bool:
    stored = stored or ()
    return len(built) == len(stored) and all(map(operator.is_, built, stored))


def _same_list(stored: Optional[list[Any]], built: list[Any]) -> list[Any]:
    """The stored list itself when `built` holds the very same items (an unchanged part stays shared)."""
    return stored if stored is not None and _identical(built, stored) else built


def _single_ip(ips: Any, ip: str) -> bool:
    """Whether `ips` (``hostIPs``/``podIPs``) is exactly ``[{ip: <ip>}]``."""
    return ips is not None and len(ips) == 1 and ips[0].ip == ip


def get_phase(pod: Any, init_statuses: list[Any], statuses: list[Any], terminal: bool) -> str:
    """Upstream's ``getPhase``."""
    spec = pod.spec
    policy = spec.restart_policy or "Always"
    by_name = {s.name: s for s in init_statuses}
    pending_init = failed_init = 0
    for c in spec.init_containers or ():
        if c.restart_policy == "Always":
            continue
        s = by_name.get(c.name)
        if s is None:
            pending_init += 1
        elif s.state.running is not None:
            pending_init += 1
        elif s.state.terminated is not None:
            if s.state.terminated.exit_code != 0:
                failed_init += 1
        elif s.state.waiting is not None:
            last = s.last_state.terminated if s.last_state is not None else None
            if last is not None:
                if last.exit_code != 0:
                    failed_init += 1
            else:
                pending_init += 1
        else:
            pending_init += 1
    unknown = running = waiting = stopped = succeeded = 0
    by_name = {s.name: s for s in statuses}
    for c in spec.containers:
        s = by_name.get(c.name)
        if s is None:
            unknown += 1
        elif s.state.running is not None:
            running += 1
        elif s.state.terminated is not None:
            stopped += 1
            if s.state.terminated.exit_code == 0:
                succeeded += 1
        elif s.state.waiting is not None:
            if s.last_state is not None and s.last_state.terminated is not None:
                stopped += 1
            else:
                waiting += 1
        else:
            unknown += 1
    if failed_init > 0 and policy == "Never":
        return "Failed"
    regular_started = any(s.state.running is not None or s.state.terminated is not None
                          or (s.last_state is not None and s.last_state.terminated is not None) for s in statuses)
    if (pending_init > 0 and not regular_started) or waiting > 0:
        return "Pending"
    if running > 0 and unknown == 0:
        return "Running"
    if running == 0 and stopped > 0 and unknown == 0:
        if terminal:
            return "Succeeded" if stopped == succeeded else "Failed"
        if policy == "Always":
            return "Running"
        if stopped == succeeded:
            return "Succeeded"
        if policy == "Never":
            return "Failed"
        return "Running"
    return "Pending"


# A condition is its five values, and the pods that change at one second (a Deployment's replicas
# becoming ready) have the same ones: one object for all of them, made once (stored objects are
# never edited, and the store finds a part it already holds without hashing it again).
_CONDITIONS: dict[tuple[str, str, Optional[str], Optional[str], Optional[str]], Any] = {}
_CONDITIONS_MAX = 4096


def _names(names: list[str]) -> str:
    return "[" + " ".join(names) + "]"


def conditions(worker: PodWorker, old: Any, init_statuses: list[Any], statuses: list[Any], phase: str) -> list[Any]:
    from kubenb.api.core import PodCondition

    pod = worker.pod
    clock = worker.kubelet.clock
    previous = {c.type: c for c in old.conditions or ()}

    def cond(type_: str, ok: bool, reason: Optional[str] = None, message: Optional[str] = None) -> Any:
        status = "True" if ok else "False"
        prev = previous.get(type_)
        if prev is not None and prev.status == status:
            if prev.reason == reason and prev.message == message and prev.last_probe_time is None:
                return prev  # unchanged: the stored condition itself (stored objects are never edited)
            since = prev.last_transition_time
        else:
            since = clock.rfc3339()
        key = (type_, status, since, reason, message)
        found = _CONDITIONS.get(key)
        if found is None:
            if len(_CONDITIONS) >= _CONDITIONS_MAX:
                _CONDITIONS.clear()
            found = _CONDITIONS[key] = PodCondition(type=type_, status=status, last_transition_time=since,
                                                    last_probe_time=None, reason=reason, message=message)
        return found

    out = []
    if worker.kubelet.minor >= 29:
        out.append(cond("PodReadyToStartContainers", worker.sandbox is not None and not worker.sandbox_gone))
    # Initialized
    incomplete = [s.name for s, c in zip(init_statuses, pod.spec.init_containers or (), strict=False) if not s.ready
                  and c.restart_policy != "Always"]
    if phase == "Succeeded" and pod.spec.init_containers:
        out.append(cond("Initialized", True, "PodCompleted"))
    elif incomplete:
        out.append(cond("Initialized", False, "ContainersNotInitialized",
                        f"containers with incomplete status: {_names(incomplete)}"))
    else:
        out.append(cond("Initialized", True))
    # ContainersReady, then Ready (which repeats it, readiness gates aside)
    unready = [s.name for s in statuses if not s.ready]
    sidecars_unready = [s.name for s, c in zip(init_statuses, pod.spec.init_containers or (), strict=False)
                        if c.restart_policy == "Always" and not s.ready]
    unready = sidecars_unready + unready
    if phase == "Succeeded":
        ready = cond("ContainersReady", False, "PodCompleted")
    elif unready:
        ready = cond("ContainersReady", False, "ContainersNotReady", f"containers with unready status: {_names(unready)}")
    else:
        ready = cond("ContainersReady", True)
    pod_ready = cond("Ready", ready.status == "True", ready.reason, ready.message)
    if ready.status == "True":
        gates = []
        for gate in pod.spec.readiness_gates or ():
            c = previous.get(gate.condition_type)
            if c is None:
                gates.append(f'corresponding condition of pod readiness gate "{gate.condition_type}" does not exist.')
            elif c.status != "True":
                gates.append(f'the status of pod readiness gate "{gate.condition_type}" is not "True", but {c.status}')
        if gates:
            pod_ready = cond("Ready", False, "ReadinessGatesNotReady", ", ".join(gates))
    out += [pod_ready, ready]
    known = {c.type for c in out}
    out += [c for c in old.conditions or () if c.type not in known]
    return out
