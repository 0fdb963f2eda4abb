"""Deployment arithmetic and bookkeeping (`pkg/controller/deployment/util/deployment_util.go`).

Pure functions of Deployments and ReplicaSets: the pod-template hash, surge/unavailable
fenceposts, revisions, the annotations a Deployment writes on its ReplicaSets and reads back,
and the orders (`controller_utils.go`) in which ReplicaSets are scaled.
"""

from __future__ import annotations

import json
import math
import re
import weakref
from collections.abc import Callable, Iterable
from typing import Any, Optional

from kubenb.api import gospew
from kubenb.api.intstr import IntOrStringError, get_scaled_value_from_int_or_percent, value_or_default
from kubenb.api.labels import SelectorError

REVISION = "deployment.kubernetes.io/revision"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
ROLLBACK_TO = "deprecated.deployment.rollback.to"
POD_TEMPLATE_HASH = "pod-template-hash"

MAX_INT32 = 2**31 - 1

# Annotations of the Deployment that are not copied to its ReplicaSets.
_NOT_COPIED = {LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, ROLLBACK_TO}
_SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
_DECIMAL = re.compile("[0-9]+")


def fnv32a(data: bytes, h: int = 0x811C9DC5) -> int:
    """FNV-32a of `data`; `h` continues from an earlier state (the hash is a stream)."""
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


def compute_hash(template: Any, collision_count: Optional[int], minor: Optional[int] = None) -> str:
    """`controller.ComputeHash`: FNV-32a of go-spew's dump of the Go `v1.PodTemplateSpec` of
    Kubernetes 1.`minor`, then the collision count as 8 little-endian bytes, safe-encoded.

    Those are the bytes a real cluster hashes, so ReplicaSet names match it. A template whose Go
    form cannot be rebuilt exactly (`gospew.NotDumpable`) hashes its canonical JSON instead:
    still the same template, same hash; any change, a new hash. Stored objects are immutable, so
    the dump is cached by the template's identity.
    """
    h = _template_fnv(template, minor)
    if collision_count is not None:
        h = fnv32a((collision_count & 0xFFFFFFFF).to_bytes(4, "little") + b"\0\0\0\0", h)
    return safe_encode(str(h))


class IdentityMemo:
    """`compute(obj, *extra)` remembered by `obj`'s identity, for as long as `obj` lives.

    Stored objects are immutable, and the store shares a Deployment's unchanged spec (and so its
    template, selector and strategy) between its writes, so what a sync derives from them (a
    template's canonical form or hash, a parsed selector, the fenceposts) is the same for every
    sync until the spec is written: each is computed once per spec, not once per sync. An entry
    holds its object weakly and goes when the object does (which also keeps the id from being
    reused while the entry stands), so the memo holds what the live Deployments need, however
    many there are: a fixed-size one (1,024 entries) missed on every sync past 1,024 Deployments
    and kept a thousand dead specs alive. An object that takes no weak reference (None, a plain
    dict) is computed each time. The errors a bad spec makes `compute` raise
    (`IntOrStringError`, `SelectorError`) are remembered and raised again.
    """

    __slots__ = ("_compute", "_entries")

    def __init__(self, compute: Callable[..., Any]) -> None:
        self._compute = compute
        self._entries: dict[tuple, tuple[weakref.ref, Any, bool]] = {}

    def __call__(self, obj: Any, *extra: Any) -> Any:
        key = (id(obj), *extra)
        hit = self._entries.get(key)
        if hit is None or hit[0]() is not obj:
            try:
                value, failed = self._compute(obj, *extra), False
            except (IntOrStringError, SelectorError) as err:
                value, failed = (type(err), err.args), True
            try:
                ref = weakref.ref(obj, self._forgetter(key))
            except TypeError:
                ref = None
            hit = (ref, value, failed)
            if ref is not None:
                self._entries[key] = hit
        if hit[2]:
            error, args = hit[1]
            raise error(*args)  # a new one each time: a raised exception keeps its traceback
        return hit[1]

    def _forgetter(self, key: tuple) -> Callable[[weakref.ref], None]:
        entries = self._entries

        def forget(ref: weakref.ref) -> None:
            hit = entries.get(key)
            if hit is not None and hit[0] is ref:
                del entries[key]
        return forget

    def __len__(self) -> int:
        return len(self._entries)


