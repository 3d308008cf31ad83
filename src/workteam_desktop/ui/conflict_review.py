"""冲突处理: the values that lost a merge, one by one, for a person to settle.

When two laptops changed the same field without knowing of each other, every replica
takes the later change and keeps the other value in the conflict queue. This dialog
lists them (record, field, both values, who and when) and settles the selected one: keep
the value in use, or use the other value instead — written as a new change that syncs.
Reading and settling run off the GUI thread (``store.conflicts``).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain import idnumber, phone
from ..store.conflicts import ConflictError, ConflictSide, ConflictView, list_conflicts, resolve
from .columns import fit_columns_to_text
from .context import AppContext
from .widgets import accent_button, empty_state, field_error, fit_to_screen

_MASKED = {"id_number": idnumber.mask, "phone": phone.mask}


def _shown(view: ConflictView, text: str) -> str:
    """A value for the list: ID numbers and phones masked (the detail shows them whole)."""
    mask = _MASKED.get(view.field)
    return mask(text) if mask is not None and text and text[0].isdigit() else text


class ConflictReviewDialog(QDialog):
    """The conflict queue: pick one, keep the value in use or use the other one."""

    sig_resolved = Signal(int)  # conflicts still open

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.views: list[ConflictView] = []
        self._busy = False
        self.setWindowTitle(self.tr("处理冲突"))
        self.resize(fit_to_screen(parent, 1080, 620))  # never off a netbook's screen
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr(
            "下面这些内容曾在两台电脑上被同时修改。系统先采用了较晚的修改，另一个值保存在这里，"
            "请逐条确认要用哪一个。您的选择会作为一次新的修改同步到其他电脑。"))
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.model = QStandardItemModel(0, 6, self)
        self.model.setHorizontalHeaderLabels([
            self.tr("记录"), self.tr("内容"), self.tr("当前值"), self.tr("另一值"),
            self.tr("另一值修改人"), self.tr("修改时间")])
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(28)
        fit_columns_to_text(self.table, stretch_column=0)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_selected())
        self.empty = empty_state(self.tr("没有待处理的冲突。两台电脑同时修改同一项内容时，会列在这里。"))
        self.body = QStackedWidget()
        self.body.addWidget(self.table)
        self.body.addWidget(self.empty)
        layout.addWidget(self.body, 1)

        self.detail = QFrame()
        self.detail.setObjectName("tile")
        detail = QGridLayout(self.detail)
        detail.setHorizontalSpacing(18)
        self.record_label = QLabel()
        self.record_label.setStyleSheet("font-weight: bold;")
        self.record_label.setWordWrap(True)
        detail.addWidget(self.record_label, 0, 0, 1, 2)
        self.kept_box, self.kept_value, self.kept_who = self._side_box(self.tr("当前值（正在使用）"))
        self.lost_box, self.lost_value, self.lost_who = self._side_box(self.tr("另一值（未采用）"))
        self.changed_since = QLabel()
        self.changed_since.setObjectName("tileLabel")
        self.changed_since.setWordWrap(True)
        self.keep_button = accent_button(self.tr("保留当前值"))
        self.keep_button.setToolTip(self.tr("继续使用当前值，这条冲突标为已处理"))
        self.use_other_button = QPushButton(self.tr("改用另一值"))
        self.use_other_button.setToolTip(self.tr("把另一值作为新的修改保存，并同步到其他电脑"))
        self.keep_button.clicked.connect(lambda: self.settle("kept"))
        self.use_other_button.clicked.connect(lambda: self.settle("lost"))
        detail.addWidget(self.kept_box, 1, 0)
        detail.addWidget(self.lost_box, 1, 1)
        detail.addWidget(self.changed_since, 2, 0, 1, 2)
        # Each button under the value it keeps.
        for column, button in ((0, self.keep_button), (1, self.use_other_button)):
            row = QHBoxLayout()
            row.addWidget(button)
            row.addStretch(1)
            detail.addLayout(row, 3, column)
        self.error = field_error()
        detail.addWidget(self.error, 4, 0, 1, 2)
        detail.setColumnStretch(0, 1)
        detail.setColumnStretch(1, 1)
        layout.addWidget(self.detail)

        bottom = QHBoxLayout()
        self.count_label = QLabel()
        self.count_label.setObjectName("tileLabel")
        bottom.addWidget(self.count_label, 1)
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.accept)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self._set_enabled(False)

    def _side_box(self, title: str) -> tuple[QFrame, QLabel, QLabel]:
        box = QFrame()
        inner = QVBoxLayout(box)
        inner.setContentsMargins(0, 0, 0, 0)
        heading = QLabel(title)
        heading.setObjectName("tileLabel")
        value = QLabel()
        value.setWordWrap(True)
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        value.setStyleSheet("font-size: 13pt;")
        who = QLabel()
        who.setObjectName("tileLabel")
        who.setWordWrap(True)
        inner.addWidget(heading)
        inner.addWidget(value)
        inner.addWidget(who)
        return box, value, who

    # ------------------------------------------------------------------ loading

    def load(self) -> None:
        """Read the open conflicts (off the GUI thread)."""
        self.count_label.setText(self.tr("正在读取…"))
        self.ctx.tasks.run(list_conflicts, self.ctx.store, lang=self.ctx.lang,
                           done=self._loaded, failed=self._load_failed)

    def _loaded(self, views: list[ConflictView], select: int = 0) -> None:
        self.views = views
        self.model.setRowCount(0)
        for view in views:
            items = [QStandardItem(view.row_label), QStandardItem(view.field_label),
                     QStandardItem(_shown(view, view.kept.text)),
                     QStandardItem(_shown(view, view.lost.text)),
                     QStandardItem(self._who(view.lost, short=True)),
                     QStandardItem(self._when(view.lost.at))]
            items[0].setToolTip(f"{view.entity_label}：{view.row_label}")
            self.model.appendRow(items)
        self.body.setCurrentWidget(self.table if views else self.empty)
        self.detail.setVisible(bool(views))
        self.count_label.setText(self.tr("共 %Ln 处冲突待处理", "", len(views))
                                 if views else "")
        if views:
            row = min(select, len(views) - 1)
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
            self.table.setFocus()
        self._busy = False
        self._show_selected()

    def _load_failed(self, _exc: BaseException) -> None:
        self.count_label.setText(self.tr("读取冲突失败，请关闭后再试"))

    # ------------------------------------------------------------------ showing

    def selected(self) -> ConflictView | None:
        """The conflict shown in the detail panel."""
        row = self.table.currentIndex().row()
        return self.views[row] if 0 <= row < len(self.views) else None

    def _when(self, at: dt.datetime | None) -> str:
        return at.astimezone().strftime("%Y-%m-%d %H:%M") if at is not None else ""

    def _who(self, side: ConflictSide, short: bool = False) -> str:
        name = side.user or self.tr("未署名")
        if short:
            return name
        device = self.tr("本机") if side.this_device else self.tr("设备 {id}").format(
            id=side.device[:8])
        return self.tr("{user}，{device}，{time} 修改").format(
            user=name, device=device, time=self._when(side.at))

    def _show_selected(self) -> None:
        view = self.selected()
        self._set_enabled(view is not None and not self._busy)
        self.error.hide()
        if view is None:
            return
        self.record_label.setText(self.tr("{entity}：{record}　{field}").format(
            entity=view.entity_label, record=view.row_label, field=view.field_label))
        self.kept_value.setText(view.kept.text)
        self.kept_who.setText(self._who(view.kept))
        self.lost_value.setText(view.lost.text)
        self.lost_who.setText(self._who(view.lost))
        changed = view.current_text != view.kept.text
        self.changed_since.setText(self.tr("此后这项内容又被改为“{value}”。").format(
            value=view.current_text) if changed else "")
        self.changed_since.setVisible(changed)

    def _set_enabled(self, on: bool) -> None:
        self.keep_button.setEnabled(on)
        self.use_other_button.setEnabled(on)

    # ------------------------------------------------------------------ settling

    def settle(self, keep: str) -> None:
        """Keep the value in use (``"kept"``) or use the other one (``"lost"``)."""
        view = self.selected()
        if view is None or self._busy:
            return
        self._busy = True
        self._set_enabled(False)
        row = self.table.currentIndex().row()
        self.ctx.tasks.run(resolve, self.ctx.store, view.id, keep, self.ctx.store.user or None,
                           done=lambda _written: self._settled(view, row),
                           failed=self._settle_failed)

    def _settled(self, view: ConflictView, row: int) -> None:
        self.ctx.data_changed(view.entity)
        self.ctx.tasks.run(list_conflicts, self.ctx.store, lang=self.ctx.lang,
                           done=lambda views: self._reloaded(views, row),
                           failed=self._load_failed)

    def _reloaded(self, views: list[ConflictView], row: int) -> None:
        self._loaded(views, select=row)
        self.sig_resolved.emit(len(views))

    def _settle_failed(self, exc: BaseException) -> None:
        self._busy = False
        self._set_enabled(True)
        self.error.setText(exc.message if isinstance(exc, ConflictError)
                           else self.tr("没有处理成功，数据没有改动，请再试一次"))
        self.error.show()
