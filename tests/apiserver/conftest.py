"""Fixtures for the HTTP façade: a served cluster, the real kubectl pointed at it, raw HTTPS requests.

Every kubectl run gets a private HOME, KUBECONFIG and --cache-dir, so no run sees another's
discovery cache or the developer's own clusters. Tests needing the real kubectl skip when it is absent.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import pytest

from kubenb import Cluster
from kubenb.apiserver import serve
from kubenb.apiserver.cli import at_present
from kubenb.profiles import get_profile

KUBECTL = "/usr/bin/kubectl"
needs_kubectl = pytest.mark.skipif(not os.path.exists(KUBECTL), reason="the real kubectl is not installed")

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports: [{containerPort: 80}]
"""
SERVICE = """\
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 80}]
"""


class Kubectl:
    """The real kubectl against one server, with its own HOME and caches."""

    def __init__(self, server, home: Path) -> None:
        self.server = server
        self.home = home
        self.env = {**os.environ, "HOME": str(home), "KUBECONFIG": server.kubeconfig}

    def __call__(self, cmdline: str, input: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
        argv = [KUBECTL, f"--cache-dir={self.home / 'cache'}", *shlex.split(cmdline)]
        result = subprocess.run(argv, env=self.env, input=input, capture_output=True, text=True, timeout=60)
        if check and result.returncode:
            raise AssertionError(f"kubectl {cmdline} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
        return result


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
