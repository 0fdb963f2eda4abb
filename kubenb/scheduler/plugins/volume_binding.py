"""The VolumeBinding plugin (``pkg/scheduler/framework/plugins/volumebinding``).

PreFilter: a pod naming a missing claim, or a claim being deleted, or an unbound claim of an
``Immediate`` class, fits nowhere (``pod has unbound immediate PersistentVolumeClaims``).
Filter: a bound claim's volume must admit the node (``volume node affinity conflict``); an
unbound ``WaitForFirstConsumer`` claim needs a matching volume on the node, or a class that
can provision. PreBind: such a claim is pre-bound to the volume found, or annotated with
``volume.kubernetes.io/selected-node`` for its provisioner.

Unlike upstream, the pod is bound right after PreBind instead of waiting for the claims to be
bound; the kubelet keeps it ContainerCreating until they are.
"""

from __future__ import annotations

from typing import Any, Optional

from kubenb.api import volumeutil as vu
from kubenb.api.base import evolve
from kubenb.scheduler.plugins.base import Filter, NodeInfo, Rejection
from kubenb.store.errors import StatusError

UNBOUND_IMMEDIATE = "pod has unbound immediate PersistentVolumeClaims"
NODE_CONFLICT = "node(s) had volume node affinity conflict"
NO_VOLUMES = "node(s) didn't find available persistent volumes to bind"


class VolumeBinding:
    def __init__(self, store: Any) -> None:
        self.store = store

    def _claims(self, pod: Any) -> list[str]:
        return [v.persistent_volume_claim.claim_name for v in pod.spec.volumes or ()
                if v.persistent_volume_claim is not None]

    def prefilter(self, pod: Any) -> tuple[Optional[Rejection], list[Any]]:
        """The rejection for every node, or the pod's unbound WaitForFirstConsumer claims."""
        ns = pod.metadata.namespace or ""
        delayed = []
        for name in self._claims(pod):
            claim = self.store.try_get("PersistentVolumeClaim", ns, name)
            if claim is None:
                return Rejection.one(f'persistentvolumeclaim "{name}" not found', True), []
            if claim.metadata.deletion_timestamp:
                return Rejection.one(f'persistentvolumeclaim "{name}" is being deleted', True), []
            if claim.spec.volume_name:
                continue
            sc = self.store.try_get("StorageClass", "", vu.claim_class(claim)) if vu.claim_class(claim) else None
            if sc is not None and sc.volume_binding_mode == "WaitForFirstConsumer":
                if not (claim.metadata.annotations or {}).get(vu.ANN_SELECTED_NODE):
                    delayed.append((claim, sc))
                continue
            return Rejection.one(UNBOUND_IMMEDIATE, True), []
        return None, delayed

    def cycle_filter(self, pod: Any, delayed: list[Any]) -> Optional[Filter]:
        """This cycle's Filter, or None for a pod without claims (nothing to check)."""
        if not self._claims(pod):
            return None

        def volume_binding(pod: Any, info: NodeInfo, minor: int) -> Optional[Rejection]:
            return self.filter(pod, info, delayed)
        return volume_binding

    def filter(self, pod: Any, info: NodeInfo, delayed: list[Any]) -> Optional[Rejection]:
        labels = info.node.metadata.labels or {}
        ns = pod.metadata.namespace or ""
        for name in self._claims(pod):
            claim = self.store.try_get("PersistentVolumeClaim", ns, name)
            if claim is not None and claim.spec.volume_name:
                pv = self.store.try_get("PersistentVolume", "", claim.spec.volume_name)
                if pv is not None and not vu.node_affinity_matches(pv, labels):
                    return Rejection.one(NODE_CONFLICT, True)
        if delayed:
            volumes = self.store.list("PersistentVolume")
            for claim, sc in delayed:
                found = vu.find_matching_volume(claim, volumes, labels, scheduler=True)
                if found is None and sc.provisioner == vu.NO_PROVISIONER:
                    return Rejection.one(NO_VOLUMES, True)
        return None

    def prebind(self, pod: Any, node: Any, delayed: list[Any]) -> None:
        from kubenb.api.core import ObjectReference

        labels = node.metadata.labels or {}
        taken: set[str] = set()
        for claim, _sc in delayed:
            pv = vu.find_matching_volume(claim, self.store.list("PersistentVolume"), labels,
                                         frozenset(taken), scheduler=True)
            try:
                if pv is not None:
                    taken.add(pv.metadata.name or "")
                    new = evolve(pv, deep=("metadata", "spec"))
                    new.spec.claim_ref = ObjectReference(kind="PersistentVolumeClaim", namespace=claim.metadata.namespace,
                                                         name=claim.metadata.name, uid=claim.metadata.uid,
                                                         api_version="v1",
                                                         resource_version=claim.metadata.resource_version)
                    new.metadata.annotations = {**(pv.metadata.annotations or {}), vu.ANN_BOUND_BY_CONTROLLER: "yes"}
                    self.store.update(new)
                else:
                    new = evolve(claim, deep=("metadata",))
                    new.metadata.annotations = {**(claim.metadata.annotations or {}),
                                                vu.ANN_SELECTED_NODE: node.metadata.name}
                    self.store.update(new)
            except StatusError:
                continue
