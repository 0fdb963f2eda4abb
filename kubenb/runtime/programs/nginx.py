"""nginx: the official image's entrypoint, the master process, and the HTTP it answers.

Startup prints what the real image prints (the ``/docker-entrypoint.sh`` lines, then nginx's
``[notice]`` lines up to ``start worker process``), writes the pid file, binds the configured
ports and starts one worker per CPU. Requests are answered from the configuration: ``return``
with variables, static files from the container's filesystem, ``proxy_pass`` through the pod's
network; errors use nginx's built-in pages (``ngx_http_special_response.c``), CRLF line ends and
all. Stopping follows the image's STOPSIGNAL, SIGQUIT: a graceful shutdown and exit code 0.
"""

from __future__ import annotations

import posixpath
import re
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

from kubenb.runtime.fs import Device, Dir, FsError, Node, Symlink
from kubenb.runtime.http import REASONS, HttpRequest, HttpResponse, http_date
from kubenb.runtime.nginx_files import DEFAULT_CONF
from kubenb.runtime.process import Process, Stream
from kubenb.runtime.program import SIGNAL_NAMES, SIGNALS, Forever, Program
from kubenb.runtime.programs import nginxconf
from kubenb.runtime.programs.applet import Gen
from kubenb.runtime.programs.nginxconf import ConfError, Config, Location, Settings
from kubenb.runtime.sandbox import ConnectError

CRLF = "\r\n"
SPECIAL = {
    301: "301 Moved Permanently", 302: "302 Found", 303: "303 See Other", 307: "307 Temporary Redirect",
    308: "308 Permanent Redirect", 400: "400 Bad Request", 401: "401 Authorization Required", 403: "403 Forbidden",
    404: "404 Not Found", 405: "405 Not Allowed", 408: "408 Request Time-out", 413: "413 Request Entity Too Large",
    500: "500 Internal Server Error", 501: "501 Not Implemented", 502: "502 Bad Gateway",
    503: "503 Service Temporarily Unavailable", 504: "504 Gateway Time-out",
}  # fmt: skip
# nginx's own reason phrases differ from RFC 9110 for a few codes.
NGINX_REASONS = {302: "Moved Temporarily", 408: "Request Time-out", 413: "Request Entity Too Large",
                 414: "Request-URI Too Large", 503: "Service Temporarily Unavailable", 504: "Gateway Time-out"}  # fmt: skip


def server_token(version: str) -> str:
    """What nginx calls itself: ``nginx/1.21.6``, or bare ``nginx`` with ``server_tokens off`` (version "")."""
    return f"nginx/{version}" if version else "nginx"


def special_page(status: int, version: str) -> bytes:
    """nginx's built-in error or redirect page; its tail is :func:`server_token`."""
    title = SPECIAL.get(status)
    if title is None:
        return b""
    page = f"<html>{CRLF}<head><title>{title}</title></head>{CRLF}<body>{CRLF}<center><h1>{title}</h1></center>{CRLF}"
    tail = f"<hr><center>{server_token(version)}</center>{CRLF}</body>{CRLF}</html>{CRLF}"
    return (page + tail).encode()


def relay(got: HttpResponse, version: str, now: float) -> HttpResponse:
    """An upstream's response as nginx passes it on: its own Server and Date, the upstream's
    Content-Type, then Content-Length, Connection, and the upstream's other headers in order."""
    passed = [(k, v) for k, v in got.headers if k.lower() not in ("server", "date", "connection", "content-length")]
    ctype = [(k, v) for k, v in passed if k.lower() == "content-type"]
    rest = [(k, v) for k, v in passed if k.lower() != "content-type"]
    headers = [("Server", server_token(version)), ("Date", http_date(now)), *ctype,
               ("Content-Length", str(len(got.body))), ("Connection", "keep-alive"), *rest]  # fmt: skip
    return HttpResponse(got.status, headers, got.body, got.reason)


def error_log_time(t: float) -> str:
    return datetime.fromtimestamp(int(t), UTC).strftime("%Y/%m/%d %H:%M:%S")


# ---------------------------------------------------------------------------- entrypoint

# What 10-listen-on-ipv6-by-default.sh makes of the packaged default.conf (the only file it edits):
# one shared bytes object, not a copy per container.
_IPV6_DEFAULT_CONF = DEFAULT_CONF.replace("listen       80;", "listen       80;\n    listen  [::]:80;", 1).encode()


