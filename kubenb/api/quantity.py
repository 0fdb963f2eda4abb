"""``resource.Quantity``: ``100m``, ``1.5``, ``128Mi``, ``1e3`` — exact, and printed as upstream prints.

A quantity is a decimal number kept exactly as ``unscaled × 10**scale`` with Python ints (never a
float: that is the point of the type), plus the *format* it was written in, which decides how it
is printed:

* ``DecimalSI`` (``n u m "" k M G T P E``), ``BinarySI`` (``Ki … Ei``), ``DecimalExponent`` (``1e3``).
* ``str()`` is upstream's ``String()``: the canonical form (``1.5`` → ``1500m``, ``1.5Gi`` →
  ``1536Mi``, ``1024Mi`` → ``1Gi``), except that text which upstream's int64 fast path judges
  canonical is echoed verbatim — including ``+1``, ``01`` and ``1.500``, which upstream keeps too.
* Parsing rounds finer than a nanounit up, away from zero (``0.1n`` → ``1n``), and caps BinarySI
  at 2^63-1 (``9Ei``), as upstream does; decimal quantities are not capped.
* Quantities are immutable and compare, hash and add by value; format only affects printing.

Beyond-upstream choices, all at the int64 edges: the int accessors (:meth:`Quantity.value` …)
saturate at the int64 limits instead of wrapping, and rounding is away from zero for both signs
(upstream's inf.Dec path rounds some negative fractions toward zero).
"""

from __future__ import annotations

import functools
import math
import re
from decimal import Decimal
from enum import StrEnum
from typing import Any, Optional, Union

from kubenb.api.intstr import go_atoi


class Format(StrEnum):
    """How a quantity is printed; any other string prints like ``DecimalExponent``, as upstream."""

    DECIMAL_EXPONENT = "DecimalExponent"  # 12e6
    BINARY_SI = "BinarySI"  # 12Mi
    DECIMAL_SI = "DecimalSI"  # 12M


# Scales (powers of ten) for Quantity.scaled_value and Quantity.round_up.
NANO, MICRO, MILLI, KILO, MEGA, GIGA, TERA, PETA, EXA = -9, -6, -3, 3, 6, 9, 12, 15, 18

ERR_FORMAT_WRONG = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
ERR_NUMERIC = "unable to parse numeric part of quantity"
ERR_SUFFIX = "unable to parse quantity's suffix"


class QuantityError(ValueError):
    """Text that is not a quantity; ``str()`` is one of upstream's three ``ErrFormatWrong``,
    ``ErrNumeric``, ``ErrSuffix`` messages (the regular expression in the first is not what
    upstream actually applies: its scanner is looser and stricter in places, see :func:`_parse`)."""


_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1

# Upstream's hand-written scanner as one expression: sign, leading zeros, digits, optional
# fraction, then a suffix of suffix letters, an optional sign and digits. No match is ErrFormatWrong.
_SCANNER = re.compile(r"([+-]?)(0*)([0-9]*)(?:\.([0-9]*))?([eEinumkKMGTP]*[-+]?[0-9]*)")

_SUFFIXES: dict[str, tuple[int, int, Format]] = {
    "": (10, 0, Format.DECIMAL_SI),
    "n": (10, NANO, Format.DECIMAL_SI),
    "u": (10, MICRO, Format.DECIMAL_SI),
    "m": (10, MILLI, Format.DECIMAL_SI),
    "k": (10, KILO, Format.DECIMAL_SI),
    "M": (10, MEGA, Format.DECIMAL_SI),
    "G": (10, GIGA, Format.DECIMAL_SI),
    "T": (10, TERA, Format.DECIMAL_SI),
    "P": (10, PETA, Format.DECIMAL_SI),
    "E": (10, EXA, Format.DECIMAL_SI),
    "Ki": (2, 10, Format.BINARY_SI),
    "Mi": (2, 20, Format.BINARY_SI),
    "Gi": (2, 30, Format.BINARY_SI),
    "Ti": (2, 40, Format.BINARY_SI),
    "Pi": (2, 50, Format.BINARY_SI),
    "Ei": (2, 60, Format.BINARY_SI),
}
_DECIMAL_SI_SUFFIX = {NANO: "n", MICRO: "u", MILLI: "m", 0: "", KILO: "k", MEGA: "M", GIGA: "G", TERA: "T",
                      PETA: "P", EXA: "E"}
