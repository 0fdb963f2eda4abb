"""Named, seeded random streams.

Each concern (pod-name suffixes, uids, container ids, timing jitter) draws from its own stream,
so adding a draw in one place does not shift the values everywhere else. Streams are derived
with SHA-256, not Python's salted ``hash()``, so they are the same in every process.
"""

from __future__ import annotations

import hashlib
import random as _random

# apimachinery util/rand: consonants and digits without look-alikes (no vowels: no words).
_NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
#: what `uuid.UUID(int=..., version=4)` clears of the drawn bits (variant and version), and sets
_UUID4_CLEAR = ~(0xC000 << 48) & ~(0xF000 << 64)
_UUID4_SET = (0x8000 << 48) | (4 << 76)


class RandomStreams:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._streams: dict[str, _random.Random] = {}

    def stream(self, name: str) -> _random.Random:
        rng = self._streams.get(name)
        if rng is None:
            digest = hashlib.sha256(f"{self.seed}:{name}".encode()).digest()
            rng = self._streams[name] = _random.Random(int.from_bytes(digest[:8], "big"))
        return rng

    def name_suffix(self, n: int = 5) -> str:
        """`utilrand.String(n)`: what follows `generateName`."""
        choice = self.stream("names").choice
        return "".join([choice(_NAME_ALPHABET) for _ in range(n)])

    def uid(self) -> str:
        """`str(uuid.UUID(int=bits, version=4))` of 128 drawn bits, formatted here: every object
        created draws one, and building the UUID object cost twice the formatting."""
        h = "%032x" % ((self.stream("uids").getrandbits(128) & _UUID4_CLEAR) | _UUID4_SET)
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def hex(self, n_bytes: int, stream: str = "ids") -> str:
        return self.stream(stream).getrandbits(8 * n_bytes).to_bytes(n_bytes, "big").hex()
