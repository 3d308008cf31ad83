"""Snapshots: the rows of a scope folded from the log, for a new laptop's first sync.

A new laptop that pulls change by change stores and merges every change its scope ever
had (a county: millions). A snapshot gives it the result instead: for a scope (the
account's read filter) and a log position P, every row folded from the changes up to P
field by field with the laptop merge's rule (the highest HLC wins; of equal HLCs the later
seq), with the clock of each field. Rows the fold cannot complete (a required field
missing, or a reference naming a row that is not itself in the snapshot: out of scope,
incomplete, or never sent) follow as their raw changes, for the laptop's normal merge,
which keeps them waiting as it would have. The laptop then pulls from P as usual.

The file is gzip-compressed NDJSON (docs/sync-protocol.md, Snapshot)::

    {"snapshot": 1, "position": P, "scope": "<scope key>", "rows": N, "changes": M}
    {"e": entity, "id": row id, "v": {field: value}, "c": {field: HLC}}      × N
    {"change": <the stored change, as pull sends it without its seq>}      × M

Row lines come parents first: entities in the order of their declarations (the order the
laptop makes rows in), areas by their depth below the scope's top area, so a loader can
insert them as they come. Built once per scope and position into ``<home>/snapshots/``
(named by the file's SHA-256, with a small JSON file per snapshot saying scope, position,
hash, size and counts), and reused while the scope's part of the log has grown by fewer
than ``snapshot_stale_changes`` past it. A file lock per scope keeps the server's workers
from building the same snapshot twice; the older snapshots of a scope are removed once a
newer one is complete.

A snapshot of at least ``snapshot_store_rows`` rows (``server.toml``) also gets a store
file: the desktop program's own loader run on the snapshot in a child process
(``python -m workteam_desktop.store.snapshot_store``) into a plain store of that program's
schema, gzip-compressed. A laptop of the same schema revision copies its tables instead of
loading the lines (seconds instead of most of a minute for a county); any other laptop
loads the lines. A build that fails leaves the snapshot without a store file (logged).

No echo does not apply: a new laptop has pushed nothing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import functools
import gzip
import hashlib
import io
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import orjson
import sqlalchemy as sa
from sqlalchemy import Connection

from workteam_desktop.domain.entities import DECLARATIONS

from .models import change_table
from .scope import Scope
from .store import ServerStore, in_scope

FORMAT = 1
"""The snapshot format's version (the header's ``snapshot``)."""
FOLDER = "snapshots"
"""The folder of the server home that holds the snapshots."""
FETCH = 2000  # changes fetched at a time while the log is folded
GZIP_LEVEL = 6  # nearly level 9's size at a fraction of its time
_WRITE_BATCH = 1 << 20  # bytes of lines joined before one write to gzip
_SPOOL = 16 << 20  # the raw changes are kept in memory up to this, then in a temp file

# What the fold needs of each declaration: required fields (a row cannot be made without
# them), references (field, table) in declaration order, every field a change may name.
_REQUIRED = {e.name: tuple(f.name for f in e.fields if f.required) for e in DECLARATIONS}
_REFS = {e.name: tuple(e.references.items()) for e in DECLARATIONS}
_REF_NAMES = {name: tuple(field for field, _ in refs) for name, refs in _REFS.items()}
_ALLOWED = {e.name: frozenset(e.by_name) for e in DECLARATIONS}
# The reference of a table to itself (an area's parent area): rows of that table must come
# after their parent in the file. One at most per table (a test holds the declarations to it).
_OWN = {e.name: next((i for i, (_, table) in enumerate(_REFS[e.name]) if table == e.name), None)
        for e in DECLARATIONS}
_INF = 1 << 30
STORE_BUILDER = "workteam_desktop.store.snapshot_store"  # run as python -m: its own process
_STORE_TIMEOUT = 3600.0  # seconds a store file may take (a county: about 1.5 minutes)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class StoreFile:
    """A snapshot's rows as a store file of the desktop program (gzip-compressed)."""

    revision: str  # the desktop's schema revision: only laptops at it copy the file
    sha256: str
    bytes: int
    path: Path

    def as_json(self) -> dict[str, Any]:
        return {"revision": self.revision, "sha256": self.sha256, "bytes": self.bytes}