_BINARY_SI_SUFFIX = ("", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei")  # index: power of 1024

# Go's unicode.IsSpace, which JSON decoding trims around a quantity (str.strip would also trim \x1c-\x1f).
_GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)


class Quantity:
    """An exact ``unscaled × 10**scale`` with a print format.

    ``Quantity(unscaled, scale, format)`` is upstream's ``NewScaledQuantity`` with a format;
    :meth:`parse`, :meth:`from_int` and :meth:`from_milli` are the usual ways in.
    """

    __slots__ = ("_coef", "_exp", "_format", "_text", "_literal_scale")

    def __init__(self, unscaled: int = 0, scale: int = 0, format: str = Format.DECIMAL_SI) -> None:
        # Normalised (no trailing zeros in _coef; zero is 0e0) so that == and hash need no alignment.
        self._coef, self._exp = _strip_trailing_zeros(unscaled, scale)
        self._format = format
        self._text: Optional[str] = None
        # Set when _text is the parsed input echoed verbatim: upstream's int64 scale of that parse,
        # which decides whether round_up keeps the echo.
        self._literal_scale: Optional[int] = None

    @staticmethod
    def parse(text: str) -> Quantity:
        """``resource.ParseQuantity``: the full upstream grammar, or :class:`QuantityError`.

        No whitespace is allowed anywhere (JSON decoding trims it first; see :func:`canonicalize`).
        """
        return _parse(text)

    @classmethod
    def from_int(cls, value: int, format: str = Format.DECIMAL_SI) -> Quantity:
        """``resource.NewQuantity``: ``value`` units."""
        return cls(value, 0, format)

    @classmethod
    def from_milli(cls, value: int, format: str = Format.DECIMAL_SI) -> Quantity:
        """``resource.NewMilliQuantity``: ``value`` thousandths (``from_milli(250)`` is ``250m``)."""
        return cls(value, MILLI, format)

    @property
    def format(self) -> str:
        return self._format

    def is_zero(self) -> bool:
        return self._coef == 0

    def value(self) -> int:
        """``Value()``: the quantity rounded up, away from zero, to an integer (``100m`` → 1)."""
        return self.scaled_value(0)

    def milli_value(self) -> int:
        """``MilliValue()``: the quantity in thousandths, rounded up away from zero (``1n`` → 1)."""
        return self.scaled_value(MILLI)

    def scaled_value(self, scale: int) -> int:
        """``ScaledValue(scale)``: ``q / 10**scale`` rounded up away from zero, saturating at int64."""
        coef, shift = self._coef, self._exp - scale
        if coef == 0:
            return 0
        if shift >= 0:
            if shift > 18:  # |coef| × 10**19 is past int64 whatever coef is
                return _INT64_MAX if coef > 0 else _INT64_MIN
            return _clamp_int64(coef * 10**shift)
        # A normalised coef has no factor of ten, so dividing by 10**-shift always leaves a
        # remainder: the result is the truncated quotient plus one unit away from zero.
        magnitude = abs(coef)
        truncated = 0 if magnitude.bit_length() <= -3 * shift else magnitude // 10**-shift  # 8**k < 10**k
        return _clamp_int64(truncated + 1 if coef > 0 else -truncated - 1)

    def round_up(self, scale: int) -> tuple[Quantity, bool]:
        """``RoundUp(scale)``: the quantity rounded away from zero to a multiple of ``10**scale``,
        and whether that was exact (``9.01`` at scale -1 is ``(9100m, False)``)."""
        if self._exp >= scale:  # already a multiple of 10**scale
            if self._literal_scale is None or self._literal_scale >= scale:
                return self, True
            return Quantity(self._coef, self._exp, self._format), True  # upstream drops the echo
        if self._coef == 0:
            return Quantity(0, 0, self._format), True
        magnitude = abs(self._coef)
        shift = scale - self._exp
        truncated = 0 if magnitude.bit_length() <= 3 * shift else magnitude // 10**shift
        unscaled = truncated + 1 if self._coef > 0 else -truncated - 1
        return Quantity(unscaled, scale, self._format), False

    def __str__(self) -> str:
        text = self._text
        if text is None:
            text = self._text = _canonical_text(self._coef, self._exp, self._format)
        return text

    def __repr__(self) -> str:
        return f"Quantity({str(self)!r})"

    def __neg__(self) -> Quantity:
        return Quantity(-self._coef, self._exp, self._format)

    def __add__(self, other: object) -> Quantity:
        """``Add``: a zero left operand takes the right one's format (``0 + 1Gi`` prints ``1Gi``)."""
        if not isinstance(other, Quantity):
            return NotImplemented
        fmt = other._format if self.is_zero() else self._format
        return Quantity(*_aligned_sum(self, other._coef, other._exp), fmt)

    def __sub__(self, other: object) -> Quantity:
        """``Sub``: the same format rule as :meth:`__add__`."""
        if not isinstance(other, Quantity):
            return NotImplemented
        fmt = other._format if self.is_zero() else self._format
        return Quantity(*_aligned_sum(self, -other._coef, other._exp), fmt)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return self._coef == other._coef and self._exp == other._exp

    def __hash__(self) -> int:
        return hash((self._coef, self._exp))

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return _compare(self, other) < 0

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return _compare(self, other) <= 0

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return _compare(self, other) > 0

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return _compare(self, other) >= 0

    def __copy__(self) -> Quantity:
        return self  # immutable: models holding quantities can be deep-copied for free

    def __deepcopy__(self, memo: dict[int, Any]) -> Quantity:
        return self


