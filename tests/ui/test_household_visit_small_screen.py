"""A netbook's 1024×600 screen (common in village offices): the household page (农户详情) and
the visit form (记录走访) are fully usable in a main window of that size. Every field of
every tab can be reached (it lies in the visible part of the window, or inside a scroll area
whose scroll bar brings it into view), the page is not wider or taller than the room the
window gives it, and no number on a label or in an ID/date/amount field is cut off, in
Chinese and in English, with the red messages, several households and photos that make a
form grow."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QStyle,
    QStyleOptionFrame,
    QTabBar,
    QWidget,
)
from ui_helpers import context_in, wait_for_tasks

from workteam_desktop.store.household_detail import household_detail
from workteam_desktop.store.households import list_households
from workteam_desktop.ui.context import AppContext
from workteam_desktop.ui.main_window import MainWindow

SMALL = QSize(1024, 600)
DIGIT = re.compile(r"\d")
INPUTS = (QLineEdit, QComboBox, QAbstractButton, QPlainTextEdit, QAbstractSpinBox,
          QAbstractItemView)


@pytest.fixture(params=["zh", "en"])
def small_ctx(request, qapp: QApplication, ui_home: Path):
    """An AppContext in each language (the English translator loaded for "en")."""
    with context_in(qapp, ui_home, request.param) as context:
        yield context


def small_window(qtbot, ctx: AppContext, monkeypatch) -> MainWindow:
    # Closed at the end of a test with a form still filled in: no question box.
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *_a, **_k: QMessageBox.StandardButton.Discard)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(SMALL)
    window.show()
    qtbot.waitExposed(window)
    wait_for_tasks(qtbot, ctx)
    return window


def settle(qtbot, ctx: AppContext, window: MainWindow) -> None:
    """Let background loads land and layouts settle; the window is still 1024×600 and the
    page fits the room the window gives it (nothing scrolls the whole page sideways or
    pushes its save button below the window's edge)."""
    wait_for_tasks(qtbot, ctx)
    QApplication.processEvents()
    window.resize(SMALL)
    QApplication.processEvents()
    assert window.size() == SMALL, window.minimumSizeHint()
    page = window.current_page()
    area = page.parentWidget()
    assert page.width() <= area.width() and page.height() <= area.height(), \
        (page.size(), area.size())
    # …without squeezing its rows below their least height either (fields would overlap).
    least = page.minimumSizeHint()
    assert least.width() <= area.width() and least.height() <= area.height(), \
        (least, area.size())


def _inputs(root: QWidget) -> list[QWidget]:
    found = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INPUTS) or isinstance(widget, QHeaderView):
            continue
        if not widget.isVisibleTo(root) or widget.window() is not root.window():
            continue
        if isinstance(widget.parentWidget(), QComboBox | QAbstractSpinBox | QTabBar):
            continue  # a part of a field (its line edit, a tab bar's scroll arrows)
        if isinstance(widget, QAbstractButton) and widget.text() == "":
            continue  # a line edit's clear button, a chip's ×: the field is checked
        found.append(widget)
    return found


def unreachable(widget: QWidget) -> str | None:
    """Why ``widget`` cannot be brought fully into view, or None. Walking up from the
    widget, each parent must hold the whole widget, except that a scroll area's content
    may be larger than its viewport when the scroll bar covers the difference."""
    window = widget.window()
    rect = QRect(QPoint(0, 0), widget.size())
    child: QWidget = widget
    while child is not window:
        rect.translate(child.pos())
        parent = child.parentWidget()
        scroll = parent.parentWidget()
        if isinstance(scroll, QScrollArea) and parent is scroll.viewport():
            content = child.geometry()
            if not content.contains(rect):
                return f"outside its scroll area's content {content} ({rect})"
            if content.height() - parent.height() > scroll.verticalScrollBar().maximum() + 1:
                return "below the reach of its scroll area"
            if content.width() - parent.width() > scroll.horizontalScrollBar().maximum() + 1:
                return "right of the reach of its scroll area"
            # Whatever is inside can be scrolled into the viewport: go on from there.
            rect = QRect(QPoint(0, 0), parent.size())
        elif not QRect(QPoint(0, 0), parent.size()).contains(rect):
            return f"cut by {type(parent).__name__} {parent.size()} ({rect})"
        child = parent
    return None


