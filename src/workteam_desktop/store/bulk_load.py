"""Loading a whole scope into an empty store (a new laptop's first sync): search indexes,
guards and household facts built once at the end instead of row by row.

A first sync writes a county's rows in a few hundred transactions. Kept row by row, the
indexes on names and ID numbers (random order), the household search index (trigram
FTS), the guard triggers (one change-log lookup per row) and the household facts (per
page) cost about as much as writing the rows and their changes themselves. For the
load they are dropped; :func:`finish` builds them again from what was loaded, which
gives the same store as keeping them all along (a tested property).

What stays during the load: primary keys, the change log's indexes (the merge looks up
by change id and by row), the indexes on foreign-key columns (the database's deferred
reference checks use them), unique indexes (they keep data right) and the indexes a
query names. A search during the load finds only what was there before it (the search
index is rebuilt at the end); lists and counts work, more slowly.

Crash safety: the SQL of every dropped object is stored in ``sync_state`` in the same
transaction that drops it. If the process dies during the load, the next
:meth:`Store.open` finds that record and finishes the load (rebuilds everything) before
anything reads the store. Pages already merged stay merged; the next sync goes on from
the stored cursor, row by row. (A second process opening the store during a load, the
GUI beside a command-line sync, finishes it too early: the load then goes on with every
index kept, and still refreshes the facts at its end. Slower, never wrong; like any
write that waits past the busy timeout, a page held up by that finish fails the sync,
and the next sync goes on from its cursor.)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from . import facts, row_clock, sqlite

if TYPE_CHECKING:
    from .store import Store

MARK = "bulk_load"  # sync_state key: JSON list of the SQL that finish() runs again
# FTS tables (and the table they index), rebuilt at finish
_SEARCH_INDEXES = {"household_fts": "household"}
_FACTS_TABLE = "household_facts"
# Indexes queries name with INDEXED BY (store.households): without them a search would be
# an error during the load, not merely slower.
_NAMED_BY_QUERIES = frozenset({"ix_household_head_name"})

Progress = Callable[[int, int], None]


def is_empty(cur: sqlite.Cursor) -> bool:
    """True when the store has no logged change and no row loaded from a snapshot (nothing
    made or received here)."""
    return (cur.execute("SELECT 1 FROM change_log LIMIT 1").fetchone() is None
            and not row_clock.any_loaded(cur))


def _droppable(cur: sqlite.Cursor, tables: dict[str, frozenset[str]]) -> list[tuple[str, str, str]]:
    """(kind, name, SQL) of the indexes and triggers a load may go without."""
    found: list[tuple[str, str, str]] = []
    for kind, name, table, sql in cur.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master "
            "WHERE type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY name").fetchall():
        if table not in tables:
            continue
        if kind == "trigger":
            # The guard on inserts (one log lookup per row) and the search index's
            # triggers; the guards on updates and deletes stay (a load updates few rows).
            if name.endswith("_logged_insert") or "_fts_" in name:
                found.append((kind, name, sql))
            continue
        if sql.lstrip().upper().startswith("CREATE UNIQUE") or name in _NAMED_BY_QUERIES:
            continue
        columns = [r[2] for r in cur.execute(f'PRAGMA index_info("{name}")')]
        if columns and columns[0] in tables[table]:
            continue  # a foreign key's index: reference checks need it
        found.append((kind, name, sql))
    return found


def begin(store: Store) -> bool:
    """Start a load if the store is empty; returns whether it did.

    Drops the objects :func:`finish` rebuilds and records them, in one transaction;
    household facts wait for :func:`finish` from now on (in this process).
    """
    with store.write() as w:
        cur = w.cursor
        if not is_empty(cur) or _marked(cur) is not None:
            return False
        tables = {entity: frozenset(info.foreign_keys) for entity, info in w.tables.items()}
        tables[_FACTS_TABLE] = frozenset({"household_id"})
        dropped = _droppable(cur, tables)
        for kind, name, _sql in dropped:
            cur.execute(f'DROP {kind.upper()} "{name}"')
        cur.execute("INSERT INTO sync_state (key, value) VALUES (?, ?)",
                    (MARK, json.dumps([sql for _kind, _name, sql in dropped])))
    store.facts_deferred = True
    return True


def _marked(cur: sqlite.Cursor) -> list[str] | None:
    row = cur.execute("SELECT value FROM sync_state WHERE key = ?", (MARK,)).fetchone()
    return None if row is None else list(json.loads(row[0]))


def pending(store: Store) -> bool:
    """True when a load was begun and not finished (by this process or one that died)."""
    with store.read() as cur:
        return _marked(cur) is not None


def finish(store: Store, progress: Progress | None = None) -> None:
    """Build again what the load went without and refresh every household's facts, in one
    transaction; a no-op when no load is pending. ``progress(done, total)`` follows the
    facts (the longest part)."""
    with store.write() as w:
        cur = w.cursor
        statements = _marked(cur)
        if statements is not None:
            # Indexes first, then the search index, then triggers: a trigger made before
            # the rebuild would not matter (nothing writes here), but this is the order the
            # migrations made them in.
            for sql in statements:
                if not sql.lstrip().upper().startswith("CREATE TRIGGER"):
                    cur.execute(sql)
            for fts, content in _SEARCH_INDEXES.items():
                # Nothing loaded (a refused import): the empty index stays byte for byte.
                if cur.execute(f'SELECT 1 FROM "{content}" LIMIT 1').fetchone():
                    cur.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
            for sql in statements:
                if sql.lstrip().upper().startswith("CREATE TRIGGER"):
                    cur.execute(sql)
            cur.execute("DELETE FROM sync_state WHERE key = ?", (MARK,))
        if statements is not None or store.facts_deferred:
            facts.refresh(cur, progress=progress)
    store.facts_deferred = False


@contextmanager
def loading(store: Store, progress: Progress | None = None) -> Iterator[bool]:
    """Load into the store with :func:`begin` if it is empty (yields whether it did), and
    :func:`finish` when the block ends, however it ends."""
    started = begin(store)
    try:
        yield started
    finally:
        if started:
            finish(store, progress)