@dataclass(frozen=True, slots=True)
class SnapshotFile:
    """One complete snapshot on disk."""

    scope: str  # the scope key (:func:`scope_key`)
    position: int  # the last seq folded in
    sha256: str  # of the file's bytes (compressed)
    bytes: int
    rows: int  # row lines
    changes: int  # raw changes after them
    path: Path
    store: StoreFile | None = None
    # False for a snapshot described before store files existed (an upgraded server): made
    # again when it is large enough to have one.
    store_tried: bool = True

    def as_json(self, revision: str | None = None) -> dict[str, Any]:
        """The answer of ``GET /api/v1/snapshot``; with the store file when the caller's
        schema ``revision`` is the file's."""
        answer = {"position": self.position, "sha256": self.sha256, "bytes": self.bytes,
                  "rows": self.rows, "changes": self.changes}
        if self.store is not None and revision is not None and self.store.revision == revision:
            answer["store"] = self.store.as_json()
        return answer

    def file(self, sha256: str) -> Path | None:
        """The path of this snapshot's file with the hash ``sha256`` (lines or store)."""
        if sha256 == self.sha256:
            return self.path
        return self.store.path if self.store is not None and self.store.sha256 == sha256 else None


def scope_key(scope: Scope) -> str:
    """The text naming what a scope reads: its prefixes joined by commas (sorted and
    minimal, as :meth:`Scope.of` keeps them), ``*`` for everything (an admin). Accounts of
    the same scope (the members of one team) share its snapshots."""
    return "*" if scope.everything else ",".join(scope.prefixes)


def _tag(key: str) -> str:
    """The file-name part of a scope key (prefixes hold ``#`` and commas; a county
    supervisor's list may be long)."""
    return hashlib.sha256(key.encode()).hexdigest()[:24]


# ------------------------------------------------------------------ folding the log


def _status(entity: str, values: dict[str, Any]) -> tuple[Any, ...] | None:
    """None when a required field is missing (absent or null: the merge's rule), else the
    values of the row's references in declaration order (interned: the parent's own id
    string, held once for all its children)."""
    get = values.get
    if None in map(get, _REQUIRED[entity]):
        return None
    names = _REF_NAMES[entity]
    if not names:
        return ()
    return tuple(sys.intern(v) if isinstance(v, str) else v for v in map(get, names))


def _compact(data: bytes) -> bytes:
    """A copy of exactly its length: orjson leaves each result in a 4 KB buffer, which
    a million rows kept in memory would pay for (4 GB instead of 400 MB)."""
    return bytes(memoryview(data))


_MARK = b"@H@"
"""Where a row's one HLC goes in its clocks template (no field name or HLC holds it)."""
_PARENTS = frozenset(table for refs in _REFS.values() for _, table in refs)


