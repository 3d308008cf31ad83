"""首页: the alerts the rules compute, and the charts of the current area (挂图作战 on screen)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QPieSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...domain import catalogues as cat
from ...store.figures import AreaFigures, area_figures, pickable_areas
from ..catalogue_extensions import region_catalogue
from ..context import AppContext
from ..widgets import Tile, page_title
from .base import Page

PALETTE = ["#2f6fdb", "#36a2a6", "#f0a030", "#8e6ccf", "#d9534f", "#5cb85c", "#7f8c9a",
           "#e377c2"]


def _chart(title: str) -> tuple[QChart, QChartView]:
    chart = QChart()
    chart.setTitle(title)
    font = QFont(chart.titleFont())
    font.setPointSizeF(11.5)
    font.setBold(True)
    chart.setTitleFont(font)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setBackgroundVisible(False)  # the card behind it is white
    # Qt's own legend cuts its entries to "工资性…" when the chart is narrow (a 1024-pixel
    # screen), losing the figures: the card shows a legend of labels instead.
    chart.legend().hide()
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(180)
    view.setStyleSheet("background: transparent;")
    return chart, view


class ChartLegend(QWidget):
    """A chart's legend as labels, one entry a line: a colour square and the whole text
    with its figure ("工资性收入 45%"), never shortened."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(12, 0, 8, 8)
        self.grid.setHorizontalSpacing(6)
        self.grid.setVerticalSpacing(2)
        self.grid.setColumnStretch(1, 1)
        self.labels: list[QLabel] = []

    def set_entries(self, entries: list[tuple[str, str]]) -> None:
        """(colour, text) of each entry, in order."""
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.labels = []
        for row, (colour, text) in enumerate(entries):
            swatch = QLabel()
            swatch.setFixedSize(10, 10)
            swatch.setStyleSheet(f"background: {colour}; border-radius: 2px;")
            label = QLabel(text)
            label.setObjectName("legendLabel")
            self.grid.addWidget(swatch, row, 0, Qt.AlignmentFlag.AlignVCenter)
            self.grid.addWidget(label, row, 1)
            self.labels.append(label)


def _card(view: QChartView, legend: ChartLegend | None) -> QFrame:
    card = QFrame()
    card.setObjectName("chartCard")
    column = QVBoxLayout(card)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(0)
    column.addWidget(view, 1)
    if legend is not None:
        column.addWidget(legend)
    return card


