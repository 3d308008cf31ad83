"""Phone numbers: validation and masking."""

from __future__ import annotations

import re

from .problems import Problem

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def normalize(text: str) -> str:
    """Remove spaces and a leading +86."""
    value = "".join(text.split())
    if value.startswith("+86"):
        value = value[3:]
    return value


def problem(text: str) -> Problem | None:
    """None when ``text`` is a mobile number or a landline with area code (or empty)."""
    value = normalize(text)
    if not value or _MOBILE.match(value) or _LANDLINE.match(value):
        return None
    return Problem("phone.invalid")


def mask(value: str | None) -> str:
    """Mask a phone number: ``138****5678``."""
    if not value:
        return ""
    value = normalize(value)
    if len(value) <= 7:  # keeping 3 + 4 characters of 7 or fewer would hide nothing
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
