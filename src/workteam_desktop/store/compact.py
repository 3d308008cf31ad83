"""Received changes folded into field clocks once applied (issue 17, step 2).

A change received from elsewhere (a pulled page, an imported bundle) is logged with its
values when it is merged; once ``COMPACT_AT`` of them are logged (a county's store, every
20,000 received changes; a village's seldom), the sync or bundle import that merged them
ends by compacting them (``compact_store``: in steps, each its own transaction, after the
merge committed), and so does the upgrade to schema 0010 for an existing store. Once a
change is applied, what the merge and a local edit need of it is its clock per field, which
``row_clock`` keeps compactly (``store/row_clock.py``), and its id, so the same change
delivered again (the same USB bundle imported twice) is still skipped. ``compact`` moves the
clocks there, keeps the ids in ``compacted_change`` and deletes the changes from
``change_log``: a county's 3.2 million received changes stop costing a gigabyte.

A county's bundle (``COMPACT_AT`` changes or more) does not wait for this: its merge keeps
the changes that make new rows compacted as it goes (``merge.apply_changes(compact_new=)``),
as this module would keep them, without logging them first.

What stays logged: this laptop's own changes (outbox, ``--since-last`` bundles, rejections),
and every received change something still needs with its values — changes of a row that
waits (``pending_row``) or has waiting fields (``pending_field``), the change that set the
kept value of an open conflict (review shows who made it), attachment changes whose photo
was not fetched yet (the download looks for them in the log), and the log's last change:
``seq`` is a rowid without AUTOINCREMENT, so deleting the highest one would let SQLite give
its number to the next local change, behind the bundle and upload cursors.

Known differences from a laptop that keeps every change (documented in
docs/architecture.md): a compacted clock has no user and no ``base``; conflict review names
the device of its HLC, and a change that arrives after a newer one that knowingly overwrote
it queues a conflict too many (never loses a value).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import orjson

from . import row_clock, sqlite
from .sync_state import ATTACHMENTS_DOWN_SEQ

if TYPE_CHECKING:
    from .store import Store

log = logging.getLogger(__name__)

# Changes read, folded and deleted per step (bounded memory for a county's migration).
_STEP = 50_000

# The log is emptied at once and what stays put back (``_keep_only``) when at least this
# many received changes are logged, they are at least half of it, and what stays is at most
# this many changes.
_WHOLESALE_FROM = 100_000
_WHOLESALE_KEEPS_AT_MOST = 200_000

# A store compacts once this many received changes are logged (``compact_if_due``): a
# village's log is small (20,000 changes are about 10 MB) and keeps who made each value
# and what it knew, for conflict review and for ``--all`` bundles; a county's 3.2 million
# are a gigabyte and twice the time of every backup.
COMPACT_AT = 20_000

# The record type whose received changes stay logged until the photo they name is fetched
# (the download looks for them in the log).
PHOTOS = "attachment"

# Rows whose received changes are still needed with their values: rows that wait or
# have waiting fields (the merge compares a waiting value with the row's logged changes).
_NEEDED_ROWS = "SELECT row_id FROM pending_row UNION SELECT row_id FROM pending_field"
# The kept value of an open conflict: review names who made it (the lost value's maker is
# in the conflict row itself).
_NEEDED_CLOCKS = "SELECT row_id, kept_hlc FROM conflict WHERE resolved = 0"


@dataclass
class CompactResult:
    """What one compaction did."""

    changes: int = 0  # received changes folded into row clocks and deleted from the log
    rows: int = 0  # rows whose clocks were written (a row in several steps counts again)
    after: int = 0  # the last log seq looked at
    more: bool = False  # stopped at its limit: received changes after ``after`` not looked at


def compact(cur: sqlite.Cursor, *, after: int = 0, limit: int | None = None,
            wholesale: bool = False) -> CompactResult:
    """Fold the received changes after log seq ``after`` that are no longer needed with their
    values into ``row_clock`` (the higher clock of each field wins), keep their ids in
    ``compacted_change`` and delete them from ``change_log``, in the caller's transaction;
    at most about ``limit`` changes looked at (None: all). ``wholesale`` (every change,
    no limit): the log is emptied at once and what stays put back, instead of deleting row
    by row through its indexes (:func:`_wholesale` says when that pays)."""
    assert not (wholesale and (limit is not None or after)), "wholesale is for the whole log"
    result = CompactResult(after=after)
    [(last_seq,)] = cur.execute("SELECT coalesce(max(seq), 0) FROM change_log").fetchall()
    found = cur.execute("SELECT value FROM sync_state WHERE key = ?",
                        (ATTACHMENTS_DOWN_SEQ,)).fetchone()
    photos_done = int(found[0]) if found else 0
    needed = {r[0] for r in cur.execute(_NEEDED_ROWS).fetchall()}
    reviewed = {(r[0], r[1]) for r in cur.execute(_NEEDED_CLOCKS).fetchall()}
    sets = row_clock.FieldSets(cur)
    kept: list[int] = []
    seen = 0
    while limit is None or seen < limit:
        step = cur.execute(
            "SELECT seq, id, entity, row_id, fields, hlc FROM change_log "
            "WHERE origin = 'remote' AND seq > ? AND seq < ? ORDER BY seq LIMIT ?",
            (result.after, last_seq, _STEP if limit is None else min(_STEP, limit - seen))
        ).fetchall()
        if not step:
            if wholesale and result.changes:
                _keep_only(cur, last_seq, kept)
            return result
        result.after = step[-1][0]
        seen += len(step)
        clocks: dict[str, dict[str, str]] = {}
        by_entity: dict[str, list[str]] = {}
        seqs: list[int] = []
        ids: list[tuple[bytes | str]] = []
        for seq, change_id, entity, row_id, fields, hlc in step:
            if (row_id in needed or (reviewed and (row_id, hlc) in reviewed)
                    or (entity == PHOTOS and seq > photos_done)):
                kept.append(seq)
                continue
            found_clocks = clocks.get(row_id)
            if found_clocks is None:  # the usual row: one change in the step
                clocks[row_id] = dict.fromkeys(orjson.loads(fields), hlc)
                by_entity.setdefault(entity, []).append(row_id)
            else:
                for name in orjson.loads(fields):
                    if hlc > found_clocks.get(name, ""):
                        found_clocks[name] = hlc
            seqs.append(seq)
            ids.append((stored_id(change_id),))
        if seqs:
            _fold(cur, sets, clocks, by_entity)
            cur.executemany("INSERT OR IGNORE INTO compacted_change (id) VALUES (?)", ids)
            if not wholesale:
                cur.execute("DELETE FROM change_log WHERE seq IN "
                            "(SELECT value FROM json_each(?))", (sqlite.json_list(seqs),))
            result.changes += len(seqs)
            result.rows += len(clocks)
    result.more = True
    return result


def _counts(cur: sqlite.Cursor) -> tuple[int, int]:
    """(received changes logged, changes logged)."""
    [(remote, everything)] = cur.execute(
        "SELECT count(*) FILTER (WHERE origin = 'remote'), count(*) FROM change_log").fetchall()
    return remote, everything


def _wholesale(remote: int, everything: int) -> bool:
    """True when the log is mostly received changes (a county's first import, the upgrade),
    and what would stay is small enough to hold aside in a temporary table (in memory: the
    store's ``temp_store``)."""
    return (remote >= _WHOLESALE_FROM and everything - remote <= _WHOLESALE_KEEPS_AT_MOST
            and remote * 2 >= everything)


def _keep_only(cur: sqlite.Cursor, last_seq: int, kept: list[int]) -> None:
    """Empty the log but for this laptop's changes, the received ones in ``kept`` and the
    last (every column, the seq too, as it was)."""
    cur.execute("CREATE TEMP TABLE compact_kept AS SELECT * FROM change_log "
                "WHERE origin != 'remote' OR seq >= ? OR seq IN (SELECT value FROM json_each(?))",
                (last_seq, sqlite.json_list(kept)))
    # No WHERE and no trigger on the table: SQLite empties it and its indexes at once.
    cur.execute("DELETE FROM change_log")
    cur.execute("INSERT INTO change_log SELECT * FROM temp.compact_kept")
    cur.execute("DROP TABLE temp.compact_kept")


def is_due(cur: sqlite.Cursor) -> bool:
    """True when at least ``COMPACT_AT`` received changes are logged (counted over their
    own index: cheap after every sync)."""
    [(logged,)] = cur.execute(
        "SELECT count(*) FROM (SELECT 1 FROM change_log WHERE origin = 'remote' LIMIT ?)",
        (max(COMPACT_AT, 1),)).fetchall()
    return logged >= COMPACT_AT


def compact_if_due(cur: sqlite.Cursor) -> CompactResult | None:
    """``compact`` every received change when the store is due (:func:`is_due`), in the
    caller's transaction (the upgrade's); None when not."""
    return compact(cur, wholesale=_wholesale(*_counts(cur))) if is_due(cur) else None


def compact_store(store: Store, *, progress: Callable[[int, int], None] | None = None
                  ) -> CompactResult | None:
    """Compact the store when it is due, in steps of ``_STEP`` changes, each its own
    transaction: a write of the GUI waits one step at most, and a step that dies (a killed
    process) leaves the steps before it done and the log as it was for the rest.
    ``progress(done, total)`` after each step; None when the store was not due."""
    with store.read() as cur:
        if not is_due(cur):
            return None
        total, everything = _counts(cur)
    if progress is not None:
        progress(0, total)  # begun (a wholesale run reports only again at its end)
    if _wholesale(total, everything):  # one transaction: emptying the log is the fast way
        with store.write() as w:
            done = compact(w.cursor, wholesale=True)
        if progress is not None:
            progress(total, total)
        return done
    done = CompactResult()
    while True:
        with store.write() as w:
            step = compact(w.cursor, after=done.after, limit=_STEP)
        done.changes += step.changes
        done.rows += step.rows
        done.after = step.after
        if progress is not None:
            progress(min(total, done.changes), total)
        if not step.more:
            return done


def after_merge(store: Store, progress: Callable[[int, int], None] | None = None) -> int:
    """:func:`compact_store` at the end of a sync or bundle import: the received changes
    compacted (0 when not due). A failure is logged and left for the next time (what the
    sync or import merged is committed already; compacting is housekeeping)."""
    try:
        done = compact_store(store, progress=progress)
    except Exception as exc:
        log.warning("compacting received changes failed (%s); tried again next time",
                    type(exc).__name__)
        return 0
    return done.changes if done is not None else 0


def _fold(cur: sqlite.Cursor, sets: row_clock.FieldSets, clocks: dict[str, dict[str, str]],
          by_entity: dict[str, list[str]]) -> None:
    """Raise the rows' kept clocks to ``clocks`` (row id → {field: HLC}; ``by_entity``:
    record type → those row ids)."""
    kept = row_clock.read(cur, by_entity, sets)
    rows = []
    for row_id, new in clocks.items():
        if not new:  # changes that named no field (none are made): nothing to keep
            continue
        old = kept.get(row_id)
        merged = row_clock.overlay(dict(old[1]), new) if old else new
        top = max(merged.values())
        rows.append((row_id, top, sets.encode(merged, top)))
    cur.executemany(
        "INSERT INTO row_clock (row_id, top, clocks) VALUES (?, ?, ?) "
        "ON CONFLICT(row_id) DO UPDATE SET top = excluded.top, clocks = excluded.clocks",
        rows)


# A change id as this program makes them (a UUID in canonical text) is kept as its 16
# bytes: a county's 3.2 million ids take 80 MB instead of 126 MB. Any other id is kept as
# text, so every id is kept exactly.
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def stored_id(change_id: str) -> bytes | str:
    """How ``compacted_change`` keeps an id."""
    return bytes.fromhex(change_id.replace("-", "")) if _UUID.fullmatch(change_id) else change_id


def known_ids(cur: sqlite.Cursor, ids: Iterable[str]) -> set[str]:
    """Which of ``ids`` this store has seen: logged, or received and compacted (a change
    delivered again is skipped either way)."""
    listed = list(ids)
    found = {r[0] for r in cur.execute(
        "SELECT id FROM change_log WHERE id IN (SELECT value FROM json_each(?))",
        (sqlite.json_list(listed),))}
    by_hex: dict[str, str] = {}
    others: list[str] = []
    for i in listed:
        if _UUID.fullmatch(i):
            by_hex[i.replace("-", "")] = i
        else:
            others.append(i)
    if by_hex:
        found.update(by_hex[r[0].lower()] for r in cur.execute(
            "SELECT hex(id) FROM compacted_change WHERE id IN "
            "(SELECT unhex(value) FROM json_each(?))", (sqlite.json_list(by_hex),)))
    if others:
        found.update(r[0] for r in cur.execute(
            "SELECT id FROM compacted_change WHERE id IN (SELECT value FROM json_each(?))",
            (sqlite.json_list(others),)))
    return found
