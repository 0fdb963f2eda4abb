"""`kubectl get -w`: the rows a watching terminal prints while simulated time passes.

kubectl prints the list, then one row per watch event (ADDED, MODIFIED, DELETED) of a matching
object, each rendered at the moment it happened and aligned by the same tab writer as the
header (widths only grow). A real watch runs until interrupted; here it runs for
`--request-timeout` when given, otherwise until nothing has happened for a while
(:data:`QUIET_SECONDS`), at most :data:`MAX_SECONDS` — enough to see a rollout or a restart play out.
"""

from __future__ import annotations

from typing import Any

from kubenb.kubectl.context import Context
from kubenb.kubectl.printers.columns import table_for
from kubenb.sim.duration import parse_duration

QUIET_SECONDS = 5.0
MAX_SECONDS = 300.0


def watch(ctx: Context, p, found: list, selector: Any, all_ns: bool, writer: Any) -> None:
    requests = [req for req, _ in found]
    kinds = {req.info.kind: req for req in requests}
    names = {(req.info.kind, n) for req in requests for n in req.names}
    events: list[tuple[str, Any, float]] = []
    cluster = ctx.cluster

    def on_event(ev) -> None:
        obj = ev.object
        req = kinds.get(obj.KIND)
        if req is None:
            return
        if req.info.namespaced and not all_ns and (obj.metadata.namespace or "") != ctx.namespace:
            return
        if req.names and (obj.KIND, obj.metadata.name) not in names:
            return
        if selector is not None and not selector.matches(obj.metadata.labels or {}):
            return
        events.append((ev.type, obj, cluster.clock.now))

    unsubscribe = [cluster.store.watch(on_event, kind) for kind in kinds]
    start = cluster.clock.now
    timeout = _timeout(p["request-timeout"])
    try:
        if timeout:
            cluster.loop.run_until(start + timeout)
        else:
            def busy() -> bool:
                last = events[-1][2] if events else start
                return cluster.clock.now < last + QUIET_SECONDS

            cluster.loop.run_while(busy, start + MAX_SECONDS)
            if not events:
                cluster.loop.run_until(max(cluster.clock.now, start + QUIET_SECONDS))
    finally:
        for stop in unsubscribe:
            stop()
    with_kind = len(kinds) > 1
    for _, obj, when in events:
        req = kinds[obj.KIND]
        table = table_for(obj.KIND, [obj], when, ctx.minor)
        prefix = f"{req.info.kind_group}/" if with_kind else ""
        for line in table.lines(wide=p["output"] == "wide", show_labels=p["show-labels"],
                                namespace_column=all_ns and req.info.namespaced, no_headers=True,
                                label_columns=tuple(p["label-columns"]), name_prefix=prefix):
            writer.write(line + "\n")
        ctx.out.write(writer.flush())


def _timeout(text: str) -> float:
    if not text or text == "0":
        return 0.0
    return float(text) if text.isdigit() else parse_duration(text)
