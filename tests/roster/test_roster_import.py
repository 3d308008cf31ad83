"""Importing rosters into a real store (a copy of the demo county) through the CLI and the
store function: bad rows skipped and listed, idempotent re-import, --strict, --dry-run,
mapping files, cancel, and the export round trip."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import make_rosters
import openpyxl
import pytest

import dbfile
from workteam_desktop.cli.main import main
from workteam_desktop.domain import idnumber
from workteam_desktop.domain.roster_rules import build_plan
from workteam_desktop.roster.check import check_roster, village_index
from workteam_desktop.roster.read import read_roster
from workteam_desktop.store import Store
from workteam_desktop.store.roster import import_households

DATA = Path(make_rosters.__file__).parent
XLSX = DATA / make_rosters.XLSX_NAME
CSV = DATA / make_rosters.CSV_NAME


def run(capsys, home: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--home", str(home), *args])
    out, err = capsys.readouterr()
    return code, out, err


def state(home: Path) -> tuple:
    """Everything an import may change: the change log and the rows."""
    db = dbfile.connect(home / "workteam.sqlite3")
    try:
        return (db.execute("SELECT count(*), max(seq) FROM change_log").fetchone(),
                db.execute("SELECT * FROM household ORDER BY id").fetchall(),
                db.execute("SELECT * FROM member ORDER BY id").fetchall(),
                db.execute("SELECT * FROM income ORDER BY id").fetchall())
    finally:
        db.close()


def query(home: Path, sql: str, *params: object) -> list[tuple]:
    db = dbfile.connect(home / "workteam.sqlite3")
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()


def test_system_export_imports_good_rows_and_lists_each_bad_one(capsys, demo_home: Path) -> None:
    make_rosters.build_xlsx_rows()
    before = query(demo_home, "SELECT count(*) FROM household")[0][0]
    code, out, err = run(capsys, demo_home, "import-roster", str(XLSX), "--json")
    assert code == 0
    report = json.loads(out)
    found = {}
    for p in report["problems"]:
        found.setdefault(p["row"], p["code"])
    for row, problem in make_rosters.BAD_XLSX_ROWS.items():
        assert found.get(row) == problem, (row, problem)
    skipped = len(report["skipped_rows"])
    assert err.strip() == f"workteam: 跳过{skipped}行（有问题，未导入）"
    result = report["result"]
    assert result["households_added"] == report["households"] == 20
    after = query(demo_home, "SELECT count(*) FROM household")[0][0]
    assert after == before + 20
    # What a user relies on: the household is there with its members, income and village.
    rows = make_rosters.build_xlsx_rows()
    head_id = rows[0][4]
    [(hid, name, village, kind, _status)] = query(
        demo_home, "SELECT h.id, h.head_name, a.name, h.type, h.monitoring_status FROM household h "
        "JOIN area a ON a.id = h.village_id WHERE h.id_number = ?", head_id)
    assert (name, village) == (rows[0][3], rows[0][1])
    assert kind == {"脱贫户": "alleviated", "一般农户": "ordinary"}[rows[0][11]]
    members = query(demo_home, "SELECT name, relation FROM member WHERE household_id = ?", hid)
    assert len(members) == rows[0][13]
    [(per_capita, year)] = query(
        demo_home, "SELECT per_capita_income, income_year FROM household_facts "
        "WHERE household_id = ?", hid)
    assert (per_capita, year) == (pytest.approx(rows[0][14]), 2025)
    # Nothing of a skipped household is written, not even its good rows.
    unknown_village_heads = {r[4] for r in rows if r[1] == "上庄村"}
    assert not query(demo_home, f"SELECT 1 FROM household WHERE id_number IN "
                                f"({','.join('?' * len(unknown_village_heads))})",
                     *unknown_village_heads)
    # The changes are in the outbox: they sync like any other edit.
    assert query(demo_home, "SELECT count(*) FROM change_log WHERE origin = 'local' AND pushed = 0 "
                            "AND entity = 'household' AND row_id = ?", hid)[0][0] == 1


def test_reimport_changes_nothing_and_a_changed_value_updates(capsys, demo_home: Path,
                                                              tmp_path: Path) -> None:
    assert run(capsys, demo_home, "import-roster", str(CSV))[0] == 0
    first = state(demo_home)
    code, out, _ = run(capsys, demo_home, "import-roster", str(CSV), "--json")
    assert code == 0 and json.loads(out)["result"]["changes_logged"] == 0
    assert state(demo_home) == first  # not one change logged, not one row touched

    rows = [r[:] for r in make_rosters.build_csv_rows()]
    rows[0][8] = "13911112222"  # a new phone number for the first household
    changed = tmp_path / "changed.csv"
    with changed.open("w", encoding="gb18030", newline="") as f:
        csv.writer(f).writerows([make_rosters.CSV_HEADERS, *rows])
    code, out, _ = run(capsys, demo_home, "import-roster", str(changed), "--json")
    result = json.loads(out)["result"]
    assert (result["households_added"], result["households_updated"]) == (0, 1)
    assert result["changes_logged"] == 1
    assert query(demo_home, "SELECT phone FROM household WHERE id_number = ?",
                 rows[0][3]) == [("13911112222",)]


def test_strict_imports_nothing_while_any_row_is_bad(capsys, demo_home: Path,
                                                     tmp_path: Path) -> None:
    before = state(demo_home)
    report = tmp_path / "问题.xlsx"
    code, _, err = run(capsys, demo_home, "import-roster", str(XLSX), "--strict",
                       "--report", str(report))
    assert code == 1
    assert "--strict" in err and len(err.strip().splitlines()) == 1
    assert state(demo_home) == before
    sheet = openpyxl.load_workbook(report).active
    lines = list(sheet.iter_rows(min_row=3, values_only=True))
    make_rosters.build_xlsx_rows()
    assert {r[0] for r in lines} >= set(make_rosters.BAD_XLSX_ROWS)
    assert any(r[2] == "约3000" for r in lines)
    # A clean file passes --strict.
    clean = tmp_path / "clean.csv"
    rows = [r for i, r in enumerate(make_rosters.build_csv_rows(), start=2)
            if i not in make_rosters.BAD_CSV_ROWS]
    with clean.open("w", encoding="gb18030", newline="") as f:
        csv.writer(f).writerows([make_rosters.CSV_HEADERS, *rows])
    assert run(capsys, demo_home, "import-roster", str(clean), "--strict")[0] == 0


def test_dry_run_writes_nothing_but_counts_what_it_would(capsys, demo_home: Path) -> None:
    before = state(demo_home)
    code, out, _ = run(capsys, demo_home, "import-roster", str(XLSX), "--dry-run", "--json")
    assert code == 0
    result = json.loads(out)["result"]
    assert result["dry_run"] and result["households_added"] == 20
    assert result["changes_logged"] > 0
    assert state(demo_home) == before


def test_mapping_file_is_used_and_can_be_saved(capsys, demo_home: Path, tmp_path: Path) -> None:
    saved = tmp_path / "map.json"
    assert run(capsys, demo_home, "import-roster", str(CSV), "--dry-run",
               "--save-mapping", str(saved))[0] == 0
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["columns"]["户主"] == "head_name" and data["layout"] == "household"
    # Say that 村民小组 is not to be imported and that the income is for 2024.
    data["columns"]["村民小组"] = None
    data["income_year"] = 2024
    saved.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert run(capsys, demo_home, "import-roster", str(CSV), "--mapping", str(saved))[0] == 0
    head = make_rosters.build_csv_rows()[0][3]
    assert query(demo_home, "SELECT address FROM household WHERE id_number = ?", head) == [("",)]
    assert query(demo_home, "SELECT i.year FROM income i JOIN household h ON h.id = i.household_id"
                            " WHERE h.id_number = ?", head) == [(2024,)]
    saved.write_text("{}", encoding="utf-8")
    code, _, err = run(capsys, demo_home, "import-roster", str(CSV), "--mapping", str(saved))
    assert code == 1 and "列对应文件" in err


def test_export_then_reimport_is_a_no_op(capsys, demo_home: Path, tmp_path: Path) -> None:
    assert run(capsys, demo_home, "import-roster", str(CSV))[0] == 0
    out = tmp_path / "花名册导出.xlsx"
    code, printed, _ = run(capsys, demo_home, "export-roster", "--out", str(out), "--json",
                           "--full-id")
    assert code == 0
    exported = json.loads(printed)
    assert exported["households"] == query(
        demo_home, "SELECT count(*) FROM household WHERE deleted = 0")[0][0]
    before = state(demo_home)
    code, printed, err = run(capsys, demo_home, "import-roster", str(out), "--json")
    assert code == 0, err
    report = json.loads(printed)
    assert report["problems"] == []
    assert report["result"]["changes_logged"] == 0
    assert report["result"]["households_unchanged"] == exported["households"]
    assert state(demo_home) == before


def test_cancel_rolls_everything_back(demo_home: Path) -> None:
    with Store.open(demo_home) as store:
        plan = check_roster(store, read_roster(XLSX))
        before = state(demo_home)
        seen = []

        def progress(done: int, total: int, _text: str) -> None:
            seen.append((done, total))
            if done:
                raise KeyboardInterrupt  # what the GUI's cancel raises, in effect

        with pytest.raises(KeyboardInterrupt):
            import_households(store, plan.households, progress=progress)
    assert seen[0] == (0, 20)
    assert state(demo_home) == before


def test_nothing_to_import_and_missing_file_exit_1(capsys, demo_home: Path, tmp_path: Path) -> None:
    code, _, err = run(capsys, demo_home, "import-roster", str(tmp_path / "无.xlsx"))
    assert code == 1 and "找不到文件" in err
    bad = tmp_path / "bad.csv"
    bad.write_text("户主姓名,身份证号,所在村\n王五,140221198001010011,上庄村\n", encoding="utf-8")
    code, _, err = run(capsys, demo_home, "import-roster", str(bad))
    assert code == 1 and "没有可导入的行" in err
    nomap = tmp_path / "nomap.csv"
    nomap.write_text("户主姓名,身份证号\n王五,140221198001010011\n", encoding="utf-8")
    code, _, err = run(capsys, demo_home, "import-roster", str(nomap))
    assert code == 1 and err.strip().startswith("workteam: 请指定哪一列是所在村：所在村可用 --village")


def test_a_new_member_and_a_moved_income_update_the_household(demo_home: Path) -> None:
    rows = make_rosters.build_xlsx_rows()
    first = [r for r in rows if r[2] == rows[0][2]]
    headers = ["行政村", "户编号", "户主姓名", "与户主关系", "姓名", "证件号码", "人均纯收入", "收入年度"]

    def plan_of(lines):
        with Store.open(demo_home) as store:
            mapping = ["village", "number", "head_name", "relation", "name", "id_number",
                       "per_capita_income", "income_year"]
            return build_plan(headers, list(enumerate(lines, start=2)), mapping,
                              village_index(store))

    lines = [[r[1], r[2], r[3], r[5], r[6], r[7], str(r[14]), "2025"] for r in first]
    with Store.open(demo_home) as store:
        added = import_households(store, plan_of(lines).households)
        assert (added.households_added, added.members_added) == (1, len(lines))
        again = import_households(store, plan_of(lines).households)
        assert (again.households_unchanged, again.changes_logged) == (1, 0)

        baby = idnumber.make("140221", dt.date(2024, 3, 1), 11)
        more = [*lines, [lines[0][0], lines[0][1], lines[0][2], "之孙子", "王小宝", baby,
                         lines[0][6], "2025"]]
        changed = import_households(store, plan_of(more).households)
    assert (changed.households_updated, changed.members_added) == (1, 1)
    # The per-capita figure stays what the roster says, now over one more person.
    [(per_capita, members)] = query(
        demo_home, "SELECT f.per_capita_income, f.member_count FROM household_facts f "
        "JOIN household h ON h.id = f.household_id WHERE h.id_number = ?", first[0][4])
    assert members == len(lines) + 1
    assert per_capita == pytest.approx(float(lines[0][6]))
    [(sex, born)] = query(demo_home, "SELECT sex, birth_date FROM member WHERE id_number = ?", baby)
    assert (sex, born) == ("male", "2024-03-01")  # read from the ID number


def test_a_new_head_found_by_household_number_takes_over_the_household(capsys, demo_home: Path,
                                                                       tmp_path: Path) -> None:
    """The head died and the spouse heads the household now: the roster names the spouse as
    户主 with the same household number; the household is updated, not duplicated."""
    assert run(capsys, demo_home, "import-roster", str(XLSX))[0] == 0
    rows = make_rosters.build_xlsx_rows()
    families: dict[str, list[tuple[int, list]]] = {}
    for number, row in enumerate(rows, start=4):
        families.setdefault(row[2], []).append((number, row))
    family = next([r for _, r in f] for f in families.values()
                  if len(f) >= 2 and f[0][1][5] == "户主"
                  and not {n for n, _ in f} & set(make_rosters.BAD_XLSX_ROWS))
    assert family[1][5] == "配偶"
    out = tmp_path / "new-head.csv"
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["行政村", "户编号", "户主姓名", "与户主关系", "姓名", "证件号码"])
        w.writerow([family[1][1], family[1][2], family[1][6], "户主", family[1][6], family[1][7]])
    before = query(demo_home, "SELECT count(*) FROM household")[0][0]
    code, printed, err = run(capsys, demo_home, "import-roster", str(out), "--json")
    assert code == 0, err
    assert json.loads(printed)["result"]["households_updated"] == 1
    assert query(demo_home, "SELECT count(*) FROM household")[0][0] == before
    [(hid, head, head_id)] = query(demo_home, "SELECT id, head_name, id_number FROM household "
                                              "WHERE number = ?", family[0][2])
    assert (head, head_id) == (family[1][6], family[1][7])
    relations = dict(query(demo_home, "SELECT id_number, relation FROM member "
                                      "WHERE household_id = ?", hid))
    assert relations[family[1][7]] == "head" and relations[family[0][7]] == "other"


def test_the_roster_of_one_village_names_it_once(capsys, demo_home: Path, tmp_path: Path) -> None:
    """A village's own roster has no village column: --village (or the mapping) places it."""
    rows = make_rosters.build_csv_rows()[:3]
    path = tmp_path / "下铺村花名册.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["户主", "身份证号码", "人口数", "人均收入（元）"])
        w.writerows([[r[2], r[3], r[4], r[5]] for r in rows])
    code, _, err = run(capsys, demo_home, "import-roster", str(path))
    assert code == 1 and "所在村" in err
    code, _, err = run(capsys, demo_home, "import-roster", str(path), "--village", "上庄村")
    assert code == 1 and "上庄村" in err
    assert run(capsys, demo_home, "import-roster", str(path), "--village", "下铺")[0] == 0
    placed = query(demo_home, "SELECT a.name FROM household h JOIN area a ON a.id = h.village_id "
                              f"WHERE h.id_number IN ({','.join('?' * len(rows))})",
                   *[r[3] for r in rows])
    assert placed == [("下铺村",)] * 3


