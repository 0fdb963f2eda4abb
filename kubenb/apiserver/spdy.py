"""SPDY/3.1 framing, the server half: what the kubelet's streaming server speaks to kubectl.

`kubectl port-forward` multiplexes a pod's ports over one SPDY/3.1 connection (moby/spdystream
on both ends of a real cluster), either right after an `Upgrade: SPDY/3.1` response or tunnelled
in WebSocket binary messages. This module knows frames and nothing of transports or ports:

* pure functions build and parse frames (`syn_reply`, `data`, `rst_stream`, `ping`, `goaway`,
  `settings`, `window_update`, `parse`);
* :class:`HeaderCodec` (de)compresses header blocks: one zlib stream per direction for the whole
  connection, primed with SPDY/3's dictionary, flushed with Z_SYNC_FLUSH after each block;
* :class:`Session` is sans-IO: feed it received bytes, get :class:`Event`\\ s back, ask it for the
  bytes to send. It answers the peer's PINGs itself (spdystream echoes a ping whose id parity is
  not its own), and keeps only the streams that are open in at least one direction, so a
  connection that carries many forwarded connections does not grow.

Flow control (WINDOW_UPDATE) is parsed and ignored, as spdystream does: neither end enforces windows.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field
from typing import Optional

VERSION = 3

SYN_STREAM, SYN_REPLY, RST_STREAM, SETTINGS, PING, GOAWAY, HEADERS, WINDOW_UPDATE = 1, 2, 3, 4, 6, 7, 8, 9
FLAG_FIN, FLAG_UNIDIRECTIONAL = 0x01, 0x02

# RST_STREAM status codes (SPDY/3 §2.4.2)
PROTOCOL_ERROR, INVALID_STREAM, REFUSED_STREAM, UNSUPPORTED_VERSION, CANCEL, INTERNAL_ERROR = 1, 2, 3, 4, 5, 6
FLOW_CONTROL_ERROR, STREAM_IN_USE, STREAM_ALREADY_CLOSED = 7, 8, 9
GOAWAY_OK, GOAWAY_PROTOCOL_ERROR, GOAWAY_INTERNAL_ERROR = 0, 1, 2

MAX_LENGTH = 0xFFFFFF  # a frame's 24-bit length field
HEADER_SEPARATOR = "\x00"  # several values of one header travel NUL-joined

# SPDY/3's zlib dictionary for header blocks (SPDY/3 §2.6.10.1; the bytes of golang.org/x/net/spdy
# and moby/spdystream's `headerDictionary`): length-prefixed header names, then status lines, dates
# and common values.
_NAMES = (
    "options", "head", "post", "put", "delete", "trace", "accept", "accept-charset", "accept-encoding",
    "accept-language", "accept-ranges", "age", "allow", "authorization", "cache-control", "connection",
    "content-base", "content-encoding", "content-language", "content-length", "content-location",
    "content-md5", "content-range", "content-type", "date", "etag", "expect", "expires", "from", "host",
    "if-match", "if-modified-since", "if-none-match", "if-range", "if-unmodified-since", "last-modified",
    "location", "max-forwards", "pragma", "proxy-authenticate", "proxy-authorization", "range", "referer",
    "retry-after", "server", "te", "trailer", "transfer-encoding", "upgrade", "user-agent", "vary", "via",
    "warning", "www-authenticate", "method", "get", "status", "200 OK", "version", "HTTP/1.1", "url",
    "public", "set-cookie", "keep-alive", "origin",
)  # fmt: skip
_TAIL = (
    "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505"
    "203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized"
    "403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable"
    "Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT"
    "chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,"
    "text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0."
)
DICTIONARY = b"".join(struct.pack(">I", len(n)) + n.encode() for n in _NAMES) + _TAIL.encode()


class ProtocolError(Exception):
    """Bytes that are not SPDY/3: the connection cannot go on (a GOAWAY, then close)."""


# ---------------------------------------------------------------------------- headers


class HeaderCodec:
    """One direction's header compression, or decompression: zlib state lives as long as the connection."""

    def __init__(self) -> None:
        self._compress = zlib.compressobj(zdict=DICTIONARY)
        self._decompress = zlib.decompressobj(zdict=DICTIONARY)

    def encode(self, headers: dict[str, list[str]]) -> bytes:
        """A header block: count, then length-prefixed lower-case names and NUL-joined values; compressed."""
        block = [struct.pack(">I", len(headers))]
        for name, values in headers.items():
            n, v = name.lower().encode(), HEADER_SEPARATOR.join(values).encode()
            block += [struct.pack(">I", len(n)), n, struct.pack(">I", len(v)), v]
        raw = b"".join(block)
        return self._compress.compress(raw) + self._compress.flush(zlib.Z_SYNC_FLUSH)

    def decode(self, compressed: bytes) -> dict[str, list[str]]:
        try:
            raw = self._decompress.decompress(compressed)
        except zlib.error as exc:
            raise ProtocolError(f"header block: {exc}") from None
        return decode_block(raw)


