"""The clock's timestamp texts: cached by whole second (one string per second, shared by every
object stamped in it), and the same text as formatting the instant afresh."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kubenb.sim.clock import Clock, format_rfc1123z, format_rfc3339


@pytest.mark.parametrize("t", [0.0, 1655478779.0, 1655478779.999, 1655478780.0, 1700000000.5, 4102444799.25])
def test_texts_are_those_of_the_whole_second(t):
    at = datetime.fromtimestamp(int(t), UTC)
    assert format_rfc3339(t) == at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert format_rfc1123z(t) == at.strftime("%a, %d %b %Y %H:%M:%S +0000")


def test_one_second_is_one_string_and_the_next_second_another():
    clock = Clock(1655478779.0)
    first = clock.rfc3339()
    clock.advance_to(1655478779.75)
    assert clock.rfc3339() is first
    clock.advance_to(1655478780.0)
    assert clock.rfc3339() == "2022-06-17T15:13:00Z" != first
