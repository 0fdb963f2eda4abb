"""The scheduling loop: take an unbound pod, filter nodes, score the survivors, bind the best.

Node usage is kept incrementally (a cache of requested resources per node, updated from pod
events), so scheduling one pod costs O(nodes), never O(pods). Like kube-scheduler, a cycle
filters nodes from where the previous one stopped until it has found `percentageOfNodesToScore`
of them feasible (all of them below 100 nodes), then scores only those, with the default
profile's plugins and weights. Every decision is recorded in :attr:`Scheduler.decisions` — the
per-node verdicts and each plugin's score — so a picture can later show why a pod went where it
went, or why it stayed Pending.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from kubenb.api.base import evolve
from kubenb.client.events import SeriesRecorder
from kubenb.scheduler import plugins
from kubenb.scheduler.plugins.image_locality import ImageLocality
from kubenb.scheduler.plugins.interpod_affinity import InterPodAffinity
from kubenb.scheduler.plugins.node_affinity import node_affinity_score
from kubenb.scheduler.plugins.node_resources_score import balanced_allocation, make_least_allocated
from kubenb.scheduler.plugins.pod_topology_spread import PodTopologySpread
from kubenb.scheduler.plugins.scoring import Scorer
from kubenb.scheduler.plugins.taint_toleration import taint_toleration_score
from kubenb.scheduler.plugins.volume_binding import VolumeBinding
from kubenb.scheduler.queue import SchedulingQueue
from kubenb.scheduler.resources import Request, node_allocatable, pod_request
from kubenb.store import WatchEvent
from kubenb.store.errors import StatusError

SCHEDULER_NAME = "default-scheduler"
# v1.27 reports a PreFilter rejection once (Diagnosis.PreFilterMsg) instead of once per node
PREFILTER_MSG_MINOR = 27
# `numFeasibleNodesToFind`: below this many nodes every node is filtered; above, the adaptive
# percentageOfNodesToScore (50% - nodes/125, at least 5%) of them, and never fewer than this.
MIN_FEASIBLE_NODES_TO_FIND = 100
MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5


@dataclass
class Decision:
    pod: str  # namespace/name
    time: float
    node: Optional[str]
    rejections: dict[str, tuple[str, ...]] = field(default_factory=dict)  # node -> reasons
    scores: dict[str, int] = field(default_factory=dict)  # node -> weighted total
    plugin_scores: dict[str, dict[str, int]] = field(default_factory=dict)  # node -> plugin -> normalised score
    message: str = ""


class Scheduler:
    def __init__(self, cluster) -> None:
        self.cluster = cluster
        self.store = cluster.store
        self.minor = cluster.version.minor
        # events.k8s.io, as kube-scheduler records since v1.19: repeats are an EventSeries
        self.events = SeriesRecorder(self.store, cluster.loop, SCHEDULER_NAME,
                                     f"{SCHEDULER_NAME}-{cluster.profile.control_plane.name}")
        self.rng = cluster.rng.stream("scheduler")
        self.queue = SchedulingQueue(cluster.loop, self._schedule_key, self.minor)
        self.requested: dict[str, Request] = {}
        self.nonzero_requested: dict[str, Request] = {}  # `NonZeroRequested`, for LeastAllocated
        self.host_ports: dict[str, set[tuple[str, str, int]]] = {}
        self.decisions: dict[tuple[str, str], Decision] = {}
        #: `nextStartNodeIndex`: where the next pod's search through the nodes starts
        self.next_start_node_index = 0
        self.filters: list[plugins.Filter] = [
            plugins.node_unschedulable, plugins.node_name, plugins.taint_toleration,
            plugins.node_affinity, plugins.node_ports, plugins.make_fit(lambda p: pod_request(p.spec)),
        ]
        self.volume_binding = VolumeBinding(self.store)
        self.pod_topology_spread = PodTopologySpread(self.store, self.minor)
        self.inter_pod_affinity = InterPodAffinity(self.store)
        self.image_locality = ImageLocality(self.minor)
        #: the default profile's Score plugins in upstream's order, with their weights
        self.scorers: list[tuple[str, int, Scorer]] = [
            ("TaintToleration", 3, taint_toleration_score),
            ("NodeAffinity", 2, node_affinity_score),
            ("NodeResourcesFit", 1, make_least_allocated(lambda n: self.nonzero_requested.get(n, Request(0, 0, 0)))),
            ("PodTopologySpread", 2, self.pod_topology_spread.score),
            ("InterPodAffinity", 2, self.inter_pod_affinity.score),
            ("NodeResourcesBalancedAllocation", 1, balanced_allocation),
            ("ImageLocality", 1, self.image_locality),
        ]
        self.store.watch(self._on_pod, "Pod")
        self.store.watch(self._on_node, "Node")
        for kind in ("PersistentVolumeClaim", "PersistentVolume", "StorageClass"):  # may unblock VolumeBinding
            self.store.watch(self._on_storage, kind)

    # ---------------------------------------------------------------- cache

    def _on_pod(self, ev: WatchEvent) -> None:
        if ev.old_object is not None and _counts(ev.old_object):
            self._account(ev.old_object, -1)
        if ev.type != "DELETED" and _counts(ev.object):
            self._account(ev.object, +1)
        pod = ev.object
        key = (pod.metadata.namespace or "", pod.metadata.name or "")
        if ev.old_object is not None and _counts(ev.old_object) and (ev.type == "DELETED" or not _counts(pod)):
            self.queue.move_all()  # freed room may fit a pending pod (AssignedPodDelete)
        if ev.type == "DELETED" or pod.spec.node_name or pod.metadata.deletion_timestamp is not None or \
                (pod.spec.scheduler_name or SCHEDULER_NAME) != SCHEDULER_NAME:
            self.queue.forget(key)
        elif ev.type == "ADDED":
            self.queue.add(key)
        elif key in self.queue.unschedulable and _pod_updated(ev.old_object, pod):
            self.queue.activate(key)  # the pod itself changed: worth another try

    def _account(self, pod: Any, sign: int) -> None:
        node = pod.spec.node_name
        for cache, req in ((self.requested, pod_request(pod.spec)),
                           (self.nonzero_requested, pod_request(pod.spec, nonzero=True))):
            current = cache.get(node, Request(0, 0, 0))
            cache[node] = current + req if sign > 0 else current - req
        ports = self.host_ports.setdefault(node, set())
        for c in pod.spec.containers:
            for p in c.ports or ():
                if p.host_port:
                    entry = (p.host_ip or "0.0.0.0", p.protocol or "TCP", p.host_port)
                    (ports.add if sign > 0 else ports.discard)(entry)

    def _on_node(self, ev: WatchEvent) -> None:
        self.image_locality.on_node(ev.object, ev.type == "DELETED")
        if ev.type == "ADDED" or (ev.type == "MODIFIED" and _scheduling_properties_changed(ev.old_object, ev.object)):
            self.queue.move_all()

    def _on_storage(self, ev: WatchEvent) -> None:
        """A claim, volume or class added or changed (PvcAdd/PvcUpdate, PvAdd/PvUpdate, StorageClassAdd)."""
        if ev.type != "DELETED":
            self.queue.move_all()

    # ---------------------------------------------------------------- scheduling one pod

    def _schedule_key(self, key: tuple[str, str]) -> None:
        pod = self.store.try_get("Pod", *key)
        if pod is None or pod.spec.node_name or pod.metadata.deletion_timestamp is not None:
            return
        nodes = self.store.list("Node")
        decision = Decision(pod=f"{key[0]}/{key[1]}", time=self.cluster.clock.now, node=None)
        feasible = []
        histogram: dict[str, int] = {}
        unresolvable: dict[str, bool] = {}
        everywhere, delayed = self.volume_binding.prefilter(pod)
        # PreFilter of the plugins that look at other pods: each gives this cycle's Filter, or skips
        cycle_filters = [f for f in (self.pod_topology_spread.prefilter(pod, nodes),
                                     self.inter_pod_affinity.prefilter(pod, nodes)) if f is not None]
        wanted = num_feasible_nodes_to_find(len(nodes))
        processed = 0
        for i in range(len(nodes)):
            node = nodes[(self.next_start_node_index + i) % len(nodes)]
            processed += 1
            info = plugins.NodeInfo(node, node_allocatable(node), self.requested.get(node.metadata.name, Request(0, 0, 0)),
                                    self.host_ports.get(node.metadata.name, set()))
            rejection = everywhere or next((r for f in self.filters if (r := f(pod, info, self.minor)) is not None),
                                           None) or self.volume_binding.filter(pod, info, delayed) or next(
                (r for f in cycle_filters if (r := f(pod, info, self.minor)) is not None), None)
            if rejection is None:
                feasible.append(info)
                if len(feasible) >= wanted:
                    break
                continue
            decision.rejections[node.metadata.name] = rejection.reasons
            unresolvable[node.metadata.name] = rejection.unresolvable
            for reason in rejection.reasons:
                histogram[reason] = histogram.get(reason, 0) + 1
        if nodes:
            self.next_start_node_index = (self.next_start_node_index + processed) % len(nodes)
        self.decisions[key] = decision
        if not feasible:
            decision.message = self._fit_error(len(nodes), histogram, unresolvable,
                                               everywhere.reasons[0] if everywhere is not None else "")
            self.queue.park(key)  # parked before the status write, so that write does not re-queue it
            self._fail(pod, decision.message)
            return
        best = self._select(pod, feasible, decision)
        decision.node = best
        if delayed:
            self.volume_binding.prebind(pod, next(i.node for i in feasible if i.node.metadata.name == best), delayed)
        self._bind(pod, best)

    def _select(self, pod: Any, feasible: list[plugins.NodeInfo], decision: Decision) -> str:
        """`prioritizeNodes` + `selectHost`: each Score plugin's normalised scores times its weight,
        summed; the best node wins, ties by seeded lot. A single feasible node is not scored."""
        names = [info.node.metadata.name for info in feasible]
        if len(feasible) == 1:
            return names[0]
        totals = [0] * len(feasible)
        per_node: list[dict[str, int]] = [{} for _ in feasible]
        for plugin, weight, scorer in self.scorers:
            scores = scorer(pod, feasible)
            if scores is None:
                continue
            for i, score in enumerate(scores):
                per_node[i][plugin] = score
                totals[i] += score * weight
        for name, total, detail in zip(names, totals, per_node, strict=False):
            decision.scores[name] = total
            decision.plugin_scores[name] = detail
        top = max(totals)
        best = [name for name, total in zip(names, totals, strict=False) if total == top]
        return best[0] if len(best) == 1 else self.rng.choice(best)

    def _fit_error(self, n: int, histogram: dict[str, int], unresolvable: dict[str, bool], prefilter: str = "") -> str:
        parts = sorted(f"{count} {reason}" for reason, count in histogram.items())
        if prefilter and self.minor >= PREFILTER_MSG_MINOR:
            parts = [prefilter]  # a PreFilter rejection is said once, not counted per node
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
        self.events.record(bound, "Normal", "Scheduled",
                           f"Successfully assigned {pod.metadata.namespace}/{pod.metadata.name} to {node}", action="Binding")

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
        self.events.record(pod, "Warning", "FailedScheduling", message, action="Scheduling")


def num_feasible_nodes_to_find(total: int) -> int:
    """`numFeasibleNodesToFind` with the default (adaptive) percentageOfNodesToScore."""
    if total < MIN_FEASIBLE_NODES_TO_FIND:
        return total
    percentage = max(50 - total // 125, MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND)
    return max(total * percentage // 100, MIN_FEASIBLE_NODES_TO_FIND)


def _counts(pod: Any) -> bool:
    """Bound and not finished: the pod holds its node's resources."""
    return bool(pod.spec.node_name) and pod.status.phase not in ("Succeeded", "Failed")


def _pod_updated(old: Any, new: Any) -> bool:
    """`isPodUpdated`: anything but status, resourceVersion, generation and finalizers changed."""
    if old is None:
        return True
    return old.spec != new.spec or old.metadata.labels != new.metadata.labels or \
        old.metadata.annotations != new.metadata.annotations


def _scheduling_properties_changed(old: Any, new: Any) -> bool:
    """`nodeSchedulingPropertiesChange`: a heartbeat alone does not wake pending pods."""
    if old is None:
        return True
    return (old.spec.unschedulable != new.spec.unschedulable or old.spec.taints != new.spec.taints
            or old.metadata.labels != new.metadata.labels
            or old.status.allocatable != new.status.allocatable
            or [(c.type, c.status) for c in old.status.conditions or ()] !=
            [(c.type, c.status) for c in new.status.conditions or ()])