def canonicalize(value: Union[str, int, float, Quantity, None]) -> str:
    """The text the API server stores for a quantity field given in YAML or JSON.

    ``"500m"`` and ``0.5`` both become ``500m``; ``10`` stays ``10``; ``null`` is the zero
    quantity, ``0``. Numbers go through the text Go's JSON encoder gives them (``100``, not
    ``100.0``; ``1e+21``, ``1e-7``), because that text is what upstream parses and may echo.
    Strings are trimmed of whitespace first, like upstream's ``UnmarshalJSON``.
    """
    if value is None:
        return "0"
    if isinstance(value, Quantity):
        return str(value)
    if isinstance(value, str):
        return str(_parse(value.strip(_GO_SPACE)))
    if isinstance(value, bool):  # before int: a YAML boolean is the JSON literal, not 1
        return str(_parse("true" if value else "false"))
    if isinstance(value, int):
        return str(_parse(_digits(value)))
    if isinstance(value, float):
        return str(_parse(_go_json_float(value)))
    # A JSON array or object reaches ParseQuantity as its raw text, which no scanner accepts.
    raise QuantityError(ERR_FORMAT_WRONG)


@functools.lru_cache(maxsize=4096)
def _parse(text: str) -> Quantity:
    """``ParseQuantity``. Cached: quantities are immutable and clusters repeat a handful of texts.

    Upstream scans by hand; :data:`_SCANNER` accepts exactly what that scanner accepts, quirks
    included: ``.``, ``-`` and ``+.e5`` are zero, ``1.`` and ``1.G`` are valid, ``e`` alone is a
    bad suffix but ``E`` is 10^18.
    """
    match = _SCANNER.fullmatch(text)
    if not text or match is None:
        raise QuantityError(ERR_FORMAT_WRONG)
    sign, zeros, num, denom, suffix = match.groups()
    base, exponent, fmt = _interpret_suffix(suffix)
    negative = sign == "-"
    denom = denom or ""
    fast = _parse_int64_path(text, negative, num or "0", denom, exponent, fmt)
    if fast is not None:
        return fast
    if not (zeros or num or denom):  # upstream's decimal fallback wants at least one digit
        raise QuantityError(ERR_NUMERIC)
    return _parse_exact_path(negative, num + denom, len(denom), base, exponent, fmt)


def _interpret_suffix(suffix: str) -> tuple[int, int, Format]:
    """``suffixer.interpret``: (base, exponent, format). ``e``/``E`` + int64 is an exponent, which
    upstream then truncates to int32."""
    known = _SUFFIXES.get(suffix)
    if known is not None:
        return known
    if len(suffix) > 1 and suffix[0] in "eE":
        try:
            exponent = go_atoi(suffix[1:])
        except ValueError:
            raise QuantityError(ERR_SUFFIX) from None
        return 10, (exponent + (1 << 31)) % (1 << 32) - (1 << 31), Format.DECIMAL_EXPONENT
    raise QuantityError(ERR_SUFFIX)