def _describe(widget: QWidget) -> str:
    for attr in ("text", "placeholderText", "currentText"):
        value = getattr(widget, attr, None)
        if callable(value) and value():
            return repr(value())
    return ""


def assert_reachable(root: QWidget, where: str) -> None:
    inputs = _inputs(root)
    assert inputs, where
    problems = [f"{type(w).__name__} {_describe(w)}: {unreachable(w)}"
                for w in inputs if unreachable(w)]
    assert not problems, (where, problems)


def assert_numbers_whole(root: QWidget, where: str) -> None:
    """Every label showing a digit shows all of it (or wraps)."""
    cut = []
    for label in root.findChildren(QLabel):
        if not label.isVisibleTo(root) or label.wordWrap() or not DIGIT.search(label.text()):
            continue
        width = label.contentsRect().width()
        for line in label.text().split("\n"):
            if label.fontMetrics().horizontalAdvance(line) > width:
                cut.append((line, width))
    assert not cut, (where, cut)


def assert_tabs_whole(bar: QTabBar, where: str) -> None:
    """Every tab title ("家庭成员（3）", "Visits (2)") shows whole, without scroll arrows."""
    for i in range(bar.count()):
        if not bar.isTabVisible(i):
            continue
        rect = bar.tabRect(i)
        assert QRect(QPoint(0, 0), bar.size()).contains(rect), (where, bar.tabText(i))
        assert rect.width() >= bar.fontMetrics().horizontalAdvance(bar.tabText(i)), \
            (where, bar.tabText(i))


def assert_shows_whole(edit: QLineEdit, where: str) -> None:
    """A line edit shows all of its text (no start or end scrolled out of sight)."""
    option = QStyleOptionFrame()
    edit.initStyleOption(option)
    inner = edit.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, edit)
    margins = edit.textMargins()
    room = inner.width() - margins.left() - margins.right() - 4  # 2 px each side of the text
    assert edit.fontMetrics().horizontalAdvance(edit.text()) <= room, (where, edit.text())


def shot(window: QWidget, tmp_path: Path, name: str) -> None:
    """Keep a picture of the window (also in $WORKTEAM_SHOTS, for a person to look at)."""
    window.grab().save(str(tmp_path / name))
    if os.environ.get("WORKTEAM_SHOTS"):
        window.grab().save(str(Path(os.environ["WORKTEAM_SHOTS"]) / name))


def type_over(qtbot, edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)


# ---------------------------------------------------------------- 记录走访

def _photos(tmp_path: Path, n: int) -> list[str]:
    paths = []
    for i in range(n):
        image = QImage(80, 60, QImage.Format.Format_RGB32)
        image.fill(QColor("#4a7"))
        path = tmp_path / f"photo{i}.png"
        image.save(str(path))
        paths.append(str(path))
    return paths


