"""nginx's configuration language: the file parser and the useful subset of its semantics.

Parsing follows ``ngx_conf_file.c``: tokens split on whitespace, ``'``/``"`` quoting, backslash
escapes (``\\n`` in ``return 200 'a\\nb'`` is a newline), ``#`` comments, ``include`` with globs,
and errors worded like ``nginx: [emerg]`` (``unknown directive "foo" in
/etc/nginx/conf.d/default.conf:3``). The model keeps what routing needs: ``listen``,
``server_name``, ``location`` (``=``, prefix, ``^~``, ``~``, ``~*``) with nginx's precedence,
``root``, ``alias``, ``index``, ``try_files``, ``return``, ``error_page``, ``default_type``,
``proxy_pass``, ``add_header``, ``access_log`` and ``log_format``.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from kubenb.runtime.fs import FileSystem, FsError

# Directives nginx accepts that kubenb parses and may ignore (so real configs load).
KNOWN = {
    "user", "worker_processes", "error_log", "pid", "events", "http", "include", "daemon", "worker_rlimit_nofile",
    "load_module", "env", "stream", "worker_connections", "use", "multi_accept", "default_type", "log_format",
    "access_log", "sendfile", "tcp_nopush", "tcp_nodelay", "keepalive_timeout", "gzip", "gzip_types", "gzip_vary",
    "gzip_min_length", "gzip_proxied", "gzip_comp_level", "server", "upstream", "types", "server_tokens",
    "client_max_body_size", "map", "charset", "root", "alias", "index", "add_header", "server_names_hash_bucket_size",
    "listen", "server_name", "location", "return", "error_page", "try_files", "rewrite", "proxy_pass",
    "proxy_set_header", "proxy_http_version", "proxy_read_timeout", "proxy_connect_timeout", "proxy_send_timeout",
    "proxy_buffering", "proxy_redirect", "resolver", "deny", "allow", "autoindex", "expires", "internal",
    "stub_status", "set", "if", "absolute_redirect", "port_in_redirect", "ssl_certificate", "ssl_certificate_key",
    "ssl_protocols", "ssl_ciphers", "client_body_buffer_size", "large_client_header_buffers", "limit_req",
    "limit_req_zone", "real_ip_header", "set_real_ip_from", "keepalive", "server_names_hash_max_size",
    "types_hash_max_size", "open_file_cache", "fastcgi_pass", "fastcgi_param", "fastcgi_index", "sub_filter",
    "etag", "log_not_found", "ssl_session_cache", "ssl_session_timeout", "http2", "auth_basic",
    "auth_basic_user_file", "satisfy", "js_import", "js_content", "lua_package_path",
}  # fmt: skip
BLOCKS = {"events", "http", "server", "location", "upstream", "types", "map", "stream", "if", "limit_except"}
CONTEXTS = {"server": {"http", "upstream", "stream"}, "location": {"server", "location"}, "http": {""},
            "events": {""}, "listen": {"server"}, "server_name": {"server"}}  # fmt: skip
ARGS = {"listen": (1, 9), "return": (1, 2), "root": (1, 1), "index": (1, 99), "default_type": (1, 1),
        "proxy_pass": (1, 1), "worker_processes": (1, 1), "pid": (1, 1), "alias": (1, 1), "try_files": (2, 99),
        "error_page": (2, 99), "server_name": (1, 99), "location": (1, 2)}  # fmt: skip
VARIABLE_PREFIXES = ("http_", "arg_", "cookie_", "sent_http_", "upstream_http_")
VARIABLES = {
    "hostname", "server_addr", "server_port", "remote_addr", "remote_port", "remote_user", "request_uri", "uri",
    "document_uri", "request_method", "host", "nginx_version", "time_iso8601", "time_local", "args", "query_string",
    "is_args", "scheme", "server_protocol", "request", "status", "body_bytes_sent", "bytes_sent", "pid", "msec",
    "document_root", "request_filename", "server_name", "realpath_root", "connection", "request_time",
    "content_type", "content_length", "binary_remote_addr", "proxy_host", "proxy_add_x_forwarded_for",
    "upstream_addr", "request_length", "request_id",
}  # fmt: skip


class ConfError(Exception):
    """An ``[emerg]`` configuration error; ``str()`` is nginx's text after ``[emerg]``."""

    def __init__(self, message: str, file: str = "", line: int = 0) -> None:
        text = f"{message} in {file}:{line}" if file else message
        super().__init__(text)
        self.text = text


