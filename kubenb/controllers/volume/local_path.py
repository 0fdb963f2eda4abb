"""Rancher's local-path-provisioner (``rancher/local-path-provisioner``), kind's ``standard`` class.

Named by its ``--provisioner-name`` flag (``rancher.io/local-path``). It serves only claims the
scheduler placed (``volume.kubernetes.io/selected-node``), as its classes are
``WaitForFirstConsumer``: the volume is the directory
``<base>/pvc-<uid>_<namespace>_<claim>`` made 0777 on that node, where ``<base>`` comes from the
``nodePathMap`` of the ``config.json`` in the ConfigMap the pod mounts (upstream's default
``/opt/local-path-provisioner``), exposed as a ``hostPath`` (``DirectoryOrCreate``) with node
affinity to that node. On delete the directory is removed. Upstream does both through a short
helper pod running ``mkdir``/``rm``; here the provisioner touches the node's disk directly.
"""

from __future__ import annotations

import json
from typing import Any, Optional

from kubenb.controllers.volume.provisioner import ProvisioningError
from kubenb.runtime.fs import FsError

IMAGE = "local-path-provisioner"
DEFAULT_NAME = "rancher.io/local-path"
DEFAULT_PATH = "/opt/local-path-provisioner"
DEFAULT_NODE_KEY = "DEFAULT_PATH_FOR_NON_LISTED_NODES"
HOSTNAME_LABEL = "kubernetes.io/hostname"
SUPPORTED_MODES = ("ReadWriteOnce", "ReadWriteOncePod")


class LocalPath:
    def serves(self, pod: Any) -> bool:
        return any(IMAGE in (c.image or "") for c in pod.spec.containers)

    def name(self, pod: Any) -> str:
        args = [*(pod.spec.containers[0].command or ()), *(pod.spec.containers[0].args or ())]
        for i, arg in enumerate(args):
            if arg.startswith("--provisioner-name="):
                return arg.partition("=")[2]
            if arg == "--provisioner-name" and i + 1 < len(args):
                return args[i + 1]
        return DEFAULT_NAME

    def provision(self, cluster: Any, pod: Any, claim: Any, sc: Any, pv_name: str) -> dict[str, Any]:
        from kubenb.api.core import (
            HostPathVolumeSource,
            NodeSelector,
            NodeSelectorRequirement,
            NodeSelectorTerm,
            VolumeNodeAffinity,
        )
        from kubenb.api.volumeutil import ANN_SELECTED_NODE

        for mode in claim.spec.access_modes or ():
            if mode not in SUPPORTED_MODES:
                raise ProvisioningError("NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access modes")
        node = (claim.metadata.annotations or {}).get(ANN_SELECTED_NODE, "")
        if cluster.store.try_get("Node", "", node) is None:
            raise ProvisioningError("configuration error, no node was specified")
        base = _base_path(cluster, pod, node)
        path = f"{base.rstrip('/')}/{pv_name}_{claim.metadata.namespace}_{claim.metadata.name}"
        try:
            fs = cluster.kubelet.host_filesystem(node)
            fs.makedirs(base)  # `mkdir -m 0777 -p`: the mode is the leaf's only
            fs.makedirs(path, 0o777)
            fs.chmod(path, 0o777)
        except (FsError, KeyError):
            raise ProvisioningError(f"failed to create volume {pv_name}: mkdir {path}: no such file or directory") from None
        return {
            "host_path": HostPathVolumeSource(path=path, type="DirectoryOrCreate"),
            "node_affinity": VolumeNodeAffinity(required=NodeSelector(node_selector_terms=[NodeSelectorTerm(
                match_expressions=[NodeSelectorRequirement(key=HOSTNAME_LABEL, operator="In", values=[node])])])),
        }

    def delete(self, cluster: Any, pod: Any, pv: Any, sc: Optional[Any]) -> bool:
        if pv.spec.host_path is None:
            return False
        node = _affinity_node(pv)
        if node is not None:
            try:
                fs = cluster.kubelet.host_filesystem(node)
            except KeyError:
                fs = None
            if fs is not None and fs.exists(pv.spec.host_path.path):
                fs.rmtree(pv.spec.host_path.path)
        return True


def _base_path(cluster: Any, pod: Any, node: str) -> str:
    """The node's directory in the mounted ``config.json`` (its own entry, else the default)."""
    for vol in pod.spec.volumes or ():
        if vol.config_map is None:
            continue
        cm = cluster.store.try_get("ConfigMap", pod.metadata.namespace or "", vol.config_map.name or "")
        try:
            config = json.loads((cm.data or {}).get("config.json", "")) if cm is not None else {}
        except ValueError:
            continue
        paths = {entry.get("node"): entry.get("paths") or [] for entry in config.get("nodePathMap") or ()}
        chosen = paths.get(node) or paths.get(DEFAULT_NODE_KEY)
        if chosen:
            return chosen[0]
    return DEFAULT_PATH


def _affinity_node(pv: Any) -> Optional[str]:
    affinity = pv.spec.node_affinity
    terms = affinity.required.node_selector_terms if affinity and affinity.required else ()
    for term in terms or ():
        for req in term.match_expressions or ():
            if req.key == HOSTNAME_LABEL and req.operator == "In" and req.values:
                return req.values[0]
    return None
