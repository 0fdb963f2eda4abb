"""IntOrString helpers of apimachinery ``util/intstr``: ``maxSurge: 25%`` or ``maxSurge: 1``.

An IntOrString arrives from the models as a Python ``int`` (a JSON number) or ``str`` (a JSON
string); ``"1"`` is a string and stays one, exactly as in Go.
"""

from __future__ import annotations

import math
import re
from typing import Optional, Union

from kubenb.api.names import go_quote

IntOrString = Union[int, str]

_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1
_UINT64_MAX = (1 << 64) - 1
_LEADING_DIGITS = re.compile("[0-9]*")


class IntOrStringError(ValueError):
    """A value that ``GetScaledValueFromIntOrPercent`` rejects; ``str()`` is upstream's message."""


def value_or_default(value: Optional[IntOrString], default: IntOrString) -> IntOrString:
    """``intstr.ValueOrDefault``: how upstream callers turn an unset field into a number first."""
    return default if value is None else value


def get_scaled_value_from_int_or_percent(value: Optional[IntOrString], total: int, round_up: bool) -> int:
    """``GetScaledValueFromIntOrPercent``: an int as is, ``"N%"`` as N% of ``total``.

    ``round_up`` picks ceil (maxSurge) or floor (maxUnavailable). A string without a trailing
    ``%`` is an error, even ``"5"``; so is ``None`` ("nil value for IntOrString"), which is why the
    deployment controller wraps unset fields in :func:`value_or_default` first.

    The arithmetic is upstream's float64 expression on purpose: it is what decides the rounding
    of huge values, and for every realistic percentage and replica count it is exact.
    """
    if value is None:
        raise IntOrStringError("nil value for IntOrString")
    if isinstance(value, int):
        return value
    if not value.endswith("%"):
        raise IntOrStringError("invalid value for IntOrString: invalid type: string is not a percentage")
    try:
        percent = go_atoi(value[:-1])
    except ValueError as e:
        raise IntOrStringError(f"invalid value for IntOrString: invalid value {go_quote(value)}: {e}") from None
    scaled = float(percent) * float(total) / 100
    return math.ceil(scaled) if round_up else math.floor(scaled)


def int_or_string_str(value: Optional[IntOrString]) -> str:
    """``IntOrString.String()``: the string itself, the decimal int, or ``<nil>`` for an unset one."""
    if value is None:
        return "<nil>"
    return value if isinstance(value, str) else str(value)


def go_atoi(s: str) -> int:
    """Go's ``strconv.Atoi`` on a 64-bit platform; errors carry Go's exact ``NumError`` text.

    Python's :func:`int` is more lenient (spaces, underscores, non-ASCII digits), so it only sees
    ASCII digits here. Go reads left to right and reports an overflow as soon as it happens, so
    ``99999999999999999999x`` is "value out of range", not "invalid syntax".
    """
    digits = s[1:] if s[:1] in ("+", "-") else s
    run = _LEADING_DIGITS.match(digits).group()
    significant = run.lstrip("0") or "0"
    if len(significant) > 20 or int(significant) > _UINT64_MAX:  # 2**64 - 1 has 20 digits
        raise ValueError(f"strconv.Atoi: parsing {go_quote(s)}: value out of range")
    if not run or run != digits:
        raise ValueError(f"strconv.Atoi: parsing {go_quote(s)}: invalid syntax")
    n = -int(significant) if s.startswith("-") else int(significant)
    if not _INT64_MIN <= n <= _INT64_MAX:
        raise ValueError(f"strconv.Atoi: parsing {go_quote(s)}: value out of range")
    return n
