"""resource.Quantity, with upstream's test tables.

Ported from kubernetes/apimachinery ``pkg/api/resource/quantity_test.go`` at 357557a670d8.
``decimal(i, e, fmt)`` stands for upstream's ``decQuantity``/``intQuantity`` helpers: i × 10^e.
"""

from __future__ import annotations

import copy
import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubenb.api.quantity import (
    ERR_FORMAT_WRONG,
    ERR_NUMERIC,
    ERR_SUFFIX,
    MICRO,
    MILLI,
    NANO,
    Format,
    Quantity,
    QuantityError,
    canonicalize,
)

DSI, BSI, DEX = Format.DECIMAL_SI, Format.BINARY_SI, Format.DECIMAL_EXPONENT
MOST_POSITIVE = (1 << 63) - 1
MOST_NEGATIVE = -(1 << 63)


def decimal(i: int, exponent: int, fmt: str = DSI) -> Quantity:
    return Quantity(i, exponent, fmt)


def parse(text: str) -> Quantity:
    return Quantity.parse(text)


# TestQuantityParse: input -> value and format.
PARSE_TABLE = [
    ("0", decimal(0, 0, DSI)),
    ("0n", decimal(0, 0, DSI)),
    ("0u", decimal(0, 0, DSI)),
    ("0m", decimal(0, 0, DSI)),
    ("0Ki", decimal(0, 0, BSI)),
    ("0k", decimal(0, 0, DSI)),
    ("0Mi", decimal(0, 0, BSI)),
    ("0M", decimal(0, 0, DSI)),
    ("0Gi", decimal(0, 0, BSI)),
    ("0G", decimal(0, 0, DSI)),
    ("0Ti", decimal(0, 0, BSI)),
    ("0T", decimal(0, 0, DSI)),
    # Quantity less numbers are allowed
    ("1", decimal(1, 0, DSI)),
    # Binary suffixes
    ("1Ki", decimal(1024, 0, BSI)),
    ("8Ki", decimal(8 * 1024, 0, BSI)),
    ("7Mi", decimal(7 * 1024**2, 0, BSI)),
    ("6Gi", decimal(6 * 1024**3, 0, BSI)),
    ("5Ti", decimal(5 * 1024**4, 0, BSI)),
    ("4Pi", decimal(4 * 1024**5, 0, BSI)),
    ("3Ei", decimal(3 * 1024**6, 0, BSI)),
    ("10Ti", decimal(10 * 1024**4, 0, BSI)),
    ("100Ti", decimal(100 * 1024**4, 0, BSI)),
    # Decimal suffixes
    ("5n", decimal(5, -9, DSI)),
    ("4u", decimal(4, -6, DSI)),
    ("3m", decimal(3, -3, DSI)),
    ("9", decimal(9, 0, DSI)),
    ("8k", decimal(8, 3, DSI)),
    ("50k", decimal(5, 4, DSI)),
    ("7M", decimal(7, 6, DSI)),
    ("6G", decimal(6, 9, DSI)),
    ("5T", decimal(5, 12, DSI)),
    ("40T", decimal(4, 13, DSI)),
    ("300T", decimal(3, 14, DSI)),
    ("2P", decimal(2, 15, DSI)),
    ("1E", decimal(1, 18, DSI)),
    # Decimal exponents
    ("1E-3", decimal(1, -3, DEX)),
    ("1e3", decimal(1, 3, DEX)),
    ("1E6", decimal(1, 6, DEX)),
    ("1e9", decimal(1, 9, DEX)),
    ("1E12", decimal(1, 12, DEX)),
    ("1e15", decimal(1, 15, DEX)),
    ("1E18", decimal(1, 18, DEX)),
    # Nonstandard but still parsable
    ("1e14", decimal(1, 14, DEX)),
    ("1e13", decimal(1, 13, DEX)),
    ("1e3", decimal(1, 3, DEX)),
    ("100.035k", decimal(100035, 0, DSI)),
    # Things that look like floating point
    ("0.001", decimal(1, -3, DSI)),
    ("0.0005k", decimal(5, -1, DSI)),
    ("0.005", decimal(5, -3, DSI)),
    ("0.05", decimal(5, -2, DSI)),
    ("0.5", decimal(5, -1, DSI)),
    ("0.00050k", decimal(5, -1, DSI)),
    ("0.00500", decimal(5, -3, DSI)),
    ("0.05000", decimal(5, -2, DSI)),
    ("0.50000", decimal(5, -1, DSI)),
    ("0.5e0", decimal(5, -1, DEX)),
    ("0.5e-1", decimal(5, -2, DEX)),
    ("0.5e-2", decimal(5, -3, DEX)),
    ("0.5e0", decimal(5, -1, DEX)),
    ("10.035M", decimal(10035, 3, DSI)),
    ("1.2e3", decimal(12, 2, DEX)),
    ("1.3E+6", decimal(13, 5, DEX)),
    ("1.40e9", decimal(14, 8, DEX)),
    ("1.53E12", decimal(153, 10, DEX)),
    ("1.6e15", decimal(16, 14, DEX)),
    ("1.7E18", decimal(17, 17, DEX)),
    ("9.01", decimal(901, -2, DSI)),
    ("8.1k", decimal(81, 2, DSI)),
    ("7.123456M", decimal(7123456, 0, DSI)),
    ("6.987654321G", decimal(6987654321, 0, DSI)),
    ("5.444T", decimal(5444, 9, DSI)),
    ("40.1T", decimal(401, 11, DSI)),
    ("300.2T", decimal(3002, 11, DSI)),
    ("2.5P", decimal(25, 14, DSI)),
    ("1.01E", decimal(101, 16, DSI)),
    # Things that saturate/round
    ("3.001n", decimal(4, -9, DSI)),
    ("1.1E-9", decimal(2, -9, DEX)),
    ("0.0000000001", decimal(1, -9, DSI)),
    ("0.0000000005", decimal(1, -9, DSI)),
    ("0.00000000050", decimal(1, -9, DSI)),
    ("0.5e-9", decimal(1, -9, DEX)),
    ("0.9n", decimal(1, -9, DSI)),
    ("0.00000012345", decimal(124, -9, DSI)),
    ("0.00000012354", decimal(124, -9, DSI)),
    ("9Ei", decimal(MOST_POSITIVE, 0, BSI)),
    ("9223372036854775807Ki", decimal(MOST_POSITIVE, 0, BSI)),
    ("12E", decimal(12, 18, DSI)),
    # We'll accept fractional binary stuff, too.
    ("100.035Ki", decimal(10243584, -2, BSI)),
    ("0.5Mi", decimal(512 * 1024, 0, BSI)),
    ("0.05Gi", decimal(536870912, -1, BSI)),
    ("0.025Ti", decimal(274877906944, -1, BSI)),
    # Things written by trolls
    ("0.000000000001Ki", decimal(2, -9, DSI)),  # rounds up, changes format
    (".001", decimal(1, -3, DSI)),
    (".0001k", decimal(100, -3, DSI)),
    ("1.", decimal(1, 0, DSI)),
    ("1.G", decimal(1, 9, DSI)),
]


