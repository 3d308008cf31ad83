"""Field values from their JSON form back to the Python types the columns take.

A change carries dates and times as ISO text (``domain.changes.json_value``); the store's
Date/DateTime columns accept only ``date``/``datetime`` objects, so a change read from a
bundle is decoded before it is merged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache
from typing import Any

from sqlalchemy import Date, DateTime, Time

from ..store.models import MODEL_BY_ENTITY


@cache
def decoders(entity: str) -> dict[str, Callable[[str], Any]]:
    """Column → parser for the entity's date, datetime and time columns."""
    model = MODEL_BY_ENTITY.get(entity)
    if model is None:
        return {}
    found: dict[str, Callable[[str], Any]] = {}
    for column in model.__table__.columns:  # type: ignore[attr-defined]
        if isinstance(column.type, DateTime):
            found[column.name] = dt.datetime.fromisoformat
        elif isinstance(column.type, Date):
            found[column.name] = dt.date.fromisoformat
        elif isinstance(column.type, Time):
            found[column.name] = dt.time.fromisoformat
    return found


def decode_fields(entity: str, fields: dict[str, Any]) -> dict[str, Any]:
    """``fields`` with ISO text turned into dates and times (raises ValueError if bad)."""
    parsers = decoders(entity)
    if not parsers:
        return fields
    return {name: parsers[name](value) if name in parsers and isinstance(value, str) else value
            for name, value in fields.items()}
