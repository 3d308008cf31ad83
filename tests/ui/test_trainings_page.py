"""培训 page: the list agrees with the store, the empty state says what to do, a training is
recorded with participants picked by type-ahead and their certificates, 参训人次 is
checked next to its field, edit, delete and undo."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from ui_helpers import open_page, wait_for_tasks

from workteam_desktop.cli.main import main
from workteam_desktop.domain import idnumber
from workteam_desktop.store import Store
from workteam_desktop.store.team import list_teams
from workteam_desktop.store.trainings import (
    ParticipantInput,
    TrainingInput,
    count_trainings,
    list_trainings,
    member_choices,
    save_training,
    training_detail,
)
from workteam_desktop.ui.app import setup_application
from workteam_desktop.ui.context import AppContext
from workteam_desktop.ui.pages.training_dialog import TrainingDialog
from workteam_desktop.ui.pages.trainings import TrainingsPage
from workteam_desktop.ui.record_widgets import LookupEdit

TODAY = dt.date.today()
VILLAGES = ("140226102208", "140226102209")


def type_text(widget: QWidget, text: str) -> None:
    """Type Chinese as an input method commits it (QTest can only type ASCII)."""
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def pick(qtbot, picker: LookupEdit, text: str) -> None:
    """Type into a type-ahead field, wait for matches, take the first with Enter."""
    picker.setFocus()
    if text.isascii():
        qtbot.keyClicks(picker, text)
    else:
        type_text(picker, text)
    qtbot.waitUntil(lambda: not picker.busy and bool(picker.results), timeout=5000)
    qtbot.keyClick(picker, Qt.Key.Key_Return)


@pytest.fixture
def team_ctx(qapp: QApplication, tmp_path: Path) -> Iterator[AppContext]:
    """A laptop set up with ``workteam setup`` (one team, two villages) and a roster."""
    home = tmp_path / "team-home"
    assert main(["--home", str(home), "setup", "--county", "140226", "--villages",
                 ",".join(VILLAGES), "--team", "店湾工作队", "--cadre", "张伟:第一书记"]) == 0
    rows = ["所在村,户主姓名,身份证号,家庭人口,人均纯收入"]
    for i, name in enumerate(["王建国", "李秀英", "张桂兰", "刘玉梅"]):
        rows.append(f"{VILLAGES[i % 2]},{name},"
                    f"{idnumber.make('140226', dt.date(1960 + i, 3, 1 + i), 100 + i)},3,9000")
    roster = tmp_path / "roster.csv"
    roster.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert main(["--home", str(home), "import-roster", str(roster)]) == 0
    setup_application(qapp, "zh")
    store = Store.open(home)
    context = AppContext(store, QSettings(str(home / "gui.ini"), QSettings.Format.IniFormat), "zh")
    yield context
    assert context.tasks.wait(10000)
    store.close()


def _yes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *_a, **_k: QMessageBox.StandardButton.Yes)


def _new_dialog(qtbot, ctx: AppContext, page: TrainingsPage) -> TrainingDialog:
    qtbot.keyClick(page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible(), timeout=5000)
    wait_for_tasks(qtbot, ctx)
    return page.dialog


def test_empty_state_then_a_training_with_participants_and_certificates(
        qtbot, team_ctx: AppContext) -> None:
    ctx = team_ctx
    page = open_page(qtbot, ctx, TrainingsPage)
    assert page.stack.currentWidget() is page.empty
    assert page.empty.text() == "还没有培训记录，按 Ctrl+N 新建"
    assert not page.team_box.isVisible()  # one team here: no team filter

    dialog = _new_dialog(qtbot, ctx, page)
    assert dialog.date_edit.hasFocus()  # the first field
    dialog.title_edit.setText("电焊工技能培训")
    dialog.trainer_edit.setText("县人社局 王老师")
    dialog.hours_edit.setText("16")
    pick(qtbot, dialog.member_picker, "李秀英")
    pick(qtbot, dialog.member_picker, "1008")  # 王建国 by the last digits of his ID
    qtbot.waitUntil(lambda: dialog.participants.rowCount() == 2, timeout=5000)
    assert dialog.member_picker.text() == ""  # empties for the next name
    names = [dialog.participants.item(r, 0).text() for r in range(2)]
    assert names == ["李秀英", "王建国"]
    assert "*" in dialog.participants.item(0, 2).text()  # ID masked in the list
    dialog.participants.item(1, 3).setText("电焊工证")
    assert dialog.participant_count.text() == "已选 2 人，其中取得证书 1 人"

    # 参训人次 below the participants: said next to the field, nothing saved.
    dialog.attendees_edit.setText("1")
    dialog.save()
    assert dialog.isVisible() and dialog.attendees_error.isVisible()
    assert "2" in dialog.attendees_error.text()
    dialog.attendees_edit.setText("20")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_for_tasks(qtbot, ctx)
    [row] = list_trainings(ctx.store)
    assert (row["title"], row["attendees"], row["participants"], row["certificates"]) == (
        "电焊工技能培训", 20, 2, 1)
    detail = training_detail(ctx.store, row["id"])
    assert {p["name"]: p["certificate"] for p in detail["participants"]} == {
        "李秀英": "", "王建国": "电焊工证"}
    assert page.stack.currentWidget() is page.table
    assert page.model.rowCount() == 1
    assert page.model.data(page.model.index(0, 7)) == "1"  # 取得证书
    assert "取得证书 1 本" in page.summary.text()


def test_edit_unticks_a_participant_delete_and_undo(qtbot, team_ctx: AppContext,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = team_ctx
    [team] = list_teams(ctx.store)
    people = member_choices(ctx.store, team.id)
    training_id = save_training(ctx.store, TrainingInput(
        team.id, TODAY, "家政服务培训", participants=[
            ParticipantInput(people[0]["id"], "育婴员证"), ParticipantInput(people[1]["id"])]))
    page = open_page(qtbot, ctx, TrainingsPage)
    page.table.selectRow(0)
    page.edit_selected()
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible(), timeout=5000)
    dialog = page.dialog
    assert dialog.participants.rowCount() == 2
    assert dialog.participants.item(0, 3).text() in ("育婴员证", "")
    dialog.participants.item(1, 0).setCheckState(Qt.CheckState.Unchecked)
    assert dialog.participant_count.text().startswith("已选 1 人")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.save()
    wait_for_tasks(qtbot, ctx)
    assert len(training_detail(ctx.store, training_id)["participants"]) == 1

    _yes(monkeypatch)
    page.table.selectRow(0)
    page.delete_selected()
    wait_for_tasks(qtbot, ctx)
    assert count_trainings(ctx.store) == 0
    assert page.notice.undo_button.isVisible()
    page.notice.undo_button.click()
    wait_for_tasks(qtbot, ctx)
    assert count_trainings(ctx.store) == 1
    assert page.model.rowCount() == 1


def test_demo_lists_every_teams_trainings_and_filters_by_team(qtbot, ctx: AppContext) -> None:
    page = open_page(qtbot, ctx, TrainingsPage)
    year = (dt.date(TODAY.year, 1, 1), dt.date(TODAY.year, 12, 31))
    assert page.team_box.isVisible()  # several teams in the demo
    assert page.pager.total == count_trainings(ctx.store, None, *year) > 0
    assert not page.table.isColumnHidden(8)  # 工作队 column while all teams are listed
    team = list_teams(ctx.store)[0]
    page.team_box.setCurrentIndex(page.team_box.findData(team.id))
    wait_for_tasks(qtbot, ctx)
    assert page.pager.total == count_trainings(ctx.store, team.id, *year)
    assert page.table.isColumnHidden(8)
    assert {page.model.row(i)["team_name"] for i in range(page.model.rowCount())} == {team.name}
    # A new training is the chosen team's; its picker offers that team's members only.
    dialog = _new_dialog(qtbot, ctx, page)
    assert dialog.team_box.currentData() == team.id
    ours = {m["id"] for m in member_choices(ctx.store, team.id, "", limit=5000)}
    dialog.member_picker.setFocus()
    type_text(dialog.member_picker, "王")
    qtbot.waitUntil(lambda: not dialog.member_picker.busy, timeout=5000)
    assert dialog.member_picker.results
    assert {r[0] for r in dialog.member_picker.results} <= ours
    dialog.reject()
