"""Reading and applying changes: what sync and bundles move between replicas."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from ..domain.changes import Change
from .merge import ApplyResult, apply_changes
from .store import Store
from .sync_state import CURSOR, put


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


def apply_page(store: Store, changes: Iterable[Change], cursor: int,
               user: str | None = None) -> ApplyResult:
    """Merge one pulled page and store the server cursor it reached, in ONE transaction.

    A connection cut after this resumes after the page; a page applied again (the answer
    to a repeated request) changes nothing, since merge skips changes it already has.
    """
    with store.write(user) as w:
        result = apply_changes(w, changes)
        # max(): a page answered late by a restarted server must not move the cursor back.
        w.cursor.execute(
            "SELECT value FROM sync_state WHERE key = ?", (CURSOR,))
        row = w.cursor.fetchone()
        if row is None or int(row[0]) < cursor:
            put(w.cursor, {CURSOR: str(cursor)})
    return result


__all__ = ["ApplyResult", "all_changes", "apply", "apply_page"]
