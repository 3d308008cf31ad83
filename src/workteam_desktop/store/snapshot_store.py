"""A snapshot as a ready store file (issue 17): built once on the server, copied by laptops.

Loading a county's snapshot line by line costs a new laptop about 40 s of CPU: every line
parsed, every value converted, 1.2 million rows and their clocks inserted and indexed one at
a time, the search index and the household facts built. Every laptop of the scope ends with
the same rows in the same pages. So the server runs that load once per snapshot
(:func:`build`: this program's own loader, in a child process of the server, into a plain
store file of this program's schema) and offers the file gzip-compressed beside the
snapshot. A new laptop of the same schema revision downloads it, checks its hash and copies
its tables into its own (encrypted) store in ONE transaction with
``INSERT INTO main.t SELECT * FROM snap.t``: SQLite's transfer optimisation moves records
and index entries as they are, without decoding a value (docs/sync-protocol.md, Snapshot).

What is copied: every table of the file that has rows, except a home's own
(:data:`HOME_TABLES`: the device, its clock, the sync state, the schema version): the rows,
their clocks and field sets, the household facts, the search index's tables, and what the
trailing changes left (logged changes, waiting rows and fields, changes kept aside,
conflicts). The laptop then stores the position as its pull cursor and moves its clock past
every loaded clock, in the same transaction.

Nothing in the file is taken on trust beyond what the hash proves: a file of another
schema (revision, or any table's or index's SQL), a table that already has rows here, or a
load result that is missing is refused with :class:`SnapshotError`, nothing written; the
caller then loads the snapshot itself.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from isal import igzip

from ..domain.hlc import Timestamp
from . import bulk_load, migrate, row_clock, snapshot_load, sqlite
from .home import store_path
from .snapshot_load import LoadResult, SnapshotError
from .store import Store
from .sync_state import CURSOR, put

HOME_TABLES = frozenset({"alembic_version", "device", "clock_state", "sync_state"})
"""A home's own tables: never copied from a snapshot's store file."""
RESULT = "snapshot_load"  # sync_state key of the file: its load's LoadResult as JSON
GZIP_LEVEL = 3  # ISA-L's best: 158 MB for a 562 MB county file in 2 s (zlib 6: 146 MB, 15 s)
_BLOCK = 8 << 20

Progress = Callable[[int, int], None]  # tables copied, tables to copy


def build(snapshot: Path, target: Path) -> dict[str, Any]:
    """Load the snapshot file ``snapshot`` (gzip NDJSON) into a new plain store and write
    that store gzip-compressed to ``target``; ``{"revision", "sha256", "bytes", "rows"}``
    of what was written (the revision is this program's schema: only laptops at the same
    one may copy it)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"{target.name}-", dir=target.parent) as tmp:
        home = Path(tmp)
        store = Store.open(home, plain=True)
        try:
            result = snapshot_load.load(
                store, snapshot, then=lambda r: {RESULT: json.dumps(asdict(r))})
        finally:
            store.close()
        file = store_path(home)
        conn = sqlite.connect(file, None)
        try:
            # One file, with no -wal beside it, whoever opens it.
            conn.execute("PRAGMA journal_mode = DELETE")
        finally:
            conn.close()
        with target.open("wb") as raw:
            with igzip.GzipFile(fileobj=raw, mode="wb", compresslevel=GZIP_LEVEL,
                                mtime=0) as out, file.open("rb") as f:
                while block := f.read(_BLOCK):
                    out.write(block)
            raw.flush()
            os.fsync(raw.fileno())
    digest = hashlib.sha256()
    with target.open("rb") as f:
        while block := f.read(_BLOCK):
            digest.update(block)
    return {"revision": migrate.HEAD_REVISION, "sha256": digest.hexdigest(),
            "bytes": target.stat().st_size, "rows": result.rows}


def unpack(compressed: Path) -> Path:
    """The store file inside a downloaded (and checked) ``.gz``, written beside it."""
    target = compressed.with_suffix(".sqlite3")
    try:
        with igzip.open(compressed, "rb") as f, target.open("wb") as out:
            while block := f.read(_BLOCK):
                out.write(block)
    except (OSError, EOFError) as exc:
        target.unlink(missing_ok=True)
        raise SnapshotError(f"快照数据文件已损坏：{exc}") from None
    return target


def _schema(db: Any, schema: str) -> dict[str, tuple[str, str, str | None]]:
    # sqlite_* objects (statistics tables, a key's own index) follow from the others.
    return {name: (kind, table, sql) for kind, name, table, sql in db.execute(
        f"SELECT type, name, tbl_name, sql FROM {schema}.sqlite_master "
        "WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").fetchall()}


def _has_rows(db: Any, schema: str, table: str) -> bool:
    return db.execute(f'SELECT 1 FROM {schema}."{table}" LIMIT 1').fetchone() is not None


