"""Processes: a program's generator driven by the simulation's scheduler.

A top-level process (a container's PID 1, or an exec'd command) owns a :class:`Driver` that
steps its generator and turns each yielded effect into a timer. A child that a shell starts
(``sleep 5`` inside ``while true``) runs *inline*, ``yield from`` its program inside the
shell's generator -- exactly fork-exec-wait -- but is still a process of its own: it has a PID,
shows in ``ps`` and can be killed, which throws :class:`~kubenb.runtime.program.Killed` into
the generator so that only the frames of that child unwind.

Signals are asynchronous, as in the kernel: a signal sent while some process of the container
is being stepped is delivered at the same instant, right after that step, never re-entering a
running generator.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Generator, Sequence
from collections.abc import Set as AbstractSet
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

from kubenb.runtime.fs import Device, Dir, File, FileSystem, FsError, Node, join
from kubenb.runtime.program import SIGKILL, Effect, Forever, Killed, Program, Sleep, Work

if TYPE_CHECKING:
    from kubenb.runtime.container import Container


_NO_PORTS: frozenset[tuple[str, int, str]] = frozenset()
# Bound ports are a few sets that every pod of a Deployment shares ({80 on 0.0.0.0, 80 on ::} for
# nginx): one frozenset per content, not a set per process.
_PORT_SETS: dict[frozenset[tuple[str, int, str]], frozenset[tuple[str, int, str]]] = {}
_PORT_SETS_MAX = 4096


@lru_cache(maxsize=256)
def _passive_argv(title: str) -> list[str]:
    """The argv of passive processes (see `Process.spawn_passive`): one list per title."""
    return [title]


class Scheduler(Protocol):
    """The two things a runtime needs from the simulation: the time, and a timer."""

    def now(self) -> float: ...

    def call_later(self, delay: float, callback: Callable[[], None]) -> None: ...


class LoopScheduler:
    """:class:`Scheduler` over :class:`kubenb.sim.loop.EventLoop` (node-priority callbacks)."""

    def __init__(self, loop: Any, priority: int | None = None) -> None:
        from kubenb.sim.loop import PRIORITY_NODE

        self.loop = loop
        self.priority = PRIORITY_NODE if priority is None else priority

    def now(self) -> float:
        return self.loop.clock.now

    def call_later(self, delay: float, callback: Callable[[], None]) -> None:
        self.loop.call_later(delay, callback, self.priority)


class Timer:
    """A cancellable one-shot timer (the event loop itself cannot cancel).

    The loop keeps the entry until its time comes, so a cancelled timer drops its callback at
    once: a stopped container's 30-second kill timer must not keep the container, its processes,
    its filesystem and its pod worker alive for those 30 seconds after the pod is gone.
    """

    __slots__ = ("callback",)

    def __init__(self, scheduler: Scheduler, delay: float, callback: Callable[[], None]) -> None:
        self.callback: Callable[[], None] | None = callback
        scheduler.call_later(max(0.0, delay), self._fire)

    def _fire(self) -> None:
        callback, self.callback = self.callback, None
        if callback is not None:
            callback()

    def cancel(self) -> None:
        self.callback = None


class StartFailure(Exception):
    """The OCI runtime could not start a program: ``detail`` is runc's ``exec: "x": ...`` text."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


# ---------------------------------------------------------------------------- streams


class Stream:
    """Where a file descriptor's writes go."""

    __slots__ = ()

    def write(self, text: str) -> None:
        raise NotImplementedError


class NullStream(Stream):
    __slots__ = ()

    def write(self, text: str) -> None:
        pass


class BufferStream(Stream):
    __slots__ = ("parts",)

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    @property
    def text(self) -> str:
        return "".join(self.parts)


class TeeStream(Stream):
    __slots__ = ("targets",)

    def __init__(self, *targets: Stream) -> None:
        self.targets = targets

    def write(self, text: str) -> None:
        for target in self.targets:
            target.write(text)


class LogStream(Stream):
    """A container's stdout or stderr, as its log driver records it."""

    __slots__ = ("container", "stream")

    def __init__(self, container: Container, stream: str) -> None:
        self.container = container
        self.stream = stream

    def write(self, text: str) -> None:
        self.container.log.write(self.stream, text, self.container.now())


class FileStream(Stream):
    """Writes appended to a file (opening truncated it, unless it was opened for appending)."""

    __slots__ = ("container", "path")

    def __init__(self, container: Container, path: str) -> None:
        self.container = container
        self.path = path

    def write(self, text: str) -> None:
        self.container.fs.write(self.path, text, append=True)


# ---------------------------------------------------------------------------- processes


