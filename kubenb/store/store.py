"""The object store: the API server's registry and etcd in one in-memory place.

Every write goes through here, so here is where Kubernetes' storage rules live: generated names,
uids, a global monotonic resourceVersion, generation bumped on spec change only, creation and
deletion timestamps, graceful deletion and finalizers, optimistic concurrency, admission
(defaulting, then validation), indexes for listers, and watch events carrying the old object.

Stored objects are shared with every reader and must never be mutated; a write stores a new
object. Watch handlers run synchronously after each write and must only enqueue work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Optional

from kubenb.api.base import KubeObject, deep_copy, shallow_copy
from kubenb.api.registry import Registry, ResourceInfo
from kubenb.sim.clock import Clock, format_rfc3339
from kubenb.sim.random import RandomStreams
from kubenb.store import errors
from kubenb.store.admission import Admission
from kubenb.store.allocators import ServiceAllocators
from kubenb.store.compact import private_copy, share
from kubenb.store.indexes import Indexes
from kubenb.store.limits import SimulationLimits
from kubenb.store.routing import Interest, TagBits, facts

ADDED, MODIFIED, DELETED = "ADDED", "MODIFIED", "DELETED"


@dataclass(frozen=True, slots=True)
class ObjectKey:
    kind: str
    namespace: str  # "" for cluster-scoped objects
    name: str

    def __str__(self) -> str:
        return f"{self.kind}/{self.namespace}/{self.name}" if self.namespace else f"{self.kind}/{self.name}"


@dataclass(frozen=True, slots=True)
class WatchEvent:
    type: str  # ADDED | MODIFIED | DELETED
    object: KubeObject
    old_object: Optional[KubeObject]
    resource_version: int
    time: float


def key_of(obj: KubeObject) -> ObjectKey:
    return ObjectKey(obj.KIND, obj.metadata.namespace or "", obj.metadata.name or "")


WatchHandler = Callable[[WatchEvent], None]


class Store:
    def __init__(self, registry: Registry, clock: Clock, rng: RandomStreams, service_cidr: str = "10.96.0.0/12",
                 minor: int = 32, limits: Optional[SimulationLimits] = None) -> None:
        self.registry = registry
        self.clock = clock
        self.rng = rng
        self.allocators = ServiceAllocators(service_cidr, rng.stream("service-allocators"), minor)
        self.admission = Admission(self, self.allocators, limits)
        self.indexes = Indexes()
        self._objects: dict[str, dict[tuple[str, str], KubeObject]] = {}
        #: each kind's (or None: every kind's) subscriptions in order: handler and interest (None: all writes)
        self._watchers: dict[Optional[str], list[tuple[WatchHandler, Optional[Interest]]]] = {}
        self._tag_bits = TagBits()
        #: per kind, the handlers of every write, or None where some have an interest (then `_routes`)
        self._all: dict[str, Optional[tuple[WatchHandler, ...]]] = {}
        #: per (kind, tag mask), the handlers a write with those tags concerns, in subscription order
        self._routes: dict[tuple[str, int], tuple[WatchHandler, ...]] = {}
        #: each kind's keys in list order, kept until a key comes or goes (updates keep it)
        self._sorted_keys: dict[str, list[tuple[str, str]]] = {}
        #: each model class's and kind name's resource (the registry is fixed): asked on every write
        self._infos: dict[type | str, ResourceInfo] = {}
        self.resource_version = 0

    # ---------------------------------------------------------------- reads

    def info(self, obj_or_kind: KubeObject | str) -> ResourceInfo:
        key = obj_or_kind if isinstance(obj_or_kind, str) else type(obj_or_kind)
        found = self._infos.get(key)
        if found is not None:
            return found
        if isinstance(obj_or_kind, str):
            found = next((i for i in self.registry.resources if i.kind == obj_or_kind), None)
        else:
            group = type(obj_or_kind).API_VERSION.rpartition("/")[0]
            found = self.registry.by_group_kind(group, obj_or_kind.KIND)
        if found is None:
            raise KeyError(f"kind {obj_or_kind!r} is not served")
        self._infos[key] = found
        return found

    def get(self, kind: str, namespace: str, name: str) -> KubeObject:
        obj = self.try_get(kind, namespace, name)
        if obj is None:
            raise errors.not_found(self.info(kind), name)
        return obj

    def try_get(self, kind: str, namespace: str, name: str) -> Optional[KubeObject]:
        return self._objects.get(kind, {}).get((namespace or "", name))

    def list(self, kind: str, namespace: Optional[str] = None, selector: Any = None) -> list[KubeObject]:
        """Objects of `kind`, by (namespace, name) as etcd returns them; `selector` is a parsed label selector.

        Equality requirements of the selector are answered from the label index, so selecting a
        hundred pods out of 150,000 touches a hundred objects.
        """
        table = self._objects.get(kind)
        if not table:
            return []
        keys = self._candidate_keys(kind, namespace, selector)
        if keys is None and namespace is None:
            ordered = self._sorted_keys.get(kind)
            if ordered is None:
                ordered = self._sorted_keys[kind] = sorted(table)
        else:  # keys are (namespace, name): sorted as tuples they are in list order
            ordered = sorted(self.indexes.namespace_keys(kind, namespace) if keys is None else keys)
        objs: Iterable[KubeObject] = (table[k] for k in ordered if k in table)
        if selector is not None and not selector.empty():
            objs = (o for o in objs if selector.matches(o.metadata.labels or {}))
        return list(objs)

    def _candidate_keys(self, kind: str, namespace: Optional[str], selector: Any) -> Optional[set]:
        if selector is None:
            return None
        best: Optional[set] = None
        for label, value in selector.exact_match_pairs():
            keys = self.indexes.label_keys(kind, label, value)
            if best is None or len(keys) < len(best):
                best = keys
        if best is not None and namespace is not None:
            best = {k for k in best if k[0] == namespace}
        return best

    def by_owner(self, uid: str, kind: Optional[str] = None) -> list[KubeObject]:
        """Dependents (of `kind`, or of any kind) whose ownerReferences name `uid`."""
        out = []
        for dep_kind, ns, name in self.indexes.owner_keys(uid):
            if kind is not None and dep_kind != kind:
                continue
            obj = self.try_get(dep_kind, ns, name)
            if obj is not None:
                out.append(obj)
        return out  # in the order the dependents were last written: deterministic, unsorted

    def selecting(self, kind: str, namespace: str, labels: Optional[dict[str, str]]) -> list[KubeObject]:
        """The objects of `kind` (one whose `spec.selector` is a label map, as a Service's) in
        `namespace` whose non-empty selector selects `labels`, in list order: what a watch of pods
        asks on every pod write, answered from an index instead of every Service of the namespace."""
        table = self._objects.get(kind)
        if not table or not labels:
            return []
        out = []
        for key in sorted(self.indexes.selector_candidates(kind, namespace, labels)):
            obj = table.get(key)
            if obj is not None and all(labels.get(k) == v for k, v in obj.spec.selector.items()):
                out.append(obj)
        return out

    def pods_on_node(self, node: str) -> list[KubeObject]:
        table = self._objects.get("Pod", {})
        return [table[k] for k in sorted(self.indexes.node_keys(node)) if k in table]

    def kinds(self) -> Iterator[str]:
        return iter(self._objects)

    def count(self, kind: str) -> int:
        return len(self._objects.get(kind, {}))

    # ---------------------------------------------------------------- watches

    def watch(self, handler: WatchHandler, kind: Optional[str] = None,
              when: Optional[Iterable[Iterable[str]]] = None) -> Callable[[], None]:
        """Call `handler` after every write (of `kind`, or of anything); returns an unsubscribe function.

        `when`: groups of tags (see `kubenb.store.routing`); the handler is called only for the
        writes that have a tag of every group. Declare only what the handler provably ignores."""
        entry = (handler, None if when is None else self._tag_bits.interest(when))
        self._watchers.setdefault(kind, []).append(entry)
        self._forget_routes()

        def unsubscribe() -> None:
            self._watchers[kind].remove(entry)  # ValueError when already gone, as before
            self._forget_routes()
        return unsubscribe

    def swap_watchers(self, wrap: Callable[[WatchHandler, Optional[str]], Optional[WatchHandler]]) -> Callable[[], None]:
        """Put `wrap(handler, kind)` in each subscribed handler's place (None: leave it out), keeping
        its interest; returns the function that puts the handlers back. For the benchmarks, which
        time each watcher or measure the store alone."""
        saved = {kind: list(entries) for kind, entries in self._watchers.items()}
        for kind, entries in self._watchers.items():
            entries[:] = [(wrapped, interest) for handler, interest in entries
                          if (wrapped := wrap(handler, kind)) is not None]
        self._forget_routes()

        def restore() -> None:
            for kind, entries in saved.items():
                self._watchers[kind][:] = entries
            self._forget_routes()
        return restore

    def _forget_routes(self) -> None:
        self._all.clear()
        self._routes.clear()

    def _handlers(self, kind: str) -> Optional[tuple[WatchHandler, ...]]:
        """Every handler of `kind`'s writes in order, or None if some declared an interest."""
        entries = (*self._watchers.get(kind, ()), *self._watchers.get(None, ()))
        if any(interest is not None for _, interest in entries):
            return None
        return tuple(handler for handler, _ in entries)

    def _route(self, kind: str, mask: int) -> tuple[WatchHandler, ...]:
        found = self._routes[(kind, mask)] = tuple(
            handler for handler, interest in (*self._watchers.get(kind, ()), *self._watchers.get(None, ()))
            if interest is None or interest.concerns(mask))
        return found

    def _notify(self, type_: str, obj: KubeObject, old: Optional[KubeObject]) -> None:
        event = WatchEvent(type_, obj, old, self.resource_version, self.clock.now)
        kind = obj.KIND
        try:
            handlers = self._all[kind]
        except KeyError:
            handlers = self._all[kind] = self._handlers(kind)
        if handlers is None:
            mask = self._tag_bits.mask(facts(type_, obj, old))
            handlers = self._routes.get((kind, mask))
            if handlers is None:
                handlers = self._route(kind, mask)
        for handler in handlers:
            handler(event)

    # ---------------------------------------------------------------- writes

    def create(self, obj: KubeObject, *, dry_run: bool = False, keep_status: bool = False,
               owned: bool = False) -> KubeObject:
        """POST: admit, name, stamp and store a new object. Fails with `AlreadyExists`, `Invalid`, ...

        `owned`: the caller built `obj` (its root and metadata) for this write alone and hands it
        over, as the event recorders do with each Event: it is admitted and stored as it is, with
        no defensive copy. Admission is the same either way, so a rejected write changes nothing.
        """
        info = self.info(obj)
        if not owned:
            obj = shallow_copy(obj, metadata=shallow_copy(obj.metadata))
        meta = obj.metadata
        if info.namespaced:
            _set(meta, namespace=meta.namespace or "default")
            self._check_namespace_open(meta.namespace)
        else:
            _set(meta, namespace=None)
        if not meta.name and meta.generate_name:
            _set(meta, name=meta.generate_name + self.rng.name_suffix())
        key = (meta.namespace or "", meta.name or "")
        if meta.name and key in self._objects.get(obj.KIND, {}):
            raise errors.already_exists(info, meta.name)
        allocated = self.allocators.snapshot(info.kind)
        try:
            self.admission.admit_create(info, obj, keep_status=keep_status)
        except errors.StatusError:
            self.allocators.restore(allocated)
            raise
        if dry_run:
            self.allocators.restore(allocated)
            return obj
        # system fields come after admission here (so a rejected object draws no uid); the Job
        # strategy, which needs the uid for its generated selector, runs once it exists
        _set(meta, uid=self.rng.uid(), creation_timestamp=self.clock.rfc3339())
        self.admission.after_uid(info, obj)
        self.resource_version += 1
        if self.admission.has_generation(info):
            _set(meta, resource_version=str(self.resource_version), generation=1)
        else:
            _set(meta, resource_version=str(self.resource_version))
        self._put(obj, None)
        self._notify(ADDED, obj, None)
        return obj

    def update(self, obj: KubeObject, *, subresource: Optional[str] = None, dry_run: bool = False,
               owned: bool = False) -> KubeObject:
        """PUT (or PUT of the `status` subresource). A no-op write stores nothing and bumps nothing.

        `owned`: every part of `obj` but its root and metadata is either the stored object's or
        made by the caller for this write alone (an event recorder's count+1 on a shallow copy of
        the stored Event), so only the root and metadata, which admission edits, are copied, as a
        status write's are, instead of every part the caller may still hold."""
        info = self.info(obj)
        ns = (obj.metadata.namespace or "default") if info.namespaced else ""
        old = self.try_get(obj.KIND, ns, obj.metadata.name or "")
        if old is None:
            raise errors.not_found(info, obj.metadata.name or "")
        rv = obj.metadata.resource_version
        if rv and rv != old.metadata.resource_version:
            raise errors.conflict(info, old.metadata.name or "",
                                  "the object has been modified; please apply your changes to the latest version and try again")
        if subresource == "status" or (owned and not self.admission.defaults_spec_in_place(info)):
            # only status is taken from the caller (or the caller gave its parts away), and no part
            # but the root and metadata is edited here
            new = shallow_copy(obj, metadata=shallow_copy(obj.metadata))
        else:
            # admission edits a private copy: the caller's parts are copied, the stored (canonical)
            # ones kept, and the spec copied whole where defaulting edits it in place
            new = private_copy(obj)
            if self.admission.defaults_spec_in_place(info) and "spec" in new.__dict__:
                new.spec = deep_copy(obj.spec)
        allocated = self.allocators.snapshot(info.kind)
        try:
            self.admission.admit_update(info, new, old, subresource=subresource)
        except errors.StatusError:
            self.allocators.restore(allocated)
            raise
        _set(new.metadata, resource_version=old.metadata.resource_version)
        if new == old:
            return old
        if dry_run:
            self.allocators.restore(allocated)
            return new
        if old.metadata.deletion_timestamp and not new.metadata.finalizers and \
                not old.metadata.deletion_grace_period_seconds:
            return self._remove(old, final=new)  # the last finalizer is gone: the deletion completes
        _set(new.metadata, resource_version=self._next_rv())
        self._put(new, old)
        self._notify(MODIFIED, new, old)
        return new

    def bind(self, pod: KubeObject) -> KubeObject:
        """The `pods/binding` subresource: the only way `spec.nodeName` of a pod gets set after create.

        `pod` carries the chosen node and the PodScheduled condition to record with it.
        """
        old = self.get("Pod", pod.metadata.namespace or "", pod.metadata.name or "")
        if old.spec.node_name:
            raise errors.conflict(self.info("Pod"), old.metadata.name or "",
                                  f'pod {old.metadata.name} is already assigned to node "{old.spec.node_name}"')
        new = shallow_copy(old, metadata=shallow_copy(old.metadata, resource_version=self._next_rv()),
                           spec=shallow_copy(old.spec, node_name=pod.spec.node_name),
                           status=shallow_copy(old.status, conditions=pod.status.conditions))
        self._put(new, old)
        self._notify(MODIFIED, new, old)
        return new

    def delete(self, kind: str, namespace: str, name: str, *, grace_period_seconds: Optional[int] = None,
               propagation: Optional[str] = None, dry_run: bool = False) -> KubeObject:
        """DELETE: graceful for pods on a node, deferred by finalizers, dependents left to the GC.

        `propagation` is Background (the default for most kinds), Foreground or Orphan; the latter
        two are recorded as finalizers that the garbage collector honours before the object goes.
        """
        info = self.info(kind)
        obj = self.try_get(kind, namespace if info.namespaced else "", name)
        if obj is None:
            raise errors.not_found(info, name)
        if dry_run:
            return obj
        grace = self.admission.grace_period(info, obj, grace_period_seconds)
        if obj.metadata.deletion_timestamp:
            # already terminating: only a delete with grace 0 (the kubelet's, or --force) ends it now
            if grace != 0:
                return obj
            if obj.metadata.deletion_grace_period_seconds:
                obj = self._write_deletion(obj, 0, obj.metadata.finalizers)
            return obj if obj.metadata.finalizers else self._remove(obj)
        finalizers = list(obj.metadata.finalizers or [])
        if propagation == "Foreground" and self.by_owner(obj.metadata.uid or ""):
            finalizers.append("foregroundDeletion")
        elif propagation == "Orphan":
            finalizers.append("orphan")
        if not finalizers and not grace:
            return self._remove(obj)
        return self._write_deletion(obj, grace, finalizers)

    def _write_deletion(self, obj: KubeObject, grace: int, finalizers: Optional[list[str]]) -> KubeObject:
        """Mark `obj` as being deleted: deletionTimestamp = now + grace (a MODIFIED event)."""
        new = shallow_copy(obj, metadata=shallow_copy(obj.metadata))
        new.metadata.finalizers = list(finalizers) if finalizers else None
        new.metadata.deletion_timestamp = format_rfc3339(self.clock.now + grace)
        new.metadata.deletion_grace_period_seconds = grace
        if new.metadata.generation is not None:
            new.metadata.generation += 1
        new.metadata.resource_version = self._next_rv()
        self._put(new, obj)
        self._notify(MODIFIED, new, obj)
        return new

    # ---------------------------------------------------------------- internals

    def _remove(self, obj: KubeObject, final: Optional[KubeObject] = None) -> KubeObject:
        gone = final or obj
        table = self._objects[obj.KIND]
        table.pop((obj.metadata.namespace or "", obj.metadata.name or ""), None)
        self._sorted_keys.pop(obj.KIND, None)
        self.indexes.remove(obj)
        if obj.KIND == "Service":
            self.allocators.release(f"{obj.metadata.namespace}/{obj.metadata.name}")
        self.resource_version += 1
        gone.metadata.resource_version = str(self.resource_version)
        self._notify(DELETED, gone, obj)
        return gone

    def _put(self, obj: KubeObject, old: Optional[KubeObject]) -> None:
        share(obj)
        key = (obj.metadata.namespace or "", obj.metadata.name or "")
        self._objects.setdefault(obj.KIND, {})[key] = obj  # a rewrite keeps the key tuple filed first
        if old is None:
            self._sorted_keys.pop(obj.KIND, None)
            self.indexes.add(obj, key)  # one key tuple for the table and every index entry
        else:
            self.indexes.replace(old, obj)

    def _next_rv(self) -> str:
        self.resource_version += 1
        return str(self.resource_version)

    def _check_namespace_open(self, namespace: str) -> None:
        ns = self.try_get("Namespace", "", namespace)
        if ns is None:
            raise errors.not_found(self.info("Namespace"), namespace)
        if ns.metadata.deletion_timestamp:
            raise errors.forbidden_error(
                None, "", f"unable to create new content in namespace {namespace} because it is being terminated")


def _set(model: Any, **values: Any) -> None:
    """Set fields of a model the store is writing, as pydantic's ``__setattr__`` does for a model
    that validates no assignment (the value, and the name in its fields set), at a fifth of the
    cost: a create sets four to six metadata fields."""
    model.__dict__.update(values)
    model.__pydantic_fields_set__.update(values)
