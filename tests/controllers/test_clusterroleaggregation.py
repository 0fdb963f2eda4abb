"""The ClusterRole aggregation controller fills aggregated roles with the rules their selectors pick."""

from __future__ import annotations

import pytest
import yaml

from kubenb.api import rbac_policy

RBAC = "rbac.authorization.k8s.io/v1"


def rules_of(cluster, name: str) -> list:
    return cluster.get("clusterrole", name).to_dict().get("rules")


def bootstrap_rules(minor: int, name: str) -> list:
    return next(d for d in rbac_policy.cluster_roles(minor) if d["metadata"]["name"] == name).get("rules") or []


def union(*rule_lists: list) -> list:
    out: list = []
    for rules in rule_lists:
        out += [r for r in rules if r not in out]
    return out


@pytest.mark.parametrize("profile", ["kubeadm", "course"])
def test_bootstrap_roles_hold_what_they_aggregate(profile, request):
    cluster = request.getfixturevalue("cluster" if profile == "kubeadm" else "course")
    minor = cluster.version.minor
    view = bootstrap_rules(minor, "system:aggregate-to-view")
    # the roles a selector picks come by name: `system:aggregate-to-edit` before `view`, `edit` before
    # `system:aggregate-to-admin`
    edit = union(bootstrap_rules(minor, "system:aggregate-to-edit"), view)
    admin = union(edit, bootstrap_rules(minor, "system:aggregate-to-admin"))
    assert rules_of(cluster, "view") == view
    assert rules_of(cluster, "edit") == edit
    assert rules_of(cluster, "admin") == admin
    assert "rules: null" not in cluster.kubectl("get clusterrole admin -o yaml").stdout


def test_a_settled_cluster_writes_nothing(cluster):
    before = {r.metadata.name: r.metadata.resource_version for r in cluster.store.list("ClusterRole")}
    cluster.advance(60)
    assert {r.metadata.name: r.metadata.resource_version for r in cluster.store.list("ClusterRole")} == before


EXTRA = {"apiVersion": RBAC, "kind": "ClusterRole",
         "metadata": {"name": "nodes-view", "labels": {"rbac.authorization.k8s.io/aggregate-to-view": "true"}},
         "rules": [{"apiGroups": [""], "resources": ["nodes"], "verbs": ["get", "list"]}]}
NODES = EXTRA["rules"][0]


def test_a_labelled_role_reaches_every_role_up_the_chain_and_leaves_with_it(cluster):
    assert cluster.kubectl("apply -f -", input=yaml.safe_dump(EXTRA)).returncode == 0
    for name in ("view", "edit", "admin"):
        assert NODES in rules_of(cluster, name), name
    changed = {**EXTRA, "rules": [{**NODES, "verbs": ["get"]}]}
    cluster.kubectl("apply -f -", input=yaml.safe_dump(changed))
    assert {**NODES, "verbs": ["get"]} in rules_of(cluster, "admin")
    assert NODES not in rules_of(cluster, "admin")
    cluster.kubectl("delete clusterrole nodes-view")
    assert all("nodes" not in r.get("resources", []) for r in rules_of(cluster, "admin"))
    assert rules_of(cluster, "view") == bootstrap_rules(cluster.version.minor, "system:aggregate-to-view")


def test_the_authorizer_grants_what_was_aggregated(cluster):
    bind = {"apiVersion": RBAC, "kind": "ClusterRoleBinding", "metadata": {"name": "v"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
            "subjects": [{"kind": "User", "name": "vera"}]}
    cluster.kubectl("apply -f -", input=yaml.safe_dump(bind))
    ask = "auth can-i list nodes --as=vera"
    assert cluster.kubectl(ask).stdout.startswith("no")
    cluster.kubectl("apply -f -", input=yaml.safe_dump(EXTRA))
    assert cluster.kubectl(ask).stdout == "yes\n"


def test_a_role_never_aggregates_itself_and_an_empty_match_stays_null(cluster):
    docs = [{"apiVersion": RBAC, "kind": "ClusterRole", "metadata": {"name": "selfish", "labels": {"team": "a"}},
             "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"team": "a"}}]}},
            {"apiVersion": RBAC, "kind": "ClusterRole", "metadata": {"name": "lonely"},
             "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"team": "nobody"}}]}}]
    cluster.kubectl("apply -f -", input=yaml.safe_dump_all(docs))
    assert rules_of(cluster, "selfish") is None
    assert rules_of(cluster, "lonely") is None
    part = {"apiVersion": RBAC, "kind": "ClusterRole", "metadata": {"name": "part", "labels": {"team": "a"}},
            "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]}
    cluster.kubectl("apply -f -", input=yaml.safe_dump(part))
    assert rules_of(cluster, "selfish") == part["rules"]
