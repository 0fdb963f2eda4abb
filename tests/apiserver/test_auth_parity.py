"""`kubectl auth can-i` through the façade: the real kubectl (SelfSubjectAccessReview and
SelfSubjectRulesReview, `--as` as impersonation headers) prints what kubenb's kubectl prints."""

from __future__ import annotations

import pytest
from served import Kubectl, needs_kubectl
from storage.storage_manifests import RBAC

from kubenb import Cluster
from kubenb.apiserver import serve

pytestmark = needs_kubectl
SA = "--as=system:serviceaccount:kube-system:nfs-client-provisioner"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    cluster = Cluster("kubeadm", pace=0)
    cluster.apply(RBAC)
    server = serve(cluster, speed=0)
    yield cluster, Kubectl(server, tmp_path_factory.mktemp("home"))
    server.stop()


@pytest.mark.parametrize("cmdline", [
    f"auth can-i create persistentvolumes {SA}", f"auth can-i delete nodes {SA}",
    f"auth can-i update endpoints -n kube-system {SA}", f"auth can-i update endpoints {SA}",
    f"auth can-i --list -n kube-system {SA}", f"auth can-i list sc.storage.k8s.io {SA}",
    "auth can-i get pods --as=alice", "auth can-i get pods --as=alice --as-group=system:masters",
    "auth can-i get /healthz --as=alice", "auth can-i delete nodes -A", "auth can-i get widgets",
])
def test_real_kubectl_answers_what_kubenb_answers(served, cmdline):
    cluster, kubectl = served
    real = kubectl(cmdline, check=False)
    ours = cluster.kubectl(cmdline)
    assert (ours.stdout, ours.stderr, ours.returncode) == (real.stdout, real.stderr, real.returncode)
