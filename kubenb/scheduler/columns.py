"""The scheduler cache's nodes as columns: one NumPy array per number, indexed by a node's slot.

A cycle filters and scores hundreds of nodes; read one at a time in Python that is ~5 ms a pod at
5,000 nodes. Kept as columns -- allocatable and requested cpu/memory/pods, the `NonZeroRequested`
cpu/memory, the cordon flag, an id for the node's set of taints and, per label key, an id for the
node's value -- a plugin answers for every node at once with array expressions
(:mod:`kubenb.scheduler.framework`). The cache writes a node's row when the node or a pod bound
to it changes, so the columns always say what the NodeInfos say.

Slots are handed out once per node name and never reused (a deleted node's row keeps the usage
of pods still bound to it, as its NodeInfo does). A taint set or label value is interned once and
a plugin's verdict on it is computed once per cycle, then spread over the nodes by indexing
(`table[ids]`), so a requirement costs one evaluation per distinct value, not per node.

Every row written is logged in :attr:`NodeColumns.changed`, so that answers kept over all slots
(:mod:`kubenb.scheduler.shapes`) are brought up to date at the changed slots alone; a new slot,
or a log grown long, starts a new :attr:`NodeColumns.epoch`, after which they are computed anew.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from kubenb.api import labels as labelsel
from kubenb.scheduler.resources import Request

NUMBERS = ("alloc_cpu", "alloc_mem", "alloc_pods", "req_cpu", "req_mem", "req_pods", "nz_cpu", "nz_mem")
#: the change log is started again (a new epoch) beyond this many entries, or four per slot
CHANGES_KEPT = 4096
MISSING = -1  # a label id for "the node has no such key": indexes a table's last entry

TaintKey = tuple[tuple[str, str, str], ...]


class NodeColumns:
    def __init__(self, capacity: int = 64) -> None:
        self.size = 0
        self._capacity = capacity
        #: the numbers, one row each in NUMBERS' order, so that one fancy index gathers them all
        self.matrix = np.zeros((len(NUMBERS), capacity), np.int64)
        self.numbers = dict(zip(NUMBERS, self.matrix, strict=True))  # name -> its row (a view)
        self._gathered: tuple[Any, Any] = (None, None)  # (slots, their numbers): see `gather`
        self.unschedulable = np.zeros(capacity, bool)
        #: the node is in the store (False for a deleted node's slot, or a node only pods name yet)
        self.present = np.zeros(capacity, bool)
        self.taint_set = np.zeros(capacity, np.int32)  # 0: no taints
        #: the distinct taint sets, by id (each the taint objects of the first node that had it)
        self.taint_sets: list[Sequence[Any]] = [()]
        self._taint_ids: dict[TaintKey, int] = {(): 0}
        self._taint_tables: dict[str, tuple[Any, np.ndarray]] = {}  # see `taint_table`
        #: label key -> the value id per slot (MISSING without the key), and the key's values by id
        self.label_ids: dict[str, np.ndarray] = {}
        self.label_values: dict[str, list[str]] = {}
        self._value_ids: dict[str, dict[str, int]] = {}
        #: the slots whose row was written, in order, since the epoch began (see the module's doc)
        self.changed: list[int] = []
        self.epoch = 0
        #: bumped whenever a label id is written or a slot added: `domains` is kept until it moves
        self._label_writes = 0
        self._domains: dict[str, tuple[int, tuple[np.ndarray, np.ndarray]]] = {}

    def __getattr__(self, name: str) -> np.ndarray:  # alloc_cpu, req_mem, ... (only when not an attribute)
        try:
            return self.__dict__["numbers"][name]
        except KeyError:
            raise AttributeError(name) from None

    # ---------------------------------------------------------------- rows

    def add(self) -> int:
        """A new slot, all zero, without taints or labels."""
        if self.size == self._capacity:
            self._grow()
        self.size += 1
        self._new_epoch()
        return self.size - 1

    def _new_epoch(self) -> None:
        self.epoch += 1
        self.changed = []
        self._label_writes += 1

    def _touch(self, slot: int) -> None:
        """Log a write of `slot`'s row."""
        changed = self.changed
        changed.append(slot)
        if len(changed) > CHANGES_KEPT and len(changed) > 4 * self.size:
            self._new_epoch()

    def _grow(self) -> None:
        extra = self._capacity
        self._capacity *= 2
        self.matrix = np.concatenate((self.matrix, np.zeros((len(NUMBERS), extra), np.int64)), axis=1)
        self.numbers = dict(zip(NUMBERS, self.matrix, strict=True))
        self.unschedulable = np.concatenate((self.unschedulable, np.zeros(extra, bool)))
        self.present = np.concatenate((self.present, np.zeros(extra, bool)))
        self.taint_set = np.concatenate((self.taint_set, np.zeros(extra, np.int32)))
        for key, ids in self.label_ids.items():
            self.label_ids[key] = np.concatenate((ids, np.full(extra, MISSING, np.int32)))

    def set_allocatable(self, slot: int, alloc: Request) -> None:
        self._gathered = (None, None)
        self._touch(slot)
        self.numbers["alloc_cpu"][slot], self.numbers["alloc_mem"][slot], self.numbers["alloc_pods"][slot] = (
            alloc.milli_cpu, alloc.memory, alloc.pods)

    def set_usage(self, slot: int, requested: Request, nonzero: Request) -> None:
        self._gathered = (None, None)
        self._touch(slot)
        n = self.numbers
        n["req_cpu"][slot], n["req_mem"][slot], n["req_pods"][slot] = requested.milli_cpu, requested.memory, requested.pods
        n["nz_cpu"][slot], n["nz_mem"][slot] = nonzero.milli_cpu, nonzero.memory

    def set_node(self, slot: int, node: Any, old: Any) -> None:
        """The node's cordon flag, taint set and labels (labels rewritten only when they changed)."""
        self._touch(slot)
        self.unschedulable[slot] = bool(node.spec.unschedulable)
        self.present[slot] = True
        taints = node.spec.taints or ()
        key = tuple((t.key or "", t.value or "", t.effect or "") for t in taints)
        tid = self._taint_ids.get(key)
        if tid is None:
            tid = self._taint_ids[key] = len(self.taint_sets)
            self.taint_sets.append(tuple(taints))
        self.taint_set[slot] = tid
        labels = node.metadata.labels or {}
        before = (old.metadata.labels or {}) if old is not None else {}
        if old is not None and labels == before:
            return
        self._label_writes += 1
        for key in before.keys() - labels.keys():
            self.label_ids[key][slot] = MISSING
        for key, value in labels.items():
            column = self._label_column(key)
            column[slot] = self._value_id(key, value)

    def clear_node(self, slot: int, node: Any) -> None:
        """A deleted node: no labels, taints or cordon (its usage stays, as its NodeInfo's does)."""
        self._touch(slot)
        self.unschedulable[slot] = self.present[slot] = False
        self.taint_set[slot] = 0
        self._label_writes += 1
        for key in node.metadata.labels or {}:
            self.label_ids[key][slot] = MISSING

    def _label_column(self, key: str) -> np.ndarray:
        column = self.label_ids.get(key)
        if column is None:
            column = self.label_ids[key] = np.full(self._capacity, MISSING, np.int32)
            self.label_values[key], self._value_ids[key] = [], {}
        return column

    def _value_id(self, key: str, value: str) -> int:
        ids = self._value_ids[key]
        vid = ids.get(value)
        if vid is None:
            vid = ids[value] = len(self.label_values[key])
            self.label_values[key].append(value)
        return vid

    def gather(self, slots: np.ndarray) -> np.ndarray:
        """Every number of `slots`, one row per name in NUMBERS' order: the scorers of one cycle
        read the same feasible slots, so the gather is done once and shared until a number changes
        (the entry holds `slots`, so its identity cannot be reused meanwhile)."""
        last, rows = self._gathered
        if last is not slots:
            rows = self.matrix.take(slots, axis=1)
            self._gathered = (slots, rows)
        return rows

    # ---------------------------------------------------------------- masks over all slots

    def taint_table(self, name: str, key: Any, make_verdict: Any, dtype: Any = bool) -> np.ndarray:
        """`make_verdict()(taints)` per distinct taint set, by taint set id, remembered under `name`
        while `key` -- the one thing the verdict depends on, such as the pod's tolerations -- is the
        same object and no taint set has been added: a ReplicaSet's stored pods share one
        tolerations list, and nothing changes a stored list, so its pods compute the table once.
        The entry holds `key`, so its identity cannot be reused meanwhile."""
        entry = self._taint_tables.get(name)
        if entry is not None and entry[0] is key and len(entry[1]) == len(self.taint_sets):
            return entry[1]
        verdict = make_verdict()
        table = np.array([verdict(taints) for taints in self.taint_sets], dtype)
        self._taint_tables[name] = (key, table)
        return table

    def per_taint_set(self, verdict: Any, dtype: Any = bool) -> np.ndarray:
        """`verdict(taints)` for every slot, evaluated once per distinct taint set."""
        return np.array([verdict(taints) for taints in self.taint_sets], dtype)[self.taint_set[:self.size]]

    def label_equals(self, key: str, value: str) -> np.ndarray:
        """Slots whose node has `key=value`."""
        vid = self._value_ids.get(key, {}).get(value)
        if vid is None:
            return np.zeros(self.size, bool)
        return self.label_ids[key][:self.size] == vid

    def domains(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """Per slot: whether the node has `key`, and its value's id as a topology domain -- MISSING
        both without the key and for the value `""`, the one domain `node.Labels[key]` makes of them.
        Kept until a label is written (PodTopologySpread asks for two keys every cycle, and each is
        a few passes over every slot); callers must not change the arrays."""
        kept = self._domains.get(key)
        if kept is not None and kept[0] == self._label_writes:
            return kept[1]
        domains = self._domains_now(key)
        self._domains[key] = (self._label_writes, domains)
        return domains

    def _domains_now(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        column = self.label_ids.get(key)
        if column is None:
            return np.zeros(self.size, bool), np.full(self.size, MISSING, np.int32)
        ids = column[:self.size]
        empty = self._value_ids[key].get("")
        return ids != MISSING, ids if empty is None else np.where(ids == empty, MISSING, ids)

    def label_matches(self, req: labelsel.Requirement) -> np.ndarray:
        """Slots whose node's labels satisfy `req`, evaluated once per distinct value of its key
        (and once for "no such key": the table's last entry, which MISSING indexes)."""
        column = self.label_ids.get(req.key)
        if column is None:
            return np.full(self.size, req.matches({}), bool)
        table = np.array([req.matches({req.key: v}) for v in self.label_values[req.key]] + [req.matches({})], bool)
        return table[column[:self.size]]
