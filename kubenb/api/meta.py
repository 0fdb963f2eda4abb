"""metav1: ObjectMeta, OwnerReference, ManagedFields, Status — what every object carries.

Timestamps are RFC 3339 strings in UTC with second precision (``2022-06-17T15:12:59Z``), exactly
as the API server writes them; :mod:`kubenb.sim.clock` makes them from simulated time.
"""

from __future__ import annotations

from typing import Any, Optional

from pydantic import model_serializer

from kubenb.api.base import KubeModel, Unstructured


class OwnerReference(KubeModel):
    api_version: str
    kind: str
    name: str
    uid: str
    controller: Optional[bool] = None
    block_owner_deletion: Optional[bool] = None


class ManagedFieldsEntry(KubeModel):
    manager: Optional[str] = None
    operation: Optional[str] = None
    api_version: Optional[str] = None
    time: Optional[str] = None
    fields_type: Optional[str] = None
    fields_v1: Optional[Unstructured] = None
    subresource: Optional[str] = None


class ObjectMeta(KubeModel):
    name: Optional[str] = None
    generate_name: Optional[str] = None
    namespace: Optional[str] = None
    self_link: Optional[str] = None
    uid: Optional[str] = None
    resource_version: Optional[str] = None
    generation: Optional[int] = None
    # metav1.Time is a non-pointer struct: Go prints `creationTimestamp: null` when unset.
    creation_timestamp: Optional[str] = None
    deletion_timestamp: Optional[str] = None
    deletion_grace_period_seconds: Optional[int] = None
    labels: Optional[dict[str, str]] = None
    annotations: Optional[dict[str, str]] = None
    owner_references: Optional[list[OwnerReference]] = None
    finalizers: Optional[list[str]] = None
    managed_fields: Optional[list[ManagedFieldsEntry]] = None

    @model_serializer(mode="wrap")
    def _always_creation_timestamp(self, handler: Any) -> Any:
        data = handler(self)
        if isinstance(data, dict) and "creationTimestamp" not in data:
            # keep Go's field order: creationTimestamp sits after generation.
            out: dict[str, Any] = {}
            for key in ("name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation"):
                if key in data:
                    out[key] = data.pop(key)
            out["creationTimestamp"] = None
            out.update(data)
            return out
        return data

    def controller_ref(self) -> Optional[OwnerReference]:
        """The owner reference with ``controller: true``, if any (``metav1.GetControllerOf``)."""
        for ref in self.owner_references or ():
            if ref.controller:
                return ref
        return None


class ListMeta(KubeModel):
    resource_version: Optional[str] = None
    continue_: Optional[str] = None
    remaining_item_count: Optional[int] = None


class LabelSelectorRequirement(KubeModel):
    key: str
    operator: str
    values: Optional[list[str]] = None


class LabelSelector(KubeModel):
    match_labels: Optional[dict[str, str]] = None
    match_expressions: Optional[list[LabelSelectorRequirement]] = None
