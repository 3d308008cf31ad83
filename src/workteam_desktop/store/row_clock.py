"""Field clocks of rows whose changes are not logged: rows loaded from a server snapshot,
and rows whose received changes were compacted (``store/compact.py``).

A field's clock (the HLC of its current value, what the merge compares a change with and
what a local edit names as its ``base``) is the higher of the row's ``row_clock`` entry
and the newest logged change naming it. A row loaded from a snapshot has no logged change,
and a compacted row only its own laptop's changes and what still waits, so their clocks are
kept here, compactly: a county's million rows were each made by one change, so nearly every
entry is one number.

``clocks`` holds groups ``<set>`` or ``<set>@<HLC>`` joined by ``;``: ``<set>`` is the id of
an interned sorted list of field names (``clock_field_set``); a group without an HLC has
the row's ``top`` (its newest clock). An HLC never holds ``;`` or ``@`` (hex digits and the
device id, which is hex too).

``top`` is empty while it equals the row's own ``updated_hlc`` (every row loaded from a
snapshot, until it changes): a county's 3.2 million copies of a 32-character clock were
100 MB of its store. A trigger on every synced table writes it out before the row's clock
moves (migration 0011), so an empty ``top`` always means the row's current
``updated_hlc``. The entry with the empty row id (:data:`NEWEST`, never a row's id) keeps
the newest of those clocks, so ``max(top)`` still covers every clock kept here.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ..domain.changes import dumps
from ..domain.hlc import device_of
from . import sqlite

# Namespace of the ids of changes made from loaded rows (``loaded_changes``).
_LOADED = uuid.UUID("5b1f0c3e-7a7e-4f0a-9d52-1e0c6b7d2a11")

_SEP, _AT = ";", "@"

NEWEST = ""
"""The row id of the entry whose ``top`` is the newest clock of the rows whose ``top`` is
empty (no row has an empty id: ids are 1–64 characters)."""

SAME = ""
"""``top`` of a row whose newest clock is its own ``updated_hlc``."""


class FieldSets:
    """The interned field-name sets of one store, cached for one transaction or merge."""

    def __init__(self, cur: sqlite.Cursor) -> None:
        self.cur = cur
        self.by_names: dict[str, int] = {}
        self.by_id: dict[int, tuple[str, ...]] = {}
        self.by_order: dict[tuple[str, ...], int] = {}  # names in a row's order → id

    def _load(self) -> None:
        for set_id, names in self.cur.execute("SELECT id, names FROM clock_field_set").fetchall():
            self.by_names[names] = set_id
            self.by_id[set_id] = tuple(names.split(",")) if names else ()

    def id_of(self, names: Iterable[str]) -> int:
        """The id of a set of field names, interned on first use."""
        key = ",".join(sorted(names))
        found = self.by_names.get(key)
        if found is None:
            self._load()
            found = self.by_names.get(key)
        if found is None:
            self.cur.execute("INSERT INTO clock_field_set (names) VALUES (?)", (key,))
            found = self.cur.lastrowid
            self.by_names[key] = found
            self.by_id[found] = tuple(key.split(",")) if key else ()
        return found

    def names(self, set_id: int) -> tuple[str, ...]:
        """The field names of an interned set."""
        found = self.by_id.get(set_id)
        if found is None:
            self._load()
            found = self.by_id[set_id]
        return found

    def encode(self, clocks: Mapping[str, str], top: str) -> str:
        """The compact text of a row's ``{field: HLC}`` (``top`` its newest HLC)."""
        if len(set(clocks.values())) == 1 and top in clocks.values():
            # The usual row, made by one change: its names in the order they come (the
            # rows of a table come alike) find the set without sorting and joining them.
            order = tuple(clocks)
            found = self.by_order.get(order)
            if found is None:
                found = self.by_order[order] = self.id_of(order)
            return str(found)
        groups: dict[str, list[str]] = {}
        for name, hlc in clocks.items():
            groups.setdefault(hlc, []).append(name)
        parts = [str(self.id_of(groups.pop(top)))] if top in groups else []
        parts += [f"{self.id_of(names)}{_AT}{hlc}" for hlc, names in sorted(groups.items())]
        return _SEP.join(parts)

    def decode(self, top: str, text: str) -> dict[str, str]:
        """``{field: HLC}`` of a row's compact clocks (``top`` resolved: never empty)."""
        clocks: dict[str, str] = {}
        for part in text.split(_SEP) if text else ():
            set_id, _, hlc = part.partition(_AT)
            clocks.update(dict.fromkeys(self.names(int(set_id)), hlc or top))
        return clocks


def any_loaded(cur: sqlite.Cursor) -> bool:
    """True when some row's clocks are kept here (a store loaded from a snapshot or
    compacted)."""
    return cur.execute("SELECT 1 FROM row_clock LIMIT 1").fetchone() is not None


