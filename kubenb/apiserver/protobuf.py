"""Request bodies in `application/vnd.kubernetes.protobuf`, decoded into the JSON form of the object.

kubectl's typed commands (`create deployment|configmap|secret|service|job|cronjob|namespace`,
`auth can-i`, …) send protobuf and never retry in JSON. The body is the apimachinery envelope —
the magic `k8s\\0`, then a `runtime.Unknown` {typeMeta {apiVersion, kind}, raw, contentEncoding,
contentType} — whose `raw` is the object's message. Field numbers and types come from the table
generated from the Go types' own descriptors (:mod:`~.protofields`); a handful of apimachinery
types have a JSON form of their own (Time is a timestamp, Quantity a string, IntOrString either).

Go's JSON encoder leaves out the zero values of `omitempty` fields, while gogo-protobuf writes every
field that is not a pointer; so a zero in a value field is dropped here (it is what the JSON form
would not say), and a zero in a pointer field is kept (`replicas: 0` was asked for).
"""

from __future__ import annotations

import base64
import datetime
import json
import struct
from typing import Any

from kubenb.apiserver.protofields import MAP_ENTRIES, MESSAGES
from kubenb.apiserver.protowire import BYTES, FIXED32, FIXED64, VARINT, fields, packed_varints
from kubenb.store.errors import bad_request

MAGIC = b"k8s\x00"
MEDIA_TYPE = "application/vnd.kubernetes.protobuf"
MESSAGE, BYTES_TYPE, STRING, BOOL, DOUBLE, FLOAT = 11, 12, 9, 8, 1, 2
SIGNED = {3, 5, 15, 16}  # int64, int32, sfixed32, sfixed64: two's complement on the wire
ZIGZAG = {17, 18}  # sint32, sint64
ZERO = ("", 0, None)  # False == 0

META = "apimachinery.pkg.apis.meta.v1."


def package_of(group: str, version: str) -> str:
    """`apps`/`v1` → `api.apps.v1`; the core group's package is `core`, another group's its first label."""
    return f"api.{group.split('.')[0] if group else 'core'}.{version}"


def message_of(api_version: str, kind: str) -> str:
    group, _, version = api_version.rpartition("/")
    if group == "meta.k8s.io" or (kind == "DeleteOptions" and f"{package_of(group, version)}.{kind}" not in MESSAGES):
        return META + kind  # DeleteOptions is meta's, whatever group version a client names it in
    return f"{package_of(group, version)}.{kind}"


def decode(body: bytes) -> dict[str, Any]:
    """The object a protobuf request body carries, as its JSON form (with `apiVersion` and `kind`)."""
    if not body.startswith(MAGIC):
        raise bad_request("provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]")
    try:
        envelope = {n: v for n, _, v in fields(body[len(MAGIC):])}
        type_meta = {n: v for n, _, v in fields(envelope.get(1, b""))}
        api_version, kind = (type_meta.get(1, b"").decode(), type_meta.get(2, b"").decode())
    except (ValueError, AttributeError, UnicodeDecodeError) as err:
        raise bad_request(f"proto: illegal wireType or truncated data: {err}") from None
    if envelope.get(3):
        raise bad_request(f"unsupported content encoding {envelope[3].decode(errors='replace')!r}")
    message = message_of(api_version, kind)
    if message not in MESSAGES:
        raise bad_request(f"no kind \"{kind}\" is registered for version \"{api_version}\" in scheme "
                          '"pkg/runtime/scheme.go:100"')
    try:
        data = _message(message, envelope.get(2, b""))
    except (ValueError, UnicodeDecodeError, struct.error) as err:
        _, _, version = api_version.rpartition("/")
        raise bad_request(f'{kind} in version "{version}" cannot be handled as a {kind}: proto: {err}') from None
    return {"apiVersion": api_version, "kind": kind, **data}


