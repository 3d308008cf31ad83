"""The USB bundle dialogs of the 同步 page: export this laptop's changes to a USB drive,
and import bundles from one (check first with a dry run, trust a new signer by eye).

The work itself is ``sync.bundle.export_bundle`` and ``sync.bundle_import.import_bundle``
(as the CLI calls them), always run off the GUI thread through ``ctx.tasks``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import os
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDir, QStorageInfo, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain.entities import ENTITIES
from ..store import Store
from ..sync.bundle import ExportResult, export_bundle
from ..sync.bundle_import import ImportResult, import_bundle
from ..sync.errors import BundleCancelled, BundleError
from ..sync.keys import fingerprint, load_or_create, read_public_keys
from .columns import fit_columns_to_text
from .context import AppContext
from .tasks import Cancelled, JobState, TaskHandle
from .widgets import alert_badge, empty_state, fit_to_screen

BUNDLE_SUFFIX = ".wtb"


# ------------------------------------------------------------ plain jobs (no Qt widgets)

def own_fingerprint(store: Store) -> str:
    """This laptop's signing-key fingerprint (creates the keys on first use)."""
    keys = load_or_create(store.device_id, store.user)
    return fingerprint(keys.signing_public)


def proposed_file_name(device: str, now: dt.datetime | None = None) -> str:
    """工作队数据_<device>_<YYYYMMDD-HHMM>.wtb: sorts by time, safe on FAT drives."""
    now = now or dt.datetime.now()
    return f"工作队数据_{device}_{now:%Y%m%d-%H%M}{BUNDLE_SUFFIX}"


def usb_folders() -> list[str]:
    """Where a USB drive is likely mounted: removable volumes first, home folder last."""
    found: list[str] = []
    if sys.platform.startswith("win"):
        system = os.environ.get("SYSTEMDRIVE", "C:").rstrip("\\/").upper()
        for vol in QStorageInfo.mountedVolumes():
            root = vol.rootPath()
            if vol.isValid() and vol.isReady() and not vol.isReadOnly() \
                    and not root.rstrip("\\/").upper().startswith(system):
                found.append(QDir.toNativeSeparators(root))
    else:
        user = getpass.getuser()
        for base in (Path("/media") / user, Path("/run/media") / user, Path("/media")):
            try:
                found += [str(p) for p in sorted(base.iterdir())
                          if p.is_dir() and os.access(p, os.W_OK) and str(p) not in found]
            except OSError:
                continue
    found.append(str(Path.home()))
    return found


COMPACTING = "compact"  # the progress text of the compaction after an import


def _reporter(state: JobState | None, text: str = "") -> Callable[[int, int], None] | None:
    """Progress for the dialog (``text`` names a step other than the merge); a cancel is
    noticed by the job itself (``is_cancelled``), so reporting never raises in the middle
    of writing."""
    if state is None:
        return None

    def report(done: int, total: int) -> None:
        with contextlib.suppress(Cancelled):
            state.set_progress(done, total, text)
    return report


def run_export(state: JobState | None, store: Store, folder: str, name: str, everything: bool,
               recipient_file: str) -> ExportResult | None:
    """Export as ``workteam export-bundle`` does; errors become one Chinese line. A cancel
    (``state``) stops it with :class:`BundleCancelled`, leaving no file."""
    out = Path(folder) / name
    if out.exists():
        raise BundleError(f"{out} 已存在，请换一个文件名")
    try:
        recipient = read_public_keys(Path(recipient_file)) if recipient_file else None
        return export_bundle(store, out, everything=everything, recipient=recipient,
                             progress=_reporter(state),
                             cancelled=state.is_cancelled if state is not None else None)
    except OSError as exc:
        raise BundleError(f"无法写入数据包 {out}：{exc.strerror or '请检查U盘是否插好、是否已满'}"
                          ) from None


@dataclass
class Preview:
    """The dry run of the chosen files: what an import would do, or why it is refused."""

    results: list[ImportResult] = field(default_factory=list)
    error: str = ""  # one Chinese sentence (with the file name) when a file is refused
    cancelled: bool = False


