"""`kubectl get -w`: the rows a watching terminal prints while simulated time passes.

kubectl prints the list, then one row per watch event (ADDED, MODIFIED, DELETED) of a matching
object, each rendered at the moment it happened and aligned by the same tab writer as the
header (widths only grow). A real watch runs until interrupted; here it runs for
`--request-timeout` when given, otherwise until nothing has happened for a while
(:data:`QUIET_SECONDS`), at most :data:`MAX_SECONDS` — enough to see a rollout or a restart play out.

A :class:`Watch` can also be left running while other commands change the cluster (the course's
"second terminal"): :attr:`Context.background` collects it instead of waiting, and its owner
calls :meth:`Watch.finish` later.
"""

from __future__ import annotations

from typing import Any

from kubenb.kubectl.context import Context
from kubenb.kubectl.printers.columns import table_for
from kubenb.sim.duration import parse_duration

QUIET_SECONDS = 5.0
MAX_SECONDS = 300.0


class Watch:
    """A running `get -w`: subscribed to the store from construction until :meth:`finish`."""

    def __init__(self, ctx: Context, p, found: list, selector: Any, all_ns: bool, writer: Any) -> None:
        self.ctx, self.p, self.writer, self.all_ns = ctx, p, writer, all_ns
        requests = [req for req, _ in found]
        self.kinds = {req.info.kind: req for req in requests}
        self.names = {(req.info.kind, n) for req in requests for n in req.names}
        self.selector = selector
        self.events: list[tuple[str, Any, float]] = []
        self._unsubscribe = [ctx.cluster.store.watch(self._on_event, kind) for kind in self.kinds]

    def _on_event(self, ev) -> None:
        obj = ev.object
        req = self.kinds.get(obj.KIND)
        if req is None:
            return
        if req.info.namespaced and not self.all_ns and (obj.metadata.namespace or "") != self.ctx.namespace:
            return
        if req.names and (obj.KIND, obj.metadata.name) not in self.names:
            return
        if self.selector is not None and not self.selector.matches(obj.metadata.labels or {}):
            return
        self.events.append((ev.type, obj, self.ctx.cluster.clock.now))

    def finish(self) -> str:
        """Let time pass until the watch would end (its timeout, or a quiet spell); its later rows."""
        try:
            self._wait()
        finally:
            for stop in self._unsubscribe:
                stop()
            self._unsubscribe = []
        return self._render()

    def _wait(self) -> None:
        loop, clock = self.ctx.cluster.loop, self.ctx.cluster.clock
        start = clock.now
        timeout = _timeout(self.p["request-timeout"])
        if timeout:
            loop.run_until(start + timeout)
            return

        # stop QUIET_SECONDS after the last row (or the start), never jumping past that instant
        # to the cluster's next scheduled event: a quiet terminal is one nobody waits on
        loop.settle()
        while True:
            last = self.events[-1][2] if self.events else start
            quiet_end = min(last + QUIET_SECONDS, start + MAX_SECONDS)
            if clock.now >= quiet_end:
                return
            nxt = loop.next_time()
            loop.run_until(quiet_end if nxt is None or nxt > quiet_end else nxt)

    def _render(self) -> str:
        with_kind = len(self.kinds) > 1
        out = []
        for _, obj, when in self.events:
            req = self.kinds[obj.KIND]
            table = table_for(obj.KIND, [obj], when, self.ctx.minor)
            prefix = f"{req.info.kind_group}/" if with_kind else ""
            for line in table.lines(wide=self.p["output"] == "wide", show_labels=self.p["show-labels"],
                                    namespace_column=self.all_ns and req.info.namespaced, no_headers=True,
                                    label_columns=tuple(self.p["label-columns"]), name_prefix=prefix):
                self.writer.write(line + "\n")
            out.append(self.writer.flush())
        return "".join(out)


def watch(ctx: Context, p, found: list, selector: Any, all_ns: bool, writer: Any) -> None:
    """Run the watch now (kubectl in the foreground), or hand it to :attr:`Context.background`."""
    w = Watch(ctx, p, found, selector, all_ns, writer)
    if ctx.background is not None:
        ctx.background.append(w)
        return
    ctx.out.write(w.finish())


def _timeout(text: str) -> float:
    if not text or text == "0":
        return 0.0
    return float(text) if text.isdigit() else parse_duration(text)
