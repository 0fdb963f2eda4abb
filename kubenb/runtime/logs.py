"""A container's log: the lines its main process wrote to stdout and stderr, stamped on arrival.

The runtime's log driver stores each line with the time it was written and the stream it came
from; ``kubectl logs`` reads them back (``--tail``, ``--timestamps``, ``--since``). The kubelet
prints timestamps as RFC 3339 with nine fractional digits (``timeFormatOut`` in kuberuntime's
``logs.go``), e.g. ``2022-06-28T15:04:47.000000000Z``.
"""

from __future__ import annotations

import sys
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True, slots=True)
class LogLine:
    """One line; slotted, and its text interned: 150,000 nginx pods log the same entrypoint lines."""

    time: float
    stream: str  # "stdout" | "stderr"
    text: str


def format_timestamp(t: float) -> str:
    """RFC 3339 with nanoseconds, the way ``kubectl logs --timestamps`` prints it."""
    ns = round(t * 1_000_000_000)
    seconds, frac = divmod(ns, 1_000_000_000)
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S") + f".{frac:09d}Z"


class ContainerLog:
    """Lines in arrival order. Partial lines wait for their newline (or for :meth:`flush`).

    Like the kubelet's log rotation, only the newest `max_lines` are kept, so a container that
    logs in a tight loop for a simulated week does not fill the notebook's memory.
    """

    def __init__(self, max_lines: int = 100_000) -> None:
        self.lines: deque[LogLine] = deque(maxlen=max_lines)
        self._partial: dict[str, tuple[float, str]] = {}

    def write(self, stream: str, text: str, now: float) -> None:
        started, pending = self._partial.pop(stream, (now, ""))
        pending += text
        *complete, rest = pending.split("\n")
        for i, line in enumerate(complete):
            self.lines.append(LogLine(started if i == 0 else now, stream, sys.intern(line)))
        if rest:
            self._partial[stream] = (started if not complete else now, rest)

    def flush(self) -> None:
        """End any unterminated line (the process exited without a final newline)."""
        for stream, (t, text) in sorted(self._partial.items()):
            self.lines.append(LogLine(t, stream, text))
        self._partial.clear()

    def render(self, tail: int | None = None, timestamps: bool = False, since: float | None = None) -> str:
        """The text ``kubectl logs`` prints: each line with its newline, oldest first."""
        lines = [ln for ln in self.lines if since is None or ln.time >= since]
        if tail is not None and tail >= 0:
            lines = lines[len(lines) - tail :] if tail else []
        if timestamps:
            return "".join(f"{format_timestamp(ln.time)} {ln.text}\n" for ln in lines)
        return "".join(f"{ln.text}\n" for ln in lines)
