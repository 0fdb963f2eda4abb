"""Port-forward sessions end with their clients: no task, session or stream outlives a closed forward.

A client written here from the protocol (SPDY frames over the bare upgraded connection, or inside
WebSocket messages) opens forwards the way client-go does: an error stream, then a data stream,
paired by `requestID`; writes a request, half-closes, and reads until the server closes both.
"""

from __future__ import annotations

import asyncio
import re
import socket
import ssl
import time

import aiohttp
import pytest
from served import DEPLOYMENT

from kubenb.apiserver import portforward, spdy

GET = b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"


@pytest.fixture(scope="module")
def pod(cluster, kubectl) -> str:
    kubectl("apply -f -", input=DEPLOYMENT)
    cluster.advance(30)
    return cluster.store.list("Pod", "default", None)[0].metadata.name


class Client:
    """client-go's side of the streams, without I/O."""

    def __init__(self) -> None:
        self.codec, self.inbound = spdy.HeaderCodec(), spdy.HeaderCodec()
        self.buffer = bytearray()
        self.next_id = 1
        self.received: dict[int, bytes] = {}
        self.finished: set[int] = set()

    def forward(self, port: int, request_id: int, payload: bytes) -> tuple[bytes, int, int]:
        """The frames of one forwarded connection, and its (error, data) stream ids."""
        error, data = self.next_id, self.next_id + 2
        self.next_id += 4
        frames = b""
        for stream_id, kind in ((error, "error"), (data, "data")):
            headers = {"streamtype": [kind], "port": [str(port)], "requestid": [str(request_id)]}
            frames += spdy.syn_stream(self.codec, stream_id, headers)
        frames += spdy.data(error, b"", fin=True) + spdy.data(data, payload, fin=True)
        return frames, error, data

    def take(self, chunk: bytes) -> None:
        self.buffer += chunk
        for f in spdy.parse(self.buffer, self.inbound):
            if f.kind == 0:
                self.received[f.stream_id] = self.received.get(f.stream_id, b"") + f.payload
                if f.fin:
                    self.finished.add(f.stream_id)


