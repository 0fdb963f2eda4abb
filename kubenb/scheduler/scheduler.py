"""The scheduling loop: take an unbound pod, filter nodes, score the survivors, bind the best.

Node usage is kept incrementally (a cache of requested resources per node, updated from pod
events), so scheduling one pod costs O(nodes), never O(pods). Every decision is recorded in
:attr:`Scheduler.decisions` — the per-node verdicts — so a picture can later show why a pod went
where it went, or why it stayed Pending.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from kubenb.api.base import evolve
from kubenb.client.events import EventRecorder
from kubenb.client.workqueue import WorkQueue
from kubenb.scheduler import plugins
from kubenb.scheduler.resources import Request, node_allocatable, pod_request
from kubenb.store import WatchEvent
from kubenb.store.errors import StatusError

SCHEDULER_NAME = "default-scheduler"
# kube-scheduler flushes pods that stayed unschedulable this long back into the active queue.
UNSCHEDULABLE_RETRY_SECONDS = 300.0
# `numFeasibleNodesToFind`: below this many nodes every node is filtered; above, the adaptive
# percentageOfNodesToScore (50% - nodes/125, at least 5%) of them, and never fewer than this.
MIN_FEASIBLE_NODES_TO_FIND = 100
MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5


@dataclass
class Decision:
    pod: str  # namespace/name
    time: float
    node: Optional[str]
    rejections: dict[str, str] = field(default_factory=dict)  # node -> reason
    scores: dict[str, float] = field(default_factory=dict)
    message: str = ""


class Scheduler:
    def __init__(self, cluster) -> None:
        self.cluster = cluster
        self.store = cluster.store
        self.minor = cluster.version.minor
        self.events = EventRecorder(self.store, SCHEDULER_NAME)
        self.rng = cluster.rng.stream("scheduler")
        self.queue: WorkQueue[tuple[str, str]] = WorkQueue(cluster.loop, self._schedule_key)
        self.unschedulable: set[tuple[str, str]] = set()
        self.requested: dict[str, Request] = {}
        self.host_ports: dict[str, set[tuple[str, str, int]]] = {}
        self.owner_pods: dict[tuple[str, str], int] = {}  # (controller uid, node) -> bound pods, for spreading
        self.decisions: dict[tuple[str, str], Decision] = {}
        self._request: tuple[Any, Optional[Request]] = (None, None)  # the pod being scheduled, its request
        self.filters: list[plugins.Filter] = [
            plugins.node_unschedulable, plugins.node_name, plugins.taint_toleration,
            plugins.node_affinity, plugins.node_ports, plugins.make_fit(self._request_of),
        ]
        self._node_names: Optional[list[str]] = None  # sorted; rebuilt when a node comes or goes
        self._allocatable: dict[str, tuple[Any, Request]] = {}  # node name -> (node version, its allocatable)
        #: `nextStartNodeIndex`: where the next pod's search through the nodes starts
        self.next_start_node_index = 0
        self.store.watch(self._on_pod, "Pod")
        self.store.watch(self._on_node, "Node")

    # ---------------------------------------------------------------- cache

    def _on_pod(self, ev: WatchEvent) -> None:
        if ev.old_object is not None and _counts(ev.old_object):
            self._account(ev.old_object, -1)
        if ev.type != "DELETED" and _counts(ev.object):
            self._account(ev.object, +1)
        pod = ev.object
        key = (pod.metadata.namespace or "", pod.metadata.name or "")
        if ev.type == "DELETED" or (ev.old_object is not None and _counts(ev.old_object) and not _counts(pod)):
            self._retry_unschedulable()  # freed room may fit a pending pod
        if ev.type != "DELETED" and not pod.spec.node_name and pod.metadata.deletion_timestamp is None and \
                (pod.spec.scheduler_name or SCHEDULER_NAME) == SCHEDULER_NAME and key not in self.unschedulable:
            self.queue.add(key)

    def _account(self, pod: Any, sign: int) -> None:
        node = pod.spec.node_name
        req = pod_request(pod.spec)
        current = self.requested.get(node, Request(0, 0, 0))
        self.requested[node] = current + req if sign > 0 else current - req
        owner = pod.metadata.controller_ref()
        if owner is not None:
            key = (owner.uid, node)
            self.owner_pods[key] = self.owner_pods.get(key, 0) + sign
        ports = self.host_ports.setdefault(node, set())
        for c in pod.spec.containers:
            for p in c.ports or ():
                if p.host_port:
                    entry = (p.host_ip or "0.0.0.0", p.protocol or "TCP", p.host_port)
                    (ports.add if sign > 0 else ports.discard)(entry)

    def _on_node(self, ev: WatchEvent) -> None:
        if ev.type != "MODIFIED":
            self._node_names = None
        self._retry_unschedulable()

    def _request_of(self, pod: Any) -> Request:
        """The pod's resource request, computed once per pod however many nodes are filtered."""
        if self._request[0] is not pod:
            self._request = (pod, pod_request(pod.spec))
        return self._request[1]

    def _nodes(self) -> list[str]:
        if self._node_names is None:
            self._node_names = [n.metadata.name for n in self.store.list("Node")]
        return self._node_names

    def _node_info(self, name: str) -> Optional[plugins.NodeInfo]:
        node = self.store.try_get("Node", "", name)
        if node is None:
            return None
        cached = self._allocatable.get(name)
        if cached is None or cached[0] is not node:
            cached = self._allocatable[name] = (node, node_allocatable(node))
        return plugins.NodeInfo(node, cached[1], self.requested.get(name, Request(0, 0, 0)),
                                self.host_ports.get(name, set()))

    def _retry_unschedulable(self) -> None:
        for key in sorted(self.unschedulable):
            self.queue.add(key)
        self.unschedulable.clear()

    # ---------------------------------------------------------------- scheduling one pod

    def _schedule_key(self, key: tuple[str, str]) -> Optional[float]:
        pod = self.store.try_get("Pod", *key)
        if pod is None or pod.spec.node_name or pod.metadata.deletion_timestamp is not None:
            return None
        decision = Decision(pod=f"{key[0]}/{key[1]}", time=self.cluster.clock.now, node=None)
        names = self._nodes()
        feasible: list[plugins.NodeInfo] = []
        pinned = plugins.pinned_nodes(pod)
        if pinned:
            # NodeAffinity's PreFilter: a pod pinned by `metadata.name` (a DaemonSet pod) can only
            # fit the nodes it names; when none of them does, the full pass below says why
            feasible = [info for name in sorted(pinned) if (info := self._node_info(name)) is not None
                        and self._rejection(pod, info) is None]
        histogram: dict[str, int] = {}
        unresolvable: dict[str, bool] = {}
        if not feasible:
            feasible = self._find_feasible(pod, names, decision, histogram, unresolvable)
        self.decisions[key] = decision
        if not feasible:
            decision.message = self._fit_error(len(names), histogram, unresolvable)
            self._fail(pod, decision.message)
            self.unschedulable.add(key)
            self.cluster.loop.call_later(UNSCHEDULABLE_RETRY_SECONDS, lambda: self._flush_one(key))
            return None
        best = self._select(pod, feasible, decision)
        decision.node = best
        self._bind(pod, best)
        return None

    def _rejection(self, pod: Any, info: plugins.NodeInfo) -> Optional[plugins.Rejection]:
        return next((r for f in self.filters if (r := f(pod, info, self.minor)) is not None), None)

    def _find_feasible(self, pod: Any, names: list[str], decision: Decision, histogram: dict[str, int],
                       unresolvable: dict[str, bool]) -> list[plugins.NodeInfo]:
        """`findNodesThatPassFilters`: filter nodes from `next_start_node_index` on, round the list,
        until `num_feasible_nodes_to_find` fit (every node, below 100); the next pod starts where
        this one stopped. Rejections are recorded in `decision` and counted in `histogram`."""
        total = len(names)
        wanted = num_feasible_nodes_to_find(total)
        feasible: list[plugins.NodeInfo] = []
        processed = 0
        for i in range(total):
            name = names[(self.next_start_node_index + i) % total]
            info = self._node_info(name)
            if info is None:
                continue
            processed += 1
            rejection = self._rejection(pod, info)
            if rejection is None:
                feasible.append(info)
                if len(feasible) >= wanted:
                    break
                continue
            decision.rejections[name] = rejection.reason
            unresolvable[name] = rejection.unresolvable
            for reason in rejection.reason.split(", "):
                histogram[reason] = histogram.get(reason, 0) + 1
        if total:
            self.next_start_node_index = (self.next_start_node_index + processed) % total
        return feasible

    def _flush_one(self, key: tuple[str, str]) -> None:
        if key in self.unschedulable:
            self.unschedulable.discard(key)
            self.queue.add(key)

    def _select(self, pod: Any, feasible: list[plugins.NodeInfo], decision: Decision) -> str:
        """Score with LeastAllocated + BalancedAllocation + spreading of the pod's owner; ties by seeded lot."""
        req = pod_request(pod.spec, nonzero=True)
        owner = pod.metadata.controller_ref()
        best_score, best = -1.0, []
        for info in feasible:
            used = self.requested.get(info.node.metadata.name, Request(0, 0, 0))
            fractions = []
            for want, have, cap in ((req.milli_cpu, used.milli_cpu, info.allocatable.milli_cpu),
                                    (req.memory, used.memory, info.allocatable.memory)):
                fractions.append(min(1.0, (want + have) / cap) if cap else 1.0)
            least = sum((1 - f) * 100 for f in fractions) / len(fractions)
            balanced = (1 - abs(fractions[0] - fractions[1]) / 2) * 100
            spread = 0.0
            if owner is not None:
                siblings = self.owner_pods.get((owner.uid, info.node.metadata.name), 0)
                spread = 100.0 / (1 + siblings)
            score = least + balanced + spread
            decision.scores[info.node.metadata.name] = score
            if score > best_score:
                best_score, best = score, [info.node.metadata.name]
            elif score == best_score:
                best.append(info.node.metadata.name)
        return best[0] if len(best) == 1 else self.rng.choice(best)

    def _fit_error(self, n: int, histogram: dict[str, int], unresolvable: dict[str, bool]) -> str:
        parts = sorted(f"{count} {reason}" for reason, count in histogram.items())
        msg = f"0/{n} nodes are available: " + ", ".join(parts) + "."
        if self.minor >= 24:
            helpless = sum(1 for u in unresolvable.values() if u)
            victims = n - helpless
            pre = sorted(p for p in (f"{helpless} Preemption is not helpful for scheduling" if helpless else "",
                                     f"{victims} No preemption victims found for incoming pod" if victims else "") if p)
            msg += f" preemption: 0/{n} nodes are available: " + ", ".join(pre) + "."
        return msg

    # ---------------------------------------------------------------- writing the outcome

    def _bind(self, pod: Any, node: str) -> None:
        """The `pods/binding` subresource: set nodeName and PodScheduled=True in one write."""
        from kubenb.api.core import PodCondition

        new = evolve(pod, deep=("status",))
        new.spec = pod.spec.model_copy(update={"node_name": node})
        now = self.cluster.clock.rfc3339()
        new.status.conditions = [c for c in pod.status.conditions or () if c.type != "PodScheduled"] + [
            PodCondition(type="PodScheduled", status="True", last_transition_time=now, last_probe_time=None)]
        try:
            bound = self.store.bind(new)
        except StatusError:
            return
        self.events.normal(bound, "Scheduled", f"Successfully assigned {pod.metadata.namespace}/{pod.metadata.name} to {node}")

    def _fail(self, pod: Any, message: str) -> None:
        from kubenb.api.core import PodCondition

        cond = next((c for c in pod.status.conditions or () if c.type == "PodScheduled"), None)
        if cond is None or cond.message != message:
            new = evolve(pod, deep=("status",))
            new.status.conditions = [c for c in pod.status.conditions or () if c.type != "PodScheduled"] + [
                PodCondition(type="PodScheduled", status="False", reason="Unschedulable", message=message,
                             last_transition_time=cond.last_transition_time if cond else self.cluster.clock.rfc3339(),
                             last_probe_time=None)]
            self.store.update(new, subresource="status")
        self.events.warning(pod, "FailedScheduling", message)


def num_feasible_nodes_to_find(total: int) -> int:
    """`numFeasibleNodesToFind` with the default (adaptive) percentageOfNodesToScore."""
    if total < MIN_FEASIBLE_NODES_TO_FIND:
        return total
    percentage = max(50 - total // 125, MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND)
    return max(total * percentage // 100, MIN_FEASIBLE_NODES_TO_FIND)


def _counts(pod: Any) -> bool:
    """Bound and not finished: the pod holds its node's resources."""
    return bool(pod.spec.node_name) and pod.status.phase not in ("Succeeded", "Failed")
