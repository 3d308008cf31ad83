"""Row and change ids: UUIDv7, made on the device (time-ordered, no coordination)."""

from __future__ import annotations

import os
import threading
import time

_lock = threading.Lock()
_last_ms = 0
_counter = 0


def new_id() -> str:
    """A fresh UUIDv7 as text, increasing within this process (RFC 9562, method 1).

    The 12 bits after the version count ids made in the same millisecond; only past 4,096
    in one millisecond does the timestamp borrow the next one, so ids stay close to the
    wall clock even when millions are made at once (the demo county, an import).
    """
    global _last_ms, _counter
    with _lock:
        ms = time.time_ns() // 1_000_000
        if ms > _last_ms:
            _last_ms, _counter = ms, 0
        else:
            _counter += 1
            if _counter > 0xFFF:
                _last_ms, _counter = _last_ms + 1, 0
        ms, counter = _last_ms, _counter
    rand = int.from_bytes(os.urandom(8), "big")
    return uuid7_from(ms, (counter << 62) | (rand & ((1 << 62) - 1)))


def uuid7_from(ms: int, rand: int) -> str:
    """A UUIDv7 from a millisecond timestamp and 74 random bits (deterministic demo data)."""
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= ((rand >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
