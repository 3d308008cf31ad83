"""权益清单: the rights ledger of a relocated household (有人管、不悬空、不漏项), edited in place:
status, person in charge and note; what needs action first, in red words."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ....store.rights import RightEdit
from ...context import AppContext
from ...models.records import records_view
from ...models.rights_table import RightsDelegate, RightsModel
from ...widgets import alert_badge
from .tab import HouseholdTab, translate


class RightsTab(HouseholdTab):
    """权益清单: shown for relocated households only."""

    draft_key = "rights"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        box = QVBoxLayout(self)
        line = QHBoxLayout()
        self.rights_summary = QLabel()
        line.addWidget(self.rights_summary)
        self.rights_alert = alert_badge("", "red")
        line.addWidget(self.rights_alert)
        line.addStretch(1)
        hint = QLabel(translate("HouseholdDetailPage", "双击状态、责任人或备注即可修改"))
        hint.setObjectName("tileLabel")
        line.addWidget(hint)
        box.addLayout(line)
        self.rights_model = RightsModel(self.ctx.lang, self)
        self.rights_model.sig_edited.connect(self._edited)
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

    def set_names(self, names: list[str]) -> None:
        """The people a right can be put in charge of (type-ahead in the 责任人 cell)."""
        self.rights_delegate.names = names

    def applies(self, detail: dict[str, Any]) -> bool:
        return bool(detail["relocated"])

    def fill(self, detail: dict[str, Any]) -> None:
        self.rights_model.set_ledger(detail["rights"])
        self.show_summary()

    def show_summary(self) -> None:
        """How many rights are secured, in progress, wrong and dangling, as edited now."""
        counts = self.rights_model.summary()
        self.rights_summary.setText(translate(
            "HouseholdDetailPage",
            "共 {total} 项：保障到位 {secured} 项，办理中 {progress} 项，有问题 {problem} 项").format(
                total=self.rights_model.rowCount(), secured=counts["secured"],
                progress=counts["in_progress"], problem=counts["problem"]))
        self.rights_alert.setText(self.tr("权益悬空 %n 项", "", counts["dangling"]))
        self.rights_alert.setVisible(counts["dangling"] > 0)

    def _edited(self) -> None:
        self.show_summary()
        self.sig_edited.emit()

    def is_dirty(self) -> bool:
        return bool(self.rights_model.edits())

    def changes(self) -> list[RightEdit]:
        return self.rights_model.edits()

    def draft(self) -> dict[str, tuple[str | None, str, str]]:
        return self.rights_model.edited_values()

    def restore(self, part: Any) -> None:
        self.rights_model.restore({k: tuple(v) for k, v in (part or {}).items()})
        self.show_summary()

    def discard(self) -> None:
        self.rights_model.discard()