def _parse_int64_path(
    text: str, negative: bool, num: str, denom: str, exponent: int, fmt: Format
) -> Optional[Quantity]:
    """Upstream's int64 fast path, or None where it does not apply.

    Its value is the same as the exact path's; what it adds is the echo: when the digits look
    canonical to it (decimal: scale a multiple of 3, no ``000`` tail, no leading 0; binary: a
    numeral not divisible by 8), ``String()`` returns the input text unchanged.
    """
    if fmt is Format.BINARY_SI:
        if denom:
            return None
        # Upstream's estimate of the decimal digits left once num is multiplied by 2**exponent.
        precision = 15 - len(num) - exponent * 3 // 10 - 1
        scale, multiplier = 0, 1 << exponent
    else:
        precision = 18 - len(num) - len(denom)
        scale, multiplier = exponent, 1
    scale -= len(denom)
    if precision < 0 or scale < NANO:
        return None
    digits = num + denom
    numeral = int(digits)  # at most 18 digits, and the precision bound keeps the product in int64
    quantity = Quantity(-numeral * multiplier if negative else numeral * multiplier, scale, fmt)
    if fmt is Format.BINARY_SI:
        echo = numeral & 7 != 0  # every binary suffix is a power of 1024, as upstream also requires
    else:
        echo = scale % 3 == 0 and not digits.endswith("000") and digits[0] != "0"
    if echo:
        quantity._text, quantity._literal_scale = text, scale
    return quantity


def _parse_exact_path(
    negative: bool, digits: str, fraction_len: int, base: int, exponent: int, fmt: Format
) -> Quantity:
    """Upstream's inf.Dec path: round up to nano, cap BinarySI at 2^63-1, and print BinarySI
    values between 0 and 1 as DecimalSI (``.000000000001Ki`` → ``2n``)."""
    coef, scale = _int(digits), -fraction_len
    if base == 10:
        scale += exponent
    else:
        coef <<= exponent
    coef, scale = _round_up_to_nano(coef, scale)
    if fmt is Format.BINARY_SI:
        # Binary scales are <= 0 here, so these powers of ten are as small as the input's fraction.
        if coef > _INT64_MAX * 10**-scale:
            coef, scale = _INT64_MAX, 0
        elif 0 < coef < 10**-scale:
            fmt = Format.DECIMAL_SI
    return Quantity(-coef if negative else coef, scale, fmt)


def _round_up_to_nano(coef: int, scale: int) -> tuple[int, int]:
    """Round a non-negative amount up to whole nanounits, so a non-zero request never becomes 0."""
    if scale >= NANO or coef == 0:
        return coef, scale
    shift = NANO - scale
    if coef.bit_length() <= 3 * shift:  # coef < 8**shift <= 10**shift: less than one nanounit
        return 1, NANO
    quotient, remainder = divmod(coef, 10**shift)
    return quotient + (remainder != 0), NANO


def _canonical_text(coef: int, exp: int, fmt: str) -> str:
    """``CanonicalizeBytes``: the largest suffix that keeps the mantissa an integer.

    BinarySI applies only to integers of magnitude 1024 and above; others print as DecimalSI
    (``NewMilliQuantity(1024, BinarySI)`` is ``1024m``). Any unknown format prints as
    DecimalExponent. DecimalSI has no suffix past ``E``, so larger values fall back to exponent
    notation (``1e21``), as upstream does since it stopped printing ``1000E`` as ``1``.
    """
    if coef == 0:
        return "0"
    if fmt == Format.BINARY_SI:
        if exp >= 0 and (exp > 3 or abs(coef) * 10**exp >= 1024):
            return _binary_si_text(coef * 10**exp)
        fmt = Format.DECIMAL_SI
    elif fmt != Format.DECIMAL_SI:
        fmt = Format.DECIMAL_EXPONENT
    pad = exp % 3  # lower the exponent to a multiple of 3, so 1.1e4 prints as 11k
    exp -= pad
    suffix = _DECIMAL_SI_SUFFIX.get(exp) if fmt == Format.DECIMAL_SI else None
    if suffix is None:
        suffix = f"e{exp}" if exp else ""
    return ("-" if coef < 0 else "") + _digits(abs(coef)) + "0" * pad + suffix


