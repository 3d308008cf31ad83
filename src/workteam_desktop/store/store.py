"""The local store: one SQLite file in the data home, opened, upgraded and written here."""

from __future__ import annotations

import datetime as dt
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlmodel import Session

from ..domain.hlc import HybridClock, wall_ms
from . import bulk_load, facts, migrate
from .engine import IMMEDIATE, make_engine
from .home import backups_dir, resolve_home, store_path
from .models import Synced
from .writer import TableInfo, Writer, table_infos


class ReadSession(Session):
    """A session for reading. Flushing a synced row through it is a bug: use ``write()``."""


@event.listens_for(ReadSession, "before_flush")
def _refuse_synced_flush(session: Session, _context: Any, _instances: Any) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Synced):
            raise RuntimeError(
                f"{type(obj).__name__} must be written through Store.write(), "
                "which logs the change for sync")


class Store:
    """An open data home. Use :meth:`open`."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.path = store_path(home)
        self.engine = make_engine(self.path)
        self.last_backup: Path | None = None
        self._tables = table_infos(self.engine.dialect)
        self.device_id = ""
        self.user = ""
        self.wall = wall_ms  # the wall clock the HLC reads (tests turn it back)
        # The server's clock minus this laptop's, learnt at the last sync (0: unknown, or
        # within a minute): the HLC reads the wall clock corrected by it.
        self.clock_offset_ms = 0
        # During a bulk load (store.bulk_load) household facts are computed once at its end.
        self.facts_deferred = False

    @classmethod
    def open(cls, home: str | Path | None = None, *, create: bool = True) -> Store:
        """Open (and upgrade) the store of a data home; create it when ``create``."""
        path = resolve_home(home)
        if not store_path(path).exists():
            if not create:
                raise FileNotFoundError(store_path(path))
            path.mkdir(parents=True, exist_ok=True)
        store = cls(path)
        store.last_backup = migrate.upgrade(store.engine, store.path, backups_dir(path))
        store._load_device()
        if bulk_load.pending(store):
            # A first sync died during its load: rebuild what it went without, before
            # anything reads the store.
            bulk_load.finish(store)
        return store

    @property
    def tables(self) -> dict[str, TableInfo]:
        """Column information of every synced table (names, defaults, foreign keys)."""
        return self._tables

    def close(self) -> None:
        """Release the file (checkpoints the WAL)."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _load_device(self) -> None:
        with self.engine.connect().execution_options(**{IMMEDIATE: True}) as conn, conn.begin():
            cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            offset = cur.execute("SELECT value FROM sync_state WHERE key = 'clock_offset_ms'"
                                 ).fetchone()
            self.clock_offset_ms = int(offset[0]) if offset and offset[0] else 0
            row = cur.execute("SELECT id, user FROM device").fetchone()
            if row is None:
                # 8 random bytes: unique enough across a province's laptops, short in HLCs.
                device = secrets.token_hex(8)
                cur.execute("INSERT INTO device (id, created_at, user) VALUES (?, ?, '')",
                            (device, dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")))
                cur.execute("INSERT INTO clock_state (device, wall_ms, counter) VALUES (?, 0, 0)",
                            (device,))
                row = (device, "")
        self.device_id, self.user = row

    @contextmanager
    def read(self) -> Iterator[sqlite3.Cursor]:
        """A cursor over one consistent snapshot (a read transaction); rows are sqlite3.Row."""
        with self.engine.connect() as conn, conn.begin():
            cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            cur.row_factory = sqlite3.Row
            yield cur

    def session(self) -> ReadSession:
        """A session for ORM reads."""
        return ReadSession(self.engine)

    @contextmanager
    def write(self, user: str | None = None) -> Iterator[Writer]:
        """One write transaction: every change is logged, facts refreshed, all or nothing."""
        with self.engine.connect().execution_options(**{IMMEDIATE: True}) as conn, conn.begin():
            cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            last_ms, counter = cur.execute(
                "SELECT wall_ms, counter FROM clock_state WHERE device = ?",
                (self.device_id,)).fetchone()
            clock = HybridClock(self.device_id, (last_ms, counter), self.corrected_wall)
            writer = Writer(conn, clock, user if user is not None else self.user,
                            self._tables)
            yield writer
            if self.facts_deferred:
                pass  # bulk_load.finish() refreshes every household
            elif writer.thresholds_changed:
                facts.refresh(cur)
            elif writer.affected_households:
                facts.refresh(cur, writer.affected_households)
            ms, count = clock.last
            # The clock is saved with the changes it stamped: it can never go backwards.
            cur.execute("UPDATE clock_state SET wall_ms = ?, counter = ? WHERE device = ?",
                        (ms, count, self.device_id))

    def corrected_wall(self) -> int:
        """The wall clock in milliseconds, corrected by the offset the server told."""
        return self.wall() + self.clock_offset_ms

    def set_user(self, name: str) -> None:
        """Remember the local user's name (recorded in each change)."""
        with self.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE device SET user = ?", (name,))
        self.user = name
