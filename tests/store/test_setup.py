"""A laptop set up for its county and team without a server (workteam setup)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workteam_desktop.cli import main as cli_main
from workteam_desktop.domain.areas import area_id
from workteam_desktop.domain.problems import DomainError
from workteam_desktop.domain.team_setup import plan_setup
from workteam_desktop.store import Store, sync_state
from workteam_desktop.store.setup import (
    COUNTY,
    PROVISIONAL_TEAM,
    TEAM_ID,
    add_local_village,
    home_team,
    set_up_home,
    villages_here,
)

COUNTY_CODE = "140226"  # 左云县
CAOJIAGOU, DIANWAN = "140226102208", "140226102209"  # 店湾镇: 曹家沟村, 店湾村
TEAM = "县财政局驻店湾镇工作队"


def _rows(store: Store, sql: str) -> list[tuple]:
    with store.read() as cur:
        return [tuple(r) for r in cur.execute(sql)]


def test_setup_writes_the_county_its_villages_the_team_and_its_cadres(store: Store) -> None:
    plan = plan_setup("左云县", [CAOJIAGOU, "店湾村"], TEAM, "左云县财政局",
                      ["张伟:第一书记", "李娜"])
    result = set_up_home(store, plan)
    assert _rows(store, "SELECT code, name, level FROM area ORDER BY code") == [
        ("140226000000", "左云县", "county"), ("140226102000", "店湾镇", "township"),
        (CAOJIAGOU, "曹家沟村", "village"), (DIANWAN, "店湾村", "village")]
    assert all(r[0] == area_id(r[1]) for r in _rows(store, "SELECT id, code FROM area"))
    team = home_team(store)
    assert team is not None and team.team_name == TEAM and team.provisional
    assert [code for code, _ in team.villages] == [CAOJIAGOU, DIANWAN]
    assert _rows(store, "SELECT name, role, team_id IS NOT NULL FROM cadre ORDER BY name") == [
        ("张伟", "first_secretary", 1), ("李娜", "member", 1)]
    state = sync_state.read_all(store)
    assert state[COUNTY] == "140226000000" and state[TEAM_ID] == state[PROVISIONAL_TEAM] == result.team_id
    # Every row is logged for sending: the areas by the changes every replica makes for them.
    assert _rows(store, "SELECT count(*) FROM change_log WHERE origin = 'local' AND pushed = 0")[0][0] \
        == 4 + 1 + 2 + 2


def test_a_second_setup_adds_only_when_asked_and_never_another_county(store: Store) -> None:
    set_up_home(store, plan_setup(COUNTY_CODE, [CAOJIAGOU], TEAM))
    before = _rows(store, "SELECT count(*) FROM change_log")
    with pytest.raises(DomainError, match="没有需要更改"):
        set_up_home(store, plan_setup(COUNTY_CODE, [CAOJIAGOU], TEAM))
    with pytest.raises(DomainError, match="请加 --add"):
        set_up_home(store, plan_setup(COUNTY_CODE, [CAOJIAGOU, DIANWAN], TEAM))
    with pytest.raises(DomainError, match="不能再设置为天镇县"):
        set_up_home(store, plan_setup("140222", ["140222206201"], TEAM))
    with pytest.raises(DomainError, match="不能再设置为“别的队”"):
        set_up_home(store, plan_setup(COUNTY_CODE, [DIANWAN], "别的队"))
    assert _rows(store, "SELECT count(*) FROM change_log") == before  # nothing written
    result = set_up_home(store, plan_setup(COUNTY_CODE, [DIANWAN], TEAM, cadres=["王五:第一书记"]),
                         add=True)
    assert result.villages_added == ("店湾村",) and result.cadres_added == ("王五",)
    with pytest.raises(DomainError, match="只能有一名在岗的第一书记"):
        set_up_home(store, plan_setup(COUNTY_CODE, [DIANWAN], TEAM, cadres=["赵六:第一书记"]),
                    add=True)


def test_bad_plans_say_what_to_fix() -> None:
    with pytest.raises(DomainError, match="没有行政区划代码或名称为“999999”的县"):
        plan_setup("999999", [CAOJIAGOU], TEAM)
    with pytest.raises(DomainError, match=r"代码140222206201（.*赵家沟乡杨家庄村委会）不在左云县内"):
        plan_setup(COUNTY_CODE, ["140222206201"], TEAM)
    with pytest.raises(DomainError, match=r"可以是几个村.*鹊儿山镇.*店湾镇"):
        plan_setup(COUNTY_CODE, ["曹家沟村"], TEAM)
    assert plan_setup(COUNTY_CODE, ["店湾镇曹家沟村"], TEAM).villages[0].code == CAOJIAGOU
    with pytest.raises(DomainError, match="一名在岗的第一书记"):
        plan_setup(COUNTY_CODE, [CAOJIAGOU], TEAM, cadres=["甲:第一书记", "乙:第一书记"])
    with pytest.raises(DomainError, match="不是有效的职务"):
        plan_setup(COUNTY_CODE, [CAOJIAGOU], TEAM, cadres=["甲:村长"])


def test_a_demo_home_is_never_set_up_as_a_real_county(tmp_path: Path) -> None:
    from workteam_desktop.demo import generate

    with Store.open(tmp_path) as store:
        generate(store, households=5)
        with pytest.raises(DomainError, match="演示数据"):
            set_up_home(store, plan_setup(COUNTY_CODE, [CAOJIAGOU], TEAM))


def test_a_village_missing_from_the_divisions_gets_the_same_local_code_everywhere(
        tmp_path: Path) -> None:
    from workteam_desktop.domain import divisions as dv

    township = dv.shipped().get("140222206")  # 天镇县赵家沟乡: 于家窑村 is not in the 2023 edition
    assert township is not None
    codes = []
    for name in ("a", "b"):
        with Store.open(tmp_path / name) as store:
            village = add_local_village(store, township, "于家窑村")
            assert add_local_village(store, township, "于家窑") == village  # the same village
            codes.append((village.code, area_id(village.code)))
            plan = plan_setup("天镇县", ["于家窑村", "杨家庄村"], TEAM,
                              extra=[village])
            set_up_home(store, plan)
            [here] = [v for v in villages_here(store) if v.local]
            assert (here.name, here.township, here.team) == ("于家窑村", "赵家沟乡", TEAM)
    assert codes[0] == codes[1] and 600 <= int(codes[0][0][9:]) <= 999


def _cli(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = cli_main.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_setup_and_its_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    for argv, words in (
            (["--county", "999999", "--villages", CAOJIAGOU], "没有行政区划代码或名称为“999999”"),
            (["--county", COUNTY_CODE, "--villages", "140222206201"], "不在左云县内"),
            (["--county", COUNTY_CODE, "--villages", "曹家沟"], "可以是几个村"),
            (["--county", COUNTY_CODE, "--villages", CAOJIAGOU, "--cadre", "甲:第一书记",
              "--cadre", "乙:第一书记"], "第一书记")):
        code, _out, err = _cli(capsys, "setup", "--home", home, "--team", TEAM, *argv)
        assert code == 1 and err.count("\n") == 1 and words in err, err
        assert not home.exists()  # a refused set-up creates nothing
    code, out, err = _cli(capsys, "setup", "--home", home, "--county", "左云县", "--villages",
                          f"{CAOJIAGOU},店湾村", "--team", TEAM, "--cadre", "张伟:第一书记", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["county"] == "140226000000"
    assert [v["name"] for v in data["villages"]] == ["曹家沟村", "店湾村"]
    code, _out, err = _cli(capsys, "setup", "--home", home, "--county", "天镇县", "--villages",
                           "140222206201", "--team", TEAM)
    assert code == 1 and "本机已设置为左云县的数据" in err
    code, out, _err = _cli(capsys, "areas", "list", "--home", home, "--json")
    assert [v["code"] for v in json.loads(out)] == [CAOJIAGOU, DIANWAN]
