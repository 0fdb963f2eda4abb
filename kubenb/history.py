"""What changed over simulated time: a compact, bounded recorder fed by the store's watch events.

The store keeps only the present; pictures of a rollout or of a pod's life need the past. A
:class:`Recorder` watches a few kinds and keeps, per object, only what changed:

* workload owners (Deployment, ReplicaSet, StatefulSet, DaemonSet): a :class:`ReplicaSample`
  ``(time, spec, status, ready, available, updated)`` each time one of those counts changes,
  the revision / change-cause / images of each revision, and for Deployments the rolling-update
  parameters (``replicas``, ``maxSurge``, ``maxUnavailable`` as written, unresolved);
* ``ScalingReplicaSet`` Events (the Deployment controller's "Scaled up replica set x to 3"),
  including the repeats that client-go aggregates into ``count``;
* per pod, the intervals of its state (``Pending``, ``ContainerCreating``, ``Running``,
  ``Ready``, ``Terminating``, ``CrashLoopBackOff`` …) with each container's state alongside;
* per Endpoints object, which addresses became ready, not ready or went away, so the set of
  endpoints at an earlier instant can be rebuilt (:meth:`Recorder.endpoints_at`);
* PersistentVolume / PersistentVolumeClaim phases and bindings.

Cost: every handler does O(1) work per store event apart from reading the changed object itself
(an Endpoints write is diffed address by address; a pod's containers are looked at). Memory is
bounded by :class:`Limits`: ring buffers per object and global caps on tracked pods, owners and
services; deleted objects are forgotten first, oldest first, and deleted pods are capped on their
own, so that churn does not fill the pod cap with the dead. Every pod has a track, so a track is
small (about 250 bytes): a few slots, its segments in one tuple, its owner shared with its siblings.

This module is part of the headless core (it imports only ``kubenb.api``, ``kubenb.sim`` and
``kubenb.store``); pictures read it from ``kubenb.viz``.
"""

from __future__ import annotations

import re
import weakref
from collections import OrderedDict, deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple, Optional

from kubenb.sim.clock import parse_rfc3339
from kubenb.store import WatchEvent

OWNER_KINDS = ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet")
REVISION = "deployment.kubernetes.io/revision"
CHANGE_CAUSE = "kubernetes.io/change-cause"

# "Scaled up replica set x to 3" (<1.28), "... to 3 from 2" and "... from 0 to 3" (1.28+)
_SCALED = re.compile(r"Scaled (up|down) replica set (\S+) (?:from (\d+) )?to (\d+)(?: from (\d+))?")

_recorders: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Limits:
    """Caps that keep a recorder's memory bounded whatever the cluster does."""

    samples_per_owner: int = 2048
    revisions_per_owner: int = 64
    events_per_owner: int = 512
    max_owners: int = 20_000
    segments_per_pod: int = 48
    max_pods: int = 200_000
    max_deleted_pods: int = 20_000
    changes_per_service: int = 256
    max_services: int = 20_000
    bindings: int = 4096


class ReplicaSample(NamedTuple):
    """One workload's counts right after a write that changed one of them (``rv`` orders writes).

    For a DaemonSet, ``spec`` is ``desiredNumberScheduled`` and ``status`` is
    ``currentNumberScheduled``; ``updated`` is ``updatedReplicas`` / ``updatedNumberScheduled``.
    """

    time: float
    spec: int
    status: int
    ready: int
    available: int
    updated: int
    rv: int  # the store's resourceVersion of the write: orders samples of different objects at one instant


class Revision(NamedTuple):
    time: float  # when the object first carried this revision number
    revision: int
    change_cause: Optional[str]
    images: tuple[str, ...]


class StrategySample(NamedTuple):
    """A Deployment's sizing parameters as written (percentages unresolved) from `time` on."""

    time: float
    replicas: int
    strategy: str  # RollingUpdate | Recreate
    max_surge: Any  # int | "25%" | None
    max_unavailable: Any
    min_ready_seconds: int
    paused: bool


class ScalingEvent(NamedTuple):
    time: float
    message: str
    replica_set: str
    direction: str  # up | down
    to: int
    from_: Optional[int]


