"""Issue 15 on a 1024×600 netbook and in English: list columns as wide as their words,
the information form reflowing to fewer columns, the dashboard's legends whole, the
navigation without a sideways bar, arrows drawn on every list and number box, and Qt's file
dialog in one language with readable dates."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QSpinBox,
    QStyle,
    QStyleOptionComboBox,
    QStyleOptionSpinBox,
    QTableView,
    QWidget,
)
from ui_helpers import context_in, wait_for_tasks

from workteam_desktop.ui.columns import fit_columns_to_text, needed_widths
from workteam_desktop.ui.context import AppContext
from workteam_desktop.ui.main_window import MainWindow

NETBOOK = (1024, 600)
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))  # make_rosters


@pytest.fixture
def en_ctx(qapp: QApplication, ui_home: Path) -> Iterator[AppContext]:
    """An English AppContext; afterwards the app is Chinese again for the other tests."""
    with context_in(qapp, ui_home, "en") as context:
        yield context


def _window(qtbot, ctx: AppContext, page: str, size: tuple[int, int] = NETBOOK) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    window.show_page(page)
    wait_for_tasks(qtbot, ctx)
    for _turn in range(6):  # posted layout requests ripple up one parent a turn
        QApplication.processEvents()
    return window


def _cut_cells(view: QTableView, skip: set[int]) -> list[str]:
    """Cells on screen whose text is wider than their column (Qt shows them with "…")."""
    cut = []
    model = view.model()
    metrics = view.fontMetrics()
    first, last = view.rowAt(0), view.rowAt(view.viewport().height() - 1)
    last = model.rowCount() - 1 if last < 0 else last
    for row in range(max(first, 0), last + 1):
        for column in range(model.columnCount()):
            text = model.index(row, column).data()
            if column in skip or not text or view.isColumnHidden(column):
                continue
            if metrics.horizontalAdvance(str(text)) + 8 > view.columnWidth(column):
                cut.append(f"row {row} column {column}: {text!r} in {view.columnWidth(column)} px")
    return cut


# ---------------------------------------------------------------- columns from the text


def test_fit_columns_to_text_sizes_columns_to_header_and_cells(qtbot) -> None:
    model = QStandardItemModel(3, 3)
    model.setHorizontalHeaderLabels(["Monitoring status", "No.", "Note"])
    for row, texts in enumerate((["Not monitored", "1", "x"],
                                 ["Poverty-alleviated household", "22", "y"],
                                 ["Monitored", "333", "z"])):
        for column, text in enumerate(texts):
            model.setItem(row, column, QStandardItem(text))
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(900, 300)
    fit_columns_to_text(view, stretch_column=2)
    view.show()
    qtbot.waitExposed(view)
    metrics = view.fontMetrics()
    assert view.columnWidth(0) >= metrics.horizontalAdvance("Poverty-alleviated household")
    assert view.columnWidth(1) >= metrics.horizontalAdvance("No.")
    assert view.columnWidth(1) < view.columnWidth(0)
    # The stretch column takes the rest of the width.
    assert sum(view.columnWidth(c) for c in range(3)) == view.viewport().width()
    # Longer texts (another language) widen the column again.
    model.setItem(0, 1, QStandardItem("A much longer number column text"))
    model.layoutChanged.emit()
    qtbot.waitUntil(lambda: view.columnWidth(1) >= metrics.horizontalAdvance(
        "A much longer number column text"))


def test_give_way_columns_shrink_only_when_that_saves_the_sideways_scroll(qtbot) -> None:
    """English on a netbook: a free-text column beside the stretch column elides (its text
    in the tooltip) so that the table fits; a table too wide anyway keeps every text whole."""
    words = "a rather long outcome text that needs room"
    model = QStandardItemModel(2, 4)
    model.setHorizontalHeaderLabels(["Household", "Content", "Amount", "Outcome"])
    for row in range(2):
        for column, text in enumerate(("Wang Wu (1002020149)", words, "1,234.00", words)):
            model.setItem(row, column, QStandardItem(text))
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    fit_columns_to_text(view, stretch_column=1, give_way=(3,))
    view.show()
    qtbot.waitExposed(view)
    metrics = view.fontMetrics()
    full = needed_widths(view)[3]  # the whole text (or the cap for any column)
    fixed = view.columnWidth(0) + view.columnWidth(2)
    least = metrics.horizontalAdvance("汉") * 8
    # Room for the stretch column's least and part of the outcome: the outcome gives way.
    view.resize(fixed + least + full // 2 + 2 * view.frameWidth(), 300)
    qtbot.waitUntil(lambda: sum(view.columnWidth(c) for c in range(4))
                    <= view.viewport().width())
    assert view.columnWidth(3) < full
    assert view.columnWidth(0) >= metrics.horizontalAdvance("Wang Wu (1002020149)")
    assert view.columnWidth(2) >= metrics.horizontalAdvance("1,234.00")
    # Too narrow for anything to help: nothing is cut, the table scrolls sideways.
    view.resize(fixed // 2, 300)
    qtbot.waitUntil(lambda: view.columnWidth(3) >= full)
    assert view.columnWidth(0) >= metrics.horizontalAdvance("Wang Wu (1002020149)")


def test_english_household_list_shows_whole_words(qtbot, en_ctx: AppContext) -> None:
    """"Poverty…", "Not moni…" (issue 15): each column fits its English words."""
    window = _window(qtbot, en_ctx, "households")
    page = window.current_page()
    view = page.table
    qtbot.waitUntil(lambda: view.model().rowCount() > 0)
    flags = view.model().columnCount() - 1  # the stretch column (badges)
    assert not _cut_cells(view, {flags})


def test_english_visit_list_shows_whole_words(qtbot, en_ctx: AppContext) -> None:
    """"Pendi…" (issue 15): each column but the findings (which take the rest) fits."""
    window = _window(qtbot, en_ctx, "visits")
    page = window.current_page()
    view = page.visit_view
    qtbot.waitUntil(lambda: view.model().rowCount() > 0)
    assert not _cut_cells(view, {4})  # 发现情况: long sentences, the stretch column


# ---------------------------------------------------------------- the form and the page frame


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_information_form_fits_a_netbook_and_scrolls(qtbot, ctx: AppContext,
                                                         en_ctx: AppContext, lang: str) -> None:
    """信息采集 at 1024×600 cut its right-hand column (户类型*, 搬迁年份*, 劳动能力*,
    转移净收入) with no scroll bar: now every answer is inside the width, the boxes have
    fewer columns, and the form scrolls up and down."""
    context = en_ctx if lang == "en" else ctx
    window = _window(qtbot, context, "form")
    page = window.current_page()
    qtbot.waitUntil(lambda: page.household is not None)
    for _turn in range(6):
        QApplication.processEvents()
    viewport = page.scroll.viewport()
    answers = [cell.editor.focus_widgets()[0] for _path, cell in page.view.all_cells()
               if cell.shown]
    assert answers
    cut = [w for w in answers
           if w.isVisible() and w.mapTo(viewport, QPoint(w.width(), 0)).x() > viewport.width()]
    assert not cut, [type(w).__name__ for w in cut]
    assert page.view.grids[0].columns < page.view.grids[0].max_columns
    assert page.scroll.verticalScrollBar().maximum() > 0  # the rest is a scroll away
    # The household's number and dates show whole beside or under the chooser.
    summary = page.summary
    assert summary.fontMetrics().horizontalAdvance(summary.text()) <= summary.width()


def test_the_form_has_all_its_columns_on_a_wide_screen(qtbot, ctx: AppContext) -> None:
    window = _window(qtbot, ctx, "form", (1366, 768))
    page = window.current_page()
    qtbot.waitUntil(lambda: page.household is not None)
    assert page.view.grids[0].columns == page.view.grids[0].max_columns


def test_no_page_makes_the_window_wider_than_a_netbook(qtbot, ctx: AppContext) -> None:
    """A page wider than the screen used to widen the window (and cut every page): each page
    now sits in a scroll area of its own."""
    window = _window(qtbot, ctx, "households")
    for name in ("form", "dashboard", "households"):
        window.show_page(name)
        wait_for_tasks(qtbot, ctx)
    hint = window.minimumSizeHint()
    assert hint.width() <= NETBOOK[0] and hint.height() <= NETBOOK[1]
    assert (window.width(), window.height()) == NETBOOK


def test_the_navigation_fits_a_netbook_without_a_sideways_bar(qtbot, en_ctx: AppContext
                                                               ) -> None:
    (en_ctx.store.home / "settings.toml").write_text('role = "supervisor"\n', encoding="utf-8")
    window = _window(qtbot, en_ctx, "dashboard")
    nav = window.nav
    assert nav.count() > 14  # the supervisor's pages too
    assert not nav.horizontalScrollBar().isVisible()
    assert nav.verticalScrollBar().maximum() == 0  # every entry on screen
    metrics = nav.fontMetrics()
    for row in range(nav.count()):
        item = nav.item(row)
        rect = nav.visualItemRect(item)
        assert metrics.horizontalAdvance(item.text()) <= rect.width() - 2 * 14, item.text()


# ---------------------------------------------------------------- the dashboard's legends


@pytest.mark.parametrize("size", [(1366, 768), NETBOOK])
def test_dashboard_legends_show_every_figure_whole(qtbot, ctx: AppContext,
                                                   size: tuple[int, int]) -> None:
    """"工资性…" (issue 15): the legends lost their percentages and counts."""
    window = _window(qtbot, ctx, "dashboard", size)
    page = window.current_page()
    figures = page.figures
    income = [label.text() for label in page.income_legend.labels]
    assert len(income) == len(figures.income_composition)
    assert all(text.endswith("%") for text in income)
    monitoring = [label.text() for label in page.monitoring_legend.labels]
    assert {text.rsplit(" ", 1)[1] for text in monitoring} == {
        f"{n:,}" for n in figures.monitoring.values() if n}
    for label in page.income_legend.labels + page.monitoring_legend.labels:
        assert label.isVisible()
        assert label.fontMetrics().horizontalAdvance(label.text()) <= label.width(), \
            label.text()


# ---------------------------------------------------------------- arrows


def _arrow_drawn(widget: QWidget, rect: QRect) -> bool:
    """A dark arrow inside ``rect`` (the button), and no dark line along its edges (the
    stray line the style sheet left where Fusion's arrow should be)."""
    image = widget.grab().toImage()
    inside = rect.adjusted(2, 2, -2, -2)
    dark_inside = dark_edges = 0
    for x in range(rect.left(), min(rect.right() + 1, image.width())):
        for y in range(rect.top(), min(rect.bottom() + 1, image.height())):
            if QColor(image.pixel(x, y)).lightness() >= 120:
                continue
            if inside.contains(x, y):
                dark_inside += 1
            elif x in (rect.left(), rect.right()) or y in (rect.top(), rect.bottom()):
                dark_edges += 1
    return dark_inside >= 6 and dark_edges <= 2


def test_spin_boxes_and_lists_draw_their_arrows(qtbot, ctx: AppContext) -> None:
    """Under the style sheet spin boxes had no arrows and lists a faint one: each arrow
    is now drawn, dark on light, where the style says the button is."""
    spin = QSpinBox()
    spin.setRange(0, 10)
    spin.setValue(5)
    combo = QComboBox()
    combo.addItems(["脱贫户", "一般户"])
    for widget in (spin, combo):
        qtbot.addWidget(widget)
        widget.resize(180, 30)
        widget.show()
        qtbot.waitExposed(widget)
    spin_option = QStyleOptionSpinBox()
    spin_option.initFrom(spin)
    spin_option.subControls = (QStyle.SubControl.SC_SpinBoxUp
                               | QStyle.SubControl.SC_SpinBoxDown)
    spin_option.stepEnabled = (QSpinBox.StepEnabledFlag.StepUpEnabled
                               | QSpinBox.StepEnabledFlag.StepDownEnabled)
    style = spin.style()
    for control in (QStyle.SubControl.SC_SpinBoxUp, QStyle.SubControl.SC_SpinBoxDown):
        rect = style.subControlRect(QStyle.ComplexControl.CC_SpinBox, spin_option, control,
                                    spin)
        assert rect.width() > 6 and _arrow_drawn(spin, rect), control
    combo_option = QStyleOptionComboBox()
    combo_option.initFrom(combo)
    arrow = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, combo_option,
                                         QStyle.SubControl.SC_ComboBoxArrow, combo)
    assert arrow.width() > 6 and _arrow_drawn(combo, arrow)


