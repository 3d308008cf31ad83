"""Every report on the demo county: the PDF opens with the expected pages, headings,
names and figures (equal to what the store says), the Chinese font is embedded, ID
numbers are masked unless asked for, and the tables go to Excel."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import statistics
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from report_helpers import COMMUNITY, VILLAGE, pdf_fonts, pdf_page_count, pdf_pages, pdf_text

from workteam_desktop.domain import catalogues as cat
from workteam_desktop.reports import ReportRequest, build_report
from workteam_desktop.reports.base import Quarter
from workteam_desktop.reports.styles import cn_date
from workteam_desktop.reports.text import CANNOT_START
from workteam_desktop.store import Store
from workteam_desktop.store.figures import area_figures

ALL = ["visits", "household", "household_full", "quarter", "wallchart", "rights"]
MASKED_ID = re.compile(r"\b\d{4}\*{10}[\dX]{4}\b")
FULL_ID = re.compile(r"\b\d{17}[\dX]\b")


def _numbers(line: str) -> list[str]:
    return re.findall(r"\d[\d,]*(?:\.\d+)?%?", line)


@pytest.mark.parametrize("name", ALL)
def test_pdf_opens_with_its_pages_and_footer(built: dict[str, Any], name: str,
                                             today: dt.date) -> None:
    report = built[name]
    pages = pdf_pages(report.path)
    assert pdf_page_count(report.path) == report.result.pages == len(pages) > 0
    for number, text in enumerate(pages, start=1):
        flat = re.sub(r"\s", "", text)  # pdftotext keeps or drops narrow spaces at will
        assert f"第{number}页共{len(pages)}页" in flat
        assert f"打印日期：{cn_date(today)}" in flat
        assert report.result.title in text  # the running header


@pytest.mark.parametrize("name", ALL)
def test_only_the_chinese_font_is_used_and_it_is_embedded(built: dict[str, Any],
                                                          name: str) -> None:
    fonts = pdf_fonts(built[name].path)
    assert fonts
    assert all("WenQuanYiMicroHei" in font and embedded for font, embedded in fonts), fonts


@pytest.mark.parametrize("name", ALL)
def test_no_line_starts_with_closing_punctuation(built: dict[str, Any], name: str) -> None:
    lines = [line.strip() for line in pdf_text(built[name].path).splitlines() if line.strip()]
    bad = [line for line in lines if line[0] in CANNOT_START]
    assert not bad


@pytest.mark.parametrize(("name", "headings"), [
    ("visits", ["走访报告", "一、汇总", "二、走访明细", "填报人（签字）", "审核人（签字）"]),
    ("household", ["一户一档", "一、基本情况", "二、家庭成员", "三、收入构成（元）",
                   "四、防返贫监测", "五、权益清单（易地搬迁）", "帮扶措施", "近期走访",
                   "帮扶责任人（签字）", "户主（签字）"]),
    ("quarter", ["工作队季度工作报告", "一、本季度工作概况", "二、走访情况", "三、十送专项行动",
                 "四、帮扶措施落实", "五、急难愁盼问题办理", "六、规则预警", "观测对象", "零就业",
                 "逾期未更新", "工作队长（签字）", "第一书记（签字）"]),
    ("wallchart", ["村情简介", "产业分布图", "收入构成图", "监测帮扶图", "工作队与帮扶干部"]),
    ("rights", ["权益清单核查报告", "一、核查汇总", "二、需跟进事项", "核查人（签字）"]),
])
def test_headings(built: dict[str, Any], name: str, headings: list[str]) -> None:
    text = pdf_text(built[name].path)
    for heading in headings:
        assert heading in text


def test_issuing_unit_is_the_team_of_the_village(built: dict[str, Any],
                                                 db: sqlite3.Connection) -> None:
    team = db.execute(
        "SELECT t.name FROM team t JOIN team_area ta ON ta.team_id = t.id "
        "JOIN area a ON a.id = ta.area_id WHERE a.code = ?", (VILLAGE,)).fetchone()[0]
    first_page = pdf_pages(built["visits"].path)[0]
    assert f"填报单位：{team}" in first_page


# ---------------------------------------------------------------- 走访报告

def test_visit_report_figures_equal_the_store(built: dict[str, Any],
                                              db: sqlite3.Connection) -> None:
    report = built["visits"]
    start, end = report.request.date_from.isoformat(), report.request.date_to.isoformat()
    visits = [r[0] for r in db.execute(
        "SELECT DISTINCT v.id FROM visit v JOIN visit_household vh ON vh.visit_id = v.id "
        "JOIN household h ON h.id = vh.household_id JOIN area a ON a.id = h.village_id "
        "WHERE a.code = ? AND v.visit_date BETWEEN ? AND ? AND v.deleted = 0",
        (VILLAGE, start, end))]
    visited = db.execute(
        "SELECT count(DISTINCT h.id) FROM visit v JOIN visit_household vh ON vh.visit_id = v.id "
        "JOIN household h ON h.id = vh.household_id JOIN area a ON a.id = h.village_id "
        "WHERE a.code = ? AND v.visit_date BETWEEN ? AND ?", (VILLAGE, start, end)).fetchone()[0]
    households = db.execute("SELECT count(*) FROM household h JOIN area a ON a.id = h.village_id "
                            "WHERE a.code = ?", (VILLAGE,)).fetchone()[0]
    marks = ",".join("?" * len(visits))
    raised, resolved = db.execute(
        f"SELECT count(*), coalesce(sum(status = 'resolved'), 0) FROM urgent_need "
        f"WHERE visit_id IN ({marks})", visits).fetchone()
    assert visits and raised
    summary = report.result.summary
    assert (summary["visits"], summary["households_visited"], summary["households"],
            summary["needs_raised"], summary["needs_resolved"]) == (
        len(visits), visited, households, raised, resolved)
    name = db.execute("SELECT name FROM area WHERE code = ?", (VILLAGE,)).fetchone()[0]
    row = next(line for line in pdf_text(report.path, layout=True).splitlines()
               if line.strip().startswith(name))
    assert _numbers(row) == [f"{len(visits):,}", f"{households:,}", f"{visited:,}",
                             f"{visited / households * 100:.1f}%", str(raised), str(resolved),
                             str(raised - resolved)]


def test_visit_report_lists_every_visit_with_its_households(built: dict[str, Any],
                                                            db: sqlite3.Connection) -> None:
    report = built["visits"]
    text = pdf_text(report.path)
    start, end = report.request.date_from.isoformat(), report.request.date_to.isoformat()
    heads = {r[0] for r in db.execute(
        "SELECT h.head_name FROM visit v JOIN visit_household vh ON vh.visit_id = v.id "
        "JOIN household h ON h.id = vh.household_id JOIN area a ON a.id = h.village_id "
        "WHERE a.code = ? AND v.visit_date BETWEEN ? AND ?", (VILLAGE, start, end))}
    assert heads
    assert all(name in text for name in heads)
    open_need = db.execute(
        "SELECT u.text FROM urgent_need u JOIN visit v ON v.id = u.visit_id "
        "JOIN visit_household vh ON vh.visit_id = v.id JOIN household h ON h.id = vh.household_id "
        "JOIN area a ON a.id = h.village_id WHERE a.code = ? AND v.visit_date BETWEEN ? AND ? "
        "AND u.status != 'resolved' LIMIT 1", (VILLAGE, start, end)).fetchone()
    if open_need:
        flat = text.replace("\n", "")
        assert open_need[0] in flat
        assert "待解决" in flat or "办理中" in flat


def test_visit_report_of_one_cadre(report_demo: Path, tmp_path: Path, today: dt.date,
                                   db: sqlite3.Connection) -> None:
    cadre = db.execute("SELECT c.name, count(*) FROM visit_cadre vc "
                       "JOIN cadre c ON c.id = vc.cadre_id GROUP BY c.id ORDER BY 2 DESC "
                       "LIMIT 1").fetchone()[0]
    start = today - dt.timedelta(days=90)
    expected = db.execute(
        "SELECT count(DISTINCT v.id) FROM visit v JOIN visit_cadre vc ON vc.visit_id = v.id "
        "JOIN cadre c ON c.id = vc.cadre_id WHERE c.name = ? AND v.visit_date BETWEEN ? AND ?",
        (cadre, start.isoformat(), today.isoformat())).fetchone()[0]
    with Store.open(report_demo) as store:
        result = build_report(store, ReportRequest("visits", cadre=cadre, date_from=start,
                                                   date_to=today), tmp_path / "c.pdf", today=today)
    assert result.summary["visits"] == expected > 0
    assert f"走访干部：{cadre}" in pdf_pages(result.path)[0]


# ---------------------------------------------------------------- 一户一档

def test_household_files_one_per_page(built: dict[str, Any], db: sqlite3.Connection) -> None:
    report = built["household"]
    summary = report.result.summary
    pages = pdf_pages(report.path)
    starts = [summary["first_pages"][hid] for hid in summary["household_ids"]]
    assert starts[0] == 1 and starts == sorted(starts)
    for hid, name, start in zip(summary["household_ids"], summary["names"], starts,
                                strict=True):
        assert f"{name}户" in pages[start - 1]
        relocated = db.execute("SELECT relocated FROM household WHERE id = ?", (hid,)).fetchone()[0]
        following = starts[starts.index(start) + 1] if start != starts[-1] else len(pages) + 1
        if relocated:
            assert "权益清单" in "".join(pages[start - 1:following - 1])
        else:  # an ordinary household's file fits on one page
            assert following - start == 1


def test_household_file_holds_members_income_and_threshold(
        built: dict[str, Any], db: sqlite3.Connection) -> None:
    report = built["household"]
    text = pdf_text(report.path)
    hid = report.result.summary["household_ids"][0]
    for (name,) in db.execute("SELECT name FROM member WHERE household_id = ? AND deleted = 0",
                              (hid,)):
        assert name in text
    per_capita, year = db.execute("SELECT per_capita_income, income_year FROM household_facts "
                                  "WHERE household_id = ?", (hid,)).fetchone()
    threshold = db.execute("SELECT amount FROM observation_threshold WHERE year = ?",
                           (year,)).fetchone()[0]
    layout = pdf_text(report.path, layout=True)
    row = next(line for line in layout.splitlines() if line.strip().startswith(str(year)))
    assert f"{per_capita:,.2f}" in row and f"{threshold:,.2f}" in row


def test_rare_characters_are_printed(built: dict[str, Any],
                                     rare_households: list[tuple[str, str]]) -> None:
    text = pdf_text(built["household"].path)
    assert rare_households[0][1] in text
    assert any(ch in rare_households[0][1] for ch in "堃喆镕")


def test_id_and_phone_numbers_are_masked_by_default(built: dict[str, Any],
                                                    db: sqlite3.Connection) -> None:
    report = built["household"]
    text = pdf_text(report.path)
    assert MASKED_ID.search(text)
    assert not FULL_ID.search(text)
    assert "含个人敏感信息" not in text
    for hid in report.result.summary["household_ids"]:
        id_number, phone = db.execute("SELECT id_number, phone FROM household WHERE id = ?",
                                      (hid,)).fetchone()
        assert id_number not in text
        assert f"{id_number[:4]}{'*' * 10}{id_number[-4:]}" in text
        if phone:
            assert phone not in text
            assert f"{phone[:3]}****{phone[-4:]}" in text


def test_full_id_numbers_only_when_asked_and_every_page_says_so(
        built: dict[str, Any], db: sqlite3.Connection) -> None:
    report = built["household_full"]
    assert report.result.sensitive
    pages = pdf_pages(report.path)
    assert all("含个人敏感信息" in page for page in pages)
    text = "".join(pages)
    for hid in report.result.summary["household_ids"]:
        for (id_number,) in db.execute("SELECT id_number FROM member WHERE household_id = ?",
                                       (hid,)):
            assert id_number in text


def test_household_files_of_a_whole_village(report_demo: Path, tmp_path: Path,
                                            today: dt.date, db: sqlite3.Connection) -> None:
    count = db.execute("SELECT count(*) FROM household h JOIN area a ON a.id = h.village_id "
                       "WHERE a.code = ?", (COMMUNITY,)).fetchone()[0]
    steps: list[tuple[int, int]] = []
    with Store.open(report_demo) as store:
        result = build_report(store, ReportRequest("household", village=COMMUNITY),
                              tmp_path / "all.pdf", today=today,
                              progress=lambda done, total: steps.append((done, total)))
    assert result.summary["households"] == count
    assert pdf_page_count(result.path) >= count
    assert steps[-1][0] == steps[-1][1]  # progress reached the end
    assert len(steps) > count  # and was reported along the way


# ---------------------------------------------------------------- 季度工作报告

def test_quarter_report_figures_equal_the_store(built: dict[str, Any], db: sqlite3.Connection,
                                                last_quarter: Quarter) -> None:
    report = built["quarter"]
    span = (last_quarter.start.isoformat(), last_quarter.end.isoformat())
    visits, visited = db.execute(
        "SELECT count(DISTINCT v.id), count(DISTINCT vh.household_id) FROM visit v "
        "JOIN visit_household vh ON vh.visit_id = v.id WHERE v.visit_date BETWEEN ? AND ?",
        span).fetchone()
    households = db.execute("SELECT count(*) FROM household").fetchone()[0]
    actions = db.execute("SELECT count(*) FROM delivery_action WHERE action_date BETWEEN ? AND ?",
                         span).fetchone()[0]
    amount = db.execute("SELECT sum(amount) FROM assistance_record WHERE record_date BETWEEN ? "
                        "AND ?", span).fetchone()[0]
    raised = db.execute("SELECT count(*) FROM urgent_need WHERE raised_on BETWEEN ? AND ?",
                        span).fetchone()[0]
    days = [(dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days for a, b in db.execute(
        "SELECT raised_on, resolved_on FROM urgent_need WHERE status = 'resolved' "
        "AND resolved_on BETWEEN ? AND ?", span)]
    text = pdf_text(report.path)
    assert f"开展走访 {visits:,} 次，走访农户 {visited:,} 户，走访覆盖率 " \
           f"{visited / households * 100:.1f}%" in text
    assert f"开展十送专项行动 {actions:,} 次" in text
    assert f"涉及资金 {amount:,.2f} 元" in text
    assert f"新发现急难愁盼问题 {raised:,} 件，本季度解决 {len(days):,} 件" in text
    median = f"{statistics.median(days):.1f}".rstrip("0").rstrip(".")
    assert f"解决用时中位数 {median} 天" in text
    summary = report.result.summary
    assert (summary["visits"], summary["deliveries"], summary["needs_raised"]) == (
        visits, actions, raised)


def test_quarter_report_counts_each_delivery_category(built: dict[str, Any],
                                                      db: sqlite3.Connection,
                                                      last_quarter: Quarter) -> None:
    span = (last_quarter.start.isoformat(), last_quarter.end.isoformat())
    counts = dict(db.execute("SELECT category, count(*) FROM delivery_action "
                             "WHERE action_date BETWEEN ? AND ? GROUP BY category", span))
    lines = pdf_text(built["quarter"].path, layout=True).splitlines()
    for entry in cat.DELIVERY_CATEGORIES:
        row = next(line for line in lines if line.strip().startswith(entry.zh))
        assert _numbers(row)[0] == str(counts.get(entry.code, 0))


def test_quarter_alerts_equal_the_dashboard(built: dict[str, Any], report_demo: Path,
                                            today: dt.date) -> None:
    with Store.open(report_demo) as store:
        f = area_figures(store, None, today=today)
    lines = pdf_text(built["quarter"].path, layout=True).splitlines()
    for label, value in (("观测对象", f.observation), ("零就业", f.zero_employment),
                         ("逾期未更新", f.overdue)):
        row = next(line for line in lines if line.strip().startswith(label))
        assert _numbers(row)[0] == f"{value:,}"


# ---------------------------------------------------------------- 挂图作战

def test_wall_charts_are_a3_landscape_with_the_dashboard_figures(
        built: dict[str, Any], report_demo: Path, today: dt.date,
        db: sqlite3.Connection) -> None:
    report = built["wallchart"]
    import subprocess

    info = subprocess.run(["pdfinfo", str(report.path)], capture_output=True, text=True).stdout
    assert "1190.55 x 841.89 pts (A3)" in info
    area_id = db.execute("SELECT id FROM area WHERE code = ?", (COMMUNITY,)).fetchone()[0]
    with Store.open(report_demo) as store:
        f = area_figures(store, area_id, today=today)
    households, relocated = db.execute(
        "SELECT count(*), sum(relocated) FROM household WHERE village_id = ?",
        (area_id,)).fetchone()
    assert (f.households, f.relocated) == (households, relocated)
    pages = pdf_pages(report.path)
    profile = pages[0]
    for value in (f.households, f.people, f.relocated, f.observation):
        assert f"{value:,}" in profile
    assert f"{f.per_capita_income:,.0f}" in profile
    industry_page = next(p for p in pages if "产业分布图" in p)
    layout = pdf_text(report.path, layout=True)
    for code, n in f.industries.items():
        label = cat.INDUSTRIES.label(code)
        assert label in industry_page
        share = f"{n / f.households * 100:.1f}%"
        assert re.search(rf"{label}\s+{n:,}\s+{re.escape(share)}", layout), label
    income_page = next(p for p in pages if "收入构成图" in p)
    for value in f.income_composition.values():
        assert f"{value:,.2f}" in income_page


def test_monitoring_chart_lists_every_monitored_household(built: dict[str, Any],
                                                          db: sqlite3.Connection) -> None:
    text = pdf_text(built["wallchart"].path)
    chart = text[text.index("监测帮扶图"):]
    rows = db.execute(
        "SELECT h.number, h.head_name FROM household h JOIN area a ON a.id = h.village_id "
        "WHERE a.code = ? AND h.monitoring_status != 'none'", (COMMUNITY,)).fetchall()
    assert rows
    for number, name in rows:
        assert number in chart and name in chart
    assert built["wallchart"].result.summary["monitored_rows"] == len(rows)


# ---------------------------------------------------------------- 权益清单

def test_rights_report_lists_every_open_right(built: dict[str, Any],
                                              db: sqlite3.Connection) -> None:
    report = built["rights"]
    rows = db.execute(
        "SELECT h.number, r.status, r.responsible FROM rights_item r "
        "JOIN household h ON h.id = r.household_id JOIN area a ON a.id = h.village_id "
        "WHERE a.code = ? AND h.relocated = 1 AND r.deleted = 0", (COMMUNITY,)).fetchall()
    relocated = db.execute("SELECT count(*) FROM household h JOIN area a ON a.id = h.village_id "
                           "WHERE a.code = ? AND h.relocated = 1", (COMMUNITY,)).fetchone()[0]
    problem = sum(s == "problem" for _, s, _ in rows)
    in_progress = sum(s == "in_progress" for _, s, _ in rows)
    unassigned = sum(not who or s is None for _, s, who in rows)
    missing = relocated * 25 - len(rows)
    flagged = {n for n, s, who in rows if s in ("problem", "in_progress") or not who or s is None}
    summary = report.result.summary
    assert (summary["problem"], summary["in_progress"], summary["unassigned"],
            summary["missing"], summary["households"]) == (
        problem, in_progress, unassigned, missing, len(flagged))
    assert problem and in_progress and unassigned
    text = pdf_text(report.path)
    assert all(number in text for number in flagged)
    row = next(line for line in pdf_text(report.path, layout=True).splitlines()
               if _numbers(line)[:1] == [str(relocated)])
    assert _numbers(row) == [str(relocated), str(len(flagged)), str(summary["items"]),
                             str(missing), str(unassigned), str(problem), str(in_progress)]


# ---------------------------------------------------------------- Excel, files

def test_xlsx_holds_the_tables(built: dict[str, Any], db: sqlite3.Connection) -> None:
    visits = load_workbook(built["visits"].xlsx)
    assert visits.sheetnames == ["报表信息", "走访汇总", "走访明细"]
    detail = visits["走访明细"]
    assert [c.value for c in detail[1]][:3] == ["序号", "日期", "走访农户"]
    assert detail.max_row - 1 == built["visits"].result.summary["visits"]
    summary = visits["走访汇总"]
    assert summary["B2"].value == built["visits"].result.summary["visits"]
    assert isinstance(summary["E2"].value, float) and summary["E2"].number_format == "0.0%"

    quarter = load_workbook(built["quarter"].xlsx)
    assert "十送专项行动" in quarter.sheetnames and "帮扶措施" in quarter.sheetnames
    sheet = quarter["十送专项行动"]
    assert sheet.max_row == 1 + len(cat.DELIVERY_CATEGORIES) + 1  # header, categories, total
    assert all(isinstance(sheet.cell(r, 2).value, int) for r in range(2, sheet.max_row + 1))

    households = load_workbook(built["household"].xlsx)["农户汇总"]
    assert households.max_row - 1 == built["household"].result.summary["households"]
    masked = [households.cell(r, 3).value for r in range(2, households.max_row + 1)]
    assert all(MASKED_ID.fullmatch(v) for v in masked)


def test_default_file_name_is_readable_chinese_under_reports(
        demo_copy: Path, today: dt.date, db: sqlite3.Connection) -> None:
    name = db.execute("SELECT name FROM area WHERE code = ?", (COMMUNITY,)).fetchone()[0]
    with Store.open(demo_copy) as store:
        result = build_report(store, ReportRequest("rights", village=COMMUNITY), today=today)
    assert result.path.parent == demo_copy / "reports"
    assert result.path.name == f"权益清单核查报告_{name}_{today:%Y%m%d}.pdf"
    assert [p.name for p in result.path.parent.iterdir()] == [result.path.name]


def test_cancelled_build_leaves_no_file(demo_copy: Path, tmp_path: Path, today: dt.date) -> None:
    class Stop(Exception):
        pass

    def progress(done: int, total: int) -> None:
        if done > total // 2:
            raise Stop

    out = tmp_path / "out"
    out.mkdir()
    with Store.open(demo_copy) as store, pytest.raises(Stop):
        build_report(store, ReportRequest("household", village=COMMUNITY), out / "x.pdf",
                     xlsx=out / "x.xlsx", progress=progress, today=today)
    assert list(out.iterdir()) == []


def test_a_failed_build_keeps_the_previous_file(demo_copy: Path, tmp_path: Path,
                                                today: dt.date) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "r.pdf"
    target.write_bytes(b"previous")
    with Store.open(demo_copy) as store, pytest.raises(KeyboardInterrupt):
        build_report(store, ReportRequest("rights"), target, today=today,
                     progress=lambda d, t: (_ for _ in ()).throw(KeyboardInterrupt)
                     if d > 1 else None)
    assert target.read_bytes() == b"previous"
    assert [p.name for p in folder.iterdir()] == ["r.pdf"]
