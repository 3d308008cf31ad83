"""备份与恢复: the backups of this data home, a backup now (here or to a USB stick), and
restoring one.

Everything that touches files runs off the GUI thread. A restore is checked first (the
same checks as ``workteam restore``), then confirmed by the user, then done with the
store closed; the program then has to start again on the restored data, so the window
closes after saying so.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...store import backups
from ..columns import fit_columns_to_text
from ..context import AppContext
from ..widgets import accent_button, empty_state, field_error, page_title
from .base import Page


def size_text(n: int) -> str:
    """A file size for people: 812 KB, 35.2 MB."""
    if n >= 1_000_000_000:
        return f"{n / 1_000_000_000:,.1f} GB"
    if n >= 1_000_000:
        return f"{n / 1_000_000:,.1f} MB"
    return f"{n / 1000:,.0f} KB" if n else "0 KB"


class BackupsPage(Page):
    """List, make and restore backups."""

    name = "backups"
    # The restore finished: the window must close so the program starts on the new data.
    sig_restored = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._backups: list[backups.BackupInfo] = []
        self._busy = False
        layout = QVBoxLayout(self)
        layout.addWidget(page_title(self.tr("备份与恢复")))
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)

        actions = QHBoxLayout()
        self.backup_button = accent_button(self.tr("立即备份"))
        self.backup_button.clicked.connect(self.backup_now)
        self.usb_button = QPushButton(self.tr("备份到U盘…"))
        self.usb_button.clicked.connect(self.backup_to_file)
        self.restore_selected_button = QPushButton(self.tr("恢复所选备份…"))
        self.restore_selected_button.clicked.connect(self.restore_selected)
        self.restore_file_button = QPushButton(self.tr("从文件恢复…"))
        self.restore_file_button.clicked.connect(self.restore_from_file)
        for button in (self.backup_button, self.usb_button, self.restore_selected_button,
                       self.restore_file_button):
            actions.addWidget(button)
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(160)
        self.busy_bar.hide()
        actions.addWidget(self.busy_bar)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        actions.addWidget(self.status_label, 1)
        layout.addLayout(actions)
        self.error_label = field_error()
        layout.addWidget(self.error_label)

        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([self.tr("备份时间"), self.tr("类型"), self.tr("大小")])
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        fit_columns_to_text(self.table, stretch_column=1)
        self.table.doubleClicked.connect(lambda _index: self.restore_selected())
        layout.addWidget(self.table, 1)
        self.empty = empty_state(self.tr("还没有备份。按“立即备份”做第一份。"))
        self.empty.hide()
        layout.addWidget(self.empty, 1)
        self.sig_restored.connect(self._after_restore)

    def title(self) -> str:
        return self.tr("备份与恢复")

    def reason_label(self, reason: str) -> str:
        """The kind of a backup in words."""
        return {
            "daily": self.tr("每日自动"),
            "manual": self.tr("手动"),
            "before-upgrade": self.tr("升级前自动"),
            "before-restore": self.tr("恢复前自动"),
        }.get(reason, reason)

    def activate(self, **params: Any) -> None:
        keep = self.ctx.app_settings.backup_keep
        self.intro.setText(self.tr(
            "每天第一次打开程序时自动备份一次，自动备份保留最近 {keep} 份（在“设置”中可改）；"
            "手动备份不会被自动删除。备份包含照片等附件，不含密钥和密码。"
            "数据目录所在的硬盘损坏时，只有U盘上的备份还能用，请定期“备份到U盘”。").format(keep=keep))
        self.reload()

    def reload(self) -> None:
        """List the backups off the GUI thread."""
        self.ctx.tasks.run(backups.list_backups, self.ctx.store.home, done=self._show)

    def _show(self, found: list[backups.BackupInfo]) -> None:
        self._backups = found
        self.table.setRowCount(len(found))
        for i, b in enumerate(found):
            when = QTableWidgetItem(b.created.strftime("%Y-%m-%d %H:%M:%S"))
            kind = QTableWidgetItem(self.reason_label(b.reason))
            size = QTableWidgetItem(size_text(b.size))
            size.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            for col, item in enumerate((when, kind, size)):
                self.table.setItem(i, col, item)
        self.table.setVisible(bool(found))
        self.empty.setVisible(not found)
        if found and not self.table.selectedIndexes():
            self.table.selectRow(0)
        self.restore_selected_button.setEnabled(bool(found) and not self._busy)

    # ------------------------------------------------------------------ backing up

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self._busy = busy
        for button in (self.backup_button, self.usb_button, self.restore_selected_button,
                       self.restore_file_button):
            button.setEnabled(not busy)
        self.busy_bar.setVisible(busy)
        self.status_label.setText(text)
        if busy:
            self.error_label.hide()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        message = str(exc) if isinstance(exc, backups.BackupError) else self.tr(
            "操作失败，数据未改动。请检查磁盘空间后重试。")
        self.error_label.setText(message)
        self.error_label.show()
        self.reload()

    def backup_now(self) -> None:
        """A manual backup into the home's backups folder."""
        self._set_busy(True, self.tr("正在备份…"))
        self.ctx.tasks.run(backups.make_backup, self.ctx.store, "manual",
                           done=self._backed_up, failed=self._failed)

    def backup_to_file(self, path: str | None = None) -> None:
        """A backup written to a file the user chooses (a USB stick), photos inside it."""
        if not path:
            suggested = str(Path.home() / f"workteam-{dt.date.today():%Y%m%d}.sqlite3")
            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("备份到U盘"), suggested, self.tr("workteam 备份 (*.sqlite3)"))
        if not path:
            return
        if not path.endswith(".sqlite3"):
            path += ".sqlite3"
        self._set_busy(True, self.tr("正在备份…"))
        self.ctx.tasks.run(backups.make_backup, self.ctx.store, "manual", out=path,
                           done=self._backed_up, failed=self._failed)

    def _backed_up(self, path: Path) -> None:
        self._set_busy(False, self.tr("已备份到 {path}（{size}）").format(
            path=str(path), size=size_text(path.stat().st_size)))
        self.reload()

    # ------------------------------------------------------------------ restoring

    def selected_backup(self) -> backups.BackupInfo | None:
        """The backup selected in the list."""
        rows = {i.row() for i in self.table.selectedIndexes()}
        return self._backups[min(rows)] if rows else None

    def restore_selected(self) -> None:
        b = self.selected_backup()
        if b is not None:
            self.start_restore(b.path)

    def restore_from_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择备份文件"), str(Path.home()),
            self.tr("workteam 备份 (*.sqlite3);;所有文件 (*)"))
        if path:
            self.start_restore(Path(path))

    def start_restore(self, path: Path) -> None:
        """Check the backup off the GUI thread; then ask; then restore."""
        self._set_busy(True, self.tr("正在检查备份…"))
        self.ctx.tasks.run(backups.check_backup, path, done=self._confirm, failed=self._failed)

    def _confirm(self, check: backups.BackupCheck) -> None:
        self._set_busy(False)
        answer = QMessageBox.question(
            self, self.tr("恢复备份"),
            self.tr("用备份“{name}”（{households} 户，{photos} 个附件）替换当前数据？\n"
                    "当前数据会先另存为一份“恢复前自动”备份，可以再恢复回来。"
                    "恢复后程序将关闭，请重新打开。").format(
                name=check.path.name, households=f"{check.households:,}",
                photos=f"{check.attachments:,}"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Yes:
            self.status_label.setText(self.tr("已取消，数据未改动。"))
            return
        self._set_busy(True, self.tr("正在恢复…"))
        # The store must be closed while its file is replaced: let running reads finish.
        self.ctx.tasks.wait()
        self.ctx.store.close()
        self.ctx.tasks.run(backups.restore, check.path, self.ctx.store.home,
                           done=self.sig_restored.emit, failed=self._failed)

    def _after_restore(self, result: backups.RestoreResult) -> None:
        self._set_busy(False, self.tr("已恢复。"))
        missing = ""
        if result.missing_attachments:
            missing = self.tr("有 %n 个附件在备份中找不到。", "", result.missing_attachments)
        missing += self.tr("本机已换用新的设备编号，同步前请重新登录。") if result.new_device else ""
        QMessageBox.information(
            self, self.tr("已恢复"),
            self.tr("数据已恢复。{missing}程序现在关闭，请重新打开。").format(missing=missing))
        window = self.window()
        if window is not self:
            window.close()