def test_the_visit_form_is_usable_at_1024x600(qtbot, small_ctx, tmp_path,
                                              monkeypatch) -> None:
    ctx = small_ctx
    window = small_window(qtbot, ctx, monkeypatch)
    ctx.navigate("visit")
    page = window.current_page()
    settle(qtbot, ctx, window)
    assert_reachable(page, "empty visit form")
    # A visit to two households, with needs, photos and every red message showing: the
    # form is taller than the window and scrolls; the save bar stays in view below it.
    households = list_households(ctx.store, limit=2)
    page.households.load([h["id"] for h in households])
    wait_for_tasks(qtbot, ctx)
    qtbot.waitUntil(lambda: len(page.households.ids()) == 2)
    for text in ("房顶漏雨", "孩子上学交通不便", "慢性病用药负担重"):
        page.need_text.setText(text)
        page.need_category.setCurrentIndex(0)
        assert page.add_need()
    page._set_photos(_photos(tmp_path, 4))
    page.time_edit.setText("25:99")
    page.follow_up.setText("明天")
    page.need_due.setText("下周")
    page.save()  # refused: the messages show next to their fields
    settle(qtbot, ctx, window)
    assert page.date_error.isVisible() and page.follow_up_error.isVisible()
    assert page.need_error.isVisible()
    shot(window, tmp_path, f"visit_small_{ctx.lang}.png")
    assert_reachable(page, "visit form with messages")
    assert_numbers_whole(page, "visit form")
    assert page.save_button.isVisible() and unreachable(page.save_button) is None
    assert page.form_scroll.verticalScrollBar().maximum() > 0  # it does scroll
    # Tab into a field below the fold brings it into view.
    page.measures.setFocus()
    qtbot.keyClick(page.measures, Qt.Key.Key_Tab)
    assert page.follow_up.hasFocus()
    QApplication.processEvents()
    top = page.follow_up.mapTo(page.form_scroll.viewport(), QPoint(0, 0)).y()
    assert 0 <= top <= page.form_scroll.viewport().height() - page.follow_up.height()


# ---------------------------------------------------------------- 农户详情

def _busiest_household(ctx: AppContext) -> dict:
    """A relocated household (every tab shows) with the most red and amber words."""

    def words(row: dict) -> tuple[int, int]:
        detail = household_detail(ctx.store, row["id"])
        dangling = any(r["missing"] or r["unassigned"] for r in detail["rights"])
        needs = any(n["status"] != "resolved" for v in detail["visits"]
                    for n in v["urgent_needs"])
        return len(detail["flags"]) + dangling + needs, len(detail["visits"])

    relocated = [r for r in list_households(ctx.store) if r["relocated"]]
    return max(relocated, key=words)


def test_the_household_page_is_usable_at_1024x600(qtbot, small_ctx, tmp_path,
                                                  monkeypatch) -> None:
    ctx = small_ctx
    target = _busiest_household(ctx)
    window = small_window(qtbot, ctx, monkeypatch)
    ctx.navigate("household", household=target["id"])
    page = window.current_page()
    settle(qtbot, ctx, window)
    assert page.household_id == target["id"]
    # Edited, with red messages on both editable tabs: the header says so beside its
    # buttons (放弃修改 shows too), and the forms grow by a line per message.
    type_over(qtbot, page.fields["phone"].widget, "1391234abc")
    type_over(qtbot, page.fields["relocation_year"].widget, "18")
    type_over(qtbot, page.income_edits["wage"], "250000")
    type_over(qtbot, page.income_edits["costs"], "-20")
    page.save()  # refused: every wrong field shows its message
    settle(qtbot, ctx, window)
    assert page.has_unsaved_changes() and page.discard_button.isVisible()
    assert "有误" in page.state_label.text() or "wrong" in page.state_label.text()
    assert_numbers_whole(page, "header")
    assert_tabs_whole(page.tabs.tabBar(), "tab titles")
    for index in range(page.tabs.count()):
        if not page.tabs.isTabVisible(index):
            continue
        page.show_tab(index)
        settle(qtbot, ctx, window)
        where = f"tab {page.tabs.tabText(index)}"
        shot(window, tmp_path, f"household_small_{ctx.lang}_tab{index}.png")
        assert_reachable(page, where)
        assert_numbers_whole(page, where)
    assert not page.fields["phone"].error.isHidden()
    assert not page.income_errors["costs"].isHidden()
    for name in ("id_number", "phone", "form_updated_on"):
        assert_shows_whole(page.fields[name].widget, name)
    for edit in page.income_edits.values():
        assert_shows_whole(edit, "income")
    page.discard_changes()
    wait_for_tasks(qtbot, ctx)