@dataclass
class Directive:
    name: str
    args: list[str]
    file: str
    line: int
    block: list[Directive] | None = None


# ---------------------------------------------------------------------------- parsing


def _read_main(fs: Reader, path: str) -> str:
    """The main file's text (``-c`` or nginx.conf); a file that cannot be read is an ``[emerg]``."""
    try:
        return fs.read_text(path)
    except FsError as e:
        raise ConfError(f'open() "{path}" failed ({_errno(e.code)}: {e.strerror()})') from None


class Reader(Protocol):
    """What parsing asks of a filesystem."""

    def read_text(self, path: str) -> str: ...
    def listdir(self, path: str) -> list[str]: ...
    def is_file(self, path: str) -> bool: ...


# (main file, its text) -> [(the other answers the parse depended on, the model it built)]
_CONFIGS: OrderedDict[tuple[str, str], list[tuple[tuple[tuple[str, str, object], ...], Config]]] = OrderedDict()
_CONFIGS_MAX = 256  # distinct main files kept
_VARIANTS_MAX = 8  # models kept per main file (the includes differ)


def configure(fs: FileSystem, path: str) -> Config:
    """The model of `path` and everything it includes, shared by every nginx reading the same files.

    150,000 nginx pods read the same few files; the model is read-only once built, so a start
    replays the (few, cheap) filesystem answers the cached parse depended on -- the include
    globs' listings and the files' texts -- and takes the model when every answer is the same.
    Raises ConfError (failed parses are not kept).
    """
    text = _read_main(fs, path)
    key = (path, text)
    variants = _CONFIGS.get(key)
    if variants is not None:
        _CONFIGS.move_to_end(key)
        for answers, config in variants:
            if all(_answer(fs, op, arg) == result for op, arg, result in answers):
                return config
    recorder = _Recorder(fs)
    directives = _with_includes(recorder, _parse(path, text))
    _check(directives, "")
    config = build(directives)
    if variants is None:
        variants = _CONFIGS[key] = []
        if len(_CONFIGS) > _CONFIGS_MAX:
            _CONFIGS.popitem(last=False)
    variants.insert(0, (tuple(recorder.answers), config))
    del variants[_VARIANTS_MAX:]
    return config


def _answer(fs: Reader, op: str, arg: str) -> object:
    """What `fs.op(arg)` answers; a failure is ``("FsError", errno name)``, which no answer equals."""
    try:
        return getattr(fs, op)(arg)
    except FsError as e:
        return ("FsError", e.code)


class _Recorder:
    """A :class:`Reader` that notes every answer it passes on, for :func:`configure` to replay."""

    def __init__(self, fs: FileSystem) -> None:
        self.fs = fs
        self.answers: list[tuple[str, str, object]] = []

    def _ask(self, op: str, arg: str) -> Any:
        try:
            result = getattr(self.fs, op)(arg)
        except FsError as e:
            self.answers.append((op, arg, ("FsError", e.code)))
            raise
        self.answers.append((op, arg, result))
        return result

    def read_text(self, path: str) -> str:
        return self._ask("read_text", path)

    def listdir(self, path: str) -> list[str]:
        return self._ask("listdir", path)

    def is_file(self, path: str) -> bool:
        return self._ask("is_file", path)


@lru_cache(maxsize=512)
def _parse(path: str, text: str) -> tuple[Directive, ...]:
    """One file's directives, ``include`` left in place. Cached: a thousand pods share a config."""
    return tuple(_Parser(text, path).block(""))


def _with_includes(fs: Reader, directives: tuple[Directive, ...] | list[Directive]) -> list[Directive]:
    """The directives with every ``include`` replaced by what it names (cached trees stay untouched)."""
    out: list[Directive] = []
    for d in directives:
        if d.name == "include":
            out.extend(_include(fs, d))
        elif d.block is not None:
            out.append(Directive(d.name, d.args, d.file, d.line, _with_includes(fs, d.block)))
        else:
            out.append(d)
    return out


