"""The first-run window: 单机开始 sets up the team and its villages (two townships and a
village added by name) with errors next to their fields; 连接服务器 against a real server
says which of wrong password, wrong address or no network it was and leaves no store file,
and with the right password makes the home and syncs the team's data; 看看演示数据 fills a
sibling home and leaves the real one empty; 从数据包开始 imports a bundle (and keeps nothing
when none is imported)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog

import workteam_desktop.ui.first_run as first_run
from serverlib import RunningServer, push, start_server, wire_change
from workteam_desktop.domain.areas import area_id
from workteam_desktop.store import Store, sync_state
from workteam_desktop.store.home import store_path
from workteam_desktop.store.setup import PROVISIONAL_TEAM, home_is_empty, home_team
from workteam_desktop.ui.app import setup_application
from workteam_desktop.ui.first_run import FirstRunWindow, demo_home_for

PASSWORD = "password1"


@pytest.fixture
def window(qapp: QApplication, qtbot, tmp_path: Path) -> Iterator[FirstRunWindow]:
    setup_application(qapp, "zh")
    win = FirstRunWindow(tmp_path / "home", "zh")
    qtbot.addWidget(win)
    win.resize(1024, 600)  # the smallest screen it must work on
    win.show()
    yield win
    assert win.tasks.wait(20000), "a background task did not finish"


def count(store: Store, table: str) -> int:
    with store.read() as cur:
        return cur.execute(f"SELECT count(*) FROM {table} WHERE deleted = 0").fetchone()[0]


def tick(checklist, name: str) -> None:
    lst = checklist.list
    item = next(lst.item(r) for r in range(lst.count()) if lst.item(r).text().startswith(name))
    item.setCheckState(Qt.CheckState.Checked)


# ------------------------------------------------------------------ 单机开始

def test_offline_setup_creates_the_team_and_its_villages(qtbot, window: FirstRunWindow) -> None:
    assert window.stack.currentWidget() is window.choices
    assert window.focusWidget() is window.choices.buttons["connect"]  # first choice focused
    qtbot.mouseClick(window.choices.buttons["offline"], Qt.MouseButton.LeftButton)
    panel = window.offline
    assert window.stack.currentWidget() is panel and window.focusWidget() is panel.county.search

    # Enter in the county field finds the county (and does not submit the form).
    qtbot.keyClicks(panel.county.search, "140226")
    qtbot.keyClick(panel.county.search, Qt.Key.Key_Return)
    assert panel.county.county().short == "左云县"
    assert panel.county.province.currentText() == "山西省"
    assert panel.county.city.currentText() == "大同市"
    assert not store_path(window.home).exists()

    # Nothing ticked, no team name: each message next to its field, nothing written.
    qtbot.keyClick(panel.team_name, Qt.Key.Key_Return)
    assert panel.villages.error.text() == "请至少勾选一个所驻的村"
    assert panel.team_error.text() == "请填写工作队名称"  # both at once
    assert not store_path(window.home).exists()

    villages = panel.villages
    villages.township.pick_code("140226102000")  # 店湾镇
    tick(villages, "曹家沟村")
    tick(villages, "店湾村")
    villages.township.pick_code("140226100000")  # 云兴镇: the ticks in 店湾镇 stay
    tick(villages, "云兴街社区")
    # A village missing from the divisions, added by name under 店湾镇 (Enter adds it).
    villages.township.pick_code("140226102000")
    qtbot.mouseClick(villages.add_toggle, Qt.MouseButton.LeftButton)
    villages.add_edit.setText("于家窑村")  # keyClicks types ASCII only
    qtbot.keyClick(villages.add_edit, Qt.Key.Key_Return)
    assert [v.short for v in villages.checked()] == ["云兴街社区", "曹家沟村", "店湾村", "于家窑村"]
    assert villages.checked()[-1].local
    assert "已选 4 个村" in villages.summary.text()

    qtbot.keyClick(panel.team_name, Qt.Key.Key_Return)
    assert panel.team_error.text() == "请填写工作队名称" and not panel.team_error.isHidden()
    assert window.focusWidget() is panel.team_name, window.focusWidget().placeholderText()

    panel.team_name.setText("店湾工作队")
    panel.unit.setText("县财政局")
    # Tab goes on in reading order: from the unit to the first cadre's name.
    panel.unit.setFocus()
    qtbot.keyClick(panel.unit, Qt.Key.Key_Tab)
    assert window.focusWidget() is panel.cadres.rows[0].name
    panel.cadres.rows[0].name.setText("张伟")
    panel.cadres.rows[1].name.setText("李强")
    panel.cadres.rows[1].role.setCurrentIndex(panel.cadres.rows[1].role.findData("first_secretary"))
    qtbot.keyClick(panel.unit, Qt.Key.Key_Return)
    assert "第一书记" in panel.cadres.error.text() and not panel.cadres.error.isHidden()
    assert not store_path(window.home).exists()

    panel.cadres.rows[1].role.setCurrentIndex(panel.cadres.rows[1].role.findData("member"))
    with qtbot.waitSignal(window.sig_done, timeout=30000) as done:
        qtbot.keyClick(panel.unit, Qt.Key.Key_Return)
    assert done.args == [window.home]
    with Store.open(window.home) as store:
        team = home_team(store)
        assert team is not None and team.team_name == "店湾工作队" and team.provisional
        assert [name for _, name in team.villages] == ["云兴街社区", "曹家沟村", "店湾村", "于家窑村"]
        assert team.county_code == "140226000000"
        with store.read() as cur:
            cadres = dict(cur.execute("SELECT name, role FROM cadre"))
            local = cur.execute("SELECT name FROM area WHERE local = 1").fetchall()
        assert cadres == {"张伟": "first_secretary", "李强": "member"}
        assert [r[0] for r in local] == ["于家窑村"]
        assert sync_state.get(store, PROVISIONAL_TEAM) == team.team_id
    assert not home_is_empty(window.home)


def test_esc_goes_back_and_a_typed_county_name_works(qtbot, window: FirstRunWindow) -> None:
    window.choose("offline")
    panel = window.offline
    panel.county.search.setText("大同市左云县")
    qtbot.keyClick(panel.county.search, Qt.Key.Key_Return)
    assert panel.county.county().code == "140226000000"
    panel.county.search.setText("不存在县")
    qtbot.keyClick(panel.county.search, Qt.Key.Key_Return)
    assert not panel.county.error.isHidden() and "不存在县" in panel.county.error.text()
    qtbot.keyClick(panel.team_name, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.choices


# ------------------------------------------------------------------ 连接服务器

@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A county's server as it starts for real: divisions, a team, a member, a household."""
    with start_server(tmp_path_factory.mktemp("county")) as server:
        for args in (("init", "--county", "140226"),
                     ("teams", "add", "店湾工作队", "--unit", "县财政局",
                      "--villages", "140226102208,140226102209")):
            done = server.cli(*args)
            assert done.returncode == 0, done.stderr
        for name, role, extra in (("wang", "member", ("--team", "店湾工作队")),
                                  ("root", "admin", ())):
            done = server.cli("users", "add", name, "--role", role, *extra, "--password-stdin",
                              stdin=PASSWORD + "\n")
            assert done.returncode == 0, done.stderr
        with server.client("root", PASSWORD) as admin:
            results = push(admin, [wire_change("household", "hh-1", {
                "number": "0001", "head_name": "王喆", "village_id": area_id("140226102209")})])
        assert results[0]["status"] == "accepted", results
        yield server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def connect(qtbot, window: FirstRunWindow, server: str, user: str, password: str) -> None:
    window.choose("connect")
    panel = window.connect_panel
    assert window.focusWidget() is panel.server_edit
    for edit, text in ((panel.server_edit, server), (panel.user_edit, user),
                       (panel.password_edit, password)):
        edit.clear()
        qtbot.keyClicks(edit, text)
    qtbot.keyClick(panel.password_edit, Qt.Key.Key_Return)  # Enter connects
    assert panel.running or panel.result is not None or not panel.error.isHidden()


