"""The RBAC authorizer: rule matching, subjects, role references and aggregation, as upstream's."""

from __future__ import annotations

import pytest
import yaml

from kubenb import Cluster
from kubenb.api.rbac import PolicyRule
from kubenb.store.authorizer import Attributes, Authorizer, User, rule_allows

RBAC = "rbac.authorization.k8s.io/v1"


def rule(**kw) -> PolicyRule:
    return PolicyRule.model_validate(kw)


@pytest.mark.parametrize(("r", "attrs", "allowed"), [
    (rule(verbs=["get"], apiGroups=[""], resources=["pods"]), Attributes("get", resource="pods"), True),
    (rule(verbs=["get"], apiGroups=[""], resources=["pods"]), Attributes("list", resource="pods"), False),
    (rule(verbs=["get"], apiGroups=["apps"], resources=["pods"]), Attributes("get", resource="pods"), False),
    (rule(verbs=["*"], apiGroups=["*"], resources=["*"]), Attributes("delete", group="apps", resource="x"), True),
    # a subresource needs its own rule, or `*/sub`
    (rule(verbs=["get"], apiGroups=[""], resources=["pods"]), Attributes("get", resource="pods", subresource="log"), False),
    (rule(verbs=["get"], apiGroups=[""], resources=["pods/log"]),
     Attributes("get", resource="pods", subresource="log"), True),
    (rule(verbs=["get"], apiGroups=[""], resources=["*/log"]), Attributes("get", resource="pods", subresource="log"), True),
    (rule(verbs=["get"], apiGroups=[""], resources=["*/log"]), Attributes("get", resource="pods"), False),
    (rule(verbs=["get"], apiGroups=[""], resources=["pods"], resourceNames=["a"]), Attributes("get", resource="pods", name="a"), True),
    (rule(verbs=["get"], apiGroups=[""], resources=["pods"], resourceNames=["a"]), Attributes("get", resource="pods", name="b"), False),
    (rule(verbs=["get"], apiGroups=[""], resources=["pods"], resourceNames=["a"]), Attributes("list", resource="pods"), False),
    (rule(verbs=["get"], nonResourceURLs=["/healthz"]), Attributes("get", path="/healthz"), True),
    (rule(verbs=["get"], nonResourceURLs=["/api/*"]), Attributes("get", path="/api/v1"), True),
    (rule(verbs=["get"], nonResourceURLs=["/api/*"]), Attributes("get", path="/apis"), False),
    (rule(verbs=["get"], nonResourceURLs=["*"]), Attributes("post", path="/x"), False),
    (rule(verbs=["get"], apiGroups=[""], resources=["pods"]), Attributes("get", path="/pods"), False),
])
def test_rule_allows(r, attrs, allowed):
    assert rule_allows(attrs, r) is allowed


def test_service_account_users_get_their_groups():
    sa = User.authenticated("system:serviceaccount:dev:bot")
    assert sa.groups == ("system:serviceaccounts", "system:serviceaccounts:dev", "system:authenticated")
    assert User.authenticated("alice", ["ops"]).groups == ("ops", "system:authenticated")
    assert User.authenticated("system:anonymous").groups == ()


