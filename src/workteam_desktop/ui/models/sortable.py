"""A read-only table model over rows of raw values, sorted by clicking a header, with an
optional totals row that stays at the bottom whatever the order (supervisor tables)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from ..widgets import number

ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the payload of a row (an id, a record)
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_COLOURS = {"red": QColor("#c5221f"), "amber": QColor("#b06d00"), "green": QColor("#2e7d32")}


@dataclass(frozen=True, slots=True)
class Col:
    """A column: header and how to show its values ("text", "int", "percent", "score")."""

    header: str
    kind: str = "text"
    editable: bool = False
    empty: str = ""  # shown for an empty value (e.g. 未录入)


def show(value: Any, kind: str) -> str:
    """A raw value as the table shows it."""
    if value is None or value == "":
        return ""
    if kind == "int":
        return f"{value:,}"
    if kind == "percent":
        return f"{value:.1%}"
    if kind == "score":
        return f"{value:,.1f}"
    if kind == "number":
        return number(value)
    return str(value)


class SortableModel(QAbstractTableModel):
    """Rows of raw values; ``marks[(row_payload, column)]`` colours a cell red/amber/green."""

    def __init__(self, columns: Sequence[Col], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[list[Any]] = []
        self._payloads: list[Any] = []
        self._marks: list[dict[int, str]] = []
        self._totals: list[Any] | None = None
        self.on_edit: Callable[[Any, int, Any], None] | None = None

    def set_rows(self, rows: Sequence[Sequence[Any]], payloads: Sequence[Any] | None = None,
                 marks: Sequence[dict[int, str]] | None = None,
                 totals: Sequence[Any] | None = None) -> None:
        """Replace the rows (raw values), their payloads, cell marks and the totals row."""
        self.beginResetModel()
        self._rows = [list(r) for r in rows]
        self._payloads = list(payloads) if payloads is not None else [None] * len(self._rows)
        self._marks = [dict(m) for m in marks] if marks is not None else [{} for _ in self._rows]
        self._totals = list(totals) if totals is not None else None
        self.endResetModel()

    def payload(self, row: int) -> Any:
        """The payload of a body row (None for the totals row)."""
        return self._payloads[row] if 0 <= row < len(self._payloads) else None

    def value(self, row: int, column: int) -> Any:
        """The raw value of a cell (the totals row last)."""
        if row == len(self._rows):
            return self._totals[column] if self._totals is not None else None
        return self._rows[row][column]

    def text(self, row: int, column: int) -> str:
        """A cell as shown."""
        value = self.value(row, column)
        if (value is None or value == "") and row < len(self._rows):
            return self.columns[column].empty
        return show(value, self.columns[column].kind)

    @property
    def body_count(self) -> int:
        """Rows without the totals row."""
        return len(self._rows)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        if parent.isValid():
            return 0
        return len(self._rows) + (1 if self._totals is not None else 0)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        if role == Qt.ItemDataRole.TextAlignmentRole and self.columns[section].kind != "text":
            return _RIGHT
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if (index.isValid() and index.row() < len(self._rows)
                and self.columns[index.column()].editable):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        is_total = row == len(self._rows)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(row, column)
        if role == Qt.ItemDataRole.EditRole:
            return self.value(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and self.columns[column].kind != "text":
            return _RIGHT
        if role == Qt.ItemDataRole.FontRole and is_total:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and not is_total:
            level = self._marks[row].get(column)
            if level:
                return QBrush(_COLOURS[level])
        if role == Qt.ItemDataRole.BackgroundRole and is_total:
            return QBrush(QColor("#eef2f6"))
        if role == ROW_ROLE and not is_total:
            return self._payloads[row]
        return None

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (role != Qt.ItemDataRole.EditRole or not index.isValid()
                or not self.columns[index.column()].editable or self.on_edit is None):
            return False
        self.on_edit(self._payloads[index.row()], index.column(), value)
        return True

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the body rows by ``column`` (empty values last); the totals row stays last."""
        if not self._rows:
            return
        self.layoutAboutToBeChanged.emit()
        reverse = order == Qt.SortOrder.DescendingOrder
        filled = [i for i, r in enumerate(self._rows) if r[column] not in (None, "")]
        empty = [i for i, r in enumerate(self._rows) if r[column] in (None, "")]
        filled.sort(key=lambda i: self._rows[i][column], reverse=reverse)  # stable
        order_ = filled + empty
        self._rows = [self._rows[i] for i in order_]
        self._payloads = [self._payloads[i] for i in order_]
        self._marks = [self._marks[i] for i in order_]
        self.layoutChanged.emit()