def failed_with(qtbot, window: FirstRunWindow) -> str:
    panel = window.connect_panel
    qtbot.waitUntil(lambda: not panel.running, timeout=30000)
    assert not panel.error.isHidden()
    assert not store_path(window.home).exists(), "nothing may be created when the login fails"
    return panel.error.text()


def test_connect_with_a_wrong_password_says_so_and_creates_nothing(
        qtbot, window: FirstRunWindow, county: RunningServer) -> None:
    connect(qtbot, window, county.url, "wang", "wrong-password")
    assert failed_with(qtbot, window) == "用户名或密码不正确：请核对后重试（密码区分大小写）。"
    assert window.focusWidget() is window.connect_panel.password_edit


def test_connect_to_a_wrong_address_says_so_and_creates_nothing(
        qtbot, window: FirstRunWindow) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    connect(qtbot, window, url, "wang", PASSWORD)
    assert failed_with(qtbot, window) == (
        f"{url} 上没有同步服务器在运行：请核对地址和端口号，或请管理员确认服务器已开启。")
    assert window.focusWidget() is window.connect_panel.server_edit


def test_connect_without_a_network_says_so_and_creates_nothing(
        qtbot, window: FirstRunWindow, monkeypatch) -> None:
    # A machine without any route out: the probe socket cannot reach anything.
    monkeypatch.setattr(first_run, "_has_route", lambda _ip, _port: False)
    connect(qtbot, window, f"http://127.0.0.1:{free_port()}", "wang", PASSWORD)
    assert failed_with(qtbot, window) == "这台电脑没有连上网络：请先接好网线或连上WiFi，再点“连接并同步”。"


