"""What the façade's tests share: the real kubectl with a private HOME and caches, and the manifests.

(A module of its own, not the conftest: the suite has several `conftest` modules, so a test
importing names from "conftest" may get another directory's.)
"""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import pytest

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
