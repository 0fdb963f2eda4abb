"""The kubelet's events for one pod, through client-go's spam filter.

client-go's ``EventCorrelator`` lets one source emit at most 25 events about one object in a
burst, then one more every five minutes (``defaultSpamBurst``, ``defaultSpamQPS = 1/300``); the
rest are dropped, repeats included. That is why a crash-looping pod's ``describe`` shows counts
that stop growing after its first minute: in the course's Health section the kubelet's 25th event
is the fourth ``BackOff``, and nothing newer is recorded.
"""

from __future__ import annotations

from typing import Any, Optional

from kubenb.client.events import EventRecorder

SPAM_BURST = 25
SPAM_QPS = 1.0 / 300.0


class SpamFilter:
    """A token bucket per (source, involved object): True when the event may be recorded."""

    __slots__ = ("tokens", "stamp")

    def __init__(self, now: float) -> None:
        self.tokens = float(SPAM_BURST)
        self.stamp = now

    def allow(self, now: float) -> bool:
        self.tokens = min(float(SPAM_BURST), self.tokens + (now - self.stamp) * SPAM_QPS)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


def record(recorder: EventRecorder, spam: SpamFilter, now: float, obj: Any, type_: str, reason: str, message: str,
           field_path: Optional[str] = None) -> None:
    if spam.allow(now):
        recorder.record(obj, type_, reason, message, field_path)