def _dump_fnv(template: Any, minor: Optional[int]) -> int:
    """The FNV-32a state after the template's dump (~1.5 ms to compute, so remembered)."""
    try:
        data = gospew.layout(minor).dump("v1.PodTemplateSpec", template.to_dict()).encode()
    except gospew.NotDumpable:
        data = json.dumps(canonical_template(template), sort_keys=True, separators=(",", ":")).encode()
    return fnv32a(data)


_template_fnv = IdentityMemo(_dump_fnv)
_canonical_of = IdentityMemo(canonical_template)


def _templates_equal(a: Any, b: Any) -> bool:
    return _canonical_of(a) == _canonical_of(b)


def equal_ignore_hash(a: Any, b: Any) -> bool:
    """`EqualIgnoreHash`. Every Deployment sync compares its template with each ReplicaSet's
    (twice); the canonical forms are remembered per template, and so is the comparison of a
    ReplicaSet's template with the Deployment's (a deep comparison of two dumps)."""
    if a is b:
        return True
    return _equal_pairs(a, b)


class _PairMemo:
    """`_templates_equal(a, b)` remembered by both identities, for as long as both live (as
    `IdentityMemo` remembers one): a few pairs per Deployment, each gone with either template."""

    __slots__ = ("_entries",)

    def __init__(self) -> None:
        self._entries: dict[tuple[int, int], tuple[weakref.ref, weakref.ref, bool]] = {}

    def __call__(self, a: Any, b: Any) -> bool:
        key = (id(a), id(b))
        hit = self._entries.get(key)
        if hit is not None and hit[0]() is a and hit[1]() is b:
            return hit[2]
        equal = _templates_equal(a, b)
        entries = self._entries

        def forget(ref: weakref.ref) -> None:
            hit = entries.get(key)
            if hit is not None and (hit[0] is ref or hit[1] is ref):
                del entries[key]
        try:
            entries[key] = (weakref.ref(a, forget), weakref.ref(b, forget), equal)
        except TypeError:  # not weakly referable: compared each time
            pass
        return equal

    def __len__(self) -> int:
        return len(self._entries)


_equal_pairs = _PairMemo()


# ---------------------------------------------------------------- annotations


def revision(obj: Any) -> int:
    """`Revision`, with an unparsable revision read as 0: every caller upstream skips those."""
    try:
        return int((obj.metadata.annotations or {}).get(REVISION, "0"))
    except ValueError:
        return 0


def max_revision(rss: Iterable[Any]) -> int:
    return max((revision(rs) for rs in rss), default=0)


def non_negative_int32_annotation(obj: Any, key: str) -> Optional[int]:
    """`getNonNegativeInt32FromAnnotation`: the annotation as an int32 >= 0, or None when it is
    missing or is not one (`strconv.ParseUint(v, 10, 32)` then `<= MaxInt32`: no sign, no spaces,
    and 2147483648 is out of range although it fits a uint32)."""
    value = (obj.metadata.annotations or {}).get(key)
    if value is None or not _DECIMAL.fullmatch(value):
        return None
    number = int(value)
    return number if number <= MAX_INT32 else None


def desired_replicas_annotation(rs: Any) -> Optional[int]:
    """`GetDesiredReplicasAnnotation`: the Deployment's `spec.replicas` when it last scaled `rs`."""
    return non_negative_int32_annotation(rs, DESIRED_REPLICAS)


def max_replicas_annotation(rs: Any) -> Optional[int]:
    """`getMaxReplicasAnnotation`: the Deployment's `replicas + maxSurge` when it last scaled `rs`."""
    return non_negative_int32_annotation(rs, MAX_REPLICAS)


def copied_annotations(d: Any) -> dict[str, str]:
    return {k: v for k, v in (d.metadata.annotations or {}).items() if k not in _NOT_COPIED}


