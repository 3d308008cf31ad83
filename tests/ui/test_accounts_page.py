"""The 账号与工作队 page against a real server: an administrator lists accounts and teams,
adds a member on a team (who can then log in), disables it (who then cannot), adds a team,
and sees a refusal as the server's own Chinese sentence; a supervisor sees only its area;
without a keyring the page asks for the password; a laptop silent for over 7 days is
flagged amber with a word."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication
from ui_helpers import open_page, wait_for_tasks

from serverlib import RunningServer, start_server
from workteam_desktop.store import Store
from workteam_desktop.sync.account import login
from workteam_desktop.sync.admin import AccountInfo, LaptopInfo
from workteam_desktop.ui.app import setup_application
from workteam_desktop.ui.context import AppContext
from workteam_desktop.ui.pages.accounts import AccountsPage, is_stale

PASSWORD = "password1"
DIANWAN = ("140226102208", "140226102209")  # 曹家沟村, 店湾村 (店湾镇)
YUNXING = "140226100013"  # 云兴街社区 (云兴镇)
_names = itertools.count()


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A server set up as a county starts: 左云县's divisions, two teams, an admin."""
    with start_server(tmp_path_factory.mktemp("county-server")) as server:
        for args in (("init", "--county", "140226"),
                     ("teams", "add", "店湾工作队", "--unit", "县财政局", "--villages", ",".join(DIANWAN)),
                     ("teams", "add", "云兴工作队", "--unit", "县农业局", "--villages", YUNXING)):
            done = server.cli(*args)
            assert done.returncode == 0, done.stderr
        done = server.cli("users", "add", "root", "--role", "admin", "--password-stdin",
                          stdin=PASSWORD + "\n")
        assert done.returncode == 0, done.stderr
        yield server


def unique(prefix: str) -> str:
    return f"{prefix}{next(_names)}"


@pytest.fixture
def laptop(qapp: QApplication, tmp_path: Path) -> Iterator[Store]:
    setup_application(qapp, "zh")
    store = Store.open(tmp_path / "laptop")
    yield store
    store.close()


def context(store: Store) -> AppContext:
    return AppContext(store, QSettings(str(store.home / "gui.ini"), QSettings.Format.IniFormat), "zh")


def accounts_shown(page: AccountsPage) -> dict[str, list[str]]:
    model = page.account_model
    return {model.index(r, 0).data(): [model.index(r, c).data() for c in range(1, 5)]
            for r in range(model.rowCount())}


def teams_shown(page: AccountsPage) -> dict[str, list[str]]:
    model = page.team_model
    return {model.index(r, 0).data(): [model.index(r, c).data() for c in range(1, 4)]
            for r in range(model.rowCount())}


def can_log_in(server: RunningServer, name: str, password: str) -> bool:
    r = httpx.post(f"{server.url}/api/v1/auth/login",
                   json={"username": name, "password": password, "device": "check"})
    return r.status_code == 200


def test_admin_lists_adds_a_member_on_a_team_and_disables_it(
        qtbot, county: RunningServer, laptop: Store) -> None:
    login(laptop, county.url, "root", PASSWORD)
    ctx = context(laptop)
    page = open_page(qtbot, ctx, AccountsPage)
    wait_for_tasks(qtbot, ctx)
    assert page.stack.currentWidget() is page.tabs
    assert "root（管理员）" in page.who_label.text()
    assert accounts_shown(page)["root"][:3] == ["管理员", "全部地区", "正常"]
    teams = teams_shown(page)
    assert teams["店湾工作队"][0] == "县财政局" and teams["店湾工作队"][2] == "曹家沟村、店湾村"
    assert teams["云兴工作队"][2] == "云兴街社区"
    assert page.directory.county == "140226000000"

    # 添加账号: a member of 店湾工作队, password typed twice.
    name = unique("li")
    page.open_add_account()
    dialog = page.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.name, name)
    assert dialog.role.currentData() == "member" and dialog.team.isVisible()
    dialog.team.pick_code("店湾工作队")
    qtbot.keyClicks(dialog.password.first, "new-password-1")
    qtbot.keyClicks(dialog.password.second, "new-password-2")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.password.second_error.text() == "两次输入的密码不一致，请再输一次"
    assert dialog.isVisible() and ctx.tasks.active_count == 0  # nothing was sent
    dialog.password.second.clear()
    qtbot.keyClicks(dialog.password.second, "new-password-1")
    qtbot.keyClick(dialog.password.second, Qt.Key.Key_Return)  # Enter confirms
    wait_for_tasks(qtbot, ctx)
    assert not dialog.isVisible()
    row = accounts_shown(page)[name]
    assert row[:3] == ["工作队员", "店湾工作队", "正常"]
    assert row[3] == "还没有电脑同步过"
    assert teams_shown(page)["店湾工作队"][1] == "1"
    assert name in page.status.text()
    assert can_log_in(county, name, "new-password-1")

    # 停用: the account can no longer log in; the button turns into 启用.
    page.select_account(name)
    assert page.disable_button.text() == "停用"
    qtbot.mouseClick(page.disable_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ctx)
    assert accounts_shown(page)[name][2] == "已停用"
    assert page.selected_account().name == name and page.disable_button.text() == "启用"
    assert "已停用" in page.status.text()
    assert not can_log_in(county, name, "new-password-1")

    # A refusal is the server's sentence, in the dialog, with the input kept.
    page.open_add_team()
    dialog = page.dialog
    dialog.name.setText(unique("重复工作队"))  # keyClicks types ASCII only
    assert dialog.villages.county is not None and dialog.villages.county.code == "140226000000"
    dialog.villages.township.pick_code("140226102000")
    item = next(dialog.villages.list.item(r) for r in range(dialog.villages.list.count())
                if dialog.villages.list.item(r).text() == "店湾村")
    item.setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ctx)
    assert dialog.isVisible()
    assert dialog.server_error.text() == "店湾村已由工作队“店湾工作队”驻村，一个村只能有一个工作队"
    # Another village: the team is added and listed.
    item.setCheckState(Qt.CheckState.Unchecked)
    item = next(dialog.villages.list.item(r) for r in range(dialog.villages.list.count())
                if dialog.villages.list.item(r).text() == "木代村")
    item.setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ctx)
    assert not dialog.isVisible()
    assert dialog.name.text() in teams_shown(page)
    assert teams_shown(page)[dialog.name.text()][2] == "木代村"


