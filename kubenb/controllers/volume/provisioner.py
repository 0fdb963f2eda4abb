"""External provisioners that run as pods, on ``sig-storage-lib-external-provisioner``.

A provisioner acts only while a pod of its image is Running and Ready, under the name the pod
gives it; it serves claims the PV controller annotated with that name, creating a volume
``pvc-<claim uid>`` pre-bound to the claim with the class's reclaim policy and mount options,
and, when such a volume is released with policy ``Delete``, cleans its storage up and deletes
it. What the storage is — a directory on an NFS export, a directory on the selected node — is
the job of a :class:`Driver` (:mod:`.nfs_subdir`, :mod:`.local_path`); this module is the
library's controller loop they share.

Provisioner pods are found through an index of pods by image, kept from pod events.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any, Optional, Protocol

from kubenb.api import volumeutil as vu
from kubenb.api.podutil import is_ready
from kubenb.client.events import EventRecorder
from kubenb.controllers.base import Controller

DEFAULT_RECLAIM = "Delete"


class ProvisioningError(Exception):
    """Provisioning failed; the message is the provisioner's own (after ``failed to provision … :``)."""


class Driver(Protocol):
    """The storage side of one provisioner image."""

    def serves(self, pod: Any) -> bool:
        """Whether `pod` runs this provisioner's image."""

    def name(self, pod: Any) -> str:
        """The provisioner name the pod registers under."""

    def provision(self, cluster: Any, pod: Any, claim: Any, sc: Any, pv_name: str) -> dict[str, Any]:
        """Make the storage; the volume's source fields (``nfs``, ``hostPath``, ``nodeAffinity``…)
        as keyword arguments of ``PersistentVolumeSpec``. Raises :class:`ProvisioningError`."""

    def delete(self, cluster: Any, pod: Any, pv: Any, sc: Optional[Any]) -> bool:
        """Remove (or keep, or archive) the storage of a released volume; False if it is not ours."""


def container_env(pod: Any) -> dict[str, str]:
    c = pod.spec.containers[0]
    return {e.name: e.value or "" for e in c.env or () if e.value is not None}


