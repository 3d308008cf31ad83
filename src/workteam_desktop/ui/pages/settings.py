"""设置: this laptop's settings (settings.toml) and the county's observation thresholds.

Tabs, so every part fits a 1366×768 screen: 常规 (language, role, user, server, backups),
规则与标准 (form update period, observation thresholds per year and region), 考核权重
(assessment weights), 目录扩展 (the region's industries and measure kinds), 工作队 (the
team and its cadres: ui/pages/team_settings.py; its changes are written at once).

The settings are saved together with 保存设置 (or thrown away with 放弃修改; leaving the
page asks first). Thresholds are synced rows, not settings: each add, change or delete
is written at once through the store's write path and recomputes every household's
flags in a background task with progress.
"""

from __future__ import annotations

import copy
import dataclasses
import os
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain import catalogues as cat
from ...domain.assessment import DEFAULT_WEIGHTS, INDICATOR_LABELS
from ...settings import (
    BACKUP_KEEP_RANGE,
    FORM_PERIOD_RANGE,
    LOCK_MINUTES_RANGE,
    Settings,
    check_extension,
    problems,
)
from ...store.thresholds import (
    ThresholdArea,
    ThresholdRow,
    delete_threshold,
    list_thresholds,
    save_threshold,
    threshold_areas,
)
from ..columns import fit_columns_to_text
from ..context import AppContext
from ..tasks import Cancelled, JobState, TaskHandle
from ..widgets import accent_button, field_error, page_title
from .base import Page
from .team_settings import TeamSettings

LEVEL_INDENT = {"county": "", "township": "　", "village": "　　", "community": "　　"}


def _save_threshold_job(state: JobState, *args: Any, **kwargs: Any) -> str:
    return save_threshold(*args, progress=lambda d, t: state.set_progress(d, t), **kwargs)


def _delete_threshold_job(state: JobState, *args: Any, **kwargs: Any) -> None:
    delete_threshold(*args, progress=lambda d, t: state.set_progress(d, t), **kwargs)


def _load_thresholds(store: Any) -> tuple[list[ThresholdRow], list[ThresholdArea]]:
    return list_thresholds(store), threshold_areas(store)