class EndpointChange(NamedTuple):
    """What changed in one Endpoints object: ``changes`` holds ``(ip, before, after)`` with
    states ``"ready"``, ``"not-ready"`` or ``None`` (absent)."""

    time: float
    ready: int
    not_ready: int
    changes: tuple[tuple[str, Optional[str], Optional[str]], ...]


class EndpointInfo(NamedTuple):
    ip: str
    state: str  # ready | not-ready
    pod: Optional[str]
    node: Optional[str]


class Binding(NamedTuple):
    time: float
    kind: str  # PersistentVolume | PersistentVolumeClaim
    namespace: str
    name: str
    phase: Optional[str]
    bound_to: Optional[str]  # PVC: the PV's name; PV: "namespace/claim"
    storage_class: Optional[str]


class OwnerHistory:
    """The recorded past of one workload object (one uid)."""

    __slots__ = ("kind", "namespace", "name", "uid", "owner_uid", "created", "deleted", "samples", "revisions",
                 "strategies", "_last", "_rev_key", "_strategy_key", "_limits")

    def __init__(self, kind: str, namespace: str, name: str, uid: str, created: float, limits: Limits) -> None:
        self.kind, self.namespace, self.name, self.uid = kind, namespace, name, uid
        self.owner_uid: Optional[str] = None
        self.created = created
        self.deleted: Optional[float] = None
        # lists trimmed by `_push`, not deques: an empty deque is a 600-byte block, three per owner
        self.samples: list[ReplicaSample] = []
        self.revisions: list[Revision] = []
        self.strategies: list[StrategySample] = []
        self._limits = limits
        self._last: Optional[tuple] = None
        self._rev_key: Optional[tuple] = None
        self._strategy_key: Optional[tuple] = None

    @property
    def truncated(self) -> bool:
        """True when the oldest samples have been dropped (the ring buffer is full)."""
        return len(self.samples) == self._limits.samples_per_owner

    def revision(self) -> Optional[Revision]:
        return self.revisions[-1] if self.revisions else None

    def __repr__(self) -> str:
        return f"<OwnerHistory {self.kind} {self.namespace}/{self.name} {len(self.samples)} samples>"


class PodTrack:
    """One pod's life as state intervals: :attr:`segments` are ``(start, state, containers)``
    where ``containers`` is a tuple of ``(name, state)``; each lasts until the next one starts (the
    last one until ``deleted``, or now).

    Kept compact (about 250 bytes per pod, every pod has one): the segments are one tuple
    ``(start, pair, start, pair, …)`` of shared objects, the start times being the clock's (one
    float per instant), and each ``(state, containers)`` pair interned, so the thousands of pods in
    one state share it; the owner pair is shared by the pods of one owner.
    """

    __slots__ = ("uid", "namespace", "name", "owner", "node", "labels", "created", "deleted", "_segments",
                 "dropped", "_refs")

    def __init__(self, uid: str, namespace: str, name: str, created: float) -> None:
        self.uid, self.namespace, self.name = uid, namespace, name
        self.owner: Optional[tuple[str, str]] = None  # (kind, name) of the controller
        self.node: Optional[str] = None
        self.labels: dict[str, str] = {}
        self.created = created
        self.deleted: Optional[float] = None
        self._segments: tuple = ()  # start, interned (state, containers), start, …
        self.dropped = 0  # segments forgotten from the front
        self._refs: Any = None

    @property
    def times(self) -> tuple[float, ...]:
        return self._segments[0::2]

    @property
    def states(self) -> tuple[tuple[str, tuple], ...]:
        return self._segments[1::2]

    @property
    def segments(self) -> list[tuple[float, str, tuple]]:
        segs = self._segments
        return [(segs[i], *segs[i + 1]) for i in range(0, len(segs), 2)]

    @property
    def state(self) -> Optional[str]:
        return self._segments[-1][0] if self._segments else None

    @property
    def started(self) -> Optional[float]:
        return self._segments[0] if self._segments else None

    def _record(self, start: float, pair: tuple[str, tuple], limit: int) -> None:
        """Start a segment; beyond `limit` segments the oldest is forgotten."""
        segs = self._segments + (start, pair)
        if len(segs) > 2 * limit:
            segs = segs[2:]
            self.dropped += 1
        self._segments = segs

    def intervals(self, until: float) -> Iterator[tuple[float, float, str, tuple]]:
        """``(start, end, state, containers)`` for each recorded segment, clipped to `until`."""
        segs = self._segments
        times, states = segs[0::2], segs[1::2]
        end_of_life = self.deleted if self.deleted is not None else until
        for i, start in enumerate(times):
            if start > until:
                return
            end = times[i + 1] if i + 1 < len(times) else end_of_life
            yield start, min(end, until), states[i][0], states[i][1]

    def __repr__(self) -> str:
        return f"<PodTrack {self.namespace}/{self.name} {self.state}>"


