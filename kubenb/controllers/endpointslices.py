"""The EndpointSlice reconciler (`staging/src/k8s.io/endpointslice/reconciler.go`): which slices to
create, update and delete so that a Service's endpoints are in slices of at most 100.

Upstream's `reconcileByPortMapping`, per set of ports (a "port map"):

1. every existing slice drops the endpoints no longer desired and takes the changed ones; a slice
   left empty is deleted, a changed one updated, the others stay unchanged;
2. the endpoints still to place fill the slices being updated, fullest first;
3. what is left goes, if fewer than a slice holds, into the unchanged slice it fills best
   (`getSliceToFill`), else into new slices of up to 100.

Slices of a port map nobody serves any more are deleted; a Service left with no slice gets one
placeholder without endpoints or ports (an existing placeholder is kept); creates are turned into
updates of slices that would be deleted (`finalize`).

Where upstream picks at random (map iteration, `PopAny`), this one picks in a fixed order: slices
by name, endpoints by (IP, uid), which is also the order a slice lists them in.

Step 1 is where upstream walks every endpoint of every slice. Only pods that changed since the
last sync (`ServiceMembers.dirty`) can change a slice this controller wrote, so a `SliceBook`
remembers, per slice, the resourceVersion it wrote and the pod of each endpoint: a slice whose
pods did not change and that nobody else rewrote is unchanged without being read.
"""

from __future__ import annotations

from typing import Any, Optional

from kubenb.controllers.servicemembers import PodKey, ServiceMembers

#: `--max-endpoints-per-slice` (kube-controller-manager's default)
MAX_ENDPOINTS_PER_SLICE = 100


class SliceRecord:
    """A slice as this controller last wrote (or read) it: resourceVersion, port map, and the
    pod of each endpoint (None for an endpoint that names no pod)."""

    __slots__ = ("rv", "ports", "keys")

    def __init__(self, rv: Optional[str], ports: tuple, keys: list[Optional[PodKey]]) -> None:
        self.rv, self.ports, self.keys = rv, ports, keys


class SliceBook:
    """The `SliceRecord`s of one Service's slices, and which slice holds each pod's endpoint."""

    def __init__(self) -> None:
        self.records: dict[str, SliceRecord] = {}
        self.placed: dict[PodKey, str] = {}

    def record(self, name: str, rec: SliceRecord) -> None:
        self.forget(name)
        self.records[name] = rec
        for key in rec.keys:
            if key is not None:
                self.placed[key] = name

    def forget(self, name: str) -> list[PodKey]:
        """Drop a slice's record; the pods it held."""
        rec = self.records.pop(name, None)
        if rec is None:
            return []
        keys = [k for k in rec.keys if k is not None]
        for key in keys:
            if self.placed.get(key) == name:
                del self.placed[key]
        return keys


class Plan:
    """The writes one reconcile makes, in order: `updates` (slice, port map, pods), `creates`
    (port map, pods; a slice that would have been deleted in place of a new one) and `deletes`."""

    def __init__(self) -> None:
        self.updates: list[tuple[Any, tuple, list[PodKey]]] = []
        self.creates: list[tuple[Optional[Any], tuple, list[PodKey]]] = []
        self.deletes: list[Any] = []


def record_of(s: Any) -> SliceRecord:
    """What a stored slice holds, read whole (a slice first seen, or rewritten by someone else)."""
    keys: list[Optional[PodKey]] = []
    for ep in s.endpoints or ():
        ref = ep.target_ref
        keys.append((ref.namespace or "", ref.name or "") if ref is not None and ref.kind == "Pod" else None)
    return SliceRecord(s.metadata.resource_version, ports_key(s.ports), keys)


def ports_key(ports: Optional[list[Any]]) -> tuple:
    """A slice's ports in the hashable form `servicemembers.slice_ports` gives a pod's."""
    out = []
    for p in ports or ():
        entry = (("name", p.name or ""), ("port", p.port), ("protocol", p.protocol or "TCP"))
        out.append(entry + ((("appProtocol", p.app_protocol),) if p.app_protocol else ()))
    return tuple(out)


