"""Autosaved drafts of typed input (local, never synced)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from .store import Store


def save_draft(store: Store, key: str, kind: str, data: dict[str, Any]) -> None:
    """Save (or replace) the draft ``key``."""
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    with store.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO draft (key, kind, data, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET data = excluded.data, "
            "updated_at = excluded.updated_at, kind = excluded.kind",
            (key, kind, json.dumps(data, ensure_ascii=False, default=str), now))


def load_draft(store: Store, key: str) -> dict[str, Any] | None:
    """The draft ``key``, or None."""
    with store.read() as cur:
        row = cur.execute("SELECT data FROM draft WHERE key = ?", (key,)).fetchone()
    return json.loads(row[0]) if row else None


def delete_draft(store: Store, key: str) -> None:
    """Forget the draft ``key`` (after it was saved for real, or discarded)."""
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM draft WHERE key = ?", (key,))
