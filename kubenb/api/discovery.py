"""discovery.k8s.io/v1 EndpointSlice (k8s.io/api/discovery/v1/types.go), fields in Go order.

``endpoints`` and ``ports`` have no ``omitempty``: a Service without ready pods gets a slice
printing ``endpoints: null`` (and a headless one without ports ``ports: null``).
"""

from __future__ import annotations

from typing import ClassVar, Optional

from pydantic import Field

from kubenb.api.base import KubeModel, KubeObject
from kubenb.api.core import ObjectReference
from kubenb.api.meta import ObjectMeta
from kubenb.api.registry import register_model
from kubenb.api.types import GoModel


class EndpointConditions(KubeModel):
    ready: Optional[bool] = None
    serving: Optional[bool] = None
    terminating: Optional[bool] = None


class ForZone(KubeModel):
    name: str = ""


class ForNode(KubeModel):
    name: str = ""


class EndpointHints(KubeModel):
    for_zones: Optional[list[ForZone]] = None
    for_nodes: Optional[list[ForNode]] = None


class Endpoint(GoModel):
    GO_NULLS = ("addresses",)
    addresses: Optional[list[str]] = None
    conditions: EndpointConditions = Field(default_factory=EndpointConditions)  # `conditions: {}`
    hostname: Optional[str] = None
    target_ref: Optional[ObjectReference] = None
    deprecated_topology: Optional[dict[str, str]] = None
    node_name: Optional[str] = None
    zone: Optional[str] = None
    hints: Optional[EndpointHints] = None


class EndpointPort(KubeModel):
    name: Optional[str] = None
    protocol: Optional[str] = None
    port: Optional[int] = None
    app_protocol: Optional[str] = None


@register_model
class EndpointSlice(KubeObject, GoModel):
    API_VERSION: ClassVar[str] = "discovery.k8s.io/v1"
    KIND: ClassVar[str] = "EndpointSlice"
    GO_NULLS = ("endpoints", "ports")
    api_version: Optional[str] = None
    kind: Optional[str] = None
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    address_type: str = ""
    endpoints: Optional[list[Endpoint]] = None
    ports: Optional[list[EndpointPort]] = None