def decode_block(raw: bytes) -> dict[str, list[str]]:
    """An uncompressed header block → {lower-case name: values}."""
    try:
        (count,), pos = struct.unpack_from(">I", raw), 4
        headers: dict[str, list[str]] = {}
        for _ in range(count):
            (size,) = struct.unpack_from(">I", raw, pos)
            name = raw[pos + 4:pos + 4 + size].decode().lower()
            pos += 4 + size
            (size,) = struct.unpack_from(">I", raw, pos)
            value = raw[pos + 4:pos + 4 + size].decode()
            pos += 4 + size
            if pos > len(raw):
                raise ProtocolError("header block truncated")
            headers.setdefault(name, []).extend(value.split(HEADER_SEPARATOR))
    except (struct.error, UnicodeDecodeError) as exc:
        raise ProtocolError(f"header block: {exc}") from None
    return headers


# ---------------------------------------------------------------------------- frames


def control(kind: int, flags: int, payload: bytes) -> bytes:
    """A control frame: C bit, version, type, then flags and a 24-bit length."""
    return struct.pack(">HHI", 0x8000 | VERSION, kind, (flags << 24) | len(payload)) + payload


def data(stream_id: int, payload: bytes, fin: bool = False) -> bytes:
    """A DATA frame (callers split payloads above `MAX_LENGTH`)."""
    return struct.pack(">II", stream_id & 0x7FFFFFFF, ((FLAG_FIN if fin else 0) << 24) | len(payload)) + payload


def syn_stream(codec: HeaderCodec, stream_id: int, headers: dict[str, list[str]], fin: bool = False,
               associated: int = 0, priority: int = 0) -> bytes:
    return control(SYN_STREAM, FLAG_FIN if fin else 0,
                   struct.pack(">IIBB", stream_id, associated, priority << 5, 0) + codec.encode(headers))


def syn_reply(codec: HeaderCodec, stream_id: int, headers: Optional[dict[str, list[str]]] = None,
              fin: bool = False) -> bytes:
    return control(SYN_REPLY, FLAG_FIN if fin else 0, struct.pack(">I", stream_id) + codec.encode(headers or {}))


def rst_stream(stream_id: int, status: int) -> bytes:
    return control(RST_STREAM, 0, struct.pack(">II", stream_id, status))


def ping(ping_id: int) -> bytes:
    return control(PING, 0, struct.pack(">I", ping_id))


def goaway(last_good_stream_id: int, status: int = GOAWAY_OK) -> bytes:
    return control(GOAWAY, 0, struct.pack(">II", last_good_stream_id, status))


def settings(values: dict[int, int], flags: int = 0) -> bytes:
    body = b"".join(struct.pack(">II", key & 0xFFFFFF, value) for key, value in values.items())
    return control(SETTINGS, flags, struct.pack(">I", len(values)) + body)