class _Fold:
    """The rows of a scope folded from its changes in seq order.

    Per row: ``[values, clocks, status, shape]``. Values are kept as compact JSON bytes
    (a county holds a million rows: Python dicts would cost several times as much), parsed
    again only when a later change comes (most rows have one). Clocks are the one HLC of
    every field while all have the same (a row made by one change: the usual case), with
    ``shape`` the index of the template naming its fields, else JSON bytes. ``status`` is
    what :func:`_status` said, then, once decided, whether the row goes out as a line.
    """

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, list[Any]]] = {e.name: {} for e in DECLARATIONS}
        # (entity, row id) of rows whose changes a laptop would hold aside (an unknown
        # record type or field, stored before the server checked): sent raw, never folded.
        self.raw: set[tuple[str, str]] = set()
        self.folded = 0
        self.shapes: dict[tuple[str, ...], int] = {}
        self.templates: list[bytes] = []  # {"field": "@H@", …} of each shape

    def _shape(self, names: tuple[str, ...]) -> int:
        found = self.shapes.get(names)
        if found is None:
            found = self.shapes[names] = len(self.templates)
            self.templates.append(_compact(orjson.dumps(dict.fromkeys(names, _MARK.decode()))))
        return found

    def clocks(self, found: list[Any]) -> bytes:
        """A row's clocks as JSON: field → HLC of its value."""
        clocks = found[1]
        if isinstance(clocks, str):
            return self.templates[found[3]].replace(_MARK, clocks.encode())
        return clocks  # type: ignore[no-any-return]

    def add(self, body: str) -> None:
        """Fold one stored change (the log is read in seq order)."""
        ch = orjson.loads(body)
        entity, row_id, fields, hlc = ch["entity"], ch["row_id"], ch["fields"], ch["hlc"]
        self.folded += 1
        table = self.rows.get(entity)
        if table is None or not isinstance(fields, dict) or not isinstance(hlc, str) \
                or not _ALLOWED[entity].issuperset(fields):
            self.raw.add((entity, row_id))
            return
        found = table.get(row_id)
        if found is None:  # the usual case: the change that makes the row
            if entity in _PARENTS:
                row_id = sys.intern(row_id)
            table[row_id] = [_compact(orjson.dumps(fields)), hlc, _status(entity, fields),
                             self._shape(tuple(fields))]
            return
        values = orjson.loads(found[0])
        clocks = dict.fromkeys(values, found[1]) if isinstance(found[1], str) \
            else orjson.loads(found[1])
        won = False
        for name, value in fields.items():
            # >=: of two changes with the same HLC the later one (in seq order) wins, as
            # when the laptop makes a new row from its changes.
            if hlc >= clocks.get(name, ""):
                values[name], clocks[name] = value, hlc
                won = True
        if won:
            found[0] = _compact(orjson.dumps(values))
            if len(set(clocks.values())) == 1:
                found[1], found[3] = hlc, self._shape(tuple(values))
            else:
                found[1], found[3] = _compact(orjson.dumps(clocks)), None
            found[2] = _status(entity, values)

    def decide(self) -> tuple[dict[str, list[str]], set[tuple[str, str]]]:
        """Which rows go out as lines (per entity, in file order) and which as raw changes.

        A row goes out when it is complete and every reference it holds names a row that
        goes out: what one merge of all these changes into an empty laptop makes (a row
        whose parent never came waits there, and so does its child). Parents are decided
        before their children (declaration order; a table's own parents by depth)."""
        rows, raw = self.rows, self.raw
        lines: dict[str, list[str]] = {}
        trailing: set[tuple[str, str]] = set(raw)
        for e in DECLARATIONS:
            entity = e.name
            table = rows[entity]
            refs = _REFS[entity]
            own = _OWN[entity]
            order: Iterable[str] = table if own is None else _parents_first(table, own)
            out: list[str] = []
            for row_id in order:
                found = table[row_id]
                status = found[2]
                ok = status is not None and (entity, row_id) not in raw
                if ok and refs:
                    for value, (_, parent) in zip(status, refs, strict=True):
                        if value is None:
                            continue
                        target = rows[parent].get(value) if isinstance(value, str) else None
                        if target is None or target[2] is not True:
                            ok = False
                            break
                found[2] = ok
                if ok:
                    out.append(row_id)
                else:
                    trailing.add((entity, row_id))
            lines[entity] = out
        return lines, trailing


def _parents_first(table: dict[str, list[Any]], own: int) -> list[str]:
    """The rows of a table referring to itself, each after the row it names (by depth;
    rows in a cycle last, in any order: none of them can be made)."""
    depth: dict[str, int] = {}

    def parent(row_id: str) -> str | None:
        status = table[row_id][2]
        value = status[own] if status is not None else None
        return value if isinstance(value, str) and value in table else None

    for start in table:
        chain: list[str] = []
        seen: set[str] = set()
        node: str | None = start
        while node is not None and node not in depth:
            if node in seen:  # a cycle
                break
            seen.add(node)
            chain.append(node)
            node = parent(node)
        level = -1 if node is None else (_INF if node in seen else depth[node])
        for row_id in reversed(chain):
            level = level + 1 if level < _INF else _INF
            depth[row_id] = level
    return sorted(table, key=depth.__getitem__)  # stable: first seen first within a level


def _read(scope: Scope, position: int, *columns: Any) -> sa.Select[Any]:
    """The scope's changes up to ``position`` in seq order (``columns`` of each)."""
    c = change_table.c
    query = sa.select(*columns).where(c.seq <= position)
    readable = in_scope(scope)
    if readable is not None:
        query = query.where(readable)
    return query.order_by(c.seq)


def _bodies(conn: Connection, scope: Scope, position: int) -> Iterator[str]:
    """The stored bodies of the scope's changes up to ``position`` in seq order, streamed
    (a server-side cursor on PostgreSQL)."""
    result = conn.execute(_read(scope, position, change_table.c.body)
                          .execution_options(yield_per=FETCH))
    try:
        yield from result.scalars()
    finally:
        result.close()