# What the scripts printed and wrote, per image tree they ran in. They read only /docker-entrypoint.d
# and /etc/nginx (and the variables naming other places), so where both are an image's frozen
# directories, free of mounts and symlinks, and those variables unset, they do the same every time:
# computed once per image, replayed (the writes still land in each container's own upper layer).
_REPLAYS: dict[tuple[Node, Node], tuple[str, tuple[tuple[str, bytes], ...]] | None] = {}
_READ = ("/docker-entrypoint.d", "/etc/nginx")
_NAMING_ELSEWHERE = ("NGINX_ENVSUBST_TEMPLATE_DIR", "NGINX_ENVSUBST_TEMPLATE_SUFFIX", "NGINX_ENVSUBST_OUTPUT_DIR")


def _replay_key(proc: Process) -> tuple[Node, Node] | None:
    """The frozen (never changing) directories the scripts would read, or None if they may differ."""
    if any(name in proc.env for name in _NAMING_ELSEWHERE):
        return None
    fs = proc.fs
    if any(fs.mounted_around(d) for d in _READ):
        return None
    try:
        scripts, conf = fs.node(_READ[0]), fs.node(_READ[1])
    except FsError:
        return None
    if not (scripts.frozen and conf.frozen and fs.unchanged(scripts) and fs.unchanged(conf)):
        return None  # the container has changed something there: its own copy may differ
    key = (scripts, conf)
    if key not in _REPLAYS:
        plain = isinstance(conf, Dir) and _frozen_plain(scripts) and \
            all(_frozen_plain(conf.children[d]) for d in ("conf.d", "templates") if d in conf.children)
        if not plain:
            _REPLAYS[key] = None  # frozen nodes never change: neither does this answer
    return key if _REPLAYS.get(key, True) is not None else None


def _frozen_plain(node: Node) -> bool:
    """A frozen tree with no symlink in it (nothing read there can lead elsewhere)."""
    if not node.frozen or isinstance(node, Symlink):
        return False
    return not isinstance(node, Dir) or all(_frozen_plain(child) for child in node.children.values())


@lru_cache(maxsize=64)
def _master_title(argv: tuple[str, ...]) -> str:
    """What ``ps`` shows for the master: one string for every pod started the same way."""
    return "nginx: master process " + " ".join(argv)


