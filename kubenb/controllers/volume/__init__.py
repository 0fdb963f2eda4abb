"""Volume controllers: the PersistentVolume binder, the in-use protection of claims and volumes,
and the external provisioners that run as pods (the NFS subdir provisioner)."""

from kubenb.controllers.volume.binder import PersistentVolumeController
from kubenb.controllers.volume.protection import PVCProtectionController, PVProtectionController
from kubenb.controllers.volume.provisioner import ExternalProvisioners

__all__ = ["ExternalProvisioners", "PVCProtectionController", "PVProtectionController", "PersistentVolumeController"]
