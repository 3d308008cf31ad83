"""A hostile member of another team against push: every change is checked against the
declarations (domain/entities.py), its clock against the server's, its links against the
pusher's scope; what is stored is exactly what every laptop can apply. Each reproduction of
the review that found the holes is here, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import time

import orjson
import sqlalchemy as sa

from serverlib import RunningServer, area_changes, household_changes, pull_all, push, wire_change

PASSWORD = "hostile-pass-1"


def _setup(server: RunningServer) -> None:
    server.add_user("root", "admin", "", PASSWORD)
    server.add_user("a", "member", "140215101201", PASSWORD)  # village1
    server.add_user("b", "member", "140215101202", PASSWORD)  # village2
    with server.client("root", PASSWORD) as root:
        push(root, area_changes())
    with server.client("a", PASSWORD) as a:
        push(a, household_changes("ha", "village1"))
    with server.client("b", PASSWORD) as b:
        push(b, household_changes("hb", "village2"))


def _answers(results: list[dict]) -> list[tuple[str, str | None]]:
    return [(r["status"], r.get("code")) for r in results]


def test_changes_a_laptop_could_not_apply_are_refused_one_by_one(server: RunningServer) -> None:
    _setup(server)
    ok = wire_change("household", "ha", {"phone": "13800000000"})
    evil_field = wire_change("household", "ha", {"evil_field": 1})
    upper = dict(wire_change("household", "ha", {"phone": "1"}))
    upper["hlc"] = upper["hlc"].upper()
    hex_prefix = dict(wire_change("household", "ha", {"phone": "2"}))
    hex_prefix["hlc"] = "0x" + hex_prefix["hlc"][2:]
    nested = wire_change("household", "ha", {"phone": {"a": [1, 2]}})
    big_int = wire_change("income", "ha-i", {"household_id": "ha", "year": 2 ** 53 + 1})
    float_year = wire_change("income", "ha-i2", {"household_id": "ha", "year": 2026.5})
    bad_date = wire_change("household", "ha", {"monitoring_since": "2026-13-45"})
    too_long = wire_change("household", "ha", {"note": "长" * 10_001})
    nul_text = wire_change("household", "ha", {"address": "东村\u0000"})
    nul_id = dict(wire_change("household", "ha", {"phone": "3"}), row_id="ha\u0000")
    null_required = wire_change("household", "ha", {"head_name": None})
    no_user = {k: v for k, v in wire_change("household", "ha", {"phone": "4"}).items() if k != "user"}
    batch = [ok, evil_field, upper, hex_prefix, nested, big_int, float_year, bad_date, too_long,
             nul_text, nul_id, null_required, no_user]
    with server.client("a", PASSWORD) as a:
        results = push(a, batch)
    assert _answers(results) == [
        ("accepted", None), ("rejected", "unknown_field"), ("rejected", "bad_hlc"),
        ("rejected", "bad_hlc"), ("rejected", "bad_value"), ("rejected", "bad_value"),
        ("rejected", "bad_value"), ("rejected", "bad_value"), ("rejected", "too_long"),
        ("rejected", "bad_value"), ("rejected", "bad_change"), ("rejected", "bad_value"),
        ("accepted", None)]
    assert all(r["reason"] and "Traceback" not in r["reason"] for r in results
               if r["status"] == "rejected")
    assert "evil_field" in results[1]["reason"]


def test_a_far_future_clock_is_refused_with_the_server_time(server: RunningServer) -> None:
    _setup(server)
    future = dict(wire_change("household", "ha", {"phone": "5"}))
    future["hlc"] = "ffffffffffffffff" + "eeee"
    a_day_ahead = dict(wire_change("household", "ha", {"phone": "6"}))
    ms = int(time.time() * 1000) + 86_400_000
    a_day_ahead["hlc"] = f"{ms:012x}0000laptop"
    now_ok = dict(wire_change("household", "ha", {"phone": "7"}))
    now_ok["hlc"] = f"{int(time.time() * 1000):012x}0000laptop"
    with server.client("a", PASSWORD) as a:
        answer = a.post("/api/v1/changes/push", json={"changes": [future, a_day_ahead, now_ok]})
    assert answer.status_code == 200
    body = answer.json()
    assert _answers(body["results"]) == [("rejected", "clock_skew"), ("rejected", "clock_skew"),
                                         ("accepted", None)]
    assert "1 天" in body["results"][1]["reason"] or "24 小时" in body["results"][1]["reason"]
    assert abs(body["now"] - time.time() * 1000) < 60_000


def test_who_wrote_a_change_comes_from_the_token(server: RunningServer) -> None:
    _setup(server)
    forged = wire_change("household", "ha", {"phone": "8"}, device="laptopofb", user="b")
    with server.client("a", PASSWORD) as a:
        assert _answers(push(a, [forged])) == [("accepted", None)]
        mine = [c for c in pull_all(a)[0] if c["id"] == forged["id"]]
    assert mine and mine[0]["user"] == "a" and mine[0]["device"] == "test-device"


def test_links_into_another_teams_rows_and_to_refused_parents(server: RunningServer) -> None:
    _setup(server)
    visit = wire_change("visit", "va", {"visit_date": "2026-12-01", "purpose": "走访",
                                        "village_id": "village1"})
    cross = wire_change("visit_household", "vh", {"visit_id": "va", "household_id": "hb"})
    cross_need = wire_change("urgent_need", "un", {"household_id": "ha", "visit_id": "vb-unknown",
                                                   "text": "修房", "raised_on": "2026-12-01"})
    with server.client("a", PASSWORD) as a:
        assert _answers(push(a, [visit, cross, cross_need])) == [
            ("accepted", None), ("rejected", "parent_out_of_scope"), ("rejected", "parent_unknown")]
    # A supervisor's team refused (read-only for members)… its village link refused with it.
    team = wire_change("team", "t9", {"name": "假队"})
    link = wire_change("team_area", "ta9", {"team_id": "t9", "area_id": "village1"})
    with server.client("a", PASSWORD) as a:
        results = push(a, [team, link])
    assert _answers(results) == [("rejected", "read_only"), ("rejected", "read_only")]
    server.add_user("sup", "supervisor", "140215101", PASSWORD)
    far_team = wire_change("team", "t10", {"name": "外县队"})
    far_link = wire_change("team_area", "ta10", {"team_id": "t10", "area_id": "village_b"})
    near_link = wire_change("team_area", "ta11", {"team_id": "t10", "area_id": "village1"})
    with server.client("sup", PASSWORD) as sup:
        results = push(sup, [far_team, far_link, near_link])
    # The team is placed by its villages (here: another county): refused; the village link
    # inside the supervisor's township must not be stored pointing at it.
    assert results[0]["status"] == "rejected"
    assert results[2] == {**results[2], "status": "rejected", "code": "parent_refused"}


def test_quarantine_takes_a_stored_change_out_of_every_pull(server: RunningServer) -> None:
    """A change stored before the checks existed (written here straight into the database)
    is taken out of the pull stream by an administrator, kept, and audited."""
    _setup(server)
    bad = wire_change("household", "ha", {"evil_field": 1})
    engine = sa.create_engine(server.database_url)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO change (id, entity, row_id, area_code, account, body) "
                             "VALUES (:i, 'household', 'ha', '140215101201', 'a', :b)"),
                     {"i": bad["id"], "b": orjson.dumps(bad).decode()})
        seq = conn.execute(sa.text("SELECT seq FROM change WHERE id = :i"), {"i": bad["id"]}).scalar()
    engine.dispose()
    shown = server.cli("changes", "show", str(seq))
    assert shown.returncode == 0 and "evil_field" in shown.stdout
    with server.client("a", PASSWORD) as a:
        assert bad["id"] in {c["id"] for c in pull_all(a)[0]}
    done = server.cli("changes", "quarantine", str(seq), "--reason", "未知字段，笔记本无法应用")
    assert done.returncode == 0, done.stderr
    assert "已隔离 1 条变更" in done.stdout
    with server.client("a", PASSWORD) as a:
        assert bad["id"] not in {c["id"] for c in pull_all(a)[0]}
    listed = server.cli("changes", "quarantined", "--json")
    [entry] = orjson.loads(listed.stdout)
    assert entry["seq"] == seq and entry["reason"] == "未知字段，笔记本无法应用"
    audit = server.cli("audit", "--action", "change_quarantined", "--json")
    assert str(seq) in audit.stdout
    again = server.cli("changes", "quarantine", str(seq), "--reason", "再次")
    assert again.returncode == 1 and "没有这些序号" in again.stderr
    assert dt.date.today()  # the CLI answered in Chinese, one line


def test_a_supervisor_moves_a_row_and_its_history_follows(server: RunningServer) -> None:
    """A supervisor merges a household of village1 into one of village2: the member moves
    under the kept household. The team of village2 receives the member's whole history (and
    its photo's row); the team of village1 learns it left; a member may not do the same."""
    _setup(server)
    server.add_user("sup", "supervisor", "140215101", PASSWORD)  # township of both villages
    sha = "ab" * 32
    with server.client("a", PASSWORD) as a:
        member = wire_change("member", "ma", {"household_id": "ha", "name": "张三"})
        edit = wire_change("member", "ma", {"name": "张叁"})
        photo = wire_change("attachment", "pa", {"sha256": sha, "owner_entity": "member",
                                                 "owner_id": "ma", "filename": "户口.jpg"})
        assert _answers(push(a, [member, edit, photo])) == [("accepted", None)] * 3
        # A member of village1 may not move its row into village2.
        sneaky = wire_change("member", "ma", {"household_id": "hb"})
        assert _answers(push(a, [sneaky])) == [("rejected", "area_change")]
    move = wire_change("member", "ma", {"household_id": "hb"})
    with server.client("sup", PASSWORD) as sup:
        assert _answers(push(sup, [move])) == [("accepted", None)]
        later = wire_change("member", "ma", {"name": "张三丰"})
        assert _answers(push(sup, [later])) == [("accepted", None)]
    with server.client("b", PASSWORD) as b:
        got = [c["id"] for c in pull_all(b)[0] if c["row_id"] in ("ma", "pa")]
    # village2 received the member's history in order, its photo, the move and what came after.
    assert got == [member["id"], edit["id"], photo["id"], move["id"], later["id"]]
    with server.client("a", PASSWORD) as a:
        seen = [c["id"] for c in pull_all(a)[0] if c["row_id"] in ("ma", "pa")]
    assert seen == [member["id"], edit["id"], photo["id"], move["id"]]  # then it left
