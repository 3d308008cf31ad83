"""数据质量 (supervisor mode): the data-quality rules with how many rows break each, and
the findings with a Chinese explanation; a finding opens its household."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from ...domain import quality
from ...store.quality import QualityReport, quality_checks
from ..context import AppContext
from ..models.sortable import Col, SortableModel
from ..widgets import page_title
from .base import Page
from .supervisor_overview import sortable_view

FINDINGS_PER_RULE = 500  # listed per rule; the counts are always complete
ALL_RULES = ""


def run_checks(store: Any, lang: str, period_days: int) -> QualityReport:
    """The checks with this home's form period (a job for the task runner)."""
    return quality_checks(store, period_days=period_days, limit=FINDINGS_PER_RULE, lang=lang)


class SupervisorQualityPage(Page):
    """Rules on the left (with counts), findings on the right."""

    name = "quality"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        head.addWidget(page_title(self.tr("数据质量")))
        self.count_label = QLabel()
        self.count_label.setObjectName("tileLabel")
        head.addSpacing(12)
        head.addWidget(self.count_label)
        head.addStretch(1)
        hint = QLabel(self.tr("回车或双击打开农户"))
        hint.setObjectName("tileLabel")
        head.addWidget(hint)
        self.run_button = QPushButton(self.tr("重新检查"))
        self.run_button.clicked.connect(self.reload)
        head.addWidget(self.run_button)
        layout.addLayout(head)

        self.rules = QListWidget()
        self.rules.setMinimumWidth(190)
        self.rules.setSpacing(3)
        self.rules.currentItemChanged.connect(lambda _cur, _prev: self._show_findings())
        self.model = SortableModel([
            Col(self.tr("问题")), Col(self.tr("户编号")), Col(self.tr("户主")),
            Col(self.tr("村（社区）")), Col(self.tr("工作队")), Col(self.tr("说明"))], self)
        self.table = sortable_view(self.model, stretch=5)  # 说明 takes the rest
        self.table.activated.connect(lambda index: self.open_household(index.row()))
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._show_detail(current.row()))
        # The whole explanation of the chosen finding, which the table cell may cut short.
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setObjectName("qualityDetail")
        self.detail.setStyleSheet("QLabel#qualityDetail { background: #ffffff; border: 1px solid "
                                  "#dde3ea; border-radius: 4px; padding: 8px; }")
        self.open_button = QPushButton(self.tr("打开农户"))
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(lambda: self.open_household(self.table.currentIndex().row()))
        detail_row = QHBoxLayout()
        detail_row.addWidget(self.detail, 1)
        detail_row.addWidget(self.open_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.table, 1)
        right_layout.addLayout(detail_row)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.rules)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([210, 1000])
        layout.addWidget(splitter, 1)
        self.report: QualityReport | None = None
        self._stale = True
        ctx.sig_data_changed.connect(self._data_changed)
        ctx.sig_settings_changed.connect(lambda _s: self._data_changed(set()))

    def title(self) -> str:
        return self.tr("数据质量")

    def activate(self, **params: Any) -> None:
        if self._stale or self.report is None:
            self.reload()

    def _data_changed(self, _entities: set[str]) -> None:
        self._stale = True

    def reload(self) -> None:
        """Run the checks off the GUI thread."""
        self._stale = False
        self.run_button.setEnabled(False)
        self.count_label.setText(self.tr("正在检查…"))
        self.ctx.tasks.run(run_checks, self.ctx.store, self.ctx.lang,
                           self.ctx.app_settings.form_period_days, done=self.show_report,
                           failed=self._failed)

    def _failed(self, _error: BaseException) -> None:
        self.run_button.setEnabled(True)
        self.count_label.setText(self.tr("检查没有完成，请重试"))

    def show_report(self, report: QualityReport) -> None:
        """Fill the rule list (keeping the chosen rule) and the findings."""
        self.report = report
        self.run_button.setEnabled(True)
        chosen = self.rules.currentItem().data(Qt.ItemDataRole.UserRole) if (
            self.rules.currentItem()) else ALL_RULES
        self.rules.blockSignals(True)
        self.rules.clear()
        everything = QListWidgetItem(self.tr("全部问题（{n}）").format(n=f"{report.total:,}"))
        everything.setData(Qt.ItemDataRole.UserRole, ALL_RULES)
        self.rules.addItem(everything)
        for code, n in report.counts.items():
            item = QListWidgetItem(self.tr("{rule}（{n}）").format(
                rule=quality.RULES[code].label(self.ctx.lang), n=f"{n:,}"))
            item.setData(Qt.ItemDataRole.UserRole, code)
            if not n:
                item.setForeground(Qt.GlobalColor.gray)
            self.rules.addItem(item)
        self.rules.blockSignals(False)
        # As wide as the longest rule name in the language shown (no sideways bar).
        widest = max((self.rules.fontMetrics().horizontalAdvance(self.rules.item(i).text())
                      for i in range(self.rules.count())), default=0)
        scroll_bar = self.rules.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        self.rules.setMinimumWidth(max(190, widest + 2 * self.rules.spacing() + scroll_bar + 16))
        for row in range(self.rules.count()):
            if self.rules.item(row).data(Qt.ItemDataRole.UserRole) == chosen:
                self.rules.setCurrentRow(row)
                break
        self.count_label.setText(self.tr("共发现 %Ln 处问题", "", report.total))
        self._show_findings()

    def choose_rule(self, code: str) -> None:
        """Show only the findings of rule ``code`` (ALL_RULES: all)."""
        for row in range(self.rules.count()):
            if self.rules.item(row).data(Qt.ItemDataRole.UserRole) == code:
                self.rules.setCurrentRow(row)
                return

    def _show_findings(self) -> None:
        if self.report is None:
            return
        item = self.rules.currentItem()
        code = item.data(Qt.ItemDataRole.UserRole) if item else ALL_RULES
        findings = [f for f in self.report.findings if not code or f.rule == code]
        self.model.set_rows(
            [[quality.RULES[f.rule].label(self.ctx.lang), f.number, f.head_name, f.village_name,
              f.team_name, f.explanation] for f in findings],
            [f.household_id for f in findings],
            [{0: quality.RULES[f.rule].level} for f in findings])
        if findings:
            self.table.setCurrentIndex(self.model.index(0, 0))
        self._show_detail(self.table.currentIndex().row() if findings else -1)
        shown = len(findings)
        total = self.report.counts.get(code, 0) if code else self.report.total
        if shown < total:
            self.count_label.setText(self.tr(
                "共发现 {total} 处问题，列出前 {shown} 处（每类最多 {limit} 处）").format(
                    total=f"{total:,}", shown=f"{shown:,}", limit=FINDINGS_PER_RULE))
        else:
            self.count_label.setText(self.tr("共发现 %Ln 处问题", "", total))

    def _show_detail(self, row: int) -> None:
        household = self.model.payload(row)
        self.open_button.setEnabled(bool(household))
        if not household:
            self.detail.setText(self.tr("选中一条问题，这里显示完整说明。"))
            return
        self.detail.setText(self.tr("{rule}：{number} {head}（{village}，{team}）\n{text}").format(
            rule=self.model.text(row, 0), number=self.model.text(row, 1),
            head=self.model.text(row, 2), village=self.model.text(row, 3),
            team=self.model.text(row, 4) or self.tr("未分配工作队"), text=self.model.text(row, 5)))

    def open_household(self, row: int) -> None:
        """Open the household of the finding on ``row``."""
        household = self.model.payload(row)
        if household:
            self.ctx.navigate("household", household=household)
