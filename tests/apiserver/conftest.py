"""Fixtures for the HTTP façade: a served cluster, the real kubectl pointed at it, raw HTTPS requests.

Every kubectl run gets a private HOME, KUBECONFIG and --cache-dir, so no run sees another's
discovery cache or the developer's own clusters. Tests needing the real kubectl skip when it is absent.
"""

from __future__ import annotations

import pytest
from served import Kubectl

from kubenb import Cluster
from kubenb.apiserver import serve
from kubenb.apiserver.cli import at_present
from kubenb.profiles import get_profile


@pytest.fixture(scope="module")
def cluster() -> Cluster:
    """A cluster whose dates are today's (kubectl computes some ages from the machine's clock), frozen."""
    return Cluster(at_present(get_profile("kubeadm")), pace=0)


@pytest.fixture(scope="module")
def server(cluster):
    s = serve(cluster, speed=0)
    yield s
    s.stop()


@pytest.fixture(scope="module")
def kubectl(server, tmp_path_factory) -> Kubectl:
    return Kubectl(server, tmp_path_factory.mktemp("home"))


@pytest.fixture(scope="module")
def ca_file(server, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("tls") / "ca.crt"
    path.write_bytes(server.identity.certificate_pem)
    return str(path)
