"""培训: the team's trainings (技能培训, 培训制度化) with who took part and the certificates
they obtained (人人持证); new, edit, delete with undo, as the other record pages.

Participants are picked by type-ahead over the members of the team's households (name,
ID number's last digits, household number) into a checked list, each with the
certificate obtained. The store functions are in store/trainings.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QKeySequence,
    QResizeEvent,
    QShortcut,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ...store import Store
from ...store.drafts import load_draft
from ...store.team import TeamInfo, list_teams
from ...store.trainings import (
    DeletedTraining,
    TrainingCounts,
    count_trainings,
    delete_training,
    list_trainings,
    restore_training,
    training_counts,
    training_detail,
)
from ..context import AppContext
from ..record_widgets import (
    PAGE_SIZE,
    Column,
    Pager,
    PeriodFilter,
    RowsModel,
    UndoNotice,
    make_table,
)
from ..widgets import accent_button, date_text, empty_state, page_title
from .base import Page
from .training_dialog import TrainingDialog, hours_text

ENTITIES = {"training", "training_participant", "team", "team_area", "member", "household"}

def _load_trainings(store: Store, team_id: str | None, date_from: dt.date | None,
                    date_to: dt.date | None, offset: int
                    ) -> tuple[list[TeamInfo], list[dict[str, Any]], int, TrainingCounts, bool]:
    total = count_trainings(store, team_id, date_from, date_to)
    ever = total > 0 or count_trainings(store, team_id) > 0
    return (list_teams(store),
            list_trainings(store, team_id, date_from, date_to, limit=PAGE_SIZE, offset=offset),
            total, training_counts(store, team_id, date_from, date_to), ever)

def _load_for_edit(store: Store, training_id: str, draft_key: str
                   ) -> tuple[dict[str, Any], dict[str, Any] | None]:
    return training_detail(store, training_id), load_draft(store, draft_key)

class TrainingsPage(Page):
    """The trainings list with its totals, new/edit/delete with undo."""

    name = "trainings"
    sig_loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.teams: list[TeamInfo] = []
        self.dialog: TrainingDialog | None = None
        self._seq = 0
        self._opening = False
        self._teams_shown = False
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        head.addWidget(page_title(self.tr("培训")))
        head.addStretch(1)
        self.new_button = accent_button(self.tr("新建培训 (Ctrl+N)"))
        self.edit_button = QPushButton(self.tr("编辑"))
        self.delete_button = QPushButton(self.tr("删除"))
        self.new_button.clicked.connect(self.new_training)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        for button in (self.edit_button, self.delete_button, self.new_button):
            head.addWidget(button)
        layout.addLayout(head)

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
        layout.addLayout(filters)
        self.summary = QLabel()
        self.summary.setObjectName("tileLabel")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)

        self.notice = UndoNotice()
        layout.addWidget(self.notice)

        self.model = RowsModel([
            Column(self.tr("日期"), lambda r: date_text(r["training_date"])),
            Column(self.tr("培训主题"), lambda r: r["title"], tooltip=True),
            Column(self.tr("授课人"), lambda r: r["trainer"], tooltip=True),
            Column(self.tr("地点"), lambda r: r["place"], tooltip=True),
            Column(self.tr("学时"), lambda r: hours_text(r["hours"]), numeric=True),
            Column(self.tr("参训人次"), lambda r: f"{r['attendees']:,}", numeric=True),
            Column(self.tr("登记人员"), lambda r: f"{r['participants']:,}", numeric=True),
            Column(self.tr("取得证书"), lambda r: f"{r['certificates']:,}", numeric=True),
            Column(self.tr("工作队"), lambda r: r["team_name"], tooltip=True),
        ], self)
        self.table = make_table(self.model, [96, 240, 110, 120, 50, 76, 76, 76, 200], [1])
        self.table.activated.connect(lambda _i: self.edit_selected())
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        QShortcut(QKeySequence(Qt.Key.Key_Delete), self.table, activated=self.delete_selected,
                  context=Qt.ShortcutContext.WidgetShortcut)
        self.empty = empty_state("")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        layout.addWidget(self.stack, 1)
        self.pager = Pager()
        self.pager.sig_offset.connect(self.reload)
        layout.addWidget(self.pager)

        QShortcut(QKeySequence("Ctrl+N"), self, activated=self.new_training)
        self.team_box.currentIndexChanged.connect(lambda _i: self.reload())
        self.period.sig_changed.connect(self.reload)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        ctx.sig_data_changed.connect(self._data_changed)
        self._update_buttons()

    def title(self) -> str:
        return self.tr("培训")

    def _fit_columns(self) -> None:
        """The 工作队 column while every team is listed; on a narrow screen (1024 wide) it
        takes the place of 授课人 and 地点 (still in the edit form), so the topic stays
        readable without scrolling sideways."""
        teams_shown = len(self.teams) > 1 and self.team_id() is None
        self.table.setColumnHidden(8, not teams_shown)
        narrow = teams_shown and self.width() < 1100
        for column in (2, 3):
            self.table.setColumnHidden(column, narrow)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_columns()

    def activate(self, **params: Any) -> None:
        self.reload()

    def _data_changed(self, entities: set[str]) -> None:
        if entities & ENTITIES and self.isVisible():
            self.reload(self.pager.offset)

    def team_id(self) -> str | None:
        """The team the list is limited to (None: every team)."""
        return self.team_box.currentData()

    def reload(self, offset: int = 0) -> None:
        """Reload the list (one page from ``offset``) and its totals off the GUI thread."""
        self._seq += 1
        seq = self._seq
        date_from, date_to = self.period.date_range()
        self.ctx.tasks.run(_load_trainings, self.ctx.store, self.team_id(), date_from, date_to,
                           offset, done=lambda result: self._show(seq, offset, result))

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

    def _show(self, seq: int, offset: int,
              result: tuple[list[TeamInfo], list[dict[str, Any]], int, TrainingCounts, bool]
              ) -> None:
        if seq != self._seq:
            return  # filters changed meanwhile; a newer load is on its way
        teams, rows, total, counts, ever = result
        self._show_teams(teams)
        self.summary.setText(self.tr(
            "{period}：培训 {n} 次，共 {hours} 学时，参训 {attendees} 人次；登记参训人员 {people} 人，"
            "取得证书 {certs} 本（人人持证）").format(
            period=self.period.combo.currentText(), n=f"{counts.trainings:,}",
            hours=f"{counts.hours:,.1f}".rstrip("0").rstrip("."),
            attendees=f"{counts.attendees:,}", people=f"{counts.people:,}",
            certs=f"{counts.certificates:,}"))
        selected = self.selected_row()
        self.model.set_rows(rows)
        self.pager.set_page(offset, len(rows), total)
        if rows:
            self.stack.setCurrentWidget(self.table)
            keep = next((i for i, r in enumerate(rows)
                         if selected and r["id"] == selected["id"]), None)
            if keep is not None:
                self.table.selectRow(keep)
        else:
            self.stack.setCurrentWidget(self.empty)
            if not teams:
                self.empty.setText(self.tr("本机还没有工作队：请先在 设置 → 工作队 中设置，"
                                           "或登录服务器同步"))
            elif not ever:
                self.empty.setText(self.tr("还没有培训记录，按 Ctrl+N 新建"))
            else:
                self.empty.setText(self.tr("这段时间没有培训记录。可以把时间改为“全部时间”，"
                                           "或按 Ctrl+N 新建"))
        self._update_buttons()
        self.sig_loaded.emit()

    # Rows -----------------------------------------------------------------------------

    def selected_row(self) -> dict[str, Any] | None:
        """The training selected in the list, if any."""
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.row(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        chosen = self.selected_row() is not None
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)
        self.new_button.setEnabled(bool(self.teams) or not self._teams_shown)

    def _default_team(self) -> str | None:
        if self.team_id():
            return self.team_id()
        home = next((t for t in self.teams if t.home), None)
        return (home or self.teams[0]).id if self.teams else None

    def new_training(self) -> None:
        """Open the form for a new training (with the last unsaved draft, if any)."""
        if self._opening or not self.teams:
            return
        self._opening = True
        base = {"team_id": self._default_team(), "training_date": dt.date.today().isoformat(),
                "participants": []}
        self.ctx.tasks.run(load_draft, self.ctx.store, f"{TrainingDialog.draft_kind}:new",
                           done=lambda draft: self._open_dialog(None, base, draft),
                           failed=self._open_failed)

    def edit_selected(self) -> None:
        """Open the form for the selected training."""
        row = self.selected_row()
        if row is None or self._opening:
            return
        self._opening = True
        self.ctx.tasks.run(_load_for_edit, self.ctx.store, row["id"],
                           f"{TrainingDialog.draft_kind}:{row['id']}",
                           done=lambda found: self._open_edit(row["id"], *found),
                           failed=self._open_failed)

    def _open_edit(self, training_id: str, detail: dict[str, Any],
                   draft: dict[str, Any] | None) -> None:
        base = {k: detail[k] for k in ("team_id", "training_date", "title", "trainer", "place",
                                       "hours", "attendees", "note")}
        base["participants"] = [
            {"id": p["member_id"], "name": p["name"],
             "household": f"{p['head_name']}户 · {p['village_name']}",
             "masked": p["id_number_masked"], "certificate": p["certificate"], "checked": True}
            for p in detail["participants"]]
        self._open_dialog(training_id, base, draft)

    def _open_failed(self, _error: BaseException) -> None:
        self._opening = False
        self.notice.show_notice(self.tr("这条记录已不存在，列表已刷新。"))
        self.reload(self.pager.offset)

    def _open_dialog(self, training_id: str | None, base: dict[str, Any],
                     draft: dict[str, Any] | None) -> None:
        self._opening = False
        if self.dialog is not None and not self.dialog.isVisible():
            self.dialog.deleteLater()
        self.dialog = TrainingDialog(self.ctx, training_id, base, self.teams, draft, self)
        self.dialog.accepted.connect(self._dialog_saved)
        self.dialog.open()

    def _dialog_saved(self) -> None:
        dialog = self.dialog
        if dialog is None or dialog.saved_id is None:
            return
        self.notice.show_notice(self.tr("已保存“{title}”").format(
            title=dialog.title_edit.text().strip()))
        self.ctx.data_changed("training", "training_participant")

    def delete_selected(self) -> None:
        """Ask once, tombstone the training and its participants, offer 撤销."""
        row = self.selected_row()
        if row is None:
            return
        answer = QMessageBox.question(
            self, self.tr("删除培训"),
            self.tr("确定删除“{title}”吗？删除后几秒内可以撤销。").format(title=row["title"]),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.ctx.tasks.run(delete_training, self.ctx.store, row["id"],
                           done=lambda deleted: self._deleted(row["title"], deleted),
                           failed=self._open_failed)

    def _deleted(self, title: str, deleted: DeletedTraining) -> None:
        self.notice.show_notice(self.tr("已删除“{title}”").format(title=title),
                                lambda: self.undo_delete(deleted, title))
        self.ctx.data_changed("training", "training_participant")

    def undo_delete(self, deleted: DeletedTraining, title: str) -> None:
        """Bring a deleted training back, with the same participants."""
        def restored(_result: object) -> None:
            self.notice.show_notice(self.tr("已恢复“{title}”").format(title=title))
            self.ctx.data_changed("training", "training_participant")

        self.ctx.tasks.run(restore_training, self.ctx.store, deleted, done=restored)
