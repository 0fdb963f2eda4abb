"""The simulated clock: seconds since the Unix epoch, moved only by the event loop.

Kubernetes writes timestamps in two shapes, both made here: RFC 3339 in objects
(``2022-06-17T15:12:59Z``) and RFC 1123 with a numeric zone in `kubectl describe`
(``Sat, 17 Jun 2022 15:12:59 +0000``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache


def parse_rfc3339(text: str) -> float:
    """Seconds since the epoch of an API timestamp (cached: AGE columns parse the same strings often)."""
    return _parse_rfc3339(text)


@lru_cache(maxsize=65536)
def _parse_rfc3339(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def format_rfc3339(t: float) -> str:
    """``2022-06-17T15:12:59Z``: timestamps have whole seconds, so the text is cached by second.

    Every write stamps one (creation, lastTimestamp, conditions …) and a burst of writes shares
    its second; the cache also makes the thousands of objects stamped in one second share one
    string instead of holding a copy each."""
    return _format_rfc3339(int(t))


@lru_cache(maxsize=4096)
def _format_rfc3339(second: int) -> str:
    return datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_rfc1123z(t: float) -> str:
    return _format_rfc1123z(int(t))


@lru_cache(maxsize=1024)
def _format_rfc1123z(second: int) -> str:
    return datetime.fromtimestamp(second, UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")


class Clock:
    """Simulated wall time. Only :class:`kubenb.sim.loop.EventLoop` moves it forward."""

    def __init__(self, origin: float) -> None:
        self._now = float(origin)

    @property
    def now(self) -> float:
        return self._now

    def advance_to(self, t: float) -> None:
        if t < self._now:
            raise ValueError(f"the clock cannot go back from {self._now} to {t}")
        self._now = t

    def rfc3339(self) -> str:
        return format_rfc3339(self._now)
