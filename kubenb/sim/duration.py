"""Durations the way Kubernetes and Go print and parse them.

* :func:`human_duration` / :func:`short_human_duration` -- apimachinery ``util/duration``: the AGE,
  RESTARTS "(10s ago)" and LAST SEEN cells of ``kubectl get``.
* :func:`parse_duration` -- Go's ``time.ParseDuration``: every duration flag (``--timeout=30s``,
  ``--grace-period`` aside) and error text such as ``time: invalid duration "x"``.
* :func:`format_go_duration` -- Go's ``Duration.String()`` (``5m0s``, ``1h0m0s``, ``300ms``), which
  kubectl prints when it echoes a duration back.

Go durations are int64 nanoseconds, and the rounding rules depend on that, so the work is done in
integer nanoseconds: the ``*_ns`` functions are exact, and the seconds-based ones convert at the
edge. Seconds are converted exactly (from their exact ratio), so ``0.3`` means 300000000ns, not 299999999ns.
"""

from __future__ import annotations

NANOSECOND = 1
MICROSECOND = 1000 * NANOSECOND
MILLISECOND = 1000 * MICROSECOND
SECOND = 1000 * MILLISECOND
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE

_MAX_NS = (1 << 63) - 1
_MIN_NS = -(1 << 63)

_UNITS: dict[bytes, int] = {
    b"ns": NANOSECOND,
    b"us": MICROSECOND,
    "µs".encode(): MICROSECOND,  # U+00B5 micro sign
    "μs".encode(): MICROSECOND,  # U+03BC Greek small letter mu
    b"ms": MILLISECOND,
    b"s": SECOND,
    b"m": MINUTE,
    b"h": HOUR,
}


def _to_ns(seconds: float) -> int:
    """``seconds`` in nanoseconds, rounded half to even from its exact value (what
    ``round(Fraction(seconds) * SECOND)`` gives, without making a Fraction: every pulled image's
    event formats two durations)."""
    num, den = seconds.as_integer_ratio()
    q, r = divmod(num * SECOND, den)
    return q + 1 if 2 * r > den or (2 * r == den and q & 1) else q


def _trunc_div(a: int, b: int) -> int:
    """Go's integer division, which truncates toward zero."""
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


# ---------------------------------------------------------------------------- HumanDuration


def human_duration(seconds: float) -> str:
    """apimachinery ``duration.HumanDuration``: about two significant figures, e.g. ``3m10s``, ``2d1h``.

    Up to 2s in the future counts as now (``0s``), to tolerate clock skew; beyond is ``<invalid>``.
    """
    return human_duration_ns(_to_ns(seconds))


