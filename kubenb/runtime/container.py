"""Containers: what CreateContainer makes and the kubelet then drives.

A :class:`Container` has a root filesystem from its image plus its mounts, a PID 1 started from
command/args/entrypoint/cmd by Kubernetes' rules, exec, signals and a stop with a grace period,
logs, an exit status (``Completed`` / ``Error`` / ``OOMKilled``, or the runtime's
``StartError``/``ContainerCannotRun``) and cgroup usage. It lives in a
:class:`~kubenb.runtime.sandbox.Sandbox`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from kubenb.api.construct import shared_keys
from kubenb.runtime import resources
from kubenb.runtime.fs import FileSystem, FsError, Node
from kubenb.runtime.logs import ContainerLog
from kubenb.runtime.mountpoints import container_fs
from kubenb.runtime.process import (
    BufferStream,
    Driver,
    LogStream,
    Process,
    Scheduler,
    StartFailure,
    Stream,
    TeeStream,
    Timer,
    find_executable,
    program_main,
)
from kubenb.runtime.program import SIGKILL, Program, signal_number
from kubenb.runtime.resources import Limits, Usage

if TYPE_CHECKING:
    from kubenb.runtime.images import Image
    from kubenb.runtime.sandbox import Sandbox


@dataclass(frozen=True, slots=True)
class MountSpec:
    """A volume mount: `node` is the volume's shared directory (or a single file).

    Slotted: a container's spec keeps its mounts for its whole life (two or more per pod)."""

    path: str
    node: Node
    read_only: bool = False
    source: str = ""


@dataclass(slots=True)
class ContainerSpec:
    """What the kubelet asks for (CreateContainer): a resolved pod container."""

    name: str
    image: Image
    command: Sequence[str] | None = None
    args: Sequence[str] | None = None
    env: Sequence[tuple[str, str]] = ()
    working_dir: str | None = None
    mounts: Sequence[MountSpec] = ()
    limits: Limits = field(default_factory=Limits)
    tty: bool = False
    stdin: str | None = None  # what an attached stdin delivers (None: closed, like most pods)


@dataclass(frozen=True)
class ExitStatus:
    """A terminated container, as ``containerStatuses[].state.terminated`` reports it."""

    exit_code: int
    reason: str
    started_at: float
    finished_at: float
    signal: int | None = None
    message: str = ""


class ExecFailure(Exception):
    """``kubectl exec`` of something the runtime cannot start (``detail`` is runc's text)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    def kubectl(self, runtime: str, exec_id: str) -> tuple[str, int]:
        """What kubectl prints on stderr and its exit code.

        docker (dockershim) streams the OCI error and reports exit 126; containerd fails the
        exec request itself, which kubectl turns into an Internal error and exit status 1.
        """
        oci = f"OCI runtime exec failed: exec failed: unable to start container process: {self.detail}: unknown"
        if runtime == "docker":
            return f"{oci}\ncommand terminated with exit code 126\n", 126
        return (
            "error: Internal error occurred: error executing command in container: failed to exec in container: "
            f'failed to start exec "{exec_id}": {oci}\n',
            1,
        )


def start_failure_status(failure: StartFailure, runtime: str) -> tuple[str, int, str]:
    """(reason, exit code, message) of a container whose command cannot be started."""
    runc = f"runc create failed: unable to start container process: {failure.detail}: unknown"
    if runtime == "docker":
        return "ContainerCannotRun", 127, f"OCI runtime create failed: {runc}"
    return (
        "StartError",
        128,
        f"failed to create containerd task: failed to create shim task: OCI runtime create failed: {runc}",
    )


@lru_cache(maxsize=64)
def _parse_passwd(text: str) -> tuple[tuple[str, ...], ...]:
    """/etc/passwd's entries; every container of an image reads the same text, parsed once."""
    return tuple(tuple(line.split(":")) for line in text.splitlines() if line.count(":") >= 6)


# The files the runtime bind-mounts from the sandbox, in the order it mounts them.
_ETC_FILES = (("resolv.conf", "/etc/resolv.conf"), ("hostname", "/etc/hostname"), ("hosts", "/etc/hosts"))


class ContainerNotRunning(Exception):
    pass