def run_preview(state: JobState | None, store: Store, files: list[str]) -> Preview:
    """Verify and dry-run every file; nothing is written and no signer is trusted yet."""
    preview = Preview()
    for name in files:
        try:
            # trust=True only lets the dry run look past a new signer: a dry run never
            # records trust; the real import asks the person first.
            preview.results.append(import_bundle(
                store, Path(name), trust=True, dry_run=True, progress=_reporter(state),
                cancelled=state.is_cancelled if state is not None else None))
        except BundleCancelled as exc:
            preview.error, preview.cancelled = exc.message, True
            break
        except BundleError as exc:
            preview.error = f"{Path(name).name}：{exc.message}"
            break
    return preview


@dataclass
class Imported:
    """The real import: the files done, and the error that stopped the rest."""

    results: list[ImportResult] = field(default_factory=list)
    error: str = ""
    cancelled: bool = False


def run_import(state: JobState | None, store: Store, files: list[str], trust: bool) -> Imported:
    """Import each file for real (one transaction each). A cancel rolls back the file
    being imported; the files imported before it stay imported."""
    done = Imported()
    for name in files:
        try:
            done.results.append(import_bundle(
                store, Path(name), trust=trust, progress=_reporter(state),
                cancelled=state.is_cancelled if state is not None else None,
                compacting=_reporter(state, COMPACTING)))
        except BundleCancelled as exc:
            done.error, done.cancelled = f"{Path(name).name}：{exc.message}", True
            break
        except BundleError as exc:
            done.error = f"{Path(name).name}：{exc.message}"
            break
    return done


def show_message(label: QLabel, text: str, error: bool = False) -> None:
    """One line of outcome under a dialog: calm text, or red text for a refusal."""
    label.setObjectName("fieldError" if error else "")
    label.setText(text)
    label.style().unpolish(label)
    label.style().polish(label)


def _failure_text(exc: BaseException) -> str:
    if isinstance(exc, BundleError):
        return exc.message
    return ""


# ------------------------------------------------------------------------ dialogs

class _CancellableWork:
    """What both USB dialogs do while their task runs: show progress, cancel on request
    (the button, Esc or closing the window), and say that a cancel is under way. The task
    itself undoes its work: an export removes its half-written file, an import rolls back."""

    task: TaskHandle | None
    cancel_button: QPushButton
    progress: QProgressBar

    def _say(self, text: str) -> None:
        raise NotImplementedError

    def _progress_text(self, done: str, total: str) -> str:
        raise NotImplementedError

    def is_busy(self) -> bool:
        """True while the dialog's task runs."""
        return self.task is not None

    def cancel(self) -> None:
        """Stop the running task."""
        if self.task is None:
            return
        self.task.cancel()
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText(QCoreApplication.translate("BundleDialogs", "正在取消…"))
        self._say(QCoreApplication.translate("BundleDialogs", "正在取消，请稍候…"))

    def reject(self) -> None:
        """Esc or the window's close while working cancels the work instead."""
        if self.is_busy():
            self.cancel()
            return
        super().reject()  # type: ignore[misc]

    def _progress(self, done: int, total: int, _text: str) -> None:
        if self.task is None:
            return
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        if self.cancel_button.isEnabled():
            self._say(self._progress_text(f"{done:,}", f"{total:,}"))


