"""go-spew's `%#v` of a Go value decoded from JSON: the bytes Kubernetes hashes.

`controller.ComputeHash` (the pod-template-hash of a Deployment's ReplicaSets, the hash in a
DaemonSet's ControllerRevision names) is FNV-32a over `hashutil.DeepHashObject`, which writes
`spew.ConfigState{Indent: " ", SortKeys: true, DisableMethods: true, SpewKeys: true}
.Fprintf(h, "%#v", template)` of the Go `v1.PodTemplateSpec` (go-spew v1.1.1, `format.go`). To
get the same hash we print what that prints, from the JSON of our object and a table of the Go
struct layouts of the cluster's version (`gotypes_v1_XX`, generated from the Go sources):

- every struct field prints, set or not, as `Name:(type)value`, fields joined by one space,
  in declaration order, unexported ones included (`resource.Quantity{i d s Format}`);
- the `(type)` prefix is `reflect.Type.String()` (`v1.PodSpec`, `*int64`, `[]v1.Container`,
  `map[string]string`); elements of slices and maps, and what a pointer points to, print
  without it; a pointer prints as `(*T)value`, nil as `(*T)<nil>`;
- nil slices and maps print `<nil>`, strings unquoted, maps as `map[k:v k:v]` sorted by key;
  `Indent` is a `Dump` setting: `Fprintf` ignores it.

The value is the one the controller reads from its informer: decoded from the API server's
protobuf, so an empty list or map is nil, and each quantity is `resource.ParseQuantity` of its
canonical string (which keeps that string in `s` when it is already canonical). Values whose Go
form we cannot rebuild exactly (a set timestamp, a quantity beyond int64, a struct the layout
table lacks) raise `NotDumpable`; callers fall back to a hash of their own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from types import ModuleType
from typing import Any

from kubenb.api.quantity import canonicalize

Printer = Callable[[Any, bool], str]


class NotDumpable(ValueError):
    """The value's Go form is not known exactly, so its dump (and hash) cannot be reproduced."""


_INTS = {"int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr"}


class Layout:
    """The Go types of one Kubernetes version, compiled into printers, one per type name."""

    def __init__(self, types: ModuleType) -> None:
        self.structs: dict[str, tuple[tuple[str, str, Any], ...]] = types.STRUCTS
        self.named: dict[str, str] = types.NAMED
        self._printers: dict[str, Printer] = {}

    def dump(self, type_name: str, value: Any) -> str:
        """`%#v` of the Go value of `type_name` that JSON `value` decodes to."""
        return self.printer(type_name)(value, True)

    def printer(self, t: str) -> Printer:
        p = self._printers.get(t)
        if p is None:
            p = self._printers[t] = self._compile(t)
        return p

    def _compile(self, t: str) -> Printer:
        if t in _CUSTOM:
            return _CUSTOM[t](self, t)
        if t.startswith("*"):
            return self._pointer(t)
        if t.startswith("[]"):
            return self._slice(t)
        if t.startswith("map["):
            return self._map(t)
        if t in self.structs:
            return self._struct(t)
        kind = self._kind(t)
        if kind == "string":
            return _scalar(t, lambda v: "" if v is None else str(v))
        if kind == "bool":
            return _scalar(t, lambda v: "true" if v else "false")
        if kind in _INTS:
            return _scalar(t, lambda v: str(int(v or 0)))
        if kind.startswith(("[]", "map[")):  # a named slice or map, e.g. v1.ResourceList
            inner = self._compile(kind)
            return lambda v, show: (f"({t})" if show else "") + inner(v, False)
        return _unknown(t)

    def _kind(self, t: str) -> str:
        while t in self.named:
            t = self.named[t]
        return t

    def _pointer(self, t: str) -> Printer:
        elem = t[1:]

        def show_pointer(v: Any, show: bool) -> str:
            if v is None:
                return f"({t})<nil>" if show else "<nil>"
            return (f"({t})" if show else "<*>") + self.printer(elem)(v, False)

        return show_pointer

    def _slice(self, t: str) -> Printer:
        elem = t[2:]

        def show_slice(v: Any, show: bool) -> str:
            head = f"({t})" if show else ""
            if not v:  # the protobuf round trip turns an empty list into a nil slice
                return head + "<nil>"
            p = self.printer(elem)
            return head + "[" + " ".join(p(e, False) for e in v) + "]"

        return show_slice

    def _map(self, t: str) -> Printer:
        key, value = _split_map(t)

        def show_map(v: Any, show: bool) -> str:
            head = f"({t})" if show else ""
            if not v:
                return head + "<nil>"
            pk, pv = self.printer(key), self.printer(value)
            items = sorted(v.items(), key=lambda kv: _sort_key(kv[0]))
            return head + "map[" + " ".join(f"{pk(k, False)}:{pv(x, False)}" for k, x in items) + "]"

        return show_map

    def _struct(self, t: str) -> Printer:
        fields = [(f"{name}:", ftype, key) for name, ftype, key in self.structs[t]]

        def show_struct(v: Any, show: bool) -> str:
            if v is not None and not isinstance(v, dict):
                raise NotDumpable(f"{t} from {type(v).__name__}")
            obj = v or {}
            parts = []
            for label, ftype, key in fields:
                fv = obj if key == "" else (obj.get(key) if key is not None else None)
                parts.append(label + self.printer(ftype)(fv, True))
            return (f"({t})" if show else "") + "{" + " ".join(parts) + "}"

        return show_struct


