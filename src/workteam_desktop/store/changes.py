"""Reading and applying changes: what sync and bundles move between replicas."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from ..domain.changes import Change
from .merge import ApplyResult, apply_changes
from .store import Store


def local_changes(store: Store, *, after_seq: int = 0, only_unpushed: bool = False,
                  limit: int | None = None) -> Iterator[tuple[int, Change]]:
    """This laptop's changes after ``after_seq``, oldest first, with their log sequence."""
    sql = ("SELECT seq, id, entity, row_id, fields, base, hlc, device, user FROM change_log "
           "WHERE origin = 'local' AND seq > ?")
    if only_unpushed:
        sql += " AND pushed = 0"
    sql += " ORDER BY seq"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    with store.read() as cur:
        for r in cur.execute(sql, (after_seq,)):
            yield r[0], Change(r[1], r[2], r[3], json.loads(r[4]), r[6], r[7], r[8],
                               json.loads(r[5]))


def all_changes(store: Store, *, after_seq: int = 0) -> Iterator[tuple[int, Change]]:
    """Every logged change (local and received), oldest first: what a replica knows."""
    with store.read() as cur:
        for r in cur.execute(
                "SELECT seq, id, entity, row_id, fields, base, hlc, device, user "
                "FROM change_log WHERE seq > ? ORDER BY seq", (after_seq,)):
            yield r[0], Change(r[1], r[2], r[3], json.loads(r[4]), r[6], r[7], r[8],
                               json.loads(r[5]))


def apply(store: Store, changes: Iterable[Change], user: str | None = None) -> ApplyResult:
    """Merge changes from elsewhere in one transaction (all or nothing); household facts
    are refreshed for what the merge wrote, as for local writes."""
    with store.write(user) as w:
        return apply_changes(w, changes)


def mark_pushed(store: Store, seqs: Iterable[int]) -> None:
    """Take sent changes out of the outbox."""
    seqs = list(seqs)
    with store.engine.begin() as conn:
        for start in range(0, len(seqs), 500):
            chunk = seqs[start:start + 500]
            conn.exec_driver_sql(
                f"UPDATE change_log SET pushed = 1 WHERE seq IN ({','.join('?' * len(chunk))})",
                tuple(chunk))


__all__ = ["ApplyResult", "all_changes", "apply", "local_changes", "mark_pushed"]
