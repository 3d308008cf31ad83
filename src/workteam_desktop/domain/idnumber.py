"""Resident ID numbers (居民身份证号码, GB 11643-1999): validation, masking, generation.

An ID number is 17 digits (6 region, 8 birth date, 3 sequence) and a check character
computed by ISO 7064 MOD 11-2. Validation reports the *first* problem found, with a
specific message, because a cadre fixes one thing at a time.
"""

from __future__ import annotations

import datetime as dt

from .problems import Problem

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"

# Province-level codes (the first two digits) in use on ID numbers.
PROVINCE_CODES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82",
})

_FULL_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘx", "0123456789XXX")


def normalize(text: str) -> str:
    """Strip spaces, turn full-width digits and a lowercase x into their plain forms."""
    return "".join(text.split()).translate(_FULL_WIDTH)


def check_char(first17: str) -> str:
    """The check character for 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def problem(text: str, today: dt.date | None = None) -> Problem | None:
    """The first problem with ``text`` as an ID number, or None when it is valid."""
    value = normalize(text)
    if not value:
        return Problem("id.empty")
    if len(value) != 18:
        return Problem("id.length", {"length": len(value)})
    if not value[:17].isdigit() or not value[:17].isascii():
        return Problem("id.digits")
    if value[17] not in "0123456789X":
        return Problem("id.last_char")
    if value[:2] not in PROVINCE_CODES:
        return Problem("id.region", {"region": value[:2]})
    birth_text = value[6:14]
    try:
        birth = dt.date(int(birth_text[:4]), int(birth_text[4:6]), int(birth_text[6:8]))
    except ValueError:
        return Problem("id.birth_date", {"birth": birth_text})
    if birth.year < 1900:
        return Problem("id.birth_date", {"birth": birth_text})
    if birth > (today or dt.date.today()):
        return Problem("id.birth_future", {"birth": birth_text})
    expected = check_char(value[:17])
    if value[17] != expected:
        return Problem("id.checksum", {"expected": expected})
    return None


def is_valid(text: str, today: dt.date | None = None) -> bool:
    """True when ``text`` is a valid ID number."""
    return problem(text, today) is None


def birth_date(value: str) -> dt.date:
    """The birth date encoded in a valid ID number."""
    value = normalize(value)
    return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def sex(value: str) -> str:
    """"male" or "female" from the sequence digit (odd is male) of a valid ID number."""
    return "male" if int(normalize(value)[16]) % 2 else "female"


def mask(value: str | None) -> str:
    """Mask an ID number for lists and PDFs: ``1402**********123X``.

    Keeps the first 4 and the last 4 characters, so a cadre can tell households apart
    without the full number being shown. Short or odd values are masked entirely.
    """
    if not value:
        return ""
    value = normalize(value)
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def make(region: str, birth: dt.date, sequence: int) -> str:
    """A checksum-valid ID number from a 6-digit region, a birth date and a 3-digit sequence.

    Used by the demo county and tests; the sequence's parity gives the sex (odd: male).
    """
    if len(region) != 6 or not region.isdigit():
        raise ValueError("region must be 6 digits")
    first17 = f"{region}{birth:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_char(first17)
