"""What every controller shares: a work queue of object keys fed by store watches.

A controller reconciles one key at a time and re-reads the world each time, exactly like
kube-controller-manager; it never trusts the event that woke it. A sync that fails is retried
with client-go's per-key exponential backoff; nothing a controller raises reaches the caller
that let simulated time pass.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Hashable, Iterable
from typing import TYPE_CHECKING, Any, Optional

from kubenb.api.base import KubeObject, evolve, shallow_copy
from kubenb.client.events import EventRecorder
from kubenb.client.workqueue import WorkQueue
from kubenb.store import WatchEvent
from kubenb.store.errors import StatusError

if TYPE_CHECKING:
    from kubenb.cluster import Cluster

Key = tuple[str, str]  # (namespace, name) of the controller's primary kind


class RateLimiter:
    """`workqueue.ItemExponentialFailureRateLimiter(5ms, 1000s)`, the per-key part of client-go's
    `DefaultControllerRateLimiter`: the n-th consecutive retry of a key waits 5 ms · 2ⁿ⁻¹, capped
    at 1000 s, until `forget` (a successful sync) starts it over.

    The default limiter's other half, a 10 qps token bucket shared by all keys, only matters
    when a hundred keys fail at once; it is not modelled.
    """

    def __init__(self, base_delay: float = 0.005, max_delay: float = 1000.0) -> None:
        self.base_delay = base_delay
        self.max_delay = max_delay
        self._failures: dict[Hashable, int] = {}

    def when(self, key: Hashable) -> float:
        """The delay before the next retry of `key`, counting this one."""
        failures = self._failures.get(key, 0)
        self._failures[key] = failures + 1
        # upstream computes in float64 and returns max_delay once that passes MaxInt64 ns; a Python
        # float of a huge int overflows instead, so the exponent stops where the cap long applies
        if failures > 62:
            return self.max_delay
        return min(self.base_delay * (1 << failures), self.max_delay)

    def num_requeues(self, key: Hashable) -> int:
        return self._failures.get(key, 0)

    def forget(self, key: Hashable) -> None:
        self._failures.pop(key, None)


class Controller:
    #: the component name in events (`deployment-controller`)
    component: str = ""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.store = cluster.store
        self.clock = cluster.clock
        self.events = EventRecorder(self.store, self.component)
        self.queue: WorkQueue[Key] = WorkQueue(cluster.loop, self._sync_key)
        self.rate_limiter = RateLimiter()
        #: the traceback of the last exception a sync raised (a kubenb bug; see `_sync_key`)
        self.last_error: Optional[str] = None

    def _sync_key(self, key: Key) -> Optional[float]:
        """Run one sync. An exception here is a bug in kubenb, never the learner's doing: as for
        kubectl, it is kept (`last_error`) instead of unwinding through the learner's cell, and the
        key is retried with backoff, as kube-controller-manager retries a sync that returned an
        error. With KUBENB_DEBUG set (the test suite) it is raised, so the test that hit it fails."""
        try:
            return self.sync(*key)
        except Exception:
            if os.environ.get("KUBENB_DEBUG"):
                raise
            self.last_error = traceback.format_exc()
            return self.retry_after_error(key)

    def sync(self, namespace: str, name: str) -> Optional[float]:
        """Reconcile one object; return seconds after which to look again, or None."""
        raise NotImplementedError

    def retry_after_error(self, key: Key, max_retries: Optional[int] = None) -> Optional[float]:
        """`queue.AddRateLimited(key)` after a failed sync: the backoff delay, or None once the key
        has been retried `max_retries` times (it is then dropped until an event brings it back)."""
        if max_retries is not None and self.rate_limiter.num_requeues(key) >= max_retries:
            self.rate_limiter.forget(key)
            return None
        return self.rate_limiter.when(key)

    def enqueue(self, obj: KubeObject) -> None:
        self.queue.add((obj.metadata.namespace or "", obj.metadata.name or ""))

    def enqueue_controller_of(self, obj: KubeObject, kind: str) -> None:
        ref = obj.metadata.controller_ref()
        if ref is not None and ref.kind == kind:
            self.queue.add((obj.metadata.namespace or "", ref.name))

    def resolve_controller_ref(self, namespace: str, ref: Any, kind: str) -> Optional[KubeObject]:
        """`resolveControllerRef`: the object of `kind` a controllerRef names, if it still exists
        with that uid (a same-named successor is someone else)."""
        if ref is None or ref.kind != kind:
            return None
        obj = self.store.try_get(kind, namespace, ref.name)
        return obj if obj is not None and obj.metadata.uid == ref.uid else None

    def watch_own(self, kind: str) -> None:
        self.store.watch(lambda ev: self.enqueue(ev.object), kind)

    def watch_owned(self, kind: str, owner_kind: str) -> None:
        def handler(ev: WatchEvent) -> None:
            self.enqueue_controller_of(ev.object, owner_kind)
            if ev.old_object is not None and ev.type == "MODIFIED":
                old_ref, new_ref = ev.old_object.metadata.controller_ref(), ev.object.metadata.controller_ref()
                if old_ref is not None and (new_ref is None or old_ref.uid != new_ref.uid):
                    self.enqueue_controller_of(ev.old_object, owner_kind)
        # enqueues only an owner of `owner_kind`, named by the new or the old version's controllerRef
        self.store.watch(handler, kind, when=[["owner:" + owner_kind]])


def pod_spec_from_template(spec: Any) -> Any:
    """`GetPodFromTemplate`'s copy of the template's spec, made the way a shallow copy shares: a new
    spec and containers, and new container resources where defaulting fills requests from limits
    (the parts pod admission and defaulting write: the service-account volume and its mounts,
    tolerations, requests), all the rest shared with the stored template. Stored objects are never
    edited in place, and a template was defaulted when it was stored, so what is shared is only
    read. A deep copy of the template per pod was what a ReplicaSet's pod creation cost most."""
    def container(c: Any) -> Any:
        new = shallow_copy(c)
        if c.resources is not None and c.resources.limits:
            new.__dict__["resources"] = shallow_copy(c.resources)
        return new

    new = shallow_copy(spec)
    fields = new.__dict__
    fields["containers"] = [container(c) for c in spec.containers]
    if spec.init_containers is not None:
        fields["init_containers"] = [container(c) for c in spec.init_containers]
    return new