def _plan(db: Any) -> tuple[list[str], list[str]]:
    """(tables to copy, tables of the search index to empty here first). Raises
    :class:`SnapshotError` when the file is not of this store's schema or a table to copy
    already has rows here."""
    [[revision]] = db.execute("SELECT version_num FROM snap.alembic_version").fetchall() or [[None]]
    [[mine]] = db.execute("SELECT version_num FROM main.alembic_version").fetchall()
    if revision != mine:
        raise SnapshotError(f"快照数据文件的格式（{revision}）与本机（{mine}）不同")
    here, there = _schema(db, "main"), _schema(db, "snap")
    if here != there:
        differs = next(n for n in sorted(here.keys() | there.keys())
                       if here.get(n) != there.get(n))
        raise SnapshotError(f"快照数据文件的表结构与本机不同：{differs}")
    virtual = [name for name, (kind, _t, sql) in here.items()
               if kind == "table" and (sql or "").upper().startswith("CREATE VIRTUAL")]
    copy, empty_first = [], []
    for name, (kind, _table, _sql) in sorted(here.items()):
        if kind != "table" or name in HOME_TABLES or name in virtual \
                or not _has_rows(db, "snap", name):
            continue
        if _has_rows(db, "main", name):
            if not any(name.startswith(f"{v}_") for v in virtual):
                raise SnapshotError(f"本机已有数据（{name}），不能再载入快照")
            empty_first.append(name)  # an empty search index's own records
        copy.append(name)
    return copy, empty_first


def copy(store: Store, file: Path, *,
         then: Callable[[LoadResult], Mapping[str, str | None]] | None = None,
         progress: Progress | None = None) -> LoadResult:
    """Copy the tables of the snapshot's store file ``file`` (unpacked, hash checked) into
    the store, which must be empty, in one transaction with the pull cursor and the state
    ``then(result)`` names; the load result the server's build recorded. Raises
    :class:`SnapshotError` (nothing written) when it cannot."""
    with store.read() as cur:
        if not bulk_load.is_empty(cur) or bulk_load.pending(store):
            raise SnapshotError("本机已有数据，不能再载入快照")
    conn = store.engine.connect()
    db = conn.connection.driver_connection
    try:
        # The transfer optimisation needs reference checks off (the file was checked when
        # the server's load committed it) and no insert trigger on the table written.
        db.execute("PRAGMA foreign_keys = OFF")
        db.execute("ATTACH DATABASE ? AS snap KEY ''", (str(file),))
        db.execute("BEGIN IMMEDIATE")
        try:
            result = _copy(store, db, then, progress)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    except sqlite.Error as exc:
        raise SnapshotError(f"快照数据文件无法使用：{exc}") from None
    finally:
        # This connection had its reference checks off and a file attached: never reused.
        conn.invalidate()
        conn.close()
    return result


def _copy(store: Store, db: Any,
          then: Callable[[LoadResult], Mapping[str, str | None]] | None,
          progress: Progress | None) -> LoadResult:
    tables, empty_first = _plan(db)
    found = db.execute("SELECT value FROM snap.sync_state WHERE key = ?", (RESULT,)).fetchone()
    if found is None:
        raise SnapshotError("快照数据文件中没有载入结果")
    try:
        result = LoadResult(**json.loads(found[0]))
    except (TypeError, ValueError):
        raise SnapshotError("快照数据文件中的载入结果无法识别") from None
    triggers = db.execute(
        "SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger' AND tbl_name IN "
        "(SELECT value FROM json_each(?)) AND sql LIKE '% INSERT ON %'",
        (sqlite.json_list(tables),)).fetchall()
    for name, _sql in triggers:
        db.execute(f'DROP TRIGGER main."{name}"')
    for name in empty_first:
        db.execute(f'DELETE FROM main."{name}"')
    for i, name in enumerate(tables):
        if progress is not None:
            progress(i, len(tables))
        db.execute(f'INSERT INTO main."{name}" SELECT * FROM snap."{name}"')
    for _name, sql in triggers:
        db.execute(sql)
    cur = db.cursor()
    [logged] = cur.execute("SELECT max(hlc) FROM change_log").fetchone()
    latest = row_clock.newest(cur, logged)
    try:
        seen = Timestamp.decode(latest) if latest else None
    except ValueError:
        seen = None  # not a stamp this program makes: the device clock alone counts
    if seen is not None:  # every later local stamp is later than every loaded clock
        cur.execute("UPDATE clock_state SET wall_ms = ?, counter = ? WHERE device = ? AND "
                    "(wall_ms, counter) < (?, ?)", (seen.wall_ms, seen.counter, store.device_id,
                                                    seen.wall_ms, seen.counter))
    put(cur, {CURSOR: str(result.position), **(then(result) if then else {})})
    if progress is not None:
        progress(len(tables), len(tables))
    return result


def main(argv: list[str] | None = None) -> int:
    """``python -m workteam_desktop.store.snapshot_store SNAPSHOT TARGET``: the server's
    build of a snapshot's store file (a child process: the load's memory goes with it).
    Prints what :func:`build` returns as one JSON line. With ``--revision`` alone: the
    schema revision the files it builds have (the server asks once, to know which of its
    store files an upgrade of the program made old)."""
    args = sys.argv[1:] if argv is None else argv
    if args == ["--revision"]:
        print(json.dumps({"revision": migrate.HEAD_REVISION}))
        return 0
    if len(args) != 2:
        print("用法：python -m workteam_desktop.store.snapshot_store 快照文件 目标文件",
              file=sys.stderr)
        return 2
    started = time.perf_counter()
    try:
        made = build(Path(args[0]), Path(args[1]))
    except (SnapshotError, OSError, sqlite.Error) as exc:
        print(f"无法生成快照数据文件：{exc}", file=sys.stderr)
        return 1
    print(json.dumps({**made, "seconds": round(time.perf_counter() - started, 1)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
