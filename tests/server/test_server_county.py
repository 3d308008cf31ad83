"""A county set up on the server: init, work teams, accounts on a team, the admin API and
the scope of a team's own rows. Real subprocesses and a real server on both databases."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from serverlib import RunningServer, pull_all, wire_change
from workteam_desktop.domain import divisions as dv
from workteam_desktop.domain.areas import area_id
from workteam_desktop.domain.hlc import Timestamp, wall_ms

COUNTY = "140226"  # 左云县: 8 townships, 154 villages; 曹家沟村 in two townships
CAOJIAGOU, DIANWAN = "140226102208", "140226102209"  # 店湾镇
QUEERSHAN_CAOJIAGOU = "140226101208"  # 鹊儿山镇曹家沟村
PASSWORD = "long-password-1"


@pytest.fixture
def offline(tmp_path: Path, server_db: str | None) -> RunningServer:
    """A server home and database, not serving (the commands work on the database)."""
    return RunningServer(tmp_path / "server", server_db)


def ok(done) -> str:  # type: ignore[no-untyped-def]
    assert done.returncode == 0, done.stderr
    return done.stdout


def fails(done, text: str) -> None:  # type: ignore[no-untyped-def]
    assert done.returncode == 1, done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误：") and text in lines[0], done.stderr


def set_up_county(server: RunningServer) -> None:
    """The county, two teams (店湾镇 on two villages, 鹊儿山镇 on one) and a member of each."""
    ok(server.cli("init", "--county", COUNTY))
    ok(server.cli("teams", "add", "店湾工作队", "--unit", "县财政局", "--villages", f"{CAOJIAGOU},{DIANWAN}"))
    ok(server.cli("teams", "add", "鹊儿山工作队", "--villages", QUEERSHAN_CAOJIAGOU))
    ok(server.cli("users", "add", "wang", "--role", "member", "--team", "店湾工作队",
                  "--password-stdin", stdin=PASSWORD + "\n"))
    ok(server.cli("users", "add", "li", "--role", "member", "--team", "鹊儿山工作队",
                  "--password-stdin", stdin=PASSWORD + "\n"))


def test_init_creates_the_county_once_and_refuses_what_it_cannot(offline: RunningServer) -> None:
    out = ok(offline.cli("init", "--county", COUNTY))
    assert "左云县（140226）：8 个乡镇、154 个村（社区），新增地区 163 个" in out
    fails(offline.cli("init", "--county", COUNTY), "已经初始化过")
    fails(offline.cli("init", "--county", "999999"), "没有行政区划代码为“999999”的县")
    fails(offline.cli("init", "--county", "140226102"), "没有行政区划代码为“140226102”的县")
    # A village the 2023 edition lacks, added by name: the code every laptop computes too.
    out = ok(offline.cli("areas", "add-local", "于家窑村", "--township", "140226102"))
    local = dv.local_code("140226102", "于家窑村", {})
    assert local in out
    ok(offline.cli("areas", "add-local", "于家窑", "--township", "140226102"))  # the same village


def test_teams_and_member_accounts(offline: RunningServer) -> None:
    set_up_county(offline)
    teams = json.loads(ok(offline.cli("teams", "list", "--json")))
    assert [(t["name"], [v["code"] for v in t["villages"]]) for t in teams] == [
        ("店湾工作队", [CAOJIAGOU, DIANWAN]), ("鹊儿山工作队", [QUEERSHAN_CAOJIAGOU])]
    users = {u["name"]: u for u in json.loads(ok(offline.cli("users", "list", "--json")))}
    assert users["wang"]["team"] == "店湾工作队"
    # A member's scope: the team's villages and the team's own rows (area#team).
    scopes = users["wang"]["scopes"]
    assert CAOJIAGOU in scopes and DIANWAN in scopes
    [team_code] = [s for s in scopes if "#" in s]
    assert team_code.startswith("140226102#")
    assert users["li"]["scopes"] == [QUEERSHAN_CAOJIAGOU]  # one village covers its team's rows

    fails(offline.cli("users", "add", "zhao", "--role", "member", "--team", "不存在的队",
                      "--password-stdin", stdin=PASSWORD + "\n"), "没有名为“不存在的队”的工作队")
    fails(offline.cli("users", "add", "zhao", "--role", "supervisor", "--team", "店湾工作队",
                      "--password-stdin", stdin=PASSWORD + "\n"), "只有工作队员")
    fails(offline.cli("teams", "add", "店湾工作队", "--villages", CAOJIAGOU), "已存在")
    fails(offline.cli("teams", "add", "新队", "--villages", CAOJIAGOU), "已由工作队“店湾工作队”驻村")
    fails(offline.cli("teams", "add", "新队", "--villages", "140222206201"),
          "服务器上没有代码为“140222206201”的村")
    fails(offline.cli("teams", "add", "新队", "--villages", "140226102000"), "不是村或社区")
    assert "zhao" not in {u["name"] for u in json.loads(ok(offline.cli("users", "list", "--json")))}

    # A team's villages change: its members' scope follows at once.
    ok(offline.cli("teams", "set", "店湾工作队", "--villages", DIANWAN))
    users = {u["name"]: u for u in json.loads(ok(offline.cli("users", "list", "--json")))}
    assert CAOJIAGOU not in users["wang"]["scopes"] and DIANWAN in users["wang"]["scopes"]


def _client(server: RunningServer, name: str, device: str = "laptop-1") -> httpx.Client:
    token = server.login(name, PASSWORD, device)["access_token"]
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=60)


def test_a_member_gets_its_villages_and_writes_its_team_rows_only(server: RunningServer) -> None:
    set_up_county(server)
    login = server.login("wang", PASSWORD)
    assert login["user"]["team"]["name"] == "店湾工作队"
    assert [v["code"] for v in login["user"]["team"]["villages"]] == [CAOJIAGOU, DIANWAN]
    team_id = login["user"]["team"]["id"]
    li_team = server.login("li", PASSWORD)["user"]["team"]["id"]
    with _client(server, "wang") as wang, _client(server, "li") as li:
        changes, _ = pull_all(wang)
        areas = {c["fields"]["code"] for c in changes if c["entity"] == "area"}
        # The county and township above, the team's two villages; not the county's others.
        assert areas == {"140226000000", "140226102000", CAOJIAGOU, DIANWAN}
        assert all(c["row_id"] == area_id(c["fields"]["code"]) for c in changes if c["entity"] == "area")
        assert {c["row_id"] for c in changes if c["entity"] == "team"} == {team_id}
        # Its own team's cadre is accepted; a cadre for the other team is out of scope.
        ours = wire_change("cadre", "cadre-1",
                           {"name": "张伟", "role": "first_secretary", "team_id": team_id})
        theirs = wire_change("cadre", "cadre-2", {"name": "赵强", "role": "member", "team_id": li_team})
        household = wire_change("household", "h-1", {"number": "1", "head_name": "王一",
                                                      "village_id": area_id(CAOJIAGOU)})
        results = wang.post("/api/v1/changes/push", json={"changes": [ours, theirs, household]}).json()
        assert [r["status"] for r in results["results"]] == ["accepted", "rejected", "accepted"]
        assert results["results"][1]["code"] == "out_of_scope"
        # The other team's member sees none of it.
        seen, _ = pull_all(li)
        assert not {"cadre-1", "h-1"} & {c["row_id"] for c in seen}
        assert team_id not in {c["row_id"] for c in seen}


def test_admin_api_is_scoped_for_supervisors(server: RunningServer) -> None:
    set_up_county(server)
    ok(server.cli("users", "add", "chen", "--role", "supervisor", "--scope", "140226102",
                  "--password-stdin", stdin=PASSWORD + "\n"))
    ok(server.cli("users", "add", "boss", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n"))
    with _client(server, "chen") as chen, _client(server, "boss") as boss, \
            _client(server, "wang") as wang:
        # A supervisor of 店湾镇 sees its township's team and members only.
        assert [t["name"] for t in chen.get("/api/v1/admin/teams").json()] == ["店湾工作队"]
        assert [a["name"] for a in chen.get("/api/v1/admin/accounts").json()] == ["wang"]
        refused = chen.post("/api/v1/admin/accounts", json={
            "name": "liu", "role": "member", "password": PASSWORD, "team": "鹊儿山工作队"})
        assert refused.status_code == 404 and refused.json()["detail"]["code"] == "unknown_team"
        refused = chen.post("/api/v1/admin/accounts", json={
            "name": "liu", "role": "supervisor", "password": PASSWORD, "scopes": ["140226102"]})
        assert refused.status_code == 403
        assert "督导只能添加工作队员账号" in refused.json()["detail"]["message"]
        made = chen.post("/api/v1/admin/accounts", json={
            "name": "liu", "role": "member", "password": PASSWORD, "team": "店湾工作队"})
        assert made.status_code == 201 and made.json()["team"] == "店湾工作队"
        short = chen.post("/api/v1/admin/accounts", json={
            "name": "zhou", "role": "member", "password": "short", "team": "店湾工作队"})
        assert short.status_code == 400 and short.json()["detail"]["code"] == "weak_password"
        assert chen.patch("/api/v1/admin/accounts/li", json={"disabled": True}).status_code == 404
        assert chen.patch("/api/v1/admin/accounts/liu", json={"disabled": True}).json()["disabled"]
        assert chen.post("/api/v1/admin/teams", json={
            "name": "外乡队", "villages": [QUEERSHAN_CAOJIAGOU]}).status_code == 403
        # A member may not manage anything.
        assert wang.get("/api/v1/admin/accounts").status_code == 403
        # The administrator sees everything and moves a team.
        assert len(boss.get("/api/v1/admin/teams").json()) == 2
        moved = boss.patch("/api/v1/admin/teams/鹊儿山工作队", json={"villages": [QUEERSHAN_CAOJIAGOU,
                                                                              "140226101211"]})
        assert moved.status_code == 200 and len(moved.json()["villages"]) == 2
    # A disabled account cannot log in.
    assert httpx.post(f"{server.url}/api/v1/auth/login", json={
        "username": "liu", "password": PASSWORD}).status_code == 401


def test_users_list_shows_each_laptops_last_sync(server: RunningServer) -> None:
    set_up_county(server)
    with _client(server, "wang", "laptop-A") as a, _client(server, "wang", "laptop-B") as b:
        assert a.get("/api/v1/changes", params={"after": 0, "pending": 12}).status_code == 200
        assert b.get("/api/v1/changes", params={"after": 0}).status_code == 200  # no count: not a sync start
    [wang] = [u for u in json.loads(ok(server.cli("users", "list", "--json"))) if u["name"] == "wang"]
    assert [(d["device"], d["pending"]) for d in wang["devices"]] == [("laptop-A", 12)]
    assert wang["devices"][0]["last_sync"]
    listing = ok(server.cli("users", "list"))
    assert "电脑 laptop-A：最近同步" in listing and "待上传 12 条" in listing


def test_a_village_moved_to_another_team_leaves_the_old_teams_scope(server: RunningServer) -> None:
    set_up_county(server)
    ok(server.cli("users", "add", "boss", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n"))
    li_team = server.login("li", PASSWORD)["user"]["team"]["id"]
    with _client(server, "boss") as boss:
        changes, _ = pull_all(boss)
    [link] = [c["row_id"] for c in changes if c["entity"] == "team_area"
              and c["fields"].get("area_id") == area_id(DIANWAN)]
    # An administrator's laptop moves 店湾村's link from 店湾工作队 to 鹊儿山工作队 (a change made
    # now, so it wins over the server's earlier one).
    move = wire_change("team_area", link, {"team_id": li_team})
    move["hlc"] = Timestamp(wall_ms(), 0, "boss-laptop").encode()
    with _client(server, "boss") as boss:
        answer = boss.post("/api/v1/changes/push", json={"changes": [move]}).json()
    assert answer["results"][0]["status"] == "accepted"
    users = {u["name"]: u for u in json.loads(ok(server.cli("users", "list", "--json")))}
    assert DIANWAN not in users["wang"]["scopes"] and CAOJIAGOU in users["wang"]["scopes"]
    assert DIANWAN in users["li"]["scopes"]