def replica_annotations(d: Any) -> dict[str, str]:
    return {DESIRED_REPLICAS: str(d.spec.replicas), MAX_REPLICAS: str(d.spec.replicas + max_surge(d))}


def set_new_replica_set_annotations(d: Any, annotations: dict[str, str], new_revision: str, exists: bool,
                                    rev_history_limit_in_chars: int) -> bool:
    """`SetNewReplicaSetAnnotations` on the new ReplicaSet's `annotations` (edited in place);
    True when they changed.

    The Deployment's own annotations are copied over, and the revision is raised to
    `new_revision` (never lowered: old ReplicaSets may have been deleted since it was set). A
    ReplicaSet that already had a revision is being rolled back to, so its former number is
    appended to `revision-history`, oldest numbers dropped to keep the list within
    `rev_history_limit_in_chars` (or, if even that cannot make room, the number is not
    recorded). A ReplicaSet about to be created also gets the desired/max-replicas annotations.
    """
    changed = False
    for key, value in copied_annotations(d).items():
        if annotations.get(key) != value:
            annotations[key] = value
            changed = True
    had_revision = REVISION in annotations
    old_revision = annotations.get(REVISION, "")
    try:
        old_number = int(old_revision) if old_revision else 0
    except ValueError:
        return False  # upstream gives up on an unparsable revision, copied annotations included
    if old_number < int(new_revision):
        annotations[REVISION] = new_revision
        changed = True
        if had_revision:
            annotations[REVISION_HISTORY] = _append_revision_history(
                annotations.get(REVISION_HISTORY, ""), old_revision, rev_history_limit_in_chars)
    if not exists:
        for key, value in replica_annotations(d).items():
            if annotations.get(key) != value:
                annotations[key] = value
                changed = True
    return changed


def _append_revision_history(history: str, old_revision: str, limit: int) -> str:
    if not history:
        return old_revision
    old_revisions = history.split(",")
    total = len(history) + len(old_revision) + 1
    start = 0
    while total > limit and start < len(old_revisions):
        total -= len(old_revisions[start]) + 1
        start += 1
    if total > limit:
        return history
    return ",".join([*old_revisions[start:], old_revision])


# ---------------------------------------------------------------- fenceposts and sizes


def resolve_fenceposts(d: Any) -> tuple[int, int]:
    """(maxSurge, maxUnavailable) in pods: surge rounds up, unavailable down; never both 0.
    Remembered per spec (see `IdentityMemo`): a sync asks several times."""
    return _fenceposts(d.spec)