def _scalar(t: str, text: Callable[[Any], str]) -> Printer:
    return lambda v, show: (f"({t})" if show else "") + text(v)


def _unknown(t: str) -> Printer:
    """A struct the layout table leaves out: its zero value never prints (it is always behind a
    nil pointer in practice), anything else cannot be dumped."""

    def show_unknown(v: Any, show: bool) -> str:
        raise NotDumpable(f"no Go layout for {t}")

    return show_unknown


def _split_map(t: str) -> tuple[str, str]:
    depth = 0
    for i in range(3, len(t)):
        depth += {"[": 1, "]": -1}.get(t[i], 0)
        if depth == 0:
            return t[4:i], t[i + 1:]
    raise ValueError(t)


def _sort_key(k: Any) -> Any:
    """go-spew's `sortValues` for string keys: byte order, which for UTF-8 is code point order."""
    return k


# ---------------------------------------------------------------- types with their own JSON decoding


def _time(layout: Layout, t: str) -> Printer:
    """`metav1.Time` / `time.Time`: only the zero time (a template's `creationTimestamp: null`)
    has a machine-independent dump; a set time carries a `*time.Location` of the decoder."""
    zero = "{wall:(uint64)0 ext:(int64)0 loc:(*time.Location)<nil>}"
    if t == "v1.Time":
        zero = "{Time:(time.Time)" + zero + "}"

    def show_time(v: Any, show: bool) -> str:
        if v is not None:
            raise NotDumpable(f"a set {t}")
        return (f"({t})" if show else "") + zero

    return show_time


def _int_or_string(layout: Layout, t: str) -> Printer:
    def show_int_or_string(v: Any, show: bool) -> str:
        if isinstance(v, str):
            body = f"{{Type:(intstr.Type)1 IntVal:(int32)0 StrVal:(string){v}}}"
        else:
            body = f"{{Type:(intstr.Type)0 IntVal:(int32){int(v or 0)} StrVal:(string)}}"
        return (f"({t})" if show else "") + body

    return show_int_or_string


def _quantity(layout: Layout, t: str) -> Printer:
    def show_quantity(v: Any, show: bool) -> str:
        value, scale, s, fmt = parse_quantity(canonicalize(v)) if v is not None else (0, 0, "", "")
        body = (f"{{i:(resource.int64Amount){{value:(int64){value} scale:(resource.Scale){scale}}} "
                f"d:(resource.infDecAmount){{Dec:(*inf.Dec)<nil>}} s:(string){s} Format:(resource.Format){fmt}}}")
        return (f"({t})" if show else "") + body

    return show_quantity


