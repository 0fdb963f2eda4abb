"""Volume controllers: the PersistentVolume binder, the in-use protection of claims and volumes,
the external provisioners that run as pods (the NFS subdir and local-path provisioners), and
the resizer that expands claims."""

from kubenb.controllers.volume.binder import PersistentVolumeController
from kubenb.controllers.volume.local_path import LocalPath
from kubenb.controllers.volume.nfs_subdir import NfsSubdir
from kubenb.controllers.volume.protection import PVCProtectionController, PVProtectionController
from kubenb.controllers.volume.provisioner import ExternalProvisioners
from kubenb.controllers.volume.resizer import VolumeResizer

__all__ = ["ExternalProvisioners", "LocalPath", "NfsSubdir", "PVCProtectionController", "PVProtectionController",
           "PersistentVolumeController", "VolumeResizer"]