class DashboardPage(Page):
    """Counts that need action, each opening the list behind it, and three charts."""

    name = "dashboard"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        head.addWidget(page_title(self.tr("首页")))
        head.addStretch(1)
        head.addWidget(QLabel(self.tr("范围：")))
        self.area_box = QComboBox()
        self.area_box.setMinimumWidth(220)
        self.area_box.addItem(self.tr("全部"), None)
        self.area_box.currentIndexChanged.connect(lambda _i: self.reload())
        head.addWidget(self.area_box)
        layout.addLayout(head)

        tiles = QGridLayout()
        # Counted from income, not from the recorded monitoring status (the donut's 观测对象):
        # named apart so two different numbers never share one name.
        self.tile_observation = Tile(self.tr("收入低于观测标准\n按人均纯收入算出的户数"), "red")
        self.tile_zero = Tile(self.tr("零就业家庭\n有劳动力无稳定就业"), "red")
        self.tile_overdue = Tile(self.tr("逾期未更新\n超过一个季度未采集"), "amber")
        self.tile_urgent = Tile(self.tr("急难愁盼未解决\n走访中发现的问题"), "amber")
        self.tile_coverage = Tile(self.tr("本月走访覆盖率\n已走访户 / 总户数"))
        self.tile_observation.sig_clicked.connect(
            lambda: ctx.navigate("households", flag="observation"))
        self.tile_zero.sig_clicked.connect(
            lambda: ctx.navigate("households", flag="zero-employment"))
        self.tile_overdue.sig_clicked.connect(lambda: ctx.navigate("households", flag="overdue"))
        self.tile_urgent.sig_clicked.connect(lambda: ctx.navigate("visits", urgent="open"))
        self.tile_coverage.sig_clicked.connect(lambda: ctx.navigate("visits"))
        for i, tile in enumerate((self.tile_observation, self.tile_zero, self.tile_overdue,
                                  self.tile_urgent, self.tile_coverage)):
            tiles.addWidget(tile, 0, i)
        layout.addLayout(tiles)

        self.summary = QLabel()
        self.summary.setObjectName("tileLabel")
        layout.addWidget(self.summary)
        # A home just set up has villages but no households yet: say what comes next.
        self.next_step = QWidget()
        step = QHBoxLayout(self.next_step)
        step.setContentsMargins(0, 0, 0, 0)
        step.addWidget(QLabel(self.tr("还没有农户。下一步：导入工作队的花名册（Excel 或 CSV），"
                                      "或登录服务器同步。")))
        self.import_button = QPushButton(self.tr("导入花名册…"))
        self.import_button.clicked.connect(lambda: ctx.navigate("households", import_roster=True))
        step.addWidget(self.import_button)
        step.addStretch(1)
        self.next_step.hide()
        layout.addWidget(self.next_step)

        charts = QHBoxLayout()
        self.income_chart, income_view = _chart(self.tr("收入构成"))
        self.industry_chart, industry_view = _chart(self.tr("产业分布（户）"))
        self.monitoring_chart, monitoring_view = _chart(self.tr("监测状态（户）"))
        self.income_legend = ChartLegend()
        self.monitoring_legend = ChartLegend()
        for card in (_card(income_view, self.income_legend), _card(industry_view, None),
                     _card(monitoring_view, self.monitoring_legend)):
            charts.addWidget(card, 1)
        layout.addLayout(charts, 1)
        self._areas_loaded = False
        self.figures: AreaFigures | None = None

    def title(self) -> str:
        return self.tr("首页")

    def activate(self, **params: Any) -> None:
        if not self._areas_loaded:
            self.ctx.tasks.run(pickable_areas, self.ctx.store, done=self._fill_areas)
        self.reload()

    def _fill_areas(self, areas: list) -> None:
        self._areas_loaded = True
        self.area_box.blockSignals(True)
        for area in areas:
            indent = "" if area.level == "township" else "　"
            self.area_box.addItem(f"{indent}{area.name}", area.id)
        self.area_box.blockSignals(False)

    def reload(self) -> None:
        """Recompute the figures off the GUI thread."""
        area = self.area_box.currentData()
        self.ctx.tasks.run(area_figures, self.ctx.store, area, done=self.show_figures,
                           period_days=self.ctx.app_settings.form_period_days)

    def show_figures(self, f: AreaFigures) -> None:
        """Fill the tiles and charts."""
        self.figures = f
        self.next_step.setVisible(f.households == 0 and self.area_box.currentData() is None)
        self.tile_observation.set_value(f"{f.observation:,}", f.observation > 0)
        self.tile_zero.set_value(f"{f.zero_employment:,}", f.zero_employment > 0)
        self.tile_overdue.set_value(f"{f.overdue:,}", f.overdue > 0)
        self.tile_urgent.set_value(f"{f.open_urgent_needs:,}", f.open_urgent_needs > 0)
        self.tile_coverage.set_value(f"{f.visit_coverage_month:.0%}")
        per_capita = f"{f.per_capita_income:,.0f}" if f.per_capita_income is not None else "—"
        self.summary.setText(self.tr(
            "共 {households} 户 {people} 人，其中易地搬迁 {relocated} 户；"
            "{year} 年户均人均纯收入 {income} 元；本月已走访 {visited} 户").format(
                households=f"{f.households:,}", people=f"{f.people:,}",
                relocated=f"{f.relocated:,}", year=f.income_year or "—", income=per_capita,
                visited=f"{f.visited_this_month:,}"))
        self._fill_income(f)
        self._fill_industries(f)
        self._fill_monitoring(f)

    def _fill_income(self, f: AreaFigures) -> None:
        self.income_chart.removeAllSeries()
        series = QPieSeries()
        total = sum(f.income_composition.values()) or 1.0
        entries = []
        for i, (code, value) in enumerate(f.income_composition.items()):
            label = f"{cat.INCOME_KINDS.label(code, self.ctx.lang)} {value / total:.0%}"
            piece = series.append(label, value)
            colour = PALETTE[i % len(PALETTE)]
            piece.setColor(QColor(colour))
            entries.append((colour, label))
        series.setPieSize(0.9)
        self.income_chart.addSeries(series)
        self.income_legend.set_entries(entries)

    def _fill_industries(self, f: AreaFigures) -> None:
        chart = self.industry_chart
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        items = sorted(f.industries.items(), key=lambda kv: kv[1])
        bars = QBarSet(self.tr("户数"))
        bars.setColor(QColor(PALETTE[1]))
        bars.append([float(v) for _, v in items])
        series = QHorizontalBarSeries()
        series.append(bars)
        series.setLabelsVisible(True)
        chart.addSeries(series)
        names = QBarCategoryAxis()
        industries = region_catalogue(cat.INDUSTRIES)
        names.append([industries.label(code, self.ctx.lang) for code, _ in items])
        values = QValueAxis()
        _count_axis(values, max([v for _, v in items] + [1]))
        chart.addAxis(names, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(names)
        series.attachAxis(values)
        chart.legend().hide()

    def _fill_monitoring(self, f: AreaFigures) -> None:
        self.monitoring_chart.removeAllSeries()
        series = QPieSeries()
        colours = {"none": "#9fb3c8", "observation": "#f0a030", "monitored": "#d9534f",
                   "removed": "#5cb85c"}
        entries = []
        for code, value in f.monitoring.items():
            if value:
                label = f"{cat.MONITORING_STATUSES.label(code, self.ctx.lang)} {value:,}"
                piece = series.append(label, value)
                colour = colours.get(code, PALETTE[0])
                piece.setColor(QColor(colour))
                entries.append((colour, label))
        series.setHoleSize(0.4)
        series.setPieSize(0.9)
        self.monitoring_chart.addSeries(series)
        self.monitoring_legend.set_entries(entries)


def _count_axis(axis: QValueAxis, largest: int) -> None:
    """An axis of household counts: whole-number ticks only (a range of 0..1.2 with
    "%d" labels read "0 0 1 1"), about five of them, with room for the bar labels."""
    step = 1
    while largest * 1.15 / step > 5:
        for factor in (2, 2.5, 2):  # 1, 2, 5, 10, 20, 50 …
            step = int(step * factor)
            if largest * 1.15 / step <= 5:
                break
    top = -(-int(largest * 1.15 + 1) // step) * step  # room above the longest bar
    axis.setLabelFormat("%d")
    axis.setRange(0, top)
    axis.setTickType(QValueAxis.TickType.TicksDynamic)
    axis.setTickAnchor(0)
    axis.setTickInterval(step)
