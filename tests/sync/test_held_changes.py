"""A change a laptop cannot apply (stored on the server before it checked every change, or
made by a newer program) is kept aside: the sync finishes, says so, and every later sync
goes on; an administrator's quarantine keeps new laptops from meeting it at all."""

from __future__ import annotations

import time

import orjson
import sqlalchemy as sa
from synclib import PASSWORD, add_households, add_village, synced_tables

from serverlib import RunningServer, wire_change
from workteam_desktop.domain.entities import Problem
from workteam_desktop.store import Store
from workteam_desktop.store.held import held, hold
from workteam_desktop.sync.account import login
from workteam_desktop.sync.session import sync_once


def _now(change: dict) -> dict:
    """The change stamped with the present time (wire_change's clocks are in 2023)."""
    return {**change, "hlc": f"{int(time.time() * 1000):012x}0000planted"}


def _plant(server: RunningServer, change: dict, area: str) -> int:
    """Store a change straight in the server's log, as a server before the checks did."""
    engine = sa.create_engine(server.database_url)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO change (id, entity, row_id, area_code, account, body) "
                             "VALUES (:i, :e, :r, :a, 'old', :b)"),
                     {"i": change["id"], "e": change["entity"], "r": change["row_id"], "a": area,
                      "b": orjson.dumps(change).decode()})
        seq = conn.execute(sa.text("SELECT seq FROM change WHERE id = :i"),
                           {"i": change["id"]}).scalar()
    engine.dispose()
    return seq


def test_a_change_the_laptop_cannot_apply_is_kept_aside_and_the_sync_goes_on(
        sqlite_server: RunningServer, tmp_path) -> None:
    server = sqlite_server
    server.add_user("sup", "supervisor", "140215", PASSWORD)
    office = Store.open(tmp_path / "office")
    add_village(office)
    [hid] = add_households(office, 1)
    sync_once(office, login(office, server.url, "sup", PASSWORD).account)
    evil = wire_change("household", hid, {"evil_field": 1})
    nested = wire_change("household", hid, {"phone": {"a": [1, 2]}})
    alien = wire_change("spaceship", "s1", {"name": "?"})
    for change in (evil, nested, alien):
        _plant(server, change, "140215100201")
    good = _now(wire_change("household", hid, {"phone": "13800000001"}))
    _plant(server, good, "140215100201")

    laptop = Store.open(tmp_path / "laptop")
    account = login(laptop, server.url, "sup", PASSWORD).account
    report = sync_once(laptop, account)
    assert report.held == 3
    assert {h["change_id"] for h in report.held_changes} == {evil["id"], nested["id"], alien["id"]}
    codes = {h.id: h.code for h in held(laptop)}
    assert codes == {evil["id"]: "unknown_field", nested["id"]: "bad_value",
                     alien["id"]: "unknown_entity"}
    with laptop.read() as cur:
        assert cur.execute("SELECT phone FROM household WHERE id = ?", (hid,)).fetchone()[0] \
            == "13800000001"
    # Every later sync goes on (before: every sync failed on this page, for good).
    office_edit = _now(wire_change("household", hid, {"address": "东村三组"}))
    _plant(server, office_edit, "140215100201")
    again = sync_once(laptop, account)
    assert again.held == 0 and len(again.held_changes) == 3
    with laptop.read() as cur:
        assert cur.execute("SELECT address FROM household WHERE id = ?", (hid,)).fetchone()[0] \
            == "东村三组"
    laptop.close()
    office.close()


def test_held_changes_apply_once_the_program_can(sqlite_server: RunningServer, tmp_path) -> None:
    """What an upgrade does: a held change the declarations now accept is merged at the
    next sync and leaves the list."""
    server = sqlite_server
    server.add_user("sup", "supervisor", "140215", PASSWORD)
    laptop = Store.open(tmp_path / "laptop")
    add_village(laptop)
    [hid] = add_households(laptop, 1)
    account = login(laptop, server.url, "sup", PASSWORD).account
    sync_once(laptop, account)
    from workteam_desktop.domain.changes import Change

    change = Change.from_json(orjson.dumps(_now(wire_change("household", hid, {"note": "升级后可用"}))))
    hold(laptop, [(change, Problem("unknown_field", "旧版本不认识"))], "bundle")
    assert len(held(laptop)) == 1
    report = sync_once(laptop, account)
    assert held(laptop) == [] and report.held_changes == []
    with laptop.read() as cur:
        assert cur.execute("SELECT note FROM household WHERE id = ?", (hid,)).fetchone()[0] \
            == "升级后可用"
    laptop.close()


def test_a_quarantined_change_never_reaches_a_new_laptop(sqlite_server: RunningServer,
                                                          tmp_path) -> None:
    server = sqlite_server
    server.add_user("sup", "supervisor", "140215", PASSWORD)
    office = Store.open(tmp_path / "office")
    add_village(office)
    [hid] = add_households(office, 2)[:1]
    account = login(office, server.url, "sup", PASSWORD).account
    sync_once(office, account)
    seq = _plant(server, wire_change("household", hid, {"evil_field": 1}), "140215100201")
    assert sync_once(office, account).held == 1
    done = server.cli("changes", "quarantine", str(seq), "--reason", "旧服务器存下的坏数据")
    assert done.returncode == 0, done.stderr
    fresh = Store.open(tmp_path / "fresh")
    report = sync_once(fresh, login(fresh, server.url, "sup", PASSWORD).account)
    assert report.held == 0 and report.held_changes == []
    assert synced_tables(fresh) == synced_tables(office)
    fresh.close()
    office.close()
