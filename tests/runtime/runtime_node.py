"""A node's runtime on a simulated clock, and helpers to run containers and commands in it.

A module of its own, not the conftest: test modules import `ORIGIN` from here, and `conftest` is a
name every test directory's conftest shares (one run of several directories would import the wrong one)."""

from __future__ import annotations

from kubenb.runtime import Container, HttpRequest, HttpResponse, LoopScheduler, Process, Runtime, Sandbox
from kubenb.sim.clock import Clock
from kubenb.sim.loop import EventLoop

ORIGIN = 1656428657.0  # Tue, 28 Jun 2022 15:04:17 UTC, the course's probe lesson


class Node:
    """One simulated node: its clock, event loop and container runtime."""

    def __init__(self, flavor: str = "containerd") -> None:
        self.clock = Clock(ORIGIN)
        self.loop = EventLoop(self.clock)
        self.runtime = Runtime(LoopScheduler(self.loop), flavor=flavor)

    def advance(self, seconds: float) -> None:
        self.loop.run_until(self.clock.now + seconds)

    def start(
        self, image: str, hostname: str = "pod", ip: str = "10.10.1.42", sandbox: Sandbox | None = None, **spec
    ) -> Container:
        sandbox = sandbox or self.runtime.run_sandbox(hostname, ip)
        container = self.runtime.create(sandbox, spec.pop("name", "main"), self.runtime.pull(image), **spec)
        container.start()
        self.loop.settle()
        return container

    def exec(
        self, container: Container, argv: list[str], stdin: str | None = None, tty: bool = False, limit: float = 600
    ) -> Process:
        """Run a command to completion (advancing simulated time), like ``kubectl exec``."""
        proc = container.exec(argv, stdin, tty)
        self.loop.run_while(lambda: not proc.done, self.clock.now + limit)
        return proc

    def sh(self, container: Container, script: str, **kw) -> Process:
        return self.exec(container, ["sh", "-c", script], **kw)

    @staticmethod
    def get(
        sandbox: Sandbox, path: str, host: str | None = None, port: int = 80, client: str = "10.10.1.1"
    ) -> HttpResponse:
        headers = [("Host", host or sandbox.ip), ("User-Agent", "kube-probe/1.23"), ("Accept", "*/*")]
        request = HttpRequest("GET", path, headers, client_ip=client, server_ip=sandbox.ip, server_port=port)
        response = sandbox.http(request)
        assert response is not None, f"nothing listens on {sandbox.ip}:{port}"
        return response