def _signed_variants(table):
    for text, expected in table:
        yield pytest.param(text, expected, id=text)
        yield pytest.param("-" + text, -expected, id="-" + text)
        yield pytest.param("+" + text, expected, id="+" + text)


@pytest.mark.parametrize(("text", "expected"), list(_signed_variants(PARSE_TABLE)))
def test_parse(text: str, expected: Quantity) -> None:
    got = parse(text)
    assert got == expected
    assert got.format == expected.format


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("", ERR_FORMAT_WRONG, id="empty"),
        pytest.param("1.1.M", ERR_FORMAT_WRONG, id="1.1.M"),
        pytest.param("1+1.0M", ERR_FORMAT_WRONG, id="1+1.0M"),
        pytest.param("0.1mi", ERR_SUFFIX, id="0.1mi"),
        pytest.param("0.1am", ERR_FORMAT_WRONG, id="0.1am"),
        pytest.param("aoeu", ERR_FORMAT_WRONG, id="aoeu"),
        pytest.param(".5i", ERR_SUFFIX, id=".5i"),
        pytest.param("1i", ERR_SUFFIX, id="1i"),
        pytest.param("-3.01i", ERR_SUFFIX, id="-3.01i"),
        pytest.param("-3.01e-", ERR_SUFFIX, id="-3.01e-"),
        # trailing whitespace is forbidden
        pytest.param(" 1", ERR_FORMAT_WRONG, id="leading-space"),
        pytest.param("1 ", ERR_FORMAT_WRONG, id="trailing-space"),
        # TestQuantityParseNonNumericPanic
        pytest.param("Non-Numeric", ERR_FORMAT_WRONG, id="Non-Numeric"),
    ],
)
def test_parse_invalid(text: str, message: str) -> None:
    with pytest.raises(QuantityError) as raised:
        parse(text)
    assert str(raised.value) == message


def test_error_texts_are_upstreams() -> None:
    assert ERR_FORMAT_WRONG == (
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    )
    assert ERR_NUMERIC == "unable to parse numeric part of quantity"
    assert ERR_SUFFIX == "unable to parse quantity's suffix"


# Not in upstream's tables: consequences of its scanner and suffixer read off quantity.go/suffix.go.
@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        pytest.param(".", "0", id="lone-point"),
        pytest.param("-.", "0", id="negative-lone-point"),
        pytest.param("-", "0", id="lone-sign"),
        pytest.param("k", "0", id="suffix-only"),
        pytest.param("Ki", "0", id="binary-suffix-only-fast-path"),
        pytest.param("E", "0", id="E-alone-is-exa"),
    ],
)
def test_parse_scanner_quirks(text: str, canonical: str) -> None:
    assert str(parse(text)) == canonical


def test_parse_exponent_is_truncated_to_int32() -> None:
    """Upstream keeps ``int32(parsed)`` of the exponent, and echoes the text it judged canonical."""
    q = parse("1e4294967299")
    assert q == parse("1e3")
    assert str(q) == "1e4294967299"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("e", ERR_SUFFIX, id="e-alone"),
        pytest.param("1Ee3", ERR_SUFFIX, id="exponent-not-an-int"),
        pytest.param("1e9223372036854775808", ERR_SUFFIX, id="exponent-beyond-int64"),
        pytest.param("Pi", ERR_NUMERIC, id="no-digits-on-decimal-path"),
        pytest.param("1٣", ERR_FORMAT_WRONG, id="non-ascii-digit"),
    ],
)
def test_parse_scanner_quirk_errors(text: str, message: str) -> None:
    with pytest.raises(QuantityError) as raised:
        parse(text)
    assert str(raised.value) == message


