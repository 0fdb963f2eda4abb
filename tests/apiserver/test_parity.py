"""Parity: for course scenarios, the real kubectl through the façade prints exactly what kubenb's own
kubectl prints (`get … -o wide`, `describe`).

kubectl computes some ages itself from the machine's clock (describe's events, a node's pods), so
the cluster's clock is aligned with the wall clock and follows it (`speed=1`), and the scenario is
set twelve and a half minutes in the past: every age is then a whole number of minutes or more,
far from a rounding boundary.
"""

from __future__ import annotations

import time

import pytest
from served import DEPLOYMENT, SERVICE, Kubectl, needs_kubectl

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
    cluster.advance(time.time() - cluster.clock.now)
    server = serve(cluster, speed=1)
    yield cluster, Kubectl(server, tmp_path_factory.mktemp("home"))
    server.stop()


@pytest.mark.parametrize("cmdline", [
    "get deploy,rs,pods,svc -o wide", "get nodes -o wide", "describe deploy web", "describe svc web",
    "describe rs", "describe node worker-1", "describe pods -l app=web",
])
def test_real_kubectl_prints_what_kubenb_prints(aligned, cmdline):
    cluster, kubectl = aligned
    assert kubectl(cmdline).stdout == cluster.kubectl(cmdline).stdout