class ExternalProvisioners(Controller):
    component = "external-provisioner"

    def __init__(self, cluster: Any, drivers: tuple[Driver, ...]) -> None:
        super().__init__(cluster)
        self.drivers = drivers
        self.pods: dict[tuple[str, str], tuple[Any, Driver]] = {}  # running provisioner pods
        self.recorders: dict[str, EventRecorder] = {}
        self.store.watch(self._on_pod, "Pod")
        self.store.watch(lambda ev: self.queue.add(("claim", ev.object.metadata.namespace or "",
                                                    ev.object.metadata.name or "")), "PersistentVolumeClaim")
        self.store.watch(lambda ev: self.queue.add(("volume", "", ev.object.metadata.name or "")), "PersistentVolume")

    def _driver(self, pod: Any) -> Optional[Driver]:
        for driver in self.drivers:  # every pod event asks: a loop, not a generator
            if driver.serves(pod):
                return driver
        return None

    def _on_pod(self, ev: Any) -> None:
        pod = ev.object
        driver = self._driver(pod)
        if driver is None:
            return
        key = (pod.metadata.namespace or "", pod.metadata.name or "")
        running = ev.type != "DELETED" and pod.status.phase == "Running" and is_ready(pod) \
            and not pod.metadata.deletion_timestamp
        if running and key not in self.pods:
            self.pods[key] = (pod, driver)
            # a provisioner coming up serves what waited for it
            for claim in self.store.list("PersistentVolumeClaim"):
                if claim.status.phase == "Pending":
                    self.queue.add(("claim", claim.metadata.namespace or "", claim.metadata.name or ""))
            for pv in self.store.list("PersistentVolume"):
                if pv.status.phase == "Released":
                    self.queue.add(("volume", "", pv.metadata.name or ""))
        elif running:
            self.pods[key] = (pod, driver)
        else:
            self.pods.pop(key, None)

    def _provisioner(self, name: str) -> Optional[tuple[Any, Driver]]:
        """The running pod serving provisioner `name` (the first by name: the lease holder)."""
        for key in sorted(self.pods):
            pod, driver = self.pods[key]
            if driver.name(pod) == name:
                return pod, driver
        return None

    def _recorder(self, name: str, pod: Any) -> EventRecorder:
        identity = f"{name}_{pod.metadata.name}_{uuid.UUID(bytes=hashlib.sha256((pod.metadata.uid or '').encode()).digest()[:16], version=4)}"
        found = self.recorders.get(identity)
        if found is None:
            found = self.recorders[identity] = EventRecorder(self.store, identity)
        return found

    def sync(self, kind: str, namespace: str, name: str) -> Optional[float]:  # type: ignore[override]
        if kind == "claim":
            claim = self.store.try_get("PersistentVolumeClaim", namespace, name)
            if claim is not None:
                self._provision(claim)
            return None
        pv = self.store.try_get("PersistentVolume", "", name)
        if pv is not None:
            self._delete(pv)
        return None

    # ---------------------------------------------------------------- provisioning

    def _provision(self, claim: Any) -> None:
        if claim.spec.volume_name or claim.status.phase != "Pending" or claim.metadata.deletion_timestamp:
            return
        ann = claim.metadata.annotations or {}
        name = ann.get(vu.ANN_STORAGE_PROVISIONER) or ann.get(vu.ANN_BETA_STORAGE_PROVISIONER)
        if not name:
            return
        found = self._provisioner(name)
        sc = self.store.try_get("StorageClass", "", vu.claim_class(claim))
        if found is None or sc is None or sc.provisioner != name:
            return
        if sc.volume_binding_mode == "WaitForFirstConsumer" and not ann.get(vu.ANN_SELECTED_NODE):
            return  # the library waits for the scheduler
        pod, driver = found
        pv_name = f"pvc-{claim.metadata.uid}"
        if self.store.try_get("PersistentVolume", "", pv_name) is not None:
            return
        events = self._recorder(name, pod)
        events.normal(claim, "Provisioning",
                      f'External provisioner is provisioning volume for claim "{claim.metadata.namespace}/{claim.metadata.name}"')
        try:
            source = driver.provision(self.cluster, pod, claim, sc, pv_name)
        except ProvisioningError as e:
            events.warning(claim, "ProvisioningFailed", f'failed to provision volume with StorageClass "{sc.metadata.name}": {e}')
            return
        self.store.create(self._volume(claim, sc, pv_name, name, source))
        events.normal(claim, "ProvisioningSucceeded", f"Successfully provisioned volume {pv_name}")

    @staticmethod
    def _volume(claim: Any, sc: Any, pv_name: str, provisioner: str, source: dict[str, Any]) -> Any:
        from kubenb.api.core import ObjectReference, PersistentVolume, PersistentVolumeSpec
        from kubenb.api.meta import ObjectMeta

        return PersistentVolume(
            metadata=ObjectMeta(name=pv_name, annotations={vu.ANN_DYNAMICALLY_PROVISIONED: provisioner}),
            spec=PersistentVolumeSpec(
                capacity={"storage": (claim.spec.resources.requests or {}).get("storage", "0")},
                access_modes=list(claim.spec.access_modes or []),
                persistent_volume_reclaim_policy=sc.reclaim_policy or DEFAULT_RECLAIM,
                storage_class_name=sc.metadata.name, mount_options=sc.mount_options,
                volume_mode=claim.spec.volume_mode or "Filesystem",
                claim_ref=ObjectReference(kind="PersistentVolumeClaim", namespace=claim.metadata.namespace,
                                          name=claim.metadata.name, uid=claim.metadata.uid, api_version="v1",
                                          resource_version=claim.metadata.resource_version),
                **source))

    # ---------------------------------------------------------------- deleting

    def _delete(self, pv: Any) -> None:
        name = (pv.metadata.annotations or {}).get(vu.ANN_DYNAMICALLY_PROVISIONED)
        if not name or pv.status.phase != "Released" or \
                (pv.spec.persistent_volume_reclaim_policy or "Retain") != "Delete" or pv.metadata.deletion_timestamp:
            return
        found = self._provisioner(name)
        if found is None:
            return
        pod, driver = found
        sc = self.store.try_get("StorageClass", "", vu.volume_class(pv))
        if driver.delete(self.cluster, pod, pv, sc):
            self.store.delete("PersistentVolume", "", pv.metadata.name or "")
