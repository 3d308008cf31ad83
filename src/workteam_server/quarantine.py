"""Taking bad changes out of the pull stream: ``workteam-server changes quarantine SEQ…``.

A change stored before the server checked every change against the declarations (or one
a later rule refuses) can stop every laptop of its area that meets it. An administrator
moves it, whole, into ``quarantined_change``: no laptop pulls it again, nothing is
deleted, and the audit log says who did it and why. Laptops that already hold it keep
it; laptops that met it and could not apply it keep it aside (store/held.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import orjson
import sqlalchemy as sa

from . import audit
from .models import change_table, quarantine_table
from .store import ServerStore, now


@dataclass(frozen=True, slots=True)
class StoredChange:
    """A change as the server holds it (in the log or in quarantine)."""

    seq: int
    id: str
    entity: str
    row_id: str
    area_code: str
    account: str
    body: dict
    quarantined_at: dt.datetime | None = None
    quarantined_by: str = ""
    reason: str = ""


def find(store: ServerStore, seqs: Sequence[int]) -> list[StoredChange]:
    """The changes of the log with these seqs (those that exist), in seq order."""
    c = change_table.c
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(change_table).where(c.seq.in_(list(seqs))).order_by(c.seq))
        return [StoredChange(r.seq, r.id, r.entity, r.row_id, r.area_code, r.account,
                             orjson.loads(r.body)) for r in rows]


def quarantine(store: ServerStore, seqs: Sequence[int], *, by: str, reason: str) -> list[int]:
    """Move the changes with these seqs out of the log into quarantine (one transaction,
    with an audit entry); the seqs moved. Seqs not in the log are left out."""
    c = change_table.c
    with store.writing() as conn:
        rows = conn.execute(sa.select(change_table).where(c.seq.in_(list(seqs)))).all()
        if not rows:
            return []
        at = now()
        conn.execute(quarantine_table.insert(), [
            {"seq": r.seq, "id": r.id, "entity": r.entity, "row_id": r.row_id,
             "area_code": r.area_code, "account": r.account, "body": r.body,
             "quarantined_at": at, "quarantined_by": by, "reason": reason} for r in rows])
        conn.execute(change_table.delete().where(c.seq.in_([r.seq for r in rows])))
        moved = sorted(r.seq for r in rows)
        audit.record_in(conn, "change_quarantined", account=by, seqs=moved,
                        changes=[r.id for r in rows], reason=reason[:200])
    return moved


def quarantined(store: ServerStore) -> list[StoredChange]:
    """Every quarantined change, newest first."""
    q = quarantine_table.c
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(quarantine_table).order_by(q.quarantined_at.desc(), q.seq))
        return [StoredChange(r.seq, r.id, r.entity, r.row_id, r.area_code, r.account,
                             orjson.loads(r.body), r.quarantined_at, r.quarantined_by, r.reason)
                for r in rows]
