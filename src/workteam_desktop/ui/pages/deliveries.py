"""十送行动: this year's actions per category as tiles, the list of actions, and the form.

The small widgets both record pages use (table model, type-ahead picker, undo notice,
period filter, pager, the form dialog with autosaved drafts) live here too; the assistance
page imports them. The lead may move the picker to ui/pickers.py later.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QStringListModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QIntValidator, QKeyEvent, QKeySequence, QMouseEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...domain import catalogues as cat
from ...domain.problems import DomainError
from ...store import Store
from ...store.assistance import list_villages
from ...store.deliveries import (
    ActionInput,
    CategoryCount,
    DeletedAction,
    action_detail,
    category_counts,
    count_actions,
    delete_action,
    list_actions,
    period_range,
    restore_action,
    save_action,
)
from ...store.drafts import delete_draft, load_draft, save_draft
from ...store.households import HouseholdFilter, list_households
from ..context import AppContext
from ..widgets import accent_button, date_text, empty_state, field_error, page_title
from .base import Page

PAGE_SIZE = 100
# style.qss gives every button a white face, so a disabled one looked clickable.
DISABLED_BUTTONS = "QPushButton:disabled { color: #9aa8b6; border-color: #d5dde5; }"
NOTICE_MS = 8000  # how long "撤销" stays offered after a delete

# ====================================================================== shared pieces


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a :class:`RowsModel`: header, how to show a row, alignment."""

    header: str
    text: Callable[[dict[str, Any]], str]
    numeric: bool = False
    tooltip: bool = False  # long text: the whole of it as a tooltip


