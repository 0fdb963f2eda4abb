"""networking.k8s.io/v1 models (k8s.io/api/networking/v1/types.go): Ingress, IngressClass,
NetworkPolicy, fields in Go order.

``pathType`` is a pointer without ``omitempty`` (``pathType: null`` when unset), and an Ingress
always prints ``status: {loadBalancer: {}}``.
"""

from __future__ import annotations

from typing import ClassVar, Optional

from pydantic import Field

from kubenb.api.base import KubeModel, KubeObject
from kubenb.api.core import TypedLocalObjectReference
from kubenb.api.meta import LabelSelector, ObjectMeta
from kubenb.api.registry import register_model
from kubenb.api.types import GoModel, IntOrString

# ---------------------------------------------------------------- Ingress


class ServiceBackendPort(KubeModel):
    name: Optional[str] = None
    number: Optional[int] = None


class IngressServiceBackend(KubeModel):
    name: str = ""
    port: ServiceBackendPort = Field(default_factory=ServiceBackendPort)


class IngressBackend(KubeModel):
    service: Optional[IngressServiceBackend] = None
    resource: Optional[TypedLocalObjectReference] = None


class HTTPIngressPath(GoModel):
    GO_NULLS = ("path_type",)
    path: Optional[str] = None
    path_type: Optional[str] = None
    backend: IngressBackend = Field(default_factory=IngressBackend)


class HTTPIngressRuleValue(GoModel):
    GO_NULLS = ("paths",)
    paths: Optional[list[HTTPIngressPath]] = None


class IngressRule(KubeModel):
    host: Optional[str] = None
    http: Optional[HTTPIngressRuleValue] = None  # inlined IngressRuleValue


class IngressTLS(KubeModel):
    hosts: Optional[list[str]] = None
    secret_name: Optional[str] = None


class IngressSpec(KubeModel):
    ingress_class_name: Optional[str] = None
    default_backend: Optional[IngressBackend] = None
    tls: Optional[list[IngressTLS]] = None
    rules: Optional[list[IngressRule]] = None


class IngressPortStatus(KubeModel):
    port: int = 0
    protocol: str = ""
    error: Optional[str] = None


class IngressLoadBalancerIngress(KubeModel):
    ip: Optional[str] = None
    hostname: Optional[str] = None
    ports: Optional[list[IngressPortStatus]] = None


class IngressLoadBalancerStatus(KubeModel):
    ingress: Optional[list[IngressLoadBalancerIngress]] = None


class IngressStatus(KubeModel):
    load_balancer: IngressLoadBalancerStatus = Field(default_factory=IngressLoadBalancerStatus)


@register_model
class Ingress(KubeObject):
    API_VERSION: ClassVar[str] = "networking.k8s.io/v1"
    KIND: ClassVar[str] = "Ingress"
    api_version: Optional[str] = None
    kind: Optional[str] = None
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: IngressSpec = Field(default_factory=IngressSpec)
    status: IngressStatus = Field(default_factory=IngressStatus)


# ---------------------------------------------------------------- IngressClass


class IngressClassParametersReference(GoModel):
    GO_NULLS = ("scope",)  # *string without omitempty
    api_group: Optional[str] = None
    kind: str = ""
    name: str = ""
    scope: Optional[str] = None
    namespace: Optional[str] = None


class IngressClassSpec(KubeModel):
    controller: Optional[str] = None
    parameters: Optional[IngressClassParametersReference] = None


@register_model
class IngressClass(KubeObject):
    API_VERSION: ClassVar[str] = "networking.k8s.io/v1"
    KIND: ClassVar[str] = "IngressClass"
    api_version: Optional[str] = None
    kind: Optional[str] = None
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: IngressClassSpec = Field(default_factory=IngressClassSpec)


# ---------------------------------------------------------------- NetworkPolicy


class NetworkPolicyPort(KubeModel):
    protocol: Optional[str] = None
    port: Optional[IntOrString] = None
    end_port: Optional[int] = None


class IPBlock(KubeModel):
    cidr: str = ""
    except_: Optional[list[str]] = None


class NetworkPolicyPeer(KubeModel):
    pod_selector: Optional[LabelSelector] = None
    namespace_selector: Optional[LabelSelector] = None
    ip_block: Optional[IPBlock] = None


class NetworkPolicyIngressRule(KubeModel):
    ports: Optional[list[NetworkPolicyPort]] = None
    from_: Optional[list[NetworkPolicyPeer]] = None


class NetworkPolicyEgressRule(KubeModel):
    ports: Optional[list[NetworkPolicyPort]] = None
    to: Optional[list[NetworkPolicyPeer]] = None


class NetworkPolicySpec(KubeModel):
    pod_selector: LabelSelector = Field(default_factory=LabelSelector)  # `podSelector: {}` selects all
    ingress: Optional[list[NetworkPolicyIngressRule]] = None
    egress: Optional[list[NetworkPolicyEgressRule]] = None
    policy_types: Optional[list[str]] = None


@register_model
class NetworkPolicy(KubeObject):
    API_VERSION: ClassVar[str] = "networking.k8s.io/v1"
    KIND: ClassVar[str] = "NetworkPolicy"
    api_version: Optional[str] = None
    kind: Optional[str] = None
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: NetworkPolicySpec = Field(default_factory=NetworkPolicySpec)
