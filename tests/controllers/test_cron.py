"""The cron parser and schedule, ported from robfig/cron v3.0.1 (`parser_test.go`, `spec_test.go`),
the library `cron.ParseStandard` of the CronJob controller comes from.

Go's `time.Local` is UTC here (kube-controller-manager's zone in a kubeadm cluster); the DST
cases name their zone with `TZ=`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from kubenb.controllers.cronjob import (
    DOM,
    DOW,
    HOURS,
    MINUTES,
    MONTHS,
    SECOND,
    SECOND_OPTIONAL,
    SECONDS,
    STANDARD,
    STAR_BIT,
    WITH_SECONDS,
    Bounds,
    ConstantDelaySchedule,
    CronError,
    SpecSchedule,
    all_bits,
    get_bits,
    get_field,
    get_range,
    normalize_fields,
    parse,
    parse_standard,
)

MINUTE, HOUR, DOM_F, MONTH_F, DOW_F, DESCRIPTOR = (1 << 2, 1 << 3, 1 << 4, 1 << 5, 1 << 6, 1 << 8)
DOW_OPTIONAL = 1 << 7

# ---------------------------------------------------------------- parser_test.go


@pytest.mark.parametrize("expr,lo,hi,expected,err", [
    ("5", 0, 7, 1 << 5, ""),
    ("0", 0, 7, 1 << 0, ""),
    ("7", 0, 7, 1 << 7, ""),
    ("5-5", 0, 7, 1 << 5, ""),
    ("5-6", 0, 7, 1 << 5 | 1 << 6, ""),
    ("5-7", 0, 7, 1 << 5 | 1 << 6 | 1 << 7, ""),
    ("5-6/2", 0, 7, 1 << 5, ""),
    ("5-7/2", 0, 7, 1 << 5 | 1 << 7, ""),
    ("5-7/1", 0, 7, 1 << 5 | 1 << 6 | 1 << 7, ""),
    ("*", 1, 3, 1 << 1 | 1 << 2 | 1 << 3 | STAR_BIT, ""),
    ("*/2", 1, 3, 1 << 1 | 1 << 3, ""),
    ("5--5", 0, 0, 0, "too many hyphens"),
    ("jan-x", 0, 0, 0, "failed to parse int from"),
    ("2-x", 1, 5, 0, "failed to parse int from"),
    ("*/-12", 0, 0, 0, "negative number"),
    ("*//2", 0, 0, 0, "too many slashes"),
    ("1", 3, 5, 0, "below minimum"),
    ("6", 3, 5, 0, "above maximum"),
    ("5-3", 3, 5, 0, "beyond end of range"),
    ("*/0", 0, 0, 0, "should be a positive number"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_range(expr, lo, hi, expected, err):
    if err:
        with pytest.raises(CronError, match=err):
            get_range(expr, Bounds(lo, hi))
    else:
        assert get_range(expr, Bounds(lo, hi)) == expected


@pytest.mark.parametrize("expr,lo,hi,expected", [
    ("5", 1, 7, 1 << 5),
    ("5,6", 1, 7, 1 << 5 | 1 << 6),
    ("5,6,7", 1, 7, 1 << 5 | 1 << 6 | 1 << 7),
    ("1,5-7/2,3", 1, 7, 1 << 1 | 1 << 5 | 1 << 7 | 1 << 3),
])
def test_field(expr, lo, hi, expected):
    assert get_field(expr, Bounds(lo, hi)) == expected


@pytest.mark.parametrize("bounds,expected", [
    (MINUTES, 0xfffffffffffffff), (HOURS, 0xffffff), (DOM, 0xfffffffe), (MONTHS, 0x1ffe), (DOW, 0x7f)])
def test_all(bounds, expected):
    assert all_bits(bounds) == expected | STAR_BIT


@pytest.mark.parametrize("lo,hi,step,expected", [(0, 0, 1, 0x1), (1, 1, 1, 0x2), (1, 5, 2, 0x2a), (1, 4, 2, 0xa)])
def test_bits(lo, hi, step, expected):
    assert get_bits(lo, hi, step) == expected


@pytest.mark.parametrize("expr,err", [
    ("* 5 j * * *", "failed to parse int from"),
    ("@every Xm", "failed to parse duration"),
    ("@unrecognized", "unrecognized descriptor"),
    ("* * * *", "expected 5 to 6 fields"),
    ("", "empty spec string"),
])
def test_parse_schedule_errors(expr, err):
    with pytest.raises(CronError, match=err):
        parse(expr, WITH_SECONDS)


def _every5min(loc):
    return SpecSchedule(1 << 0, 1 << 5, all_bits(HOURS), all_bits(DOM), all_bits(MONTHS), all_bits(DOW), loc)


def _midnight(loc):
    return SpecSchedule(1, 1, 1, all_bits(DOM), all_bits(MONTHS), all_bits(DOW), loc)


def _annual(loc):
    return SpecSchedule(1 << SECONDS.min, 1 << MINUTES.min, 1 << HOURS.min, 1 << DOM.min, 1 << MONTHS.min,
                        all_bits(DOW), loc)


TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.mark.parametrize("options,expr,expected", [
    (WITH_SECONDS, "0 5 * * * *", _every5min(None)),
    (STANDARD, "5 * * * *", _every5min(None)),
    (WITH_SECONDS, "CRON_TZ=UTC  0 5 * * * *", _every5min(UTC)),
    (STANDARD, "CRON_TZ=UTC  5 * * * *", _every5min(UTC)),
    (WITH_SECONDS, "CRON_TZ=Asia/Tokyo 0 5 * * * *", _every5min(TOKYO)),
    (WITH_SECONDS, "@every 5m", ConstantDelaySchedule(300)),
    (WITH_SECONDS, "@midnight", _midnight(None)),
    (WITH_SECONDS, "TZ=UTC  @midnight", _midnight(UTC)),
    (WITH_SECONDS, "TZ=Asia/Tokyo @midnight", _midnight(TOKYO)),
    (WITH_SECONDS, "@yearly", _annual(None)),
    (WITH_SECONDS, "@annually", _annual(None)),
    (WITH_SECONDS, "* 5 * * * *", SpecSchedule(all_bits(SECONDS), 1 << 5, all_bits(HOURS), all_bits(DOM),
                                                 all_bits(MONTHS), all_bits(DOW), None)),
])
def test_parse_schedule(options, expr, expected):
    assert parse(expr, options) == expected


@pytest.mark.parametrize("expr,expected", [
    ("0 5 * * * *", _every5min(None)),
    ("5 5 * * * *", SpecSchedule(1 << 5, 1 << 5, all_bits(HOURS), all_bits(DOM), all_bits(MONTHS), all_bits(DOW))),
    ("5 * * * *", _every5min(None)),
])
def test_optional_second_schedule(expr, expected):
    assert parse(expr, SECOND_OPTIONAL | MINUTE | HOUR | DOM_F | MONTH_F | DOW_F | DESCRIPTOR) == expected


@pytest.mark.parametrize("fields,options,expected", [
    pytest.param(["0", "5", "*", "*", "*", "*"], SECOND | MINUTE | HOUR | DOM_F | MONTH_F | DOW_F | DESCRIPTOR,
                 ["0", "5", "*", "*", "*", "*"], id="AllFields_NoOptional"),
    pytest.param(["0", "5", "*", "*", "*", "*"], SECOND_OPTIONAL | MINUTE | HOUR | DOM_F | MONTH_F | DOW_F | DESCRIPTOR,
                 ["0", "5", "*", "*", "*", "*"], id="AllFields_SecondOptional_Provided"),
    pytest.param(["5", "*", "*", "*", "*"], SECOND_OPTIONAL | MINUTE | HOUR | DOM_F | MONTH_F | DOW_F | DESCRIPTOR,
                 ["0", "5", "*", "*", "*", "*"], id="AllFields_SecondOptional_NotProvided"),
    pytest.param(["5", "15", "*"], HOUR | DOM_F | MONTH_F, ["0", "0", "5", "15", "*", "*"],
                 id="SubsetFields_NoOptional"),
    pytest.param(["5", "15", "*", "4"], HOUR | DOM_F | MONTH_F | DOW_OPTIONAL, ["0", "0", "5", "15", "*", "4"],
                 id="SubsetFields_DowOptional_Provided"),
    pytest.param(["5", "15", "*"], HOUR | DOM_F | MONTH_F | DOW_OPTIONAL, ["0", "0", "5", "15", "*", "*"],
                 id="SubsetFields_DowOptional_NotProvided"),
    pytest.param(["5", "15", "*"], SECOND_OPTIONAL | HOUR | DOM_F | MONTH_F, ["0", "0", "5", "15", "*", "*"],
                 id="SubsetFields_SecondOptional_NotProvided"),
])
def test_normalize_fields(fields, options, expected):
    assert normalize_fields(fields, options) == expected


@pytest.mark.parametrize("fields,options", [
    pytest.param(["0", "5", "*", "*", "*", "*"], SECOND_OPTIONAL | MINUTE | HOUR | DOM_F | MONTH_F | DOW_OPTIONAL,
                 id="TwoOptionals"),
    pytest.param(["0", "5", "*", "*"], SECOND_OPTIONAL | MINUTE | HOUR, id="TooManyFields"),
    pytest.param([], SECOND_OPTIONAL | MINUTE | HOUR, id="NoFields"),
    pytest.param(["*"], SECOND_OPTIONAL | MINUTE | HOUR, id="TooFewFields"),
])
def test_normalize_fields_errors(fields, options):
    with pytest.raises(CronError):
        normalize_fields(fields, options)


@pytest.mark.parametrize("expr,expected,err", [
    ("5 * * * *", SpecSchedule(1 << SECONDS.min, 1 << 5, all_bits(HOURS), all_bits(DOM), all_bits(MONTHS),
                               all_bits(DOW)), ""),
    ("@every 5m", ConstantDelaySchedule(300), ""),
    ("5 j * * *", None, "failed to parse int from"),
    ("* * * *", None, "expected exactly 5 fields"),
])
def test_standard_spec_schedule(expr, expected, err):
    if err:
        with pytest.raises(CronError, match=err):
            parse_standard(expr)
    else:
        assert parse_standard(expr) == expected


def test_no_descriptor_parser():
    with pytest.raises(CronError):
        parse("@every 1m", MINUTE | HOUR)


def test_error_texts():
    """The texts `UnparseableSchedule` events carry (robfig/cron v3.0.1 wording)."""
    assert str(_err("5 j * * *")) == 'failed to parse int from j: strconv.Atoi: parsing "j": invalid syntax'
    assert str(_err("* * * *")) == "expected exactly 5 fields, found 4: [* * * *]"
    assert str(_err("60 * * * *")) == "end of range (60) above maximum (59): 60"
    assert str(_err("0 0 * * 7")) == "end of range (7) above maximum (6): 7"
    assert str(_err("TZ=Mars/Olympus 0 * * * *")) == "provided bad location Mars/Olympus: unknown time zone Mars/Olympus"


def _err(spec):
    with pytest.raises(CronError) as info:
        parse_standard(spec)
    return info.value


# ---------------------------------------------------------------- spec_test.go


def get_time(value: str):
    """`getTime`: (unix seconds, the time's zone); "" is Go's zero time (None)."""
    if not value:
        return None, UTC
    location = UTC
    if value.startswith("TZ="):
        zone, value = value.split()
        location = ZoneInfo(zone[3:])
    for layout in ("%a %b %d %H:%M %Y", "%a %b %d %H:%M:%S %Y"):
        try:
            naive = datetime.strptime(value, layout)
        except ValueError:
            continue
        return int(naive.replace(tzinfo=location).timestamp()), location
    aware = datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    return int(aware.timestamp()), location


def get_time_tz(value: str):
    aware = datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    return int(aware.timestamp()), timezone(aware.utcoffset() or timedelta(0))


ACTIVATION = [
    # Every fifteen minutes.
    ("Mon Jul 9 15:00 2012", "0/15 * * * *", True),
    ("Mon Jul 9 15:45 2012", "0/15 * * * *", True),
    ("Mon Jul 9 15:40 2012", "0/15 * * * *", False),
    # Every fifteen minutes, starting at 5 minutes.
    ("Mon Jul 9 15:05 2012", "5/15 * * * *", True),
    ("Mon Jul 9 15:20 2012", "5/15 * * * *", True),
    ("Mon Jul 9 15:50 2012", "5/15 * * * *", True),
    # Named months
    ("Sun Jul 15 15:00 2012", "0/15 * * Jul *", True),
    ("Sun Jul 15 15:00 2012", "0/15 * * Jun *", False),
    # Everything set.
    ("Sun Jul 15 08:30 2012", "30 08 ? Jul Sun", True),
    ("Sun Jul 15 08:30 2012", "30 08 15 Jul ?", True),
    ("Mon Jul 16 08:30 2012", "30 08 ? Jul Sun", False),
    ("Mon Jul 16 08:30 2012", "30 08 15 Jul ?", False),
    # Predefined schedules
    ("Mon Jul 9 15:00 2012", "@hourly", True),
    ("Mon Jul 9 15:04 2012", "@hourly", False),
    ("Mon Jul 9 15:00 2012", "@daily", False),
    ("Mon Jul 9 00:00 2012", "@daily", True),
    ("Mon Jul 9 00:00 2012", "@weekly", False),
    ("Sun Jul 8 00:00 2012", "@weekly", True),
    ("Sun Jul 8 01:00 2012", "@weekly", False),
    ("Sun Jul 8 00:00 2012", "@monthly", False),
    ("Sun Jul 1 00:00 2012", "@monthly", True),
    # Test interaction of DOW and DOM.
    # If both are restricted, then only one needs to match.
    ("Sun Jul 15 00:00 2012", "* * 1,15 * Sun", True),
    ("Fri Jun 15 00:00 2012", "* * 1,15 * Sun", True),
    ("Wed Aug 1 00:00 2012", "* * 1,15 * Sun", True),
    ("Sun Jul 15 00:00 2012", "* * */10 * Sun", True),  # verifies #70
    # However, if one has a star, then both need to match.
    ("Sun Jul 15 00:00 2012", "* * * * Mon", False),
    ("Mon Jul 9 00:00 2012", "* * 1,15 * *", False),
    ("Sun Jul 15 00:00 2012", "* * 1,15 * *", True),
    ("Sun Jul 15 00:00 2012", "* * */2 * Sun", True),
]


@pytest.mark.parametrize("time,spec,expected", ACTIVATION)
def test_activation(time, spec, expected):
    t, loc = get_time(time)
    actual = parse_standard(spec).next(t - 1, loc)
    assert (actual == t) is expected


NEXT = [
    # Simple cases
    ("Mon Jul 9 14:45 2012", "0 0/15 * * * *", "Mon Jul 9 15:00 2012"),
    ("Mon Jul 9 14:59 2012", "0 0/15 * * * *", "Mon Jul 9 15:00 2012"),
    ("Mon Jul 9 14:59:59 2012", "0 0/15 * * * *", "Mon Jul 9 15:00 2012"),
    # Wrap around hours
    ("Mon Jul 9 15:45 2012", "0 20-35/15 * * * *", "Mon Jul 9 16:20 2012"),
    # Wrap around days
    ("Mon Jul 9 23:46 2012", "0 */15 * * * *", "Tue Jul 10 00:00 2012"),
    ("Mon Jul 9 23:45 2012", "0 20-35/15 * * * *", "Tue Jul 10 00:20 2012"),
    ("Mon Jul 9 23:35:51 2012", "15/35 20-35/15 * * * *", "Tue Jul 10 00:20:15 2012"),
    ("Mon Jul 9 23:35:51 2012", "15/35 20-35/15 1/2 * * *", "Tue Jul 10 01:20:15 2012"),
    ("Mon Jul 9 23:35:51 2012", "15/35 20-35/15 10-12 * * *", "Tue Jul 10 10:20:15 2012"),
    ("Mon Jul 9 23:35:51 2012", "15/35 20-35/15 1/2 */2 * *", "Thu Jul 11 01:20:15 2012"),
    ("Mon Jul 9 23:35:51 2012", "15/35 20-35/15 * 9-20 * *", "Wed Jul 10 00:20:15 2012"),
    ("Mon Jul 9 23:35:51 2012", "15/35 20-35/15 * 9-20 Jul *", "Wed Jul 10 00:20:15 2012"),
    # Wrap around months
    ("Mon Jul 9 23:35 2012", "0 0 0 9 Apr-Oct ?", "Thu Aug 9 00:00 2012"),
    ("Mon Jul 9 23:35 2012", "0 0 0 */5 Apr,Aug,Oct Mon", "Tue Aug 1 00:00 2012"),
    ("Mon Jul 9 23:35 2012", "0 0 0 */5 Oct Mon", "Mon Oct 1 00:00 2012"),
    # Wrap around years
    ("Mon Jul 9 23:35 2012", "0 0 0 * Feb Mon", "Mon Feb 4 00:00 2013"),
    ("Mon Jul 9 23:35 2012", "0 0 0 * Feb Mon/2", "Fri Feb 1 00:00 2013"),
    # Wrap around minute, hour, day, month, and year
    ("Mon Dec 31 23:59:45 2012", "0 * * * * *", "Tue Jan 1 00:00:00 2013"),
    # Leap year
    ("Mon Jul 9 23:35 2012", "0 0 0 29 Feb ?", "Mon Feb 29 00:00 2016"),
    # Daylight savings time 2am EST (-5) -> 3am EDT (-4)
    ("2012-03-11T00:00:00-0500", "TZ=America/New_York 0 30 2 11 Mar ?", "2013-03-11T02:30:00-0400"),
    # hourly job
    ("2012-03-11T00:00:00-0500", "TZ=America/New_York 0 0 * * * ?", "2012-03-11T01:00:00-0500"),
    ("2012-03-11T01:00:00-0500", "TZ=America/New_York 0 0 * * * ?", "2012-03-11T03:00:00-0400"),
    ("2012-03-11T03:00:00-0400", "TZ=America/New_York 0 0 * * * ?", "2012-03-11T04:00:00-0400"),
    ("2012-03-11T04:00:00-0400", "TZ=America/New_York 0 0 * * * ?", "2012-03-11T05:00:00-0400"),
    # hourly job using CRON_TZ
    ("2012-03-11T00:00:00-0500", "CRON_TZ=America/New_York 0 0 * * * ?", "2012-03-11T01:00:00-0500"),
    ("2012-03-11T01:00:00-0500", "CRON_TZ=America/New_York 0 0 * * * ?", "2012-03-11T03:00:00-0400"),
    ("2012-03-11T03:00:00-0400", "CRON_TZ=America/New_York 0 0 * * * ?", "2012-03-11T04:00:00-0400"),
    ("2012-03-11T04:00:00-0400", "CRON_TZ=America/New_York 0 0 * * * ?", "2012-03-11T05:00:00-0400"),
    # 1am nightly job
    ("2012-03-11T00:00:00-0500", "TZ=America/New_York 0 0 1 * * ?", "2012-03-11T01:00:00-0500"),
    ("2012-03-11T01:00:00-0500", "TZ=America/New_York 0 0 1 * * ?", "2012-03-12T01:00:00-0400"),
    # 2am nightly job (skipped)
    ("2012-03-11T00:00:00-0500", "TZ=America/New_York 0 0 2 * * ?", "2012-03-12T02:00:00-0400"),
    # Daylight savings time 2am EDT (-4) => 1am EST (-5)
    ("2012-11-04T00:00:00-0400", "TZ=America/New_York 0 30 2 04 Nov ?", "2012-11-04T02:30:00-0500"),
    ("2012-11-04T01:45:00-0400", "TZ=America/New_York 0 30 1 04 Nov ?", "2012-11-04T01:30:00-0500"),
    # hourly job
    ("2012-11-04T00:00:00-0400", "TZ=America/New_York 0 0 * * * ?", "2012-11-04T01:00:00-0400"),
    ("2012-11-04T01:00:00-0400", "TZ=America/New_York 0 0 * * * ?", "2012-11-04T01:00:00-0500"),
    ("2012-11-04T01:00:00-0500", "TZ=America/New_York 0 0 * * * ?", "2012-11-04T02:00:00-0500"),
    # 1am nightly job (runs twice)
    ("2012-11-04T00:00:00-0400", "TZ=America/New_York 0 0 1 * * ?", "2012-11-04T01:00:00-0400"),
    ("2012-11-04T01:00:00-0400", "TZ=America/New_York 0 0 1 * * ?", "2012-11-04T01:00:00-0500"),
    ("2012-11-04T01:00:00-0500", "TZ=America/New_York 0 0 1 * * ?", "2012-11-05T01:00:00-0500"),
    # 2am nightly job
    ("2012-11-04T00:00:00-0400", "TZ=America/New_York 0 0 2 * * ?", "2012-11-04T02:00:00-0500"),
    ("2012-11-04T02:00:00-0500", "TZ=America/New_York 0 0 2 * * ?", "2012-11-05T02:00:00-0500"),
    # 3am nightly job
    ("2012-11-04T00:00:00-0400", "TZ=America/New_York 0 0 3 * * ?", "2012-11-04T03:00:00-0500"),
    ("2012-11-04T03:00:00-0500", "TZ=America/New_York 0 0 3 * * ?", "2012-11-05T03:00:00-0500"),
    # hourly job
    ("TZ=America/New_York 2012-11-04T00:00:00-0400", "0 0 * * * ?", "2012-11-04T01:00:00-0400"),
    ("TZ=America/New_York 2012-11-04T01:00:00-0400", "0 0 * * * ?", "2012-11-04T01:00:00-0500"),
    ("TZ=America/New_York 2012-11-04T01:00:00-0500", "0 0 * * * ?", "2012-11-04T02:00:00-0500"),
    # 1am nightly job (runs twice)
    ("TZ=America/New_York 2012-11-04T00:00:00-0400", "0 0 1 * * ?", "2012-11-04T01:00:00-0400"),
    ("TZ=America/New_York 2012-11-04T01:00:00-0400", "0 0 1 * * ?", "2012-11-04T01:00:00-0500"),
    ("TZ=America/New_York 2012-11-04T01:00:00-0500", "0 0 1 * * ?", "2012-11-05T01:00:00-0500"),
    # 2am nightly job
    ("TZ=America/New_York 2012-11-04T00:00:00-0400", "0 0 2 * * ?", "2012-11-04T02:00:00-0500"),
    ("TZ=America/New_York 2012-11-04T02:00:00-0500", "0 0 2 * * ?", "2012-11-05T02:00:00-0500"),
    # 3am nightly job
    ("TZ=America/New_York 2012-11-04T00:00:00-0400", "0 0 3 * * ?", "2012-11-04T03:00:00-0500"),
    ("TZ=America/New_York 2012-11-04T03:00:00-0500", "0 0 3 * * ?", "2012-11-05T03:00:00-0500"),
    # Unsatisfiable
    ("Mon Jul 9 23:35 2012", "0 0 0 30 Feb ?", ""),
    ("Mon Jul 9 23:35 2012", "0 0 0 31 Apr ?", ""),
    # Monthly job
    ("TZ=America/New_York 2012-11-04T00:00:00-0400", "0 0 3 3 * ?", "2012-12-03T03:00:00-0500"),
    # Test the scenario of DST resulting in midnight not being a valid time.
    # https://github.com/robfig/cron/issues/157
    ("2018-10-17T05:00:00-0400", "TZ=America/Sao_Paulo 0 0 9 10 * ?", "2018-11-10T06:00:00-0500"),
    ("2018-02-14T05:00:00-0500", "TZ=America/Sao_Paulo 0 0 9 22 * ?", "2018-02-22T07:00:00-0500"),
]


@pytest.mark.parametrize("time,spec,expected", NEXT)
def test_next(time, spec, expected):
    t, loc = get_time(time)
    want, _ = get_time(expected)
    assert parse(spec, WITH_SECONDS).next(t, loc) == want


@pytest.mark.parametrize("spec", ["xyz", "60 0 * * *", "0 60 * * *", "0 0 * * XYZ"])
def test_errors(spec):
    with pytest.raises(CronError):
        parse_standard(spec)


@pytest.mark.parametrize("time,spec,expected", [
    # Failing tests (upstream's label: they once failed)
    ("2016-01-03T13:09:03+0530", "14 14 * * *", "2016-01-03T14:14:00+0530"),
    ("2016-01-03T04:09:03+0530", "14 14 * * ?", "2016-01-03T14:14:00+0530"),
    # Passing tests
    ("2016-01-03T14:09:03+0530", "14 14 * * *", "2016-01-03T14:14:00+0530"),
    ("2016-01-03T14:00:00+0530", "14 14 * * ?", "2016-01-03T14:14:00+0530"),
])
def test_next_with_tz(time, spec, expected):
    t, loc = get_time_tz(time)
    assert parse_standard(spec).next(t, loc) == get_time_tz(expected)[0]


def test_every_is_whole_seconds():
    """`@every 90s` from 10:00:00.4 is 10:01:30 (fractions dropped, as `ConstantDelaySchedule.Next` does)."""
    t = datetime(2024, 1, 1, 10, tzinfo=UTC).timestamp()
    assert parse_standard("@every 90s").next(t + 0.4) == t + 90
    assert parse_standard("@every 100ms").next(t) == t + 1
