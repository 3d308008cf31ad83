"""``workteam cadres`` and ``workteam trainings`` as a team uses them after ``workteam setup``
and a roster, and in the demo county: bad input is one Chinese line on stderr, exit code 1,
and nothing written."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import run, run_json

import dbfile
from workteam_desktop.cli.main import main
from workteam_desktop.domain import idnumber

TODAY = dt.date.today()
VILLAGES = ("140226102208", "140226102209")
CJK = re.compile(r"[\u4e00-\u9fff]")


def fingerprint(home: Path) -> tuple:
    """What a refused command must leave as it was."""
    db = dbfile.connect(home / "workteam.sqlite3")
    try:
        return (db.execute("SELECT count(*), max(seq) FROM change_log").fetchone(),
                db.execute("SELECT * FROM cadre ORDER BY id").fetchall(),
                db.execute("SELECT * FROM training ORDER BY id").fetchall(),
                db.execute("SELECT * FROM training_participant ORDER BY id").fetchall())
    finally:
        db.close()


@pytest.fixture
def home(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A home set up by ``workteam setup`` (张伟 first secretary, 李娜) with an 8-household
    roster in which two heads are called 王建国."""
    home = tmp_path / "home"
    assert main(["--home", str(home), "setup", "--county", "140226", "--villages",
                 ",".join(VILLAGES), "--team", "店湾工作队", "--cadre", "张伟:第一书记",
                 "--cadre", "李娜"]) == 0
    names = ["王建国", "李秀英", "张桂兰", "刘玉梅", "陈志强", "杨洪亮", "赵春花", "王建国"]
    rows = ["所在村,户主姓名,身份证号,家庭人口,人均纯收入"]
    for i, name in enumerate(names):
        rows.append(f"{VILLAGES[i % 2]},{name},"
                    f"{idnumber.make('140226', dt.date(1960 + i, 3, 1 + i), 100 + i)},3,9000")
    roster = tmp_path / "roster.csv"
    roster.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert main(["--home", str(home), "import-roster", str(roster)]) == 0
    capsys.readouterr()
    return home


BAD = [
    (("cadres", "add", "王五", "--role", "第一书记"), "张伟"),
    (("cadres", "add", "王五", "--phone", "123"), "电话"),
    (("cadres", "add", "王五", "--role", "村长"), "职务"),
    (("cadres", "add", "王五", "--start", "2026-13-01"), "日期"),
    (("cadres", "add", "李娜"), "李娜"),
    (("cadres", "set", "李娜", "foo=1"), "foo"),
    (("cadres", "set", "李娜", "phone"), "字段=值"),
    (("cadres", "set", "李娜", "role=第一书记"), "张伟"),
    (("cadres", "set", "无此人", "phone=13912345678"), "无此人"),
    (("cadres", "end", "张伟", "--date", "2000-01-01"), "早于到岗日期"),
    (("cadres", "end", "张伟", "--date", TODAY.isoformat(), "--successor", "刘强",
      "--phone", "123"), "电话"),
    (("cadres", "end", "张伟", "--date", TODAY.isoformat(), "--successor", "李娜"), "李娜"),
    (("cadres", "end", "李娜", "--date", TODAY.isoformat(), "--role", "第一书记"), "--successor"),
    (("cadres", "end", "张伟"), "--date"),
    (("cadres", "list", "--team", "别的工作队"), "别的工作队"),
    (("trainings", "add", "--date", TODAY.isoformat(), "--topic", "电焊",
      "--participant", "王建国"), "1402**********"),
    (("trainings", "add", "--date", TODAY.isoformat(), "--topic", "电焊",
      "--participant", "没有这个人:电焊工证"), "没有这个人"),
    (("trainings", "add", "--date", TODAY.isoformat(), "--topic", "电焊", "--attendees", "1",
      "--participant", "李秀英", "--participant", "张桂兰"), "至少填2"),
    (("trainings", "add", "--date", TODAY.isoformat(), "--topic", "电焊", "--hours", "三"),
     "学时"),
    (("trainings", "add", "--date", TODAY.isoformat(), "--topic", "电焊", "--attendees", "x"),
     "整数"),
    (("trainings", "add", "--date", "昨天", "--topic", "电焊"), "日期"),
    (("trainings", "add", "--date", TODAY.isoformat(), "--topic", "  "), "培训主题"),
    (("trainings", "add", "--date", TODAY.isoformat()), "--topic"),
    (("report", "handover", "--cadre", "无此人", "--out", "/tmp/never-written.pdf"), "无此人"),
    (("report", "handover", "--out", "x.pdf"), "--cadre"),
]


