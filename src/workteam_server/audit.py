"""The server's audit log: logins, lockouts, refused tokens and changes, quarantines.

One row per event with the account name, the client address, an action word and a small
JSON detail. Never a password, a token or a record's values (only ids, codes and counts).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy import Connection

from .models import audit_table
from .store import ServerStore, now


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of the audit log."""

    id: int
    at: dt.datetime
    account: str
    address: str
    action: str
    detail: dict[str, Any]


def record_in(conn: Connection, action: str, *, account: str = "", address: str = "",
              **detail: Any) -> None:
    """Add an entry inside an open transaction."""
    conn.execute(audit_table.insert().values(
        at=now(), account=account[:64], address=address[:64], action=action[:40],
        detail=orjson.dumps(detail, default=str).decode()))


def record(store: ServerStore, action: str, *, account: str = "", address: str = "",
           **detail: Any) -> None:
    """Add an entry in its own transaction."""
    with store.writing() as conn:
        record_in(conn, action, account=account, address=address, **detail)


def entries(store: ServerStore, *, since: dt.datetime | None = None, action: str | None = None,
            account: str | None = None, limit: int = 200) -> list[AuditEntry]:
    """The newest entries first, optionally only after ``since``, of one action or account."""
    t = audit_table
    query = sa.select(t).order_by(t.c.id.desc()).limit(limit)
    if since is not None:
        query = query.where(t.c.at >= since)
    if action:
        query = query.where(t.c.action == action)
    if account:
        query = query.where(t.c.account == account)
    with store.engine.connect() as conn:
        return [AuditEntry(r.id, r.at, r.account, r.address, r.action, orjson.loads(r.detail))
                for r in conn.execute(query)]
