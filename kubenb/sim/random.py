"""Named, seeded random streams.

Each concern (pod-name suffixes, uids, container ids, timing jitter) draws from its own stream,
so adding a draw in one place does not shift the values everywhere else. Streams are derived
with SHA-256, not Python's salted ``hash()``, so they are the same in every process.
"""

from __future__ import annotations

import hashlib
import random as _random
import uuid

# apimachinery util/rand: consonants and digits without look-alikes (no vowels: no words).
_NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


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
        rng = self.stream("names")
        return "".join(rng.choice(_NAME_ALPHABET) for _ in range(n))

    def uid(self) -> str:
        return str(uuid.UUID(int=self.stream("uids").getrandbits(128), version=4))

    def hex(self, n_bytes: int, stream: str = "ids") -> str:
        return self.stream(stream).getrandbits(8 * n_bytes).to_bytes(n_bytes, "big").hex()