def spdy_connection(server, ca_file: str, pod: str) -> tuple[ssl.SSLSocket, bytes]:
    """A connection upgraded to SPDY/3.1 (and any frame bytes that came with the 101)."""
    context = ssl.create_default_context(cafile=ca_file)
    sock = context.wrap_socket(socket.create_connection(("127.0.0.1", server.port), timeout=20),
                               server_hostname="127.0.0.1")
    sock.sendall((f"POST /api/v1/namespaces/default/pods/{pod}/portforward HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  f"Authorization: Bearer {server.token}\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n"
                  "X-Stream-Protocol-Version: portforward.k8s.io\r\nContent-Length: 0\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(4096)
    head, _, rest = head.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    assert lines[0] == "HTTP/1.1 101 Switching Protocols", lines
    assert {"Upgrade: SPDY/3.1", "X-Stream-Protocol-Version: portforward.k8s.io"} <= set(lines)
    return sock, rest


def exchange(sock: ssl.SSLSocket, client: Client, frames: bytes, streams: tuple[int, int]) -> None:
    sock.sendall(frames)
    while not set(streams) <= client.finished:
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection"
        client.take(chunk)


def server_tasks(server) -> int:
    async def count() -> int:
        return len(asyncio.all_tasks())

    return asyncio.run_coroutine_threadsafe(count(), server._loop).result(10)


def settled(server, tasks: int, sessions: int) -> tuple[int, int]:
    """(tasks on the server's loop, sessions open) once closed connections are cleaned up, or after 10 s."""
    deadline = time.monotonic() + 10
    while True:
        now = server_tasks(server), len(portforward.OPEN_SESSIONS)
        if (now[0] <= tasks and now[1] <= sessions) or time.monotonic() > deadline:
            return now
        time.sleep(0.05)


def forward_once(server, ca_file, pod):
    """One SPDY session that forwards port 80, sends GET and closes: the client and its stream ids."""
    sock, rest = spdy_connection(server, ca_file, pod)
    client = Client()
    client.take(rest)
    frames, error, data = client.forward(80, 0, GET)
    exchange(sock, client, frames, (error, data))
    sock.close()
    return client, error, data


def test_a_forward_over_the_bare_upgrade(server, ca_file, pod):
    client, error, data = forward_once(server, ca_file, pod)
    assert client.received[data].startswith(b"HTTP/1.1 200 OK\r\nServer: nginx/1.27")
    assert b"<title>Welcome to nginx!</title>" in client.received[data]
    assert client.received.get(error, b"") == b""


def test_a_pod_gone_since_the_session_began(cluster, server, ca_file, kubectl):
    kubectl("run solo --image=nginx:1.27")
    cluster.advance(30)
    sock, rest = spdy_connection(server, ca_file, "solo")
    client = Client()
    client.take(rest)
    kubectl("delete pod solo --wait=false")
    cluster.advance(60)
    frames, error, data = client.forward(80, 0, GET)
    exchange(sock, client, frames, (error, data))
    sock.close()
    assert client.received.get(data, b"") == b""
    assert re.fullmatch(rb'error forwarding port 80 to pod ([0-9a-f]{64}), uid : failed to find sandbox "\1" in store: '
                        rb"not found", client.received[error]), client.received[error]


def test_a_hundred_forwards_on_one_connection_leave_no_streams(server, ca_file, pod):
    sock, rest = spdy_connection(server, ca_file, pod)
    client = Client()
    client.take(rest)
    for request_id in range(100):
        frames, error, data = client.forward(80 if request_id % 10 else 81, request_id, GET)
        exchange(sock, client, frames, (error, data))
    (session,) = [s for s in portforward.OPEN_SESSIONS if s.last_stream_id == client.next_id - 2]
    assert session.streams == {}  # every pair closed both ways, and forgotten
    refused = [client.received.get(e, b"") for e in range(1, client.next_id, 4) if (e // 4) % 10 == 0]
    assert len(refused) == 10 and all(b"connect: connection refused" in r for r in refused)
    sock.close()


def test_a_hundred_sessions_opened_and_closed_leave_no_tasks(server, ca_file, pod):
    baseline = server_tasks(server)
    sessions = len(portforward.OPEN_SESSIONS)
    for _ in range(100):
        forward_once(server, ca_file, pod)
    left_tasks, left_sessions = settled(server, baseline, sessions)
    assert left_tasks <= baseline and left_sessions == sessions


def test_a_hundred_websocket_tunnels_leave_no_tasks(server, ca_file, pod):
    url = f"{server.url}/api/v1/namespaces/default/pods/{pod}/portforward"
    context = ssl.create_default_context(cafile=ca_file)

    async def tunnels() -> list[bytes]:
        answers = []
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {server.token}"}) as http:
            for _ in range(100):
                async with http.ws_connect(url, protocols=[portforward.TUNNEL_PROTOCOL], ssl=context) as ws:
                    assert ws.protocol == "SPDY/3.1+portforward.k8s.io"
                    client = Client()
                    frames, error, data = client.forward(80, 0, GET)
                    for i in range(0, len(frames), 7):  # as kubectl does: many small messages
                        await ws.send_bytes(frames[i:i + 7])
                    while not {error, data} <= client.finished:
                        client.take(await ws.receive_bytes(timeout=20))
                    answers.append(client.received[data])
        return answers

    baseline, sessions = server_tasks(server), len(portforward.OPEN_SESSIONS)
    answers = asyncio.run(tunnels())
    assert len(answers) == 100 and all(a.startswith(b"HTTP/1.1 200 OK\r\n") for a in answers)
    left_tasks, left_sessions = settled(server, baseline, sessions)
    assert left_tasks <= baseline and left_sessions == sessions
