"""Startup, liveness and readiness probes: one worker per container and probe, as in ``prober/worker.go``.

A worker ticks every ``periodSeconds`` from when the pod was admitted and reads the container
as the kubelet last reported it. It waits ``initialDelaySeconds`` after the container started;
liveness and readiness wait for the startup probe; a result counts only after
``failureThreshold`` / ``successThreshold`` equal results in a row. Every failed try is a
``Warning Unhealthy`` event with the probe's own output (``Readiness probe failed: HTTP probe
failed with statuscode: 404``). A liveness or startup failure makes the kubelet kill the
container (``Container x failed liveness probe, will be restarted``); the worker then holds until
a new container appears.

To stay cheap with 150,000 pods a worker only schedules ticks while a tick could do something:
it sleeps while its container is missing, not started (liveness, readiness), already started
(startup) or on hold, and the pod worker wakes it, keeping the ticks on their original phase.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from kubenb.runtime import ContainerNotRunning, ExecFailure, GrpcError, HttpRequest
from kubenb.sim.loop import PRIORITY_NODE

if TYPE_CHECKING:
    from kubenb.kubelet.containers import ContainerRun
    from kubenb.kubelet.worker import PodWorker

SUCCESS, FAILURE, UNKNOWN = "Success", "Failure", "Unknown"
INITIAL = {"readiness": FAILURE, "liveness": SUCCESS, "startup": UNKNOWN}
TITLE = {"readiness": "Readiness", "liveness": "Liveness", "startup": "Startup"}
# ``AddPod`` starts a container's workers in this order, so their tickers fire in it when they
# coincide (a 1 s startup probe and a 5 s readiness probe share every fifth tick); a PLEG relist
# (PRIORITY_NODE) due at the same instant goes first, so a tick reads the freshest status
TICK_PRIORITY = {"startup": PRIORITY_NODE + 1, "readiness": PRIORITY_NODE + 2, "liveness": PRIORITY_NODE + 3}


def period(spec: Any) -> float:
    return float(spec.period_seconds or 10)


class ProbeWorker:
    __slots__ = ("pod", "run", "kind", "spec", "phase", "every", "cid", "result", "last", "streak", "on_hold",
                 "armed", "busy", "stopped")

    def __init__(self, pod: PodWorker, run: ContainerRun, kind: str, spec: Any, phase: float) -> None:
        self.pod = pod
        self.run = run
        self.kind = kind
        self.spec = spec
        self.phase = phase
        self.every = period(spec)
        self.cid: Optional[str] = None
        self.result: Optional[str] = None  # what the results manager holds for `cid`
        self.last: Optional[str] = None  # the last probe's outcome and how many in a row
        self.streak = 0
        self.on_hold = False
        self.armed = False  # a tick is scheduled
        self.busy = False  # a probe is in flight (an exec that takes time)
        self.stopped = False

    # ---------------------------------------------------------------- scheduling

    def start(self) -> None:
        """The worker's first ``doProbe`` runs as soon as it exists."""
        self.armed = True
        self.pod.kubelet.loop.call_soon(self._tick, TICK_PRIORITY[self.kind])

    def wake(self) -> None:
        """Something changed that a tick may act on: resume at the next tick of the phase."""
        if self.armed or self.busy or self.stopped:
            return
        now = self.pod.now()
        k = int((now - self.phase) // self.every) + 1
        self.armed = True
        self.pod.kubelet.loop.call_at(self.phase + k * self.every, self._tick, TICK_PRIORITY[self.kind])

    def stop(self) -> None:
        self.stopped = True

    def trigger(self) -> None:
        """``manualTriggerCh``: probe now, off the ticker (the status manager asks for readiness)."""
        if self.busy or self.stopped:
            return
        self.pod.kubelet.loop.call_soon(self._manual, PRIORITY_NODE)

    def _manual(self) -> None:
        if self.stopped or self.busy:
            return
        if self._do_probe():
            self.wake()

    def _tick(self) -> None:
        self.armed = False
        if self.stopped or self.busy:
            return
        if self._do_probe():
            self.wake()

    # ---------------------------------------------------------------- doProbe

    def _set(self, result: str) -> None:
        """The results manager's ``Set``: the kubelet hears only of changes."""
        if result != self.result:
            self.result = result
            self.pod.probe_result(self.run, self.kind, result)

    def _do_probe(self) -> bool:
        """One ``doProbe``; returns whether another tick could do anything (else: sleep until woken)."""
        pod = self.pod
        if pod.terminal or pod.terminating and self.kind == "readiness":
            return False
        run = self.run
        inst = run.seen
        if inst is None:
            return False  # no container yet: woken when the PLEG sees one
        if inst.cid != self.cid:
            self.cid = inst.cid
            self.result = None
            self._set(INITIAL[self.kind])
            self.on_hold = False
        if self.on_hold:
            return False
        if run.seen_exited:
            self._set(FAILURE)
            return False
        if pod.terminating and self.kind in ("liveness", "startup"):
            self._set(SUCCESS)
            self.stopped = True
            return False
        started_at = inst.container.started_at or pod.now()
        if int(pod.now() - started_at) < (self.spec.initial_delay_seconds or 0):
            return True
        if run.started:
            if self.kind == "startup":
                return False
        elif self.kind != "startup":
            return False
        self._probe(inst)
        return not self.busy

    def _probe(self, inst: Any) -> None:
        spec = self.spec
        if spec.exec is not None:
            self._exec(inst)
        elif spec.http_get is not None:
            self._finish(*self._http(inst))
        elif spec.tcp_socket is not None:
            self._finish(*self._tcp(inst))
        elif spec.grpc is not None:
            self._finish(*self._grpc(inst))
        else:
            self._finish(SUCCESS, "")

    def _finish(self, result: str, output: str, errored: bool = False) -> None:
        pod = self.pod
        title = TITLE[self.kind]
        if errored:
            pod.event("Warning", "Unhealthy", f"{title} probe errored: {output}", self.run.field_path)
            return  # an error throws the result away
        if result != SUCCESS:
            pod.event("Warning", "Unhealthy", f"{title} probe failed: {output}", self.run.field_path)
        if result == self.last:
            self.streak += 1
        else:
            self.last, self.streak = result, 1
        if result == FAILURE and self.streak < (self.spec.failure_threshold or 3):
            return
        if result == SUCCESS and self.streak < (self.spec.success_threshold or 1):
            return
        self._set(result)
        if self.kind in ("liveness", "startup") and result == FAILURE:
            self.on_hold = True
            self.streak = 0

    # ---------------------------------------------------------------- the probes

    def _exec(self, inst: Any) -> None:
        argv = list(self.spec.exec.command or ())
        pod = self.pod
        try:
            proc = inst.container.exec(argv)
        except ContainerNotRunning:
            self._finish(UNKNOWN, "container not running", errored=True)
            return
        except ExecFailure as e:
            flavor = pod.node.runtime.flavor
            oci = f"OCI runtime exec failed: exec failed: unable to start container process: {e.detail}: unknown"
            if flavor == "docker":
                self._finish(FAILURE, oci + "\r\n")
            else:
                exec_id = pod.kubelet.rng.hex(32, "exec-ids")
                self._finish(UNKNOWN, "rpc error: code = Unknown desc = failed to exec in container: failed to start "
                             f'exec "{exec_id}": {oci}', errored=True)
            return

        def output() -> str:
            out = proc.stdout_buffer.text if proc.stdout_buffer else ""
            err = proc.stderr_buffer.text if proc.stderr_buffer else ""
            return out + err

        if proc.done:
            self._finish(SUCCESS if proc.exit_code == 0 else FAILURE, output())
            return
        timeout = float(self.spec.timeout_seconds or 1)
        self.busy = True
        state = {"over": False}

        def done(_p: Any = None) -> None:
            if state["over"]:
                return
            state["over"] = True
            self.busy = False
            if self.stopped:
                return
            if proc.done:
                self._finish(SUCCESS if proc.exit_code == 0 else FAILURE, output())
            else:
                proc.kill_now(9)
                self._finish(FAILURE, f'command "{" ".join(argv)}" timed out')
            self.wake()

        proc.on_exit.append(done)
        pod.kubelet.loop.call_later(timeout, done, PRIORITY_NODE)

    def _port(self, port: Any) -> Optional[int]:
        if isinstance(port, int) or (isinstance(port, str) and port.isdigit()):
            return int(port)
        for p in self.run.spec.ports or ():
            if p.name == port:
                return p.container_port
        return None

    def _http(self, inst: Any) -> tuple[str, str]:
        pod = self.pod
        g = self.spec.http_get
        scheme = (g.scheme or "HTTP").lower()
        host = g.host or pod.ip or ""
        port = self._port(g.port)
        path = g.path or "/"
        if not path.startswith("/"):
            path = "/" + path
        if port is None:
            return FAILURE, f"unable to find port {g.port}"
        url = f"{scheme}://{host}:{port}{path}"
        minor = pod.kubelet.minor
        headers = [("Host", f"{host}:{port}"), ("User-Agent", f"kube-probe/1.{minor}"), ("Accept", "*/*")]
        for h in g.http_headers or ():
            headers = [(k, v) for k, v in headers if k.lower() != h.name.lower()] + [(h.name, h.value)]
        headers.append(("Connection", "close"))
        sandbox = pod.sandbox if host == pod.ip else pod.kubelet.sandbox_for_ip(host)
        request = HttpRequest("GET", path, headers, client_ip=pod.node.gateway, client_port=pod.kubelet.ephemeral_port(),
                              server_ip=host, server_port=port)
        response = sandbox.http(request) if sandbox is not None else None
        if response is None:
            return FAILURE, f'Get "{url}": dial tcp {host}:{port}: connect: connection refused'
        if response.status == 0:
            return FAILURE, f'Get "{url}": EOF'
        if 200 <= response.status < 400:
            return SUCCESS, ""
        return FAILURE, f"HTTP probe failed with statuscode: {response.status}"

    def _tcp(self, inst: Any) -> tuple[str, str]:
        pod = self.pod
        t = self.spec.tcp_socket
        host = t.host or pod.ip or ""
        port = self._port(t.port)
        sandbox = pod.sandbox if host == pod.ip else pod.kubelet.sandbox_for_ip(host)
        if port is not None and sandbox is not None and sandbox.is_listening(port):
            return SUCCESS, ""
        return FAILURE, f"dial tcp {host}:{port}: connect: connection refused"

    def _grpc(self, inst: Any) -> tuple[str, str]:
        """The kubelet's gRPC prober (``probe/grpc``): dial with a deadline, then Health/Check."""
        pod = self.pod
        g = self.spec.grpc
        target = f"{pod.ip}:{g.port}"
        timeout = self.spec.timeout_seconds or 1
        not_connected = f'timeout: failed to connect service "{target}" within {timeout}s: context deadline exceeded'
        sandbox = pod.sandbox
        found = sandbox.listener(g.port) if sandbox is not None else None
        handler = getattr(found[1], "handle_grpc_health", None) if found is not None else None
        if handler is None:
            return FAILURE, not_connected  # nothing listens, or it does not speak HTTP/2
        try:
            status = handler(g.port, g.service or "")
        except GrpcError as e:
            if e.code == "DeadlineExceeded":
                return FAILURE, not_connected
            if e.code == "Unimplemented":
                return FAILURE, ("this server does not implement the grpc health protocol "
                                 f"(grpc.health.v1.Health): {e.desc}")
            return FAILURE, str(e)
        if status == "SERVING":
            return SUCCESS, ""
        return FAILURE, f'service unhealthy (responded with "{status}")'
