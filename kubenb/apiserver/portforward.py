"""`pods/portforward`: kubectl's forwarded connections reach the pod's listening sockets.

A real API server proxies the request to the kubelet, whose streaming server (the container
runtime's) speaks SPDY/3.1 (:mod:`~.spdy`). kubectl reaches it one of two ways:

* `POST` with `Upgrade: SPDY/3.1` and `X-Stream-Protocol-Version: portforward.k8s.io`: a
  `101 Switching Protocols`, then SPDY frames on the bare connection (every kubectl);
* `GET` with a WebSocket upgrade offering subprotocol `SPDY/3.1+portforward.k8s.io` (kubectl
  ≥1.31, the `PortForwardWebsockets` feature): the same SPDY bytes, in binary messages (the API
  server's `TunnelingHandler`, on by default from v1.31). kubectl falls back to the first way
  when this upgrade fails, as it does against an older server: there the kubelet's own WebSocket
  port forwarding (`v4.channel.k8s.io`) refuses the tunnel's subprotocol with a bare 403.

Each forwarded connection is a pair of streams the client opens with the same `requestID`
header: `streamType: error` and `streamType: data`, both naming the `port` (the kubelet's
`httpStreamHandler`). Once both are there, the runtime dials the port on the pod's loopback
(:func:`~.runtime.dial`); the data stream's bytes go to that socket (:mod:`~.podsocket`) and its
answers come back. A refused port gets the runtime's error on the error stream, which kubectl
prints. When either side closes, both streams are closed and forgotten; when the client goes,
the whole session is.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Optional

from aiohttp import WSMsgType, web

from kubenb.apiserver import spdy
from kubenb.apiserver.paths import ResourcePath
from kubenb.apiserver.podsocket import PodSocket
from kubenb.apiserver.runtime import dial
from kubenb.network.hosttools import netns_name
from kubenb.runtime.sandbox import ConnectError
from kubenb.store.errors import StatusError, bad_request, not_found

PROTOCOL = "portforward.k8s.io"
TUNNEL_PREFIX = "SPDY/3.1+"
TUNNEL_PROTOCOL = TUNNEL_PREFIX + PROTOCOL
TUNNEL_SINCE_MINOR = 31  # `PortForwardWebsockets`: beta, on by default, from v1.31
IDLE_SECONDS = 4 * 3600.0  # the kubelet's --streaming-connection-idle-timeout default

#: the sessions being served now (each leaves when its client does): what a leak would grow
OPEN_SESSIONS: set[spdy.Session] = set()


async def handle(request: web.Request, cluster: Any, path: ResourcePath) -> web.StreamResponse:
    if request.method not in ("GET", "POST"):  # a connect subresource: `create` and `get` only
        raise StatusError("MethodNotAllowed", 405, "the server does not allow this method on the requested resource")
    with cluster.lock:
        pod = cluster.store.try_get("Pod", path.namespace or "", path.name)
        if pod is None:
            raise not_found(cluster.store.info("Pod"), path.name)
        if not pod.spec.node_name:  # `PortForwardLocation`: the API server needs a node to proxy to
            raise bad_request(f"pod {path.name} does not have a host assigned")
    if request.headers.get("Upgrade", "").lower() == "websocket":
        if cluster.version.minor < TUNNEL_SINCE_MINOR:
            return web.Response(status=403)  # x/net/websocket's answer to a subprotocol it does not serve
        transport: _Transport = await _WebSocketTunnel.open(request)
    elif request.headers.get("Upgrade", "").lower() == "spdy/3.1":
        transport = await _SpdyUpgrade.open(request)
    else:
        raise bad_request("Upgrade request required")
    session = spdy.Session()
    OPEN_SESSIONS.add(session)
    try:
        await _serve(transport, session, Forwarder(cluster, pod, session))
    except ConnectionResetError:
        pass  # the client left
    finally:
        OPEN_SESSIONS.discard(session)
        await transport.close()
    return transport.response


async def _serve(transport: _Transport, session: spdy.Session, forwarder: Forwarder) -> None:
    """Frames in, events to the forwarder (inside the simulation), frames out; until the client
    goes, says GOAWAY with nothing left open, breaks the protocol, or idles past the kubelet's limit."""
    while not (session.gone and not session.streams):
        try:
            chunk = await asyncio.wait_for(transport.read(), IDLE_SECONDS)
        except TimeoutError:
            break
        if not chunk:
            break
        try:
            events = session.receive(chunk)
        except spdy.ProtocolError:
            await transport.write(session.outgoing())
            break
        with forwarder.cluster.lock:
            forwarder.handle(events)
        out = session.outgoing()
        if out:
            await transport.write(out)


# ---------------------------------------------------------------------------- the streams


@dataclass
class _Pair:
    """One forwarded connection: its two streams, its port, and the pod socket once dialled."""

    port: int = 0
    data: int = 0
    error: int = 0
    socket: Optional[PodSocket] = None
    pending: bytes = b""  # data that came before the error stream did


