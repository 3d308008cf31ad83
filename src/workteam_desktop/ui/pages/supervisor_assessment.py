"""考核评定 (supervisor mode): the quarterly assessment of teams (ranking, with the manual
score typed into the table) and of cadres, the half-year star rating, and the PDF."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain import assessment as da
from ...domain import catalogues as cat
from ...store.assessment import (
    SUBJECT_CADRE,
    SUBJECT_TEAM,
    Assessment,
    StarRating,
    assess_quarter,
    cadre_figures,
    current_quarter,
    previous_quarter,
    set_manual_score,
    star_ratings,
)
from ..context import AppContext
from ..models.sortable import Col, SortableModel
from ..widgets import accent_button, page_title
from .base import Page
from .supervisor_overview import sortable_view

QUARTERS_SHOWN = 6
ASSESSMENT_ENTITIES = {"household", "visit", "visit_household", "urgent_need", "delivery_action",
                       "training", "member", "team", "cadre", "visit_cadre", "assistance_record"}


@dataclass(slots=True)
class AssessmentView:
    """Everything the page shows for one quarter."""

    result: Assessment
    cadres: list[dict[str, Any]]
    half: da.HalfYear
    stars: list[StarRating]


def load_assessment(store: Any, quarter: str, weights: dict[str, float],
                    period_days: int) -> AssessmentView:
    """The quarter's assessment, its cadres and the star rating of its half year."""
    result = assess_quarter(store, quarter, weights, period_days)
    year, number = int(quarter[:4]), int(quarter[-1])
    half = da.half_year_of_quarter(year, number)
    return AssessmentView(result, cadre_figures(store, quarter), half,
                          star_ratings(store, half, weights, period_days))


def build_pdf(store: Any, quarter: str) -> Path:
    """The assessment PDF in the home's reports folder (a job for the task runner)."""
    from ...reports import ReportRequest, build_report

    return build_report(store, ReportRequest("assessment", quarter=quarter)).path


