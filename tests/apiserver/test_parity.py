"""Parity: for course scenarios, the real kubectl through the façade prints exactly what kubenb's own
kubectl prints (`get … -o wide`, `describe`), for every kind the course uses: deploy, rs, pod, svc,
ep, ing, pv, pvc, sts, ds, node, sc.

kubectl computes some ages itself from the machine's clock (describe's events, a node's pods), so
the cluster's clock is aligned with the wall clock and follows it (`speed=1`), and the scenario is
set twelve and a half minutes in the past: every age is then a whole number of minutes or more,
far from a rounding boundary. (Not so the claims a StatefulSet waits on: their "waiting for a volume"
event repeats every few seconds, so their describe is left out.)
"""

from __future__ import annotations

import time

import pytest
from network.net_manifests import NGINX_ING
from served import DEPLOYMENT, SERVICE, Kubectl, needs_kubectl
from storage.storage_manifests import CLASS, PV, PVC, REDIS_PV_STS, REDIS_PV_STS_SVC

from kubenb import Cluster
from kubenb.apiserver import serve
from kubenb.apiserver.cli import at_present
from kubenb.profiles import get_profile

pytestmark = needs_kubectl
AGO = 750.0


@pytest.fixture(scope="module")
def aligned(tmp_path_factory):
    cluster = Cluster(at_present(get_profile("kubeadm"), now=time.time() - AGO), pace=0)
    cluster.apply(DEPLOYMENT + "---\n" + SERVICE)
    for manifest in (PV, PVC, CLASS, REDIS_PV_STS, REDIS_PV_STS_SVC, NGINX_ING):  # §6–§8 and the ingress
        cluster.apply(manifest)
    cluster.advance(time.time() - cluster.clock.now)
    server = serve(cluster, speed=1)
    yield cluster, Kubectl(server, tmp_path_factory.mktemp("home"))
    server.stop()


@pytest.mark.parametrize("cmdline", [
    "get deploy,rs,pods,svc,ep -o wide", "get nodes -o wide", "get ing,pv,pvc,sc -o wide", "get sts,ds -A -o wide",
    "describe deploy web", "describe svc web", "describe rs", "describe node worker-1", "describe pods -l app=web",
    "describe ep web", "describe ing nginx-ing", "describe pv", "describe pvc host-5m-pvc", "describe sts redis-pv-sts",
    "describe ds -n kube-system", "describe sc",
])
def test_real_kubectl_prints_what_kubenb_prints(aligned, cmdline):
    cluster, kubectl = aligned
    assert kubectl(cmdline).stdout == cluster.kubectl(cmdline).stdout
