"""The PersistentVolume controller (``pkg/controller/volume/persistentvolume``): binds claims to
volumes, asks provisioners for new ones, and reclaims volumes whose claim is gone.

A claim without a volume gets the smallest available volume of its class that fits
(:func:`~kubenb.api.volumeutil.find_best_match`); failing that, a claim of a class with a
provisioner is annotated for that provisioner (which must be running to act), a claim of a
``WaitForFirstConsumer`` class waits for the scheduler to pick a node, and a claim of no class
stays Pending. Binding writes the volume first (``claimRef``, phase ``Bound``), then the claim
(``volumeName``, the bind annotations, the volume's capacity and access modes), like upstream.

A volume whose claim is gone is ``Released``; ``Retain`` keeps it (and its data) that way,
``Delete`` leaves a provisioned volume to its provisioner and fails an in-tree one, ``Recycle``
(deprecated) scrubs it and makes it ``Available`` again. Like kube-controller-manager, claims
and volumes are re-synced every 15 seconds, so a Pending claim's events repeat (``x3 over 30s``).
"""

from __future__ import annotations

from typing import Any, Optional

from kubenb.api import volumeutil as vu
from kubenb.api.base import evolve
from kubenb.controllers.base import Controller
from kubenb.store.errors import StatusError

RESYNC_SECONDS = 15.0
WAIT_FOR_FIRST_CONSUMER = "waiting for first consumer to be created before binding"
NO_CLASS = "no persistent volumes available for this claim and no storage class is set"
# volume.kubernetes.io/storage-provisioner joined the beta annotation in v1.23
PROVISIONER_ANNOTATION_MINOR = 23
# v1.28 reworded the ExternalProvisioning event
EXTERNAL_TEXT_MINOR = 28
# status.lastPhaseTransitionTime (PersistentVolumeLastPhaseTransitionTime, beta in v1.29)
PHASE_TIME_MINOR = 29


def external_provisioning_text(provisioner: str, minor: int) -> str:
    if minor >= EXTERNAL_TEXT_MINOR:
        return (f"Waiting for a volume to be created either by the external provisioner '{provisioner}' or manually "
                "by the system administrator. If volume creation is delayed, please verify that the provisioner "
                "is running and correctly registered.")
    return (f'waiting for a volume to be created, either by external provisioner "{provisioner}" or manually '
            "created by system administrator")


