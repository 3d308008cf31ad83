"""Random draws for the demo county: weighted picks and deterministic row ids.

Everything takes the generator's own ``random.Random``: the demo county must be the same
for the same (households, seed, today), so nothing here touches the global random state
or the clock.
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect
from collections.abc import Iterable, Sequence
from itertools import accumulate
from typing import Generic, TypeVar

from ..domain.ids import uuid7_from

T = TypeVar("T")


class Pick(Generic[T]):
    """A weighted choice from a fixed list.

    Bisecting precomputed cumulative weights costs one ``random()`` per draw, several
    times cheaper than ``rng.choices`` for the millions of draws of a large county.
    """

    __slots__ = ("_cum", "_items", "_total")

    def __init__(self, pairs: Iterable[tuple[T, float]]) -> None:
        items = list(pairs)
        if not items:
            raise ValueError("nothing to pick from")
        self._items: list[T] = [item for item, _ in items]
        self._cum: list[float] = list(accumulate(w for _, w in items))
        self._total = self._cum[-1]

    def __call__(self, rng: random.Random) -> T:
        """One item, drawn with the given weights."""
        return self._items[bisect(self._cum, rng.random() * self._total)]


def one(rng: random.Random, items: Sequence[T]) -> T:
    """One item, drawn uniformly with a single ``random()`` (cheaper than ``rng.choice``)."""
    return items[int(rng.random() * len(items))]


def base_ms(today: dt.date) -> int:
    """Milliseconds since the epoch at midnight UTC of ``today``: the demo ids' time base."""
    return int(dt.datetime(today.year, today.month, today.day, tzinfo=dt.UTC).timestamp()) * 1000


class RowIds:
    """Deterministic UUIDv7 row ids: one millisecond apart, random bits from the rng."""

    __slots__ = ("_base", "_count", "_rng")

    def __init__(self, rng: random.Random, start_ms: int) -> None:
        self._rng = rng
        self._base = start_ms
        self._count = 0

    def __call__(self) -> str:
        """The next id."""
        self._count += 1
        return uuid7_from(self._base + self._count, self._rng.getrandbits(74))