class SupervisorAssessmentPage(Page):
    """Quarter picker; tabs for teams, cadres and stars; export to PDF."""

    name = "assessment"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        head.addWidget(page_title(self.tr("考核评定")))
        head.addSpacing(12)
        head.addWidget(QLabel(self.tr("季度：")))
        self.quarter_box = QComboBox()
        quarter = current_quarter()
        for _ in range(QUARTERS_SHOWN):
            self.quarter_box.addItem(self.tr("{year}年第{n}季度").format(
                year=quarter[:4], n=quarter[-1]), quarter)
            quarter = previous_quarter(quarter)
        self.quarter_box.currentIndexChanged.connect(lambda _i: self.reload())
        head.addWidget(self.quarter_box)
        self.status = QLabel()
        self.status.setObjectName("tileLabel")
        # Two lines rather than a page wider than a 1024-pixel screen ("3 work teams; 3
        # supervisor's scores not entered…" in English).
        self.status.setWordWrap(True)
        head.addSpacing(12)
        head.addWidget(self.status, 1)
        self.pdf_button = accent_button(self.tr("生成PDF"))
        self.pdf_button.clicked.connect(self.export_pdf)
        head.addWidget(self.pdf_button)
        layout.addLayout(head)

        self.tabs = QTabWidget()
        # Teams
        self.team_model = SortableModel([
            Col(self.tr("名次"), "int"), Col(self.tr("工作队")),
            *[Col(self._header(e.code), "score", editable=e.code == "manual",
                  empty=self.tr("未录入") if e.code == "manual" else "")
              for e in da.INDICATOR_LABELS],
            Col(self.tr("总分"), "score")], self)
        self.team_model.on_edit = lambda team, _col, value: self.enter_score(
            SUBJECT_TEAM, team, value)
        self.team_table = sortable_view(self.team_model, stretch=1)
        self.team_table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                        | QAbstractItemView.EditTrigger.EditKeyPressed
                                        | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.weights_label = QLabel()
        self.weights_label.setWordWrap(True)
        self.weights_label.setObjectName("tileLabel")
        self.raw_label = QLabel()
        self.raw_label.setWordWrap(True)
        teams = QWidget()
        tl = QVBoxLayout(teams)
        tl.addWidget(self.team_table, 1)
        tl.addWidget(self.raw_label)
        tl.addWidget(self.weights_label)
        self.team_table.selectionModel().currentRowChanged.connect(
            lambda current, _p: self._show_raw(current.row()))
        self.tabs.addTab(teams, self.tr("工作队考核"))

        # Cadres
        self.cadre_model = SortableModel([
            Col(self.tr("名次"), "int"), Col(self.tr("姓名")), Col(self.tr("职务")),
            Col(self.tr("工作队")), Col(self.tr("走访次数"), "int"), Col(self.tr("走访户数"), "int"),
            Col(self.tr("帮扶措施"), "int"), Col(self.tr("发现诉求"), "int"),
            Col(self.tr("已解决"), "int"),
            Col(self.tr("督导评分"), "score", editable=True, empty=self.tr("未录入")),
            Col(self.tr("得分"), "score")], self)
        self.cadre_model.on_edit = lambda cadre, _col, value: self.enter_score(
            SUBJECT_CADRE, cadre, value)
        self.cadre_table = sortable_view(self.cadre_model, stretch=3)
        self.cadre_table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                         | QAbstractItemView.EditTrigger.EditKeyPressed)
        cadres = QWidget()
        cl = QVBoxLayout(cadres)
        cl.addWidget(self.cadre_table, 1)
        rule = QLabel(self.tr(
            "干部得分：走访户数占40%（本季度{visits}户满分），帮扶措施占20%（{assistance}项满分），"
            "发现的急难诉求解决比例占20%，督导评分占20%。双击“督导评分”录入。").format(
                visits=da.CADRE_VISIT_TARGET, assistance=da.CADRE_ASSISTANCE_TARGET))
        rule.setWordWrap(True)
        rule.setObjectName("tileLabel")
        cl.addWidget(rule)
        self.tabs.addTab(cadres, self.tr("干部考核"))

        # Stars
        self.star_model = SortableModel([
            Col(self.tr("工作队")), Col(self.tr("第一季度总分"), "score"),
            Col(self.tr("第二季度总分"), "score"), Col(self.tr("平均分"), "score"),
            Col(self.tr("星级"))], self)
        self.star_table = sortable_view(self.star_model, stretch=0)
        stars = QWidget()
        sl = QVBoxLayout(stars)
        self.half_label = QLabel()
        self.half_label.setStyleSheet("font-weight: bold;")
        sl.addWidget(self.half_label)
        sl.addWidget(self.star_table, 1)
        star_rule = QLabel(da.STAR_RULE_EN if ctx.lang.startswith("en") else da.STAR_RULE_ZH)
        star_rule.setWordWrap(True)
        star_rule.setObjectName("tileLabel")
        sl.addWidget(star_rule)
        self.tabs.addTab(stars, self.tr("半年星级评定"))
        layout.addWidget(self.tabs, 1)

        self.view: AssessmentView | None = None
        self._stale = True
        ctx.sig_data_changed.connect(self._data_changed)
        ctx.sig_settings_changed.connect(self._settings_changed)

    def _header(self, code: str) -> str:
        """A column header on two lines (the full names are too wide for 1366 pixels)."""
        return {
            "visit_coverage": self.tr("走访\n覆盖率"), "deliveries": self.tr("十送\n行动"),
            "urgent_resolved": self.tr("急难诉求\n解决率"),
            "resolve_days": self.tr("诉求平均\n解决天数"), "forms_current": self.tr("表单\n按期率"),
            "trainings": self.tr("培训"), "relocated_employment": self.tr("搬迁劳动力\n就业率"),
            "manual": self.tr("督导\n评分"),
        }[code]

    def _label(self, code: str) -> str:
        return da.INDICATOR_LABELS.label(code, self.ctx.lang)

    def title(self) -> str:
        return self.tr("考核评定")

    def activate(self, **params: Any) -> None:
        quarter = params.get("quarter")
        if quarter:
            index = self.quarter_box.findData(quarter)
            if index >= 0 and index != self.quarter_box.currentIndex():
                self.quarter_box.setCurrentIndex(index)  # reloads
                return
        if self._stale or self.view is None:
            self.reload()

    def _data_changed(self, entities: set[str]) -> None:
        if entities & ASSESSMENT_ENTITIES:
            self._stale = True

    def _settings_changed(self, _settings: object) -> None:
        # New weights or form period: rescore now if shown, else on the next visit.
        self._stale = True
        if self.isVisible():
            self.reload()

    @property
    def quarter(self) -> str:
        """The quarter shown."""
        return str(self.quarter_box.currentData())

    def reload(self) -> None:
        """Score the chosen quarter off the GUI thread."""
        self._stale = False
        self.status.setText(self.tr("正在计算…"))
        settings = self.ctx.app_settings
        self.ctx.tasks.run(load_assessment, self.ctx.store, self.quarter,
                           dict(settings.assessment_weights), settings.form_period_days,
                           done=self.show_view)

    def show_view(self, view: AssessmentView) -> None:
        """Fill the three tabs."""
        if view.result.quarter != self.quarter:
            return  # an answer for a quarter no longer chosen
        self.view = view
        teams = view.result.teams
        manual_col = 2 + da.INDICATORS.index("manual")
        self.team_model.set_rows(
            [[t.rank, t.indicators.team_name,
              *[t.scores[k] if k != "manual" or t.indicators.manual is not None else None
                for k in da.INDICATORS], t.total] for t in teams],
            [t.indicators.team_id for t in teams],
            [{manual_col: "amber"} if t.indicators.manual is None else {} for t in teams])
        missing = sum(t.indicators.manual is None for t in teams)
        self.status.setText(
            self.tr("{n} 个工作队；督导评分还有 {missing} 个未录入（双击该格录入，未录入按0分计）").format(
                n=len(teams), missing=missing) if missing else
            self.tr("%n 个工作队，督导评分已全部录入", "", len(teams)))
        # The list separator of the language shown ("；" in Chinese, "; " in English).
        weights = self.tr("；").join(f"{self._label(k)} {w:.0%}"
                                    for k, w in view.result.weights.items())
        self.weights_label.setText(self.tr("权重（在“设置”中修改）：{weights}").format(weights=weights))
        if teams and not self.team_table.currentIndex().isValid():
            self.team_table.setCurrentIndex(self.team_model.index(0, 1))
        self._show_raw(self.team_table.currentIndex().row())

        self.cadre_model.set_rows(
            [[c["rank"], c["name"], cat.CADRE_ROLES.label(c["role"], self.ctx.lang), c["team_name"],
              c["visits"], c["households_visited"], c["assistance"], c["needs_raised"],
              c["needs_resolved"], c["manual"], c["score"]] for c in view.cadres],
            [c["id"] for c in view.cadres],
            [{9: "amber"} if c["manual"] is None else {} for c in view.cadres])

        first, second = view.half.quarters
        self.star_model.columns[1] = Col(self.tr("{q} 总分").format(q=first), "score")
        self.star_model.columns[2] = Col(self.tr("{q} 总分").format(q=second), "score")
        self.half_label.setText(self.tr("{half}（{first}、{second}）").format(
            half=view.half.label, first=first, second=second))
        self.star_model.set_rows(
            [[r.team_name, r.first, r.second, r.mean, "★" * r.stars + "☆" * (5 - r.stars)]
             for r in view.stars], [r.team_id for r in view.stars],
            [{4: "green" if r.stars >= 4 else "amber" if r.stars <= 2 else ""} for r in view.stars])

    def _show_raw(self, row: int) -> None:
        if self.view is None or not 0 <= row < len(self.view.result.teams):
            self.raw_label.setText("")
            return
        team_id = self.team_model.payload(row)
        t = next(x.indicators for x in self.view.result.teams if x.indicators.team_id == team_id)
        days = f"{t.mean_resolve_days:g}" if t.mean_resolve_days is not None else "—"
        self.raw_label.setText(self.tr(
            "{team}：农户 {households} 户，本季度走访 {visited} 户；十送行动 {actions} 次（{categories} "
            "类）；急难诉求解决 {resolved} 件、季度末未解决 {open} 件，平均 {days} 天；表单按期 "
            "{forms} 户；培训 {trainings} 次；有劳动力的搬迁户 {labour} 户，其中有人稳定就业 "
            "{employed} 户。").format(
                team=t.team_name, households=f"{t.households:,}", visited=f"{t.households_visited:,}",
                actions=t.delivery_actions, categories=t.delivery_categories,
                resolved=t.needs_resolved, open=t.needs_open, days=days,
                forms=f"{t.forms_current:,}", trainings=t.trainings,
                labour=t.relocated_labour_households, employed=t.relocated_employed_households))

    # ------------------------------------------------------------------ actions

    def enter_score(self, kind: str, subject_id: str, value: Any) -> None:
        """Save a manual score typed into a table (empty clears it), then rescore."""
        text = str(value).strip() if value is not None else ""
        try:
            score = float(text) if text else None
            if score is not None and not 0 <= score <= 100:
                raise ValueError
        except ValueError:
            QMessageBox.warning(self, self.tr("督导评分"),
                                self.tr("督导评分应为0到100之间的数，例如 85"))
            return
        self.ctx.tasks.run(set_manual_score, self.ctx.store, self.quarter, subject_id, score, kind,
                           done=lambda _r: self.reload(), failed=self._failed)

    def _failed(self, error: BaseException) -> None:
        QMessageBox.warning(self, self.tr("没有完成"), str(error))

    def export_pdf(self) -> None:
        """Build the assessment PDF into the reports folder and open it."""
        self.pdf_button.setEnabled(False)
        self.status.setText(self.tr("正在生成PDF…"))
        self.ctx.tasks.run(build_pdf, self.ctx.store, self.quarter, done=self._pdf_done,
                           failed=self._pdf_failed)

    def _pdf_done(self, path: Path) -> None:
        self.pdf_button.setEnabled(True)
        self.last_pdf = path
        self.status.setText(self.tr("已生成：{path}").format(path=path))
        if not self.ctx.property("no_external_open"):
            from PySide6.QtCore import QUrl

            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def _pdf_failed(self, error: BaseException) -> None:
        self.pdf_button.setEnabled(True)
        self.status.setText(self.tr("PDF没有生成：{error}").format(error=error))

