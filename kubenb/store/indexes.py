"""Secondary indexes over the store, so listers never scan every object on a hot path.

Kept per kind: namespace -> names, (label, value) -> keys. Across kinds: owner uid -> dependents
(the garbage collector's graph). For pods: node name -> pods (the kubelet's and scheduler's view).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kubenb.api.base import KubeObject

Key = tuple[str, str]  # (namespace, name)
_EMPTY: frozenset = frozenset()


class Indexes:
    def __init__(self) -> None:
        self._namespace: dict[str, dict[str, set[Key]]] = defaultdict(lambda: defaultdict(set))
        self._labels: dict[str, dict[tuple[str, str], set[Key]]] = defaultdict(lambda: defaultdict(set))
        self._owners: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
        self._nodes: dict[str, set[Key]] = defaultdict(set)

    def add(self, obj: KubeObject) -> None:
        self._apply(obj, set.add)

    def remove(self, obj: KubeObject) -> None:
        self._apply(obj, set.discard)

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

    def namespace_keys(self, kind: str, namespace: str) -> set[Key] | frozenset:
        return self._namespace.get(kind, {}).get(namespace, _EMPTY)

    def label_keys(self, kind: str, label: str, value: str) -> set[Key] | frozenset:
        return self._labels.get(kind, {}).get((label, value), _EMPTY)

    def owner_keys(self, uid: str) -> set[tuple[str, str, str]] | frozenset:
        return self._owners.get(uid, _EMPTY)

    def node_keys(self, node: str) -> set[Key] | frozenset:
        return self._nodes.get(node, _EMPTY)
