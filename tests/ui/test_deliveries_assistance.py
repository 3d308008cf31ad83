"""十送行动 and 帮扶记录 pages: tiles and totals agree with the store, filters, the forms
(keyboard, type-ahead, validation next to the field, drafts), delete and undo."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from ui_helpers import open_page, wait_for_tasks

from workteam_desktop.domain import catalogues as cat
from workteam_desktop.store import Store
from workteam_desktop.store.assistance import (
    AssistanceFilter,
    count_records,
    list_records,
    totals_by_kind,
)
from workteam_desktop.store.deliveries import category_counts, count_actions, list_actions
from workteam_desktop.store.drafts import load_draft
from workteam_desktop.store.households import list_households
from workteam_desktop.ui.context import AppContext
from workteam_desktop.ui.pages.assistance import TOTAL, AssistancePage
from workteam_desktop.ui.pages.deliveries import DeliveriesPage
from workteam_desktop.ui.pickers import TypeAheadPicker

YEAR = dt.date.today().year


def type_text(widget: QWidget, text: str) -> None:
    """Type Chinese as an input method commits it (QTest can only type ASCII)."""
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def pick(qtbot, picker: TypeAheadPicker, text: str) -> None:
    """Type ``text`` into a picker's field, wait for matches, take the first with Enter."""
    field = picker.line_edit
    field.setFocus()
    if text.isascii():
        qtbot.keyClicks(field, text)
    else:
        type_text(field, text)
    qtbot.waitUntil(lambda: not picker.searching(), timeout=5000)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def _deliveries(qtbot, ctx: AppContext) -> DeliveriesPage:
    return open_page(qtbot, ctx, DeliveriesPage)


def _assistance(qtbot, ctx: AppContext, **params) -> AssistancePage:
    return open_page(qtbot, ctx, AssistancePage, **params)