def _include(fs: Reader, d: Directive) -> list[Directive]:
    if len(d.args) != 1:
        raise ConfError('invalid number of arguments in "include" directive', d.file, d.line)
    pattern = d.args[0] if d.args[0].startswith("/") else posixpath.join("/etc/nginx", d.args[0])
    directory, glob = posixpath.split(pattern)
    if any(c in glob for c in "*?["):
        try:
            names = [n for n in fs.listdir(directory) if fnmatch.fnmatchcase(n, glob)]
        except FsError:
            names = []
        paths = [posixpath.join(directory, n) for n in sorted(names) if fs.is_file(posixpath.join(directory, n))]
    else:
        paths = [pattern]
    out: list[Directive] = []
    for path in paths:
        try:
            text = fs.read_text(path)
        except FsError as e:
            raise ConfError(f'open() "{path}" failed ({_errno(e.code)}: {e.strerror()})', d.file, d.line) from None
        out.extend(_with_includes(fs, _parse(path, text)))
    return out


def _errno(code: str) -> int:
    return {"ENOENT": 2, "EACCES": 13, "EISDIR": 21, "ENOTDIR": 20}.get(code, 5)


class _Parser:
    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.i = 0
        self.line = 1

    def token(self) -> tuple[str, str] | None:
        """('word'|'{'|'}'|';', text), or None at end of file."""
        text = self.text
        while self.i < len(text):
            c = text[self.i]
            if c == "\n":
                self.line += 1
                self.i += 1
            elif c in " \t\r":
                self.i += 1
            elif c == "#":
                while self.i < len(text) and text[self.i] != "\n":
                    self.i += 1
            else:
                break
        if self.i >= len(text):
            return None
        c = text[self.i]
        if c in "{};":
            self.i += 1
            return c, c
        if c in "\"'":
            end = self.i + 1
            while end < len(text) and text[end] != c:
                if text[end] == "\\":
                    end += 1
                elif text[end] == "\n":
                    self.line += 1
                end += 1
            if end >= len(text):
                raise ConfError('unexpected end of file, expecting ";" or "}"', self.path, self.line)
            raw = text[self.i + 1 : end]
            self.i = end + 1
            return "word", _unescape(raw)
        start = self.i
        while self.i < len(text) and text[self.i] not in " \t\r\n;{}" and not (text[self.i] == "#" and self.i == start):
            if text[self.i] == "\\":
                self.i += 1
            self.i += 1
        return "word", _unescape(text[start : self.i])

    def block(self, context: str) -> list[Directive]:
        out: list[Directive] = []
        words: list[str] = []
        line = self.line
        while True:
            tok = self.token()
            if tok is None:
                if words or context:
                    raise ConfError('unexpected end of file, expecting ";" or "}"', self.path, self.line)
                return out
            kind, value = tok
            if kind == "word":
                if not words:
                    line = self.line
                words.append(value)
                continue
            if kind == "}":
                if words:
                    raise ConfError('unexpected "}"', self.path, self.line)
                if not context:
                    raise ConfError('unexpected "}"', self.path, self.line)
                return out
            if not words:
                raise ConfError(f'unexpected "{value}"', self.path, self.line)
            name, args = words[0], words[1:]
            words = []
            if kind == "{":
                if name not in BLOCKS:
                    raise ConfError(
                        f'unknown directive "{name}"'
                        if name not in KNOWN
                        else f'directive "{name}" has no opening "{{"',
                        self.path,
                        line,
                    )
                out.append(Directive(name, args, self.path, line, self.block(name)))
            elif name in BLOCKS and name in KNOWN:
                raise ConfError(f'directive "{name}" has no opening "{{"', self.path, line)
            else:
                out.append(Directive(name, args, self.path, line))


def _unescape(raw: str) -> str:
    out, i = [], 0
    while i < len(raw):
        c = raw[i]
        if c == "\\" and i + 1 < len(raw):
            nxt = raw[i + 1]
            if nxt in "\"'\\":
                out.append(nxt)
                i += 2
                continue
            if nxt in "tnr":
                out.append({"t": "\t", "n": "\n", "r": "\r"}[nxt])
                i += 2
                continue
        out.append(c)
        i += 1
    return "".join(out)


