"""Deployment arithmetic and bookkeeping (`pkg/controller/deployment/util/deployment_util.go`).

Pure functions of Deployments and ReplicaSets: the pod-template hash, surge/unavailable
fenceposts, revisions and the annotations a Deployment writes on its ReplicaSets.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Optional

from kubenb.api.intstr import get_scaled_value_from_int_or_percent, value_or_default

REVISION = "deployment.kubernetes.io/revision"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
ROLLBACK_TO = "deprecated.deployment.rollback.to"
POD_TEMPLATE_HASH = "pod-template-hash"

# Annotations of the Deployment that are not copied to its ReplicaSets.
_NOT_COPIED = {LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, ROLLBACK_TO}
_SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def fnv32a(data: bytes) -> int:
    h = 0x811C9DC5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def safe_encode(s: str) -> str:
    """`rand.SafeEncodeString`: map each character onto the no-vowel alphabet (no bad words)."""
    return "".join(_SAFE_ALPHABET[ord(c) % len(_SAFE_ALPHABET)] for c in s)


def canonical_template(template: Any) -> dict:
    """The template as hashed and compared: without the hash label and without `creationTimestamp`.

    Templates that differ only by these (e.g. one copied back by `rollout undo`) are equal.
    """
    d = template.to_dict()
    meta = d.get("metadata") or {}
    meta.pop("creationTimestamp", None)
    labels = dict(meta.get("labels") or {})
    labels.pop(POD_TEMPLATE_HASH, None)
    if labels:
        meta["labels"] = labels
    else:
        meta.pop("labels", None)
    d["metadata"] = meta
    return d


def compute_hash(template: Any, collision_count: Optional[int]) -> str:
    """`controller.ComputeHash`: FNV-32a of the template (+ collision count), safe-encoded.

    Upstream hashes a Go struct dump, which Python cannot reproduce; a canonical JSON dump gives
    the same properties (same template, same hash; any change, a new hash) in the same alphabet.
    """
    data = json.dumps(canonical_template(template), sort_keys=True, separators=(",", ":")).encode()
    if collision_count is not None:
        data += (collision_count & 0xFFFFFFFF).to_bytes(4, "little") + b"\0\0\0\0"
    return safe_encode(str(fnv32a(data)))


def equal_ignore_hash(a: Any, b: Any) -> bool:
    return canonical_template(a) == canonical_template(b)


def revision(obj: Any) -> int:
    try:
        return int((obj.metadata.annotations or {}).get(REVISION, "0"))
    except ValueError:
        return 0


def max_revision(rss: Iterable[Any]) -> int:
    return max((revision(rs) for rs in rss), default=0)


def resolve_fenceposts(d: Any) -> tuple[int, int]:
    """(maxSurge, maxUnavailable) in pods: surge rounds up, unavailable down; never both 0."""
    ru = d.spec.strategy.rolling_update
    desired = d.spec.replicas
    surge = get_scaled_value_from_int_or_percent(value_or_default(ru.max_surge if ru else None, 0), desired, True)
    unavailable = get_scaled_value_from_int_or_percent(
        value_or_default(ru.max_unavailable if ru else None, 0), desired, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def is_rolling(d: Any) -> bool:
    return d.spec.strategy.type == "RollingUpdate"


def max_surge(d: Any) -> int:
    return resolve_fenceposts(d)[0] if is_rolling(d) else 0


def max_unavailable(d: Any) -> int:
    if not is_rolling(d) or d.spec.replicas == 0:
        return 0
    return min(resolve_fenceposts(d)[1], d.spec.replicas)


def replicas_of(rss: Iterable[Any]) -> int:
    return sum(rs.spec.replicas or 0 for rs in rss)


def actual_replicas(rss: Iterable[Any]) -> int:
    return sum(rs.status.replicas or 0 for rs in rss)


def ready_replicas(rss: Iterable[Any]) -> int:
    return sum(rs.status.ready_replicas or 0 for rs in rss)


def available_replicas(rss: Iterable[Any]) -> int:
    return sum(rs.status.available_replicas or 0 for rs in rss)


def new_rs_new_replicas(d: Any, all_rss: list[Any], new_rs: Any) -> int:
    """`NewRSNewReplicas`: how far the new ReplicaSet may grow in this step."""
    if not is_rolling(d):
        return d.spec.replicas
    current = replicas_of(all_rss)
    max_total = d.spec.replicas + max_surge(d)
    if current >= max_total:
        return new_rs.spec.replicas
    return new_rs.spec.replicas + min(max_total - current, d.spec.replicas - new_rs.spec.replicas)


def copied_annotations(d: Any) -> dict[str, str]:
    return {k: v for k, v in (d.metadata.annotations or {}).items() if k not in _NOT_COPIED}


def replica_annotations(d: Any) -> dict[str, str]:
    return {DESIRED_REPLICAS: str(d.spec.replicas), MAX_REPLICAS: str(d.spec.replicas + max_surge(d))}


def by_creation(rss: Iterable[Any]) -> list[Any]:
    """Oldest first, name as tie-break (`controller.ReplicaSetsByCreationTimestamp`)."""
    return sorted(rss, key=lambda rs: (rs.metadata.creation_timestamp or "", rs.metadata.name))


def find_new_replica_set(d: Any, rss: list[Any]) -> Optional[Any]:
    """The oldest ReplicaSet whose template equals the Deployment's, ignoring the hash label."""
    for rs in by_creation(rss):
        if equal_ignore_hash(rs.spec.template, d.spec.template):
            return rs
    return None