class NginxEntrypoint(Program):
    """``/docker-entrypoint.sh``: the scripts in /docker-entrypoint.d, then ``exec "$@"``."""

    __slots__ = ()

    def main(self, proc: Process) -> Gen:
        argv = proc.argv[1:]
        if argv and argv[0] in ("nginx", "nginx-debug"):
            quiet = bool(proc.getenv("NGINX_ENTRYPOINT_QUIET_LOGS"))
            self.configure(proc, quiet)
        if not argv:
            return 0
        proc.container.skip_pids(29 if proc.container.image.userland == "gnu" else 30)
        return (yield from proc.exec(argv, tail=True))

    def configure(self, proc: Process, quiet: bool) -> None:
        """Run the scripts, or replay what they did in an identical image tree (see `_replay_key`)."""
        key = _replay_key(proc)
        done = _REPLAYS.get(key) if key is not None else None
        if done is None:
            lines: list[str] = []
            writes: list[tuple[str, bytes]] = []

            def write(path: str, data: bytes) -> None:
                proc.fs.write(path, data)
                writes.append((path, data))

            self.run_scripts(proc, lines.append, write)
            done = ("\n".join(lines) + "\n" if lines else "", tuple(writes))
            if key is not None:
                _REPLAYS[key] = done
        else:
            for path, data in done[1]:
                proc.fs.write(path, data)
        if not quiet and done[0]:
            proc.out(done[0])  # one write (one text for every pod): the lines arrive at the same instant

    def run_scripts(self, proc: Process, log: Any, write: Any) -> None:
        """The scripts in /docker-entrypoint.d, in name order; `log` gets each line, `write` each file."""
        me = "/docker-entrypoint.sh"

        fs = proc.fs
        try:
            scripts = fs.listdir("/docker-entrypoint.d")
        except FsError:
            scripts = []
        if not scripts:
            log(f"{me}: No files found in /docker-entrypoint.d/, skipping configuration")
            return
        log(f"{me}: /docker-entrypoint.d/ is not empty, will attempt to perform configuration")
        log(f"{me}: Looking for shell scripts in /docker-entrypoint.d/")
        for name in sorted(scripts):
            path = f"/docker-entrypoint.d/{name}"
            executable = bool(fs.stat(path).mode & 0o111)
            if not name.endswith((".sh", ".envsh")):
                log(f"{me}: Ignoring {path}")
                continue
            if not executable:
                log(f"{me}: Ignoring {path}, not executable")
                continue
            log(f"{me}: {'Sourcing' if name.endswith('.envsh') else 'Launching'} {path}")
            if name.startswith("10-listen-on-ipv6"):
                self.listen_ipv6(proc, name, log, write)
            elif name.startswith("20-envsubst"):
                self.envsubst(proc, name, log, write)
        log(f"{me}: Configuration complete; ready for start up")

    @staticmethod
    def listen_ipv6(proc: Process, me: str, log: Any, write: Any) -> None:
        """What 10-listen-on-ipv6-by-default.sh checks and changes (its messages go to stdout)."""
        path = "/etc/nginx/conf.d/default.conf"
        fs = proc.fs
        if not fs.is_file(path):
            log(f"{me}: info: {path} is not a file or does not exist")
            return
        if not fs.is_writable(path):
            log(f"{me}: info: can not modify {path} (read-only file system?)")
            return
        text = fs.read_text(path)
        if "listen  [::]:80;" in text:
            log(f"{me}: info: IPv6 listen already enabled")
            return
        log(f"{me}: info: Getting the checksum of {path}")
        if text != DEFAULT_CONF:
            log(f"{me}: info: {path} differs from the packaged version")
            return
        write(path, _IPV6_DEFAULT_CONF)
        log(f"{me}: info: Enabled listen on IPv6 in {path}")

    @staticmethod
    def envsubst(proc: Process, me: str, log: Any, write: Any) -> None:
        """20-envsubst-on-templates.sh: /etc/nginx/templates/*.template -> conf.d, with env values."""
        fs = proc.fs
        src = proc.getenv("NGINX_ENVSUBST_TEMPLATE_DIR", "/etc/nginx/templates")
        suffix = proc.getenv("NGINX_ENVSUBST_TEMPLATE_SUFFIX", ".template")
        out = proc.getenv("NGINX_ENVSUBST_OUTPUT_DIR", "/etc/nginx/conf.d")
        if not fs.is_dir(src):
            return
        if not fs.is_writable(out):
            log(f"{me}: ERROR: {src} exists, but {out} is not writable")
            return
        for path in fs.walk(src):
            if fs.is_file(path) and path.endswith(suffix):
                rel = path[len(src) + 1 : -len(suffix)]
                target = posixpath.join(out, rel)
                fs.makedirs(posixpath.dirname(target))
                log(f"{me}: Running envsubst on {path} to {target}")
                text = fs.read_text(path)
                write(target, re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?",
                                        lambda m: proc.env.get(m.group(1), m.group(0)), text))  # fmt: skip


# ---------------------------------------------------------------------------- the server


class _Serving:
    """A serving master's frames, as an object its driver steps (see :meth:`Process.become`): each
    signal is :meth:`Nginx.signalled`, as in the loop of :meth:`Nginx.serve`; 56 bytes, not 900."""

    __slots__ = ("nginx", "config")

    def __init__(self, nginx: Nginx, config: Config) -> None:
        self.nginx = nginx
        self.config = config

    def send(self, sig: Any) -> Forever:
        nginx = self.nginx
        if sig is None:  # the driver's first step (a None signal is nothing to the loop either)
            return Forever()
        assert nginx.proc is not None
        code = nginx.signalled(nginx.proc, self.config, sig)
        if code is not None:
            raise StopIteration(code)
        return Forever()

    def throw(self, exc: BaseException) -> Forever:
        raise exc  # nothing to unwind: the exception ends the process, as it would end the loop

    def close(self) -> None:
        pass


