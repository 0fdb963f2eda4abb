"""The NGINX Ingress Controllers: a Go process driving an nginx.

NGINX Inc.'s (``nginx/nginx-ingress``): PID 1 is ``/nginx-ingress`` (readiness on ``:::8081``);
ingress-nginx's (``registry.k8s.io/ingress-nginx/controller``): ``/nginx-ingress-controller``
(``/healthz`` on 10254), whose nginx runs with ``server_tokens off`` (``Server: nginx``). The
image's ``ingress.health`` meta says which. The Go process starts nginx, which listens on 80, 443
and 8080 and routes by Ingress rules. The rules are the network layer's business: nginx asks
:meth:`~kubenb.runtime.container.Network.ingress` with the controller's ``-ingress-class`` and
answers what the chosen backend answered, with nginx's own headers in front (``Server:
nginx/1.21.6``), or nginx's 404 page when no rule matches. nginx runs with file capabilities,
so ``netstat -p`` cannot name it (``-``), as in the course's transcript.
"""

from __future__ import annotations

from datetime import UTC, datetime

from kubenb.runtime.http import HttpRequest, HttpResponse
from kubenb.runtime.process import Process
from kubenb.runtime.program import SIGNAL_NAMES, Forever, Program
from kubenb.runtime.programs.applet import Gen
from kubenb.runtime.programs.nginx import error_log_time, relay, special_page


def served_version(meta: dict[str, str]) -> str:
    """The nginx version its pages and ``Server`` header show: "" (bare ``nginx``) with server_tokens off."""
    return "" if meta.get("nginx.server_tokens") == "off" else meta.get("nginx.version", "1.21.6")


def klog_time(t: float) -> str:
    """klog's header time: ``I0624 13:59:45.123456`` without the severity letter."""
    d = datetime.fromtimestamp(int(t), UTC)
    return d.strftime("%m%d %H:%M:%S") + f".{int(t * 1_000_000) % 1_000_000:06d}"


class IngressController(Program):
    memory = 22 << 20

    def main(self, proc: Process) -> Gen:
        ingress_class = "nginx"
        for a in proc.argv[1:]:
            if a.lstrip("-").startswith("ingress-class="):
                ingress_class = a.split("=", 1)[1]
        meta = proc.container.image.meta
        template = meta.get("generic.log", "")
        for line in template.splitlines():
            proc.err(line.format(klog=klog_time(proc.now()), hostname=proc.container.sandbox.hostname) + "\n")
        health = meta.get("ingress.health", "8081 /nginx-ready Ready").split()
        self.health = (health[1], health[2].encode())
        if health[0] == "8081":  # NGINX Inc.'s
            proc.err(f"I{klog_time(proc.now())}       1 main.go:353] Nginx Ingress Controller has class: "
                     f"{ingress_class}\n")
            proc.listen(8081, v4=False, v6=True)
        else:
            proc.listen(int(health[0]), v4=True, v6=True)
        nginx = IngressNginx(ingress_class)
        proc.container.spawn(
            ["nginx", "-g", "daemon off;"], nginx, proc, title="nginx: master process nginx -g daemon off;"
        )
        while True:
            sig = yield Forever()
            if SIGNAL_NAMES.get(sig) in ("SIGTERM", "SIGINT", "SIGQUIT"):
                proc.err(f"I{klog_time(proc.now())}       1 main.go:1006] Received SIGTERM, shutting down\n")
                return 0

    def on_signal(self, proc: Process, sig: int) -> None:
        proc.wake(sig)

    def handle_http(self, request: HttpRequest) -> HttpResponse:
        """The health endpoint (``/nginx-ready`` on 8081, or ``/healthz`` on 10254)."""
        path, body = getattr(self, "health", ("/nginx-ready", b"Ready"))
        if request.path == path:
            return HttpResponse(200, [("Content-Type", "text/plain; charset=utf-8"),
                                      ("Content-Length", str(len(body)))], body)
        return HttpResponse(404, [("Content-Type", "text/plain; charset=utf-8")], b"404 page not found\n")


class IngressNginx(Program):
    """The controller's nginx: routes by Ingress rules through the network layer."""

    memory = 8 << 20

    def __init__(self, ingress_class: str) -> None:
        self.ingress_class = ingress_class
        self.proc: Process | None = None

    def main(self, proc: Process) -> Gen:
        self.proc = proc
        proc.dumpable = False
        version = proc.container.image.meta.get("nginx.version", "1.21.6")
        t = error_log_time(proc.now())
        proc.err(f'{t} [notice] {proc.pid}#{proc.pid}: using the "epoll" event method\n'
                 f"{t} [notice] {proc.pid}#{proc.pid}: nginx/{version}\n"
                 f"{t} [notice] {proc.pid}#{proc.pid}: start worker processes\n")  # fmt: skip
        for port in (80, 443, 8080):
            proc.listen(port, v4=True, v6=True)
        for _ in range(proc.container.sandbox.host.cpus):
            proc.spawn_passive("nginx: worker process", proc.uid, 2_600_000).dumpable = False
        yield Forever()
        return 0

    def handle_http(self, request: HttpRequest) -> HttpResponse:
        proc = self.proc
        assert proc is not None
        version = served_version(proc.container.image.meta)
        sandbox = proc.container.sandbox
        got = sandbox.network.ingress(self.ingress_class, request, sandbox)
        if got is None:
            body = special_page(404, version)
            return relay(HttpResponse(404, [("Content-Type", "text/html")], body), version, proc.now())
        return relay(got, version, proc.now())
