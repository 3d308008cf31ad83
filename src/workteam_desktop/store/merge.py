"""Applying changes made elsewhere (network sync, USB bundles): the merge.

Per field, the value with the highest HLC wins. Applying the same changes in any order,
any number of times, gives the same rows on every replica: a change already in the log is
skipped by its id; a field takes a change's value only if the change's HLC is above the
field's current HLC (the highest logged HLC naming it); a row that does not exist yet is
made from every change received for it once they carry its required fields and its parent
rows exist (until then it waits in ``pending_row`` and is retried after every batch).

A change to a row that was here before the batch may point a reference field (a foreign
key: ``member.household_id``, ``visit.village_id`` …) at a row that is not here: outside
this laptop's scope, or not arrived yet. Writing it would fail the deferred foreign-key
check at commit, and so every later sync of the same page. Instead the change is logged
(it is never applied twice and its HLC is the field's clock), the other fields it wins
are written, and its reference fields wait together in ``pending_field`` (keyed on the
first one whose row is missing; all of a change's references wait as one, as a new row
waits for all its parents, so a household never takes a new village with its old grid).
After every batch (``finish``), a waiting change whose rows are all there is written for
the reference fields it still wins (no later logged change names them); one that no
longer wins any is dropped. During the batch, only a row that was here before it counts
as there: the reference path makes the batch's new rows only at its end, and both paths
must hold the same fields (a parent made by the batch lets its waiting fields go in
``finish``, as if it had been there).

When a change overwrites a value it did not know (the value is not in the chain of values
its ``base`` links back through), or loses to a value that did not know it, the losing
value goes to the ``conflict`` table for a person to review. Nothing is lost. A waiting
value is compared when it is written, not before (see ``_merge_into_row``).

Changes are classified a chunk at a time (one query for which are already logged, one per
table for which rows exist, one for the field clocks of rows already logged). Rows this
replica has never seen (a first sync, a county's bundle: nearly every change) take the
fast path: their values are folded in memory, their log lines and the rows themselves are
written with ``executemany`` at the end of the chunk. The result is the same as making
them from the log at the end of the batch (the slow path, ``fast=False``): a later change
to a row made earlier in the same batch is folded into it the same way (no conflict
review, the row's HLC the highest of its changes), as if the row had waited to the end.
In the rare batch where that cannot hold, the fast path raises :class:`NeedsReferencePath`
and the caller merges the batch again, in a new transaction, by the reference path
(``store.changes.merge`` does this).
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import operator
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from ..domain.changes import Change, dumps
from ..domain.hlc import Timestamp, device_of
from . import compact, row_clock, sqlite
from .writer import TableInfo, Writer

_CHANGE_SQL = (
    "INSERT INTO change_log (id, entity, row_id, fields, base, hlc, device, user, origin, pushed)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'remote', 1)"
)
_CONFLICT_SQL = (
    "INSERT INTO conflict (entity, row_id, field, kept_value, kept_hlc, lost_value, lost_hlc, "
    "lost_device, lost_user, created_at, resolved, resolution) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '')"
)
_PENDING_FIELD_SQL = (
    "INSERT INTO pending_field (change_id, entity, row_id, field, parent_entity, parent_id) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)
_CHUNK = 5_000  # changes classified together
_ROW_CACHE = 20_000  # rows whose field clocks are kept in memory during one merge
_PENDING_BATCH = 5_000  # waiting rows queued in pending_row per statement
_INSERT_BATCH = 2_000  # rows made per statement
_HLC = re.compile(r"[0-9a-f]{16}.+", re.ASCII)

# What the merge knows of a row (second item of a _Row).
_EXISTS = 0  # in its table before this merge: changes are merged field by field
_MADE = 1  # made by this merge: later changes are folded in as if it still waited
_WAITING = 2  # logged but not made (missing fields or parent): changes are logged
_NEW = 3  # neither in its table nor logged: folded in memory, made at the end of the chunk

# One row's state: [entity, kind, field → HLC of its current value]
_Row = list[Any]


class UnknownEntity(ValueError):
    """A change names a table this version does not have (a newer program made it)."""


@dataclass(slots=True)
class ApplyResult:
    """What applying a batch of changes did."""

    applied: int = 0  # new changes taken, logged or kept compacted (won a field or not)
    duplicate: int = 0  # already in the log: skipped
    conflicts: int = 0  # losing values queued for review
    compacted: int = 0  # new changes kept compacted, not logged (``compact_new``)
    touched: dict[str, set[str]] = field(default_factory=dict)  # entity → row ids changed
    # entity → {"new", "updated", "unchanged", "conflict"}: per change, whether its row was
    # not here yet, was here, the change was already logged; and conflicts queued.
    per_entity: dict[str, Counter[str]] = field(default_factory=dict)

    def count(self, entity: str, kind: str, n: int = 1) -> None:
        """Add to one per-entity figure."""
        found = self.per_entity.get(entity)
        if found is None:
            found = self.per_entity[entity] = Counter()
        found[kind] += n


def _who(cur: Any, row_id: str, hlc: str) -> tuple[str, str, str]:
    """Device, user and base of the logged change that set a field. A clock loaded from a
    snapshot has no logged change: its device is the HLC's, its user and base unknown (an
    empty base can only queue a conflict too many, never lose a value)."""
    row = cur.execute("SELECT device, user, base FROM change_log WHERE row_id = ? AND hlc = ? "
                      "LIMIT 1", (row_id, hlc)).fetchone()
    return (row[0], row[1], row[2]) if row else (device_of(hlc), "", "{}")


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


def _chunks(changes: Iterable[Change], size: int) -> Iterator[list[Change]]:
    it = iter(changes)
    while chunk := list(islice(it, size)):
        yield chunk


class NeedsReferencePath(Exception):
    """A row made early by the fast path got a change that making it at the end would
    not have made it with (a parent that never came, an emptied required field): the
    transaction must be rolled back and the batch merged with ``fast=False``."""


def apply_changes(writer: Writer, changes: Iterable[Change], *, fast: bool = True,
                  compact_new: bool = False) -> ApplyResult:
    """Merge ``changes`` into the store inside the writer's transaction.

    ``compact_new``: the changes that make a row the fast path makes are kept as the
    compaction keeps them (the row's field clocks in ``row_clock``, their ids in
    ``compacted_change``), not logged. For a batch the compaction would fold right after
    (a county's bundle): the same store, without writing a million log lines only to read
    them back and delete them. Rows that wait stay logged, as the compaction leaves them.

    ``fast=False`` makes every new row wait in ``pending_row`` and builds it from the log
    at the end (the reference the fast path is tested against; the stores are equal).
    The fast path may raise :class:`NeedsReferencePath` after writing: the caller rolls
    the transaction back and merges again with ``fast=False`` (``store.changes.merge``).
    A one-shot iterator (which could not be read again) gets the reference path at once.

    Why not a savepoint around the fast path, undone in place: inside a savepoint SQLite
    copies every page the transaction touches to an in-memory sub-journal, and each
    INSERT's own statement savepoint truncates that journal by walking it from its start,
    so the cost of a row grows with the transaction (measured: 300,000 changes in pages
    of 5,000 took 3 times as long, and the first sync of a county over 10 times).
    """
    # A merge allocates millions of small objects and frees them itself (no cycles): the
    # cyclic collector would only rescan them, over and over (a third of the time).
    with collector_off():
        if not fast or iter(changes) is changes:
            return _merge(writer, changes, fast=False)
        return _merge(writer, changes, fast=True, compact_new=compact_new)


@contextmanager
def collector_off() -> Iterator[None]:
    """Python's cyclic garbage collector off for the block (as it was before, after it).

    For work that allocates millions of objects and makes no reference cycles (they are
    freed as they go): the collector would only rescan them, over and over.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _merge(writer: Writer, changes: Iterable[Change], *, fast: bool,
           compact_new: bool = False) -> ApplyResult:
    merge = _Merge(writer, fast, compact_new)
    for chunk in _chunks(changes, _CHUNK):
        merge.apply_chunk(chunk)
    merge.finish()
    return merge.result


class _Merge:
    """One merge: the caches and buffers that live while a batch is applied."""

    def __init__(self, writer: Writer, fast: bool, compact_new: bool = False) -> None:
        self.writer = writer
        self.cur = writer.cursor
        # Within the batch, a child may come before its parent: check references at commit.
        self.cur.execute("PRAGMA defer_foreign_keys = ON")
        self.fast = fast
        self.tables = writer.tables
        self.result = ApplyResult()
        self.now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        self.allowed = {entity: frozenset(info.data_columns) | {"deleted"}
                        for entity, info in self.tables.items()}
        self.rows: dict[str, _Row] = {}  # row id → what the store says (bounded)
        self.made: set[str] = set()  # rows made by this merge
        self.waiting: dict[str, str] = {}  # row id → entity, not yet in pending_row
        self.log: list[tuple[Any, ...]] = []  # change_log lines not yet written
        self.compact_new = compact_new
        # compact_new: row id → the changes of a new row of this chunk, not logged: kept as
        # clocks and ids if the row is made, logged if it waits (_make_new_rows).
        self.unlogged: dict[str, list[Change]] = {}
        self.newest_kept = ""  # the newest clock kept as a made row's SAME top
        # row id → [entity, values, HLC of the last change]: new rows of this chunk
        self.new_rows: dict[str, list[Any]] = {}
        self.parents: dict[str, set[str]] = {}  # parent table → ids known to exist
        # parent table → ids known not to have been here before the batch (what changes to
        # existing rows are checked against until finish: stable for the whole batch)
        self.absent: dict[str, set[str]] = {}
        # The chunk (and its logged ids) whose references are not asked for yet: asked on
        # the first change that needs one, so a chunk with none costs nothing (a first sync).
        self.unasked: tuple[list[Change], set[str]] | None = None
        # (parent table, id) named by later changes to rows made here: must exist at the end
        self.moved: list[tuple[str, str]] = []
        self.parent_tables = {p for t in self.tables.values() for p in t.foreign_keys.values()}
        # Reference columns of each table in column order (foreign_keys comes from a set:
        # its order could differ between runs, and which field a change waits on must not).
        self.ref_columns = {entity: [c for c in info.columns if c in info.foreign_keys]
                            for entity, info in self.tables.items()}
        # Whether any field waits for its parent: asked once, so that a change naming a
        # reference field looks for waiting values only when some field waits at all.
        self.fields_wait = self.cur.execute(
            "SELECT 1 FROM pending_field LIMIT 1").fetchone() is not None
        # Rows where a change of this batch won a field whose value waited: the waiting
        # change may win nothing now, or only fields it can have (settled in finish).
        self.recheck: set[str] = set()
        # Rows loaded from a snapshot keep their field clocks in row_clock: read them too
        # (asked once: a store that was never loaded from one pays nothing).
        self.loaded = row_clock.any_loaded(self.cur)
        self.sets = row_clock.FieldSets(self.cur)

    # -- classification --------------------------------------------------------------

    def _probe(self, by_entity: dict[str, dict[str, None]]) -> None:
        """Read, for rows not in memory, whether they exist and their field clocks."""
        cur = self.cur
        everything: list[str] = []
        present: set[str] = set()
        for entity, ids in by_entity.items():
            present.update(r[0] for r in cur.execute(
                f'SELECT id FROM "{entity}" WHERE id IN (SELECT value FROM json_each(?))',
                (sqlite.json_list(ids),)))
            everything.extend(ids)
        clocks: dict[str, dict[str, str]] = {}
        for row_id, fields_text, hlc in cur.execute(
                "SELECT row_id, fields, hlc FROM change_log WHERE row_id IN "
                "(SELECT value FROM json_each(?)) ORDER BY row_id, hlc",
                (sqlite.json_list(everything),)):
            found = clocks.get(row_id)
            if found is None:
                found = clocks[row_id] = {}
            for name in json.loads(fields_text):
                found[name] = hlc
        if self.loaded:
            for row_id, (_top, kept) in row_clock.read(cur, by_entity, self.sets).items():
                row_clock.overlay(clocks.setdefault(row_id, {}), kept)
        rows, made = self.rows, self.made
        for entity, ids in by_entity.items():
            for row_id in ids:
                logged = clocks.get(row_id)
                if row_id in present:
                    kind = _MADE if row_id in made else _EXISTS
                elif logged is not None or not self.fast:
                    kind = _WAITING
                else:
                    kind = _NEW
                rows[row_id] = [entity, kind, logged if logged is not None else {}]

    def _logged_ids(self, chunk: list[Change]) -> set[str]:
        return compact.known_ids(self.cur, (ch.id for ch in chunk))

    # -- one chunk -------------------------------------------------------------------

    def apply_chunk(self, chunk: list[Change]) -> None:
        """Classify and apply a chunk of changes, in order."""
        tables, rows, result = self.tables, self.rows, self.result
        if len(rows) >= _ROW_CACHE:
            rows.clear()
        for ch in chunk:
            if ch.entity not in tables:
                raise UnknownEntity(ch.entity)
        logged = self._logged_ids(chunk)
        need: dict[str, dict[str, None]] = {}
        for ch in chunk:
            if ch.row_id not in rows and ch.id not in logged:
                need.setdefault(ch.entity, {})[ch.row_id] = None
        if need:
            self._probe(need)
        self.unasked = (chunk, logged)  # parents asked for on the first need (_exists)
        seen: set[str] = set()
        log, new_rows, allowed = self.log, self.new_rows, self.allowed
        compact_new, unlogged = self.compact_new, self.unlogged
        new_count: dict[str, int] = {}
        top = ""
        for ch in chunk:
            entity = ch.entity
            if ch.id in logged or ch.id in seen:
                result.duplicate += 1
                result.count(entity, "unchanged")
                continue
            seen.add(ch.id)
            row_id, fields, hlc = ch.row_id, ch.fields, ch.hlc
            if not allowed[entity].issuperset(fields):
                unknown = set(fields) - allowed[entity]
                raise UnknownEntity(f"{entity}.{sorted(unknown)}")
            if not _HLC.fullmatch(hlc):
                raise ValueError(f"not an HLC timestamp: {hlc!r}")
            if hlc > top:
                top = hlc
            row = rows.get(row_id)
            if row is None or row[0] != entity:  # dropped from memory, or another table's id
                self._flush_log()
                self._probe({entity: {row_id: None}})
                row = rows[row_id]
            kind, clocks = row[1], row[2]
            result.applied += 1
            if kind == _NEW:
                if compact_new and entity != compact.PHOTOS:
                    unlogged.setdefault(row_id, []).append(ch)
                else:
                    log.append(_log_line(ch))
                new_count[entity] = new_count.get(entity, 0) + 1
                new = new_rows.get(row_id)
                if new is None:  # the usual case: the change that creates the row
                    new_rows[row_id] = [entity, dict(fields), hlc]
                    row[2] = dict.fromkeys(fields, hlc)
                    continue
                values = new[1]
                # As when made from the log in HLC order: the later change wins a tie.
                for name, value in fields.items():
                    if hlc >= clocks.get(name, ""):
                        clocks[name] = hlc
                        values[name] = value
                if hlc >= new[2]:
                    new[2] = hlc
                continue
            info = tables[entity]
            if kind == _WAITING:
                log.append(_log_line(ch))
                new_count[entity] = new_count.get(entity, 0) + 1
                if row_id not in self.waiting:
                    self.waiting[row_id] = entity
                    if len(self.waiting) >= _PENDING_BATCH:
                        self._queue_pending()
            elif kind == _EXISTS:
                self._flush_log()
                result.count(entity, "updated")
                self._merge_into_row(info, ch, clocks)
            else:
                new_count[entity] = new_count.get(entity, 0) + 1
                self._fold_into_made(info, ch, clocks)
            for name in fields:
                if hlc > clocks.get(name, ""):
                    clocks[name] = hlc
        self._flush_log()
        for entity, n in new_count.items():
            result.count(entity, "new", n)
        if top:  # past the newest clock received: every later local change is later
            self.writer.clock.receive(Timestamp.decode(top))
        if new_rows:
            self._make_new_rows()

    def _flush_log(self) -> None:
        if self.log:
            self.cur.executemany(_CHANGE_SQL, self.log)
            self.log.clear()

    def _queue_pending(self) -> None:
        self.cur.executemany("INSERT OR IGNORE INTO pending_row (row_id, entity) VALUES (?, ?)",
                             self.waiting.items())
        self.waiting.clear()

    def _fold_into_made(self, info: TableInfo, ch: Change, clocks: dict[str, str]) -> None:
        """A change to a row this merge made: the fields it wins, and the row's HLC the
        highest of its changes (what making the row from all of them at the end gives).

        Its reference fields never wait in ``pending_field``: the reference makes such a
        row from all its changes at the end of the batch, so a row whose newest reference
        names a row that never came waits whole in ``pending_row``, as any new row does.
        A field waiting here would leave the row made, unlike the reference; so a parent
        still missing at the end sends the batch to the reference path (``moved``)."""
        self.log.append(_log_line(ch))
        self._flush_log()
        hlc = ch.hlc
        winners = {n: v for n, v in ch.fields.items() if hlc >= clocks.get(n, "")}
        for name, value in winners.items():
            if value is None and name in info.required:
                raise NeedsReferencePath(info.entity)
            parent = info.foreign_keys.get(name)
            if parent is None or value is None:
                continue
            if parent == info.entity:
                # A parent of its own table (an area's): unless that parent was here before
                # this batch, waiting might never have ended (itself, or a cycle).
                if value in self.made or not self.cur.execute(
                        f'SELECT 1 FROM "{parent}" WHERE id = ?', (value,)).fetchone():
                    raise NeedsReferencePath(info.entity)
            else:
                self.moved.append((parent, value))  # must exist at the end of the batch
        cur = self.cur
        [current] = cur.execute(f'SELECT updated_hlc FROM "{info.entity}" WHERE id = ?',
                                (ch.row_id,)).fetchone()
        if not winners and hlc <= current:
            return
        sets = "".join(f'"{n}" = ?, ' for n in winners)
        params = [info.db_value(n, v) for n, v in winners.items()]
        cur.execute(f'UPDATE "{info.entity}" SET {sets}updated_hlc = ? WHERE id = ?',
                    (*params, hlc, ch.row_id))
        if hlc < current:  # the row keeps the HLC of its latest change (logged: guard passes)
            cur.execute(f'UPDATE "{info.entity}" SET updated_hlc = ? WHERE id = ?',
                        (current, ch.row_id))
        if winners:
            # The household it was made in was noted when it was made.
            self.writer.note(info.entity, ch.row_id, winners)
            self.result.touched.setdefault(info.entity, set()).add(ch.row_id)

    # -- rows that were here before the batch ------------------------------------------

    def _merge_into_row(self, info: TableInfo, ch: Change, clocks: dict[str, str]) -> None:
        """Log a change to a row that existed before this merge, write the fields it wins
        and queue conflicts. Reference fields it wins that name a row not here wait in
        ``pending_field`` (all of them, with the change) instead of being written."""
        cur, result, now = self.cur, self.result, self.now
        row_id, hlc = ch.row_id, ch.hlc
        names = list(ch.fields)
        existing = None
        if names:
            cols = ", ".join(f'"{n}"' for n in names)
            existing = cur.execute(f'SELECT {cols} FROM "{info.entity}" WHERE id = ?',
                                   (row_id,)).fetchone()
        winners = {n: v for n, v in ch.fields.items() if hlc > clocks.get(n, "")}
        fks = info.foreign_keys
        # Most changes name no reference field: for them, no query and no set is made here.
        held: list[str] = []
        awaited: tuple[str, str, str] | None = None
        waiting: set[str] = set()
        if fks and not fks.keys().isdisjoint(names):
            refs = [n for n in self.ref_columns[info.entity] if n in winners]
            awaited = self._awaited(info, winners, refs, settled=False) if refs else None
            if awaited is not None:
                held = refs
            if self.fields_wait:
                waiting = self._waiting(row_id, names, fks, clocks)
        # Conflicts and waiting values. A value that waits has never been in the row: a
        # conflict naming it could not be shown (the row it points to is not here) nor
        # settled (keeping or restoring it would write a reference to a missing row), and
        # pairing it with the row's value would pair a value with an HLC that did not set
        # it. So, for conflict review, a waiting value is not there until it is written:
        # - a change whose value waits is compared when it is written (``_settle``), with
        #   the value it then replaces and the values that lost to it meanwhile;
        # - a change that loses to a waiting value is compared then too (it is one of
        #   those values), or by the change that overtakes the waiting one;
        # - a change that overtakes a waiting value is compared with the value the row
        #   holds and with the values named since it was set (``_queue_overwritten``).
        # Every replica still ends with the same rows; the queue is this laptop's own.
        for i, name in enumerate(names):
            if name in held:
                continue
            value = ch.fields[name]
            if name in waiting:
                if name in winners:
                    self._queue_overwritten(info, row_id, name, value, hlc,
                                            ch.base.get(name, ""), existing[i],
                                            self._row_log(row_id, info.entity), settled=False)
                continue
            current_hlc = clocks.get(name, "")
            differs = existing is not None and info.db_value(name, value) != existing[i]
            if name in winners:
                # The change overwrote a value it had not seen: keep that value.
                if current_hlc and differs and current_hlc not in _known(
                        cur, row_id, name, ch.base.get(name, "")):
                    device, user, _ = _who(cur, row_id, current_hlc)
                    cur.execute(_CONFLICT_SQL, (
                        info.entity, row_id, name, dumps({"v": value}), hlc,
                        dumps({"v": existing[i]}), current_hlc, device, user, now))
                    result.conflicts += 1
                    result.count(info.entity, "conflict")
            elif differs:
                # The change lost; if the value that beat it did not know it, keep it too.
                _, _, base_text = _who(cur, row_id, current_hlc)
                if hlc not in _known(cur, row_id, name,
                                     json.loads(base_text).get(name, "")):
                    cur.execute(_CONFLICT_SQL, (
                        info.entity, row_id, name, dumps({"v": existing[i]}), current_hlc,
                        dumps({"v": value}), hlc, ch.device, ch.user, now))
                    result.conflicts += 1
                    result.count(info.entity, "conflict")
        # Logged even when every field it wins waits: never applied twice, and its HLC is
        # the clock of those fields (a later change must beat it, as on every replica).
        cur.execute(_CHANGE_SQL, _log_line(ch))
        written = {n: v for n, v in winners.items() if n not in held} if held else winners
        if written:
            sets = ", ".join(f'"{n}" = ?' for n in written)
            params = [info.db_value(n, v) for n, v in written.items()]
            cur.execute(f'UPDATE "{info.entity}" SET {sets}, updated_hlc = ? WHERE id = ?',
                        (*params, hlc, row_id))
            self.writer.note(info.entity, row_id, written,
                             dict(zip(names, existing, strict=True))
                             if existing is not None else None)
            result.touched.setdefault(info.entity, set()).add(row_id)
        if awaited is not None:
            cur.execute(_PENDING_FIELD_SQL, (ch.id, info.entity, row_id, *awaited))
            self.fields_wait = True
        if waiting and not waiting.isdisjoint(winners):
            self.recheck.add(row_id)

    def _ask_parents(self, chunk: list[Change], logged: set[str]) -> None:
        """Which rows the references of this chunk's changes to existing rows name were
        here before the batch: one query per parent table for the chunk, instead of one
        per change in ``_exists``."""
        wanted: dict[str, set[Any]] = {}
        rows, tables, made = self.rows, self.tables, self.made
        for ch in chunk:
            fks = tables[ch.entity].foreign_keys
            if not fks or ch.id in logged:
                continue
            row = rows.get(ch.row_id)
            if row is None or row[1] != _EXISTS:
                continue
            for name, value in ch.fields.items():
                parent = fks.get(name)
                if parent is not None and value is not None and value not in made:
                    wanted.setdefault(parent, set()).add(value)
        for parent, refs in wanted.items():
            refs -= self.absent.get(parent, set())
            refs -= self.parents.get(parent, set())
            if refs:
                self._note_absent(parent, refs - self._parents_exist(parent, refs))

    def _note_absent(self, parent: str, refs: set[Any]) -> None:
        if refs:
            absent = self.absent.setdefault(parent, set())
            if len(absent) + len(refs) > _ROW_CACHE:
                absent.clear()
            absent |= refs

    def _exists(self, parent: str, ref: Any, *, settled: bool) -> bool:
        """Whether ``ref`` is a row of ``parent``. Before the end of the batch
        (``settled`` False) only a row that was here before the batch counts: the
        reference path makes the batch's new rows only at its end, and both paths must
        hold the same fields. (So, until then, an absent row stays absent: remembered.)"""
        if settled:
            return ref in self._parents_exist(parent, {ref})
        if ref in self.made or ref in self.absent.get(parent, ()):
            return False
        if self.unasked is not None and ref not in self.parents.get(parent, ()):
            chunk, logged = self.unasked
            self.unasked = None
            self._ask_parents(chunk, logged)
            if ref in self.absent.get(parent, ()):
                return False
        if ref in self._parents_exist(parent, {ref}):
            return True
        self._note_absent(parent, {ref})
        return False

    def _awaited(self, info: TableInfo, values: dict[str, Any], refs: list[str], *,
                 settled: bool) -> tuple[str, str, str] | None:
        """(field, parent table, id) of the first of ``refs`` naming a row not there."""
        for name in refs:
            ref = values[name]
            if ref is not None:
                parent = info.foreign_keys[name]
                if not self._exists(parent, ref, settled=settled):
                    return name, parent, ref
        return None

    def _waiting(self, row_id: str, names: list[str], fks: dict[str, str],
                 clocks: dict[str, str]) -> set[str]:
        """Which reference fields among ``names`` have a waiting value as their clock (the
        row holds an older value): a waiting change wins every reference it names that
        no later change named."""
        found: set[str] = set()
        for change_hlc, fields_text in self.cur.execute(
                "SELECT c.hlc, c.fields FROM pending_field p JOIN change_log c "
                "ON c.id = p.change_id WHERE p.row_id = ?", (row_id,)):
            for name in json.loads(fields_text):
                if name in fks and name in names and clocks.get(name) == change_hlc:
                    found.add(name)
        return found

    def _row_log(self, row_id: str, entity: str) -> list[tuple[str, dict[str, Any], str, str]]:
        """(HLC, fields, device, user) of every logged change of a row, oldest first.

        A row loaded from a snapshot or compacted adds one entry per clock kept in
        ``row_clock``, naming the fields of that clock with the values the row holds: what
        the change that set them would say, unless a later logged change set the field
        again (then the kept value is older than any value a waiting change compares with:
        the newest entry holding the row's value starts the comparison)."""
        log = [(h, json.loads(f), d, u) for h, f, d, u in self.cur.execute(
            "SELECT hlc, fields, device, user FROM change_log WHERE row_id = ? ORDER BY hlc",
            (row_id,))]
        if not self.loaded:
            return log
        kept = row_clock.read(self.cur, {entity: [row_id]}, self.sets).get(row_id)
        if kept is None:
            return log
        groups: dict[str, list[str]] = {}
        for name, hlc in kept[1].items():
            groups.setdefault(hlc, []).append(name)
        names = [n for ns in groups.values() for n in ns]
        cols = ", ".join(f'"{n}"' for n in names)
        current = dict(zip(names, self.cur.execute(
            f'SELECT {cols} FROM "{entity}" WHERE id = ?', (row_id,)).fetchone(), strict=True))
        log += [(hlc, {n: current[n] for n in ns}, device_of(hlc), "")
                for hlc, ns in groups.items()]
        log.sort(key=lambda entry: entry[0])
        return log

    def _queue_overwritten(self, info: TableInfo, row_id: str, name: str, value: Any,
                           hlc: str, base_hlc: str, current: Any,
                           log: list[tuple[str, dict[str, Any], str, str]], *,
                           settled: bool) -> None:
        """Queue what a value written now replaced without knowing it, where waiting
        values came in between: the value the row held (set by the newest change below
        ``hlc`` naming that value) and every value named for the field since (each waited,
        or lost to one that waited: none was ever compared). A value naming a row still
        not here is left out: the review could neither show nor restore it."""
        below = [entry for entry in log if entry[0] < hlc and name in entry[1]]
        start = ""  # no logged change set the row's value (a default): all are candidates
        for h, fields, _, _ in reversed(below):
            if info.db_value(name, fields[name]) == current:
                start = h
                break
        mine = info.db_value(name, value)
        parent = info.foreign_keys[name]
        known: set[str] | None = None
        for h, fields, device, user in below:
            lost = fields[name]
            if h < start or info.db_value(name, lost) == mine:
                continue
            if known is None:
                known = _known(self.cur, row_id, name, base_hlc)
            if h in known:
                continue
            if h != start and lost is not None and not self._exists(parent, lost,
                                                                    settled=settled):
                continue
            self.cur.execute(_CONFLICT_SQL, (info.entity, row_id, name, dumps({"v": value}),
                                             hlc, dumps({"v": lost}), h, device, user,
                                             self.now))
            self.result.conflicts += 1
            self.result.count(info.entity, "conflict")

    def _settle_waiting_fields(self) -> None:
        """Write every waiting change whose rows are all there now, for the reference
        fields it still wins; drop those that win none; re-key those that wait on."""
        cur = self.cur
        due: set[str] = set()
        for (parent,) in cur.execute("SELECT DISTINCT parent_entity FROM pending_field"
                                     ).fetchall():
            if parent in self.tables:
                due.update(r[0] for r in cur.execute(
                    f'SELECT p.change_id FROM pending_field p JOIN "{parent}" t '
                    "ON t.id = p.parent_id WHERE p.parent_entity = ?", (parent,)))
        if self.recheck:
            due.update(r[0] for r in cur.execute(
                "SELECT change_id FROM pending_field WHERE row_id IN "
                "(SELECT value FROM json_each(?))", (sqlite.json_list(self.recheck),)))
            self.recheck.clear()
        if not due:
            return
        # Oldest first: a row with several waiting changes ends with the newest one's HLC.
        for entry in cur.execute(
                "SELECT c.id, c.entity, c.row_id, c.fields, c.base, c.hlc, p.field, "
                "p.parent_entity, p.parent_id FROM pending_field p JOIN change_log c "
                "ON c.id = p.change_id WHERE p.change_id IN (SELECT value FROM json_each(?)) "
                "ORDER BY c.hlc, c.id", (sqlite.json_list(due),)).fetchall():
            self._settle(*entry)

    def _settle(self, change_id: str, entity: str, row_id: str, fields_text: str,
                base_text: str, hlc: str, field: str, parent_entity: str,
                parent_id: str) -> None:
        """One waiting change: written, dropped or still waiting (see the caller)."""
        cur = self.cur
        info = self.tables[entity]
        fields = json.loads(fields_text)
        log = self._row_log(row_id, entity)
        later = {n for h, named, _, _ in log if h > hlc for n in named}
        group = [n for n in self.ref_columns[entity] if n in fields and n not in later]
        if not group:  # later changes won every field it waited for
            cur.execute("DELETE FROM pending_field WHERE change_id = ?", (change_id,))
            return
        awaited = self._awaited(info, fields, group, settled=True)
        if awaited is not None:
            if awaited != (field, parent_entity, parent_id):
                cur.execute("UPDATE pending_field SET field = ?, parent_entity = ?, "
                            "parent_id = ? WHERE change_id = ?", (*awaited, change_id))
            return
        cols = ", ".join(f'"{n}"' for n in group)
        found = cur.execute(f'SELECT updated_hlc, {cols} FROM "{entity}" WHERE id = ?',
                            (row_id,)).fetchone()
        if found is None:  # cannot happen (rows are never deleted): nothing to write into
            return
        current_hlc, existing = found[0], found[1:]
        base = json.loads(base_text)
        for name, old in zip(group, existing, strict=True):
            self._queue_overwritten(info, row_id, name, fields[name], hlc,
                                    base.get(name, ""), old, log, settled=True)
        sets = ", ".join(f'"{n}" = ?' for n in group)
        params = [info.db_value(n, fields[n]) for n in group]
        if current_hlc != hlc:  # the row's HLC: this change, the last one applied to it
            cur.execute(f'UPDATE "{entity}" SET {sets}, updated_hlc = ? WHERE id = ?',
                        (*params, hlc, row_id))
        else:
            # Its other fields were written when it came and nothing since: the guard
            # refuses an update that keeps the row's HLC, so step through another known
            # HLC of the row (the change that made it or its loaded clock) and back.
            found_other = cur.execute(
                "SELECT hlc FROM change_log WHERE row_id = ? AND hlc != ? LIMIT 1",
                (row_id, hlc)).fetchone() or cur.execute(
                "SELECT top FROM row_clock WHERE row_id = ? AND top NOT IN (?, '')",
                (row_id, hlc)).fetchone()
            other = found_other[0]
            cur.execute(f'UPDATE "{entity}" SET {sets}, updated_hlc = ? WHERE id = ?',
                        (*params, other, row_id))
            cur.execute(f'UPDATE "{entity}" SET updated_hlc = ? WHERE id = ?', (hlc, row_id))
        values = {n: fields[n] for n in group}
        self.writer.note(entity, row_id, values, dict(zip(group, existing, strict=True)))
        self.result.touched.setdefault(entity, set()).add(row_id)
        cur.execute("DELETE FROM pending_field WHERE change_id = ?", (change_id,))

    # -- making rows -----------------------------------------------------------------

    def _parents_exist(self, parent: str, refs: set[str]) -> set[str]:
        """Which of ``refs`` are rows of ``parent`` (in memory, or asked in one query)."""
        seen = self.parents.setdefault(parent, set())
        ask = refs - seen
        if ask:
            found = {r[0] for r in self.cur.execute(
                f'SELECT id FROM "{parent}" WHERE id IN (SELECT value FROM json_each(?))',
                (sqlite.json_list(ask),))}
            if len(seen) + len(found) > _ROW_CACHE:
                seen.clear()
            seen |= found
            return (refs - ask) | found
        return refs

    def _make_new_rows(self) -> None:
        """Insert this chunk's new rows that have their required fields and parents, table
        by table (parents first, again while that makes more); the others wait."""
        new_rows, rows = self.new_rows, self.rows
        by_entity: dict[str, list[str]] = {}
        for row_id, (entity, _, _) in new_rows.items():
            by_entity.setdefault(entity, []).append(row_id)
        progress = True
        while progress:
            progress = False
            for entity, info in self.tables.items():
                ids = by_entity.get(entity)
                if ids:
                    left = self._make_rows(info, ids)
                    progress = progress or len(left) < len(ids)
                    by_entity[entity] = left
        for ids in by_entity.values():
            for row_id in ids:
                rows[row_id][1] = _WAITING
                self.waiting[row_id] = rows[row_id][0]
                # A waiting row is made from its logged changes (as the compaction keeps them)
                self.log.extend(_log_line(ch) for ch in self.unlogged.get(row_id, ()))
        self._flush_log()
        self.unlogged.clear()
        if len(self.waiting) >= _PENDING_BATCH:
            self._queue_pending()
        new_rows.clear()

    def _make_rows(self, info: TableInfo, ids: list[str]) -> list[str]:
        """Make the rows of one table that can be made; returns the ids left waiting."""
        new_rows, rows, made = self.new_rows, self.rows, self.made
        required = info.required
        ready: list[str] = []
        left: list[str] = []
        for row_id in ids:
            values = new_rows[row_id][1]
            (left if None in map(values.get, required) else ready).append(row_id)
        for column, parent in info.foreign_keys.items():
            refs = {v for r in ready if (v := new_rows[r][1].get(column)) is not None}
            there = self._parents_exist(parent, refs) if refs else refs
            if len(there) < len(refs):
                keep: list[str] = []
                for r in ready:
                    v = new_rows[r][1].get(column)
                    (keep if v is None or v in there else left).append(r)
                ready = keep
        if not ready:
            return left
        if self.unlogged:
            self._keep_clocks(ready)
        entity = info.entity
        layout = row_layout(info)
        note, touched = self.writer.note, self.result.touched.setdefault(entity, set())
        batch: list[tuple[Any, ...]] = []
        for row_id in ready:
            _, values, last_hlc = new_rows[row_id]
            record, full = row_record(info, layout, row_id, values, last_hlc)
            batch.append(record)
            note(entity, row_id, full)
            touched.add(row_id)
            made.add(row_id)
            rows[row_id][1] = _MADE
            if len(batch) >= _INSERT_BATCH:
                self.cur.executemany(info.insert_sql, batch)
                batch.clear()
        if batch:
            self.cur.executemany(info.insert_sql, batch)
        if entity in self.parent_tables:
            seen = self.parents.setdefault(entity, set())
            if len(seen) + len(ready) > _ROW_CACHE:
                seen.clear()
            seen.update(ready)
        return left

    def _keep_clocks(self, ready: list[str]) -> None:
        """``compact_new``: the field clocks and change ids of rows about to be made, kept
        as the compaction keeps them (before the rows: the insert guard looks for them)."""
        unlogged, rows, sets = self.unlogged, self.rows, self.sets
        entries: list[tuple[str, str, str]] = []
        ids: list[tuple[bytes | str]] = []
        for row_id in ready:
            changes = unlogged.pop(row_id, None)
            if not changes:
                continue
            clocks = rows[row_id][2]
            last_hlc = self.new_rows[row_id][2]
            if not clocks:  # changes that named no field: nothing to keep, so logged
                self.log.extend(_log_line(ch) for ch in changes)
                continue
            top = max(clocks.values())
            if top == last_hlc:  # always, but for changes that named no field
                if top > self.newest_kept:
                    self.newest_kept = top
                top_kept = row_clock.SAME
            else:
                top_kept = top
            entries.append((row_id, top_kept, sets.encode(clocks, top)))
            ids.extend((compact.stored_id(ch.id),) for ch in changes)
        self.result.compacted += len(ids)
        self._flush_log()
        self.cur.executemany("INSERT INTO row_clock (row_id, top, clocks) VALUES (?, ?, ?)",
                             entries)
        self.cur.executemany("INSERT OR IGNORE INTO compacted_change (id) VALUES (?)", ids)
        self.loaded = self.loaded or bool(entries)  # later probes read row_clock too

    # -- end of the batch ------------------------------------------------------------

    def finish(self) -> None:
        """Queue the rows still waiting and make every waiting row that now can be; then
        write the waiting reference fields whose rows are all there now."""
        if self.newest_kept:
            row_clock.keep_newest(self.cur, self.newest_kept)
        self._queue_pending()
        _materialize_pending(self.writer, self.result)
        for parent, ref in self.moved:
            if not self.cur.execute(f'SELECT 1 FROM "{parent}" WHERE id = ?', (ref,)).fetchone():
                raise NeedsReferencePath(parent)
        # After the rows: a parent made at the end of the batch lets its fields go now.
        if self.fields_wait:
            self._settle_waiting_fields()


def _log_line(ch: Change) -> tuple[Any, ...]:
    """A received change as a ``change_log`` line (``_CHANGE_SQL``)."""
    return (ch.id, ch.entity, ch.row_id, dumps(ch.fields), dumps(ch.base) if ch.base else "{}",
            ch.hlc, ch.device, ch.user)


def row_layout(info: TableInfo) -> tuple[Any, list[tuple[int, Any, Any]]]:
    """How to lay out a row of the table: a getter of its data columns from a dict, and the
    (position, ISO-text parser, bind processor) of the columns needing conversion."""
    getter = operator.itemgetter(*info.data_columns)
    if len(info.data_columns) == 1:
        single = getter
        getter = lambda values: (single(values),)  # noqa: E731
    return getter, [(i, info.parsers.get(c), info.processors.get(c))
                    for i, c in enumerate(info.columns) if c in info.parsers or c in info.processors]


def row_record(info: TableInfo, layout: tuple[Any, list[tuple[int, Any, Any]]], row_id: str,
            values: dict[str, Any], last_hlc: str) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The row to insert (in column order, through the column processors) made from the
    merged values of its changes, and all its field values (for facts)."""
    merged = {**info.static_defaults, **values}
    for name, factory in info.default_factories:
        if name not in merged:
            merged[name] = factory()
    getter, converters = layout
    record = [row_id, last_hlc, bool(merged.get("deleted")), *getter(merged)]
    for i, parse, proc in converters:
        value = record[i]
        if value is None:
            continue
        if parse is not None and isinstance(value, str):
            value = parse(value)
        if proc is not None:
            value = proc(value)
        record[i] = value
    return tuple(record), merged


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


def _materialize_entity(writer: Writer, read: Any, info: TableInfo, result: ApplyResult) -> int:
    """Insert the waiting rows of one table whose required fields and parents are there."""
    cur = writer.cursor
    entity = info.entity
    layout = row_layout(info)
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
        record, full = row_record(info, layout, row_id, values, last_hlc)
        batch.append(record)
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
