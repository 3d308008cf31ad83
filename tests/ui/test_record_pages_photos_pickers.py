"""十送行动 and 帮扶记录 forms: households picked as on 记录走访 (Enter takes the one match
while the list is open), photos saved with the record, shown again and removable; the
record pages' cards keep every number whole at 1024×600, in Chinese and English."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from ui_helpers import context_in, open_page, wait_for_tasks

from workteam_desktop.store.assistance import record_detail
from workteam_desktop.store.attachments import attachments_of, read_content
from workteam_desktop.store.drafts import load_draft
from workteam_desktop.store.households import HouseholdFilter, list_households
from workteam_desktop.ui.columns import header_needed_width
from workteam_desktop.ui.context import AppContext
from workteam_desktop.ui.main_window import MainWindow
from workteam_desktop.ui.pages.assistance import AssistancePage
from workteam_desktop.ui.pages.deliveries import DeliveriesPage
from workteam_desktop.ui.pickers import TypeAheadPicker


def type_text(widget: QWidget, text: str) -> None:
    """Type Chinese as an input method commits it (QTest can only type ASCII)."""
    from PySide6.QtGui import QInputMethodEvent

    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def _unique_head(ctx: AppContext) -> dict:
    """A household whose head's name finds it alone (the search of the household list)."""
    for row in list_households(ctx.store, limit=200):
        found = list_households(ctx.store, HouseholdFilter(search=row["head_name"]), limit=3)
        if [f["id"] for f in found] == [row["id"]]:
            return row
    raise AssertionError("the demo county has no head with a name of their own")


def _enter_in_open_list(qtbot, picker: TypeAheadPicker, text: str) -> None:
    """Type ``text``, wait for the list with its one match, press Enter where the keyboard
    goes while the list is open (the popup), nothing highlighted."""
    picker.line_edit.setFocus()
    type_text(picker.line_edit, text)
    popup = picker.completer.popup()
    qtbot.waitUntil(lambda: popup.isVisible() and picker.completer.completionCount() == 1,
                    timeout=5000)
    assert not popup.currentIndex().isValid()
    qtbot.keyClick(popup, Qt.Key.Key_Return)


def _photo(tmp_path: Path, name: str, colour: str) -> str:
    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    path = tmp_path / name
    assert image.save(str(path))
    return str(path)


def _open_new(qtbot, page):
    page.new_record()
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible(), timeout=5000)
    return page.dialog


def _edit_first(qtbot, ctx: AppContext, page, record_id: str):
    wait_for_tasks(qtbot, ctx)
    row = next(i for i, r in enumerate(page.model.rows) if r["id"] == record_id)
    page.table.selectRow(row)
    before = page.dialog
    page.edit_selected()
    qtbot.waitUntil(lambda: page.dialog is not before and page.dialog.isVisible(), timeout=5000)
    return page.dialog


# ---------------------------------------------------------------- one household picker


def test_enter_picks_the_one_household_while_the_list_is_open_in_the_action_form(
        qtbot, ctx: AppContext) -> None:
    """The 十送 form picks beneficiaries as 记录走访 does: with the list open and one match
    shown, Enter adds it (and the form saves with it)."""
    household = _unique_head(ctx)
    page = open_page(qtbot, ctx, DeliveriesPage)
    dialog = _open_new(qtbot, page)
    type_text(dialog.title_edit, "入户宣讲防返贫政策")
    _enter_in_open_list(qtbot, dialog.household_picker, household["head_name"])
    assert dialog.household_ids() == [household["id"]]
    assert dialog.household_picker.line_edit.text() == ""  # ready for the next one
    assert dialog.isVisible()  # Enter picked; it did not save
    assert household["head_name"] in dialog.household_list.item(0).text()
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.save()
    wait_for_tasks(qtbot, ctx)
    top = next(r for r in page.model.rows if r["title"] == "入户宣讲防返贫政策")
    assert top["households"] == 1


def test_enter_picks_the_one_household_while_the_list_is_open_in_the_assistance_form(
        qtbot, ctx: AppContext) -> None:
    household = _unique_head(ctx)
    page = open_page(qtbot, ctx, AssistancePage)
    dialog = _open_new(qtbot, page)
    assert dialog.focusWidget() is dialog.household_edit.line_edit
    _enter_in_open_list(qtbot, dialog.household_edit, household["head_name"])
    assert dialog.household_edit.ids() == [household["id"]]
    assert dialog.isVisible()
    type_text(dialog.content_edit, "临时救助")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.save()
    wait_for_tasks(qtbot, ctx)
    saved = record_detail(ctx.store, dialog.saved_id)
    assert (saved["household_id"], saved["content"]) == (household["id"], "临时救助")