class Process:
    """One process in a container: what programs see of the system.

    Slotted: every pod has a few (nginx: the master and a worker per CPU), and a per-instance
    ``__dict__`` would be most of their size."""

    __slots__ = (
        "container", "pid", "ppid", "argv", "env", "cwd", "uid", "stdin", "stdout", "stderr", "tty", "program",
        "driver", "title", "memory", "cpu_rate", "cpu_time", "ports", "dumpable", "stdout_buffer", "stderr_buffer",
        "output", "started_at", "exit_code", "signal", "_on_exit",
    )  # fmt: skip

    def __init__(
        self,
        container: Container,
        pid: int,
        argv: Sequence[str],
        env: dict[str, str],
        cwd: str,
        uid: int,
        stdin: str,
        stdout: Stream,
        stderr: Stream,
        parent: Process | None = None,
        tty: bool = False,
    ) -> None:
        self.container = container
        self.pid = pid
        self.ppid = parent.pid if parent else 0
        self.argv = list(argv)
        self.env = env
        self.cwd = cwd
        self.uid = uid
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.tty = tty
        self.program: Program | None = None
        self.driver: Driver | None = parent.driver if parent else None
        self.title: str | None = None  # what `ps` shows, when a program renames itself
        self.memory = 0
        self.cpu_rate = 0.0  # cores in use right now
        self.cpu_time = 0.0
        # (proto, port, bind address "0.0.0.0" or "::"), a frozenset shared by every process bound the same
        self.ports: AbstractSet[tuple[str, int, str]] = _NO_PORTS
        self.dumpable = True  # False hides the owner from `netstat -p` (setcap'd binaries)
        self.stdout_buffer: BufferStream | None = None  # an exec's captured output
        self.stderr_buffer: BufferStream | None = None
        self.output: BufferStream | None = None  # stdout and stderr interleaved
        self.started_at = container.now()
        self.exit_code: int | None = None
        self.signal: int | None = None
        self._on_exit: list[Callable[[Process], None]] | None = None  # made when someone listens

    @property
    def on_exit(self) -> list[Callable[[Process], None]]:
        """Callbacks run when the process ends (most processes have none: the list is made on demand)."""
        if self._on_exit is None:
            self._on_exit = []
        return self._on_exit

    # -- what programs use ----------------------------------------------------

    @property
    def fs(self) -> FileSystem:
        return self.container.fs

    def now(self) -> float:
        return self.container.now()

    @property
    def done(self) -> bool:
        return self.exit_code is not None

    def out(self, text: str) -> None:
        self.stdout.write(text)

    def err(self, text: str) -> None:
        self.stderr.write(text)

    def path(self, p: str) -> str:
        return join(self.cwd, p)

    def getenv(self, name: str, default: str = "") -> str:
        return self.env.get(name, default)

    @property
    def user(self) -> str:
        return self.container.user_name(self.uid)

    def listen(self, port: int, proto: str = "TCP", v4: bool = True, v6: bool = False) -> None:
        """Bind `port`: on 0.0.0.0 (`v4`), on :: (`v6`; dual-stack, so IPv4 reaches it too)."""
        bound = set(self.ports)
        if v4:
            bound.add((proto, port, "0.0.0.0"))
        if v6:
            bound.add((proto, port, "::"))
        ports = frozenset(bound)
        shared = _PORT_SETS.get(ports)
        if shared is None:
            if len(_PORT_SETS) >= _PORT_SETS_MAX:
                _PORT_SETS.clear()
            shared = _PORT_SETS[ports] = ports
        self.ports = shared

    def close_ports(self) -> None:
        self.ports = _NO_PORTS

    def set_memory(self, nbytes: int) -> None:
        """Resident memory changed; the container's cgroup may OOM-kill someone for it."""
        self.memory = nbytes
        self.container.check_memory()

    def terminate(self, sig: int) -> None:
        """End this process by `sig` (what a default signal disposition does)."""
        self.container.deliver(lambda: self.kill_now(sig))

    def wake(self, value: Any) -> None:
        """Resume this process from :class:`Forever` (or a sleep) with `value`."""
        self.container.deliver(lambda: self.driver and self.driver.wake(self, value))

    def open_output(self, path: str, append: bool = False) -> Stream:
        """A redirection target: ``/dev/null`` and ``/dev/std*`` mean what they mean. Raises FsError."""
        full = self.path(path)
        try:
            node = self.fs.node(full)
        except FsError as e:
            if e.code != "ENOENT":
                raise
            node = None
        if isinstance(node, Device):
            return {"stdout": self.stdout, "stderr": self.stderr}.get(node.kind, NullStream())
        if not append or node is None:
            self.fs.write(full, b"", append=append)
        return FileStream(self.container, full)

    def run(
        self,
        argv: Sequence[str],
        stdin: str = "",
        stdout: Stream | None = None,
        stderr: Stream | None = None,
        env: dict[str, str] | None = None,
        cwd: str | None = None,
    ) -> Generator[Effect, Any, int]:
        """Fork, exec `argv` and wait: run a child program inline. Raises StartFailure first."""
        env = self.env if env is None else env
        cwd = cwd or self.cwd
        program = self.container.load(argv, env, cwd)
        child = self.container.new_process(
            argv, env, cwd, self.uid, stdin, stdout or self.stdout, stderr or self.stderr, self, self.tty
        )
        child.program = program
        assert self.driver is not None
        self.driver.stack.append(child)
        code = 1
        try:
            code = yield from program_main(program, child)
        except Killed as k:
            if k.pid != child.pid:
                raise
            code, child.signal = 128 + k.signal, k.signal
        finally:
            self.driver.stack.remove(child)
            child.finish(code)
        return code

    def exec(self, argv: Sequence[str], tail: bool = False) -> Generator[Effect, Any, int]:
        """``execve``: this process becomes `argv` (same PID). Raises StartFailure.

        `tail`: the caller only returns what this returns and has nothing to clean up (no
        ``finally``, no ``with``), like a docker-entrypoint's last line. The frames of the program
        that exec'd are then dropped, as the kernel drops the old image, instead of staying
        suspended under the new program for its whole life (every nginx pod's master)."""
        program = self.container.load(argv, self.env, self.cwd)
        self.argv, self.program, self.title = list(argv), program, None
        driver = self.driver
        if tail and driver is not None and driver.proc is self and len(driver.stack) == 1:
            yield _Replace(program_main(program, self), program)  # type: ignore[misc]  # the driver never resumes this
        return (yield from program_main(program, self))

    def become(self, program: Program, resumable: Resumable) -> Generator[Effect, Any, None]:
        """Hand the rest of `program`'s life to `resumable`, when nothing else waits around it.

        A server that has started only waits for signals, but its suspended generator frames
        (``program_main``, ``main``, the serving loop: about 900 bytes for nginx) would stay alive
        for the whole life of the container, 150,000 of them at scale. When `program`'s main is
        what this process's driver steps directly (PID 1, or after a tail exec: no shell, no
        ``finally``, no ``with`` around it), the driver drops those frames and steps `resumable`
        instead, a small object answering ``send``/``throw``/``close`` as the frames would have.
        Returns at once, having done nothing, when that is not so: the caller then goes on waiting
        in its own frames."""
        driver = self.driver
        if driver is not None and driver.proc is self and driver.direct is program and len(driver.stack) == 1:
            yield _Replace(resumable, None)  # type: ignore[misc]  # the driver never resumes this

    def spawn_passive(self, title: str, uid: int, memory: int) -> Process:
        """A helper process with no program of its own (nginx's workers): it shows in ``ps``.

        Its argv is its title's one list, shared by every such process (two in each nginx pod):
        nothing changes a process's argv in place (a program that renames itself sets `title`,
        an exec replaces the list), and a process without a program never execs."""
        argv = _passive_argv(title)
        child = self.container.new_process(argv, self.env, self.cwd, uid, "", self.stdout, self.stderr, self)
        child.argv = argv
        child.title = title
        child.memory = memory
        child.driver = None
        return child

    # -- lifecycle --------------------------------------------------------------

    def signal_received(self, sig: int) -> None:
        if self.done:
            return
        if sig == SIGKILL or self.program is None:
            self.kill_now(sig)
        else:
            self.program.on_signal(self, sig)

    def kill_now(self, sig: int) -> None:
        if self.done:
            return
        if self.driver is None:  # a passive helper
            self.signal = sig
            self.finish(128 + sig)
        else:
            self.driver.kill(self, sig)

    def finish(self, code: int) -> None:
        if self.done:
            return
        self.exit_code = code
        self.close_ports()
        self.memory = 0
        self.cpu_rate = 0.0
        self.container.process_exited(self)
        for callback in list(self._on_exit or ()):
            callback(self)

    def command_line(self) -> str:
        return self.title if self.title is not None else " ".join(self.argv)


