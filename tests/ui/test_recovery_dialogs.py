"""Before the main window (issue 16): a plain home is encrypted with a progress bar, a home
whose key the keyring lost opens with the recovery code, and a new code is shown once."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from plain_homes import plain_home
from workteam_desktop.store import Store, home_key, sqlite
from workteam_desktop.store.home import store_path
from workteam_desktop.ui.recovery import EncryptDialog, RecoveryCodeDialog, UnlockDialog


def _plain_home(home: Path) -> int:
    return plain_home(home, households=80, seed=2)["household"]


def test_encrypting_an_old_home_shows_progress_and_then_the_code(qtbot, tmp_path: Path
                                                                 ) -> None:
    home = tmp_path / "home"
    households = _plain_home(home)
    dialog = EncryptDialog(home)
    qtbot.addWidget(dialog)
    seen: list[int] = []
    dialog.thread.progressed.connect(lambda done, total: seen.append(done))
    with qtbot.waitSignal(dialog.accepted, timeout=60000):
        dialog.start()
    assert dialog.thread.error is None and dialog.thread.made is not None
    assert seen and dialog.bar.value() == 1000
    assert not sqlite.is_plain(store_path(home))
    code = home_key.pending_recovery_code(home)
    assert code == dialog.thread.made.recovery_code
    with Store.open(home) as store, store.read() as cur:
        assert cur.execute("SELECT count(*) FROM household").fetchone()[0] == households


def test_the_code_dialog_needs_a_yes_and_then_forgets_the_code(qtbot, tmp_path: Path) -> None:
    home = tmp_path / "home"
    with Store.open(home) as store:
        code = store.recovery_code
    dialog = RecoveryCodeDialog(home, code, team="东关村工作队")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.code_label.text() == code
    assert not dialog.done_button.isEnabled()
    out = tmp_path / "恢复码.pdf"
    dialog.save_pdf(out)
    assert out.read_bytes().startswith(b"%PDF") and str(out) in dialog.saved_label.text()
    dialog.kept_box.setChecked(True)
    assert dialog.done_button.isEnabled()
    qtbot.mouseClick(dialog.done_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert home_key.pending_recovery_code(home) is None


def test_later_keeps_the_code_for_the_next_start_as_the_dialog_says(
        qtbot, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QLabel, QPushButton

    home = tmp_path / "home"
    with Store.open(home) as store:
        code = store.recovery_code
    dialog = RecoveryCodeDialog(home, code)
    qtbot.addWidget(dialog)
    dialog.show()
    text = " ".join(label.text() for label in dialog.findChildren(QLabel))
    # It is shown again until 完成: the dialog must not say it is shown only this once.
    assert "点“完成”后此码不再显示" in text and "只显示这一次" not in text
    [later] = [b for b in dialog.findChildren(QPushButton) if b.text() == "稍后再说"]
    qtbot.mouseClick(later, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert home_key.pending_recovery_code(home) == code


def test_a_home_without_its_key_opens_with_the_code_and_not_with_a_wrong_one(
        qtbot, tmp_path: Path) -> None:
    home = tmp_path / "home"
    with Store.open(home) as store:
        code = store.recovery_code
    home_key.remove_from_keyring(home)
    dialog = UnlockDialog(home, "no_key")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.code_edit.setText("ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ")
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert "恢复码不对" in dialog.error.text() and dialog.isVisible()
    dialog.code_edit.setText(code.lower())
    qtbot.keyClick(dialog.code_edit, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    Store.open(home).close()  # the key is back in the keyring


def _at_0009(home: Path) -> None:
    """Put a home's store back to the schema 0009 left (before compaction, issue 17)."""
    import dbfile

    dbfile.downgrade(store_path(home), "0009")


def test_a_store_from_an_older_version_is_upgraded_behind_a_busy_bar(
        qtbot, tmp_path: Path) -> None:
    from workteam_desktop.store import migrate
    from workteam_desktop.ui.recovery import UpgradeDialog

    home = tmp_path / "home"
    with Store.open(home) as store:
        key = store.key
    _at_0009(home)
    assert migrate.upgrade_pending(store_path(home), key)
    dialog = UpgradeDialog(home)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.accepted, timeout=60000):
        dialog.start()
    assert dialog.thread.error is None
    assert not migrate.upgrade_pending(store_path(home), key)
    assert any(p.name.startswith("before-upgrade-0009-") for p in (home / "backups").iterdir())


def test_an_upgrade_that_fails_says_so_in_one_line_and_changes_nothing(
        qtbot, tmp_path: Path) -> None:
    import dbfile
    from workteam_desktop.ui.recovery import UpgradeDialog

    home = tmp_path / "home"
    Store.open(home).close()
    _at_0009(home)
    db = dbfile.connect(store_path(home))
    db.execute("CREATE TABLE compacted_change (id TEXT)")  # in the way of the migration
    db.commit()
    db.close()
    dialog = UpgradeDialog(home)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.rejected, timeout=60000):
        dialog.start()
    text = dialog.failed_text(dialog.thread.error)
    assert "升级失败，数据未改动" in text and "\n" not in text
    db = dbfile.connect(store_path(home))
    assert db.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0009"
    db.close()
