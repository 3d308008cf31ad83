"""The lock password is asked at set-up (issue 16): 设置锁屏密码 after the recovery code for a
real home that has none (a new one from the first-run window, or one set up by the CLI or an
older version), never for a demo home, nor when one is set or the window never locks.
Errors are said inside the dialog; 以后再说 (Esc) stores nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from workteam_desktop.domain.team_setup import plan_setup
from workteam_desktop.store import Store, home_key
from workteam_desktop.store.lock import check_lock_password, has_lock_password, set_lock_password
from workteam_desktop.store.setup import set_up_home
from workteam_desktop.ui import recovery
from workteam_desktop.ui.app import setup_application
from workteam_desktop.ui.lock_password import LockPasswordDialog

VILLAGES = ("140226102208", "140226102209")


def set_up(home: Path) -> Path:
    """A real home as ``workteam setup`` or 单机开始 leaves it: a team, two villages."""
    with Store.open(home) as store:
        set_up_home(store, plan_setup("140226", VILLAGES, "店湾工作队", "", ["张伟:第一书记"]))
    return home


@pytest.fixture
def real_home(tmp_path: Path) -> Path:
    home = set_up(tmp_path / "home")
    home_key.recovery_code_kept(home)  # the code was shown: only the lock password is left
    return home


@pytest.fixture
def dialog(qapp: QApplication, qtbot, real_home: Path) -> Iterator[LockPasswordDialog]:
    setup_application(qapp, "zh")
    store = Store.open(real_home)
    dlg = LockPasswordDialog(store, "zh", 10)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    yield dlg
    store.close()


@pytest.fixture
def asked(monkeypatch) -> list[str]:
    """Every 设置锁屏密码 (and recovery code) shown, in order; none blocks the test."""
    shown: list[str] = []

    def lock_exec(dlg: LockPasswordDialog) -> int:
        shown.append("lock")
        return QDialog.DialogCode.Rejected  # 以后再说

    def code_exec(_dlg: QDialog) -> int:
        shown.append("code")
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(LockPasswordDialog, "exec", lock_exec)
    monkeypatch.setattr(recovery.RecoveryCodeDialog, "exec", code_exec)
    return shown


def _no_message_box() -> None:
    assert not [w for w in QApplication.topLevelWidgets()
                if isinstance(w, QMessageBox) and w.isVisible()]


# ------------------------------------------------------------------ the dialog

def test_a_short_password_is_refused_inside_the_dialog(qtbot, dialog: LockPasswordDialog,
                                                       real_home: Path) -> None:
    assert dialog.focusWidget() is dialog.password  # the first field has the focus
    assert "不是恢复码" in dialog.intro.text() and "10 分钟" in dialog.intro.text()
    qtbot.keyClicks(dialog.password, "12345")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.error.text() == "锁屏密码至少6个字符" and dialog.error.isVisible()
    assert dialog.isVisible() and dialog.focusWidget() is dialog.password
    _no_message_box()
    # 确定 with a short one (both fields the same) says the same and stores nothing.
    dialog.again.setText("12345")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "锁屏密码至少6个字符" and dialog.isVisible()
    assert not has_lock_password(dialog.store)


def test_two_different_passwords_are_refused(qtbot, dialog: LockPasswordDialog) -> None:
    qtbot.keyClicks(dialog.password, "dongguan-2026")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)  # Enter moves on
    assert dialog.error.isHidden() and dialog.focusWidget() is dialog.again
    qtbot.keyClicks(dialog.again, "dongguan-2027")
    qtbot.keyClick(dialog.again, Qt.Key.Key_Return)
    assert dialog.error.text() == "两次输入的密码不一致，请再输一次" and dialog.isVisible()
    assert dialog.focusWidget() is dialog.again
    _no_message_box()
    assert not has_lock_password(dialog.store)
    qtbot.keyClicks(dialog.again, "x")  # typing again takes the message away
    assert dialog.error.isHidden()


def test_a_good_password_is_saved(qtbot, dialog: LockPasswordDialog, real_home: Path) -> None:
    qtbot.keyClicks(dialog.password, "dongguan-2026")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.again, "dongguan-2026")
    qtbot.keyClick(dialog.again, Qt.Key.Key_Return)  # Enter in the last field saves
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()
    assert dialog.password.text() == dialog.again.text() == ""  # not kept in the widgets
    with Store.open(real_home) as store:
        assert check_lock_password(store, "dongguan-2026")
        assert not check_lock_password(store, "dongguan-2027")


def test_esc_is_later_and_stores_nothing(qtbot, dialog: LockPasswordDialog,
                                         real_home: Path) -> None:
    assert dialog.later_button.text() == "以后再说"
    qtbot.keyClicks(dialog.password, "dongguan-2026")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected and not dialog.isVisible()
    with Store.open(real_home) as store:
        assert not has_lock_password(store)


# ------------------------------------------------------------------ prepare_home

def test_a_real_home_without_a_password_is_asked_after_the_recovery_code(
        qapp: QApplication, tmp_path: Path, asked: list[str]) -> None:
    home = set_up(tmp_path / "home")  # its recovery code not confirmed yet
    assert recovery.prepare_home(home)
    assert asked == ["code", "lock"]
    asked.clear()
    assert recovery.prepare_home(home)  # 以后再说: the next start asks again
    assert asked == ["code", "lock"]


def test_a_home_made_without_a_keyring_is_asked_too(
        qapp: QApplication, tmp_path: Path, asked: list[str], monkeypatch) -> None:
    """A plain home on a machine without a keyring still locks its window."""
    monkeypatch.setattr(home_key, "usable_keyring", lambda: None)
    home = set_up(tmp_path / "plain")
    assert recovery.prepare_home(home)
    assert asked == ["lock"]


def test_a_demo_home_is_not_asked(qapp: QApplication, demo_copy, asked: list[str]) -> None:
    assert recovery.prepare_home(demo_copy(households=5, name="demo"))
    assert "lock" not in asked


def test_a_home_with_a_password_is_not_asked(qapp: QApplication, real_home: Path,
                                             asked: list[str]) -> None:
    with Store.open(real_home) as store:
        set_lock_password(store, "dongguan-2026")
    assert recovery.prepare_home(real_home)
    assert asked == []


def test_a_window_that_never_locks_is_not_asked(qapp: QApplication, real_home: Path,
                                                asked: list[str]) -> None:
    (real_home / "settings.toml").write_text("lock_minutes = 0\n", encoding="utf-8")
    assert recovery.prepare_home(real_home)
    assert asked == []


def test_the_dialog_saves_through_prepare_home(qapp: QApplication, real_home: Path,
                                               monkeypatch) -> None:
    def answer(dlg: LockPasswordDialog) -> int:
        assert "10 分钟" in dlg.intro.text()
        dlg.password.setText("村里的锁屏密码")
        dlg.again.setText("村里的锁屏密码")
        dlg.save()
        return dlg.result()

    monkeypatch.setattr(LockPasswordDialog, "exec", answer)
    assert recovery.prepare_home(real_home)
    with Store.open(real_home) as store:
        assert check_lock_password(store, "村里的锁屏密码")


# ------------------------------------------------------------------ once per start

def _close_windows() -> list[str]:
    from workteam_desktop.ui.main_window import MainWindow

    shown = []
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, MainWindow) and widget.isVisible():
            shown.append("MainWindow")
            widget.sync.shutdown()
            assert widget.ctx.tasks.wait(20000)
            widget.close()
            widget.deleteLater()
    return shown


def test_the_program_asks_once_at_the_start_of_a_real_home_and_not_of_a_demo(
        qapp: QApplication, real_home: Path, demo_copy, asked: list[str], monkeypatch) -> None:
    from workteam_desktop.ui import app as app_module

    opened: list[str] = []
    monkeypatch.setattr(QApplication, "exec", lambda _app: opened.extend(_close_windows()) or 0)
    assert app_module.run(str(real_home)) == 0
    assert asked == ["lock"] and opened == ["MainWindow"]
    asked.clear()
    assert app_module.run(str(demo_copy(households=5, name="demo"))) == 0
    assert asked == [] and opened == ["MainWindow", "MainWindow"]


@pytest.mark.parametrize("way", ["offline", "demo"])
def test_the_first_run_window_asks_once_for_a_new_real_home_and_not_for_the_demo(
        qapp: QApplication, tmp_path: Path, demo_copy, asked: list[str], monkeypatch,
        way: str) -> None:
    from workteam_desktop.ui import app as app_module
    from workteam_desktop.ui.first_run import FirstRunWindow, set_up_new_home

    home = tmp_path / "new-home"
    opened: list[str] = []

    def fake_exec(_app) -> int:
        first = next(w for w in QApplication.topLevelWidgets()
                     if isinstance(w, FirstRunWindow) and w.isVisible())
        if way == "offline":  # what 单机开始 does, then its sig_done
            set_up_new_home(home, plan_setup("140226", VILLAGES, "店湾工作队"))
            first.offline.sig_done.emit(home)
        else:  # 看看演示数据 ends on the demo home beside this one
            first.work.sig_done.emit(demo_copy(households=5, name="new-home-demo"))
        assert not first.isVisible()
        opened.extend(_close_windows())
        first.deleteLater()
        return 0

    monkeypatch.setattr(QApplication, "exec", fake_exec)
    assert app_module.run(str(home)) == 0
    assert opened == ["MainWindow"]
    assert asked == (["code", "lock"] if way == "offline" else [])


# ------------------------------------------------------------------ 设置 → 安全

def test_the_settings_page_sets_it_with_the_same_dialog(qtbot, ctx, monkeypatch) -> None:
    from workteam_desktop.ui.pages.settings import SettingsPage

    seen: list[LockPasswordDialog] = []

    def answer(dlg: LockPasswordDialog) -> int:
        seen.append(dlg)
        dlg.password.setText("dongguan-2026")
        dlg.again.setText("dongguan-2026")
        dlg.save()
        return dlg.result()

    monkeypatch.setattr(LockPasswordDialog, "exec", answer)
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    assert page.lock_button.text() == "设置锁屏密码…"
    qtbot.mouseClick(page.lock_button, Qt.MouseButton.LeftButton)
    assert len(seen) == 1 and seen[0].later_button.text() == "取消"
    assert check_lock_password(ctx.store, "dongguan-2026")
    assert page.lock_button.text() == "修改锁屏密码…"
    assert "已设置锁屏密码" in page.lock_note.text()


def test_a_home_from_an_older_version_is_upgraded_before_the_questions(
        qapp: QApplication, real_home: Path, asked: list[str]) -> None:
    """A county set up with ``workteam setup`` by the version before (schema 0009): the
    start upgrades it (the busy dialog closes itself), then asks what it asks."""
    import dbfile
    from workteam_desktop.store import migrate
    from workteam_desktop.store.home import store_path

    dbfile.downgrade(store_path(real_home), "0009")
    assert recovery.prepare_home(real_home)
    assert asked == ["lock"]
    with Store.open(real_home) as store:
        assert migrate.current_revision(store.engine) == migrate.HEAD_REVISION
        assert store.last_backup is None  # upgraded by prepare_home, not now
