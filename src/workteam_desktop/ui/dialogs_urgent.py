"""The dialog that marks an urgent need (急难愁盼) resolved, for any page that lists needs.

Use (the visits page and the household page do)::

    from ..dialogs_urgent import ResolveNeedDialog

    dialog = ResolveNeedDialog(ctx, need, parent=self)   # need: a row of
    dialog.sig_resolved.connect(self.reload)             # store.urgent_needs.list_urgent_needs
    dialog.open()                                        # window-modal, returns at once

The dialog checks what was typed, writes through ``store.urgent_needs.resolve_urgent_need``
off the GUI thread, calls ``ctx.data_changed("urgent_need")``, emits ``sig_resolved`` with
the need as it now is, and closes. Enter confirms, Esc cancels.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ..domain.problems import DomainError
from ..store.urgent_needs import resolve_urgent_need
from .context import AppContext
from .pickers import DateEdit
from .widgets import field_error


class ResolveNeedDialog(QDialog):
    """Ask what was done and when, then mark the need resolved."""

    sig_resolved = Signal(dict)  # the need as listed after resolving

    def __init__(self, ctx: AppContext, need: Mapping[str, Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.need = dict(need)
        self.setWindowTitle(self.tr("标记急难愁盼已解决"))
        self.setMinimumWidth(460)

        layout = QVBoxLayout(self)
        what = QLabel(self.tr("{category}：{text}").format(
            category=need.get("category_label", ""), text=need.get("text", "")))
        what.setWordWrap(True)
        what.setStyleSheet("font-weight: bold;")
        who = QLabel(self.tr("农户：{name}（{number}），{raised} 提出").format(
            name=need.get("head_name", ""), number=need.get("household_number", ""),
            raised=need.get("raised_on", "")))
        who.setObjectName("tileLabel")
        layout.addWidget(what)
        layout.addWidget(who)

        form = QFormLayout()
        self.resolution = QLineEdit()
        self.resolution.setPlaceholderText(self.tr("如：已办理慢病卡，每月报销药费"))
        self.resolution_error = field_error()
        self.resolved_on = DateEdit()
        self.resolved_on.setDate(QDate.currentDate())
        self.date_error = field_error()
        form.addRow(self.tr("解决情况"), self.resolution)
        form.addRow("", self.resolution_error)
        form.addRow(self.tr("解决日期"), self.resolved_on)
        form.addRow("", self.date_error)
        layout.addLayout(form)

        self.failure = field_error()
        layout.addWidget(self.failure)
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(self.tr("标记已解决"),
                                                QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.confirm)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resolution.setFocus()

    def _raised_on(self) -> dt.date | None:
        raised = self.need.get("raised_on")
        return dt.date.fromisoformat(raised) if raised else None

    def check(self) -> bool:
        """Show what is wrong next to the field; True when it can be saved."""
        ok = True
        if not self.resolution.text().strip():
            self.resolution_error.setText(self.tr("请写明怎么解决的"))
            ok = False
        self.resolution_error.setVisible(not ok)
        day = self.resolved_on.date().toPython()
        raised = self._raised_on()
        message = ""
        if raised is not None and day < raised:
            message = self.tr("解决日期不能早于提出日期 {raised}").format(raised=raised.isoformat())
        elif day > dt.date.today():
            message = self.tr("解决日期不能晚于今天")
        self.date_error.setText(message)
        self.date_error.setVisible(bool(message))
        return ok and not message

    def confirm(self) -> None:
        """Save (Enter): resolve the need off the GUI thread, then close."""
        if not self.check():
            (self.resolution if self.resolution_error.isVisible() else self.resolved_on).setFocus()
            return
        self.ok_button.setEnabled(False)
        self.failure.hide()
        self.ctx.tasks.run(resolve_urgent_need, self.ctx.store, self.need["id"],
                           self.resolution.text(), self.resolved_on.date().toPython(),
                           done=self._done, failed=self._failed)

    def _done(self, need: dict[str, Any]) -> None:
        if not isValid(self):
            return
        self.ctx.data_changed("urgent_need")
        self.sig_resolved.emit(need)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        if not isValid(self):
            return
        self.ok_button.setEnabled(True)
        if isinstance(error, DomainError):
            self.failure.setText(error.message(self.ctx.lang))
        elif isinstance(error, LookupError):
            self.failure.setText(self.tr("这条急难愁盼已被删除，请关闭后刷新列表"))
        else:
            self.failure.setText(self.tr("没有保存成功，数据没有改动，请再试一次"))
        self.failure.show()
