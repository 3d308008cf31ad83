"""培训: the team's trainings (技能培训, 培训制度化) with who took part and the certificates
they obtained (人人持证); new, edit, delete with undo, as the other record pages.

Participants are picked by type-ahead over the members of the team's households (name,
ID number's last digits, household number) into a checked list, each with the
certificate obtained. The store functions are in store/trainings.py.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from ...store import Store
from ...store.team import TeamInfo, list_teams
from ...store.trainings import (
    TrainingCounts,
    count_trainings,
    delete_training,
    list_trainings,
    restore_training,
    training_counts,
    training_detail,
)
from ..columns import fit_columns_to_text
from ..context import AppContext
from ..record_dialog import RecordDialog
from ..record_widgets import PAGE_SIZE, Column, PeriodFilter
from ..widgets import date_text
from .record_page import Loader, RecordPage
from .training_dialog import TrainingDialog, hours_text

ENTITIES = frozenset({"training", "training_participant", "team", "team_area", "member",
                      "household"})


def _load_trainings(store: Store, team_id: str | None, date_from: dt.date | None,
                    date_to: dt.date | None, offset: int
                    ) -> tuple[list[TeamInfo], list[dict[str, Any]], int, TrainingCounts, bool]:
    total = count_trainings(store, team_id, date_from, date_to)
    ever = total > 0 or count_trainings(store, team_id) > 0
    return (list_teams(store),
            list_trainings(store, team_id, date_from, date_to, limit=PAGE_SIZE, offset=offset),
            total, training_counts(store, team_id, date_from, date_to), ever)


class TrainingsPage(RecordPage):
    """The trainings list with its totals, new/edit/delete with undo."""

    name = "trainings"
    dialog_class = TrainingDialog
    watched = ENTITIES
    changed = ("training", "training_participant")
    stretch_column = 1  # 培训主题
    store_detail = staticmethod(training_detail)
    store_delete = staticmethod(delete_training)
    store_restore = staticmethod(restore_training)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.teams: list[TeamInfo] = []
        self._teams_shown = False  # the first load's teams arrived (新建 waits for them)
        self._ever = False  # the team has any training at all (for the empty state)
        filters = QHBoxLayout()
        self.team_label = QLabel(self.tr("工作队"))
        self.team_box = QComboBox()
        self.team_box.setMinimumWidth(200)
        self.team_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.team_box.addItem(self.tr("全部工作队"), None)
        filters.addWidget(self.team_label)
        filters.addWidget(self.team_box)
        filters.addSpacing(10)
        filters.addWidget(QLabel(self.tr("时间")))
        self.period = PeriodFilter("year")
        filters.addWidget(self.period)
        filters.addStretch(1)
        self.top.addLayout(filters)
        self.summary = QLabel()
        self.summary.setObjectName("tileLabel")
        self.summary.setWordWrap(True)
        self.top.addWidget(self.summary)

        self.team_box.currentIndexChanged.connect(lambda _i: self.reload())
        self.period.sig_changed.connect(self.reload)
        self._update_buttons()

    def title(self) -> str:
        return self.tr("培训")

    def new_button_text(self) -> str:
        return self.tr("新建培训 (Ctrl+N)")

    def columns(self) -> list[Column]:
        return [
            Column(self.tr("日期"), lambda r: date_text(r["training_date"])),
            Column(self.tr("培训主题"), lambda r: r["title"], tooltip=True),
            Column(self.tr("授课人"), lambda r: r["trainer"], tooltip=True),
            Column(self.tr("地点"), lambda r: r["place"], tooltip=True),
            Column(self.tr("学时"), lambda r: hours_text(r["hours"]), numeric=True),
            Column(self.tr("参训人次"), lambda r: f"{r['attendees']:,}", numeric=True),
            Column(self.tr("登记人员"), lambda r: f"{r['participants']:,}", numeric=True),
            Column(self.tr("取得证书"), lambda r: f"{r['certificates']:,}", numeric=True),
            Column(self.tr("工作队"), lambda r: r["team_name"], tooltip=True),
        ]

    def _fit_columns(self) -> None:
        """The 工作队 column while every team is listed; on a narrow screen (1024 wide) it
        takes the place of 授课人 and 地点 (still in the edit form), so the topic stays
        readable without scrolling sideways."""
        teams_shown = len(self.teams) > 1 and self.team_id() is None
        narrow = teams_shown and self.width() < 1100
        hidden = {8: not teams_shown, 2: narrow, 3: narrow}
        if any(self.table.isColumnHidden(c) != h for c, h in hidden.items()):
            for column, hide in hidden.items():
                self.table.setColumnHidden(column, hide)
            # The others take the room of the hidden columns.
            fit_columns_to_text(self.table, self.stretch_column, self.give_way_columns)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_columns()

    def activate(self, **params: Any) -> None:
        self.reload()

    def team_id(self) -> str | None:
        """The team the list is limited to (None: every team)."""
        return self.team_box.currentData()

    def _show_teams(self, teams: list[TeamInfo]) -> None:
        """The team filter: shown only when the data holds several teams (a supervisor's
        or the demo's); a laptop set up for one team starts on it."""
        self.teams = teams
        known = [self.team_box.itemData(i) for i in range(1, self.team_box.count())]
        if known != [t.id for t in teams]:
            chosen = self.team_id()
            self.team_box.blockSignals(True)
            while self.team_box.count() > 1:
                self.team_box.removeItem(1)
            for team in teams:
                self.team_box.addItem(team.name, team.id)
            self.team_box.setCurrentIndex(max(0, self.team_box.findData(chosen)))
            self.team_box.blockSignals(False)
        several = len(teams) > 1
        self.team_label.setVisible(several)
        self.team_box.setVisible(several)
        self._fit_columns()
        if not self._teams_shown:
            self._teams_shown = True
            home = next((t for t in teams if t.home), None)
            if home is not None and several:
                self.team_box.setCurrentIndex(self.team_box.findData(home.id))  # reloads

    # RecordPage -----------------------------------------------------------------------

    def loader(self, offset: int) -> Loader:
        date_from, date_to = self.period.date_range()
        return partial(_load_trainings, team_id=self.team_id(), date_from=date_from,
                       date_to=date_to, offset=offset)

    def show_result(self, result: tuple[list[TeamInfo], list[dict[str, Any]], int,
                                        TrainingCounts, bool]
                    ) -> tuple[list[dict[str, Any]], int]:
        teams, rows, total, counts, ever = result
        self._ever = ever
        self._show_teams(teams)
        self.summary.setText(self.tr(
            "{period}：培训 {n} 次，共 {hours} 学时，参训 {attendees} 人次；登记参训人员 {people} 人，"
            "取得证书 {certs} 本（人人持证）").format(
            period=self.period.combo.currentText(), n=f"{counts.trainings:,}",
            hours=f"{counts.hours:,.1f}".rstrip("0").rstrip("."),
            attendees=f"{counts.attendees:,}", people=f"{counts.people:,}",
            certs=f"{counts.certificates:,}"))
        return rows, total

    def empty_text(self) -> str:
        if not self.teams:
            return self.tr("本机还没有工作队：请先在 设置 → 工作队 中设置，或登录服务器同步")
        if not self._ever:
            return self.tr("还没有培训记录，按 Ctrl+N 新建")
        return self.tr("这段时间没有培训记录。可以把时间改为“全部时间”，或按 Ctrl+N 新建")

    def _update_buttons(self) -> None:
        super()._update_buttons()
        self.new_button.setEnabled(bool(self.teams) or not self._teams_shown)

    def can_create(self) -> bool:
        return bool(self.teams)

    def _default_team(self) -> str | None:
        if self.team_id():
            return self.team_id()
        home = next((t for t in self.teams if t.home), None)
        return (home or self.teams[0]).id if self.teams else None

    def base_for_new(self) -> dict[str, Any]:
        return {"team_id": self._default_team(), "training_date": dt.date.today().isoformat(),
                "participants": []}

    def base_for_edit(self, detail: dict[str, Any]) -> dict[str, Any]:
        base = {k: detail[k] for k in ("team_id", "training_date", "title", "trainer", "place",
                                       "hours", "attendees", "note")}
        base["participants"] = [
            {"id": p["member_id"], "name": p["name"],
             "household": f"{p['head_name']}户 · {p['village_name']}",
             "masked": p["id_number_masked"], "certificate": p["certificate"], "checked": True}
            for p in detail["participants"]]
        return base

    def make_dialog(self, record_id: str | None, base: dict[str, Any],
                    draft: dict[str, Any] | None) -> RecordDialog:
        return TrainingDialog(self.ctx, record_id, base, self.teams, draft, self)

    def saved_text(self, dialog: RecordDialog) -> str:
        assert isinstance(dialog, TrainingDialog)
        return self.tr("已保存“{title}”").format(title=dialog.title_edit.text().strip())

    def describe(self, row: dict[str, Any]) -> str:
        return self.tr("“{title}”").format(title=row["title"])

    def delete_title(self) -> str:
        return self.tr("删除培训")

    def new_training(self) -> None:
        """Open the form for a new training (with the last unsaved draft, if any)."""
        self.new_record()