def _message(name: str, data: bytes) -> Any:
    raw = fields(data)
    special = SPECIAL.get(name)
    if special is not None:
        return special({n: v for n, _, v in raw})
    table = MESSAGES[name]
    out: dict[str, Any] = {}
    for number, wire, value in raw:
        spec = table.get(number)
        if spec is None:
            continue  # a field newer than the table: ignored, as an older server would
        json_name, type_, sub, repeated, _ = spec
        if type_ == MESSAGE and sub in MAP_ENTRIES:
            key, val = _entry(sub, value)
            out.setdefault(json_name, {})[key] = val
        elif repeated and wire == BYTES and type_ not in (MESSAGE, BYTES_TYPE, STRING):
            out.setdefault(json_name, []).extend(_scalar(type_, VARINT, v) for v in packed_varints(value))
        elif repeated:
            out.setdefault(json_name, []).append(_value(type_, sub, wire, value))
        else:
            out[json_name] = _value(type_, sub, wire, value)
    for json_name, _, _, repeated, pointer in table.values():
        if json_name in out and not repeated and not pointer and _is_zero(out[json_name]):
            del out[json_name]  # Go's zero value in a value field: what the JSON form leaves out
    if len(table) == 1 and table.get(1, ("",))[0] == "items" and table[1][3] and table[1][1] != MESSAGE:
        return out.get("items", [])  # a named slice (`type ExtraValue []string`): its JSON is the list
    return out


def _is_zero(value: Any) -> bool:
    return value in ZERO or value == {}


def _entry(name: str, data: bytes) -> tuple[str, Any]:
    spec = MESSAGES[name]
    key, value = "", _default(spec[2])
    for number, wire, raw in fields(data):
        if number == 1:
            key = _value(spec[1][1], spec[1][2], wire, raw)
        elif number == 2:
            value = _value(spec[2][1], spec[2][2], wire, raw)
    return key, value


def _default(spec: tuple) -> Any:
    return {STRING: "", BYTES_TYPE: "", BOOL: False, MESSAGE: None}.get(spec[1], 0)


def _value(type_: int, sub: str, wire: int, value: Any) -> Any:
    if type_ == MESSAGE:
        return _message(sub, value)
    return _scalar(type_, wire, value)


def _scalar(type_: int, wire: int, value: Any) -> Any:
    if type_ == STRING:
        return value.decode("utf-8")
    if type_ == BYTES_TYPE:
        return base64.b64encode(value).decode()
    if wire == FIXED64:
        return struct.unpack("<d" if type_ == DOUBLE else ("<q" if type_ == 16 else "<Q"), value)[0]
    if wire == FIXED32:
        return struct.unpack("<f" if type_ == FLOAT else ("<i" if type_ == 15 else "<I"), value)[0]
    if type_ == BOOL:
        return bool(value)
    if type_ in ZIGZAG:
        return (value >> 1) ^ -(value & 1)
    if type_ in SIGNED and value >= 1 << 63:
        return value - (1 << 64)
    return value


# ---------------------------------------------------------------------------- types with a JSON form of their own


def _time(f: dict[int, Any], micro: bool = False) -> Any:
    seconds, nanos = _signed(f.get(1, 0)), _signed(f.get(2, 0))
    if not seconds and not nanos:
        return None  # Go's zero time: `null` in JSON
    moment = datetime.datetime.fromtimestamp(seconds, datetime.UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    return f"{text}.{nanos // 1000:06d}Z" if micro else f"{text}Z"


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def _duration(f: dict[int, Any]) -> str:
    """Go's `time.Duration.String()`: `1h0m0s`, `1.5s`, `300ms`, `0s`."""
    nanos = _signed(f.get(1, 0))
    sign, nanos = ("-", -nanos) if nanos < 0 else ("", nanos)
    if nanos < 1_000_000_000:
        for unit, size in (("ms", 1_000_000), ("µs", 1_000), ("ns", 1)):
            if nanos >= size or unit == "ns":
                return sign + _trim(nanos / size) + unit if nanos else "0s"
    hours, rest = divmod(nanos, 3_600_000_000_000)
    minutes, rest = divmod(rest, 60_000_000_000)
    seconds = _trim(rest / 1e9) + "s"
    if hours:
        return f"{sign}{hours}h{minutes}m{seconds}"
    return f"{sign}{minutes}m{seconds}" if minutes else sign + seconds


def _trim(value: float) -> str:
    return f"{value:.9f}".rstrip("0").rstrip(".")


def _raw_json(f: dict[int, Any]) -> Any:
    raw = f.get(1, b"")
    return json.loads(raw) if raw else None


def _int_or_string(f: dict[int, Any]) -> Any:
    return f.get(3, b"").decode() if f.get(1, 0) == 1 else _signed(f.get(2, 0))


SPECIAL = {
    META + "Time": _time,
    META + "MicroTime": lambda f: _time(f, micro=True),
    META + "Duration": _duration,
    META + "FieldsV1": _raw_json,
    "apimachinery.pkg.runtime.RawExtension": _raw_json,
    "apimachinery.pkg.api.resource.Quantity": lambda f: f.get(1, b"").decode(),
    "apimachinery.pkg.util.intstr.IntOrString": _int_or_string,
}
