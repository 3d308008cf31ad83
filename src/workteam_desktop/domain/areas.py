"""Areas (county, township, village) as the same rows on every replica.

An area's row id is derived from its administrative code (UUIDv5 in a fixed namespace), and
the change that creates it from its content: a server set up from the shipped divisions, two
laptops that set up the same county offline and a supervisor importing their bundles all
hold the same area rows made by the same changes. Joining them never duplicates a village,
and a laptop re-sending such a change gets "duplicate" from a server that has it.

The clock of such a change is the lowest possible (wall time 0): any edit a person makes
later (a renamed village) wins over it. The clock's counter holds the edition year, so a
newer edition's change wins over an older one's; its device names the source (``nbs`` for
the shipped editions, ``local…`` for villages users added).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from .changes import Change, dumps
from .divisions import Division, to_code12
from .hlc import Timestamp

AREA_NAMESPACE = uuid.UUID("5b0c6a52-7f0e-5b9e-9a53-0d7e2a3c9f41")
"""Namespace of area row ids (fixed forever: changing it would duplicate every area)."""
_CHANGE_NAMESPACE = uuid.UUID("0f8e4f2c-1d8b-5c36-8a0e-6b3f2d9c7a15")
REFERENCE_DEVICE = "nbs"
"""The device of changes that come from a shipped edition of the divisions."""


def full_code(code: str) -> str:
    """An administrative code at its full 12 digits (``140222`` → ``140222000000``).

    Codes that are not 2-12 level digits (a grid: village code + ``G01``) are kept as given.
    """
    code = code.strip()
    try:
        return to_code12(code)
    except ValueError:
        return code


def area_id(code: str) -> str:
    """The row id of the area with administrative code ``code``, the same everywhere."""
    return str(uuid.uuid5(AREA_NAMESPACE, full_code(code)))


@dataclass(frozen=True, slots=True)
class AreaRecord:
    """What an area row holds, before it is a row: its code, names and place."""

    code: str  # 12 digits (or a grid's longer code)
    name: str  # as people write it: 水头村, 赵家沟乡
    level: str  # AREA_LEVELS: county, township, village, community, grid
    parent_code: str | None = None
    local: bool = False  # added by users, not in the shipped divisions

    @property
    def id(self) -> str:
        """The area's row id (derived from the code)."""
        return area_id(self.code)

    def fields(self) -> dict[str, object]:
        """The row's values as a change carries them."""
        return {"code": full_code(self.code), "name": self.name, "level": self.level,
                "parent_id": area_id(self.parent_code) if self.parent_code else None,
                "local": self.local}


def area_records(county: Division, townships: Iterable[Division],
                 villages: Iterable[Division]) -> list[AreaRecord]:
    """Area rows for a county, some of its townships and some of their villages (the
    shipped or local divisions), parents first: what ``init`` and ``setup`` write."""
    records = [AreaRecord(county.code, county.short, "county")]
    records += [AreaRecord(t.code, t.short, "township", county.code) for t in townships]
    records += [AreaRecord(v.code, v.short, v.level, v.parent, local=v.local) for v in villages]
    return records


def reference_clock(record: AreaRecord, edition: str) -> str:
    """The HLC of the change that makes ``record``: the lowest wall time; the edition year
    as counter; the source as device (a local village's device carries a hash of its name,
    so two different villages that landed on one code still have a strict order)."""
    if record.local:
        digest = hashlib.sha256(record.name.encode("utf-8")).hexdigest()[:8]
        return Timestamp(0, 0, f"local{digest}").encode()
    return Timestamp(0, int(edition), REFERENCE_DEVICE).encode()


def reference_change(record: AreaRecord, edition: str) -> Change:
    """The change that creates ``record``, identical on every replica that makes it."""
    fields = record.fields()
    hlc = reference_clock(record, edition)
    change_id = str(uuid.uuid5(_CHANGE_NAMESPACE, f"{hlc}|{dumps(fields)}"))
    return Change(change_id, "area", record.id, fields, hlc, hlc[16:], "")
