"""导入花名册 wizard and 导出花名册 on the 农户档案 page, on a copy of the demo county:
the guessed columns are preselected and can be changed, the check lists every problem and
saves it as Excel, the import writes (or, cancelled, writes nothing), the export reads back."""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
from PySide6.QtCore import Qt
from ui_helpers import wait_for_tasks

import dbfile

DATA = Path(__file__).resolve().parents[1] / "data"
sys.path.insert(0, str(DATA))

import make_rosters  # noqa: E402

from workteam_desktop.roster.check import check_roster  # noqa: E402
from workteam_desktop.roster.export import HEADERS  # noqa: E402
from workteam_desktop.roster.read import read_roster  # noqa: E402
from workteam_desktop.ui.pages.households import HouseholdsPage  # noqa: E402
from workteam_desktop.ui.roster_import import (  # noqa: E402
    STEP_CHECK,
    STEP_MAPPING,
    STEP_RESULT,
    RosterImportDialog,
    run_import,
)
from workteam_desktop.ui.tasks import Cancelled, JobState  # noqa: E402

XLSX = str(DATA / make_rosters.XLSX_NAME)


def households(ctx) -> int:
    with ctx.store.read() as cur:
        return cur.execute("SELECT count(*) FROM household WHERE deleted = 0").fetchone()[0]


def changes(ctx) -> int:
    with ctx.store.read() as cur:
        return cur.execute("SELECT count(*) FROM change_log").fetchone()[0]


def open_wizard(qtbot, ctx) -> tuple[HouseholdsPage, RosterImportDialog]:
    page = HouseholdsPage(ctx)
    qtbot.addWidget(page)
    page.activate()
    wait_for_tasks(qtbot, ctx)
    page.import_roster_button.click()
    dialog = page.findChild(RosterImportDialog)
    assert dialog is not None and dialog.isVisible()
    return page, dialog


def test_wizard_maps_checks_and_imports_the_system_export(qtbot, ctx, tmp_path: Path) -> None:
    _page, dialog = open_wizard(qtbot, ctx)
    assert not dialog.next_button.isEnabled()  # nothing chosen yet
    dialog.load_file(XLSX)
    wait_for_tasks(qtbot, ctx)
    assert dialog.next_button.isEnabled()
    dialog.next_button.click()
    assert dialog.stack.currentIndex() == STEP_MAPPING
    headers = dialog.table_data.headers
    guessed = {h: dialog.field_box(i).currentData() for i, h in enumerate(headers)}
    assert guessed["户主姓名"] == "head_name" and guessed["证件号码"] == "id_number"
    assert guessed["序号"] is None
    # A field goes to one column only: choosing it elsewhere clears the first column.
    serial = headers.index("序号")
    box = dialog.field_box(serial)
    box.setCurrentIndex(box.findData("number"))
    assert dialog.field_box(headers.index("户编号")).currentData() is None
    box.setCurrentIndex(0)
    number_box = dialog.field_box(headers.index("户编号"))
    number_box.setCurrentIndex(number_box.findData("number"))

    before = households(ctx)
    dialog.next_button.click()
    wait_for_tasks(qtbot, ctx)
    assert dialog.stack.currentIndex() == STEP_CHECK
    assert households(ctx) == before  # checking writes nothing
    plan = dialog.checked.plan
    assert dialog.problem_table.rowCount() == len(plan.problems) > 0
    make_rosters.build_xlsx_rows()
    shown_rows = {int(dialog.problem_table.item(i, 0).text())
                  for i in range(dialog.problem_table.rowCount())}
    assert shown_rows >= set(make_rosters.BAD_XLSX_ROWS)
    report = tmp_path / "问题清单.xlsx"
    dialog.save_report(str(report))
    saved = list(openpyxl.load_workbook(report).active.iter_rows(min_row=3, values_only=True))
    assert len(saved) == len(plan.problems)

    dialog.next_button.click()  # 开始导入
    wait_for_tasks(qtbot, ctx)
    assert dialog.stack.currentIndex() == STEP_RESULT
    assert households(ctx) == before + len(plan.households) == before + 20
    assert "新增20户" in dialog.result_label.text()
    assert dialog.close_button.isEnabled()
    dialog.close()


