"""设置: language, the name recorded with every change, and where the data lives."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ...domain import rules
from ..context import AppContext
from ..widgets import accent_button, page_title
from .base import Page


class SettingsPage(Page):
    """Settings of this laptop."""

    name = "settings"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        layout.addWidget(page_title(self.tr("设置")))

        general = QGroupBox(self.tr("常规"))
        form = QFormLayout(general)
        self.lang_box = QComboBox()
        self.lang_box.addItem("中文", "zh")
        self.lang_box.addItem("English", "en")
        self.user_edit = QLineEdit()
        self.user_edit.setPlaceholderText(self.tr("例如：张堃"))
        self.server_edit = QLineEdit()
        self.server_edit.setPlaceholderText(self.tr("县里提供的同步服务器地址"))
        for edit in (self.lang_box, self.user_edit, self.server_edit):
            edit.setMaximumWidth(460)
        form.addRow(self.tr("界面语言："), self.lang_box)
        form.addRow(self.tr("本机使用人："), self.user_edit)
        form.addRow(self.tr("同步服务器："), self.server_edit)
        buttons = QHBoxLayout()
        self.save_button = accent_button(self.tr("保存设置"))
        self.save_button.clicked.connect(self.save)
        self.saved_label = QLabel()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.saved_label, 1)
        form.addRow(buttons)
        layout.addWidget(general)

        rules_box = QGroupBox(self.tr("规则"))
        rules_form = QFormLayout(rules_box)
        rules_form.addRow(self.tr("观测对象标准："), QLabel(self.tr(
            "人均纯收入低于 {amount} 元（默认；各年度、各地区的标准由县里下发）").format(
                amount=f"{rules.DEFAULT_OBSERVATION_THRESHOLD:,.0f}")))
        rules_form.addRow(self.tr("信息更新周期："), QLabel(self.tr(
            "{days} 天（超过即为逾期未更新）").format(days=rules.DEFAULT_FORM_PERIOD_DAYS)))
        layout.addWidget(rules_box)

        data = QGroupBox(self.tr("数据"))
        data_form = QFormLayout(data)
        home = QLabel(str(ctx.store.home))
        home.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        data_form.addRow(self.tr("数据目录："), home)
        data_form.addRow(self.tr("设备编号："), QLabel(ctx.store.device_id))
        layout.addWidget(data)
        layout.addStretch(1)

    def title(self) -> str:
        return self.tr("设置")

    def activate(self, **params: Any) -> None:
        index = self.lang_box.findData(str(self.ctx.settings.value("ui/lang", "zh")))
        self.lang_box.setCurrentIndex(max(index, 0))
        self.user_edit.setText(self.ctx.store.user)
        self.server_edit.setText(str(self.ctx.settings.value("sync/server", "")))
        self.saved_label.clear()

    def has_unsaved_changes(self) -> bool:
        return (self.lang_box.currentData() != str(self.ctx.settings.value("ui/lang", "zh"))
                or self.user_edit.text().strip() != self.ctx.store.user
                or self.server_edit.text().strip()
                != str(self.ctx.settings.value("sync/server", "")))

    def discard_changes(self) -> None:
        self.activate()

    def save(self) -> None:
        """Save; a new language takes effect at the next start."""
        lang_changed = self.lang_box.currentData() != str(self.ctx.settings.value("ui/lang", "zh"))
        self.ctx.settings.setValue("ui/lang", self.lang_box.currentData())
        self.ctx.settings.setValue("sync/server", self.server_edit.text().strip())
        user = self.user_edit.text().strip()
        if user != self.ctx.store.user:
            self.ctx.tasks.run(self.ctx.store.set_user, user)
            self.ctx.store.user = user  # the task stores it; the page shows it at once
        self.saved_label.setText(self.tr("已保存。界面语言在重新启动后生效。") if lang_changed
                                 else self.tr("已保存。"))