class ExportDialog(_CancellableWork, QDialog):
    """导出到U盘: folder, file name, which changes, optional encryption; then export."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.result_value: ExportResult | None = None
        self.task: TaskHandle | None = None
        self.setWindowTitle(self.tr("导出到U盘"))
        self.setMinimumWidth(680)
        layout = QVBoxLayout(self)
        form = QFormLayout()

        self.folder = QComboBox()
        self.folder.setEditable(True)
        self.folder.addItems(usb_folders())
        self.folder.setMinimumWidth(380)
        self.browse = QPushButton(self.tr("选择文件夹…"))
        self.browse.clicked.connect(self._choose_folder)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(self.browse)
        form.addRow(self.tr("保存到："), row)

        self.name = QLineEdit(proposed_file_name(ctx.store.device_id))
        form.addRow(self.tr("文件名："), self.name)

        self.since_last = QRadioButton(self.tr("只导出上次导出以来的新更改"))
        self.everything = QRadioButton(self.tr("全部（交接或给新电脑时用）"))
        self.since_last.setChecked(True)
        which = QButtonGroup(self)
        which.addButton(self.since_last)
        which.addButton(self.everything)
        choice = QVBoxLayout()
        choice.addWidget(self.since_last)
        choice.addWidget(self.everything)
        form.addRow(self.tr("导出内容："), choice)

        self.encrypt = QCheckBox(self.tr("加密给指定设备（需要对方的公钥文件）"))
        self.key_file = QLineEdit()
        self.key_file.setPlaceholderText(self.tr("对方设备的公钥文件"))
        self.key_browse = QPushButton(self.tr("选择公钥…"))
        self.key_browse.clicked.connect(self._choose_key)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_file, 1)
        key_row.addWidget(self.key_browse)
        self.encrypt.toggled.connect(self._sync_encrypt)
        form.addRow(self.tr("加密："), self.encrypt)
        form.addRow("", key_row)
        layout.addLayout(form)

        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # export reports no steps: a busy bar
        self.progress.setTextVisible(False)
        self.progress.hide()
        layout.addWidget(self.progress)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status)

        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(
            self.tr("导出"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setProperty("accent", True)
        self.export_button.setDefault(True)
        self.close_button = self.buttons.addButton(
            self.tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button = self.buttons.addButton(
            self.tr("取消导出"), QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel_button.hide()
        self.export_button.clicked.connect(self.start)
        self.close_button.clicked.connect(self.reject)
        self.cancel_button.clicked.connect(self.cancel)
        layout.addWidget(self.buttons)
        self._sync_encrypt(False)
        self.folder.setFocus()

    def _sync_encrypt(self, on: bool) -> None:
        self.key_file.setEnabled(on)
        self.key_browse.setEnabled(on)

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("选择U盘或文件夹"),
                                                  self.folder.currentText())
        if folder:
            self.folder.setCurrentText(QDir.toNativeSeparators(folder))

    def _choose_key(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择对方设备的公钥文件"),
                                              self.folder.currentText(),
                                              self.tr("公钥文件 (*.json);;所有文件 (*)"))
        if path:
            self.key_file.setText(QDir.toNativeSeparators(path))

    def _show_error(self, text: str) -> None:
        show_message(self.status, text, error=True)

    def _show_info(self, text: str) -> None:
        show_message(self.status, text)

    def _busy(self, on: bool) -> None:
        self.progress.setVisible(on)
        self.progress.setRange(0, 0)  # busy until the first progress report
        self.cancel_button.setVisible(on)
        self.cancel_button.setEnabled(on)
        self.cancel_button.setText(self.tr("取消导出"))
        for w in (self.export_button, self.close_button, self.folder, self.browse, self.name,
                  self.since_last, self.everything, self.encrypt):
            w.setEnabled(not on)
        self._sync_encrypt(self.encrypt.isChecked() and not on)
        if not on:
            self.task = None

    def _say(self, text: str) -> None:
        self._show_info(text)

    def _progress_text(self, done: str, total: str) -> str:
        return self.tr("正在导出第 {done} / {total} 条更改，请不要拔出U盘…").format(done=done, total=total)

    def start(self) -> None:
        """Check the choices, then export off the GUI thread."""
        folder = self.folder.currentText().strip()
        name = self.name.text().strip()
        if not folder:
            self._show_error(self.tr("请选择要保存到的U盘或文件夹。"))
            return
        if not Path(folder).is_dir():
            self._show_error(self.tr("找不到文件夹 {f}，请检查U盘是否已插好。").format(f=folder))
            return
        if not name or any(c in name for c in '\\/:*?"<>|'):
            self._show_error(self.tr("请填写文件名（不能含 \\ / : * ? \" < > |）。"))
            self.name.setFocus()
            return
        if not name.lower().endswith(BUNDLE_SUFFIX):
            name += BUNDLE_SUFFIX
            self.name.setText(name)
        key = self.key_file.text().strip() if self.encrypt.isChecked() else ""
        if self.encrypt.isChecked() and not key:
            self._show_error(self.tr("请选择对方设备的公钥文件，或取消加密。"))
            return
        self._busy(True)
        self._show_info(self.tr("正在导出，请不要拔出U盘…"))
        self.task = self.ctx.tasks.run(run_export, self.ctx.store, folder, name,
                                       self.everything.isChecked(), key, with_state=True,
                                       done=self._done, failed=self._failed,
                                       progress=self._progress)

    def _done(self, result: ExportResult | None) -> None:
        self._busy(False)
        self.result_value = result
        if result is None:
            self._show_info(self.tr("没有需要导出的新更改，未生成数据包。"))
            return
        text = self.tr("已导出 {n} 条更改到 {path}").format(
            n=f"{result.changes:,}", path=QDir.toNativeSeparators(str(result.path)))
        if result.encrypted_to:
            text += self.tr("（已加密，只有指定设备能打开）")
        if result.missing_attachments:
            text += self.tr("。注意：{n} 个附件不在本机，未带上").format(
                n=len(result.missing_attachments))
        self._show_info(text)
        # Done: Enter now closes rather than exporting the same changes again.
        self.export_button.setDefault(False)
        self.close_button.setDefault(True)
        self.close_button.setFocus()

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        if isinstance(exc, BundleCancelled):
            self._show_info(self.tr("已取消导出，没有生成数据包。"))
            return
        self._show_error(_failure_text(exc) or self.tr("导出失败，请检查U盘后重试。"))


class ImportDialog(_CancellableWork, QDialog):
    """从U盘导入: choose bundles, see the dry run and the signer, trust, import."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.files: list[str] = []
        self.preview: Preview | None = None
        self.imported: Imported | None = None
        self.task: TaskHandle | None = None
        self.setWindowTitle(self.tr("从U盘导入"))
        # Fits a 1024×600 netbook (the 600 includes the taskbar), roomier where it can be.
        self.setMinimumSize(640, 460)
        self.resize(fit_to_screen(parent, 720, 580))
        layout = QVBoxLayout(self)

        row = QHBoxLayout()
        self.choose = QPushButton(self.tr("选择数据包…"))
        self.choose.clicked.connect(self._choose_files)
        self.files_label = QLabel(self.tr("请选择U盘上的数据包（.wtb 文件），可以一次选多个。"))
        self.files_label.setWordWrap(True)
        row.addWidget(self.choose)
        row.addWidget(self.files_label, 1)
        layout.addLayout(row)

        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.hide()
        layout.addWidget(self.progress)

        self.signer_box = QGroupBox(self.tr("签名者"))
        signer_layout = QVBoxLayout(self.signer_box)
        self.signer_label = QLabel()
        self.signer_label.setWordWrap(True)
        self.signer_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        signer_layout.addWidget(self.signer_label)
        self.untrusted_badge = alert_badge(self.tr("尚未信任"), "red")
        self.untrusted_label = QLabel(self.tr(
            "本机还没有导入过此设备的数据包。请打电话或当面与对方核对下面的指纹"
            "（对方在“同步”页可以看到本机指纹），一致才勾选信任："))
        self.untrusted_label.setWordWrap(True)
        warn_row = QHBoxLayout()
        warn_row.addWidget(self.untrusted_badge, 0, Qt.AlignmentFlag.AlignTop)
        warn_row.addWidget(self.untrusted_label, 1)
        signer_layout.addLayout(warn_row)
        self.fingerprint_label = QLabel()
        self.fingerprint_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.fingerprint_label.font()
        font.setFamily("monospace")
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.fingerprint_label.setFont(font)
        signer_layout.addWidget(self.fingerprint_label)
        self.trust_box = QCheckBox(self.tr("我已核对指纹，信任此设备"))
        self.trust_box.toggled.connect(self._update_buttons)
        signer_layout.addWidget(self.trust_box)
        layout.addWidget(self.signer_box)

        self.placeholder = empty_state(self.tr(
            "选择数据包后，这里先显示将导入哪些内容（试运行，不写入），核对后再导入。"))
        layout.addWidget(self.placeholder, 1)
        self.summary_title = QLabel(self.tr("试运行结果（尚未写入）："))
        layout.addWidget(self.summary_title)
        self.model = QStandardItemModel(0, 5, self)
        self.model.setHorizontalHeaderLabels([
            self.tr("记录类型"), self.tr("新增"), self.tr("更新"), self.tr("已有"),
            self.tr("冲突")])
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        fit_columns_to_text(self.table, stretch_column=0)
        layout.addWidget(self.table, 1)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.conflict_badge = alert_badge(self.tr("有冲突待处理"), "amber")
        self.conflict_badge.hide()
        status_row = QHBoxLayout()
        status_row.addWidget(self.conflict_badge, 0, Qt.AlignmentFlag.AlignTop)
        status_row.addWidget(self.status, 1)
        layout.addLayout(status_row)

        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton(
            self.tr("导入"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setProperty("accent", True)
        self.close_button = self.buttons.addButton(
            self.tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button = self.buttons.addButton(
            self.tr("取消"), QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel_button.hide()
        self.import_button.clicked.connect(self.start_import)
        self.close_button.clicked.connect(self.reject)
        self.cancel_button.clicked.connect(self.cancel)
        layout.addWidget(self.buttons)
        self._show_preview_widgets(False)
        self._update_buttons()
        self.choose.setFocus()

    # -- state

    def untrusted(self) -> list[ImportResult]:
        """The dry-run results whose signer this laptop does not trust yet."""
        if self.preview is None:
            return []
        return [r for r in self.preview.results if r.newly_trusted]

    def _ready(self) -> bool:
        return (self.preview is not None and not self.preview.error
                and bool(self.preview.results) and self.imported is None)

    def _update_buttons(self) -> None:
        ok = self._ready() and (not self.untrusted() or self.trust_box.isChecked())
        self.import_button.setEnabled(ok)
        self.import_button.setDefault(ok)

    def _show_preview_widgets(self, on: bool) -> None:
        for w in (self.signer_box, self.summary_title, self.table):
            w.setVisible(on)
        self.placeholder.setVisible(not on)

    def _set_status(self, text: str, error: bool = False) -> None:
        self.conflict_badge.hide()
        show_message(self.status, text, error)

    def _busy(self, on: bool) -> None:
        self.progress.setVisible(on)
        self.progress.setRange(0, 0)  # busy until the first progress report
        self.cancel_button.setVisible(on)
        self.cancel_button.setEnabled(on)
        self.cancel_button.setText(self.tr("取消"))
        self.choose.setEnabled(not on)
        self.close_button.setEnabled(not on)
        self.trust_box.setEnabled(not on)
        if on:
            self.import_button.setEnabled(False)
        else:
            self.task = None
            self._update_buttons()

    def _say(self, text: str) -> None:
        self._set_status(text)

    def _progress_text(self, done: str, total: str) -> str:
        return self.tr("正在处理第 {done} / {total} 条更改…").format(done=done, total=total)

    def _progress(self, done: int, total: int, text: str) -> None:
        if text != COMPACTING or self.task is None:
            super()._progress(done, total, text)
            return
        # The import is committed: what follows is housekeeping, and a cancel would undo
        # nothing. A county's million changes take about half a minute, reported at the end.
        self.cancel_button.setEnabled(False)
        self.progress.setRange(0, 0 if done == 0 else max(total, 1))
        self.progress.setValue(done)
        self._say(self.tr("已导入，正在整理数据（压缩已收到的变更）：{done} / {total}").format(
            done=f"{done:,}", total=f"{total:,}") if done else
            self.tr("已导入，正在整理数据（压缩已收到的 {total} 条变更）…").format(total=f"{total:,}"))

    # -- choose and check

    def _choose_files(self) -> None:
        start = usb_folders()[0]
        files, _ = QFileDialog.getOpenFileNames(
            self, self.tr("选择数据包"), start, self.tr("工作队数据包 (*.wtb);;所有文件 (*)"))
        if files:
            self.check_files(files)

    def check_files(self, files: list[str]) -> None:
        """Verify and dry-run ``files`` off the GUI thread; show what an import would do."""
        self.files = list(files)
        self.preview = None
        self.imported = None
        self.trust_box.setChecked(False)
        names = "、".join(Path(f).name for f in files)
        self.files_label.setText(names)
        self.files_label.setToolTip("\n".join(QDir.toNativeSeparators(f) for f in files))
        self._show_preview_widgets(False)
        self._set_status(self.tr("正在检查数据包的签名和内容…"))
        self._busy(True)
        self.task = self.ctx.tasks.run(run_preview, self.ctx.store, self.files, with_state=True,
                                       done=self._previewed, failed=self._preview_failed,
                                       progress=self._progress)

    def _previewed(self, preview: Preview) -> None:
        self.preview = preview
        self._busy(False)
        if preview.cancelled:
            self.preview = None
            self._show_preview_widgets(False)
            self._set_status(self.tr("已取消检查，没有导入任何内容。"))
            self._update_buttons()
            return
        if preview.error:
            self._show_preview_widgets(False)
            self._set_status(preview.error, error=True)
            self._update_buttons()
            return
        self._show_summary(preview.results)
        self._show_signers(preview.results)
        self._show_preview_widgets(True)
        total_new = sum(r.applied for r in preview.results)
        if total_new == 0:
            self._set_status(self.tr("这些数据包的更改本机都已有，导入不会改变任何内容。"))
        elif self.untrusted():
            self._set_status(self.tr("核对指纹并勾选信任后，点“导入”。"))
        else:
            self._set_status(self.tr("核对无误后点“导入”。"))
        self._update_buttons()
        if self.import_button.isEnabled():
            self.import_button.setFocus()
        elif self.untrusted():
            self.trust_box.setFocus()

    def _preview_failed(self, exc: BaseException) -> None:
        self.preview = Preview(error=_failure_text(exc) or self.tr("无法检查数据包，请重新选择。"))
        self._busy(False)
        self._set_status(self.preview.error, error=True)

    def _show_summary(self, results: list[ImportResult]) -> None:
        totals: dict[str, Counter[str]] = {}
        for r in results:
            for entity, stats in r.per_entity.items():
                totals.setdefault(entity, Counter()).update(stats)
        self.model.setRowCount(0)
        order = {code: i for i, code in enumerate(ENTITIES.codes())}
        for entity in sorted(totals, key=lambda e: order.get(e, len(order))):
            c = totals[entity]
            row = [QStandardItem(ENTITIES.label(entity, self.ctx.lang))]
            for key in ("new", "updated", "unchanged", "conflict"):
                item = QStandardItem(f"{c[key]:,}")
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if key == "conflict" and c[key]:
                    item.setForeground(Qt.GlobalColor.darkRed)
                row.append(item)
            self.model.appendRow(row)

    def _show_signers(self, results: list[ImportResult]) -> None:
        seen: dict[str, ImportResult] = {}
        for r in results:
            seen.setdefault(r.signer_fingerprint, r)
        lines = [self.tr("设备 {device}，用户 {user}，指纹 {fp}").format(
            device=r.device, user=r.user or self.tr("（未填写）"), fp=fp)
            for fp, r in seen.items()]
        self.signer_label.setText("\n".join(lines))
        new = {r.signer_fingerprint for r in self.untrusted()}
        self.untrusted_label.setVisible(bool(new))
        self.untrusted_badge.setVisible(bool(new))
        self.fingerprint_label.setVisible(bool(new))
        self.trust_box.setVisible(bool(new))
        if new:
            self.fingerprint_label.setText("\n".join(sorted(new)))

    # -- import

    def start_import(self) -> None:
        """Import the checked files for real, off the GUI thread."""
        if not self.import_button.isEnabled():
            return
        self._busy(True)
        self.import_button.setEnabled(False)
        self._set_status(self.tr("正在导入…"))
        self.task = self.ctx.tasks.run(run_import, self.ctx.store, self.files,
                                       bool(self.untrusted()) and self.trust_box.isChecked(),
                                       with_state=True, done=self._imported,
                                       failed=self._import_failed, progress=self._progress)

    def _imported(self, done: Imported) -> None:
        self.imported = done
        self._busy(False)
        applied = sum(r.applied for r in done.results)
        if done.results:
            # Every page may show imported records: tell them all to refresh.
            self.ctx.data_changed(*ENTITIES.codes())
        text = self.tr("已导入 {n} 条新更改（{d} 条本机已有，{c} 处冲突待处理）。").format(
            n=f"{applied:,}", d=f"{sum(r.duplicate for r in done.results):,}",
            c=f"{sum(r.conflicts for r in done.results):,}")
        if done.cancelled:
            if not done.results:  # nothing imported: the same files can be imported later
                self.imported = None
                self._update_buttons()
                text = ""
            self._set_status(text + done.error)
            self.close_button.setFocus()
            return
        if done.error:
            self._set_status(text + done.error, error=True)
        else:
            self._set_status(text)
            self.conflict_badge.setVisible(any(r.conflicts for r in done.results))
        if any(r.newly_trusted for r in done.results):
            # Trusted by this import: the warning that it is not would mislead.
            for widget in (self.untrusted_badge, self.untrusted_label, self.fingerprint_label,
                           self.trust_box):
                widget.hide()
        self.summary_title.setText(self.tr("导入前的试运行结果："))
        self.close_button.setFocus()

    def _import_failed(self, exc: BaseException) -> None:
        self.imported = Imported(error=_failure_text(exc))
        self._busy(False)
        self._set_status(self.imported.error or self.tr("导入失败，未写入任何内容。"), error=True)
