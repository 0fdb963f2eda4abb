"""The ways to start a server: `serve()`, `kubenb serve`, `%kserve` — and the clock that follows the wall."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from served import KUBECTL, needs_kubectl

from kubenb import Cluster
from kubenb.apiserver import serve


def test_time_follows_the_wall_clock_at_speed():
    cluster = Cluster(pace=0)
    start = cluster.clock.now
    with serve(cluster, speed=100) as server:
        time.sleep(0.5)
        assert server.url.startswith("https://127.0.0.1:")
        assert 30 <= cluster.clock.now - start <= 200
    kubeconfig = server.kubeconfig
    assert not os.path.exists(kubeconfig)  # a generated kubeconfig goes with its server


@needs_kubectl
def test_cluster_serve_returns_the_running_server(tmp_path):
    cluster = Cluster(pace=0)
    cluster.kubectl("create deployment web --image=nginx:alpine --replicas=2")
    kubeconfig = tmp_path / "kubeconfig"
    server = cluster.serve(speed=0, kubeconfig=kubeconfig)
    try:
        assert (server.cluster, server.kubeconfig, server.speed) == (cluster, str(kubeconfig), 0)
        env = {**os.environ, "HOME": str(tmp_path), "KUBECONFIG": server.kubeconfig}
        out = subprocess.run([KUBECTL, f"--cache-dir={tmp_path}/cache", "get", "deploy", "-o", "name"], env=env,
                             capture_output=True, text=True, timeout=30).stdout
        assert out == "deployment.apps/web\n"
    finally:
        server.stop()
    assert kubeconfig.exists()  # a kubeconfig written where the caller asked is the caller's to keep
    with pytest.raises(TypeError):
        cluster.serve(nonsense=1)


@needs_kubectl
def test_kubenb_serve_command(tmp_path):
    kubeconfig = tmp_path / "kubeconfig"
    proc = subprocess.Popen([sys.executable, "-m", "kubenb.apiserver.cli", "serve", "--kubeconfig", str(kubeconfig)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        banner = proc.stdout.readline()
        assert banner.startswith("Serving <Cluster kubeadm v1.32.4 at ") and " at https://127.0.0.1:" in banner
        assert proc.stdout.readline() == f"export KUBECONFIG={kubeconfig}\n"
        env = {**os.environ, "HOME": str(tmp_path), "KUBECONFIG": str(kubeconfig)}
        out = subprocess.run([KUBECTL, f"--cache-dir={tmp_path}/cache", "get", "nodes"], env=env, capture_output=True,
                             text=True, timeout=30).stdout
        # the cluster starts at the present: the nodes joined two days ago, as in the profile
        assert out.splitlines()[1].split() == ["control-plane", "Ready", "control-plane", "2d1h", "v1.32.4"]
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0


def test_kserve_magic_exports_kubeconfig(ipython_shell, capsys):
    before = os.environ.get("KUBECONFIG")
    ipython_shell.run_line_magic("kserve", "--speed 0")
    out = capsys.readouterr().out
    assert out.startswith("Serving cluster 'default' at https://127.0.0.1:")
    kubeconfig = os.environ["KUBECONFIG"]
    assert out.rstrip().endswith(f"KUBECONFIG={kubeconfig}") and os.path.exists(kubeconfig)
    ipython_shell.run_line_magic("kserve", "stop")
    assert capsys.readouterr().out == "stopped\n"
    assert os.environ.get("KUBECONFIG") == before


def test_refuses_negative_speed(cluster):
    with pytest.raises(ValueError, match="speed"):
        serve(cluster, speed=-1)