_CUSTOM: dict[str, Callable[[Layout, str], Printer]] = {
    "v1.Time": _time, "time.Time": _time, "intstr.IntOrString": _int_or_string, "resource.Quantity": _quantity,
}


# ---------------------------------------------------------------- resource.ParseQuantity

_SUFFIX = re.compile(r"^([+-]?)(\d*)(?:\.(\d*))?(.*)$")
_DECIMAL_SI = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_BINARY_SI = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_EXPONENT = re.compile(r"^[eE]([+-]?\d+)$")
_MAX_INT64 = 2**63 - 1
_MAX_INT64_FACTORS = 18


def parse_quantity(text: str) -> tuple[int, int, str, str]:
    """`resource.ParseQuantity`'s int64 path: (value, scale, s, Format) of the Quantity.

    `s` keeps the input when it is already canonical (scale a multiple of 3 and no trailing
    `000` for decimal; `Ki`-style suffix with a value not a multiple of 8 for binary), exactly as
    upstream caches it; a value beyond that path (an `inf.Dec`) raises NotDumpable.
    """
    if text == "0":
        return 0, 0, "0", "DecimalSI"
    m = _SUFFIX.match(text)
    if not m or not text:
        raise NotDumpable(f"quantity {text!r}")
    sign, num, denom, suffix = m.group(1), m.group(2).lstrip("0") or "0", m.group(3) or "", m.group(4)
    if suffix in _BINARY_SI:
        fmt, base_exp = "BinarySI", _BINARY_SI[suffix]
    elif suffix in _DECIMAL_SI:
        fmt, base_exp = "DecimalSI", _DECIMAL_SI[suffix]
    elif e := _EXPONENT.match(suffix):
        fmt, base_exp = "DecimalExponent", int(e.group(1))
    else:
        raise NotDumpable(f"quantity {text!r}")
    mantissa = 1
    if fmt == "BinarySI":
        scale = 0
        if denom:
            raise NotDumpable(f"quantity {text!r}")
        mantissa = 1 << base_exp
        precision = 15 - len(num) - int(base_exp * 3 / 10) - 1
    else:
        scale = base_exp
        precision = _MAX_INT64_FACTORS - (len(num) + len(denom))
    if precision < 0:
        raise NotDumpable(f"quantity {text!r}")
    scale -= len(denom)
    if scale < -9:
        raise NotDumpable(f"quantity {text!r}")
    shifted = num + denom
    value = int(shifted) * mantissa
    if value > _MAX_INT64:
        raise NotDumpable(f"quantity {text!r}")
    if sign == "-":
        value = -value
    canonical = (base_exp % 10 == 0 and int(shifted) & 7 != 0) if fmt == "BinarySI" else (
        scale % 3 == 0 and not shifted.endswith("000") and shifted[0] != "0")
    return value, scale, text if canonical else "", fmt


# ---------------------------------------------------------------- layouts per Kubernetes version

_LAYOUT_MODULES = {23: "kubenb.api.gotypes_v1_23", 32: "kubenb.api.gotypes_v1_32"}
_LAYOUTS: dict[int, Layout] = {}


def layout(minor: int | None = None) -> Layout:
    """The Go layout of Kubernetes 1.`minor`: the newest generated one not newer than it (the
    oldest for older clusters, the newest when `minor` is None)."""
    known = sorted(_LAYOUT_MODULES)
    pick = known[-1] if minor is None else max((m for m in known if m <= minor), default=known[0])
    if pick not in _LAYOUTS:
        import importlib

        _LAYOUTS[pick] = Layout(importlib.import_module(_LAYOUT_MODULES[pick]))
    return _LAYOUTS[pick]
