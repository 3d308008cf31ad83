"""Loading a server snapshot into an empty store (a new laptop's first sync, issue 17).

The snapshot (docs/sync-protocol.md, Snapshot) holds the scope's rows folded up to a log
position P, each with the clocks of its fields, followed by the changes of the rows the
fold could not make. The load writes the rows by ``executemany`` table by table (no change
objects, no change log), keeps their clocks in ``row_clock``, merges the trailing changes
as a pulled page would be merged, and stores P as the pull cursor, all in ONE transaction
inside a bulk load (``bulk_load.loading``: indexes, search index and facts at the end). A
killed load leaves an empty store that starts again; the normal pull continues from P.

Nothing received is trusted more than a pulled change: a row line naming a record type or
field this program does not have, or a value its column refuses, fails the load (the
caller then pulls change by change, which keeps such changes aside); a trailing change the
declarations refuse is kept aside as a pulled one would be.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson

from ..domain.changes import Change
from ..domain.hlc import Timestamp
from . import bulk_load, row_clock, sqlite
from .held import hold_in, screen
from .merge import apply_changes, row_layout, row_record
from .store import Store
from .sync_state import CURSOR, put

FORMAT = 1  # the header's "snapshot" value this program reads
_BATCH = 5000  # rows per executemany
_LINE_LIMIT = 64 * 1024 * 1024  # a line longer than this is not a row: the file is refused
_READ = 4 * 1024 * 1024  # decompressed bytes read at a time (line by line costs seconds)

Progress = Callable[[int, int], None]  # rows loaded, rows in the file


class SnapshotError(ValueError):
    """The snapshot file cannot be loaded (damaged, another format, a record type this
    program does not know). Nothing was written."""


@dataclass(slots=True)
class LoadResult:
    """What one load wrote."""

    position: int = 0
    rows: int = 0
    changes: int = 0  # trailing changes merged
    held: int = 0  # trailing changes kept aside
    conflicts: int = 0
    attachments: list[str] = field(default_factory=list)  # sha256 of attachment rows


def _lines(f: IO[bytes]) -> Iterator[Any]:
    """The JSON lines of the decompressed file, read in large blocks."""
    rest = b""
    while block := f.read(_READ):
        lines = (rest + block).split(b"\n")
        rest = lines.pop()
        if len(rest) > _LINE_LIMIT:
            raise SnapshotError("快照文件中有一行过长")
        for line in lines:
            if line:
                yield orjson.loads(line)
    if rest.strip():
        yield orjson.loads(rest)


def load(store: Store, path: Path, *,
         then: Callable[[LoadResult], Mapping[str, str | None]] | None = None,
         progress: Progress | None = None, finishing: Progress | None = None) -> LoadResult:
    """Load the snapshot file at ``path`` (already checked against its hash) into the
    store, which must be empty; ``then(result)`` names sync state to store with the cursor
    in the same transaction; ``progress(rows, rows in the file)`` follows the rows and
    ``finishing(done, total)`` the indexes and household facts built after them. Raises
    :class:`SnapshotError` (nothing written) when it cannot."""
    with store.read() as cur:
        if not bulk_load.is_empty(cur):
            raise SnapshotError("本机已有数据，不能再载入快照")
    try:
        with bulk_load.loading(store, finishing), gzip.open(path, "rb") as f:
            return _load(store, _lines(f), then, progress)
    except SnapshotError:
        raise
    except (OSError, EOFError, gzip.BadGzipFile, orjson.JSONDecodeError) as exc:
        raise SnapshotError(f"快照文件已损坏：{exc}") from None
    except (KeyError, TypeError, AttributeError, ValueError, sqlite.Error) as exc:
        raise SnapshotError(f"快照文件与本程序不符：{exc}") from None


def _load(store: Store, lines: Iterator[Any],
          then: Callable[[LoadResult], Mapping[str, str | None]] | None,
          progress: Progress | None) -> LoadResult:
    header = next(lines, None)
    if not isinstance(header, dict) or header.get("snapshot") != FORMAT:
        raise SnapshotError("不是本程序能读的快照文件")
    result = LoadResult(position=int(header["position"]))
    total = int(header.get("rows") or 0)
    trailing: list[Change] = []
    with store.write() as w:
        cur = w.cursor
        cur.execute("PRAGMA defer_foreign_keys = ON")
        tables = w.tables
        sets = row_clock.FieldSets(cur)
        layouts: dict[str, Any] = {}
        allowed: dict[str, frozenset[str]] = {}
        rows: list[tuple[Any, ...]] = []
        clocks: list[tuple[str, str, str]] = []
        entity = ""
        top_seen = ""

        def flush() -> None:
            if rows:
                cur.executemany(tables[entity].insert_sql, rows)
                rows.clear()
            if clocks:
                cur.executemany("INSERT INTO row_clock (row_id, top, clocks) VALUES (?, ?, ?)",
                                clocks)
                clocks.clear()

        for line in lines:
            if "change" in line:
                d = line["change"]
                trailing.append(Change(d["id"], d["entity"], d["row_id"], d["fields"],
                                       d["hlc"], d.get("device") or "", d.get("user") or "",
                                       d.get("base") or {}))
                continue
            e, row_id, values, clock = line["e"], line["id"], line["v"], line["c"]
            if e != entity:
                flush()
                if e not in tables:
                    raise SnapshotError(f"快照中有本程序不认识的记录类型：{e}")
                entity = e
                if e not in layouts:
                    layouts[e] = row_layout(tables[e])
                    allowed[e] = frozenset(tables[e].data_columns) | {"deleted"}
            info = tables[e]
            if not allowed[e].issuperset(values) or values.keys() != clock.keys():
                raise SnapshotError(f"快照中 {e} 的字段与本程序不符")
            top = max(clock.values()) if clock else ""
            if not top:
                raise SnapshotError("快照中有一行没有时钟")
            record, _full = row_record(info, layouts[e], row_id, values, top)
            rows.append(record)
            # The row's top is its updated_hlc: kept empty (row_clock.py), the newest of them
            # in the NEWEST entry below.
            clocks.append((row_id, row_clock.SAME, sets.encode(clock, top)))
            if top > top_seen:
                top_seen = top
            if e == "attachment" and isinstance(values.get("sha256"), str):
                result.attachments.append(values["sha256"])
            result.rows += 1
            if len(rows) >= _BATCH:
                flush()
                if progress is not None:
                    progress(result.rows, total)
        flush()
        if top_seen:  # every later local stamp is later than every loaded clock
            row_clock.keep_newest(cur, top_seen)
            w.clock.receive(Timestamp.decode(top_seen))
        if trailing:
            good, bad = screen(trailing)
            hold_in(cur, bad, "server")
            merged = apply_changes(w, good, fast=False)
            result.changes, result.held = merged.applied, len(bad)
            result.conflicts = merged.conflicts
        put(cur, {CURSOR: str(result.position), **(then(result) if then else {})})
    if progress is not None:
        progress(result.rows, total)
    return result
