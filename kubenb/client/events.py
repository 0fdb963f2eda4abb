"""The event recorder: core/v1 Events with client-go's aggregation (count, first/last timestamps).

An event repeated with the same source, object, type, reason and message updates the existing
Event (count+1, lastTimestamp) instead of creating a new one — what makes `kubectl describe`
print `(x3 over 2m)`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from kubenb.api.base import KubeObject, evolve

if TYPE_CHECKING:
    from kubenb.store import Store


class EventRecorder:
    def __init__(self, store: Store, component: str, host: Optional[str] = None) -> None:
        self.store = store
        self.component = component
        self.host = host
        self._seen: dict[tuple, tuple[str, str]] = {}
        #: per object, the nanoseconds after the last name moved on past a taken one (see `_name`)
        self._moved_on: dict[tuple[str, str], int] = {}

    def _name(self, namespace: str, name: str) -> str:
        """client-go names an event `<object>.<hex of UnixNano>`, unique because a real clock has
        moved on by the next event. Simulated time stands still while a burst of events is
        recorded, so the store's revision supplies the nanoseconds; when that name is already
        taken (a thousand writes later, or a busy bootstrap), the nanoseconds move on past it and
        past this recorder's last such move for the object, as a real clock would have."""
        nanos = int(self.store.clock.now * 1_000_000) * 1000 + self.store.resource_version % 1000
        if self.store.try_get("Event", namespace, f"{name}.{nanos:x}") is None:
            return f"{name}.{nanos:x}"
        key = (namespace, name)
        nanos = max(nanos + 1, self._moved_on.get(key, 0))
        while self.store.try_get("Event", namespace, f"{name}.{nanos:x}") is not None:
            nanos += 1
        self._moved_on[key] = nanos + 1
        return f"{name}.{nanos:x}"

    def normal(self, obj: KubeObject, reason: str, message: str, field_path: Optional[str] = None) -> None:
        self.record(obj, "Normal", reason, message, field_path)

    def warning(self, obj: KubeObject, reason: str, message: str, field_path: Optional[str] = None) -> None:
        self.record(obj, "Warning", reason, message, field_path)

    def record(self, obj: KubeObject, type_: str, reason: str, message: str, field_path: Optional[str] = None) -> None:
        from kubenb.api.core import Event, EventSource, ObjectReference
        from kubenb.api.meta import ObjectMeta

        meta = obj.metadata
        namespace = meta.namespace or "default"
        now = self.store.clock.rfc3339()
        key = (type_, reason, message, obj.KIND, namespace, meta.name, meta.uid, field_path)
        existing = self._seen.get(key)
        if existing is not None:
            ev = self.store.try_get("Event", *existing)
            if ev is not None:
                ev = evolve(ev)
                ev.count = (ev.count or 1) + 1
                ev.last_timestamp = now
                self.store.update(ev)
                return
        event = Event(
            metadata=ObjectMeta(name=self._name(namespace, meta.name or ""), namespace=namespace),
            involved_object=ObjectReference(
                kind=obj.KIND, namespace=meta.namespace, name=meta.name, uid=meta.uid,
                api_version=type(obj).API_VERSION, resource_version=meta.resource_version, field_path=field_path),
            reason=reason, message=message, source=EventSource(component=self.component, host=self.host),
            first_timestamp=now, last_timestamp=now, count=1, type=type_,
            reporting_component=self.component, reporting_instance=self.host or "",
        )
        created = self.store.create(event)
        self._seen[key] = (namespace, created.metadata.name or "")


def events_for(store: Store, obj: Any) -> list[KubeObject]:
    """The Events whose involvedObject is `obj` (by uid), oldest first (what `describe` lists)."""
    uid = obj.metadata.uid
    ns = obj.metadata.namespace or "default"
    found = [e for e in (store.try_get("Event", *key) for key in store.indexes.event_keys(uid or "") if key[0] == ns)
             if e is not None]
    return sorted(found, key=lambda e: (e.last_timestamp or e.first_timestamp or "", e.metadata.resource_version and int(e.metadata.resource_version)))