def test_gb18030_names_outside_gbk_and_a_chosen_sheet(capsys, demo_home: Path,
                                                      tmp_path: Path) -> None:
    rows = make_rosters.build_csv_rows()[:2]
    rows[0][2] = "王䶮"  # a character GB18030 has and GBK has not
    path = tmp_path / "gb.csv"
    with path.open("w", encoding="gb18030", newline="") as f:
        csv.writer(f).writerows([make_rosters.CSV_HEADERS, *rows])
    assert run(capsys, demo_home, "import-roster", str(path))[0] == 0
    assert query(demo_home, "SELECT head_name FROM household WHERE id_number = ?",
                 rows[0][3]) == [("王䶮",)]

    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["本工作簿第二页是花名册"])
    sheet = book.create_sheet("名单")
    sheet.append(make_rosters.CSV_HEADERS)
    sheet.append(make_rosters.build_csv_rows()[2])
    book.save(tmp_path / "two.xlsx")
    code, _, err = run(capsys, demo_home, "import-roster", str(tmp_path / "two.xlsx"))
    assert code == 1 and "找不到表头" in err  # the first sheet is not a roster
    code, printed, _ = run(capsys, demo_home, "import-roster", str(tmp_path / "two.xlsx"),
                           "--sheet", "名单", "--json")
    assert code == 0 and json.loads(printed)["result"]["households_added"] == 1


