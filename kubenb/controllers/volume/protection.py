"""``pvcprotection`` and ``pvprotection``: a claim a pod still uses, or a volume still bound,
keeps its ``kubernetes.io/pvc-protection`` / ``kubernetes.io/pv-protection`` finalizer when it
is deleted, so it stays ``Terminating`` until the last pod using it is gone (or the volume is
released). The API server's ``StorageObjectInUseProtection`` admission adds the finalizers.

The claim's users are kept in an index (claim -> pods naming it) fed by pod events, so deciding
costs nothing per pod in the cluster.
"""

from __future__ import annotations

from typing import Any, Optional

from kubenb.api import volumeutil as vu
from kubenb.api.base import evolve
from kubenb.controllers.base import Controller
from kubenb.store.errors import StatusError


def _claims_of(pod: Any) -> set[str]:
    return {v.persistent_volume_claim.claim_name for v in pod.spec.volumes or ()
            if v.persistent_volume_claim is not None}


def _drop_finalizer(store: Any, obj: Any, finalizer: str) -> None:
    new = evolve(obj, deep=("metadata",))
    new.metadata.finalizers = [f for f in obj.metadata.finalizers or () if f != finalizer] or None
    try:
        store.update(new)
    except StatusError:
        pass


class PVCProtectionController(Controller):
    component = "pvc-protection-controller"

    def __init__(self, cluster: Any) -> None:
        super().__init__(cluster)
        self.users: dict[tuple[str, str], set[str]] = {}  # (namespace, claim) -> pods using it
        self.watch_own("PersistentVolumeClaim")
        self.store.watch(self._on_pod, "Pod", when=[["pvc"]])  # a pod without claims uses none

    def _on_pod(self, ev: Any) -> None:
        pod = ev.object
        ns, name = pod.metadata.namespace or "", pod.metadata.name or ""
        claims = _claims_of(pod)
        # an unchanged volume list (every status write) names the same claims: kept or re-added below
        if ev.old_object is not None and ev.old_object.spec.volumes is not pod.spec.volumes:
            for claim in _claims_of(ev.old_object):
                self.users.get((ns, claim), set()).discard(name)
        done = ev.type == "DELETED" or pod.status.phase in ("Succeeded", "Failed")
        for claim in claims:
            if not done:
                self.users.setdefault((ns, claim), set()).add(name)
            else:
                self.users.get((ns, claim), set()).discard(name)
                self.queue.add((ns, claim))

    def sync(self, namespace: str, name: str) -> Optional[float]:
        claim = self.store.try_get("PersistentVolumeClaim", namespace, name)
        if claim is None or not claim.metadata.deletion_timestamp:
            return None
        if vu.PVC_PROTECTION not in (claim.metadata.finalizers or ()):
            return None
        if self.users.get((namespace, name)):
            return None
        _drop_finalizer(self.store, claim, vu.PVC_PROTECTION)
        return None


class PVProtectionController(Controller):
    component = "pv-protection-controller"

    def __init__(self, cluster: Any) -> None:
        super().__init__(cluster)
        self.watch_own("PersistentVolume")

    def sync(self, namespace: str, name: str) -> Optional[float]:
        pv = self.store.try_get("PersistentVolume", "", name)
        if pv is None or not pv.metadata.deletion_timestamp or vu.PV_PROTECTION not in (pv.metadata.finalizers or ()):
            return None
        if pv.status.phase == "Bound":
            return None
        _drop_finalizer(self.store, pv, vu.PV_PROTECTION)
        return None