class RowsModel(QAbstractTableModel):
    """A read-only table over a page of row dicts."""

    def __init__(self, columns: Sequence[Column], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[dict[str, Any]] = []

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        """Replace the rows shown."""
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def row(self, index: int) -> dict[str, Any]:
        """The row dict at ``index``."""
        return self.rows[index]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(self.rows[index.row()])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if column.numeric else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip:
            return column.text(self.rows[index.row()])
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = (Qt.AlignmentFlag.AlignRight if self.columns[section].numeric
                          else Qt.AlignmentFlag.AlignLeft)
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        return None


def make_table(model: RowsModel, widths: Sequence[int], stretch: Sequence[int]) -> QTableView:
    """A zebra, row-selecting, read-only table; ``stretch`` columns share the spare width."""
    table = QTableView()
    table.setModel(model)
    table.setAlternatingRowColors(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(30)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    for column, width in enumerate(widths):
        header.resizeSection(column, width)
    for column in stretch:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    return table


def money_text(value: float | None) -> str:
    """An amount for a money column headed 元: 1,234.50."""
    return "" if value is None else f"{value:,.2f}"


Fetch = Callable[[Store, str], list[tuple[str, str, str]]]
"""A type-ahead search run off the GUI thread: (id, label, extra) for a typed text."""


def fetch_households(store: Store, text: str) -> list[tuple[str, str, str]]:
    """Up to 20 households matching ``text``: (id, "name（number，village）", village id)."""
    rows = list_households(store, HouseholdFilter(search=text), limit=20)
    villages: dict[str, str] = {}
    if rows:
        marks = ",".join("?" * len(rows))
        with store.read() as cur:
            villages = dict(cur.execute(  # type: ignore[arg-type]
                f"SELECT id, village_id FROM household WHERE id IN ({marks})",
                [r["id"] for r in rows]).fetchall())
    return [(r["id"], f"{r['head_name']}（{r['number']}，{r['village_name']}）",
             villages.get(r["id"], "")) for r in rows]


class LookupEdit(QLineEdit):
    """Type a few characters, pick from what the store finds (QCompleter, off the GUI thread).

    ``keep_text``: the picked label stays in the field (one choice, ``picked_id``);
    otherwise the field empties after each pick, for adding several to a list. Enter with
    matches but no choice takes the first match.
    """

    sig_picked = Signal(str, str, str)  # id, label, extra

    def __init__(self, ctx: AppContext, fetch: Fetch, *, keep_text: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._fetch = fetch
        self._keep_text = keep_text
        self._results: list[tuple[str, str, str]] = []
        self._seq = 0
        self._in_flight = 0
        self._pick_first = False
        self.picked_id: str | None = None
        self.picked_label = ""
        self._model = QStringListModel(self)
        self._completer = QCompleter(self._model, self)
        # The store has already matched (name, number, ID number): show its results as they are.
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._completer.setMaxVisibleItems(10)
        self.setCompleter(self._completer)
        self._completer.activated[str].connect(self._activated)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)  # wait for a pause in typing
        self._timer.timeout.connect(self._search)
        self.textEdited.connect(self._edited)

    @property
    def busy(self) -> bool:
        """True while a search is waiting or running."""
        return self._timer.isActive() or self._in_flight > 0

    @property
    def results(self) -> list[tuple[str, str, str]]:
        """The matches of the last search."""
        return list(self._results)

    def set_picked(self, item_id: str | None, label: str) -> None:
        """Show an existing choice (e.g. when editing a record)."""
        self.picked_id = item_id
        self.picked_label = label if item_id else ""
        self.setText(label if item_id else "")

    def _edited(self, text: str) -> None:
        if self.picked_id and text != self.picked_label:
            self.picked_id = None
            self.picked_label = ""
        self._results = []
        self._model.setStringList([])
        self._pick_first = False
        if text.strip():
            self._timer.start()
        else:
            self._timer.stop()

    def _search(self) -> None:
        self._seq += 1
        seq, text = self._seq, self.text().strip()
        if not text:
            return
        self._in_flight += 1
        self.ctx.tasks.run(self._fetch, self.ctx.store, text,
                           done=lambda found: self._found(seq, text, found),
                           failed=lambda _exc: self._found(seq, text, []))

    def _found(self, seq: int, text: str, found: list[tuple[str, str, str]]) -> None:
        self._in_flight -= 1
        if seq != self._seq or self.text().strip() != text:
            return  # the user typed on: a newer search is coming
        self._results = found
        self._model.setStringList([label for _id, label, _extra in found])
        if self._pick_first:
            self._pick_first = False
            if found:
                self._pick(*found[0])
            return
        if found and self.hasFocus():
            self._completer.complete()

    def _activated(self, label: str) -> None:
        for item in self._results:
            if item[1] == label:
                self._pick(*item)
                return

    def _pick(self, item_id: str, label: str, extra: str) -> None:
        self._completer.popup().hide()
        if self._keep_text:
            self.picked_id, self.picked_label = item_id, label
            self.setText(label)
        else:
            # A pick from the popup: the completer writes the label into the field after this
            # signal, so empty it again afterwards (unless the next name is being typed).
            QTimer.singleShot(0, lambda: self.text() == label and self.clear())
            self.clear()
            self._results = []
            self._model.setStringList([])
        self.sig_picked.emit(item_id, label, extra)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            text = self.text().strip()
            if text and not (self.picked_id and text == self.picked_label):
                # Enter picks here; it must not reach the dialog's default button.
                if self._results:
                    self._pick(*self._results[0])
                elif self.busy:
                    self._pick_first = True
                    if self._timer.isActive():
                        self._timer.stop()
                        self._search()
                event.accept()
                return
        super().keyPressEvent(event)


class UndoNotice(QFrame):
    """A calm line saying what just happened, with 撤销 for a few seconds."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("undoNotice")
        self.setStyleSheet("QFrame#undoNotice { background: #eef5ff; border: 1px solid #bcd4f6;"
                           " border-radius: 4px; }")
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 3, 6, 3)
        self.label = QLabel()
        self.undo_button = QPushButton(self.tr("撤销"))
        self.undo_button.clicked.connect(self._undo_clicked)
        row.addWidget(self.label, 1)
        row.addWidget(self.undo_button)
        self._undo: Callable[[], None] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._expire)
        self.hide()

    def show_notice(self, text: str, undo: Callable[[], None] | None = None) -> None:
        """Show ``text``; with ``undo``, offer 撤销 until the notice fades."""
        self.label.setText(text)
        self._undo = undo
        self.undo_button.setVisible(undo is not None)
        self.show()
        self._timer.start(NOTICE_MS)

    def _expire(self) -> None:
        self._undo = None
        self.hide()

    def _undo_clicked(self) -> None:
        undo, self._undo = self._undo, None
        self._timer.stop()
        self.hide()
        if undo is not None:
            undo()


class PeriodFilter(QWidget):
    """全部时间 / 本月 / 本季度 / 本年 / 自定义 (two dates)."""

    sig_changed = Signal()

    def __init__(self, default: str = "year", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.combo = QComboBox()
        self.combo.setMinimumWidth(112)  # the style sheet's padding is not in the size hint
        for text, code in ((self.tr("全部时间"), "all"), (self.tr("本月"), "month"),
                           (self.tr("本季度"), "quarter"), (self.tr("本年"), "year"),
                           (self.tr("自定义…"), "custom")):
            self.combo.addItem(text, code)
        today = QDate.currentDate()
        self.date_from = date_edit(QDate(today.year(), 1, 1))
        self.date_to = date_edit(today)
        self.to_label = QLabel(self.tr("至"))
        row.addWidget(self.combo)
        row.addWidget(self.date_from)
        row.addWidget(self.to_label)
        row.addWidget(self.date_to)
        self.set_period(default)
        self.combo.currentIndexChanged.connect(self._period_changed)
        self.date_from.dateChanged.connect(lambda _d: self.sig_changed.emit())
        self.date_to.dateChanged.connect(lambda _d: self.sig_changed.emit())

    def period(self) -> str:
        """The chosen period code ("all", "month", "quarter", "year", "custom")."""
        return str(self.combo.currentData())

    def set_period(self, code: str) -> None:
        """Choose a period without announcing it."""
        self.combo.blockSignals(True)
        self.combo.setCurrentIndex(max(0, self.combo.findData(code)))
        self.combo.blockSignals(False)
        self._show_dates()

    def _show_dates(self) -> None:
        custom = self.period() == "custom"
        for w in (self.date_from, self.to_label, self.date_to):
            w.setVisible(custom)

    def _period_changed(self, _index: int) -> None:
        self._show_dates()
        self.sig_changed.emit()

    def date_range(self, today: dt.date | None = None) -> tuple[dt.date | None, dt.date | None]:
        """First and last day of the chosen period (None: open)."""
        if self.period() == "custom":
            start, end = self.date_from.date().toPython(), self.date_to.date().toPython()
            return (start, end) if start <= end else (end, start)
        return period_range(self.period(), today or dt.date.today())


class Pager(QWidget):
    """"第 1–100 条，共 345 条" with 上一页 / 下一页."""

    sig_offset = Signal(int)

    def __init__(self, page_size: int = PAGE_SIZE, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.page_size = page_size
        self.offset = 0
        self.total = 0
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.label.setObjectName("tileLabel")
        self.prev_button = QPushButton(self.tr("上一页"))
        self.next_button = QPushButton(self.tr("下一页"))
        self.prev_button.clicked.connect(lambda: self.sig_offset.emit(
            max(0, self.offset - self.page_size)))
        self.next_button.clicked.connect(lambda: self.sig_offset.emit(self.offset + self.page_size))
        row.addWidget(self.label)
        row.addStretch(1)
        row.addWidget(self.prev_button)
        row.addWidget(self.next_button)

    def set_page(self, offset: int, shown: int, total: int) -> None:
        """Show where this page is in the whole list."""
        self.offset, self.total = offset, total
        if total > self.page_size:
            self.label.setText(self.tr("第 {first}–{last} 条，共 {total} 条").format(
                first=f"{offset + 1:,}", last=f"{offset + shown:,}", total=f"{total:,}"))
        else:
            self.label.setText(self.tr("共 {total} 条").format(total=f"{total:,}"))
        self.label.setVisible(total > 0)  # the empty state says it already
        paged = total > self.page_size
        self.prev_button.setVisible(paged)
        self.next_button.setVisible(paged)
        self.prev_button.setEnabled(offset > 0)
        self.next_button.setEnabled(offset + shown < total)


class FilterTile(QFrame):
    """A small clickable tile (caption, figure, note) that filters a list; shows when chosen."""

    sig_clicked = Signal()

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tile")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        box = QVBoxLayout(self)
        box.setContentsMargins(10, 5, 8, 5)
        box.setSpacing(0)
        self.caption_label = QLabel(caption)
        self.caption_label.setObjectName("tileLabel")
        self.value_label = QLabel("…")
        self.value_label.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.note_label = QLabel()
        self.note_label.setObjectName("tileLabel")
        for label in (self.caption_label, self.value_label, self.note_label):
            box.addWidget(label)
        self.selected = False

    def set_values(self, value: str, note: str = "") -> None:
        """Show the figure and its note."""
        self.value_label.setText(value)
        self.note_label.setText(note)

    def set_selected(self, selected: bool) -> None:
        """Mark the tile whose filter is on."""
        self.selected = selected
        self.setStyleSheet("QFrame#tile { border: 2px solid #2f6fdb; background: #eef5ff; }"
                           if selected else "")

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.sig_clicked.emit()
        super().mouseReleaseEvent(event)


def date_edit(value: QDate) -> QDateEdit:
    """A date field showing 2026-11-29, with a calendar."""
    edit = QDateEdit(value)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setCalendarPopup(True)
    return edit


def text_box(lines: int) -> QPlainTextEdit:
    """A multi-line text field about ``lines`` high where Tab moves on (keyboard-first)."""
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    height = box.fontMetrics().lineSpacing() * lines + 14
    box.setFixedHeight(height)
    return box


def with_error(field: QWidget, error: QLabel) -> QWidget:
    """A field with its one-sentence error message right under it."""
    holder = QWidget()
    box = QVBoxLayout(holder)
    box.setContentsMargins(0, 0, 0, 0)
    box.setSpacing(2)
    box.addWidget(field)
    box.addWidget(error)
    return holder


def set_invalid(field: QWidget, error: QLabel, message: str | None) -> None:
    """Show (or clear, with None) a field's error and its red border."""
    field.setProperty("invalid", message is not None)
    field.style().unpolish(field)
    field.style().polish(field)
    error.setText(message or "")
    error.setVisible(message is not None)


def _save_then_forget_draft(save: Callable[..., str], store: Store, data: Any,
                            record_id: str | None, draft_key: str) -> str:
    record_id = save(store, data, record_id)
    delete_draft(store, draft_key)
    return record_id


class RecordDialog(QDialog):
    """A form for one record: first field focused, Tab in reading order, Ctrl+S or Enter
    saves, Esc cancels. What is typed is autosaved as a draft until it is saved."""

    draft_kind = ""

    def __init__(self, ctx: AppContext, record_id: str | None, base: dict[str, Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.record_id = record_id
        self.base = base
        self.draft_key = f"{self.draft_kind}:{record_id or 'new'}"
        self.saved_id: str | None = None
        self._loading = False
        self._dirty = False
        self._saving = False
        self._draft_busy = False
        self._draft_again = False
        self._pending_save: Any = None
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(800)
        self._draft_timer.timeout.connect(self._write_draft)
        self.setModal(True)

        self.draft_note = QLabel(self.tr("已恢复上次未保存的内容"))
        self.draft_note.setProperty("alert", "amber")
        self.discard_button = QPushButton(self.tr("放弃草稿"))
        self.discard_button.setAutoDefault(False)
        self.discard_button.clicked.connect(self.discard_draft)
        self.error_label = field_error()
        self.save_button = accent_button(self.tr("保存 (Ctrl+S)"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)

    def button_row(self) -> QVBoxLayout:
        """The error line and the draft note, 取消 and 保存, for the bottom of the form."""
        box = QVBoxLayout()
        box.addWidget(self.error_label)
        row = QHBoxLayout()
        row.addWidget(self.draft_note)
        row.addWidget(self.discard_button)
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        row.addWidget(self.save_button)
        box.addLayout(row)
        return box

    def start(self, draft: dict[str, Any] | None, watched: Sequence[QWidget]) -> None:
        """Fill the form (the record, then a draft over it) and watch it for changes."""
        self._loading = True
        self.set_values(self.base)
        if draft is not None:
            self.set_values(draft)
        self._loading = False
        self._dirty = draft is not None
        self.draft_note.setVisible(draft is not None)
        self.discard_button.setVisible(draft is not None)
        for w in watched:
            if isinstance(w, QLineEdit):
                w.textEdited.connect(self.mark_dirty)
            elif isinstance(w, QPlainTextEdit):
                w.textChanged.connect(self.mark_dirty)
            elif isinstance(w, QComboBox):
                w.currentIndexChanged.connect(self.mark_dirty)
            elif isinstance(w, QDateEdit):
                w.dateChanged.connect(self.mark_dirty)

    # The form's own parts -------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """What is typed, as plain JSON values (for the draft)."""
        raise NotImplementedError

    def set_values(self, values: dict[str, Any]) -> None:
        """Fill the fields from :meth:`values`-shaped data."""
        raise NotImplementedError

    def parse(self) -> Any:
        """The input to save, or None after showing what is wrong next to the fields."""
        raise NotImplementedError

    def save_function(self) -> Callable[..., str]:
        """``fn(store, parsed, record_id) -> id``, run off the GUI thread."""
        raise NotImplementedError

    def show_problem(self, error: DomainError) -> None:
        """Show a refused save next to its field (default: under the form)."""
        self.error_label.setText(error.message(self.ctx.lang))
        self.error_label.show()

    # Saving and drafts ----------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        """True when the form holds input not yet saved."""
        return self._dirty

    def mark_dirty(self, *_args: Any) -> None:
        """Note a change and schedule the draft autosave."""
        if self._loading or self._saving:
            return
        self._dirty = True
        self._draft_timer.start()

    def save(self) -> None:
        """Validate, then save off the GUI thread; the dialog closes when the store has it."""
        if self._saving:
            return
        parsed = self.parse()
        if parsed is None:
            return
        self.error_label.hide()
        self._saving = True
        self._draft_timer.stop()
        self.save_button.setEnabled(False)
        if self._draft_busy:
            self._pending_save = parsed  # after the draft write, so it cannot outlive the save
            return
        self._start_save(parsed)

    def _start_save(self, parsed: Any) -> None:
        self.ctx.tasks.run(_save_then_forget_draft, self.save_function(), self.ctx.store, parsed,
                           self.record_id, self.draft_key, done=self._saved,
                           failed=self._save_failed)

    def _saved(self, record_id: str) -> None:
        self.saved_id = record_id
        self._dirty = False
        self._saving = False
        self.accept()

    def _save_failed(self, error: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        if isinstance(error, DomainError):
            self.show_problem(error)
        else:
            self.error_label.setText(self.tr("没有保存成功，请再试一次；填写的内容已保留为草稿。"))
            self.error_label.show()
            self._write_draft()

    def _write_draft(self) -> None:
        if self._draft_busy:
            self._draft_again = True
            return
        self._draft_busy = True
        self.ctx.tasks.run(save_draft, self.ctx.store, self.draft_key, self.draft_kind,
                           self.values(), done=self._draft_written, failed=self._draft_written)

    def _draft_written(self, _result: object) -> None:
        self._draft_busy = False
        if self._pending_save is not None:
            parsed, self._pending_save = self._pending_save, None
            self._start_save(parsed)
        elif self._draft_again and not self._saving:
            self._draft_again = False
            self._write_draft()

    def discard_draft(self) -> None:
        """Forget the restored draft and show the record as saved (or an empty form)."""
        self._draft_timer.stop()
        self.ctx.tasks.run(delete_draft, self.ctx.store, self.draft_key)
        self._loading = True
        self.set_values(self.base)
        self._loading = False
        self._dirty = False
        self.draft_note.hide()
        self.discard_button.hide()

    def reject(self) -> None:
        """Esc: close; what was typed stays as a draft for next time."""
        if self._saving:
            return
        self._draft_timer.stop()
        if self._dirty:
            self._write_draft()
        super().reject()


# ====================================================================== the action form


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
        self.category_box = QComboBox()
        for entry in cat.DELIVERY_CATEGORIES:
            self.category_box.addItem(entry.label(lang), entry.code)
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
        self.household_picker = LookupEdit(ctx, fetch_households, keep_text=False)
        self.household_picker.setPlaceholderText(
            self.tr("输入户主姓名、户编号或身份证号后几位，回车加入"))
        self.household_picker.sig_picked.connect(self.add_household)
        self.household_list = QListWidget()
        self.household_list.setFixedHeight(118)
        self.household_list.installEventFilter(self)
        self.household_count = QLabel()
        self.household_count.setObjectName("tileLabel")
        self.remove_button = QPushButton(self.tr("移除所选 (Delete)"))
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(self.remove_selected_household)
        self.outcome_edit = text_box(2)

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
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        note = QLabel(self.tr("照片请在同步后的附件中补充（此处暂不支持添加照片）"))
        note.setObjectName("tileLabel")
        layout.addWidget(note)
        layout.addLayout(self.button_row())

        chain = [self.category_box, self.date_edit, self.village_box, self.place_edit,
                 self.title_edit, self.description_edit, self.people_edit,
                 self.household_picker, self.household_list, self.remove_button,
                 self.outcome_edit, self.cancel_button, self.save_button]
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

    def add_household(self, household_id: str, label: str, village_id: str = "") -> None:
        """Add a beneficiary (once); the first one sets the village if none is chosen."""
        if household_id in self.household_ids():
            return
        if self.household_list.count() == 0 and village_id and self.village_box.currentData() is None:
            self.village_box.setCurrentIndex(max(0, self.village_box.findData(village_id)))
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, household_id)
        self.household_list.addItem(item)
        self.household_list.scrollToBottom()
        self._count_households()
        self.mark_dirty()

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
        self.household_count.setText(self.tr("已选 {n} 户").format(n=count) if count
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
            "households": [[self.household_list.item(i).data(Qt.ItemDataRole.UserRole),
                            self.household_list.item(i).text()]
                           for i in range(self.household_list.count())],
            "outcome": self.outcome_edit.toPlainText(),
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
        for household_id, label in values.get("households", []):
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, household_id)
            self.household_list.addItem(item)
        self._count_households()
        self.outcome_edit.setPlainText(values.get("outcome", ""))

    def parse(self) -> ActionInput | None:
        title = self.title_edit.text().strip()
        if not title:
            set_invalid(self.title_edit, self.title_error, self.tr("请填写标题，如“黄花种植技术培训”"))
            self.title_edit.setFocus()
            return None
        return ActionInput(
            category=self.category_box.currentData(),
            action_date=self.date_edit.date().toPython(), title=title,
            place=self.place_edit.text(), description=self.description_edit.toPlainText(),
            people_reached=self.people_reached(), outcome=self.outcome_edit.toPlainText(),
            households=self.household_ids(), village_id=self.village_box.currentData())

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


# ====================================================================== the page


def _load_deliveries(store: Store, year: int, category: str | None, date_from: dt.date | None,
                     date_to: dt.date | None, village_id: str | None, offset: int,
                     lang: str) -> tuple[dict[str, CategoryCount], list[dict[str, Any]], int]:
    counts = category_counts(store, year, village_id)
    rows = list_actions(store, category, date_from, date_to, village_id, limit=PAGE_SIZE,
                        offset=offset, lang=lang)
    total = count_actions(store, category, date_from, date_to, village_id)
    return counts, rows, total


def _load_for_edit(store: Store, action_id: str, draft_key: str
                   ) -> tuple[dict[str, Any], dict[str, Any] | None]:
    return action_detail(store, action_id), load_draft(store, draft_key)


class DeliveriesPage(Page):
    """Tiles per category (this year), the filtered list, new/edit/delete with undo."""

    name = "deliveries"
    sig_loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.year = dt.date.today().year
        self.counts: dict[str, CategoryCount] = {}
        self.villages: list[dict[str, Any]] = []
        self.dialog: DeliveryDialog | None = None
        self._seq = 0
        self._villages_loaded = False
        self._opening = False

        self.setStyleSheet(DISABLED_BUTTONS)
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        head.addWidget(page_title(self.tr("十送行动")))
        head.addStretch(1)
        self.new_button = accent_button(self.tr("新建行动 (Ctrl+N)"))
        self.edit_button = QPushButton(self.tr("编辑"))
        self.delete_button = QPushButton(self.tr("删除"))
        self.new_button.clicked.connect(self.new_action)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        for button in (self.edit_button, self.delete_button, self.new_button):
            head.addWidget(button)
        layout.addLayout(head)

        self.tiles_caption = QLabel()
        self.tiles_caption.setObjectName("tileLabel")
        layout.addWidget(self.tiles_caption)
        tiles = QGridLayout()
        tiles.setSpacing(6)
        self.tiles: dict[str, FilterTile] = {}
        for i, entry in enumerate(cat.DELIVERY_CATEGORIES):
            tile = FilterTile(entry.label(ctx.lang))
            tile.sig_clicked.connect(lambda code=entry.code: self.toggle_category(code))
            self.tiles[entry.code] = tile
            tiles.addWidget(tile, 0, i)
        layout.addLayout(tiles)

        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.tr("类别")))
        self.category_box = QComboBox()
        self.category_box.setMinimumWidth(112)
        self.category_box.addItem(self.tr("全部类别"), None)
        for entry in cat.DELIVERY_CATEGORIES:
            self.category_box.addItem(entry.label(ctx.lang), entry.code)
        filters.addWidget(self.category_box)
        filters.addSpacing(10)
        filters.addWidget(QLabel(self.tr("时间")))
        self.period = PeriodFilter("year")
        filters.addWidget(self.period)
        filters.addSpacing(10)
        filters.addWidget(QLabel(self.tr("村")))
        self.village_box = QComboBox()
        self.village_box.setMinimumWidth(160)
        self.village_box.addItem(self.tr("全部村"), None)
        filters.addWidget(self.village_box)
        filters.addStretch(1)
        layout.addLayout(filters)

        self.notice = UndoNotice()
        layout.addWidget(self.notice)

        self.model = RowsModel([
            Column(self.tr("日期"), lambda r: date_text(r["action_date"])),
            Column(self.tr("类别"), lambda r: r["category_label"]),
            Column(self.tr("标题"), lambda r: r["title"], tooltip=True),
            Column(self.tr("地点"), lambda r: r["place"], tooltip=True),
            Column(self.tr("受益户数"), lambda r: f"{r['households']:,}", numeric=True),
            Column(self.tr("覆盖人数"), lambda r: f"{r['people_reached']:,}", numeric=True),
        ], self)
        self.table = make_table(self.model, [110, 90, 420, 260, 100, 100], [2])
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

        QShortcut(QKeySequence("Ctrl+N"), self, activated=self.new_action)
        self.category_box.currentIndexChanged.connect(lambda _i: self.reload())
        self.period.sig_changed.connect(self.reload)
        self.village_box.currentIndexChanged.connect(lambda _i: self.reload())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        ctx.sig_data_changed.connect(self._data_changed)
        self._update_buttons()

    def title(self) -> str:
        return self.tr("十送行动")

    def activate(self, **params: Any) -> None:
        """Reload; ``category=CODE`` filters the list by that category."""
        if not self._villages_loaded:
            self.ctx.tasks.run(list_villages, self.ctx.store, done=self._fill_villages)
        if "category" in params:
            self.set_category(params["category"])
        self.reload()

    def _fill_villages(self, villages: list[dict[str, Any]]) -> None:
        self._villages_loaded = True
        self.villages = villages
        self.village_box.blockSignals(True)
        for v in villages:
            self.village_box.addItem(v["name"], v["id"])
        self.village_box.blockSignals(False)

    def _data_changed(self, entities: set[str]) -> None:
        if entities & {"delivery_action", "delivery_beneficiary", "household", "area"} \
                and self.isVisible():
            self.reload(self.pager.offset)

    # Filters --------------------------------------------------------------------------

    def category(self) -> str | None:
        """The category the list is filtered by (None: all)."""
        return self.category_box.currentData()

    def set_category(self, code: str | None) -> None:
        """Filter by ``code`` (None: all categories)."""
        self.category_box.setCurrentIndex(max(0, self.category_box.findData(code)))

    def toggle_category(self, code: str) -> None:
        """A tile click: filter by its category, or clear that filter when it is on."""
        self.set_category(None if self.category() == code else code)

    def reload(self, offset: int = 0) -> None:
        """Reload tiles and the list (one page from ``offset``) off the GUI thread."""
        self._seq += 1
        seq = self._seq
        self.year = dt.date.today().year  # the program may stay open over New Year
        date_from, date_to = self.period.date_range()
        self.ctx.tasks.run(_load_deliveries, self.ctx.store, self.year, self.category(),
                           date_from, date_to, self.village_box.currentData(), offset,
                           self.ctx.lang, done=lambda result: self._show(seq, offset, result))

    def _show(self, seq: int, offset: int,
              result: tuple[dict[str, CategoryCount], list[dict[str, Any]], int]) -> None:
        if seq != self._seq:
            return  # filters changed meanwhile; a newer load is on its way
        counts, rows, total = result
        self.counts = counts
        self.tiles_caption.setText(self.tr("{year} 年各类行动次数与覆盖人数（点击卡片按类别筛选）")
                                   .format(year=self.year))
        chosen = self.category()
        for code, tile in self.tiles.items():
            c = counts.get(code, CategoryCount())
            tile.set_values(self.tr("{n} 次").format(n=f"{c.actions:,}"),
                            self.tr("覆盖 {n} 人").format(n=f"{c.people:,}"))
            tile.set_selected(code == chosen)
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
            unfiltered = (chosen is None and self.period.period() == "year"
                          and self.village_box.currentData() is None)
            self.empty.setText(
                self.tr("今年还没有十送行动记录，按 Ctrl+N 新建") if unfiltered
                else self.tr("没有符合条件的十送行动记录。可以放宽上面的筛选条件，或按 Ctrl+N 新建"))
        self._update_buttons()
        self.sig_loaded.emit()

    # Rows -----------------------------------------------------------------------------

    def selected_row(self) -> dict[str, Any] | None:
        """The action selected in the list, if any."""
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.row(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        chosen = self.selected_row() is not None
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def _base_for_new(self) -> dict[str, Any]:
        village = self.village_box.currentData()
        if village is None and len(self.villages) == 1:
            village = self.villages[0]["id"]
        return {"category": self.category() or cat.DELIVERY_CATEGORIES.codes()[0],
                "action_date": dt.date.today().isoformat(), "village_id": village,
                "people_reached": 0, "households": []}

    def new_action(self) -> None:
        """Open the form for a new action (with the last unsaved draft, if any)."""
        if self._opening:
            return
        self._opening = True
        self.ctx.tasks.run(load_draft, self.ctx.store, f"{DeliveryDialog.draft_kind}:new",
                           done=lambda draft: self._open_dialog(None, self._base_for_new(), draft),
                           failed=self._open_failed)

    def edit_selected(self) -> None:
        """Open the form for the selected action."""
        row = self.selected_row()
        if row is None or self._opening:
            return
        self._opening = True
        self.ctx.tasks.run(_load_for_edit, self.ctx.store, row["id"],
                           f"{DeliveryDialog.draft_kind}:{row['id']}",
                           done=lambda found: self._open_edit(row["id"], *found),
                           failed=self._open_failed)

    def _open_edit(self, action_id: str, detail: dict[str, Any],
                   draft: dict[str, Any] | None) -> None:
        base = {k: detail[k] for k in ("category", "action_date", "village_id", "place", "title",
                                       "description", "people_reached", "outcome")}
        base["households"] = [
            [h["id"], f"{h['head_name']}（{h['number']}，{h['village_name']}）"]
            for h in detail["households"]]
        self._open_dialog(action_id, base, draft)

    def _open_failed(self, _error: BaseException) -> None:
        self._opening = False
        self.notice.show_notice(self.tr("这条记录已不存在，列表已刷新。"))
        self.reload(self.pager.offset)

    def _open_dialog(self, action_id: str | None, base: dict[str, Any],
                     draft: dict[str, Any] | None) -> None:
        self._opening = False
        if self.dialog is not None and not self.dialog.isVisible():
            self.dialog.deleteLater()  # its draft was written long ago; free the widgets
        self.dialog = DeliveryDialog(self.ctx, action_id, base, self.villages, draft, self)
        self.dialog.accepted.connect(self._dialog_saved)
        self.dialog.open()

    def _dialog_saved(self) -> None:
        dialog = self.dialog
        if dialog is None or dialog.saved_id is None:
            return
        self.notice.show_notice(self.tr("已保存“{title}”").format(
            title=dialog.title_edit.text().strip()))
        self.ctx.data_changed("delivery_action", "delivery_beneficiary")

    def delete_selected(self) -> None:
        """Ask once, tombstone the action and its beneficiaries, offer 撤销."""
        row = self.selected_row()
        if row is None:
            return
        answer = QMessageBox.question(
            self, self.tr("删除十送行动"),
            self.tr("确定删除“{title}”吗？删除后几秒内可以撤销。").format(title=row["title"]),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.ctx.tasks.run(delete_action, self.ctx.store, row["id"],
                           done=lambda deleted: self._deleted(row["title"], deleted),
                           failed=self._open_failed)

    def _deleted(self, title: str, deleted: DeletedAction) -> None:
        self.notice.show_notice(self.tr("已删除“{title}”").format(title=title),
                                lambda: self.undo_delete(deleted, title))
        self.ctx.data_changed("delivery_action", "delivery_beneficiary")

    def undo_delete(self, deleted: DeletedAction, title: str) -> None:
        """Bring a deleted action back, with the same beneficiaries."""
        def restored(_result: object) -> None:
            self.notice.show_notice(self.tr("已恢复“{title}”").format(title=title))
            self.ctx.data_changed("delivery_action", "delivery_beneficiary")

        self.ctx.tasks.run(restore_action, self.ctx.store, deleted, done=restored)