def read(cur: sqlite.Cursor, by_entity: Mapping[str, Iterable[str]],
         sets: FieldSets | None = None) -> dict[str, tuple[str, dict[str, str]]]:
    """``row id → (top, {field: HLC})`` of the rows among ``by_entity`` (record type → row
    ids) that have an entry; an empty ``top`` is read from the row's ``updated_hlc``."""
    sets = sets or FieldSets(cur)
    out: dict[str, tuple[str, dict[str, str]]] = {}
    for entity, row_ids in by_entity.items():
        ids = list(row_ids)
        for i in range(0, len(ids), 5000):
            # Fetched whole: decoding may ask the field sets on the same cursor.
            for row_id, top, text in cur.execute(
                    "SELECT r.row_id, coalesce(nullif(r.top, ''), "
                    f'(SELECT t.updated_hlc FROM "{entity}" t WHERE t.id = r.row_id), \'\'), '
                    "r.clocks FROM row_clock r WHERE r.row_id IN (SELECT value FROM json_each(?))",
                    (sqlite.json_list(ids[i:i + 5000]),)).fetchall():
                out[row_id] = (top, sets.decode(top, text))
    return out


def of_row(cur: sqlite.Cursor, entity: str, row_id: str) -> dict[str, str]:
    """``{field: HLC}`` kept here for one row (empty when its changes are all logged)."""
    found = read(cur, {entity: [row_id]}).get(row_id)
    return found[1] if found else {}


def newest(cur: sqlite.Cursor, logged: str | None) -> str | None:
    """The later of ``logged`` (the highest HLC a caller found in the log) and the highest
    clock kept here (:data:`NEWEST` included): every clock this store holds, for a clock
    rewound to it."""
    [loaded] = cur.execute("SELECT max(top) FROM row_clock").fetchone()
    return loaded if loaded is not None and (logged is None or loaded > logged) else logged


def overlay(clocks: dict[str, str], kept: Mapping[str, str]) -> dict[str, str]:
    """Field clocks from the log (``clocks``, changed in place) raised to those kept here."""
    for name, hlc in kept.items():
        if hlc > clocks.get(name, ""):
            clocks[name] = hlc
    return clocks


def loaded_changes(cur: sqlite.Cursor, tables: Mapping[str, Any]
                   ) -> Iterator[tuple[Any, ...]]:
    """The loaded rows as change-log rows ``(0, id, entity, row_id, fields, base, HLC,
    device, user)``: one per clock of a row, naming the fields of that clock with the
    values the row holds (what an ``--all`` bundle carries for rows that have no logged
    change). A field a logged change set again since is left out (that change says it).
    The id is made from the row and the HLC, so the same change made twice is one change
    to whoever imports it; base and user are not known (the device is the HLC's)."""
    read = cur.connection.cursor()
    newer: dict[str, dict[str, str]] = {}
    for row_id, fields, hlc in read.execute(
            "SELECT c.row_id, c.fields, c.hlc FROM change_log c "
            "JOIN row_clock r ON r.row_id = c.row_id").fetchall():
        found = newer.setdefault(row_id, {})
        for name in json.loads(fields):
            if hlc > found.get(name, ""):
                found[name] = hlc
    sets = FieldSets(cur)
    for entity, info in tables.items():
        columns, booleans = info.columns, info.booleans
        read.execute("SELECT coalesce(nullif(r.top, ''), t.updated_hlc), r.clocks, t.* "
                     f'FROM row_clock r JOIN "{entity}" t ON t.id = r.row_id')
        while rows := read.fetchmany(2000):
            for row in rows:
                values = dict(zip(columns, row[2:], strict=True))
                row_id = values["id"]
                later = newer.get(row_id, {})
                groups: dict[str, dict[str, Any]] = {}
                for name, hlc in sets.decode(row[0], row[1]).items():
                    if later.get(name, "") > hlc:
                        continue
                    value = values[name]
                    if name in booleans and value is not None:
                        value = bool(value)
                    groups.setdefault(hlc, {})[name] = value
                for hlc, fields in sorted(groups.items()):
                    change_id = str(uuid.uuid5(_LOADED, f"{row_id}\x00{hlc}"))
                    yield (0, change_id, entity, row_id, dumps(fields), "{}", hlc,
                           device_of(hlc), "")


def loaded_count(cur: sqlite.Cursor) -> int:
    """How many rows were loaded from a snapshot (about as many changes in an ``--all``
    bundle)."""
    return int(cur.execute("SELECT count(*) FROM row_clock WHERE row_id != ?",
                           (NEWEST,)).fetchone()[0])


def keep_newest(cur: sqlite.Cursor, top: str) -> None:
    """Raise the :data:`NEWEST` entry to ``top`` (the clock of a row whose ``top`` is
    written :data:`SAME`)."""
    cur.execute("INSERT INTO row_clock (row_id, top, clocks) VALUES (?, ?, '') "
                "ON CONFLICT(row_id) DO UPDATE SET top = excluded.top "
                "WHERE excluded.top > row_clock.top", (NEWEST, top))