def test_parse_zero() -> None:
    """TestQuantityParseZero."""
    assert str(parse("0")) == "0"


@pytest.mark.parametrize(
    ("x", "y", "expected"),
    [
        pytest.param("0", "0", 0, id="0-0"),
        pytest.param("100m", "50m", 1, id="100m-50m"),
        pytest.param("50m", "100m", -1, id="50m-100m"),
        pytest.param("10000T", "100Gi", 1, id="10000T-100Gi"),
    ],
)
def test_cmp(x: str, y: str, expected: int) -> None:
    """TestQuantityCmp."""
    a, b = parse(x), parse(y)
    assert ((a > b) - (a < b)) == expected
    assert (a == b) == (expected == 0)


@pytest.mark.parametrize(
    ("text", "scale", "expected", "exact"),
    [
        pytest.param("9.01", -3, decimal(901, -2), True, id="9.01@-3"),
        pytest.param("9.01", -2, decimal(901, -2), True, id="9.01@-2"),
        pytest.param("9.01", -1, decimal(91, -1), False, id="9.01@-1"),
        pytest.param("9.01", 0, decimal(10, 0), False, id="9.01@0"),
        pytest.param("9.01", 1, decimal(10, 0), False, id="9.01@1"),
        pytest.param("9.01", 2, decimal(100, 0), False, id="9.01@2"),
        pytest.param("-9.01", -3, decimal(-901, -2), True, id="-9.01@-3"),
        pytest.param("-9.01", -2, decimal(-901, -2), True, id="-9.01@-2"),
        pytest.param("-9.01", -1, decimal(-91, -1), False, id="-9.01@-1"),
        pytest.param("-9.01", 0, decimal(-10, 0), False, id="-9.01@0"),
        pytest.param("-9.01", 1, decimal(-10, 0), False, id="-9.01@1"),
        pytest.param("-9.01", 2, decimal(-100, 0), False, id="-9.01@2"),
    ],
)
def test_round_up(text: str, scale: int, expected: Quantity, exact: bool) -> None:
    """TestQuantityRoundUp."""
    got, got_exact = parse(text).round_up(scale)
    assert got == expected
    assert got_exact == exact


def test_round_up_keeps_or_drops_the_echo_like_upstream() -> None:
    """An echoed ``1.500`` is int64Amount{1500, -3} upstream: kept at scale -3, recomputed at -2."""
    assert str(parse("1.500").round_up(MILLI)[0]) == "1.500"
    assert str(parse("1.500").round_up(-2)[0]) == "1500m"


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        pytest.param(decimal(901, -2), decimal(901, -2), 0, id="equal"),
        pytest.param(decimal(90, -1), decimal(901, -2), -1, id="9.0<9.01"),
        pytest.param(decimal(901, -2), decimal(900, -2), 1, id="9.01>9.00"),
        pytest.param(decimal(0, 0), decimal(0, 0), 0, id="zero"),
        pytest.param(decimal(0, 1), decimal(0, -1), 0, id="zeros-at-scales"),
        pytest.param(decimal(0, -1), decimal(0, 1), 0, id="zeros-at-scales-reversed"),
        pytest.param(decimal(800, -3), decimal(1, 0), -1, id="800m<1"),
        pytest.param(decimal(800, -3), decimal(79, -2), 1, id="800m>790m"),
        pytest.param(decimal(MOST_POSITIVE, 0), decimal(1, -1), 1, id="max>0.1"),
        pytest.param(decimal(MOST_POSITIVE, 1), decimal(1, 0), 1, id="max*10>1"),
        pytest.param(decimal(MOST_POSITIVE, 1), decimal(1, 1), 1, id="max*10>10"),
        pytest.param(decimal(MOST_POSITIVE, 1), decimal(0, 1), 1, id="max*10>0"),
        pytest.param(decimal(MOST_POSITIVE, -16), decimal(1, 3), -1, id="max/1e16<1000"),
        pytest.param(decimal(MOST_NEGATIVE, 0), decimal(0, 0), -1, id="min<0"),
        pytest.param(decimal(MOST_NEGATIVE, -18), decimal(-1, 0), -1, id="min/1e18<-1"),
        pytest.param(decimal(MOST_NEGATIVE, -19), decimal(-1, 0), 1, id="min/1e19>-1"),
        pytest.param(decimal(10**18, -17), decimal(1, 1), 0, id="1e18e-17=10"),
        pytest.param(decimal(10**18, -17), decimal(-10, 0), 1, id="1e18e-17>-10"),
        pytest.param(decimal(-(10**18), -17), decimal(-10, 0), 0, id="-1e18e-17=-10"),
        pytest.param(decimal(10**18, -17), decimal(1, 0), 1, id="1e18e-17>1"),
        pytest.param(decimal(10**18 + 1, -17), decimal(1, 1), 1, id="(1e18+1)e-17>10"),
        pytest.param(decimal(10**18 - 1, -17), decimal(1, 1), -1, id="(1e18-1)e-17<10"),
    ],
)
def test_cmp_int64_and_dec(a: Quantity, b: Quantity, expected: int) -> None:
    """TestQuantityCmpInt64AndDec (one representation here, so the four passes are one)."""
    assert ((a > b) - (a < b)) == expected
    assert ((b > a) - (b < a)) == -expected