def _check(directives: list[Directive], context: str) -> None:
    """Unknown directives, wrong contexts, argument counts, unknown variables."""
    for d in directives:
        if d.name not in KNOWN:
            raise ConfError(f'unknown directive "{d.name}"', d.file, d.line)
        allowed = CONTEXTS.get(d.name)
        if allowed is not None and context not in allowed:
            raise ConfError(f'"{d.name}" directive is not allowed here', d.file, d.line)
        low, high = ARGS.get(d.name, (0, 99))
        if not low <= len(d.args) <= high:
            raise ConfError(f'invalid number of arguments in "{d.name}" directive', d.file, d.line)
        if d.name in ("return", "add_header", "log_format", "root", "try_files", "proxy_pass", "alias"):
            for arg in d.args:
                for name in re.findall(r"\$\{?([A-Za-z0-9_]+)\}?", arg):
                    if name not in VARIABLES and not name.startswith(VARIABLE_PREFIXES) and not name.isdigit():
                        raise ConfError(f'unknown "{name}" variable')
        if d.name == "return":
            code = d.args[0]
            if code.isdigit() and not (len(d.args) == 1 or 0 < int(code) < 1000):
                raise ConfError(f'invalid return code "{code}"', d.file, d.line)
        if d.block is not None and d.name not in ("types", "map"):
            _check(d.block, d.name if d.name != "if" else context)


# ---------------------------------------------------------------------------- model


@dataclass
class Settings:
    """Directives that inherit from http to server to location."""

    root: str = "/etc/nginx/html"
    index: list[str] = field(default_factory=lambda: ["index.html"])
    default_type: str = "text/plain"
    error_pages: dict[int, tuple[str, int | None]] = field(default_factory=dict)  # status -> (uri, override)
    add_headers: list[tuple[str, str]] = field(default_factory=list)
    access_log: tuple[str, str] | None = ("/var/log/nginx/access.log", "combined")
    alias: str | None = None

    def child(self) -> Settings:
        return Settings(self.root, list(self.index), self.default_type, dict(self.error_pages), list(self.add_headers),
                        self.access_log)  # fmt: skip


@dataclass
class Location:
    modifier: str  # "=", "^~", "~", "~*", ""
    pattern: str
    settings: Settings
    ret: tuple[int, str | None] | None = None
    proxy_pass: Directive | None = None
    try_files: list[str] | None = None
    locations: list[Location] = field(default_factory=list)

    def matches_prefix(self, uri: str) -> bool:
        return uri.startswith(self.pattern)

    def matches_regex(self, uri: str) -> bool:
        return re.search(self.pattern, uri, re.IGNORECASE if self.modifier == "~*" else 0) is not None


@dataclass
class Server:
    listens: list[tuple[str, int, bool]]  # (address, port, default_server)
    names: list[str]
    settings: Settings
    ret: tuple[int, str | None] | None = None
    locations: list[Location] = field(default_factory=list)

    def serves_name(self, host: str) -> bool:
        for name in self.names:
            if name.startswith("~"):
                if re.search(name[1:], host):
                    return True
            elif name.startswith("*."):
                if host.endswith(name[1:]):
                    return True
            elif name.startswith("."):
                if host == name[1:] or host.endswith(name):
                    return True
            elif host == name.lower():
                return True
        return False


@dataclass
class Config:
    servers: list[Server]
    log_formats: dict[str, str]
    types: dict[str, str]  # extension -> MIME type
    worker_processes: str = "1"
    pid: str = "/var/run/nginx.pid"
    user: str = "nobody"
    daemon: bool = True
    error_log: str = "/var/log/nginx/error.log"

    def ports(self) -> list[tuple[str, int]]:
        seen: list[tuple[str, int]] = []
        for server in self.servers:
            for addr, port, _ in server.listens:
                if (addr, port) not in seen:
                    seen.append((addr, port))
        return seen

    def server_for(self, port: int, host: str) -> Server | None:
        candidates = [s for s in self.servers if any(p == port for _, p, _ in s.listens)]
        for server in candidates:
            if server.serves_name(host):
                return server
        defaults = [s for s in candidates if any(p == port and d for _, p, d in s.listens)]
        return (defaults or candidates or [None])[0]


COMBINED = (
    '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"'
)


def build(directives: list[Directive]) -> Config:
    """The routing model of a parsed configuration."""
    cfg = Config([], {"combined": COMBINED}, {})
    for d in directives:
        if d.name == "worker_processes":
            cfg.worker_processes = d.args[0]
        elif d.name == "pid":
            cfg.pid = d.args[0]
        elif d.name == "user":
            cfg.user = d.args[0]
        elif d.name == "daemon":
            cfg.daemon = d.args[:1] != ["off"]
        elif d.name == "error_log" and d.args:
            cfg.error_log = d.args[0]
        elif d.name == "http" and d.block is not None:
            http = Settings()
            _settings(d.block, http, cfg)
            for s in d.block:
                if s.name == "server" and s.block is not None:
                    cfg.servers.append(_server(s.block, http.child(), cfg))
    return cfg


