"""What a controller derives from a stored pod, computed once per stored version of it.

A ReplicaSet sync re-reads all its pods, and a pod event wakes the sync: with a hundred pods per
ReplicaSet, every pod event walked a hundred pods' owner references, conditions and labels
again. Stored objects are immutable, so what was derived from one version stays true for it: a
`PodView` remembers the pod it was computed from and is recomputed only when the store holds a
different object under that key. Fed by the pod watch (`observe`), the views also index the
pods by controller uid, so a sync reads its pods' facts without touching the store.
"""

from __future__ import annotations

from typing import Any, Optional

from kubenb.api import podutil

_ASK = object()  # "look the controllerRef up": the caller did not pass it


class PodView:
    """One stored pod's facts: controller uid, active, ready (and since when), the node it runs on,
    and, once a ReplicaSet asked, the parts of its deletion rank that do not depend on the time."""

    __slots__ = ("pod", "key", "owner_uid", "active", "deleting", "ready", "ready_since", "node", "rank")

    def __init__(self, pod: Any, ref: Any = _ASK) -> None:
        """`ref`: the pod's controllerRef when the caller has it already (None for none)."""
        self.pod = pod
        #: (namespace, name): one tuple per view, the key every index of the view files it under
        self.key = (pod.metadata.namespace or "", pod.metadata.name or "")
        if ref is _ASK:
            ref = pod.metadata.controller_ref()
        self.owner_uid: Optional[str] = ref.uid if ref is not None else None
        self.active = podutil.is_active(pod)
        self.deleting = pod.metadata.deletion_timestamp is not None
        self.ready = podutil.is_ready(pod)
        self.ready_since = podutil.ready_since(pod) if self.ready else None
        self.node = target_node(pod)
        self.rank: Optional[tuple] = None

    def available(self, min_ready_seconds: int, now: float) -> bool:
        """`podutil.IsPodAvailable` from the cached facts."""
        if not self.ready:
            return False
        if not min_ready_seconds:
            return True
        return self.ready_since is not None and self.ready_since + min_ready_seconds < now


def target_node(pod: Any) -> str:
    """`util.GetTargetNodeName`: the node a pod is bound to, or the one its required affinity pins
    it to by `metadata.name` (a DaemonSet pod before the scheduler binds it); "" if neither."""
    if pod.spec.node_name:
        return pod.spec.node_name
    na = pod.spec.affinity.node_affinity if pod.spec.affinity else None
    req = na.required_during_scheduling_ignored_during_execution if na else None
    for term in (req.node_selector_terms if req else None) or ():
        for f in term.match_fields or ():
            if f.key == "metadata.name" and f.values:
                return f.values[0]
    return ""


class PodViews:
    def __init__(self) -> None:
        self._views: dict[tuple[str, str], PodView] = {}
        self._by_owner: dict[str, dict[tuple[str, str], PodView]] = {}

    def observe(self, type_: str, pod: Any, ref: Any = _ASK) -> tuple[Optional[PodView], Optional[PodView]]:
        """Keep up with one pod write (`ADDED`, `MODIFIED` or `DELETED`): the views of the version
        it replaced and of the one it stored (None for a pod that was not, or is no more). `ref`:
        the pod's controllerRef, when the caller has looked it up already."""
        key = (pod.metadata.namespace or "", pod.metadata.name or "")
        old = self._views.pop(key, None)
        if old is not None and old.owner_uid:
            siblings = self._by_owner[old.owner_uid]
            del siblings[key]
            if not siblings:
                del self._by_owner[old.owner_uid]
        if type_ == "DELETED":
            return old, None
        view = PodView(pod, ref)
        self._views[view.key] = view
        if view.owner_uid:  # re-added last, as the store's owner index orders a rewritten pod
            self._by_owner.setdefault(view.owner_uid, {})[view.key] = view
        return old, view

    def knows(self, pod: Any) -> bool:
        """Whether a version of `pod` was observed and not deleted since."""
        return (pod.metadata.namespace or "", pod.metadata.name or "") in self._views

    def of(self, pod: Any) -> PodView:
        """The view of `pod` (computed now if `pod` is not the version last observed)."""
        view = self._views.get((pod.metadata.namespace or "", pod.metadata.name or ""))
        return view if view is not None and view.pod is pod else PodView(pod)

    def owned(self, uid: str) -> list[PodView]:
        """Views of the pods whose controllerRef names `uid`, least recently written first (the
        order of the store's `by_owner`)."""
        return list(self._by_owner.get(uid, {}).values())
