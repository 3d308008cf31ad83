"""Esc closes every dialog and wizard (UI.md: "Esc cancels a dialog"), whatever has the
keyboard focus in it: a list, a table, a line edit, a button. The 导入花名册 wizard did not
while importing (issue 15): Esc now cancels the import, which rolls back, and closes it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QDialog, QWidget
from ui_helpers import wait_for_tasks

import dbfile

DATA = Path(__file__).resolve().parents[1] / "data"
sys.path.insert(0, str(DATA))

import make_rosters  # noqa: E402

from workteam_desktop.ui.bundle_dialogs import ExportDialog, ImportDialog  # noqa: E402
from workteam_desktop.ui.conflict_review import ConflictReviewDialog  # noqa: E402
from workteam_desktop.ui.pages.accounts import AddAccountDialog, TeamDialog  # noqa: E402
from workteam_desktop.ui.pages.households import HouseholdsPage  # noqa: E402
from workteam_desktop.ui.pages.settings import ThresholdDialog  # noqa: E402
from workteam_desktop.ui.roster_import import (  # noqa: E402
    STEP_CHECK,
    STEP_FILE,
    STEP_IMPORT,
    STEP_MAPPING,
    STEP_RESULT,
    RosterImportDialog,
)

XLSX = str(DATA / make_rosters.XLSX_NAME)


def _focus_stops(dialog: QDialog) -> list[QWidget]:
    """The widgets Tab can reach in ``dialog`` as it is shown now."""
    stops = []
    for widget in dialog.findChildren(QWidget):
        if (widget.isVisible() and widget.isEnabled()
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
                and not isinstance(widget.parentWidget(), QAbstractScrollArea)):
            stops.append(widget)
    return stops


def assert_esc_closes_from_every_field(qtbot, dialog: QDialog) -> None:
    """Esc typed into the dialog itself and into each of its fields closes it."""
    dialog.show()
    qtbot.waitExposed(dialog)
    stops = _focus_stops(dialog)
    assert stops, "the dialog has nothing to type into"
    for target in [dialog, *stops]:
        if not dialog.isVisible():
            dialog.show()
            qtbot.waitExposed(dialog)
        target.setFocus(Qt.FocusReason.TabFocusReason)
        receiver = QApplication.focusWidget() if target is not dialog else dialog
        qtbot.keyClick(receiver or target, Qt.Key.Key_Escape)
        assert not dialog.isVisible(), f"Esc in {type(target).__name__} " \
                                       f"{getattr(target, 'text', lambda: '')()!r} left it open"


def _wizard(qtbot, ctx) -> RosterImportDialog:
    page = HouseholdsPage(ctx)
    qtbot.addWidget(page)
    page.activate()
    wait_for_tasks(qtbot, ctx)
    dialog = page.open_roster_import()
    wait_for_tasks(qtbot, ctx)
    return dialog


@pytest.mark.parametrize("step", [STEP_FILE, STEP_MAPPING, STEP_CHECK, STEP_RESULT])
def test_esc_closes_the_roster_wizard_on_every_step(qtbot, ctx, step: int) -> None:
    dialog = _wizard(qtbot, ctx)
    if step != STEP_FILE:
        dialog.load_file(XLSX)
        wait_for_tasks(qtbot, ctx)
        dialog.go_next()
    if step in (STEP_CHECK, STEP_RESULT):
        dialog.go_next()
        wait_for_tasks(qtbot, ctx)
    if step == STEP_RESULT:
        dialog.go_next()
        wait_for_tasks(qtbot, ctx)
    assert dialog.stack.currentIndex() == step
    assert_esc_closes_from_every_field(qtbot, dialog)


def test_esc_during_the_import_cancels_it_and_closes_the_wizard(qtbot, ctx) -> None:
    dialog = _wizard(qtbot, ctx)
    dialog.load_file(XLSX)
    wait_for_tasks(qtbot, ctx)
    dialog.go_next()
    dialog.go_next()
    wait_for_tasks(qtbot, ctx)
    with ctx.store.read() as cur:
        before = cur.execute("SELECT count(*) FROM change_log").fetchone()[0]
    # Another writer holds the store: the import waits at its start, so the cancel is
    # certain to come before it writes anything.
    blocker = dbfile.connect(ctx.store.path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        dialog.go_next()
        assert dialog.stack.currentIndex() == STEP_IMPORT
        dialog.cancel_button.setFocus()
        qtbot.keyClick(dialog.cancel_button, Qt.Key.Key_Escape)
        assert dialog.import_label.text() == "正在取消…"
    finally:
        blocker.execute("COMMIT")
        blocker.close()
    wait_for_tasks(qtbot, ctx)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    with ctx.store.read() as cur:
        assert cur.execute("SELECT count(*) FROM change_log").fetchone()[0] == before


def test_esc_closes_the_other_dialogs(qtbot, ctx) -> None:
    dialogs: list[QDialog] = [
        ThresholdDialog([], None, 2025),
        ExportDialog(ctx),
        ImportDialog(ctx),
        ConflictReviewDialog(ctx),
        AddAccountDialog("zh", "admin", [], "140000"),
        TeamDialog("zh", "140000"),
    ]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        wait_for_tasks(qtbot, ctx)
        assert_esc_closes_from_every_field(qtbot, dialog)
        wait_for_tasks(qtbot, ctx)