@pytest.fixture
def rbac_cluster() -> Cluster:
    c = Cluster()
    c.kubectl("create namespace dev")
    docs = [
        {"apiVersion": RBAC, "kind": "ClusterRole", "metadata": {"name": "pod-reader"},
         "rules": [{"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "list"]}]},
        {"apiVersion": RBAC, "kind": "ClusterRole", "metadata": {"name": "agg"},
         "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"agg": "yes"}}]}},
        {"apiVersion": RBAC, "kind": "ClusterRole", "metadata": {"name": "part", "labels": {"agg": "yes"}},
         "rules": [{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["create"]}]},
        {"apiVersion": RBAC, "kind": "RoleBinding", "metadata": {"name": "readers", "namespace": "dev"},
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "pod-reader"},
         "subjects": [{"kind": "Group", "name": "readers"}, {"kind": "ServiceAccount", "name": "bot"}]},
        {"apiVersion": RBAC, "kind": "ClusterRoleBinding", "metadata": {"name": "agg"},
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "agg"},
         "subjects": [{"kind": "User", "name": "alice"}]},
        {"apiVersion": RBAC, "kind": "ClusterRoleBinding", "metadata": {"name": "dangling"},
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "gone"},
         "subjects": [{"kind": "User", "name": "carol"}]},
    ]
    r = c.kubectl("apply -f -", input=yaml.safe_dump_all(docs))
    assert r.returncode == 0, r.stderr
    return c


def test_bindings_reach_their_subjects(rbac_cluster):
    auth = Authorizer(rbac_cluster.store)
    reader = User.authenticated("bob", ["readers"])
    assert auth.authorize(reader, Attributes("list", namespace="dev", resource="pods")).allowed
    assert not auth.authorize(reader, Attributes("list", namespace="default", resource="pods")).allowed
    assert not auth.authorize(reader, Attributes("delete", namespace="dev", resource="pods")).allowed
    # a ServiceAccount subject without a namespace means the binding's own
    bot = User.authenticated("system:serviceaccount:dev:bot")
    assert auth.authorize(bot, Attributes("get", namespace="dev", resource="pods", subresource="log")).allowed
    other_bot = User.authenticated("system:serviceaccount:default:bot")
    assert not auth.authorize(other_bot, Attributes("get", namespace="dev", resource="pods")).allowed


def test_aggregated_cluster_roles_take_the_selected_rules(rbac_cluster):
    auth = Authorizer(rbac_cluster.store)
    alice = User.authenticated("alice")
    decision = auth.authorize(alice, Attributes("create", namespace="x", group="apps", resource="deployments"))
    assert decision.allowed
    assert decision.reason == 'RBAC: allowed by ClusterRoleBinding "agg" of ClusterRole "agg" to User "alice"'
    assert not auth.authorize(alice, Attributes("create", namespace="x", resource="pods")).allowed


def test_a_missing_role_is_the_denial_reason(rbac_cluster):
    decision = Authorizer(rbac_cluster.store).authorize(User.authenticated("carol"), Attributes("get", resource="pods"))
    assert not decision.allowed
    assert decision.reason == 'RBAC: clusterrole.rbac.authorization.k8s.io "gone" not found'


def test_masters_may_do_anything(rbac_cluster):
    admin = User.authenticated("kubernetes-admin", ["system:masters"])
    assert Authorizer(rbac_cluster.store).authorize(admin, Attributes("escalate", resource="anything")).allowed


@pytest.mark.parametrize(("role", "attrs", "allowed"), [
    ("view", Attributes("get", namespace="dev", resource="pods", subresource="log"), True),
    ("view", Attributes("get", namespace="dev", resource="secrets"), False),
    ("view", Attributes("create", namespace="dev", group="apps", resource="deployments"), False),
    ("edit", Attributes("create", namespace="dev", group="apps", resource="deployments"), True),
    ("edit", Attributes("list", namespace="dev", resource="pods"), True),  # through view
    ("edit", Attributes("create", namespace="dev", group="rbac.authorization.k8s.io", resource="roles"), False),
    ("admin", Attributes("create", namespace="dev", group="rbac.authorization.k8s.io", resource="roles"), True),
    ("admin", Attributes("get", namespace="dev", resource="configmaps"), True),  # through edit, then view
    ("admin", Attributes("delete", resource="nodes"), False),
])
def test_bootstrap_roles_aggregate_as_upstream(cluster, role, attrs, allowed):
    ref = {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role}
    docs = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}},
            {"apiVersion": RBAC, "kind": "RoleBinding", "metadata": {"name": "r", "namespace": "dev"}, "roleRef": ref,
             "subjects": [{"kind": "User", "name": "dana"}]},
            {"apiVersion": RBAC, "kind": "ClusterRoleBinding", "metadata": {"name": "r"}, "roleRef": ref,
             "subjects": [{"kind": "User", "name": "erin"}]}]
    assert cluster.kubectl("apply -f -", input=yaml.safe_dump_all(docs)).returncode == 0
    user = "dana" if attrs.namespace else "erin"
    assert Authorizer(cluster.store).authorize(User.authenticated(user), attrs).allowed is allowed


def test_every_authenticated_user_may_discover(cluster):
    auth = Authorizer(cluster.store)
    anyone = User.authenticated("nobody")
    assert auth.authorize(anyone, Attributes("get", path="/api/v1")).allowed
    assert auth.authorize(anyone, Attributes("create", group="authorization.k8s.io",
                                             resource="selfsubjectaccessreviews")).allowed
    assert not auth.authorize(anyone, Attributes("get", path="/metrics")).allowed