def program_main(program: Program, proc: Process) -> Generator[Effect, Any, int]:
    """A program's main generator, with its exit code normalised to an int."""
    proc.memory = max(proc.memory, program.memory)
    code = yield from program.main(proc)
    return int(code or 0) & 0xFF


class Resumable(Protocol):
    """What a driver steps: a program's generator, or an object standing for its frames (see
    :meth:`Process.become`)."""

    def send(self, value: Any) -> Effect: ...

    def throw(self, exc: BaseException) -> Effect: ...

    def close(self) -> None: ...


class _Replace:
    """What :meth:`Process.exec` (a tail exec) and :meth:`Process.become` yield to their driver to
    be replaced by `gen`; `program` is the program whose main `gen` runs, if it is one's."""

    __slots__ = ("gen", "program")

    def __init__(self, gen: Resumable, program: Program | None) -> None:
        self.gen = gen
        self.program = program


class Driver:
    """Steps one top-level process's generator; ``stack`` holds it and its inline children."""

    __slots__ = ("proc", "gen", "direct", "stack", "timer", "work", "resumes")

    def __init__(self, proc: Process, gen: Resumable, direct: Program | None = None) -> None:
        self.proc = proc
        self.gen = gen
        self.direct = direct  # the program whose main `gen` runs (``program_main(direct, proc)``), if known
        self.stack: list[Process] = [proc]
        self.timer: Timer | None = None
        self.work: tuple[Process, float] | None = None
        self.resumes = 0  # how many times the generator was stepped (a loop that never waits costs CPU)
        proc.driver = self

    def start(self) -> None:
        self._step(lambda: self.gen.send(None))

    def wake(self, proc: Process, value: Any) -> None:
        """Resume `proc` if it is the innermost process and is waiting (not for its child)."""
        if self.stack and self.stack[-1] is proc and not self.proc.done:
            self._step(lambda: self.gen.send(value))

    def kill(self, proc: Process, sig: int) -> None:
        if proc in self.stack and not self.proc.done:
            self._step(lambda: self.gen.throw(Killed(proc.pid, sig)))

    def _step(self, advance: Callable[[], Effect]) -> None:
        self._cancel()
        self.resumes += 1
        container = self.proc.container
        container.stepping += 1
        ended: tuple[int, int | None] | None = None
        try:
            effect = advance()
            while type(effect) is _Replace:  # a tail exec: the new program goes on in this same step
                self.gen.close()
                self.gen, self.direct = effect.gen, effect.program
                effect = self.gen.send(None)
        except StopIteration as stop:
            ended = (int(stop.value or 0) & 0xFF, None)
        except Killed as k:
            self.gen.close()
            ended = (128 + k.signal, k.signal)
        finally:
            container.stepping -= 1
        if ended is not None:
            self._end(*ended)
        else:
            self._wait(effect)
        container.flush_deliveries()

    def _wait(self, effect: Effect) -> None:
        scheduler = self.proc.container.scheduler
        if isinstance(effect, Sleep):
            self.timer = Timer(scheduler, effect.seconds, lambda: self._step(lambda: self.gen.send(None)))
        elif isinstance(effect, Work):
            worker = self.stack[-1]
            rate = self.proc.container.cpu_rate_for(effect.cores)
            worker.cpu_rate = rate
            self.work = (worker, effect.cpu_seconds)
            self.timer = Timer(scheduler, effect.cpu_seconds / rate, self._work_done)
        elif not isinstance(effect, Forever):
            raise TypeError(f"a program yielded {effect!r}, not an Effect")

    def _work_done(self) -> None:
        self._settle_work()
        self._step(lambda: self.gen.send(None))

    def _settle_work(self) -> None:
        if self.work is not None:
            worker, seconds = self.work
            worker.cpu_time += seconds
            worker.cpu_rate = 0.0
            self.work = None

    def _cancel(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.work is not None:
            self.work[0].cpu_rate = 0.0
            self.work = None

    def _end(self, code: int, sig: int | None) -> None:
        self._cancel()
        self.stack.clear()
        if sig is not None:
            self.proc.signal = sig
        self.proc.finish(code)


def resolve_executable(container: Container, name: str, env: dict[str, str], cwd: str) -> str:
    """The file `name` runs, by runc's rules (``exec.LookPath``). Raises StartFailure."""
    return find_executable(container, name, env, cwd)[0]


def find_executable(container: Container, name: str, env: dict[str, str], cwd: str) -> tuple[str, Node]:
    """:func:`resolve_executable`'s path and the file found there (one walk per candidate, no Stat)."""
    fs = container.fs
    if "/" in name:
        path = join(cwd, name)
        try:
            node = fs.node(path)
        except FsError:
            raise StartFailure(f'exec: "{name}": stat {name}: no such file or directory') from None
        if isinstance(node, Dir):
            raise StartFailure(f'exec: "{name}": is a directory')
        if not node.mode & 0o111:
            raise StartFailure(f'exec: "{name}": permission denied')
        return posixpath.normpath(path), node
    for d in env.get("PATH", "").split(":"):
        candidate = posixpath.join(d or ".", name)
        try:
            node = fs.node(join(cwd, candidate))
        except FsError:
            continue
        if isinstance(node, File) and node.mode & 0o111:
            return join(cwd, candidate), node
    raise StartFailure(f'exec: "{name}": executable file not found in $PATH')
