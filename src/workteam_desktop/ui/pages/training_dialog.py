"""新建/编辑培训: the form of one training and its participants."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QDate, QEvent, Qt
from PySide6.QtGui import (
    QDoubleValidator,
    QIntValidator,
    QKeyEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.problems import DomainError
from ...store import Store
from ...store.team import TeamInfo
from ...store.trainings import (
    ParticipantInput,
    TrainingInput,
    member_choices,
    save_training,
)
from ..context import AppContext
from ..record_dialog import RecordDialog
from ..record_widgets import (
    LookupEdit,
    date_edit,
    set_invalid,
    with_error,
)
from ..widgets import field_error

_ID = Qt.ItemDataRole.UserRole

def fetch_members(store: Store, team_id: str, text: str) -> list[tuple[str, str, str]]:
    """Up to 20 members of the team's households matching ``text``: (id, label, extra),
    extra being "name\\thead · village\\tmasked ID" for the participant list."""
    return [(m["id"], f"{m['name']}（{m['id_number_masked'] or '无身份证号'}，"
                      f"{m['village_name']} {m['head_name']}户）",
             "\t".join((m["name"], f"{m['head_name']}户 · {m['village_name']}",
                        m["id_number_masked"])))
            for m in member_choices(store, team_id, text)]

def hours_text(value: float) -> str:
    """Hours as typed back: 3, 1.5."""
    return f"{value:g}" if value else ""

# ====================================================================== the form

class TrainingDialog(RecordDialog):
    """新建/编辑培训."""

    draft_kind = "training"

    def __init__(self, ctx: AppContext, record_id: str | None, base: dict[str, Any],
                 teams: Sequence[TeamInfo], draft: dict[str, Any] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, record_id, base, parent)
        self.setWindowTitle(self.tr("编辑培训") if record_id else self.tr("新建培训"))
        self.setMinimumWidth(780)
        self.teams = list(teams)
        self.team_box = QComboBox(self)
        self.team_box.setVisible(len(self.teams) > 1)
        for team in self.teams:
            self.team_box.addItem(team.name, team.id)
        self.date_edit = date_edit(QDate.currentDate())
        self.hours_edit = QLineEdit()
        self.hours_edit.setValidator(QDoubleValidator(0, 1000, 1, self.hours_edit))
        self.hours_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.hours_edit.setFixedWidth(80)
        self.hours_edit.setPlaceholderText("0")
        self.attendees_edit = QLineEdit()
        self.attendees_edit.setValidator(QIntValidator(0, 100_000, self.attendees_edit))
        self.attendees_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.attendees_edit.setFixedWidth(80)
        self.attendees_edit.setToolTip(self.tr("不填则按登记的参训人员人数"))
        self.attendees_error = field_error()
        self.attendees_edit.editingFinished.connect(self.check_attendees)
        self.attendees_edit.textEdited.connect(
            lambda _t: set_invalid(self.attendees_edit, self.attendees_error, None))
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(self.tr("如：电焊工技能培训"))
        self.title_error = field_error()
        self.title_edit.textEdited.connect(
            lambda _t: set_invalid(self.title_edit, self.title_error, None))
        self.trainer_edit = QLineEdit()
        self.trainer_edit.setPlaceholderText(self.tr("如：县人社局 王老师"))
        self.place_edit = QLineEdit()
        self.place_edit.setPlaceholderText(self.tr("如：村委会会议室"))
        # The search runs off the GUI thread: it reads a plain copy of the chosen team.
        self._search_team = str(base.get("team_id") or "")
        self.member_picker = LookupEdit(
            ctx, lambda store, text: fetch_members(store, self._search_team, text), keep_text=False)
        self.member_picker.setPlaceholderText(
            self.tr("输入参训人员姓名或身份证号后几位，回车加入"))
        self.member_picker.sig_picked.connect(self.add_participant)
        self.participants = QTableWidget(0, 4)
        self.participants.setHorizontalHeaderLabels(
            [self.tr("参训人员"), self.tr("所在户"), self.tr("身份证号"), self.tr("取得证书（可不填）")])
        self.participants.verticalHeader().hide()
        self.participants.setAlternatingRowColors(True)
        self.participants.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.participants.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.participants.setTabKeyNavigation(False)  # Tab leaves the list (keyboard-first)
        self.participants.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                          | QAbstractItemView.EditTrigger.EditKeyPressed
                                          | QAbstractItemView.EditTrigger.AnyKeyPressed)
        header = self.participants.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.participants.setColumnWidth(0, 120)
        self.participants.setColumnWidth(2, 170)
        self.participants.setMinimumHeight(120)
        self.participants.installEventFilter(self)
        self.participants.itemChanged.connect(self._participant_changed)
        self.participant_count = QLabel()
        self.participant_count.setObjectName("tileLabel")
        self.remove_button = QPushButton(self.tr("移除所选 (Delete)"))
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(self.remove_selected)
        self.note_edit = QLineEdit()

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        if len(self.teams) > 1:
            form.addRow(self.tr("工作队"), self.team_box)
        first = QHBoxLayout()
        first.addWidget(self.date_edit)
        first.addSpacing(12)
        first.addWidget(QLabel(self.tr("学时")))
        first.addWidget(self.hours_edit)
        first.addSpacing(12)
        first.addWidget(QLabel(self.tr("参训人次")))
        first.addWidget(self.attendees_edit)
        first.addWidget(self.attendees_error, 1)
        first.addStretch(0)
        form.addRow(self.tr("日期"), first)
        form.addRow(self.tr("培训主题"), with_error(self.title_edit, self.title_error))
        who = QHBoxLayout()
        who.addWidget(self.trainer_edit, 1)
        who.addSpacing(12)
        who.addWidget(QLabel(self.tr("地点")))
        who.addWidget(self.place_edit, 1)
        form.addRow(self.tr("授课人"), who)
        people = QVBoxLayout()
        people.setSpacing(4)
        people.addWidget(self.member_picker)
        people.addWidget(self.participants, 1)
        below = QHBoxLayout()
        below.addWidget(self.participant_count, 1)
        below.addWidget(self.remove_button)
        people.addLayout(below)
        form.addRow(self.tr("参训人员"), people)
        form.addRow(self.tr("备注"), self.note_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form, 1)
        layout.addLayout(self.button_row())

        chain = [*([self.team_box] if len(self.teams) > 1 else []), self.date_edit,
                 self.hours_edit, self.attendees_edit, self.title_edit, self.trainer_edit,
                 self.place_edit, self.member_picker, self.participants, self.remove_button,
                 self.note_edit, self.cancel_button, self.save_button]
        for a, b in itertools.pairwise(chain):
            QWidget.setTabOrder(a, b)
        self.team_box.currentIndexChanged.connect(self._team_changed)
        self.start(draft, [self.team_box, self.date_edit, self.hours_edit, self.attendees_edit,
                           self.title_edit, self.trainer_edit, self.place_edit, self.note_edit])
        (self.team_box if len(self.teams) > 1 and not record_id else self.date_edit).setFocus()

    def _team_changed(self, _index: int) -> None:
        self._search_team = str(self.team_box.currentData() or "")
        # Participants belong to the team's villages: another team's list starts empty.
        if self._loading:
            return
        self.participants.setRowCount(0)
        self._count()

    # Participants --------------------------------------------------------------------

    def add_participant(self, member_id: str, _label: str, extra: str,
                        certificate: str = "", checked: bool = True) -> None:
        """Add a member to the list (once; picking one again ticks them again)."""
        for row in range(self.participants.rowCount()):
            item = self.participants.item(row, 0)
            if item.data(_ID) == member_id:
                item.setCheckState(Qt.CheckState.Checked)
                self.participants.selectRow(row)
                return
        name, household, masked = [*extra.split("\t"), "", "", ""][:3]
        self.participants.blockSignals(True)
        row = self.participants.rowCount()
        self.participants.insertRow(row)
        person = QTableWidgetItem(name)
        person.setData(_ID, member_id)
        person.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                        | Qt.ItemFlag.ItemIsUserCheckable)
        person.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.participants.setItem(row, 0, person)
        for col, text in ((1, household), (2, masked)):
            item = QTableWidgetItem(text)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            self.participants.setItem(row, col, item)
        cert = QTableWidgetItem(certificate)
        cert.setToolTip(self.tr("双击或直接输入证书名称，如 电焊工证"))
        self.participants.setItem(row, 3, cert)
        self.participants.blockSignals(False)
        self.participants.scrollToBottom()
        self._count()
        self.mark_dirty()

    def participant_rows(self) -> list[dict[str, Any]]:
        """Every listed member: id, name, household, masked ID, certificate, checked."""
        out = []
        for row in range(self.participants.rowCount()):
            person = self.participants.item(row, 0)
            out.append({"id": person.data(_ID), "name": person.text(),
                        "household": self.participants.item(row, 1).text(),
                        "masked": self.participants.item(row, 2).text(),
                        "certificate": self.participants.item(row, 3).text().strip(),
                        "checked": person.checkState() == Qt.CheckState.Checked})
        return out

    def chosen(self) -> list[dict[str, Any]]:
        """The ticked participants."""
        return [p for p in self.participant_rows() if p["checked"]]

    def remove_selected(self) -> None:
        """Take the selected member off the list."""
        row = self.participants.currentRow()
        if row < 0:
            return
        self.participants.removeRow(row)
        self._count()
        self.mark_dirty()

    def _participant_changed(self, _item: QTableWidgetItem) -> None:
        self._count()
        self.mark_dirty()

    def _count(self) -> None:
        chosen = self.chosen()
        certified = sum(1 for p in chosen if p["certificate"])
        self.participant_count.setText(
            self.tr("已选 {n} 人，其中取得证书 {k} 人").format(n=len(chosen), k=certified)
            if chosen else self.tr("还没有登记参训人员：在上面输入姓名或身份证号后几位"))
        self.remove_button.setEnabled(self.participants.rowCount() > 0)
        self.attendees_edit.setPlaceholderText(str(len(chosen)))

    def eventFilter(self, watched: Any, event: Any) -> bool:
        if (watched is self.participants and isinstance(event, QKeyEvent)
                and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
                and self.participants.state() != QAbstractItemView.State.EditingState):
            self.remove_selected()
            return True
        return super().eventFilter(watched, event)

    # Checks next to the fields -------------------------------------------------------

    def attendees(self) -> int | None:
        """参训人次 as typed (None: empty, i.e. the number of participants)."""
        digits = "".join(ch for ch in self.attendees_edit.text() if ch.isdigit())
        return int(digits) if digits else None

    def hours(self) -> float:
        """学时 as typed (0 when empty)."""
        text = self.hours_edit.text().strip().replace(",", "")
        try:
            return float(text) if text else 0.0
        except ValueError:
            return 0.0

    def check_attendees(self) -> bool:
        """参训人次 is at least the participants ticked; the message sits next to the field."""
        n, listed = self.attendees(), len(self.chosen())
        if n is not None and n < listed:
            set_invalid(self.attendees_edit, self.attendees_error,
                        self.tr("至少 {n} 人次（已选 {n} 人）").format(n=listed))
            return False
        set_invalid(self.attendees_edit, self.attendees_error, None)
        return True

    # RecordDialog ---------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        return {
            "team_id": self.team_box.currentData(),
            "training_date": self.date_edit.date().toPython().isoformat(),
            "title": self.title_edit.text(), "trainer": self.trainer_edit.text(),
            "place": self.place_edit.text(), "hours": self.hours_edit.text(),
            "attendees": self.attendees_edit.text(), "note": self.note_edit.text(),
            "participants": self.participant_rows(),
        }

    def set_values(self, values: dict[str, Any]) -> None:
        self.team_box.setCurrentIndex(max(0, self.team_box.findData(values.get("team_id"))))
        day = values.get("training_date")
        self.date_edit.setDate(QDate.fromString(day, "yyyy-MM-dd") if day else QDate.currentDate())
        self.title_edit.setText(values.get("title", ""))
        self.trainer_edit.setText(values.get("trainer", ""))
        self.place_edit.setText(values.get("place", ""))
        hours = values.get("hours") or ""
        self.hours_edit.setText(hours_text(hours) if isinstance(hours, int | float) else str(hours))
        attendees = values.get("attendees")
        self.attendees_edit.setText("" if attendees in (None, "") else str(attendees))
        self.note_edit.setText(values.get("note", ""))
        self.participants.setRowCount(0)
        for p in values.get("participants", []):
            self.add_participant(p["id"], p["name"], "\t".join((p["name"], p["household"],
                                                                 p["masked"])),
                                 p.get("certificate", ""), p.get("checked", True))
        self._count()

    def parse(self) -> TrainingInput | None:
        first_bad: QWidget | None = None
        title = self.title_edit.text().strip()
        if not title:
            set_invalid(self.title_edit, self.title_error, self.tr("请填写培训主题，如“电焊工技能培训”"))
            first_bad = self.title_edit
        if not self.check_attendees():
            first_bad = first_bad or self.attendees_edit
        if self.team_box.currentData() is None:
            self.error_label.setText(self.tr("本机还没有工作队：请先在 设置 → 工作队 中设置"))
            self.error_label.show()
            return None
        if first_bad is not None:
            first_bad.setFocus()
            return None
        return TrainingInput(
            team_id=self.team_box.currentData(), training_date=self.date_edit.date().toPython(),
            title=title, trainer=self.trainer_edit.text(), place=self.place_edit.text(),
            hours=self.hours(), attendees=self.attendees(), note=self.note_edit.text(),
            participants=[ParticipantInput(p["id"], p["certificate"]) for p in self.chosen()])

    def save_function(self) -> Callable[..., str]:
        return save_training

    def show_problem(self, error: DomainError) -> None:
        fields = {"title": (self.title_edit, self.title_error),
                  "attendees": (self.attendees_edit, self.attendees_error)}
        if error.field_name in fields:
            set_invalid(*fields[error.field_name], error.message(self.ctx.lang))
        else:
            super().show_problem(error)

# ====================================================================== the page
