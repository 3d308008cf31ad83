"""Per-record sync state: pending until sent, synced once accepted, rejected with the server's
reason; a household counts the rows of its page (members, income, …); one cheap query a page."""

from __future__ import annotations

import datetime as dt
import time

from workteam_desktop.store import Store
from workteam_desktop.store.models import Area, Household, Member
from workteam_desktop.store.sync_status import SyncState, _sql, row_states


def _accept_all(store: Store) -> None:
    """What the client does when the server answers accepted: mark the outbox sent."""
    with store.read() as cur:
        cur.execute("UPDATE change_log SET pushed = 1 WHERE origin = 'local' AND pushed = 0")


def _reject(store: Store, row_id: str, entity: str, reason: str) -> None:
    """What the client does when the server refuses the newest change of a row."""
    with store.read() as cur:
        change_id = cur.execute("SELECT id FROM change_log WHERE row_id = ? ORDER BY seq DESC",
                                (row_id,)).fetchone()[0]
        cur.execute("UPDATE change_log SET pushed = 2 WHERE id = ?", (change_id,))
        cur.execute("INSERT INTO sync_rejection (change_id, entity, row_id, code, reason, at) "
                    "VALUES (?, ?, ?, 'out_of_scope', ?, ?)",
                    (change_id, entity, row_id, reason, dt.datetime.now(dt.UTC).isoformat()))


def _households(store: Store, n: int) -> tuple[list[str], list[str]]:
    with store.write() as w:
        [village] = w.insert(Area, [{"code": "140215100201", "name": "东村", "level": "village"}])
        households = w.insert(Household, [{"number": f"{i:04}", "head_name": f"户主{i}",
                                           "village_id": village} for i in range(n)])
        members = w.insert(Member, [{"household_id": h, "name": "成员"} for h in households])
    return households, members


def test_pending_until_sent_then_synced_and_a_member_edit_makes_its_household_pending(
        store: Store) -> None:
    households, members = _households(store, 3)
    states = row_states(store, "household", households)
    assert {s.state for s in states.values()} == {SyncState.PENDING}
    _accept_all(store)
    assert {s.state for s in row_states(store, "household", households).values()} == {
        SyncState.SYNCED}
    with store.write() as w:
        w.update(Member, members[1], {"name": "王小明"})
    states = row_states(store, "household", households)
    assert [states[h].state for h in households] == [
        SyncState.SYNCED, SyncState.PENDING, SyncState.SYNCED]
    # The member itself, asked for as a record of its own, is pending too.
    assert row_states(store, "member", [members[1]])[members[1]].state is SyncState.PENDING


def test_rejected_wins_over_pending_and_carries_the_servers_reason(store: Store) -> None:
    households, members = _households(store, 3)
    _accept_all(store)
    with store.write() as w:
        w.update(Household, households[0], {"phone": "13800000001"})
        w.update(Member, members[0], {"name": "王小明"})
        w.update(Household, households[2], {"phone": "13800000002"})
    _reject(store, members[0], "member", "户所在村不在您的管辖范围内")
    _reject(store, households[2], "household", "您的角色不能修改农户档案")
    states = row_states(store, "household", [*households, "no-such-id"])
    assert states[households[0]].state is SyncState.REJECTED
    assert states[households[0]].reasons == (("member", "户所在村不在您的管辖范围内"),)
    assert states[households[1]].state is SyncState.SYNCED
    assert states[households[2]].reasons == (("household", "您的角色不能修改农户档案"),)
    assert states["no-such-id"].state is SyncState.SYNCED
    assert row_states(store, "household", []) == {}


def test_a_page_is_read_through_indexes_only(store: Store) -> None:
    """The cost must not grow with the list: no full scan of the log or of a child table."""
    households, _ = _households(store, 2_000)
    for entity in ("household", "visit", "delivery_action", "member"):
        with store.read() as cur:
            plan = [r[3] for r in cur.execute("EXPLAIN QUERY PLAN " + _sql(entity), ("[]",))]
        # Scanning the page's own ids (json_each, the CTEs page and owned "o") is fine.
        scans = [p for p in plan if p.startswith("SCAN") and "json_each" not in p
                 and p not in ("SCAN page", "SCAN o")]
        assert scans == [], (entity, plan)
    page = households[1_000:1_060]
    started = time.perf_counter()
    states = row_states(store, "household", page)
    elapsed = time.perf_counter() - started
    assert len(states) == 60
    assert elapsed < 0.05, elapsed  # a visible page: well under a frame's worth of waiting
