"""Hybrid logical clock (HLC): wall milliseconds, a counter, and the device id.

Village laptops have wrong clocks. An HLC never goes backwards, even when the wall clock
does, and is advanced past every clock it receives, so "later" means "made knowing about".
Timestamps encode to fixed-width strings whose text order is their time order, so the
store can compare them in SQL.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_COUNTER = 0xFFFF
_MS_WIDTH = 12  # hex digits: good until the year 10889
_COUNTER_WIDTH = 4


def wall_ms() -> int:
    """The wall clock in milliseconds since the epoch."""
    return time.time_ns() // 1_000_000


@dataclass(frozen=True, slots=True, order=True)
class Timestamp:
    """One HLC reading. Ordered by (wall_ms, counter, device)."""

    wall_ms: int
    counter: int
    device: str

    def encode(self) -> str:
        """Fixed-width text form; text order equals time order."""
        return f"{self.wall_ms:0{_MS_WIDTH}x}{self.counter:0{_COUNTER_WIDTH}x}{self.device}"

    @classmethod
    def decode(cls, text: str) -> Timestamp:
        """Parse the text form made by :meth:`encode`."""
        if len(text) <= _MS_WIDTH + _COUNTER_WIDTH:
            raise ValueError(f"not an HLC timestamp: {text!r}")
        return cls(
            int(text[:_MS_WIDTH], 16),
            int(text[_MS_WIDTH:_MS_WIDTH + _COUNTER_WIDTH], 16),
            text[_MS_WIDTH + _COUNTER_WIDTH:],
        )


def device_of(text: str) -> str:
    """The device part of an HLC's text form ("" for text that is not one)."""
    try:
        return Timestamp.decode(text).device
    except ValueError:
        return ""


class HybridClock:
    """A device's clock. Persist :attr:`last` after use; restore it with ``last=``."""

    def __init__(
        self,
        device: str,
        last: tuple[int, int] = (0, 0),
        wall: Callable[[], int] = wall_ms,
    ) -> None:
        self.device = device
        self._ms, self._counter = last
        self._wall = wall

    @property
    def last(self) -> tuple[int, int]:
        """(wall_ms, counter) of the latest reading, to persist."""
        return self._ms, self._counter

    def _advance(self, ms: int, counter: int) -> Timestamp:
        if counter > MAX_COUNTER:
            # More than 65,536 events in one millisecond: borrow the next millisecond.
            ms, counter = ms + 1, 0
        self._ms, self._counter = ms, counter
        return Timestamp(ms, counter, self.device)

    def now(self) -> Timestamp:
        """A reading for a local event, later than every reading before it."""
        wall = self._wall()
        if wall > self._ms:
            return self._advance(wall, 0)
        return self._advance(self._ms, self._counter + 1)

    def receive(self, remote: Timestamp) -> Timestamp:
        """Advance past a clock seen in a change from another device.

        Always all the way: a local edit after a received change must stamp later than it,
        or the laptop would show its own value while every other laptop keeps the received
        one. Far-future clocks are stopped where they enter (the server refuses changes
        beyond its bound; a laptop re-stamps its own, store/clock_skew.py)."""
        wall = self._wall()
        ms = max(wall, self._ms, remote.wall_ms)
        if ms == self._ms and ms == remote.wall_ms:
            counter = max(self._counter, remote.counter) + 1
        elif ms == self._ms:
            counter = self._counter + 1
        elif ms == remote.wall_ms:
            counter = remote.counter + 1
        else:
            counter = 0
        return self._advance(ms, counter)

    def rewind(self, last: tuple[int, int]) -> None:
        """Set the latest reading back to ``last``. Only for re-stamping: the readings after
        ``last`` must be the ones being replaced (changes no one else has seen)."""
        self._ms, self._counter = last
