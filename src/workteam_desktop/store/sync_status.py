"""Sync state of records, for lists: 待同步 (pending), 已同步 (synced), 被拒绝 (rejected).

A record is rejected when the server refused a change to it (``sync_rejection``), else
pending when a local change to it has not been sent yet (``change_log.pushed = 0``), else
synced. A household's record includes the rows its detail page shows (members, income,
rights, …), a visit its visited households and cadres: a cadre who edited a member sees
the household as 待同步.

Lists show a page of rows at a time: :func:`row_states` answers for the ids of one page in
one query that walks the indexes from those ids (never the whole outbox), so it costs the
same for a list of 600 households as for one of 200,000.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from enum import StrEnum

from ..domain.entities import ENTITIES, pages
from .conflicts import RecordLabels
from .store import Store


class SyncState(StrEnum):
    """Where a record's local changes stand."""

    SYNCED = "synced"
    PENDING = "pending"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class RowSyncState:
    """A record's sync state; for a rejected one, what the server refused and why."""

    state: SyncState
    # (record type of the refused row, the server's reason in Chinese), one per refusal
    reasons: tuple[tuple[str, str], ...] = field(default=())


SYNCED = RowSyncState(SyncState.SYNCED)
PENDING = RowSyncState(SyncState.PENDING)

# Rows that belong to a record's page, by the column naming their owner (domain.entities).
_OWNED: dict[str, tuple[tuple[str, str], ...]] = pages()


def _sql(entity: str) -> str:
    owned = "".join(
        f" UNION ALL SELECT {column}, id FROM \"{table}\" WHERE {column} IN (SELECT oid FROM page)"
        for table, column in _OWNED.get(entity, ()))
    return (
        "WITH page(oid) AS (SELECT value FROM json_each(?)),"
        f" owned(oid, rid) AS (SELECT oid, oid FROM page{owned})"
        " SELECT o.oid, 2, s.entity, s.reason FROM owned o"
        " JOIN sync_rejection s ON s.row_id = o.rid"
        " UNION ALL"
        " SELECT o.oid, 1, '', '' FROM owned o WHERE EXISTS (SELECT 1 FROM change_log c"
        " WHERE c.row_id = o.rid AND c.origin = 'local' AND c.pushed = 0)"
    )


def row_states(store: Store, entity: str, row_ids: list[str]) -> dict[str, RowSyncState]:
    """The sync state of each of ``row_ids`` (records of ``entity``), in one query."""
    if not row_ids:
        return {}
    states = dict.fromkeys(row_ids, SYNCED)
    rejected: dict[str, list[tuple[str, str]]] = {}
    with store.read() as cur:
        for oid, kind, what, reason in cur.execute(_sql(entity), (json.dumps(row_ids),)):
            if kind == 2:
                rejected.setdefault(oid, []).append((what, reason))
            elif oid not in rejected:
                states[oid] = PENDING
    for oid, reasons in rejected.items():
        states[oid] = RowSyncState(SyncState.REJECTED, tuple(dict.fromkeys(reasons)))
    return states


@dataclass(frozen=True, slots=True)
class SyncOverview:
    """What the 同步 page shows about network sync, read in one go (off the GUI thread)."""

    server_url: str  # "" when not logged in
    username: str
    role: str  # member, supervisor, admin (as the server said at the last sync)
    scopes: tuple[tuple[str, str], ...]  # (administrative code, area name or "")
    last_sync_at: dt.datetime | None  # UTC
    last_error: str  # the last sync's Chinese message, "" when it went well
    pending: int  # local changes not sent yet
    rejected: int  # local changes the server refused
    open_conflicts: int  # conflicts waiting for review


def overview(store: Store) -> SyncOverview:
    """Account, last sync, outbox, refusals and conflicts of this data home."""
    with store.read() as cur:
        state = {r[0]: r[1] for r in cur.execute("SELECT key, value FROM sync_state")}
        pending = cur.execute("SELECT count(*) FROM change_log "
                              "WHERE origin = 'local' AND pushed = 0").fetchone()[0]
        rejected = cur.execute("SELECT count(*) FROM sync_rejection").fetchone()[0]
        conflicts = cur.execute("SELECT count(*) FROM conflict WHERE resolved = 0").fetchone()[0]
        scopes = []
        for code in json.loads(state.get("scopes") or "[]"):
            full = str(code).ljust(12, "0")  # a county 130123 is the area 130123000000
            row = cur.execute("SELECT name FROM area WHERE code IN (?, ?) AND deleted = 0 "
                              "LIMIT 1", (code, full)).fetchone()
            scopes.append((str(code), row[0] if row else ""))
    last = state.get("last_sync_at")
    last_at = None
    if last:
        last_at = dt.datetime.fromisoformat(last)
        if last_at.tzinfo is None:
            last_at = last_at.replace(tzinfo=dt.UTC)
    return SyncOverview(
        server_url=state.get("server_url", ""), username=state.get("username", ""),
        role=state.get("role", ""), scopes=tuple(scopes), last_sync_at=last_at,
        last_error=state.get("last_error", ""), pending=pending, rejected=rejected,
        open_conflicts=conflicts)


@dataclass(frozen=True, slots=True)
class RejectionView:
    """A local change the server refused, as the 同步 page lists it."""

    entity_label: str  # 农户, 走访, …
    row_label: str  # 王喆（0007）, …
    reason: str  # the server's words (Chinese)
    at: dt.datetime | None  # when it was refused (UTC)


def list_rejections(store: Store, *, limit: int = 200, lang: str = "zh") -> list[RejectionView]:
    """The newest refusals, one per record and reason (a record edited five times and
    refused five times for the same reason is listed once)."""
    with store.read() as cur:
        rows = cur.execute(
            "SELECT entity, row_id, reason, max(at) FROM sync_rejection "
            "GROUP BY entity, row_id, reason ORDER BY max(at) DESC LIMIT ?", (limit,)).fetchall()
        labels = RecordLabels(cur, lang)
        out = []
        for entity, row_id, reason, at in rows:
            when = None
            if at:
                when = dt.datetime.fromisoformat(at)
                when = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
            out.append(RejectionView(ENTITIES.label(entity, lang), labels.row(entity, row_id),
                                     reason, when))
    return out
