"""The scheduling loop: take an unbound pod, filter nodes, score the survivors, bind the best.

Nodes and their usage come from the scheduler's cache (:mod:`kubenb.scheduler.cache`), kept from
watch events, so a cycle reads no object from the store per node and costs O(nodes filtered),
never O(pods). Like kube-scheduler, a cycle starts with the plugins' PreFilter -- what a plugin needs
of the pod computed once, plugins with nothing to check skipped -- then filters nodes from where
the previous cycle stopped until it has found `percentageOfNodesToScore` of them feasible (all of
them below 100 nodes), and scores only those, with the default profile's plugins and weights.
Plugins that have a vector form answer for all the nodes at once from the cache's NumPy columns
(:mod:`kubenb.scheduler.walk`), deciding exactly as node by node (`Scheduler.vectorised = False`).

From v1.24 NodeAffinity's PreFilter may name the only nodes worth filtering (a DaemonSet pod's
`matchFields metadata.name`): the cycle then filters just those, so such a pod costs O(1) nodes,
and the other nodes count as `node(s) didn't satisfy plugin(s) [NodeAffinity]` if it fails.

Every decision is recorded in :attr:`Scheduler.decisions` -- the per-node verdicts and each
plugin's score -- so a picture can later show why a pod went where it went, or why it stayed
Pending; the most recent `DECISIONS_KEPT` are kept.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Optional

import numpy as np

from kubenb.api.base import evolve
from kubenb.client.events import SeriesRecorder
from kubenb.scheduler import plugins, walk
from kubenb.scheduler.cache import NodeCache
from kubenb.scheduler.matching import MatchingCounts
from kubenb.scheduler.plugins import node_affinity
from kubenb.scheduler.plugins.image_locality import ImageLocality
from kubenb.scheduler.plugins.interpod_affinity import InterPodAffinity
from kubenb.scheduler.plugins.node_affinity import node_affinity_score
from kubenb.scheduler.plugins.node_resources_score import balanced_allocation, least_allocated
from kubenb.scheduler.plugins.pod_topology_spread import PodTopologySpread
from kubenb.scheduler.plugins.scoring import Scorer
from kubenb.scheduler.plugins.taint_toleration import taint_toleration_score
from kubenb.scheduler.plugins.volume_binding import VolumeBinding
from kubenb.scheduler.queue import SchedulingQueue
from kubenb.scheduler.shapes import ShapeCache
from kubenb.store import WatchEvent
from kubenb.store.errors import StatusError

SCHEDULER_NAME = "default-scheduler"
# v1.27 reports a PreFilter rejection once (Diagnosis.PreFilterMsg) instead of once per node
PREFILTER_MSG_MINOR = 27
# v1.24 added `PreFilterResult`: NodeAffinity's PreFilter may name the only nodes to filter
PREFILTER_RESULT_MINOR = 24
# the status the nodes a PreFilterResult leaves out get (v1.31+ names the plugins that left them out)
NOT_NAMED = "node(s) didn't satisfy plugin(s) [NodeAffinity]"
# `numFeasibleNodesToFind`: below this many nodes every node is filtered; above, the adaptive
# percentageOfNodesToScore (50% - nodes/125, at least 5%) of them, and never fewer than this.
MIN_FEASIBLE_NODES_TO_FIND = 100
MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5
#: how many of the latest decisions :attr:`Scheduler.decisions` keeps (each holds a score per node)
DECISIONS_KEPT = 1000


_NO_SLOTS = np.zeros(0, np.int32)
_NO_ROWS = np.zeros((0, 0), np.int16)


@dataclass(eq=False)
class Decision:
    """One cycle's outcome, kept for pictures and tests. The scores are kept as arrays -- the scored
    nodes' slots and one row of normalised scores (0..100) per Score plugin that did not skip --
    and read as names and lists only when asked: a cycle at 5,000 nodes scores 500 of them, and
    a thousand decisions are kept."""

    pod: str  # namespace/name
    time: float
    node: Optional[str]
    rejections: dict[str, tuple[str, ...]] = field(default_factory=dict)  # node -> reasons
    message: str = ""
    #: the scored nodes' slots, and the node names by slot (the cache's: a slot keeps its name)
    slots: np.ndarray = field(default_factory=lambda: _NO_SLOTS)
    names: Sequence[str] = ()
    #: the Score plugins that scored, their weights, and their normalised scores, a row each
    plugins: tuple[str, ...] = ()
    weights: tuple[int, ...] = ()
    rows: np.ndarray = field(default_factory=lambda: _NO_ROWS)

    @property
    def scored(self) -> list[str]:
        """The scored nodes, in the order they were scored."""
        names = self.names
        return [names[s] for s in self.slots.tolist()]

    @property
    def totals(self) -> list[int]:
        """Each scored node's weighted total."""
        if not self.plugins:
            return [0] * len(self.slots)
        return (np.array(self.weights, np.int64) @ self.rows).tolist()

    @property
    def by_plugin(self) -> dict[str, list[int]]:
        """plugin -> each scored node's normalised score."""
        return dict(zip(self.plugins, self.rows.tolist(), strict=True))

    @property
    def scores(self) -> dict[str, int]:
        """node -> weighted total."""
        return dict(zip(self.scored, self.totals, strict=True))

    @property
    def plugin_scores(self) -> dict[str, dict[str, int]]:
        """node -> plugin -> normalised score."""
        by_plugin = self.by_plugin
        return {name: {plugin: scores[i] for plugin, scores in by_plugin.items()}
                for i, name in enumerate(self.scored)}


