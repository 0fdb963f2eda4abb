"""Taints and tolerations (`k8s.io/api/core/v1/toleration.go`)."""

from __future__ import annotations

from typing import Any


def tolerates(toleration: Any, key: str, value: str, effect: str) -> bool:
    """`Toleration.ToleratesTaint`: an empty key with `Exists` tolerates everything."""
    if toleration.effect and toleration.effect != effect:
        return False
    if toleration.key and toleration.key != key:
        return False
    if toleration.operator == "Exists":
        return True
    return (toleration.value or "") == value


def untolerated(tolerations: Any, taints: Any, effects: tuple[str, ...] = ("NoSchedule", "NoExecute")) -> Any:
    """The first taint with one of `effects` that no toleration tolerates, or None."""
    for taint in taints or ():
        if taint.effect in effects and not any(
                tolerates(t, taint.key, taint.value or "", taint.effect) for t in tolerations or ()):
            return taint
    return None
