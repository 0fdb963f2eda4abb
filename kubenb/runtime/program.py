"""What a simulated program is: a generator that yields *effects* instead of blocking.

A real process sleeps, burns CPU or waits for a signal. A simulated one says so by yielding
:class:`Sleep`, :class:`Work` or :class:`Forever`; the process driver turns that into a timer on
the simulation's event loop and resumes the generator when the time has come. Nothing ever
blocks and no wall clock is read, so a shell loop ``while true; do sleep 5; done`` advances with
the simulated clock, and stopping a pod mid-``sleep`` is just cancelling a timer.

Programs are plain classes: ``main(proc)`` is the generator, returning the exit code;
``on_signal`` decides what a signal does. Servers add protocol methods (``handle_http``,
``command``, ``check_login``) that the network layer calls while they run.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kubenb.runtime.process import Process

SIGNALS = {
    "SIGHUP": 1, "SIGINT": 2, "SIGQUIT": 3, "SIGKILL": 9, "SIGUSR1": 10,
    "SIGUSR2": 12, "SIGPIPE": 13, "SIGALRM": 14, "SIGTERM": 15, "SIGCHLD": 17,
    "SIGCONT": 18, "SIGSTOP": 19, "SIGWINCH": 28,
}  # fmt: skip
SIGNAL_NAMES = {v: k for k, v in SIGNALS.items()}
SIGKILL = SIGNALS["SIGKILL"]


def signal_number(name: str | int) -> int:
    """``SIGTERM``, ``TERM``, ``15`` -> 15 (raises KeyError for an unknown name)."""
    if isinstance(name, int):
        return name
    if name.isdigit():
        return int(name)
    upper = name.upper()
    return SIGNALS[upper if upper.startswith("SIG") else "SIG" + upper]


class Effect:
    """Something a program waits for; yielded from its generator."""


@dataclass(frozen=True)
class Sleep(Effect):
    """Wall-clock waiting (``sleep``), which CPU limits do not slow down."""

    seconds: float


@dataclass(frozen=True)
class Work(Effect):
    """CPU-bound work of ``cpu_seconds`` on up to ``cores`` cores; a CPU limit stretches it."""

    cpu_seconds: float
    cores: float = 1.0


@dataclass(frozen=True)
class Forever(Effect):
    """Wait until a signal wakes the process; the generator receives the signal number."""


class Killed(BaseException):
    """Thrown into a generator to end process ``pid`` by ``signal`` (unwinds shells running it)."""

    def __init__(self, pid: int, signal: int) -> None:
        super().__init__(pid, signal)
        self.pid = pid
        self.signal = signal


ProgramMain = Generator[Effect, Any, int]


class GrpcError(Exception):
    """A gRPC call that ended with a status other than OK (``code`` as grpc-go names it:
    ``NotFound``, ``Unimplemented``; ``DeadlineExceeded`` when the peer never answered)."""

    def __init__(self, code: str, desc: str) -> None:
        super().__init__(f"rpc error: code = {code} desc = {desc}")
        self.code = code
        self.desc = desc


class Program:
    """One executable's behaviour. Subclasses implement :meth:`main`.

    ``memory`` is the resident set a running instance reports (``kubectl top``); programs that
    grow call ``proc.set_memory``.
    """

    __slots__ = ()  # subclasses that declare theirs carry no per-instance dict (one per process)
    memory = 1 << 20

    def main(self, proc: Process) -> ProgramMain:
        raise NotImplementedError
        yield  # pragma: no cover  (makes every override's shape obvious)

    def on_signal(self, proc: Process, sig: int) -> None:
        """The default dispositions: terminate, except that PID 1 ignores what it has no handler for.

        The kernel never delivers a default-action signal to a container's init process, which is
        why ``sleep 3600`` as a pod's command survives SIGTERM and is killed after the grace period.
        """
        if proc.pid == 1 and sig != SIGKILL:
            return
        if sig in (SIGNALS["SIGCHLD"], SIGNALS["SIGWINCH"], SIGNALS["SIGCONT"]):
            return
        proc.terminate(sig)
