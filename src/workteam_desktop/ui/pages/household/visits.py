"""走访: the household's visits, newest first, with their urgent needs; a new visit is
started from here, and an open need can be resolved without going to the visit log."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget
from shiboken6 import isValid

from ....domain import catalogues as cat
from ....store.urgent_needs import get_urgent_need
from ...context import AppContext
from ...dialogs_urgent import ResolveNeedDialog
from ...models.records import RecordsModel, records_view
from ...widgets import date_text
from .tab import HouseholdTab, translate, with_empty


class VisitsTab(HouseholdTab):
    """走访: the visits to the household and their urgent needs."""

    sig_need_resolved = Signal()  # a need was resolved from here: the household changed

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.household_id: str | None = None
        self._rows = 0
        box = QVBoxLayout(self)
        line = QHBoxLayout()
        self.visits_summary = QLabel()
        line.addWidget(self.visits_summary)
        line.addStretch(1)
        self.new_visit_button = QPushButton(translate("HouseholdDetailPage", "记录走访"))
        self.new_visit_button.clicked.connect(
            lambda: self.ctx.navigate("visit", household=self.household_id))
        line.addWidget(self.new_visit_button)
        # An open urgent need can be resolved from the household as well as from the log.
        self.resolve_button = QPushButton(translate("HouseholdDetailPage", "解决急难愁盼…"))
        self.resolve_button.setEnabled(False)
        self.resolve_button.clicked.connect(self._resolve_selected_need)
        line.addWidget(self.resolve_button)
        box.addLayout(line)
        self._open_needs: list[list[str]] = []  # per visit row: ids of open needs
        self.visits_model = RecordsModel([
            translate("HouseholdDetailPage", "日期"),
            translate("HouseholdDetailPage", "走访人"),
            translate("HouseholdDetailPage", "走访目的"),
            translate("HouseholdDetailPage", "发现的情况"),
            translate("HouseholdDetailPage", "急难愁盼"),
            translate("HouseholdDetailPage", "提示")], badge_column=5, parent=self)
        self.visits_view = records_view(self.visits_model, {0: 100, 1: 120, 2: 200, 3: 300, 4: 300})
        self.visits_view.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.resolve_button.setEnabled(
                0 <= current.row() < len(self._open_needs)
                and bool(self._open_needs[current.row()])))
        self.stack, self.visits_empty = with_empty(self.visits_view)
        box.addWidget(self.stack, 1)

    def fill(self, detail: dict[str, Any]) -> None:
        lang = self.ctx.lang
        self.household_id = detail["id"]
        rows, badges = [], []
        open_needs = 0
        self._open_needs = [
            [n["id"] for n in v["urgent_needs"] if n["status"] != "resolved"]
            for v in detail["visits"]]
        self.resolve_button.setEnabled(False)
        for v in detail["visits"]:  # newest first (the store orders them)
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
        visits = self.tr("最近 %n 次走访", "", len(rows))
        needs = self.tr("未解决的急难愁盼 %n 件", "", open_needs)
        summary = self.tr("{visits}，{needs}")
        self.visits_summary.setText(summary.format(visits=visits, needs=needs) if rows else "")
        self.visits_empty.setText(translate(
            "HouseholdDetailPage", "还没有走访记录，点右上角“记录走访”新建。"))
        self.stack.setCurrentIndex(0 if rows else 1)
        self._rows = len(rows)

    def count(self) -> int:
        return self._rows

    def _resolve_selected_need(self) -> None:
        row = self.visits_view.currentIndex().row()
        if not 0 <= row < len(self._open_needs) or not self._open_needs[row]:
            return
        need_id = self._open_needs[row][0]
        self.ctx.tasks.run(get_urgent_need, self.ctx.store, need_id, lang=self.ctx.lang,
                           done=self._open_resolve_dialog)

    def _open_resolve_dialog(self, need: dict[str, Any]) -> None:
        if not isValid(self):
            return
        dialog = ResolveNeedDialog(self.ctx, need, parent=self)
        dialog.sig_resolved.connect(lambda _need: self.sig_need_resolved.emit())
        dialog.open()
