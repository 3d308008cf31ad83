"""Row and change ids: UUIDv7, made on the device (time-ordered, no coordination)."""

from __future__ import annotations

import uuid6


def new_id() -> str:
    """A fresh UUIDv7 as text."""
    return str(uuid6.uuid7())


def uuid7_from(ms: int, rand: int) -> str:
    """A UUIDv7 from a millisecond timestamp and 74 random bits (deterministic demo data)."""
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= ((rand >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
