"""A running façade: an aiohttp server on its own thread and event loop, beside the simulation.

The notebook kernel keeps its thread; the server's loop runs in a daemon thread and reaches the
cluster only under `cluster.lock`. While it runs, simulated time follows wall-clock time (times
`speed`; 0 freezes it), so `kubectl rollout status` and `kubectl get -w` see a cluster that moves
on by itself, as a real one does.

It speaks HTTPS with a certificate made for it (:mod:`~.tls`; kubectl sends a token over TLS only) and
listens on loopback only, unless told otherwise with `allow_remote=True`: the bearer token in the
generated kubeconfig is the only thing between a client and the cluster.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Optional, Union

from aiohttp import web

from kubenb.apiserver import kubeconfig, tls
from kubenb.apiserver.app import State, make_app
from kubenb.apiserver.encodings import Encodings
from kubenb.apiserver.openapi import Documents
from kubenb.apiserver.watch import Broadcaster

TICK_SECONDS = 0.1  # how often the clock follows the wall clock


class Server:
    """Serve `cluster` over the Kubernetes REST API; `start()` returns once it accepts connections."""

    def __init__(self, cluster: Any, *, host: str = "127.0.0.1", port: int = 0, speed: float = 1.0,
                 kubeconfig_path: Union[str, Path, None] = None, allow_remote: bool = False) -> None:
        if not allow_remote and not ipaddress.ip_address(socket.gethostbyname(host)).is_loopback:
            raise ValueError(f"refusing to listen on {host}: not a loopback address (pass allow_remote=True to insist)")
        if speed < 0:
            raise ValueError("speed must be 0 (time frozen) or more")
        self.cluster = cluster
        self.host, self.port, self.speed = host, port, speed
        self.token = kubeconfig.new_token()
        self.identity = tls.self_signed(host)
        self._tempdir: Optional[tempfile.TemporaryDirectory] = None
        if kubeconfig_path is None:
            self._tempdir = tempfile.TemporaryDirectory(prefix="kubenb-")
            kubeconfig_path = Path(self._tempdir.name) / "kubeconfig"
        self.kubeconfig = str(kubeconfig_path)
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._thread: Optional[threading.Thread] = None
        self._stopped: Optional[asyncio.Event] = None
        self.broadcaster: Optional[Broadcaster] = None
        self.encodings: Optional[Encodings] = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"https://{host}:{self.port}"

    def cpu_time(self) -> float:
        """CPU seconds the server's thread has used (what a request costs the server, whatever else the
        machine is busy with: benchmarks measure this rather than wall time)."""
        if self._thread is None or self._thread.ident is None:
            return 0.0
        return time.clock_gettime(time.pthread_getcpuclockid(self._thread.ident))

    def start(self) -> Server:
        sock = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        sock.listen(128)
        sock.setblocking(False)
        self.port = sock.getsockname()[1]
        with self.cluster.lock:
            self.broadcaster = Broadcaster(self.cluster.store)
            self.encodings = Encodings(self.cluster.store)
        state = State(self.cluster, self.token, self.broadcaster, Documents(self.cluster.registry), self.encodings,
                      f"{self.host}:{self.port}")
        ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(state, sock, ready), name=f"kubenb-apiserver-{self.port}",
                                        daemon=True)
        self._thread.start()
        ready.wait()
        kubeconfig.write(Path(self.kubeconfig), self.url, self.token, self.identity.certificate_pem, self.cluster.name)
        return self

    def _run(self, state: State, sock: socket.socket, ready: threading.Event) -> None:
        loop = self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._stopped = asyncio.Event()
        runner = web.AppRunner(make_app(state), handler_cancellation=True, access_log=None)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.SockSite(runner, sock, ssl_context=self.identity.server_context()).start())
        ticker = loop.create_task(self._follow_wall_clock())
        ready.set()
        try:
            loop.run_until_complete(self._stopped.wait())
        finally:
            ticker.cancel()
            loop.run_until_complete(runner.cleanup())
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _follow_wall_clock(self) -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(TICK_SECONDS)
            now = time.monotonic()
            if self.speed:
                with self.cluster.lock:
                    self.cluster.advance((now - last) * self.speed)
            last = now

    def stop(self) -> None:
        """Close every connection (watches included), stop the thread, and delete a generated kubeconfig."""
        if self._loop is not None and self._stopped is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._stopped.set)
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self.broadcaster is not None:
            with self.cluster.lock:
                self.broadcaster.close()
            self.broadcaster = None
        if self.encodings is not None:
            with self.cluster.lock:
                self.encodings.close()
            self.encodings = None
        if self._tempdir is not None:
            self._tempdir.cleanup()
            self._tempdir = None

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<kubenb API server {self.url} for {self.cluster!r}, KUBECONFIG={self.kubeconfig}>"