def _resolve_fenceposts(spec: Any) -> tuple[int, int]:
    ru = spec.strategy.rolling_update
    desired = spec.replicas
    surge = get_scaled_value_from_int_or_percent(value_or_default(ru.max_surge if ru else None, 0), desired, True)
    unavailable = get_scaled_value_from_int_or_percent(
        value_or_default(ru.max_unavailable if ru else None, 0), desired, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


_fenceposts = IdentityMemo(_resolve_fenceposts)


def is_rolling(d: Any) -> bool:
    return d.spec.strategy.type == "RollingUpdate"


def max_surge(d: Any) -> int:
    """`MaxSurge`, in pods. An unresolvable maxSurge or maxUnavailable (which validation keeps
    out) counts as 0 here, as upstream ("error caught by validation"): only
    `new_rs_new_replicas` reports it."""
    if not is_rolling(d):
        return 0
    try:
        return resolve_fenceposts(d)[0]
    except IntOrStringError:
        return 0


def max_unavailable(d: Any) -> int:
    """`MaxUnavailable`, in pods, at most `spec.replicas` (0 when unresolvable, see `max_surge`)."""
    if not is_rolling(d) or d.spec.replicas == 0:
        return 0
    try:
        return min(resolve_fenceposts(d)[1], d.spec.replicas)
    except IntOrStringError:
        return 0


def has_progress_deadline(d: Any) -> bool:
    """`HasProgressDeadline`: `progressDeadlineSeconds: 2147483647` (MaxInt32) means no deadline,
    as an unset field would if apps/v1 did not default it to 600."""
    pds = d.spec.progress_deadline_seconds
    return pds is not None and pds != MAX_INT32


def replicas_of(rss: Iterable[Any]) -> int:
    return sum(rs.spec.replicas or 0 for rs in rss)


def actual_replicas(rss: Iterable[Any]) -> int:
    return sum(rs.status.replicas or 0 for rs in rss)


def available_replicas(rss: Iterable[Any]) -> int:
    return sum(rs.status.available_replicas or 0 for rs in rss)


def new_rs_new_replicas(d: Any, all_rss: list[Any], new_rs: Any) -> int:
    """`NewRSNewReplicas`: how far the new ReplicaSet may grow in this step. Raises
    IntOrStringError for an unresolvable maxSurge: the one place a rollout stops on it."""
    if not is_rolling(d):
        return d.spec.replicas
    ru = d.spec.strategy.rolling_update
    surge = get_scaled_value_from_int_or_percent(ru.max_surge if ru else None, d.spec.replicas, True)
    current = replicas_of(all_rss)
    max_total = d.spec.replicas + surge
    if current >= max_total:
        return new_rs.spec.replicas
    return new_rs.spec.replicas + min(max_total - current, d.spec.replicas - new_rs.spec.replicas)


def round_half_away(x: float) -> int:
    """Go's `math.Round` (halves away from zero), which `integer.RoundToInt32` uses; Python's
    `round` goes to even."""
    return int(math.copysign(math.floor(abs(x) + 0.5), x))


# ---------------------------------------------------------------- ReplicaSet orders


def filter_active(rss: Iterable[Optional[Any]]) -> list[Any]:
    """`FilterActiveReplicaSets`: those with pods wanted (spec.replicas > 0)."""
    return [rs for rs in rss if rs is not None and (rs.spec.replicas or 0) > 0]


def by_creation(rss: Iterable[Any]) -> list[Any]:
    """Oldest first, name as tie-break (`controller.ReplicaSetsByCreationTimestamp`). Timestamps
    are RFC 3339 in one fixed format, so they compare as strings; none at all sorts first, as
    Go's zero time does."""
    return sorted(rss, key=lambda rs: (rs.metadata.creation_timestamp or "", rs.metadata.name or ""))


def by_revision(rss: Iterable[Any]) -> list[Any]:
    """`ReplicaSetsByRevision`: lowest revision first; equal (or missing) revisions oldest first."""
    return sorted(by_creation(rss), key=revision)


def by_size_older(rss: Iterable[Any]) -> list[Any]:
    """`ReplicaSetsBySizeOlder`: largest first, then older (`ReplicaSetsByCreationTimestamp`)
    first. Scale-downs take from the head of this order."""
    return sorted(by_creation(rss), key=lambda rs: -(rs.spec.replicas or 0))


def by_size_newer(rss: Iterable[Any]) -> list[Any]:
    """`ReplicaSetsBySizeNewer`: largest first, then `ReplicaSetsByCreationTimestamp(o).Less(j, i)`,
    the creation order reversed: newer first, and for equal timestamps the greater name first.
    Scale-ups give the leftover to the head of this order."""
    return sorted(reversed(by_creation(rss)), key=lambda rs: -(rs.spec.replicas or 0))


def find_new_replica_set(d: Any, rss: list[Any]) -> Optional[Any]:
    """The oldest ReplicaSet whose template equals the Deployment's, ignoring the hash label."""
    for rs in by_creation(rss):
        if equal_ignore_hash(rs.spec.template, d.spec.template):
            return rs
    return None


def find_active_or_latest(new_rs: Optional[Any], old_rss: list[Any]) -> Optional[Any]:
    """`FindActiveOrLatest`: the one ReplicaSet with pods wanted, the new (else the newest)
    ReplicaSet when none has, None when several have."""
    if new_rs is None and not old_rss:
        return None
    newest_first = list(reversed(by_creation(old_rss)))
    active = filter_active([*newest_first, new_rs])
    if not active:
        return new_rs if new_rs is not None else newest_first[0]
    return active[0] if len(active) == 1 else None