@dataclass(frozen=True, slots=True)
class _Target:
    node_name: str


@dataclass(frozen=True, slots=True)
class _Conditions:
    conditions: list[Any]


@dataclass(frozen=True, slots=True)
class Binding:
    """What `Store.bind` reads of the pod it binds: its metadata (namespace and name), the chosen
    node as `spec.node_name`, and the conditions to record as `status.conditions`."""

    metadata: Any
    spec: _Target
    status: _Conditions


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
        self.cache = NodeCache()
        #: Filters' verdicts and scores kept per pod shape over every node (:mod:`kubenb.scheduler.shapes`)
        self.shapes = ShapeCache(self.cache)
        self.decisions: dict[tuple[str, str], Decision] = {}
        #: whether plugins' vector forms are used (:mod:`kubenb.scheduler.walk`); off, every Filter
        #: and Score runs node by node -- the reference the vector forms must agree with
        self.vectorised = True
        #: `nextStartNodeIndex`: where the next pod's search through the nodes starts
        self.next_start_node_index = 0
        self._scheduled: Optional[tuple[float, Any]] = None  # (when, the PodScheduled=True condition)
        #: the condition list the last binding of a pod without other conditions stored, and its condition
        self._alone: tuple[Any, Any] = (None, None)
        #: the weights of the Score plugins that scored, as the array the weighted sum takes (a few sets)
        self._weight_vectors: dict[tuple[int, ...], np.ndarray] = {}
        self.volume_binding = VolumeBinding(self.store)
        self.matching = MatchingCounts(self.store, self.cache.slot_of)
        self.pod_topology_spread = PodTopologySpread(self.store, self.minor, self.matching, self.cache.by_slot)
        self.inter_pod_affinity = InterPodAffinity(self.store)
        self.image_locality = ImageLocality(self.minor)
        #: the default profile's Score plugins in upstream's order, with their weights and vector forms
        self.scorers: list[tuple[str, int, Scorer, Callable[..., Any]]] = [
            ("TaintToleration", 3, taint_toleration_score, taint_toleration_score.vector),
            ("NodeAffinity", 2, node_affinity_score, node_affinity_score.vector),
            ("NodeResourcesFit", 1, least_allocated, least_allocated.vector),
            ("PodTopologySpread", 2, self.pod_topology_spread.score, self.pod_topology_spread.score_vector),
            ("InterPodAffinity", 2, self.inter_pod_affinity.score, self.inter_pod_affinity.score_vector),
            ("NodeResourcesBalancedAllocation", 1, balanced_allocation, balanced_allocation.vector),
            ("ImageLocality", 1, self.image_locality, self.image_locality.vector),
        ]
        self.store.watch(self._on_pod, "Pod")
        self.store.watch(self._on_node, "Node")
        for kind in ("PersistentVolumeClaim", "PersistentVolume", "StorageClass"):  # may unblock VolumeBinding
            self.store.watch(self._on_storage, kind)

    # ---------------------------------------------------------------- cache

    def _on_pod(self, ev: WatchEvent) -> None:
        pod = ev.object
        key = (pod.metadata.namespace or "", pod.metadata.name or "")
        freed = self.cache.on_pod(ev, key)
        self.matching.on_pod(ev)
        if freed:
            self.queue.move_all()  # freed room may fit a pending pod (AssignedPodDelete)
        if ev.type == "DELETED" or pod.spec.node_name or pod.metadata.deletion_timestamp is not None or \
                (pod.spec.scheduler_name or SCHEDULER_NAME) != SCHEDULER_NAME:
            self.queue.forget(key)
        elif ev.type == "ADDED":
            self.queue.add(key)
        elif key in self.queue.unschedulable and _pod_updated(ev.old_object, pod):
            self.queue.activate(key)  # the pod itself changed: worth another try

    def _on_node(self, ev: WatchEvent) -> None:
        self.cache.on_node(ev)
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
        nodes = self.cache.nodes()
        decision = Decision(pod=f"{key[0]}/{key[1]}", time=self.cluster.clock.now, node=None)
        self._keep(key, decision)
        everywhere, delayed = self.volume_binding.prefilter(pod)
        candidates: Sequence[plugins.NodeInfo] = nodes
        if self.minor >= PREFILTER_RESULT_MINOR:
            named = node_affinity.node_names(pod)  # NodeAffinity's PreFilter runs before VolumeBinding's
            if named is not None and not named:
                everywhere = plugins.Rejection.one(node_affinity.CONFLICT, True)
            elif named is not None:
                candidates = sorted((i for i in map(self.cache.get, named) if i is not None),
                                    key=lambda i: i.node.metadata.name)
        if everywhere is not None:
            decision.rejections = dict.fromkeys((i.node.metadata.name for i in nodes), everywhere.reasons)
            decision.message = self._fit_error(len(nodes), dict.fromkeys(everywhere.reasons, len(nodes)),
                                               len(nodes) if everywhere.unresolvable else 0, everywhere.reasons[0])
            return self._unschedulable(key, pod, decision)
        feasible, unresolvable = self._find_feasible(pod, candidates, delayed, _NodeList(nodes), decision)
        if nodes:
            processed = len(feasible) + len(decision.rejections)
            self.next_start_node_index = (self.next_start_node_index + processed) % len(nodes)
        if not len(feasible):
            histogram: dict[str, int] = {}
            for reasons in decision.rejections.values():
                for reason in reasons:
                    histogram[reason] = histogram.get(reason, 0) + 1
            helpless = unresolvable
            if len(candidates) < len(nodes):  # left out by the PreFilterResult: UnschedulableAndUnresolvable
                histogram[NOT_NAMED] = len(nodes) - len(candidates)
                helpless += len(nodes) - len(candidates)
            decision.message = self._fit_error(len(nodes), histogram, helpless)
            return self._unschedulable(key, pod, decision)
        best = self._select(pod, feasible, decision)
        decision.node = best
        if delayed:
            self.volume_binding.prebind(pod, self.cache.get(best).node, delayed)
        self._bind(pod, best)

    def _find_feasible(self, pod: Any, candidates: Sequence[plugins.NodeInfo], delayed: list[Any],
                       all_nodes: Sequence[Any], decision: Decision) -> tuple[np.ndarray, int]:
        """`findNodesThatPassFilters`: the candidates from `nextStartNodeIndex` on, through this
        cycle's Filters, until enough are feasible; each rejected node's reasons go to `decision`.
        Returns the feasible nodes' slots and how many were rejected as UnschedulableAndUnresolvable.

        Over the whole node list the Filters that have a vector form answer for every node at once
        (:mod:`kubenb.scheduler.walk`); a named few nodes are filtered one by one."""
        filters, plain_filters = plugins.node_filters(pod)
        later = [f for f in (self.volume_binding.cycle_filter(pod, delayed),
                             self.pod_topology_spread.prefilter(pod, all_nodes,
                                                                self.cache.columns if self.vectorised else None),
                             self.inter_pod_affinity.prefilter(pod, all_nodes)) if f is not None]
        filters += later
        plain_filters += later
        count = len(candidates)
        wanted = num_feasible_nodes_to_find(count)
        first = self.next_start_node_index % count if count else 0
        if self.vectorised and count and candidates is self.cache.nodes():
            return walk.vector_walk(pod, self.cache, filters, first, wanted, self.minor, decision.rejections,
                                    self.shapes)
        return walk.scalar_walk(pod, candidates, filters, plain_filters, first, wanted, self.minor,
                                decision.rejections)

    def _keep(self, key: tuple[str, str], decision: Decision) -> None:
        """Record the pod's latest decision, forgetting the oldest beyond `DECISIONS_KEPT`."""
        self.decisions.pop(key, None)
        self.decisions[key] = decision
        if len(self.decisions) > DECISIONS_KEPT:
            del self.decisions[next(iter(self.decisions))]

    def _unschedulable(self, key: tuple[str, str], pod: Any, decision: Decision) -> None:
        self.queue.park(key)  # parked before the status write, so that write does not re-queue it
        self._fail(pod, decision.message)

    def _select(self, pod: Any, feasible: np.ndarray, decision: Decision) -> str:
        """`prioritizeNodes` + `selectHost`: each Score plugin's normalised scores times its weight,
        summed; the best node wins, ties by seeded lot. A single feasible node is not scored."""
        if len(feasible) == 1:
            return self.cache.names[int(feasible[0])]
        # normalised scores (0..100) times weights of a few units add up exactly in float64, where
        # the weighted sum is a BLAS product (an integer matrix product is a loop several times slower)
        rows = np.empty((len(self.scorers), len(feasible)), np.float64)
        scoring: list[str] = []
        weights: list[int] = []
        infos: Optional[list[plugins.NodeInfo]] = None
        for plugin, weight, scorer, vector in self.scorers:
            scores = self._vector_scores(pod, scorer, vector, feasible) if self.vectorised else plugins.SCALAR
            if scores is plugins.SCALAR:
                if infos is None:
                    infos = [self.cache.by_slot[s] for s in feasible.tolist()]
                scores = scorer(pod, infos)
            if scores is None:
                continue
            rows[len(scoring)] = scores
            scoring.append(plugin)
            weights.append(weight)
        rows = rows[:len(scoring)]
        kept = tuple(weights)
        vector = self._weight_vectors.get(kept)
        if vector is None:
            vector = self._weight_vectors[kept] = np.array(kept, np.float64)
        totals = vector @ rows if scoring else np.zeros(len(feasible), np.float64)
        decision.slots, decision.names = feasible.astype(np.int32), self.cache.names
        decision.plugins, decision.weights, decision.rows = tuple(scoring), kept, rows.astype(np.int16)
        best = (totals == totals[totals.argmax()]).nonzero()[0]  # argmax: a pass cheaper than max
        # `random.choice` draws an index below the length and takes that item: drawn over the
        # indexes, the lot is the same without listing the tied nodes' names
        return self.cache.names[int(feasible[best[self.rng.choice(range(len(best))) if len(best) > 1 else 0]])]

    def _vector_scores(self, pod: Any, scorer: Scorer, vector: Callable[..., Any], feasible: np.ndarray) -> Any:
        """A Score plugin's vector form over the feasible slots -- read from the scores kept for the
        pod's shape when the plugin has a shape (:mod:`kubenb.scheduler.shapes`)."""
        shape = getattr(scorer, "shape", None)
        if shape is None:
            return vector(pod, self.cache.columns, feasible)
        key, holds = shape(pod)
        columns = self.cache.columns
        kept = self.shapes.array(key, holds, lambda slots: vector(pod, columns, slots),
                                 lambda info: scorer(pod, [info])[0])
        return kept[feasible] if kept is not None else vector(pod, columns, feasible)

    def _fit_error(self, n: int, histogram: dict[str, int], helpless: int, prefilter: str = "") -> str:
        """`FitError.Error()`, then DefaultPreemption's verdict: nodes whose status is
        UnschedulableAndUnresolvable are not helped by preemption, the others have no victims."""
        parts = sorted(f"{count} {reason}" for reason, count in histogram.items())
        if prefilter and self.minor >= PREFILTER_MSG_MINOR:
            parts = [prefilter]  # a PreFilter rejection is said once, not counted per node
        msg = f"0/{n} nodes are available: " + ", ".join(parts) + "."
        if self.minor >= 24:
            victims = n - helpless
            pre = sorted(p for p in (f"{helpless} Preemption is not helpful for scheduling" if helpless else "",
                                     f"{victims} No preemption victims found for incoming pod" if victims else "") if p)
            msg += f" preemption: 0/{n} nodes are available: " + ", ".join(pre) + "."
        return msg

    # ---------------------------------------------------------------- writing the outcome

    def _bind(self, pod: Any, node: str) -> None:
        """The `pods/binding` subresource: set nodeName and PodScheduled=True in one write. The
        :class:`Binding` carries only what the store reads of it -- the store copies what it keeps
        from the stored pod -- so nothing of the pod is copied here, and the PodScheduled condition
        is built once per instant and shared (stored objects are never changed in place). A pod
        pending without other conditions (the rule) gets the very list the previous such binding
        stored, which the store's hash-consing knows by identity instead of hashing it again."""
        scheduled = self._scheduled_condition()
        others = [c for c in pod.status.conditions or () if c.type != "PodScheduled"]
        if not others and self._alone[0] is scheduled:
            conditions = self._alone[1]
        else:
            conditions = [*others, scheduled]
        try:
            bound = self.store.bind(Binding(pod.metadata, _Target(node), _Conditions(conditions)))
        except StatusError:
            return
        if not others:
            self._alone = (scheduled, bound.status.conditions)  # the stored (shared) list
        self.events.record(bound, "Normal", "Scheduled",
                           f"Successfully assigned {pod.metadata.namespace}/{pod.metadata.name} to {node}", action="Binding")

    def _scheduled_condition(self) -> Any:
        from kubenb.api.core import PodCondition

        now = self.cluster.clock.now
        if self._scheduled is None or self._scheduled[0] != now:
            self._scheduled = (now, PodCondition(type="PodScheduled", status="True", last_probe_time=None,
                                                 last_transition_time=self.cluster.clock.rfc3339()))
        return self._scheduled[1]

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


class _NodeList(Sequence):
    """The cached nodes' objects, as the PreFilter of the plugins that count pods per domain wants
    them -- read through, so a cycle that does not need them pays nothing."""

    def __init__(self, infos: Sequence[plugins.NodeInfo]) -> None:
        self._infos = infos

    def __len__(self) -> int:
        return len(self._infos)

    def __getitem__(self, i):  # type: ignore[override]
        return self._infos[i].node


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