def plan(state: ServiceMembers, book: SliceBook, existing: list[Any], full: bool,
         cap: int = MAX_ENDPOINTS_PER_SLICE) -> Plan:
    """The writes that bring `existing` (the Service's slices, by name) to `state`'s members.
    `full`: compare every slice whole (the book may not know them)."""
    members, dirty = state.members, state.dirty
    verify: set[str] = set()
    names = {s.metadata.name for s in existing}
    for name in [n for n in book.records if n not in names]:
        dirty.update(book.forget(name))  # a slice gone: its pods must be placed again
    for s in existing:
        rec = book.records.get(s.metadata.name)
        if full or rec is None or rec.rv != s.metadata.resource_version:
            dirty.update(book.forget(s.metadata.name))
            book.record(s.metadata.name, record_of(s))
            verify.add(s.metadata.name)
    touched = verify | {book.placed[k] for k in dirty if k in book.placed}

    out = Plan()
    updating: dict[str, tuple[Any, tuple, list[PodKey]]] = {}
    unchanged: dict[tuple, list[Any]] = {}
    kept: set[PodKey] = set()
    for s in existing:  # 1. drop what is no longer desired, take changed endpoints
        name, rec = s.metadata.name, book.records[s.metadata.name]
        if rec.ports not in state.port_maps:
            out.deletes.append(s)
            continue
        if name not in touched:
            unchanged.setdefault(rec.ports, []).append(s)
            continue
        keys, changed = [], False
        for i, key in enumerate(rec.keys):
            m = members.get(key) if key is not None else None
            if m is None or m.slice_ports != rec.ports or key in kept:
                changed = True
                continue
            if (name in verify or key in dirty) and m.endpoint != s.endpoints[i]:
                changed = True
            keys.append(key)
            kept.add(key)
        if not changed:
            unchanged.setdefault(rec.ports, []).append(s)
        elif keys:
            updating[name] = (s, rec.ports, keys)
        else:
            out.deletes.append(s)

    candidates = members.keys() if full else dirty
    leftover: dict[tuple, list[PodKey]] = {}
    for key in sorted((k for k in candidates if k in members and k not in kept), key=lambda k: members[k].order):
        leftover.setdefault(members[key].slice_ports, []).append(key)
    for pm, keys in leftover.items():
        keys.reverse()  # popped from the end: the lowest (IP, uid) first
        # 2. fill the slices being updated, fullest first
        for _slice, _, into in sorted((u for u in updating.values() if u[1] == pm),
                                 key=lambda u: (-len(u[2]), u[0].metadata.name)):
            while keys and len(into) < cap:
                into.append(keys.pop())
        # 3. the unchanged slice they fill best, else new slices
        while keys:
            target = _slice_to_fill(unchanged.get(pm, ()), book, len(keys), cap) if len(keys) < cap else None
            if target is not None:
                unchanged[pm].remove(target)
                into = [k for k in book.records[target.metadata.name].keys if k is not None]
                updating[target.metadata.name] = (target, pm, into)
            else:
                into = []
                out.creates.append((None, pm, into))
            while keys and len(into) < cap:
                into.append(keys.pop())

    if len(existing) == len(out.deletes) and not out.creates:  # no slice would be left: a placeholder
        if len(out.deletes) == 1 and not out.deletes[0].endpoints and not out.deletes[0].ports:
            out.deletes.clear()
        else:
            out.creates.append((None, (), []))
    rank = _port_map_rank(state) if len(state.port_maps) > 1 else {}
    out.updates = sorted(updating.values(), key=lambda u: (rank.get(u[1], ()), u[0].metadata.name))
    out.creates.sort(key=lambda c: rank.get(c[1], ()))  # stable: a port map's slices stay in order
    out.deletes.sort(key=lambda s: s.metadata.name)
    for i, (_, pm, keys) in enumerate(out.creates):  # finalize: reuse a slice that would be deleted
        if out.deletes:
            out.creates[i] = (out.deletes.pop(0), pm, keys)
    for _, _, keys in (*out.updates, *out.creates):
        keys.sort(key=lambda k: members[k].order)
    return out


def _slice_to_fill(slices: Any, book: SliceBook, n: int, cap: int) -> Optional[Any]:
    """`getSliceToFill`: the slice closest to full once `n` endpoints are added, if one has room."""
    closest_diff, closest = cap, None
    for s in slices:
        diff = cap - (n + len(book.records[s.metadata.name].keys))
        if 0 <= diff < closest_diff:
            closest_diff, closest = diff, s
            if diff == 0:
                break
    return closest


def _port_map_rank(state: ServiceMembers) -> dict[tuple, tuple]:
    """Port maps in the order their first pod (by IP, uid) comes: the order slices are written."""
    first: dict[tuple, tuple] = {}
    for m in state.members.values():
        if m.slice_ports not in first or m.order < first[m.slice_ports]:
            first[m.slice_ports] = m.order
    return first
