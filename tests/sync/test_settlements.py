"""A conflict settled on one laptop is settled on every laptop that queued it: the person's
decision syncs as a record (conflict_settlement), whichever arrives first."""

from __future__ import annotations

from synclib import PASSWORD, add_households, add_village, synced_tables

from serverlib import RunningServer
from workteam_desktop.store import Store
from workteam_desktop.store.conflicts import SETTLED_ELSEWHERE, list_conflicts, resolve
from workteam_desktop.store.models import Household
from workteam_desktop.sync.account import login
from workteam_desktop.sync.session import sync_once


def _open(store: Store) -> list:
    return [c for c in list_conflicts(store, include_resolved=True) if c.field == "address"]


def test_a_settlement_syncs_to_every_laptop_that_queued_the_conflict(
        sqlite_server: RunningServer, tmp_path) -> None:
    server = sqlite_server
    server.add_user("sup", "supervisor", "140215", PASSWORD)
    one, two, late = (Store.open(tmp_path / n) for n in ("one", "two", "late"))
    add_village(one)
    [hid] = add_households(one, 1)
    acc_one = login(one, server.url, "sup", PASSWORD).account
    acc_two = login(two, server.url, "sup", PASSWORD).account
    sync_once(one, acc_one)
    sync_once(two, acc_two)
    with one.write() as w:  # concurrent edits of one field, neither seeing the other
        w.update(Household, hid, {"address": "东村一组"})
    with two.write() as w:
        w.update(Household, hid, {"address": "东村二组"})
    for store, account in ((one, acc_one), (two, acc_two), (one, acc_one)):
        sync_once(store, account)
    [c_one], [c_two] = _open(one), _open(two)
    assert not c_one.resolved and not c_two.resolved

    resolve(one, c_one.id, "lost")  # the person restores the value the merge overwrote
    sync_once(one, acc_one)
    sync_once(two, acc_two)
    [settled] = _open(two)
    assert settled.resolved and settled.resolution == SETTLED_ELSEWHERE
    with one.read() as a, two.read() as b:
        q = "SELECT address FROM household WHERE id = ?"
        assert a.execute(q, (hid,)).fetchone()[0] == b.execute(q, (hid,)).fetchone()[0]

    # A laptop that receives everything at once (the conflict and its settlement in one
    # sync) never shows it as open.
    acc_late = login(late, server.url, "sup", PASSWORD).account
    sync_once(late, acc_late)
    assert all(c.resolved for c in _open(late))
    assert synced_tables(one) == synced_tables(two) == synced_tables(late)
    for s in (one, two, late):
        s.close()