# ---------------------------------------------------------------- photos (bug 14)


def test_an_actions_photos_are_saved_shown_again_and_removable(
        qtbot, ctx: AppContext, tmp_path: Path) -> None:
    """The 十送 form takes photos (it said 此处暂不支持添加照片): saved with the action,
    shown when it is opened again, and a removed one is gone after saving."""
    field = _photo(tmp_path, "活动现场.png", "#3a7")
    sheet = _photo(tmp_path, "签到表.png", "#a73")
    page = open_page(qtbot, ctx, DeliveriesPage)
    dialog = _open_new(qtbot, page)
    assert dialog.photos.photo_button.isVisible()
    type_text(dialog.title_edit, "送文化下乡演出")
    dialog.photos.add_files([field, sheet, field])
    assert [p["name"] for p in dialog.photos.photos()] == ["活动现场.png", "签到表.png"]
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.save()
    action_id = dialog.saved_id
    stored = attachments_of(ctx.store, "delivery_action", action_id)
    assert [a["filename"] for a in stored] == ["活动现场.png", "签到表.png"]
    assert read_content(ctx.store.home, stored[0]["sha256"]) == Path(field).read_bytes()

    again = _edit_first(qtbot, ctx, page, action_id)
    assert [p["name"] for p in again.photos.photos()] == ["活动现场.png", "签到表.png"]
    qtbot.waitUntil(lambda: not again.photos.photo_list.item(0).icon().isNull())
    again.photos.photo_list.setCurrentRow(0)
    qtbot.keyClick(again.photos.photo_list, Qt.Key.Key_Delete)
    assert [p["name"] for p in again.photos.photos()] == ["签到表.png"]
    with qtbot.waitSignal(again.accepted, timeout=5000):
        again.save()
    wait_for_tasks(qtbot, ctx)
    assert [a["filename"] for a in attachments_of(ctx.store, "delivery_action", action_id)] \
        == ["签到表.png"]
    third = _edit_first(qtbot, ctx, page, action_id)
    assert [p["name"] for p in third.photos.photos()] == ["签到表.png"]
    third.reject()
    wait_for_tasks(qtbot, ctx)


def test_an_assistance_records_photos_are_saved_and_shown_again(
        qtbot, ctx: AppContext, tmp_path: Path) -> None:
    receipt = _photo(tmp_path, "发放凭证.png", "#57c")
    page = open_page(qtbot, ctx, AssistancePage)
    page.table.selectRow(0)
    record = page.selected_row()
    dialog = _edit_first(qtbot, ctx, page, record["id"])
    assert dialog.photos.photos() == []
    dialog.photos.add_files([receipt])
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.save()
    wait_for_tasks(qtbot, ctx)
    [stored] = attachments_of(ctx.store, "assistance_record", record["id"])
    assert stored["filename"] == "发放凭证.png"
    again = _edit_first(qtbot, ctx, page, record["id"])
    assert [p["attachment_id"] for p in again.photos.photos()] == [stored["id"]]
    again.reject()
    wait_for_tasks(qtbot, ctx)


def test_a_draft_keeps_the_chosen_photos(qtbot, ctx: AppContext, tmp_path: Path) -> None:
    photo = _photo(tmp_path, "入户.png", "#999")
    page = open_page(qtbot, ctx, DeliveriesPage)
    first = _open_new(qtbot, page)
    type_text(first.title_edit, "冬季送温暖")
    first.photos.add_files([photo])
    qtbot.keyClick(first, Qt.Key.Key_Escape)
    wait_for_tasks(qtbot, ctx)
    assert [p["path"] for p in load_draft(ctx.store, "delivery:new")["photos"]] == [photo]
    second = _open_new(qtbot, page)
    assert second is not first and second.photos.paths() == [photo]
    second.discard_button.click()
    assert second.photos.photos() == []
    second.reject()
    wait_for_tasks(qtbot, ctx)


