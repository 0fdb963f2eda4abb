"""`kubectl port-forward` against the façade: the real kubectl forwards a local port to a simulated pod.

kubectl ≥1.31 asks for SPDY tunnelled in a WebSocket first; `KUBECTL_PORT_FORWARD_WEBSOCKETS=false`
and kubectl 1.27 (installed beside the dispatcher) use the SPDY upgrade. `-v=6` makes kubectl log
the upgrade request, which tells the two apart.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import ssl
import subprocess
import threading
import urllib.request

import pytest
from served import DEPLOYMENT, KUBECTL, SERVICE, needs_kubectl

from kubenb.network.hosts import run_host_shell

pytestmark = needs_kubectl

KUBECTL_127 = os.path.join(os.path.dirname(os.path.realpath(KUBECTL)), "kubectl.1.27")
TRANSPORTS = {  # name: (binary, extra environment, method of the upgrade request)
    "websocket": (KUBECTL, {}, "GET"),
    "spdy": (KUBECTL, {"KUBECTL_PORT_FORWARD_WEBSOCKETS": "false"}, "POST"),
    "kubectl-1.27": (KUBECTL_127, {}, "POST"),
}


@pytest.fixture(scope="module", autouse=True)
def web(cluster, kubectl):
    kubectl("apply -f -", input=DEPLOYMENT + "---\n" + SERVICE)
    cluster.advance(30)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PortForward:
    """`kubectl port-forward TARGET LOCAL:REMOTE` running in the background."""

    def __init__(self, kubectl, target: str, remote: int, transport: str = "websocket", verbose: bool = False):
        binary, env, self.method = TRANSPORTS[transport]
        if not os.path.exists(binary):
            pytest.skip(f"{binary} is not installed")
        self.port = free_port()
        argv = [binary, f"--cache-dir={kubectl.home / 'cache'}", "port-forward", target, f"{self.port}:{remote}"]
        self.proc = subprocess.Popen(argv + (["-v=6"] if verbose else []), env={**kubectl.env, **env},
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines = [self._readline(), self._readline()]  # ready once it says where it listens

    def _readline(self) -> str:
        got: list[str] = []
        reader = threading.Thread(target=lambda: got.append(self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(30)
        assert got and got[0], f"kubectl printed no more; stderr: {self.stop()[1]}"
        return got[0]

    def get(self, path: str = "/") -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=20) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def stop(self, interrupt: bool = True) -> tuple[str, str]:
        """(stdout, stderr) once it is gone: interrupted, or on its own."""
        if interrupt and self.proc.poll() is None:
            self.proc.terminate()
        out, err = self.proc.communicate(timeout=20)
        return "".join(getattr(self, "lines", [])) + out, err


def forwarding(port: int, remote: int) -> str:
    return f"Forwarding from 127.0.0.1:{port} -> {remote}\nForwarding from [::1]:{port} -> {remote}\n"


@pytest.mark.parametrize("target", ["deploy/web", "svc/web", "pod"])
def test_forward_reaches_nginx(cluster, kubectl, target):
    if target == "pod":
        target = "pod/" + cluster.store.list("Pod", "default", None)[0].metadata.name
    pf = PortForward(kubectl, target, 80, verbose=True)
    status, body = pf.get()
    out, err = pf.stop()
    assert status == 200 and b"<title>Welcome to nginx!</title>" in body
    assert out == forwarding(pf.port, 80) + f"Handling connection for {pf.port}\n"
    assert re.search(r"GET https://\S+/portforward 101 Switching Protocols", err), err


@pytest.mark.parametrize("transport", ["spdy", "kubectl-1.27"])
def test_forward_over_the_spdy_upgrade(kubectl, transport):
    pf = PortForward(kubectl, "deploy/web", 80, transport, verbose=True)
    first, missing = pf.get(), pf.get("/missing")
    out, err = pf.stop()
    assert first[0] == 200 and b"Welcome to nginx!" in first[1]
    assert missing[0] == 404 and b"<center>nginx/1.27" in missing[1]
    assert out == forwarding(pf.port, 80) + f"Handling connection for {pf.port}\n" * 2
    assert re.search(r"POST https://\S+/portforward 101 Switching Protocols", err), err


def test_one_connection_carries_many_requests(kubectl):
    """HTTP keep-alive: one forwarded connection (one `Handling connection`), three answers."""
    pf = PortForward(kubectl, "deploy/web", 80)
    conn = http.client.HTTPConnection("127.0.0.1", pf.port, timeout=20)
    answers = []
    for path in ("/", "/50x.html", "/nope"):
        conn.request("GET", path)
        r = conn.getresponse()
        answers.append((r.status, r.getheader("Server"), len(r.read()) > 0))
    conn.close()
    out, _ = pf.stop()
    assert [a[0] for a in answers] == [200, 200, 404]
    assert all(server.startswith("nginx/1.27") and some for _, server, some in answers)
    assert out == forwarding(pf.port, 80) + f"Handling connection for {pf.port}\n"


@pytest.mark.parametrize("transport", ["websocket", "kubectl-1.27"])
def test_a_closed_port_is_containerds_refusal(cluster, kubectl, transport):
    pod = cluster.store.list("Pod", "default", None)[0]
    pf = PortForward(kubectl, f"pod/{pod.metadata.name}", 81, transport)
    with pytest.raises((ConnectionError, http.client.HTTPException, urllib.error.URLError)):
        pf.get()
    out, err = pf.stop(interrupt=False)  # kubectl gives up by itself
    assert out == forwarding(pf.port, 81) + f"Handling connection for {pf.port}\n"
    assert pf.proc.returncode == 1 and err.endswith("error: lost connection to pod\n")
    message = (rf"an error occurred forwarding {pf.port} -> 81: error forwarding port 81 to pod (?P<id>[0-9a-f]{{64}}), "
               r"uid : failed to execute portforward in network namespace \\?\"/var/run/netns/(?P<netns>cni-[0-9a-f-]{36})"
               r"\\?\": failed to connect to localhost:81 inside namespace \\?\"(?P=id)\\?\", IPv4: dial tcp4 "
               r"127.0.0.1:81: connect: connection refused IPv6 dial tcp6 \[::1\]:81: connect: connection refused ")
    found = re.search(message, err)
    assert found, err
    links = run_host_shell(cluster, "ip link", host=pod.spec.node_name).stdout
    assert f"link-netns {found.group('netns')}" in links  # the namespace the node's CNI made for the pod


def test_refusals_and_upgrades_in_the_api_servers_words(cluster, kubectl, server, ca_file):
    result = kubectl("port-forward pod/nope 8080:80", check=False)
    assert (result.returncode, result.stderr) == (1, 'Error from server (NotFound): pods "nope" not found\n')
    context = ssl.create_default_context(cafile=ca_file)
    pod = cluster.store.list("Pod", "default", None)[0].metadata.name
    for name, method, code, message in [
            ("nope", "POST", 404, 'pods "nope" not found'), (pod, "POST", 400, "Upgrade request required"),
            (pod, "PUT", 405, "the server does not allow this method on the requested resource")]:
        request = urllib.request.Request(f"{server.url}/api/v1/namespaces/default/pods/{name}/portforward",
                                         method=method, headers={"Authorization": f"Bearer {server.token}"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, context=context)
        assert (refused.value.code, json.loads(refused.value.read())["message"]) == (code, message)
