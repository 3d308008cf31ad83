"""The outbox: local changes not yet sent to the server or a supervisor."""

from __future__ import annotations

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
