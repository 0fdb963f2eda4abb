"""The API server's bootstrap RBAC policy (``plugin/pkg/auth/authorizer/rbac/bootstrappolicy``).

The user-facing roles (`cluster-admin`, and the aggregated `admin`, `edit`, `view` with the
`system:aggregate-to-*` roles that feed them) and the roles every authenticated user is bound to
(`system:basic-user`, `system:discovery`, `system:public-info-viewer`), with their bindings, so
`kubectl auth can-i` answers as on a fresh kubeadm cluster. The aggregated roles are written as the
API server writes them (`rules: null`); the ClusterRole aggregation controller then fills them.

The rules are those of upstream's ``bootstrappolicy/testdata/cluster-roles.yaml`` at commit
025f2834a128798cef30018a5e6a6ae82b5ad885 (SelfSubjectReview GA, so v1.28 or later). No v1.23 copy
was at hand, so v1.23 gets the same admin/edit/view rules; only `system:basic-user`'s
`selfsubjectreviews` rule is known to come with v1.28.
"""

from __future__ import annotations

from typing import Any

RBAC = "rbac.authorization.k8s.io/v1"
RW = ["create", "delete", "deletecollection", "patch", "update"]
RO = ["get", "list", "watch"]


def _rule(groups: list[str], resources: list[str], verbs: list[str]) -> dict[str, Any]:
    return {"apiGroups": groups, "resources": resources, "verbs": verbs}


def _meta(name: str, **labels: str) -> dict[str, Any]:
    return {"name": name, "annotations": {"rbac.authorization.kubernetes.io/autoupdate": "true"},
            "labels": {"kubernetes.io/bootstrapping": "rbac-defaults", **labels}}


def _aggregated(name: str, into: str, feeds: str = "") -> dict[str, Any]:
    labels = {f"rbac.authorization.k8s.io/aggregate-to-{feeds}": "true"} if feeds else {}
    return {"apiVersion": RBAC, "kind": "ClusterRole", "metadata": _meta(name, **labels),
            "aggregationRule": {"clusterRoleSelectors": [
                {"matchLabels": {f"rbac.authorization.k8s.io/aggregate-to-{into}": "true"}}]}}


def _role(name: str, rules: list[dict[str, Any]], feeds: str = "") -> dict[str, Any]:
    labels = {f"rbac.authorization.k8s.io/aggregate-to-{feeds}": "true"} if feeds else {}
    return {"apiVersion": RBAC, "kind": "ClusterRole", "metadata": _meta(name, **labels), "rules": rules}


def _binding(name: str, role: str, *groups: str) -> dict[str, Any]:
    return {"apiVersion": RBAC, "kind": "ClusterRoleBinding", "metadata": _meta(name),
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
            "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": g} for g in groups]}


def cluster_roles(minor: int) -> list[dict[str, Any]]:
    """The ClusterRoles, by name as the API server lists them."""
    basic_user = [_rule(["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"], ["create"])]
    if minor >= 28:  # SelfSubjectReview (`kubectl auth whoami`) is GA
        basic_user.append(_rule(["authentication.k8s.io"], ["selfsubjectreviews"], ["create"]))
    pods_sub = ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy"]
    edit = [
        _rule([""], [*pods_sub, "secrets", "services/proxy"], RO),
        _rule([""], ["serviceaccounts"], ["impersonate"]),
        _rule([""], ["pods", *pods_sub], RW),
        _rule([""], ["pods/eviction"], ["create"]),
        _rule([""], ["configmaps", "events", "persistentvolumeclaims", "replicationcontrollers",
                     "replicationcontrollers/scale", "secrets", "serviceaccounts", "services", "services/proxy"], RW),
        _rule([""], ["serviceaccounts/token"], ["create"]),
        _rule(["apps"], ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets",
                         "replicasets/scale", "statefulsets", "statefulsets/scale"], RW),
        _rule(["autoscaling"], ["horizontalpodautoscalers"], RW),
        _rule(["batch"], ["cronjobs", "jobs"], RW),
        _rule(["extensions"], ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "ingresses",
                               "networkpolicies", "replicasets", "replicasets/scale", "replicationcontrollers/scale"], RW),
        _rule(["policy"], ["poddisruptionbudgets"], RW),
        _rule(["networking.k8s.io"], ["ingresses", "networkpolicies"], RW),
        _rule(["coordination.k8s.io"], ["leases"], ["create", "delete", "deletecollection", "get", "list", "patch",
                                                    "update", "watch"]),
    ]
    view = [
        _rule([""], ["configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods",
                     "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services",
                     "services/status"], RO),
        _rule([""], ["bindings", "events", "limitranges", "namespaces/status", "pods/log", "pods/status",
                     "replicationcontrollers/status", "resourcequotas", "resourcequotas/status"], RO),
        _rule([""], ["namespaces"], RO),
        _rule(["discovery.k8s.io"], ["endpointslices"], RO),
        _rule(["apps"], ["controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale",
                         "deployments/status", "replicasets", "replicasets/scale", "replicasets/status",
                         "statefulsets", "statefulsets/scale", "statefulsets/status"], RO),
        _rule(["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"], RO),
        _rule(["batch"], ["cronjobs", "cronjobs/status", "jobs", "jobs/status"], RO),
        _rule(["extensions"], ["daemonsets", "daemonsets/status", "deployments", "deployments/scale",
                               "deployments/status", "ingresses", "ingresses/status", "networkpolicies", "replicasets",
                               "replicasets/scale", "replicasets/status", "replicationcontrollers/scale"], RO),
        _rule(["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"], RO),
        _rule(["networking.k8s.io"], ["ingresses", "ingresses/status", "networkpolicies"], RO),
    ]
    public_urls = ["/healthz", "/livez", "/readyz", "/version", "/version/"]
    return [
        _aggregated("admin", "admin"),
        _role("cluster-admin", [_rule(["*"], ["*"], ["*"]), {"nonResourceURLs": ["*"], "verbs": ["*"]}]),
        _aggregated("edit", "edit", feeds="admin"),
        _role("system:aggregate-to-admin", [
            _rule(["authorization.k8s.io"], ["localsubjectaccessreviews"], ["create"]),
            _rule(["rbac.authorization.k8s.io"], ["rolebindings", "roles"], sorted([*RW, *RO]))], feeds="admin"),
        _role("system:aggregate-to-edit", edit, feeds="edit"),
        _role("system:aggregate-to-view", view, feeds="view"),
        _role("system:basic-user", basic_user),
        _role("system:discovery", [{"nonResourceURLs": ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez",
                                                        "/openapi", "/openapi/*", "/readyz", "/version", "/version/"],
                                    "verbs": ["get"]}]),
        _role("system:public-info-viewer", [{"nonResourceURLs": public_urls, "verbs": ["get"]}]),
        _aggregated("view", "view", feeds="edit"),
    ]


def cluster_role_bindings() -> list[dict[str, Any]]:
    return [
        _binding("cluster-admin", "cluster-admin", "system:masters"),
        _binding("system:basic-user", "system:basic-user", "system:authenticated"),
        _binding("system:discovery", "system:discovery", "system:authenticated"),
        _binding("system:public-info-viewer", "system:public-info-viewer", "system:authenticated",
                 "system:unauthenticated"),
    ]