@pytest.mark.parametrize(
    ("quantity", "text"),
    [
        pytest.param(decimal(901, -2), "-9010m", id="int"),
        pytest.param(decimal(901, -2), "-9010m", id="dec"),
    ],
)
def test_quantity_neg(quantity: Quantity, text: str) -> None:
    """TestQuantityNeg."""
    negated = -quantity
    assert negated != quantity
    assert str(negated) == text


# TestQuantityString: value -> canonical text, and a non-canonical text for the same value.
STRING_TABLE = [
    (decimal(1024**3, 0, BSI), "1Gi", "1024Mi"),
    (decimal(300 * 1024**2, 0, BSI), "300Mi", "307200Ki"),
    (decimal(6 * 1024, 0, BSI), "6Ki", ""),
    (decimal(1001 * 1024**3, 0, BSI), "1001Gi", "1025024Mi"),
    (decimal(1024**4, 0, BSI), "1Ti", "1024Gi"),
    (decimal(5, 0, BSI), "5", "5000m"),
    (decimal(500, -3, BSI), "500m", "0.5"),
    (decimal(1, 9, DSI), "1G", "1000M"),
    (decimal(1000, 6, DSI), "1G", "0.001T"),
    (decimal(1000000, 3, DSI), "1G", ""),
    (decimal(1000000000, 0, DSI), "1G", ""),
    (decimal(1, -3, DSI), "1m", "1000u"),
    (decimal(80, -3, DSI), "80m", ""),
    (decimal(1080, -3, DSI), "1080m", "1.08"),
    (decimal(108, -2, DSI), "1080m", "1080000000n"),
    (decimal(10800, -4, DSI), "1080m", ""),
    (decimal(300, 6, DSI), "300M", ""),
    (decimal(1, 12, DSI), "1T", ""),
    # DecimalSI has no suffix beyond "E": larger exponents fall back to exponent notation.
    (decimal(1, 18, DSI), "1E", ""),
    (decimal(1, 21, DSI), "1e21", "1000E"),
    (decimal(5, 21, DSI), "5e21", "5000E"),
    (decimal(1, 24, DSI), "1e24", "1000000E"),
    (decimal(1234567, 6, DSI), "1234567M", ""),
    (decimal(1234567, -3, BSI), "1234567m", ""),
    (decimal(3, 3, DSI), "3k", ""),
    (decimal(1025, 0, BSI), "1025", ""),
    (decimal(0, 0, DSI), "0", ""),
    (decimal(0, 0, BSI), "0", ""),
    (decimal(1, 9, DEX), "1e9", ".001e12"),
    (decimal(1, -3, DEX), "1e-3", "0.001e0"),
    (decimal(1, -9, DEX), "1e-9", "1000e-12"),
    (decimal(80, -3, DEX), "80e-3", ""),
    (decimal(300, 6, DEX), "300e6", ""),
    (decimal(1, 12, DEX), "1e12", ""),
    (decimal(1, 3, DEX), "1e3", ""),
    (decimal(3, 3, DEX), "3e3", ""),
    (decimal(3, 3, DSI), "3k", ""),
    (decimal(0, 0, DEX), "0", "00"),
    (decimal(1, -9, DSI), "1n", ""),
    (decimal(80, -9, DSI), "80n", ""),
    (decimal(1080, -9, DSI), "1080n", ""),
    (decimal(108, -8, DSI), "1080n", ""),
    (decimal(10800, -10, DSI), "1080n", ""),
    (decimal(1, -6, DSI), "1u", ""),
    (decimal(80, -6, DSI), "80u", ""),
    (decimal(1080, -6, DSI), "1080u", ""),
]


def _string_params():
    for i, (quantity, expected, alternate) in enumerate(STRING_TABLE):
        yield pytest.param(quantity, expected, alternate, id=f"{i}-{expected}")


@pytest.mark.parametrize(("quantity", "expected", "alternate"), list(_string_params()))
def test_string(quantity: Quantity, expected: str, alternate: str) -> None:
    """TestQuantityString: canonical text, its echo on parse, and the alternate's canonical form."""
    assert str(quantity) == expected
    assert str(parse(expected)) == expected
    if alternate:
        assert str(parse(alternate)) == expected
    if not quantity.is_zero():  # never "-0"
        assert str(-quantity) == "-" + expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("1Ki", "1Ki", id="1Ki"),
        pytest.param("1Mi", "1Mi", id="1Mi"),
        pytest.param("1Gi", "1Gi", id="1Gi"),
        pytest.param("1024Mi", "1Gi", id="1024Mi"),
        pytest.param("1000M", "1G", id="1000M"),
        pytest.param(".001Ki", "1024m", id=".001Ki"),
        pytest.param(".000001Ki", "1024u", id=".000001Ki"),
        pytest.param(".000000001Ki", "1024n", id=".000000001Ki"),
        pytest.param(".000000000001Ki", "2n", id=".000000000001Ki"),
    ],
)
def test_parse_emit(text: str, expected: str) -> None:
    """TestQuantityParseEmit, with the negated run."""
    assert str(parse(text)) == expected
    assert str(parse("-" + text)) == "-" + expected


