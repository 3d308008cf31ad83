"""同步: what is waiting to be sent, and from which laptop.

The network sync and USB bundles fill this page further; what it shows already is real:
the unsent changes of this laptop by record type, so a cadre knows what a sync will carry.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QTableView, QVBoxLayout, QWidget

from ...domain import catalogues as cat
from ...store.outbox import pending_by_entity
from ..context import AppContext
from ..widgets import empty_state, page_title
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
        server = self.ctx.settings.value("sync/server", "")
        self.server_label.setText(str(server) if server else self.tr(
            "尚未设置。有网络时，在“设置”中填写县里提供的服务器地址后即可同步。"))
        self.ctx.tasks.run(pending_by_entity, self.ctx.store, done=self._show_pending)

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
