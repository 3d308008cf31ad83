"""The 报表 page: build a report in the background, preview it, cancel a long build,
print without the dialog, open the folder."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtPrintSupport import QPrinter
from ui_helpers import wait_for_tasks

from workteam_desktop.reports import reports_dir
from workteam_desktop.ui.pages import reports as reports_page
from workteam_desktop.ui.pages.reports import ReportsPage

COMMUNITY = "140215100001"


@pytest.fixture
def page(qtbot, ctx) -> ReportsPage:
    p = ReportsPage(ctx)
    qtbot.addWidget(p)
    p.resize(1216, 700)
    p.show()
    p.activate()
    wait_for_tasks(qtbot, ctx)
    return p


def _choose(page: ReportsPage, kind: str, area: str | None = None) -> None:
    page.kind_box.setCurrentIndex(page.kind_box.findData(kind))
    page.area_box.setCurrentIndex(page.area_box.findData(area))


def _pdfs(ctx) -> list[Path]:
    folder = reports_dir(ctx.store.home)
    return sorted(folder.iterdir()) if folder.exists() else []


def test_empty_preview_says_what_to_do(page: ReportsPage) -> None:
    assert page.preview_stack.currentWidget() is page.empty
    assert "生成报表" in page.empty.text()
    assert not page.print_button.isEnabled()
    assert page.kind_box.hasFocus() or page.focusWidget() is page.kind_box


def test_build_shows_the_report_in_the_preview(qtbot, ctx, page: ReportsPage) -> None:
    _choose(page, "rights", COMMUNITY)
    assert page.area_box.currentData() == COMMUNITY
    qtbot.keyClick(page.kind_box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.is_building()
    assert not page.build_button.isEnabled() and page.cancel_button.isEnabled()
    wait_for_tasks(qtbot, ctx, timeout=30000)
    assert not page.is_building()
    assert page.document.pageCount() > 0
    assert page.preview_stack.currentWidget() is page.view
    [pdf] = _pdfs(ctx)
    assert page.current_path() == pdf and pdf.name.startswith("权益清单核查报告_")
    assert "已生成" in page.status.text() and pdf.name in page.status.text()
    assert page.recent.item(0).data(Qt.ItemDataRole.UserRole) == str(pdf)
    assert page.print_button.isEnabled() and page.folder_button.isEnabled()


def test_cancel_stops_the_build_and_writes_nothing(qtbot, ctx, page: ReportsPage) -> None:
    _choose(page, "household", None)  # every household of the county: a long build
    qtbot.mouseClick(page.build_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.progress.maximum() > 0 and page.progress.value() > 0,
                    timeout=20000)
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ctx, timeout=30000)
    assert "已取消" in page.status.text()
    assert _pdfs(ctx) == []  # not even a temporary file
    assert page.build_button.isEnabled() and not page.cancel_button.isEnabled()
    assert page.progress.isHidden()
    assert page.preview_stack.currentWidget() is page.empty


def test_parameters_follow_the_report_kind(qtbot, page: ReportsPage) -> None:
    _choose(page, "visits")
    assert page.dates.isVisible() and page.cadre_picker.isVisible()
    assert not page.households.isVisible() and not page.full_id.isVisible()
    _choose(page, "household")
    assert page.households.isVisible() and page.full_id.isVisible()
    assert not page.dates.isVisible()
    assert not page.full_id_warning.isVisible()
    page.full_id_box.setChecked(True)
    assert page.full_id_warning.isVisible() and "敏感" in page.full_id_warning.text()
    assert page.request().full_id
    _choose(page, "quarter")
    assert page.quarter_box.isVisible() and not page.full_id_box.isChecked()
    assert page.request().quarter == page.quarter_box.currentData()


def test_bad_dates_are_refused_before_building(qtbot, ctx, page: ReportsPage) -> None:
    _choose(page, "visits")
    page.from_edit.setDate(QDate(2026, 11, 20))
    page.to_edit.setDate(QDate(2026, 11, 1))
    page.build()
    assert not page.is_building()
    assert "晚于" in page.status.text()
    assert _pdfs(ctx) == []


def test_household_param_picks_the_household(qtbot, ctx, page: ReportsPage) -> None:
    with ctx.store.read() as cur:
        number, hid = cur.execute("SELECT number, id FROM household LIMIT 1").fetchone()
    page.activate(household=number)
    wait_for_tasks(qtbot, ctx)
    assert page.kind_box.currentData() == "household"
    assert page.household_picker.ids() == [hid]
    assert "1 户" in page.household_hint.text()
    page.build()
    wait_for_tasks(qtbot, ctx, timeout=30000)
    assert page.document.pageCount() >= 1
    assert number in page.current_path().name


def test_print_renders_every_page_without_the_dialog(qtbot, ctx, page: ReportsPage,
                                                     tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    _choose(page, "wallchart", COMMUNITY)
    page.build()
    wait_for_tasks(qtbot, ctx, timeout=30000)
    pages = page.document.pageCount()
    out = tmp_path / "printed.pdf"

    def ask(printer: QPrinter) -> bool:  # what the user would choose in the dialog
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        return True

    monkeypatch.setattr(page, "ask_printer", ask)
    monkeypatch.setattr(reports_page, "PRINT_DPI", 60)  # the test checks pages, not pixels
    page.print_report()
    assert page.cancel_button.isEnabled()  # printing runs in the background
    wait_for_tasks(qtbot, ctx, timeout=60000)
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    assert re.search(rf"^Pages:\s+{pages}$", info, re.MULTILINE), (pages, info)
    assert f"{pages} 页" in page.status.text()


def test_open_folder_shows_the_reports_folder(qtbot, ctx, page: ReportsPage,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    _choose(page, "rights", COMMUNITY)
    page.build()
    wait_for_tasks(qtbot, ctx, timeout=30000)
    qtbot.mouseClick(page.folder_button, Qt.MouseButton.LeftButton)
    assert [Path(u.toLocalFile()) for u in opened] == [reports_dir(ctx.store.home)]


def test_the_latest_report_is_previewed_when_the_page_opens(qtbot, ctx) -> None:
    first = ReportsPage(ctx)
    qtbot.addWidget(first)
    first.activate()
    wait_for_tasks(qtbot, ctx)
    _choose(first, "rights", COMMUNITY)
    first.build()
    wait_for_tasks(qtbot, ctx, timeout=30000)
    again = ReportsPage(ctx)
    qtbot.addWidget(again)
    again.activate()
    wait_for_tasks(qtbot, ctx)
    assert again.current_path() == first.current_path()
    assert again.document.pageCount() == first.document.pageCount() > 0
