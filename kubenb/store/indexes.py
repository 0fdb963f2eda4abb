"""Secondary indexes over the store, so listers never scan every object on a hot path.

Kept per kind: namespace -> names, (label, value) -> keys. Across kinds: owner uid -> dependents
(the garbage collector's graph). For pods: node name -> pods (the kubelet's and scheduler's view).
For events: involvedObject.uid -> events (what `describe` shows under an object). For kinds whose
`spec.selector` is a plain label map (Services): which of them select a given set of labels, so a
pod's write finds its Services without looking at every Service of the namespace.

A write replaces an object's entries only when a fact they are keyed by changed, so a status
write (which keeps metadata and spec) only moves the object to the end of its owners' buckets:
`by_owner` lists dependents in the order they were last written, which controllers depend on.

Buckets are dicts used as ordered sets: iteration follows insertion order, which the simulation
makes deterministic (a `set` of strings would iterate in a hash order that changes per process).

An object's (namespace, name) key is one tuple for all its entries, the one the store files the
object under: the namespace bucket maps each name to it, so a later write that adds an entry (a
binding's node, a new label) reuses it instead of holding a tuple of its own per entry.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:
    from kubenb.api.base import KubeObject

Key = tuple[str, str]  # (namespace, name)
_EMPTY: dict = {}
#: kinds whose `spec.selector` is a map of labels, equality only (a LabelSelector is not indexed)
MAP_SELECTOR_KINDS = frozenset({"Service", "ReplicationController"})


class Indexes:
    def __init__(self) -> None:
        #: kind -> namespace -> name -> the object's key (the one tuple its entries share)
        self._namespace: dict[str, dict[str, dict[str, Key]]] = defaultdict(lambda: defaultdict(dict))
        self._labels: dict[str, dict[tuple[str, str], dict[Key, None]]] = defaultdict(lambda: defaultdict(dict))
        self._owners: dict[str, dict[tuple[str, str, str], None]] = defaultdict(dict)
        self._nodes: dict[str, dict[Key, None]] = defaultdict(dict)
        #: involvedObject.uid -> its Events' keys: a handful each, so a tuple until it grows (see `_add_small`)
        self._involved: dict[str, tuple[Key, ...] | dict[Key, None]] = {}
        #: kind -> (namespace, label, value) -> keys of the objects whose selector's least pair that is
        self._selectors: dict[str, dict[tuple[str, str, str], dict[Key, None]]] = defaultdict(lambda: defaultdict(dict))

    def add(self, obj: KubeObject, key: Optional[Key] = None) -> None:
        """Index a new object; `key` is the tuple the store files it under (made here if not given)."""
        meta = obj.metadata
        if key is None:
            key = (meta.namespace or "", meta.name or "")
        self._namespace[obj.KIND][key[0]][key[1]] = key
        self._apply(obj, key, _add)

    def remove(self, obj: KubeObject) -> None:
        meta = obj.metadata
        key = (meta.namespace or "", meta.name or "")
        _discard(self._namespace[obj.KIND], key[0], key[1])
        self._apply(obj, key, _discard)

    def replace(self, old: KubeObject, new: KubeObject) -> None:
        """`new` is stored in place of `old`: move the entries keyed by a fact that changed, and put
        the object at the end of its owners' buckets (`by_owner` follows the order of writes). A
        binding moves only the pod's node entry, a status write only its owner entries; which other
        entries a key holds, in which order, nobody reads (the other buckets are read sorted)."""
        om, nm = old.metadata, new.metadata
        if om.namespace != nm.namespace or om.name != nm.name:
            self.remove(old)
            self.add(new)
            return
        kind = new.KIND
        namespace, name = nm.namespace or "", nm.name or ""
        key = self._namespace[kind][namespace].get(name) or (namespace, name)
        if om.labels is not nm.labels and (om.labels or None) != (nm.labels or None):
            labels = self._labels[kind]
            for pair in (om.labels or {}).items():
                _discard(labels, pair, key)
            for pair in (nm.labels or {}).items():
                _add(labels, pair, key)
        owner_key = (kind, key[0], key[1])
        if om.owner_references is not nm.owner_references:
            for ref in om.owner_references or ():
                _discard(self._owners, ref.uid, owner_key)
        for ref in nm.owner_references or ():
            bucket = self._owners[ref.uid]
            bucket.pop(owner_key, None)
            bucket[owner_key] = None
        if kind == "Pod":
            if old.spec is not new.spec and old.spec.node_name != new.spec.node_name:
                if old.spec.node_name:
                    _discard(self._nodes, old.spec.node_name, key)
                if new.spec.node_name:
                    _add(self._nodes, new.spec.node_name, key)
        elif kind == "Event":
            if old.involved_object.uid != new.involved_object.uid:
                if old.involved_object.uid:
                    _discard_small(self._involved, old.involved_object.uid, key)
                if new.involved_object.uid:
                    _add_small(self._involved, new.involved_object.uid, key)
        elif kind in MAP_SELECTOR_KINDS and old.spec is not new.spec and old.spec.selector != new.spec.selector:
            if old.spec.selector:
                _discard(self._selectors[kind], (key[0], *min(old.spec.selector.items())), key)
            if new.spec.selector:
                _add(self._selectors[kind], (key[0], *min(new.spec.selector.items())), key)

    def _apply(self, obj: KubeObject, key: Key, op) -> None:
        """`op` (add or discard) on every entry of `obj` but its namespace one."""
        meta = obj.metadata
        kind = obj.KIND
        labels = self._labels[kind]
        for pair in (meta.labels or {}).items():
            op(labels, pair, key)
        for ref in meta.owner_references or ():
            op(self._owners, ref.uid, (kind, key[0], key[1]))
        if kind == "Pod" and obj.spec.node_name:
            op(self._nodes, obj.spec.node_name, key)
        elif kind == "Event" and obj.involved_object.uid:
            (_add_small if op is _add else _discard_small)(self._involved, obj.involved_object.uid, key)
        elif kind in MAP_SELECTOR_KINDS and obj.spec.selector:
            op(self._selectors[kind], (key[0], *min(obj.spec.selector.items())), key)

    def namespace_keys(self, kind: str, namespace: str) -> Collection[Key]:
        return self._namespace.get(kind, {}).get(namespace, _EMPTY).values()

    def label_keys(self, kind: str, label: str, value: str) -> Collection[Key]:
        return self._labels.get(kind, {}).get((label, value), _EMPTY).keys()

    def owner_keys(self, uid: str) -> Collection[tuple[str, str, str]]:
        return self._owners.get(uid, _EMPTY).keys()

    def node_keys(self, node: str) -> Collection[Key]:
        return self._nodes.get(node, _EMPTY).keys()

    def event_keys(self, uid: str) -> Collection[Key]:
        """The Events whose involvedObject.uid is `uid` (the field selector `describe` lists them by)."""
        found = self._involved.get(uid, ())
        return found if type(found) is tuple else found.keys()

    def selector_candidates(self, kind: str, namespace: str, labels: dict[str, str]) -> list[Key]:
        """Keys of the objects of `kind` in `namespace` that may select `labels`: every one whose
        selector does is among them (it is filed under one of its pairs, which `labels` then holds),
        once; the caller checks the rest of each selector."""
        table = self._selectors.get(kind)
        if not table or not labels:
            return []
        out: list[Key] = []
        for label, value in labels.items():
            bucket = table.get((namespace, label, value))
            if bucket:
                out.extend(bucket)
        return out


def _add(table: dict, bucket: Any, key: Any) -> None:
    table[bucket][key] = None


def _discard(table: dict, bucket: Any, key: Any) -> None:
    """Take `key` out of its bucket, and the bucket out of the table once it is empty: a bucket per
    deleted pod's uid or per label value ever used would otherwise stay for good."""
    found = table.get(bucket)
    if found is not None:
        found.pop(key, None)
        if not found:
            del table[bucket]


_SMALL = 8  # a bucket of up to this many keys is a tuple (80 bytes for 5 keys, a dict 232 and up)


def _add_small(table: dict, bucket: Any, key: Any) -> None:
    """`_add` for a table of small buckets (an object's Events): a tuple in insertion order, a dict
    (an ordered set, as other buckets) once it outgrows `_SMALL`, so adding stays O(1) for the rare big one."""
    found = table.get(bucket, ())
    if type(found) is not tuple:
        found[key] = None
    elif key not in found:
        table[bucket] = found + (key,) if len(found) < _SMALL else dict.fromkeys((*found, key))


def _discard_small(table: dict, bucket: Any, key: Any) -> None:
    found = table.get(bucket)
    if found is None:
        return
    if type(found) is not tuple:
        _discard(table, bucket, key)
    elif key in found:
        rest = tuple(k for k in found if k != key)
        if rest:
            table[bucket] = rest
        else:
            del table[bucket]
