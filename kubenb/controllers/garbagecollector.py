"""The garbage collector (`pkg/controller/garbagecollector`): dependents follow their owners.

Background deletion: once no owner of a dependent exists any more, the dependent is deleted.
Foreground: the owner waits (finalizer `foregroundDeletion`) until its blocking dependents are
gone. Orphan: the owner's references are stripped from its dependents, then it goes.
"""

from __future__ import annotations

from typing import Any, Optional

from kubenb.api.base import evolve
from kubenb.controllers.base import Controller
from kubenb.store import ObjectKey, WatchEvent
from kubenb.store.errors import StatusError

FOREGROUND, ORPHAN = "foregroundDeletion", "orphan"


class GarbageCollector(Controller):
    component = "garbage-collector"

    def __init__(self, cluster) -> None:
        super().__init__(cluster)
        self.store.watch(self._on_event)

    def _on_event(self, ev: WatchEvent) -> None:
        """Queue keys: a uid (an owner is gone: check its dependents) or the ObjectKey of an owner
        that waits on a `foregroundDeletion`/`orphan` finalizer."""
        meta = ev.object.metadata
        if ev.type == "DELETED":
            self.queue.add(meta.uid or "")
            # an owner in foreground deletion may be waiting for this dependent
            for ref in meta.owner_references or ():
                self.queue.add(ObjectKey(ref.kind, meta.namespace or "", ref.name))
        elif meta.deletion_timestamp and {FOREGROUND, ORPHAN} & set(meta.finalizers or ()):
            self.queue.add(ObjectKey(ev.object.KIND, meta.namespace or "", meta.name or ""))

    def _sync_key(self, key: Any) -> Optional[float]:
        if isinstance(key, str):
            self._collect_orphans_of(key)
            return None
        obj = self.store.try_get(key.kind, key.namespace, key.name)
        if obj is None or obj.metadata.deletion_timestamp is None:
            return None
        finalizers = obj.metadata.finalizers or []
        if ORPHAN in finalizers:
            self._orphan_dependents(obj)
            self._remove_finalizer(obj, ORPHAN)
        elif FOREGROUND in finalizers:
            for dep in self.store.by_owner(obj.metadata.uid):
                if dep.metadata.deletion_timestamp is None:
                    self._delete(dep, "Foreground")
            if not any(_blocks(dep, obj) for dep in self.store.by_owner(obj.metadata.uid)):
                self._remove_finalizer(obj, FOREGROUND)
        return None

    def _collect_orphans_of(self, uid: str) -> None:
        for dep in self.store.by_owner(uid):
            live = [ref for ref in dep.metadata.owner_references or () if self._owner_exists(ref, dep)]
            if not live and dep.metadata.deletion_timestamp is None:
                self._delete(dep, "Background")

    def _owner_exists(self, ref: Any, dependent: Any) -> bool:
        try:
            info = self.store.info(ref.kind)
        except KeyError:
            return False
        owner = self.store.try_get(ref.kind, dependent.metadata.namespace or "" if info.namespaced else "", ref.name)
        return owner is not None and owner.metadata.uid == ref.uid

    def _orphan_dependents(self, owner: Any) -> None:
        for dep in self.store.by_owner(owner.metadata.uid):
            new = evolve(dep)
            new.metadata.owner_references = [r for r in dep.metadata.owner_references or ()
                                             if r.uid != owner.metadata.uid] or None
            self.store.update(new)

    def _remove_finalizer(self, obj: Any, finalizer: str) -> None:
        new = evolve(obj)
        new.metadata.finalizers = [f for f in obj.metadata.finalizers or () if f != finalizer] or None
        self.store.update(new)

    def _delete(self, obj: Any, propagation: str) -> None:
        try:
            self.store.delete(obj.KIND, obj.metadata.namespace or "", obj.metadata.name or "", propagation=propagation)
        except StatusError as err:
            if err.reason != "NotFound":
                raise


def _blocks(dependent: Any, owner: Any) -> bool:
    return any(r.uid == owner.metadata.uid and r.block_owner_deletion for r in dependent.metadata.owner_references or ())
