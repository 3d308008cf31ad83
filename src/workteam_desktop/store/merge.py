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
    """Merge ``changes`` into the store inside the writer's transaction."""
    cur = writer.cursor
    # Within the batch, a child may come before its parent: check references at commit.
    cur.execute("PRAGMA defer_foreign_keys = ON")
    result = ApplyResult()
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    for ch in changes:
        info = writer.tables.get(ch.entity)
        if info is None:
            raise UnknownEntity(ch.entity)
        if cur.execute("SELECT 1 FROM change_log WHERE id = ?", (ch.id,)).fetchone():
            result.duplicate += 1
            continue
        unknown = set(ch.fields) - set(info.data_columns) - {"deleted"}
        if unknown:
            raise UnknownEntity(f"{ch.entity}.{sorted(unknown)}")
        writer.clock.receive(Timestamp.decode(ch.hlc))
        clocks = writer.field_clocks(ch.row_id)
        names = list(ch.fields)
        existing = None
        if names:
            cols = ", ".join(f'"{n}"' for n in names)
            existing = cur.execute(f'SELECT {cols} FROM "{info.entity}" WHERE id = ?',
                                   (ch.row_id,)).fetchone()
        exists = existing is not None or bool(cur.execute(
            f'SELECT 1 FROM "{info.entity}" WHERE id = ?', (ch.row_id,)).fetchone())
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
        result.applied += 1
        if exists:
            if winners:
                sets = ", ".join(f'"{n}" = ?' for n in winners)
                params = [info.db_value(n, v) for n, v in winners.items()]
                cur.execute(f'UPDATE "{info.entity}" SET {sets}, updated_hlc = ? WHERE id = ?',
                            (*params, ch.hlc, ch.row_id))
                writer.note(info.entity, ch.row_id, winners)
                result.touched.setdefault(info.entity, set()).add(ch.row_id)
        else:
            cur.execute("INSERT OR IGNORE INTO pending_row (row_id, entity) VALUES (?, ?)",
                        (ch.row_id, info.entity))
    _materialize_pending(writer, result)
    return result


def _materialize_pending(writer: Writer, result: ApplyResult) -> None:
    """Make every waiting row whose changes and parents are now all there, parents first."""
    cur = writer.cursor
    order = list(writer.tables)  # synced tables, parents before children
    progress = True
    while progress:
        progress = False
        pending = cur.execute("SELECT row_id, entity FROM pending_row").fetchall()
        for row_id, entity in sorted(pending, key=lambda p: order.index(p[1])):
            if _materialize(writer, writer.tables[entity], row_id):
                cur.execute("DELETE FROM pending_row WHERE row_id = ?", (row_id,))
                result.touched.setdefault(entity, set()).add(row_id)
                progress = True


def _materialize(writer: Writer, info: Any, row_id: str) -> bool:
    """Insert a row known so far only from changes, once they give its required fields
    and its parent rows exist."""
    cur = writer.cursor
    values: dict[str, Any] = {}
    last_hlc = ""
    for fields_text, hlc in cur.execute(
            "SELECT fields, hlc FROM change_log WHERE row_id = ? ORDER BY hlc", (row_id,)):
        values.update(json.loads(fields_text))  # later HLCs win, field by field
        last_hlc = hlc
    if any(values.get(c) is None for c in info.required):
        return False  # wait for the change that creates it
    for column, parent in info.foreign_keys.items():
        ref = values.get(column)
        if ref is not None and not cur.execute(
                f'SELECT 1 FROM "{parent}" WHERE id = ?', (ref,)).fetchone():
            return False  # wait for the parent row
    for name, default in info.defaults.items():
        if name not in values:
            values[name] = default() if callable(default) else default
    full = {"id": row_id, "updated_hlc": last_hlc, "deleted": bool(values.get("deleted"))}
    full.update({c: values[c] for c in info.data_columns})
    cur.execute(info.insert_sql, tuple(info.db_value(c, full[c]) for c in info.columns))
    writer.note(info.entity, row_id, full)
    return True
