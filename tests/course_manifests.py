"""Manifests of the course sections (verbatim from the course notes) and helpers."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from typing import Optional

# Health section: `nginx-pod-resources.yaml`
NGINX_POD_RESOURCES = """\
apiVersion: v1
kind: Pod
metadata:
  name: nginx-pod-resources

spec:
  containers:
  - name: nginx
    image: nginx:alpine
    resources:
      requests:
        cpu: 10m
        memory: 100Mi
      limits:
        cpu: 20m
        memory: 200Mi
"""

# Health section: the Pending demo -- the same pod asking for whole CPUs (reconstructed from its describe)
NGINX_POD_RESOURCES_TOO_BIG = NGINX_POD_RESOURCES.replace("cpu: 10m", "cpu: 10").replace("cpu: 20m", "cpu: 20")

# Health section: `nginx-probe-cm.yaml`
NGINX_PROBE_CM = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: nginx-conf

data:
  default.conf: |
    server {
      listen 80;
      location = /ready {
        return 200 'I am ready';
      }
    }
"""

# Health section: `nginx-pod-probe.yaml`; `.format(pid_file=..., liveness_port=...)` gives the
# section's pod (`/var/run/nginx.pid`, 80), its wrong startup probe (`/var/run/nginx.pidx`) and
# the course repository's deliberately broken liveness probe (port 8080)
NGINX_POD_PROBE = """\
apiVersion: v1
kind: Pod
metadata:
  name: nginx-pod-probe

spec:
  volumes:
  - name: nginx-conf-vol
    configMap:
      name: nginx-conf
  containers:
  - name: nginx
    image: nginx:alpine
    ports:
    - containerPort: 80
    volumeMounts:
    - name: nginx-conf-vol
      mountPath: /etc/nginx/conf.d

    startupProbe:
      periodSeconds: 1
      exec:
        command: ['cat', '{pid_file}']
    livenessProbe:
      periodSeconds: 10
      tcpSocket:
        port: {liveness_port}
    readinessProbe:
      periodSeconds: 5
      httpGet:
        port: 80
        path: /ready
"""

# §1.2 `nginx-deploy.yml` (Deployment section)
NGINX_DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deploy
  labels:
    app: nginx-deploy

spec:
  replicas: 2
  selector:
    matchLabels:
      app: nginx-deploy
  template:
    metadata:
      labels:
        app: nginx-deploy
    spec:
      containers:
      - name: nginx
        image: nginx:alpine
"""

# §9.2 `nginx-cm.yaml`, `nginx-deploy-v1.yaml`, `nginx-deploy-v2.yaml` (Rollout section)
NGINX_CM = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: nginx-conf

data:
  default.conf: |
    server {
      listen 80;
      location / {
        default_type text/plain;
        return 200
          'ver: $nginx_version\\nsrv: $server_addr:$server_port\\nhost: $hostname\\n';
      }
    }
"""

_DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deploy
{annotations}
spec:
{min_ready}  replicas: 4
  selector:
    matchLabels:
      app: nginx-deploy
  template:
    metadata:
      labels:
        app: nginx-deploy
    spec:
      volumes:
      - name: nginx-conf-vol
        configMap:
          name: nginx-conf
      containers:
      - name: nginx
        image: {image}
        ports:
        - containerPort: 80
        volumeMounts:
        - mountPath: /etc/nginx/conf.d
          name: nginx-conf-vol
"""


def deploy_v1(cause: Optional[str] = None) -> str:
    annotations = f"  annotations:\n    kubernetes.io/change-cause: {cause}\n" if cause else ""
    return _DEPLOY.format(annotations=annotations, min_ready="", image="nginx:1.21-alpine")


def deploy_v2(cause: Optional[str] = None) -> str:
    annotations = f"  annotations:\n    kubernetes.io/change-cause: {cause}\n" if cause else ""
    return _DEPLOY.format(annotations=annotations, min_ready="  minReadySeconds: 16\n", image="nginx:1.22-alpine")


def _find_kubectl() -> Optional[str]:
    """The machine's kubectl. The gcloud `kubectl` is a dispatcher that parses flags itself (its flag
    errors read `Error: unknown flag`); without a server it runs its default `kubectl.1.32` beside
    it, which is used directly when present."""
    found = shutil.which("kubectl")
    if found is None:
        return None
    beside = os.path.join(os.path.dirname(os.path.realpath(found)), "kubectl.1.32")
    return beside if os.path.exists(beside) else found


REAL_KUBECTL = _find_kubectl()


def real_kubectl(cmdline: str) -> Optional[subprocess.CompletedProcess]:
    """The machine's kubectl run with no server (for `--dry-run=client` outputs), or None."""
    if REAL_KUBECTL is None:
        return None
    env = {"PATH": os.environ.get("PATH", "/usr/bin"), "KUBECONFIG": "/nonexistent", "HOME": "/nonexistent"}
    return subprocess.run([REAL_KUBECTL, *shlex.split(cmdline)], capture_output=True, text=True, env=env, timeout=60)


def run(cluster, cmdline, stdin=None):
    """`cluster.kubectl(...)` returning (stdout, stderr, returncode)."""
    r = cluster.kubectl(cmdline, input=stdin)
    return r.stdout, r.stderr, r.returncode
