"""What every controller shares: a work queue of object keys fed by store watches.

A controller reconciles one key at a time and re-reads the world each time, exactly like
kube-controller-manager; it never trusts the event that woke it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from kubenb.api.base import KubeObject
from kubenb.client.events import EventRecorder
from kubenb.client.workqueue import WorkQueue
from kubenb.store import WatchEvent

if TYPE_CHECKING:
    from kubenb.cluster import Cluster

Key = tuple[str, str]  # (namespace, name) of the controller's primary kind


class Controller:
    #: the component name in events (`deployment-controller`)
    component: str = ""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.store = cluster.store
        self.clock = cluster.clock
        self.events = EventRecorder(self.store, self.component)
        self.queue: WorkQueue[Key] = WorkQueue(cluster.loop, self._sync_key)

    def _sync_key(self, key: Key) -> Optional[float]:
        return self.sync(*key)

    def sync(self, namespace: str, name: str) -> Optional[float]:
        """Reconcile one object; return seconds after which to look again, or None."""
        raise NotImplementedError

    def enqueue(self, obj: KubeObject) -> None:
        self.queue.add((obj.metadata.namespace or "", obj.metadata.name or ""))

    def enqueue_controller_of(self, obj: KubeObject, kind: str) -> None:
        ref = obj.metadata.controller_ref()
        if ref is not None and ref.kind == kind:
            self.queue.add((obj.metadata.namespace or "", ref.name))

    def watch_own(self, kind: str) -> None:
        self.store.watch(lambda ev: self.enqueue(ev.object), kind)

    def watch_owned(self, kind: str, owner_kind: str) -> None:
        def handler(ev: WatchEvent) -> None:
            self.enqueue_controller_of(ev.object, owner_kind)
            if ev.old_object is not None and ev.type == "MODIFIED":
                old_ref, new_ref = ev.old_object.metadata.controller_ref(), ev.object.metadata.controller_ref()
                if old_ref is not None and (new_ref is None or old_ref.uid != new_ref.uid):
                    self.enqueue_controller_of(ev.old_object, owner_kind)
        self.store.watch(handler, kind)


def owner_reference(owner: KubeObject):
    """A controller ownerReference to `owner` (controller and blockOwnerDeletion set)."""
    from kubenb.api.meta import OwnerReference

    return OwnerReference(api_version=type(owner).API_VERSION, kind=owner.KIND, name=owner.metadata.name or "",
                          uid=owner.metadata.uid or "", controller=True, block_owner_deletion=True)

