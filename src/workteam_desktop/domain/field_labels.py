"""What people call each field of a record, in zh_CN and English (from the declarations of
:mod:`workteam_desktop.domain.entities`).

The record pages label their fields through Qt (``self.tr``); places without Qt — the
conflict queue, the command line — use these, worded the same way. A field without an
entry is shown under its own name (a newer program's field), never dropped.
"""

from __future__ import annotations

from . import catalogues as cat
from .catalogues import Catalogue
from .entities import DECLARATIONS, DELETED, ENTITIES

FIELD_LABELS: dict[str, Catalogue] = {
    e.name: Catalogue(f"fields.{e.name}", [(f.name, f.zh, f.en) for f in (*e.fields, DELETED)])
    for e in DECLARATIONS
}
"""Per record type (entity name), its fields as a catalogue: code = field name."""


def field_label(entity: str, name: str, lang: str = "zh") -> str:
    """What people call field ``name`` of ``entity``; an unknown one is shown as itself."""
    labels = FIELD_LABELS.get(entity)
    return labels.label(name, lang) if labels is not None else name


_CATALOGUES = {**cat.CATALOGUES, ENTITIES.name: ENTITIES}

# Fields holding a catalogue's code: shown by the code's label.
FIELD_CATALOGUES: dict[tuple[str, str], Catalogue] = {
    (e.name, f.name): _CATALOGUES[f.catalogue] for e in DECLARATIONS for f in e.fields
    if f.catalogue is not None
}

# Fields in yuan: shown as 1,234.50 元.
MONEY_FIELDS: frozenset[tuple[str, str]] = frozenset(
    (e.name, f.name) for e in DECLARATIONS for f in e.fields if f.money)
