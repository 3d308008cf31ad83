"""Applying changes made elsewhere (network sync, USB bundles): the merge.

Per field, the value with the highest HLC wins. Applying the same changes in any order,
any number of times, gives the same rows on every replica: a change already in the log is
skipped by its id; a field takes a change's value only if the change's HLC is above the
field's current HLC (the highest logged HLC naming it); a row that does not exist yet is
made from every change logged for it once they carry its required fields and its parent
rows exist (until then it waits in ``pending_row`` and is retried after every batch).

When a change overwrites a value it did not know (the value is not in the chain of values
its ``base`` links back through), or loses to a value that did not know it, the losing
value goes to the ``conflict`` table for a person to review. Nothing is lost.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..domain.changes import Change, dumps
from ..domain.hlc import Timestamp
from .writer import Writer

_CHANGE_SQL = (
    "INSERT INTO change_log (id, entity, row_id, fields, base, hlc, device, user, origin, pushed)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'remote', 1)"
)
_CONFLICT_SQL = (
    "INSERT INTO conflict (entity, row_id, field, kept_value, kept_hlc, lost_value, lost_hlc, "
    "lost_device, lost_user, created_at, resolved, resolution) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '')"
)
_ROW_CACHE = 20_000  # rows whose field clocks are kept in memory during one merge
_PENDING_BATCH = 5_000  # waiting rows queued in pending_row per statement
_INSERT_BATCH = 2_000  # rows made per statement


class UnknownEntity(ValueError):
    """A change names a table this version does not have (a newer program made it)."""


@dataclass(slots=True)
class ApplyResult:
    """What applying a batch of changes did."""

    applied: int = 0  # new changes logged (whether or not they won any field)
    duplicate: int = 0  # already in the log: skipped
    conflicts: int = 0  # losing values queued for review
    touched: dict[str, set[str]] = field(default_factory=dict)  # entity → row ids changed


def _who(cur: Any, row_id: str, hlc: str) -> tuple[str, str, str]:
    """Device, user and base of the logged change that set a field."""
    row = cur.execute("SELECT device, user, base FROM change_log WHERE row_id = ? AND hlc = ? "
                      "LIMIT 1", (row_id, hlc)).fetchone()
    return (row[0], row[1], row[2]) if row else ("", "", "{}")


def _known(cur: Any, row_id: str, name: str, base_hlc: str) -> set[str]:
    """The values of a field a change knew it overwrote: its base, that value's base, …

    Walks the ``base`` links through the log. A link not yet received ends the walk, so a
    value is then treated as unknown: at worst a conflict too many, never a value lost.
    """
    known: set[str] = set()
    hlc = base_hlc
    while hlc and hlc not in known:
        known.add(hlc)
        row = cur.execute("SELECT base FROM change_log WHERE row_id = ? AND hlc = ? LIMIT 1",
                          (row_id, hlc)).fetchone()
        if row is None:
            break
        hlc = json.loads(row[0]).get(name, "")
    return known


def apply_changes(writer: Writer, changes: Iterable[Change]) -> ApplyResult:
    """Merge ``changes`` into the store inside the writer's transaction.

    Changes are taken one at a time and everything another reader of the transaction can
    see (the log, conflicts, updated rows) is written before the next one is taken, so
    a caller may inspect the store between changes (the dry run of a bundle import does).
    What only the merge reads is kept in memory instead of asked again per change: each
    row's field clocks and whether it exists (bounded caches, rebuilt from the store when
    dropped); rows waiting for their creating change are queued in ``pending_row`` in
    bulk; the waiting rows are then made entity by entity, parents first, in bulk.
    """
    cur = writer.cursor
    # Within the batch, a child may come before its parent: check references at commit.
    cur.execute("PRAGMA defer_foreign_keys = ON")
    result = ApplyResult()
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    tables = writer.tables
    receive, decode = writer.clock.receive, Timestamp.decode
    allowed: dict[str, frozenset[str]] = {}
    probe_sql: dict[str, str] = {}
    # row id → (entity, exists, field → HLC of its current value): what the store says.
    rows: dict[str, tuple[str, bool, dict[str, str]]] = {}
    waiting: dict[str, str] = {}  # row id → entity, not yet in pending_row
    duplicate_sql = "SELECT 1 FROM change_log WHERE id = ?"
    for ch in changes:
        entity = ch.entity
        info = tables.get(entity)
        if info is None:
            raise UnknownEntity(entity)
        row_id = ch.row_id
        known_row = rows.get(row_id)
        if known_row is None or known_row[0] != entity:
            sql = probe_sql.get(entity)
            if sql is None:
                sql = probe_sql[entity] = (
                    "SELECT EXISTS (SELECT 1 FROM change_log WHERE id = ?1),"
                    f' EXISTS (SELECT 1 FROM "{info.entity}" WHERE id = ?2),'
                    " EXISTS (SELECT 1 FROM change_log WHERE row_id = ?2)")
            is_duplicate, exists, logged = cur.execute(sql, (ch.id, row_id)).fetchone()
            if is_duplicate:
                result.duplicate += 1
                continue
            clocks = writer.field_clocks(row_id) if logged else {}
            if len(rows) >= _ROW_CACHE:
                rows.clear()
            known_row = rows[row_id] = (entity, bool(exists), clocks)
        elif cur.execute(duplicate_sql, (ch.id,)).fetchone():
            result.duplicate += 1
            continue
        _, exists, clocks = known_row
        fields = ch.fields
        names = allowed.get(entity)
        if names is None:
            names = allowed[entity] = frozenset(info.data_columns) | {"deleted"}
        if not names.issuperset(fields):
            unknown = set(fields) - names
            raise UnknownEntity(f"{entity}.{sorted(unknown)}")
        hlc = ch.hlc
        receive(decode(hlc))
        if exists:
            _merge_into_row(writer, info, ch, clocks, result, now)
        else:
            cur.execute(_CHANGE_SQL, (ch.id, entity, row_id, dumps(fields), dumps(ch.base),
                                      hlc, ch.device, ch.user))
            if row_id not in waiting:
                waiting[row_id] = info.entity
                if len(waiting) >= _PENDING_BATCH:
                    _queue_pending(cur, waiting)
        result.applied += 1
        for name in fields:
            if hlc > clocks.get(name, ""):
                clocks[name] = hlc
    _queue_pending(cur, waiting)
    _materialize_pending(writer, result)
    return result


def _queue_pending(cur: Any, waiting: dict[str, str]) -> None:
    cur.executemany("INSERT OR IGNORE INTO pending_row (row_id, entity) VALUES (?, ?)",
                    waiting.items())
    waiting.clear()


def _merge_into_row(writer: Writer, info: Any, ch: Change, clocks: dict[str, str],
                    result: ApplyResult, now: str) -> None:
    """Log a change to an existing row and write the fields it wins; queue conflicts."""
    cur = writer.cursor
    names = list(ch.fields)
    existing = None
    if names:
        cols = ", ".join(f'"{n}"' for n in names)
        existing = cur.execute(f'SELECT {cols} FROM "{info.entity}" WHERE id = ?',
                               (ch.row_id,)).fetchone()
    winners: dict[str, Any] = {}
    for i, name in enumerate(names):
        value = ch.fields[name]
        current_hlc = clocks.get(name, "")
        differs = existing is not None and info.db_value(name, value) != existing[i]
        if ch.hlc > current_hlc:
            winners[name] = value
            # The change overwrote a value it had not seen: keep that value.
            if current_hlc and differs and current_hlc not in _known(
                    cur, ch.row_id, name, ch.base.get(name, "")):
                device, user, _ = _who(cur, ch.row_id, current_hlc)
                cur.execute(_CONFLICT_SQL, (
                    info.entity, ch.row_id, name, dumps({"v": value}), ch.hlc,
                    dumps({"v": existing[i]}), current_hlc, device, user, now))
                result.conflicts += 1
        elif differs:
            # The change lost; if the value that beat it did not know it, keep it too.
            _, _, base_text = _who(cur, ch.row_id, current_hlc)
            if ch.hlc not in _known(cur, ch.row_id, name,
                                    json.loads(base_text).get(name, "")):
                cur.execute(_CONFLICT_SQL, (
                    info.entity, ch.row_id, name, dumps({"v": existing[i]}), current_hlc,
                    dumps({"v": value}), ch.hlc, ch.device, ch.user, now))
                result.conflicts += 1
    cur.execute(_CHANGE_SQL, (ch.id, ch.entity, ch.row_id, dumps(ch.fields),
                              dumps(ch.base), ch.hlc, ch.device, ch.user))
    if winners:
        sets = ", ".join(f'"{n}" = ?' for n in winners)
        params = [info.db_value(n, v) for n, v in winners.items()]
        cur.execute(f'UPDATE "{info.entity}" SET {sets}, updated_hlc = ? WHERE id = ?',
                    (*params, ch.hlc, ch.row_id))
        writer.note(info.entity, ch.row_id, winners)
        result.touched.setdefault(info.entity, set()).add(ch.row_id)


def _materialize_pending(writer: Writer, result: ApplyResult) -> None:
    """Make every waiting row whose changes and parents are now all there, parents first.

    Entity by entity (parents before children), one query reads every waiting row of the
    entity with its logged changes; the rows that can be made are inserted in bulk. Passes
    repeat until one makes nothing (a row whose parent is of its own table, or was made
    after it, waits for the next pass), as often as the row-by-row retry did.
    """
    cur = writer.cursor
    read = cur.connection.cursor()
    progress = True
    while progress:
        progress = False
        for entity, info in writer.tables.items():
            made = _materialize_entity(writer, read, info, result)
            if made:
                progress = True
                cur.execute(f'DELETE FROM pending_row WHERE entity = ? AND EXISTS '
                            f'(SELECT 1 FROM "{entity}" WHERE id = pending_row.row_id)',
                            (entity,))


def _materialize_entity(writer: Writer, read: Any, info: Any, result: ApplyResult) -> int:
    """Insert the waiting rows of one table whose required fields and parents are there."""
    cur = writer.cursor
    entity = info.entity
    converters = [(i, info.parsers.get(c), info.processors.get(c))
                  for i, c in enumerate(info.columns)
                  if c in info.parsers or c in info.processors]
    parents: dict[str, set[str]] = {}  # parent table → ids known to exist
    touched = result.touched
    batch: list[tuple[Any, ...]] = []
    made = 0

    def parent_exists(parent: str, ref: Any) -> bool:
        seen = parents.setdefault(parent, set())
        if ref in seen:
            return True
        if cur.execute(f'SELECT 1 FROM "{parent}" WHERE id = ?', (ref,)).fetchone():
            if len(seen) >= _ROW_CACHE:
                seen.clear()
            seen.add(ref)
            return True
        return False

    def finish(row_id: str, values: dict[str, Any], last_hlc: str) -> None:
        nonlocal made
        if any(values.get(c) is None for c in info.required):
            return  # wait for the change that creates it
        for column, parent in info.foreign_keys.items():
            ref = values.get(column)
            if ref is not None and not parent_exists(parent, ref):
                return  # wait for the parent row
        for name, default in info.defaults.items():
            if name not in values:
                values[name] = default() if callable(default) else default
        full = {"id": row_id, "updated_hlc": last_hlc, "deleted": bool(values.get("deleted"))}
        full.update({c: values[c] for c in info.data_columns})
        record = [full[c] for c in info.columns]
        for i, parse, proc in converters:
            value = record[i]
            if value is None:
                continue
            if parse is not None and isinstance(value, str):
                value = parse(value)
            if proc is not None:
                value = proc(value)
            record[i] = value
        batch.append(tuple(record))
        writer.note(entity, row_id, full)
        touched.setdefault(entity, set()).add(row_id)
        if entity in info.foreign_keys.values():  # a row of this table may be a parent
            parents.setdefault(entity, set()).add(row_id)
        made += 1
        if len(batch) >= _INSERT_BATCH:
            flush()

    def flush() -> None:
        cur.executemany(info.insert_sql, batch)
        batch.clear()

    read.execute(
        "SELECT p.row_id, c.fields, c.hlc FROM pending_row p JOIN change_log c "
        "ON c.row_id = p.row_id WHERE p.entity = ? ORDER BY p.row_id, c.hlc", (entity,))
    current: str | None = None
    values: dict[str, Any] = {}
    last_hlc = ""
    while chunk := read.fetchmany(_INSERT_BATCH):
        for row_id, fields_text, hlc in chunk:
            if row_id != current:
                if current is not None:
                    finish(current, values, last_hlc)
                current, values = row_id, {}
            values.update(json.loads(fields_text))  # later HLCs win, field by field
            last_hlc = hlc
    if current is not None:
        finish(current, values, last_hlc)
    if batch:
        flush()
    return made
