"""HTTP requests and responses as the simulated servers and clients exchange them.

No sockets: the network layer finds the program listening behind an address and calls its
``handle_http(request)``. The request carries what a server can see of the connection (the
client's address, the local address and port it arrived on), because nginx variables such as
``$remote_addr`` and ``$server_addr`` print them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

REASONS = {
    200: "OK", 201: "Created", 204: "No Content", 301: "Moved Permanently", 302: "Found",
    303: "See Other", 304: "Not Modified", 307: "Temporary Redirect", 308: "Permanent Redirect",
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    405: "Method Not Allowed", 408: "Request Timeout", 413: "Payload Too Large", 500: "Internal Server Error",
    501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
}  # fmt: skip


@dataclass
class HttpRequest:
    method: str = "GET"
    target: str = "/"  # the request-target: path and query, as sent
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    version: str = "HTTP/1.1"
    client_ip: str = "127.0.0.1"
    client_port: int = 40000
    server_ip: str = "127.0.0.1"  # the local address the connection arrived on
    server_port: int = 80

    def header(self, name: str) -> str | None:
        lname = name.lower()
        for k, v in self.headers:
            if k.lower() == lname:
                return v
        return None

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    @property
    def query(self) -> str:
        return self.target.split("?", 1)[1] if "?" in self.target else ""

    @property
    def host(self) -> str:
        """The Host header without its port (empty when the client sent none)."""
        host = self.header("Host") or ""
        if host.startswith("["):
            return host.split("]", 1)[0] + "]"
        return host.rsplit(":", 1)[0] if ":" in host else host

    @property
    def request_line(self) -> str:
        return f"{self.method} {self.target} {self.version}"


@dataclass
class HttpResponse:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    reason: str = ""

    def __post_init__(self) -> None:
        if not self.reason:
            self.reason = REASONS.get(self.status, "")

    def header(self, name: str) -> str | None:
        lname = name.lower()
        for k, v in self.headers:
            if k.lower() == lname:
                return v
        return None

    @property
    def status_line(self) -> str:
        return f"HTTP/1.1 {self.status} {self.reason}".rstrip()

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def http_date(t: float) -> str:
    """The ``Date`` header's IMF-fixdate: ``Sat, 24 Jun 2023 19:41:51 GMT``."""
    return datetime.fromtimestamp(int(t), UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
