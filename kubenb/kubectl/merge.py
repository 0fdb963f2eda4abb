"""Client-side `kubectl apply`: the three-way strategic merge of last-applied, file and live object.

Fields the file sets win; fields the previous apply set but the file no longer does are
removed; everything else (defaults, fields set by controllers or by `kubectl scale`) is kept.
Lists of structs with a patch merge key (containers by `name`, ports by `containerPort`, …) are
merged item by item; other lists are replaced, as upstream's strategic merge patch does.
"""

from __future__ import annotations

import copy
import json
from typing import Any, Optional

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"

# (parent field, list field) -> merge key, from the `patchMergeKey` tags of k8s.io/api.
MERGE_KEYS: dict[str, str] = {
    "containers": "name", "initContainers": "name", "ephemeralContainers": "name", "volumes": "name",
    "env": "name", "volumeMounts": "mountPath", "volumeDevices": "devicePath", "imagePullSecrets": "name",
    "hostAliases": "ip", "topologySpreadConstraints": "topologyKey", "readinessGates": "conditionType",
    "ownerReferences": "uid", "conditions": "type", "tolerations": "key", "resourceClaims": "name",
}
# Lists whose merge key depends on the parent: container ports by containerPort, service ports by port.
_PORT_KEYS = {"containers": "containerPort", "initContainers": "containerPort", "spec": "port"}


def merge_key_of(key: str, parent: str) -> Optional[str]:
    """The merge key of the list `key` inside the field `parent` (None: the list is replaced whole)."""
    return MERGE_KEYS.get(key) or (_PORT_KEYS.get(parent) if key == "ports" else None)


def last_applied(manifest: dict[str, Any]) -> str:
    """The annotation value: the manifest without the annotation, compact JSON, sorted keys, newline."""
    data = copy.deepcopy(manifest)
    annotations = (data.get("metadata") or {}).get("annotations")
    if annotations and LAST_APPLIED in annotations:
        del annotations[LAST_APPLIED]
        if not annotations:
            del data["metadata"]["annotations"]
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"


def with_last_applied(manifest: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(manifest)
    meta = data.setdefault("metadata", {})
    meta["annotations"] = {**(meta.get("annotations") or {}), LAST_APPLIED: last_applied(manifest)}
    return data


def three_way(original: Optional[dict], modified: dict, current: dict) -> dict:
    return _merge_map(original or {}, modified, current, parent="")


def _merge_map(original: dict, modified: dict, current: dict, parent: str) -> dict:
    result = copy.deepcopy(current)
    for key, value in modified.items():
        result[key] = _merge_value(original.get(key), value, current.get(key), key, parent)
    for key in original:
        if key not in modified:
            result.pop(key, None)
    return result


def _merge_value(original: Any, modified: Any, current: Any, key: str, parent: str) -> Any:
    if isinstance(modified, dict) and isinstance(current, dict):
        return _merge_map(original if isinstance(original, dict) else {}, modified, current, key)
    if isinstance(modified, list) and isinstance(current, list):
        merge_key = merge_key_of(key, parent)
        if merge_key and all(isinstance(i, dict) and merge_key in i for i in modified + current):
            return _merge_list(original if isinstance(original, list) else [], modified, current, merge_key, key)
    return copy.deepcopy(modified)


def _merge_list(original: list, modified: list, current: list, merge_key: str, key: str) -> list:
    orig = {i[merge_key]: i for i in original if isinstance(i, dict) and merge_key in i}
    cur = {i[merge_key]: i for i in current}
    mod_keys = {i[merge_key] for i in modified}
    out = []
    for item in modified:
        k = item[merge_key]
        out.append(_merge_map(orig.get(k, {}), item, cur[k], key) if k in cur else copy.deepcopy(item))
    for item in current:
        k = item[merge_key]
        if k not in mod_keys and k not in orig:
            out.append(copy.deepcopy(item))
    return out
