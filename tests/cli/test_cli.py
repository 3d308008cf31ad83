"""The `workteam` command line on a demo county, as a script or a supervisor uses it."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import run, run_json

import dbfile
from workteam_desktop import __version__
from workteam_desktop.cli.main import main
from workteam_desktop.domain import idnumber, rules

MASKED = re.compile(r"^\d{4}\*{10}[\dX]{4}$")


def fingerprint(home: Path) -> tuple:
    """What a failed command must leave unchanged: the change log and the households."""
    db = dbfile.connect(home / "workteam.sqlite3")
    try:
        return (db.execute("SELECT count(*), max(seq) FROM change_log").fetchone(),
                db.execute("SELECT * FROM household ORDER BY id").fetchall(),
                db.execute("SELECT count(*) FROM visit").fetchone())
    finally:
        db.close()


def one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_version_as_a_real_process() -> None:
    done = subprocess.run([sys.executable, "-m", "workteam_desktop", "--version"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert done.stdout.strip() == f"workteam {__version__}"


def test_bad_input_exits_1_as_a_real_process(demo_home: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "workteam_desktop", "households", "show", "不存在的户",
         "--home", str(demo_home)], capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert one_line_error(done.stderr) == "workteam: 找不到农户“不存在的户”"
    assert done.stdout == ""


def test_list_json_has_the_documented_fields(capsys, demo_home: Path) -> None:
    rows = run_json(capsys, demo_home, "households", "list")
    assert len(rows) == 600
    db = dbfile.connect(demo_home / "workteam.sqlite3")
    full_ids = {r[0] for r in db.execute("SELECT id_number FROM household")}
    villages = {r[0]: r[1] for r in db.execute(
        "SELECT code, name FROM area WHERE level IN ('village', 'community')")}
    db.close()
    for row in rows:
        assert {"id", "number", "head_name", "village", "village_name", "type",
                "monitoring_status", "per_capita_income", "flags",
                "id_number_masked"} <= row.keys()
        assert re.fullmatch(r"\d{12}", row["village"])
        assert villages[row["village"]] == row["village_name"]
        assert set(row["flags"]) <= set(rules.FLAGS)
        assert MASKED.match(row["id_number_masked"])
    # Lists never carry a full ID number.
    text = json.dumps(rows, ensure_ascii=False)
    assert not any(full in text for full in full_ids)


@pytest.mark.parametrize("flag", rules.FLAGS)
def test_list_by_flag_gives_exactly_the_households_the_rule_selects(capsys, demo_home: Path,
                                                                     flag: str) -> None:
    rows = run_json(capsys, demo_home, "households", "list", "--flag", flag)
    assert rows, f"the demo county should have {flag} households"
    assert all(flag in r["flags"] for r in rows)
    everyone = run_json(capsys, demo_home, "households", "list")
    assert {r["id"] for r in rows} == {r["id"] for r in everyone if flag in r["flags"]}
    if flag == rules.FLAG_OVERDUE:
        cutoff = rules.overdue_cutoff(dt.date.today()).isoformat()
        assert all(r["form_updated_on"] is None or r["form_updated_on"] < cutoff for r in rows)
    if flag == rules.FLAG_OBSERVATION:
        assert all(r["monitoring_status"] != "monitored" for r in rows)
        assert all(r["per_capita_income"] < 8800 for r in rows)


def test_list_by_village_and_search(capsys, demo_home: Path) -> None:
    everyone = run_json(capsys, demo_home, "households", "list")
    village = everyone[0]["village"]
    in_village = run_json(capsys, demo_home, "households", "list", "--village", village)
    assert in_village and all(r["village"] == village for r in in_village)
    assert len(in_village) == sum(r["village"] == village for r in everyone)

    target = everyone[123]
    by_name = run_json(capsys, demo_home, "households", "list", "--search", target["head_name"])
    assert target["id"] in {r["id"] for r in by_name}
    assert all(target["head_name"] in r["head_name"] for r in by_name)
    tail = target["id_number_masked"][-4:]
    by_id = run_json(capsys, demo_home, "households", "list", "--search", tail)
    assert target["id"] in {r["id"] for r in by_id}
    by_number = run_json(capsys, demo_home, "households", "list", "--search", target["number"])
    assert [r["id"] for r in by_number] == [target["id"]]
    surname = run_json(capsys, demo_home, "households", "list", "--search", target["head_name"][0])
    assert all(target["head_name"][0] in r["head_name"] + r["number"] for r in surname)


def test_list_for_people_is_chinese_with_masked_ids(capsys, demo_home: Path) -> None:
    code, out, _ = run(capsys, demo_home, "households", "list", "--limit", "5")
    assert code == 0
    assert out.splitlines()[0].split()[:3] == ["户编号", "户主", "身份证号"]
    assert out.strip().endswith("共 5 户")
    assert all(MASKED.search(line.split()[2]) for line in out.splitlines()[1:6])


def test_show_by_number_or_id(capsys, demo_home: Path) -> None:
    relocated = next(r for r in run_json(capsys, demo_home, "households", "list")
                     if r["village_name"].endswith("社区"))
    by_number = run_json(capsys, demo_home, "households", "show", relocated["number"])
    by_id = run_json(capsys, demo_home, "households", "show", relocated["id"])
    assert by_number == by_id
    d = by_number
    assert d["head_name"] == relocated["head_name"]
    assert d["relocated"] is True
    assert "id_number" not in d and MASKED.match(d["id_number_masked"])
    assert all("id_number" not in m for m in d["members"])
    assert d["members"][0]["relation"] == "head"
    assert len(d["rights"]) == 25
    assert {r["side"] for r in d["rights"]} == {"origin", "destination"}
    assert d["income"] and d["income"][-1]["per_capita_income"] == d["per_capita_income"]
    full = run_json(capsys, demo_home, "households", "show", relocated["number"], "--full-id")
    assert idnumber.is_valid(full["id_number"])
    assert idnumber.mask(full["id_number"]) == d["id_number_masked"]


def test_set_validates_then_logs_the_change(capsys, demo_home: Path) -> None:
    target = next(r for r in run_json(capsys, demo_home, "households", "list")
                  if r["type"] != "monitored")
    new_id = idnumber.make("140215", dt.date(1975, 6, 1), 123)
    code, out, err = run(capsys, demo_home, "households", "set", target["number"],
                         "phone=13912345678", f"id_number={new_id}", "type=监测户")
    assert code == 0, err
    assert out.startswith("已保存")
    shown = run_json(capsys, demo_home, "households", "show", target["id"], "--full-id")
    assert (shown["phone"], shown["id_number"], shown["type"]) == ("13912345678", new_id,
                                                                    "monitored")
    head = shown["members"][0]
    assert head["relation"] == "head" and head["id_number"] == new_id
    db = dbfile.connect(demo_home / "workteam.sqlite3")
    fields = [json.loads(r[0]) for r in db.execute(
        "SELECT fields FROM change_log WHERE row_id = ? ORDER BY seq", (target["id"],))]
    db.close()
    assert fields[-1] == {"phone": "13912345678", "id_number": new_id, "type": "monitored"}


@pytest.mark.parametrize(("assignment", "message"), [
    ("id_number=140215197506011230", "workteam: 身份证号第18位校验码应为"),
    ("id_number=14021519750601123", "workteam: 身份证号应为18位，现在是17位"),
    ("form_updated_on=2026-13-01", "workteam: “2026-13-01”不是有效日期"),
    ("phone=12345", "workteam: 电话号码应为11位手机号"),
    ("type=富裕户", "workteam: “富裕户”不是有效的户类型"),
    ("per_capita_income=9000", "workteam: “per_capita_income”由系统计算"),
    ("colour=red", "workteam: 没有名为“colour”的字段"),
    ("phone", "workteam: “phone”应写成 字段=值"),
])
def test_set_refuses_bad_input_and_writes_nothing(capsys, demo_home: Path, assignment: str,
                                                  message: str) -> None:
    target = run_json(capsys, demo_home, "households", "list")[3]
    before = fingerprint(demo_home)
    code, out, err = run(capsys, demo_home, "households", "set", target["number"],
                         "address=新地址", assignment)
    assert code == 1
    assert one_line_error(err).startswith(message)
    assert out == ""
    assert fingerprint(demo_home) == before


def test_an_id_number_belongs_to_one_household(capsys, demo_home: Path) -> None:
    """Another household's head's ID number is refused with that household's number (search
    and roster re-import match people by it); nothing is written."""
    listed = run_json(capsys, demo_home, "households", "list")
    target, other = listed[0], listed[1]
    full = run_json(capsys, demo_home, "households", "show", other["id"], "--full-id")
    assert full["id_number"]
    before = fingerprint(demo_home)
    code, _, err = run(capsys, demo_home, "households", "set", target["number"],
                       f"id_number={full['id_number']}")
    assert code == 1
    assert one_line_error(err).startswith(f"workteam: 身份证号已属于农户{other['number']}")
    assert fingerprint(demo_home) == before


def test_set_on_an_unknown_household(capsys, demo_home: Path) -> None:
    before = fingerprint(demo_home)
    code, _, err = run(capsys, demo_home, "households", "set", "9999999", "phone=13912345678")
    assert code == 1
    assert one_line_error(err) == "workteam: 找不到农户“9999999”"
    assert fingerprint(demo_home) == before


def test_visit_add_then_list(capsys, demo_home: Path) -> None:
    target = run_json(capsys, demo_home, "households", "list")[42]
    db = dbfile.connect(demo_home / "workteam.sqlite3")
    cadre = db.execute("SELECT name FROM cadre LIMIT 1").fetchone()[0]
    db.close()
    today = dt.date.today().isoformat()
    saved = run_json(capsys, demo_home, "visits", "add", "--household", target["number"],
                     "--date", today, "--purpose", "入户走访", "--findings", "老人腿脚不便",
                     "--urgent", "就医:需要办理慢病卡", "--urgent", "院墙需要修缮",
                     "--visitor", cadre)
    assert saved["visit_date"] == today
    assert [h["id"] for h in saved["households"]] == [target["id"]]
    assert saved["visitors"] == [cadre]
    assert {(n["category"], n["text"], n["status"]) for n in saved["urgent_needs"]} == {
        ("medical", "需要办理慢病卡", "open"), ("other", "院墙需要修缮", "open")}
    listed = run_json(capsys, demo_home, "visits", "list", "--household", target["id"],
                      "--from", today, "--to", today)
    assert saved["id"] in {v["id"] for v in listed}
    shown = run_json(capsys, demo_home, "households", "show", target["number"])
    assert saved["id"] in [v["id"] for v in shown["visits"] if v["visit_date"] == today]


@pytest.mark.parametrize(("args", "message"), [
    (["--date", "2026-02-30"], "workteam: “2026-02-30”不是有效日期"),
    (["--date", "昨天"], "workteam: “昨天”不是有效日期"),
    (["--date", "2026-11-01", "--visitor", "不存在的干部"], "workteam: 找不到干部“不存在的干部”"),
    (["--date", "2026-11-01", "--household", "没有这户"], "workteam: 找不到农户“没有这户”"),
    # One rule for the GUI and the command line (issue 15): the time, the follow-up, the
    # future, an unknown urgent-need category.
    (["--date", "2026-11-01", "--time", "25:99"],
     "workteam: 走访时间“25:99”不对，应为 0:00–23:59，如 14:30"),
    (["--date", "2026-11-06", "--follow-up", "2026-11-01"],
     "workteam: 回访日期2026-11-01早于走访日期2026-11-06：回访应在走访之后"),
    (["--date", "2099-06-01"], "workteam: 走访日期2099-06-01晚于今天"),
    (["--date", "2026-11-01", "--urgent", "修房:房顶漏雨"],
     "workteam: “修房”不是有效的急难愁盼类别，可选：就业、"),
])
def test_visit_add_refuses_bad_input_and_writes_nothing(capsys, demo_home: Path, args,
                                                        message: str) -> None:
    target = run_json(capsys, demo_home, "households", "list")[0]
    before = fingerprint(demo_home)
    code, _, err = run(capsys, demo_home, "visits", "add", "--household", target["number"],
                       "--purpose", "回访", *args)
    assert code == 1
    assert one_line_error(err).startswith(message)
    assert fingerprint(demo_home) == before


def test_a_visit_before_the_team_arrived_is_asked_about(capsys, demo_home: Path) -> None:
    """1999-01-01 went in without a word (issue 15): a date before the team's 进驻日期 is
    refused until the cadre confirms it; a confirmed one is saved."""

    db = dbfile.connect(demo_home / "workteam.sqlite3")
    [start] = db.execute("SELECT min(started_on) FROM team WHERE deleted = 0").fetchone()
    db.close()
    assert start, "the demo team has a start date"
    target = run_json(capsys, demo_home, "households", "list")[0]
    before = fingerprint(demo_home)
    code, _, err = run(capsys, demo_home, "visits", "add", "--household", target["number"],
                       "--purpose", "回访", "--date", "1999-01-01")
    assert code == 1
    line = one_line_error(err)
    import datetime as dt

    if dt.date.fromisoformat(str(start)[:10]) < dt.date.today() - dt.timedelta(days=366):
        assert f"早于工作队进驻日期{str(start)[:10]}" in line
    else:  # a team that arrived within the year: "more than a year ago" is the question
        assert "是一年多以前" in line
    assert "--confirm-date" in line
    assert fingerprint(demo_home) == before
    saved = run_json(capsys, demo_home, "visits", "add", "--household", target["number"],
                     "--purpose", "回访", "--date", "1999-01-01", "--confirm-date")
    assert saved["visit_date"] == "1999-01-01"


def test_a_visit_names_its_household_by_the_heads_name(capsys, demo_home: Path) -> None:
    """A cadre says 郝怀富, not 1000010006: a head's name works when it is unique, and the
    candidates are listed when it is not."""
    households = run_json(capsys, demo_home, "households", "list", "--limit", "1000")
    names: dict[str, list[dict]] = {}
    for h in households:
        names.setdefault(h["head_name"], []).append(h)
    unique = next(v[0] for v in names.values() if len(v) == 1)
    saved = run_json(capsys, demo_home, "visits", "add", "--household", unique["head_name"],
                     "--date", "2026-11-01", "--purpose", "回访", "--time", "930")
    assert [h["id"] for h in saved["households"]] == [unique["id"]]
    assert saved["visit_time"] == "09:30"
    shared = next(v for v in names.values() if len(v) > 1)  # the demo has 6 such names
    code, _, err = run(capsys, demo_home, "visits", "add", "--household",
                       shared[0]["head_name"], "--date", "2026-11-01", "--purpose", "回访")
    assert code == 1
    assert "对应多户" in err and all(h["number"] in err for h in shared[:5])


def test_visits_list_rejects_a_reversed_period(capsys, demo_home: Path) -> None:
    code, _, err = run(capsys, demo_home, "visits", "list", "--from", "2026-05-01",
                       "--to", "2026-04-01")
    assert code == 1
    assert one_line_error(err) == "workteam: 开始日期2026-05-01晚于结束日期2026-04-01"


def test_commands_on_an_empty_home_say_what_to_do(capsys, tmp_path: Path) -> None:
    code, _, err = run(capsys, tmp_path / "nothing-here", "households", "list")
    assert code == 1
    assert "先运行 workteam demo" in one_line_error(err)
    assert not (tmp_path / "nothing-here" / "workteam.sqlite3").exists()


def test_demo_refuses_a_home_with_data(capsys, demo_home: Path) -> None:
    before = fingerprint(demo_home)
    code, _, err = run(capsys, demo_home, "demo")
    assert code == 1
    assert "已有农户数据" in one_line_error(err)
    assert fingerprint(demo_home) == before


def test_unknown_option_is_one_line_and_exit_1(capsys, demo_home: Path) -> None:
    code = None
    with pytest.raises(SystemExit) as exc:
        main(["--home", str(demo_home), "households", "list", "--colour"])
    code = exc.value.code
    _, err = capsys.readouterr()
    assert code == 1
    assert one_line_error(err).startswith("workteam: 无法识别的参数")


def test_argument_mistakes_are_told_in_chinese_and_exit_1(capsys, monkeypatch) -> None:
    monkeypatch.delenv("WORKTEAM_LANG", raising=False)
    with pytest.raises(SystemExit) as missing:
        main(["report"])
    assert missing.value.code == 1
    assert capsys.readouterr().err.strip().endswith("workteam: 缺少必需的参数：KIND")
    with pytest.raises(SystemExit) as unknown:
        main(["households", "list", "--bogus"])
    assert unknown.value.code == 1
    assert "无法识别的参数：--bogus" in capsys.readouterr().err
    monkeypatch.setenv("WORKTEAM_LANG", "en")
    with pytest.raises(SystemExit):
        main(["report"])
    assert "the following arguments are required: KIND" in capsys.readouterr().err


def test_the_chinese_help_is_chinese_throughout(capsys) -> None:
    """`workteam --help` in Chinese has no English line of argparse's own (issue 15)."""
    from workteam_desktop.cli.main import main

    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "显示版本号并退出" in out and "show program's version" not in out