def test_a_supervisor_sees_only_its_area(qtbot, county: RunningServer, laptop: Store) -> None:
    supervisor, inside, outside = unique("zhen"), unique("wang"), unique("zhao")
    county.add_user(supervisor, "supervisor", ["140226102"], PASSWORD)  # 店湾镇
    for name, team in ((inside, "店湾工作队"), (outside, "云兴工作队")):
        done = county.cli("users", "add", name, "--role", "member", "--team", team,
                          "--password-stdin", stdin=PASSWORD + "\n")
        assert done.returncode == 0, done.stderr
    login(laptop, county.url, supervisor, PASSWORD)
    ctx = context(laptop)
    page = open_page(qtbot, ctx, AccountsPage)
    wait_for_tasks(qtbot, ctx)
    shown = accounts_shown(page)
    assert inside in shown and shown[inside][1] == "店湾工作队"
    assert outside not in shown and "root" not in shown
    assert all(row[0] == "工作队员" for row in shown.values())
    assert "店湾工作队" in teams_shown(page) and "云兴工作队" not in teams_shown(page)
    # A supervisor adds member accounts only.
    page.open_add_account()
    dialog = page.dialog
    assert [dialog.role.itemData(i) for i in range(dialog.role.count())] == ["member"]
    dialog.reject()


def test_without_a_keyring_the_page_asks_for_the_password(
        qtbot, county: RunningServer, laptop: Store, monkeypatch) -> None:
    import keyring
    from keyring.backends.fail import Keyring as FailKeyring
    from PySide6.QtWidgets import QInputDialog

    keyring.set_keyring(FailKeyring())  # the autouse fixture restores the previous one
    login(laptop, county.url, "root", PASSWORD)  # nothing kept: no keyring
    asked: list[str] = []

    def type_password(_parent, _title, label, *_args, **_kwargs):
        asked.append(label)
        return PASSWORD, True

    monkeypatch.setattr(QInputDialog, "getText", type_password)
    ctx = context(laptop)
    page = open_page(qtbot, ctx, AccountsPage)
    wait_for_tasks(qtbot, ctx)
    assert asked == ["本机无法保存登录，请输入您的登录密码："]
    assert "root" in accounts_shown(page) and page.error.isHidden()
    page.reload()  # the password is kept in memory while the page lives
    wait_for_tasks(qtbot, ctx)
    assert len(asked) == 1


def test_a_member_home_shows_what_to_do(qtbot, ctx: AppContext) -> None:
    page = open_page(qtbot, ctx, AccountsPage)
    wait_for_tasks(qtbot, ctx)
    assert page.stack.currentWidget() is page.not_manager_box
    assert "管理员或督导" in page.not_manager.text()
    with qtbot.waitSignal(ctx.sig_navigate) as went:
        qtbot.mouseClick(page.to_sync_button, Qt.MouseButton.LeftButton)
    assert went.args == ["sync", {}]


def test_a_laptop_silent_for_over_seven_days_is_amber_with_a_word(qtbot, ctx: AppContext) -> None:
    now = dt.datetime(2026, 5, 20, 8, 0, tzinfo=dt.UTC)
    fresh = LaptopInfo("a1b2c3d4e5f60718", now - dt.timedelta(days=1), 12)
    old = LaptopInfo("ffeeddccbbaa0099", now - dt.timedelta(days=8), 0)
    assert not is_stale(fresh, now) and is_stale(old, now)
    page = AccountsPage(ctx)
    qtbot.addWidget(page)
    page.now = lambda: now
    page._fill_accounts([
        AccountInfo("wang", "member", (), False, "店湾工作队", (fresh,)),
        AccountInfo("zhao", "member", (), False, "店湾工作队", (fresh, old))])
    shown = accounts_shown(page)
    local = (now - dt.timedelta(days=1)).astimezone().strftime("%Y-%m-%d %H:%M")
    assert shown["wang"][3] == f"{local} · 电脑 a1b2c3 · 待同步 12 条"
    assert "超过7天未同步" not in shown["wang"][3]
    assert shown["zhao"][3].splitlines()[1].endswith(" · 超过7天未同步")
    rows = {page.account_model.index(r, 0).data(): r for r in range(2)}
    background = page.account_model.item(rows["zhao"], 4).background().color().name()
    assert background == "#fde7b0"
    assert page.account_model.item(rows["wang"], 4).background().style() == Qt.BrushStyle.NoBrush
