"""`exec` and `logs` through the server reach the kubelet's container processes, as on a real node."""

from __future__ import annotations

import subprocess
import time

import pytest
from served import KUBECTL, needs_kubectl

pytestmark = needs_kubectl

TICKER = """\
apiVersion: v1
kind: Pod
metadata: {name: ticker}
spec:
  restartPolicy: Never
  containers:
  - name: tick
    image: busybox:1.36
    command: [sh, -c, 'for i in 1 2 3 4 5; do echo tick $i; sleep 2; done']
"""


@pytest.fixture(scope="module")
def web(cluster, kubectl) -> str:
    kubectl("create deployment web --image=nginx:alpine")
    cluster.advance(30)
    return cluster.store.list("Pod", "default", None)[0].metadata.name


def test_exec_runs_in_the_container(web, kubectl):
    out = kubectl(f"exec {web} -- cat /etc/nginx/conf.d/default.conf").stdout
    assert out.startswith("server {\n    listen       80;\n")
    assert out == kubectl.server.cluster.kubectl(f"exec {web} -- cat /etc/nginx/conf.d/default.conf").stdout


def test_exec_exit_code_is_kubectls(web, kubectl):
    result = kubectl(f"exec {web} -- sh -c 'echo out; echo err >&2; exit 3'", check=False)
    assert (result.returncode, result.stdout, result.stderr) == (3, "out\n", "err\ncommand terminated with exit code 3\n")


def test_exec_with_stdin(web, kubectl):
    result = kubectl(f"exec -i {web} -- sh", input="echo hello from $(hostname)\nls /nonexistent\n", check=False)
    assert result.stdout == f"hello from {web}\n"
    assert result.stderr == "ls: /nonexistent: No such file or directory\ncommand terminated with exit code 1\n"
    assert result.returncode == 1


def test_logs_match_ours(cluster, web, kubectl):
    for args in (web, "deploy/web", f"{web} -c nginx --tail=2", f"{web} --tail=1 --timestamps",
                 f"{web} --limit-bytes=30"):
        assert kubectl(f"logs {args}").stdout == cluster.kubectl(f"logs {args}").stdout, args
    assert kubectl(f"logs {web} --tail=2").stdout.count("\n") == 2
    previous = kubectl(f"logs {web} --previous", check=False)
    assert (previous.returncode, previous.stderr) == (
        1, f'Error from server (BadRequest): previous terminated container "nginx" in pod "{web}" not found\n')


def test_logs_follow_streams_as_time_passes(cluster, kubectl):
    kubectl("apply -f -", input=TICKER)
    cluster.advance(3)  # pulled, started, the first two lines written
    follower = subprocess.Popen([KUBECTL, f"--cache-dir={kubectl.home / 'cache'}", "logs", "-f", "ticker"],
                                env=kubectl.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    assert follower.poll() is None  # still following: the container runs on
    for _ in range(6):
        cluster.advance(2)
        time.sleep(0.3)
    out, err = follower.communicate(timeout=20)
    assert (follower.returncode, err) == (0, "")
    assert out == "".join(f"tick {i}\n" for i in range(1, 6))  # every line once, then the end with the container's
