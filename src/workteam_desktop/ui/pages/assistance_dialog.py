"""新建/编辑帮扶记录: the form of one assistance record.

The household and the responsible cadre are picked with the pickers of 记录走访
(``pickers.HouseholdPicker`` and ``pickers.CadrePicker``), photos with its photo row
(``photo_strip.PhotoStrip``)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ...domain import catalogues as cat
from ...domain.fields import parse_money
from ...domain.problems import DomainError
from ...store.assistance import (
    RecordInput,
    save_record,
)
from ..context import AppContext
from ..photo_strip import PhotoStrip
from ..pickers import CadrePicker, HouseholdPicker, TypeAheadPicker
from ..record_dialog import RecordDialog
from ..record_widgets import (
    catalogue_combo,
    date_edit,
    set_invalid,
    text_box,
    with_error,
)
from ..widgets import field_error


def household_choice(detail: dict[str, Any]) -> dict[str, Any]:
    """The household of a record (``record_detail``) as the household picker shows it."""
    return {"id": detail["household_id"], "number": detail["household_number"],
            "head_name": detail["head_name"], "village_name": detail["village_name"]}


def cadre_choice(detail: dict[str, Any]) -> dict[str, Any] | None:
    """The responsible cadre of a record (``record_detail``) as the cadre picker shows it."""
    if not detail.get("cadre_id"):
        return None
    return {"id": detail["cadre_id"], "name": detail["cadre_name"],
            "role_label": detail.get("cadre_role_label", ""),
            "team_name": detail.get("cadre_team_name", "")}


def parse_amount(text: str) -> float:
    """Yuan typed in the form; empty means no money (many measures have none)."""
    return parse_money(text, "金额") if text.strip() else 0.0

# ====================================================================== the record form

class AssistanceDialog(RecordDialog):
    """新建/编辑帮扶记录."""

    draft_kind = "assistance"

    def __init__(self, ctx: AppContext, record_id: str | None, base: dict[str, Any],
                 draft: dict[str, Any] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, record_id, base, parent)
        self.setWindowTitle(self.tr("编辑帮扶记录") if record_id else self.tr("新建帮扶记录"))
        self.setMinimumWidth(640)
        lang = ctx.lang
        self.household_edit = HouseholdPicker(ctx)
        self.household_error = field_error()
        self.household_edit.sig_picked.connect(
            lambda _row: set_invalid(self.household_edit.line_edit, self.household_error, None))
        self.kind_box = catalogue_combo(cat.MEASURE_KINDS, lang)
        self.content_edit = QLineEdit()
        self.content_edit.setPlaceholderText(self.tr("如：黄花种植产业奖补"))
        self.content_error = field_error()
        self.content_edit.textEdited.connect(
            lambda _t: set_invalid(self.content_edit, self.content_error, None))
        self.amount_edit = QLineEdit()
        self.amount_edit.setPlaceholderText(self.tr("没有金额可不填"))
        self.amount_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount_edit.setMaximumWidth(180)
        self.amount_error = field_error()
        self.amount_edit.editingFinished.connect(self.check_amount)
        self.amount_edit.textEdited.connect(
            lambda _t: set_invalid(self.amount_edit, self.amount_error, None))
        self.date_edit = date_edit(QDate.currentDate())
        # A new choice is a cadre in post; a record keeps the cadre it names.
        self.cadre_edit = CadrePicker(ctx, multiple=False, serving_only=True)
        self.cadre_error = field_error()
        self.cadre_edit.sig_changed.connect(
            lambda: set_invalid(self.cadre_edit.line_edit, self.cadre_error, None))
        self.status_box = catalogue_combo(cat.ASSISTANCE_STATUSES, lang)
        self.result_edit = text_box(2)
        self.photos = PhotoStrip(ctx, self.tr("还没有照片。可添加发放凭证、措施落实现场等照片"))
        self.photos.sig_changed.connect(self.mark_dirty)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow(self.tr("农户"), with_error(self.household_edit, self.household_error))
        kind_row = QHBoxLayout()
        kind_row.addWidget(self.kind_box, 1)
        kind_row.addSpacing(12)
        kind_row.addWidget(QLabel(self.tr("日期")))
        kind_row.addWidget(self.date_edit)
        form.addRow(self.tr("措施类型"), kind_row)
        form.addRow(self.tr("帮扶内容"), with_error(self.content_edit, self.content_error))
        amount_row = QHBoxLayout()
        amount_row.addWidget(self.amount_edit)
        amount_row.addWidget(QLabel(self.tr("元")))
        amount_row.addWidget(self.amount_error, 1)
        form.addRow(self.tr("金额"), amount_row)
        form.addRow(self.tr("帮扶责任人"), with_error(self.cadre_edit, self.cadre_error))
        form.addRow(self.tr("状态"), self.status_box)
        form.addRow(self.tr("成效"), self.result_edit)
        form.addRow(self.tr("照片"), with_error(self.photos, self.photos.photo_error))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(self.button_row())

        chain = [self.household_edit.line_edit, self.kind_box, self.date_edit, self.content_edit,
                 self.amount_edit, self.cadre_edit.line_edit, self.status_box, self.result_edit,
                 self.photos.photo_button, self.photos.photo_list, self.cancel_button,
                 self.save_button]
        for a, b in itertools.pairwise(chain):
            QWidget.setTabOrder(a, b)
        self.start(draft, [self.household_edit.line_edit, self.kind_box, self.date_edit,
                           self.content_edit, self.amount_edit, self.cadre_edit.line_edit,
                           self.status_box, self.result_edit])
        for picker in (self.household_edit, self.cadre_edit):
            picker.sig_changed.connect(self.mark_dirty)
        # A household already chosen (the per-household view): start at what is new.
        (self.kind_box if self.household_edit.choice() else self.household_edit.line_edit
         ).setFocus()

    def check_amount(self) -> bool:
        """Validate the amount as the field is left; the message sits next to it."""
        try:
            parse_amount(self.amount_edit.text())
        except DomainError as error:
            set_invalid(self.amount_edit, self.amount_error, error.message(self.ctx.lang))
            return False
        set_invalid(self.amount_edit, self.amount_error, None)
        return True

    # RecordDialog ---------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        return {
            "household": self.household_edit.choice(),
            "household_text": self.household_edit.pending_text(),
            "measure_kind": self.kind_box.currentData(), "content": self.content_edit.text(),
            "amount": self.amount_edit.text(),
            "record_date": self.date_edit.date().toPython().isoformat(),
            "cadre": self.cadre_edit.choice(),
            "cadre_text": self.cadre_edit.pending_text(),
            "status": self.status_box.currentData(), "result": self.result_edit.toPlainText(),
            "photos": self.photos.photos(),
        }

    def set_values(self, values: dict[str, Any]) -> None:
        pickers: tuple[tuple[TypeAheadPicker, str], ...] = (
            (self.household_edit, "household"), (self.cadre_edit, "cadre"))
        for picker, key in pickers:
            picked = values.get(key)
            if isinstance(picked, list | tuple):  # a draft of an older version: [id, label]
                picker.set_choices([])
                picker.load([picked[0]])
            else:
                picker.set_choices([picked] if picked else [])
                if not picked:
                    picker.line_edit.setText(values.get(f"{key}_text", ""))
        self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(values.get("measure_kind"))))
        self.content_edit.setText(values.get("content", ""))
        self.amount_edit.setText(values.get("amount", ""))
        day = values.get("record_date")
        self.date_edit.setDate(QDate.fromString(day, "yyyy-MM-dd") if day else QDate.currentDate())
        self.status_box.setCurrentIndex(max(0, self.status_box.findData(values.get("status"))))
        self.result_edit.setPlainText(values.get("result", ""))
        self.photos.set_photos(values.get("photos", []))

    def parse(self) -> RecordInput | None:
        first_bad: QWidget | None = None
        household = self.household_edit.choice()
        if household is None:
            set_invalid(self.household_edit.line_edit, self.household_error,
                        self.tr("请输入户主姓名或户编号，并从列表中选择农户"))
            first_bad = first_bad or self.household_edit.line_edit
        content = self.content_edit.text().strip()
        if not content:
            set_invalid(self.content_edit, self.content_error, self.tr("请填写帮扶内容"))
            first_bad = first_bad or self.content_edit
        if not self.check_amount():
            first_bad = first_bad or self.amount_edit
        cadre = self.cadre_edit.choice()
        if self.cadre_edit.pending_text() and cadre is None:
            set_invalid(self.cadre_edit.line_edit, self.cadre_error,
                        self.tr("请从列表中选择帮扶责任人，或清空此项"))
            first_bad = first_bad or self.cadre_edit.line_edit
        if not self.photos.check():
            first_bad = first_bad or self.photos.photo_button
        if first_bad is not None:
            first_bad.setFocus()
            return None
        return RecordInput(
            household=household["id"] if household else "",
            measure_kind=self.kind_box.currentData(), content=content,
            record_date=self.date_edit.date().toPython(),
            amount=parse_amount(self.amount_edit.text()),
            cadre=cadre["id"] if cadre else None,
            status=self.status_box.currentData(), result=self.result_edit.toPlainText(),
            photos=self.photos.paths(),
            removed_photos=self.photos.removed_ids(self.base.get("photos", [])))

    def save_function(self) -> Callable[..., str]:
        return save_record

    def show_problem(self, error: DomainError) -> None:
        fields = {"content": (self.content_edit, self.content_error),
                  "amount": (self.amount_edit, self.amount_error)}
        if error.field_name in fields:
            set_invalid(*fields[error.field_name], error.message(self.ctx.lang))
        else:
            super().show_problem(error)
