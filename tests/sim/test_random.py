"""The seeded streams: uids are exactly what `uuid.UUID(int=..., version=4)` makes of the same
draws, and name suffixes draw from upstream's alphabet, one draw per character."""

from __future__ import annotations

import random
import uuid

from kubenb.sim.random import _NAME_ALPHABET, RandomStreams


def test_uids_are_the_version_4_uuids_of_the_drawn_bits():
    streams, twin = RandomStreams(7), random.Random()
    twin.setstate(streams.stream("uids").getstate())
    for _ in range(5000):
        assert streams.uid() == str(uuid.UUID(int=twin.getrandbits(128), version=4))


def test_uids_of_the_extreme_draws():
    class Fixed(RandomStreams):
        def __init__(self, bits):
            super().__init__(0)
            self._streams["uids"] = type("R", (), {"getrandbits": lambda _, n: bits})()

    for bits in (0, (1 << 128) - 1, 0x0123456789ABCDEF0123456789ABCDEF):
        assert Fixed(bits).uid() == str(uuid.UUID(int=bits, version=4))


def test_name_suffixes_draw_one_character_at_a_time():
    streams, twin = RandomStreams(3), random.Random()
    twin.setstate(streams.stream("names").getstate())
    for n in (5, 1, 10):
        assert streams.name_suffix(n) == "".join(twin.choice(_NAME_ALPHABET) for _ in range(n))