def window_update(stream_id: int, delta: int) -> bytes:
    return control(WINDOW_UPDATE, 0, struct.pack(">II", stream_id, delta))


@dataclass
class Frame:
    """One parsed frame. `kind` is 0 for DATA, else the control frame type."""

    kind: int
    flags: int
    stream_id: int = 0
    payload: bytes = b""  # DATA bytes, or a control frame's raw payload
    headers: dict[str, list[str]] = field(default_factory=dict)
    status: int = 0  # RST_STREAM / GOAWAY status
    value: int = 0  # PING id, WINDOW_UPDATE delta, GOAWAY last good stream id

    @property
    def fin(self) -> bool:
        return bool(self.flags & FLAG_FIN)


def parse(buffer: bytearray, codec: HeaderCodec) -> list[Frame]:
    """Take every complete frame off the front of `buffer` (a partial one stays there)."""
    frames = []
    while len(buffer) >= 8:
        first, second = struct.unpack_from(">II", buffer)
        length = second & 0xFFFFFF
        if len(buffer) < 8 + length:
            break
        payload = bytes(buffer[8:8 + length])
        del buffer[:8 + length]
        flags = second >> 24
        if not first & 0x80000000:
            frames.append(Frame(0, flags, first & 0x7FFFFFFF, payload))
            continue
        version, kind = (first >> 16) & 0x7FFF, first & 0xFFFF
        if version != VERSION:
            raise ProtocolError(f"unsupported SPDY version {version}")
        frames.append(_control_frame(kind, flags, payload, codec))
    return frames


def _control_frame(kind: int, flags: int, payload: bytes, codec: HeaderCodec) -> Frame:
    try:
        if kind == SYN_STREAM:
            stream_id, associated = struct.unpack_from(">II", payload)
            return Frame(kind, flags, stream_id & 0x7FFFFFFF, headers=codec.decode(payload[10:]),
                         value=associated & 0x7FFFFFFF)
        if kind in (SYN_REPLY, HEADERS):
            (stream_id,) = struct.unpack_from(">I", payload)
            return Frame(kind, flags, stream_id & 0x7FFFFFFF, headers=codec.decode(payload[4:]))
        if kind == RST_STREAM:
            stream_id, status = struct.unpack_from(">II", payload)
            return Frame(kind, flags, stream_id & 0x7FFFFFFF, status=status)
        if kind == PING:
            return Frame(kind, flags, value=struct.unpack_from(">I", payload)[0])
        if kind == GOAWAY:
            last, status = struct.unpack_from(">II", payload)
            return Frame(kind, flags, status=status, value=last & 0x7FFFFFFF)
        if kind == WINDOW_UPDATE:
            stream_id, delta = struct.unpack_from(">II", payload)
            return Frame(kind, flags, stream_id & 0x7FFFFFFF, value=delta & 0x7FFFFFFF)
    except struct.error:
        raise ProtocolError(f"control frame {kind} too short") from None
    return Frame(kind, flags, payload=payload)  # SETTINGS and anything newer: carried, not interpreted


# ---------------------------------------------------------------------------- session


@dataclass
class Event:
    """What the peer did: `opened` a stream (with headers), sent `data` (maybe with `fin`), `reset` a
    stream, or went away (`goaway`)."""

    kind: str  # "opened" | "data" | "reset" | "goaway"
    stream_id: int = 0
    headers: dict[str, list[str]] = field(default_factory=dict)
    data: bytes = b""
    fin: bool = False
    status: int = 0


@dataclass
class _Stream:
    remote_open: bool = True
    local_open: bool = True


