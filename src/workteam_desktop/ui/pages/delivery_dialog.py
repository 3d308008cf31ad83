"""新建/编辑十送行动: the form of one action (households, date, category, people reached,
photos).

Beneficiaries are picked with the household picker of 记录走访 (``pickers.HouseholdPicker``:
the household list's search, Enter picks the first match even while the list is open) into
a list below it; photos with the photo row of 记录走访 (``photo_strip.PhotoStrip``)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QDate,
    QEvent,
    Qt,
)
from PySide6.QtGui import QIntValidator, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...domain import catalogues as cat
from ...domain.problems import DomainError
from ...store.deliveries import (
    ActionInput,
    save_action,
)
from ..context import AppContext
from ..photo_strip import PhotoStrip
from ..pickers import HouseholdPicker
from ..record_dialog import RecordDialog
from ..record_widgets import (
    catalogue_combo,
    date_edit,
    set_invalid,
    text_box,
    with_error,
)
from ..widgets import field_error

_ROW_ROLE = Qt.ItemDataRole.UserRole + 1


def household_row(row: dict[str, Any]) -> dict[str, Any]:
    """A beneficiary as the picker and the list keep it: id, number, head and village."""
    return {k: row.get(k, "") for k in ("id", "number", "head_name", "village_name")}


class DeliveryDialog(RecordDialog):
    """新建/编辑十送行动."""

    draft_kind = "delivery"

    def __init__(self, ctx: AppContext, record_id: str | None, base: dict[str, Any],
                 villages: Sequence[dict[str, Any]], draft: dict[str, Any] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, record_id, base, parent)
        self.setWindowTitle(self.tr("编辑十送行动") if record_id else self.tr("新建十送行动"))
        self.setMinimumWidth(760)
        lang = ctx.lang
        self.category_box = catalogue_combo(cat.DELIVERY_CATEGORIES, lang)
        self.date_edit = date_edit(QDate.currentDate())
        self.village_box = QComboBox()
        self.village_box.addItem(self.tr("（不限村）"), None)
        for v in villages:
            self.village_box.addItem(v["name"], v["id"])
        self.place_edit = QLineEdit()
        self.place_edit.setPlaceholderText(self.tr("如：村委会会议室"))
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(self.tr("一句话说明做了什么"))
        self.title_error = field_error()
        self.title_edit.textEdited.connect(
            lambda _t: set_invalid(self.title_edit, self.title_error, None))
        self.description_edit = text_box(3)
        # A plain number field: QSpinBox under the style sheet draws unreadable arrows.
        self.people_edit = QLineEdit()
        self.people_edit.setValidator(QIntValidator(0, 10_000_000, self.people_edit))
        self.people_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.people_edit.setFixedWidth(120)
        self.people_edit.setPlaceholderText("0")
        self.villages = list(villages)
        # One household at a time, added to the list below (a list holds dozens; chips
        # beside the field would not).
        self.household_picker = HouseholdPicker(ctx)
        self.household_picker.set_placeholder(
            self.tr("输入户主姓名、户编号或身份证号后几位，回车加入"))
        self.household_picker.sig_picked.connect(self._household_picked)
        self.household_list = QListWidget()
        # Six rows; on a short screen it gives way first (three rows stay).
        self.household_list.setMinimumHeight(66)
        self.household_list.setMaximumHeight(118)
        self.household_list.installEventFilter(self)
        self.household_count = QLabel()
        self.household_count.setObjectName("tileLabel")
        self.remove_button = QPushButton(self.tr("移除所选 (Delete)"))
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(self.remove_selected_household)
        self.outcome_edit = text_box(2)
        self.photos = PhotoStrip(ctx, self.tr("还没有照片。可添加活动现场、签到表等照片"))
        self.photos.sig_changed.connect(self.mark_dirty)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        first = QHBoxLayout()
        first.addWidget(self.category_box, 1)
        first.addSpacing(12)
        first.addWidget(QLabel(self.tr("日期")))
        first.addWidget(self.date_edit)
        form.addRow(self.tr("类别"), first)
        second = QHBoxLayout()
        second.addWidget(self.village_box, 1)
        second.addSpacing(12)
        second.addWidget(QLabel(self.tr("地点")))
        second.addWidget(self.place_edit, 2)
        form.addRow(self.tr("所在村"), second)
        form.addRow(self.tr("标题"), with_error(self.title_edit, self.title_error))
        form.addRow(self.tr("活动内容"), self.description_edit)
        people = QHBoxLayout()
        people.addWidget(self.people_edit)
        people.addWidget(QLabel(self.tr("人")))
        people.addStretch(1)
        form.addRow(self.tr("覆盖人数"), people)
        households = QVBoxLayout()
        households.setSpacing(4)
        households.addWidget(self.household_picker)
        households.addWidget(self.household_list)
        below = QHBoxLayout()
        below.addWidget(self.household_count)
        below.addStretch(1)
        below.addWidget(self.remove_button)
        households.addLayout(below)
        form.addRow(self.tr("受益农户"), households)
        form.addRow(self.tr("成效"), self.outcome_edit)
        form.addRow(self.tr("照片"), with_error(self.photos, self.photos.photo_error))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(self.button_row())

        chain = [self.category_box, self.date_edit, self.village_box, self.place_edit,
                 self.title_edit, self.description_edit, self.people_edit,
                 self.household_picker.line_edit, self.household_list, self.remove_button,
                 self.outcome_edit, self.photos.photo_button, self.photos.photo_list,
                 self.cancel_button, self.save_button]
        for a, b in itertools.pairwise(chain):
            QWidget.setTabOrder(a, b)
        self.start(draft, [self.category_box, self.date_edit, self.village_box, self.place_edit,
                           self.title_edit, self.description_edit, self.people_edit,
                           self.outcome_edit])
        self.category_box.setFocus()

    # Beneficiaries --------------------------------------------------------------------

    def household_ids(self) -> list[str]:
        """The beneficiary households, in the order added."""
        return [self.household_list.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.household_list.count())]

    def household_rows(self) -> list[dict[str, Any]]:
        """The beneficiaries as the list shows them (for the draft)."""
        return [self.household_list.item(i).data(_ROW_ROLE)
                for i in range(self.household_list.count())]

    def _household_picked(self, row: dict[str, Any]) -> None:
        self.household_picker.clear()  # ready for the next household
        self.add_household(row)

    def add_household(self, row: dict[str, Any]) -> None:
        """Add a beneficiary (once); the first one sets the village if none is chosen."""
        if row["id"] in self.household_ids():
            return
        village = next((v["id"] for v in self.villages
                        if row.get("village_code") and v["code"] == row["village_code"]), None)
        if self.household_list.count() == 0 and village and self.village_box.currentData() is None:
            self.village_box.setCurrentIndex(max(0, self.village_box.findData(village)))
        self._append_household(household_row(row))
        self.household_list.scrollToBottom()
        self._count_households()
        self.mark_dirty()

    def _append_household(self, row: dict[str, Any]) -> None:
        label = row.pop("label", None) or self.household_picker.display(row)
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, row["id"])
        item.setData(_ROW_ROLE, {**row, "label": label})
        self.household_list.addItem(item)

    def remove_selected_household(self) -> None:
        """Take the selected household off the list."""
        row = self.household_list.currentRow()
        if row < 0:
            return
        self.household_list.takeItem(row)
        self._count_households()
        self.mark_dirty()

    def _count_households(self) -> None:
        count = self.household_list.count()
        self.household_count.setText(self.tr("已选 %n 户", "", count) if count
                                     else self.tr("还没有选择受益农户"))
        self.remove_button.setEnabled(count > 0)

    def eventFilter(self, watched: Any, event: Any) -> bool:
        if (watched is self.household_list and isinstance(event, QKeyEvent)
                and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)):
            self.remove_selected_household()
            return True
        return super().eventFilter(watched, event)

    # RecordDialog ---------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        return {
            "category": self.category_box.currentData(),
            "action_date": self.date_edit.date().toPython().isoformat(),
            "village_id": self.village_box.currentData(),
            "place": self.place_edit.text(), "title": self.title_edit.text(),
            "description": self.description_edit.toPlainText(),
            "people_reached": self.people_edit.text(),
            "households": self.household_rows(),
            "outcome": self.outcome_edit.toPlainText(),
            "photos": self.photos.photos(),
        }

    def set_values(self, values: dict[str, Any]) -> None:
        self.category_box.setCurrentIndex(max(0, self.category_box.findData(values.get("category"))))
        day = values.get("action_date")
        self.date_edit.setDate(QDate.fromString(day, "yyyy-MM-dd") if day else QDate.currentDate())
        self.village_box.setCurrentIndex(max(0, self.village_box.findData(values.get("village_id"))))
        self.place_edit.setText(values.get("place", ""))
        self.title_edit.setText(values.get("title", ""))
        self.description_edit.setPlainText(values.get("description", ""))
        people = values.get("people_reached") or ""
        self.people_edit.setText(str(people) if people not in ("", 0, "0") else "")
        self.household_list.clear()
        for household in values.get("households", []):
            if isinstance(household, list | tuple):  # a draft of an older version: [id, label]
                household = {"id": household[0], "label": household[1]}
            self._append_household(dict(household))
        self._count_households()
        self.outcome_edit.setPlainText(values.get("outcome", ""))
        self.photos.set_photos(values.get("photos", []))

    def parse(self) -> ActionInput | None:
        title = self.title_edit.text().strip()
        if not title:
            set_invalid(self.title_edit, self.title_error, self.tr("请填写标题，如“黄花种植技术培训”"))
            self.title_edit.setFocus()
            return None
        if not self.photos.check():
            self.photos.photo_button.setFocus()
            return None
        return ActionInput(
            category=self.category_box.currentData(),
            action_date=self.date_edit.date().toPython(), title=title,
            place=self.place_edit.text(), description=self.description_edit.toPlainText(),
            people_reached=self.people_reached(), outcome=self.outcome_edit.toPlainText(),
            households=self.household_ids(), village_id=self.village_box.currentData(),
            photos=self.photos.paths(),
            removed_photos=self.photos.removed_ids(self.base.get("photos", [])))

    def people_reached(self) -> int:
        """覆盖人数 as typed (the validator lets only digits and group separators in)."""
        digits = "".join(ch for ch in self.people_edit.text() if ch.isdigit())
        return int(digits) if digits else 0

    def save_function(self) -> Callable[..., str]:
        return save_action

    def show_problem(self, error: DomainError) -> None:
        if error.field_name == "title":
            set_invalid(self.title_edit, self.title_error, error.message(self.ctx.lang))
        else:
            super().show_problem(error)

