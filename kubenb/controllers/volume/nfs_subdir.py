"""The NFS subdir external provisioner (``kubernetes-sigs/nfs-subdir-external-provisioner``).

Named by its pod's ``PROVISIONER_NAME`` env. For each claim it makes the directory
``<namespace>-<claim>-<volume>`` (or the class's ``pathPattern``) on the export
``NFS_SERVER:NFS_PATH`` with mode 0777 and returns an ``nfs`` volume source. On delete it
removes, keeps (``onDelete: retain``) or archives (``archived-<dir>``; ``archiveOnDelete:
"false"`` removes) the directory.
"""

from __future__ import annotations

import re
from typing import Any, Optional

from kubenb.controllers.volume.provisioner import ProvisioningError, container_env
from kubenb.runtime.fs import FsError

IMAGE = "nfs-subdir-external-provisioner"


class NfsSubdir:
    def serves(self, pod: Any) -> bool:
        return any(IMAGE in (c.image or "") for c in pod.spec.containers)

    def name(self, pod: Any) -> str:
        return container_env(pod).get("PROVISIONER_NAME", "")

    def provision(self, cluster: Any, pod: Any, claim: Any, sc: Any, pv_name: str) -> dict[str, Any]:
        from kubenb.api.core import NFSVolumeSource

        env = container_env(pod)
        server, root = env.get("NFS_SERVER", ""), env.get("NFS_PATH", "")
        folder = _folder(claim, pv_name, (sc.parameters or {}).get("pathPattern"))
        path = f"{root.rstrip('/')}/{folder}"
        machine = cluster.nfs.machine(server)
        try:
            if machine is None:
                raise FsError("ENOENT", path)
            machine.fs.makedirs(path, 0o777)
            machine.fs.chmod(path, 0o777)
        except FsError as e:
            raise ProvisioningError(f"unable to create directory to provision new pv: mkdir {path}: {e.strerror()}") from None
        return {"nfs": NFSVolumeSource(server=server, path=path)}

    def delete(self, cluster: Any, pod: Any, pv: Any, sc: Optional[Any]) -> bool:
        if pv.spec.nfs is None:
            return False
        machine = cluster.nfs.machine(pv.spec.nfs.server)
        params = (sc.parameters or {}) if sc is not None else {}
        path = pv.spec.nfs.path
        if machine is not None and machine.fs.exists(path):
            on_delete = params.get("onDelete")
            archive = params.get("archiveOnDelete")
            if on_delete == "delete" or (on_delete != "retain" and archive is not None
                                         and archive.lower() in ("false", "0", "f")):
                machine.fs.rmtree(path)
            elif on_delete != "retain":
                root = container_env(pod).get("NFS_PATH", "").rstrip("/")  # archived beside the others, on the export's root
                machine.fs.rename(path, f"{root}/archived-{path.rstrip('/').rpartition('/')[2]}")
        return True


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
