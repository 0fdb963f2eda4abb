"""ControllerRevisions: the template history of StatefulSets and DaemonSets (`pkg/controller/history`).

A revision stores, as `data`, the patch that restores its owner's pod template
(`{"spec": {"template": {..., "$patch": "replace"}}}`, `getPatch` in both controllers) and a
`revision` number that grows with every new template. Everything here ports
`controller_history.go`:

* the hash is **FNV-32 (not 1a)** over the JSON bytes of `data` as Go's `json.Marshal` writes them
  (keys sorted, compact, `<>&` escaped), followed by the collision count written as *decimal
  text*, then `rand.SafeEncodeString`. With the template the API server stored, this reproduces
  real names: the course's `redis-pv-sts` gets `redis-pv-sts-97766b5f9` on v1.23;
* the name is `<owner>-<hash>` (owner name cut to 223 characters);
* the revision carries the owner's template labels plus `controller.kubernetes.io/hash=<hash>`;
* two revisions are equal when their data bytes are (`EqualRevision`), a name clash with
  different data bumps the collision count (`CreateControllerRevision`);
* history is sorted by revision, then creation time, then name (`byRevision`).

DaemonSets name their revisions differently upstream (`<ds>-<ComputeHash(template, collisionCount)>`,
the pod-template-hash algorithm, with the hash in `controller-revision-hash`); see
:func:`build_revision` and :func:`cleanup_old_history`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Optional

from kubenb.api.base import deep_copy, evolve
from kubenb.controllers.base import owner_reference
from kubenb.controllers.deployment.util import safe_encode
from kubenb.sim.clock import parse_rfc3339
from kubenb.store.errors import StatusError

#: `history.ControllerRevisionHashLabel`: the hash of a revision's data, on StatefulSet revisions.
HASH_LABEL = "controller.kubernetes.io/hash"
#: `apps.ControllerRevisionHashLabelKey` (= `StatefulSetRevisionLabel` = `DefaultDaemonSetUniqueLabelKey`):
#: on StatefulSet pods it holds the revision *name*, on DaemonSet pods and revisions the hash.
REVISION_LABEL = "controller-revision-hash"
MAX_PREFIX = 223


def fnv32(data: bytes) -> int:
    """FNV-1, 32 bits (Go's `hash/fnv.New32`): multiply, then xor."""
    h = 0x811C9DC5
    for b in data:
        h = ((h * 0x01000193) & 0xFFFFFFFF) ^ b
    return h


def go_json(value: Any) -> bytes:
    """`json.Marshal` of a decoded JSON value (`map[string]interface{}`): what Go writes as `Data.Raw`.

    Map keys sorted byte-wise, no spaces, UTF-8 kept, and `<`, `>`, `&`, U+2028, U+2029 escaped
    as Go's HTML-safe encoder does. Integral numbers print as integers (Go's float64 `'f', -1`).
    """
    text = json.dumps(_go_numbers(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text.encode()


def _go_numbers(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _go_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_go_numbers(v) for v in value]
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    return value


def template_patch(template: Any) -> dict:
    """`getPatch`: the revision data restoring `template` (a PodTemplateSpec model or its JSON dict)."""
    data = template.to_dict() if hasattr(template, "to_dict") else deep_copy(template)
    data = dict(data)
    data["$patch"] = "replace"
    return {"spec": {"template": data}}


def hash_revision(data: Any, probe: Optional[int]) -> str:
    """`HashControllerRevision`: FNV-32 of the data bytes (+ the collision count as decimal text), safe-encoded."""
    raw = data if isinstance(data, bytes) else go_json(data)
    if probe is not None:
        raw += str(probe).encode()
    return safe_encode(str(fnv32(raw)))


def revision_name(prefix: str, hash_: str) -> str:
    """`ControllerRevisionName`: `<prefix>-<hash>`, the prefix cut to 223 bytes."""
    return f"{prefix[:MAX_PREFIX]}-{hash_}"


def build_revision(owner: Any, *, name: str, data: Any, revision: int, labels: Optional[dict] = None,
                   annotations: Optional[dict] = None) -> Any:
    """A ControllerRevision object (not stored) controlled by `owner`, in `owner`'s namespace."""
    from kubenb.api.apps import ControllerRevision
    from kubenb.api.meta import ObjectMeta

    return ControllerRevision(
        api_version="apps/v1", kind="ControllerRevision",
        metadata=ObjectMeta(name=name, namespace=owner.metadata.namespace, labels=dict(labels or {}) or None,
                            annotations=dict(annotations or {}) or None,
                            owner_references=[owner_reference(owner)]),
        data=data, revision=revision)


def new_revision(owner: Any, template_labels: Optional[dict], data: Any, revision: int,
                 collision_count: Optional[int], annotations: Optional[dict] = None) -> Any:
    """`NewControllerRevision` (+ StatefulSet's `newRevision`, which copies the owner's annotations)."""
    hash_ = hash_revision(data, collision_count)
    labels = {**(template_labels or {}), HASH_LABEL: hash_}
    return build_revision(owner, name=revision_name(owner.metadata.name or "", hash_), data=data,
                          revision=revision, labels=labels, annotations=annotations)


def data_bytes(cr: Any) -> bytes:
    return go_json(cr.data) if cr.data is not None else b""


def equal_revision(lhs: Optional[Any], rhs: Optional[Any]) -> bool:
    """`EqualRevision`: both absent, or the same data (a differing numeric hash label short-cuts to False)."""
    if lhs is None or rhs is None:
        return lhs is rhs
    lh, rh = _int32_label(lhs), _int32_label(rhs)
    if lh is not None and rh is not None and lh != rh:
        return False
    return data_bytes(lhs) == data_bytes(rhs)


def _int32_label(cr: Any) -> Optional[int]:
    # upstream parses the safe-encoded hash with strconv.ParseInt(s, 10, 32): only all-digit hashes parse
    text = (cr.metadata.labels or {}).get(HASH_LABEL)
    if text is None or not text.lstrip("+-").isdigit() or not text.isascii():
        return None
    value = int(text)
    return value & 0xFFFFFFFF if -(2 ** 31) <= value < 2 ** 31 else None


def find_equal_revisions(revisions: Iterable[Any], needle: Any) -> list[Any]:
    """`FindEqualRevisions`, order kept."""
    return [r for r in revisions if equal_revision(r, needle)]


def sort_revisions(revisions: Iterable[Any]) -> list[Any]:
    """`SortControllerRevisions` (stable): by revision, then creation time, then name."""
    return sorted(revisions, key=lambda r: (r.revision, _created(r), r.metadata.name or ""))


def _created(obj: Any) -> float:
    ts = obj.metadata.creation_timestamp
    return parse_rfc3339(ts) if ts else 0.0


def next_revision(sorted_revisions: list[Any]) -> int:
    """`nextRevision`: 1 for an empty history, else the last revision + 1."""
    return sorted_revisions[-1].revision + 1 if sorted_revisions else 1


def max_revision(revisions: Iterable[Any]) -> int:
    return max((r.revision for r in revisions), default=0)


# ---------------------------------------------------------------- the store side (`realHistory`)


def list_revisions(store: Any, owner: Any, selector: Any) -> list[Any]:
    """`ListControllerRevisions`: revisions in the owner's namespace matching `selector` that the
    owner controls or nobody controls (orphans, candidates for adoption)."""
    out = []
    for cr in store.list("ControllerRevision", owner.metadata.namespace or "", selector):
        ref = cr.metadata.controller_ref()
        if ref is None or ref.uid == owner.metadata.uid:
            out.append(cr)
    return out


def create_revision(store: Any, owner: Any, revision: Any, collision_count: int) -> tuple[Any, int]:
    """`CreateControllerRevision`: create under `<owner>-<hash>`; on a name clash with other data,
    count a collision and retry with the new hash. Returns (stored revision, collision count).

    As upstream, the `controller.kubernetes.io/hash` label keeps the first hash computed.
    """
    while True:
        hash_ = hash_revision(revision.data, collision_count)
        clone = evolve(revision)
        clone.metadata.name = revision_name(owner.metadata.name or "", hash_)
        clone.metadata.namespace = owner.metadata.namespace
        try:
            return store.create(clone), collision_count
        except StatusError as err:
            if err.reason != "AlreadyExists":
                raise
        exists = store.get("ControllerRevision", owner.metadata.namespace or "", clone.metadata.name)
        if data_bytes(exists) == data_bytes(clone):
            return exists, collision_count
        collision_count += 1


def update_revision(store: Any, revision: Any, new_revision_number: int) -> Any:
    """`UpdateControllerRevision`: give an existing revision a new number (a rollback to it)."""
    if revision.revision == new_revision_number:
        return revision
    fresh = store.get("ControllerRevision", revision.metadata.namespace or "", revision.metadata.name or "")
    return store.update(evolve(fresh, deep=(), revision=new_revision_number))


def adopt_revision(store: Any, owner: Any, revision: Any) -> Any:
    """`AdoptControllerRevision`: add a controller reference to an orphaned revision."""
    if revision.metadata.controller_ref() is not None:
        raise ValueError(f"attempt to adopt revision owned by {revision.metadata.controller_ref()}")
    fresh = store.get("ControllerRevision", revision.metadata.namespace or "", revision.metadata.name or "")
    new = evolve(fresh, deep=("metadata",))
    new.metadata.owner_references = [*(new.metadata.owner_references or ()), owner_reference(owner)]
    return store.update(new)


def delete_revision(store: Any, revision: Any) -> None:
    try:
        store.delete("ControllerRevision", revision.metadata.namespace or "", revision.metadata.name or "")
    except StatusError as err:
        if err.reason != "NotFound":
            raise


def truncate_history(store: Any, sorted_revisions: list[Any], live: set[str], limit: Optional[int]) -> list[Any]:
    """StatefulSet's `truncateHistory`: delete the oldest revisions that are not live (current,
    update, or the revision of some pod) until at most `limit` non-live ones remain. Returns them."""
    history = [r for r in sorted_revisions if (r.metadata.name or "") not in live]
    limit = 10 if limit is None else limit
    if limit < 0 or len(history) <= limit:
        return []
    doomed = history[:len(history) - limit]
    for cr in doomed:
        delete_revision(store, cr)
    return doomed


def cleanup_old_history(store: Any, old: list[Any], live_hashes: set[str], limit: Optional[int]) -> list[Any]:
    """DaemonSet's `cleanupHistory`: of the `old` revisions, delete `len(old) - limit`, oldest
    first, skipping any whose `controller-revision-hash` a live pod still carries."""
    to_kill = len(old) - (10 if limit is None else limit)
    doomed = []
    for cr in sort_revisions(old):
        if to_kill <= 0:
            break
        if (cr.metadata.labels or {}).get(REVISION_LABEL) in live_hashes:
            continue
        delete_revision(store, cr)
        doomed.append(cr)
        to_kill -= 1
    return doomed


def matches_template(template: Any, revision: Any) -> bool:
    """DaemonSet's `Match`: the revision's data is exactly the patch of `template`."""
    return go_json(template_patch(template)) == data_bytes(revision)


def template_from_revision(revision: Any) -> Any:
    """`ApplyRevision` for these patches: the PodTemplateSpec a revision restores (`$patch: replace`)."""
    from kubenb.api.core import PodTemplateSpec

    data = dict(((revision.data or {}).get("spec") or {}).get("template") or {})
    data.pop("$patch", None)
    return PodTemplateSpec.model_validate(data)