def _binary_si_text(value: int) -> str:
    """The mantissa over the largest power of 1024 dividing ``value``. Past ``Ei`` upstream has
    no suffix and prints the bare mantissa (2^70 prints as ``1``); kept for fidelity."""
    magnitude = abs(value)
    power = ((magnitude & -magnitude).bit_length() - 1) // 10  # trailing zero bits, in tens
    mantissa = value >> (10 * power) if value > 0 else -(magnitude >> (10 * power))
    return _digits(mantissa) + (_BINARY_SI_SUFFIX[power] if power < len(_BINARY_SI_SUFFIX) else "")


def _compare(a: Quantity, b: Quantity) -> int:
    """``Cmp``: -1, 0 or 1 by value. Exponents far apart are settled by order of magnitude first,
    so ``1e2147483647`` compares without building a 2-gigadigit number."""
    ac, ae, bc, be = a._coef, a._exp, b._coef, b._exp
    if ae != be:
        if abs(ae - be) > 18:
            a_sign, b_sign = (ac > 0) - (ac < 0), (bc > 0) - (bc < 0)
            if a_sign != b_sign:
                return 1 if a_sign > b_sign else -1
            a_order, b_order = len(_digits(abs(ac))) + ae, len(_digits(abs(bc))) + be
            if a_order != b_order:
                return a_sign if a_order > b_order else -a_sign
            # Same order of magnitude: the exponent gap is at most the digits at hand.
        if ae > be:
            ac *= 10 ** (ae - be)
        else:
            bc *= 10 ** (be - ae)
    return (ac > bc) - (ac < bc)


def _aligned_sum(a: Quantity, bc: int, be: int) -> tuple[int, int]:
    """a + bc·10**be as (unscaled, scale); a zero term never forces the other to rescale."""
    ac, ae = a._coef, a._exp
    if bc == 0:
        return ac, ae
    if ac == 0:
        return bc, be
    low = min(ae, be)
    return ac * 10 ** (ae - low) + bc * 10 ** (be - low), low


def _strip_trailing_zeros(coef: int, exp: int) -> tuple[int, int]:
    if coef == 0:
        return 0, 0
    while coef % 10 == 0:
        coef //= 10
        exp += 1
    return coef, exp


def _clamp_int64(n: int) -> int:
    return _INT64_MAX if n > _INT64_MAX else _INT64_MIN if n < _INT64_MIN else n


def _int(digits: str) -> int:
    """``int`` of an ASCII digit string of any length: Go has no CVE-2020-10735 guard, so neither
    may a quantity; :class:`~decimal.Decimal` converts without Python's 4300-digit limit."""
    try:
        return int(digits or "0")
    except ValueError:
        return int(Decimal(digits))


def _digits(n: int) -> str:
    """``str`` of an int of any size (see :func:`_int`)."""
    try:
        return str(n)
    except ValueError:
        return str(Decimal(n))


def _go_json_float(value: float) -> str:
    """The text Go's ``encoding/json`` writes for a float64: shortest round-trip digits, positional
    from 1e-6 to 1e21, exponent form (``1e+21``, ``1e-7``) outside, no ``.0`` on integers."""
    if not math.isfinite(value):
        shown = "NaN" if math.isnan(value) else "+Inf" if value > 0 else "-Inf"
        raise QuantityError(f"json: unsupported value: {shown}")
    shortest = Decimal(repr(value)).normalize()
    if value == 0 or 1e-6 <= abs(value) < 1e21:
        return format(shortest, "f")
    sign, digit_tuple, exp = shortest.as_tuple()
    digits = "".join(map(str, digit_tuple))
    power = exp + len(digits) - 1
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    # strconv's 'e' format pads the exponent to two digits; encoding/json then unpads e-0X to e-X.
    exponent = f"e+{power:02d}" if power >= 0 else f"e-{-power}"
    return ("-" if sign else "") + mantissa + exponent