def human_duration_ns(d: int) -> str:
    """:func:`human_duration` of ``d`` nanoseconds."""
    seconds = _trunc_div(d, SECOND)
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 60 * 2:
        return f"{seconds}s"
    minutes = d // MINUTE
    if minutes < 10:
        return _two_units(minutes, "m", seconds % 60, "s")
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = d // HOUR
    if hours < 8:
        return _two_units(hours, "h", minutes % 60, "m")
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        return _two_units(hours // 24, "d", hours % 24, "h")
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        return _two_units(hours // 24 // 365, "y", hours // 24 % 365, "d")
    return f"{hours // 24 // 365}y"


def _two_units(major: int, major_unit: str, minor: int, minor_unit: str) -> str:
    return f"{major}{major_unit}{minor}{minor_unit}" if minor else f"{major}{major_unit}"


def short_human_duration(seconds: float) -> str:
    """apimachinery ``duration.ShortHumanDuration``: one unit only, e.g. ``59s``, ``1m``, ``364d``, ``1y``."""
    return short_human_duration_ns(_to_ns(seconds))


def short_human_duration_ns(d: int) -> str:
    """:func:`short_human_duration` of ``d`` nanoseconds."""
    seconds = _trunc_div(d, SECOND)
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 60:
        return f"{seconds}s"
    if (minutes := d // MINUTE) < 60:
        return f"{minutes}m"
    if (hours := d // HOUR) < 24:
        return f"{hours}h"
    if hours < 24 * 365:
        return f"{hours // 24}d"
    return f"{hours // 24 // 365}y"


# ---------------------------------------------------------------------------- ParseDuration


def parse_duration(s: str) -> float:
    """Go ``time.ParseDuration`` in seconds: ``"1m30s"`` -> 90.0, ``"300ms"`` -> 0.3.

    Raises ``ValueError`` with Go's message, e.g. ``time: invalid duration "x"``,
    ``time: missing unit in duration "3"``, ``time: unknown unit "d" in duration "1d"``.
    """
    return parse_duration_ns(s) / SECOND


def parse_duration_ns(s: str) -> int:
    """Go ``time.ParseDuration`` in exact nanoseconds: ``[-+]?([0-9]*(\\.[0-9]*)?[a-z]+)+``.

    Go scans bytes, so this scans the UTF-8 encoding (units such as ``µs`` are two bytes).
    """
    rest = s.encode("utf-8", "surrogateescape")
    neg = False
    if rest[:1] in (b"-", b"+"):
        neg, rest = rest[:1] == b"-", rest[1:]
    if rest == b"0":  # special case: a bare zero needs no unit
        return 0
    if not rest:
        raise _invalid(s)
    total = 0
    while rest:
        value, rest = _parse_component(s, rest)
        total += value
        if total > 1 << 63:
            raise _invalid(s)
    if neg:
        return -total
    if total > _MAX_NS:
        raise _invalid(s)
    return total


def _parse_component(orig: str, s: bytes) -> tuple[int, bytes]:
    """Parse one ``<number><unit>`` off the front of ``s``; return its nanoseconds and the rest."""
    if not (s[:1] == b"." or s[:1].isdigit()):
        raise _invalid(orig)
    length = len(s)
    v, s = _leading_int(orig, s)
    pre = length != len(s)  # whether digits came before a period
    f, scale, post = 0, 1.0, False
    if s[:1] == b".":
        s = s[1:]
        length = len(s)
        f, scale, s = _leading_fraction(s)
        post = length != len(s)
    if not pre and not post:  # no digits at all, e.g. ".s" or "-.s"
        raise _invalid(orig)
    i = 0
    while i < len(s) and not (s[i : i + 1] == b"." or s[i : i + 1].isdigit()):
        i += 1
    if i == 0:
        raise ValueError(f"time: missing unit in duration {_go_quote(orig)}")
    unit_text, s = s[:i], s[i:]
    unit = _UNITS.get(unit_text)
    if unit is None:
        unit_str = unit_text.decode("utf-8", "surrogateescape")
        raise ValueError(f"time: unknown unit {_go_quote(unit_str)} in duration {_go_quote(orig)}")
    if v > (1 << 63) // unit:
        raise _invalid(orig)
    v *= unit
    if f > 0:
        # Go uses float64 here: nanosecond-accurate for fractions of the largest unit, the hour.
        v += int(float(f) * (float(unit) / scale))
        if v > 1 << 63:
            raise _invalid(orig)
    return v, s


def _leading_int(orig: str, s: bytes) -> tuple[int, bytes]:
    i, x = 0, 0
    while i < len(s) and s[i : i + 1].isdigit():
        if x > (1 << 63) // 10:
            raise _invalid(orig)
        x = x * 10 + s[i] - ord("0")
        if x > 1 << 63:
            raise _invalid(orig)
        i += 1
    return x, s[i:]


def _leading_fraction(s: bytes) -> tuple[int, float, bytes]:
    """Digits after the point; past int64 range they are consumed but add no precision."""
    i, x, scale, overflow = 0, 0, 1.0, False
    while i < len(s) and s[i : i + 1].isdigit():
        if not overflow:
            y = x * 10 + s[i] - ord("0")
            if x > _MAX_NS // 10 or y > 1 << 63:
                overflow = True
            else:
                x, scale = y, scale * 10
        i += 1
    return x, scale, s[i:]


def _invalid(orig: str) -> ValueError:
    return ValueError(f"time: invalid duration {_go_quote(orig)}")


def _go_quote(s: str) -> str:
    """Go ``time.quote``: ASCII kept (``"`` and ``\\`` escaped), every other byte as ``\\xNN``."""
    out = ['"']
    for byte in s.encode("utf-8", "surrogateescape"):
        if byte >= 0x80 or byte < 0x20:
            out.append(f"\\x{byte:02x}")
        else:
            ch = chr(byte)
            out.append("\\" + ch if ch in '"\\' else ch)
    out.append('"')
    return "".join(out)


# ---------------------------------------------------------------------------- Duration.String


def format_go_duration(seconds: float) -> str:
    """Go ``Duration.String()`` of ``seconds``: ``5m0s``, ``1h0m0s``, ``1.5s``, ``300ms``, ``0s``."""
    return format_go_duration_ns(_to_ns(seconds))


def format_go_duration_ns(d: int) -> str:
    """Go ``Duration.String()`` of ``d`` nanoseconds (an int64: out-of-range values wrap as in Go)."""
    d = (d - _MIN_NS) % (1 << 64) + _MIN_NS
    u = abs(d)
    sign = "-" if d < 0 else ""
    if u < SECOND:
        # Below a second, use the largest unit that keeps an integer part: 1.2ms, 1.1µs, 5ns.
        if u == 0:
            return "0s"
        if u < MICROSECOND:
            return f"{sign}{u}ns"
        if u < MILLISECOND:
            return f"{sign}{_with_fraction(u, 3)}µs"
        return f"{sign}{_with_fraction(u, 6)}ms"
    text = _with_fraction(u % MINUTE, 9) + "s"
    minutes = u // MINUTE
    if minutes:
        text = f"{minutes % 60}m{text}"
        # Stop at hours: days can have different lengths.
        if hours := minutes // 60:
            text = f"{hours}h{text}"
    return sign + text


def _with_fraction(v: int, prec: int) -> str:
    """``v / 10**prec`` in decimal, dropping trailing zeros and a bare point (Go ``fmtFrac``)."""
    whole, frac = divmod(v, 10**prec)
    digits = f"{frac:0{prec}d}".rstrip("0")
    return f"{whole}.{digits}" if digits else str(whole)
