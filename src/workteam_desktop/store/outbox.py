"""The outbox: local changes not yet sent to the server or a supervisor."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .engine import IMMEDIATE
from .store import Store


def pending_by_entity(store: Store) -> dict[str, int]:
    """How many unsent local changes there are, per record type."""
    with store.read() as cur:
        return {r[0]: r[1] for r in cur.execute(
            "SELECT entity, count(*) FROM change_log WHERE origin = 'local' AND pushed = 0 "
            "GROUP BY entity ORDER BY count(*) DESC")}


def pending_count(store: Store) -> int:
    """How many unsent local changes there are."""
    with store.read() as cur:
        return cur.execute("SELECT count(*) FROM change_log "
                           "WHERE origin = 'local' AND pushed = 0").fetchone()[0]


# ---------------------------------------------------------------- network push

UNSENT = 0  # waiting to be sent
PUSHED = 1  # accepted or duplicate
REJECTED = 2  # refused by the server; the reason is in sync_rejection
# Never to be sent: made before this laptop joined a server, for rows only it ever had and
# the server's own replaced (the team set up offline: store.setup.adopt_server_team).
WITHHELD = 3


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One unsent local change, ready for the wire."""

    seq: int  # its place in the local log
    id: str
    entity: str
    row_id: str
    line: str  # the change as wire JSON (the fields of ``Change.to_json``)

    @property
    def size(self) -> int:
        """Bytes of the line as sent (UTF-8)."""
        return len(self.line) if self.line.isascii() else len(self.line.encode())


# The wire JSON made by SQLite from the stored columns: ``fields`` and ``base`` are stored
# as JSON already, so a million-change push decodes and encodes nothing in Python.
_WIRE = ("json_object('id', id, 'entity', entity, 'row_id', row_id, 'fields', json(fields), "
         "'base', json(base), 'hlc', hlc, 'device', device, 'user', user)")


def next_batch(store: Store, limit: int, after_seq: int = 0,
               max_bytes: int | None = None) -> list[Outgoing]:
    """Up to ``limit`` unsent local changes after log sequence ``after_seq``, oldest first,
    and (with ``max_bytes``) no more than that many bytes of JSON (one change at least).

    Log order is the order the writes happened in, so a parent row's change comes before
    its children's, as the server wants them.
    """
    with store.read() as cur:
        rows = cur.execute(
            f"SELECT seq, id, entity, row_id, {_WIRE} FROM change_log "
            "WHERE origin = 'local' AND pushed = 0 AND seq > ? ORDER BY seq LIMIT ?",
            (after_seq, limit)).fetchall()
    batch = [Outgoing(*r) for r in rows]
    if max_bytes is not None:
        size = 0
        for n, out in enumerate(batch):
            size += out.size
            if n and size > max_bytes:
                return batch[:n]
    return batch


@dataclass(frozen=True, slots=True)
class Rejection:
    """The server's refusal of one change."""

    change_id: str
    code: str
    reason: str


def record_push(store: Store, done: list[str], rejected: list[Rejection]) -> None:
    """Mark one answered batch in one transaction: ``done`` ids (accepted or duplicate)
    as pushed, ``rejected`` ones as rejected with their reason."""
    at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with store.engine.connect().execution_options(**{IMMEDIATE: True}) as conn, conn.begin():
        cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        cur.executemany(f"UPDATE change_log SET pushed = {PUSHED} WHERE id = ?",
                        [(i,) for i in done])
        cur.executemany(f"UPDATE change_log SET pushed = {REJECTED} WHERE id = ?",
                        [(r.change_id,) for r in rejected])
        cur.executemany(
            "INSERT OR REPLACE INTO sync_rejection (change_id, entity, row_id, code, reason, at) "
            "SELECT id, entity, row_id, ?, ?, ? FROM change_log WHERE id = ?",
            [(r.code, r.reason, at, r.change_id) for r in rejected])


def rejections(store: Store) -> list[dict[str, str]]:
    """Every change the server refused, newest first, with its reason."""
    with store.read() as cur:
        return [dict(r) for r in cur.execute(
            "SELECT change_id, entity, row_id, code, reason, at FROM sync_rejection "
            "ORDER BY at DESC, change_id")]
