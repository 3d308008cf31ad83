"""A team's cadres over time (驻村干部轮换): rotation keeps the visitor of past visits, one
first secretary at a time (the error names the one in post), dates in order, all or
nothing. In a home set up with ``workteam setup`` plus a roster, and in the demo county."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import dbfile
from workteam_desktop.cli.main import main
from workteam_desktop.domain import idnumber
from workteam_desktop.domain.problems import DomainError
from workteam_desktop.store import Store
from workteam_desktop.store import report_queries as rq
from workteam_desktop.store.assistance import list_cadres as assistance_cadres
from workteam_desktop.store.team import (
    CadreInput,
    add_cadre,
    end_cadre,
    find_cadre,
    list_cadres,
    parse_cadre_fields,
    resolve_team,
    update_cadre,
)
from workteam_desktop.store.visits import (
    VisitInput,
    add_visit,
    cadre_choices,
    cadres_by_ids,
    list_visits,
)

TODAY = dt.date.today()
VILLAGES = ("140226102208", "140226102209")  # 曹家沟村, 店湾村 of 左云县


def set_up_home(home: Path, heads: int = 6) -> Path:
    """``workteam setup`` for 店湾工作队 (张伟 first secretary, 李娜) and a roster."""
    assert main(["--home", str(home), "setup", "--county", "140226", "--villages",
                 ",".join(VILLAGES), "--team", "店湾工作队", "--unit", "左云县农业农村局",
                 "--cadre", "张伟:第一书记", "--cadre", "李娜"]) == 0
    names = ["王建国", "李秀英", "张桂兰", "刘玉梅", "陈志强", "杨洪亮", "赵春花", "王建国"]
    rows = ["所在村,户主姓名,身份证号,家庭人口,人均纯收入"]
    for i in range(heads):
        rows.append(f"{VILLAGES[i % 2]},{names[i % len(names)]},"
                    f"{idnumber.make('140226', dt.date(1960 + i, 3, 1 + i), 100 + i)},3,9000")
    roster = home.parent / f"{home.name}-roster.csv"
    roster.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert main(["--home", str(home), "import-roster", str(roster)]) == 0
    return home


def changes(home: Path) -> int:
    db = dbfile.connect(home / "workteam.sqlite3")
    try:
        return db.execute("SELECT count(*) FROM change_log").fetchone()[0]
    finally:
        db.close()


@pytest.fixture
def home(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    out = set_up_home(tmp_path / "home")
    capsys.readouterr()
    return out


def test_rotation_keeps_past_visits_visitor_and_offers_only_serving_cadres(home: Path) -> None:
    with Store.open(home) as store:
        team = resolve_team(store)
        with store.read() as cur:
            household = cur.execute("SELECT number FROM household ORDER BY number").fetchone()[0]
        visit_id = add_visit(store, VisitInput([household], TODAY - dt.timedelta(days=3),
                                               "入户走访", visitors=["张伟", "李娜"]))
        old = find_cadre(store, team.id, "张伟")

        rotation = end_cadre(store, team.id, "张伟", TODAY, CadreInput("刘强", phone="13912345678"))

        # The visit made before the rotation still names its visitor.
        [visit] = [v for v in list_visits(store, household=household) if v["id"] == visit_id]
        assert sorted(visit["visitors"]) == ["张伟", "李娜"]
        # 张伟 stays, with the date he left; 刘强 took over as first secretary that day.
        rows = {r.name: r for r in list_cadres(store, team.id)}
        assert rows["张伟"].ended_on == TODAY and not rows["张伟"].serving
        assert rows["刘强"].role == "first_secretary" and rows["刘强"].started_on == TODAY
        assert rows["刘强"].serving and rotation.successor_role == "first_secretary"
        assert [r.name for r in list_cadres(store, team.id)][-1] == "张伟"  # past ones last
        assert "张伟" not in {r.name for r in list_cadres(store, team.id, include_past=False)}
        # New visits and assistance records do not offer him; his old records keep him.
        assert "张伟" not in {c["name"] for c in cadre_choices(store, "", serving_only=True)}
        assert "张伟" not in {c["name"] for c in assistance_cadres(store, "", serving_only=True)}
        assert cadres_by_ids(store, [old.id], serving_only=True) == []
        assert [c["name"] for c in cadres_by_ids(store, [old.id])] == ["张伟"]
        assert {"刘强", "李娜"} <= {c["name"] for c in cadre_choices(store, "", serving_only=True)}
        # The wall chart lists the cadres in post.
        teams = rq.teams_and_cadres(store, rq.resolve_scope(store, None))
        assert {c["name"] for t in teams for c in t["cadres"]} == {"刘强", "李娜"}


def test_second_first_secretary_refused_naming_the_one_in_post(home: Path) -> None:
    before = changes(home)
    with Store.open(home) as store:
        team = resolve_team(store)
        with pytest.raises(DomainError) as added:
            add_cadre(store, team.id, CadreInput("王五", "第一书记"))
        with pytest.raises(DomainError) as promoted:
            update_cadre(store, team.id, "李娜", parse_cadre_fields({"职务": "第一书记"}))
    for refused in (added.value, promoted.value):
        assert refused.problem.code == "team.first_secretary_taken"
        assert "张伟" in refused.message() and refused.field_name == "role"
    assert changes(home) == before  # nothing written
    with Store.open(home) as store:
        team = resolve_team(store)
        # Once he has left, the post is free: a member may be made first secretary.
        end_cadre(store, team.id, "张伟", TODAY)
        update_cadre(store, team.id, "李娜", parse_cadre_fields({"role": "第一书记"}))
        assert find_cadre(store, team.id, "李娜").role == "first_secretary"


def test_end_before_start_refused_and_a_refused_rotation_writes_nothing(home: Path) -> None:
    with Store.open(home) as store:
        team = resolve_team(store)
        add_cadre(store, team.id, CadreInput("王五", "驻村工作队员", "", "",
                                             TODAY - dt.timedelta(days=30)))
    before = changes(home)
    with Store.open(home) as store:
        team = resolve_team(store)
        with pytest.raises(DomainError) as early:
            end_cadre(store, team.id, "王五", TODAY - dt.timedelta(days=31))
        assert early.value.problem.code == "cadre.ended_before_start"
        assert early.value.field_name == "ended_on"
        with pytest.raises(DomainError):
            update_cadre(store, team.id, "王五", parse_cadre_fields(
                {"started_on": TODAY.isoformat(), "ended_on": (TODAY - dt.timedelta(1)).isoformat()}))
        # The successor's bad phone refuses the whole rotation: 张伟 stays in post.
        with pytest.raises(DomainError) as phone:
            end_cadre(store, team.id, "张伟", TODAY, CadreInput("刘强", phone="12345"))
        assert phone.value.problem.code == "phone.invalid"
        assert phone.value.field_name == "successor_phone"
        assert find_cadre(store, team.id, "张伟").serving
        assert find_cadre(store, team.id, "王五").ended_on is None
    assert changes(home) == before


def test_cadre_fields_checked_as_elsewhere(home: Path) -> None:
    with Store.open(home) as store:
        team = resolve_team(store)
        with pytest.raises(DomainError) as bad_phone:
            add_cadre(store, team.id, CadreInput("王五", phone="1380000"))
        assert bad_phone.value.problem.code == "phone.invalid"
        with pytest.raises(DomainError) as twice:
            add_cadre(store, team.id, CadreInput("李娜"))
        assert twice.value.problem.code == "cadre.exists"
        with pytest.raises(DomainError) as role:
            add_cadre(store, team.id, CadreInput("王五", "村长"))
        assert role.value.problem.code == "choice.invalid"
        cadre_id = add_cadre(store, team.id, CadreInput("王五", "工作队长", "+86 139 1234 5678"))
        row = find_cadre(store, team.id, cadre_id)
        # Stored normalized; the unit defaults to the team's; the start to today.
        assert (row.phone, row.unit, row.started_on) == ("13912345678", "左云县农业农村局", TODAY)
        # Leaving next week (a planned rotation): in post until then, and only once.
        end_cadre(store, team.id, "王五", TODAY + dt.timedelta(days=7))
        assert find_cadre(store, team.id, "王五").serving
        with pytest.raises(DomainError) as again:
            end_cadre(store, team.id, "王五", TODAY + dt.timedelta(days=8))
        assert again.value.problem.code == "cadre.already_ended"


def test_rotation_in_the_demo_county(demo_copy) -> None:
    home = demo_copy()
    with Store.open(home) as store:
        with pytest.raises(DomainError) as several:
            resolve_team(store)  # three teams, none this laptop's
        assert several.value.problem.code == "team.choose"
        team = resolve_team(store, "大同市财政局驻西坪惠民安置社区工作队")
        [secretary] = [r for r in list_cadres(store, team.id) if r.role == "first_secretary"]
        assert secretary.started_on is None  # the demo's cadres have no dates
        end_cadre(store, team.id, secretary.name, TODAY - dt.timedelta(days=1), CadreInput("新书记"))
        rows = list_cadres(store, team.id)
        assert rows[0].name == "新书记" and rows[0].role == "first_secretary"
        assert rows[-1].name == secretary.name and not rows[-1].serving
        # A member may not become a second one.
        member = next(r for r in rows if r.role == "member")
        with pytest.raises(DomainError, match="新书记"):
            update_cadre(store, team.id, member.id, {"role": "first_secretary"})
