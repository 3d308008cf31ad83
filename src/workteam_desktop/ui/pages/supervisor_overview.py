"""全域总览 (supervisor mode): every team and village of the township or county in one
sortable table with totals; a row opens that village's households."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...store.supervisor import Overview, overview
from ..columns import fit_columns_to_text
from ..context import AppContext
from ..models.sortable import Col, SortableModel
from ..widgets import ElidingLabel, page_title
from .base import Page

# Entities whose changes alter the overview.
OVERVIEW_ENTITIES = {"household", "member", "income", "visit", "visit_household",
                     "urgent_need", "delivery_action", "area", "team", "team_area"}


def sortable_view(model: SortableModel, stretch: int | None = None) -> QTableView:
    """A zebra-striped, read-only table sorted by clicking its headers; its columns as wide
    as their texts in the language shown, ``stretch`` taking the rest."""
    view = QTableView()
    view.setModel(model)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(28)
    view.setWordWrap(False)
    view.setSortingEnabled(True)
    view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    fit_columns_to_text(view, stretch_column=stretch)
    return view


class SupervisorOverviewPage(Page):
    """Households, visit coverage, ten deliveries, urgent needs, overdue forms and
    observation households per team and village."""

    name = "supervisor"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        head.addWidget(page_title(self.tr("全域总览")))
        self.period_label = QLabel()
        self.period_label.setObjectName("tileLabel")
        head.addSpacing(12)
        head.addWidget(self.period_label)
        head.addStretch(1)
        # The hint gives way ("…", whole in its tooltip) on a narrow screen.
        hint = ElidingLabel(self.tr("点表头排序；回车或双击打开该村的农户"))
        hint.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        hint.setObjectName("tileLabel")
        head.addWidget(hint)
        self.refresh_button = QPushButton(self.tr("刷新"))
        self.refresh_button.clicked.connect(self.reload)
        head.addWidget(self.refresh_button)
        layout.addLayout(head)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.model = SortableModel([
            Col(self.tr("工作队")), Col(self.tr("乡镇")), Col(self.tr("村（社区）")),
            Col(self.tr("农户"), "int"), Col(self.tr("人口"), "int"),
            Col(self.tr("本季度已走访"), "int"), Col(self.tr("走访覆盖率"), "percent"),
            Col(self.tr("十送行动"), "int"), Col(self.tr("急难未解决"), "int"),
            Col(self.tr("本季度已解决"), "int"), Col(self.tr("逾期未更新"), "int"),
            Col(self.tr("观测对象"), "int")], self)
        self.table = sortable_view(self.model, stretch=0)
        self.table.activated.connect(lambda index: self.open_village(index.row()))
        layout.addWidget(self.table, 1)
        self.overview: Overview | None = None
        self._stale = True
        ctx.sig_data_changed.connect(self._data_changed)
        ctx.sig_settings_changed.connect(lambda _s: self._data_changed(OVERVIEW_ENTITIES))

    def title(self) -> str:
        return self.tr("全域总览")

    def activate(self, **params: Any) -> None:
        if self._stale or self.overview is None:
            self.reload()

    def _data_changed(self, entities: set[str]) -> None:
        if entities & OVERVIEW_ENTITIES:
            self._stale = True
            if self.isVisible():
                self.reload()

    def reload(self) -> None:
        """Recount off the GUI thread."""
        self._stale = False
        self.summary.setText(self.tr("正在统计…"))
        self.ctx.tasks.run(overview, self.ctx.store,
                           period_days=self.ctx.app_settings.form_period_days,
                           done=self.show_overview)

    def show_overview(self, view: Overview) -> None:
        """Fill the table and the summary line."""
        self.overview = view
        self.period_label.setText(self.tr("本季度：{start} 至 {end}").format(
            start=view.quarter_start.isoformat(), end=view.quarter_end.isoformat()))
        none = self.tr("未分配工作队")
        rows, payloads, marks = [], [], []
        for r in view.rows:
            rows.append([r.team_name or none, r.township, r.village_name, r.households, r.people,
                         r.visited, r.coverage, r.deliveries, r.urgent_open, r.urgent_resolved,
                         r.overdue, r.observation])
            payloads.append(r.village_code)
            marks.append({k: level for k, level, n in (
                (8, "amber", r.urgent_open), (10, "amber", r.overdue),
                (11, "red", r.observation)) if n})
        t = view.totals
        totals = None
        if t is not None:
            totals = [self.tr("合计"), "", self.tr("%n 个村（社区）", "", len(view.rows)),
                      t.households, t.people, t.visited, t.coverage, t.deliveries, t.urgent_open,
                      t.urgent_resolved, t.overdue, t.observation]
            teams = len({r.team_id for r in view.rows if r.team_id})
            self.summary.setText(self.tr(
                "{teams} 个工作队、{villages} 个村（社区）、{households} 户；本季度走访覆盖率 "
                "{coverage}，急难愁盼未解决 {urgent} 件，逾期未更新 {overdue} 户，观测对象 "
                "{observation} 户。").format(
                    teams=teams, villages=len(view.rows), households=f"{t.households:,}",
                    coverage=f"{t.coverage:.1%}", urgent=f"{t.urgent_open:,}",
                    overdue=f"{t.overdue:,}", observation=f"{t.observation:,}"))
        self.model.set_rows(rows, payloads, marks, totals)
        if rows and not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.model.index(0, 0))

    def open_village(self, row: int) -> None:
        """Open the households of the village on ``row`` (not for the totals row)."""
        code = self.model.payload(row)
        if code:
            self.ctx.navigate("households", village=code)