def _changes_of(conn: Connection, scope: Scope, position: int,
                row_ids: list[str]) -> Iterator[tuple[str, str, str]]:
    """(entity, row id, body) of the changes of some rows, as :func:`_bodies` reads them."""
    c = change_table.c
    query = _read(scope, position, c.entity, c.row_id, c.body)
    # One parameter whatever the number of rows (no limit on bound variables).
    if conn.dialect.name == "postgresql":
        query = query.where(sa.text("change.row_id = ANY(CAST(:ids AS text[]))")
                            .bindparams(ids=row_ids))
    else:
        query = query.where(sa.text("change.row_id IN (SELECT value FROM json_each(:ids))")
                            .bindparams(ids=orjson.dumps(row_ids).decode()))
    result = conn.execute(query.execution_options(yield_per=FETCH))
    try:
        yield from result.tuples()
    finally:
        result.close()


# ------------------------------------------------------------------ writing the file


class _Hashing(io.RawIOBase):
    """A file that hashes and counts what is written to it (under gzip)."""

    def __init__(self, target: BinaryIO) -> None:
        self.target = target
        self.hash = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = memoryview(data)
        self.hash.update(view)
        self.size += view.nbytes
        self.target.write(view)
        return view.nbytes


def build(store: ServerStore, scope: Scope, position: int, folder: Path,
          store_rows: int | None = None) -> SnapshotFile:
    """Fold every change of ``scope`` with seq ≤ ``position`` and write the snapshot into
    ``folder`` (a temp file renamed into place, then its description), with its store
    file when it has ``store_rows`` rows or more. Every seq up to ``position`` must be
    committed: read the end of the log first (:func:`current`)."""
    started = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    key = scope_key(scope)
    fold = _Fold()
    with store.engine.connect() as conn, \
            tempfile.SpooledTemporaryFile(max_size=_SPOOL, dir=folder) as spool:
        if store.dialect == "postgresql":
            # Both reads of the log (the fold, then the raw changes) see the same log, even
            # if an administrator quarantines a change meanwhile.
            conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            for body in _bodies(conn, scope, position):
                fold.add(body)
            lines, trailing = fold.decide()
            changes = _raw_changes(conn, scope, position, trailing, spool) if trailing else 0
        rows = sum(len(ids) for ids in lines.values())
        made = _write(folder, key, position, fold, lines, spool, rows, changes)
    seconds = time.perf_counter() - started
    if store_rows is not None and rows >= store_rows:
        made = dataclasses.replace(made, store=_store_file(folder, made))
    _describe(folder, made, seconds=seconds, folded=fold.folded,
              store_seconds=time.perf_counter() - started - seconds)
    return made


@functools.cache
def builder_revision() -> str | None:
    """The schema revision of the store files this server's program builds (asked of the
    builder once per process); None when it cannot say (then no store file is made old)."""
    try:
        done = subprocess.run([sys.executable, "-m", STORE_BUILDER, "--revision"],
                              capture_output=True, text=True, timeout=120, check=False)
        return str(json.loads(done.stdout.strip().splitlines()[-1])["revision"])
    except (OSError, ValueError, KeyError, IndexError, subprocess.TimeoutExpired):
        log.warning("the snapshot store builder did not tell its revision", exc_info=True)
        return None


def _store_file(folder: Path, made: SnapshotFile) -> StoreFile | None:
    """The snapshot's store file, built by the desktop program's loader in a child process
    (its memory, a few hundred MB for a county, goes with it); None when that fails
    (logged: laptops then load the lines)."""
    tmp = folder / f"{_tag(made.scope)}.tmp-{uuid.uuid4().hex}"
    try:
        done = subprocess.run([sys.executable, "-m", STORE_BUILDER, str(made.path), str(tmp)],
                              capture_output=True, text=True, timeout=_STORE_TIMEOUT, check=False)
        if done.returncode != 0:
            log.warning("snapshot store file not built (exit %s): %s", done.returncode,
                        done.stderr.strip()[-500:])
            return None
        info = json.loads(done.stdout.strip().splitlines()[-1])
        path = folder / f"{info['sha256']}.store.gz"
        os.replace(tmp, path)
        return StoreFile(str(info["revision"]), str(info["sha256"]), int(info["bytes"]), path)
    except (OSError, ValueError, KeyError, IndexError, subprocess.TimeoutExpired):
        log.warning("snapshot store file not built", exc_info=True)
        return None
    finally:
        tmp.unlink(missing_ok=True)