def owner_reference(owner: KubeObject):
    """A controller ownerReference to `owner` (controller and blockOwnerDeletion set)."""
    from kubenb.api.meta import OwnerReference

    return OwnerReference(api_version=type(owner).API_VERSION, kind=owner.KIND, name=owner.metadata.name or "",
                          uid=owner.metadata.uid or "", controller=True, block_owner_deletion=True)


class ControllerRefManager:
    """`controller.BaseControllerRefManager.ClaimObject`, shared by the ReplicaSet claims of the
    Deployment controller and the Pod claims of the ReplicaSet controller.

    A controller owns what carries its controllerRef. Claiming a candidate reconciles that with
    the selector: an owned object that still matches is kept; one that no longer matches is
    released (its ownerReference to the controller removed), unless the controller is being
    deleted; an orphan that matches is adopted (a controllerRef added) unless the controller or
    the orphan is being deleted. Objects controlled by someone else are left alone.

    Upstream re-reads the controller uncached before its first adoption
    (`RecheckDeletionTimestamp`), against a stale informer cache; kubenb's reads come straight from
    the store, so there is nothing for that to catch.
    """

    def __init__(self, store: Any, controller: KubeObject, match: Callable[[Any], bool]) -> None:
        self.store = store
        self.controller = controller
        self.match = match

    def claim(self, candidates: Iterable[Any]) -> list[Any]:
        """`ClaimReplicaSets` / `ClaimPods`: the candidates this controller owns once reconciled,
        adopted ones as stored after adoption. A failed adoption or release is raised after every
        candidate was tried, as upstream returns the aggregate error for the sync to be retried."""
        uid = self.controller.metadata.uid
        deleting = self.controller.metadata.deletion_timestamp is not None
        namespace = self.controller.metadata.namespace or ""
        claimed, errors = [], []
        for obj in candidates:
            ref = obj.metadata.controller_ref()
            try:
                if ref is not None:
                    if ref.uid != uid:
                        continue  # someone else's
                    if self.match(obj):
                        claimed.append(obj)
                    elif not deleting:
                        self._release(obj)
                elif not deleting and obj.metadata.deletion_timestamp is None and \
                        (obj.metadata.namespace or "") == namespace and self.match(obj):
                    adopted = self._adopt(obj)
                    if adopted is not None:
                        claimed.append(adopted)
            except StatusError as err:
                errors.append(err)
        if errors:
            raise errors[0]
        return claimed

    def _adopt(self, obj: Any) -> Optional[Any]:
        """The strategic-merge patch upstream sends: add our controllerRef (merged by uid), only
        if the object is still the one we listed (its uid as a precondition)."""
        fresh = self._fresh(obj)
        if fresh is None:
            return None  # gone: nothing to adopt
        new = evolve(fresh, deep=("metadata",))
        ours = owner_reference(self.controller)
        new.metadata.owner_references = [
            *(r for r in new.metadata.owner_references or () if r.uid != ours.uid), ours]
        new.metadata.resource_version = None
        return self.store.update(new)

    def _release(self, obj: Any) -> None:
        """`GenerateDeleteOwnerRefStrategicMergeBytes`: drop our ownerReference. A dependent that
        is gone, or was re-created under the same name, needs no release."""
        fresh = self._fresh(obj)
        if fresh is None:
            return
        new = evolve(fresh, deep=("metadata",))
        new.metadata.owner_references = [
            r for r in new.metadata.owner_references or () if r.uid != self.controller.metadata.uid] or None
        new.metadata.resource_version = None
        self.store.update(new)

    def _fresh(self, obj: Any) -> Optional[Any]:
        fresh = self.store.try_get(obj.KIND, obj.metadata.namespace or "", obj.metadata.name or "")
        return fresh if fresh is not None and fresh.metadata.uid == obj.metadata.uid else None