class Container:
    """One container of a sandbox. ``start()`` runs PID 1; ``on_exit`` callbacks see it end.

    Slotted: a node keeps one per container it ran (150,000 at scale)."""

    __slots__ = (
        "sandbox", "spec", "image", "scheduler", "programs", "runtime", "fs", "log", "state", "exit_status",
        "on_exit", "stepping", "oom_killed", "_pending", "_processes", "_next_pid", "_kill_timer", "main",
        "started_at",
    )  # fmt: skip

    def __init__(
        self,
        sandbox: Sandbox,
        spec: ContainerSpec,
        scheduler: Scheduler,
        programs: Callable[[str], Program],
        runtime: str = "containerd",
    ) -> None:
        self.sandbox = sandbox
        self.spec = spec
        self.image = spec.image
        self.scheduler = scheduler
        self.programs = programs
        self.runtime = runtime
        self.log = ContainerLog()
        self.state = "created"
        self.exit_status: ExitStatus | None = None
        self.on_exit: list[Callable[[Container], None]] = []
        self.stepping = 0  # >0 while some process's generator runs
        self.oom_killed = False
        self._pending: list[Callable[[], None]] | None = None  # made by the first delivery that must wait
        self._processes: dict[int, Process] = {}
        self._next_pid = 1
        self._kill_timer: Timer | None = None
        self.main: Process | None = None
        self.started_at: float | None = None
        self.fs = self._prepare_fs()
        sandbox.containers.append(self)

    def now(self) -> float:
        return self.scheduler.now()

    # -- set-up -----------------------------------------------------------------------------

    def _prepare_fs(self) -> FileSystem:
        sandbox = self.sandbox
        device = sandbox.host.root_device
        mounts = [(path, sandbox.etc_file(name), False, device) for name, path in _ETC_FILES]
        mounts += [(m.path, m.node, m.read_only, m.source) for m in self.spec.mounts]
        return container_fs(self.image.rootfs(), mounts, self.working_dir, self.scheduler.now)

    @property
    def working_dir(self) -> str:
        return self.spec.working_dir or self.image.working_dir or "/"

    def environment(self, tty: bool = False) -> dict[str, str]:
        """The environment docker gives a container's processes, in its order.

        PATH and HOSTNAME first (``CreateDaemonEnvironment``), TERM for a terminal, then the pod's
        variables, then the image's that the pod did not override, and HOME last (set by the
        runtime from /etc/passwd when nobody set it).
        """
        image_env = dict(self.image.env)
        env: dict[str, str] = {
            "PATH": image_env.get("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
        }
        env["HOSTNAME"] = self.sandbox.hostname
        if tty:
            env["TERM"] = "xterm"
        for k, v in self.spec.env:
            env[k] = v
        for k, v in self.image.env:
            env.setdefault(k, v)
        env.setdefault("HOME", self.home_of(self.image_uid()))
        return env

    def argv(self) -> list[str]:
        """Kubernetes' rule: `command` replaces ENTRYPOINT, `args` replaces CMD."""
        if self.spec.command is not None:
            return list(self.spec.command) + list(self.spec.args or ())
        return list(self.image.entrypoint) + list(self.spec.args if self.spec.args is not None else self.image.cmd)

    # -- users ------------------------------------------------------------------------------

    def _passwd(self) -> tuple[tuple[str, ...], ...]:
        try:
            text = self.fs.read_text("/etc/passwd")
        except FsError:  # an image without /etc/passwd, like the distroless ones
            return ()
        return _parse_passwd(text)

    def user_name(self, uid: int) -> str:
        for f in self._passwd():
            if f[2] == str(uid):
                return f[0]
        return str(uid)

    def uid_of(self, user: str) -> int:
        if user.isdigit():
            return int(user)
        for f in self._passwd():
            if f[0] == user:
                return int(f[2])
        return 0

    def home_of(self, uid: int) -> str:
        for f in self._passwd():
            if f[2] == str(uid):
                return f[5]
        return "/"

    def image_uid(self) -> int:
        return self.uid_of(self.image.user) if self.image.user else 0

    # -- processes --------------------------------------------------------------------------

    def load(self, argv: Sequence[str], env: dict[str, str], cwd: str) -> Program:
        """The program `argv` would run here. Raises StartFailure when runc could not exec it."""
        if not argv:
            raise StartFailure('exec: "": executable file not found in $PATH')
        exe = getattr(find_executable(self, argv[0], env, cwd)[1], "exe", None)  # a File's, or a Device's None
        if exe is None:  # a script or data file marked executable: we cannot run what we cannot model
            raise StartFailure(f'exec: "{argv[0]}": exec format error')
        return self.programs(exe)

    def new_process(
        self, argv: Sequence[str], env: dict[str, str], cwd: str, uid: int, stdin: str,
        stdout: Stream, stderr: Stream, parent: Process | None = None, tty: bool = False,
    ) -> Process:  # fmt: skip
        proc = Process(self, self._next_pid, argv, env, cwd, uid, stdin, stdout, stderr, parent, tty)
        self._processes[proc.pid] = proc
        self._next_pid += 1
        return proc

    def spawn(self, argv: Sequence[str], program: Program, parent: Process, title: str | None = None) -> Process:
        """Start `program` as a new process of its own (a daemon, a background job), child of `parent`."""
        proc = self.new_process(
            argv, dict(parent.env), parent.cwd, parent.uid, "", parent.stdout, parent.stderr, parent
        )
        proc.program, proc.title = program, title
        Driver(proc, program_main(program, proc), program).start()
        return proc

    def allocate_pid(self) -> int:
        """Use up a PID (a short-lived helper, like redis' background-save child)."""
        self._next_pid += 1
        return self._next_pid - 1

    def skip_pids(self, to: int) -> None:
        """Advance the PID counter (an entrypoint's short-lived helpers used the PIDs between)."""
        self._next_pid = max(self._next_pid, to)

    def live_processes(self) -> list[Process]:
        return [self._processes[pid] for pid in sorted(self._processes)]

    def process_exited(self, proc: Process) -> None:
        self._processes.pop(proc.pid, None)
        if proc is self.main:
            self._main_exited(proc)

    def deliver(self, action: Callable[[], None]) -> None:
        """Run `action` now, or right after the generator that is running returns control."""
        if self.stepping:
            pending = self._pending
            if pending is None:
                pending = self._pending = []
            pending.append(action)
            if len(pending) == 1:
                self.scheduler.call_later(0.0, self.flush_deliveries)
        else:
            action()

    def flush_deliveries(self) -> None:
        pending = self._pending
        while pending and not self.stepping:
            pending.pop(0)()

    def signal(self, pid: int, sig: int | str) -> bool:
        """``kill(pid, sig)``; False when there is no such process."""
        proc = self._processes.get(pid)
        if proc is None:
            return False
        number = signal_number(sig)
        self.deliver(lambda: proc.signal_received(number))
        return True

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        """Start PID 1. Raises StartFailure (and records the exit status) if it cannot run."""
        if self.state != "created":
            raise RuntimeError(f"container {self.spec.name} is {self.state}")
        now = self.now()
        self.started_at = now
        env = shared_keys(self.environment(tty=self.spec.tty))  # PID 1's, kept as long as the container
        argv = self.argv()
        try:
            program = self.load(argv, env, self.working_dir)
        except StartFailure as failure:
            reason, code, message = start_failure_status(failure, self.runtime)
            self.state = "exited"
            self.exit_status = ExitStatus(code, reason, now, now, message=message)
            self._notify_exit()
            raise
        self.state = "running"
        out = LogStream(self, "stdout")
        err = out if self.spec.tty else LogStream(self, "stderr")
        proc = self.new_process(
            argv, env, self.working_dir, self.image_uid(), self.spec.stdin or "", out, err, tty=self.spec.tty
        )
        proc.program = program
        self.main = proc
        Driver(proc, program_main(program, proc), program).start()

    def stop(self, grace_seconds: float, signal: str | int | None = None) -> None:
        """StopContainer: the image's STOPSIGNAL (or `signal`), then SIGKILL after the grace period."""
        if self.state != "running" or self.main is None:
            return
        self.signal(self.main.pid, signal or self.image.stop_signal)
        if self._kill_timer is None:
            self._kill_timer = Timer(self.scheduler, grace_seconds, lambda: self.kill())

    def kill(self, sig: int = SIGKILL) -> None:
        if self.state == "running" and self.main is not None:
            self.signal(self.main.pid, sig)

    def _main_exited(self, proc: Process) -> None:
        """PID 1 is gone: the PID namespace goes with it, and the container has exited."""
        if self._kill_timer is not None:
            self._kill_timer.cancel()
        for other in self.live_processes():
            self.deliver(lambda o=other: o.kill_now(SIGKILL))
        self.log.flush()
        code = proc.exit_code or 0
        oom = self.oom_killed and proc.signal == SIGKILL
        reason = "OOMKilled" if oom else ("Completed" if code == 0 else "Error")
        self.state = "exited"
        assert self.started_at is not None
        self.exit_status = ExitStatus(code, reason, self.started_at, self.now(), proc.signal)
        self._notify_exit()

    def _notify_exit(self) -> None:
        for callback in list(self.on_exit):
            callback(self)

    # -- exec, probes -------------------------------------------------------------------------

    def exec(self, argv: Sequence[str], stdin: str | None = None, tty: bool = False) -> Process:
        """Run a command in the running container (``kubectl exec``, exec probes).

        Returns the process; it may finish at once or later (``sleep``), and its
        ``stdout_buffer``/``stderr_buffer``/``output`` collect what it printed. Raises
        ContainerNotRunning, or ExecFailure when the runtime cannot start `argv`.
        """
        if self.state != "running":
            raise ContainerNotRunning(self.spec.name)
        env = self.environment(tty=tty)
        cwd = self.working_dir
        try:
            program = self.load(argv, env, cwd)
        except StartFailure as failure:
            raise ExecFailure(failure.detail) from None
        out, err, combined = BufferStream(), BufferStream(), BufferStream()
        stdout = TeeStream(out, combined)
        stderr = stdout if tty else TeeStream(err, combined)
        proc = self.new_process(argv, env, cwd, self.image_uid(), stdin or "", stdout, stderr, tty=tty)
        proc.stdout_buffer, proc.stderr_buffer, proc.output = out, err, combined
        proc.program = program
        Driver(proc, program_main(program, proc), program).start()
        return proc

    # -- cgroup -----------------------------------------------------------------------------

    def cpu_rate_for(self, cores: float) -> float:
        busy = 1 + sum(1 for p in self._processes.values() if p.cpu_rate > 0)
        return resources.cpu_rate(cores, self.spec.limits, self.sandbox.host.cpus, busy)

    def check_memory(self) -> None:
        victim = resources.oom_victim(self._processes.values(), self.spec.limits)
        if victim is not None:
            if victim is self.main:
                self.oom_killed = True
            self.deliver(lambda: victim.signal_received(SIGKILL))

    def usage(self) -> Usage:
        return resources.usage(self._processes.values())