# Not in upstream's tables: the int64 fast path echoes any input it judges canonical (scale a
# multiple of 3, no "000" tail, no leading 0 in the digits), which is more than canonical input.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("+1", "+1", id="plus-sign-kept"),
        pytest.param("01", "01", id="leading-zero-kept"),
        pytest.param("1.500", "1.500", id="fraction-of-three-digits-kept"),
        pytest.param("100.035k", "100.035k", id="fraction-with-suffix-kept"),
        pytest.param("1E3", "1E3", id="capital-exponent-kept"),
        pytest.param("1.G", "1.G", id="trailing-point-kept"),
        pytest.param("1025Ki", "1025Ki", id="binary-odd-numeral-kept"),
        pytest.param("8Ki", "8Ki", id="binary-multiple-of-8-recomputed"),
        pytest.param("1.0", "1", id="one-fraction-digit-recomputed"),
        pytest.param("1000", "1k", id="zeros-tail-recomputed"),
        pytest.param("0.5", "500m", id="leading-zero-digit-recomputed"),
        pytest.param("+1Pi", "1Pi", id="decimal-path-never-echoes"),
    ],
)
def test_canonical_input_is_echoed(text: str, expected: str) -> None:
    assert str(parse(text)) == expected


@pytest.mark.parametrize(
    ("value", "fmt", "expected", "exact"),
    [
        pytest.param(1, DSI, "1m", True, id="1m"),
        pytest.param(1000, DSI, "1", True, id="1"),
        pytest.param(1234000, DSI, "1234", True, id="1234"),
        pytest.param(1024, BSI, "1024m", False, id="binary-below-1024-prints-decimal"),
        pytest.param(1000000, "invalidFormatDefaultsToExponent", "1e3", True, id="unknown-format"),
        pytest.param(1024 * 1024, BSI, "1048576m", False, id="binary-fraction-prints-decimal"),
    ],
)
def test_milli_new(value: int, fmt: str, expected: str, exact: bool) -> None:
    """TestMilliNewSet."""
    q = Quantity.from_milli(value, fmt)
    assert str(q) == expected
    if exact:
        assert parse(str(q)).milli_value() == value


@pytest.mark.parametrize(
    ("value", "fmt", "expected"),
    [
        pytest.param(1, DSI, "1", id="1"),
        pytest.param(1000, DSI, "1k", id="1k"),
        pytest.param(1234000, DSI, "1234k", id="1234k"),
        pytest.param(1024, BSI, "1Ki", id="1Ki"),
        pytest.param(1000000, "invalidFormatDefaultsToExponent", "1e6", id="unknown-format"),
        pytest.param(1024 * 1024, BSI, "1Mi", id="1Mi"),
    ],
)
def test_new(value: int, fmt: str, expected: str) -> None:
    """TestNewSet."""
    q = Quantity.from_int(value, fmt)
    assert str(q) == expected
    assert parse(str(q)).value() == value


@pytest.mark.parametrize(
    ("value", "scale", "expected"),
    [
        pytest.param(1, NANO, "1n", id="1n"),
        pytest.param(1000, NANO, "1u", id="1000n"),
        pytest.param(1, MICRO, "1u", id="1u"),
        pytest.param(1000, MICRO, "1m", id="1000u"),
        pytest.param(1, MILLI, "1m", id="1m"),
        pytest.param(1000, MILLI, "1", id="1000m"),
        pytest.param(1, 0, "1", id="1"),
        pytest.param(0, NANO, "0", id="0n"),
        pytest.param(0, MICRO, "0", id="0u"),
        pytest.param(0, MILLI, "0", id="0m"),
        pytest.param(0, 0, "0", id="0"),
    ],
)
def test_new_scaled(value: int, scale: int, expected: str) -> None:
    """TestNewScaledSet."""
    q = Quantity(value, scale)
    assert str(q) == expected
    assert parse(str(q)).scaled_value(scale) == value


@pytest.mark.parametrize(
    ("from_scale", "to_scale", "expected"),
    [
        pytest.param(NANO, NANO, 1, id="n-n"),
        pytest.param(NANO, MICRO, 1, id="n-u"),
        pytest.param(NANO, MILLI, 1, id="n-m"),
        pytest.param(NANO, 0, 1, id="n-1"),
        pytest.param(MICRO, NANO, 1000, id="u-n"),
        pytest.param(MICRO, MICRO, 1, id="u-u"),
        pytest.param(MICRO, MILLI, 1, id="u-m"),
        pytest.param(MICRO, 0, 1, id="u-1"),
        pytest.param(MILLI, NANO, 1000 * 1000, id="m-n"),
        pytest.param(MILLI, MICRO, 1000, id="m-u"),
        pytest.param(MILLI, MILLI, 1, id="m-m"),
        pytest.param(MILLI, 0, 1, id="m-1"),
        pytest.param(0, NANO, 1000 * 1000 * 1000, id="1-n"),
        pytest.param(0, MICRO, 1000 * 1000, id="1-u"),
        pytest.param(0, MILLI, 1000, id="1-m"),
        pytest.param(0, 0, 1, id="1-1"),
        pytest.param(2, -2, 100 * 100, id="100-centi"),
    ],
)
def test_scaled_value(from_scale: int, to_scale: int, expected: int) -> None:
    """TestScaledValue."""
    assert Quantity(1, from_scale).scaled_value(to_scale) == expected


