"""Small facts about pods that controllers agree on (`pkg/api/v1/pod/util.go`, `controller_utils.go`)."""

from __future__ import annotations

from typing import Any, Optional

from kubenb.sim.clock import parse_rfc3339


def condition(pod: Any, type_: str) -> Optional[Any]:
    for c in pod.status.conditions or ():
        if c.type == type_:
            return c
    return None


def is_active(pod: Any) -> bool:
    """Counts toward a controller's replicas: not finished and not being deleted."""
    return pod.status.phase not in ("Succeeded", "Failed") and pod.metadata.deletion_timestamp is None


def is_ready(pod: Any) -> bool:
    c = condition(pod, "Ready")
    return c is not None and c.status == "True"


def ready_since(pod: Any) -> Optional[float]:
    c = condition(pod, "Ready")
    if c is None or c.status != "True" or not c.last_transition_time:
        return None
    return parse_rfc3339(c.last_transition_time)


def is_available(pod: Any, min_ready_seconds: int, now: float) -> bool:
    """`podutil.IsPodAvailable`: Ready for more than `minReadySeconds`.

    Strictly more: upstream asks `lastTransitionTime + minReadySeconds` to be `Before(now)`. The
    stored transition time has whole seconds, so a pod that turned Ready at 12:00:06.7 counts
    from 12:00:06 and, with minReadySeconds 10, is available from just after 12:00:16.
    """
    if not is_ready(pod):
        return False
    if not min_ready_seconds:
        return True
    since = ready_since(pod)
    return since is not None and since + min_ready_seconds < now