def _settings(directives: list[Directive], st: Settings, cfg: Config) -> None:
    for d in directives:
        if d.name == "root":
            st.root, st.alias = d.args[0].rstrip("/") or "/", None
        elif d.name == "alias":
            st.alias = d.args[0]
        elif d.name == "index":
            st.index = list(d.args)
        elif d.name == "default_type":
            st.default_type = d.args[0]
        elif d.name == "error_page":
            *codes, uri = d.args
            override = None
            if codes and codes[-1].startswith("="):
                override = int(codes.pop()[1:] or 0) or None
            for c in codes:
                st.error_pages[int(c)] = (uri, override)
        elif d.name == "add_header" and len(d.args) >= 2:
            st.add_headers.append((d.args[0], d.args[1]))
        elif d.name == "access_log":
            st.access_log = None if d.args[0] == "off" else (d.args[0], d.args[1] if len(d.args) > 1 else "combined")
        elif d.name == "log_format" and len(d.args) >= 2:
            cfg.log_formats[d.args[0]] = "".join(d.args[1:])
        elif d.name == "types" and d.block is not None:
            for t in d.block:
                for ext in t.args:
                    cfg.types[ext] = t.name


def _return(d: Directive) -> tuple[int, str | None]:
    if d.args[0].isdigit():
        return int(d.args[0]), d.args[1] if len(d.args) > 1 else None
    return 302, d.args[0]


def _server(block: list[Directive], st: Settings, cfg: Config) -> Server:
    _settings(block, st, cfg)
    server = Server([], [], st)
    for d in block:
        if d.name == "listen":
            server.listens.append(_listen(d))
        elif d.name == "server_name":
            server.names.extend(n.lower() for n in d.args)
        elif d.name == "return":
            server.ret = _return(d)
        elif d.name == "location" and d.block is not None:
            server.locations.append(_location(d, st.child(), cfg))
    if not server.listens:
        server.listens.append(("0.0.0.0", 80, False))
    return server


def _listen(d: Directive) -> tuple[str, int, bool]:
    spec, flags = d.args[0], d.args[1:]
    default = "default_server" in flags or "default" in flags
    if spec.startswith("["):
        addr, _, port = spec[1:].partition("]:")
        return "::", int(port or 80), default
    if ":" in spec:
        addr, _, port = spec.rpartition(":")
        return addr if addr != "*" else "0.0.0.0", int(port), default
    if spec.isdigit():
        return "0.0.0.0", int(spec), default
    return spec, 80, default


def _location(d: Directive, st: Settings, cfg: Config) -> Location:
    if len(d.args) == 2:
        modifier, pattern = d.args
    elif d.args[0][:2] in ("^~",):
        modifier, pattern = "^~", d.args[0][2:]
    elif d.args[0].startswith("=") and len(d.args[0]) > 1:
        modifier, pattern = "=", d.args[0][1:]
    elif d.args[0].startswith("~*"):
        modifier, pattern = "~*", d.args[0][2:]
    elif d.args[0].startswith("~"):
        modifier, pattern = "~", d.args[0][1:]
    else:
        modifier, pattern = "", d.args[0]
    assert d.block is not None
    _settings(d.block, st, cfg)
    loc = Location(modifier, pattern, st)
    for s in d.block:
        if s.name == "return":
            loc.ret = _return(s)
        elif s.name == "proxy_pass":
            loc.proxy_pass = s
        elif s.name == "try_files":
            loc.try_files = list(s.args)
        elif s.name == "location" and s.block is not None:
            loc.locations.append(_location(s, st.child(), cfg))
    return loc


def find_location(locations: list[Location], uri: str) -> Location | None:
    """nginx's order: exact ``=``; else the longest prefix; ``^~`` on it stops the search; else the
    first matching regex in file order; else that longest prefix."""
    for loc in locations:
        if loc.modifier == "=" and loc.pattern == uri:
            return loc
    prefixes = [loc for loc in locations if loc.modifier in ("", "^~") and loc.matches_prefix(uri)]
    longest = max(prefixes, key=lambda loc: len(loc.pattern), default=None)
    if longest is not None:
        nested = find_location(longest.locations, uri) if longest.locations else None
        if nested is not None:
            return nested
        if longest.modifier == "^~":
            return longest
    for loc in locations:
        if loc.modifier in ("~", "~*") and loc.matches_regex(uri):
            return loc
    return longest
