"""Network tools inside a container: curl, wget, nslookup, ping, netstat.

They reach other pods only through the pod's :class:`~kubenb.runtime.container.Sandbox`: its
/etc/hosts, then the cluster network the network layer plugs in. Without one, a pod can still
reach itself (``curl 127.1``), and everything else fails the way it fails on a pod with no
route: ``wget: bad address 'nginx-svc'``, ``curl: (6) Could not resolve host: nginx-svc``.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from kubenb.runtime.fs import FsError
from kubenb.runtime.http import HttpRequest, HttpResponse
from kubenb.runtime.program import Sleep
from kubenb.runtime.programs.applet import Gen, Tool, tool
from kubenb.runtime.sandbox import ConnectError, Endpoint, ipv4


@dataclass
class Url:
    scheme: str
    host: str
    port: int
    target: str

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        return self.host if self.port == default else f"{self.host}:{self.port}"


def parse_url(text: str) -> Url:
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "http", text
    hostport, slash, path = rest.partition("/")
    target = "/" + path if slash else "/"
    if "?" in hostport:
        hostport, _, query = hostport.partition("?")
        target = "/?" + query
    host, colon, port = hostport.rpartition(":") if hostport.count(":") == 1 else (hostport, "", "")
    default = 443 if scheme == "https" else 80
    return Url(scheme.lower(), host or hostport, int(port) if colon and port.isdigit() else default, target)


class FetchError(Exception):
    """``kind``: ``resolve``, ``refused``, ``unreachable``, ``timeout``."""

    def __init__(self, kind: str, host: str, ip: str = "") -> None:
        super().__init__(kind)
        self.kind = kind
        self.host = host
        self.ip = ip


def connect(t: Tool, host: str, port: int, pinned: dict[tuple[str, int], str] | None = None) -> tuple[str, Endpoint]:
    """Resolve and connect: (address used, endpoint). Raises FetchError."""
    sandbox = t.proc.container.sandbox
    ip = (pinned or {}).get((host, port)) or ipv4(host)
    if ip is None:
        _, addresses = sandbox.resolve(host)
        if not addresses:
            raise FetchError("resolve", host)
        ip = addresses[0]
    try:
        return ip, sandbox.connect(ip, port)
    except ConnectError as e:
        raise FetchError(e.kind, host, ip) from None


def exchange(endpoint: Endpoint, request: HttpRequest) -> HttpResponse:
    """Send `request` over an established connection."""
    request.server_ip, request.server_port, request.client_ip = (
        endpoint.server_ip,
        endpoint.server_port,
        endpoint.client_ip,
    )
    handler = getattr(endpoint.program, "handle_http", None)
    if handler is None:  # not an HTTP server: it closes the connection on garbage
        return HttpResponse(0, reason="empty reply")
    return handler(request)


# ---------------------------------------------------------------------------- curl


@tool("curl")
def curl(t: Tool, args: list[str]) -> int:
    o = _CurlOptions(args)
    if o.error:
        t.proc.err(f"curl: {o.error}\ncurl: try 'curl --help' or 'curl --manual' for more information\n")
        return 2
    if not o.url:
        t.proc.err("curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information\n")
        return 2
    version = t.proc.container.image.meta.get("curl.version", "7.88.1")
    url = parse_url(o.url)
    verbose = t.proc.stderr.write if o.verbose else None
    for _ in range(10 if o.follow else 1):
        if verbose:
            for (host, port), ip in o.resolve.items():
                verbose(f"* Added {host}:{port}:{ip} to DNS cache\n")
            if (url.host, url.port) in o.resolve:
                verbose(f"* Hostname {url.host} was found in DNS cache\n")
        try:
            ip, endpoint = connect(t, url.host, url.port, o.resolve)
        except FetchError as e:
            return _curl_failed(t, o, e, url, version)
        if verbose:
            verbose(f"*   Trying {ip}:{url.port}...\n* Connected to {url.host} ({ip}) port {url.port} (#0)\n")
        headers = [("Host", url.host_header), ("User-Agent", f"curl/{version}"), ("Accept", "*/*")]
        for h in o.headers:
            name, _, value = h.partition(":")
            headers = [(k, v) for k, v in headers if k.lower() != name.strip().lower()] + [
                (name.strip(), value.strip())
            ]
        body = o.data.encode()
        if body:
            headers += [("Content-Length", str(len(body))), ("Content-Type", "application/x-www-form-urlencoded")]
        method = o.method or ("HEAD" if o.head else ("POST" if body else "GET"))
        request = HttpRequest(method, url.target, headers, body, client_ip=ip)
        response = exchange(endpoint, request)
        if response.status == 0:
            _quiet(t, o, "curl: (52) Empty reply from server\n")
            return 52
        if verbose:
            verbose("".join(f"> {line}\n" for line in [request.request_line, *(f"{k}: {v}" for k, v in headers), ""]))
            verbose(
                "".join(
                    f"< {line}\n" for line in [response.status_line, *(f"{k}: {v}" for k, v in response.headers), ""]
                )
            )
        location = response.header("Location")
        if o.follow and location and response.status in (301, 302, 303, 307, 308):
            url = parse_url(location if "://" in location else f"{url.scheme}://{url.host_header}{location}")
            continue
        break
    if o.fail and response.status >= 400:
        _quiet(t, o, f"curl: (22) The requested URL returned error: {response.status}\n")
        return 22
    out = b""
    if o.include or o.head:
        out += "".join(
            f"{line}\r\n" for line in [response.status_line, *(f"{k}: {v}" for k, v in response.headers), ""]
        ).encode()
    if not o.head:
        out += response.body
    if o.output:
        try:
            t.fs.write(t.path(o.output), out)
        except FsError:
            _quiet(t, o, "curl: (23) Failure writing output to destination\n")
            return 23
    else:
        t.out(out.decode("utf-8", "replace"))
    if not o.silent and not t.proc.tty and not o.verbose:
        n = len(response.body)
        t.proc.err(
            "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n"
            "                                 Dload  Upload   Total   Spent    Left  Speed\n"
            f"100 {n:>5}  100 {n:>5}    0     0   600k      0 --:--:-- --:--:-- --:--:--  600k\n"
        )
    if verbose:
        verbose(f"* Connection #0 to host {url.host} left intact\n")
    return 0


class _CurlOptions:
    def __init__(self, args: list[str]) -> None:
        self.url = ""
        self.silent = self.show_error = self.verbose = self.include = self.head = self.follow = self.fail = False
        self.output = self.method = self.data = ""
        self.headers: list[str] = []
        self.resolve: dict[tuple[str, int], str] = {}
        self.error = ""
        rest = list(args)
        while rest:
            a = rest.pop(0)
            if a.startswith("--"):
                name, eq, value = a[2:].partition("=")
                if name in (
                    "resolve",
                    "header",
                    "request",
                    "data",
                    "output",
                    "max-time",
                    "connect-timeout",
                    "user-agent",
                ):
                    value = value if eq else (rest.pop(0) if rest else "")
                self._long(name, value)
            elif a.startswith("-") and len(a) > 1:
                for i, c in enumerate(a[1:], 1):
                    if c in "oXdHmA":
                        value = a[i + 1 :] or (rest.pop(0) if rest else "")
                        self._long(
                            {
                                "o": "output",
                                "X": "request",
                                "d": "data",
                                "H": "header",
                                "m": "max-time",
                                "A": "user-agent",
                            }[c],
                            value,
                        )
                        break
                    flag = {"s": "silent", "S": "show-error", "v": "verbose", "i": "include", "I": "head", "L": "location",
                            "f": "fail", "k": "insecure", "4": "ipv4", "6": "ipv6"}.get(c)  # fmt: skip
                    if flag is None:
                        self.error = f"option -{c}: is unknown"
                        return
                    self._long(flag, "")
            else:
                self.url = a

    def _long(self, name: str, value: str) -> None:
        if name == "resolve":
            host, port, ip = (value.split(":", 2) + ["", ""])[:3]
            if port.isdigit():
                self.resolve[(host, int(port))] = ip
        elif name == "header":
            self.headers.append(value)
        elif name == "user-agent":
            self.headers.append(f"User-Agent: {value}")
        elif name in ("request", "data", "output"):
            setattr(self, {"request": "method"}.get(name, name), value)
        elif name in ("silent", "show-error", "verbose", "include", "head", "fail"):
            setattr(self, name.replace("-", "_"), True)
        elif name == "location":
            self.follow = True


def _quiet(t: Tool, o: _CurlOptions, text: str) -> None:
    if not o.silent or o.show_error:
        t.proc.err(text)


def _curl_failed(t: Tool, o: _CurlOptions, e: FetchError, url: Url, version: str) -> int:
    if e.kind == "resolve":
        _quiet(t, o, f"curl: (6) Could not resolve host: {url.host}\n")
        return 6
    modern = int(version.split(".")[0]) >= 8
    if e.kind == "timeout":
        _quiet(t, o, f"curl: (28) Failed to connect to {url.host} port {url.port} after 130000 ms: "
                     f"{'Timeout was reached' if modern else 'Connection timed out'}\n")  # fmt: skip
        return 28
    reason = (
        "Couldn't connect to server"
        if modern
        else ("Connection refused" if e.kind == "refused" else "No route to host")
    )
    _quiet(t, o, f"curl: (7) Failed to connect to {url.host} port {url.port} after 0 ms: {reason}\n")
    return 7


# ---------------------------------------------------------------------------- wget


@tool("wget")
def wget(t: Tool, args: list[str]) -> int:
    quiet, output, url_text, spider = False, None, "", False
    rest = list(args)
    while rest:
        a = rest.pop(0)
        if a in ("-q", "--quiet"):
            quiet = True
        elif a.startswith("-qO"):
            quiet, output = True, a[3:] or (rest.pop(0) if rest else "-")
        elif a == "-O":
            output = rest.pop(0) if rest else "-"
        elif a.startswith("-O"):
            output = a[2:]
        elif a == "--spider":
            spider = True
        elif a in ("-T", "-t", "-U", "--header"):
            rest.pop(0) if rest else None
        elif not a.startswith("-"):
            url_text = a
    if not url_text:
        return t.usage("[-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR] [-T SEC] URL...")
    url = parse_url(url_text)
    for _ in range(5):
        try:
            ip, endpoint = connect(t, url.host, url.port)
        except FetchError as e:
            if e.kind == "resolve":
                t.fail(f"bad address '{url.host}'")
            elif e.kind == "timeout":
                t.fail("download timed out")
            else:
                t.fail(
                    f"can't connect to remote host ({e.ip}): {'Connection refused' if e.kind == 'refused' else 'No route to host'}"
                )
            return 1
        if not quiet:
            t.proc.err(f"Connecting to {url.host_header} ({ip}:{url.port})\n")
        request = HttpRequest(
            "GET", url.target, [("Host", url.host_header), ("User-Agent", "Wget"), ("Connection", "close")]
        )
        response = exchange(endpoint, request)
        location = response.header("Location")
        if response.status in (301, 302, 303, 307, 308) and location:
            url = parse_url(location if "://" in location else f"{url.scheme}://{url.host_header}{location}")
            continue
        break
    if response.status == 0:
        t.fail("error getting response: Connection reset by peer")
        return 1
    if response.status >= 400:
        t.fail(f"server returned error: {response.status_line}")
        return 1
    if spider:
        if not quiet:
            t.proc.err("remote file exists\n")
        return 0
    name = output if output is not None else (posixpath.basename(url.target.split("?")[0]) or "index.html")
    body = response.body
    if name == "-":
        if not quiet:
            t.proc.err("writing to stdout\n")
        t.out(body.decode("utf-8", "replace"))
        if not quiet:
            t.proc.err(f"-{'':19} 100% |{'*' * 32}| {len(body):>5}  0:00:00 ETA\nwritten to stdout\n")
        return 0
    try:
        t.fs.write(t.path(name), body)
    except FsError as e:
        t.fail(f"can't open '{name}': {t.strerror(e)}")
        return 1
    if not quiet:
        t.proc.err(f"saving to '{name}'\n{name:<20} 100% |{'*' * 32}| {len(body):>5}  0:00:00 ETA\n'{name}' saved\n")
    return 0


# ---------------------------------------------------------------------------- DNS and ICMP


@tool("nslookup")
def nslookup(t: Tool, args: list[str]) -> int:
    names = [a for a in args if not a.startswith("-")]
    if not names:
        return t.usage("[-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]")
    sandbox = t.proc.container.sandbox
    server = names[1] if len(names) > 1 else (sandbox.dns_servers[0] if sandbox.dns_servers else "127.0.0.1")
    t.out(f"Server:\t\t{server}\nAddress:\t{server}:53\n\n")
    name = names[0]
    ip = ipv4(name)
    if ip is not None:
        fqdn, addresses = name, [ip]
    else:
        fqdn, addresses = sandbox.network.resolve(name, sandbox)
    if not addresses:
        t.out(f"** server can't find {name}: NXDOMAIN\n\n")
        return 1
    t.out(f"Name:\t{fqdn}\n" + "".join(f"Address: {a}\n" for a in addresses) + "\n")
    return 0


@tool("ping")
def ping(t: Tool, args: list[str]) -> Gen:
    count: int | None = None
    rest = list(args)
    host = ""
    while rest:
        a = rest.pop(0)
        if a == "-c" and rest:
            count = int(rest.pop(0))
        elif a.startswith("-c") and a[2:].isdigit():
            count = int(a[2:])
        elif a in ("-W", "-w", "-i", "-s") and rest:
            rest.pop(0)
        elif not a.startswith("-"):
            host = a
    if not host:
        return t.usage("[OPTIONS] HOST")
    sandbox = t.proc.container.sandbox
    ip = ipv4(host)
    if ip is None:
        addresses = sandbox.resolve(host)[1]
        if not addresses:
            t.fail(f"bad address '{host}'")
            return 1
        ip = addresses[0]
    t.out(f"PING {host} ({ip}): 56 data bytes\n")
    sent = received = 0
    times: list[float] = []
    while count is None or sent < count:
        rtt = 0.04 + 0.011 * (sent % 5) if sandbox.is_local(ip) else sandbox.network.ping(ip, sandbox)
        if rtt is not None:
            t.out(f"64 bytes from {ip}: seq={sent} ttl=64 time={rtt:.3f} ms\n")
            received += 1
            times.append(rtt)
        sent += 1
        if count is None or sent < count:
            yield Sleep(1.0)
        elif rtt is None:
            yield Sleep(1.0)  # the last probe waits out its timeout
    loss = 100 - received * 100 // sent
    t.out(
        f"\n--- {host} ping statistics ---\n{sent} packets transmitted, {received} packets received, {loss}% packet loss\n"
    )
    if times:
        t.out(f"round-trip min/avg/max = {min(times):.3f}/{sum(times) / len(times):.3f}/{max(times):.3f} ms\n")
    return 0 if received else 1


@tool("netstat")
def netstat(t: Tool, args: list[str]) -> int:
    flags = set("".join(a.lstrip("-") for a in args if a.startswith("-")))
    listening = "l" in flags or "a" in flags
    protos = {p for p, f in (("TCP", "t"), ("UDP", "u")) if f in flags} or {"TCP", "UDP"}
    title = "(only servers)" if "l" in flags else ("(servers and established)" if "a" in flags else "(w/o servers)")
    t.out(f"Active Internet connections {title}\n")
    header = "Proto Recv-Q Send-Q Local Address           Foreign Address         State       "
    t.out(
        header + ("PID/Program name" if "p" in flags else "").rstrip() + "\n"
        if "p" in flags
        else header.rstrip() + "\n"
    )
    if not listening:
        return 0
    me = t.proc
    hidden = False
    rows = []
    for container in me.container.sandbox.containers:
        for proc in container.live_processes():
            for proto, port, addr in proc.ports:
                if proto in protos:
                    rows.append((addr == "::", port, proto, proc))
    for v6, port, proto, proc in sorted(rows, key=lambda r: (r[0], -r[1], r[2])):
        local = f"{':::' if v6 else '0.0.0.0:'}{port}"
        foreign = ":::*" if v6 else "0.0.0.0:*"
        state = "LISTEN" if proto == "TCP" else ""
        owner = ""
        if "p" in flags:
            if proc.uid == me.uid and proc.dumpable and proc.container is me.container:
                owner = f"{proc.pid}/{posixpath.basename(proc.argv[0])}"
            else:
                owner, hidden = "-", True
        t.out(f"{proto.lower():<5} {0:>6} {0:>6} {local:<23} {foreign:<23} {state:<11} {owner}".rstrip() + "\n")
    if hidden and me.uid != 0:
        t.fail("showing only processes with your user ID")
    return 0
