"""The event recorder: core/v1 Events with client-go's aggregation (count, first/last timestamps).

An event repeated with the same source, object, type, reason and message updates the existing
Event (count+1, lastTimestamp) instead of creating a new one — what makes `kubectl describe`
print `(x3 over 2m)`.

What the recorder remembers to do that is bounded as client-go's is: an LRU cache of the last
4,096 distinct events (``maxLruCacheEntries`` in ``tools/record/events_cache.go``), so a
recorder that has seen a hundred thousand pods come and go does not keep a key for each. Every
kubelet's recorder holds an entry for each event of each of its pods (four per pod), so an entry
is small: the 64-bit hash of client-go's event key (source, object, type, reason, message), not
the eight strings' tuple -- 40 bytes instead of 104. Two distinct keys of one recorder's 4,096
would have to share a 64-bit hash for a repeat to count on the wrong Event (odds of about one in
10^12), as two objects would have to share a uid upstream.

A converged cluster holds about five Events per pod for an hour, so what one Event holds matters
more than what recording it costs. Stored objects are immutable, which lets Events share parts:
one recorder's ``source`` is one object, consecutive events about the same object (the kubelet's
``Pulled``, ``Created``, ``Started``) share one ``involvedObject``, timestamps of one second are
one string (:func:`kubenb.sim.clock.format_rfc3339`), and repeated texts are interned.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Optional

from kubenb.api.base import KubeObject, shallow_copy
from kubenb.api.construct import construct
from kubenb.api.core import Event, EventSeries, EventSource, ObjectReference
from kubenb.api.meta import ObjectMeta
from kubenb.sim.clock import format_rfc3339

if TYPE_CHECKING:
    from kubenb.sim.loop import EventLoop
    from kubenb.store import Store

MAX_LRU_CACHE_ENTRIES = 4096


class EventRecorder:
    def __init__(self, store: Store, component: str, host: Optional[str] = None) -> None:
        self.store = store
        self.component = component
        self.host = host
        #: the aggregation cache: the hash of an event's key -> the name of its Event (see above)
        self._seen: dict[int, str] = {}
        #: per object, the nanoseconds after the last name moved on past a taken one (see `_name`)
        self._moved_on: dict[tuple[str, str], int] = {}
        self._source: Any = None  # the EventSource every Event of this recorder shares (made on first use)
        self._last_ref: tuple[tuple, Any] = ((), None)  # the last involvedObject made, and what it refers to

    def _reference(self, obj: KubeObject, field_path: Optional[str]) -> Any:
        """The ObjectReference to `obj` (at its resourceVersion), shared with the previous Event
        when that one was about the same object: the kubelet reports a container's pull, create
        and start in a row, so three Events hold one reference."""
        meta = obj.metadata
        what = (obj.KIND, meta.namespace, meta.name, meta.uid, meta.resource_version, field_path, type(obj).API_VERSION)
        key, ref = self._last_ref
        if key != what:
            new = construct if field_path is None or type(field_path) is str else _validated
            ref = new(ObjectReference, kind=obj.KIND, namespace=meta.namespace, name=meta.name, uid=meta.uid,
                      api_version=type(obj).API_VERSION, resource_version=meta.resource_version,
                      field_path=field_path)
            self._last_ref = (what, ref)
        return ref

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
        _remember(self._moved_on, key, nanos + 1)
        return f"{name}.{nanos:x}"

    def normal(self, obj: KubeObject, reason: str, message: str, field_path: Optional[str] = None) -> None:
        self.record(obj, "Normal", reason, message, field_path)

    def warning(self, obj: KubeObject, reason: str, message: str, field_path: Optional[str] = None) -> None:
        self.record(obj, "Warning", reason, message, field_path)

    def record(self, obj: KubeObject, type_: str, reason: str, message: str, field_path: Optional[str] = None) -> None:
        meta = obj.metadata
        namespace = meta.namespace or "default"
        now = self.store.clock.rfc3339()
        key = hash((type_, reason, message, obj.KIND, namespace, meta.name, meta.uid, field_path))
        seen = self._seen
        existing = seen.pop(key, None)
        if existing is not None:
            seen[key] = existing  # the most recently used now
            ev = self.store.try_get("Event", namespace, existing)
            if ev is not None:
                # a shallow copy is enough: only two scalars change, the rest is the stored Event's
                self.store.update(shallow_copy(ev, count=(ev.count or 1) + 1, last_timestamp=now), owned=True)
                return
        if self._source is None:
            self._source = EventSource(component=self.component, host=self.host)
        new = construct if _texts(type_, reason, message, field_path) else _validated
        event = new(
            Event, metadata=new(ObjectMeta, name=self._name(namespace, meta.name or ""), namespace=namespace),
            involved_object=self._reference(obj, field_path), reason=reason, message=_intern(message, meta.name),
            source=self._source, first_timestamp=now, last_timestamp=now, count=1, type=type_,
            reporting_component=self.component, reporting_instance=self.host or "",
        )
        created = self.store.create(event, owned=True)  # built here, for this write alone
        _remember(self._seen, key, created.metadata.name or "")


def _texts(type_: Any, reason: Any, message: Any, field_path: Any) -> bool:
    """Whether a caller's texts are what an Event holds as they are (strings; no field path or a
    string one): then the Event is built without validation (see `_new`)."""
    return type(type_) is str and type(reason) is str and type(message) is str and \
        (field_path is None or type(field_path) is str)


def _validated(cls: type, **fields: Any) -> Any:
    """A part of an Event built by pydantic: for a caller's text that is not a plain string, which
    pydantic converts or rejects as it always has. Otherwise the parts are built by `construct`
    (no validation, and more compact): the recorder's other values are its own strings and parts
    of stored objects."""
    return cls(**fields)


def _intern(text: Any, name: Optional[str]) -> Any:
    """One string object for equal texts ("Started container nginx" on every pod): interned
    strings are freed with their last user, so this holds nothing for Events that expired.

    A text that names the object it is about ("Created pod: web-6d4cf56db6-x7k2p", "Successfully
    assigned default/web-... to node-3") is that object's alone: interning it would only add an
    entry to the interpreter's table of interned strings, for every pod."""
    if type(text) is not str or (name and name in text):
        return text
    return sys.intern(text)


def _remember(cache: dict, key: Any, value: Any) -> None:
    """Put `key` in an LRU cache of MAX_LRU_CACHE_ENTRIES, forgetting the least recently used.

    The cache is a plain dict in use order (a use takes the key out and puts it back at the end):
    half the bytes per entry of an OrderedDict, which every kubelet's recorder holds for each event
    it recorded (one of 30 pods never reaches the bound)."""
    cache.pop(key, None)
    cache[key] = value
    if len(cache) > MAX_LRU_CACHE_ENTRIES:
        del cache[next(iter(cache))]


def events_for(store: Store, obj: Any) -> list[KubeObject]:
    """The Events whose involvedObject is `obj` (by uid), oldest first (what `describe` lists)."""
    uid = obj.metadata.uid
    ns = obj.metadata.namespace or "default"
    found = [e for e in (store.try_get("Event", *key) for key in store.indexes.event_keys(uid or "") if key[0] == ns)
             if e is not None]
    return sorted(found, key=lambda e: (e.last_timestamp or e.first_timestamp or "", e.metadata.resource_version and int(e.metadata.resource_version)))


# ---------------------------------------------------------------- events.k8s.io/v1 (client-go tools/events)

FINISH_SECONDS = 6 * 60.0  # finishTime: a series nobody observed for 6 minutes is over
REFRESH_SECONDS = 30 * 60.0  # refreshTime: every running series is written again


def format_micro(t: float) -> str:
    """A ``metav1.MicroTime``: RFC 3339 with microseconds (``2023-06-17T15:12:02.123456Z``)."""
    whole = int(t)
    return f"{format_rfc3339(whole)[:-1]}.{int(round((t - whole) * 1_000_000)) % 1_000_000:06d}Z"


class _Cached:
    """One isomorphic event as the broadcaster's cache holds it: where it is stored, and its series."""

    __slots__ = ("namespace", "name", "event_time", "count", "last_observed")

    def __init__(self, namespace: str, name: str, event_time: float) -> None:
        self.namespace, self.name, self.event_time = namespace, name, event_time
        self.count = 0  # 0: a singleton; from 2, a series
        self.last_observed = event_time


class SeriesRecorder(EventRecorder):
    """The events.k8s.io recorder (kube-scheduler's since v1.19): repeats become an EventSeries.

    ``recordToSink`` keys events by (action, reason, reporting controller, regarding, related) --
    not the message, and ``regarding`` carries the object's resourceVersion, so a pod whose status
    the first failure changed starts a second Event. The first repeat writes ``series.count: 2``;
    later repeats only count in the recorder's cache. The cache is written again every 30 minutes
    (``refreshExistingEventSeries``) and, for a series unobserved for 6 minutes, one last time when
    ``finishSeries`` (every 6 minutes from the start) drops it. So `kubectl describe` shows
    ``(x2 over …)`` long after the pod failed a dozen times, as on a real cluster."""

    def __init__(self, store: Store, loop: EventLoop, controller: str, instance: str) -> None:
        super().__init__(store, controller)
        self.loop = loop
        self.instance = instance
        self._series: dict[int, _Cached] = {}  # by the hash of the key, as `_seen` is
        self._started = store.clock.now
        self._armed: set[str] = set()

    def record(self, obj: KubeObject, type_: str, reason: str, message: str, field_path: Optional[str] = None,
               action: str = "") -> None:
        meta = obj.metadata
        namespace = meta.namespace or "default"
        now = self.store.clock.now
        key = hash((action, reason, obj.KIND, namespace, meta.name, meta.uid, meta.resource_version, field_path))
        cached = self._series.get(key)
        if cached is not None:
            cached.count = max(cached.count, 1) + 1
            cached.last_observed = now
            if cached.count == 2:
                self._write(cached)
            return
        new = construct if _texts(type_, reason, message, field_path) and (not action or type(action) is str) \
            else _validated
        event = new(
            Event, metadata=new(ObjectMeta, name=self._name(namespace, meta.name or ""), namespace=namespace),
            involved_object=self._reference(obj, field_path), reason=reason, message=_intern(message, meta.name),
            type=type_,
            event_time=format_micro(now), action=action or None,
            reporting_component=self.component, reporting_instance=self.instance,
        )
        created = self.store.create(event, owned=True)  # built here, for this write alone
        self._series[key] = _Cached(namespace, created.metadata.name or "", now)
        self._arm("finish", FINISH_SECONDS)
        self._arm("refresh", REFRESH_SECONDS)

    def _write(self, cached: _Cached) -> bool:
        """``recordEvent`` with a series: update the stored Event (False if it is gone)."""
        ev = self.store.try_get("Event", cached.namespace, cached.name)
        if ev is None:
            return False
        ev = ev.model_copy()  # a new series below; the rest stays shared with the stored Event
        ev.series = EventSeries(count=cached.count, last_observed_time=format_micro(cached.last_observed))
        self.store.update(ev, owned=True)
        return True

    def _arm(self, which: str, period: float) -> None:
        """``wait.Until`` from the recorder's start, ticking only while the cache holds something."""
        if which in self._armed:
            return
        self._armed.add(which)
        now = self.store.clock.now
        due = self._started + (int((now - self._started) // period) + 1) * period
        self.loop.call_at(due, lambda: self._tick(which, period))

    def _tick(self, which: str, period: float) -> None:
        self._armed.discard(which)
        now = self.store.clock.now
        for key, cached in list(self._series.items()):
            if which == "refresh":
                if cached.count >= 2:
                    self._write(cached)
            elif cached.count >= 2:
                if cached.last_observed < now - FINISH_SECONDS:
                    self._write(cached)
                    del self._series[key]
            elif cached.event_time < now - FINISH_SECONDS:
                del self._series[key]
        if self._series:
            self._arm(which, period)
