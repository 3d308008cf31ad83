"""A supervisor's merge of duplicate households from two villages reaches both teams: the
kept household's team receives the moved members with their history; the other team sees
its household merged away and is never stuck (a member now under a household it does not
hold waits, the sync goes on)."""

from __future__ import annotations

from synclib import PASSWORD

from serverlib import RunningServer
from workteam_desktop.store import Store
from workteam_desktop.store.duplicates import merge_households
from workteam_desktop.store.models import Area, Household, Member
from workteam_desktop.sync.account import login
from workteam_desktop.sync.session import sync_once

TOWN, V1, V2 = "140215100000", "140215100201", "140215100202"


def _names(store: Store, household: str) -> list[str]:
    with store.read() as cur:
        return sorted(r[0] for r in cur.execute(
            "SELECT name FROM member WHERE household_id = ? AND NOT deleted", (household,)))


def test_a_merge_across_villages_reaches_both_teams(sqlite_server: RunningServer, tmp_path) -> None:
    server = sqlite_server
    server.add_user("sup", "supervisor", "140215100", PASSWORD)
    server.add_user("a", "member", V1, PASSWORD)
    server.add_user("b", "member", V2, PASSWORD)
    sup = Store.open(tmp_path / "sup")
    with sup.write() as w:
        [town] = w.insert(Area, [{"code": TOWN, "name": "城关镇", "level": "township"}])
        v1, v2 = w.insert(Area, [{"code": V1, "name": "东村", "level": "village", "parent_id": town},
                                 {"code": V2, "name": "西村", "level": "village", "parent_id": town}])
    acc_sup = login(sup, server.url, "sup", PASSWORD).account
    sync_once(sup, acc_sup)
    team_a, team_b = Store.open(tmp_path / "a"), Store.open(tmp_path / "b")
    acc_a = login(team_a, server.url, "a", PASSWORD).account
    acc_b = login(team_b, server.url, "b", PASSWORD).account
    sync_once(team_a, acc_a)
    sync_once(team_b, acc_b)
    with team_a.write() as w:
        [x] = w.insert(Household, [{"number": "A1", "head_name": "王五", "village_id": v1}])
        w.insert(Member, [{"household_id": x, "name": "王五"}, {"household_id": x, "name": "王小"}])
    with team_b.write() as w:
        [y] = w.insert(Household, [{"number": "B1", "head_name": "王五", "village_id": v2}])
        w.insert(Member, [{"household_id": y, "name": "李梅"}])
    for store, account in ((team_a, acc_a), (team_b, acc_b), (sup, acc_sup)):
        sync_once(store, account)

    merge_households(sup, kept=y, merged=x)
    report = sync_once(sup, acc_sup)
    assert report.rejected == 0, report.rejections
    assert _names(sup, y) == ["李梅", "王五", "王小"]

    got_b = sync_once(team_b, acc_b)
    assert got_b.held == 0
    assert _names(team_b, y) == ["李梅", "王五", "王小"]  # the moved members, with history
    got_a = sync_once(team_a, acc_a)
    assert got_a.held == 0
    with team_a.read() as cur:
        assert cur.execute("SELECT deleted FROM household WHERE id = ?", (x,)).fetchone()[0] == 1
    # Its members now point at a household team A does not hold: the field waits.
    assert _names(team_a, x) == ["王五", "王小"]
    with team_a.read() as cur:
        assert cur.execute("SELECT count(*) FROM pending_field").fetchone()[0] == 2
    # Both keep syncing: team A edits something else and it arrives.
    with team_a.write() as w:
        [z] = w.insert(Household, [{"number": "A2", "head_name": "赵六", "village_id": v1}])
    sync_once(team_a, acc_a)
    sync_once(sup, acc_sup)
    with sup.read() as cur:
        assert cur.execute("SELECT head_name FROM household WHERE id = ?", (z,)).fetchone()[0] == "赵六"
    for s in (sup, team_a, team_b):
        s.close()
