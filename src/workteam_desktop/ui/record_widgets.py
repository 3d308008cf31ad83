"""Pieces the record pages (十送行动, 帮扶记录, 培训) share: a table model over row dicts,
a generic type-ahead field, the undo notice, the period filter, the village filter, the
pager, filter tiles (and the grid that wraps them) and small form helpers.

Households and cadres are picked with ``ui/pickers.py`` (one household search in the
program: the household list's own, ``store.households.list_households``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    QStringListModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QMouseEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain.catalogues import Catalogue
from ..domain.fields import money_text as money_text  # the one money format, for the pages
from ..domain.periods import whole_period
from ..store import Store
from ..store.assistance import list_villages
from .catalogue_extensions import region_catalogue
from .columns import fit_columns_to_text
from .context import AppContext

PAGE_SIZE = 100
# style.qss gives every button a white face, so a disabled one looked clickable.
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


def make_table(model: RowsModel, stretch: int | None = None,
               give_way: tuple[int, ...] = ()) -> QTableView:
    """A zebra, row-selecting, read-only table whose columns are as wide as their header and
    cells need in the current language (``ui/columns.py``); the ``stretch`` column takes
    the spare width, and it and the ``give_way`` columns shrink before the table would
    scroll sideways."""
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
    table.horizontalHeader().setHighlightSections(False)
    fit_columns_to_text(table, stretch, give_way)
    return table


Fetch = Callable[[Store, str], list[tuple[str, str, str]]]
"""A type-ahead search run off the GUI thread: (id, label, extra) for a typed text."""


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
        return whole_period(self.period(), today or dt.date.today())


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


class TileGrid(QWidget):
    """Filter tiles in rows of as many as fit whole: a tile is never narrower than its
    caption, figure and note need (a number on a card is never cut), so a narrow window
    (1024 wide) or longer words (English) get more, shorter rows. The rows are filled
    evenly (10 tiles: 5 and 5, not 7 and 3)."""

    SPACING = 6

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(self.SPACING)
        self.tiles: list[FilterTile] = []
        self.columns = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.relayout)

    def add(self, tile: FilterTile) -> None:
        """Add a tile after the others."""
        self.tiles.append(tile)
        tile.installEventFilter(self)  # its texts changed: it may need more width
        self.grid.addWidget(tile, 0, len(self.tiles) - 1)
        self._timer.start()

    def tile_width(self) -> int:
        """The width every tile gets at least: the widest tile's whole text."""
        return max((t.minimumSizeHint().width() for t in self.tiles), default=0)

    def columns_for(self, width: int) -> int:
        """How many tiles go in a row when the grid is ``width`` wide."""
        n = len(self.tiles)
        if not n:
            return 1
        fit = max(1, min(n, (width + self.SPACING) // (self.tile_width() + self.SPACING)))
        rows = -(-n // fit)
        return -(-n // rows)

    def relayout(self) -> None:
        """Lay the tiles out again for the grid's width (when it or their texts change)."""
        self._timer.stop()
        columns = self.columns_for(self.width())
        if columns != self.columns:
            self.columns = columns
            for tile in self.tiles:
                self.grid.removeWidget(tile)
            for column in range(self.grid.columnCount()):
                self.grid.setColumnStretch(column, 0)
            for i, tile in enumerate(self.tiles):
                self.grid.addWidget(tile, i // columns, i % columns)
            for column in range(columns):
                self.grid.setColumnStretch(column, 1)
        self.updateGeometry()

    def minimumSizeHint(self) -> QSize:
        # As narrow as one tile (the rows wrap), as high as the rows laid out now.
        return QSize(self.tile_width(), self.grid.minimumSize().height())

    def sizeHint(self) -> QSize:
        return QSize(self.tile_width(), self.grid.sizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.columns_for(event.size().width()) != self.columns:
            self.relayout()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._timer.start()  # the style sheet's fonts are known now

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest and watched in self.tiles:
            self._timer.start()
        return super().eventFilter(watched, event)


class VillageFilter(QComboBox):
    """全部村 and the villages (and resettlement communities) of the store, read once."""

    def __init__(self, ctx: AppContext, min_width: int = 150,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.villages: list[dict[str, Any]] = []
        self.loaded = False
        self._loading = False
        self.setMinimumWidth(min_width)
        self.addItem(self.tr("全部村"), None)

    def load(self) -> None:
        """Read the villages off the GUI thread (once); the chosen item stays 全部村."""
        if self.loaded or self._loading:
            return
        self._loading = True
        self.ctx.tasks.run(list_villages, self.ctx.store, done=self._fill)

    def _fill(self, villages: list[dict[str, Any]]) -> None:
        self.loaded, self._loading = True, False
        self.villages = villages
        self.blockSignals(True)
        for v in villages:
            self.addItem(v["name"], v["id"])
        self.blockSignals(False)


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


def catalogue_combo(catalogue: Catalogue, lang: str, all_label: str | None = None,
                    min_width: int = 0) -> QComboBox:
    """A combo of a catalogue's labels (data: the code), the region's extensions included,
    optionally led by an "all" item whose data is None (for filters)."""
    catalogue = region_catalogue(catalogue)
    box = QComboBox()
    if min_width:
        box.setMinimumWidth(min_width)
    if all_label is not None:
        box.addItem(all_label, None)
    for entry in catalogue:
        box.addItem(entry.label(lang), entry.code)
    return box
