"""Cancelling a USB export or import: no half-written bundle file is left, and a cancelled
import (or its dry run) leaves the store exactly as it was; the same bundle imports fully
afterwards.

The real export and import run; to cancel at a known point (mid-stream, not before or
after), the job is held at its first progress report until the test has pressed 取消.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from ui_helpers import wait_for_tasks

from store_content import dump, schema
from workteam_desktop.sync import bundle_import
from workteam_desktop.sync.bundle import export_bundle
from workteam_desktop.sync.errors import BundleCancelled
from workteam_desktop.ui import bundle_dialogs
from workteam_desktop.ui.bundle_dialogs import ExportDialog, ImportDialog
from workteam_desktop.ui.context import AppContext
from workteam_desktop.ui.tasks import JobState


class Hold:
    """Wraps a job function: its ``at``-th progress report waits until ``release()``."""

    def __init__(self, real: Callable[..., object], at: int = 1) -> None:
        self.real, self.at, self.reports = real, at, 0
        self.reached = threading.Event()
        self.gate = threading.Event()

    def __call__(self, *args: object, progress: Callable[[int, int], None] | None = None,
                 **kwargs: object) -> object:
        def held(done: int, total: int) -> None:
            if progress is not None:
                progress(done, total)
            self.reports += 1
            if self.reports == self.at:
                self.reached.set()
                assert self.gate.wait(20), "the test never released the job"
        return self.real(*args, progress=held, **kwargs)

    def release(self) -> None:
        self.gate.set()


def test_export_job_cancelled_leaves_no_file(ctx: AppContext, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    state = JobState(lambda done, total, _text: state.cancel())  # cancel at the first report
    with pytest.raises(BundleCancelled):
        bundle_dialogs.run_export(state, ctx.store, str(usb), "a.wtb", True, "")
    assert list(usb.iterdir()) == []  # neither the bundle nor its temporary file


def test_export_dialog_cancel(qtbot, ctx: AppContext, tmp_path: Path, monkeypatch) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    hold = Hold(export_bundle)
    monkeypatch.setattr(bundle_dialogs, "export_bundle", hold)
    dialog = ExportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.folder.setCurrentText(str(usb))
    dialog.everything.setChecked(True)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert hold.reached.wait(20)
    assert dialog.cancel_button.isVisible() and dialog.cancel_button.isEnabled()
    assert not dialog.close_button.isEnabled()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.cancel_button.text() == "正在取消…"
    hold.release()
    wait_for_tasks(qtbot, ctx)
    assert dialog.status.text() == "已取消导出，没有生成数据包。"
    assert dialog.status.objectName() != "fieldError"
    assert not dialog.cancel_button.isVisible()
    assert dialog.export_button.isEnabled() and dialog.close_button.isEnabled()
    assert list(usb.iterdir()) == []
    # Exporting again afterwards works and makes exactly one bundle.
    monkeypatch.setattr(bundle_dialogs, "export_bundle", export_bundle)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ctx)
    assert [p.suffix for p in usb.iterdir()] == [".wtb"]


def test_escape_while_exporting_cancels_instead_of_closing(qtbot, ctx: AppContext,
                                                          tmp_path: Path, monkeypatch) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    hold = Hold(export_bundle)
    monkeypatch.setattr(bundle_dialogs, "export_bundle", hold)
    dialog = ExportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.folder.setCurrentText(str(usb))
    dialog.everything.setChecked(True)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert hold.reached.wait(20)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    hold.release()
    wait_for_tasks(qtbot, ctx)
    assert list(usb.iterdir()) == []


@pytest.fixture
def county_bundle(ctx: AppContext, tmp_path: Path) -> Path:
    out = tmp_path / "usb" / "county.wtb"
    assert export_bundle(ctx.store, out, everything=True) is not None
    return out


def _import_dialog(qtbot, ctx_b: AppContext, bundle: Path) -> ImportDialog:
    dialog = ImportDialog(ctx_b)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_import_cancelled_leaves_the_store_unchanged_then_imports(
        qtbot, ctx: AppContext, ctx_b: AppContext, county_bundle: Path, monkeypatch) -> None:
    before, shape = dump(ctx_b.store.home), schema(ctx_b.store.home)
    dialog = _import_dialog(qtbot, ctx_b, county_bundle)
    dialog.check_files([str(county_bundle)])
    wait_for_tasks(qtbot, ctx_b)
    dialog.trust_box.setChecked(True)
    assert dialog.import_button.isEnabled()

    # Held at the 3rd report (6,000 changes read): the first chunk of 5,000 is already
    # merged into the open transaction when the cancel comes.
    hold = Hold(bundle_import.import_bundle, at=3)
    monkeypatch.setattr(bundle_dialogs, "import_bundle", hold)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert hold.reached.wait(20)
    qtbot.waitUntil(lambda: dialog.progress.value() == 6000)
    assert "6,000" in dialog.status.text()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    hold.release()
    wait_for_tasks(qtbot, ctx_b)
    assert dialog.status.text() == "county.wtb：已取消导入，本机数据没有任何改变"
    assert dialog.status.objectName() != "fieldError"
    assert dump(ctx_b.store.home) == before
    # The empty store's import was a bulk load: every index and trigger is back.
    assert schema(ctx_b.store.home) == shape
    # Nothing was recorded either: the bundle is not a replay, the signer not yet trusted.
    assert dialog.import_button.isEnabled()

    monkeypatch.setattr(bundle_dialogs, "import_bundle", bundle_import.import_bundle)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, ctx_b, timeout=60000)
    assert dialog.imported is not None and not dialog.imported.error
    assert dialog.imported.results[0].applied == dialog.imported.results[0].changes > 0
    with ctx.store.read() as a, ctx_b.store.read() as b:
        assert a.execute("SELECT count(*) FROM household").fetchone()[0] == \
            b.execute("SELECT count(*) FROM household").fetchone()[0]


def test_dry_run_cancelled(qtbot, ctx_b: AppContext, county_bundle: Path,
                           monkeypatch) -> None:
    before = dump(ctx_b.store.home)
    hold = Hold(bundle_import.import_bundle)
    monkeypatch.setattr(bundle_dialogs, "import_bundle", hold)
    dialog = _import_dialog(qtbot, ctx_b, county_bundle)
    dialog.check_files([str(county_bundle)])
    assert hold.reached.wait(20)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Esc cancels the check, keeps the dialog
    assert dialog.isVisible()
    hold.release()
    wait_for_tasks(qtbot, ctx_b)
    assert dialog.status.text() == "已取消检查，没有导入任何内容。"
    assert not dialog.import_button.isEnabled()
    assert not dialog.table.isVisible()
    assert dump(ctx_b.store.home) == before


def test_import_job_cancelled_during_verification(ctx: AppContext, ctx_b: AppContext,
                                                  county_bundle: Path) -> None:
    """A cancel while the signature and every line are still being checked stops too."""
    before = dump(ctx_b.store.home)
    asked = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 1  # the first check (before opening) passes; the next stops

    with pytest.raises(BundleCancelled):
        bundle_import.import_bundle(ctx_b.store, county_bundle, trust=True,
                                    cancelled=cancelled)
    assert dump(ctx_b.store.home) == before


def test_the_compaction_after_an_import_is_named_and_not_cancellable(
        qtbot, ctx_b: AppContext, county_bundle: Path, monkeypatch) -> None:
    """A county's import ends by compacting what it received (store/compact.py): the
    dialog says so, shows the bar busy until the step reports, and offers no cancel (the
    import is committed). Held at the compaction's first report."""
    from workteam_desktop.store import compact

    monkeypatch.setattr(compact, "COMPACT_AT", 10)
    # Merged the logging way (as a bundle under COMPACT_AT is), so the compaction after it
    # has the bundle's changes to fold: the step this test watches.
    monkeypatch.setattr(bundle_import, "_compacts_at_once", lambda _verified: False)
    gate, reached = threading.Event(), threading.Event()

    def holding(*args: object, compacting: Callable[[int, int], None] | None = None,
                **kwargs: object) -> object:
        def held(done: int, total: int) -> None:
            assert compacting is not None
            compacting(done, total)
            if not reached.is_set():
                reached.set()
                assert gate.wait(20), "the test never released the job"
        return bundle_import.import_bundle(*args, compacting=held, **kwargs)

    dialog = _import_dialog(qtbot, ctx_b, county_bundle)
    dialog.check_files([str(county_bundle)])
    wait_for_tasks(qtbot, ctx_b)
    dialog.trust_box.setChecked(True)
    monkeypatch.setattr(bundle_dialogs, "import_bundle", holding)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert reached.wait(60)
    qtbot.waitUntil(lambda: "正在整理数据" in dialog.status.text())
    assert dialog.status.text().startswith("已导入，正在整理数据（压缩已收到的")
    assert dialog.progress.maximum() == 0  # busy: the first report is the step's start
    assert not dialog.cancel_button.isEnabled()
    dialog.grab().save(str(Path(county_bundle).with_name("compacting.png")))
    gate.set()
    wait_for_tasks(qtbot, ctx_b, timeout=60000)
    assert dialog.imported is not None and not dialog.imported.error
    result = dialog.imported.results[0]
    assert result.compacted > 0 and result.applied == result.changes
    assert dialog.status.text().startswith("已导入 ")