class Nginx(Program):
    """The nginx binary: ``-v``, ``-V``, ``-t``, ``-s SIGNAL``, or the master process."""

    __slots__ = ("daemonized", "proc", "config", "workers", "connections", "log_streams")
    memory = 3 << 20
    worker_memory = 2_600_000

    def __init__(self, daemonized: bool = False) -> None:
        self.daemonized = daemonized  # the background master a daemonizing ``nginx`` left behind
        self.proc: Process | None = None
        self.config: Config | None = None
        self.workers: list[Process] = []
        self.connections = 0
        self.log_streams: dict[str, Stream] = {}

    @staticmethod
    def version(proc: Process) -> str:
        return proc.container.image.meta.get("nginx.version", "1.23.4")

    def main(self, proc: Process) -> Gen:
        args = proc.argv[1:]
        version = self.version(proc)
        conf_path = "/etc/nginx/nginx.conf"
        daemon_off = False
        signal = None
        test = False
        while args:
            a = args.pop(0)
            if a == "-v":
                proc.err(f"nginx version: nginx/{version}\n")
                return 0
            if a == "-V":
                meta = proc.container.image.meta
                proc.err(f"nginx version: nginx/{version}\nbuilt by {meta.get('nginx.gcc', 'gcc').rstrip()}\n"
                         "built with OpenSSL 3.0.8 7 Feb 2023\nTLS SNI support enabled\n"
                         "configure arguments: --prefix=/etc/nginx --sbin-path=/usr/sbin/nginx "
                         "--conf-path=/etc/nginx/nginx.conf --error-log-path=/var/log/nginx/error.log "
                         "--http-log-path=/var/log/nginx/access.log --pid-path=/var/run/nginx.pid\n")  # fmt: skip
                return 0
            if a == "-t":
                test = True
            elif a == "-c" and args:
                conf_path = args.pop(0)
            elif a == "-g" and args:
                daemon_off = "daemon off" in args.pop(0)
            elif a == "-s" and args:
                signal = args.pop(0)
        try:
            config = self.load(proc, conf_path)
        except ConfError as e:
            if not test:  # the error log gets it first (it was opened before the bad file was read)
                self.error_log(proc, f"[emerg] 1#1: {e.text}")
            proc.err(f"nginx: [emerg] {e.text}\n")
            if test:
                proc.err(f"nginx: configuration file {conf_path} test failed\n")
            return 1
        if test:
            proc.err(f"nginx: the configuration file {conf_path} syntax is ok\n"
                     f"nginx: configuration file {conf_path} test is successful\n")  # fmt: skip
            return 0
        if signal is not None:
            return self.send_signal(proc, config, signal)
        if config.daemon and not daemon_off and not self.daemonized:
            # Without `daemon off;` nginx forks a master and exits: a container whose command is a
            # bare `nginx` therefore stops at once (Completed), a classic first mistake.
            master = Nginx(daemonized=True)
            proc.container.spawn(proc.argv, master, proc, title="nginx: master process nginx")
            return 0
        return (yield from self.serve(proc, config))

    def load(self, proc: Process, path: str) -> Config:
        config = nginxconf.configure(proc.fs, path)
        for server in config.servers:
            for loc in _all_locations(server.locations):
                if loc.proxy_pass is not None:
                    host = _upstream(loc.proxy_pass.args[0])[0]
                    if not proc.container.sandbox.resolve(host)[1]:
                        raise ConfError(
                            f'host not found in upstream "{host}"', loc.proxy_pass.file, loc.proxy_pass.line
                        )
        return config

    def send_signal(self, proc: Process, config: Config, name: str) -> int:
        number = {"stop": "SIGTERM", "quit": "SIGQUIT", "reopen": "SIGUSR1", "reload": "SIGHUP"}.get(name)
        if number is None:
            proc.err(f'nginx: invalid option: "-s {name}"\n')
            return 1
        try:
            pid = int(proc.fs.read_text(config.pid).strip() or 0)
        except (FsError, ValueError):
            proc.err(f'nginx: [error] open() "{config.pid}" failed (2: No such file or directory)\n')
            return 1
        if not proc.container.signal(pid, number):
            proc.err(f"nginx: [error] kill({pid}, {SIGNALS[number]}) failed (3: No such process)\n")
            return 1
        return 0

    def start_serving(self, proc: Process, config: Config) -> bool:
        """Write the pid file, log the start, bind, fork the workers; False if the pid file cannot be
        written. Not the start of :meth:`serve`: what it computes is not kept alive by the suspended
        generator for the master's whole life (150,000 of them at scale)."""
        self.proc, self.config = proc, config
        t = error_log_time(proc.now())
        try:
            proc.fs.write(config.pid, f"{proc.pid}\n")
        except FsError as e:
            self.error_log(
                proc, f'[emerg] 1#1: open() "{config.pid}" failed ({nginxconf._errno(e.code)}: {e.strerror()})'
            )
            return False
        meta = proc.container.image.meta
        host = proc.container.sandbox.host
        notice = f"{t} [notice] {proc.pid}#{proc.pid}: "
        self.error_log(proc, "\n".join(notice + text for text in (  # one write: they are logged at one instant
            'using the "epoll" event method',
            f"nginx/{self.version(proc)}",
            f"built by {meta.get('nginx.gcc', 'gcc ')}",
            f"OS: Linux {host.kernel_release}",
            "getrlimit(RLIMIT_NOFILE): 1048576:1048576",
            "start worker processes",
        )), stamped=True)  # fmt: skip
        self.bind(proc, config)
        self.start_workers(proc, config, t)
        return True

    def serve(self, proc: Process, config: Config) -> Gen:
        if not self.start_serving(proc, config):
            return 1
        yield from proc.become(self, _Serving(self, config))  # no frames kept while it serves, where it can
        while True:
            code = self.signalled(proc, config, (yield Forever()))
            if code is not None:
                return code

    def signalled(self, proc: Process, config: Config, sig: Any) -> int | None:
        """The master's answer to a signal while it serves (`config`: what it started serving, whose
        pid file it removes at the end): its exit code once it ends, None to go on."""
        name = SIGNAL_NAMES.get(sig, str(sig))
        t = error_log_time(proc.now())
        pid = proc.pid
        if name == "SIGHUP":
            self.reload(proc, t)
            return None
        if name == "SIGUSR1":
            self.error_log(
                proc, f"{t} [notice] {pid}#{pid}: signal {sig} ({name}) received, reopening logs", stamped=True
            )
            return None
        if name not in ("SIGQUIT", "SIGTERM", "SIGINT"):
            return None
        graceful = name == "SIGQUIT"
        self.error_log(
            proc,
            f"{t} [notice] {pid}#{pid}: signal {sig} ({name}) received, {'shutting down' if graceful else 'exiting'}",
            stamped=True,
        )
        for w in self.workers:
            if graceful:
                self.error_log(proc, f"{t} [notice] {w.pid}#{w.pid}: gracefully shutting down", stamped=True)
            self.error_log(proc, f"{t} [notice] {w.pid}#{w.pid}: exiting", stamped=True)
            self.error_log(proc, f"{t} [notice] {w.pid}#{w.pid}: exit", stamped=True)
        for w in self.workers:
            self.error_log(
                proc, f"{t} [notice] {pid}#{pid}: signal 17 (SIGCHLD) received from {w.pid}", stamped=True
            )
            self.error_log(
                proc, f"{t} [notice] {pid}#{pid}: worker process {w.pid} exited with code 0", stamped=True
            )
            w.finish(0)
        self.error_log(proc, f"{t} [notice] {pid}#{pid}: exit", stamped=True)
        try:
            proc.fs.remove(config.pid)
        except FsError:
            pass
        return 0

    def bind(self, proc: Process, config: Config) -> None:
        proc.close_ports()
        for addr, port in config.ports():
            proc.listen(port, v4=addr != "::", v6=addr == "::")

    def start_workers(self, proc: Process, config: Config, t: str) -> None:
        n = config.worker_processes
        count = proc.container.sandbox.host.cpus if n == "auto" else max(1, int(n) if n.isdigit() else 1)
        uid = proc.container.uid_of(config.user) if proc.uid == 0 else proc.uid
        for _ in range(count):
            w = proc.spawn_passive("nginx: worker process", uid, self.worker_memory)
            self.workers.append(w)
            self.error_log(proc, f"{t} [notice] {proc.pid}#{proc.pid}: start worker process {w.pid}", stamped=True)
        proc.title = _master_title(tuple(proc.argv))

    def reload(self, proc: Process, t: str) -> None:
        pid = proc.pid
        self.error_log(
            proc, f"{t} [notice] {pid}#{pid}: signal 1 (SIGHUP) received from {pid}, reconfiguring", stamped=True
        )
        self.error_log(proc, f"{t} [notice] {pid}#{pid}: reconfiguring", stamped=True)
        try:
            config = self.load(proc, "/etc/nginx/nginx.conf")
        except ConfError as e:
            self.error_log(proc, f"{t} [emerg] {pid}#{pid}: {e.text}", stamped=True)
            return
        self.config = config
        self.bind(proc, config)
        old, self.workers = self.workers, []
        self.error_log(proc, f'{t} [notice] {pid}#{pid}: using the "epoll" event method', stamped=True)
        self.error_log(proc, f"{t} [notice] {pid}#{pid}: start worker processes", stamped=True)
        self.start_workers(proc, config, t)
        for w in old:
            self.error_log(proc, f"{t} [notice] {w.pid}#{w.pid}: gracefully shutting down", stamped=True)
            w.finish(0)

    def on_signal(self, proc: Process, sig: int) -> None:
        proc.wake(sig)

    # -- logging --------------------------------------------------------------------------

    def error_log(self, proc: Process, line: str, stamped: bool = False) -> None:
        """A line of the error log (the image links it to stderr)."""
        if not stamped:
            line = f"{error_log_time(proc.now())} {line}"
        path = self.config.error_log if self.config is not None else "/var/log/nginx/error.log"
        self.log(proc, path, line + "\n", stderr=True)

    def access_log(self, st: Settings, values: dict[str, str]) -> None:
        proc, config = self.proc, self.config
        if st.access_log is None or proc is None or config is None:
            return
        path, fmt = st.access_log
        template = config.log_formats.get(fmt, nginxconf.COMBINED)
        line = re.sub(r"\$\{?([A-Za-z0-9_]+)\}?", lambda m: values.get(m.group(1)) or "-", template)
        self.log(proc, path, line + "\n", stderr=False)

    def log(self, proc: Process, path: str, text: str, stderr: bool) -> None:
        stream = self.log_streams.get(path)
        if stream is None:
            stream = self.log_streams[path] = _log_stream(proc, path, stderr)
        stream.write(text)

    # -- HTTP ------------------------------------------------------------------------------

    def handle_http(self, request: HttpRequest) -> HttpResponse:
        assert self.proc is not None and self.config is not None
        self.connections += 1
        return _Exchange(self, self.proc, self.config, request).run()


