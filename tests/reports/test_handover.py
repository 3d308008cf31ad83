"""交接清单 (``workteam report handover``): read back with pdftotext, it shows the team's
households with masked ID numbers (full ones only with --full-id), the open urgent needs,
unfinished assistance and ten-deliveries actions, the rights left 悬空, and the signatures
of 交出人, 接收人 and 监交人; in a home set up with ``workteam setup`` and in the demo."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from report_helpers import pdf_pages, pdf_text

import dbfile
from workteam_desktop.cli.main import main
from workteam_desktop.domain import idnumber
from workteam_desktop.reports.styles import cn_date
from workteam_desktop.store import Store
from workteam_desktop.store.assistance import RecordInput, save_record
from workteam_desktop.store.deliveries import ActionInput, save_action
from workteam_desktop.store.team import CadreInput, end_cadre, resolve_team
from workteam_desktop.store.visits import UrgentNeedInput, VisitInput, add_visit

TODAY = dt.date.today()
MASKED = re.compile(r"\d{4}\*{10}[\dX]{4}")
FULL = re.compile(r"(?<![\d*])\d{17}[\dX](?![\d*])")
SECTIONS = ("一、交接概况", "二、未解决的急难愁盼", "三、未完成的帮扶措施", "四、待完成的十送行动",
            "五、悬空的权益事项", "六、农户清单", "七、说明", "八、交接签字")
VILLAGES = ("140226102208", "140226102209")


def cli(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--home", str(home), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def team_home(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """``workteam setup`` plus a roster, then a year's open work: an urgent need, an
    assistance measure in 张伟's charge, an action without outcome and one planned, a
    relocated household whose rights were never entered; 张伟 hands over to 刘强."""
    home = tmp_path / "home"
    assert main(["--home", str(home), "setup", "--county", "140226", "--villages",
                 ",".join(VILLAGES), "--team", "店湾工作队", "--cadre", "张伟:第一书记",
                 "--cadre", "李娜"]) == 0
    rows = ["所在村,户主姓名,身份证号,家庭人口,人均纯收入"]
    for i, name in enumerate(["王建国", "李秀英", "张桂兰", "刘玉梅"]):
        rows.append(f"{VILLAGES[i % 2]},{name},"
                    f"{idnumber.make('140226', dt.date(1960 + i, 3, 1 + i), 100 + i)},3,9000")
    roster = tmp_path / "roster.csv"
    roster.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert main(["--home", str(home), "import-roster", str(roster)]) == 0
    with Store.open(home) as store:
        with store.read() as cur:
            numbers = [r[0] for r in cur.execute("SELECT number FROM household ORDER BY number")]
        add_visit(store, VisitInput([numbers[0]], TODAY - dt.timedelta(days=40), "入户走访",
                                    visitors=["张伟"], urgent_needs=[
                                        UrgentNeedInput("屋顶漏雨需要维修", "housing")]))
        add_visit(store, VisitInput([numbers[1]], TODAY - dt.timedelta(days=20), "入户走访",
                                    visitors=["李娜"], urgent_needs=[
                                        UrgentNeedInput("已办好慢病卡", "medical",
                                                        status="resolved")]))
        save_record(store, RecordInput(numbers[1], "employment", "推荐到县城物流园务工",
                                       TODAY - dt.timedelta(days=10), cadre="张伟"))
        save_record(store, RecordInput(numbers[2], "industry", "黄花种植奖补", TODAY,
                                       amount=800, cadre="李娜", status="done"))
        save_action(store, ActionInput("jobs", TODAY - dt.timedelta(days=5), "春季招聘会",
                                       place="店湾村委会", households=[numbers[0]]))
        save_action(store, ActionInput("culture", TODAY + dt.timedelta(days=9), "元旦文艺演出",
                                       place="曹家沟村广场", households=[numbers[1]]))
        save_action(store, ActionInput("clean", TODAY - dt.timedelta(days=3), "清扫村道",
                                       outcome="清理垃圾2吨", households=[numbers[2]]))
        team = resolve_team(store)
        end_cadre(store, team.id, "张伟", TODAY, CadreInput("刘强"))
    assert main(["--home", str(home), "households", "set", numbers[3], "relocated=是"]) == 0
    capsys.readouterr()
    return home


def test_handover_lists_households_open_work_and_signatures(
        team_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "交接清单.pdf"
    code, said, err = cli(capsys, team_home, "report", "handover", "--cadre", "张伟",
                          "--out", str(out))
    assert code == 0, err
    assert "已生成驻村工作队交接清单" in said
    text = pdf_text(out)
    flat = re.sub(r"\s+", "", text)
    for heading in SECTIONS:
        assert heading in flat
    # Who hands over to whom, on the day 张伟 left (his rotation found by itself).
    assert "交出人：张伟（第一书记）" in flat and "接收人：刘强（第一书记）" in flat
    assert f"交接日期：{cn_date(TODAY)}" in flat
    for role in ("交出人", "接收人", "监交人"):
        assert role in flat
    # Households: all four, IDs masked, none in full.
    for name in ("王建国", "李秀英", "张桂兰", "刘玉梅"):
        assert name in flat
    assert len(MASKED.findall(text)) >= 4 and not FULL.findall(text)
    # Open work: the unresolved need (not the resolved one), the measure in 张伟's charge
    # (not the finished one), the action without outcome and the planned one (not the
    # finished one), and the relocated household's 25 rights never entered.
    assert "屋顶漏雨需要维修" in flat and "已办好慢病卡" not in flat
    assert "推荐到县城物流园务工" in flat and "张伟（交出人）" in flat
    assert "黄花种植奖补" not in flat
    assert "春季招聘会" in flat and "未填写成效" in flat
    assert "元旦文艺演出" in flat and "交接后安排" in flat
    assert "清扫村道" not in flat
    assert "全部25项权益" in flat and "未登记" in flat and "刘玉梅" in flat
    assert "个人敏感信息" not in flat.replace("含完整身份证号（个人敏感信息", "")


def test_full_id_numbers_only_with_full_id(team_home: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    with dbfile.connect(team_home / "workteam.sqlite3") as db:
        ids = {r[0] for r in db.execute("SELECT id_number FROM household WHERE deleted = 0")}
    masked, full = tmp_path / "masked.pdf", tmp_path / "full.pdf"
    assert cli(capsys, team_home, "report", "handover", "--cadre", "张伟", "--out",
               str(masked))[0] == 0
    assert cli(capsys, team_home, "report", "handover", "--cadre", "张伟", "--full-id",
               "--out", str(full))[0] == 0
    assert not ids & set(FULL.findall(pdf_text(masked)))
    assert ids <= set(FULL.findall(pdf_text(full)))
    for page in pdf_pages(full):
        assert "含个人敏感信息" in page


def test_handover_in_the_demo_county(demo_copy: Path, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    db = dbfile.connect(demo_copy / "workteam.sqlite3")
    try:
        team_id, team, cadre = db.execute(
            "SELECT t.id, t.name, c.name FROM team t JOIN cadre c ON c.team_id = t.id "
            "WHERE c.role = 'first_secretary' ORDER BY t.name LIMIT 1").fetchone()
        households = db.execute(
            "SELECT count(*) FROM household h JOIN team_area ta ON ta.area_id = h.village_id "
            "WHERE ta.team_id = ? AND h.deleted = 0", (team_id,)).fetchone()[0]
        open_needs = db.execute(
            "SELECT text FROM urgent_need u JOIN household h ON h.id = u.household_id "
            "JOIN team_area ta ON ta.area_id = h.village_id WHERE ta.team_id = ? "
            "AND u.status != 'resolved' AND u.deleted = 0", (team_id,)).fetchall()
    finally:
        db.close()
    out = tmp_path / "demo.pdf"
    code, said, err = cli(capsys, demo_copy, "report", "handover", "--cadre", cadre,
                          "--out", str(out), "--json")
    assert code == 0, err
    assert f'"households": {households}' in said
    flat = re.sub(r"\s+", "", pdf_text(out))
    assert team in flat and f"六、农户清单（{households:,}户）" in flat
    for (need,) in open_needs:
        assert re.sub(r"\s+", "", need) in flat
    assert not FULL.findall(pdf_text(out))
