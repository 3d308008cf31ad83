"""农户详情: one household's file. The essentials (who, where, type, monitoring, the rule
flags, income against the threshold) sit in the header; the rest in tabs. Basic fields,
the latest year's income and the rights ledger are edited in place, checked as each field
is left, autosaved as a draft, and saved together through the Writer (Ctrl+S)."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import time
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ...domain import catalogues as cat
from ...domain import rules
from ...domain.problems import DomainError
from ...store.drafts import delete_draft, load_draft, save_draft
from ...store.duplicates import merge_history
from ...store.household_detail import household_detail
from ...store.household_edit import SavedEdits, save_household_edits
from ...store.households import first_household_id
from ...store.income import INCOME_FIELDS, IncomeEdit, parse_income_field, preview_per_capita
from ...store.rights import responsible_names
from ...store.urgent_needs import get_urgent_need
from ..context import AppContext
from ..dialogs_urgent import ResolveNeedDialog
from ..models.field_editor import NO, YES, FieldEditor
from ..models.household_table import FLAG_LEVELS
from ..models.records import RecordsModel, records_view
from ..models.rights_table import RightsDelegate, RightsModel
from ..record_widgets import region_catalogue
from ..widgets import accent_button, alert_badge, date_text, empty_state, field_error, money
from .base import Page

DRAFT_KIND = "household"
DRAFT_DELAY_MS = 1000  # autosave typed edits a second after the last change
# Changes to these entities show on this page.
DETAIL_ENTITIES = {"household", "member", "income", "monitoring_event", "rights_item",
                   "visit", "urgent_need", "assistance_record"}
TEXT_FIELDS = ("head_name", "id_number", "phone", "address", "form_updated_on",
               "origin_village", "resettlement_site", "relocation_year", "note")
BOOL_FIELDS = ("relocated", "accident_insured", "relapse_insured")


def _draft_key(household_id: str) -> str:
    return f"household:{household_id}"


def _money_text(value: float | None) -> str:
    """Money as typed into an editor: 9,209.00 (no unit)."""
    return "" if value is None else f"{value:,.2f}"


class HouseholdDetailPage(Page):
    """One household: header with the essentials, tabs for the rest; edits saved together."""

    name = "household"
    drafts_survive_close = True  # typed edits go to a draft, the last ones as the program quits

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.detail: dict[str, Any] | None = None
        self.household_id: str | None = None
        self._requested: str | None = None
        self._stale = False
        self._saving = False
        self._save_started = 0
        self._saved_from: dict[str, int] = {}  # household id → when its last good save began
        self._restoring = False
        self._income_year: int | None = None
        self._income_original: dict[str, str] = {}
        self._names_loaded = False
        self._own_change = False
        self._notice = ""
        self._member_rows = 0
        self._threshold = rules.DEFAULT_OBSERVATION_THRESHOLD

        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        layout.addLayout(self._build_header())
        # Under the name: who and where, then the key figures (each wraps when long).
        self.meta_label = QLabel()
        self.meta_label.setWordWrap(True)
        layout.addWidget(self.meta_label)
        self.facts_label = QLabel()
        self.facts_label.setObjectName("tileLabel")
        self.facts_label.setWordWrap(True)
        layout.addWidget(self.facts_label)
        # 合并记录: duplicates a supervisor merged into this household (shown when any).
        self.merge_label = QLabel()
        self.merge_label.setObjectName("tileLabel")
        self.merge_label.setWordWrap(True)
        self.merge_label.hide()
        layout.addWidget(self.merge_label)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_basic_tab(), self.tr("基本信息"))
        self.members_model = RecordsModel([
            self.tr("姓名"), self.tr("与户主关系"), self.tr("性别"), self.tr("出生日期"),
            self.tr("身份证号"), self.tr("文化程度"), self.tr("健康状况"), self.tr("劳动能力"),
            self.tr("务工就业"), self.tr("技能证书")], parent=self)
        self.members_view = records_view(self.members_model,
                                   {0: 80, 1: 90, 2: 50, 3: 100, 4: 170, 5: 110, 6: 100,
                                    7: 140, 8: 240})
        self.tabs.addTab(self._with_empty(self.members_view, "members_empty"),
                         self.tr("家庭成员"))
        self.tabs.addTab(self._build_income_tab(), self.tr("收入"))
        self.tabs.addTab(self._build_monitoring_tab(), self.tr("监测记录"))
        self.rights_tab = self._build_rights_tab()
        self.tabs.addTab(self.rights_tab, self.tr("权益清单"))
        self.tabs.addTab(self._build_visits_tab(), self.tr("走访"))
        self.assistance_model = RecordsModel([
            self.tr("日期"), self.tr("措施类型"), self.tr("帮扶内容"), self.tr("金额"),
            self.tr("帮扶责任人"), self.tr("状态"), self.tr("结果")], right_aligned=[3],
            parent=self)
        self.assistance_view = records_view(self.assistance_model,
                                      {0: 100, 1: 100, 2: 330, 3: 110, 4: 100, 5: 80})
        self.tabs.addTab(self._with_empty(self.assistance_view, "assistance_empty"),
                         self.tr("帮扶"))
        self._tab_titles = [self.tabs.tabText(i) for i in range(self.tabs.count())]
        # A click on a tab takes the focus: a focused field on the page being hidden would
        # otherwise pass the focus on down the window's chain, to the navigation list.
        self.tabs.tabBar().setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        self.message = empty_state("")
        self.body = QStackedWidget()
        self.body.addWidget(self.tabs)
        self.body.addWidget(self.message)
        layout.addWidget(self.body, 1)

        self.draft_timer = QTimer(self)
        self.draft_timer.setSingleShot(True)
        self.draft_timer.setInterval(DRAFT_DELAY_MS)
        self.draft_timer.timeout.connect(self._save_draft)
        save_shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        save_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save_shortcut.activated.connect(self.save)
        ctx.sig_data_changed.connect(self._data_changed)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self._save_draft_at_exit)
        self._update_state()

    # ------------------------------------------------------------------ building

    def _build_header(self) -> QHBoxLayout:
        head = QHBoxLayout()
        self.name_label = QLabel()
        self.name_label.setObjectName("pageTitle")
        head.addWidget(self.name_label)
        # What needs action, as red/amber words, right after the name.
        self.badges = QHBoxLayout()
        self.badges.setSpacing(4)
        head.addSpacing(6)
        head.addLayout(self.badges)
        head.addStretch(1)
        self.state_label = QLabel()
        head.addWidget(self.state_label)
        self.back_button = QPushButton(self.tr("返回列表"))
        self.back_button.clicked.connect(lambda: self.ctx.navigate("households"))
        head.addWidget(self.back_button)
        self.discard_button = QPushButton(self.tr("放弃修改"))
        self.discard_button.clicked.connect(self.discard_changes)
        head.addWidget(self.discard_button)
        self.save_button = accent_button(self.tr("保存"))
        self.save_button.setToolTip(self.tr("保存修改（Ctrl+S）"))
        # Nothing to save: a paler button, so an enabled one means there is.
        self.save_button.setStyleSheet(
            "QPushButton:disabled { background: #a9c1ea; border-color: #a9c1ea; color: #f4f7fc; }")
        self.save_button.clicked.connect(self.save)
        head.addWidget(self.save_button)
        return head

    def _with_empty(self, view: QWidget, attr: str) -> QStackedWidget:
        stack = QStackedWidget()
        stack.addWidget(view)
        label = empty_state("")
        stack.addWidget(label)
        setattr(self, attr, label)
        return stack

    def _build_basic_tab(self) -> QWidget:
        tab = QWidget()
        grid = QGridLayout(tab)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)
        self.fields: dict[str, FieldEditor] = {}
        labels = {
            "head_name": self.tr("户主姓名"), "id_number": self.tr("身份证号"),
            "phone": self.tr("联系电话"), "address": self.tr("家庭住址"),
            "form_updated_on": self.tr("信息更新日期"), "type": self.tr("户类型"),
            "monitoring_status": self.tr("监测状态"), "risk_kind": self.tr("风险类型"),
            "relocated": self.tr("易地搬迁"), "origin_village": self.tr("迁出地"),
            "resettlement_site": self.tr("安置点"), "relocation_year": self.tr("搬迁年份"),
            "accident_insured": self.tr("意外险"), "relapse_insured": self.tr("防返贫保险"),
            "note": self.tr("备注"),
        }
        for name in TEXT_FIELDS:
            edit = QLineEdit()
            self.fields[name] = FieldEditor(name, edit)
            edit.textEdited.connect(lambda _t: self._edited())
            edit.textEdited.connect(lambda _t, n=name: self.fields[n].recheck(self.ctx.lang))
            edit.editingFinished.connect(lambda n=name: self.check_field(n))
        self.fields["id_number"].widget.setMaxLength(18)
        self.fields["form_updated_on"].widget.setPlaceholderText("2026-11-29")
        self.fields["relocation_year"].widget.setPlaceholderText(self.tr("如 2018"))
        for name, catalogue, empty in (
                ("type", cat.HOUSEHOLD_TYPES, None),
                ("monitoring_status", cat.MONITORING_STATUSES, None),
                ("risk_kind", cat.RISK_KINDS, self.tr("无"))):
            box = QComboBox()
            if empty is not None:
                box.addItem(empty, "")
            for entry in catalogue:
                box.addItem(entry.label(self.ctx.lang), entry.code)
            box.currentIndexChanged.connect(lambda _i: self._edited())
            self.fields[name] = FieldEditor(name, box)
        for name in BOOL_FIELDS:
            box = QCheckBox(self.tr("是"))
            box.toggled.connect(lambda _on: self._edited())
            self.fields[name] = FieldEditor(name, box)

        today_button = QPushButton(self.tr("设为今天"))
        today_button.setToolTip(self.tr("刚核实过这户的信息：把信息更新日期设为今天"))
        today_button.clicked.connect(self._form_updated_today)
        # (row, column, field, column span); three label+field pairs per row.
        placement = [
            (0, 0, "head_name", 1), (0, 1, "id_number", 1), (0, 2, "phone", 1),
            (1, 0, "address", 2), (1, 2, "form_updated_on", 1),
            (2, 0, "type", 1), (2, 1, "monitoring_status", 1), (2, 2, "risk_kind", 1),
            (3, 0, "relocated", 1), (3, 1, "origin_village", 1), (3, 2, "resettlement_site", 1),
            (4, 0, "relocation_year", 1), (4, 1, "accident_insured", 1),
            (4, 2, "relapse_insured", 1),
            (5, 0, "note", 3),
        ]
        for row, column, name, span in placement:
            editor = self.fields[name]
            label = QLabel(labels[name])
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            label.setBuddy(editor.widget)
            grid.addWidget(label, row * 2, column * 2)
            cell: QWidget = editor.widget
            if name == "form_updated_on":
                cell = QWidget()
                line = QHBoxLayout(cell)
                line.setContentsMargins(0, 0, 0, 0)
                line.addWidget(editor.widget, 1)
                line.addWidget(today_button)
            grid.addWidget(cell, row * 2, column * 2 + 1, 1, span * 2 - 1)
            grid.addWidget(editor.error, row * 2 + 1, column * 2 + 1, 1, span * 2 - 1)
        for column in (1, 3, 5):
            grid.setColumnStretch(column, 1)
        grid.setRowStretch(12, 1)
        # Tab follows reading order: left to right, then down.
        order = [self.fields[name].widget for _r, _c, name, _s in placement]
        order.insert(order.index(self.fields["form_updated_on"].widget) + 1, today_button)
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)
        return tab

    def _build_income_tab(self) -> QWidget:
        tab = QWidget()
        outer = QVBoxLayout(tab)
        row = QHBoxLayout()
        form = QGridLayout()
        form.setVerticalSpacing(2)
        self.income_year_label = QLabel()
        self.income_year_label.setObjectName("tileLabel")
        form.addWidget(self.income_year_label, 0, 0, 1, 4)
        labels = {
            "wage": self.tr("工资性收入（元）"), "operating": self.tr("经营净收入（元）"),
            "property": self.tr("财产净收入（元）"), "transfer": self.tr("转移净收入（元）"),
            "costs": self.tr("生产经营费用（元）"), "members": self.tr("家庭人口（人）"),
        }
        self.income_edits: dict[str, QLineEdit] = {}
        self.income_errors: dict[str, QLabel] = {}
        for i, name in enumerate(INCOME_FIELDS):
            edit = QLineEdit()
            edit.setAlignment(Qt.AlignmentFlag.AlignRight)
            edit.textChanged.connect(self._income_typed)
            edit.textEdited.connect(lambda _t: self._edited())
            edit.editingFinished.connect(lambda n=name: self.check_income_field(n))
            error = field_error()
            self.income_edits[name] = edit
            self.income_errors[name] = error
            r, c = 1 + (i // 2) * 2, (i % 2) * 2
            label = QLabel(labels[name])
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            label.setBuddy(edit)
            form.addWidget(label, r, c)
            form.addWidget(edit, r, c + 1)
            form.addWidget(error, r + 1, c + 1)
        form.setColumnStretch(1, 1)
        form.setColumnStretch(3, 1)
        row.addLayout(form, 3)

        result = QFrame()
        result.setObjectName("tile")
        box = QVBoxLayout(result)
        caption = QLabel(self.tr("人均纯收入"))
        caption.setObjectName("tileLabel")
        box.addWidget(caption)
        figure = QHBoxLayout()
        self.per_capita_label = QLabel()
        self.per_capita_label.setObjectName("tileValue")
        figure.addWidget(self.per_capita_label)
        self.below_badge = alert_badge(self.tr("低于标准"), "red")
        figure.addWidget(self.below_badge)
        figure.addStretch(1)
        box.addLayout(figure)
        self.threshold_label = QLabel()
        self.threshold_label.setObjectName("tileLabel")
        self.threshold_label.setWordWrap(True)
        box.addWidget(self.threshold_label)
        row.addWidget(result, 2)
        outer.addLayout(row)

        history = QLabel(self.tr("历年收入"))
        history.setObjectName("tileLabel")
        outer.addWidget(history)
        self.income_model = RecordsModel([
            self.tr("年度"), self.tr("工资性收入"), self.tr("经营净收入"), self.tr("财产净收入"),
            self.tr("转移净收入"), self.tr("生产经营费用"), self.tr("人口"),
            self.tr("人均纯收入"), self.tr("提示")],
            right_aligned=[1, 2, 3, 4, 5, 6, 7], badge_column=8, parent=self)
        view = records_view(self.income_model, {0: 60, 1: 120, 2: 120, 3: 120, 4: 120, 5: 120,
                                          6: 60, 7: 130})
        outer.addWidget(view, 1)
        return tab

    def _build_monitoring_tab(self) -> QWidget:
        tab = QWidget()
        box = QVBoxLayout(tab)
        self.monitoring_label = QLabel()
        self.monitoring_label.setWordWrap(True)
        box.addWidget(self.monitoring_label)
        self.monitoring_model = RecordsModel([
            self.tr("日期"), self.tr("监测状态"), self.tr("风险类型"), self.tr("原因")],
            parent=self)
        view = records_view(self.monitoring_model, {0: 110, 1: 110, 2: 150})
        box.addWidget(self._with_empty(view, "monitoring_empty"), 1)
        return tab

    def _build_rights_tab(self) -> QWidget:
        tab = QWidget()
        box = QVBoxLayout(tab)
        line = QHBoxLayout()
        self.rights_summary = QLabel()
        line.addWidget(self.rights_summary)
        self.rights_alert = alert_badge("", "red")
        line.addWidget(self.rights_alert)
        line.addStretch(1)
        hint = QLabel(self.tr("双击状态、责任人或备注即可修改"))
        hint.setObjectName("tileLabel")
        line.addWidget(hint)
        box.addLayout(line)
        self.rights_model = RightsModel(self.ctx.lang, self)
        self.rights_model.sig_edited.connect(self._rights_edited)
        self.rights_view = records_view(self.rights_model, {0: 330, 1: 80, 2: 100, 3: 110, 4: 260})
        self.rights_view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.rights_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.rights_delegate = RightsDelegate((), self.ctx.lang, self.rights_view)
        self.rights_view.setItemDelegate(self.rights_delegate)
        self.rights_view.verticalHeader().setDefaultSectionSize(26)
        box.addWidget(self.rights_view, 1)
        return tab

    def _build_visits_tab(self) -> QWidget:
        tab = QWidget()
        box = QVBoxLayout(tab)
        line = QHBoxLayout()
        self.visits_summary = QLabel()
        line.addWidget(self.visits_summary)
        line.addStretch(1)
        self.new_visit_button = QPushButton(self.tr("记录走访"))
        self.new_visit_button.clicked.connect(
            lambda: self.ctx.navigate("visit", household=self.household_id))
        line.addWidget(self.new_visit_button)
        # An open urgent need can be resolved from the household as well as from the log.
        self.resolve_button = QPushButton(self.tr("解决急难愁盼…"))
        self.resolve_button.setEnabled(False)
        self.resolve_button.clicked.connect(self._resolve_selected_need)
        line.addWidget(self.resolve_button)
        box.addLayout(line)
        self._visit_open_needs: list[list[str]] = []  # per visit row: ids of open needs
        self.visits_model = RecordsModel([
            self.tr("日期"), self.tr("走访人"), self.tr("走访目的"), self.tr("发现的情况"),
            self.tr("急难愁盼"), self.tr("提示")], badge_column=5, parent=self)
        self.visits_view = records_view(self.visits_model, {0: 100, 1: 120, 2: 200, 3: 300, 4: 300})
        self.visits_view.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.resolve_button.setEnabled(
                0 <= current.row() < len(self._visit_open_needs)
                and bool(self._visit_open_needs[current.row()])))
        box.addWidget(self._with_empty(self.visits_view, "visits_empty"), 1)
        return tab

    def _resolve_selected_need(self) -> None:
        row = self.visits_view.currentIndex().row()
        if not 0 <= row < len(self._visit_open_needs) or not self._visit_open_needs[row]:
            return
        need_id = self._visit_open_needs[row][0]
        self.ctx.tasks.run(get_urgent_need, self.ctx.store, need_id, lang=self.ctx.lang,
                           done=self._open_resolve_dialog)

    def _open_resolve_dialog(self, need: dict[str, Any]) -> None:
        if not isValid(self):
            return
        dialog = ResolveNeedDialog(self.ctx, need, parent=self)
        dialog.sig_resolved.connect(lambda _need: self.load(self.household_id))
        dialog.open()

    def title(self) -> str:
        return self.tr("农户详情")

    # ------------------------------------------------------------------ loading

    def activate(self, **params: Any) -> None:
        """Show the household ``household`` (id or number); without one, the household
        already shown, else the first of the list by number."""
        if not self._names_loaded:
            self.ctx.tasks.run(responsible_names, self.ctx.store, done=self._fill_names)
        # The first field takes the focus now, before the window is activated: otherwise
        # the navigation list would take it and jump to its first page.
        self.fields["head_name"].widget.setFocus()
        key = params.get("household")
        if key:
            key = str(key)
            if key in (self.household_id, (self.detail or {}).get("number")) and not self._stale:
                return
            self.load(key)
        elif self.household_id is None:
            self._show_message(self.tr("正在读取…"))
            self.ctx.tasks.run(first_household_id, self.ctx.store, done=self._first_found,
                               failed=self._load_failed)
        elif self._stale:
            self.load(self.household_id)

    def _first_found(self, household_id: str | None) -> None:
        if household_id is None:
            self._show_message(self.tr("还没有农户档案。\n请到“同步”页导入工作队的数据包。"))
            return
        self.load(household_id)

    def load(self, key: str) -> None:
        """Read the household ``key`` (id or number) off the GUI thread and show it."""
        self._requested = key
        self._stale = False
        self.state_label.setText(self.tr("正在读取…"))
        self.ctx.tasks.run(household_detail, self.ctx.store, key, full_id=True,
                           period_days=self.ctx.app_settings.form_period_days,
                           done=lambda detail, k=key: self._loaded(k, detail),
                           failed=self._load_failed)

    def _load_failed(self, exc: BaseException) -> None:
        if isinstance(exc, DomainError):
            text = self.tr("{problem}。\n请到“农户档案”页查找这户。").format(
                problem=exc.message(self.ctx.lang))
        else:
            text = self.tr("读取农户档案失败，请稍后重试。")
        self.detail = None
        self.household_id = None
        self._show_message(text)
        self._update_state()

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.body.setCurrentWidget(self.message)
        self.name_label.setText(self.tr("农户详情"))
        self.meta_label.setText("")
        self.facts_label.setText("")
        self.state_label.setText("")
        self._set_badges([])

    def _loaded(self, key: str, detail: dict[str, Any]) -> None:
        if key != self._requested:
            return  # another household was asked for meanwhile
        changed_household = detail["id"] != self.household_id
        self.detail = detail
        self.household_id = detail["id"]
        self.body.setCurrentWidget(self.tabs)
        self._fill_header(detail)
        self._fill_basic(detail)
        self._fill_members(detail)
        self._fill_income(detail)
        self._fill_monitoring(detail)
        self._fill_rights(detail)
        self._fill_visits(detail)
        self._fill_assistance(detail)
        if changed_household:
            self.show_tab(0)
            self.fields["head_name"].widget.setFocus()
        self._say(self._notice, None)  # e.g. 已保存, kept across the reload after a save
        self._notice = ""
        self._update_state()
        household_id = detail["id"]
        self.ctx.tasks.run(load_draft, self.ctx.store, _draft_key(household_id),
                           done=lambda draft: self._restore_draft(household_id, draft))
        self.ctx.tasks.run(merge_history, self.ctx.store, household_id,
                           done=lambda merges: self._fill_merges(household_id, merges))

    def _fill_merges(self, household_id: str, merges: list[dict[str, Any]]) -> None:
        if household_id != self.household_id:
            return
        lines = [self.tr("合并记录：{when} {who} 把 {merged} 合并到本户").format(
            when=str(m["merged_at"])[:10], who=m["merged_by"] or self.tr("督导"),
            merged=m["merged_label"]) for m in merges if m["kept_id"] == household_id]
        self.merge_label.setText("\n".join(lines))
        self.merge_label.setVisible(bool(lines))

    def _fill_names(self, names: list[str]) -> None:
        self._names_loaded = True
        self.rights_delegate.names = names

    def _fill_header(self, d: dict[str, Any]) -> None:
        lang = self.ctx.lang
        self.name_label.setText(d["head_name"])
        place = " ".join(p for p in (d["village_name"], d["grid_name"]) if p)
        status = cat.MONITORING_STATUSES.label(d["monitoring_status"], lang)
        if d["risk_kind"]:
            status += f"（{cat.RISK_KINDS.label(d['risk_kind'], lang)}）"
        meta = [self.tr("户编号 {number}").format(number=d["number"]), place,
                cat.HOUSEHOLD_TYPES.label(d["type"], lang),
                self.tr("监测状态：{status}").format(status=status)]
        if d["phone"]:
            meta.append(self.tr("电话 {phone}").format(phone=d["phone"]))
        if d["relocated"]:
            year = self.tr("{year}年").format(year=d["relocation_year"]) \
                if d["relocation_year"] else ""
            meta.append(self.tr("易地搬迁：{year}自{origin}迁入{site}").format(
                year=year, origin=d["origin_village"] or "—", site=d["resettlement_site"] or "—"))
        self.meta_label.setText(" · ".join(meta))
        badges = [(rules.FLAG_LABELS[f][1 if lang == "en" else 0], FLAG_LEVELS[f])
                  for f in d["flags"]]
        dangling = sum(1 for r in d["rights"] if r["missing"] or r["unassigned"])
        if dangling:
            badges.append((self.tr("权益悬空 {n} 项").format(n=dangling), "red"))
        open_needs = sum(1 for v in d["visits"] for n in v["urgent_needs"]
                         if n["status"] != "resolved")
        if open_needs:
            # %n: English needs the plural ("1 urgent need open"); Chinese has none.
            badges.append((self.tr("急难愁盼 %n 件未解决", "", open_needs), "amber"))
        self._set_badges(badges)

        parts = [self.tr("人口 %n 人", "", d["member_count"] or len(d["members"]))]
        if d["per_capita_income"] is not None:
            parts.append(self.tr("人均纯收入 {income}（{year}年，标准 {threshold}）").format(
                income=money(d["per_capita_income"]), year=d["income_year"],
                threshold=money(d["threshold"])))
        else:
            parts.append(self.tr("人均纯收入 未填写"))
        if d["industries"]:
            parts.append(self.tr("产业 {list}").format(list="、".join(
                f"{region_catalogue(cat.INDUSTRIES).label(i['industry'], self.ctx.lang)}"
                + (f"（{i['scale']}）" if i["scale"] else "") for i in d["industries"])))
        parts.append(self.tr("信息更新 {date}").format(
            date=date_text(d["form_updated_on"]) or self.tr("从未")))
        self.facts_label.setText("　".join(parts))

    def _set_badges(self, badges: list[tuple[str, str]]) -> None:
        while self.badges.count():
            item = self.badges.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for word, level in badges:
            self.badges.addWidget(alert_badge(word, level), 0, Qt.AlignmentFlag.AlignVCenter)

    def _fill_basic(self, d: dict[str, Any]) -> None:
        for name, editor in self.fields.items():
            value = d.get(name)
            if name in BOOL_FIELDS:
                text = YES if value else NO
            elif value is None:
                text = ""
            else:
                text = str(value)
            editor.load(text)

    def _fill_members(self, d: dict[str, Any]) -> None:
        lang = self.ctx.lang
        rows = []
        for m in d["members"]:
            work = ""
            if m["employed"]:
                work = " ".join(p for p in (m["employment_place"], m["employment_sector"]) if p)
                if m["employment_months"]:
                    work += self.tr(" {n}个月").format(n=m["employment_months"])
                if m["employment_stable"]:
                    work += self.tr("（稳定）")
            rows.append((
                m["name"], cat.RELATIONS.label(m["relation"], lang),
                cat.SEXES.label(m["sex"], lang), date_text(m["birth_date"]),
                m["id_number_masked"], cat.EDUCATION_LEVELS.label(m["education"], lang),
                cat.HEALTH_STATES.label(m["health"], lang),
                cat.LABOUR_CAPACITIES.label(m["labour_capacity"], lang), work,
                "、".join(p for p in (m["certificates"], m["skills"]) if p)))
        self.members_model.set_rows(rows)
        self.members_empty.setText(self.tr("还没有登记家庭成员。"))
        self.members_view.parentWidget().setCurrentIndex(0 if rows else 1)
        self._set_tab_count(1, len(rows))

    def _fill_income(self, d: dict[str, Any]) -> None:
        incomes = d["income"]
        latest = incomes[-1] if incomes else None
        self._member_rows = len(d["members"])
        self._threshold = latest["threshold"] if latest else d["threshold"]
        if latest:
            self._income_year = latest["year"]
            self.income_year_label.setText(self.tr("{year} 年收入（最近一年，可直接修改）").format(
                year=latest["year"]))
            texts = {n: _money_text(latest[n]) for n in INCOME_FIELDS if n != "members"}
            texts["members"] = str(latest["members"]) if latest["members"] else ""
        else:
            self._income_year = dt.date.today().year - 1
            self.income_year_label.setText(self.tr(
                "还没有收入记录：填写 {year} 年的收入后保存即可新建").format(year=self._income_year))
            texts = dict.fromkeys(INCOME_FIELDS, "")
        self._income_original = texts
        self.income_edits["members"].setPlaceholderText(
            self.tr("按成员计 {n} 人").format(n=self._member_rows))
        for name, edit in self.income_edits.items():
            edit.blockSignals(True)
            edit.setText(texts[name])
            edit.blockSignals(False)
            self._show_income_problem(name, None)
        self._income_typed()
        below = self.tr("低于标准")
        rows, badges = [], []
        for inc in reversed(incomes):  # newest first
            rows.append((str(inc["year"]), *(money(inc[n]) for n in
                                             ("wage", "operating", "property", "transfer",
                                              "costs")),
                         str(inc["members"] or self._member_rows),
                         money(inc["per_capita_income"]),
                         below if _below(inc["per_capita_income"], inc["threshold"]) else ""))
            badges.append([(below, "red")] if _below(inc["per_capita_income"],
                                                     inc["threshold"]) else [])
        self.income_model.set_rows(rows, badges)

    def _fill_monitoring(self, d: dict[str, Any]) -> None:
        lang = self.ctx.lang
        text = self.tr("当前监测状态：{status}").format(
            status=cat.MONITORING_STATUSES.label(d["monitoring_status"], lang))
        if d["risk_kind"]:
            text += self.tr("　风险类型：{kind}").format(kind=cat.RISK_KINDS.label(d["risk_kind"], lang))
        if d["monitoring_since"]:
            text += self.tr("　纳入监测：{date}").format(date=date_text(d["monitoring_since"]))
        if d["risk_removed_on"]:
            text += self.tr("　风险消除：{date} {reason}").format(
                date=date_text(d["risk_removed_on"]), reason=d["risk_removed_reason"])
        self.monitoring_label.setText(text)
        rows = [(date_text(e["event_date"]), cat.MONITORING_STATUSES.label(e["status"], lang),
                 cat.RISK_KINDS.label(e["risk_kind"], lang), e["reason"])
                for e in reversed(d["monitoring_history"])]  # newest first
        self.monitoring_model.set_rows(rows)
        self.monitoring_empty.setText(self.tr(
            "没有监测记录：这户未纳入防返贫监测。\n纳入时在“基本信息”中修改监测状态和风险类型。"))
        self.monitoring_empty.parentWidget().setCurrentIndex(0 if rows else 1)
        self._set_tab_count(3, len(rows))

    def _fill_rights(self, d: dict[str, Any]) -> None:
        index = self.tabs.indexOf(self.rights_tab)
        self.tabs.setTabVisible(index, bool(d["relocated"]))
        self.rights_model.set_ledger(d["rights"])
        self._rights_summary()

    def _rights_summary(self) -> None:
        counts = self.rights_model.summary()
        self.rights_summary.setText(self.tr(
            "共 {total} 项：保障到位 {secured} 项，办理中 {progress} 项，有问题 {problem} 项").format(
                total=self.rights_model.rowCount(), secured=counts["secured"],
                progress=counts["in_progress"], problem=counts["problem"]))
        self.rights_alert.setText(self.tr("权益悬空 {n} 项").format(n=counts["dangling"]))
        self.rights_alert.setVisible(counts["dangling"] > 0)

    def _fill_visits(self, d: dict[str, Any]) -> None:
        lang = self.ctx.lang
        rows, badges = [], []
        open_needs = 0
        self._visit_open_needs = [
            [n["id"] for n in v["urgent_needs"] if n["status"] != "resolved"] for v in d["visits"]]
        self.resolve_button.setEnabled(False)
        for v in d["visits"]:  # newest first (the store orders them)
            needs = []
            words = []
            for n in v["urgent_needs"]:
                status = cat.URGENT_NEED_STATUSES.label(n["status"], lang)
                needs.append(f"{cat.URGENT_NEED_CATEGORIES.label(n['category'], lang)}："
                             f"{n['text']}（{status}）")
                if n["status"] != "resolved":
                    open_needs += 1
                    words.append((status, "red" if n["status"] == "open" else "amber"))
            rows.append((date_text(v["visit_date"]), "、".join(v["visitors"]), v["purpose"],
                         v["findings"], "；".join(needs), "、".join(w for w, _l in words)))
            badges.append(words)
        self.visits_model.set_rows(rows, badges)
        self.visits_summary.setText(self.tr("最近 {n} 次走访，未解决的急难愁盼 {open} 件").format(
            n=len(rows), open=open_needs) if rows else "")
        self.visits_empty.setText(self.tr("还没有走访记录，点右上角“记录走访”新建。"))
        self.visits_empty.parentWidget().setCurrentIndex(0 if rows else 1)
        self._set_tab_count(5, len(rows))

    def _fill_assistance(self, d: dict[str, Any]) -> None:
        lang = self.ctx.lang
        rows = [(date_text(a["record_date"]), cat.MEASURE_KINDS.label(a["measure_kind"], lang),
                 a["content"], money(a["amount"]) if a["amount"] else "",
                 a["cadre_name"] or "", cat.ASSISTANCE_STATUSES.label(a["status"], lang),
                 a["result"]) for a in d["assistance"]]
        self.assistance_model.set_rows(rows)
        self.assistance_empty.setText(self.tr("还没有帮扶记录，可到“帮扶记录”页新建。"))
        self.assistance_empty.parentWidget().setCurrentIndex(0 if rows else 1)
        self._set_tab_count(6, len(rows))

    def show_tab(self, index: int) -> None:
        """Switch to tab ``index`` (the tab bar holds the focus while pages swap)."""
        if self.tabs.currentIndex() != index:
            self.tabs.tabBar().setFocus()
            self.tabs.setCurrentIndex(index)

    def _set_tab_count(self, index: int, count: int) -> None:
        title = self._tab_titles[index]
        # Full-width brackets in Chinese, "Members (3)" in English: the words are translated.
        self.tabs.setTabText(index, self.tr("{title}（{count}）").format(title=title, count=count)
                             if count else title)

    # ------------------------------------------------------------------ editing

    def check_field(self, name: str) -> bool:
        """Check one basic field (as it is left); shows its message. True if valid."""
        editor = self.fields[name]
        message = editor.problem(self.ctx.lang)
        editor.show_problem(message)
        return message is None

    def check_income_field(self, name: str) -> bool:
        """Check one income field (as it is left); shows its message. True if valid."""
        try:
            parse_income_field(name, self.income_edits[name].text())
        except DomainError as exc:
            self._show_income_problem(name, exc.message(self.ctx.lang))
            return False
        self._show_income_problem(name, None)
        return True

    def _show_income_problem(self, name: str, message: str | None) -> None:
        error, edit = self.income_errors[name], self.income_edits[name]
        error.setText(message or "")
        error.setVisible(bool(message))
        edit.setProperty("invalid", bool(message))
        edit.style().unpolish(edit)
        edit.style().polish(edit)

    def _income_texts(self) -> dict[str, str]:
        return {name: edit.text() for name, edit in self.income_edits.items()}

    def _income_typed(self) -> None:
        """Recompute per-capita net income as the cadre types."""
        value = preview_per_capita(self._income_texts(), self._member_rows)
        threshold = self._threshold
        self.per_capita_label.setText(money(value) if value is not None else "—")
        self.below_badge.setVisible(_below(value, threshold))
        text = self.tr("= (四项收入合计 − 生产经营费用) ÷ 家庭人口\n观测对象标准：{threshold}").format(
            threshold=money(threshold))
        if value is None and self._income_has_problem():
            text = self.tr("改正标红的数字后即可算出。") + "\n" + text
        self.threshold_label.setText(text)

    def _income_has_problem(self) -> bool:
        for name, edit in self.income_edits.items():
            try:
                parse_income_field(name, edit.text())
            except DomainError:
                return True
        return False

    def per_capita_preview(self) -> float | None:
        """The per-capita net income the income tab shows now."""
        return preview_per_capita(self._income_texts(), self._member_rows)

    def _income_dirty(self) -> bool:
        for name, edit in self.income_edits.items():
            now, before = edit.text(), self._income_original.get(name, "")
            if now == before:
                continue
            try:
                if parse_income_field(name, now) == parse_income_field(name, before):
                    continue
            except DomainError:
                pass
            return True
        return False

    def _form_updated_today(self) -> None:
        editor = self.fields["form_updated_on"]
        editor.set_text(dt.date.today().isoformat())
        self.check_field("form_updated_on")
        self._edited()

    def _rights_edited(self) -> None:
        self._rights_summary()
        self._edited()

    def _edited(self) -> None:
        if self._restoring:
            return
        self._update_state()
        if self.household_id:
            self.draft_timer.start()

    def has_unsaved_changes(self) -> bool:
        if self.detail is None:
            return False
        return (any(f.is_dirty() for f in self.fields.values()) or self._income_dirty()
                or bool(self.rights_model.edits()))

    def _update_state(self) -> None:
        dirty = self.has_unsaved_changes()
        self.save_button.setEnabled(dirty and not self._saving)
        self.discard_button.setVisible(dirty)
        if dirty and not self._saving:
            self.state_label.setProperty("alert", "amber")
            self.state_label.setText(self.tr("有未保存的修改"))
        elif self.state_label.property("alert") == "amber":
            self.state_label.setProperty("alert", None)
            self.state_label.setText("")
        self.state_label.style().unpolish(self.state_label)
        self.state_label.style().polish(self.state_label)

    def discard_changes(self) -> None:
        """Put back what was loaded and forget the draft."""
        if self.detail is None:
            return
        self._restoring = True
        for editor in self.fields.values():
            editor.load(editor.original)
        for name, edit in self.income_edits.items():
            edit.setText(self._income_original.get(name, ""))
            self._show_income_problem(name, None)
        self.rights_model.discard()
        self._restoring = False
        self.draft_timer.stop()
        if self.household_id:
            self.ctx.tasks.run(delete_draft, self.ctx.store, _draft_key(self.household_id))
        self._update_state()

    # ------------------------------------------------------------------ drafts

    def _draft_data(self) -> dict[str, Any]:
        return {
            # When the edits were captured: a draft captured before the last save began is
            # stale (its save may land after the save's own clean-up, on another thread).
            "captured": time.monotonic_ns(),
            "fields": {n: f.text() for n, f in self.fields.items() if f.is_dirty()},
            "income": {"year": self._income_year, "texts": self._income_texts()}
            if self._income_dirty() else None,
            "rights": self.rights_model.edited_values(),
        }

    def _save_draft(self) -> None:
        self.draft_timer.stop()
        if not self.household_id:
            return
        key = _draft_key(self.household_id)
        if self.has_unsaved_changes():
            self.ctx.tasks.run(save_draft, self.ctx.store, key, DRAFT_KIND, self._draft_data())
        else:
            self.ctx.tasks.run(delete_draft, self.ctx.store, key)

    def _save_draft_at_exit(self) -> None:
        # Quitting: no GUI left to freeze, and a task started now might not finish before
        # the store closes, so the last seconds of typing are written here and now.
        if not isValid(self) or not self.household_id or not self.has_unsaved_changes() \
                or self._saving:
            return
        with contextlib.suppress(Exception):  # quitting: nobody is left to tell
            save_draft(self.ctx.store, _draft_key(self.household_id), DRAFT_KIND,
                       self._draft_data())

    def hideEvent(self, event: QHideEvent) -> None:
        if self.draft_timer.isActive():
            self._save_draft()  # leaving the page: keep the last second of typing too
        super().hideEvent(event)

    def _restore_draft(self, household_id: str, draft: dict[str, Any] | None) -> None:
        if not draft or household_id != self.household_id or self.has_unsaved_changes():
            return
        if int(draft.get("captured") or 0) <= self._saved_from.get(household_id, -1):
            # Typed before a save that has since succeeded: not unsaved any more; its write
            # outran the save's clean-up, so clean up again.
            self.ctx.tasks.run(delete_draft, self.ctx.store, _draft_key(household_id))
            return
        self._restoring = True
        for name, text in (draft.get("fields") or {}).items():
            if name in self.fields:
                self.fields[name].set_text(text)
                self.check_field(name)
        income = draft.get("income")
        if income and income.get("year") == self._income_year:
            for name, text in income["texts"].items():
                if name in self.income_edits:
                    self.income_edits[name].setText(text)
                    self.check_income_field(name)
        self.rights_model.restore({k: tuple(v) for k, v in (draft.get("rights") or {}).items()})
        self._restoring = False
        self._rights_summary()
        self._update_state()
        if self.has_unsaved_changes():
            self.state_label.setProperty("alert", "amber")
            self.state_label.setText(self.tr("已恢复上次未保存的修改，请保存或放弃"))

    # ------------------------------------------------------------------ saving

    def problems(self) -> list[str]:
        """Names of the fields that are wrong now (each shows its message)."""
        wrong = [n for n, f in self.fields.items() if f.is_dirty() and not self.check_field(n)]
        if self._income_dirty():
            wrong += [n for n in INCOME_FIELDS if not self.check_income_field(n)]
        return wrong

    def save(self) -> None:
        """Save every change of this household at once; nothing if any field is wrong."""
        if self.detail is None or self._saving:
            return
        wrong = self.problems()
        if wrong:
            self._say(self.tr("有 {n} 处填写有误，改正后再保存").format(n=len(wrong)), "red")
            first = wrong[0]
            if first in self.fields:
                self.show_tab(0)
                self.fields[first].widget.setFocus()
            else:
                self.show_tab(2)
                self.income_edits[first].setFocus()
            return
        changed = {n: f.text() for n, f in self.fields.items() if f.is_dirty()}
        income = IncomeEdit(self._income_year or dt.date.today().year - 1,
                            self._income_texts()) if self._income_dirty() else None
        rights = self.rights_model.edits()
        if not (changed or income or rights):
            self._say(self.tr("没有需要保存的修改"), None)
            return
        self._saving = True
        self._update_state()
        self._say(self.tr("正在保存…"), None)
        self.draft_timer.stop()
        household_id = self.household_id
        self._save_started = time.monotonic_ns()
        self.ctx.tasks.run(save_household_edits, self.ctx.store, household_id, changed, income,
                           rights, done=self._saved, failed=self._save_failed)

    def _say(self, text: str, level: str | None) -> None:
        self.state_label.setProperty("alert", level)
        self.state_label.setText(text)
        self.state_label.style().unpolish(self.state_label)
        self.state_label.style().polish(self.state_label)

    def _saved(self, saved: SavedEdits) -> None:
        self._saving = False
        # Drafts captured before this save are stale, whichever thread writes or reads them
        # last (the mouse-speed save found in a walkthrough restored the refused value).
        self._saved_from[saved.household_id] = self._save_started
        self.ctx.tasks.run(delete_draft, self.ctx.store, _draft_key(saved.household_id))
        # What was typed is now what is stored: the page is clean until reloaded.
        for editor in self.fields.values():
            editor.original = editor.text()
        self._income_original = self._income_texts()
        self._own_change = True  # this page reloads itself below
        try:
            self.ctx.data_changed(*(saved.entities or {"household"}))
        finally:
            self._own_change = False
        self._notice = self.tr("已保存")
        self.load(saved.household_id)

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        self._update_state()
        if isinstance(exc, DomainError):
            name = exc.field_name or ""
            if name in self.fields:
                self.fields[name].show_problem(exc.message(self.ctx.lang))
            self._say(exc.message(self.ctx.lang), "red")
        else:
            self._say(self.tr("保存失败，数据没有改动，请再试一次"), "red")

    def _data_changed(self, entities: set[str]) -> None:
        if self._own_change or not entities & DETAIL_ENTITIES or self.household_id is None:
            return
        if self.isVisible() and not self.has_unsaved_changes():
            self.load(self.household_id)
        else:
            self._stale = True


def _below(value: float | None, threshold: float) -> bool:
    return value is not None and value < threshold

