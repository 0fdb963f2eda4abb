"""storage.k8s.io/v1 StorageClass (k8s.io/api/storage/v1/types.go).

StorageClass has no spec: its fields sit at the top level, after metadata.
"""

from __future__ import annotations

from typing import ClassVar, Optional

from pydantic import Field

from kubenb.api.base import KubeObject
from kubenb.api.core import TopologySelectorTerm
from kubenb.api.meta import ObjectMeta
from kubenb.api.registry import register_model


@register_model
class StorageClass(KubeObject):
    API_VERSION: ClassVar[str] = "storage.k8s.io/v1"
    KIND: ClassVar[str] = "StorageClass"
    api_version: Optional[str] = None
    kind: Optional[str] = None
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    provisioner: str = ""
    parameters: Optional[dict[str, str]] = None
    reclaim_policy: Optional[str] = None
    mount_options: Optional[list[str]] = None
    allow_volume_expansion: Optional[bool] = None
    volume_binding_mode: Optional[str] = None
    allowed_topologies: Optional[list[TopologySelectorTerm]] = None
