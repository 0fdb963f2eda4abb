"""A container's log: the lines its main process wrote to stdout and stderr, stamped on arrival.

The runtime's log driver stores each line with the time it was written and the stream it came
from; ``kubectl logs`` reads them back (``--tail``, ``--timestamps``, ``--since``). The kubelet
prints timestamps as RFC 3339 with nine fractional digits (``timeFormatOut`` in kuberuntime's
``logs.go``), e.g. ``2022-06-28T15:04:47.000000000Z``.

Every pod keeps its log for as long as it lives, so the storage is columnar rather than an object
per line: the times in one ``array('d')``, the stream of each line in one ``bytearray``, the texts
(interned: 150,000 nginx pods log the same entrypoint lines) in one list -- about 17 bytes a line
instead of a 56-byte object plus a deque slot. :class:`LogLine` objects are made only when read.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import overload

_STREAMS = ("stdout", "stderr")
_STREAM_CODE = {name: i for i, name in enumerate(_STREAMS)}
_STREAM_BYTES = {name: bytes((i,)) for i, name in enumerate(_STREAMS)}
# The interned lines of a write of whole lines, by its text: every nginx pod writes the same
# entrypoint lines and, within a second, the same notices; splitting and interning them is done
# once per text.
_LINES: dict[str, tuple[str, ...]] = {}
_LINES_MAX = 4096


@dataclass(frozen=True, slots=True)
class LogLine:
    """One line as readers see it."""

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
    logs in a tight loop for a simulated week does not fill the notebook's memory. Rotation drops
    the oldest lines in batches (`_first` marks where the kept ones begin), so appending stays O(1).
    """

    __slots__ = ("max_lines", "_times", "_streams", "_texts", "_first", "_partial")

    def __init__(self, max_lines: int = 100_000) -> None:
        self.max_lines = max_lines
        self._times = array("d")
        self._streams = bytearray()
        self._texts: list[str] = []
        self._first = 0  # lines before this index have rotated out
        self._partial: dict[str, tuple[float, str]] | None = None

    @property
    def lines(self) -> LogLines:
        """The kept lines, oldest first (a read-only sequence of :class:`LogLine`)."""
        return LogLines(self)

    def _append(self, t: float, stream: str, text: str) -> None:
        self._times.append(t)
        self._streams.append(_STREAM_CODE[stream])
        self._texts.append(text)
        kept = len(self._texts) - self._first
        if kept > self.max_lines:
            self._first += kept - self.max_lines
            if self._first >= max(self.max_lines, 1024):  # compact once the dropped part is as large as the kept
                del self._times[: self._first], self._streams[: self._first], self._texts[: self._first]
                self._first = 0

    def write(self, stream: str, text: str, now: float) -> None:
        partial = self._partial
        if partial is not None and stream in partial:
            started, pending = partial.pop(stream)
            pending += text
        else:
            lines = _LINES.get(text)
            if lines is not None and len(self._texts) - self._first + len(lines) <= self.max_lines:
                # whole lines seen before, arriving together, nothing to rotate: appended at once
                n = len(lines)
                self._times.extend(array("d", (now,)) * n)
                self._streams.extend(_STREAM_BYTES[stream] * n)
                self._texts.extend(lines)
                return
            started, pending = now, text
        *complete, rest = pending.split("\n")
        interned = tuple(map(sys.intern, complete))
        if not rest and pending is text and interned:
            if len(_LINES) >= _LINES_MAX:
                _LINES.clear()
            _LINES[text] = interned
        for i, line in enumerate(interned):
            self._append(started if i == 0 else now, stream, line)
        if rest:
            if partial is None:
                partial = self._partial = {}
            partial[stream] = (started if not complete else now, rest)

    def flush(self) -> None:
        """End any unterminated line (the process exited without a final newline)."""
        if self._partial:
            for stream, (t, text) in sorted(self._partial.items()):
                self._append(t, stream, text)
            self._partial.clear()

    def render(self, tail: int | None = None, timestamps: bool = False, since: float | None = None) -> str:
        """The text ``kubectl logs`` prints: each line with its newline, oldest first."""
        times, texts = self._times, self._texts
        kept = [i for i in range(self._first, len(texts)) if since is None or times[i] >= since]
        if tail is not None and tail >= 0:
            kept = kept[len(kept) - tail :] if tail else []
        if timestamps:
            return "".join(f"{format_timestamp(times[i])} {texts[i]}\n" for i in kept)
        return "".join(f"{texts[i]}\n" for i in kept)


class LogLines(Sequence[LogLine]):
    """A read-only view of a :class:`ContainerLog`'s kept lines, made into :class:`LogLine` on access."""

    __slots__ = ("_log",)

    def __init__(self, log: ContainerLog) -> None:
        self._log = log

    def __len__(self) -> int:
        return len(self._log._texts) - self._log._first

    @overload
    def __getitem__(self, index: int) -> LogLine: ...
    @overload
    def __getitem__(self, index: slice) -> list[LogLine]: ...
    def __getitem__(self, index: int | slice) -> LogLine | list[LogLine]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        n = len(self)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError("log line index out of range")
        log = self._log
        i = log._first + index
        return LogLine(log._times[i], _STREAMS[log._streams[i]], log._texts[i])

    def __iter__(self) -> Iterator[LogLine]:
        log = self._log
        times, streams, texts = log._times, log._streams, log._texts
        for i in range(log._first, len(texts)):
            yield LogLine(times[i], _STREAMS[streams[i]], texts[i])