class _Exchange:
    """One request's trip through the configuration."""

    def __init__(self, nginx: Nginx, proc: Process, config: Config, request: HttpRequest) -> None:
        self.nginx = nginx
        self.proc = proc
        self.config = config
        self.request = request
        self.version = Nginx.version(proc)
        self.now = proc.now()
        self.server = config.server_for(request.server_port, request.host.lower())
        self.settings: Settings = self.server.settings if self.server else Settings()
        self.worker = nginx.workers[0].pid if nginx.workers else proc.pid
        self.uri = ""

    def run(self) -> HttpResponse:
        uri = _normalize(self.request.path)
        if uri is None:
            response = self.special(400)
        else:
            response = self.route(uri, depth=0)
        values = self.variables()
        values.update(status=str(response.status), body_bytes_sent=str(len(response.body)))
        self.nginx.access_log(self.settings, values)
        if self.request.method == "HEAD":
            response.body = b""
        return response

    def route(self, uri: str, depth: int, error_pages: bool = True) -> HttpResponse:
        self.uri = uri
        server = self.server
        if server is None:
            return self.special(404)
        if server.ret is not None and depth == 0:
            return self.respond_return(server.ret, server.settings)
        loc = nginxconf.find_location(server.locations, uri)
        st = loc.settings if loc else server.settings
        self.settings = st
        if loc is not None and loc.ret is not None:
            response = self.respond_return(loc.ret, st)
        elif loc is not None and loc.proxy_pass is not None:
            response = self.proxy(loc, uri)
        elif loc is not None and loc.try_files:
            response = self.try_files(loc, uri, depth)
        else:
            response = self.static(loc, st, uri, depth)
        if error_pages and response.status in st.error_pages:
            page, override = st.error_pages[response.status]
            if page.startswith("/"):
                inner = self.route(page, depth + 1, error_pages=False)
                if inner.status == 200:
                    inner.status = override or response.status
                    inner.reason = NGINX_REASONS.get(inner.status, "") or _reason(inner.status)
                    return inner
        return response

    def respond_return(self, ret: tuple[int, str | None], st: Settings) -> HttpResponse:
        code, text = ret
        if text is None:
            return self.special(code) if code in SPECIAL else self.make(code, b"", st.default_type)
        value = self.expand(text)
        if code in (301, 302, 303, 307, 308):
            location = value if "://" in value or not value.startswith("/") else self.absolute(value)
            return self.special(code, [("Location", location)])
        return self.make(code, value.encode(), st.default_type, extra=st.add_headers)

    def static(self, loc: Location | None, st: Settings, uri: str, depth: int) -> HttpResponse:
        path = self.file_path(loc, st, uri)
        fs = self.proc.fs
        if uri.endswith("/"):
            for name in st.index:
                candidate = path + name
                if fs.is_file(candidate):
                    if depth < 5:
                        return self.route(uri + name, depth + 1, error_pages=False)
                    return self.file(candidate, st)
            if fs.is_dir(path):
                self.error(f'directory index of "{path}" is forbidden')
                return self.special(403)
            self.error(f'"{path}{st.index[0]}" is not found (2: No such file or directory)')
            return self.special(404)
        try:
            node = fs.node(path)
        except FsError as e:
            self.error(f'open() "{path}" failed ({nginxconf._errno(e.code)}: {e.strerror()})')
            return self.special(404 if e.code in ("ENOENT", "ENOTDIR") else 403)
        if fs.is_dir(path):
            return self.special(301, [("Location", self.absolute(uri + "/"))])
        if isinstance(node, Device):
            return self.special(403)
        return self.file(path, st)

    def file_path(self, loc: Location | None, st: Settings, uri: str) -> str:
        if loc is not None and st.alias is not None:
            return st.alias + uri[len(loc.pattern) :]
        root = self.expand(st.root)
        if not root.startswith("/"):
            root = "/etc/nginx/" + root
        return root.rstrip("/") + uri

    def file(self, path: str, st: Settings) -> HttpResponse:
        fs = self.proc.fs
        info = fs.stat(path)
        data = fs.read(path)
        ext = path.rsplit(".", 1)[-1] if "." in posixpath.basename(path) else ""
        ctype = self.config.types.get(ext, st.default_type)
        extra = [("Last-Modified", http_date(info.mtime))]
        response = self.make(200, data, ctype, extra=extra, tail=[("ETag", f'"{int(info.mtime):x}-{len(data):x}"'),
                                                                   ("Accept-Ranges", "bytes"), *st.add_headers])  # fmt: skip
        return response

    def try_files(self, loc: Location, uri: str, depth: int) -> HttpResponse:
        assert loc.try_files is not None
        *candidates, fallback = loc.try_files
        for c in candidates:
            value = self.expand(c)
            path = self.file_path(loc, loc.settings, value)
            if value.endswith("/") and self.proc.fs.is_dir(path):
                return self.static(loc, loc.settings, value, depth)
            if self.proc.fs.is_file(path):
                return self.file(path, loc.settings)
        if fallback.startswith("="):
            code = int(fallback[1:])
            return self.special(code) if code in SPECIAL else self.make(code, b"", loc.settings.default_type)
        return self.route(self.expand(fallback), depth + 1) if depth < 5 else self.special(500)

    def proxy(self, loc: Location, uri: str) -> HttpResponse:
        assert loc.proxy_pass is not None
        host, port, path = _upstream(self.expand(loc.proxy_pass.args[0]))
        target = (path + uri[len(loc.pattern) :] if path else self.request.target) or "/"
        if path and self.request.query:
            target += "?" + self.request.query
        sandbox = self.proc.container.sandbox
        addresses = sandbox.resolve(host)[1]
        upstream = f"http://{addresses[0] if addresses else host}:{port}{target}"
        try:
            endpoint = sandbox.connect(addresses[0], port) if addresses else None
        except ConnectError as e:
            endpoint = None
            reason = "111: Connection refused" if e.kind == "refused" else "113: No route to host"
        else:
            reason = "111: Connection refused"
        if endpoint is None or not hasattr(endpoint.program, "handle_http"):
            self.error(f"connect() failed ({reason}) while connecting to upstream", upstream=upstream)
            return self.special(502)
        headers = [("Host", host if port == 80 else f"{host}:{port}"), ("Connection", "close")]
        headers += [(k, v) for k, v in self.request.headers if k.lower() not in ("host", "connection")]
        upstream_request = HttpRequest(self.request.method, target, headers, self.request.body, client_ip=endpoint.client_ip,
                                       server_ip=endpoint.server_ip, server_port=endpoint.server_port)  # fmt: skip
        got = endpoint.program.handle_http(upstream_request)  # type: ignore[attr-defined]
        return relay(got, self.version, self.now)

    # -- building responses ---------------------------------------------------------------

    def make(self, status: int, body: bytes, ctype: str, extra: list[tuple[str, str]] = (),  # type: ignore[assignment]
             tail: list[tuple[str, str]] = ()) -> HttpResponse:  # type: ignore[assignment]  # fmt: skip
        headers = [("Server", f"nginx/{self.version}"), ("Date", http_date(self.now)), ("Content-Type", ctype),
                   ("Content-Length", str(len(body))), *extra, ("Connection", "keep-alive"), *tail]  # fmt: skip
        return HttpResponse(status, headers, body, NGINX_REASONS.get(status, "") or _reason(status))

    def special(self, status: int, extra: list[tuple[str, str]] = ()) -> HttpResponse:  # type: ignore[assignment]
        return self.make(status, special_page(status, self.version), "text/html", tail=list(extra))

    def absolute(self, path: str) -> str:
        host = self.request.host or (
            self.server.names[0] if self.server and self.server.names else self.request.server_ip
        )
        port = self.request.server_port
        return f"http://{host}{'' if port == 80 else f':{port}'}{path}"

    def error(self, message: str, upstream: str = "") -> None:
        r = self.request
        server = self.server.names[0] if self.server and self.server.names else ""
        extra = f', upstream: "{upstream}"' if upstream else ""
        host = f', host: "{r.header("Host")}"' if r.header("Host") else ""
        line = (f"[error] {self.worker}#{self.worker}: *{self.nginx.connections} {message}, client: {r.client_ip}, "
                f'server: {server}, request: "{r.request_line}"{extra}{host}')  # fmt: skip
        self.nginx.error_log(self.proc, line)

    # -- variables ------------------------------------------------------------------------

    def variables(self) -> dict[str, str]:
        r = self.request
        d = datetime.fromtimestamp(int(self.now), UTC)
        values = {
            "hostname": self.proc.container.sandbox.hostname, "server_addr": r.server_ip, "server_port": str(r.server_port),
            "remote_addr": r.client_ip, "remote_port": str(r.client_port), "remote_user": "", "request_uri": r.target,
            "uri": self.uri, "document_uri": self.uri, "request_method": r.method,
            "host": (r.host or (self.server.names[0] if self.server and self.server.names else "")).lower(),
            "nginx_version": self.version, "time_iso8601": d.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
            "time_local": d.strftime("%d/%b/%Y:%H:%M:%S +0000"), "args": r.query, "query_string": r.query,
            "is_args": "?" if r.query else "", "scheme": "http", "server_protocol": r.version, "request": r.request_line,
            "pid": str(self.worker), "msec": f"{self.now:.3f}", "server_name": self.server.names[0] if self.server and self.server.names else "",
            "document_root": self.settings.root, "request_filename": self.settings.root + self.uri,
            "content_type": r.header("Content-Type") or "", "content_length": r.header("Content-Length") or "",
            "request_length": str(len(r.request_line) + 2), "request_time": "0.000", "connection": str(self.nginx.connections),
        }  # fmt: skip
        for k, v in r.headers:
            values["http_" + k.lower().replace("-", "_")] = v
        for pair in r.query.split("&"):
            if "=" in pair:
                k, _, v = pair.partition("=")
                values["arg_" + k] = v
        return values

    def expand(self, text: str) -> str:
        if "$" not in text:
            return text
        values = self.variables()
        return re.sub(r"\$\{?([A-Za-z0-9_]+)\}?", lambda m: values.get(m.group(1), ""), text)


