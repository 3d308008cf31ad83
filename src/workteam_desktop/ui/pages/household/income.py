"""收入: the latest year's income, edited in place, with the per-capita net income
recomputed as the cadre types and compared with the observation threshold; the years
before in a table below."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ....domain import rules
from ....domain.fields import money_text
from ....domain.problems import DomainError
from ....store.income import INCOME_FIELDS, IncomeEdit, parse_income_field, preview_per_capita
from ...context import AppContext
from ...models.records import RecordsModel, records_view
from ...widgets import alert_badge, field_error, money
from .form_scroll import FormScrollArea
from .tab import HouseholdTab, SampleWidthEdit, below, translate

AMOUNT_SAMPLE = "999,999.00"  # an amount an income field shows whole


class IncomeTab(HouseholdTab):
    """收入: the latest year's income (editable) and the years before."""

    draft_key = "income"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.income_year: int | None = None
        self._original: dict[str, str] = {}
        self._member_rows = 0
        self._threshold = rules.DEFAULT_OBSERVATION_THRESHOLD

        outer = QVBoxLayout()
        row = QHBoxLayout()
        row.addLayout(self._build_form(), 3)
        row.addWidget(self._build_result(), 2)
        outer.addLayout(row)
        history = QLabel(translate("HouseholdDetailPage", "历年收入"))
        history.setObjectName("tileLabel")
        outer.addWidget(history)
        self.income_model = RecordsModel([
            translate("HouseholdDetailPage", "年度"),
            translate("HouseholdDetailPage", "工资性收入"),
            translate("HouseholdDetailPage", "经营净收入"),
            translate("HouseholdDetailPage", "财产净收入"),
            translate("HouseholdDetailPage", "转移净收入"),
            translate("HouseholdDetailPage", "生产经营费用"),
            translate("HouseholdDetailPage", "人口"),
            translate("HouseholdDetailPage", "人均纯收入"),
            translate("HouseholdDetailPage", "提示")],
            right_aligned=[1, 2, 3, 4, 5, 6, 7], badge_column=8, parent=self)
        self.income_view = records_view(self.income_model, {
            0: 60, 1: 120, 2: 120, 3: 120, 4: 120, 5: 120, 6: 60, 7: 130})
        outer.addWidget(self.income_view, 1)
        # A small screen with red messages: the form scrolls rather than crush the table.
        self.scroll = FormScrollArea(outer)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.scroll)

    def _build_form(self) -> QGridLayout:
        form = QGridLayout()
        form.setVerticalSpacing(2)
        self.income_year_label = QLabel()
        self.income_year_label.setObjectName("tileLabel")
        form.addWidget(self.income_year_label, 0, 0, 1, 4)
        labels = {
            "wage": translate("HouseholdDetailPage", "工资性收入（元）"),
            "operating": translate("HouseholdDetailPage", "经营净收入（元）"),
            "property": translate("HouseholdDetailPage", "财产净收入（元）"),
            "transfer": translate("HouseholdDetailPage", "转移净收入（元）"),
            "costs": translate("HouseholdDetailPage", "生产经营费用（元）"),
            "members": translate("HouseholdDetailPage", "家庭人口（人）"),
        }
        self.income_edits: dict[str, SampleWidthEdit] = {}
        self.income_errors: dict[str, QLabel] = {}
        for i, name in enumerate(INCOME_FIELDS):
            edit = SampleWidthEdit("99" if name == "members" else AMOUNT_SAMPLE)
            edit.setAlignment(Qt.AlignmentFlag.AlignRight)
            edit.textChanged.connect(self._typed)
            edit.textEdited.connect(lambda _t: self.sig_edited.emit())
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
        return form

    def _build_result(self) -> QFrame:
        result = QFrame()
        result.setObjectName("tile")
        box = QVBoxLayout(result)
        caption = QLabel(translate("HouseholdDetailPage", "人均纯收入"))
        caption.setObjectName("tileLabel")
        box.addWidget(caption)
        figure = QHBoxLayout()
        self.per_capita_label = QLabel()
        self.per_capita_label.setObjectName("tileValue")
        figure.addWidget(self.per_capita_label)
        self.below_badge = alert_badge(translate("HouseholdDetailPage", "低于标准"), "red")
        figure.addWidget(self.below_badge)
        figure.addStretch(1)
        box.addLayout(figure)
        self.threshold_label = QLabel()
        self.threshold_label.setObjectName("tileLabel")
        self.threshold_label.setWordWrap(True)
        box.addWidget(self.threshold_label)
        return result

    # ---------------------------------------------------------------- filling

    def fill(self, detail: dict[str, Any]) -> None:
        incomes = detail["income"]
        latest = incomes[-1] if incomes else None
        self._member_rows = len(detail["members"])
        self._threshold = latest["threshold"] if latest else detail["threshold"]
        if latest:
            self.income_year = latest["year"]
            self.income_year_label.setText(translate(
                "HouseholdDetailPage", "{year} 年收入（最近一年，可直接修改）").format(
                year=latest["year"]))
            texts = {n: money_text(latest[n]) for n in INCOME_FIELDS if n != "members"}
            texts["members"] = str(latest["members"]) if latest["members"] else ""
        else:
            self.income_year = dt.date.today().year - 1
            self.income_year_label.setText(translate(
                "HouseholdDetailPage",
                "还没有收入记录：填写 {year} 年的收入后保存即可新建").format(year=self.income_year))
            texts = dict.fromkeys(INCOME_FIELDS, "")
        self._original = texts
        self.income_edits["members"].setPlaceholderText(
            translate("HouseholdDetailPage", "按成员计 {n} 人").format(n=self._member_rows))
        for name, edit in self.income_edits.items():
            edit.blockSignals(True)
            edit.setText(texts[name])
            edit.blockSignals(False)
            self._show_problem(name, None)
        self._typed()
        word = translate("HouseholdDetailPage", "低于标准")
        rows, badges = [], []
        for inc in reversed(incomes):  # newest first
            is_below = below(inc["per_capita_income"], inc["threshold"])
            rows.append((str(inc["year"]), *(money(inc[n]) for n in
                                             ("wage", "operating", "property", "transfer",
                                              "costs")),
                         str(inc["members"] or self._member_rows),
                         money(inc["per_capita_income"]), word if is_below else ""))
            badges.append([(word, "red")] if is_below else [])
        self.income_model.set_rows(rows, badges)

    # ---------------------------------------------------------------- editing

    def check_income_field(self, name: str) -> bool:
        """Check one income field (as it is left); shows its message. True if valid."""
        try:
            parse_income_field(name, self.income_edits[name].text())
        except DomainError as exc:
            self._show_problem(name, exc.message(self.ctx.lang))
            return False
        self._show_problem(name, None)
        return True

    def _show_problem(self, name: str, message: str | None) -> None:
        error, edit = self.income_errors[name], self.income_edits[name]
        error.setText(message or "")
        error.setVisible(bool(message))
        edit.setProperty("invalid", bool(message))
        edit.style().unpolish(edit)
        edit.style().polish(edit)

    def texts(self) -> dict[str, str]:
        """What each income field holds now."""
        return {name: edit.text() for name, edit in self.income_edits.items()}

    def per_capita_preview(self) -> float | None:
        """The per-capita net income the tab shows now."""
        return preview_per_capita(self.texts(), self._member_rows)

    def _typed(self) -> None:
        """Recompute per-capita net income as the cadre types."""
        value = self.per_capita_preview()
        self.per_capita_label.setText(money(value) if value is not None else "—")
        self.below_badge.setVisible(below(value, self._threshold))
        text = translate(
            "HouseholdDetailPage", "= (四项收入合计 − 生产经营费用) ÷ 家庭人口\n观测对象标准：{threshold}"
        ).format(threshold=money(self._threshold))
        if value is None and self._has_problem():
            text = translate("HouseholdDetailPage", "改正标红的数字后即可算出。") + "\n" + text
        self.threshold_label.setText(text)

    def _has_problem(self) -> bool:
        for name, edit in self.income_edits.items():
            try:
                parse_income_field(name, edit.text())
            except DomainError:
                return True
        return False

    def is_dirty(self) -> bool:
        for name, edit in self.income_edits.items():
            now, before = edit.text(), self._original.get(name, "")
            if now == before:
                continue
            try:
                if parse_income_field(name, now) == parse_income_field(name, before):
                    continue
            except DomainError:
                pass
            return True
        return False

    def problems(self) -> list[str]:
        if not self.is_dirty():
            return []
        return [n for n in INCOME_FIELDS if not self.check_income_field(n)]

    def owns(self, name: str) -> bool:
        return name in self.income_edits

    def focus_field(self, name: str) -> None:
        self.income_edits[name].setFocus()

    def changes(self) -> IncomeEdit | None:
        """The year's income as typed, when it differs from what was loaded."""
        if not self.is_dirty():
            return None
        return IncomeEdit(self.income_year or dt.date.today().year - 1, self.texts())

    def draft(self) -> dict[str, Any] | None:
        return {"year": self.income_year, "texts": self.texts()} if self.is_dirty() else None

    def restore(self, part: Any) -> None:
        if not part or part.get("year") != self.income_year:
            return  # typed for another year (a newer one has been added since)
        for name, text in part["texts"].items():
            if name in self.income_edits:
                self.income_edits[name].setText(text)
                self.check_income_field(name)

    def discard(self) -> None:
        for name, edit in self.income_edits.items():
            edit.setText(self._original.get(name, ""))
            self._show_problem(name, None)

    def mark_saved(self) -> None:
        self._original = self.texts()
