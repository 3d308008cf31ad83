"""Clock skew: one laptop's clock is a year behind, another's a year ahead. Through the real
server, an edit made after seeing the other's still wins (the hybrid clock moved past what it
received), concurrent edits keep the loser for review, and both laptops end identical."""

from __future__ import annotations

import json

from synclib import PASSWORD, add_households, add_village, synced_tables

from serverlib import start_server
from workteam_desktop.domain.hlc import Timestamp
from workteam_desktop.store import Store
from workteam_desktop.store.models import Household
from workteam_desktop.sync.account import login
from workteam_desktop.sync.session import sync_once

YEAR_MS = 365 * 86400_000


def _skew(store: Store, by_ms: int) -> None:
    real = store.wall
    store.wall = lambda: real() + by_ms  # the store's clock source (see Store.wall)


def _value(store: Store, hid: str, name: str) -> object:
    with store.read() as cur:
        return cur.execute(f'SELECT "{name}" FROM household WHERE id = ?', (hid,)).fetchone()[0]


def test_a_year_behind_and_a_year_ahead_merge_correctly(tmp_path) -> None:
    with start_server(tmp_path / "server") as server:
        server.add_user("skew", "supervisor", ["140215"], PASSWORD)
        behind, ahead = Store.open(tmp_path / "behind"), Store.open(tmp_path / "ahead")
        _skew(behind, -YEAR_MS)
        _skew(ahead, +YEAR_MS)
        add_village(behind)
        [hid] = add_households(behind, 1)
        acc_behind = login(behind, server.url, "skew", PASSWORD).account
        acc_ahead = login(ahead, server.url, "skew", PASSWORD).account
        sync_once(behind, acc_behind)
        assert sync_once(ahead, acc_ahead).applied == 2

        # The laptop a year ahead edits; the one a year behind sees it, then edits after it.
        with ahead.write() as w:
            w.update(Household, hid, {"phone": "13800000001"})
        sync_once(ahead, acc_ahead)
        sync_once(behind, acc_behind)
        with behind.write() as w:
            w.update(Household, hid, {"phone": "13900000002"})
        sync_once(behind, acc_behind)
        sync_once(ahead, acc_ahead)
        for store in (behind, ahead):
            assert _value(store, hid, "phone") == "13900000002"  # the informed, later edit
            with store.read() as cur:  # it knew the value it replaced: no conflict
                assert cur.execute("SELECT count(*) FROM conflict WHERE field = 'phone'"
                                   ).fetchone()[0] == 0
        with behind.read() as cur:  # its clock moved a year forward, past what it received
            hlcs = [Timestamp.decode(r[0]) for r in cur.execute(
                "SELECT hlc FROM change_log WHERE row_id = ? ORDER BY seq", (hid,))]
        assert hlcs[-1] > hlcs[-2] and hlcs[-1].wall_ms > behind.wall() + YEAR_MS

        # Concurrent edits of one field, neither seeing the other: one value wins on both
        # laptops, the other waits in both conflict queues.
        with behind.write() as w:
            w.update(Household, hid, {"address": "东村一组"})
        with ahead.write() as w:
            w.update(Household, hid, {"address": "东村二组"})
        for store, account in ((behind, acc_behind), (ahead, acc_ahead), (behind, acc_behind)):
            sync_once(store, account)
        assert _value(behind, hid, "address") == _value(ahead, hid, "address")
        for store in (behind, ahead):
            with store.read() as cur:
                queued = [(json.loads(r[0])["v"], json.loads(r[1])["v"]) for r in cur.execute(
                    "SELECT kept_value, lost_value FROM conflict WHERE field = 'address'")]
            assert sorted(queued[0]) == ["东村一组", "东村二组"]

        # A new household made on the laptop a year behind still arrives, and a deletion
        # made there (after it saw everything) still wins.
        [late] = add_households(behind, 1, start=50)
        sync_once(behind, acc_behind)
        sync_once(ahead, acc_ahead)
        assert _value(ahead, late, "head_name") == "户主50"
        with behind.write() as w:
            w.delete(Household, hid)
        sync_once(behind, acc_behind)
        sync_once(ahead, acc_ahead)
        assert _value(ahead, hid, "deleted") == 1
        assert synced_tables(behind) == synced_tables(ahead)
        behind.close()
        ahead.close()
