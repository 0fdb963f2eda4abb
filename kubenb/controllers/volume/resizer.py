"""Volume expansion: the external-resizer's controller side and the kubelet's node side.

A bound claim whose requested storage grew past its capacity (the API server admits that only
for classes with ``allowVolumeExpansion``) is expanded in the steps a CSI driver shows: the
resizer records ``allocatedResources``, sets the ``Resizing`` condition (event ``Resizing``),
grows the volume's capacity and leaves ``FileSystemResizePending`` (event
``FileSystemResizeRequired``); the kubelet of a node running a pod that mounts the claim then
grows the filesystem online (``FileSystemResizeSuccessful``) and the claim's capacity becomes
the new size. Without such a pod the claim waits in ``FileSystemResizePending``.

Running users of claims are kept in an index fed by pod events.
"""

from __future__ import annotations

from typing import Any, Optional

from kubenb.api import volumeutil as vu
from kubenb.api.base import evolve
from kubenb.client.events import EventRecorder
from kubenb.controllers.base import Controller
from kubenb.store.errors import StatusError

RESIZE_SECONDS = 1.0  # the driver's ControllerExpandVolume
FS_PENDING = "Waiting for user to (re-)start a pod to finish file system resize of volume on node."


def _claims_of(pod: Any) -> set[str]:
    return {v.persistent_volume_claim.claim_name for v in pod.spec.volumes or ()
            if v.persistent_volume_claim is not None}


class VolumeResizer(Controller):
    component = "external-resizer"

    def __init__(self, cluster: Any) -> None:
        super().__init__(cluster)
        self.users: dict[tuple[str, str], dict[str, str]] = {}  # (namespace, claim) -> running pod -> node
        self.recorders: dict[tuple[str, Optional[str]], EventRecorder] = {}
        self.watch_own("PersistentVolumeClaim")
        self.store.watch(self._on_pod, "Pod", when=[["pvc"]])  # a pod without claims uses none

    def _on_pod(self, ev: Any) -> None:
        pod = ev.object
        ns, name = pod.metadata.namespace or "", pod.metadata.name or ""
        running = ev.type != "DELETED" and pod.status.phase == "Running"
        for claim in _claims_of(pod):
            users = self.users.setdefault((ns, claim), {})
            if running:
                if name not in users:
                    users[name] = pod.spec.node_name or ""
                    self.queue.add((ns, claim))
            else:
                users.pop(name, None)

    def _events(self, source: str, host: Optional[str] = None) -> EventRecorder:
        found = self.recorders.get((source, host))
        if found is None:
            found = self.recorders[(source, host)] = EventRecorder(self.store, source, host)
        return found

    def sync(self, namespace: str, name: str) -> Optional[float]:
        claim = self.store.try_get("PersistentVolumeClaim", namespace, name)
        if claim is None or claim.status.phase != "Bound" or not claim.spec.volume_name:
            return None
        requested = (claim.spec.resources.requests or {}).get("storage")
        if requested is None or vu.requested_bytes(claim) <= vu.storage_bytes(claim.status.capacity):
            return None
        pv = self.store.try_get("PersistentVolume", "", claim.spec.volume_name)
        if pv is None:
            return None
        driver = (pv.metadata.annotations or {}).get(vu.ANN_DYNAMICALLY_PROVISIONED, "")
        types = [c.type for c in claim.status.conditions or ()]
        try:
            if "Resizing" not in types and "FileSystemResizePending" not in types:
                self._events(f"external-resizer {driver}").normal(
                    claim, "Resizing", f"External resizer is resizing volume {pv.metadata.name}")
                self._set(claim, requested, "Resizing", "", "ControllerResizeInProgress")
                return RESIZE_SECONDS
            if "Resizing" in types:
                new_pv = evolve(pv, deep=("spec",))
                new_pv.spec.capacity = {**(pv.spec.capacity or {}), "storage": requested}
                self.store.update(new_pv)
                self._events(f"external-resizer {driver}").normal(
                    claim, "FileSystemResizeRequired", "Require file system resize of volume on node")
                self._set(claim, requested, "FileSystemResizePending", FS_PENDING, "NodeResizePending")
                claim = self.store.get("PersistentVolumeClaim", namespace, name)
            users = self.users.get((namespace, name)) or {}
            if users:
                pod_name, node = sorted(users.items())[0]
                message = f'MountVolume.NodeExpandVolume succeeded for volume "{pv.metadata.name}" {node}'
                kubelet = self._events("kubelet", node or None)
                pod = self.store.try_get("Pod", namespace, pod_name)
                if pod is not None:
                    kubelet.normal(pod, "FileSystemResizeSuccessful", message)
                kubelet.normal(claim, "FileSystemResizeSuccessful", message)
                new = evolve(claim, deep=("status",))
                new.status.capacity = {**(claim.status.capacity or {}), "storage": requested}
                new.status.conditions = None
                new.status.allocated_resource_statuses = None
                self.store.update(new, subresource="status")
        except StatusError:
            return RESIZE_SECONDS  # conflict: look again
        return None

    def _set(self, claim: Any, requested: Any, condition: str, message: str, resize_status: str) -> None:
        from kubenb.api.core import PersistentVolumeClaimCondition

        now = self.cluster.clock.rfc3339()
        new = evolve(claim, deep=("status",))
        new.status.allocated_resources = {"storage": requested}
        new.status.allocated_resource_statuses = {"storage": resize_status}
        new.status.conditions = [PersistentVolumeClaimCondition(
            type=condition, status="True", last_transition_time=now, message=message or None)]
        self.store.update(new, subresource="status")