class ServiceTrack:
    __slots__ = ("namespace", "name", "current", "changes", "deleted")

    def __init__(self, namespace: str, name: str, limits: Limits) -> None:
        self.namespace, self.name = namespace, name
        self.current: dict[str, EndpointInfo] = {}
        self.changes: deque[EndpointChange] = deque(maxlen=limits.changes_per_service)
        self.deleted: Optional[float] = None


# ---------------------------------------------------------------- states


_STATES: dict[tuple, str] = {}
_PAIRS: dict[tuple[str, tuple], tuple[str, tuple]] = {}  # interned (state, containers)


def _intern(*parts: Any) -> str:
    s = _STATES.get(parts)
    if s is None:
        s = _STATES[parts] = ":".join(str(p) for p in parts if p)
    return s


# a waiting reason that matters more than the phase (kubectl's STATUS column shows it)
_BAD_WAITING = {"CrashLoopBackOff", "ErrImagePull", "ImagePullBackOff", "CreateContainerConfigError",
                "CreateContainerError", "InvalidImageName", "RunContainerError", "ErrImageNeverPull"}


def container_state(cs: Any) -> str:
    """``Waiting:ContainerCreating``, ``Running:Ready``, ``Running:NotReady``, ``Terminated:Completed`` …"""
    st = cs.state
    if st.running is not None:
        return "Running:Ready" if cs.ready else "Running:NotReady"
    if st.terminated is not None:
        return _intern("Terminated", st.terminated.reason or f"ExitCode{st.terminated.exit_code}")
    if st.waiting is not None:
        return _intern("Waiting", st.waiting.reason or "Waiting")
    return "Waiting"


def pod_state(pod: Any) -> tuple[str, tuple]:
    """The pod's state for a timeline, and each container's, from its stored status."""
    st = pod.status
    css = st.container_statuses
    if not css:
        containers: tuple = ()
    elif len(css) == 1:
        containers = ((css[0].name, container_state(css[0])),)
    else:
        containers = tuple([(cs.name, container_state(cs)) for cs in css])
    if pod.metadata.deletion_timestamp is not None:
        return "Terminating", containers
    phase = st.phase or "Pending"
    if phase == "Pending":
        if not pod.spec.node_name:
            for c in st.conditions or ():
                if c.type == "PodScheduled" and c.status == "False":
                    return "Unschedulable", containers
            return "Pending", containers
        for cs in css or ():
            if cs.state.waiting is not None and cs.state.waiting.reason:
                return _intern(cs.state.waiting.reason), containers
        return "Pending", containers
    if phase == "Running":
        for cs in css or ():
            w = cs.state.waiting
            if w is not None and w.reason in _BAD_WAITING:
                return _intern(w.reason), containers
        for c in st.conditions or ():
            if c.type == "Ready":
                return ("Ready" if c.status == "True" else "Running"), containers
        return "Running", containers
    return _intern(phase), containers


def _counts(obj: Any) -> tuple[int, int, int, int, int]:
    kind, st = obj.KIND, obj.status
    if kind == "DaemonSet":
        return (st.desired_number_scheduled or 0, st.current_number_scheduled or 0, st.number_ready or 0,
                st.number_available or 0, st.updated_number_scheduled or 0)
    spec = obj.spec.replicas
    updated = getattr(st, "updated_replicas", None) or 0
    return (spec if spec is not None else 1, st.replicas or 0, st.ready_replicas or 0, st.available_replicas or 0,
            updated)


