"""`store`: the store's own write path, µs per write, with no watcher listening.

Every write in the simulation goes through `Store.create/update/bind/delete`; this replays a pod's
life as the components write it — the ReplicaSet controller's create, the scheduler's binding, the
kubelet's status writes (Pending with container statuses, then Running and Ready), a graceful delete
and the kubelet's final one — for P pods, with the cluster's watchers detached, so the figures are
the store's (admission, resourceVersions, indexes, dispatch) and nothing else's: each write's input
is built before the clock starts, and the garbage collector runs between phases, not inside one.
"""

from __future__ import annotations

import gc
import time

from benchmarks.figures import figure
from benchmarks.registry import scenario
from benchmarks.scenarios.cluster import all_available, apply_deployments, new_cluster, run_until
from kubenb.api.base import evolve
from kubenb.store.errors import StatusError


@scenario("store", nodes=2, pods=20_000)
def store(nodes: int, pods: int) -> None:
    """P pods created, bound, status-written twice and deleted straight through the store: µs per write."""
    from kubenb.api.core import Pod
    from kubenb.api.meta import ObjectMeta
    from kubenb.controllers.base import owner_reference

    cluster = new_cluster(nodes)
    apply_deployments(cluster, 1, per_deployment=1)
    run_until(cluster, lambda: all_available(cluster))
    st = cluster.store
    rs = st.list("ReplicaSet", "default")[0]
    running = st.by_owner(rs.metadata.uid or "", "Pod")[0]
    node = running.spec.node_name
    st.swap_watchers(lambda h, kind: None)  # the store alone: no component hears of these pods
    template = rs.spec.template
    costs: dict[str, float] = {}

    def phase(name: str, write, inputs: list) -> list:
        """`write` of each input, timed alone: the inputs are built before, the collector runs after."""
        gc.collect()
        gc.disable()
        try:
            t0 = time.process_time()
            out = [write(x) for x in inputs]
            costs[name] = time.process_time() - t0
        finally:
            gc.enable()
        return out

    def create(new):
        while True:  # a generated name can be drawn twice: the controller retries, so does this
            try:
                return st.create(new)
            except StatusError as err:
                if err.reason != "AlreadyExists":
                    raise
                new.metadata.name = None

    created = phase("create", create, [Pod(
        metadata=ObjectMeta(generate_name=f"{rs.metadata.name}-", namespace="default",
                            labels=dict(template.metadata.labels or {}), owner_references=[owner_reference(rs)]),
        spec=template.spec.model_copy(deep=True)) for _ in range(pods)])
    bound = phase("bind", st.bind, [p.model_copy(update={
        "spec": p.spec.model_copy(update={"node_name": node}),
        "status": p.status.model_copy(update={"conditions": running.status.conditions[-1:]})}) for p in created])
    pending = phase("update status (pending)", lambda new: st.update(new, subresource="status"), [
        evolve(p, deep=(), status=running.status.model_copy(update={"phase": "Pending"})) for p in bound])
    phase("update status (running)", lambda new: st.update(new, subresource="status"),
          [evolve(p, deep=(), status=running.status) for p in pending])
    phase("delete (graceful)", lambda name: st.delete("Pod", "default", name), [p.metadata.name for p in created])
    phase("delete (final, grace 0)", lambda name: st.delete("Pod", "default", name, grace_period_seconds=0),
          [p.metadata.name for p in created])
    for name, seconds in costs.items():
        figure(f"pod {name}", seconds / pods * 1e6, "µs", f"{pods} writes")
    total = sum(costs.values())
    figure("every write", total / (pods * len(costs)) * 1e6, "µs", f"cpu {total:.2f} s for {pods * len(costs)} writes")