class Forwarder:
    """The kubelet's `httpStreamHandler` for one connection: pairs streams, dials, relays bytes."""

    def __init__(self, cluster: Any, pod: Any, session: spdy.Session) -> None:
        self.cluster = cluster
        self.pod = pod
        self.session = session
        self.pairs: dict[str, _Pair] = {}
        self._request_of: dict[int, str] = {}  # stream id -> requestID, for streams still paired
        self._connections = 0

    def handle(self, events: list[spdy.Event]) -> None:
        for event in events:
            if event.kind == "opened":
                self._opened(event)
            elif event.kind == "data":
                self._data(event)
            elif event.kind == "reset":
                self._reset(event.stream_id)

    def _opened(self, event: spdy.Event) -> None:
        headers = {name: values[0] for name, values in event.headers.items() if values}
        problem = _invalid(headers)
        if problem is not None:  # `httpStreamReceived` refuses it: the stream is reset
            self.session.reset(event.stream_id)
            return
        self.session.reply(event.stream_id)
        kind, port = headers["streamtype"], int(headers["port"])
        request_id = headers.get("requestid") or str(event.stream_id - (2 if kind == "data" else 0))
        pair = self.pairs.setdefault(request_id, _Pair(port))
        if getattr(pair, kind):
            self._print_error(pair, f"error processing stream for request {request_id}: {kind} stream already assigned")
            return
        setattr(pair, kind, event.stream_id)
        self._request_of[event.stream_id] = request_id
        if pair.data and pair.error:
            self._start(request_id, pair)

    def _start(self, request_id: str, pair: _Pair) -> None:
        try:
            endpoint = dial(self.cluster, self.pod, pair.port)
        except ConnectError as err:
            self._print_error(pair, self._refused(pair.port, gone=err.kind == "unreachable"))
            self._finish(request_id)
            return
        self._connections += 1
        pair.socket = PodSocket(endpoint, client_port=_client_port(self.pod, self._connections))
        if pair.pending:
            self._relay(request_id, pair, pair.pending)

    def _data(self, event: spdy.Event) -> None:
        request_id = self._request_of.get(event.stream_id)
        pair = self.pairs.get(request_id) if request_id is not None else None
        if pair is None or event.stream_id != pair.data:
            return  # the error stream carries nothing from the client; it closes it at once
        if pair.socket is None:
            pair.pending += event.data
        elif event.data:
            self._relay(request_id, pair, event.data)
        if event.fin and request_id in self.pairs:  # the client will send no more: the copy ends
            self._finish(request_id)

    def _relay(self, request_id: str, pair: _Pair, data: bytes) -> None:
        assert pair.socket is not None
        answer = pair.socket.feed(data)
        if answer:
            self.session.send(pair.data, answer)
        if pair.socket.closed:
            self._finish(request_id)

    def _finish(self, request_id: str) -> None:
        """Close both streams (`defer p.dataStream.Close(); defer p.errorStream.Close()`) and forget them."""
        pair = self.pairs.pop(request_id, None)
        if pair is None:
            return
        for stream_id in (pair.data, pair.error):
            if stream_id:
                self.session.send(stream_id, b"", fin=True)
                self._request_of.pop(stream_id, None)

    def _reset(self, stream_id: int) -> None:
        request_id = self._request_of.pop(stream_id, None)
        pair = self.pairs.pop(request_id, None) if request_id is not None else None
        if pair is not None:
            for other in (pair.data, pair.error):
                if other and other != stream_id:
                    self.session.reset(other)
                    self._request_of.pop(other, None)

    def _print_error(self, pair: _Pair, message: str) -> None:
        if pair.error:
            self.session.send(pair.error, message.encode())

    def _refused(self, port: int, gone: bool = False) -> str:
        """`error forwarding port …` in the words of the node's container runtime: nothing listens on
        the port, or (`gone`) the pod's sandbox no longer exists."""
        pod, sandbox = self.pod, _sandbox_id(self.pod)
        prefix = f"error forwarding port {port} to pod {sandbox}, uid : "
        docker = self.cluster.profile.runtime_prefix == "docker"
        if gone:
            return f"{prefix}Error: No such container: {sandbox}" if docker else \
                f'{prefix}failed to find sandbox "{sandbox}" in store: not found'
        if docker:  # dockershim: nsenter -t PID -n socat - TCP4:localhost:PORT
            when = datetime.fromtimestamp(self.cluster.clock.now, UTC).strftime("%Y/%m/%d %H:%M:%S")
            pid = self.cluster.rng.stream("socat").randint(1000, 32767)  # a new socat each time
            return (f"{prefix}exit status 1: {when} socat[{pid}] E connect(5, AF=2 127.0.0.1:{port}, 16): "
                    "Connection refused\n")
        netns = "host" if pod.spec.host_network else f"/var/run/netns/{netns_name(pod.metadata.uid or '')}"
        return (f'{prefix}failed to execute portforward in network namespace "{netns}": failed to connect to '
                f'localhost:{port} inside namespace "{sandbox}", IPv4: dial tcp4 127.0.0.1:{port}: connect: '
                f"connection refused IPv6 dial tcp6 [::1]:{port}: connect: connection refused ")


