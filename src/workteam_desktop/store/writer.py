"""The one write path to synced tables.

Every insert, update and tombstone goes through :class:`Writer`, which stamps the row
with a fresh HLC and appends the field-level change to ``change_log`` in the same
transaction. Triggers made by the migrations refuse a row whose HLC has no logged
change, so a write that tried to bypass this module fails instead of going unsynced.

Rows are written with the DB-API's ``executemany`` and the columns' own SQLAlchemy
bind processors: bulk writes (demo county, roster import, merge) stay within a small
factor of raw SQLite speed while reading back exactly as the ORM expects.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, Connection, Date, DateTime

from ..domain.changes import dumps
from ..domain.hlc import HybridClock
from ..domain.ids import new_id
from . import row_clock, sqlite

if TYPE_CHECKING:
    from .models import Synced

_SYNC_COLUMNS = ("id", "updated_hlc", "deleted")
_CHANGE_SQL = (
    "INSERT INTO change_log (id, entity, row_id, fields, base, hlc, device, user, origin, pushed)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)"
)
# Entities whose rows feed the household rules, and the column naming the household.
_FACT_SOURCES = {"household": "id", "member": "household_id", "income": "household_id"}


class TableInfo:
    """Column names, defaults and bind processors of one synced table."""

    def __init__(self, model: type[Synced], dialect: Any) -> None:
        table = model.__table__  # type: ignore[attr-defined]
        # A plain str: SQLAlchemy's quoted_name makes sqlite3 look for __conform__ per row.
        self.entity: str = str(table.name)
        self.columns: list[str] = [c.name for c in table.columns]
        self.data_columns: list[str] = [c for c in self.columns if c not in _SYNC_COLUMNS]
        self.processors: dict[str, Callable[[Any], Any]] = {}
        self.defaults: dict[str, Any] = {}
        # Changes received from elsewhere carry dates as ISO text (JSON); the columns'
        # processors take date objects, so such text is parsed first.
        self.parsers: dict[str, Callable[[str], Any]] = {}
        # Columns SQLite keeps as 0/1 that a change carries as true/false.
        self.booleans = frozenset(c.name for c in table.columns if isinstance(c.type, Boolean))
        for column in table.columns:
            proc = column.type._cached_bind_processor(dialect)
            if proc is not None:
                self.processors[column.name] = proc
            if isinstance(column.type, DateTime):
                self.parsers[column.name] = dt.datetime.fromisoformat
            elif isinstance(column.type, Date):
                self.parsers[column.name] = dt.date.fromisoformat
        for name, field in model.model_fields.items():
            if name in _SYNC_COLUMNS or name not in self.columns:
                continue
            if field.default_factory is not None:
                self.defaults[name] = field.default_factory  # called per row
            elif not field.is_required():
                self.defaults[name] = field.default
        self.required = [c for c in self.data_columns if c not in self.defaults]
        self.column_set = frozenset(self.columns)
        self.static_defaults = {k: v for k, v in self.defaults.items() if not callable(v)}
        self.default_factories = [(k, v) for k, v in self.defaults.items() if callable(v)]
        if self.columns[:3] != list(_SYNC_COLUMNS):
            raise ValueError(f"{self.entity}: sync columns must come first")
        # (position, processor) of the data columns needing conversion (dates, bools,
        # floats); positions count from the first data column.
        self.data_processors = [(i, self.processors[c]) for i, c in enumerate(self.data_columns)
                                if c in self.processors]
        # column → parent table, for merge to wait until a parent row exists
        self.foreign_keys: dict[str, str] = {
            fk.parent.name: fk.column.table.name for fk in table.foreign_keys}
        cols = ", ".join(f'"{c}"' for c in self.columns)
        marks = ", ".join("?" for _ in self.columns)
        self.insert_sql = f'INSERT INTO "{self.entity}" ({cols}) VALUES ({marks})'

    def db_value(self, column: str, value: Any) -> Any:
        """A Python value (or ISO text for a date) as SQLite stores it, through the column's
        bind processor."""
        if value is None:
            return None
        if isinstance(value, str) and column in self.parsers:
            value = self.parsers[column](value)
        proc = self.processors.get(column)
        return proc(value) if proc is not None else value


class Writer:
    """Writes to synced tables inside one transaction, logging each change."""

    def __init__(
        self,
        conn: Connection,
        clock: HybridClock,
        user: str,
        tables: Mapping[str, TableInfo],
    ) -> None:
        self._conn = conn
        self._cursor: sqlite.Cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        self._clock = clock
        self._user = user
        self._tables = tables
        self.affected_households: set[str] = set()
        self.thresholds_changed = False

    @property
    def cursor(self) -> sqlite.Cursor:
        """The transaction's cursor, for reads inside the write (never for synced writes)."""
        return self._cursor

    @property
    def clock(self) -> HybridClock:
        """The device clock stamping this transaction's changes."""
        return self._clock

    @property
    def tables(self) -> Mapping[str, TableInfo]:
        """Column information of every synced table."""
        return self._tables

    @property
    def connection(self) -> Connection:
        """The transaction's SQLAlchemy connection, for reads inside the write."""
        return self._conn

    def _info(self, model: type[Synced] | str) -> TableInfo:
        entity = model if isinstance(model, str) else model.__tablename__  # type: ignore[attr-defined]
        return self._tables[entity]

    def insert(self, model: type[Synced] | str, rows: Iterable[Mapping[str, Any]]) -> list[str]:
        """Insert new rows (dicts of field values); returns their ids.

        A row without ``id`` gets a fresh UUIDv7. Fields left out take the model's default.
        """
        info = self._info(model)
        device, user, entity = self._clock.device, self._user, info.entity
        now = self._clock.now
        data_columns, processors = info.data_columns, info.data_processors
        records: list[tuple[Any, ...]] = []
        changes: list[tuple[Any, ...]] = []
        ids: list[str] = []
        for row in rows:
            if not info.column_set.issuperset(row):
                raise KeyError(f"{entity} has no field {sorted(set(row) - info.column_set)}")
            values = {**info.static_defaults, **row}
            for name, factory in info.default_factories:
                if name not in row:
                    values[name] = factory()
            row_id = values.get("id") or new_id()
            missing = [c for c in info.required if values.get(c) is None]
            if missing:
                raise ValueError(f"{entity}: missing {missing}")
            hlc = now().encode()
            fields = {c: values[c] for c in data_columns}
            changes.append((new_id(), entity, row_id, dumps(fields), "{}", hlc, device, user,
                            "local"))
            data = list(fields.values())
            for i, convert in processors:
                if data[i] is not None:
                    data[i] = convert(data[i])
            # id, updated_hlc, deleted come first in every synced table (the Synced base).
            records.append((row_id, hlc, 0, *data))
            ids.append(row_id)
            self.note(entity, row_id, fields)
        if records:
            self._cursor.executemany(_CHANGE_SQL, changes)
            self._cursor.executemany(info.insert_sql, records)
        return ids

    def update(self, model: type[Synced] | str, row_id: str, fields: Mapping[str, Any]) -> bool:
        """Change some fields of a row; returns False when nothing differed (nothing logged)."""
        info = self._info(model)
        unknown = set(fields) - set(info.data_columns) - {"deleted"}
        if unknown:
            raise KeyError(f"{info.entity} has no field {sorted(unknown)}")
        names = list(fields)
        cols = ", ".join(f'"{c}"' for c in names)
        current = self._cursor.execute(
            f'SELECT {cols} FROM "{info.entity}" WHERE id = ?', (row_id,)).fetchone()
        if current is None:
            raise LookupError(f"{info.entity} {row_id} does not exist")
        changed = {
            n: fields[n] for n, old in zip(names, current, strict=True)
            if info.db_value(n, fields[n]) != old
        }
        if not changed:
            return False
        clocks = self.field_clocks(info.entity, row_id)
        base = {n: clocks[n] for n in changed if n in clocks}
        hlc = self._clock.now().encode()
        self._cursor.execute(_CHANGE_SQL, (new_id(), info.entity, row_id, dumps(changed),
                                           dumps(base), hlc, self._clock.device, self._user,
                                           "local"))
        sets = ", ".join(f'"{n}" = ?' for n in changed)
        params = [info.db_value(n, v) for n, v in changed.items()]
        self._cursor.execute(
            f'UPDATE "{info.entity}" SET {sets}, updated_hlc = ? WHERE id = ?',
            (*params, hlc, row_id))
        self.note(info.entity, row_id, changed, dict(zip(names, current, strict=True)))
        return True

    def delete(self, model: type[Synced] | str, row_id: str) -> bool:
        """Delete a row by tombstone (it stays, marked deleted, so the deletion syncs)."""
        return self.update(model, row_id, {"deleted": True})

    def field_clocks(self, entity: str, row_id: str) -> dict[str, str]:
        """The HLC of each field's current value: the newest logged change naming it, or
        the clock kept for a row loaded from a snapshot (``row_clock``) if that is newer."""
        clocks: dict[str, str] = {}
        for fields, hlc in self._cursor.execute(
                "SELECT fields, hlc FROM change_log WHERE row_id = ? ORDER BY hlc", (row_id,)):
            for name in json.loads(fields):
                clocks[name] = hlc
        return row_clock.overlay(clocks, row_clock.of_row(self._cursor, entity, row_id))

    def note(self, entity: str, row_id: str, fields: Mapping[str, Any],
             before: Mapping[str, Any] | None = None) -> None:
        """Remember a row written here (for facts refresh and callers). ``before`` holds
        the values ``fields`` replaced, if the row existed: a member or an income moved to
        another household changes the facts of the one it left too."""
        if entity == "observation_threshold":
            self.thresholds_changed = True
        key = _FACT_SOURCES.get(entity)
        if key is None:
            return
        if key == "id":
            self.affected_households.add(row_id)
        elif key in fields:
            self.affected_households.add(fields[key])
            if before is not None and before.get(key) is not None:
                self.affected_households.add(before[key])
        else:
            found = self._cursor.execute(
                f'SELECT "{key}" FROM "{entity}" WHERE id = ?', (row_id,)).fetchone()
            if found:
                self.affected_households.add(found[0])


def table_infos(dialect: Any) -> dict[str, TableInfo]:
    """TableInfo for every synced table."""
    from .models import MODEL_BY_ENTITY  # not at import: opening a store needs no models

    return {entity: TableInfo(model, dialect) for entity, model in MODEL_BY_ENTITY.items()}
