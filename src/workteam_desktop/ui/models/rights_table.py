"""The rights ledger (权益清单) of a relocated household as an editable table: status and
person in charge can be changed in place; a right that is missing or has no one in charge
shows the red word 权益悬空 (有人管、不悬空、不漏项)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from ...domain import catalogues as cat
from ...store.rights import RightEdit
from .badges import badge_pixmap
from .household_table import FLAGS_ROLE

COL_RIGHT, COL_SIDE, COL_STATUS, COL_RESPONSIBLE, COL_NOTE, COL_ALERT = range(6)
EDITABLE = {COL_STATUS, COL_RESPONSIBLE, COL_NOTE}
CODE_ROLE = Qt.ItemDataRole.UserRole + 10  # the status code of the status column
_RIGHTS = {entry.code: entry for entry in cat.ALL_RIGHTS}


class RightsModel(QAbstractTableModel):
    """The 25 rights of one household; edits are kept until saved."""

    sig_edited = Signal()

    def __init__(self, lang: str = "zh", parent: Any = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self._items: list[dict[str, Any]] = []
        self._original: list[tuple[str | None, str, str]] = []
        self._headers = [self.tr("权益事项"), self.tr("所在地"), self.tr("状态"),
                         self.tr("责任人"), self.tr("备注"), self.tr("提示")]

    def set_ledger(self, ledger: Sequence[dict[str, Any]]) -> None:
        """Show the ledger read from the store (household_detail's ``rights``)."""
        self.beginResetModel()
        # What needs action first (悬空, then 有问题, then 办理中), so it is seen without
        # scrolling; the catalogue's order within each group. Edits do not reorder rows.
        rank = {"problem": 1, "in_progress": 2}
        items = [dict(item) for item in ledger]
        order = {entry.code: i for i, entry in enumerate(cat.ALL_RIGHTS)}
        items.sort(key=lambda i: (0 if self.is_dangling(i) else rank.get(i["status"], 3),
                                  order.get(i["right"], 99)))
        self._items = items
        self._original = [(i["status"], i["responsible"], i["note"]) for i in self._items]
        self.endResetModel()

    def restore(self, values: dict[str, tuple[str | None, str, str]]) -> None:
        """Put back edits (from a draft): right code → (status, responsible, note)."""
        for row, item in enumerate(self._items):
            if item["right"] in values:
                item["status"], item["responsible"], item["note"] = values[item["right"]]
                self._changed(row)

    def discard(self) -> None:
        """Throw away edits."""
        for row, (status, responsible, note) in enumerate(self._original):
            item = self._items[row]
            item["status"], item["responsible"], item["note"] = status, responsible, note
        if self._items:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._items) - 1, COL_ALERT))
        self.sig_edited.emit()

    def edits(self) -> list[RightEdit]:
        """The rights changed since loading."""
        return [RightEdit(item["right"], item["status"], item["responsible"], item["note"])
                for item, original in zip(self._items, self._original, strict=True)
                if (item["status"], item["responsible"], item["note"]) != original]

    def edited_values(self) -> dict[str, tuple[str | None, str, str]]:
        """The changed rights as plain data (for a draft)."""
        return {e.right: (e.status, e.responsible, e.note) for e in self.edits()}

    @staticmethod
    def is_dangling(item: dict[str, Any]) -> bool:
        """权益悬空: nobody in charge, or never checked (a missing row is both)."""
        return not item["responsible"].strip() or item["status"] is None

    def summary(self) -> dict[str, int]:
        """How many rights per status code, and how many are dangling (``"dangling"``)."""
        counts = {code: 0 for code in cat.RIGHT_STATUSES.codes()}
        counts["dangling"] = 0
        for item in self._items:
            if item["status"] in counts:
                counts[item["status"]] += 1
            if self.is_dangling(item):
                counts["dangling"] += 1
        return counts

    def item(self, row: int) -> dict[str, Any]:
        """The ledger item of ``row`` as edited."""
        return self._items[row]

    def _changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, COL_ALERT))
        self.sig_edited.emit()

    # ------------------------------------------------------------------ Qt model API

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if index.column() in EDITABLE else base

    def _badges(self, item: dict[str, Any]) -> tuple[tuple[str, str], ...]:
        badges = []
        if self.is_dangling(item):
            badges.append((self.tr("权益悬空"), "red"))
        if item["status"] == "problem":
            badges.append((self.tr("有问题"), "amber"))
        return tuple(badges)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self._items[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == COL_RIGHT:
                return _RIGHTS[item["right"]].label(self.lang)
            if column == COL_SIDE:
                return cat.RIGHT_SIDES.label(item["side"], self.lang)
            if column == COL_STATUS:
                return (cat.RIGHT_STATUSES.label(item["status"], self.lang)
                        if item["status"] else self.tr("未核实"))
            if column == COL_RESPONSIBLE:
                return item["responsible"]
            if column == COL_NOTE:
                return item["note"]
            if column == COL_ALERT:
                return ""  # drawn as badges (DecorationRole)
        if role == CODE_ROLE and column == COL_STATUS:
            return item["status"]
        if column == COL_ALERT:
            if role == FLAGS_ROLE:
                return self._badges(item)
            if role == Qt.ItemDataRole.DecorationRole:
                return badge_pixmap(self._badges(item))
            if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
                return "、".join(word for word, _level in self._badges(item))
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_RIGHT:
            return _RIGHTS[item["right"]].label(self.lang)
        return None

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() not in EDITABLE:
            return False
        item = self._items[index.row()]
        key = {COL_STATUS: "status", COL_RESPONSIBLE: "responsible", COL_NOTE: "note"}[
            index.column()]
        value = value if key == "status" else str(value or "").strip()
        if item[key] == value:
            return False
        item[key] = value
        self._changed(index.row())
        return True


class RightsDelegate(QStyledItemDelegate):
    """Editors of the ledger: a list of statuses; names with type-ahead for 责任人."""

    def __init__(self, names: Sequence[str] = (), lang: str = "zh",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.names = list(names)
        self.lang = lang

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        if index.column() == COL_STATUS:
            box = QComboBox(parent)
            box.addItem(self.tr("未核实"), None)
            for entry in cat.RIGHT_STATUSES:
                box.addItem(entry.label(self.lang), entry.code)
            return box
        editor = QLineEdit(parent)
        if index.column() == COL_RESPONSIBLE and self.names:
            completer = QCompleter(self.names, editor)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            editor.setCompleter(completer)
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, QComboBox):
            found = editor.findData(index.data(CODE_ROLE))
            editor.setCurrentIndex(max(found, 0))
        elif isinstance(editor, QLineEdit):
            editor.setText(index.data(Qt.ItemDataRole.EditRole) or "")

    def setModelData(self, editor: QWidget, model: QAbstractTableModel,
                     index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData())
        elif isinstance(editor, QLineEdit):
            model.setData(index, editor.text())
