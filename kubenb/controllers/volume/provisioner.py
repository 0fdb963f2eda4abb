"""External provisioners that run as pods: the NFS subdir external provisioner
(``kubernetes-sigs/nfs-subdir-external-provisioner`` on ``sig-storage-lib-external-provisioner``).

A provisioner acts only while a pod of its image is Running and Ready, under the name its
``PROVISIONER_NAME`` env gives; it serves claims the PV controller annotated with that name.
For each it makes the directory ``<namespace>-<claim>-<volume>`` (or the class's ``pathPattern``)
on the export ``NFS_SERVER:NFS_PATH`` with mode 0777, and creates a volume ``pvc-<claim uid>``
pre-bound to the claim, with the class's reclaim policy and mount options. When such a volume
is released with policy ``Delete`` it removes, keeps (``onDelete: retain``) or archives
(``archived-<dir>``; ``archiveOnDelete: "false"`` removes) the directory and deletes the volume.

Provisioners are found through an index of pods by image, kept from pod events.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from typing import Any, Optional

from kubenb.api import volumeutil as vu
from kubenb.api.podutil import is_ready
from kubenb.client.events import EventRecorder
from kubenb.controllers.base import Controller
from kubenb.runtime.fs import FsError

NFS_SUBDIR_IMAGE = "nfs-subdir-external-provisioner"
DEFAULT_RECLAIM = "Delete"


def _env(pod: Any) -> dict[str, str]:
    c = pod.spec.containers[0]
    return {e.name: e.value or "" for e in c.env or () if e.value is not None}


def _is_provisioner_pod(pod: Any) -> bool:
    return any(NFS_SUBDIR_IMAGE in (c.image or "") for c in pod.spec.containers)


class ExternalProvisioners(Controller):
    component = "external-provisioner"

    def __init__(self, cluster: Any) -> None:
        super().__init__(cluster)
        self.pods: dict[tuple[str, str], Any] = {}  # running provisioner pods
        self.recorders: dict[str, EventRecorder] = {}
        self.store.watch(self._on_pod, "Pod")
        self.store.watch(lambda ev: self.queue.add(("claim", ev.object.metadata.namespace or "",
                                                    ev.object.metadata.name or "")), "PersistentVolumeClaim")
        self.store.watch(lambda ev: self.queue.add(("volume", "", ev.object.metadata.name or "")), "PersistentVolume")

    def _on_pod(self, ev: Any) -> None:
        pod = ev.object
        if not _is_provisioner_pod(pod):
            return
        key = (pod.metadata.namespace or "", pod.metadata.name or "")
        running = ev.type != "DELETED" and pod.status.phase == "Running" and is_ready(pod) \
            and not pod.metadata.deletion_timestamp
        if running and key not in self.pods:
            self.pods[key] = pod
            # a provisioner coming up serves what waited for it
            for claim in self.store.list("PersistentVolumeClaim"):
                if claim.status.phase == "Pending":
                    self.queue.add(("claim", claim.metadata.namespace or "", claim.metadata.name or ""))
            for pv in self.store.list("PersistentVolume"):
                if pv.status.phase == "Released":
                    self.queue.add(("volume", "", pv.metadata.name or ""))
        elif running:
            self.pods[key] = pod
        else:
            self.pods.pop(key, None)

    def _provisioner(self, name: str) -> Optional[Any]:
        """The running pod serving provisioner `name` (the first by name: the lease holder)."""
        for key in sorted(self.pods):
            pod = self.pods[key]
            if _env(pod).get("PROVISIONER_NAME") == name:
                return pod
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
        pod = self._provisioner(name)
        sc = self.store.try_get("StorageClass", "", vu.claim_class(claim))
        if pod is None or sc is None or sc.provisioner != name:
            return
        pv_name = f"pvc-{claim.metadata.uid}"
        if self.store.try_get("PersistentVolume", "", pv_name) is not None:
            return
        events = self._recorder(name, pod)
        events.normal(claim, "Provisioning",
                      f'External provisioner is provisioning volume for claim "{claim.metadata.namespace}/{claim.metadata.name}"')
        env = _env(pod)
        server, root = env.get("NFS_SERVER", ""), env.get("NFS_PATH", "")
        folder = self._folder(claim, pv_name, (sc.parameters or {}).get("pathPattern"))
        path = f"{root.rstrip('/')}/{folder}"
        machine = self.cluster.nfs.machine(server)
        try:
            if machine is None:
                raise FsError("ENOENT", path)
            machine.fs.makedirs(path, 0o777)
            machine.fs.chmod(path, 0o777)
        except FsError as e:
            events.warning(claim, "ProvisioningFailed", f'failed to provision volume with StorageClass "{sc.metadata.name}": '
                           f"unable to create directory to provision new pv: mkdir {path}: {e.strerror()}")
            return
        self.store.create(self._volume(claim, sc, pv_name, name, server, path))
        events.normal(claim, "ProvisioningSucceeded", f"Successfully provisioned volume {pv_name}")

    @staticmethod
    def _folder(claim: Any, pv_name: str, pattern: Optional[str]) -> str:
        ns, name = claim.metadata.namespace or "", claim.metadata.name or ""
        if not pattern:
            return f"{ns}-{name}-{pv_name}"
        meta = claim.metadata

        def field(m: re.Match) -> str:
            parts = m.group(1).split(".")
            if parts == ["PVC", "namespace"]:
                return ns
            if parts == ["PVC", "name"]:
                return name
            if len(parts) >= 3 and parts[:2] == ["PVC", "labels"]:
                return (meta.labels or {}).get(".".join(parts[2:]), "")
            if len(parts) >= 3 and parts[:2] == ["PVC", "annotations"]:
                return (meta.annotations or {}).get(".".join(parts[2:]), "")
            return ""

        return re.sub(r"\$\{\.([^}]*)\}", field, pattern).strip("/")

    def _volume(self, claim: Any, sc: Any, pv_name: str, provisioner: str, server: str, path: str) -> Any:
        from kubenb.api.core import (
            NFSVolumeSource,
            ObjectReference,
            PersistentVolume,
            PersistentVolumeSpec,
        )
        from kubenb.api.meta import ObjectMeta

        return PersistentVolume(
            metadata=ObjectMeta(name=pv_name, annotations={vu.ANN_DYNAMICALLY_PROVISIONED: provisioner}),
            spec=PersistentVolumeSpec(
                capacity={"storage": (claim.spec.resources.requests or {}).get("storage", "0")},
                access_modes=list(claim.spec.access_modes or []),
                persistent_volume_reclaim_policy=sc.reclaim_policy or DEFAULT_RECLAIM,
                storage_class_name=sc.metadata.name, mount_options=sc.mount_options,
                volume_mode=claim.spec.volume_mode or "Filesystem",
                nfs=NFSVolumeSource(server=server, path=path),
                claim_ref=ObjectReference(kind="PersistentVolumeClaim", namespace=claim.metadata.namespace,
                                          name=claim.metadata.name, uid=claim.metadata.uid, api_version="v1",
                                          resource_version=claim.metadata.resource_version)))

    # ---------------------------------------------------------------- deleting

    def _delete(self, pv: Any) -> None:
        name = (pv.metadata.annotations or {}).get(vu.ANN_DYNAMICALLY_PROVISIONED)
        if not name or pv.status.phase != "Released" or \
                (pv.spec.persistent_volume_reclaim_policy or "Retain") != "Delete" or pv.metadata.deletion_timestamp:
            return
        pod = self._provisioner(name)
        if pod is None or pv.spec.nfs is None:
            return
        machine = self.cluster.nfs.machine(pv.spec.nfs.server)
        sc = self.store.try_get("StorageClass", "", vu.volume_class(pv))
        params = (sc.parameters or {}) if sc is not None else {}
        path = pv.spec.nfs.path
        if machine is not None and machine.fs.exists(path):
            on_delete = params.get("onDelete")
            archive = params.get("archiveOnDelete")
            if on_delete == "delete" or (on_delete != "retain" and archive is not None
                                         and archive.lower() in ("false", "0", "f")):
                machine.fs.rmtree(path)
            elif on_delete != "retain":
                root = _env(pod).get("NFS_PATH", "").rstrip("/")  # archived beside the others, on the export's root
                machine.fs.rename(path, f"{root}/archived-{path.rstrip('/').rpartition('/')[2]}")
        self.store.delete("PersistentVolume", "", pv.metadata.name or "")