def test_connect_to_something_else_says_it_is_not_a_sync_server(
        qtbot, window: FirstRunWindow, county: RunningServer) -> None:
    connect(qtbot, window, county.url + "/nothing", "wang", PASSWORD)
    assert failed_with(qtbot, window) == f"{county.url}/nothing 不是同步服务器：请核对服务器地址。"


def test_connect_with_the_right_password_makes_the_home_and_syncs(
        qtbot, window: FirstRunWindow, county: RunningServer) -> None:
    with qtbot.waitSignal(window.sig_done, timeout=60000) as done:
        connect(qtbot, window, county.url, "wang", PASSWORD)
    assert done.args == [window.home]
    with Store.open(window.home) as store:
        state = sync_state.read_all(store)
        assert state[sync_state.SERVER_URL] == county.url and state[sync_state.USERNAME] == "wang"
        assert count(store, "household") == 1
        team = home_team(store)
        assert team is not None and team.team_name == "店湾工作队" and not team.provisional
        assert [name for _, name in team.villages] == ["曹家沟村", "店湾村"]
        assert store.user == "wang"


# ------------------------------------------------------------------ 看看演示数据

def test_demo_goes_to_a_sibling_home_and_the_real_home_stays_empty(
        qtbot, window: FirstRunWindow, monkeypatch) -> None:
    monkeypatch.setattr(first_run, "DEMO_HOUSEHOLDS", 20)
    with qtbot.waitSignal(window.sig_done, timeout=120000) as done:
        qtbot.mouseClick(window.choices.buttons["demo"], Qt.MouseButton.LeftButton)
        assert window.stack.currentWidget() is window.work
    demo = done.args[0]
    assert demo == demo_home_for(window.home) == window.home.parent / "home-demo"
    with Store.open(demo) as store:
        assert count(store, "household") == 20
    assert not store_path(window.home).exists() and home_is_empty(window.home)


# ------------------------------------------------------------------ 从数据包开始

def test_bundle_imports_and_opens_or_leaves_nothing(
        qtbot, window: FirstRunWindow, demo_copy, tmp_path: Path, monkeypatch) -> None:
    from workteam_desktop.sync.bundle import export_bundle

    source = demo_copy(households=30, name="supervisor")
    bundle = tmp_path / "usb" / "county.wtb"
    with Store.open(source) as store:
        assert export_bundle(store, bundle, everything=True) is not None
        households = count(store, "household")

    # Opened and closed without importing: the home stays as it was.
    window.choose("bundle")
    dialog = window.import_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.reject()
    assert not store_path(window.home).exists()
    assert "没有导入" in window.choices.message.text()

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(bundle)], ""))
    window.choose("bundle")
    dialog = window.import_dialog
    tasks = window._bundle[1].tasks
    qtbot.mouseClick(dialog.choose, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tasks.active_count == 0, timeout=60000)
    assert dialog.untrusted_badge.isVisible()
    dialog.trust_box.setChecked(True)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tasks.active_count == 0, timeout=60000)
    # Trusted by the import: no "not trusted" warning left on the dialog.
    assert not dialog.untrusted_badge.isVisible() and not dialog.trust_box.isVisible()
    assert dialog.status.text().startswith("已导入 ")
    with qtbot.waitSignal(window.sig_done, timeout=30000) as done:
        qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert done.args == [window.home]
    with Store.open(window.home) as store:
        assert count(store, "household") == households


# ------------------------------------------------------------------ when it is shown

def test_home_is_empty(tmp_path: Path, demo_copy) -> None:
    home = tmp_path / "new"
    assert home_is_empty(home)  # no folder at all
    Store.open(home).close()
    assert home_is_empty(home)  # a store file with nothing in it
    with Store.open(home) as store:
        sync_state.set_values(store, {sync_state.SERVER_URL: "http://x:8800"})
    assert not home_is_empty(home)  # logged in once
    assert not home_is_empty(demo_copy(households=5))


def test_the_program_starts_with_the_first_run_window_only_on_an_empty_home(
        qapp: QApplication, tmp_path: Path, demo_copy, monkeypatch) -> None:
    from workteam_desktop.ui import app as app_module
    from workteam_desktop.ui.main_window import MainWindow

    shown: list[str] = []

    def fake_exec(_app) -> int:  # what would be on screen when the event loop starts
        for widget in QApplication.topLevelWidgets():
            if widget.isVisible() and isinstance(widget, (FirstRunWindow, MainWindow)):
                shown.append(type(widget).__name__)
                if isinstance(widget, MainWindow):
                    widget.sync.shutdown()
                    assert widget.ctx.tasks.wait(20000)
                widget.close()
                widget.deleteLater()
        return 0

    monkeypatch.setattr(QApplication, "exec", fake_exec)
    assert app_module.run(str(tmp_path / "new-home")) == 0
    assert shown == ["FirstRunWindow"]
    assert not store_path(tmp_path / "new-home").exists()  # looking creates nothing
    shown.clear()
    assert app_module.run(str(demo_copy(households=5))) == 0
    assert shown == ["MainWindow"]
