"""基本信息: the household's own fields, edited in place and checked as each is left; a red
message goes as soon as the value typed is right. Three label+field pairs per row, two
where three do not fit (a 1024×600 netbook, English labels); the form scrolls when it
needs more height than there is."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ....domain import catalogues as cat
from ...context import AppContext
from ...models.field_editor import NO, YES, FieldEditor
from .form_scroll import FormScrollArea
from .tab import HouseholdTab, SampleWidthEdit, translate

TEXT_FIELDS = ("head_name", "id_number", "phone", "address", "form_updated_on",
               "origin_village", "resettlement_site", "relocation_year", "note")
BOOL_FIELDS = ("relocated", "accident_insured", "relapse_insured")
# What a field must show whole however narrow the window (the rest may scroll sideways).
SAMPLES = {"id_number": "0" * 17 + "X", "phone": "0" * 13, "form_updated_on": "2026-11-29",
           "relocation_year": "2026"}

ONE, WIDE, ROW = 1, 2, 3  # a field takes one column, two of three (one of two), a whole row
# Reading order, which is also the Tab order.
PLACEMENT = (
    ("head_name", ONE), ("id_number", ONE), ("phone", ONE),
    ("address", WIDE), ("form_updated_on", ONE),
    ("type", ONE), ("monitoring_status", ONE), ("risk_kind", ONE),
    ("relocated", ONE), ("origin_village", ONE), ("resettlement_site", ONE),
    ("relocation_year", ONE), ("accident_insured", ONE), ("relapse_insured", ONE),
    ("note", ROW),
)


def flow(columns: int) -> list[tuple[str, int, int, int]]:
    """(field, row, column, span) of each field, in reading order, on ``columns`` columns."""
    placed = []
    row = column = 0
    for name, kind in PLACEMENT:
        span = {ONE: 1, WIDE: max(columns - 1, 1), ROW: columns}[kind]
        if column + span > columns:
            row, column = row + 1, 0
        placed.append((name, row, column, span))
        column += span
        if column >= columns:
            row, column = row + 1, 0
    return placed


class BasicTab(HouseholdTab):
    """基本信息: the basic fields of the household, edited in place."""

    draft_key = "fields"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.fields: dict[str, FieldEditor] = {}
        self.columns = 0
        self._wide_needs = 0  # the width three columns took when last measured
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(4)
        self._build_fields()
        self._labels = self._build_labels()
        self._place(3)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll = FormScrollArea(self.grid)
        outer.addWidget(self.scroll)
        # Tab follows reading order (left to right, then down) however many columns.
        order = [self.fields[name].widget for name, _kind in PLACEMENT]
        order.insert(order.index(self.fields["form_updated_on"].widget) + 1, self.today_button)
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

    # ---------------------------------------------------------------- building

    def _build_fields(self) -> None:
        for name in TEXT_FIELDS:
            edit = SampleWidthEdit(SAMPLES[name]) if name in SAMPLES else QLineEdit()
            self.fields[name] = FieldEditor(name, edit)
            edit.textEdited.connect(lambda _t: self.sig_edited.emit())
            edit.textEdited.connect(lambda _t, n=name: self.fields[n].recheck(self.ctx.lang))
            edit.editingFinished.connect(lambda n=name: self.check_field(n))
        self.fields["id_number"].widget.setMaxLength(18)
        self.fields["form_updated_on"].widget.setPlaceholderText("2026-11-29")
        self.fields["relocation_year"].widget.setPlaceholderText(translate("HouseholdDetailPage", "如 2018"))
        for name, catalogue, empty in (
                ("type", cat.HOUSEHOLD_TYPES, None),
                ("monitoring_status", cat.MONITORING_STATUSES, None),
                ("risk_kind", cat.RISK_KINDS, translate("HouseholdDetailPage", "无"))):
            box = QComboBox()
            if empty is not None:
                box.addItem(empty, "")
            for entry in catalogue:
                box.addItem(entry.label(self.ctx.lang), entry.code)
            box.currentIndexChanged.connect(lambda _i: self.sig_edited.emit())
            self.fields[name] = FieldEditor(name, box)
        for name in BOOL_FIELDS:
            box = QCheckBox(translate("HouseholdDetailPage", "是"))
            box.toggled.connect(lambda _on: self.sig_edited.emit())
            self.fields[name] = FieldEditor(name, box)

        self.today_button = QPushButton(translate("HouseholdDetailPage", "设为今天"))
        self.today_button.setToolTip(translate(
            "HouseholdDetailPage", "刚核实过这户的信息：把信息更新日期设为今天"))
        self.today_button.clicked.connect(self._form_updated_today)
        self._date_cell = QWidget()
        line = QHBoxLayout(self._date_cell)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.fields["form_updated_on"].widget, 1)
        line.addWidget(self.today_button)

    def _build_labels(self) -> dict[str, QLabel]:
        texts = {
            "head_name": translate("HouseholdDetailPage", "户主姓名"),
            "id_number": translate("HouseholdDetailPage", "身份证号"),
            "phone": translate("HouseholdDetailPage", "联系电话"),
            "address": translate("HouseholdDetailPage", "家庭住址"),
            "form_updated_on": translate("HouseholdDetailPage", "信息更新日期"),
            "type": translate("HouseholdDetailPage", "户类型"),
            "monitoring_status": translate("HouseholdDetailPage", "监测状态"),
            "risk_kind": translate("HouseholdDetailPage", "风险类型"),
            "relocated": translate("HouseholdDetailPage", "易地搬迁"),
            "origin_village": translate("HouseholdDetailPage", "迁出地"),
            "resettlement_site": translate("HouseholdDetailPage", "安置点"),
            "relocation_year": translate("HouseholdDetailPage", "搬迁年份"),
            "accident_insured": translate("HouseholdDetailPage", "意外险"),
            "relapse_insured": translate("HouseholdDetailPage", "防返贫保险"),
            "note": translate("HouseholdDetailPage", "备注"),
        }
        labels = {}
        for name, text in texts.items():
            label = QLabel(text)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            label.setBuddy(self.fields[name].widget)
            labels[name] = label
        return labels

    def _place(self, columns: int) -> None:
        """Lay the fields out on ``columns`` label+field pairs per row."""
        if columns == self.columns:
            return
        grid = self.grid
        while grid.count():
            grid.takeAt(0)
        for column in range(6):
            grid.setColumnStretch(column, 0)
        for row in range(grid.rowCount()):
            grid.setRowStretch(row, 0)
        rows = 0
        for name, row, column, span in flow(columns):
            editor = self.fields[name]
            cell = self._date_cell if name == "form_updated_on" else editor.widget
            grid.addWidget(self._labels[name], row * 2, column * 2)
            grid.addWidget(cell, row * 2, column * 2 + 1, 1, span * 2 - 1)
            grid.addWidget(editor.error, row * 2 + 1, column * 2 + 1, 1, span * 2 - 1)
            rows = row + 1
        for column in range(columns):
            grid.setColumnStretch(column * 2 + 1, 1)
        grid.setRowStretch(rows * 2, 1)  # spare height below the fields
        self.columns = columns

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._reflow()

    def _reflow(self) -> None:
        """Three columns where they fit in the width there is, else two."""
        room = self.width()
        bar = self.scroll.verticalScrollBar()
        if bar.isVisible():
            room -= bar.width()
        if self.columns == 3:
            needs = self.grid.minimumSize().width()
            if needs > room:
                self._wide_needs = needs
                self._place(2)
        elif room >= self._wide_needs:
            self._place(3)

    # ---------------------------------------------------------------- filling

    def fill(self, detail: dict[str, Any]) -> None:
        for name, editor in self.fields.items():
            value = detail.get(name)
            if name in BOOL_FIELDS:
                text = YES if value else NO
            elif value is None:
                text = ""
            else:
                text = str(value)
            editor.load(text)

    def focus_first(self) -> None:
        """The cursor in the first field (户主姓名)."""
        self.fields["head_name"].widget.setFocus()

    # ---------------------------------------------------------------- editing

    def check_field(self, name: str) -> bool:
        """Check one field (as it is left); shows its message. True if valid."""
        editor = self.fields[name]
        message = editor.problem(self.ctx.lang)
        editor.show_problem(message)
        return message is None

    def _form_updated_today(self) -> None:
        editor = self.fields["form_updated_on"]
        editor.set_text(dt.date.today().isoformat())
        self.check_field("form_updated_on")
        self.sig_edited.emit()

    def is_dirty(self) -> bool:
        return any(f.is_dirty() for f in self.fields.values())

    def problems(self) -> list[str]:
        return [n for n, f in self.fields.items() if f.is_dirty() and not self.check_field(n)]

    def owns(self, name: str) -> bool:
        return name in self.fields

    def focus_field(self, name: str) -> None:
        self.fields[name].widget.setFocus()

    def show_problem(self, name: str, message: str) -> bool:
        if name not in self.fields:
            return False
        self.fields[name].show_problem(message)
        return True

    def changes(self) -> dict[str, str]:
        """The changed fields' texts, by field name."""
        return {n: f.text() for n, f in self.fields.items() if f.is_dirty()}

    def draft(self) -> dict[str, str]:
        return self.changes()

    def restore(self, part: Any) -> None:
        for name, text in (part or {}).items():
            if name in self.fields:
                self.fields[name].set_text(text)
                self.check_field(name)

    def discard(self) -> None:
        for editor in self.fields.values():
            editor.load(editor.original)

    def mark_saved(self) -> None:
        for editor in self.fields.values():
            editor.original = editor.text()
