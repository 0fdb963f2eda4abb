"""The companion of the routes picture: a node's KUBE-SVC / KUBE-SEP chains as kube-proxy wrote them.

The rows come from :class:`kubenb.network.iptables.NodeRules` — the code that prints
``iptables-save`` on the node — restricted to the Service ports the picture shows, so the chain
names (upstream hashes), ``--probability`` values and DNAT targets are the node's own, never
re-derived here. Each rule is split for reading: its table, chain, matches (comments included),
the ``-m statistic`` probability, and its target.

Data contract: one ``table`` trace with ``meta = {"role": "chains", "node": <node>,
"rules": [<each rule's iptables-save line>]}``; cell column ``i`` is ``cells.values[i]``.
"""

from __future__ import annotations

import re
from typing import Any

from kubenb.network import chains as names
from kubenb.network.iptables import NodeRules
from kubenb.network.proxy import ServicePortInfo

COLUMNS = ["TABLE", "CHAIN", "MATCH", "PROBABILITY", "TARGET"]
# the chains kube-proxy jumps into from the built-in ones; every rule in them concerns a Service
ENTRY_CHAINS = ("KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-EXTERNAL-SERVICES")
_STATISTIC = re.compile(r" ?-m statistic --mode random --probability (\S+)")
PREFIXES = (names.SVC, names.SVL, names.EXT, names.FW, names.XLB)


def chain_rules(cluster: Any, node: str, services: list[ServicePortInfo]) -> list[tuple[str, str]]:
    """(table, iptables-save line) of the rules `node`'s kube-proxy writes for `services`, in the order
    a new connection meets them (nat before filter; within a chain, the order iptables-save prints)."""
    rules = NodeRules(cluster.network, node, services=services)
    own = {svc.chain(prefix) for svc in services for prefix in PREFIXES}
    own |= {e.chain for svc in services for e in svc.endpoints}
    out: list[tuple[int, str, str]] = []
    for table in ("nat", "filter"):
        t = rules.tables[table]
        for chain in t.order():
            if chain in ENTRY_CHAINS or chain in own:
                out += [(_step(chain), table, line) for line in t.rules.get(chain, ())]
    out.sort(key=lambda r: r[0])  # stable: iptables-save's order within a step
    return [(table, line) for _, table, line in out]


def _step(chain: str) -> int:
    """Where a chain comes on a packet's way: entry chains, EXT/XLB/FW, SVC/SVL, then SEP."""
    if chain in ENTRY_CHAINS:
        return 0
    if chain.startswith((names.EXT, names.XLB, names.FW)):
        return 1
    return 3 if chain.startswith(names.SEP) else 2


def split_rule(line: str) -> tuple[str, str, str, str]:
    """``-A CHAIN <matches> -j TARGET`` → (chain, matches without the statistic, probability, target)."""
    _, chain, rest = line.split(" ", 2)
    matches, sep, target = rest.rpartition(" -j ")
    if not sep:  # only a target: "-A KUBE-MARK-MASQ -j MARK ..."
        matches, target = "", rest.removeprefix("-j ")
    found = _STATISTIC.search(matches)
    probability = ""
    if found is not None:
        probability = found.group(1)
        matches = (matches[: found.start()] + matches[found.end():]).strip()
    return chain, matches, probability, target


def table_height(table: dict, most: int = 720) -> int:
    """Pixels the table needs (a long match wraps in its column), at most `most` (then it scrolls)."""
    values = table["cells"]["values"]
    if not values or not values[0]:
        return 0
    h = 34  # header
    for match, target in zip(values[2], values[4], strict=True):
        h += 8 + 13 * max(1, -(-len(match) // 76), -(-len(target) // 36))
    return min(h, most)


def chains_table(cluster: Any, node: str, services: list[ServicePortInfo], max_rows: int = 300) -> dict:
    """A plotly ``table`` trace (a dict) of `node`'s rules for `services` (domain set by the caller)."""
    rules = chain_rules(cluster, node, services)
    shown = rules[:max_rows]
    rows = [[table, *split_rule(line)] for table, line in shown]
    if len(rules) > max_rows:
        rows.append(["", f"… {len(rules) - max_rows} more rules", "", "", ""])
    columns = [list(col) for col in zip(*rows, strict=True)] if rows else [[] for _ in COLUMNS]
    return {
        "type": "table", "columnwidth": [0.5, 2.0, 5.2, 1.1, 2.6],
        "header": {"values": [f"<b>{c}</b>" for c in COLUMNS], "align": "left", "fill": {"color": "#e8e8e8"},
                   "font": {"size": 11}},
        "cells": {"values": columns, "align": "left", "height": 20,
                  "font": {"family": "DejaVu Sans Mono, Menlo, Consolas, monospace", "size": 10}},
        "meta": {"role": "chains", "node": node, "rules": [line for _, line in shown]},
    }