# ---------------------------------------------------------------- Qt's file dialog

FILE_DIALOG = textwrap.dedent("""
    import os, sys
    from workteam_desktop.ui.app import dates_follow_language, setup_application
    lang, folder = sys.argv[1], sys.argv[2]
    dates_follow_language(lang)
    from PySide6.QtCore import QDateTime, QLocale
    from PySide6.QtWidgets import QApplication, QFileDialog, QLabel
    app = QApplication([])
    setup_application(app, lang)
    dialog = QFileDialog(None, "", folder)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    labels = [dialog.labelText(label) for label in (QFileDialog.DialogLabel.LookIn,
              QFileDialog.DialogLabel.FileName, QFileDialog.DialogLabel.FileType)]
    stamp = QDateTime.fromString("2026-12-06T11:18:00", "yyyy-MM-ddTHH:mm:ss")
    print("|".join(labels))
    print(QLocale.system().toString(stamp, QLocale.FormatType.ShortFormat))
""")


@pytest.mark.parametrize(("lang", "labels", "date"), [
    ("zh", "查找范围(&L)：|文件名称(&N)：|文件类型(&T)：", "2026/12/6 11:18"),
    ("en", "&Look in:|File &name:|Files of &type:", "12/6/26 11:18 AM"),
])
def test_the_file_dialog_speaks_one_language_with_readable_dates(tmp_path: Path, lang: str,
                                                                 labels: str, date: str) -> None:
    """The non-native file dialog showed "Look in:" and "Files of type:" in a Chinese
    window and dates as "6 12 2026 11:18" (no system locale, as on a bare Linux). Run in a
    fresh process: Qt reads the system locale once, when the application starts."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    env.update(LANG="C", QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", FILE_DIALOG, lang, str(tmp_path)],
                            capture_output=True, text=True, env=env, timeout=60, check=True)
    shown_labels, shown_date = result.stdout.strip().splitlines()[-2:]
    assert shown_labels == labels
    assert shown_date.replace("\u202f", " ") == date


# ---------------------------------------------------------------- supervisor pages, dialogs


def test_english_duplicates_compare_in_english(qtbot, en_ctx: AppContext) -> None:
    """The compared fields ("户编号", "户主身份证号") and members' relations ("户主",
    "配偶") were Chinese in the English window."""
    (en_ctx.store.home / "settings.toml").write_text('role = "supervisor"\n', encoding="utf-8")
    window = _window(qtbot, en_ctx, "duplicates", (1366, 768))
    page = window.current_page()
    qtbot.waitUntil(lambda: page.compare.rowCount() > 5 and page.members_a.rowCount() > 0)
    fields = [page.compare.item(row, 0).text() for row in range(page.compare.rowCount())]
    assert "Household number" in fields and "户编号" not in fields
    relations = {page.members_a.item(row, 1).text() for row in range(page.members_a.rowCount())}
    assert "Head" in relations and "户主" not in relations
    # The compared values too (脱贫户, 是/否, 未纳入 were Chinese).
    import re

    coded = [row for row, name in enumerate(fields)
             if name in ("Household type", "Relocated", "Monitoring status")]
    assert coded, fields
    for row in coded:
        for column in range(1, page.compare.columnCount()):
            item = page.compare.item(row, column)
            assert item is None or not re.search("[\u4e00-\u9fff]", item.text()), item.text()


def test_a_page_without_a_navigation_entry_lights_none(qtbot, ctx: AppContext) -> None:
    window = _window(qtbot, ctx, "reports", (1366, 768))
    assert window.nav.currentItem().data(Qt.ItemDataRole.UserRole) == "reports"
    window.show_page("accounts")  # not in a team member's navigation
    assert window.nav.currentRow() == -1


def test_roster_wizard_lists_show_their_choice_whole(qtbot, en_ctx: AppContext) -> None:
    """导入为 showed "Do nc", "Villag": the column is as wide as its lists."""
    from make_rosters import XLSX_NAME

    from workteam_desktop.ui.roster_import import RosterImportDialog

    dialog = RosterImportDialog(en_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.load_file(str(Path(__file__).resolve().parents[1] / "data" / XLSX_NAME))
    wait_for_tasks(qtbot, en_ctx)
    dialog.go_next()
    table = dialog.mapping_table
    qtbot.waitUntil(lambda: table.columnWidth(2) >= max(
        dialog.field_box(row).sizeHint().width() for row in range(table.rowCount())))


def test_dialogs_fit_a_netbook_screen(qtbot, ctx: AppContext) -> None:
    """A 1024×600 screen leaves about 1024×560 for a window and its title bar."""
    from workteam_desktop.ui.bundle_dialogs import ExportDialog, ImportDialog
    from workteam_desktop.ui.conflict_review import ConflictReviewDialog
    from workteam_desktop.ui.roster_import import RosterImportDialog

    for dialog in (ExportDialog(ctx), ImportDialog(ctx), RosterImportDialog(ctx),
                   ConflictReviewDialog(ctx)):
        qtbot.addWidget(dialog)
        least = dialog.minimumSize().expandedTo(dialog.minimumSizeHint())
        assert least.width() <= 1024 and least.height() <= 520, type(dialog).__name__
        wait_for_tasks(qtbot, ctx)