def test_a_cancelled_import_writes_nothing(qtbot, ctx) -> None:
    _page, dialog = open_wizard(qtbot, ctx)
    dialog.load_file(XLSX)
    wait_for_tasks(qtbot, ctx)
    dialog.go_next()
    dialog.go_next()
    wait_for_tasks(qtbot, ctx)
    before = (households(ctx), changes(ctx))
    # Another writer holds the store, so the import waits at its start: the cancel is
    # certain to arrive before it writes anything.
    blocker = dbfile.connect(ctx.store.path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        dialog.go_next()
        assert not dialog.close_button.isEnabled()  # 关闭 waits: 取消导入 comes first
        dialog.cancel_button.click()
        assert not dialog.cancel_button.isEnabled()
    finally:
        blocker.execute("COMMIT")
        blocker.close()
    wait_for_tasks(qtbot, ctx)
    assert dialog.stack.currentIndex() == STEP_RESULT
    assert dialog.result_label.text() == "已取消导入，没有写入任何数据。"
    assert (households(ctx), changes(ctx)) == before
    dialog.close()


def test_the_import_job_stops_at_a_cancel_and_rolls_back(ctx) -> None:
    plan = check_roster(ctx.store, read_roster(XLSX))
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int, _text: str) -> None:
        seen.append((done, total))
        if done:
            state.cancel()

    state = JobState(progress)
    before = (households(ctx), changes(ctx))
    try:
        run_import(state, ctx.store, plan)
    except Cancelled:
        pass
    else:
        raise AssertionError("the import did not stop")
    assert seen[-1][0] > 0  # it had written a chunk before the cancel …
    assert (households(ctx), changes(ctx)) == before  # … and none of it stayed


def test_export_button_writes_a_roster_that_reads_back(qtbot, ctx, tmp_path: Path) -> None:
    page = HouseholdsPage(ctx)
    qtbot.addWidget(page)
    out = tmp_path / "花名册.xlsx"
    page.export_roster_to(str(out))
    wait_for_tasks(qtbot, ctx)
    assert page.roster_status.text().startswith("已导出600户")
    assert page.export_roster_button.isEnabled()
    table = read_roster(out)
    assert table.headers == HEADERS
    assert len({cells[1] for _, cells in table.rows}) == 600


def test_a_roster_without_village_column_goes_to_the_chosen_village(qtbot, ctx,
                                                                    tmp_path: Path) -> None:
    path = tmp_path / "一个村.csv"
    rows = make_rosters.build_csv_rows()[:2]
    path.write_text("户主,身份证号码\n" + "".join(f"{r[2]},{r[3]}\n" for r in rows),
                    encoding="utf-8")
    _page, dialog = open_wizard(qtbot, ctx)
    dialog.load_file(str(path))
    wait_for_tasks(qtbot, ctx)
    dialog.go_next()
    dialog.go_next()  # no village column and none chosen: refused with a message
    assert dialog.stack.currentIndex() == STEP_MAPPING
    assert dialog.status.text() == "请指定哪一列是所在村"
    dialog.village_box.setCurrentIndex(dialog.village_box.findText("后营村", Qt.MatchFlag.MatchContains))
    dialog.go_next()
    wait_for_tasks(qtbot, ctx)
    assert dialog.stack.currentIndex() == STEP_CHECK and not dialog.checked.plan.problems
    dialog.go_next()
    wait_for_tasks(qtbot, ctx)
    with ctx.store.read() as cur:
        placed = cur.execute("SELECT a.name FROM household h JOIN area a ON a.id = h.village_id "
                             "WHERE h.id_number IN (?, ?)", (rows[0][3], rows[1][3])).fetchall()
    assert [tuple(r) for r in placed] == [("后营村",), ("后营村",)]
    dialog.close()
