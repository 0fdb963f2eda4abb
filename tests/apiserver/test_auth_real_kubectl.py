"""`kubectl auth whoami`, `auth reconcile` and `describe clusterrole`: the real kubectl 1.32 against
the served cluster prints what kubenb's own kubectl prints in the kernel."""

from __future__ import annotations

import pytest
from served import needs_kubectl

pytestmark = needs_kubectl

ROLE = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: pod-reader
rules:
- apiGroups: [""]
  resources: ["pods", "pods/log"]
  verbs: ["get", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: read-pods
  namespace: reconciled
subjects:
- kind: User
  name: alice
  apiGroup: rbac.authorization.k8s.io
roleRef:
  kind: ClusterRole
  name: pod-reader
  apiGroup: rbac.authorization.k8s.io
---
apiVersion: v1
kind: ConfigMap
metadata: {name: skipped}
"""
# more rules and other subjects: an update, and with the --remove-extra-* flags a replacement
WIDER = (ROLE.replace('  verbs: ["get", "list"]\n',
                      '  verbs: ["get", "list"]\n- apiGroups: [""]\n  resources: ["services"]\n  verbs: ["watch"]\n'
                      '- nonResourceURLs: ["/metrics"]\n  verbs: ["get"]\n')
         .replace("  name: alice\n  apiGroup: rbac.authorization.k8s.io\n",
                  "  name: bob\n  apiGroup: rbac.authorization.k8s.io\n- kind: ServiceAccount\n  name: default\n"
                  "  namespace: reconciled\n"))
NARROWER = ROLE.replace('verbs: ["get", "list"]', 'verbs: ["get"]')


def same(cluster, kubectl, cmdline: str) -> None:
    real, ours = kubectl(cmdline, check=False), cluster.kubectl(cmdline)
    assert (real.stdout, real.stderr, real.returncode) == (ours.stdout, ours.stderr, ours.returncode), cmdline


@pytest.mark.parametrize("cmdline", [
    "auth whoami", "auth whoami --as=alice --as-group=devs", "auth whoami -o yaml", "auth whoami -o json",
    "auth whoami --as=system:serviceaccount:dev:bot",
])
def test_whoami(cluster, kubectl, cmdline):
    same(cluster, kubectl, cmdline)


@pytest.mark.parametrize("role", ["admin", "edit", "view", "system:discovery", "cluster-admin"])
def test_describe_cluster_role_lists_the_aggregated_rules(cluster, kubectl, role):
    same(cluster, kubectl, f"describe clusterrole {role}")
    assert kubectl(f"get clusterrole {role} -o yaml").stdout == cluster.kubectl(f"get clusterrole {role} -o yaml").stdout


def test_reconcile(cluster, kubectl, tmp_path):
    files = {}
    for name, text in (("role", ROLE), ("wider", WIDER), ("narrower", NARROWER)):
        files[name] = tmp_path / f"{name}.yaml"
        files[name].write_text(text)
    every = "--remove-extra-permissions --remove-extra-subjects"
    # each state is first reported by both (a dry run writes nothing), then the real kubectl writes it
    for name in ("role", "wider", "narrower"):
        for flags in ("", every):
            same(cluster, kubectl, f"auth reconcile -f {files[name]} --dry-run=client {flags}")
        real = kubectl(f"auth reconcile -f {files[name]}")
        assert real.stdout == ("clusterrole.rbac.authorization.k8s.io/pod-reader reconciled\n"
                               "rolebinding.rbac.authorization.k8s.io/read-pods reconciled\n")
    same(cluster, kubectl, f"auth reconcile -f {files['role']} --dry-run=client {every}")
    # kubenb's kubectl writes what the real one wrote
    served = cluster.kubectl("get clusterrole pod-reader -o yaml").stdout
    kubectl("delete clusterrole pod-reader")
    kubectl("delete rolebinding read-pods -n reconciled")
    for name in ("role", "wider", "narrower"):
        cluster.kubectl(f"auth reconcile -f {files[name]}")
    mine = cluster.kubectl("get clusterrole pod-reader -o yaml").stdout
    strip = lambda text: [ln for ln in text.splitlines() if not ln.startswith(("  creationTimestamp", "  resourceVersion", "  uid"))]  # noqa: E731
    assert strip(mine) == strip(served)
