"""The rules that tie claims to volumes (``k8s.io/component-helpers/storage/volume`` and the PV
controller's ``index.go``), shared by the PV controller and the scheduler's VolumeBinding plugin.

A claim matches a volume of the same class (the empty class included), whose access modes cover
the claim's, whose volume mode and selector agree, and whose capacity is at least the request;
among those the smallest wins, and a volume pre-bound to the claim (``claimRef``) always wins.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Optional

from kubenb.api.labels import Requirement, selector_from_label_selector
from kubenb.api.quantity import Quantity

# annotations (pkg/controller/volume/persistentvolume/util)
ANN_BIND_COMPLETED = "pv.kubernetes.io/bind-completed"
ANN_BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller"
ANN_DYNAMICALLY_PROVISIONED = "pv.kubernetes.io/provisioned-by"
ANN_STORAGE_PROVISIONER = "volume.kubernetes.io/storage-provisioner"
ANN_BETA_STORAGE_PROVISIONER = "volume.beta.kubernetes.io/storage-provisioner"
ANN_SELECTED_NODE = "volume.kubernetes.io/selected-node"
ANN_DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class"
ANN_BETA_DEFAULT_CLASS = "storageclass.beta.kubernetes.io/is-default-class"
ANN_BETA_CLASS = "volume.beta.kubernetes.io/storage-class"
PVC_PROTECTION = "kubernetes.io/pvc-protection"
PV_PROTECTION = "kubernetes.io/pv-protection"
NO_PROVISIONER = "kubernetes.io/no-provisioner"

ACCESS_MODE_SHORT = {"ReadWriteOnce": "RWO", "ReadOnlyMany": "ROX", "ReadWriteMany": "RWX",
                     "ReadWriteOncePod": "RWOP"}


def claim_class(claim: Any) -> str:
    """``GetPersistentVolumeClaimClass``: the beta annotation, else ``spec.storageClassName``."""
    ann = (claim.metadata.annotations or {}).get(ANN_BETA_CLASS)
    if ann is not None:
        return ann
    return claim.spec.storage_class_name or ""


def volume_class(pv: Any) -> str:
    ann = (pv.metadata.annotations or {}).get(ANN_BETA_CLASS)
    if ann is not None:
        return ann
    return pv.spec.storage_class_name or ""


def storage_bytes(resources: Optional[dict[str, Any]]) -> int:
    text = (resources or {}).get("storage")
    return Quantity.parse(str(text)).value() if text is not None else 0


def requested_bytes(claim: Any) -> int:
    return storage_bytes(claim.spec.resources.requests)


def is_bound_to_claim(pv: Any, claim: Any) -> bool:
    """``IsVolumeBoundToClaim``: the claimRef names the claim (and its uid, when the ref has one)."""
    ref = pv.spec.claim_ref
    if ref is None or ref.name != claim.metadata.name or ref.namespace != claim.metadata.namespace:
        return False
    return not ref.uid or ref.uid == claim.metadata.uid


def volume_mode_mismatch(claim: Any, pv: Any) -> bool:
    return (claim.spec.volume_mode or "Filesystem") != (pv.spec.volume_mode or "Filesystem")


def access_modes_cover(claim: Any, pv: Any) -> bool:
    """``CheckAccessModes``: every mode the claim asks for is one the volume offers."""
    offered = set(pv.spec.access_modes or ())
    return all(m in offered for m in claim.spec.access_modes or ())


def node_affinity_matches(pv: Any, node_labels: Optional[dict[str, str]]) -> bool:
    """``CheckNodeAffinity``: the volume's required node selector admits the node's labels."""
    affinity = pv.spec.node_affinity
    if affinity is None or affinity.required is None:
        return True
    labels = node_labels or {}
    return any(_term_matches(t, labels) for t in affinity.required.node_selector_terms or ())


_OPERATORS = {"In": "in", "NotIn": "notin", "Exists": "exists", "DoesNotExist": "!", "Gt": "gt", "Lt": "lt"}


def _term_matches(term: Any, labels: dict[str, str]) -> bool:
    exprs = term.match_expressions or ()
    return bool(exprs) and all(
        Requirement(e.key, _OPERATORS[e.operator], list(e.values or ())).matches(labels) for e in exprs)


def find_matching_volume(claim: Any, volumes: Iterable[Any], node_labels: Optional[dict[str, str]] = None,
                         excluded: frozenset[str] = frozenset(), delay_binding: bool = False,
                         scheduler: bool = False) -> Optional[Any]:
    """``FindMatchingVolume``: the volume pre-bound to the claim, else the smallest available one
    of the claim's class that fits. The scheduler path (`scheduler`) also checks access modes and
    node affinity against the node it is trying."""
    requested = requested_bytes(claim)
    wanted_class = claim_class(claim)
    selector = selector_from_label_selector(claim.spec.selector) if claim.spec.selector is not None else None
    best, best_size = None, 0
    for pv in volumes:
        name = pv.metadata.name or ""
        if name in excluded:
            continue
        if pv.spec.claim_ref is not None and not is_bound_to_claim(pv, claim):
            continue
        size = storage_bytes(pv.spec.capacity)
        if size < requested or volume_mode_mismatch(claim, pv) or pv.metadata.deletion_timestamp:
            continue
        affinity_ok = not scheduler or node_affinity_matches(pv, node_labels)
        if is_bound_to_claim(pv, claim):
            return pv if affinity_ok else None
        if not scheduler and delay_binding:
            continue
        if pv.status.phase != "Available":
            continue
        if selector is not None and not selector.matches(pv.metadata.labels or {}):
            continue
        if volume_class(pv) != wanted_class or not affinity_ok:
            continue
        if scheduler and not access_modes_cover(claim, pv):
            continue
        if best is None or size < best_size:
            best, best_size = pv, size
    return best


def find_best_match(claim: Any, volumes: Iterable[Any], delay_binding: bool = False) -> Optional[Any]:
    """``persistentVolumeOrderedIndex.findBestMatchForClaim``: volumes are grouped by their set of
    access modes; the groups that cover the claim's modes are tried from the fewest modes up, and
    the first group with a match decides (an RWO claim prefers an RWO volume to an RWO+RWX one)."""
    wanted = set(claim.spec.access_modes or ())
    groups: dict[frozenset[str], list[Any]] = {}
    for pv in volumes:
        modes = frozenset(pv.spec.access_modes or ())
        if wanted <= modes:
            groups.setdefault(modes, []).append(pv)
    for modes in sorted(groups, key=lambda m: (len(m), sorted(m))):
        found = find_matching_volume(claim, groups[modes], delay_binding=delay_binding)
        if found is not None:
            return found
    return None


def is_default_class(sc: Any) -> bool:
    ann = sc.metadata.annotations or {}
    return ann.get(ANN_DEFAULT_CLASS) == "true" or ann.get(ANN_BETA_DEFAULT_CLASS) == "true"


def default_class(classes: Iterable[Any]) -> Optional[Any]:
    """``GetDefaultClass``: of several default classes, the newest (then the name) wins."""
    defaults = [sc for sc in classes if is_default_class(sc)]
    if not defaults:
        return None
    return max(defaults, key=lambda sc: (sc.metadata.creation_timestamp or "", sc.metadata.name or ""))
