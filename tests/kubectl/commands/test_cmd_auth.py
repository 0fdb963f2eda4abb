"""`kubectl auth can-i`: answers, exit codes, warnings and `--list`, with the NFS section's rbac.yaml."""

from __future__ import annotations

import pytest
from course_manifests import run
from storage.storage_manifests import RBAC

from kubenb import Cluster, kubectl

SA = "--as=system:serviceaccount:kube-system:nfs-client-provisioner"


@pytest.fixture
def nfs(course: Cluster) -> Cluster:
    assert run(course, "apply -f -", RBAC)[2] == 0
    return course


@pytest.mark.parametrize(("cmdline", "out", "err", "code"), [
    (f"auth can-i create persistentvolumes {SA}", "yes\n",
     "Warning: resource 'persistentvolumes' is not namespace scoped\n\n", 0),
    (f"auth can-i delete nodes {SA}", "no\n", "Warning: resource 'nodes' is not namespace scoped\n\n", 1),
    (f"auth can-i create pv -A {SA}", "yes\n", "", 0),
    (f"auth can-i list sc.storage.k8s.io {SA}", "yes\n",
     "Warning: resource 'storageclasses' is not namespace scoped in group 'storage.k8s.io'\n\n", 0),
    (f"auth can-i update endpoints -n kube-system {SA}", "yes\n", "", 0),
    (f"auth can-i update endpoints {SA}", "no\n", "", 1),  # the Role binds in kube-system only
    (f"auth can-i get pods {SA}", "no\n", "", 1),
    (f"auth can-i get pods -q {SA}", "", "", 1),
    ("auth can-i create persistentvolumes --as=system:serviceaccount:default:nfs-client-provisioner", "no\n",
     "Warning: resource 'persistentvolumes' is not namespace scoped\n\n", 1),
    ("auth can-i '*' '*'", "yes\n", "", 0),
    ("auth can-i delete nodes/x --subresource=status", "yes\n", "Warning: resource 'nodes' is not namespace scoped\n\n", 0),
    ("auth can-i get widgets", "yes\n", "Warning: the server doesn't have a resource type 'widgets'\n\n", 0),
    ("auth can-i impersonate users", "yes\n", "", 0),
    ("auth can-i frob pods", "yes\n", "Warning: verb 'frob' is not a known verb\n\n", 0),
    ("auth can-i get /healthz --as=alice", "yes\n", "", 0),  # system:public-info-viewer
    ("auth can-i get /metrics --as=alice", "no\n", "", 1),
    ("auth can-i list pods --as=alice", "no\n", "", 1),
    ("auth can-i get pods --as=alice --as-group=system:masters", "yes\n", "", 0),
    ("auth can-i get", "", "error: you must specify two arguments: verb resource or verb resource/resourceName.\n"
     "See 'kubectl auth can-i -h' for help and examples.\n", 1),
    ("auth can-i get /x --subresource=log", "", "error: --subresource can not be used with NonResourceURL\n", 1),
    ("auth can-i get pods --no-headers", "", "error: --no-headers cannot be set without --list specified\n", 1),
    ("auth can-i --list pods", "", "error: list option must be specified with no arguments\n", 1),
    ("auth can-i --list -A", "", "error: list option can't be specified with neither quiet, all-namespaces nor "
     "subresource options\n", 1),
])
def test_can_i(nfs, cmdline, out, err, code):
    assert run(nfs, cmdline) == (out, err, code)


def test_can_i_changes_nothing(nfs):
    before = nfs.store.resource_version  # kubectl.run itself lets no simulated time pass
    kubectl.run(nfs, f"auth can-i delete nodes {SA}")
    kubectl.run(nfs, f"auth can-i --list {SA}")
    assert nfs.store.resource_version == before


def test_list_breaks_down_compacts_and_sorts_like_kubectl(nfs):
    out, err, code = run(nfs, f"auth can-i --list -n kube-system {SA}")
    assert (err, code) == ("", 0)
    lines = out.splitlines()
    assert lines[0].split() == ["Resources", "Non-Resource", "URLs", "Resource", "Names", "Verbs"]
    rows = {line.split()[0]: line.split("]", 2)[2].strip() for line in lines[1:] if line.split()[0] != "["}
    assert rows["persistentvolumes"] == "[get list watch create delete]"
    assert rows["endpoints"] == "[get list watch create update patch]"
    assert rows["storageclasses.storage.k8s.io"] == "[get list watch]"
    # sorted by the rule's Go String(), whose first field is the verbs
    verbs = [line[line.rindex("["):] for line in lines[1:]]
    assert verbs == sorted(verbs, key=lambda v: "Verbs:" + v + ",")
    # without -n kube-system the Role's endpoints are not listed
    assert "endpoints " not in run(nfs, f"auth can-i --list --no-headers {SA}")[0]
