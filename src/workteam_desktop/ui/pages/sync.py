"""同步: what is waiting to be sent, from which laptop, and USB transfer.

It shows the unsent changes of this laptop by record type, so a cadre knows what a sync
will carry, and carries changes by USB drive (bundles) where there is no network: export,
import, and this laptop's key fingerprint for a supervisor to compare.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...domain import catalogues as cat
from ...store.outbox import pending_by_entity
from ...sync.errors import BundleError
from ..bundle_dialogs import ExportDialog, ImportDialog, own_fingerprint
from ..context import AppContext
from ..widgets import empty_state, field_error, page_title
from .base import Page


class SyncPage(Page):
    """Sync status of this laptop."""

    name = "sync"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        layout.addWidget(page_title(self.tr("同步")))

        status = QGroupBox(self.tr("本机"))
        form = QFormLayout(status)
        self.device_label = QLabel(ctx.store.device_id)
        self.device_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.last_label = QLabel()
        self.server_label = QLabel()
        self.server_label.setWordWrap(True)
        form.addRow(self.tr("设备编号："), self.device_label)
        form.addRow(self.tr("上次同步："), self.last_label)
        form.addRow(self.tr("同步服务器："), self.server_label)
        layout.addWidget(status)

        usb = QGroupBox(self.tr("U盘传输"))
        usb_layout = QVBoxLayout(usb)
        hint = QLabel(self.tr(
            "没有网络时，把本机的更改导出到U盘带给乡镇或县里；收到的数据包从U盘导入。"))
        hint.setWordWrap(True)
        usb_layout.addWidget(hint)
        buttons = QHBoxLayout()
        self.export_button = QPushButton(self.tr("导出到U盘…"))
        self.import_button = QPushButton(self.tr("从U盘导入…"))
        self.export_button.clicked.connect(self.open_export)
        self.import_button.clicked.connect(self.open_import)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        usb_layout.addLayout(buttons)
        fp_row = QHBoxLayout()
        fp_row.addWidget(QLabel(self.tr("本机指纹：")))
        self.fingerprint_label = QLabel()
        self.fingerprint_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.fingerprint_label.font()
        font.setFamily("monospace")
        font.setBold(True)
        self.fingerprint_label.setFont(font)
        fp_row.addWidget(self.fingerprint_label)
        self.fp_note = QLabel(self.tr("（对方首次导入本机的数据包时，需要与此核对）"))
        fp_row.addWidget(self.fp_note)
        self.key_error = field_error()
        fp_row.addWidget(self.key_error, 1)
        fp_row.addStretch(1)
        usb_layout.addLayout(fp_row)
        layout.addWidget(usb)
        self.export_dialog: ExportDialog | None = None
        self.import_dialog: ImportDialog | None = None

        box = QGroupBox(self.tr("待同步的更改"))
        inner = QVBoxLayout(box)
        self.total_label = QLabel()
        inner.addWidget(self.total_label)
        self.model = QStandardItemModel(0, 2, self)
        self.model.setHorizontalHeaderLabels([self.tr("记录类型"), self.tr("更改数")])
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 220)
        self.table.setMaximumWidth(420)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        inner.addWidget(self.table)
        self.empty = empty_state(self.tr("所有更改都已同步。"))
        inner.addWidget(self.empty)
        layout.addWidget(box, 1)

    def title(self) -> str:
        return self.tr("同步")

    def activate(self, **params: Any) -> None:
        last = self.ctx.settings.value("sync/last", "")
        self.last_label.setText(str(last) if last else self.tr("从未同步"))
        server = self.ctx.app_settings.server_url
        self.server_label.setText(str(server) if server else self.tr(
            "尚未设置。有网络时，在“设置”中填写县里提供的服务器地址后即可同步。"))
        self.ctx.tasks.run(pending_by_entity, self.ctx.store, done=self._show_pending)
        if not self.fingerprint_label.text() and self.key_error.isHidden():
            self.ctx.tasks.run(own_fingerprint, self.ctx.store, done=self._show_fingerprint,
                               failed=self._fingerprint_failed)

    def _show_fingerprint(self, fp: str) -> None:
        self.fingerprint_label.setText(fp)

    def _fingerprint_failed(self, exc: BaseException) -> None:
        # Without a keyring there are no device keys: bundles cannot be signed either.
        self.key_error.setText(exc.message if isinstance(exc, BundleError)
                               else self.tr("无法读取本机密钥，U盘传输暂不可用。"))
        self.key_error.show()
        self.fingerprint_label.hide()
        self.fp_note.hide()

    def open_export(self) -> None:
        """Open the 导出到U盘 dialog (window-modal, so tests and the page stay responsive)."""
        self.export_dialog = ExportDialog(self.ctx, self)
        self.export_dialog.finished.connect(lambda _r: self.activate())
        self.export_dialog.open()

    def open_import(self) -> None:
        """Open the 从U盘导入 dialog."""
        self.import_dialog = ImportDialog(self.ctx, self)
        self.import_dialog.open()

    def _show_pending(self, counts: dict[str, int]) -> None:
        self.model.setRowCount(0)
        for entity, n in counts.items():
            name = QStandardItem(cat.ENTITIES.label(entity, self.ctx.lang))
            value = QStandardItem(f"{n:,}")
            value.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.model.appendRow([name, value])
        total = sum(counts.values())
        self.total_label.setText(self.tr("共 {n} 条更改尚未同步").format(n=f"{total:,}"))
        self.table.setVisible(bool(counts))
        self.empty.setVisible(not counts)
