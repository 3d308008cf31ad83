"""Reading and applying changes: what sync and bundles move between replicas."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator

from ..domain.changes import Change
from .conflicts import settle_from_settlements
from .merge import ApplyResult, NeedsReferencePath, apply_changes
from .store import Store
from .sync_state import CURSOR, put
from .writer import Writer


def all_changes(store: Store, *, after_seq: int = 0) -> Iterator[tuple[int, Change]]:
    """Every logged change (local and received), oldest first: what a replica knows."""
    with store.read() as cur:
        for r in cur.execute(
                "SELECT seq, id, entity, row_id, fields, base, hlc, device, user "
                "FROM change_log WHERE seq > ? ORDER BY seq", (after_seq,)):
            yield r[0], Change(r[1], r[2], r[3], json.loads(r[4]), r[6], r[7], r[8],
                               json.loads(r[5]))


def merge(store: Store, changes: Iterable[Change], user: str | None = None, *,
          then: Callable[[Writer, ApplyResult], None] | None = None,
          compact_new: bool = False) -> ApplyResult:
    """Merge changes from elsewhere in ONE transaction, then ``then(writer, result)`` in
    the same transaction (it may raise to roll everything back). ``compact_new``: the
    changes that make new rows are kept compacted, not logged (``merge.apply_changes``).

    The fast path runs first; in the rare batch it cannot merge as if every new row had
    waited to the end, its transaction is rolled back and the batch merged again by the
    reference path, so the result is always the reference's.
    """
    for fast in (True, False):
        try:
            with store.write(user) as w:
                result = apply_changes(w, changes, fast=fast, compact_new=compact_new)
                if result.conflicts or "conflict_settlement" in result.touched:
                    # A settlement made elsewhere settles the same conflict here, whichever
                    # of the two arrived first.
                    settle_from_settlements(w.cursor)
                if then is not None:
                    then(w, result)
                return result
        except NeedsReferencePath:
            continue
    raise AssertionError("the reference path never asks for itself")


def apply(store: Store, changes: Iterable[Change], user: str | None = None, *,
          compact_new: bool = False) -> ApplyResult:
    """Merge changes from elsewhere in one transaction (all or nothing); household facts
    are refreshed for what the merge wrote, as for local writes. ``compact_new``: see
    :func:`merge`."""
    return merge(store, changes, user, compact_new=compact_new)


def apply_page(store: Store, changes: Iterable[Change], cursor: int,
               user: str | None = None) -> ApplyResult:
    """Merge one pulled page and store the server cursor it reached, in ONE transaction.

    A connection cut after this resumes after the page; a page applied again (the answer
    to a repeated request) changes nothing, since merge skips changes it already has.
    """
    def save_cursor(w: Writer, _result: ApplyResult) -> None:
        # max(): a page answered late by a restarted server must not move the cursor back.
        row = w.cursor.execute("SELECT value FROM sync_state WHERE key = ?",
                               (CURSOR,)).fetchone()
        if row is None or int(row[0]) < cursor:
            put(w.cursor, {CURSOR: str(cursor)})

    return merge(store, changes, user, then=save_cursor)


__all__ = ["ApplyResult", "all_changes", "apply", "apply_page", "merge"]
