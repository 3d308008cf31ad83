"""Day one in a real county, end to end against a real server: the county's administrator
sets the server up, a member's new laptop signs in and imports the team's roster, teammates
and other teams receive what they should, and a laptop set up offline joins later.

Everything a cadre would type goes through the ``workteam`` command line; the server is a
real ``workteam-server`` process."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest

from serverlib import RunningServer, start_server
from workteam_desktop.cli import main as cli_main
from workteam_desktop.domain import idnumber
from workteam_desktop.domain.areas import area_id
from workteam_desktop.store import Store

COUNTY = "140226"  # 左云县 (大同市)
MUDAI, DIANWAN = "140226102207", "140226102209"  # 店湾镇: 木代村, 店湾村
OTHER_TEAM_VILLAGE = "140226101201"  # 鹊儿山镇鹊儿山村
PASSWORD = "county-pass-1"


@pytest.fixture
def county_server(tmp_path: Path) -> RunningServer:
    with start_server(tmp_path / "server") as server:
        for args in (("init", "--county", COUNTY),
                     ("teams", "add", "店湾镇工作队", "--unit", "左云县财政局", "--villages",
                      f"{MUDAI},{DIANWAN}"),
                     ("teams", "add", "鹊儿山工作队", "--villages", OTHER_TEAM_VILLAGE)):
            done = server.cli(*args)
            assert done.returncode == 0, done.stderr
        for name, team in (("wang", "店湾镇工作队"), ("zhang", "店湾镇工作队"), ("li", "鹊儿山工作队")):
            done = server.cli("users", "add", name, "--role", "member", "--team", team,
                              "--password-stdin", stdin=PASSWORD + "\n")
            assert done.returncode == 0, done.stderr
        done = server.cli("users", "add", "boss", "--role", "admin", "--password-stdin",
                          stdin=PASSWORD + "\n")
        assert done.returncode == 0, done.stderr
        yield server


def workteam(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *argv: object,
             stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = cli_main.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def sync(capsys, monkeypatch, home: Path) -> dict:  # type: ignore[no-untyped-def]
    code, out, err = workteam(capsys, monkeypatch, "sync", "--home", home, "--json")
    data = json.loads(out)
    assert code == 0 and data["rejected"] == 0, (err, data["rejection_groups"])
    return data


def login(capsys, monkeypatch, home: Path, server: RunningServer, user: str) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = workteam(capsys, monkeypatch, "login", "--home", home, "--server", server.url,
                               "--user", user, "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0, err


def roster(path: Path, villages: list[str], region: str = "140226") -> Path:
    """A hand-kept roster (one row per household) naming villages as people write them."""
    lines = ["所在村,户主姓名,身份证号,家庭人口,人均纯收入"]
    for i, village in enumerate(villages):
        ident = idnumber.make(region, dt.date(1960 + i, 3, 1 + i), i + 1)
        lines.append(f"{village},户主{path.stem}{i},{ident},3,\"8,{i}00\"")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def households(home: Path) -> dict[str, str]:
    with Store.open(home) as store, store.read() as cur:
        return dict(cur.execute("SELECT h.id, a.code FROM household h JOIN area a ON a.id = h.village_id "
                                "WHERE h.deleted = 0").fetchall())


def areas(home: Path) -> list[tuple[str, str]]:
    with Store.open(home) as store, store.read() as cur:
        return sorted((r[0], r[1]) for r in cur.execute("SELECT id, code FROM area WHERE deleted = 0"))


def test_a_county_starts_for_real(county_server: RunningServer, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    a, b, other, offline = (tmp_path / n for n in ("a", "b", "other", "offline"))

    # A member's new laptop: the county, its township and the team's two villages arrive.
    login(capsys, monkeypatch, a, county_server, "wang")
    first = sync(capsys, monkeypatch, a)
    assert first["pushed"] == 0
    assert [code for _, code in areas(a)] == sorted(["140226000000", "140226102000", MUDAI, DIANWAN])
    assert all(row_id == area_id(code) for row_id, code in areas(a))

    # The team's roster names its villages without suffixes; it imports and syncs cleanly.
    code, out, err = workteam(capsys, monkeypatch, "import-roster", "--home", a,
                              roster(tmp_path / "甲.csv", ["木代", "店湾", "木代村", "店湾镇店湾村"]))
    assert code == 0 and "新增4户" in out, err
    assert sync(capsys, monkeypatch, a)["pushed"] > 0
    imported = households(a)
    assert sorted(imported.values()) == sorted([MUDAI, DIANWAN, MUDAI, DIANWAN])

    # A teammate's laptop receives every household; another team's member none of them.
    login(capsys, monkeypatch, b, county_server, "zhang")
    sync(capsys, monkeypatch, b)
    assert households(b) == imported
    login(capsys, monkeypatch, other, county_server, "li")
    sync(capsys, monkeypatch, other)
    assert households(other) == {}
    assert [code for _, code in areas(other)] == sorted(["140226000000", "140226101000", OTHER_TEAM_VILLAGE])

    # A laptop set up offline for the same county (its own team name, its own roster) joins.
    code, _out, err = workteam(capsys, monkeypatch, "setup", "--home", offline, "--county", "左云县",
                               "--villages", "木代村,店湾村", "--team", "店湾镇驻村工作队",
                               "--cadre", "张伟:第一书记", "--cadre", "李娜")
    assert code == 0, err
    code, _out, err = workteam(capsys, monkeypatch, "import-roster", "--home", offline,
                               roster(tmp_path / "乙.csv", ["店湾", "木代"], region="140226"))
    assert code == 0, err
    login(capsys, monkeypatch, offline, county_server, "wang")
    joined = sync(capsys, monkeypatch, offline)
    assert joined["rejected"] == 0 and joined["duplicates"] == 4  # its county, township, villages
    with Store.open(offline) as store, store.read() as cur:
        # Its cadres now belong to the server's team; its own provisional team is gone.
        teams = dict(cur.execute("SELECT id, name FROM team WHERE deleted = 0").fetchall())
        assert list(teams.values()) == ["店湾镇工作队"]
        cadre_teams = {r[0] for r in cur.execute("SELECT team_id FROM cadre WHERE deleted = 0")}
        assert cadre_teams == set(teams)
    # Teammates get the offline laptop's households and cadres; the server has each area once.
    sync(capsys, monkeypatch, b)
    assert len(households(b)) == 6
    with Store.open(b) as store, store.read() as cur:
        assert sorted(r[0] for r in cur.execute("SELECT name FROM cadre")) == ["张伟", "李娜"]
    # The county sees each laptop of the member, when it last synced and nothing left unsent.
    listing = county_server.cli("users", "list", "--json")
    [wang] = [u for u in json.loads(listing.stdout) if u["name"] == "wang"]
    assert wang["team"] == "店湾镇工作队" and len(wang["devices"]) == 2
    assert all(d["last_sync"] and d["pending"] == 0 for d in wang["devices"])
    login(capsys, monkeypatch, tmp_path / "county", county_server, "boss")
    sync(capsys, monkeypatch, tmp_path / "county")
    county_areas = areas(tmp_path / "county")
    assert len(county_areas) == len({code for _, code in county_areas}) == 1 + 8 + 154
