"""The SQLite the store runs on: SQLCipher (SQLite with every page encrypted).

``dbapi`` is the DB-API module of SQLCipher (``sqlcipher3``): the same interface as the
standard library's ``sqlite3`` (``connect``, ``Row``, the error classes), so code that
reads or writes the store imports it from here instead of ``sqlite3``. Its errors are
its own classes: ``except sqlite3.Error`` does not catch them.

A home's database is opened with a 256-bit raw key (no passphrase stretching: the key is
random, and opening must stay fast on a cheap laptop). With ``key=None`` the file is
plain SQLite: a demo home on a machine without a keyring, and the old file an
encryption in place reads from.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson
from sqlcipher3 import dbapi2 as dbapi

SQLITE_HEADER = b"SQLite format 3\x00"

Connection = dbapi.Connection
Cursor = dbapi.Cursor
Row = dbapi.Row
Error = dbapi.Error
DatabaseError = dbapi.DatabaseError
IntegrityError = dbapi.IntegrityError
OperationalError = dbapi.OperationalError


def key_pragma(key: bytes) -> str:
    """``PRAGMA key`` with a raw 32-byte key (hex literal: no text, no KDF)."""
    if len(key) != 32:
        raise ValueError("a store key is 32 bytes")
    return f"PRAGMA key = \"x'{key.hex()}'\""


def apply_key(connection: Any, key: bytes | None) -> None:
    """Make ``connection`` read and write with ``key`` (first statement on it)."""
    if key is not None:
        connection.execute(key_pragma(key))


def connect(path: str | Path, key: bytes | None, *, readonly: bool = False,
            timeout: float = 10.0) -> Any:
    """A DB-API connection to the store file ``path`` (read-only when asked)."""
    if readonly:
        conn = dbapi.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True,
                             timeout=timeout, check_same_thread=False)
    else:
        conn = dbapi.connect(str(path), timeout=timeout, check_same_thread=False)
    try:
        apply_key(conn, key)
    except Exception:
        conn.close()
        raise
    return conn


def export(source: Any, target: str | Path, key: bytes | None) -> None:
    """Write the whole database open on ``source`` into the new file ``target``,
    encrypted with ``key`` (None: plain), with its user_version (SQLCipher's
    ``sqlcipher_export``: unlike the backup API it works between different keys)."""
    quoted = str(target).replace("'", "''")
    literal = f"x'{key.hex()}'" if key is not None else ""
    source.execute(f"ATTACH DATABASE '{quoted}' AS export KEY \"{literal}\"")
    try:
        source.execute("SELECT sqlcipher_export('export')")
        version = source.execute("PRAGMA main.user_version").fetchone()[0]
        source.execute(f"PRAGMA export.user_version = {int(version)}")
    finally:
        source.set_progress_handler(None, 0)  # a cancel must not interrupt the detach
        source.execute("DETACH DATABASE export")


def is_plain(path: str | Path, *, strict: bool = False) -> bool:
    """True when ``path`` is an unencrypted SQLite file (its first 16 bytes say so; an
    encrypted file starts with random salt). A missing file is not plain, unless
    ``strict``: then reading errors are raised."""
    try:
        with open(path, "rb") as f:
            return f.read(16) == SQLITE_HEADER
    except FileNotFoundError:
        if strict:
            raise
        return False


def key_opens(path: str | Path, key: bytes | None) -> bool:
    """True when ``key`` opens the database file ``path`` (a wrong key reads as "file is
    not a database")."""
    try:
        conn = connect(path, key, readonly=True)
    except Error:
        return False
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except Error:
        return False
    finally:
        conn.close()


def cipher_version() -> str:
    """SQLCipher's version, e.g. ``4.12.0 community``."""
    conn = dbapi.connect(":memory:")
    try:
        return str(conn.execute("PRAGMA cipher_version").fetchone()[0])
    finally:
        conn.close()


def json_list(items: Iterable[Any]) -> str:
    """Values as one JSON parameter for ``json_each`` (no limit on bound variables)."""
    return orjson.dumps(list(items)).decode()
