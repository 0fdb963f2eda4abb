"""kubectl's generic describer, for kinds without a dedicated one (``genericDescriber.Describe``).

It prints ``Name``, ``Namespace``, ``Labels``, ``Annotations``, then every other field of the
object as the API server returns it (``printUnstructuredContent``: keys sorted, names turned
into "smart labels" -- ``apiVersion`` -> ``API Version`` -- nested maps and lists indented),
then the events. Ported from kubernetes/kubectl ``pkg/describe/describe.go`` (commit 365ecee2)
and ``github.com/fatih/camelcase``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from kubenb.kubectl.describe.common import (
    LEVEL_0,
    describe_events,
    print_annotations_multiline,
    print_labels_multiline,
    tabbed_string,
)
from kubenb.kubectl.describe.lookup import Lookup

SKIP = (".metadata.managedFields", ".metadata.name", ".metadata.namespace", ".metadata.labels",
        ".metadata.annotations")
COMMON_ACRONYMS = ("API", "URL", "UID", "OSB", "GUID")


def camelcase_split(src: str) -> list[str]:
    """``camelcase.Split``: runs of lower, upper, digit and other characters; an upper-case run
    followed by lower case gives its last letter to the next word (``PDFLoader`` -> PDF, Loader)."""
    runs: list[list[str]] = []
    last = 0
    for ch in src:
        if ch.islower():
            cls = 1
        elif ch.isupper():
            cls = 2
        elif ch.isdigit():
            cls = 3
        else:
            cls = 4
        if cls == last and runs:
            runs[-1].append(ch)
        else:
            runs.append([ch])
        last = cls
    for i in range(len(runs) - 1):
        if runs[i] and runs[i][0].isupper() and runs[i + 1] and runs[i + 1][0].islower():
            runs[i + 1].insert(0, runs[i].pop())
    return ["".join(r) for r in runs if r]


def _is_separator(ch: str) -> bool:
    """strings' ``isSeparator``."""
    if ord(ch) <= 0x7F:
        return not (ch.isalnum() or ch == "_")
    if ch.isalpha() or ch.isdigit():
        return False
    return ch.isspace()


def _title(word: str) -> str:
    """``strings.Title``: title-case each letter that follows a separator."""
    out = []
    prev = " "
    for ch in word:
        out.append(ch.upper() if _is_separator(prev) else ch)
        prev = ch
    return "".join(out)


def smart_label_for(field: str) -> str:
    """``smartLabelFor``: ``apiVersion`` -> ``API Version``, ``creationTimestamp`` -> ``Creation Timestamp``."""
    if any(not (ch.isalpha() or ch == "-") for ch in field):
        return field
    parts = []
    for part in camelcase_split(field):
        if part == "_":
            continue
        parts.append(part.upper() if part.upper() in COMMON_ACRONYMS else _title(part))
    return " ".join(parts)


def go_value(value: Any) -> str:
    """``%v`` of a decoded JSON value (unstructured content)."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_float(value)
    return str(value)


def go_float(f: float) -> str:
    """``%v`` of a float64 (``%g`` with the shortest digits; exponent form from 1e+06 or below 1e-04)."""
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    if f == 0:
        return "-0" if math.copysign(1, f) < 0 else "0"
    sign, digits, exp = Decimal(repr(f)).normalize().as_tuple()
    ds = "".join(map(str, digits))
    nd = len(ds)
    dp = nd + exp
    x = dp - 1
    neg = "-" if sign else ""
    if x < -4 or x >= 6:
        mant = ds[0] + ("." + ds[1:] if nd > 1 else "")
        return f"{neg}{mant}e{'-' if x < 0 else '+'}{abs(x):02d}"
    if dp <= 0:
        return f"{neg}0.{'0' * -dp}{ds}"
    if dp >= nd:
        return f"{neg}{ds}{'0' * (dp - nd)}"
    return f"{neg}{ds[:dp]}.{ds[dp:]}"


def print_unstructured_content(w: Any, level: int, content: Mapping[str, Any], skip_prefix: str, skip: tuple) -> None:
    """``printUnstructuredContent``."""
    for key in sorted(content):  # sort.Strings: byte order
        value = content[key]
        expr = f"{skip_prefix}.{key}"
        if expr in skip:
            continue
        if isinstance(value, Mapping):
            w.write(level, f"{smart_label_for(key)}:\n")
            print_unstructured_content(w, level + 1, value, expr, skip)
        elif isinstance(value, list):
            w.write(level, f"{smart_label_for(key)}:\n")
            for child in value:
                if isinstance(child, Mapping):
                    print_unstructured_content(w, level + 1, child, expr, skip)
                else:
                    w.write(level + 1, f"{go_value(child)}\n")
        else:
            w.write(level, f"{smart_label_for(key)}:\t{go_value(value)}\n")


def describe_generic(lookup: Lookup, obj: Any, show_events: bool = True) -> str:
    meta = obj.metadata
    content = obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)
    events = lookup.events_for(obj) if show_events else None

    def body(w: Any) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.name or ''}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.namespace or ''}\n")
        print_labels_multiline(w, "Labels", meta.labels)
        print_annotations_multiline(w, "Annotations", meta.annotations)
        print_unstructured_content(w, LEVEL_0, content, "", SKIP)
        describe_events(events, w, lookup.now, lookup.minor)

    return tabbed_string(body)
