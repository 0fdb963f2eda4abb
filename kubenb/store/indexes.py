"""Secondary indexes over the store, so listers never scan every object on a hot path.

Kept per kind: namespace -> names, (label, value) -> keys. Across kinds: owner uid -> dependents
(the garbage collector's graph). For pods: node name -> pods (the kubelet's and scheduler's view).
For events: involvedObject.uid -> events (what `describe` shows under an object).

Buckets are dicts used as ordered sets: iteration follows insertion order, which the simulation
makes deterministic (a `set` of strings would iterate in a hash order that changes per process).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kubenb.api.base import KubeObject

Key = tuple[str, str]  # (namespace, name)
_EMPTY: dict = {}


class Indexes:
    def __init__(self) -> None:
        self._namespace: dict[str, dict[str, dict[Key, None]]] = defaultdict(lambda: defaultdict(dict))
        self._labels: dict[str, dict[tuple[str, str], dict[Key, None]]] = defaultdict(lambda: defaultdict(dict))
        self._owners: dict[str, dict[tuple[str, str, str], None]] = defaultdict(dict)
        self._nodes: dict[str, dict[Key, None]] = defaultdict(dict)
        self._involved: dict[str, dict[Key, None]] = defaultdict(dict)

    def add(self, obj: KubeObject) -> None:
        self._apply(obj, _add)

    def remove(self, obj: KubeObject) -> None:
        self._apply(obj, _discard)

    def _apply(self, obj: KubeObject, op) -> None:
        meta = obj.metadata
        key = (meta.namespace or "", meta.name or "")
        kind = obj.KIND
        op(self._namespace[kind][key[0]], key)
        labels = self._labels[kind]
        for pair in (meta.labels or {}).items():
            op(labels[pair], key)
        for ref in meta.owner_references or ():
            op(self._owners[ref.uid], (kind, key[0], key[1]))
        if kind == "Pod" and obj.spec.node_name:
            op(self._nodes[obj.spec.node_name], key)
        elif kind == "Event" and obj.involved_object.uid:
            op(self._involved[obj.involved_object.uid], key)

    def namespace_keys(self, kind: str, namespace: str) -> Collection[Key]:
        return self._namespace.get(kind, {}).get(namespace, _EMPTY).keys()

    def label_keys(self, kind: str, label: str, value: str) -> Collection[Key]:
        return self._labels.get(kind, {}).get((label, value), _EMPTY).keys()

    def owner_keys(self, uid: str) -> Collection[tuple[str, str, str]]:
        return self._owners.get(uid, _EMPTY).keys()

    def node_keys(self, node: str) -> Collection[Key]:
        return self._nodes.get(node, _EMPTY).keys()

    def event_keys(self, uid: str) -> Collection[Key]:
        """The Events whose involvedObject.uid is `uid` (the field selector `describe` lists them by)."""
        return self._involved.get(uid, _EMPTY).keys()


def _add(bucket: dict, key: Any) -> None:
    bucket[key] = None


def _discard(bucket: dict, key: Any) -> None:
    bucket.pop(key, None)
