"""`kubectl auth whoami` by version, `kubectl auth` itself, and what `auth reconcile` does beyond the
cases compared with the real kubectl (tests/apiserver/test_auth_real_kubectl.py)."""

from __future__ import annotations

import pytest
import yaml
from course_manifests import run

RBAC = "rbac.authorization.k8s.io/v1"
REF = {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"}


def test_whoami_is_unknown_to_kubectl_1_23(course):
    assert run(course, "auth whoami") == ("", "error: unknown command \"whoami\"\nSee 'kubectl auth -h' for help and "
                                              "examples\n", 1)


def test_whoami_answers_on_1_32(cluster):
    out, err, code = run(cluster, "auth whoami --as=system:serviceaccount:dev:bot")
    assert (out, err, code) == ("ATTRIBUTE   VALUE\nUsername    system:serviceaccount:dev:bot\n"
                                "Groups      [system:serviceaccounts system:serviceaccounts:dev system:authenticated]\n",
                                "", 0)


def test_whoami_is_forbidden_without_the_basic_user_binding(cluster):
    cluster.kubectl("delete clusterrolebinding system:basic-user")
    assert run(cluster, "auth whoami --as=alice")[1:] == (
        "error: the selfsubjectreviews API is not enabled in the cluster or you do not have permission to call it\n", 1)
    assert run(cluster, "auth whoami")[2] == 0  # system:masters


@pytest.mark.parametrize("profile", ["course", "cluster"])
def test_bare_auth_prints_its_help_on_stderr_and_fails(profile, request):
    out, err, code = run(request.getfixturevalue(profile), "auth")
    assert (out, code) == ("", 1)
    assert err.startswith("Inspect authorization")
    assert ("  whoami " in err) is (profile == "cluster")


def test_sibling_flags_are_rejected(cluster):
    assert run(cluster, "auth whoami -f x.yaml")[1].startswith("error: unknown flag: --filename")


def reconcile(cluster, *docs, flags=""):
    return run(cluster, f"auth reconcile -f - {flags}".strip(), yaml.safe_dump_all(docs))


def binding(name, ref, *users, ns="default"):
    return {"apiVersion": RBAC, "kind": "RoleBinding", "metadata": {"name": name, "namespace": ns}, "roleRef": ref,
            "subjects": [{"kind": "User", "name": u, "apiGroup": "rbac.authorization.k8s.io"} for u in users]}


def test_a_changed_role_ref_recreates_the_binding(cluster):
    reconcile(cluster, binding("b", REF, "alice"))
    uid = cluster.get("rolebinding", "b").metadata.uid
    out, err, code = reconcile(cluster, binding("b", {**REF, "name": "edit"}, "bob"))
    assert (out, err, code) == ("rolebinding.rbac.authorization.k8s.io/b reconciled\n",
                                "\treconciliation required recreate\n", 0)
    new = cluster.get("rolebinding", "b")
    assert new.metadata.uid != uid and new.role_ref.name == "edit" and [s.name for s in new.subjects] == ["bob"]


def test_an_opted_out_object_is_reported_and_left_alone(cluster):
    role = {"apiVersion": RBAC, "kind": "ClusterRole",
            "metadata": {"name": "frozen", "annotations": {"rbac.authorization.kubernetes.io/autoupdate": "false"}},
            "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]}
    reconcile(cluster, role)
    wider = {**role, "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]}]}
    out, err, code = reconcile(cluster, wider)
    assert err == ("\treconciliation required update, but object opted out "
                   "(rbac.authorization.kubernetes.io/autoupdate: false)\n\tmissing rules added:\n"
                   "\t\t{Verbs:[list] APIGroups:[] Resources:[pods] ResourceNames:[] NonResourceURLs:[]}\n")
    assert cluster.get("clusterrole", "frozen").to_dict()["rules"] == role["rules"]


def test_the_namespace_of_a_new_binding_is_created(cluster):
    out, _, code = reconcile(cluster, binding("b", REF, "alice", ns="fresh"))
    assert (out, code) == ("rolebinding.rbac.authorization.k8s.io/b reconciled\n", 0)
    assert cluster.get("namespace", "fresh") is not None


def test_other_versions_fail_and_other_kinds_are_skipped(cluster):
    beta = {**binding("b", REF, "alice"), "apiVersion": "rbac.authorization.k8s.io/v1beta1"}
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}
    out, err, code = reconcile(cluster, cm, beta)
    assert (out, err, code) == ("", "error: only rbac.authorization.k8s.io/v1 is supported: not *v1beta1.RoleBinding\n", 1)
    assert cluster.store.try_get("RoleBinding", "default", "b") is None
    assert cluster.store.try_get("ConfigMap", "default", "c") is None


def test_reconcile_needs_a_file_and_no_arguments(cluster):
    assert run(cluster, "auth reconcile") == ("", "error: must specify one of -f and -k\n", 1)
    assert run(cluster, "auth reconcile x -f -", "")[1] == "error: no arguments are allowed\n"


def test_aggregated_roles_gain_selectors_not_rules(cluster):
    agg = {"apiVersion": RBAC, "kind": "ClusterRole", "metadata": {"name": "agg"},
           "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"a": "1"}}]}}
    reconcile(cluster, agg)
    more = {**agg, "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"b": "2"}}]}}
    out, err, _ = reconcile(cluster, more)
    assert err == "\treconciliation required update\n"
    selectors = cluster.get("clusterrole", "agg").to_dict()["aggregationRule"]["clusterRoleSelectors"]
    assert selectors == [{"matchLabels": {"a": "1"}}, {"matchLabels": {"b": "2"}}]
    reconcile(cluster, more, flags="--remove-extra-permissions")
    assert cluster.get("clusterrole", "agg").to_dict()["aggregationRule"]["clusterRoleSelectors"] == [
        {"matchLabels": {"b": "2"}}]


def test_describe_role(cluster):
    role = {"apiVersion": RBAC, "kind": "Role", "metadata": {"name": "r", "namespace": "default", "labels": {"x": "y"}},
            "rules": [{"apiGroups": ["", "apps"], "resources": ["pods", "deployments/scale"], "verbs": ["get", "list"]},
                      {"apiGroups": [""], "resources": ["secrets"], "resourceNames": ["a", "b"], "verbs": ["get"]}]}
    reconcile(cluster, role)
    assert run(cluster, "describe role r")[0] == (
        "Name:         r\nLabels:       x=y\nAnnotations:  <none>\nPolicyRule:\n"
        "  Resources               Non-Resource URLs  Resource Names  Verbs\n"
        "  ---------               -----------------  --------------  -----\n"
        "  deployments/scale       []                 []              [get list]\n"
        "  pods                    []                 []              [get list]\n"
        "  deployments.apps/scale  []                 []              [get list]\n"
        "  pods.apps               []                 []              [get list]\n"
        "  secrets                 []                 [a]             [get]\n"
        "  secrets                 []                 [b]             [get]\n")
