"""The 同步 page's USB transfer: export a bundle through the dialog, check and import one
through the other, trust a new signer only after ticking, refuse a corrupt file."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from ui_helpers import wait_for_tasks

from store_content import dump
from workteam_desktop.domain.entities import ENTITIES
from workteam_desktop.store import Store
from workteam_desktop.sync.bundle import export_bundle
from workteam_desktop.sync.bundle_format import MSG_CORRUPT
from workteam_desktop.sync.bundle_import import import_bundle
from workteam_desktop.sync.keys import TrustedSigners, load_or_create
from workteam_desktop.ui.bundle_dialogs import ExportDialog, ImportDialog, own_fingerprint
from workteam_desktop.ui.context import AppContext
from workteam_desktop.ui.pages.sync import SyncPage


def households(store: Store) -> int:
    with store.read() as cur:
        return cur.execute("SELECT COUNT(*) FROM household").fetchone()[0]


def export_through_dialog(qtbot, ctx: AppContext, monkeypatch, usb: Path,
                          everything: bool = False) -> ExportDialog:
    page = SyncPage(ctx)
    qtbot.addWidget(page)
    page.activate()
    wait_for_tasks(qtbot, ctx)
    usb.mkdir(exist_ok=True)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(usb))
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    dialog = page.export_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.mouseClick(dialog.browse, Qt.MouseButton.LeftButton)
    assert dialog.folder.currentText() == str(usb)
    if everything:
        dialog.everything.setChecked(True)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ctx)
    return dialog


def bundle_of(ctx: AppContext, tmp_path: Path) -> Path:
    out = tmp_path / "usb" / "b.wtb"
    assert export_bundle(ctx.store, out, everything=True) is not None
    return out


def test_page_shows_usb_group_and_own_fingerprint(qtbot, ctx: AppContext) -> None:
    page = SyncPage(ctx)
    qtbot.addWidget(page)
    page.activate()
    wait_for_tasks(qtbot, ctx)
    assert page.export_button.text().startswith("导出到U盘")
    assert page.import_button.text().startswith("从U盘导入")
    assert page.fingerprint_label.text() == own_fingerprint(ctx.store)
    assert len(page.fingerprint_label.text()) == 19  # four groups of four hex digits


def test_page_without_keyring_says_so(qtbot, ctx: AppContext) -> None:
    import keyring
    from keyring.backends.fail import Keyring as FailKeyring

    keyring.set_keyring(FailKeyring())  # the autouse fixture restores the previous one
    page = SyncPage(ctx)
    qtbot.addWidget(page)
    page.activate()
    wait_for_tasks(qtbot, ctx)
    assert "密钥环" in page.key_error.text() and not page.key_error.isHidden()
    assert page.fingerprint_label.isHidden()


def test_export_dialog_writes_a_bundle_the_cli_import_accepts(
        qtbot, ctx: AppContext, monkeypatch, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    dialog = export_through_dialog(qtbot, ctx, monkeypatch, usb)
    files = list(usb.glob("*.wtb"))
    assert len(files) == 1
    name = files[0].name
    assert name.startswith(f"工作队数据_{ctx.store.device_id}_") and name.endswith(".wtb")
    assert dialog.status.text().startswith("已导出 ")
    assert str(files[0]) in dialog.status.text()
    assert dialog.result_value is not None and dialog.result_value.changes > 0

    with Store.open(tmp_path / "fresh") as fresh:
        result = import_bundle(fresh, files[0], trust=True)
        assert result.applied == dialog.result_value.changes
        assert households(fresh) == households(ctx.store)

    # Nothing new since: a second export says so and writes no file.
    dialog.name.setText("second.wtb")
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ctx)
    assert "没有需要导出的新更改" in dialog.status.text()
    assert not (usb / "second.wtb").exists()


def test_export_refuses_to_overwrite_a_file(qtbot, ctx: AppContext, monkeypatch,
                                            tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    dialog = export_through_dialog(qtbot, ctx, monkeypatch, usb)
    first = next(usb.glob("*.wtb"))
    before = first.read_bytes()
    dialog.everything.setChecked(True)
    dialog.name.setText(first.name)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ctx)
    assert "已存在" in dialog.status.text()
    assert dialog.status.objectName() == "fieldError"
    assert first.read_bytes() == before


def test_import_dialog_dry_run_then_trust_then_import(
        qtbot, ctx: AppContext, ctx_b: AppContext, monkeypatch, tmp_path: Path) -> None:
    bundle = bundle_of(ctx, tmp_path)
    expected = households(ctx.store)
    page = SyncPage(ctx_b)
    qtbot.addWidget(page)
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    dialog = page.import_dialog
    assert dialog is not None and not dialog.import_button.isEnabled()
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        lambda *a, **k: ([str(bundle)], ""))
    qtbot.mouseClick(dialog.choose, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ctx_b)

    rows = {dialog.model.item(r, 0).text(): [dialog.model.item(r, c).text() for c in range(1, 5)]
            for r in range(dialog.model.rowCount())}
    assert rows["农户"] == [f"{expected:,}", "0", "0", "0"]
    assert households(ctx_b.store) == 0  # the dry run wrote nothing
    keys = load_or_create(ctx.store.device_id, ctx.store.user)
    assert not TrustedSigners(ctx_b.store.home).trusts(keys.signing_public)  # nor trusted

    signer = own_fingerprint(ctx.store)
    assert ctx.store.device_id in dialog.signer_label.text()
    assert signer in dialog.signer_label.text()
    assert dialog.fingerprint_label.isVisible() and dialog.fingerprint_label.text() == signer
    assert dialog.trust_box.isVisible() and not dialog.trust_box.isChecked()
    assert not dialog.import_button.isEnabled()
    dialog.start_import()  # a stray Enter must not import either
    assert ctx_b.tasks.active_count == 0

    dialog.trust_box.setFocus()
    qtbot.keyClick(dialog.trust_box, Qt.Key.Key_Space)
    assert dialog.trust_box.isChecked() and dialog.import_button.isEnabled()
    with qtbot.waitSignal(ctx_b.sig_data_changed) as changed:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        wait_for_tasks(qtbot, ctx_b)
    assert set(ENTITIES.codes()) <= changed.args[0]
    assert households(ctx_b.store) == expected
    assert dialog.status.text().startswith("已导入 ")
    assert not dialog.import_button.isEnabled()  # done: no second import by accident
    assert TrustedSigners(ctx_b.store.home).trusts(keys.signing_public)


def test_trusted_signer_needs_no_tick(qtbot, ctx: AppContext, ctx_b: AppContext,
                                      tmp_path: Path) -> None:
    bundle = bundle_of(ctx, tmp_path)
    keys = load_or_create(ctx.store.device_id, ctx.store.user)
    TrustedSigners(ctx_b.store.home).add(keys.signing_public, keys.device, keys.user)
    dialog = ImportDialog(ctx_b)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.check_files([str(bundle)])
    wait_for_tasks(qtbot, ctx_b)
    assert not dialog.trust_box.isVisible()
    assert dialog.import_button.isEnabled()


@pytest.mark.parametrize("content", [b"not a bundle at all", b"PK\x03\x04broken"])
def test_corrupt_bundle_is_refused_and_nothing_written(
        qtbot, ctx: AppContext, tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "bad.wtb"
    bad.write_bytes(content)
    before = dump(ctx.store.home)
    dialog = ImportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.check_files([str(bad)])
    wait_for_tasks(qtbot, ctx)
    assert MSG_CORRUPT in dialog.status.text()
    assert dialog.status.text().startswith("bad.wtb：")
    assert dialog.status.objectName() == "fieldError"
    assert not dialog.import_button.isEnabled()
    assert not dialog.table.isVisible()
    assert dump(ctx.store.home) == before


def test_bundle_for_another_laptop_is_refused(qtbot, ctx: AppContext, ctx_b: AppContext,
                                              monkeypatch, tmp_path: Path) -> None:
    # Encrypted through the dialog to a third laptop's public key: B cannot open it.
    from workteam_desktop.sync.keys import write_json_atomic

    with Store.open(tmp_path / "laptop-c") as c:
        key_file = tmp_path / "c.json"
        write_json_atomic(key_file, load_or_create(c.device_id, c.user).public_document())
    usb = tmp_path / "usb"
    usb.mkdir()
    dialog = ExportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.folder.setCurrentText(str(usb))
    dialog.everything.setChecked(True)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(key_file), ""))
    dialog.encrypt.setChecked(True)
    qtbot.mouseClick(dialog.key_browse, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ctx)
    assert "已加密" in dialog.status.text()
    bundle = next(usb.glob("*.wtb"))

    before = dump(ctx_b.store.home)
    importer = ImportDialog(ctx_b)
    qtbot.addWidget(importer)
    importer.check_files([str(bundle)])
    wait_for_tasks(qtbot, ctx_b)
    assert "加密给另一台设备" in importer.status.text()
    assert not importer.import_button.isEnabled()
    assert dump(ctx_b.store.home) == before
