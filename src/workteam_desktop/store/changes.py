"""Reading and applying changes: what sync and bundles move between replicas."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from ..domain.changes import Change
from .merge import ApplyResult, apply_changes
from .store import Store


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


__all__ = ["ApplyResult", "all_changes", "apply"]