@pytest.mark.parametrize(
    ("text", "value", "milli"),
    [
        pytest.param("1.5", 2, 1500, id="rounds-up"),
        pytest.param("-1.5", -2, -1500, id="rounds-away-from-zero"),
        pytest.param("1n", 1, 1, id="nano-is-one-milli"),
        pytest.param("100Ei", (1 << 63) - 1, (1 << 63) - 1, id="binary-cap"),
        pytest.param("100E", (1 << 63) - 1, (1 << 63) - 1, id="saturates"),
        pytest.param("-100E", -(1 << 63), -(1 << 63), id="saturates-negative"),
        pytest.param("1e-2147483648", 1, 1, id="tiny-rounds-to-one"),
    ],
)
def test_int_accessors(text: str, value: int, milli: int) -> None:
    q = parse(text)
    assert (q.value(), q.milli_value()) == (value, milli)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        pytest.param(decimal(10, 0, DSI), decimal(1, 1, DSI), decimal(0, 0, DSI), id="10-10"),
        pytest.param(decimal(10, 0, DSI), decimal(1, 0, BSI), decimal(9, 0, DSI), id="10-1"),
        pytest.param(decimal(10, 0, BSI), decimal(1, 0, DSI), decimal(9, 0, BSI), id="10Bi-1"),
        pytest.param(Quantity(format=DSI), decimal(50, 0, DSI), decimal(-50, 0, DSI), id="0-50"),
        pytest.param(decimal(50, 0, DSI), Quantity(format=DSI), decimal(50, 0, DSI), id="50-0"),
        pytest.param(Quantity(format=DSI), Quantity(format=DSI), decimal(0, 0, DSI), id="0-0"),
    ],
)
def test_sub(a: Quantity, b: Quantity, expected: Quantity) -> None:
    """TestSub."""
    assert a - b == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        pytest.param(decimal(10, 0, DSI), decimal(1, 1, DSI), decimal(20, 0, DSI), id="10+10"),
        pytest.param(decimal(10, 0, DSI), decimal(1, 0, BSI), decimal(11, 0, DSI), id="10+1"),
        pytest.param(decimal(10, 0, BSI), decimal(1, 0, DSI), decimal(11, 0, BSI), id="10Bi+1"),
        pytest.param(Quantity(format=DSI), decimal(50, 0, DSI), decimal(50, 0, DSI), id="0+50"),
        pytest.param(decimal(50, 0, DSI), Quantity(format=DSI), decimal(50, 0, DSI), id="50+0"),
        pytest.param(Quantity(format=DSI), Quantity(format=DSI), decimal(0, 0, DSI), id="0+0"),
    ],
)
def test_add(a: Quantity, b: Quantity, expected: Quantity) -> None:
    """TestAdd."""
    assert a + b == expected


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [
        pytest.param(decimal(0, 0, DSI), decimal(0, 0, DSI), id="int-zero"),
        pytest.param(Quantity(), Quantity(), id="zero-value"),
        pytest.param(decimal(10, 0, BSI), decimal(-10, 0, BSI), id="int-positive"),
        pytest.param(decimal(-10, 0, BSI), decimal(10, 0, BSI), id="int-negative"),
        pytest.param(decimal(0, 0, DSI), decimal(0, 0, DSI), id="dec-zero"),
        pytest.param(decimal(10, 0, BSI), decimal(-10, 0, BSI), id="dec-positive"),
        pytest.param(decimal(-10, 0, BSI), decimal(10, 0, BSI), id="dec-negative"),
    ],
)
def test_neg(quantity: Quantity, expected: Quantity) -> None:
    """TestNeg."""
    assert -quantity == expected


@pytest.mark.parametrize("text", [pytest.param("100m", id="100m"), pytest.param("1Gi", id="1Gi")])
def test_add_zero_preserves_suffix(text: str) -> None:
    """TestQuantityAddZeroPreservesSuffix: the zero operand never decides the format."""
    zero, value = parse("0"), parse(text)
    assert str(value + zero) == text
    assert str(zero + value) == text


@pytest.mark.parametrize("text", [pytest.param("100m", id="100m"), pytest.param("1Gi", id="1Gi")])
def test_sub_zero_preserves_suffix(text: str) -> None:
    """TestQuantitySubZeroPreservesSuffix."""
    zero, value = parse("0"), parse(text)
    assert str(value - zero) == text
    assert str(zero - value) == str(-value)


def test_canonicalize_zero() -> None:
    """TestQuantityCanocicalizeZero: a computed zero prints as 0, not 0m."""
    assert str(parse("1000m") - parse("1")) == "0"


def test_most_negative_negates_exactly() -> None:
    """TestNegAndSubAtMostNegative / TestZeroSubMostNegative*: no int64 wrap-around at -2^63."""
    two_63 = parse("9223372036854775808")
    assert -decimal(MOST_NEGATIVE, 0) == two_63
    assert str(-decimal(MOST_NEGATIVE, 0)) == "9223372036854775808"
    assert Quantity(format=DSI) - decimal(MOST_NEGATIVE, 0) == two_63
    assert str(decimal(1, 0) - decimal(MOST_NEGATIVE, 0)) == "9223372036854775809"
    assert str(-decimal(MOST_NEGATIVE, MILLI)) == "9223372036854775808m"
    assert str(decimal(1, MILLI) - decimal(MOST_NEGATIVE, MILLI)) == "9223372036854775809m"
    assert str(decimal(1, 1) - decimal(MOST_NEGATIVE, 0)) == "9223372036854775818"
    inherited = Quantity(format=DSI) - decimal(MOST_NEGATIVE, 0, BSI)
    assert (inherited.format, str(inherited)) == (BSI, "8Ei")
    assert -decimal(MOST_NEGATIVE + 1, 0) == decimal(MOST_POSITIVE, 0)


