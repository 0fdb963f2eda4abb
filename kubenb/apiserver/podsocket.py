"""A TCP connection into a simulated pod's listening socket, as bytes.

Simulated servers answer requests, not bytes (`Program.handle_http`). A forwarded port carries
whatever the client writes, so this is the socket in between: it cuts the byte stream into
HTTP/1.x requests (Content-Length or chunked bodies; pipelining works), hands each to the
program, and writes its answer back in HTTP/1.1 wire form. It closes the connection as an HTTP
server does: after answering a request that asked for it (`Connection: close`, or HTTP/1.0
without keep-alive); on bytes that are not HTTP it hangs up without an answer. A program without an HTTP handler
(redis, a database) closes at the first bytes: the simulation has no byte-level model of it.

Callers hold the cluster's lock around `feed`: the program runs inside the simulation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from kubenb.runtime.http import HttpRequest, HttpResponse
from kubenb.runtime.sandbox import Endpoint

MAX_HEAD = 64 * 1024  # nginx's large_client_header_buffers, roughly: a longer head is refused


@dataclass
class PodSocket:
    """One accepted connection to `endpoint`; `feed` the client's bytes, send back what it returns."""

    endpoint: Endpoint
    client_port: int = 40000
    closed: bool = False
    _buffer: bytearray = field(default_factory=bytearray)

    def feed(self, data: bytes) -> bytes:
        """The answers to every request `data` completes (after which `closed` may be set)."""
        if self.closed:
            return b""
        self._buffer += data
        out = []
        while not self.closed:
            request = self._next_request()
            if request is None:
                break
            out.append(self._answer(request))
        return b"".join(out)

    def _answer(self, request: HttpRequest) -> bytes:
        handler = getattr(self.endpoint.program, "handle_http", None)
        if handler is None:
            self.closed = True
            return b""
        request.server_ip, request.server_port = self.endpoint.server_ip, self.endpoint.server_port
        request.client_ip, request.client_port = self.endpoint.client_ip, self.client_port
        response = handler(request)
        if response.status == 0:  # the server hung up without answering
            self.closed = True
            return b""
        connection = (request.header("Connection") or "").lower()
        if connection == "close" or (request.version == "HTTP/1.0" and connection != "keep-alive"):
            self.closed = True
            response.headers = [(k, "close" if k.lower() == "connection" else v) for k, v in response.headers]
        return wire(response, head_only=request.method == "HEAD")

    def _next_request(self) -> Optional[HttpRequest]:
        end = self._buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(self._buffer) > MAX_HEAD:
                return self._bad()
            return None
        head = bytes(self._buffer[:end]).decode("latin-1").split("\r\n")
        parts = head[0].split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            return self._bad()
        headers = []
        for line in head[1:]:
            name, sep, value = line.partition(":")
            if not sep or not name.strip():
                return self._bad()
            headers.append((name.strip(), value.strip()))
        request = HttpRequest(parts[0], parts[1], headers, version=parts[2])
        body_start = end + 4
        if (request.header("Transfer-Encoding") or "").lower() == "chunked":
            parsed = _chunked(self._buffer, body_start)
            if parsed is None:
                return None
            request.body, consumed = parsed
            if consumed < 0:
                return self._bad()
        else:
            length = request.header("Content-Length") or "0"
            if not length.isdigit():
                return self._bad()
            if len(self._buffer) < body_start + int(length):
                return None
            request.body = bytes(self._buffer[body_start:body_start + int(length)])
            consumed = body_start + int(length)
        del self._buffer[:consumed]
        return request

    def _bad(self) -> None:
        """Not HTTP: the program never sees it; the connection closes."""
        self.closed = True
        self._buffer.clear()
        return None


def _chunked(buffer: bytearray, start: int) -> Optional[tuple[bytes, int]]:
    """(body, bytes consumed) of a complete chunked body from `start`, or None while incomplete."""
    body, pos = bytearray(), start
    while True:
        eol = buffer.find(b"\r\n", pos)
        if eol < 0:
            return None
        try:
            size = int(bytes(buffer[pos:eol]).split(b";")[0].strip() or b"0", 16)
        except ValueError:
            return b"", -1  # not a chunk size: the caller hangs up
        if size == 0:
            trailer_end = buffer.find(b"\r\n\r\n", eol)
            if buffer[eol:eol + 4] == b"\r\n\r\n":
                return bytes(body), eol + 4
            return (bytes(body), trailer_end + 4) if trailer_end >= 0 else None
        if len(buffer) < eol + 2 + size + 2:
            return None
        body += buffer[eol + 2:eol + 2 + size]
        pos = eol + 2 + size + 2


def wire(response: HttpResponse, head_only: bool = False) -> bytes:
    """A response as an HTTP/1.1 server writes it: status line, headers, blank line, body."""
    headers = list(response.headers)
    if response.header("Content-Length") is None and response.header("Transfer-Encoding") is None \
            and response.status >= 200 and response.status not in (204, 304):
        headers.append(("Content-Length", str(len(response.body))))
    head = "".join(f"{k}: {v}\r\n" for k, v in headers)
    return f"{response.status_line}\r\n{head}\r\n".encode("latin-1") + (b"" if head_only else response.body)
