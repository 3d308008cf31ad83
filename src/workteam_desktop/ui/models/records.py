"""A read-only table model over a short list of records already formatted as text
(members, visits, assistance, monitoring history of one household)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from .badges import badge_pixmap
from .household_table import FLAGS_ROLE

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class RecordsModel(QAbstractTableModel):
    """Rows of text under translated headers; some columns right-aligned (numbers), and
    optionally a column of badge words (:data:`FLAGS_ROLE`, shown as badges)."""

    def __init__(self, headers: Sequence[str], right_aligned: Sequence[int] = (),
                 badge_column: int | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._headers = list(headers)
        self._right = set(right_aligned)
        self._badge_column = badge_column
        self._rows: list[tuple[str, ...]] = []
        self._badges: list[tuple[tuple[str, str], ...]] = []

    def set_rows(self, rows: Sequence[Sequence[str]],
                 badges: Sequence[Sequence[tuple[str, str]]] | None = None) -> None:
        """Replace the rows (each a sequence of texts, one per column) and their badges."""
        self.beginResetModel()
        self._rows = [tuple(r) for r in rows]
        self._badges = [tuple(b) for b in badges] if badges else [() for _ in self._rows]
        self.endResetModel()

    def text(self, row: int, column: int) -> str:
        """The text of a cell."""
        return self._rows[row][column]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section in self._right:
            return _RIGHT
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if column == self._badge_column:
            # The words are drawn as badges; the text is for tooltips and screen readers.
            if role == Qt.ItemDataRole.DecorationRole:
                return badge_pixmap(self._badges[row])
            if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
                return self._rows[row][column]
            if role == FLAGS_ROLE:
                return self._badges[row]
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._rows[row][column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self._right:
            return _RIGHT
        return None


def records_view(model: Any, widths: dict[int, int] | None = None) -> QTableView:
    """A read-only, zebra-striped table view over ``model`` with the given column widths."""
    view = QTableView()
    view.setModel(model)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(28)
    view.setWordWrap(False)
    header = view.horizontalHeader()
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    for column, width in (widths or {}).items():
        view.setColumnWidth(column, width)
    return view
