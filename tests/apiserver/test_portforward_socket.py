"""The byte-level socket into a simulated pod's listener: requests cut from a stream, answers written back."""

from __future__ import annotations

from kubenb.apiserver.podsocket import PodSocket, wire
from kubenb.runtime.http import HttpRequest, HttpResponse
from kubenb.runtime.sandbox import Endpoint


class Echo:
    """A server program that says what it was asked, and from where."""

    def __init__(self) -> None:
        self.seen: list[HttpRequest] = []

    def handle_http(self, request: HttpRequest) -> HttpResponse:
        self.seen.append(request)
        text = f"{request.method} {request.target} {request.body.decode()} {request.client_ip}:{request.client_port}"
        return HttpResponse(200, [("Server", "echo"), ("Connection", "keep-alive")], text.encode())


class Silent:
    """A listener that does not speak HTTP (no `handle_http`)."""


def socket(program) -> PodSocket:
    return PodSocket(Endpoint(program, "127.0.0.1", 80, "127.0.0.1"), client_port=41000)


def test_a_request_split_anywhere_is_answered_once_complete():
    s = socket(Echo())
    request = b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
    answers = [s.feed(request[i:i + 7]) for i in range(0, len(request), 7)]
    assert answers[:-1] == [b""] * (len(answers) - 1)
    assert answers[-1] == (b"HTTP/1.1 200 OK\r\nServer: echo\r\nConnection: keep-alive\r\nContent-Length: 29\r\n\r\n"
                           b"POST /x hello 127.0.0.1:41000")
    assert not s.closed


def test_pipelined_requests_and_connection_close():
    program = Echo()
    s = socket(program)
    out = s.feed(b"GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                 b"GET /c HTTP/1.1\r\n\r\n")
    assert [r.target for r in program.seen] == ["/a", "/b"]  # nothing after the close is read
    assert out.count(b"HTTP/1.1 200 OK") == 2 and out.endswith(b"GET /b  127.0.0.1:41000")
    assert b"Connection: close\r\n" in out.split(b"GET /a")[1]
    assert s.closed and s.feed(b"GET / HTTP/1.1\r\n\r\n") == b""


def test_http10_closes_unless_kept_alive():
    s = socket(Echo())
    s.feed(b"GET / HTTP/1.0\r\n\r\n")
    assert s.closed
    s = socket(Echo())
    s.feed(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    assert not s.closed


def test_chunked_bodies_and_head():
    program = Echo()
    s = socket(program)
    s.feed(b"PUT /u HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n")
    assert program.seen == []
    head = s.feed(b"2\r\nde\r\n0\r\n\r\nHEAD / HTTP/1.1\r\n\r\n")
    assert program.seen[0].body == b"abcde"
    assert head.endswith(b"Content-Length: 23\r\n\r\n")  # HEAD: the headers of a GET, no body


def test_garbage_and_non_http_listeners_hang_up():
    s = socket(Echo())
    assert s.feed(b"\x16\x03\x01 not http\r\n\r\n") == b"" and s.closed
    s = socket(Silent())
    assert s.feed(b"PING\r\n\r\n") == b"" and s.closed


def test_wire_adds_the_length_a_server_would_send():
    assert wire(HttpResponse(404, [], b"nope")) == b"HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope"
    assert wire(HttpResponse(304, [("ETag", '"x"')])) == b'HTTP/1.1 304 Not Modified\r\nETag: "x"\r\n\r\n'
