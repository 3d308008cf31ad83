"""设置 → 工作队: the team (read-only) and its cadres, serving first and those who left
greyed; 添加干部 with the one-first-secretary rule next to the field, 离岗/轮换 in one go,
and new visits no longer offering the cadre who left."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from ui_helpers import open_page, wait_for_tasks

from workteam_desktop.cli.main import main
from workteam_desktop.store import Store
from workteam_desktop.store.team import list_cadres, list_teams, resolve_team
from workteam_desktop.ui.app import setup_application
from workteam_desktop.ui.context import AppContext
from workteam_desktop.ui.pages.settings import SettingsPage
from workteam_desktop.ui.pages.team_settings import PAST, CadreDialog, RotationDialog
from workteam_desktop.ui.pickers import CadrePicker

TODAY = dt.date.today()


@pytest.fixture
def team_ctx(qapp: QApplication, tmp_path: Path) -> Iterator[AppContext]:
    """A laptop set up with ``workteam setup``: 店湾工作队, 张伟 first secretary, 李娜."""
    home = tmp_path / "team-home"
    assert main(["--home", str(home), "setup", "--county", "140226", "--villages",
                 "140226102208,140226102209", "--team", "店湾工作队", "--unit", "左云县农业农村局",
                 "--cadre", "张伟:第一书记", "--cadre", "李娜"]) == 0
    setup_application(qapp, "zh")
    store = Store.open(home)
    context = AppContext(store, QSettings(str(home / "gui.ini"), QSettings.Format.IniFormat), "zh")
    yield context
    assert context.tasks.wait(10000)
    store.close()


def _team_tab(qtbot, ctx: AppContext) -> SettingsPage:
    page = open_page(qtbot, ctx, SettingsPage, tab="team")
    assert page.tabs.currentWidget() is page.team_settings
    return page


def _changes(ctx: AppContext) -> int:
    with ctx.store.read() as cur:
        return cur.execute("SELECT count(*) FROM change_log").fetchone()[0]


def test_team_tab_shows_the_team_and_its_cadres(qtbot, team_ctx: AppContext) -> None:
    page = _team_tab(qtbot, team_ctx)
    team = page.team_settings
    assert not page.save_button.isVisible()  # its changes are written at once
    assert team.name_label.text() == "店湾工作队"
    assert team.unit_label.text() == "左云县农业农村局"
    assert team.villages_label.text() == "曹家沟村、店湾村"
    assert not team.team_box.isVisible()  # one team here
    assert [team.table.item(r, 0).text() for r in range(team.table.rowCount())] == ["张伟", "李娜"]
    assert "现任：张伟" in team.rule_label.text()
    page.tabs.setCurrentIndex(0)
    assert page.save_button.isVisible()


def test_second_first_secretary_refused_next_to_the_field(qtbot, team_ctx: AppContext) -> None:
    ctx = team_ctx
    team = _team_tab(qtbot, ctx).team_settings
    team.add_cadre()
    dialog = team.dialog
    assert isinstance(dialog, CadreDialog)
    qtbot.waitUntil(dialog.name_edit.hasFocus, timeout=3000)  # the first field
    dialog.name_edit.setText("王五")
    dialog.roles.setCurrentIndex(dialog.roles.findData("first_secretary"))
    # The rule, with what to do, is beside the field before anything is saved.
    assert "张伟是在岗的第一书记" in dialog.role_hint.text()
    dialog.phone_edit.setText("12345")
    dialog.phone_edit.editingFinished.emit()
    assert dialog.phone_error.isVisible() and "11位手机号" in dialog.phone_error.text()
    dialog.phone_edit.setText("13912345678")
    dialog.check_phone()
    before = _changes(ctx)
    dialog.save()
    wait_for_tasks(qtbot, ctx)
    assert dialog.isVisible()
    assert "张伟" in dialog.role_hint.text() and dialog.role_hint.objectName() == "fieldError"
    assert _changes(ctx) == before  # nothing written
    dialog.roles.setCurrentIndex(dialog.roles.findData("leader"))
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.save()
    wait_for_tasks(qtbot, ctx)
    rows = {r.name: r for r in list_cadres(ctx.store, resolve_team(ctx.store).id)}
    assert rows["王五"].role == "leader" and rows["王五"].phone == "13912345678"
    assert team.table.rowCount() == 3 and team.status.text() == "已添加 王五"


def test_rotation_greys_the_leaver_and_new_visits_no_longer_offer_him(
        qtbot, team_ctx: AppContext) -> None:
    ctx = team_ctx
    team = _team_tab(qtbot, ctx).team_settings
    team.table.selectRow(0)
    assert team.selected().name == "张伟"
    team.end_selected()
    dialog = team.dialog
    assert isinstance(dialog, RotationDialog)
    assert dialog.roles.currentData() == "first_secretary"  # the leaver's role
    # The successor may take the post the leaver gives up.
    assert "张伟离岗当日起可由接任干部担任" in dialog.role_hint.text()
    dialog.save()  # no successor named although 有人同日接任 is ticked
    assert dialog.successor_error.isVisible()
    dialog.successor_edit.setText("刘强")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.save()
    wait_for_tasks(qtbot, ctx)
    names = [team.table.item(r, 0).text() for r in range(team.table.rowCount())]
    assert names == ["刘强", "李娜", "张伟"]  # serving first, the leaver last
    past = team.table.item(2, 0)
    assert past.foreground().color() == PAST
    assert team.table.item(2, 5).text() == TODAY.isoformat()  # 离岗日期
    assert team.table.item(2, 6).text() == "已离岗"
    assert "现任：刘强" in team.rule_label.text()
    team.table.selectRow(2)
    assert not team.end_button.isEnabled()  # he left already

    picker = CadrePicker(ctx, serving_only=True)  # as the visit form makes it
    qtbot.addWidget(picker)
    offered = {c["name"] for c in picker.search(ctx.store, "")}
    assert offered == {"刘强", "李娜"}
    everyone = CadrePicker(ctx)  # the reports page's picker keeps past cadres
    qtbot.addWidget(everyone)
    assert "张伟" in {c["name"] for c in everyone.search(ctx.store, "")}


def test_demo_county_picks_the_team(qtbot, ctx: AppContext) -> None:
    team = _team_tab(qtbot, ctx).team_settings
    teams = list_teams(ctx.store)
    assert team.team_box.isVisible() and team.team_box.count() == len(teams) > 1
    team.team_box.setCurrentIndex(1)
    wait_for_tasks(qtbot, ctx)
    chosen = teams[1]
    assert team.name_label.text() == chosen.name
    cadres = list_cadres(ctx.store, chosen.id)
    assert team.table.rowCount() == len(cadres)
    assert team.table.item(0, 1).text() == "第一书记"
