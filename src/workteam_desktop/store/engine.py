"""SQLite (SQLCipher) engine with the settings every connection needs.

The key comes first on every connection (``PRAGMA key``); then WAL (readers never block
the one writer), foreign keys on, a busy timeout, and full fsync: a village laptop's
battery dies mid-write more often than a server's power. The driver's own transaction
handling is switched off so that a write transaction can start with ``BEGIN IMMEDIATE``
and never fail half-way on a lock upgrade.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool

from . import sqlite

IMMEDIATE = "workteam_immediate"


def make_engine(path: Path, key: bytes | None = None) -> Engine:
    """An engine on the store file ``path``, encrypted with ``key`` (SQLCipher; None: a
    plain SQLite file)."""
    engine = create_engine(
        f"sqlite:///{path}",
        module=sqlite.dbapi,
        connect_args={"check_same_thread": False, "timeout": 10},
        poolclass=QueuePool,
        pool_size=4,
        max_overflow=4,
        pool_use_lifo=True,  # reuse the warmest connection: each has its own page cache
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        sqlite.apply_key(dbapi_connection, key)  # before anything reads the file
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=FULL")
        # Sorts and temporary tables stay in memory: nothing decrypted reaches a temp file.
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB page cache
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(IMMEDIATE):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine
