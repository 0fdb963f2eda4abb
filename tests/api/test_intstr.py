"""IntOrString helpers, with upstream's test tables.

Ported from kubernetes ``staging/src/k8s.io/apimachinery/pkg/util/intstr/intstr_test.go`` (the
version with CBOR support): ``TestGetIntFromIntOrString``, ``TestGetIntFromIntOrPercent``,
``TestGetValueFromIntOrPercentNil``. Error texts are those of ``intstr.go`` and Go's ``strconv``.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubenb.api.intstr import (
    IntOrStringError,
    get_scaled_value_from_int_or_percent,
    go_atoi,
    int_or_string_str,
    value_or_default,
)

NOT_A_PERCENTAGE = "invalid value for IntOrString: invalid type: string is not a percentage"


@pytest.mark.parametrize(
    ("value", "total", "round_up", "expected"),
    [
        pytest.param(123, 0, False, 123, id="int"),
        pytest.param("90%", 100, True, 90, id="90%-of-100"),
        pytest.param("90%", 95, True, 86, id="90%-of-95-up"),
        pytest.param("90%", 95, False, 85, id="90%-of-95-down"),
        # TestGetIntFromIntOrString's valid rows, scaled by 100
        pytest.param(200, 100, False, 200, id="int-200"),
        pytest.param("40%", 100, False, 40, id="40%"),
        # the deployment controller's fenceposts: 10 replicas at 25%
        pytest.param("25%", 10, True, 3, id="surge-25%-of-10"),
        pytest.param("25%", 10, False, 2, id="unavailable-25%-of-10"),
        pytest.param("+5%", 100, False, 5, id="plus-sign"),
        pytest.param("-5%", 10, True, 0, id="negative-percent"),
    ],
)
def test_get_scaled_value(value: int | str, total: int, round_up: bool, expected: int) -> None:
    """TestGetIntFromIntOrPercent."""
    assert get_scaled_value_from_int_or_percent(value, total, round_up) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param("%", 'invalid value for IntOrString: invalid value "%": strconv.Atoi: parsing "": invalid syntax',
                     id="percent-only"),
        pytest.param("90#", NOT_A_PERCENTAGE, id="90#"),
        pytest.param("#%", 'invalid value for IntOrString: invalid value "#%": strconv.Atoi: parsing "#": invalid '
                           "syntax", id="#%"),
        pytest.param("90", NOT_A_PERCENTAGE, id="number-without-percent"),
        # TestGetIntFromIntOrString's invalid rows
        pytest.param("200", NOT_A_PERCENTAGE, id="200"),
        pytest.param("30%0", NOT_A_PERCENTAGE, id="30%0"),
        pytest.param("a%", 'invalid value for IntOrString: invalid value "a%": strconv.Atoi: parsing "a": invalid '
                           "syntax", id="a%"),
        pytest.param("a", NOT_A_PERCENTAGE, id="a"),
        pytest.param("40#", NOT_A_PERCENTAGE, id="40#"),
        pytest.param("40%%", 'invalid value for IntOrString: invalid value "40%%": strconv.Atoi: parsing "40%": '
                             "invalid syntax", id="40%%"),
        pytest.param("oops", NOT_A_PERCENTAGE, id="oops"),
        pytest.param(" 5%", 'invalid value for IntOrString: invalid value " 5%": strconv.Atoi: parsing " 5": invalid '
                            "syntax", id="space"),
        pytest.param("99999999999999999999%", 'invalid value for IntOrString: invalid value "99999999999999999999%": '
                                              'strconv.Atoi: parsing "99999999999999999999": value out of range',
                     id="out-of-range"),
    ],
)
def test_get_scaled_value_errors(value: str, message: str) -> None:
    """TestGetIntFromIntOrPercent / TestGetIntFromIntOrString: error rows, with the exact texts."""
    with pytest.raises(IntOrStringError) as raised:
        get_scaled_value_from_int_or_percent(value, 100, True)
    assert str(raised.value) == message


def test_get_scaled_value_nil() -> None:
    """TestGetValueFromIntOrPercentNil."""
    with pytest.raises(IntOrStringError) as raised:
        get_scaled_value_from_int_or_percent(None, 0, False)
    assert str(raised.value) == "nil value for IntOrString"


def test_value_or_default() -> None:
    assert get_scaled_value_from_int_or_percent(value_or_default(None, 0), 10, True) == 0
    assert value_or_default("25%", 0) == "25%"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        pytest.param(None, "<nil>", id="nil"),
        pytest.param(80, "80", id="int"),
        pytest.param("http", "http", id="string"),
        pytest.param("80", "80", id="numeric-string"),
    ],
)
def test_int_or_string_str(value: int | str | None, text: str) -> None:
    assert int_or_string_str(value) == text


@pytest.mark.parametrize(
    ("text", "value"),
    [
        pytest.param("0", 0, id="zero"),
        pytest.param("-12", -12, id="negative"),
        pytest.param("+12", 12, id="plus"),
        pytest.param("007", 7, id="leading-zeros"),
        pytest.param("9223372036854775807", (1 << 63) - 1, id="max"),
        pytest.param("-9223372036854775808", -(1 << 63), id="min"),
        pytest.param("0" * 5000 + "1", 1, id="many-leading-zeros"),
    ],
)
def test_go_atoi(text: str, value: int) -> None:
    assert go_atoi(text) == value


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        pytest.param("", "invalid syntax", id="empty"),
        pytest.param("-", "invalid syntax", id="sign-only"),
        pytest.param("1_000", "invalid syntax", id="underscore"),
        pytest.param("١", "invalid syntax", id="non-ascii-digit"),
        pytest.param("9223372036854775808", "value out of range", id="max+1"),
        pytest.param("-9223372036854775809", "value out of range", id="min-1"),
        pytest.param("99999999999999999999x", "value out of range", id="overflow-found-before-syntax"),
        pytest.param("9x9999999999999999999", "invalid syntax", id="syntax-found-before-overflow"),
    ],
)
def test_go_atoi_errors(text: str, reason: str) -> None:
    with pytest.raises(ValueError) as raised:
        go_atoi(text)
    assert str(raised.value).endswith(f": {reason}")


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=10**6))
def test_property_percent_rounding_brackets_the_exact_value(percent: int, total: int) -> None:
    up = get_scaled_value_from_int_or_percent(f"{percent}%", total, True)
    down = get_scaled_value_from_int_or_percent(f"{percent}%", total, False)
    assert down * 100 <= percent * total <= up * 100
    assert up - down == (0 if percent * total % 100 == 0 else 1)
