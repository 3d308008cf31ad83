"""信息采集: the household form page and the generic form renderer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLineEdit, QWidget
from shiboken6 import isValid
from ui_helpers import wait_for_tasks

from workteam_desktop.domain import idnumber
from workteam_desktop.domain.forms import HOUSEHOLD_SURVEY, latest_form, parse_form
from workteam_desktop.paths import forms_dir
from workteam_desktop.store import form_submissions as fs
from workteam_desktop.ui.context import AppContext
from workteam_desktop.ui.form_view import FormView
from workteam_desktop.ui.pages.forms import FormsPage

FORM = latest_form(forms_dir(), HOUSEHOLD_SURVEY)
EMPLOYMENT = ("employed", "employment_place", "employment_sector", "employment_months",
              "employment_stable")


def rows(ctx: AppContext, sql: str, *params: Any) -> list[dict[str, Any]]:
    with ctx.store.read() as cur:
        return [dict(r) for r in cur.execute(sql, params)]


def open_page(qtbot, ctx: AppContext, track: bool = True, **params: Any) -> FormsPage:
    page = FormsPage(ctx)
    if track:  # pytest-qt closes it at the end (not for a page the test destroys itself)
        qtbot.addWidget(page)
    page.resize(1216, 700)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    page.activate(**params)
    wait_for_tasks(qtbot, ctx)
    return page


def employed_household(ctx: AppContext) -> tuple[str, int]:
    """A household and the form index of a member with full labour capacity, in work."""
    hid = rows(ctx, "SELECT h.id FROM household h WHERE EXISTS (SELECT 1 FROM member m "
                    "WHERE m.household_id = h.id AND m.deleted = 0 AND m.employed = 1 "
                    "AND m.labour_capacity = 'full') ORDER BY h.number LIMIT 1")[0]["id"]
    members = fs.prefill(ctx.store, FORM, hid)["members"]
    index = next(i for i, m in enumerate(members)
                 if m["labour_capacity"] == "full" and m["employed"])
    return hid, index


def line(page: FormsPage, path: str) -> QLineEdit:
    widget = page.view.editor_widget(path)
    assert isinstance(widget, QLineEdit)
    return widget


def type_text(qtbot, widget: QWidget, text: str) -> None:
    """Type ``text``: keys for ASCII, an input method's commit for Chinese (as an IME does)."""
    if text.isascii():
        qtbot.keyClicks(widget, text)
    else:
        event = QInputMethodEvent()
        event.setCommitString(text)
        QApplication.sendEvent(widget, event)


def type_into(qtbot, widget: QLineEdit, text: str) -> None:
    widget.setFocus()
    widget.selectAll()
    type_text(qtbot, widget, text)


def test_the_page_opens_the_first_household_prefilled(qtbot, ctx: AppContext) -> None:
    page = open_page(qtbot, ctx)
    first = rows(ctx, "SELECT id, number, head_name, phone FROM household "
                      "ORDER BY number LIMIT 1")[0]
    assert page.household["id"] == first["id"]
    assert line(page, "head_name").text() == first["head_name"]
    assert line(page, "phone").text() == first["phone"]
    assert first["number"] in page.summary.text()
    assert "表单版本 v1" in page.version_label.text()
    assert first["head_name"] in page.picker.line_edit.text()
    # With no household asked for, the cursor waits in the household chooser.
    qtbot.waitUntil(lambda: page.picker.line_edit.hasFocus())
    assert not page.has_unsaved_changes()


def test_a_household_asked_for_opens_with_the_cursor_on_the_first_answer(
        qtbot, ctx: AppContext) -> None:
    target = rows(ctx, "SELECT id, number, head_name FROM household "
                       "ORDER BY number LIMIT 1 OFFSET 7")[0]
    page = open_page(qtbot, ctx, household=target["number"])
    assert page.household["id"] == target["id"]
    assert line(page, "head_name").text() == target["head_name"]
    qtbot.waitUntil(lambda: line(page, "head_name").hasFocus())