@pytest.mark.parametrize(("args", "named"), BAD, ids=[" ".join(a[:3]) + f" #{i}"
                                                      for i, (a, _n) in enumerate(BAD)])
def test_bad_input_one_chinese_line_exit_1_nothing_written(
        home: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], named: str) -> None:
    before = fingerprint(home)
    code, out, err = run(capsys, home, *args)
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("workteam: ") and CJK.search(lines[0]), err
    assert named in lines[0]
    assert "Traceback" not in err and out == ""
    assert fingerprint(home) == before
    assert not Path("/tmp/never-written.pdf").exists()


def test_bad_input_as_a_real_process(home: Path) -> None:
    before = fingerprint(home)
    done = subprocess.run(
        [sys.executable, "-m", "workteam_desktop", "--home", str(home), "cadres", "add", "王五",
         "--role", "第一书记"], capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert done.stderr.strip() == ("workteam: 张伟是本工作队在岗的第一书记，一个工作队只能有一名"
                                   "在岗的第一书记；请先为张伟办理离岗或轮换")
    assert fingerprint(home) == before


def test_cadres_rotation_and_trainings_in_a_set_up_home(
        home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    added = run_json(capsys, home, "cadres", "add", "王五", "--role", "工作队长",
                     "--phone", "139 1234 5678", "--start", (TODAY - dt.timedelta(1)).isoformat())
    assert (added["role"], added["phone"], added["serving"]) == ("leader", "13912345678", True)
    changed = run_json(capsys, home, "cadres", "set", "王五", "电话=13800001111", "unit=县农业局")
    assert changed["changed"] == {"phone": "13800001111", "unit": "县农业局"}

    rotated = run_json(capsys, home, "cadres", "end", "张伟", "--date", TODAY.isoformat(),
                       "--successor", "刘强")
    assert rotated["ended"]["name"] == "张伟"
    assert rotated["successor"]["role"] == "first_secretary"  # the leaver's role by default
    serving = run_json(capsys, home, "cadres", "list")
    assert serving[0]["name"] == "刘强"
    assert "张伟" not in {c["name"] for c in serving}
    everyone = run_json(capsys, home, "cadres", "list", "--all")
    [zhang] = [c for c in everyone if c["name"] == "张伟"]
    assert zhang["ended_on"] == TODAY.isoformat() and zhang["serving"] is False
    code, out, _err = run(capsys, home, "cadres", "list", "--all")
    assert code == 0 and "已离岗" in out and "张伟" in out

    with dbfile.connect(home / "workteam.sqlite3") as db:
        tail = db.execute("SELECT id_number FROM member WHERE name = '王建国' "
                          "ORDER BY id_number").fetchone()[0][-4:]
    training = run_json(capsys, home, "trainings", "add", "--date", TODAY.isoformat(),
                        "--topic", "电焊工技能培训", "--trainer", "县人社局", "--hours", "16",
                        "--participant", f"{tail}:电焊工证", "--participant", "李秀英")
    assert training["attendees"] == 2 and training["certificates"] == 1
    assert {p["name"] for p in training["participants"]} == {"王建国", "李秀英"}
    listed = run_json(capsys, home, "trainings", "list", "--from", TODAY.isoformat())
    assert [(t["title"], t["participants"], t["certificates"]) for t in listed] == [
        ("电焊工技能培训", 2, 1)]
    code, out, _err = run(capsys, home, "trainings", "list")
    assert code == 0 and "共 1 次培训（店湾工作队）" in out


def test_demo_county_needs_a_team_to_write(demo_home: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, demo_home, "cadres", "add", "王五")
    assert code == 1 and "--team" in err and "工作队" in err
    teams = dbfile.connect(demo_home / "workteam.sqlite3").execute(
        "SELECT name FROM team ORDER BY name").fetchall()
    team = teams[0][0]
    added = run_json(capsys, demo_home, "cadres", "add", "王五", "--team", team)
    assert added["name"] == "王五"
    listed = run_json(capsys, demo_home, "trainings", "list", "--limit", "5")
    assert len(listed) == 5 and len({t["team_name"] for t in listed}) > 1  # every team's
