"""The protobuf wire format: a message's bytes into its (field number, wire type, value) triples, and
the few field encoders writing needs (varints, strings, booleans, nested messages).

What the fields mean is the caller's business (:mod:`~.protobuf` with the generated table of the API
types, :mod:`~.openapiv2` with gnostic's). Truncated or malformed input raises `ValueError`.
"""

from __future__ import annotations

VARINT, FIXED64, BYTES, FIXED32 = 0, 1, 2, 5


def varint(data: bytes, i: int) -> tuple[int, int]:
    """The varint at `data[i:]` and the index after it."""
    result = shift = 0
    while True:
        if i >= len(data) or shift > 63:
            raise ValueError("truncated varint")
        byte = data[i]
        i += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, i


def fields(data: bytes) -> list[tuple[int, int, object]]:
    """The fields of one message, in wire order: ints for varints, bytes for everything else."""
    out: list[tuple[int, int, object]] = []
    i, end = 0, len(data)
    while i < end:
        key, i = varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == VARINT:
            value, i = varint(data, i)
        elif wire == BYTES:
            size, i = varint(data, i)
            if i + size > end:
                raise ValueError("truncated length-delimited field")
            value, i = data[i:i + size], i + size
        elif wire in (FIXED64, FIXED32):
            size = 8 if wire == FIXED64 else 4
            if i + size > end:
                raise ValueError("truncated fixed-width field")
            value, i = data[i:i + size], i + size
        else:
            raise ValueError(f"unsupported wire type {wire}")
        if number == 0:
            raise ValueError("field number 0")
        out.append((number, wire, value))
    return out


def packed_varints(data: bytes) -> list[int]:
    """The values of a packed repeated varint field."""
    out, i = [], 0
    while i < len(data):
        value, i = varint(data, i)
        out.append(value)
    return out


# ---------------------------------------------------------------------------- writing


def encode_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def message(number: int, data: bytes) -> bytes:
    """A length-delimited field (a nested message, bytes); written even when empty (a present message)."""
    return encode_varint(number << 3 | BYTES) + encode_varint(len(data)) + data


def string(number: int, text: str) -> bytes:
    """A string field; proto3 leaves the empty string out."""
    return message(number, text.encode()) if text else b""


def boolean(number: int, value: bool) -> bytes:
    return encode_varint(number << 3 | VARINT) + b"\x01" if value else b""