def test_labour_capacity_shows_and_hides_the_employment_questions(
        qtbot, ctx: AppContext) -> None:
    hid, index = employed_household(ctx)
    page = open_page(qtbot, ctx, household=hid)
    paths = [f"members[{index}].{name}" for name in EMPLOYMENT]
    assert all(page.view.is_shown(p) for p in paths)
    assert all(page.view.editor_widget(p).isVisible() for p in paths)
    labour = page.view.editor_widget(f"members[{index}].labour_capacity")
    assert isinstance(labour, QComboBox)
    labour.setFocus()
    qtbot.keyClick(labour, Qt.Key.Key_3)  # the third choice: 无劳动力
    assert labour.currentText() == "无劳动力"
    assert not any(page.view.is_shown(p) for p in paths)
    assert not any(page.view.editor_widget(p).isVisible() for p in paths)
    qtbot.keyClick(labour, Qt.Key.Key_1)  # 普通劳动力
    assert labour.currentText() == "普通劳动力"
    assert all(page.view.editor_widget(p).isVisible() for p in paths)
    # Not employed: only the question whether the member works stays.
    employed = page.view.editor_widget(f"members[{index}].employed")
    assert isinstance(employed, QCheckBox)
    employed.setFocus()
    qtbot.keyClick(employed, Qt.Key.Key_Space)
    assert not employed.isChecked()
    assert [page.view.is_shown(p) for p in paths] == [True, False, False, False, False]


def test_the_relocated_box_shows_and_hides_the_relocation_questions(
        qtbot, ctx: AppContext) -> None:
    hid = rows(ctx, "SELECT id FROM household WHERE relocated = 0 ORDER BY number LIMIT 1")[0]["id"]
    page = open_page(qtbot, ctx, household=hid)
    relocation = ("origin_village", "resettlement_site", "relocation_year")
    assert not any(page.view.editor_widget(p).isVisible() for p in relocation)
    box = page.view.editor_widget("relocated")
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)
    assert all(page.view.editor_widget(p).isVisible() for p in relocation)
    qtbot.keyClick(box, Qt.Key.Key_Space)
    assert not any(page.view.editor_widget(p).isVisible() for p in relocation)


def test_a_problem_shows_next_to_the_field_when_leaving_it(qtbot, ctx: AppContext) -> None:
    hid, index = employed_household(ctx)
    page = open_page(qtbot, ctx, household=hid)
    path = f"members[{index}].id_number"
    edit = line(page, path)
    good = edit.text()
    wrong = "0" if good[-1] != "0" else "1"
    type_into(qtbot, edit, good[:17] + wrong)
    cell = page.view.cell(path)
    assert not cell.error.isVisible()  # no complaint while typing
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert not edit.hasFocus()
    assert cell.error.isVisible()
    assert cell.error.text() == f"身份证号第18位校验码应为{good[-1]}"
    assert edit.property("invalid") is True
    # Fixing it clears the message as soon as the answer is right.
    type_into(qtbot, edit, good)
    assert not cell.error.isVisible()