# ---------------------------------------------------------------- 1024×600, zh and en


@pytest.fixture(params=["zh", "en"])
def lang_ctx(request, qapp: QApplication, ui_home: Path) -> Iterator[AppContext]:
    """An AppContext in Chinese, or in English with the app's translation loaded."""
    lang = request.param
    with context_in(qapp, ui_home, lang) as context:
        yield context


def _window(qtbot, ctx: AppContext, width: int, height: int) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(width, height)
    window.show()
    wait_for_tasks(qtbot, ctx)
    return window


@pytest.mark.parametrize("name", ["deliveries", "assistance"])
def test_card_numbers_are_whole_at_1024x600(qtbot, lang_ctx: AppContext, name: str) -> None:
    """“160,250.(”, “覆盖 1,13”: at 1024×600 the cards cut their figures. Now the cards take
    more rows and every label showing a number has room for all of it."""
    window = _window(qtbot, lang_ctx, 1024, 600)
    window.show_page(name)
    page = window.page(name)
    wait_for_tasks(qtbot, lang_ctx)

    def cut() -> list[str]:
        labels = [label for tile in page.tiles.values() for label in tile.findChildren(QLabel)
                  if label.isVisible() and re.search(r"\d", label.text())]
        assert len(labels) >= len(page.tiles)
        return [label.text() for label in labels if not label.wordWrap()
                and label.fontMetrics().horizontalAdvance(label.text())
                > label.contentsRect().width()]

    with contextlib.suppress(qtbot.TimeoutError):  # the grid re-lays out after a resize
        qtbot.waitUntil(lambda: not cut(), timeout=3000)
    assert not cut(), cut()
    # The cards wrapped instead: more than one row, all of them inside the page.
    assert page.tile_grid.columns < len(page.tiles)
    assert page.tile_grid.geometry().right() <= page.width()
    window.close()


@pytest.mark.parametrize("name", ["deliveries", "assistance", "trainings"])
def test_headers_are_whole_when_the_window_has_room(qtbot, lang_ctx: AppContext,
                                                    name: str) -> None:
    """Column widths come from the words of the language shown: at 1366×768 no header of
    the record lists is cut (“Households”, “Amount (yuan)”, “Attended”)."""
    window = _window(qtbot, lang_ctx, 1366, 768)
    window.show_page(name)
    page = window.page(name)
    wait_for_tasks(qtbot, lang_ctx)
    table = page.table
    header = table.horizontalHeader()
    qtbot.waitUntil(lambda: header.length() >= table.viewport().width() - 2)
    cut = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(header.count())
           if not table.isColumnHidden(c)
           and header.sectionSize(c) < header_needed_width(table, c) - 6]
    assert not cut, cut
    window.close()


@pytest.mark.parametrize("room", [760, 540])
def test_the_action_form_uses_the_screens_height(qtbot, ctx: AppContext, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 room: int) -> None:
    """With 17 beneficiaries and photos the 十送 form wants about 580 px: where the screen
    has room it gets them (the list shows six rows), on a 1024×600 netbook the list gives
    way and 保存 stays on the screen."""
    from workteam_desktop.ui import record_dialog

    screen = QApplication.primaryScreen().availableGeometry().height()
    monkeypatch.setattr(record_dialog, "FRAME_ALLOWANCE", screen - room)
    page = open_page(qtbot, ctx, DeliveriesPage)
    busiest = max(page.model.rows, key=lambda r: r["households"])
    first = _edit_first(qtbot, ctx, page, busiest["id"])
    first.photos.add_files([_photo(tmp_path, f"{i}.png", "#777") for i in range(3)])
    first.reject()  # the photos stay in the draft
    wait_for_tasks(qtbot, ctx)
    dialog = _edit_first(qtbot, ctx, page, busiest["id"])
    assert len(dialog.photos.photos()) == 3
    wanted = dialog.sizeHint().height()
    assert 560 < wanted <= 760
    if room >= wanted:
        assert dialog.height() == wanted and dialog.household_list.height() == 118
    else:
        assert dialog.height() <= room and dialog.household_list.height() < 118
    corner = dialog.save_button.mapTo(dialog, dialog.save_button.rect().bottomRight())
    assert dialog.rect().contains(corner)  # 保存 is inside the form, on the screen
    dialog.reject()
    wait_for_tasks(qtbot, ctx)