class Session:
    """The server end of one SPDY/3.1 connection, without I/O (see the module docstring)."""

    def __init__(self) -> None:
        self._inbound = HeaderCodec()  # the peer's compressor's mirror
        self._outbound = HeaderCodec()
        self._buffer = bytearray()
        self._out: list[bytes] = []
        self.streams: dict[int, _Stream] = {}
        self.last_stream_id = 0
        self.gone = False

    # -- input

    def receive(self, chunk: bytes) -> list[Event]:
        """Events for the frames `chunk` completes. Raises ProtocolError (after queueing a GOAWAY)."""
        self._buffer += chunk
        try:
            frames = parse(self._buffer, self._inbound)
        except ProtocolError:
            self.close(GOAWAY_PROTOCOL_ERROR)
            raise
        events: list[Event] = []
        for frame in frames:
            events += self._on_frame(frame)
        return events

    def _on_frame(self, f: Frame) -> list[Event]:
        if f.kind == 0:
            stream = self.streams.get(f.stream_id)
            if stream is None or not stream.remote_open:
                return []  # a stream already gone: spdystream drops such data too
            if f.fin:
                self._remote_done(f.stream_id, stream)
            return [Event("data", f.stream_id, data=f.payload, fin=f.fin)]
        if f.kind == SYN_STREAM:
            if f.stream_id <= self.last_stream_id or f.stream_id % 2 == 0 or self.gone:
                self._out.append(rst_stream(f.stream_id, PROTOCOL_ERROR))
                return []
            self.last_stream_id = f.stream_id
            stream = self.streams[f.stream_id] = _Stream(local_open=not f.flags & FLAG_UNIDIRECTIONAL)
            if f.fin:
                self._remote_done(f.stream_id, stream)
            return [Event("opened", f.stream_id, headers=f.headers, fin=f.fin)]
        if f.kind == RST_STREAM:
            self.streams.pop(f.stream_id, None)
            return [Event("reset", f.stream_id, status=f.status)]
        if f.kind == PING:
            if f.value % 2 == 1:  # the client's (odd); ours would be even
                self._out.append(ping(f.value))
            return []
        if f.kind == GOAWAY:
            self.gone = True
            return [Event("goaway", f.value, status=f.status)]
        if f.kind == HEADERS and f.fin:
            stream = self.streams.get(f.stream_id)
            if stream is not None:
                self._remote_done(f.stream_id, stream)
                return [Event("data", f.stream_id, fin=True)]
        return []  # SYN_REPLY (we open no streams), SETTINGS, WINDOW_UPDATE, other HEADERS

    def _remote_done(self, stream_id: int, stream: _Stream) -> None:
        stream.remote_open = False
        if not stream.local_open:
            del self.streams[stream_id]

    # -- output

    def reply(self, stream_id: int, headers: Optional[dict[str, list[str]]] = None) -> None:
        self._out.append(syn_reply(self._outbound, stream_id, headers))

    def send(self, stream_id: int, payload: bytes, fin: bool = False) -> None:
        """Data on a stream we have not closed; `fin` half-closes it (spdystream's `Stream.Close`)."""
        stream = self.streams.get(stream_id)
        if stream is None or not stream.local_open:
            return
        for start in range(0, len(payload), MAX_LENGTH):
            last = start + MAX_LENGTH >= len(payload)
            self._out.append(data(stream_id, payload[start:start + MAX_LENGTH], fin and last))
        if not payload and fin:
            self._out.append(data(stream_id, b"", True))
        if fin:
            stream.local_open = False
            if not stream.remote_open:
                del self.streams[stream_id]

    def reset(self, stream_id: int, status: int = CANCEL) -> None:
        if self.streams.pop(stream_id, None) is not None:
            self._out.append(rst_stream(stream_id, status))

    def close(self, status: int = GOAWAY_OK) -> None:
        """GOAWAY: no new streams; the transport closes after what is queued is sent."""
        if not self.gone or status != GOAWAY_OK:
            self._out.append(goaway(self.last_stream_id, status))
        self.gone = True

    def outgoing(self) -> bytes:
        """Everything queued to send, in order (and forget it)."""
        out, self._out = b"".join(self._out), []
        return out