# TestParseQuantity: text -> String(); an empty canonical means the text itself.
PARSE_STRING_TABLE = [
    # min/max 18 digits
    ("-999999999999999999", ""),
    ("999999999999999999", ""),
    ("-999999999999999999.0", "-999999999999999999"),
    ("999999999999999999.0", "999999999999999999"),
    ("-999999999999999999.1", "-999999999999999999100m"),
    ("999999999999999999.1", "999999999999999999100m"),
    # min/max 19 digits
    ("-9999999999999999999", ""),
    ("9999999999999999999", ""),
    ("-1E", ""),
    ("1E", ""),
    ("-1000000000000000000", "-1E"),
    ("1000000000000000000", "1E"),
    ("-9999999999999999999.0", "-9999999999999999999"),
    ("9999999999999999999.0", "9999999999999999999"),
    ("-1.0E", "-1E"),
    ("1.0E", "1E"),
    ("-1000000000000000000.0", "-1E"),
    ("1000000000000000000.0", "1E"),
    ("-9999999999999999999000m", "-9999999999999999999"),
    ("9999999999999999999000m", "9999999999999999999"),
    ("-9999999999999999999.1", "-9999999999999999999100m"),
    ("9999999999999999999.1", "9999999999999999999100m"),
    ("-1.0000000000000000001E", "-1000000000000000000100m"),
    ("1.0000000000000000001E", "1000000000000000000100m"),
    ("-1000000000000000000.1", "-1000000000000000000100m"),
    ("1000000000000000000.1", "1000000000000000000100m"),
    ("-1.000000000000000001E", "-1000000000000000001"),
    ("1.000000000000000001E", "1000000000000000001"),
    ("-1000000000000000001", ""),
    ("1000000000000000001", ""),
    # min/max 20 digits
    ("-10E", ""),
    ("10E", ""),
    ("-10000000000000000000", "-10E"),
    ("10000000000000000000", "10E"),
    ("-10.0E", "-10E"),
    ("10.0E", "10E"),
    ("-10000000000000000000.0", "-10E"),
    ("10000000000000000000.0", "10E"),
    ("-10000000000000000000000m", "-10E"),
    ("10000000000000000000000m", "10E"),
    ("-10.0000000000000000001E", "-10000000000000000000100m"),
    ("10.0000000000000000001E", "10000000000000000000100m"),
    ("-10000000000000000000.1", "-10000000000000000000100m"),
    ("10000000000000000000.1", "10000000000000000000100m"),
    ("-10.000000000000000001E", "-10000000000000000001"),
    ("10.000000000000000001E", "10000000000000000001"),
    ("-10000000000000000001", ""),
    ("10000000000000000001", ""),
    # min/max int64 - 1
    ("-9223372036854775809", ""),
    ("9223372036854775806", ""),
    ("-9223372036854775809.0", "-9223372036854775809"),
    ("9223372036854775806.0", "9223372036854775806"),
    ("-9223372036854775809000m", "-9223372036854775809"),
    ("9223372036854775806000m", "9223372036854775806"),
    ("-9223372036854775809.1", "-9223372036854775809100m"),
    ("9223372036854775806.1", "9223372036854775806100m"),
    # min/max int64
    ("-9223372036854775808", ""),
    ("9223372036854775807", ""),
    ("-9223372036854775808.0", "-9223372036854775808"),
    ("9223372036854775807.0", "9223372036854775807"),
    ("-9223372036854775808000m", "-9223372036854775808"),
    ("9223372036854775807000m", "9223372036854775807"),
    ("-9223372036854775808.1", "-9223372036854775808100m"),
    ("9223372036854775807.1", "9223372036854775807100m"),
    # min/max int64 + 1
    ("-9223372036854775807", ""),
    ("9223372036854775808", ""),
    ("-9223372036854775807.0", "-9223372036854775807"),
    ("9223372036854775808.0", "9223372036854775808"),
    ("-9223372036854775807000m", "-9223372036854775807"),
    ("9223372036854775808000m", "9223372036854775808"),
    ("-9223372036854775807.1", "-9223372036854775807100m"),
    ("9223372036854775808.1", "9223372036854775808100m"),
]


