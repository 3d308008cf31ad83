"""The ``sync_state`` table: server address, account, cursor and last sync of a data home.

Plain key → text pairs, local to this laptop and never synced. The refresh token is never
kept here (it lives in the OS keyring only).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping

from . import sqlite
from .engine import IMMEDIATE
from .store import Store

SERVER_URL = "server_url"
USERNAME = "username"
ROLE = "role"
SCOPES = "scopes"
TEAM = "team"  # JSON: the account's work team as the server holds it (id, name, villages)
CURSOR = "cursor"
LAST_SYNC_AT = "last_sync_at"
LAST_ERROR = "last_error"
# Set when the store was rolled back to a backup of this home: the next pull asks the
# server for this laptop's own changes too (it skips them otherwise: no echo), since the
# ones pushed after the backup are no longer here.
PULL_OWN = "pull_own_changes"
CLOCK_OFFSET = "clock_offset_ms"  # the server's clock minus this laptop's (store.Store reads it)
# Received attachment changes up to this log seq have had their photo fetched (the sync's
# download); compaction keeps the later ones logged, where the download looks for them.
ATTACHMENTS_DOWN_SEQ = "attachments_down_seq"

_UPSERT = ("INSERT INTO sync_state (key, value) VALUES (?, ?) "
           "ON CONFLICT(key) DO UPDATE SET value = excluded.value")


def read_all(store: Store) -> dict[str, str]:
    """Every stored key and value."""
    with store.read() as cur:
        return {r[0]: r[1] for r in cur.execute("SELECT key, value FROM sync_state")}


def get(store: Store, key: str, default: str | None = None) -> str | None:
    """One stored value, or ``default``."""
    with store.read() as cur:
        row = cur.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


def put(cur: sqlite.Cursor, values: Mapping[str, str | None]) -> None:
    """Set values inside a transaction the caller holds; ``None`` removes a key."""
    for key, value in values.items():
        if value is None:
            cur.execute("DELETE FROM sync_state WHERE key = ?", (key,))
        else:
            cur.execute(_UPSERT, (key, value))


def set_values(store: Store, values: Mapping[str, str | None]) -> None:
    """Set values in a transaction of their own; ``None`` removes a key."""
    with store.engine.connect().execution_options(**{IMMEDIATE: True}) as conn, conn.begin():
        put(conn.connection.driver_connection.cursor(), values)  # type: ignore[union-attr]


def cursor(store: Store) -> int:
    """The server sequence up to which pulled changes are applied here (0: none yet)."""
    return int(get(store, CURSOR, "0") or 0)


def scopes(store: Store) -> list[str]:
    """The administrative code prefixes the account may read and write."""
    return list(json.loads(get(store, SCOPES, "[]") or "[]"))


def now_iso() -> str:
    """The current time as stored in ``last_sync_at`` (UTC, seconds)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
