"""Every page of the main window at 1366×768 and at 1024×600 (the netbooks many village teams
have), in Chinese and in English (issue 15): the window fits the screen, no number on a label
or button is cut, every input can be reached (on screen or by scrolling), and table headers
are not cut where the table has room for them.

Each page is grabbed to a PNG in the test's tmp dir, and into ``$WORKTEAM_SHOTS`` when that
is set, so a person can look at them: ``WORKTEAM_SHOTS=/tmp/shots pytest tests/ui/test_every…``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import Qt as QtGui_Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableView,
    QWidget,
)
from ui_helpers import context_in, wait_for_tasks

from workteam_desktop.store.households import list_households
from workteam_desktop.ui.columns import HEADER_PADDING, header_needed_width
from workteam_desktop.ui.context import AppContext
from workteam_desktop.ui.main_window import PAGE_SPECS, SUPERVISOR_PAGES, MainWindow

SIZES = [(1366, 768), (1024, 600)]
LANGS = ["zh", "en"]
DIGIT = re.compile(r"\d")
INPUTS = (QLineEdit, QComboBox, QSpinBox, QDateEdit, QPlainTextEdit, QCheckBox)
# Pages of other helpers' files (issue 15 is shared): reported, not fixed, here.
TEAM_PAGES = [name for name, _m, _c, _shown in PAGE_SPECS if name not in SUPERVISOR_PAGES]


@dataclass
class Problem:
    page: str
    check: str
    widget: str
    detail: str

    def __str__(self) -> str:
        return f"{self.page}: {self.check}: {self.widget}: {self.detail}"


@pytest.fixture
def lang_ctx(request, qapp: QApplication, demo_copy) -> Iterator[AppContext]:
    """An AppContext in the language ``request.param`` over a demo county in supervisor mode
    (so the supervisor pages are in the navigation too); Chinese again afterwards."""
    lang = request.param
    home = demo_copy()
    (home / "settings.toml").write_text('role = "supervisor"\n', encoding="utf-8")
    with context_in(qapp, home, lang) as context:
        yield context


def _name(widget: QWidget) -> str:
    text = ""
    for attr in ("text", "placeholderText", "currentText"):
        getter = getattr(widget, attr, None)
        if callable(getter):
            try:
                text = getter()
            except TypeError:
                continue
            if text:
                break
    name = widget.objectName()
    return f"{type(widget).__name__}{'#' + name if name else ''}({text[:40]!r})"


def _window_rect(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def _clip(widget: QWidget, window: QWidget, stop: QWidget | None = None) -> QRect:
    """The part of ``widget`` its ancestors (up to ``stop`` or the window) leave visible, in
    window coordinates."""
    rect = _window_rect(widget, window)
    parent = widget.parentWidget()
    while parent is not None and parent is not stop:
        rect = rect.intersected(_window_rect(parent, window))
        if parent is window:
            break
        parent = parent.parentWidget()
    return rect


def _fully_shown(rect: QRect, clipped: QRect) -> bool:
    return (clipped.width() >= rect.width() - 1 and clipped.height() >= rect.height() - 1)


def _scroll_reaches(widget: QWidget, area: QAbstractScrollArea) -> bool:
    """Scrolling ``area`` can bring all of ``widget`` into its viewport."""
    viewport = area.viewport()
    top_left = widget.mapTo(viewport, QPoint(0, 0))
    for bar, policy, pos, size, room in (
            (area.horizontalScrollBar(), area.horizontalScrollBarPolicy(), top_left.x(),
             widget.width(), viewport.width()),
            (area.verticalScrollBar(), area.verticalScrollBarPolicy(), top_left.y(),
             widget.height(), viewport.height())):
        # A scroll bar switched off cannot be used, whatever its range.
        reach = 0 if policy == Qt.ScrollBarPolicy.ScrollBarAlwaysOff else bar.maximum()
        content = pos + bar.value()
        if content < -1:
            return False
        # Wider than the viewport itself: the start of it must be reachable at least.
        if content + min(size, room) > room + reach + 1:
            return False
    return True


def _reachable(widget: QWidget, window: QWidget) -> bool:
    rect = _window_rect(widget, window)
    if _fully_shown(rect, _clip(widget, window)):
        return True
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, QAbstractItemView):
            return True  # an editor in a table: the view scrolls to its row
        if isinstance(parent, QAbstractScrollArea):
            if not _scroll_reaches(widget, parent):
                return False
            # The scroll area itself must be on screen.
            viewport = parent.viewport()
            shown = _clip(viewport, window)
            return shown.height() >= min(viewport.height(), 40) - 1 and shown.width() > 40
        parent = parent.parentWidget()
    return False


def _text_width(widget: QLabel | QPushButton) -> int:
    text = widget.text()
    metrics = widget.fontMetrics()
    if isinstance(widget, QLabel) and (widget.textFormat() == Qt.TextFormat.RichText or (
            widget.textFormat() == Qt.TextFormat.AutoText and QtGui_Qt.mightBeRichText(text))):
        doc = QTextDocument()
        doc.setDefaultFont(widget.font())
        doc.setDocumentMargin(0)
        doc.setHtml(text)
        return int(doc.idealWidth())
    return max(metrics.horizontalAdvance(line) for line in text.split("\n"))


def _cut_numbers(page: str, root: QWidget) -> list[Problem]:
    problems = []
    for widget in root.findChildren(QLabel) + root.findChildren(QPushButton):
        if not widget.isVisible() or not DIGIT.search(widget.text()):
            continue
        if isinstance(widget, QLabel):
            if widget.wordWrap():
                continue
            room = widget.contentsRect().width() - 2 * max(widget.margin(), 0) - max(
                widget.indent(), 0)
        else:
            room = widget.width() - 2 * 8 - (
                widget.iconSize().width() + 4 if not widget.icon().isNull() else 0)
        need = _text_width(widget)
        if need > room + 1:
            problems.append(Problem(page, "number cut", _name(widget),
                                    f"text needs {need} px, has {room} px"))
    return problems


def _unreachable(page: str, root: QWidget, window: QWidget) -> list[Problem]:
    problems = []
    for kind in INPUTS:
        for widget in root.findChildren(kind):
            if not widget.isVisible() or widget.width() <= 0:
                continue
            if isinstance(widget, QLineEdit) and isinstance(
                    widget.parentWidget(), (QComboBox, QSpinBox, QDateEdit)):
                continue  # a combo or spin box's own line edit: the box is checked
            if not _reachable(widget, window):
                problems.append(Problem(page, "input out of reach", _name(widget),
                                        f"at {_window_rect(widget, window).getRect()}"))
    return problems


def _cut_headers(page: str, root: QWidget) -> list[Problem]:
    problems = []
    for view in root.findChildren(QTableView):
        header = view.horizontalHeader()
        if not view.isVisible() or not header.isVisible() or view.model() is None:
            continue
        columns = [c for c in range(header.count()) if not header.isSectionHidden(c)]
        needed = {c: header_needed_width(view, c) - HEADER_PADDING for c in columns}
        if view.viewport().width() < sum(needed.values()):
            continue  # no room for every header: a horizontal scroll bar is fair
        for c in columns:
            if header.sectionSize(c) < needed[c] - 2:
                text = view.model().headerData(c, Qt.Orientation.Horizontal)
                problems.append(Problem(
                    page, "header cut", f"{_name(view)} column {c} {text!r}",
                    f"needs {needed[c]} px, has {header.sectionSize(c)} px"))
    return problems


def _sideways(page: str, root: QWidget) -> list[Problem]:
    """A scroll area or list (not a table) on the page that scrolls sideways: what is right
    of it is out of sight (a form or a group of labels wider than the screen, a list's
    entries cut)."""
    problems = []
    for area in root.findChildren(QScrollArea) + root.findChildren(QListView):
        bar = area.horizontalScrollBar()
        if area.isVisible() and bar.maximum() > 0:
            problems.append(Problem(page, "scrolls sideways", _name(area),
                                    f"{bar.maximum()} px out of sight"))
    return problems


def _check(page: str, window: MainWindow, size: tuple[int, int]) -> list[Problem]:
    problems = []
    hint = window.minimumSizeHint()
    if hint.width() > size[0] or hint.height() > size[1]:
        problems.append(Problem(page, "window too big", "MainWindow",
                                f"minimumSizeHint {hint.width()}×{hint.height()}"))
    if (window.width(), window.height()) != size:
        problems.append(Problem(page, "window too big", "MainWindow",
                                f"is {window.width()}×{window.height()}"))
    root = window.current_page()
    area = window.page_area(root)
    need = root.minimumSizeHint()
    if need.width() > area.width() or need.height() > area.height():
        problems.append(Problem(page, "page too big", type(root).__name__,
                                f"needs {need.width()}×{need.height()}, has "
                                f"{area.width()}×{area.height()}"))
    problems += _cut_numbers(page, window)
    problems += _unreachable(page, root, window)
    problems += _cut_headers(page, root)
    problems += _sideways(page, root)
    return problems


def _settle() -> None:
    """Let posted layout requests run: a reflow ripples up one parent per event-loop turn."""
    for _turn in range(6):
        QApplication.processEvents()


def _save(window: MainWindow, tmp_path: Path, name: str) -> None:
    image = window.grab()
    assert image.save(str(tmp_path / f"{name}.png"))
    shots = os.environ.get("WORKTEAM_SHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        image.save(str(Path(shots) / f"{name}.png"))


def _pages(ctx: AppContext) -> list[tuple[str, dict]]:
    """Every page, with parameters that give the ones opened from a list something to show."""
    households = list_households(ctx.store, limit=50)
    target = next((h for h in households if h.get("relocated")), households[0])
    pages: list[tuple[str, dict]] = []
    for name, _module, _cls, _shown in PAGE_SPECS:
        params: dict = {}
        if name == "household":
            params = {"household": target["id"]}
        pages.append((name, params))
    return pages


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang_ctx", LANGS, indirect=True)
def test_every_page_fits(qtbot, lang_ctx: AppContext, size: tuple[int, int],
                         tmp_path: Path) -> None:
    ctx = lang_ctx
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    wait_for_tasks(qtbot, ctx)
    assert window.supervisor_mode
    problems: list[Problem] = []
    for name, params in _pages(ctx):
        assert window.show_page(name, params), name
        wait_for_tasks(qtbot, ctx)
        _settle()
        _save(window, tmp_path, f"{name}_{ctx.lang}_{size[0]}x{size[1]}")
        problems += _check(name, window, size)
    assert not problems, "\n".join(str(p) for p in problems)