def _yes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    asked: list[str] = []

    def question(_parent, _title, text, *_args, **_kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


# ---------------------------------------------------------------- 十送行动


def test_tiles_show_this_years_counts_from_the_store(qtbot, ctx: AppContext) -> None:
    page = _deliveries(qtbot, ctx)
    counts = category_counts(ctx.store, YEAR)
    assert sum(c.actions for c in counts.values()) > 0
    for entry in cat.DELIVERY_CATEGORIES:
        tile = page.tiles[entry.code]
        assert tile.caption_label.text() == entry.zh
        assert tile.value_label.text() == f"{counts[entry.code].actions:,} 次"
        assert tile.note_label.text() == f"覆盖 {counts[entry.code].people:,} 人"
    # The list starts at this year, newest first, numbers right-aligned.
    rows = page.model.rows
    assert rows and all(r["action_date"].startswith(str(YEAR)) for r in rows)
    assert [r["action_date"] for r in rows] == sorted((r["action_date"] for r in rows),
                                                      reverse=True)
    people = page.model.index(0, 5)
    assert page.model.data(people, Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert page.pager.label.text().endswith(
        f"共 {count_actions(ctx.store, date_from=dt.date(YEAR, 1, 1), date_to=dt.date(YEAR, 12, 31))} 条")


def test_clicking_a_tile_filters_the_list_by_its_category(qtbot, ctx: AppContext) -> None:
    page = _deliveries(qtbot, ctx)
    qtbot.mouseClick(page.tiles["warmth"], Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ctx)
    assert page.category_box.currentText() == "送温暖"
    assert page.tiles["warmth"].selected and not page.tiles["jobs"].selected
    labels = {page.model.data(page.model.index(r, 1)) for r in range(page.model.rowCount())}
    assert labels == {"送温暖"}
    assert page.model.rowCount() == category_counts(ctx.store, YEAR)["warmth"].actions
    # Clicking the chosen tile again shows every category.
    qtbot.mouseClick(page.tiles["warmth"], Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ctx)
    assert page.category() is None and not page.tiles["warmth"].selected
    assert len({r["category"] for r in page.model.rows}) > 1


def test_saving_an_action_with_three_beneficiaries(qtbot, ctx: AppContext) -> None:
    page = _deliveries(qtbot, ctx)
    before = count_actions(ctx.store)
    households = list_households(ctx.store, limit=3, offset=40)
    qtbot.keyClick(page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    dialog = page.dialog
    assert dialog.focusWidget() is dialog.category_box  # the first field has the focus
    dialog.category_box.setCurrentIndex(dialog.category_box.findData("industry"))
    type_text(dialog.title_edit, "黄花种植与加工技术培训")
    type_text(dialog.place_edit, "村委会会议室")
    qtbot.keyClicks(dialog.people_edit, "45")
    for h in households:
        pick(qtbot, dialog.household_picker, h["number"])
        assert dialog.household_picker.line_edit.text() == ""  # ready for the next household
    assert dialog.isVisible()  # Enter in the picker adds a household, it does not save
    assert dialog.household_ids() == [h["id"] for h in households]
    assert dialog.household_count.text() == "已选 3 户"
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    wait_for_tasks(qtbot, ctx)

    assert count_actions(ctx.store) == before + 1
    with ctx.store.read() as cur:
        action = cur.execute("SELECT id, category, title, people_reached FROM delivery_action "
                             "WHERE title = ?", ("黄花种植与加工技术培训",)).fetchone()
        links = cur.execute("SELECT id, household_id FROM delivery_beneficiary "
                            "WHERE action_id = ? AND deleted = 0", (action["id"],)).fetchall()
        logged = dict(cur.execute(
            "SELECT row_id, entity FROM change_log WHERE row_id IN (?, ?, ?, ?)",
            (action["id"], *[link[0] for link in links])).fetchall())
    assert (action["category"], action["people_reached"]) == ("industry", 45)
    assert sorted(link[1] for link in links) == sorted(h["id"] for h in households)
    assert logged == {action["id"]: "delivery_action",
                      **{link[0]: "delivery_beneficiary" for link in links}}
    top = page.model.rows[0]
    assert (top["title"], top["households"], top["category_label"]) == \
        ("黄花种植与加工技术培训", 3, "送产业")
    assert page.notice.isVisible() and "黄花种植与加工技术培训" in page.notice.label.text()
    assert load_draft(ctx.store, "delivery:new") is None


def test_an_action_without_title_is_not_saved(qtbot, ctx: AppContext) -> None:
    page = _deliveries(qtbot, ctx)
    before = count_actions(ctx.store)
    page.new_action()
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    dialog = page.dialog
    dialog.save_button.click()
    assert dialog.isVisible()
    assert dialog.title_error.isVisible() and dialog.title_error.text().startswith("请填写标题")
    assert dialog.title_edit.property("invalid") is True
    wait_for_tasks(qtbot, ctx)
    assert count_actions(ctx.store) == before
    dialog.reject()
    wait_for_tasks(qtbot, ctx)


def test_escape_keeps_what_was_typed_as_a_draft(qtbot, ctx: AppContext) -> None:
    page = _deliveries(qtbot, ctx)
    page.new_action()
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    first = page.dialog
    type_text(first.title_edit, "冬季送温暖")
    qtbot.keyClick(first, Qt.Key.Key_Escape)
    assert not first.isVisible()
    wait_for_tasks(qtbot, ctx)
    assert load_draft(ctx.store, "delivery:new")["title"] == "冬季送温暖"
    page.new_action()
    qtbot.waitUntil(lambda: page.dialog is not first and page.dialog.isVisible())
    second = page.dialog
    assert second.title_edit.text() == "冬季送温暖"
    assert second.draft_note.isVisible()
    second.discard_button.click()
    assert second.title_edit.text() == ""
    second.reject()
    wait_for_tasks(qtbot, ctx)
    assert load_draft(ctx.store, "delivery:new") is None


def test_editing_an_action_from_the_list(qtbot, ctx: AppContext) -> None:
    page = _deliveries(qtbot, ctx)
    page.table.selectRow(0)
    original = page.selected_row()
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    dialog = page.dialog
    assert dialog.title_edit.text() == original["title"]
    assert len(dialog.household_ids()) == original["households"]
    dialog.household_list.setCurrentRow(0)
    qtbot.keyClick(dialog.household_list, Qt.Key.Key_Delete)
    dialog.title_edit.clear()
    type_text(dialog.title_edit, "修改后的标题")
    dialog.save()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    wait_for_tasks(qtbot, ctx)
    edited = next(r for r in list_actions(ctx.store, limit=None) if r["id"] == original["id"])
    assert (edited["title"], edited["households"]) == ("修改后的标题", original["households"] - 1)
    assert page.selected_row()["title"] == "修改后的标题"


def test_delete_an_action_and_undo(qtbot, ctx: AppContext,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    asked = _yes(monkeypatch)
    page = _deliveries(qtbot, ctx)
    before = count_actions(ctx.store)
    page.table.selectRow(0)
    victim = page.selected_row()
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    wait_for_tasks(qtbot, ctx)
    assert len(asked) == 1 and victim["title"] in asked[0]
    assert count_actions(ctx.store) == before - 1
    assert victim["id"] not in {r["id"] for r in page.model.rows}
    assert page.notice.isVisible() and page.notice.undo_button.isVisible()
    page.notice.undo_button.click()
    wait_for_tasks(qtbot, ctx)
    assert count_actions(ctx.store) == before
    restored = next(r for r in page.model.rows if r["id"] == victim["id"])
    assert restored["households"] == victim["households"]
    assert page.notice.label.text().startswith("已恢复")


def test_empty_year_says_what_to_do_first(qtbot, qapp, tmp_path: Path) -> None:
    store = Store.open(tmp_path / "empty")
    context = AppContext(store, QSettings(str(tmp_path / "gui.ini"),
                                          QSettings.Format.IniFormat), "zh")
    try:
        page = _deliveries(qtbot, context)
        assert page.stack.currentWidget() is page.empty
        assert page.empty.text() == "今年还没有十送行动记录，按 Ctrl+N 新建"
        assert all(t.value_label.text() == "0 次" for t in page.tiles.values())
        page.period.set_period("month")
        page.set_category("clean")
        wait_for_tasks(qtbot, context)
        assert page.empty.text().startswith("没有符合条件的十送行动记录")
    finally:
        assert context.tasks.wait(10000)
        store.close()


# ---------------------------------------------------------------- 帮扶记录


def test_totals_by_kind_equal_the_stores_sums(qtbot, ctx: AppContext) -> None:
    page = _assistance(qtbot, ctx)
    flt = page.current_filter()
    assert (flt.date_from, flt.date_to) == (dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31))
    with ctx.store.read() as cur:
        sums = {r[0]: (r[1], r[2]) for r in cur.execute(
            "SELECT measure_kind, count(*), sum(amount) FROM assistance_record "
            "WHERE deleted = 0 AND record_date BETWEEN ? AND ? GROUP BY measure_kind",
            (f"{YEAR}-01-01", f"{YEAR}-12-31"))}
    assert sums
    assert page.totals == totals_by_kind(ctx.store, flt)
    for code in cat.MEASURE_KINDS.codes():
        count, amount = sums.get(code, (0, 0.0))
        assert page.tiles[code].value_label.text() == f"{count:,} 项  {amount:,.2f} 元"
    all_count = sum(c for c, _ in sums.values())
    all_amount = sum(a for _, a in sums.values())
    assert page.tiles[TOTAL].value_label.text() == f"{all_count:,} 项  {all_amount:,.2f} 元"
    # Money is right-aligned as 1,234.50 in the ledger.
    row = next(i for i, r in enumerate(page.model.rows) if r["amount"] >= 1000)
    index = page.model.index(row, 4)
    assert page.model.data(index) == f"{page.model.rows[row]['amount']:,.2f}"
    assert page.model.data(index, Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight


def test_ledger_filters_by_kind_status_and_household_text(qtbot, ctx: AppContext) -> None:
    page = _assistance(qtbot, ctx)
    qtbot.mouseClick(page.tiles["health"], Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ctx)
    assert page.kind_box.currentText() == "健康医疗" and page.tiles["health"].selected
    assert {r["measure_kind"] for r in page.model.rows} == {"health"}
    assert set(page.totals) == {"health"}
    page.status_box.setCurrentIndex(page.status_box.findData("done"))
    wait_for_tasks(qtbot, ctx)
    assert {r["status_label"] for r in page.model.rows} == {"已完成"}
    qtbot.mouseClick(page.tiles[TOTAL], Qt.MouseButton.LeftButton)
    page.status_box.setCurrentIndex(0)
    wait_for_tasks(qtbot, ctx)
    some = page.model.rows[0]
    qtbot.keyClicks(page.search_edit, some["household_number"])
    wait_for_tasks(qtbot, ctx)
    assert {r["household_id"] for r in page.model.rows} == {some["household_id"]}


def test_a_bad_amount_shows_its_message_next_to_the_field_and_saves_nothing(
        qtbot, ctx: AppContext) -> None:
    page = _assistance(qtbot, ctx)
    before = count_records(ctx.store)
    household = list_households(ctx.store, limit=1, offset=7)[0]
    page.new_record()
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    dialog = page.dialog
    assert dialog.focusWidget() is dialog.household_edit.line_edit
    pick(qtbot, dialog.household_edit, household["number"])
    assert dialog.household_edit.ids() == [household["id"]]
    assert dialog.isVisible()
    type_text(dialog.content_edit, "雨露计划教育补助")
    dialog.amount_edit.setFocus()
    qtbot.keyClicks(dialog.amount_edit, "12O0")  # a letter O for a zero
    qtbot.keyClick(dialog.amount_edit, Qt.Key.Key_Tab)  # leaving the field checks it
    assert dialog.amount_error.isVisible()
    assert dialog.amount_error.text() == "“12O0”不是有效金额，请填写数字"
    assert dialog.amount_edit.property("invalid") is True
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_for_tasks(qtbot, ctx)
    assert dialog.isVisible() and dialog.focusWidget() is dialog.amount_edit
    assert count_records(ctx.store) == before
    # Corrected, it saves, with the amount in yuan.
    dialog.amount_edit.clear()
    qtbot.keyClicks(dialog.amount_edit, "1,200.50")
    assert not dialog.amount_error.isVisible()
    dialog.save_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    wait_for_tasks(qtbot, ctx)
    assert count_records(ctx.store) == before + 1
    saved = list_records(ctx.store, AssistanceFilter(household_id=household["id"]), limit=1)[0]
    assert (saved["content"], saved["amount"], saved["measure_kind"]) == \
        ("雨露计划教育补助", 1200.5, "industry")


def test_picking_the_responsible_cadre(qtbot, ctx: AppContext) -> None:
    page = _assistance(qtbot, ctx)
    page.table.selectRow(0)
    record = page.selected_row()
    page.edit_selected()
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    dialog = page.dialog
    assert dialog.household_edit.ids() == [record["household_id"]]
    with ctx.store.read() as cur:
        other = cur.execute("SELECT id, name FROM cadre WHERE id IS NOT ? ORDER BY name LIMIT 1",
                            (record["cadre_id"],)).fetchone()
    dialog.cadre_edit.clear()
    pick(qtbot, dialog.cadre_edit, other["name"])
    assert dialog.cadre_edit.ids() == [other["id"]]
    dialog.save()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    wait_for_tasks(qtbot, ctx)
    assert page.selected_row()["cadre_name"] == other["name"]
    with ctx.store.read() as cur:
        fields = [json.loads(r[0]) for r in cur.execute(
            "SELECT fields FROM change_log WHERE row_id = ? ORDER BY hlc", (record["id"],))]
    assert fields[-1] == {"cadre_id": other["id"]}  # only what changed is logged


def test_per_household_view(qtbot, ctx: AppContext) -> None:
    with ctx.store.read() as cur:
        household_id, number, name = cur.execute(
            "SELECT h.id, h.number, h.head_name FROM household h JOIN assistance_record r "
            "ON r.household_id = h.id GROUP BY h.id ORDER BY count(*) DESC LIMIT 1").fetchone()
    page = _assistance(qtbot, ctx, household=number)
    assert page.household_label.isVisible() and name in page.household_label.text()
    assert page.period.period() == "all"  # the household's whole history
    expected = list_records(ctx.store, AssistanceFilter(household_id=household_id), limit=None)
    assert [r["id"] for r in page.model.rows] == [r["id"] for r in expected]
    page.new_record()
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    assert page.dialog.household_edit.ids() == [household_id]
    assert page.dialog.focusWidget() is page.dialog.kind_box
    page.dialog.reject()
    page.all_button.click()
    wait_for_tasks(qtbot, ctx)
    assert page.household is None and not page.household_label.isVisible()
    assert len({r["household_id"] for r in page.model.rows}) > 1


def test_delete_a_record_and_undo(qtbot, ctx: AppContext,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    asked = _yes(monkeypatch)
    page = _assistance(qtbot, ctx)
    before = count_records(ctx.store)
    totals_before = dict(page.totals)
    page.table.selectRow(0)
    victim = page.selected_row()
    page.delete_button.click()
    wait_for_tasks(qtbot, ctx)
    assert len(asked) == 1 and victim["content"] in asked[0]
    assert count_records(ctx.store) == before - 1
    assert victim["id"] not in {r["id"] for r in page.model.rows}
    assert page.totals[victim["measure_kind"]].count == \
        totals_before[victim["measure_kind"]].count - 1
    page.notice.undo_button.click()
    wait_for_tasks(qtbot, ctx)
    assert count_records(ctx.store) == before
    assert victim["id"] in {r["id"] for r in page.model.rows}
    assert page.totals == totals_before
    with ctx.store.read() as cur:
        logged = [json.loads(r[0]) for r in cur.execute(
            "SELECT fields FROM change_log WHERE row_id = ? ORDER BY hlc", (victim["id"],))]
    assert logged[-2:] == [{"deleted": True}, {"deleted": False}]


def test_totals_follow_the_period(qtbot, ctx: AppContext) -> None:
    page = _assistance(qtbot, ctx)
    page.period.combo.setCurrentIndex(page.period.combo.findData("month"))
    wait_for_tasks(qtbot, ctx)
    start = dt.date.today().replace(day=1)
    month = defaultdict(int)
    for r in list_records(ctx.store, AssistanceFilter(date_from=start), limit=None):
        month[r["measure_kind"]] += 1
    assert {k: t.count for k, t in page.totals.items()} == dict(month)