def _reason(status: int) -> str:
    return REASONS.get(status, "")


def _normalize(path: str) -> str | None:
    """Decode and clean a request path; None when ``..`` climbs above the root (400)."""
    parts: list[str] = []
    for seg in unquote(path).split("/"):
        if seg in ("", "."):
            continue
        if seg == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(seg)
    trailing = "/" if path.endswith("/") and parts else ""
    return "/" + "/".join(parts) + trailing


def _upstream(url: str) -> tuple[str, int, str]:
    rest = url.split("://", 1)[-1]
    hostport, slash, path = rest.partition("/")
    host, _, port = hostport.partition(":")
    return host, int(port) if port.isdigit() else 80, ("/" + path) if slash else ""


def _all_locations(locations: list[Location]) -> list[Location]:
    out: list[Location] = []
    for loc in locations:
        out.append(loc)
        out.extend(_all_locations(loc.locations))
    return out


def _log_stream(proc: Process, path: str, stderr: bool) -> Stream:
    """Where a log path writes: the image links the default logs to /dev/stdout and /dev/stderr."""
    if path in ("stderr", "stdout"):
        return proc.stderr if path == "stderr" else proc.stdout
    try:
        return proc.open_output(path if path.startswith("/") else "/etc/nginx/" + path, append=True)
    except FsError:
        return proc.stderr if stderr else proc.stdout
