"""Port-forward on the course's cluster: v1.23 with docker, the dispatcher's default kubectl (1.32).

A v1.23 API server has no WebSocket tunnel, so kubectl's first try is refused and it falls back to
the SPDY upgrade; dockershim forwards with `nsenter … socat`, whose refusal kubectl prints.
"""

from __future__ import annotations

import re
import urllib.error
from datetime import UTC, datetime

import pytest
from served import DEPLOYMENT, needs_kubectl
from test_portforward import PortForward, forwarding

from kubenb import Cluster
from kubenb.apiserver.cli import at_present
from kubenb.profiles import get_profile

pytestmark = needs_kubectl


@pytest.fixture(scope="module")
def cluster() -> Cluster:
    return Cluster(at_present(get_profile("course")), pace=0)


@pytest.fixture(scope="module", autouse=True)
def web(cluster, kubectl):
    kubectl("apply -f -", input=DEPLOYMENT)
    cluster.advance(60)


def test_kubectl_falls_back_from_the_tunnel_the_server_lacks(kubectl):
    pf = PortForward(kubectl, "deploy/web", 80, verbose=True)
    status, body = pf.get()
    out, err = pf.stop()
    assert status == 200 and b"Welcome to nginx!" in body
    assert out == forwarding(pf.port, 80) + f"Handling connection for {pf.port}\n"
    assert "fallback to secondary dialer from primary dialer err: unable to upgrade streaming request: " \
           "websocket: bad handshake (403 Forbidden)" in err
    assert re.search(r"POST https://\S+/portforward 101 Switching Protocols", err), err


def test_a_closed_port_is_socats_refusal(cluster, kubectl):
    pf = PortForward(kubectl, "deploy/web", 81)
    with pytest.raises((ConnectionError, urllib.error.URLError)):
        pf.get()
    out, err = pf.stop(interrupt=False)
    assert out == forwarding(pf.port, 81) + f"Handling connection for {pf.port}\n"
    when = datetime.fromtimestamp(cluster.clock.now, UTC).strftime("%Y/%m/%d %H:%M:%S")  # the node's clock (frozen)
    assert re.search(rf"an error occurred forwarding {pf.port} -> 81: error forwarding port 81 to pod [0-9a-f]{{64}}, "
                     rf"uid : exit status 1: {when} socat\[\d+\] E connect\(5, AF=2 127.0.0.1:81, 16\): "
                     r"Connection refused\n", err), err
    assert pf.proc.returncode == 1 and err.endswith("error: lost connection to pod\n")