def _raw_changes(conn: Connection, scope: Scope, position: int,
                 trailing: set[tuple[str, str]], spool: BinaryIO) -> int:
    """Write the changes of the rows in ``trailing`` to ``spool`` as lines, in seq order,
    each change once (a row re-homed within the scope is in the log twice); how many."""
    seen: set[str] = set()
    count = 0
    for entity, row_id, body in _changes_of(conn, scope, position, sorted({r for _, r in trailing})):
        if (entity, row_id) not in trailing:
            continue  # another table's row with the same id
        change_id = orjson.loads(body).get("id")
        if change_id in seen:
            continue
        seen.add(change_id)
        spool.write(b'{"change":' + body.encode() + b"}\n")
        count += 1
    return count


def _write(folder: Path, key: str, position: int, fold: _Fold, lines: dict[str, list[str]],
           spool: BinaryIO, rows: int, changes: int) -> SnapshotFile:
    tag = _tag(key)
    tmp = folder / f"{tag}.tmp-{uuid.uuid4().hex}"
    try:
        with tmp.open("wb") as raw:
            hashing = _Hashing(raw)
            # mtime 0 and no name: the same rows give the same bytes, so the same hash.
            with gzip.GzipFile(filename="", mode="wb", fileobj=hashing,  # type: ignore[arg-type]
                               compresslevel=GZIP_LEVEL, mtime=0) as out:
                out.write(orjson.dumps({"snapshot": FORMAT, "position": position, "scope": key,
                                        "rows": rows, "changes": changes}) + b"\n")
                batch: list[bytes] = []
                size = 0
                for entity, ids in lines.items():
                    table = fold.rows[entity]
                    start = b'{"e":' + orjson.dumps(entity) + b',"id":'
                    for row_id in ids:
                        found = table[row_id]
                        line = b"".join((start, orjson.dumps(row_id), b',"v":', found[0],
                                         b',"c":', fold.clocks(found), b"}\n"))
                        batch.append(line)
                        size += len(line)
                        if size >= _WRITE_BATCH:
                            out.write(b"".join(batch))
                            batch.clear()
                            size = 0
                if batch:
                    out.write(b"".join(batch))
                spool.seek(0)
                while chunk := spool.read(_WRITE_BATCH):
                    out.write(chunk)
            raw.flush()
            os.fsync(raw.fileno())
        sha = hashing.hash.hexdigest()
        path = folder / f"{sha}.ndjson.gz"
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return SnapshotFile(key, position, sha, hashing.size, rows, changes, path)


def _describe(folder: Path, made: SnapshotFile, **extra: Any) -> None:
    """Write the snapshot's description (its presence means the snapshot is complete)."""
    info = {"snapshot": FORMAT, "scope": made.scope, **made.as_json(),
            "store": made.store.as_json() if made.store is not None else None,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **extra}
    target = folder / f"{_tag(made.scope)}-{made.position:016d}.json"
    tmp = target.with_name(target.name + ".tmp")
    with tmp.open("wb") as f:
        f.write(orjson.dumps(info))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, target)
    with contextlib.suppress(OSError):  # the renames survive a power cut
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# ------------------------------------------------------------------ finding and reusing


