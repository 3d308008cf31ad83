"""The change: the unit of sync, both on the network and in bundles.

``{id, entity, row_id, fields: {name: value}, base: {name: hlc}, hlc, device, user}``.
``fields`` holds the new values (JSON types: dates as ISO text); ``base`` the HLC of each
field's value that the writer saw when it wrote, so a merge can tell an informed overwrite
from a concurrent one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import orjson


def json_value(value: Any) -> Any:
    """A field value as JSON data: dates and times become ISO text."""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


def dumps(data: dict[str, Any]) -> str:
    """Compact JSON with Chinese kept readable (orjson: this runs once per row written)."""
    return orjson.dumps(data, default=json_value,
                        option=orjson.OPT_PASSTHROUGH_DATETIME).decode()


@dataclass(frozen=True, slots=True)
class Change:
    """A field-level change to one row."""

    id: str
    entity: str
    row_id: str
    fields: dict[str, Any]
    hlc: str
    device: str
    user: str
    base: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        """One line of JSON (the form used in ``changes.jsonl`` and on the wire)."""
        return dumps({
            "id": self.id, "entity": self.entity, "row_id": self.row_id,
            "fields": self.fields, "base": self.base, "hlc": self.hlc,
            "device": self.device, "user": self.user,
        })

    @classmethod
    def from_json(cls, line: str | bytes) -> Change:
        """Parse one line made by :meth:`to_json` (orjson: a bundle has a million lines)."""
        d = orjson.loads(line)
        return cls(d["id"], d["entity"], d["row_id"], d["fields"], d["hlc"], d["device"],
                   d["user"], d.get("base") or {})
