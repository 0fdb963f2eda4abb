"""Upstream duration tables, ported.

Sources:
* kubernetes ``staging/src/k8s.io/apimachinery/pkg/util/duration/duration_test.go``
  (kubernetes/kubernetes commit 008b3652): TestHumanDuration, TestHumanDurationBoundaries,
  TestShortHumanDurationBoundaries.
* golang/go ``src/time/time_test.go`` (commit f7396aae): durationTests (TestDurationString),
  parseDurationTests, parseDurationErrorTests, TestParseDurationRoundTrip.

Go writes durations in nanoseconds, so the tables call the exact ``*_ns`` functions; the seconds
API is checked separately.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubenb.sim.duration import (
    HOUR,
    MICROSECOND,
    MILLISECOND,
    MINUTE,
    NANOSECOND,
    SECOND,
    format_go_duration,
    format_go_duration_ns,
    human_duration,
    human_duration_ns,
    parse_duration,
    parse_duration_ns,
    short_human_duration,
    short_human_duration_ns,
)

DAY = 24 * HOUR
YEAR = 365 * DAY
MAX_DURATION = (1 << 63) - 1
MIN_DURATION = -(1 << 63)


def cases(table):
    return [pytest.param(d, want, id=f"{d}ns") for d, want in table]


HUMAN_DURATION = [
    (SECOND, "1s"),
    (70 * SECOND, "70s"),
    (190 * SECOND, "3m10s"),
    (70 * MINUTE, "70m"),
    (47 * HOUR, "47h"),
    (49 * HOUR, "2d1h"),
    ((8 * 24 + 2) * HOUR, "8d"),
    ((367 * 24) * HOUR, "367d"),
    ((365 * 2 * 24 + 25) * HOUR, "2y1d"),
    ((365 * 8 * 24 + 2) * HOUR, "8y"),
]

HUMAN_DURATION_BOUNDARIES = [
    (-2 * SECOND, "<invalid>"),
    (-2 * SECOND + 1, "0s"),
    (0, "0s"),
    (SECOND - MILLISECOND, "0s"),
    (2 * MINUTE - MILLISECOND, "119s"),
    (2 * MINUTE, "2m"),
    (2 * MINUTE + SECOND, "2m1s"),
    (10 * MINUTE - MILLISECOND, "9m59s"),
    (10 * MINUTE, "10m"),
    (10 * MINUTE + SECOND, "10m"),
    (3 * HOUR - MILLISECOND, "179m"),
    (3 * HOUR, "3h"),
    (3 * HOUR + MINUTE, "3h1m"),
    (8 * HOUR - MILLISECOND, "7h59m"),
    (8 * HOUR, "8h"),
    (8 * HOUR + 59 * MINUTE, "8h"),
    (2 * DAY - MILLISECOND, "47h"),
    (2 * DAY, "2d"),
    (2 * DAY + HOUR, "2d1h"),
    (8 * DAY - MILLISECOND, "7d23h"),
    (8 * DAY, "8d"),
    (8 * DAY + 23 * HOUR, "8d"),
    (2 * YEAR - MILLISECOND, "729d"),
    (2 * YEAR, "2y"),
    (2 * YEAR + 23 * HOUR, "2y"),
    (2 * YEAR + 23 * HOUR + 59 * MINUTE, "2y"),
    (2 * YEAR + 24 * HOUR - MILLISECOND, "2y"),
    (2 * YEAR + 24 * HOUR, "2y1d"),
    (3 * YEAR, "3y"),
    (4 * YEAR, "4y"),
    (5 * YEAR, "5y"),
    (6 * YEAR, "6y"),
    (7 * YEAR, "7y"),
    (8 * YEAR - MILLISECOND, "7y364d"),
    (8 * YEAR, "8y"),
    (8 * YEAR + 364 * DAY, "8y"),
    (9 * YEAR, "9y"),
]

SHORT_HUMAN_DURATION_BOUNDARIES = [
    (-2 * SECOND, "<invalid>"),
    (-2 * SECOND + 1, "0s"),
    (0, "0s"),
    (SECOND - MILLISECOND, "0s"),
    (SECOND, "1s"),
    (2 * SECOND - MILLISECOND, "1s"),
    (MINUTE - MILLISECOND, "59s"),
    (MINUTE, "1m"),
    (2 * MINUTE - MILLISECOND, "1m"),
    (HOUR - MILLISECOND, "59m"),
    (HOUR, "1h"),
    (2 * HOUR - MILLISECOND, "1h"),
    (DAY - MILLISECOND, "23h"),
    (DAY, "1d"),
    (2 * DAY - MILLISECOND, "1d"),
    (YEAR - MILLISECOND, "364d"),
    (YEAR, "1y"),
    (2 * YEAR - MILLISECOND, "1y"),
    (2 * YEAR, "2y"),
]


@pytest.mark.parametrize(("d", "want"), cases(HUMAN_DURATION + HUMAN_DURATION_BOUNDARIES))
def test_human_duration(d, want):
    assert human_duration_ns(d) == want


@pytest.mark.parametrize(("d", "want"), cases(SHORT_HUMAN_DURATION_BOUNDARIES))
def test_short_human_duration(d, want):
    assert short_human_duration_ns(d) == want


@pytest.mark.parametrize(
    ("seconds", "human", "short"),
    [
        (57, "57s", "57s"),
        (119.999, "119s", "1m"),
        (123, "2m3s", "2m"),
        (-1.5, "0s", "0s"),
        (-2, "<invalid>", "<invalid>"),
        (3 * 3600 + 60, "3h1m", "3h"),
    ],
)
def test_human_durations_of_seconds(seconds, human, short):
    assert human_duration(seconds) == human
    assert short_human_duration(seconds) == short


# ------------------------------------------------------------------------ Duration.String

DURATION_STRING = [
    ("0s", 0),
    ("1ns", 1 * NANOSECOND),
    ("1.1µs", 1100 * NANOSECOND),
    ("2.2ms", 2200 * MICROSECOND),
    ("3.3s", 3300 * MILLISECOND),
    ("4m5s", 4 * MINUTE + 5 * SECOND),
    ("4m5.001s", 4 * MINUTE + 5001 * MILLISECOND),
    ("5h6m7.001s", 5 * HOUR + 6 * MINUTE + 7001 * MILLISECOND),
    ("8m0.000000001s", 8 * MINUTE + 1 * NANOSECOND),
    ("2562047h47m16.854775807s", MAX_DURATION),
    ("-2562047h47m16.854775808s", MIN_DURATION),
]


@pytest.mark.parametrize(("want", "d"), [pytest.param(s, d, id=s) for s, d in DURATION_STRING])
def test_duration_string(want, d):
    assert format_go_duration_ns(d) == want
    if d > 0:
        assert format_go_duration_ns(-d) == "-" + want


@pytest.mark.parametrize(
    ("seconds", "want"),
    [(300, "5m0s"), (3600, "1h0m0s"), (0.3, "300ms"), (30, "30s"), (1.5, "1.5s"), (0, "0s"), (-90, "-1m30s")],
)
def test_format_go_duration_of_seconds(seconds, want):
    assert format_go_duration(seconds) == want


# ------------------------------------------------------------------------ ParseDuration

PARSE_DURATION = [
    # simple
    ("0", 0),
    ("5s", 5 * SECOND),
    ("30s", 30 * SECOND),
    ("1478s", 1478 * SECOND),
    # sign
    ("-5s", -5 * SECOND),
    ("+5s", 5 * SECOND),
    ("-0", 0),
    ("+0", 0),
    # decimal
    ("5.0s", 5 * SECOND),
    ("5.6s", 5 * SECOND + 600 * MILLISECOND),
    ("5.s", 5 * SECOND),
    (".5s", 500 * MILLISECOND),
    ("1.0s", 1 * SECOND),
    ("1.00s", 1 * SECOND),
    ("1.004s", 1 * SECOND + 4 * MILLISECOND),
    ("1.0040s", 1 * SECOND + 4 * MILLISECOND),
    ("100.00100s", 100 * SECOND + 1 * MILLISECOND),
    # different units
    ("10ns", 10 * NANOSECOND),
    ("11us", 11 * MICROSECOND),
    ("12µs", 12 * MICROSECOND),  # U+00B5
    ("12μs", 12 * MICROSECOND),  # U+03BC
    ("13ms", 13 * MILLISECOND),
    ("14s", 14 * SECOND),
    ("15m", 15 * MINUTE),
    ("16h", 16 * HOUR),
    # composite durations
    ("3h30m", 3 * HOUR + 30 * MINUTE),
    ("10.5s4m", 4 * MINUTE + 10 * SECOND + 500 * MILLISECOND),
    ("-2m3.4s", -(2 * MINUTE + 3 * SECOND + 400 * MILLISECOND)),
    ("1h2m3s4ms5us6ns", 1 * HOUR + 2 * MINUTE + 3 * SECOND + 4 * MILLISECOND + 5 * MICROSECOND + 6 * NANOSECOND),
    ("39h9m14.425s", 39 * HOUR + 9 * MINUTE + 14 * SECOND + 425 * MILLISECOND),
    # large value
    ("52763797000ns", 52763797000 * NANOSECOND),
    # more than 9 digits after decimal point, see https://golang.org/issue/6617
    ("0.3333333333333333333h", 20 * MINUTE),
    # 9007199254740993 = 1<<53+1 cannot be stored precisely in a float64
    ("9007199254740993ns", ((1 << 53) + 1) * NANOSECOND),
    # largest duration that can be represented by int64 in nanoseconds
    ("9223372036854775807ns", MAX_DURATION),
    ("9223372036854775.807us", MAX_DURATION),
    ("9223372036s854ms775us807ns", MAX_DURATION),
    ("-9223372036854775808ns", MIN_DURATION),
    ("-9223372036854775.808us", MIN_DURATION),
    ("-9223372036s854ms775us808ns", MIN_DURATION),
    # largest negative value
    ("-9223372036854775808ns", MIN_DURATION),
    # largest negative round trip value, see https://golang.org/issue/48629
    ("-2562047h47m16.854775808s", MIN_DURATION),
    # huge string; issue 15011.
    ("0.100000000000000000000h", 6 * MINUTE),
    # This value tests the first overflow check in leadingFraction.
    ("0.830103483285477580700h", 49 * MINUTE + 48 * SECOND + 372539827 * NANOSECOND),
]


@pytest.mark.parametrize(("text", "want"), [pytest.param(t, d, id=t) for t, d in PARSE_DURATION])
def test_parse_duration(text, want):
    assert parse_duration_ns(text) == want


def raw(data: bytes) -> str:
    """A Go string holding arbitrary bytes, as Python holds it (``surrogateescape``)."""
    return data.decode("utf-8", "surrogateescape")


PARSE_DURATION_ERRORS = [
    # invalid
    ("", '""'),
    ("3", '"3"'),
    ("-", '"-"'),
    ("s", '"s"'),
    (".", '"."'),
    ("-.", '"-."'),
    (".s", '".s"'),
    ("+.s", '"+.s"'),
    ("1d", '"1d"'),
    (raw(b"\x85\x85"), r'"\x85\x85"'),
    (raw(b"\xffff"), r'"\xffff"'),
    (raw(b"hello \xffff world"), r'"hello \xffff world"'),
    ("\ufffd", r'"\xef\xbf\xbd"'),  # utf8.RuneError
    ("\ufffd hello \ufffd world", r'"\xef\xbf\xbd hello \xef\xbf\xbd world"'),  # utf8.RuneError
    # overflow
    ("9223372036854775810ns", '"9223372036854775810ns"'),
    ("9223372036854775808ns", '"9223372036854775808ns"'),
    ("-9223372036854775809ns", '"-9223372036854775809ns"'),
    ("9223372036854776us", '"9223372036854776us"'),
    ("3000000h", '"3000000h"'),
    ("9223372036854775.808us", '"9223372036854775.808us"'),
    ("9223372036854ms775us808ns", '"9223372036854ms775us808ns"'),
]


@pytest.mark.parametrize(("text", "expect"), [pytest.param(t, e, id=repr(t)) for t, e in PARSE_DURATION_ERRORS])
def test_parse_duration_errors(text, expect):
    """As upstream, the error must mention the quoted input."""
    with pytest.raises(ValueError) as excinfo:
        parse_duration_ns(text)
    assert expect in str(excinfo.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x", 'time: invalid duration "x"'),
        ("", 'time: invalid duration ""'),
        ("3", 'time: missing unit in duration "3"'),
        ("1d", 'time: unknown unit "d" in duration "1d"'),
        ("5s3", 'time: missing unit in duration "5s3"'),
        ('1"s', r'time: unknown unit "\"s" in duration "1\"s"'),
        ("1é", r'time: unknown unit "\xc3\xa9" in duration "1\xc3\xa9"'),
    ],
)
def test_parse_duration_error_text_is_gos(text, message):
    with pytest.raises(ValueError) as excinfo:
        parse_duration(text)
    assert str(excinfo.value) == message


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30s", 30.0), ("1m30s", 90.0), ("1.5h", 5400.0), ("300ms", 0.3), ("2h45m", 9900.0), ("-1s", -1.0)],
)
def test_parse_duration_in_seconds(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("d", [MAX_DURATION, MIN_DURATION], ids=["max", "min"])
def test_parse_duration_round_trip_extremes(d):
    """https://golang.org/issue/48629"""
    assert parse_duration_ns(format_go_duration_ns(d)) == d


@given(st.integers(min_value=0, max_value=(1 << 31) - 1))
def test_parse_duration_round_trip(ms):
    """Go draws ``rand.Int31()`` milliseconds; finer resolutions would not round-trip exactly."""
    d = ms * MILLISECOND
    assert parse_duration_ns(format_go_duration_ns(d)) == d
