"""Small programs: ``hello-world``, ``stress``, and the generic server behind unknown images."""

from __future__ import annotations

import re

from kubenb.runtime.http import HttpRequest, HttpResponse
from kubenb.runtime.process import Process
from kubenb.runtime.program import SIGNAL_NAMES, Forever, GrpcError, Program, Sleep, Work
from kubenb.runtime.programs.applet import Gen
from kubenb.runtime.programs.ingress import klog_time

HELLO = """
Hello from Docker!
This message shows that your installation appears to be working correctly.

To generate this message, Docker took the following steps:
 1. The Docker client contacted the Docker daemon.
 2. The Docker daemon pulled the "hello-world" image from the Docker Hub.
    (amd64)
 3. The Docker daemon created a new container from that image which runs the
    executable that produces the output you are currently reading.
 4. The Docker daemon streamed that output to the Docker client, which sent it
    to your terminal.

To try something more ambitious, you can run an Ubuntu container with:
 $ docker run -it ubuntu bash

Share images, automate workflows, and more with a free Docker ID:
 https://hub.docker.com/

For more examples and ideas, visit:
 https://docs.docker.com/get-started/

"""


class Hello(Program):
    memory = 100 << 10

    def main(self, proc: Process) -> Gen:
        proc.out(HELLO)
        return 0
        yield  # pragma: no cover  (a generator, like every program)


def parse_size(text: str) -> int:
    """stress's sizes: ``150M``, ``1G``, ``512K``, plain bytes."""
    m = re.fullmatch(r"(\d+)([bBkKmMgG]?)", text)
    if not m:
        raise ValueError(text)
    return int(m.group(1)) * {"": 1, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}[m.group(2).lower()]


def parse_seconds(text: str) -> float:
    m = re.fullmatch(r"(\d+)([smhd]?)", text)
    if not m:
        raise ValueError(text)
    return int(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]


class Stress(Program):
    """``stress --vm N --vm-bytes SIZE [--vm-hang S] [--cpu N] [--timeout T]``.

    Memory hogs hold their bytes (over a memory limit, the container is OOMKilled); CPU hogs burn
    as much CPU as the cgroup quota lets them, which is what ``kubectl top`` then shows.
    """

    memory = 700 << 10

    def main(self, proc: Process) -> Gen:
        opts: dict[str, str] = {}
        args = proc.argv[1:]
        while args:
            a = args.pop(0)
            short = {
                "-c": "--cpu",
                "-m": "--vm",
                "-i": "--io",
                "-d": "--hdd",
                "-t": "--timeout",
                "-v": "--verbose",
            }.get(a, a)
            if short == "--verbose":
                opts["verbose"] = "1"
            elif short.startswith("--") and args:
                opts[short[2:]] = args.pop(0)
        try:
            cpu, vm = int(opts.get("cpu", 0)), int(opts.get("vm", 0))
            vm_bytes = parse_size(opts.get("vm-bytes", "256M"))
            hang = parse_seconds(opts["vm-hang"]) if "vm-hang" in opts else None
            timeout = parse_seconds(opts["timeout"]) if "timeout" in opts else None
        except ValueError as e:
            proc.err(f"stress: FAIL: [{proc.pid}] (244) invalid number in argument: {e}\n")
            return 1
        if not cpu and not vm:
            proc.out(
                "`stress' imposes certain types of compute stress on your system\n\nUsage: stress [OPTION [ARG]] ...\n"
            )
            return 1
        proc.out(
            f"stress: info: [{proc.pid}] dispatching hogs: {cpu} cpu, {int(opts.get('io', 0))} io, {vm} vm, {int(opts.get('hdd', 0))} hdd\n"
        )
        start = proc.now()
        if vm:
            proc.set_memory(self.memory + vm * vm_bytes)
        while timeout is None or proc.now() - start < timeout:
            step = 1.0 if timeout is None else min(1.0, timeout - (proc.now() - start))
            if cpu or (vm and hang is None):
                yield Work(step * max(cpu, 1), cores=max(cpu, 1))
            else:
                yield Sleep(hang if hang else step)
        proc.out(f"stress: info: [{proc.pid}] successful run completed in {int(proc.now() - start)}s\n")
        return 0


class Server(Program):
    """A long-running process for images kubenb does not model in detail.

    The image's ``meta`` may name ports (``generic.ports``: ``TCP:8080,UDP:53``), plain HTTP
    answers (``generic.http``: ``8080 /health OK|8181 /ready OK``), ports serving gRPC with the
    standard health service (``generic.grpc``: ``2379``, as etcd does), startup log lines
    (``generic.log``, klog style) and its resident memory. SIGTERM ends it with status 0.
    """

    def __init__(self) -> None:
        self.answers: dict[tuple[int, str], str] = {}
        self.grpc_ports: set[int] = set()

    def main(self, proc: Process) -> Gen:
        meta = proc.container.image.meta
        proc.set_memory(int(meta.get("memory", str(10 << 20))))
        for line in meta.get("generic.log", "").splitlines():
            proc.err(line.format(klog=klog_time(proc.now()), hostname=proc.container.sandbox.hostname) + "\n")
        for spec in filter(None, meta.get("generic.ports", "").split(",")):
            proto, _, port = spec.partition(":")
            proc.listen(int(port), proto, v4=False, v6=True)
        for entry in filter(None, meta.get("generic.http", "").split("|")):
            port, path, body = entry.split(" ", 2)
            self.answers[(int(port), path)] = body
        self.grpc_ports = {int(p) for p in filter(None, meta.get("generic.grpc", "").split(","))}
        while True:
            sig = yield Forever()
            if SIGNAL_NAMES.get(sig) in ("SIGTERM", "SIGINT", "SIGQUIT"):
                return 0

    def on_signal(self, proc: Process, sig: int) -> None:
        proc.wake(sig)

    def handle_grpc_health(self, port: int, service: str) -> str:
        """``grpc.health.v1.Health/Check``: the server's overall health (service "") is SERVING;
        a port that does not speak gRPC never completes the HTTP/2 handshake."""
        if port not in self.grpc_ports:
            raise GrpcError("DeadlineExceeded", "")
        if service:
            raise GrpcError("NotFound", "unknown service")
        return "SERVING"

    def handle_http(self, request: HttpRequest) -> HttpResponse:
        body = self.answers.get((request.server_port, request.path))
        if body is None:
            return HttpResponse(404, [("Content-Type", "text/plain; charset=utf-8")], b"404 page not found\n")
        return HttpResponse(
            200, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))], body.encode()
        )


class DumbInit(Program):
    """``/usr/bin/dumb-init -- cmd...``: an init for containers; here it simply becomes ``cmd``."""

    def main(self, proc: Process) -> Gen:
        argv = proc.argv[1:]
        if argv and argv[0] == "--":
            argv = argv[1:]
        if not argv:
            proc.err("Usage: dumb-init [option] command [[arg] ...]\n")
            return 1
        return (yield from proc.exec(argv))