def _time_of(stamp: Optional[str], default: float) -> float:
    return parse_rfc3339(stamp) if stamp else default


def _push(items: list, item: Any, limit: int) -> None:
    """Append to a ring buffer kept as a list: past `limit` items the oldest goes."""
    items.append(item)
    if len(items) > limit:
        del items[0]


# ---------------------------------------------------------------- the recorder


class Recorder:
    """Watches a cluster's store and keeps a bounded history of what pictures need.

    Attach it as early as possible (``Cluster.__init__``, before bootstrap) to see everything;
    attached later, it knows the past only from the objects' timestamps.
    """

    def __init__(self, cluster: Any, limits: Optional[Limits] = None) -> None:
        self.cluster = cluster
        self.store = cluster.store
        self.clock = cluster.clock
        self.limits = limits or Limits()
        self.start = self.clock.now
        self.version = 0  # bumped on every recorded change: cheap "did anything change?" for live views
        self.owners: OrderedDict[str, OwnerHistory] = OrderedDict()  # uid -> history
        self._owner_names: dict[tuple[str, str, str], str] = {}  # (kind, ns, name) -> latest uid
        self._children: dict[str, dict[str, None]] = {}  # owner uid -> child uids (ordered)
        self._deleted_owners: OrderedDict[str, None] = OrderedDict()
        self.scaling: dict[str, list[ScalingEvent]] = {}  # involved object uid -> events
        self.pods: dict[str, PodTrack] = {}  # uid -> track, oldest first
        # FIFO queues for eviction (O(1) each; stale uids are skipped, and the order queue is
        # rebuilt when stale entries outnumber live ones)
        self._pod_order: deque[str] = deque()
        self._deleted_pods: deque[str] = deque()
        self._deleted_tracked = 0  # tracks of deleted pods in `pods`
        self._owner_pairs: dict[tuple[str, str], tuple[str, str]] = {}  # (kind, name), one per owner
        self.services: OrderedDict[tuple[str, str], ServiceTrack] = OrderedDict()
        self._deleted_services: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._gone: dict[tuple[str, str], OrderedDict[str, EndpointInfo]] = {}  # addresses that left, by service
        self.bindings: deque[Binding] = deque(maxlen=self.limits.bindings)
        self._binding_state: dict[tuple[str, str, str], tuple] = {}
        self._unwatch = [self.store.watch(self._on_owner, kind) for kind in OWNER_KINDS]
        self._unwatch += [
            self.store.watch(self._on_pod, "Pod"),
            self.store.watch(self._on_event, "Event"),
            self.store.watch(self._on_endpoints, "Endpoints"),
            self.store.watch(self._on_volume, "PersistentVolume"),
            self.store.watch(self._on_volume, "PersistentVolumeClaim"),
        ]
        self._seed_existing()
        _recorders[cluster] = self

    def detach(self) -> None:
        """Stop recording (what was recorded stays readable)."""
        for unwatch in self._unwatch:
            unwatch()
        self._unwatch = []
        if _recorders.get(self.cluster) is self:
            del _recorders[self.cluster]

    def _seed_existing(self) -> None:
        """Objects that exist before the recorder was attached start at their creation time."""
        now = self.clock.now
        for kind in (*OWNER_KINDS, "Pod", "Endpoints", "PersistentVolume", "PersistentVolumeClaim"):
            handler = {"Pod": self._on_pod, "Endpoints": self._on_endpoints}.get(
                kind, self._on_volume if kind.startswith("Persistent") else self._on_owner)
            for obj in self.store.list(kind):
                handler(WatchEvent("ADDED", obj, None, self.store.resource_version,
                                   _time_of(obj.metadata.creation_timestamp, now)))

    # ---------------------------------------------------------------- owners

    def _on_owner(self, ev: WatchEvent) -> None:
        obj = ev.object
        meta = obj.metadata
        uid = meta.uid or ""
        hist = self.owners.get(uid)
        if hist is None:
            if ev.type == "DELETED":
                return
            hist = OwnerHistory(obj.KIND, meta.namespace or "", meta.name or "", uid,
                                _time_of(meta.creation_timestamp, ev.time), self.limits)
            self.owners[uid] = hist
            self._owner_names[(obj.KIND, hist.namespace, hist.name)] = uid
            self._evict_owners()
        ref = meta.controller_ref()
        owner_uid = ref.uid if ref is not None else None
        if owner_uid != hist.owner_uid:
            if hist.owner_uid is not None:
                self._children.get(hist.owner_uid, {}).pop(uid, None)
            if owner_uid is not None:
                self._children.setdefault(owner_uid, {})[uid] = None
            hist.owner_uid = owner_uid
        t = ev.time
        if ev.type == "DELETED":
            hist.deleted = t
            self._deleted_owners[uid] = None
            self.version += 1
            return
        counts = _counts(obj)
        if counts != hist._last:
            hist._last = counts
            _push(hist.samples, ReplicaSample(t, *counts, ev.resource_version), self.limits.samples_per_owner)
            self.version += 1
        annotations = meta.annotations or {}
        rev_key = (annotations.get(REVISION), annotations.get(CHANGE_CAUSE))
        if rev_key != hist._rev_key and (rev_key[0] is not None or rev_key[1] is not None):
            hist._rev_key = rev_key
            try:
                number = int(rev_key[0] or 0)
            except ValueError:
                number = 0
            images = tuple(c.image for c in obj.spec.template.spec.containers)
            _push(hist.revisions, Revision(t, number, rev_key[1], images), self.limits.revisions_per_owner)
            self.version += 1
        if obj.KIND == "Deployment":
            spec = obj.spec
            ru = spec.strategy.rolling_update
            key = (spec.replicas if spec.replicas is not None else 1, spec.strategy.type or "RollingUpdate",
                   ru.max_surge if ru else None, ru.max_unavailable if ru else None,
                   spec.min_ready_seconds or 0, bool(spec.paused))
            if key != hist._strategy_key:
                hist._strategy_key = key
                _push(hist.strategies, StrategySample(t, *key), self.limits.revisions_per_owner)
                self.version += 1

    def _evict_owners(self) -> None:
        while len(self.owners) > self.limits.max_owners:
            if self._deleted_owners:
                uid, _ = self._deleted_owners.popitem(last=False)
                hist = self.owners.pop(uid, None)
            else:
                uid, hist = self.owners.popitem(last=False)
            if hist is None:
                continue
            self.scaling.pop(uid, None)
            self._children.pop(uid, None)
            if hist.owner_uid is not None:
                self._children.get(hist.owner_uid, {}).pop(uid, None)
            name_key = (hist.kind, hist.namespace, hist.name)
            if self._owner_names.get(name_key) == uid:
                del self._owner_names[name_key]

    def owner(self, kind: str, namespace: str, name: str) -> Optional[OwnerHistory]:
        """The history of the latest object of that kind and name (deleted ones included)."""
        uid = self._owner_names.get((kind, namespace, name))
        return self.owners.get(uid) if uid is not None else None

    def children(self, uid: str, kind: Optional[str] = None) -> list[OwnerHistory]:
        """Recorded dependents of owner `uid` (e.g. a Deployment's ReplicaSets, deleted ones too), oldest first."""
        out = [self.owners[c] for c in self._children.get(uid, ()) if c in self.owners]
        return [h for h in out if kind is None or h.kind == kind]

    def scaling_events(self, uid: str) -> list[ScalingEvent]:
        return list(self.scaling.get(uid, ()))

    # ---------------------------------------------------------------- events

    def _on_event(self, ev: WatchEvent) -> None:
        e = ev.object
        if e.reason != "ScalingReplicaSet" or ev.type == "DELETED":
            return
        if ev.type == "MODIFIED" and (e.count or 1) <= (ev.old_object.count or 1):
            return
        uid = e.involved_object.uid or ""
        m = _SCALED.match(e.message or "")
        if m is None:
            return
        before = m.group(3) or m.group(5)
        _push(self.scaling.setdefault(uid, []), ScalingEvent(ev.time, e.message, m.group(2), m.group(1),
                                                             int(m.group(4)), int(before) if before is not None else None),
              self.limits.events_per_owner)
        self.version += 1

    # ---------------------------------------------------------------- pods

    def _on_pod(self, ev: WatchEvent) -> None:
        pod = ev.object
        meta = pod.metadata
        uid = meta.uid
        track = self.pods.get(uid)
        if track is None:
            if ev.type == "DELETED":
                return
            track = PodTrack(uid, meta.namespace or "", meta.name or "", _time_of(meta.creation_timestamp, ev.time))
            self.pods[uid] = track
            self._pod_order.append(uid)
            if len(self.pods) > self.limits.max_pods:
                self._evict_pod()
        refs = meta.owner_references
        if refs is not track._refs:
            track._refs = refs
            ref = meta.controller_ref()
            if ref is None:
                track.owner = None
            else:
                pair = (ref.kind, ref.name)
                if len(self._owner_pairs) > self.limits.max_owners:
                    self._owner_pairs.clear()  # only sharing is lost
                track.owner = self._owner_pairs.setdefault(pair, pair)
        track.labels = meta.labels or {}
        spec = pod.spec
        track.node = spec.node_name
        if ev.type == "DELETED":
            if track.deleted is None:
                self._deleted_tracked += 1
                self._deleted_pods.append(uid)
            track.deleted = ev.time
            track._refs = None  # the owner is noted; a deleted pod's track need not keep its ownerReferences
            if self._deleted_tracked > self.limits.max_deleted_pods:
                self._evict_pod(deleted_only=True)
            self.version += 1
            return
        old = ev.old_object
        if old is not None and old.status is pod.status and old.spec is spec and \
                old.metadata.deletion_timestamp == meta.deletion_timestamp and track.states:
            return  # a metadata-only write: the state cannot have changed
        pair = pod_state(pod)
        segs = track._segments
        if segs and segs[-1] == pair:
            return
        track._record(ev.time, _PAIRS.setdefault(pair, pair), self.limits.segments_per_pod)
        self.version += 1

    def _evict_pod(self, deleted_only: bool = False) -> None:
        """Forget one pod: the one deleted longest ago, else (unless `deleted_only`) the oldest."""
        pods = self.pods
        if len(self._pod_order) > 2 * len(pods) + 1024:  # drop stale uids, keep the order
            self._pod_order = deque(pods)
        if len(self._deleted_pods) > 2 * len(pods) + 1024:
            gone = sorted((t.deleted, uid) for uid, t in pods.items() if t.deleted is not None)
            self._deleted_pods = deque(uid for _, uid in gone)
        while self._deleted_pods:
            uid = self._deleted_pods.popleft()
            track = pods.get(uid)
            if track is not None and track.deleted is not None:
                del pods[uid]
                self._deleted_tracked -= 1
                return
        while self._pod_order and not deleted_only:
            track = pods.pop(self._pod_order.popleft(), None)
            if track is not None:
                self._deleted_tracked -= track.deleted is not None
                return

    def pod_tracks(self, namespace: Optional[str] = None, selector: Any = None) -> list[PodTrack]:
        """Recorded pods (deleted ones included), oldest first; `selector` is a parsed label selector."""
        out = []
        for track in self.pods.values():
            if namespace is not None and track.namespace != namespace:
                continue
            if selector is not None and not selector.matches(track.labels):
                continue
            out.append(track)
        return out

    # ---------------------------------------------------------------- endpoints

    def _on_endpoints(self, ev: WatchEvent) -> None:
        ep = ev.object
        key = (ep.metadata.namespace or "", ep.metadata.name or "")
        track = self.services.get(key)
        if track is None:
            if ev.type == "DELETED":
                return
            track = self.services[key] = ServiceTrack(key[0], key[1], self.limits)
            while len(self.services) > self.limits.max_services:
                if self._deleted_services:
                    old_key, _ = self._deleted_services.popitem(last=False)
                    self.services.pop(old_key, None)
                else:
                    old_key, _ = self.services.popitem(last=False)
                self._gone.pop(old_key, None)
        now: dict[str, EndpointInfo] = {}
        if ev.type != "DELETED":
            for subset in ep.subsets or ():
                for state, addresses in (("ready", subset.addresses), ("not-ready", subset.not_ready_addresses)):
                    for a in addresses or ():
                        if a.ip not in now or state == "ready":
                            pod = a.target_ref.name if a.target_ref is not None else None
                            now[a.ip] = EndpointInfo(a.ip, state, pod, a.node_name)
            track.deleted = None
            self._deleted_services.pop(key, None)
        else:
            track.deleted = ev.time
            self._deleted_services[key] = None
        before = track.current
        changes = []
        for ip, info in now.items():
            old = before.get(ip)
            if old is None or old.state != info.state:
                changes.append((ip, old.state if old is not None else None, info.state))
        for ip, old in before.items():
            if ip not in now:
                changes.append((ip, old.state, None))
        track.current = now
        if not changes:
            return
        ready = sum(1 for i in now.values() if i.state == "ready")
        track.changes.append(EndpointChange(ev.time, ready, len(now) - ready, tuple(sorted(changes))))
        # remember whose an address that left was, so a past set can still name its pod and node
        gone = self._gone.setdefault(key, OrderedDict())
        for ip, _, after in changes:
            if after is None:
                gone[ip] = before[ip]
                gone.move_to_end(ip)
        while len(gone) > self.limits.changes_per_service * 4:
            gone.popitem(last=False)
        self.version += 1

    def endpoint_changes(self, namespace: str, name: str) -> list[EndpointChange]:
        track = self.services.get((namespace, name))
        return list(track.changes) if track is not None else []

    def endpoints_at(self, namespace: str, name: str, t: float) -> Optional[dict[str, EndpointInfo]]:
        """The addresses of Endpoints `namespace/name` as they were at time `t` (ip -> info), by undoing
        the recorded changes after `t`; None when the history no longer reaches back to `t`."""
        track = self.services.get((namespace, name))
        if track is None:
            return None
        changes = track.changes
        if len(changes) == changes.maxlen and changes[0].time > t:
            return None
        gone = self._gone.get((namespace, name), {})
        state = dict(track.current)
        for change in reversed(changes):
            if change.time <= t:
                break
            for ip, before, _after in change.changes:
                if before is None:
                    state.pop(ip, None)
                else:
                    old = state.get(ip) or gone.get(ip) or EndpointInfo(ip, before, None, None)
                    state[ip] = old._replace(state=before)
        return state

    # ---------------------------------------------------------------- volumes

    def _on_volume(self, ev: WatchEvent) -> None:
        obj = ev.object
        kind = obj.KIND
        ns = obj.metadata.namespace or ""
        key = (kind, ns, obj.metadata.name or "")
        if ev.type == "DELETED":
            self._binding_state.pop(key, None)
            self.bindings.append(Binding(ev.time, kind, ns, key[2], "Deleted", None, None))
            self.version += 1
            return
        if kind == "PersistentVolumeClaim":
            bound_to = obj.spec.volume_name
            sc = obj.spec.storage_class_name
        else:
            ref = obj.spec.claim_ref
            bound_to = f"{ref.namespace}/{ref.name}" if ref is not None else None
            sc = obj.spec.storage_class_name
        state = (obj.status.phase, bound_to)
        if self._binding_state.get(key) != state:
            self._binding_state[key] = state
            self.bindings.append(Binding(ev.time, kind, ns, key[2], obj.status.phase, bound_to, sc))
            self.version += 1

    def __repr__(self) -> str:
        return (f"<Recorder {len(self.owners)} owners, {len(self.pods)} pods, {len(self.services)} endpoints, "
                f"{len(self.bindings)} bindings>")


def recorder_for(cluster: Any) -> Recorder:
    """The cluster's recorder: ``cluster.recorder`` when the cluster made one, else the one attached
    to it earlier, else a new one (which knows the past only from creation timestamps)."""
    rec = getattr(cluster, "recorder", None)
    if isinstance(rec, Recorder):
        return rec
    rec = _recorders.get(cluster)
    return rec if rec is not None else Recorder(cluster)
