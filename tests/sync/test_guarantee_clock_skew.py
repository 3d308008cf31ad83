"""Clock skew: one laptop's clock is a year behind, another's a year ahead. Through the real
server, an edit made after seeing the other's still wins (the hybrid clock moved past what it
received, and each laptop stamps with the server's time once it learnt the offset),
concurrent edits keep the loser for review, and both laptops end identical. A laptop a year
ahead that works offline for a week before its first sync loses nothing and has nothing
refused: the server refuses its far-future clocks, the laptop re-stamps and sends again."""

from __future__ import annotations

import json
import time

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
        # Both stamp with the server's time now (each learnt its offset at the sync), past
        # what they received: no change from either runs a year off any more.
        with behind.read() as cur:
            hlcs = [Timestamp.decode(r[0]) for r in cur.execute(
                "SELECT hlc FROM change_log WHERE row_id = ? ORDER BY seq", (hid,))]
        assert hlcs[-1] > hlcs[-2] and abs(hlcs[-1].wall_ms - time.time() * 1000) < 60_000
        assert abs(behind.clock_offset_ms - YEAR_MS) < 60_000
        assert abs(ahead.clock_offset_ms + YEAR_MS) < 60_000

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


def _rows(store: Store, hid: str) -> tuple:
    with store.read() as cur:
        return (cur.execute("SELECT phone, address, head_name FROM household WHERE id = ?",
                            (hid,)).fetchone()[:],
                sorted(r[0] for r in cur.execute(
                    "SELECT name FROM member WHERE household_id = ? AND NOT deleted", (hid,))))


def _office_and_laptop(server, tmp_path) -> tuple:
    """Two laptops of one supervisor account, synced, sharing one household."""
    server.add_user("team", "supervisor", ["140215"], PASSWORD)
    office, laptop = Store.open(tmp_path / "office"), Store.open(tmp_path / "laptop")
    add_village(office)
    [hid] = add_households(office, 1)
    acc_office = login(office, server.url, "team", PASSWORD).account
    acc_laptop = login(laptop, server.url, "team", PASSWORD).account
    sync_once(office, acc_office)
    sync_once(laptop, acc_laptop)
    return office, laptop, hid, acc_office, acc_laptop


def test_a_clock_that_jumps_a_year_ahead_offline_loses_nothing(tmp_path) -> None:
    from workteam_desktop.store.models import Member

    with start_server(tmp_path / "server") as server:
        office, laptop, hid, acc_office, acc_laptop = _office_and_laptop(server, tmp_path)

        # The laptop's clock battery dies: its date jumps a year ahead; a week of work offline.
        _skew(laptop, YEAR_MS)
        with laptop.write() as w:
            w.update(Household, hid, {"phone": "13700000001"})
        with laptop.write() as w:
            w.update(Household, hid, {"phone": "13700000002", "address": "西村"})
            w.insert(Member, [{"household_id": hid, "name": "张小"}])
        [new] = add_households(laptop, 1, start=7)
        report = sync_once(laptop, acc_laptop)
        assert report.rejected == 0 and report.restamped == 4  # 4 changes, each once
        assert abs(laptop.clock_offset_ms + YEAR_MS) < 60_000
        with laptop.read() as cur:
            assert cur.execute("SELECT count(*) FROM change_log WHERE origin = 'local' "
                               "AND pushed != 1").fetchone()[0] == 0
            newest = cur.execute("SELECT max(hlc) FROM change_log").fetchone()[0]
        assert Timestamp.decode(newest).wall_ms < time.time() * 1000 + 60_000
        sync_once(office, acc_office)
        assert _rows(office, hid) == _rows(laptop, hid) == (("13700000002", "西村", "户主0"), ["张小"])
        assert _value(office, new, "head_name") == "户主7"

        # The office edits afterwards: its edit is the later one everywhere (the laptop's
        # changes no longer carry a clock a year ahead that would win every field).
        with office.write() as w:
            w.update(Household, hid, {"phone": "13900000009"})
        sync_once(office, acc_office)
        sync_once(laptop, acc_laptop)
        assert _value(laptop, hid, "phone") == _value(office, hid, "phone") == "13900000009"
        assert synced_tables(office) == synced_tables(laptop)
        office.close()
        laptop.close()


def test_a_clock_a_year_behind_offline_loses_nothing(tmp_path) -> None:
    with start_server(tmp_path / "server") as server:
        office, laptop, hid, acc_office, acc_laptop = _office_and_laptop(server, tmp_path)
        _skew(laptop, -YEAR_MS)
        with laptop.write() as w:
            w.update(Household, hid, {"address": "北村"})
        report = sync_once(laptop, acc_laptop)
        assert report.rejected == 0 and report.restamped == 0
        sync_once(office, acc_office)
        assert _value(office, hid, "address") == "北村"
        # Having learnt the offset, the laptop stamps with the server's time: its next
        # edit, made after the office's, wins.
        with office.write() as w:
            w.update(Household, hid, {"address": "南村"})
        sync_once(office, acc_office)
        sync_once(laptop, acc_laptop)
        with laptop.write() as w:
            w.update(Household, hid, {"address": "东村"})
        sync_once(laptop, acc_laptop)
        sync_once(office, acc_office)
        assert _value(office, hid, "address") == _value(laptop, hid, "address") == "东村"
        assert synced_tables(office) == synced_tables(laptop)
        office.close()
        laptop.close()
