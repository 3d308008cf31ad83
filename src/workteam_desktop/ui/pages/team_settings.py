"""设置 → 工作队: the team's name, unit and villages (read-only) and its cadres, serving
first and those who left greyed with their dates; 添加干部, 编辑, 离岗/轮换.

Every change is written at once through store/team.py off the GUI thread (ctx.tasks); a
refusal (a second first secretary, a date of leaving before the start, a bad phone
number) is shown next to its field in one sentence. The one-first-secretary rule is shown
next to the 职务 field while the form is filled.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain import catalogues as cat
from ...domain import phone
from ...domain.problems import DomainError
from ...store import Store
from ...store.team import (
    CadreInput,
    CadreRow,
    TeamInfo,
    add_cadre,
    end_cadre,
    list_cadres,
    list_teams,
    update_cadre,
)
from ..columns import fit_columns_to_text
from ..context import AppContext
from ..record_widgets import set_invalid, with_error
from ..widgets import accent_button, empty_state, field_error

PAST = QColor("#8a96a3")  # cadres who left: grey, their dates still readable
_ID = Qt.ItemDataRole.UserRole


def _load(store: Store, team_id: str | None, lang: str
          ) -> tuple[list[TeamInfo], TeamInfo | None, list[CadreRow]]:
    teams = list_teams(store)
    team = next((t for t in teams if t.id == team_id), None) or (teams[0] if teams else None)
    return teams, team, (list_cadres(store, team.id, lang=lang) if team else [])


def _qdate(day: dt.date | None) -> QDate:
    day = day or dt.date.today()
    return QDate(day.year, day.month, day.day)


def _date_field() -> Any:
    from ..pickers import DateEdit

    return DateEdit()


class _Form(QDialog):
    """A cadre form run as a task: Enter saves, Esc cancels, refusals next to the field."""

    sig_saved = Signal(str)  # what to tell the user

    def __init__(self, ctx: AppContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(title)
        self.setModal(True)
        self.setMinimumWidth(580)
        self.error_label = field_error()
        self.save_button = accent_button(self.tr("保存"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        self._busy = False
        self.fields: dict[str, tuple[QWidget, QLabel]] = {}

    def buttons(self) -> QVBoxLayout:
        box = QVBoxLayout()
        box.addWidget(self.error_label)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        row.addWidget(self.save_button)
        box.addLayout(row)
        return box

    def job(self) -> tuple[Any, tuple[Any, ...], str] | None:
        """(function, arguments, message when done), or None after showing a problem."""
        raise NotImplementedError

    def save(self) -> None:
        if self._busy:
            return
        planned = self.job()
        if planned is None:
            return
        fn, args, message = planned
        self._busy = True
        self.save_button.setEnabled(False)
        self.error_label.hide()
        self.ctx.tasks.run(fn, self.ctx.store, *args, done=lambda _r: self._done(message),
                           failed=self._failed)

    def _done(self, message: str) -> None:
        self._busy = False
        self.sig_saved.emit(message)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self._busy = False
        self.save_button.setEnabled(True)
        if isinstance(error, DomainError):
            self.show_problem(error)
        else:
            self.error_label.setText(self.tr("没有保存成功，请再试一次。"))
            self.error_label.show()

    def show_problem(self, error: DomainError) -> None:
        """Show a refusal next to its field (else under the form)."""
        found = self.fields.get(error.field_name or "")
        if found is not None and isinstance(found[0], QLineEdit):
            set_invalid(found[0], found[1], error.message(self.ctx.lang))
            found[0].setFocus()
        elif found is not None:
            label = found[1]
            label.setText(error.message(self.ctx.lang))
            label.setObjectName("fieldError")
            label.style().unpolish(label)
            label.style().polish(label)
            label.show()
        else:
            self.error_label.setText(error.message(self.ctx.lang))
            self.error_label.show()

    def phone_field(self) -> tuple[QLineEdit, QLabel]:
        """A phone field checked as it is left (as elsewhere: domain/phone.py)."""
        edit = QLineEdit()
        edit.setPlaceholderText(self.tr("11位手机号或带区号的固话，可不填"))
        error = field_error()
        edit.editingFinished.connect(lambda: self.check_phone(edit, error))
        edit.textEdited.connect(lambda _t: set_invalid(edit, error, None))
        return edit, error

    def check_phone(self, edit: QLineEdit | None = None, error: QLabel | None = None) -> bool:
        """Validate a phone number; the message sits under the field."""
        edit = edit or self.phone_edit  # type: ignore[attr-defined]
        error = error or self.phone_error  # type: ignore[attr-defined]
        problem = phone.problem(edit.text())
        set_invalid(edit, error, problem.message(self.ctx.lang) if problem else None)
        return problem is None

    def role_box(self, selected: str = "member") -> QComboBox:
        box = QComboBox()
        for entry in cat.CADRE_ROLES:
            box.addItem(entry.label(self.ctx.lang), entry.code)
        box.setCurrentIndex(max(0, box.findData(selected)))
        return box

    def rule_hint(self, box: QComboBox, label: QLabel, first_secretary: str | None,
                  own_name: str | None = None, leaving: bool = False) -> None:
        """The one-first-secretary rule beside the 职务 field: calm while it holds, red
        with what to do when the choice would break it. ``leaving``: the first secretary
        is the cadre who leaves (the successor may take the post)."""
        taken = first_secretary is not None and first_secretary != own_name and not leaving
        if box.currentData() == "first_secretary" and taken:
            label.setText(self.tr("{name}是在岗的第一书记，一个工作队只能有一名；"
                                  "请先为{name}办理离岗或轮换").format(name=first_secretary))
            label.setObjectName("fieldError")
        elif leaving:
            label.setText(self.tr("一个工作队只能有一名在岗的第一书记：{name}离岗当日起可由"
                                  "接任干部担任").format(name=first_secretary))
            label.setObjectName("tileLabel")
        else:
            label.setText(self.tr("一个工作队只能有一名在岗的第一书记（现任：{name}）")
                          .format(name=first_secretary or self.tr("暂无")))
            label.setObjectName("tileLabel")
        label.style().unpolish(label)
        label.style().polish(label)


class CadreDialog(_Form):
    """添加干部 / 编辑干部."""

    def __init__(self, ctx: AppContext, team: TeamInfo, first_secretary: str | None,
                 cadre: CadreRow | None = None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "", parent)
        self.setWindowTitle(self.tr("编辑干部") if cadre else self.tr("添加干部"))
        self.team = team
        self.cadre = cadre
        self.first_secretary = first_secretary
        self.name_edit = QLineEdit(cadre.name if cadre else "")
        self.name_edit.setPlaceholderText(self.tr("如：张伟"))
        self.name_error = field_error()
        self.name_edit.textEdited.connect(lambda _t: set_invalid(self.name_edit, self.name_error,
                                                                 None))
        self.roles = self.role_box(cadre.role if cadre else "member")
        self.role_hint = QLabel()
        self.role_hint.setWordWrap(True)
        # Room for two lines from the start: the form does not jump when the rule warns.
        self.role_hint.setMinimumHeight(self.role_hint.fontMetrics().lineSpacing() * 2 + 2)
        self.roles.currentIndexChanged.connect(lambda _i: self._hint())
        self.phone_edit, self.phone_error = self.phone_field()
        self.phone_edit.setText(cadre.phone if cadre else "")
        self.unit_edit = QLineEdit(cadre.unit if cadre else team.unit)
        self.unit_edit.setPlaceholderText(self.tr("派出单位，如 大同市财政局"))
        self.start_edit = _date_field()
        self.start_edit.setDate(_qdate(cadre.started_on if cadre else None))
        self.start_known = QCheckBox(self.tr("到岗日期"))
        self.start_known.setChecked(cadre is None or cadre.started_on is not None)
        self.start_known.toggled.connect(self.start_edit.setEnabled)
        self.start_edit.setEnabled(self.start_known.isChecked())
        self.date_error = field_error()
        self.end_edit = _date_field()
        self.end_edit.setDate(_qdate(cadre.ended_on if cadre else None))
        self.fields = {"name": (self.name_edit, self.name_error),
                       "role": (self.roles, self.role_hint),
                       "phone": (self.phone_edit, self.phone_error),
                       "started_on": (self.start_edit, self.date_error),
                       "ended_on": (self.end_edit, self.date_error)}

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow(self.tr("姓名"), with_error(self.name_edit, self.name_error))
        form.addRow(self.tr("职务"), self.roles)
        form.addRow("", self.role_hint)
        form.addRow(self.tr("电话"), with_error(self.phone_edit, self.phone_error))
        form.addRow(self.tr("单位"), self.unit_edit)
        dates = QHBoxLayout()
        dates.addWidget(self.start_edit)
        if cadre is not None and cadre.ended_on is not None:
            dates.addSpacing(12)
            dates.addWidget(QLabel(self.tr("离岗日期")))
            dates.addWidget(self.end_edit)
        dates.addStretch(1)
        form.addRow(self.start_known, dates)
        form.addRow("", self.date_error)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(self.buttons())
        chain = [self.name_edit, self.roles, self.phone_edit, self.unit_edit, self.start_known,
                 self.start_edit, self.cancel_button, self.save_button]
        for a, b in itertools.pairwise(chain):
            QWidget.setTabOrder(a, b)
        self._hint()
        self.name_edit.setFocus()

    def _hint(self) -> None:
        self.rule_hint(self.roles, self.role_hint, self.first_secretary,
                       self.cadre.name if self.cadre else None)

    def job(self) -> tuple[Any, tuple[Any, ...], str] | None:
        name = " ".join(self.name_edit.text().split())
        if not name:
            set_invalid(self.name_edit, self.name_error, self.tr("请填写干部姓名"))
            self.name_edit.setFocus()
            return None
        if not self.check_phone():
            self.phone_edit.setFocus()
            return None
        start = self.start_edit.date().toPython() if self.start_known.isChecked() else None
        if self.cadre is None:
            plan = CadreInput(name, self.roles.currentData(), self.phone_edit.text(),
                              self.unit_edit.text(), start)
            return (_add, (self.team.id, plan),
                    self.tr("已添加 {name}").format(name=name))
        fields: dict[str, Any] = {
            "name": name, "role": self.roles.currentData(),
            "phone": phone.normalize(self.phone_edit.text()),
            "unit": " ".join(self.unit_edit.text().split()), "started_on": start}
        if self.cadre.ended_on is not None:
            fields["ended_on"] = self.end_edit.date().toPython()
        return (_update, (self.team.id, self.cadre.id, fields),
                self.tr("已保存 {name}").format(name=name))


def _add(store: Store, team_id: str, plan: CadreInput) -> str:
    return add_cadre(store, team_id, plan)


def _update(store: Store, team_id: str, cadre_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    return update_cadre(store, team_id, cadre_id, fields)


def _end(store: Store, team_id: str, cadre_id: str, day: dt.date,
         successor: CadreInput | None) -> Any:
    return end_cadre(store, team_id, cadre_id, day, successor)


class RotationDialog(_Form):
    """离岗/轮换: the date a cadre leaves and, for a rotation, who takes over that day."""

    def __init__(self, ctx: AppContext, team: TeamInfo, cadre: CadreRow,
                 first_secretary: str | None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "", parent)
        self.setWindowTitle(self.tr("离岗/轮换：{name}").format(name=cadre.name))
        self.team = team
        self.cadre = cadre
        self.first_secretary = first_secretary
        who = QLabel(self.tr("{name}（{role}）").format(name=cadre.name, role=cadre.role_label)
                     + (self.tr("，{day}到岗").format(day=cadre.started_on)
                        if cadre.started_on else ""))
        self.end_edit = _date_field()
        self.end_edit.setDate(QDate.currentDate())
        self.end_error = field_error()
        self.rotate = QCheckBox(self.tr("有人同日接任（驻村干部轮换）"))
        self.rotate.setChecked(True)
        self.successor_edit = QLineEdit()
        self.successor_edit.setPlaceholderText(self.tr("接任干部的姓名"))
        self.successor_error = field_error()
        self.successor_edit.textEdited.connect(
            lambda _t: set_invalid(self.successor_edit, self.successor_error, None))
        self.roles = self.role_box(cadre.role)
        self.role_hint = QLabel()
        self.role_hint.setWordWrap(True)
        # Room for two lines from the start: the form does not jump when the rule warns.
        self.role_hint.setMinimumHeight(self.role_hint.fontMetrics().lineSpacing() * 2 + 2)
        self.roles.currentIndexChanged.connect(lambda _i: self._hint())
        self.phone_edit, self.phone_error = self.phone_field()
        self.fields = {"ended_on": (self.end_edit, self.end_error),
                       "successor": (self.successor_edit, self.successor_error),
                       "successor_name": (self.successor_edit, self.successor_error),
                       "successor_role": (self.roles, self.role_hint),
                       "successor_phone": (self.phone_edit, self.phone_error)}

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow(self.tr("离岗干部"), who)
        form.addRow(self.tr("离岗日期"), with_error(self.end_edit, self.end_error))
        form.addRow("", self.rotate)
        self.successor_box = QGroupBox(self.tr("接任干部（离岗当日到岗）"))
        inner = QFormLayout(self.successor_box)
        inner.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        inner.addRow(self.tr("姓名"), with_error(self.successor_edit, self.successor_error))
        inner.addRow(self.tr("职务"), self.roles)
        inner.addRow("", self.role_hint)
        inner.addRow(self.tr("电话"), with_error(self.phone_edit, self.phone_error))
        self.rotate.toggled.connect(self.successor_box.setEnabled)
        note = QLabel(self.tr("离岗的干部不会被删除：他以前的走访和帮扶记录仍署他的名字，"
                              "新记录里不再列出他。"))
        note.setObjectName("tileLabel")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.successor_box)
        layout.addWidget(note)
        layout.addLayout(self.buttons())
        chain = [self.end_edit, self.rotate, self.successor_edit, self.roles, self.phone_edit,
                 self.cancel_button, self.save_button]
        for a, b in itertools.pairwise(chain):
            QWidget.setTabOrder(a, b)
        self._hint()
        self.end_edit.setFocus()

    def _hint(self) -> None:
        # The leaver's own post ends that day: their role is free for the successor.
        self.rule_hint(self.roles, self.role_hint, self.first_secretary,
                       leaving=self.first_secretary == self.cadre.name)

    def job(self) -> tuple[Any, tuple[Any, ...], str] | None:
        day = self.end_edit.date().toPython()
        successor = None
        if self.rotate.isChecked():
            name = " ".join(self.successor_edit.text().split())
            if not name:
                set_invalid(self.successor_edit, self.successor_error,
                            self.tr("请填写接任干部的姓名；没有人接任请取消勾选“有人同日接任”"))
                self.successor_edit.setFocus()
                return None
            if not self.check_phone():
                self.phone_edit.setFocus()
                return None
            successor = CadreInput(name, self.roles.currentData(), self.phone_edit.text())
            message = self.tr("已轮换：{old}离岗，{new}接任").format(old=self.cadre.name, new=name)
        else:
            message = self.tr("已登记 {name} 离岗").format(name=self.cadre.name)
        return _end, (self.team.id, self.cadre.id, day, successor), message


class TeamSettings(QWidget):
    """The 工作队 tab of 设置."""

    sig_loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.teams: list[TeamInfo] = []
        self.team: TeamInfo | None = None
        self.cadres: list[CadreRow] = []
        self.dialog: _Form | None = None
        self._seq = 0

        column = QVBoxLayout(self)
        choose = QHBoxLayout()
        self.team_label = QLabel(self.tr("工作队："))
        self.team_box = QComboBox()
        self.team_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.team_box.currentIndexChanged.connect(lambda _i: self.reload())
        choose.addWidget(self.team_label)
        choose.addWidget(self.team_box)
        choose.addStretch(1)
        column.addLayout(choose)

        info = QGroupBox(self.tr("工作队"))
        form = QFormLayout(info)
        self.name_label = QLabel()
        self.unit_label = QLabel()
        self.villages_label = QLabel()
        self.villages_label.setWordWrap(True)
        for label in (self.name_label, self.unit_label, self.villages_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.tr("名称："), self.name_label)
        form.addRow(self.tr("派驻单位："), self.unit_label)
        form.addRow(self.tr("所驻村："), self.villages_label)
        column.addWidget(info)

        cadres = QGroupBox(self.tr("驻村干部"))
        inner = QVBoxLayout(cadres)
        self.rule_label = QLabel()
        self.rule_label.setObjectName("tileLabel")
        self.rule_label.setWordWrap(True)
        inner.addWidget(self.rule_label)
        self.table = QTableWidget(0, 7)
        self.table.setHorizontalHeaderLabels([
            self.tr("姓名"), self.tr("职务"), self.tr("电话"), self.tr("单位"),
            self.tr("到岗日期"), self.tr("离岗日期"), self.tr("状态")])
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        # Widths from the texts in the language shown (role names are long in English,
        # "Resident first secretary"); 单位 takes the rest.
        fit_columns_to_text(self.table, stretch_column=3)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.empty = empty_state(self.tr("本机还没有工作队：运行 workteam setup（或在首次启动页面选"
                                         "“单机开始”），或登录服务器同步"))
        inner.addWidget(self.table, 1)
        inner.addWidget(self.empty)
        row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("添加干部…"))
        self.edit_button = QPushButton(self.tr("编辑…"))
        self.end_button = QPushButton(self.tr("离岗/轮换…"))
        self.add_button.clicked.connect(self.add_cadre)
        self.edit_button.clicked.connect(self.edit_selected)
        self.end_button.clicked.connect(self.end_selected)
        self.status = QLabel()
        for button in (self.add_button, self.edit_button, self.end_button):
            row.addWidget(button)
        row.addWidget(self.status, 1)
        inner.addLayout(row)
        column.addWidget(cadres, 1)
        ctx.sig_data_changed.connect(self._data_changed)
        self._update_buttons()

    # ------------------------------------------------------------------ loading

    def reload(self) -> None:
        """Read the teams and the chosen team's cadres off the GUI thread."""
        self._seq += 1
        seq = self._seq
        self.ctx.tasks.run(_load, self.ctx.store, self.team_box.currentData(), self.ctx.lang,
                           done=lambda result: self._show(seq, *result))

    def _data_changed(self, entities: set[str]) -> None:
        if entities & {"cadre", "team", "team_area", "area"} and self.isVisible():
            self.reload()

    def _show(self, seq: int, teams: list[TeamInfo], team: TeamInfo | None,
              cadres: list[CadreRow]) -> None:
        if seq != self._seq:
            return
        self.teams, self.team, self.cadres = teams, team, cadres
        if [self.team_box.itemData(i) for i in range(self.team_box.count())] != [t.id for t in teams]:
            self.team_box.blockSignals(True)
            self.team_box.clear()
            for t in teams:
                self.team_box.addItem(t.name, t.id)
            self.team_box.blockSignals(False)
        if team is not None:
            self.team_box.blockSignals(True)
            self.team_box.setCurrentIndex(max(0, self.team_box.findData(team.id)))
            self.team_box.blockSignals(False)
        several = len(teams) > 1
        self.team_label.setVisible(several)
        self.team_box.setVisible(several)
        self.name_label.setText(team.name if team else self.tr("（未设置）"))
        self.unit_label.setText((team.unit or self.tr("（未填写）")) if team else "")
        self.villages_label.setText("、".join(name for _code, name in team.villages)
                                    if team else "")
        self.table.setVisible(team is not None)
        self.empty.setVisible(team is None)
        current = next((c.name for c in cadres if c.serving and c.role == "first_secretary"),
                       None)
        self.rule_label.setText(
            self.tr("在岗干部在前，已离岗的干部以灰色列出（他们的走访和帮扶记录保留）。"
                    "一个工作队只能有一名在岗的第一书记，现任：{name}。").format(
                name=current or self.tr("暂无")))
        self.table.setRowCount(len(cadres))
        for i, c in enumerate(cadres):
            values = [c.name, c.role_label, c.phone, c.unit,
                      c.started_on.isoformat() if c.started_on else "",
                      c.ended_on.isoformat() if c.ended_on else "", c.status_label]
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setData(_ID, c.id)
                if not c.serving:
                    item.setForeground(QBrush(PAST))
                self.table.setItem(i, col, item)
        self._update_buttons()
        self.sig_loaded.emit()

    # ------------------------------------------------------------------ actions

    def selected(self) -> CadreRow | None:
        """The cadre selected in the table."""
        rows = {i.row() for i in self.table.selectedIndexes()}
        return self.cadres[min(rows)] if rows and min(rows) < len(self.cadres) else None

    def _update_buttons(self) -> None:
        chosen = self.selected()
        self.add_button.setEnabled(self.team is not None)
        self.edit_button.setEnabled(chosen is not None)
        self.end_button.setEnabled(chosen is not None and chosen.ended_on is None)

    def first_secretary(self) -> str | None:
        """The name of the first secretary in post (None: none)."""
        return next((c.name for c in self.cadres if c.serving and c.role == "first_secretary"),
                    None)

    def _open(self, dialog: _Form) -> None:
        if self.dialog is not None and not self.dialog.isVisible():
            self.dialog.deleteLater()
        self.dialog = dialog
        dialog.sig_saved.connect(self._saved)
        dialog.open()

    def add_cadre(self) -> None:
        """添加干部."""
        if self.team is not None:
            self._open(CadreDialog(self.ctx, self.team, self.first_secretary(), None, self))

    def edit_selected(self) -> None:
        """编辑 the selected cadre."""
        cadre = self.selected()
        if self.team is not None and cadre is not None:
            self._open(CadreDialog(self.ctx, self.team, self.first_secretary(), cadre, self))

    def end_selected(self) -> None:
        """离岗/轮换 of the selected cadre."""
        cadre = self.selected()
        if self.team is not None and cadre is not None and cadre.ended_on is None:
            self._open(RotationDialog(self.ctx, self.team, cadre, self.first_secretary(), self))

    def _saved(self, message: str) -> None:
        self.status.setText(message)
        self.ctx.data_changed("cadre")
        self.reload()