def _described(folder: Path, key: str) -> list[SnapshotFile]:
    """The complete snapshots of a scope key in ``folder``, oldest first."""
    found: list[SnapshotFile] = []
    for meta in folder.glob(f"{_tag(key)}-*.json"):
        try:
            info = orjson.loads(meta.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            continue  # removed meanwhile (a newer one is complete)
        if info.get("scope") != key:
            continue
        path = folder / f"{info['sha256']}.ndjson.gz"
        kept = info.get("store")
        store = StoreFile(kept["revision"], kept["sha256"], kept["bytes"],
                          folder / f"{kept['sha256']}.store.gz") if kept else None
        found.append(SnapshotFile(key, info["position"], info["sha256"], info["bytes"],
                                  info["rows"], info["changes"], path, store, "store" in info))
    return sorted(found, key=lambda s: s.position)


def newest(folder: Path, scope: Scope) -> SnapshotFile | None:
    """The newest complete snapshot of ``scope`` in ``folder``, if any."""
    found = [s for s in _described(folder, scope_key(scope)) if s.path.exists()]
    return found[-1] if found else None


def find(folder: Path, scope: Scope, sha256: str) -> Path | None:
    """The file (lines or store) with this hash if it is one of ``scope``'s snapshots' (a
    snapshot is given only to the accounts of the scope it was made for: never another
    county's)."""
    if not folder.is_dir():
        return None
    return next((p for s in _described(folder, scope_key(scope))
                 if (p := s.file(sha256)) is not None), None)


def _growth(store: ServerStore, scope: Scope, position: int, end: int, limit: int) -> int:
    """How many changes of the scope came after ``position`` up to ``end``, counted up to
    ``limit`` (what a laptop loading that snapshot pulls afterwards)."""
    c = change_table.c
    query = sa.select(sa.literal(1)).where(c.seq > position, c.seq <= end)
    readable = in_scope(scope)
    if readable is not None:
        query = query.where(readable)
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(
            query.limit(limit).subquery())).scalar() or 0


def _log_end(store: ServerStore) -> int:
    with store.engine.connect() as conn:
        return store.log_end(conn)


def _usable(store: ServerStore, scope: Scope, found: SnapshotFile | None, end: int,
            stale_changes: int, store_rows: int | None) -> bool:
    # A snapshot past the end of the log (the database restored from an older backup)
    # holds changes the server no longer has: never given out.
    if found is None or found.position > end:
        return False
    if store_rows is not None and found.rows >= store_rows:
        if not found.store_tried:
            return False  # made before store files: made again with one
        if found.store is not None and found.store.revision != (
                builder_revision() or found.store.revision):
            return False  # of the schema before an upgrade: new laptops could not copy it
    return _growth(store, scope, found.position, end, stale_changes) < stale_changes


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` between every worker process (and thread) of the
    server: flock locks belong to the open file, so two opens exclude each other too."""
    with path.open("a+b") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def current(store: ServerStore, scope: Scope, folder: Path, stale_changes: int,
            store_rows: int | None = None) -> SnapshotFile:
    """The snapshot a new laptop of ``scope`` should load: the newest one while the scope's
    changes since it number fewer than ``stale_changes``, else a new one built at the end of
    the log (read first: pushes commit in seq order, so nothing commits below it later).

    One build per scope at a time across the server's workers: a request that finds a
    build running waits for it and takes its result."""
    folder.mkdir(parents=True, exist_ok=True)
    key = scope_key(scope)
    found = newest(folder, scope)
    if _usable(store, scope, found, _log_end(store), stale_changes, store_rows):
        assert found is not None
        return found
    tag = _tag(key)
    with _locked(folder / f"{tag}.lock"):
        end = _log_end(store)
        found = newest(folder, scope)
        if _usable(store, scope, found, end, stale_changes, store_rows):
            assert found is not None
            return found
        for left in folder.glob(f"{tag}.tmp-*"):  # a build killed half-way (we hold the lock)
            if left.is_dir():
                shutil.rmtree(left, ignore_errors=True)  # a store file's load
            else:
                left.unlink(missing_ok=True)
        made = build(store, scope, end, folder, store_rows)
        _remove_older(folder, made)
        return made


def _remove_older(folder: Path, made: SnapshotFile) -> None:
    """Remove the scope's snapshots older than ``made`` (its description first, so nobody
    is offered a file about to go). A download of one already under way keeps its open
    file; a resumed one gets 404 and asks for the current snapshot again."""
    for old in _described(folder, made.scope):
        if old.sha256 == made.sha256 or old.position >= made.position:
            continue
        (folder / f"{_tag(made.scope)}-{old.position:016d}.json").unlink(missing_ok=True)
        old.path.unlink(missing_ok=True)
        if old.store is not None:
            old.store.path.unlink(missing_ok=True)


def discard(folder: Path) -> int:
    """Remove every snapshot in ``folder`` (after changes were taken out of the log: the
    snapshots made before still hold them); how many."""
    if not folder.is_dir():
        return 0
    removed = 0
    for meta in folder.glob("*.json"):
        meta.unlink(missing_ok=True)
        removed += 1
    for data in [*folder.glob("*.ndjson.gz"), *folder.glob("*.store.gz")]:
        data.unlink(missing_ok=True)
    return removed