@pytest.mark.parametrize(("text", "canonical"), [pytest.param(t, c, id=t) for t, c in PARSE_STRING_TABLE])
def test_parse_reserializes(text: str, canonical: str) -> None:
    """TestParseQuantity: the value survives exactly and prints as upstream prints it."""
    q = parse(text)
    assert str(q) == (canonical or text)
    assert q == parse(canonical or text)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param('" 1"', "1", id="quoted-leading-space"),
        pytest.param('"1 "', "1", id="quoted-trailing-space"),
        pytest.param("1", "1", id="number"),
        pytest.param(" 1", "1", id="number-leading-space"),
        pytest.param("1 ", "1", id="number-trailing-space"),
        pytest.param("10", "10", id="ten"),
        pytest.param("-1", "-1", id="negative"),
        pytest.param(" -1", "-1", id="negative-leading-space"),
    ],
)
def test_json_whitespace(value: str, expected: str) -> None:
    """TestJSONWhitespace: decoding trims around the text (canonicalize takes the JSON value)."""
    assert canonicalize(value.strip('"')) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(0.5, "500m", id="float-half"),
        pytest.param(10, "10", id="int"),
        pytest.param(1000, "1k", id="int-thousand"),
        pytest.param(100.0, "100", id="integral-float-has-no-point"),
        pytest.param(1.125, "1.125", id="float-text-echoed"),
        pytest.param(1e16, "10P", id="float-positional-below-1e21"),
        pytest.param(1e21, "1e+21", id="float-exponent-form-echoed"),
        pytest.param(1e-9, "1e-9", id="float-exponent-unpadded"),
        pytest.param(1.5e-7, "150e-9", id="float-below-1e-6-is-exponent-form"),
        pytest.param(-0.0, "0", id="negative-zero"),
        pytest.param(None, "0", id="null-is-zero"),
        pytest.param("100m", "100m", id="string"),
        pytest.param("\u00a01Gi\n", "1Gi", id="go-whitespace-trimmed"),
        pytest.param(Quantity.from_milli(1500), "1500m", id="quantity"),
    ],
)
def test_canonicalize(value: object, expected: str) -> None:
    assert canonicalize(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param(True, ERR_FORMAT_WRONG, id="bool"),
        pytest.param(float("nan"), "json: unsupported value: NaN", id="nan"),
        pytest.param(float("-inf"), "json: unsupported value: -Inf", id="inf"),
        pytest.param("\x1c1", ERR_FORMAT_WRONG, id="not-go-whitespace"),
        pytest.param([1], ERR_FORMAT_WRONG, id="json-array"),
    ],
)
def test_canonicalize_invalid(value: object, message: str) -> None:
    with pytest.raises(QuantityError) as raised:
        canonicalize(value)
    assert str(raised.value) == message


def test_quantity_value_set() -> None:
    """TestQuantityValueSet: "1Mi" is 1048576 and serialises as "1Mi"."""
    with pytest.raises(QuantityError):
        parse("invalid")
    q = parse("1Mi")
    assert q.value() == 1024 * 1024
    assert canonicalize("1Mi") == "1Mi"


def test_deep_copy_shares_the_immutable_value() -> None:
    """TestQuantityDeepCopy: a copy compares equal; here it is the same immutable object."""
    for text in ("0", "100m", "50m", "10000T"):
        q = parse(text)
        assert copy.deepcopy(q) is q
        assert copy.deepcopy({"q": q})["q"] == q


def test_hash_follows_value() -> None:
    assert {parse("1"), parse("1000m"), parse("1e0"), parse("0.001k")} == {parse("1")}
    assert hash(parse("1Gi")) == hash(parse("1024Mi"))


def test_binary_si_beyond_exbi_prints_the_bare_mantissa() -> None:
    """Upstream has no suffix past Ei: 2^70 BinarySI prints as "1" (kept for fidelity)."""
    assert str(Quantity(1 << 70, 0, BSI)) == "1"


def test_huge_exponents_stay_cheap() -> None:
    big, small = parse("1e2147483647"), parse("1")
    assert big > small
    assert -big < small
    assert big.value() == MOST_POSITIVE
    assert str(big) == "10e2147483646"


# --- properties ---------------------------------------------------------------------------------

_FORMATS = st.sampled_from([DSI, BSI, DEX])


@st.composite
def quantities(draw: st.DrawFn) -> Quantity:
    fmt = draw(_FORMATS)
    scale = draw(st.integers(min_value=NANO, max_value=24))
    limit = 10**20
    if fmt == BSI:  # parsing caps BinarySI at 2^63-1, so only values within it round-trip
        limit = MOST_POSITIVE // 10 ** max(scale, 0)
    return Quantity(draw(st.integers(min_value=-limit, max_value=limit)), scale, fmt)


@given(quantities())
def test_property_parse_of_string_round_trips(q: Quantity) -> None:
    assert parse(str(q)) == q


@given(st.from_regex(r"[+-]?[0-9]{0,25}(\.[0-9]{0,12})?(|[numkMGTPE]|[KMGTPE]i|[eE][+-]?[0-9]{1,3})", fullmatch=True))
def test_property_canonical_text_is_a_fixed_point(text: str) -> None:
    try:
        once = str(parse(text))
    except QuantityError:
        return
    assert str(parse(once)) == once


@given(st.text(max_size=30))
def test_property_parse_raises_only_quantity_errors(text: str) -> None:
    try:
        parse(text)
    except QuantityError:
        pass


def _exact(unscaled: int, scale: int) -> Fraction:
    return Fraction(unscaled) * Fraction(10) ** scale


_TERMS = st.tuples(st.integers(min_value=-(10**6), max_value=10**6), st.integers(min_value=-6, max_value=6))


@given(_TERMS, _TERMS)
def test_property_arithmetic_and_order_are_exact(a: tuple[int, int], b: tuple[int, int]) -> None:
    qa, qb = Quantity(*a), Quantity(*b)
    fa, fb = _exact(*a), _exact(*b)
    assert (qa < qb, qa == qb, qa > qb) == (fa < fb, fa == fb, fa > fb)
    assert (qa + qb).scaled_value(MICRO) == (fa + fb) * 10**6
    assert (qa - qb).scaled_value(MICRO) == (fa - fb) * 10**6


@given(_TERMS, st.integers(min_value=-18, max_value=18))
def test_property_scaled_value_rounds_away_from_zero_and_saturates(a: tuple[int, int], scale: int) -> None:
    exact = _exact(*a) / Fraction(10) ** scale
    away_from_zero = math.ceil(exact) if exact >= 0 else math.floor(exact)
    assert Quantity(*a).scaled_value(scale) == min(max(away_from_zero, MOST_NEGATIVE), MOST_POSITIVE)