def _invalid(headers: dict[str, str]) -> Optional[str]:
    """`httpStreamReceived`'s checks of a new stream's headers (None: acceptable)."""
    port = headers.get("port", "")
    if not port:
        return '"port" header is required'
    if not port.isdigit() or int(port) > 65535:
        return f'unable to parse "{port}" as a port'
    if int(port) < 1:
        return f'port "{port}" must be > 0'
    kind = headers.get("streamtype", "")
    if not kind:
        return '"streamType" header is required'
    if kind not in ("error", "data"):
        return f'invalid stream type "{kind}"'
    return None


def _sandbox_id(pod: Any) -> str:
    """The pod sandbox's id, which the runtime's streaming server names the pod by."""
    return hashlib.sha256(f"sandbox:{pod.metadata.uid}".encode()).hexdigest()


def _client_port(pod: Any, n: int) -> int:
    """The ephemeral port the runtime's connections to the pod come from (`$remote_port`)."""
    return 32768 + (int(_sandbox_id(pod)[:4], 16) + n) % 28232


# ---------------------------------------------------------------------------- the transports


class _Transport:
    response: web.StreamResponse

    async def read(self) -> bytes:  # b"" at the end
        raise NotImplementedError

    async def write(self, data: bytes) -> None:
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError


class _WebSocketTunnel(_Transport):
    """SPDY in WebSocket binary messages (client-go's `TunnelingConnection`, server side)."""

    def __init__(self, ws: web.WebSocketResponse) -> None:
        self.response = self.ws = ws

    @classmethod
    async def open(cls, request: web.Request) -> _WebSocketTunnel:
        offered = [p.strip() for p in request.headers.get("Sec-WebSocket-Protocol", "").split(",")]
        if not any(p.startswith(TUNNEL_PREFIX) and p.endswith(".k8s.io") for p in offered):
            raise StatusError("BadRequest", 400, "unable to upgrade: no tunneling spdy protocols provided")
        if TUNNEL_PROTOCOL not in offered:
            raise _unsupported(offered)
        ws = web.WebSocketResponse(protocols=(TUNNEL_PROTOCOL,), compress=False)
        await ws.prepare(request)
        return cls(ws)

    async def read(self) -> bytes:
        while True:
            msg = await self.ws.receive()
            if msg.type == WSMsgType.BINARY:
                if msg.data:
                    return bytes(msg.data)
                continue
            return b""  # closed, an error, or a text message (which the tunnel refuses)

    async def write(self, data: bytes) -> None:
        if data and not self.ws.closed:
            await self.ws.send_bytes(data)

    async def close(self) -> None:
        await self.ws.close()


class _SpdyUpgrade(_Transport):
    """SPDY on the bare connection after `101 Switching Protocols` (`spdy.NewResponseUpgrader`)."""

    def __init__(self, request: web.Request, response: web.StreamResponse) -> None:
        self.response = response
        self.transport = request.transport
        self.queue: asyncio.Queue[bytes] = asyncio.Queue()

    @classmethod
    async def open(cls, request: web.Request) -> _SpdyUpgrade:
        offered = [p.strip() for v in request.headers.getall("X-Stream-Protocol-Version", []) for p in v.split(",")]
        headers = {"Connection": "Upgrade", "Upgrade": "SPDY/3.1"}
        if offered:  # `httpstream.Handshake`: a client that names none is an old one, served all the same
            if PROTOCOL not in offered:
                raise _unsupported(offered)
            headers["X-Stream-Protocol-Version"] = PROTOCOL
        response = web.StreamResponse(status=101, reason="Switching Protocols", headers=headers)
        response.force_close()
        await response.prepare(request)
        upgrade = cls(request, response)
        request.protocol.set_parser(upgrade)  # bytes after the request are ours now, not HTTP's
        return upgrade

    # the parser interface aiohttp feeds an upgraded connection's bytes to
    def feed_data(self, data: bytes) -> tuple[bool, bytes]:
        self.queue.put_nowait(bytes(data))
        return False, b""

    def feed_eof(self) -> None:
        self.queue.put_nowait(b"")

    async def read(self) -> bytes:
        return await self.queue.get()

    async def write(self, data: bytes) -> None:
        if data and self.transport is not None and not self.transport.is_closing():
            self.transport.write(data)

    async def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


def _unsupported(offered: list[str]) -> StatusError:
    return StatusError("Forbidden", 403, f"unable to upgrade: unable to negotiate protocol: client supports "
                                         f"[{' '.join(offered)}], server supports [{PROTOCOL}]")
