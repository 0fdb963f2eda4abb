"""One pod on one node: the kubelet's pod worker, ``SyncPod`` and the container lifecycle.

A sync is a generator run by :meth:`PodWorker._drive` that blocks where the kubelet blocks (the
sandbox, image pulls, a container's stop). It reads the PLEG's view of the containers, then:
sets up volumes and the sandbox; kills containers whose liveness or startup probe failed; runs
init containers one by one; starts what should run (``restartPolicy``), each start going through
the crash back-off (``doBackOff``: 10s doubling to 5m, reset after 10 minutes of running), the
image pull and ``CreateContainerConfigError`` checks; and remembers why a container is waiting
(the kubelet's reason cache: ``CrashLoopBackOff``, ``ErrImagePull``...).

What triggers a sync: the pod's arrival, the PLEG noticing a container start or exit (at the
node's next one-second relist), a probe result changing, a ConfigMap or Secret appearing for a
pending mount, and, while a container waits in a back-off, the pod worker's retry 10-15 s later.
A sync starts only once a relist newer than the previous sync's end has refreshed the PLEG's
cache, and what arrives meanwhile folds into one sync after it: so a crash-looping pod's syncs
(each a ``BackOff`` event) come a relist apart, as the course's event counts show.
Status reaches the API server as one write per instant, whatever changed at that instant.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any, Optional

from kubenb.api.base import evolve
from kubenb.api.quantity import Quantity
from kubenb.kubelet import envs, images, status, texts, volumes
from kubenb.kubelet.backoff import PodBackoff
from kubenb.kubelet.containers import ContainerRun, Instance, should_restart
from kubenb.kubelet.events import SpamFilter, record
from kubenb.kubelet.node import RELIST_PERIOD
from kubenb.kubelet.probes import FAILURE, SUCCESS, ProbeWorker
from kubenb.kubelet.tasks import Delay, Exited, Finished
from kubenb.runtime import ContainerNotRunning, ExecFailure, HttpRequest, Limits, MountSpec, StartFailure
from kubenb.runtime.fs import File
from kubenb.sim.loop import PRIORITY_NODE
from kubenb.store.errors import StatusError

if TYPE_CHECKING:
    from kubenb.kubelet.node import NodeAgent

SANDBOX_SECONDS = (0.6, 1.4)
REQUEUE_SECONDS = (10.0, 15.0)  # the pod worker's retry: wait.Jitter(backOffPeriod=10s, 0.5)
MOUNT_RETRY = (0.5, 122.0)  # nestedpendingoperations: 500ms doubling to 2m2s
MIN_GRACE = 2.0  # minimumGracePeriodInSeconds
STOP_RPC_SECONDS = (0.02, 0.15)
PRIORITY_STATUS = PRIORITY_NODE + 5  # after everything else the node does at the same instant
TERMINATION_LOG_MAX = 4096
FALLBACK_LINES, FALLBACK_BYTES = 80, 2048


class PodWorker:
    __slots__ = ("node", "kubelet", "pod", "uid", "namespace", "name", "init_runs", "main_runs", "runs",
                 "sandbox", "sandbox_gone", "sandbox_seen", "ip", "volumes", "spam", "start_time", "task", "again", "terminating", "terminal", "terminal_requested", "gone",
                 "adopted", "phase_override", "status_reason", "status_message", "flush_armed", "relist_armed",
                 "requeue_seq", "mount_delay", "mount_armed", "failed", "backing_off", "ip_released", "synced_at",
                 "cache_wait", "built", "built_flags")

    def __init__(self, node: NodeAgent, pod: Any) -> None:
        self.node = node
        self.kubelet = node.kubelet
        self.pod = pod
        meta = pod.metadata
        self.uid: str = meta.uid or ""
        self.namespace: str = meta.namespace or "default"
        self.name: str = meta.name or ""
        # tuples: without init containers, `runs` is `main_runs` itself (no list per pod kept for nothing)
        self.init_runs = tuple(ContainerRun(c, init=True, sidecar=c.restart_policy == "Always")
                               for c in pod.spec.init_containers or ())
        self.main_runs = tuple(ContainerRun(c) for c in pod.spec.containers)
        self.runs = self.init_runs + self.main_runs
        self.sandbox: Any = None
        self.sandbox_gone = False
        self.sandbox_seen = False
        self.ip: Optional[str] = None
        self.volumes: Optional[dict[str, volumes.Volume]] = None
        self.spam = SpamFilter(self.now())
        self.start_time: Optional[str] = None
        self.task: Optional[Generator] = None
        self.again = False
        self.terminating = False  # deleted: containers are being stopped
        self.terminal = False  # Succeeded/Failed: nothing runs any more
        self.terminal_requested = False
        self.gone = False  # the pod left the API: forget everything
        self.adopted = False  # a static pod the API already shows running: run it quietly
        self.phase_override: Optional[str] = None
        self.status_reason: Optional[str] = None
        self.status_message: Optional[str] = None
        self.flush_armed = False
        self.relist_armed = False
        self.requeue_seq = 0
        self.mount_delay = MOUNT_RETRY[0]
        self.mount_armed = False
        self.failed = False  # this sync ended in an error (ErrImagePull, CreateContainerConfigError...)
        self.backing_off = False  # this sync left a container in a back-off
        self.ip_released = False
        self.synced_at = float("-inf")  # when the last sync ended (the pod worker's ``lastSyncTime``)
        self.cache_wait = False  # a sync waits for the PLEG's next relist (``GetNewerThan``)
        self.built: Any = None  # the stored status of the last build (see status.unchanged), and
        self.built_flags = 0  # the worker's flags it was built with

    # ---------------------------------------------------------------- basics

    def now(self) -> float:
        return self.kubelet.clock.now

    @property
    def store(self) -> Any:
        return self.kubelet.store

    @property
    def host_ip(self) -> Optional[str]:
        return self.node.ip

    @property
    def backoff(self) -> PodBackoff:
        """The crash back-off of this pod's containers (``doBackOff``), keyed by container name."""
        return PodBackoff(self.node.crash_backoffs, self.uid)

    @property
    def image_backoff(self) -> PodBackoff:
        """The image pull back-off of this pod, keyed by image."""
        return PodBackoff(self.node.pull_backoffs, self.uid)

    def __call__(self, container: Any) -> None:
        """The runtime's exit callback for this pod's containers: the worker itself, not a bound
        method per container (one is held as long as its container is)."""
        self._container_exited(container)

    @property
    def ref(self) -> str:
        return texts.pod_ref(self.name, self.namespace, self.uid)

    def event(self, type_: str, reason: str, message: str, field_path: Optional[str] = None) -> None:
        if self.adopted or self.gone:
            return
        record(self.node.events, self.spam, self.now(), self.pod, type_, reason, message, field_path)

    def stale(self) -> bool:
        """A sync in flight whose pod was deleted or finished meanwhile stops at its next step."""
        return self.gone or self.terminating or self.terminal

    def by_name(self, name: str) -> Optional[ContainerRun]:
        return next((r for r in self.runs if r.name == name), None)

    # ---------------------------------------------------------------- lifecycle entry points

    def admit(self) -> None:
        """``HandlePodAdditions``: the pod is ours; the probe manager's workers start now."""
        self.start_time = self.kubelet.clock.rfc3339()
        if self.terminating:
            return
        now = self.now()
        for run in self.runs:
            if run.init and not run.sidecar:
                continue
            for kind in ("startup", "liveness", "readiness"):
                spec = getattr(run.spec, f"{kind}_probe")
                if spec is not None:
                    worker = ProbeWorker(self, run, kind, spec, now)
                    run.probes += (worker,)
                    worker.start()
        deadline = self.pod.spec.active_deadline_seconds
        if deadline is not None:
            self.kubelet.loop.call_later(float(deadline), self._deadline, PRIORITY_NODE)
        self.mark_dirty()
        self.request_sync()

    def adopt(self) -> None:
        """A mirror pod created already running (the control plane's static pods): start its
        containers so that exec and logs work, but report nothing -- the API already says it all."""
        self.adopted = True
        pod = self.pod
        self.ip = pod.status.pod_ip
        self.sandbox = self.node.make_sandbox(self, self.ip or self.node.ip or "")
        ids = {s.name: s.container_id for s in pod.status.container_statuses or ()}
        for run in self.main_runs:
            try:
                image = self.node.runtime.catalogue.pull(run.spec.image or "")
            except Exception:  # noqa: BLE001 (an image the catalogue refuses: nothing to run)
                continue
            rt = self.node.runtime.create(self.sandbox, run.name, image, run.spec.command, run.spec.args)
            inst = Instance(rt, ids.get(run.name) or self.node.container_id(), 0, image,
                            self.node.image_name(run.spec.image or "", image))
            run.add(inst)
            try:
                rt.start()
            except StartFailure:
                pass
            run.observe()
            run.started = run.ready = True
        # not registered for the network: the node daemons it stands for (the API server on
        # 6443, etcd...) are the network layer's to answer

    def update(self, pod: Any) -> None:
        """A watch event (handlers only note things; the work runs from the event loop)."""
        self.pod = pod
        if pod.metadata.deletion_timestamp is not None and not self.terminating:
            self.terminating = True
            self.task = None  # a sync in flight stops at its next step
            self.kubelet.loop.call_soon(self.begin_termination, PRIORITY_NODE)

    def forget(self) -> None:
        """The pod left the API server: stop everything that is still running, free the IP."""
        self.gone = True
        self.node.crash_backoffs.pop(self.uid, None)
        self.node.pull_backoffs.pop(self.uid, None)
        for run in self.runs:
            for p in run.probes:
                p.stop()
            if run.current is not None and run.current.running:
                run.current.container.kill()
        self.release_ip()

    def release_ip(self) -> None:
        if self.ip_released:
            return
        self.ip_released = True
        self.kubelet.unregister_ip(self)
        if self.ip and not self.pod.spec.host_network and not self.adopted:
            self.node.ipam.release(self.ip)

    # ---------------------------------------------------------------- the sync loop

    def request_sync(self) -> None:
        """``UpdatePod``: a sync now, after the one in flight, or at the PLEG's next relist.

        Updates that arrive while a sync runs (or waits) fold into one more sync after it. A sync
        reads the PLEG's cache only once a relist newer than the end of the previous sync has
        filled it (``podCache.GetNewerThan(lastSyncTime)``), so two syncs are at least one relist
        apart: a probe failure that comes right after another sync is acted on at the next relist.
        """
        if self.gone or self.terminal or self.terminating or self.adopted:
            return
        if self.task is not None:
            self.again = True
            return
        if self.cache_wait:
            return
        last = self._last_relist()
        if last <= self.synced_at:
            self.cache_wait = True
            self.kubelet.loop.call_at(max(last + RELIST_PERIOD, self.now() + 1e-6), self._pleg, PRIORITY_NODE)
            return
        self.task = self._sync()
        self._drive(self.task, None)

    def _last_relist(self) -> float:
        """When the PLEG last relisted (a relist due at this very instant counts as done)."""
        now = self.now()
        due = self.node.next_relist(now)
        return due if due <= now + 1e-6 else due - RELIST_PERIOD

    def _drive(self, gen: Generator, value: Any) -> None:
        try:
            wait = gen.send(value)
        except StopIteration:
            self._done(gen)
            return
        loop = self.kubelet.loop
        resume = lambda v=None: self._drive(gen, v)  # noqa: E731
        if isinstance(wait, Delay):
            loop.call_later(max(wait.seconds, 0.0), resume, PRIORITY_NODE)
        elif isinstance(wait, Exited):
            pending = [c for c in wait.containers if c.state == "running"]
            if not pending:
                loop.call_soon(resume, PRIORITY_NODE)
                return
            left = {"n": len(pending)}

            def one(_c: Any) -> None:
                left["n"] -= 1
                if left["n"] == 0:
                    loop.call_soon(resume, PRIORITY_NODE)

            for c in pending:
                c.on_exit.append(one)
        elif isinstance(wait, Finished):
            proc = wait.process
            if proc.done:
                loop.call_soon(lambda: resume(True), PRIORITY_NODE)
                return
            state = {"over": False}

            def finished(_p: Any = None, ok: bool = True) -> None:
                if not state["over"]:
                    state["over"] = True
                    loop.call_soon(lambda: resume(ok), PRIORITY_NODE)

            proc.on_exit.append(finished)
            if wait.timeout is not None:
                loop.call_later(wait.timeout, lambda: finished(None, False), PRIORITY_NODE)
        else:  # pragma: no cover
            raise TypeError(f"a sync yielded {wait!r}")

    def _done(self, gen: Generator) -> None:
        if gen is not self.task:
            return  # an abandoned sync (the pod is terminating) finished its last step
        self.task = None
        self.synced_at = self.now()
        if self.stale():
            return
        if self.backing_off or self.failed:
            self._requeue()
        if self.again:
            self.again = False
            self.request_sync()

    def _requeue(self) -> None:
        self.requeue_seq += 1
        seq = self.requeue_seq
        delay = self.node.rng.uniform(*REQUEUE_SECONDS)

        def fire() -> None:
            if seq == self.requeue_seq:
                self.request_sync()

        self.kubelet.loop.call_later(delay, fire, PRIORITY_NODE)

    def _sync(self) -> Generator[Any, Any, None]:
        """``syncPod`` + ``SyncPod``."""
        self.failed = self.backing_off = False
        self._observe()
        for run in self.runs:
            run.shown_reason = run.reason  # the status written now shows what the last sync left
        self._check_terminal()
        self.mark_dirty()
        if self.stale():
            return
        pod = self.pod
        if self.volumes is None:
            try:
                self.volumes = volumes.setup(self)
            except volumes.MountError as e:
                self.event("Warning", "FailedMount", e.message)
                self._retry_mount(e.waits_for)
                return
            self.kubelet.track_volumes(self)
        if self.sandbox is None:
            yield Delay(self.node.rng.uniform(*SANDBOX_SECONDS))
            if self.stale():
                return
            ip = self.node.ip if pod.spec.host_network else self.node.ipam.allocate()
            self.ip = ip
            self.sandbox = self.node.make_sandbox(self, ip or "")
            self.kubelet.register_ip(self)
            # no status write here: upstream's status is generated once, when a sync begins, so the
            # pod IP shows from the sync the PLEG triggers when it sees the sandbox
            self.schedule_relist()  # the PLEG will see the sandbox start: one more sync, after this one
        policy = pod.spec.restart_policy or "Always"
        restart_on_failure = policy != "Never"
        # the back-off looks at the containers as the PLEG saw them when this sync began
        last_exits = {run.name: run.last_exit() for run in self.runs}
        to_start: list[ContainerRun] = []
        to_kill: list[tuple[ContainerRun, str]] = []
        for run in (*self.main_runs, *(r for r in self.init_runs if r.sidecar)):
            if run.seen_running and run.current is run.seen:
                failed = self._probe_failure(run)
                if failed is not None:
                    to_kill.append((run, failed))
                    if restart_on_failure or run.sidecar:
                        to_start.append(run)
        for run, kind in to_kill:
            message = texts.probe_kill(run.name, kind, restart_on_failure or run.sidecar)
            yield from self._kill(run, message, kind)
            if self.stale():
                return
        # init containers, one at a time
        if not (yield from self._run_inits(last_exits, policy)):
            return
        deleting = pod.metadata.deletion_timestamp is not None
        for run in self.main_runs:
            if run in to_start or (run.current is run.seen and should_restart(run, policy, deleting)):
                yield from self._start(run, last_exits.get(run.name))
                if self.stale():
                    return

    def _probe_failure(self, run: ContainerRun) -> Optional[str]:
        for p in run.probes:
            if p.kind in ("liveness", "startup") and p.cid == run.seen.cid and p.result == FAILURE:  # type: ignore[union-attr]
                return p.kind
        return None

    def _run_inits(self, last_exits: dict[str, Any], policy: str) -> Generator[Any, Any, bool]:
        """``computeInitContainerActions``: True once every init container is done (or started, for sidecars)."""
        for run in self.init_runs:
            if run.sidecar:
                if run.current is None or (run.current is run.seen and run.seen_exited):
                    yield from self._start(run, last_exits.get(run.name))
                    if self.stale():
                        return False
                if not (run.seen_running and run.started):
                    return False
                continue
            if run.current is not run.seen:
                return False  # started, not seen by the PLEG yet
            if run.seen is None:
                yield from self._start(run, None)
                return False
            if not run.seen_exited:
                return False
            exit_status = run.seen.exit
            if exit_status is not None and exit_status.exit_code == 0:
                continue
            if policy == "Never":
                return False  # the pod has failed (getPhase says so)
            yield from self._start(run, last_exits.get(run.name))
            return False
        return True

    # ---------------------------------------------------------------- starting a container

    def _start(self, run: ContainerRun, last_exit: Any) -> Generator[Any, Any, None]:
        """``startContainer``, after ``doBackOff``."""
        now = self.now()
        if last_exit is not None:
            if self.backoff.in_backoff_since(run.name, last_exit.finished_at, now):
                self.event("Warning", "BackOff", texts.backoff_event(self.kubelet.minor, run.name, self.ref),
                           run.field_path)
                run.set_reason("CrashLoopBackOff", texts.backoff_waiting(self.backoff.get(run.name), run.name, self.ref))
                self.backing_off = True
                return
            self.backoff.next(run.name, last_exit.finished_at, now)
        image = yield from images.ensure(self, run)
        if image is None or self.stale():
            return
        try:
            env = envs.environment(self, run.spec)
        except envs.ConfigError as e:
            self.event("Warning", "Failed", f"Error: {e}", run.field_path)
            run.set_reason("CreateContainerConfigError", str(e))
            self.failed = True
            return
        defined = dict(env)
        command = [envs.expand(a, defined) for a in run.spec.command] if run.spec.command is not None else None
        args = [envs.expand(a, defined) for a in run.spec.args] if run.spec.args is not None else None
        mounts = volumes.mounts_for(self, run.spec, self.volumes or {}, image.rootfs())
        termination_log = File(b"", 0o666, mtime=now)
        mounts.append(MountSpec(run.spec.termination_message_path or "/dev/termination-log", termination_log,
                                source=self.node.host.root_device))
        rt = self.node.runtime.create(self.sandbox, run.name, image, command, args, env, mounts, _limits(run.spec),
                                      run.spec.working_dir, bool(run.spec.tty), None)
        restart_count = run.current.restart_count + 1 if run.current is not None else 0
        inst = Instance(rt, self.node.container_id(), restart_count, image, self.node.image_name(run.spec.image or "",
                                                                                                image))
        inst.termination_log = termination_log
        rt.on_exit.append(self)
        run.add(inst)
        minor = self.kubelet.minor
        self.event("Normal", "Created", texts.created(minor, run.name), run.field_path)
        try:
            rt.start()
        except StartFailure:
            assert rt.exit_status is not None
            message = rt.exit_status.message
            if self.node.runtime.flavor == "docker":
                message = f'failed to start container "{inst.cid.split("://", 1)[1]}": Error response from daemon: {message}'
            self.event("Warning", "Failed", f"Error: {message}", run.field_path)
            run.set_reason("RunContainerError", message)
            self.failed = True
            return
        self.event("Normal", "Started", texts.started(run.name), run.field_path)
        run.reason = None
        self.schedule_relist()
        hook = run.spec.lifecycle.post_start if run.spec.lifecycle is not None else None
        if hook is not None and rt.state == "running":
            ok, detail = yield from self._hook(run, inst, hook, None)
            if not ok and not self.stale():
                self.event("Warning", "FailedPostStartHook", detail, run.field_path)
                yield from self._kill(run, "FailedPostStartHook", "postStart", hooks=False)
                run.set_reason("PostStartHookError", detail)

    def _container_exited(self, container: Any) -> None:
        """A container of this pod ended (see :meth:`__call__`)."""
        for run in self.runs:
            for inst in (run.current, run.previous):
                if inst is not None and inst.container is container:
                    self._exited(run, inst)
                    return
        if not self.adopted:
            self.schedule_relist()

    def _exited(self, run: ContainerRun, inst: Instance) -> None:
        """The runtime says a container ended: keep its termination message; the PLEG will notice."""
        st = inst.exit
        log_file = inst.termination_log
        message = log_file.data[:TERMINATION_LOG_MAX].decode("utf-8", "replace") if log_file is not None else ""
        if not message and st is not None and st.exit_code != 0 and \
                run.spec.termination_message_policy == "FallbackToLogsOnError":
            tail = inst.container.log.render(tail=FALLBACK_LINES)
            message = tail.encode()[-FALLBACK_BYTES:].decode("utf-8", "replace")
        if message:
            inst.message = message
        if not self.adopted:
            self.schedule_relist()

    # ---------------------------------------------------------------- stopping a container

    def _grace(self, run: ContainerRun, reason: str) -> float:
        """``setTerminationGracePeriod``."""
        pod = self.pod
        if pod.metadata.deletion_grace_period_seconds is not None:
            return float(pod.metadata.deletion_grace_period_seconds)
        grace = pod.spec.termination_grace_period_seconds
        if reason in ("liveness", "startup"):
            probe = getattr(run.spec, f"{reason}_probe")
            if probe is not None and probe.termination_grace_period_seconds is not None:
                return float(probe.termination_grace_period_seconds)
        return float(grace if grace is not None else 30)

    def _kill(self, run: ContainerRun, message: str, reason: str, hooks: bool = True) -> Generator[Any, Any, None]:
        """``killContainer``: the ``Killing`` event, the preStop hook, then StopContainer."""
        inst = run.current
        if inst is None or not inst.running:
            return
        self.event("Normal", "Killing", message, run.field_path)
        grace = self._grace(run, reason)
        yield from self._stop(run, inst, grace, hooks)

    def _stop(self, run: ContainerRun, inst: Instance, grace: float, hooks: bool = True) -> Generator[Any, Any, None]:
        hook = run.spec.lifecycle.pre_stop if (hooks and run.spec.lifecycle is not None) else None
        if hook is not None and grace > 0:
            started = self.now()
            ok, detail = yield from self._hook(run, inst, hook, grace)
            if not ok:
                self.event("Warning", "FailedPreStopHook", detail, run.field_path)
            grace -= self.now() - started
        grace = max(grace, MIN_GRACE)
        if inst.running:
            yield Delay(self.node.rng.uniform(*STOP_RPC_SECONDS))  # the StopContainer call reaching the runtime
        if inst.running:
            inst.container.stop(grace)
            yield Exited((inst.container,))

    def _hook(self, run: ContainerRun, inst: Instance, hook: Any, timeout: Optional[float]) -> Generator[Any, Any, tuple[bool, str]]:
        """Run a lifecycle hook: (succeeded, the event text if not)."""
        container = inst.container
        if hook.exec is not None:
            argv = list(hook.exec.command or ())
            shown = f"[{' '.join(argv)}]"
            try:
                proc = container.exec(argv)
            except (ContainerNotRunning, ExecFailure) as e:
                detail = getattr(e, "detail", str(e))
                return False, (f'Exec lifecycle hook ({shown}) for Container "{run.name}" in Pod "{self.ref}" failed - '
                               f'error: {detail}, message: ""')
            done = yield Finished(proc, timeout)
            if not done:
                return True, ""
            if proc.exit_code:
                out = proc.output.text if proc.output is not None else ""
                return False, (f'Exec lifecycle hook ({shown}) for Container "{run.name}" in Pod "{self.ref}" failed - '
                               f"error: command '{' '.join(argv)}' exited with {proc.exit_code}: {out}, message: "
                               f'"{out}"')
            return True, ""
        if hook.http_get is not None:
            g = hook.http_get
            port = g.port if isinstance(g.port, int) else next(
                (p.container_port for p in run.spec.ports or () if p.name == g.port), 0)
            path = g.path or "/"
            request = HttpRequest("GET", path, [("Host", f"{self.ip}:{port}"), ("User-Agent", "Go-http-client/1.1")],
                                  client_ip=self.node.gateway, server_ip=self.ip or "", server_port=int(port))
            response = self.sandbox.http(request) if self.sandbox is not None else None
            if response is None or not 200 <= response.status < 400:
                what = "connection refused" if response is None else f"{response.status}"
                return False, (f'HTTP lifecycle hook ({path}) for Container "{run.name}" in Pod "{self.ref}" failed - '
                               f'error: {what}, message: ""')
            return True, ""
        if hook.sleep is not None:
            seconds = float(hook.sleep.seconds)
            yield Delay(min(seconds, timeout) if timeout is not None else seconds)
            return True, ""
        return True, ""

    # ---------------------------------------------------------------- the PLEG and probes

    def schedule_relist(self) -> None:
        if self.relist_armed or self.gone:
            return
        self.relist_armed = True
        self.kubelet.loop.call_at(self.node.next_relist(self.now()), self._relist, PRIORITY_NODE)

    def _relist(self) -> None:
        self.relist_armed = False
        self._pleg()

    def _pleg(self) -> None:
        """A relist: what changed is a PLEG event; a sync waiting for fresh cache runs first."""
        if self.gone:
            return
        changed = self._observe()
        if self.sandbox is not None and not self.sandbox_seen:
            self.sandbox_seen = changed = True
        if self.cache_wait:
            # the relist refreshed the cache: the waiting sync runs; what the relist saw is one
            # more event for the pod worker, a sync after this one
            self.cache_wait = False
            self.request_sync()
        if not changed:
            return
        self._check_terminal()
        if self.terminating or self.terminal:
            self.mark_dirty()  # no sync runs any more: the status manager reports what the PLEG saw
        else:
            self.request_sync()  # the sync writes the status it generates (`generateAPIPodStatus`)

    def _observe(self) -> bool:
        """The PLEG's look at this pod's containers; probe workers hear of what changed."""
        changed = False
        for run in self.runs:
            if run.observe():
                changed = True
                for p in run.probes:
                    p.wake()
        return changed

    def probe_result(self, run: ContainerRun, kind: str, result: str) -> None:
        """A probe worker's result changed (the results managers' updates)."""
        if kind == "readiness":
            ready = result == SUCCESS
            if run.ready != ready:
                run.ready = ready
                self.mark_dirty()
            self.request_sync()
        elif kind == "startup":
            started = result == SUCCESS
            if started and not run.started:
                run.started = True
                if run.spec.readiness_probe is None:
                    run.ready = True
                for p in run.probes:
                    p.wake()
                self.mark_dirty()
            self.request_sync()
        elif result == FAILURE:
            self.request_sync()

    def _check_terminal(self) -> None:
        """Every container done for good (``restartPolicy`` Never or OnFailure): the pod is over."""
        if self.terminal or self.terminating or self.sandbox is None:
            return
        pod = self.pod
        policy = pod.spec.restart_policy or "Always"
        if policy == "Always":
            return
        for run in self.main_runs:
            if run.seen is None or not run.seen_exited or run.current is not run.seen:
                return
            if should_restart(run, policy, False):
                return
        self._finish()

    def _finish(self) -> None:
        self.terminal = True
        self.terminal_requested = True
        for run in self.runs:
            for p in run.probes:
                p.stop()
            if run.current is not None and run.current.running:
                run.current.container.kill()
        self.sandbox_gone = True
        self.release_ip()
        self.mark_dirty()

    def _deadline(self) -> None:
        """``activeDeadlineSeconds`` passed: the kubelet fails the pod and kills its containers."""
        if self.terminal or self.terminating or self.gone:
            return
        message = "Pod was active on the node longer than the specified deadline"
        self.event("Normal", "DeadlineExceeded", message)
        self.phase_override = "Failed"
        self.status_reason, self.status_message = "DeadlineExceeded", message
        for run in self.runs:
            if run.current is not None and run.current.running:
                self.event("Normal", "Killing", texts.stopping(run.name), run.field_path)
                run.current.container.stop(self._grace(run, ""))
        self.terminal = True
        for run in self.runs:
            for p in run.probes:
                p.stop()
        self.schedule_relist()
        self.mark_dirty()

    # ---------------------------------------------------------------- volumes waiting for objects

    def _retry_mount(self, waits_for: Optional[tuple[str, str, str]]) -> None:
        if waits_for is not None:
            self.kubelet.wait_for(waits_for, self)
        if self.mount_armed:
            return
        self.mount_armed = True
        delay = self.mount_delay
        self.mount_delay = min(self.mount_delay * 2, MOUNT_RETRY[1])

        def retry() -> None:
            self.mount_armed = False
            self.request_sync()

        self.kubelet.loop.call_later(delay, retry, PRIORITY_NODE)

    def object_appeared(self) -> None:
        """A ConfigMap or Secret a pending mount needs now exists (the volume manager retries at once)."""
        if self.volumes is None:
            self.request_sync()

    def refresh_volumes(self, kind: str, name: str) -> None:
        """A projected ConfigMap or Secret changed: rewrite its files (``..data`` flips atomically)."""
        for vol in (self.volumes or {}).values():
            if vol.kind == kind and vol.ref == name and vol.refresh is not None:
                try:
                    vol.refresh()
                except volumes.MountError:
                    pass

    def env_for_subpath(self, container: Any) -> dict[str, str]:
        try:
            return dict(envs.environment(self, container))
        except envs.ConfigError:
            return {}

    # ---------------------------------------------------------------- deletion

    def begin_termination(self) -> None:
        if self.gone:
            return
        self.terminating = True
        self.task = None
        self._drive(self._terminate(), None)

    def _terminate(self) -> Generator[Any, Any, None]:
        """``syncTerminatingPod``: stop every running container, then the API object goes."""
        for run in self.runs:
            for p in run.probes:
                p.stop()
        grace_default = self.pod.metadata.deletion_grace_period_seconds
        if grace_default is None:
            grace_default = self.pod.spec.termination_grace_period_seconds or 30
        stopping = []
        for run in self.main_runs + self.init_runs:
            inst = run.current
            if inst is not None and inst.running:
                self.event("Normal", "Killing", texts.stopping(run.name), run.field_path)
                stopping.append((run, inst))
        gens = [self._stop(run, inst, float(grace_default)) for run, inst in stopping]
        for g in gens:  # StopContainer for each container in parallel: start them all, then wait
            self._drive_detached(g)
        if stopping:
            yield Exited(tuple(inst.container for _, inst in stopping))
        if self.sandbox is not None:
            yield Delay(self.node.next_relist(self.now()) - self.now())
        for run in self.runs:
            run.observe()
            run.ready = False
        self.sandbox_gone = True
        self.flush()
        self.release_ip()
        try:
            self.store.delete("Pod", self.namespace, self.name, grace_period_seconds=0)
        except StatusError:
            pass

    def _drive_detached(self, gen: Generator) -> None:
        """Run a generator to its end on its own (a container's preStop and stop during deletion)."""
        def step(value: Any = None) -> None:
            try:
                wait = gen.send(value)
            except StopIteration:
                return
            loop = self.kubelet.loop
            if isinstance(wait, Delay):
                loop.call_later(wait.seconds, step, PRIORITY_NODE)
            elif isinstance(wait, Exited):
                pending = [c for c in wait.containers if c.state == "running"]
                if not pending:
                    loop.call_soon(step, PRIORITY_NODE)
                for c in pending:
                    c.on_exit.append(lambda _c: loop.call_soon(step, PRIORITY_NODE))
            elif isinstance(wait, Finished):
                proc = wait.process
                state = {"over": False}

                def fin(_p: Any = None, ok: bool = True) -> None:
                    if not state["over"]:
                        state["over"] = True
                        loop.call_soon(lambda: step(ok), PRIORITY_NODE)

                if proc.done:
                    fin()
                else:
                    proc.on_exit.append(fin)
                    if wait.timeout is not None:
                        loop.call_later(wait.timeout, lambda: fin(None, False), PRIORITY_NODE)

        step()

    # ---------------------------------------------------------------- status

    def mark_dirty(self) -> None:
        if self.flush_armed or self.gone or self.adopted:
            return
        self.flush_armed = True
        self.kubelet.loop.call_soon(self._flush_soon, PRIORITY_STATUS)

    def _flush_soon(self) -> None:
        self.flush_armed = False
        self.flush()

    def flush(self) -> None:
        """The status manager's write: what the kubelet knows now, as one status update."""
        if self.gone or self.adopted:
            return
        current = self.store.try_get("Pod", self.namespace, self.name)
        if current is None or current.metadata.uid != self.uid:
            return
        self.pod = current
        for run in self.runs:
            if run.started and run.seen_running and not run.ready:
                for p in run.probes:
                    if p.kind == "readiness":
                        p.trigger()
        if status.unchanged(self, current.status, self.built, self.built_flags):
            return  # built from what the stored status was built from: it would be that status again
        new_status = status.build(self, current.status)
        if new_status == current.status:
            # upstream's status manager (`needsUpdate`) compares before it writes: an unchanged
            # status is no write at all, not a PUT the API server finds empty
            return
        try:
            stored = self.store.update(evolve(current, deep=(), status=new_status), subresource="status")
        except StatusError:
            return
        # remember the stored (shared) container statuses: the next build reuses the unchanged ones
        for runs, built in ((self.init_runs, stored.status.init_container_statuses),
                            (self.main_runs, stored.status.container_statuses)):
            for run, cs in zip(runs, built or (), strict=False):
                if cs is not run.status and cs == run.status:
                    run.status = cs
        # what the next flush compares with: the stored status, if it is what was built
        if stored.status == new_status:
            self.built, self.built_flags = stored.status, status.flags(self)

    # ---------------------------------------------------------------- what kubectl asks

    def instance(self, container: str, previous: bool = False) -> Optional[Instance]:
        run = self.by_name(container)
        if run is None:
            return None
        return run.seen_previous if previous else run.current


_UNLIMITED = Limits(None, None)  # frozen: every container without limits shares it


def _limits(container: Any) -> Limits:
    limits = container.resources.limits
    if not limits:
        return _UNLIMITED
    cpu = limits.get("cpu")
    memory = limits.get("memory")
    return Limits(Quantity.parse(cpu).milli_value() if cpu else None, Quantity.parse(memory).value() if memory else None)