class PersistentVolumeController(Controller):
    component = "persistentvolume-controller"

    def __init__(self, cluster: Any) -> None:
        super().__init__(cluster)
        self.minor = cluster.version.minor
        self.store.watch(self._on_claim, "PersistentVolumeClaim")
        self.store.watch(self._on_volume, "PersistentVolume")
        self.store.watch(self._on_class, "StorageClass")

    def _on_claim(self, ev: Any) -> None:
        claim = ev.object
        self.queue.add(("claim", claim.metadata.namespace or "", claim.metadata.name or ""))
        if ev.type == "DELETED" and claim.spec.volume_name:  # ``deleteClaim``: its volume is released now
            self.queue.add(("volume", "", claim.spec.volume_name))

    def _on_volume(self, ev: Any) -> None:
        pv = ev.object
        self.queue.add(("volume", "", pv.metadata.name or ""))
        ref = pv.spec.claim_ref
        if ref is not None:
            self.queue.add(("claim", ref.namespace or "", ref.name or ""))
        if ev.type in ("ADDED", "MODIFIED") and pv.status.phase == "Available":
            for claim in self.store.list("PersistentVolumeClaim"):  # a new volume may fit a waiting claim
                if claim.status.phase == "Pending" and not claim.spec.volume_name:
                    self.queue.add(("claim", claim.metadata.namespace or "", claim.metadata.name or ""))

    def _on_class(self, ev: Any) -> None:
        for claim in self.store.list("PersistentVolumeClaim"):
            if claim.status.phase == "Pending" and vu.claim_class(claim) == ev.object.metadata.name:
                self.queue.add(("claim", claim.metadata.namespace or "", claim.metadata.name or ""))

    def sync(self, kind: str, namespace: str, name: str) -> Optional[float]:  # type: ignore[override]
        if kind == "claim":
            claim = self.store.try_get("PersistentVolumeClaim", namespace, name)
            return self._sync_claim(claim) if claim is not None else None
        pv = self.store.try_get("PersistentVolume", "", name)
        return self._sync_volume(pv) if pv is not None else None

    # ---------------------------------------------------------------- claims

    def _sync_claim(self, claim: Any) -> Optional[float]:
        if (claim.metadata.annotations or {}).get(vu.ANN_BIND_COMPLETED) != "yes":
            return self._sync_unbound_claim(claim)
        return self._sync_bound_claim(claim)

    def _sync_unbound_claim(self, claim: Any) -> Optional[float]:
        if claim.spec.volume_name:
            return self._sync_prebound_claim(claim)
        cls_name = vu.claim_class(claim)
        sc = self.store.try_get("StorageClass", "", cls_name) if cls_name else None
        delay = sc is not None and sc.volume_binding_mode == "WaitForFirstConsumer"
        pv = vu.find_best_match(claim, self.store.list("PersistentVolume"), delay_binding=delay)
        if pv is not None:
            self._bind(pv, claim)
            return None
        selected = (claim.metadata.annotations or {}).get(vu.ANN_SELECTED_NODE)
        if delay and not selected:
            self.events.normal(claim, "WaitForFirstConsumer", WAIT_FOR_FIRST_CONSUMER)
        elif cls_name:
            self._provision(claim, cls_name, sc)
        else:
            self.events.normal(claim, "FailedBinding", NO_CLASS)
        self._claim_phase(claim, "Pending")
        return RESYNC_SECONDS

    def _provision(self, claim: Any, cls_name: str, sc: Any) -> None:
        """``provisionClaim`` for an external provisioner: annotate the claim with its name and say so."""
        if sc is None:
            self.events.warning(claim, "ProvisioningFailed", f'storageclass.storage.k8s.io "{cls_name}" not found')
            return
        provisioner = sc.provisioner
        if provisioner == vu.NO_PROVISIONER or (provisioner.startswith("kubernetes.io/")):
            self.events.warning(claim, "ProvisioningFailed", f"no volume plugin matched name: {provisioner}")
            return
        ann = claim.metadata.annotations or {}
        wanted = {vu.ANN_BETA_STORAGE_PROVISIONER: provisioner}
        if self.minor >= PROVISIONER_ANNOTATION_MINOR:
            wanted[vu.ANN_STORAGE_PROVISIONER] = provisioner
        if any(ann.get(k) != v for k, v in wanted.items()):
            new = evolve(claim, deep=("metadata",))
            new.metadata.annotations = {**ann, **wanted}
            try:
                claim = self.store.update(new)
            except StatusError:
                return
        self.events.normal(claim, "ExternalProvisioning", external_provisioning_text(provisioner, self.minor))

    def _sync_prebound_claim(self, claim: Any) -> Optional[float]:
        pv = self.store.try_get("PersistentVolume", "", claim.spec.volume_name)
        if pv is None:
            self._claim_phase(claim, "Pending")
            return RESYNC_SECONDS
        if pv.spec.claim_ref is None or vu.is_bound_to_claim(pv, claim):
            problem = self._mismatch(pv, claim)
            if problem:
                self.events.warning(claim, "VolumeMismatch", f'Cannot bind to requested volume "{pv.metadata.name}": '
                                    f"{problem}")
                self._claim_phase(claim, "Pending")
                return RESYNC_SECONDS
            self._bind(pv, claim)
            return None
        self.events.warning(claim, "FailedBinding", f"volume \"{pv.metadata.name}\" already bound to a different claim.")
        self._claim_phase(claim, "Pending")
        return RESYNC_SECONDS

    def _mismatch(self, pv: Any, claim: Any) -> str:
        """``checkVolumeSatisfyClaim``."""
        if vu.storage_bytes(pv.spec.capacity) < vu.requested_bytes(claim):
            return "requested PV is too small"
        if vu.volume_class(pv) != vu.claim_class(claim):
            return "storageClassName does not match"
        if vu.volume_mode_mismatch(claim, pv):
            return "incompatible volumeMode"
        if not vu.access_modes_cover(claim, pv):
            return "incompatible accessMode"
        return ""

    def _sync_bound_claim(self, claim: Any) -> Optional[float]:
        name = claim.spec.volume_name
        pv = self.store.try_get("PersistentVolume", "", name) if name else None
        if pv is None:
            if claim.status.phase != "Lost":
                self._claim_phase(claim, "Lost")
                self.events.warning(claim, "ClaimLost",
                                    "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!")
            return None
        if pv.spec.claim_ref is None or vu.is_bound_to_claim(pv, claim):
            self._bind(pv, claim)
            return None
        if claim.status.phase != "Lost":
            self._claim_phase(claim, "Lost")
            self.events.warning(claim, "ClaimMisbound",
                                "Two claims are bound to the same volume, this one is bound incorrectly")
        return None

    # ---------------------------------------------------------------- binding

    def _bind(self, pv: Any, claim: Any) -> None:
        """``bind``: the volume's claimRef and phase, then the claim's volumeName, annotations and status."""
        from kubenb.api.core import ObjectReference

        ref = pv.spec.claim_ref
        if ref is None or ref.uid != claim.metadata.uid:
            new = evolve(pv, deep=("metadata", "spec"))
            new.spec.claim_ref = ObjectReference(kind="PersistentVolumeClaim", namespace=claim.metadata.namespace,
                                                 name=claim.metadata.name, uid=claim.metadata.uid, api_version="v1",
                                                 resource_version=claim.metadata.resource_version)
            if ref is None:
                new.metadata.annotations = {**(pv.metadata.annotations or {}), vu.ANN_BOUND_BY_CONTROLLER: "yes"}
            try:
                pv = self.store.update(new)
            except StatusError:
                return
        pv = self._volume_phase(pv, "Bound")
        ann = claim.metadata.annotations or {}
        if claim.spec.volume_name != pv.metadata.name or ann.get(vu.ANN_BIND_COMPLETED) != "yes":
            new = evolve(claim, deep=("metadata", "spec"))
            wanted = {vu.ANN_BIND_COMPLETED: "yes"}
            if not claim.spec.volume_name:
                wanted[vu.ANN_BOUND_BY_CONTROLLER] = "yes"
            new.metadata.annotations = {**ann, **wanted}
            new.spec.volume_name = pv.metadata.name
            try:
                claim = self.store.update(new)
            except StatusError:
                return
        status = claim.status
        if status.phase != "Bound":  # a bound claim's capacity is the resizer's (it lags the volume's while expanding)
            new = evolve(claim, deep=("status",))
            new.status.phase = "Bound"
            new.status.capacity = dict(pv.spec.capacity or {})
            new.status.access_modes = list(pv.spec.access_modes or [])
            self.store.update(new, subresource="status")

    def _claim_phase(self, claim: Any, phase: str) -> Any:
        if claim.status.phase == phase:
            return claim
        new = evolve(claim, deep=("status",))
        new.status.phase = phase
        if phase == "Lost":
            new.status.capacity, new.status.access_modes = None, None
        return self.store.update(new, subresource="status")

    def _volume_phase(self, pv: Any, phase: str, reason: Optional[str] = None, message: Optional[str] = None) -> Any:
        if pv.status.phase == phase and pv.status.message == message:
            return pv
        new = evolve(pv, deep=("status",))
        if pv.status.phase != phase and self.minor >= PHASE_TIME_MINOR:
            new.status.last_phase_transition_time = self.clock.rfc3339()
        new.status.phase, new.status.reason, new.status.message = phase, reason, message
        return self.store.update(new, subresource="status")

    # ---------------------------------------------------------------- volumes

    def _sync_volume(self, pv: Any) -> Optional[float]:
        ref = pv.spec.claim_ref
        if ref is None:
            self._volume_phase(pv, "Available")
            return None
        if not ref.uid:  # pre-bound by the user: waits for that claim
            self._volume_phase(pv, "Available")
            return None
        claim = self.store.try_get("PersistentVolumeClaim", ref.namespace or "", ref.name or "")
        if claim is not None and claim.metadata.uid != ref.uid:
            claim = None
        if claim is None:
            if pv.status.phase not in ("Released", "Failed"):
                pv = self._volume_phase(pv, "Released")
            return self._reclaim(pv)
        if not claim.spec.volume_name:  # the claim's sync finishes the binding
            self.queue.add(("claim", ref.namespace or "", ref.name or ""))
            return None
        if claim.spec.volume_name == pv.metadata.name:
            self._volume_phase(pv, "Bound")
            return None
        # the claim went to another volume: a volume bound by the controller is freed
        if (pv.metadata.annotations or {}).get(vu.ANN_BOUND_BY_CONTROLLER) == "yes" and pv.status.phase != "Released":
            new = evolve(pv, deep=("metadata", "spec"))
            new.spec.claim_ref = None
            new.metadata.annotations = {k: v for k, v in (pv.metadata.annotations or {}).items()
                                        if k != vu.ANN_BOUND_BY_CONTROLLER} or None
            self._volume_phase(self.store.update(new), "Available")
        return None

    def _reclaim(self, pv: Any) -> Optional[float]:
        """``reclaimVolume``: what the volume's reclaim policy does once its claim is gone."""
        policy = pv.spec.persistent_volume_reclaim_policy or "Retain"
        if pv.status.phase != "Released":
            return None
        if policy == "Retain":
            return None
        if policy == "Recycle":
            self._recycle(pv)
            return None
        provisioned_by = (pv.metadata.annotations or {}).get(vu.ANN_DYNAMICALLY_PROVISIONED)
        if provisioned_by and not provisioned_by.startswith("kubernetes.io/"):
            return None  # the external provisioner deletes it (if it runs)
        message = f'error getting deleter volume plugin for volume "{pv.metadata.name}": no deletable volume plugin matched'
        self.events.warning(pv, "VolumeFailedDelete", message)
        self._volume_phase(pv, "Failed", None, message)
        return None

    def _recycle(self, pv: Any) -> None:
        """The deprecated recycler: a scrub of the volume (``rm -rf /scrub/..?* /scrub/.[!.]* /scrub/*``),
        then the volume is Available again with its claimRef cleared. (An NFS export is scrubbed;
        a hostPath one would be scrubbed on whichever node the recycler pod lands, which is not
        modelled.)"""
        if pv.spec.nfs is not None:
            machine = self.cluster.nfs.machine(pv.spec.nfs.server)
            if machine is not None and machine.fs.is_dir(pv.spec.nfs.path):
                for name in machine.fs.listdir(pv.spec.nfs.path):
                    machine.fs.rmtree(f"{pv.spec.nfs.path.rstrip('/')}/{name}")
        new = evolve(pv, deep=("spec",))
        new.spec.claim_ref = None
        pv = self.store.update(new)
        self.events.normal(pv, "VolumeRecycled", "Volume recycled")
        self._volume_phase(pv, "Available")
