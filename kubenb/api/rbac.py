"""rbac.authorization.k8s.io/v1 models (k8s.io/api/rbac/v1/types.go), fields in Go order.

``rules`` has no ``omitempty``: a Role or aggregated ClusterRole without rules prints
``rules: null``; ``roleRef.apiGroup`` always prints, even empty.
"""

from __future__ import annotations

from typing import ClassVar, Optional

from pydantic import Field

from kubenb.api.base import KubeModel, KubeObject
from kubenb.api.meta import LabelSelector, ObjectMeta
from kubenb.api.registry import register_model
from kubenb.api.types import GoModel


class PolicyRule(GoModel):
    GO_NULLS = ("verbs",)
    verbs: Optional[list[str]] = None
    api_groups: Optional[list[str]] = None
    resources: Optional[list[str]] = None
    resource_names: Optional[list[str]] = None
    non_resource_urls: Optional[list[str]] = Field(default=None, alias="nonResourceURLs")


class Subject(KubeModel):
    kind: str = ""
    api_group: Optional[str] = None
    name: str = ""
    namespace: Optional[str] = None


class RoleRef(KubeModel):
    api_group: str = ""
    kind: str = ""
    name: str = ""


class AggregationRule(KubeModel):
    cluster_role_selectors: Optional[list[LabelSelector]] = None


@register_model
class Role(KubeObject, GoModel):
    API_VERSION: ClassVar[str] = "rbac.authorization.k8s.io/v1"
    KIND: ClassVar[str] = "Role"
    GO_NULLS = ("rules",)
    api_version: Optional[str] = None
    kind: Optional[str] = None
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    rules: Optional[list[PolicyRule]] = None


@register_model
class ClusterRole(KubeObject, GoModel):
    API_VERSION: ClassVar[str] = "rbac.authorization.k8s.io/v1"
    KIND: ClassVar[str] = "ClusterRole"
    GO_NULLS = ("rules",)
    api_version: Optional[str] = None
    kind: Optional[str] = None
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    rules: Optional[list[PolicyRule]] = None
    aggregation_rule: Optional[AggregationRule] = None


@register_model
class RoleBinding(KubeObject):
    API_VERSION: ClassVar[str] = "rbac.authorization.k8s.io/v1"
    KIND: ClassVar[str] = "RoleBinding"
    api_version: Optional[str] = None
    kind: Optional[str] = None
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    subjects: Optional[list[Subject]] = None
    role_ref: RoleRef = Field(default_factory=RoleRef)


@register_model
class ClusterRoleBinding(KubeObject):
    API_VERSION: ClassVar[str] = "rbac.authorization.k8s.io/v1"
    KIND: ClassVar[str] = "ClusterRoleBinding"
    api_version: Optional[str] = None
    kind: Optional[str] = None
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    subjects: Optional[list[Subject]] = None
    role_ref: RoleRef = Field(default_factory=RoleRef)
