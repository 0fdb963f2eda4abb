"""Each stored object's JSON, encoded once: a list of 10,000 pods is then one `join`, not 10,000 encodings.

Stored objects are immutable — a write stores a new object — so an encoding made from an object is
good for as long as the store holds that very object. The cache keeps, per object (found by its
identity), its full JSON, its `PartialObjectMetadata` and its Table row of the last instant asked
for (AGE moves with the clock, so a row is reused only at the same simulated time, e.g. while the
clock stands still). The store tells it of every write, so an entry goes as soon as its object is
replaced or deleted, and memory follows the store's size.

Call everything with the cluster lock held.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Optional

from kubenb.store.store import DELETED, WatchEvent

Encoder = Callable[[Any], bytes]


def dumps(data: Any) -> bytes:
    """Compact JSON, as the API server writes it."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()


_TYPE_FIELDS = {"api_version", "kind"}


def encode_object(obj: Any) -> bytes:
    """`dumps(obj.to_dict())`, byte for byte, at less than half the cost: pydantic writes the JSON itself
    (its serializer is compiled) and only `apiVersion`/`kind`, which `to_dict` puts first, are written
    here. Kinds kept as given (extra fields allowed: `apiVersion` may be one of them) take the slow path."""
    if type(obj).model_config.get("extra") == "allow":
        return dumps(obj.to_dict())
    body = obj.model_dump_json(by_alias=True, exclude_none=True, exclude=_TYPE_FIELDS).encode()
    type_meta = (getattr(obj, "api_version", None) or obj.API_VERSION, getattr(obj, "kind", None) or obj.KIND)
    head = _HEADS.get(type_meta)
    if head is None:
        head = _HEADS[type_meta] = b'{"apiVersion":%s,"kind":%s' % (dumps(type_meta[0]), dumps(type_meta[1]))
    return head + (b"," + body[1:] if body != b"{}" else b"}")


_HEADS: dict[tuple[str, str], bytes] = {}  # per (apiVersion, kind): a few dozen at most


class _Entry:
    __slots__ = ("obj", "json", "metadata", "row_at", "row")

    def __init__(self, obj: Any) -> None:
        self.obj = obj  # kept, so that its id is not reused while the entry lives
        self.json: Optional[bytes] = None
        self.metadata: Optional[bytes] = None
        self.row_at: Optional[tuple] = None
        self.row: Optional[bytes] = None


class Encodings:
    """The encodings of the objects a store holds, made on first use, found by the object's identity."""

    def __init__(self, store: Any = None) -> None:
        """`store`: the store whose objects these are; None for a throwaway cache (one response's worth,
        e.g. for objects that are not, or no longer, stored: a dry run's, a deleted one's)."""
        self._entries: dict[int, _Entry] = {}
        self._unsubscribe = store.watch(self._on_event) if store is not None else lambda: None

    def _on_event(self, ev: WatchEvent) -> None:
        """The replaced or deleted object's encodings go with it."""
        self._entries.pop(id(ev.old_object), None)
        if ev.type == DELETED:
            self._entries.pop(id(ev.object), None)

    def close(self) -> None:
        self._unsubscribe()
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def _entry(self, obj: Any) -> _Entry:
        entry = self._entries.get(id(obj))
        if entry is None or entry.obj is not obj:
            entry = self._entries[id(obj)] = _Entry(obj)
        return entry

    def json(self, obj: Any) -> bytes:
        """The object's JSON."""
        entry = self._entry(obj)
        if entry.json is None:
            entry.json = encode_object(obj)
        return entry.json

    def metadata(self, obj: Any) -> bytes:
        """The object as `PartialObjectMetadata` (what a Table row carries by default)."""
        entry = self._entry(obj)
        if entry.metadata is None:
            entry.metadata = (b'{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":' +
                              obj.metadata.model_dump_json(by_alias=True, exclude_none=True).encode() + b"}")
        return entry.metadata

    def rows(self, objs: list[Any], at: tuple, cells_of: Callable[[list[Any]], list[list[str]]],
             include: str) -> list[bytes]:
        """The Table rows of `objs`, encoded; `at` is what the cells depend on besides the object (the
        clock, the server version) and `cells_of` makes the cells not known for `at` yet, in one call."""
        entries = [self._entry(o) for o in objs]
        key = (at, include)
        missing = [e for e in entries if e.row_at != key]
        if missing:
            attach = {"Object": self.json, "Metadata": self.metadata}.get(include)
            for entry, cells in zip(missing, cells_of([e.obj for e in missing]), strict=True):
                row = b'{"cells":' + dumps(cells)
                entry.row = row + (b',"object":' + attach(entry.obj) + b"}" if attach is not None else b"}")
                entry.row_at = key
        return [e.row for e in entries]  # type: ignore[misc]
