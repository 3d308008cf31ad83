"""备份与恢复 page and the 帮助 menu, as a cadre uses them."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from ui_helpers import open_page, wait_for_tasks

import dbfile
from workteam_desktop import __version__
from workteam_desktop.store import Store
from workteam_desktop.store.attachments import add_attachment
from workteam_desktop.store.backups import CONTENT_TABLE, list_backups
from workteam_desktop.ui.context import AppContext
from workteam_desktop.ui.pages.backups import BackupsPage, size_text


def _page(qtbot, ctx: AppContext) -> BackupsPage:
    return open_page(qtbot, ctx, BackupsPage)


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> dict[str, list]:
    """Message boxes answered by the test: questions get the answers queued, the texts shown
    are kept."""
    seen: dict[str, list] = {"question": [], "information": [], "answers": []}

    def question(_parent, _title, text, *_a, **_k):
        seen["question"].append(text)
        return seen["answers"].pop(0)

    def information(_parent, _title, text, *_a, **_k):
        seen["information"].append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QMessageBox, "information", information)
    return seen


def test_the_page_says_what_to_do_first_then_lists_backups(qtbot, ctx: AppContext) -> None:
    page = _page(qtbot, ctx)
    assert page.empty.isVisible() and not page.table.isVisible()
    assert "14" in page.intro.text()
    qtbot.mouseClick(page.backup_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ctx)
    [made] = list_backups(ctx.store.home)
    assert page.table.rowCount() == 1 and page.table.item(0, 1).text() == "手动"
    assert page.table.item(0, 2).text() == size_text(made.size)
    assert page.status_label.text().startswith("已备份到") and page.backup_button.isEnabled()


def test_backup_to_a_usb_stick_carries_the_photos(qtbot, ctx: AppContext, tmp_path: Path) -> None:
    photo = tmp_path / "走访.jpg"
    photo.write_bytes(b"\xff\xd8 photo " * 500)
    with ctx.store.read() as cur:
        visit = cur.execute("SELECT id FROM visit LIMIT 1").fetchone()[0]
    add_attachment(ctx.store, photo, "visit", visit)
    page = _page(qtbot, ctx)
    usb = tmp_path / "usb"
    usb.mkdir()
    page.backup_to_file(str(usb / "村里"))
    wait_for_tasks(qtbot, ctx)
    out = usb / "村里.sqlite3"
    assert out.exists()

    db = dbfile.connect(out)
    assert db.execute(f"SELECT count(*) FROM {CONTENT_TABLE}").fetchone()[0] == 1
    db.close()
    assert list_backups(ctx.store.home) == []  # a USB backup is not in the home's list


def test_restore_checks_asks_and_brings_the_old_data_back(qtbot, ctx: AppContext,
                                                          answers, tmp_path: Path) -> None:
    page = _page(qtbot, ctx)
    page.backup_now()
    wait_for_tasks(qtbot, ctx)
    with ctx.store.read() as cur:
        households = cur.execute("SELECT count(*) FROM household").fetchone()[0]
    with ctx.store.write() as w:
        from workteam_desktop.store.models import Area

        w.insert(Area, [{"code": "140215100299", "name": "新村", "level": "village"}])
    # First the user says no: nothing changes.
    answers["answers"] += [QMessageBox.StandardButton.Cancel]
    page.restore_selected()
    wait_for_tasks(qtbot, ctx)
    assert f"{households:,} 户" in answers["question"][0]
    assert page.status_label.text() == "已取消，数据未改动。"
    with ctx.store.read() as cur:
        assert cur.execute("SELECT count(*) FROM area WHERE name = '新村'").fetchone()[0] == 1
    # Then yes: restored, the replaced data kept as a backup, the user told to restart.
    answers["answers"] += [QMessageBox.StandardButton.Yes]
    page.restore_selected()
    wait_for_tasks(qtbot, ctx)
    assert answers["information"] and "重新打开" in answers["information"][0]
    with Store.open(ctx.store.home) as store, store.read() as cur:
        assert cur.execute("SELECT count(*) FROM area WHERE name = '新村'").fetchone()[0] == 0
        assert cur.execute("SELECT count(*) FROM household").fetchone()[0] == households
    assert "before-restore" in [b.reason for b in list_backups(ctx.store.home)]


def test_a_bad_file_is_refused_with_one_sentence(qtbot, ctx: AppContext, answers,
                                                 tmp_path: Path) -> None:
    page = _page(qtbot, ctx)
    bad = tmp_path / "notes.sqlite3"
    bad.write_text("这不是备份", encoding="utf-8")
    page.start_restore(bad)
    wait_for_tasks(qtbot, ctx)
    assert answers["question"] == []
    assert page.error_label.isVisible() and "不是 workteam 的数据备份" in page.error_label.text()
    assert page.restore_file_button.isEnabled()


def test_help_menu_exports_diagnostics_and_tells_about(qtbot, ctx: AppContext, answers,
                                                        tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from workteam_desktop.ui.main_window import MainWindow

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda _p, _t, text: shown.append(text))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["帮助"]
    assert [a.text() for a in window.help_menu.menu.actions() if a.text()] == ["导出诊断信息…", "关于"]
    out = tmp_path / "诊断"
    window.help_menu.export_diagnostics(str(out))
    wait_for_tasks(qtbot, ctx)
    zipped = tmp_path / "诊断.zip"
    with zipfile.ZipFile(zipped) as zf:
        summary = json.loads(zf.read("diagnostics.json"))
    assert summary["versions"]["workteam"] == __version__
    assert summary["store"]["tables"]["household"] == 600
    assert "不含姓名" in answers["information"][0]
    window.help_menu.about()
    wait_for_tasks(qtbot, ctx)
    [text] = shown
    assert __version__ in text and str(ctx.store.home) in text and "600 户" in text