def test_no_id_number_or_phone_reaches_the_log(capsys, demo_home: Path) -> None:
    assert run(capsys, demo_home, "import-roster", str(XLSX), "--report",
               str(demo_home / "r.xlsx"))[0] == 0
    assert run(capsys, demo_home, "export-roster", "--out", str(demo_home / "e.xlsx"))[0] == 0
    logs = "".join(p.read_text(encoding="utf-8") for p in (demo_home / "logs").glob("*.log*"))
    assert "roster import: 20 households added" in logs  # the import is logged, by counts
    for row in make_rosters.build_xlsx_rows():
        for value in (row[4], row[7], row[16]):
            assert str(value) not in logs


def test_a_header_only_roster_and_a_missing_village_say_how_on_the_command_line(
        capsys, demo_home: Path, tmp_path: Path) -> None:
    """Issue 15: a CSV with only its header says so; a roster without a village column says
    which option answers it, instead of the wizard's question."""
    only_header = tmp_path / "表头.csv"
    only_header.write_text("户主,身份证号,与户主关系\n", encoding="utf-8")
    code, _, err = run(capsys, demo_home, "import-roster", str(only_header))
    assert code == 1 and "只有表头，没有数据行" in err and err.strip().count("\n") == 0
    no_village = tmp_path / "无村.csv"
    no_village.write_text("户主,身份证号,与户主关系\n张三,,户主\n", encoding="utf-8")
    code, _, err = run(capsys, demo_home, "import-roster", str(no_village))
    assert code == 1 and "请指定哪一列是所在村" in err and "--village" in err
    assert err.strip().count("\n") == 0


def test_an_export_masks_id_numbers_unless_asked_and_says_where_it_went(
        capsys, demo_home: Path, tmp_path: Path) -> None:
    """Issue 16: a file that leaves the laptop is not encrypted; full ID numbers only when
    asked, and the command says where the file is."""
    import openpyxl

    full_ids = {r[0] for r in query(demo_home, "SELECT id_number FROM member "
                                                "WHERE id_number IS NOT NULL AND deleted = 0")}
    out = tmp_path / "masked.xlsx"
    code, printed, err = run(capsys, demo_home, "export-roster", "--out", str(out))
    assert code == 0 and str(out.resolve()) in printed and "--full-id" in err
    cells = {str(c) for row in openpyxl.load_workbook(out).active.iter_rows(values_only=True)
             for c in row if c}
    assert full_ids and not full_ids & cells
    assert any("*" in c for c in cells)
    full = tmp_path / "full.xlsx"
    code, printed, err = run(capsys, demo_home, "export-roster", "--out", str(full), "--full-id")
    assert code == 0 and "完整身份证号" in err and str(full.resolve()) in err
    cells = {str(c) for row in openpyxl.load_workbook(full).active.iter_rows(values_only=True)
             for c in row if c}
    assert full_ids <= cells