class ThresholdDialog(QDialog):
    """Year, area and amount of one observation threshold."""

    def __init__(self, areas: list[ThresholdArea], row: ThresholdRow | None = None,
                 year: int = 2025, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("修改观测对象标准") if row else self.tr("新增观测对象标准"))
        self.setMinimumWidth(380)
        form = QFormLayout(self)
        self.year_box = QSpinBox()
        self.year_box.setRange(2000, 2100)
        self.year_box.setValue(row.year if row else year)
        self.area_box = QComboBox()
        self.area_box.addItem(self.tr("默认（所有地区）"), None)
        for area in areas:
            self.area_box.addItem(LEVEL_INDENT.get(area.level, "") + area.name, area.id)
        if row is not None:
            self.area_box.setCurrentIndex(max(self.area_box.findData(row.area_id), 0))
        self.amount_box = QDoubleSpinBox()
        self.amount_box.setRange(1, 1_000_000)
        self.amount_box.setDecimals(0)
        self.amount_box.setSingleStep(100)
        self.amount_box.setGroupSeparatorShown(True)
        self.amount_box.setSuffix(self.tr(" 元"))
        self.amount_box.setValue(row.amount if row else 8500)
        form.addRow(self.tr("年度："), self.year_box)
        form.addRow(self.tr("地区："), self.area_box)
        form.addRow(self.tr("人均纯收入低于："), self.amount_box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.year_box.setFocus()

    def values(self) -> tuple[int, str | None, float]:
        """(year, area id or None, amount)."""
        return self.year_box.value(), self.area_box.currentData(), self.amount_box.value()


class SettingsPage(Page):
    """Settings of this laptop, and the county's thresholds."""

    name = "settings"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._extensions: dict[str, list[tuple[str, str]]] = {}
        self._thresholds: list[ThresholdRow] = []
        self._areas: list[ThresholdArea] = []
        self._task: TaskHandle | None = None

        layout = QVBoxLayout(self)
        layout.addWidget(page_title(self.tr("设置")))
        self.tabs = QTabWidget()
        self.tabs.addTab(self._general_tab(), self.tr("常规"))
        self.tabs.addTab(self._rules_tab(), self.tr("规则与标准"))
        self.tabs.addTab(self._weights_tab(), self.tr("考核权重"))
        self.tabs.addTab(self._catalogues_tab(), self.tr("目录扩展"))
        self.tabs.addTab(self._security_tab(), self.tr("安全"))
        self.team_settings = TeamSettings(ctx)
        self.tabs.addTab(self.team_settings, self.tr("工作队"))
        layout.addWidget(self.tabs, 1)

        self.error_label = field_error()
        layout.addWidget(self.error_label)
        buttons = QHBoxLayout()
        self.save_button = accent_button(self.tr("保存设置"))
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton(self.tr("放弃修改"))
        self.cancel_button.clicked.connect(self.discard_changes)
        self.saved_label = QLabel()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.saved_label, 1)
        layout.addLayout(buttons)
        # The 工作队 tab writes each change at once: 保存设置/放弃修改 are not for it.
        self.tabs.currentChanged.connect(self._tab_changed)

    # ------------------------------------------------------------------ tabs

    def _general_tab(self) -> QWidget:
        tab = QWidget()
        column = QVBoxLayout(tab)
        general = QGroupBox(self.tr("本机"))
        form = QFormLayout(general)
        self.lang_box = QComboBox()
        self.lang_box.addItem("中文", "zh_CN")
        self.lang_box.addItem("English", "en")
        self.role_box = QComboBox()
        self.role_box.addItem(self.tr("工作队员（驻村）"), "member")
        self.role_box.addItem(self.tr("督导（乡镇、县）"), "supervisor")
        self.user_edit = QLineEdit()
        self.user_edit.setPlaceholderText(self.tr("例如：张堃"))
        self.server_edit = QLineEdit()
        self.server_edit.setPlaceholderText(self.tr("县里提供的同步服务器地址，如 https://…"))
        for edit in (self.lang_box, self.role_box, self.user_edit, self.server_edit):
            edit.setMaximumWidth(460)
        form.addRow(self.tr("界面语言："), self.lang_box)
        form.addRow(self.tr("角色："), self.role_box)
        form.addRow(self.tr("本机使用人："), self.user_edit)
        form.addRow(self.tr("同步服务器："), self.server_edit)
        column.addWidget(general)

        data = QGroupBox(self.tr("数据与备份"))
        data_form = QFormLayout(data)
        self.keep_box = QSpinBox()
        self.keep_box.setRange(*BACKUP_KEEP_RANGE)
        self.keep_box.setSuffix(self.tr(" 份"))
        self.keep_box.setMaximumWidth(160)
        data_form.addRow(self.tr("保留自动备份："), self.keep_box)
        home = QLabel(str(self.ctx.store.home))
        home.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        data_form.addRow(self.tr("数据目录："), home)
        data_form.addRow(self.tr("设备编号："), QLabel(self.ctx.store.device_id))
        column.addWidget(data)
        column.addStretch(1)
        return tab

    def _security_tab(self) -> QWidget:
        tab = QWidget()
        column = QVBoxLayout(tab)
        column.addWidget(self._security_box())
        column.addStretch(1)
        return tab

    def _security_box(self) -> QGroupBox:
        """安全: the idle lock (minutes, saved with the settings; the password, set at once)
        and a new recovery code."""
        box = QGroupBox(self.tr("安全"))
        form = QFormLayout(box)
        self.lock_box = QSpinBox()
        self.lock_box.setRange(*LOCK_MINUTES_RANGE)
        self.lock_box.setSuffix(self.tr(" 分钟"))
        self.lock_box.setSpecialValueText(self.tr("不自动锁定"))
        self.lock_box.setMaximumWidth(160)
        form.addRow(self.tr("无操作自动锁定："), self.lock_box)
        self.lock_button = QPushButton()
        self.lock_note = QLabel()
        self.lock_note.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.lock_button)
        row.addStretch(1)
        form.addRow(self.tr("锁屏密码："), row)
        form.addRow("", self.lock_note)
        self.lock_button.clicked.connect(self.set_lock_password)
        self.recovery_button = QPushButton(self.tr("生成新的恢复码…"))
        self.recovery_button.setToolTip(self.tr("旧恢复码随即作废；请打印新的恢复码页"))
        self.recovery_button.setEnabled(self.ctx.store.key is not None)
        self.recovery_button.clicked.connect(self.new_recovery_code)
        recovery_row = QHBoxLayout()
        recovery_row.addWidget(self.recovery_button)
        recovery_row.addStretch(1)
        form.addRow(self.tr("数据恢复码："), recovery_row)
        self._show_lock_state()
        return box

    def _show_lock_state(self) -> None:
        from ...store.lock import has_lock_password

        has_password = has_lock_password(self.ctx.store)
        self.lock_button.setText(self.tr("修改锁屏密码…") if has_password
                                 else self.tr("设置锁屏密码…"))
        if self.ctx.store.key is None:
            text = self.tr("本机没有可用的密钥环，数据未加密保存（Linux 桌面请安装 gnome-keyring）。")
        elif has_password:
            text = self.tr("已设置锁屏密码。离开电脑超过设定时间，窗口自动锁定。")
        else:
            text = self.tr("尚未设置锁屏密码：设置后，离开电脑超过设定时间窗口自动锁定。")
        self.lock_note.setText(text)

    def set_lock_password(self) -> None:
        """Set or change the local password the idle lock asks for (the dialog the start
        asks with)."""
        from ..lock_password import LockPasswordDialog

        LockPasswordDialog(self.ctx.store, self.ctx.lang, self.lock_box.value(),
                           at_start=False, parent=self).exec()
        self._show_lock_state()

    def new_recovery_code(self) -> None:
        """Replace the recovery code and show the new one, to print."""
        from ...store import home_key
        from ..recovery import RecoveryCodeDialog

        store = self.ctx.store
        if store.key is None:
            return
        code = home_key.new_recovery_code(store.home, store.key)
        RecoveryCodeDialog(store.home, code, parent=self).exec()

    def _rules_tab(self) -> QWidget:
        tab = QWidget()
        column = QVBoxLayout(tab)
        period = QHBoxLayout()
        period.addWidget(QLabel(self.tr("信息更新周期：")))
        self.period_box = QSpinBox()
        self.period_box.setRange(*FORM_PERIOD_RANGE)
        self.period_box.setSuffix(self.tr(" 天"))
        period.addWidget(self.period_box)
        period.addWidget(QLabel(self.tr("超过即为“逾期未更新”（92天约为一个季度）")), 1)
        column.addLayout(period)

        box = QGroupBox(self.tr("观测对象标准（人均纯收入低于标准且未纳入监测的农户）"))
        inner = QVBoxLayout(box)
        hint = QLabel(self.tr("标准按年度和地区设定，村的标准优先于乡镇、县和默认标准；"
                              "修改后立即生效，全部农户重新判定，并随同步下发。"))
        hint.setWordWrap(True)
        inner.addWidget(hint)
        self.threshold_table = QTableWidget(0, 3)
        self.threshold_table.setHorizontalHeaderLabels(
            [self.tr("年度"), self.tr("地区"), self.tr("标准（元/人·年）")])
        self.threshold_table.verticalHeader().hide()
        self.threshold_table.setAlternatingRowColors(True)
        self.threshold_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.threshold_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.threshold_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        fit_columns_to_text(self.threshold_table, stretch_column=1)
        self.threshold_table.doubleClicked.connect(lambda _index: self.edit_threshold())
        inner.addWidget(self.threshold_table, 1)
        row = QHBoxLayout()
        self.add_threshold_button = QPushButton(self.tr("新增标准…"))
        self.add_threshold_button.clicked.connect(self.add_threshold)
        self.edit_threshold_button = QPushButton(self.tr("修改…"))
        self.edit_threshold_button.clicked.connect(self.edit_threshold)
        self.delete_threshold_button = QPushButton(self.tr("删除"))
        self.delete_threshold_button.clicked.connect(self.delete_selected_threshold)
        self.progress = QProgressBar()
        self.progress.setFormat(self.tr("重新判定农户 %v / %m"))
        self.progress.hide()
        self.cancel_task_button = QPushButton(self.tr("取消"))
        self.cancel_task_button.hide()
        self.cancel_task_button.clicked.connect(self._cancel_task)
        self.threshold_status = QLabel()
        for button in (self.add_threshold_button, self.edit_threshold_button,
                       self.delete_threshold_button):
            row.addWidget(button)
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_task_button)
        row.addWidget(self.threshold_status, 1)
        inner.addLayout(row)
        column.addWidget(box, 1)
        return tab

    def _weights_tab(self) -> QWidget:
        tab = QWidget()
        column = QVBoxLayout(tab)
        hint = QLabel(self.tr("季度考核各项指标的权重。按比例折算为100%，例如都填10即各占八分之一。"))
        hint.setWordWrap(True)
        column.addWidget(hint)
        grid = QGridLayout()
        grid.addWidget(QLabel(self.tr("指标")), 0, 0)
        grid.addWidget(QLabel(self.tr("权重")), 0, 1)
        grid.addWidget(QLabel(self.tr("折算占比")), 0, 2)
        self.weight_boxes: dict[str, QDoubleSpinBox] = {}
        self.share_labels: dict[str, QLabel] = {}
        for i, key in enumerate(DEFAULT_WEIGHTS, start=1):
            grid.addWidget(QLabel(INDICATOR_LABELS.label(key, self.ctx.lang)), i, 0)
            spin = QDoubleSpinBox()
            spin.setRange(0, 100)
            spin.setDecimals(1)
            spin.setSingleStep(5)
            spin.setMaximumWidth(120)
            spin.valueChanged.connect(self._show_shares)
            self.weight_boxes[key] = spin
            grid.addWidget(spin, i, 1)
            share = QLabel()
            share.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            share.setMinimumWidth(80)
            self.share_labels[key] = share
            grid.addWidget(share, i, 2)
        self.weight_total = QLabel()
        grid.addWidget(self.weight_total, len(DEFAULT_WEIGHTS) + 1, 0, 1, 3)
        grid.setColumnStretch(3, 1)
        column.addLayout(grid)
        reset = QPushButton(self.tr("恢复默认权重"))
        reset.clicked.connect(lambda: self._show_weights(DEFAULT_WEIGHTS))
        row = QHBoxLayout()
        row.addWidget(reset)
        row.addStretch(1)
        column.addLayout(row)
        column.addStretch(1)
        return tab

    def _catalogues_tab(self) -> QWidget:
        tab = QWidget()
        column = QVBoxLayout(tab)
        hint = QLabel(self.tr("本地区特有的产业或帮扶措施可以添加到选项中。代码用于数据交换，"
                              "保存后不宜再改；其他电脑需要同样添加才会显示名称。"))
        hint.setWordWrap(True)
        column.addWidget(hint)
        row = QHBoxLayout()
        self.extension_tables: dict[str, QTableWidget] = {}
        self.code_edits: dict[str, QLineEdit] = {}
        self.label_edits: dict[str, QLineEdit] = {}
        self.extension_errors: dict[str, QLabel] = {}
        titles = {"industry": self.tr("产业"), "measure_kind": self.tr("帮扶措施类型")}
        examples = {"industry": (self.tr("代码，如 pepper"), self.tr("名称，如 花椒")),
                    "measure_kind": (self.tr("代码，如 loan_subsidy"), self.tr("名称，如 贷款贴息"))}
        for name, title in titles.items():
            box = QGroupBox(title)
            inner = QVBoxLayout(box)
            separator = ", " if self.ctx.lang == "en" else "、"
            builtin = QLabel(self.tr("内置：") + separator.join(
                e.label(self.ctx.lang) for e in cat.EXTENSIBLE[name]))
            builtin.setWordWrap(True)
            inner.addWidget(builtin)
            table = QTableWidget(0, 2)
            table.setHorizontalHeaderLabels([self.tr("代码"), self.tr("名称")])
            table.verticalHeader().hide()
            table.setAlternatingRowColors(True)
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            fit_columns_to_text(table, stretch_column=1)
            inner.addWidget(table, 1)
            add_row = QHBoxLayout()
            code, label = QLineEdit(), QLineEdit()
            code.setPlaceholderText(examples[name][0])
            label.setPlaceholderText(examples[name][1])
            add = QPushButton(self.tr("添加"))
            add.clicked.connect(lambda _c=False, n=name: self.add_extension(n))
            label.returnPressed.connect(lambda n=name: self.add_extension(n))
            remove = QPushButton(self.tr("删除所选"))
            remove.clicked.connect(lambda _c=False, n=name: self.remove_extension(n))
            add_row.addWidget(code)
            add_row.addWidget(label)
            add_row.addWidget(add)
            add_row.addWidget(remove)
            inner.addLayout(add_row)
            error = field_error()
            inner.addWidget(error)
            self.extension_tables[name] = table
            self.code_edits[name], self.label_edits[name] = code, label
            self.extension_errors[name] = error
            row.addWidget(box, 1)
        column.addLayout(row, 1)
        return tab

    # ------------------------------------------------------------------ page

    def title(self) -> str:
        return self.tr("设置")

    def activate(self, **params: Any) -> None:
        self._show(self.ctx.app_settings)
        self.user_edit.setText(self.ctx.store.user)
        self.saved_label.clear()
        self.reload_thresholds()
        self.team_settings.reload()
        if params.get("tab") == "team":
            self.tabs.setCurrentWidget(self.team_settings)

    def _tab_changed(self, _index: int) -> None:
        team = self.tabs.currentWidget() is self.team_settings
        for widget in (self.save_button, self.cancel_button, self.saved_label):
            widget.setVisible(not team)

    def _show(self, s: Settings) -> None:
        self.lang_box.setCurrentIndex(max(self.lang_box.findData(s.language), 0))
        forced = os.environ.get("WORKTEAM_LANG", "")
        if forced:
            # The environment chose the language of this run: show that one, not what
            # settings.toml says, and say why it cannot be changed here.
            self.lang_box.setCurrentIndex(self.lang_box.findData("en" if forced.startswith("en")
                                                                 else "zh_CN"))
            self.lang_box.setEnabled(False)
            self.lang_box.setToolTip(self.tr("本次运行的语言由环境变量 WORKTEAM_LANG 指定"))
        self.role_box.setCurrentIndex(max(self.role_box.findData(s.role), 0))
        self.server_edit.setText(s.server_url)
        self.keep_box.setValue(s.backup_keep)
        self.lock_box.setValue(s.lock_minutes)
        self.period_box.setValue(s.form_period_days)
        self._show_weights(s.assessment_weights)
        self._extensions = copy.deepcopy(s.catalogue_extensions)
        for name in self.extension_tables:
            self._show_extensions(name)
            self.extension_errors[name].hide()
        self.error_label.hide()
        if s.warnings:
            self.error_label.setText("；".join(s.warnings))
            self.error_label.show()

    def _show_weights(self, weights: dict[str, float]) -> None:
        for key, spin in self.weight_boxes.items():
            spin.blockSignals(True)
            spin.setValue(round(weights.get(key, 0.0) * 100, 1))
            spin.blockSignals(False)
        self._show_shares()

    def _weights(self) -> dict[str, float]:
        return {key: round(spin.value() / 100, 4) for key, spin in self.weight_boxes.items()}

    def _show_shares(self) -> None:
        weights = self._weights()
        total = sum(weights.values())
        for key, label in self.share_labels.items():
            label.setText(f"{weights[key] / total:.1%}" if total > 0 else "—")
        if total > 0:
            self.weight_total.setText(self.tr("填写合计 {total}，折算后合计 100%").format(
                total=f"{total * 100:g}"))
            self.weight_total.setProperty("alert", "")
        else:
            self.weight_total.setText(self.tr("权重不能全为0"))
            self.weight_total.setProperty("alert", "red")
        self.weight_total.style().polish(self.weight_total)

    def _show_extensions(self, name: str) -> None:
        table = self.extension_tables[name]
        entries = self._extensions.get(name, [])
        table.setRowCount(len(entries))
        for i, (code, label) in enumerate(entries):
            table.setItem(i, 0, QTableWidgetItem(code))
            table.setItem(i, 1, QTableWidgetItem(label))

    def add_extension(self, name: str) -> bool:
        """Add the typed (code, label) to the catalogue ``name`` (saved with 保存设置)."""
        code, label = self.code_edits[name].text().strip(), self.label_edits[name].text().strip()
        entries = self._extensions.setdefault(name, [])
        problem = check_extension(name, code, label, entries)
        error = self.extension_errors[name]
        if problem:
            error.setText(problem)
            error.show()
            return False
        error.hide()
        entries.append((code, label))
        self.code_edits[name].clear()
        self.label_edits[name].clear()
        self.code_edits[name].setFocus()
        self._show_extensions(name)
        return True

    def remove_extension(self, name: str) -> None:
        """Remove the selected entries of catalogue ``name`` (saved with 保存设置)."""
        table = self.extension_tables[name]
        rows = sorted({i.row() for i in table.selectedIndexes()}, reverse=True)
        entries = self._extensions.get(name, [])
        for row in rows:
            if row < len(entries):
                del entries[row]
        self._show_extensions(name)

    def form_settings(self) -> Settings:
        """The settings as the form shows them."""
        # From the saved settings: keys the page does not show (allow_plain_http) are kept.
        return dataclasses.replace(
            self.ctx.app_settings,
            language=self.lang_box.currentData() if self.lang_box.isEnabled()
            else self.ctx.app_settings.language,  # the environment's choice is not saved
            role=self.role_box.currentData(),
            server_url=self.server_edit.text().strip(), backup_keep=self.keep_box.value(),
            lock_minutes=self.lock_box.value(),
            form_period_days=self.period_box.value(), assessment_weights=self._weights(),
            catalogue_extensions={k: list(v) for k, v in self._extensions.items() if v})

    def has_unsaved_changes(self) -> bool:
        saved = self.ctx.app_settings
        form = self.form_settings()
        weights_same = all(abs(form.assessment_weights[k] - saved.assessment_weights.get(k, 0))
                           < 5e-4 for k in DEFAULT_WEIGHTS)
        form.assessment_weights = saved.assessment_weights
        return (form != saved or not weights_same
                or self.user_edit.text().strip() != self.ctx.store.user)

    def discard_changes(self) -> None:
        self.activate()

    def save(self) -> bool:
        """Save settings.toml; a new language takes effect at the next start."""
        s = self.form_settings()
        found = problems(s)
        if found:
            self.error_label.setText("；".join(found))
            self.error_label.show()
            return False
        self.error_label.hide()
        before = self.ctx.app_settings
        try:
            self.ctx.save_app_settings(s)
        except (OSError, ValueError) as exc:
            self.error_label.setText(self.tr("设置未能保存：{reason}").format(reason=str(exc)))
            self.error_label.show()
            return False
        user = self.user_edit.text().strip()
        if user != self.ctx.store.user:
            self.ctx.tasks.run(self.ctx.store.set_user, user)
            self.ctx.store.user = user  # the task stores it; the page shows it at once
        if s.form_period_days != before.form_period_days:
            self.ctx.data_changed("household")  # 逾期未更新 is counted anew
        # The navigation follows a new role at once (督导 pages appear or go); only the
        # language needs the program restarted.
        restart = s.language != before.language
        self.saved_label.setText(self.tr("已保存。界面语言在重新启动程序后生效。")
                                 if restart else self.tr("已保存。"))
        return True

    # ------------------------------------------------------------------ thresholds

    def reload_thresholds(self) -> None:
        """Read the thresholds and areas off the GUI thread."""
        self.ctx.tasks.run(_load_thresholds, self.ctx.store, done=self._show_thresholds)

    def _show_thresholds(self, loaded: tuple[list[ThresholdRow], list[ThresholdArea]]) -> None:
        self._thresholds, self._areas = loaded
        table = self.threshold_table
        table.setRowCount(len(self._thresholds))
        for i, row in enumerate(self._thresholds):
            year = QTableWidgetItem(str(row.year))
            area = QTableWidgetItem(row.area_name or self.tr("默认（所有地区）"))
            amount = QTableWidgetItem(f"{row.amount:,.0f}")
            amount.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            for col, item in enumerate((year, area, amount)):
                table.setItem(i, col, item)
        if self._thresholds and not table.selectedIndexes():
            table.selectRow(0)

    def selected_threshold(self) -> ThresholdRow | None:
        """The threshold row selected in the table."""
        rows = {i.row() for i in self.threshold_table.selectedIndexes()}
        return self._thresholds[min(rows)] if rows else None

    def add_threshold(self) -> None:
        year = max((r.year for r in self._thresholds), default=2025)
        dialog = ThresholdDialog(self._areas, None, year, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.apply_threshold(*dialog.values())

    def edit_threshold(self) -> None:
        row = self.selected_threshold()
        if row is None:
            return
        dialog = ThresholdDialog(self._areas, row, row.year, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.apply_threshold(*dialog.values(), threshold_id=row.id)

    def delete_selected_threshold(self) -> None:
        row = self.selected_threshold()
        if row is None:
            return
        answer = QMessageBox.question(
            self, self.tr("删除标准"),
            self.tr("删除{year}年“{area}”的标准？删除后全部农户将重新判定。").format(
                year=row.year, area=row.area_name or self.tr("默认（所有地区）")),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Yes:
            self._start(_delete_threshold_job, row.id)

    def apply_threshold(self, year: int, area_id: str | None, amount: float,
                        threshold_id: str | None = None) -> None:
        """Write a threshold and recompute every household's flags in the background."""
        self._start(_save_threshold_job, year, area_id, amount, threshold_id=threshold_id)

    def _start(self, job: Any, *args: Any, **kwargs: Any) -> None:
        for button in (self.add_threshold_button, self.edit_threshold_button,
                       self.delete_threshold_button):
            button.setEnabled(False)
        self.threshold_status.clear()
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_task_button.show()
        self._task = self.ctx.tasks.run(job, self.ctx.store, *args, with_state=True,
                                        progress=self._on_progress, done=self._task_done,
                                        failed=self._task_failed, **kwargs)

    def _on_progress(self, done: int, total: int, _text: str) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def _cancel_task(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def _task_finished(self) -> None:
        self._task = None
        self.progress.hide()
        self.cancel_task_button.hide()
        for button in (self.add_threshold_button, self.edit_threshold_button,
                       self.delete_threshold_button):
            button.setEnabled(True)
        self.reload_thresholds()

    def _task_done(self, _result: object) -> None:
        self._task_finished()
        self.threshold_status.setText(self.tr("已保存，农户已重新判定。"))
        self.ctx.data_changed("observation_threshold", "household")

    def _task_failed(self, exc: BaseException) -> None:
        self._task_finished()
        if isinstance(exc, Cancelled):
            text = self.tr("已取消，标准和农户判定都未改动。")
        elif isinstance(exc, ValueError):  # ThresholdError: a Chinese sentence for the user
            text = str(exc)
        else:
            text = self.tr("保存失败，标准未改动。")
        self.threshold_status.setText(text)
