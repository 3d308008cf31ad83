"""记录走访: log a visit quickly with the keyboard alone.

Tab runs through the form in reading order (农户 → 日期 → 时间 → 事由 → 发现情况 → 急难愁盼 →
措施 → 回访日期 → 走访干部 → 照片); Enter in the urgent-need text adds the need; Ctrl+S saves
and clears the form for the next visit; Ctrl+N starts a new one. What is typed is autosaved
as a draft (``visit:new``) and comes back when the page is opened again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
from typing import Any, NamedTuple

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import (
    QKeySequence,
    QShortcut,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ...domain import catalogues as cat
from ...domain.fields import parse_time
from ...domain.problems import DomainError
from ...store import Store
from ...store.drafts import delete_draft, load_draft, save_draft
from ...store.visits import EARLY_CODES, UrgentNeedInput, VisitInput, add_visit
from ..context import AppContext
from ..photo_strip import SETTINGS_PHOTO_DIR as SETTINGS_PHOTO_DIR  # where photos were last chosen
from ..photo_strip import PhotoStrip
from ..pickers import CadrePicker, DateEdit, HouseholdPicker
from ..widgets import accent_button, field_error, page_title
from .base import Page
from .household.form_scroll import FormScrollArea

DRAFT_KEY = "visit:new"
DRAFT_KIND = "visit"
SETTINGS_VISITORS = "visit/last_visitors"  # JSON list of the cadre ids of the last visit
AUTOSAVE_DELAY_MS = 600  # after a change, once typing pauses
AUTOSAVE_PERIOD_MS = 2000  # and at least this often while there are unsaved changes

# Common purposes offered in the list; the field stays free text (the store keeps what
# was typed), so these are data words, not labels to translate.
COMMON_PURPOSES = (
    "入户走访", "政策宣讲", "收入核实", "就业回访", "帮扶措施落实", "急难愁盼回访",
    "信息采集更新", "监测帮扶回访", "产业指导", "节日慰问", "医疗救助回访", "教育资助核实",
    "权益清单核查", "防返贫保险宣传",
)

_NEED_COLUMNS = 5


class _FormRow(NamedTuple):
    """One row group of the form: its label, its fields, the error line under them (if
    any) and how much spare height it takes."""

    label: str
    content: QWidget | QHBoxLayout | QVBoxLayout | QGridLayout
    error: QLabel | None = None
    stretch: int = 0


def parse_loose_date(text: str, year: int) -> dt.date | None:
    """A typed date: 2026-12-01, 2026/12/1, 20261201, 2026年12月1日, or 12-01 / 12.1 / 1201
    (month and day of ``year``). None for empty text; ValueError when it is no date."""
    t = text.strip()
    if not t:
        return None
    for sep in ("/", ".", "年", "月", "－", "—"):
        t = t.replace(sep, "-")
    t = t.rstrip("日").strip("-")
    if t.isdigit() and len(t) == 8:
        return dt.date(int(t[:4]), int(t[4:6]), int(t[6:]))
    if t.isdigit() and len(t) in (3, 4):
        return dt.date(year, int(t[:-2]), int(t[-2:]))
    parts = t.split("-")
    if not all(p.isdigit() for p in parts):
        raise ValueError(text)
    if len(parts) == 3:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    if len(parts) == 2:
        return dt.date(year, int(parts[0]), int(parts[1]))
    raise ValueError(text)


def _save_visit(store: Store, visit: VisitInput) -> str:
    """Save the visit, then forget its draft (off the GUI thread)."""
    visit_id = add_visit(store, visit)
    delete_draft(store, DRAFT_KEY)
    return visit_id


class VisitEntryPage(Page):
    """The form for one visit; saved with Ctrl+S, autosaved as a draft meanwhile."""

    name = "visit"
    sig_saved = Signal(str)  # the new visit's id

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._baseline: dict[str, Any] = {}  # the form as it was when last clean
        self._loading = False  # filling the form in code: not the user's edit
        self._generation = 0  # counts edits; the draft saved knows which one it holds
        self._draft_generation = 0
        self._draft_busy = False
        self._saving = False
        self._save_queued = False
        self._draft_checked = False
        self._pending_household: str | None = None
        self._build()
        self._connect()
        self._reset_fields(keep_visitors=False)

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.setSpacing(8)
        head = QHBoxLayout()
        head.addWidget(page_title(self.tr("记录走访")))
        head.addSpacing(16)
        self.note = QLabel()
        self.note.setObjectName("tileLabel")
        head.addWidget(self.note, 1)
        layout.addLayout(head)

        # On a small screen (1024×600) with red messages, several households or photos the
        # form needs more height than there is: it scrolls (Tab brings the focused field
        # into view) while the title and the save bar stay put.
        form = self._build_form()
        form.setContentsMargins(0, 0, 0, 0)
        self.form_scroll = FormScrollArea(form)
        layout.addWidget(self.form_scroll, 1)

        bar = QHBoxLayout()
        self.saved_note = QLabel()
        self.saved_note.setObjectName("tileLabel")
        bar.addWidget(self.saved_note, 1)
        self.new_button = QPushButton(self.tr("新建（Ctrl+N）"))
        self.save_button = accent_button(self.tr("保存（Ctrl+S）"))
        bar.addWidget(self.new_button)
        bar.addWidget(self.save_button)
        layout.addLayout(bar)

        self._set_tab_order()

    @staticmethod
    def _label(text: str) -> QLabel:
        label = QLabel(text)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        label.setContentsMargins(0, 5, 0, 0)
        return label

    def _build_form(self) -> QGridLayout:
        """One column in Tab order; fields that belong together share a row. Each row group
        has its own small builder."""
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(5)
        grid.setColumnStretch(1, 1)
        row = 0
        for build in (self._build_households_row, self._build_when_row,
                      self._build_findings_row, self._build_needs_row,
                      self._build_measures_row, self._build_follow_up_row,
                      self._build_photo_row):
            form_row = build()
            grid.addWidget(self._label(form_row.label), row, 0)
            if isinstance(form_row.content, QWidget):
                grid.addWidget(form_row.content, row, 1)
            else:
                grid.addLayout(form_row.content, row, 1)
            grid.setRowStretch(row, form_row.stretch)
            row += 1
            if form_row.error is not None:
                grid.addWidget(form_row.error, row, 1)
                row += 1
        return grid

    def _build_households_row(self) -> _FormRow:
        """走访农户: the households visited (type-ahead, chips)."""
        self.households = HouseholdPicker(self.ctx, multiple=True)
        self.household_error = field_error()
        return _FormRow(self.tr("走访农户"), self.households, self.household_error)

    def _build_when_row(self) -> _FormRow:
        """走访日期, 时间 and 走访事由 on one row, each error under its own field."""
        self.date_edit = DateEdit()
        self.time_edit = QLineEdit()
        self.time_edit.setPlaceholderText(self.tr("如 14:30，可不填"))
        self.time_edit.setFixedWidth(140)
        self.purpose = QComboBox()
        self.purpose.setEditable(True)
        self.purpose.addItems(list(COMMON_PURPOSES))
        self.purpose.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.purpose.setMaxVisibleItems(len(COMMON_PURPOSES))
        self.purpose.setMinimumWidth(300)
        self.purpose.lineEdit().setPlaceholderText(self.tr("选择或输入走访事由"))
        when = QGridLayout()
        when.setHorizontalSpacing(6)
        when.setVerticalSpacing(2)
        when.addWidget(self.date_edit, 0, 0)
        for column, text in ((1, self.tr("时间")), (3, self.tr("走访事由"))):
            label = QLabel(text)
            label.setContentsMargins(14, 0, 0, 0)
            when.addWidget(label, 0, column)
        when.addWidget(self.time_edit, 0, 2)
        when.addWidget(self.purpose, 0, 4)
        when.setColumnStretch(5, 1)
        self.date_error = field_error()
        self.purpose_error = field_error()
        when.addWidget(self.date_error, 1, 0, 1, 3)
        when.addWidget(self.purpose_error, 1, 4)
        return _FormRow(self.tr("走访日期"), when)

    def _build_findings_row(self) -> _FormRow:
        """发现情况: what the visit found (free text)."""
        self.findings = QPlainTextEdit()
        self.findings.setTabChangesFocus(True)  # Tab leaves the field, as everywhere else
        self.findings.setPlaceholderText(self.tr("家庭生活、收入、就业、身体状况等发现的情况"))
        self.findings.setMinimumHeight(64)
        return _FormRow(self.tr("发现情况"), self.findings, stretch=2)

    def _build_needs_row(self) -> _FormRow:
        """急难愁盼: an entry row (category, text, due date, status, household) over the
        table of the needs added so far."""
        entry = QHBoxLayout()
        entry.setSpacing(6)
        self.need_category = QComboBox()
        for entry_ in cat.URGENT_NEED_CATEGORIES:
            self.need_category.addItem(entry_.label(self.ctx.lang), entry_.code)
        # No default: a need filed under 就业 because it was preselected is worse than a
        # question (walkthrough, issue 15); the cadre picks one.
        self.need_category.setPlaceholderText(self.tr("选择类别"))
        self.need_category.setCurrentIndex(-1)
        self.need_text = QLineEdit()
        self.need_text.setPlaceholderText(self.tr("问题内容，回车添加一条"))
        self.need_due = QLineEdit()
        self.need_due.setPlaceholderText(self.tr("期限，可不填"))
        self.need_due.setFixedWidth(130)
        self.need_status = QComboBox()
        for entry_ in cat.URGENT_NEED_STATUSES:
            self.need_status.addItem(entry_.label(self.ctx.lang), entry_.code)
        self.need_household = QComboBox()  # shown only when several households were visited
        self.need_household.setToolTip(self.tr("问题属于哪一户"))
        self.need_household.hide()
        entry.addWidget(self.need_category)
        entry.addWidget(self.need_text, 1)
        entry.addWidget(self.need_due)
        entry.addWidget(self.need_status)
        entry.addWidget(self.need_household)
        self.need_error = field_error()
        needs = QVBoxLayout()
        needs.setSpacing(4)
        needs.addLayout(entry)
        needs.addWidget(self.need_error)
        needs.addWidget(self._build_needs_table(), 1)
        return _FormRow(self.tr("急难愁盼"), needs, stretch=2)

    def _build_needs_table(self) -> QTableView:
        self.need_model = QStandardItemModel(0, _NEED_COLUMNS, self)
        self.need_model.setHorizontalHeaderLabels(
            [self.tr("类别"), self.tr("问题"), self.tr("期限"), self.tr("状态"), self.tr("农户")])
        self.needs_view = QTableView()
        self.needs_view.setModel(self.need_model)
        self.needs_view.setAlternatingRowColors(True)
        self.needs_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.needs_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.needs_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.needs_view.setTabKeyNavigation(False)  # Tab goes on to the next field
        self.needs_view.verticalHeader().hide()
        self.needs_view.verticalHeader().setDefaultSectionSize(26)
        header = self.needs_view.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 90), (2, 110), (3, 80), (4, 90)):
            self.needs_view.setColumnWidth(column, width)
        self.needs_view.setMinimumHeight(84)
        self.needs_view.setToolTip(self.tr("选中一行按 Delete 删除"))
        return self.needs_view

    def _build_measures_row(self) -> _FormRow:
        """商定措施: the help agreed with the household (free text)."""
        self.measures = QPlainTextEdit()
        self.measures.setTabChangesFocus(True)
        self.measures.setPlaceholderText(self.tr("与农户商定的帮扶措施"))
        self.measures.setMinimumHeight(50)
        return _FormRow(self.tr("商定措施"), self.measures, stretch=1)

    def _build_follow_up_row(self) -> _FormRow:
        """回访日期, then the visiting cadres on the same row."""
        people = QHBoxLayout()
        people.setSpacing(6)
        self.follow_up = QLineEdit()
        self.follow_up.setPlaceholderText(self.tr("如 2026-12-20，可不填"))
        self.follow_up.setFixedWidth(190)
        people.addWidget(self.follow_up)
        self._build_visitors(people)
        self.follow_up_error = field_error()
        return _FormRow(self.tr("回访日期"), people, self.follow_up_error)

    def _build_visitors(self, row: QHBoxLayout) -> None:
        """走访干部: the cadres who went (type-ahead, chips), at the end of ``row``."""
        self.visitors = CadrePicker(self.ctx, serving_only=True)
        visitors_label = QLabel(self.tr("走访干部"))
        visitors_label.setContentsMargins(14, 0, 0, 0)
        row.addWidget(visitors_label)
        row.addWidget(self.visitors, 1)

    def _build_photo_row(self) -> _FormRow:
        """照片: the add button, the thumbnails (or a hint while there are none); the same
        photo row as the 十送 and 帮扶 forms (``ui/photo_strip.py``)."""
        self.photo_strip = PhotoStrip(self.ctx, self.tr("还没有照片。可添加入户照片、证明材料的照片"))
        self.photo_button = self.photo_strip.photo_button
        self.photo_list = self.photo_strip.photo_list
        self.photo_hint = self.photo_strip.photo_hint
        self.photo_error = self.photo_strip.photo_error
        return _FormRow(self.tr("照片"), self.photo_strip, self.photo_error)

    def _set_tab_order(self) -> None:
        chain = [self.households.line_edit, self.date_edit, self.time_edit, self.purpose,
                 self.findings, self.need_category, self.need_text, self.need_due,
                 self.need_status, self.need_household, self.needs_view, self.measures,
                 self.follow_up, self.visitors.line_edit, self.photo_button, self.photo_list,
                 self.save_button, self.new_button]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        # Empty lists are skipped by Tab; they take focus once they hold something.
        self.needs_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.photo_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def _connect(self) -> None:
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)
        QShortcut(QKeySequence("Ctrl+N"), self, activated=self.new_visit)
        self.save_button.clicked.connect(self.save)
        self.new_button.clicked.connect(self.new_visit)
        self.photo_strip.sig_changed.connect(self._on_edit)

        edited = self._on_edit
        self.households.sig_changed.connect(self._on_households_changed)
        self.households.line_edit.textEdited.connect(edited)
        self.date_edit.dateChanged.connect(self._on_date_changed)
        self.time_edit.textEdited.connect(edited)
        self.purpose.editTextChanged.connect(self._on_purpose_changed)
        self.findings.textChanged.connect(edited)
        self.need_category.currentIndexChanged.connect(edited)
        self.need_text.textEdited.connect(edited)
        self.need_due.textEdited.connect(edited)
        self.need_status.currentIndexChanged.connect(edited)
        self.measures.textChanged.connect(edited)
        self.follow_up.textEdited.connect(edited)
        self.visitors.sig_changed.connect(edited)
        self.visitors.line_edit.textEdited.connect(edited)

        for widget in (self.households.line_edit, self.time_edit, self.purpose,
                       self.follow_up, self.need_due):
            widget.installEventFilter(self)
        for widget in (self.need_text, self.need_due, self.need_status, self.need_category,
                       self.needs_view):
            widget.installEventFilter(self)

        self._autosave_soon = QTimer(self)
        self._autosave_soon.setSingleShot(True)
        self._autosave_soon.setInterval(AUTOSAVE_DELAY_MS)
        self._autosave_soon.timeout.connect(self._autosave)
        self._autosave_tick = QTimer(self)
        self._autosave_tick.setInterval(AUTOSAVE_PERIOD_MS)
        self._autosave_tick.timeout.connect(self._autosave)
        self._autosave_tick.start()

    # ------------------------------------------------------------------ page

    def title(self) -> str:
        return self.tr("记录走访")

    def activate(self, **params: Any) -> None:
        household = params.get("household")
        if not self._draft_checked:
            self._draft_checked = True
            self._pending_household = str(household) if household else None
            self.ctx.tasks.run(load_draft, self.ctx.store, DRAFT_KEY, done=self._on_draft_loaded)
        elif household:
            self._use_household(str(household))
        target = self.purpose if household else self.households.line_edit
        QTimer.singleShot(0, lambda: isValid(target) and target.setFocus())

    def has_unsaved_changes(self) -> bool:
        return self._is_dirty()

    def _is_dirty(self) -> bool:
        return self._collect() != self._baseline

    def _settle(self, key: str) -> None:
        """After an async fill of ``key`` (a preselected household, the usual visitors):
        when nothing else changed, the form is still clean."""
        now = self._collect()
        if {**self._baseline, key: now[key]} == now:
            self._baseline = now
            self._draft_generation = self._generation

    def discard_changes(self) -> None:
        self._reset_fields(keep_visitors=True)
        self.ctx.tasks.run(delete_draft, self.ctx.store, DRAFT_KEY)

    # ------------------------------------------------------------------ edits and drafts

    def _on_edit(self, *_args: Any) -> None:
        if self._loading:
            return
        self._generation += 1
        self.saved_note.clear()
        self._autosave_soon.start()

    def _on_households_changed(self) -> None:
        choices = self.households.choices()
        current = self.need_household.currentData()
        self.need_household.blockSignals(True)
        self.need_household.clear()
        for row in choices:
            self.need_household.addItem(row["head_name"], row["id"])
        index = self.need_household.findData(current)
        self.need_household.setCurrentIndex(max(0, index))
        self.need_household.blockSignals(False)
        self.need_household.setVisible(len(choices) > 1)
        ids = {row["id"] for row in choices}
        for r in range(self.need_model.rowCount()):  # needs of a household no longer visited
            need = self._need_at(r)
            if need["household"] and need["household"] not in ids:
                need["household"], need["household_name"] = None, ""
                self._set_need_row(r, need)
        if choices:
            self._show_error(self.household_error, None, self.households.line_edit)
        self._on_edit()

    def _on_date_changed(self, _date: QDate) -> None:
        if self.follow_up.text().strip():
            self._check_follow_up()
        self._on_edit()

    def _on_purpose_changed(self, text: str) -> None:
        if text.strip():
            self._show_error(self.purpose_error, None, self.purpose.lineEdit())
        self._on_edit()

    def _collect(self) -> dict[str, Any]:
        """Everything typed, as plain data (the draft)."""
        return {
            "households": self.households.choices(),
            "household_text": self.households.line_edit.text(),
            "date": self.date_edit.date().toString("yyyy-MM-dd"),
            "time": self.time_edit.text(),
            "purpose": self.purpose.currentText(),
            "findings": self.findings.toPlainText(),
            "needs": [self._need_at(r) for r in range(self.need_model.rowCount())],
            "need_entry": {"category": self.need_category.currentData(),
                           "text": self.need_text.text(), "due": self.need_due.text(),
                           "status": self.need_status.currentData()},
            "measures": self.measures.toPlainText(),
            "follow_up": self.follow_up.text(),
            "visitors": self.visitors.choices(),
            "visitor_text": self.visitors.line_edit.text(),
            "photos": self.photo_strip.paths(),
        }

    def _apply(self, data: dict[str, Any]) -> None:
        """Fill the form from a draft."""
        self._loading = True
        try:
            self.households.set_choices(data.get("households", []))
            self.households.line_edit.setText(data.get("household_text", ""))
            date = QDate.fromString(data.get("date", ""), "yyyy-MM-dd")
            self.date_edit.setDate(date if date.isValid() else QDate.currentDate())
            self.time_edit.setText(data.get("time", ""))
            self.purpose.setCurrentIndex(-1)
            self.purpose.setEditText(data.get("purpose", ""))
            self.findings.setPlainText(data.get("findings", ""))
            self.need_model.removeRows(0, self.need_model.rowCount())
            for need in data.get("needs", []):
                self._append_need(need)
            entry = data.get("need_entry", {})
            self.need_category.setCurrentIndex(self.need_category.findData(
                entry.get("category")))
            self.need_text.setText(entry.get("text", ""))
            self.need_due.setText(entry.get("due", ""))
            self.need_status.setCurrentIndex(max(0, self.need_status.findData(
                entry.get("status"))))
            self.measures.setPlainText(data.get("measures", ""))
            self.follow_up.setText(data.get("follow_up", ""))
            self.visitors.set_choices(data.get("visitors", []))
            self.visitors.line_edit.setText(data.get("visitor_text", ""))
            self._set_photos(data.get("photos", []))
        finally:
            self._loading = False

    def _autosave(self) -> None:
        if self._saving or self._draft_busy or self._draft_generation == self._generation:
            return
        self._draft_busy = True
        generation = self._generation

        def done(_result: object) -> None:
            if not isValid(self):
                return
            self._draft_busy = False
            self._draft_generation = generation
            if self._save_queued:
                self._save_queued = False
                self.save()

        def failed(_error: BaseException) -> None:
            if not isValid(self):
                return
            self._draft_busy = False
            if self._save_queued:
                self._save_queued = False
                self.save()

        if self._is_dirty():
            self.ctx.tasks.run(save_draft, self.ctx.store, DRAFT_KEY, DRAFT_KIND,
                               self._collect(), done=done, failed=failed)
        else:  # edited back to a clean form: no draft to keep
            self.ctx.tasks.run(delete_draft, self.ctx.store, DRAFT_KEY, done=done, failed=failed)

    def _on_draft_loaded(self, data: dict[str, Any] | None) -> None:
        if not isValid(self):
            return
        if data and not self._is_dirty():
            self._apply(data)
            self._draft_generation = self._generation
            self.note.setText(self.tr("已恢复未保存的草稿"))
        elif not self._is_dirty():
            self._load_default_visitors()
        if self._pending_household:
            self._use_household(self._pending_household)
            self._pending_household = None

    def _load_default_visitors(self) -> None:
        try:
            ids = json.loads(str(self.ctx.settings.value(SETTINGS_VISITORS, "[]")))
        except ValueError:
            ids = []
        if ids:
            self.visitors.load_ids([str(i) for i in ids], then=lambda: self._settle("visitors"))

    def _has_content(self, ignore_visitors: bool = False) -> bool:
        data = self._collect()
        texts = [data["household_text"], data["time"], data["purpose"], data["findings"],
                 data["measures"], data["follow_up"], data["need_entry"]["text"],
                 data["need_entry"]["due"]]
        lists = [data["households"], data["needs"], data["photos"]]
        if not ignore_visitors:
            lists.append(data["visitors"])
        return any(t.strip() for t in texts) or any(lists)

    def _use_household(self, key: str) -> None:
        """Start a visit to household ``key`` (id or number), keeping a draft in progress."""
        if not self._is_dirty():
            self._reset_fields(keep_visitors=True)
            self.households.preselect(key, then=lambda: self._settle("households"))
        elif not self.households.choices():
            self.households.preselect(key)
        else:
            self.note.setText(self.tr("草稿里已有走访农户，草稿已保留；按 Ctrl+N 新建走访"))

    def _reset_fields(self, keep_visitors: bool, keep_date: bool = False) -> None:
        """Empty the form for a new visit (visitors, and the date when asked, stay)."""
        self._loading = True
        try:
            date = self.date_edit.date()
            self.households.clear()
            self.date_edit.setDate(date if keep_date else QDate.currentDate())
            self.time_edit.clear()
            self.purpose.setCurrentIndex(-1)
            self.purpose.setEditText("")
            self.findings.clear()
            self.need_model.removeRows(0, self.need_model.rowCount())
            self.need_category.setCurrentIndex(-1)
            self.need_text.clear()
            self.need_due.clear()
            self.need_status.setCurrentIndex(0)
            self.measures.clear()
            self.follow_up.clear()
            if not keep_visitors:
                self.visitors.clear()
            self.visitors.line_edit.clear()
            self._set_photos([])
            for label in (self.household_error, self.date_error, self.purpose_error,
                          self.need_error, self.follow_up_error, self.photo_error):
                label.hide()
            for widget in (self.households.line_edit, self.time_edit, self.follow_up,
                           self.need_due):
                self._mark(widget, False)
        finally:
            self._loading = False
        self._baseline = self._collect()
        self._generation += 1
        self._draft_generation = self._generation
        self.note.clear()

    # ------------------------------------------------------------------ urgent needs

    def _need_at(self, row: int) -> dict[str, Any]:
        return dict(self.need_model.item(row, 0).data(Qt.ItemDataRole.UserRole))

    def _need_items(self, need: dict[str, Any]) -> list[QStandardItem]:
        texts = [cat.URGENT_NEED_CATEGORIES.label(need["category"], self.ctx.lang),
                 need["text"], need.get("due") or "",
                 cat.URGENT_NEED_STATUSES.label(need["status"], self.ctx.lang),
                 need.get("household_name") or ""]
        items = [QStandardItem(t) for t in texts]
        items[0].setData(need, Qt.ItemDataRole.UserRole)
        items[1].setToolTip(need["text"])
        return items

    def _append_need(self, need: dict[str, Any]) -> None:
        self.need_model.appendRow(self._need_items(need))
        self.needs_view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def _set_need_row(self, row: int, need: dict[str, Any]) -> None:
        for column, item in enumerate(self._need_items(need)):
            self.need_model.setItem(row, column, item)

    def add_need(self) -> bool:
        """Add the urgent need typed in the entry row to the table; True when added."""
        text = self.need_text.text().strip()
        if not text:
            return False
        if self.need_category.currentData() is None:
            self._show_error(self.need_error, self.tr("请先选择问题类别"), self.need_category)
            self.need_category.setFocus()
            return False
        try:
            due = parse_loose_date(self.need_due.text(), self.date_edit.date().year())
        except ValueError:
            self._show_error(self.need_error, self.tr("期限请按2026-11-29的格式填写"),
                             self.need_due)
            self.need_due.setFocus()
            return False
        if due is not None and due < self.date_edit.date().toPython():
            self._show_error(self.need_error, self.tr("期限不能早于走访日期"), self.need_due)
            self.need_due.setFocus()
            return False
        household = self.need_household.currentData() if self.need_household.isVisible() \
            else None
        self._append_need({
            "category": self.need_category.currentData(), "text": text,
            "due": due.isoformat() if due else "", "status": self.need_status.currentData(),
            "household": household,
            "household_name": self.need_household.currentText() if household else "",
        })
        self._show_error(self.need_error, None, self.need_due)
        self.need_text.clear()
        self.need_due.clear()
        self.need_status.setCurrentIndex(0)
        self.need_category.setCurrentIndex(-1)  # each need's category chosen anew
        self.need_text.setFocus()
        self._on_edit()
        return True

    def _remove_need(self) -> None:
        index = self.needs_view.currentIndex()
        if not index.isValid():
            return
        self.need_model.removeRow(index.row())
        if self.need_model.rowCount() == 0:
            self.needs_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.need_text.setFocus()
        self._on_edit()

    # ------------------------------------------------------------------ photos

    def choose_photos(self) -> None:
        """Pick photos from disk (they are copied into the data home on save)."""
        self.photo_strip.choose_photos()

    def photos(self) -> list[str]:
        """The photos chosen for this visit (paths on disk)."""
        return self.photo_strip.paths()

    def _set_photos(self, paths: list[str]) -> None:
        self.photo_strip.set_photos(paths)

    # ------------------------------------------------------------------ validation

    @staticmethod
    def _mark(widget: QWidget, invalid: bool) -> None:
        widget.setProperty("invalid", invalid)
        widget.style().unpolish(widget)
        widget.style().polish(widget)

    def _show_error(self, label: QLabel, message: str | None,
                    widget: QWidget | None = None) -> None:
        label.setText(message or "")
        label.setVisible(bool(message))
        if widget is not None:
            self._mark(widget, bool(message))

    def _check_households(self) -> bool:
        if self.households.choices():
            if self.households.pending_text():
                message = self.tr("“{text}”还没有选中：按回车选中，或清空").format(
                    text=self.households.pending_text())
            else:
                message = None
        elif self.households.pending_text():
            message = self.tr("请从下拉列表中选中农户（按回车）")
        else:
            message = self.tr("请选择走访的农户")
        self._show_error(self.household_error, message, self.households.line_edit)
        return message is None

    def _check_time(self) -> bool:
        try:
            normalized = parse_time(self.time_edit.text())
        except ValueError:
            self._show_error(self.date_error, self.tr("时间请按14:30的格式填写"), self.time_edit)
            return False
        if normalized != self.time_edit.text():
            self.time_edit.setText(normalized)
        self._show_error(self.date_error, None, self.time_edit)
        return True

    def _check_purpose(self) -> bool:
        ok = bool(self.purpose.currentText().strip())
        self._show_error(self.purpose_error, None if ok else self.tr("请填写走访事由"),
                         self.purpose.lineEdit())
        return ok

    def _follow_up_date(self) -> dt.date | None:
        return parse_loose_date(self.follow_up.text(), self.date_edit.date().year())

    def _check_follow_up(self) -> bool:
        try:
            follow = self._follow_up_date()
        except ValueError:
            self._show_error(self.follow_up_error, self.tr("请按2026-11-29的格式填写日期"),
                             self.follow_up)
            return False
        if follow is not None and follow < self.date_edit.date().toPython():
            self._show_error(self.follow_up_error, self.tr("回访日期不能早于走访日期"),
                             self.follow_up)
            return False
        if follow is not None and follow.isoformat() != self.follow_up.text():
            self.follow_up.setText(follow.isoformat())
        self._show_error(self.follow_up_error, None, self.follow_up)
        return True

    def _check_need_due(self) -> bool:
        try:
            due = parse_loose_date(self.need_due.text(), self.date_edit.date().year())
        except ValueError:
            self._show_error(self.need_error, self.tr("期限请按2026-11-29的格式填写"),
                             self.need_due)
            return False
        if due is not None and due.isoformat() != self.need_due.text():
            self.need_due.setText(due.isoformat())
        self._show_error(self.need_error, None, self.need_due)
        return True

    def _check_photos(self) -> bool:
        return self.photo_strip.check()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.FocusOut and event.reason() not in (  # type: ignore[attr-defined]
                Qt.FocusReason.PopupFocusReason, Qt.FocusReason.ActiveWindowFocusReason):
            self._validate_leaving(watched)
        elif kind == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and watched in (
                    self.need_text, self.need_due, self.need_status, self.need_category):
                if self.need_text.text().strip():
                    self.add_need()
                    return True
                return watched is not self.need_category  # a closed combo: nothing to do
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and watched is self.needs_view:
                self._remove_need()
                return True
        return super().eventFilter(watched, event)

    def _validate_leaving(self, widget: QObject) -> None:
        if self._loading or self._saving:
            return
        target = QApplication.focusWidget()
        if target is None or not self.isAncestorOf(target):
            return  # leaving the page (to the navigation, a dialog): no red on the way out
        if widget is self.households.line_edit:
            self._check_households()
        elif widget is self.time_edit:
            self._check_time()
        elif widget is self.purpose:
            self._check_purpose()
        elif widget is self.follow_up:
            self._check_follow_up()
        elif widget is self.need_due:
            self._check_need_due()

    # ------------------------------------------------------------------ saving

    def new_visit(self) -> None:
        """Start a new visit (asks first when the current one is not saved)."""
        if self._is_dirty() and self._has_content(ignore_visitors=True):
            answer = QMessageBox.question(
                self, self.tr("新建走访"), self.tr("当前走访还没有保存，要放弃它吗？"),
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Discard:
                return
        self.discard_changes()
        self.saved_note.clear()
        self.households.line_edit.setFocus()

    def save(self) -> None:
        """Check the form and save the visit (Ctrl+S)."""
        if self._saving:
            return
        if self.need_text.text().strip() and not self.add_need():
            return  # a need typed but not added is added now: nothing typed is lost
        checks = [(self._check_households(), self.households.line_edit),
                  (self._check_time(), self.time_edit),
                  (self._check_purpose(), self.purpose),
                  (self._check_follow_up(), self.follow_up),
                  (self._check_need_due(), self.need_due),
                  (self._check_photos(), self.photo_button)]
        wrong = [widget for ok, widget in checks if not ok]
        if wrong:
            wrong[0].setFocus()
            self.saved_note.setText(self.tr("还有 %n 处需要修改，见红字提示", "", len(wrong)))
            return
        if self._draft_busy:
            self._save_queued = True  # let the draft being written land first, then delete it
            return
        visit = VisitInput(
            households=self.households.ids(),
            visit_date=self.date_edit.date().toPython(),
            visit_time=self.time_edit.text(),
            purpose=self.purpose.currentText().strip(),
            findings=self.findings.toPlainText(),
            measures=self.measures.toPlainText(),
            follow_up_date=self._follow_up_date(),
            visitors=self.visitors.ids(),
            urgent_needs=[UrgentNeedInput(
                text=n["text"], category=n["category"],
                due_date=dt.date.fromisoformat(n["due"]) if n.get("due") else None,
                status=n["status"], household=n.get("household"))
                for n in (self._need_at(r) for r in range(self.need_model.rowCount()))],
            photos=self.photo_strip.paths(),
        )
        self._start_save(visit)

    def _start_save(self, visit: VisitInput) -> None:
        self._saving = True
        self.save_button.setEnabled(False)
        self.saved_note.setText(self.tr("正在保存…"))
        names = "、".join(h["head_name"] for h in self.households.choices())
        self.ctx.tasks.run(_save_visit, self.ctx.store, visit,
                           done=lambda visit_id: self._on_saved(visit_id, visit, names),
                           failed=lambda error: self._on_save_failed(error, visit))

    def _on_saved(self, visit_id: str, visit: VisitInput, names: str) -> None:
        if not isValid(self):
            return
        self._saving = False
        self.save_button.setEnabled(True)
        self.ctx.settings.setValue(SETTINGS_VISITORS, json.dumps(self.visitors.ids()))
        self._reset_fields(keep_visitors=True, keep_date=True)
        self.saved_note.setText(self.tr("已保存：{date} {names}（{purpose}）。可以记录下一次走访。")
                                .format(date=visit.visit_date.isoformat(), names=names,
                                        purpose=visit.purpose))
        self.ctx.data_changed("visit", "urgent_need", "attachment")
        self.households.line_edit.setFocus()
        self.sig_saved.emit(visit_id)

    def _on_save_failed(self, error: BaseException, visit: VisitInput | None = None) -> None:
        if not isValid(self):
            return
        self._saving = False
        self.save_button.setEnabled(True)
        if isinstance(error, DomainError) and error.problem.code in EARLY_CODES \
                and visit is not None:
            # A date before the team arrived (or over a year back): a slip of the keyboard
            # more often than a late entry, so ask; the store's rule decides when.
            answer = QMessageBox.question(
                self, self.tr("核对走访日期"),
                self.tr("{message}。\n确定按这个日期保存吗？").format(
                    message=error.message(self.ctx.lang)),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No)
            if answer == QMessageBox.StandardButton.Yes:
                self._start_save(dataclasses.replace(visit, early_date_confirmed=True))
            else:
                self.saved_note.setText(self.tr("没有保存：请改正走访日期"))
                self.date_edit.setFocus()
            return
        if isinstance(error, DomainError):
            message = error.message(self.ctx.lang)
            target = {"households": self.household_error, "purpose": self.purpose_error,
                      "follow_up_date": self.follow_up_error}.get(error.field_name or "")
            if target is not None:
                self._show_error(target, message)
            self.saved_note.setText(self.tr("没有保存：{message}").format(message=message))
        elif isinstance(error, OSError):
            self.saved_note.setText(self.tr("没有保存：照片无法读取，请移除后重新添加。"))
        else:
            self.saved_note.setText(self.tr("没有保存，数据没有改动。请再按 Ctrl+S 试一次。"))