def test_enter_moves_to_the_next_answer(qtbot, ctx: AppContext) -> None:
    page = open_page(qtbot, ctx)
    name = line(page, "head_name")
    name.setFocus()
    qtbot.keyClick(name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: line(page, "id_number").hasFocus())
    qtbot.keyClick(line(page, "id_number"), Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    qtbot.waitUntil(lambda: line(page, "phone").hasFocus())


def test_a_new_member_by_keyboard_gets_birth_date_and_sex_from_the_id_number(
        qtbot, ctx: AppContext) -> None:
    page = open_page(qtbot, ctx, household=rows(
        ctx, "SELECT id FROM household ORDER BY number LIMIT 1")[0]["id"])
    view = page.view
    before = len(view.group_views["members"].cards)
    line(page, "head_name").setFocus()
    qtbot.keyClick(page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert len(view.group_views["members"].cards) == before + 1
    new = f"members[{before}]"
    qtbot.waitUntil(lambda: view.editor_widget(f"{new}.name").hasFocus())
    type_text(qtbot, view.editor_widget(f"{new}.name"), "田小宝")
    number = idnumber.make("140215", dt.date(2024, 5, 6), 13)
    id_edit = line(page, f"{new}.id_number")
    type_into(qtbot, id_edit, number)
    qtbot.keyClick(id_edit, Qt.Key.Key_Tab)
    assert line(page, f"{new}.birth_date").text() == "2024-05-06"
    assert view.editor_widget(f"{new}.sex").currentText() == "男"
    assert "田小宝" in view.group_views["members"].cards[-1].title.text()
    assert page.has_unsaved_changes()


def test_a_removed_member_can_be_put_back(qtbot, ctx: AppContext) -> None:
    hid, _index = employed_household(ctx)
    page = open_page(qtbot, ctx, household=hid)
    group = page.view.group_views["members"]
    count = len(group.cards)
    name = group.cards[-1].cells[0].editor.value()
    line(page, f"members[{count - 1}].name").setFocus()
    qtbot.keyClick(page, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert len(group.cards) == count - 1
    assert group.undo_label.text() == f"已删除家庭成员“{name}”"
    assert page.has_unsaved_changes()
    qtbot.mouseClick(group.undo_button, Qt.MouseButton.LeftButton)
    assert len(group.cards) == count
    assert group.cards[-1].cells[0].editor.value() == name
    assert not page.has_unsaved_changes()


def test_a_draft_survives_closing_and_reopening_the_page(qtbot, ctx: AppContext) -> None:
    hid, index = employed_household(ctx)
    page = open_page(qtbot, ctx, track=False, household=hid)
    type_into(qtbot, line(page, "phone"), "13912345678")
    type_into(qtbot, line(page, f"members[{index}].skills"), "电焊")
    # Autosaved within about two seconds, without leaving the field.
    qtbot.waitUntil(lambda: fs.load_form_draft(ctx.store, FORM.id, hid) is not None,
                    timeout=5000)
    wait_for_tasks(qtbot, ctx)
    page.close()
    page.deleteLater()
    qtbot.waitUntil(lambda: not isValid(page))  # the page and its widgets are gone

    again = open_page(qtbot, ctx, household=hid)
    assert line(again, "phone").text() == "13912345678"
    assert line(again, f"members[{index}].skills").text() == "电焊"
    assert again.status.text().startswith("已恢复")
    assert again.discard_button.isVisible()
    assert again.has_unsaved_changes()
    # The household's file itself is unchanged until the form is submitted.
    assert rows(ctx, "SELECT phone FROM household WHERE id = ?", hid)[0]["phone"] != "13912345678"


def test_submit_writes_the_household_and_clears_the_draft(qtbot, ctx: AppContext) -> None:
    hid, index = employed_household(ctx)
    page = open_page(qtbot, ctx, household=hid)
    type_into(qtbot, line(page, "phone"), "13912345678")
    type_into(qtbot, line(page, "wage"), "23456")
    labour = page.view.editor_widget(f"members[{index}].labour_capacity")
    labour.setFocus()
    qtbot.keyClick(labour, Qt.Key.Key_3)  # 无劳动力: no longer in work
    qtbot.waitUntil(lambda: fs.load_form_draft(ctx.store, FORM.id, hid) is not None,
                    timeout=5000)
    with qtbot.waitSignal(ctx.sig_data_changed, timeout=5000) as changed:
        qtbot.keyClick(page, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "household" in changed.args[0] and "member" in changed.args[0]
    wait_for_tasks(qtbot, ctx)
    assert page.status.text().startswith("已提交（表单版本 v1）")
    household = rows(ctx, "SELECT phone, form_updated_on FROM household WHERE id = ?", hid)[0]
    assert household == {"phone": "13912345678", "form_updated_on": dt.date.today().isoformat()}
    member_id = fs.prefill(ctx.store, FORM, hid)["members"][index]["_id"]
    member = rows(ctx, "SELECT labour_capacity, employed FROM member WHERE id = ?", member_id)[0]
    assert member == {"labour_capacity": "none", "employed": 0}
    year = fs.prefill(ctx.store, FORM, hid)["income_year"]
    assert rows(ctx, "SELECT wage FROM income WHERE household_id = ? AND year = ? "
                     "AND deleted = 0", hid, year)[0]["wage"] == 23456.0
    (submission,) = rows(ctx, "SELECT form_id, form_version FROM form_submission "
                              "WHERE household_id = ?", hid)
    assert submission == {"form_id": "household_survey", "form_version": 1}
    assert fs.load_form_draft(ctx.store, FORM.id, hid) is None
    assert not page.has_unsaved_changes()
    assert line(page, "wage").text() == "23,456.00"
    assert not page.overdue.isVisible()


def test_a_wrong_answer_stops_the_submit_and_takes_the_cursor_there(
        qtbot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    hid, index = employed_household(ctx)
    page = open_page(qtbot, ctx, household=hid)
    path = f"members[{index}].employment_months"
    type_into(qtbot, line(page, path), "13")
    line(page, "head_name").setFocus()
    qtbot.keyClick(page, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_for_tasks(qtbot, ctx)
    assert page.status.text() == "有 1 处需要修改，光标已移到第一处"
    assert page.view.cell(path).error.text() == "务工月数不能大于12"
    qtbot.waitUntil(lambda: line(page, path).hasFocus())
    assert rows(ctx, "SELECT count(*) AS n FROM form_submission")[0]["n"] == 0


def test_discarding_puts_back_the_stored_answers_and_forgets_the_draft(
        qtbot, ctx: AppContext) -> None:
    hid, _index = employed_household(ctx)
    page = open_page(qtbot, ctx, household=hid)
    stored = line(page, "phone").text()
    type_into(qtbot, line(page, "phone"), "13912345678")
    qtbot.waitUntil(lambda: fs.load_form_draft(ctx.store, FORM.id, hid) is not None,
                    timeout=5000)
    assert page.has_unsaved_changes()
    page.discard_changes()
    wait_for_tasks(qtbot, ctx)
    assert line(page, "phone").text() == stored
    assert not page.has_unsaved_changes()
    assert fs.load_form_draft(ctx.store, FORM.id, hid) is None


def test_picking_another_household_by_typing_keeps_what_was_typed_as_a_draft(
        qtbot, ctx: AppContext) -> None:
    page = open_page(qtbot, ctx)
    first = dict(page.household)
    type_into(qtbot, line(page, "phone"), "13912345678")
    target = rows(ctx, "SELECT id, head_name FROM household ORDER BY number DESC LIMIT 1")[0]
    edit = page.picker.line_edit
    edit.setFocus()
    edit.selectAll()
    type_text(qtbot, edit, target["head_name"])
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.household is not None and page.household["id"] == target["id"],
                    timeout=5000)
    wait_for_tasks(qtbot, ctx)
    assert line(page, "head_name").text() == target["head_name"]
    qtbot.waitUntil(lambda: line(page, "head_name").hasFocus())
    assert page.status.text().startswith(f"“{first['head_name']}”户未提交的修改已存为草稿")
    draft = fs.load_form_draft(ctx.store, FORM.id, first["id"])
    assert draft is not None and draft["answers"]["phone"] == "13912345678"


def test_any_form_definition_renders(qtbot) -> None:
    form = parse_form({
        "id": "well", "version": 3, "title": {"zh": "水井调查", "en": "Well survey"},
        "sections": [
            {"key": "a", "title": "概况", "columns": 2, "fields": [
                {"name": "has_well", "type": "bool", "label": "有水井"},
                {"name": "depth", "type": "int", "label": "井深（米）", "min": 1, "max": 300,
                 "show_if": {"field": "has_well", "equals": True}},
                {"name": "quality", "type": "choice", "label": "水质",
                 "choices": [{"value": "good", "label": "好"}, {"value": "bad", "label": "差"}]},
            ]},
            {"key": "b", "title": "用水户", "group": {
                "name": "users", "item_label": "用水户", "fields": [
                    {"name": "who", "type": "text", "label": "户主", "required": True},
                    {"name": "pays", "type": "bool", "label": "缴费"},
                    {"name": "amount", "type": "money", "label": "金额",
                     "show_if": {"all": [{"field": "pays", "equals": True},
                                         {"field": "has_well", "equals": True}]}},
                ]}},
        ]})
    view = FormView(form)
    qtbot.addWidget(view)
    view.show()
    assert [b.title() for b in view.section_boxes.values()] == ["概况", "用水户"]
    view.set_answers({"has_well": True, "depth": 20, "quality": "good",
                      "users": [{"who": "张三", "pays": True, "amount": 30}]})
    assert view.editor_widget("depth").isVisible()
    assert view.editor_widget("users[0].amount").isVisible()
    assert view.editor_widget("quality").currentText() == "好"
    # A group condition reads the same item and the top-level answers.
    box = view.editor_widget("has_well")
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)
    assert not view.editor_widget("depth").isVisible()
    assert not view.editor_widget("users[0].amount").isVisible()
    assert view.answers()["users"] == [{"who": "张三", "pays": True, "amount": "30.00"}]
    assert view.validate_all() == {}
    view.add_item("users")
    problems = view.validate_all()
    assert {k: p.message() for k, p in problems.items()} == {"users[1].who": "请填写户主"}
