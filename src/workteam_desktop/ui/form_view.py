"""A form rendered from its definition: any ``forms/<id>/v<n>.json`` shows without code.

Sections are boxes in one scrolling column; plain fields sit in a grid of label + answer
pairs; a repeating group is a list of cards (one per family member) with 添加 and 删除
(and 撤销 after a removal). The engine (:mod:`workteam_desktop.domain.forms`) decides
what is shown and what is wrong: fields appear and disappear as answers change, and a
field's problem shows under it once the field was edited and left (all of them on
:meth:`FormView.validate_all`).

Keyboard: Tab and Enter move to the next answer; in a list, ↑/↓ or the digit keys 1–9
choose (0 clears); Space ticks a box; Ctrl+N adds an item to the list being filled in,
Ctrl+Delete removes it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPalette, QWheelEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ..domain.fields import money_text
from ..domain.forms import (
    ITEM_ID,
    FieldDef,
    FormCheck,
    FormDef,
    GroupDef,
    ProblemLike,
    check_form,
    derived_values,
    is_blank,
    item_path,
    read_value,
)
from .widgets import field_error

DEFAULT_COLUMNS = 4
_EDITOR_MIN_WIDTH = 120
# Narrower boxes for short answers, so six amounts fit in a row at 1366 pixels.
_MIN_WIDTHS = {"int": 70, "money": 90, "date": 100, "id_number": 165, "phone": 110}


def _repolish(widget: QWidget) -> None:
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class _Combo(QComboBox):
    """A list that ignores the mouse wheel unless it has focus: scrolling the form must
    never change an answer."""

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


# ---------------------------------------------------------------- editors


class FieldEditor(QObject):
    """The widget answering one field, whatever its type."""

    sig_changed = Signal()  # the person changed the answer
    sig_left = Signal()  # focus left the answer

    def __init__(self, field: FieldDef, lang: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.lang = lang
        self.widget: QWidget = self._build()
        for w in self.focus_widgets():
            w.installEventFilter(self)
        tip = field.help.get(lang) if field.help else ""
        if tip:
            self.widget.setToolTip(tip)

    # subclasses
    def _build(self) -> QWidget:
        raise NotImplementedError

    def value(self) -> Any:
        """The answer as the engine reads it (text as typed, a code, a bool, a list)."""
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        """Show ``value`` (without emitting ``sig_changed``)."""
        raise NotImplementedError

    def show_normalized(self, value: Any) -> None:
        """Show the engine's reading of the answer (e.g. 19800501 as 1980-05-01)."""

    def focus_widgets(self) -> list[QWidget]:
        """The widgets Tab stops at, in order."""
        return [self.widget]

    def set_invalid(self, invalid: bool) -> None:
        """Mark the answer red (the style sheet's ``invalid`` property)."""
        for w in self.focus_widgets():
            if bool(w.property("invalid")) != invalid:
                w.setProperty("invalid", invalid)
                _repolish(w)

    # keys and focus
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.FocusOut:
            if event.reason() != Qt.FocusReason.PopupFocusReason:  # type: ignore[attr-defined]
                self.sig_left.emit()
        elif kind == QEvent.Type.KeyPress and isinstance(watched, QWidget):
            return self._key(watched, event)  # type: ignore[arg-type]
        return False

    def _key(self, watched: QWidget, event: QKeyEvent) -> bool:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                event.modifiers() in (Qt.KeyboardModifier.NoModifier,
                                      Qt.KeyboardModifier.KeypadModifier):
            # Enter moves on, as on paper: type, Enter, type (the numeric keypad's Enter too).
            tab = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier)
            QApplication.sendEvent(watched, tab)
            return True
        return False


class LineEditor(FieldEditor):
    """One line of text: text, numbers, money, dates, ID numbers, phones."""

    def _build(self) -> QWidget:
        edit = QLineEdit()
        kind = self.field.type
        edit.setMinimumWidth(_MIN_WIDTHS.get(kind, _EDITOR_MIN_WIDTH))
        if kind in ("int", "money"):
            edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        placeholder = self.field.placeholder.get(self.lang) if self.field.placeholder else {
            "date": self.tr("如 1980-05-01"), "id_number": self.tr("18位"),
            "phone": self.tr("手机或固话"),
        }.get(kind, "")
        edit.setPlaceholderText(placeholder)
        edit.textEdited.connect(lambda _t: self.sig_changed.emit())
        self.edit = edit
        if kind != "money":
            return edit
        # Money reads as “1,234.50 元”: the unit sits after the box.
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(edit, 1)
        row.addWidget(QLabel(self.tr("元")))
        return box

    def focus_widgets(self) -> list[QWidget]:
        return [self.edit]

    def value(self) -> Any:
        return self.edit.text()

    def set_value(self, value: Any) -> None:
        self.edit.setText(self._display(value))
        self.edit.setCursorPosition(0)

    def _display(self, value: Any) -> str:
        if value is None:
            return ""
        if self.field.type == "money" and isinstance(value, int | float) \
                and not isinstance(value, bool):
            return money_text(value)
        return str(value)

    def show_normalized(self, value: Any) -> None:
        if value is None or self.field.type in ("text", "int"):
            return
        text = self._display(value)
        if text != self.edit.text():
            self.edit.setText(text)


class TextAreaEditor(FieldEditor):
    """Several lines; Tab leaves it (Enter makes a new line)."""

    def _build(self) -> QWidget:
        edit = QPlainTextEdit()
        edit.setTabChangesFocus(True)
        edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 3 + 16)
        if self.field.placeholder:
            edit.setPlaceholderText(self.field.placeholder.get(self.lang))
        edit.textChanged.connect(self.sig_changed.emit)
        self.edit = edit
        return edit

    def value(self) -> Any:
        return self.edit.toPlainText()

    def set_value(self, value: Any) -> None:
        self.edit.blockSignals(True)
        self.edit.setPlainText("" if value is None else str(value))
        self.edit.blockSignals(False)

    def _key(self, watched: QWidget, event: QKeyEvent) -> bool:
        return False  # Enter is a new line here


class BoolEditor(FieldEditor):
    """A tick box: Space ticks."""

    def _build(self) -> QWidget:
        box = QCheckBox(self.tr("是"))
        box.toggled.connect(lambda _on: self.sig_changed.emit())
        self.box = box
        return box

    def value(self) -> Any:
        return self.box.isChecked()

    def set_value(self, value: Any) -> None:
        self.box.blockSignals(True)
        self.box.setChecked(value is True)
        self.box.blockSignals(False)


class ChoiceEditor(FieldEditor):
    """A list of choices: ↑/↓, the digit keys 1–9 (0 clears), or Space for the list."""

    def _build(self) -> QWidget:
        combo = _Combo()
        combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        combo.setMinimumWidth(_EDITOR_MIN_WIDTH)
        combo.addItem("", None)
        for choice in self.field.choices:
            combo.addItem(choice.label.get(self.lang), choice.value)
        combo.setMaxVisibleItems(12)
        combo.currentIndexChanged.connect(lambda _i: self.sig_changed.emit())
        self.combo = combo
        help_text = self.field.help.get(self.lang) + "\n" if self.field.help else ""
        combo.setToolTip(help_text + self.tr("按数字键 1–{n} 直接选择，0 清空").format(
            n=min(9, len(self.field.choices))))
        return combo

    def value(self) -> Any:
        return self.combo.currentData()

    def set_value(self, value: Any) -> None:
        self.combo.blockSignals(True)
        index = self.combo.findData(value) if value not in (None, "") else 0
        if index < 0:
            # A code this form does not know: keep it visible so the problem can be seen.
            self.combo.addItem(str(value), value)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)
        self.combo.blockSignals(False)

    def _key(self, watched: QWidget, event: QKeyEvent) -> bool:
        text = event.text()
        if len(text) == 1 and text.isdigit() and text.isascii() \
                and event.modifiers() in (Qt.KeyboardModifier.NoModifier,
                                          Qt.KeyboardModifier.KeypadModifier):
            number = int(text)
            if number < self.combo.count():
                self.combo.setCurrentIndex(number)
            return True
        return super()._key(watched, event)


class MultiChoiceEditor(FieldEditor):
    """One tick box per choice, in rows (Space ticks, Tab moves on); fewer to a row when
    the form is narrow."""

    MAX_PER_ROW = 8

    def _build(self) -> QWidget:
        box = QWidget()
        self.grid = QGridLayout(box)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(18)
        self.boxes: list[tuple[str, QCheckBox]] = []
        for choice in self.field.choices:
            check = QCheckBox(choice.label.get(self.lang))
            check.toggled.connect(lambda _on: self.sig_changed.emit())
            self.boxes.append((choice.value, check))
        self.per_row = 0
        self.set_per_row(self.MAX_PER_ROW)
        self._unknown: list[Any] = []
        return box

    def set_per_row(self, per_row: int) -> None:
        """Put ``per_row`` tick boxes on a row (reading order is kept)."""
        per_row = max(1, min(per_row, self.MAX_PER_ROW))
        if per_row == self.per_row:
            return
        self.per_row = per_row
        while self.grid.count():
            self.grid.takeAt(0)
        for column in range(self.MAX_PER_ROW + 1):
            self.grid.setColumnStretch(column, 0)
        for i, (_code, check) in enumerate(self.boxes):
            self.grid.addWidget(check, i // per_row, i % per_row)
        self.grid.setColumnStretch(per_row, 1)

    def per_row_for(self, width: int) -> int:
        """How many tick boxes fit side by side in ``width`` pixels."""
        spacing = self.grid.horizontalSpacing()
        widest = max((check.sizeHint().width() for _code, check in self.boxes), default=1)
        return max(1, min(self.MAX_PER_ROW, (width + spacing) // (widest + spacing)))

    def focus_widgets(self) -> list[QWidget]:
        return [check for _code, check in self.boxes]

    def value(self) -> Any:
        return [code for code, check in self.boxes if check.isChecked()] + self._unknown

    def set_value(self, value: Any) -> None:
        chosen = list(value) if isinstance(value, list | tuple) else []
        known = {code for code, _check in self.boxes}
        self._unknown = [v for v in chosen if v not in known]
        for code, check in self.boxes:
            check.blockSignals(True)
            check.setChecked(code in chosen)
            check.blockSignals(False)


_EDITORS: dict[str, type[FieldEditor]] = {
    "textarea": TextAreaEditor, "bool": BoolEditor, "choice": ChoiceEditor,
    "multichoice": MultiChoiceEditor,
}


def make_editor(field: FieldDef, lang: str, parent: QObject | None = None) -> FieldEditor:
    """The editor for ``field``'s type."""
    return _EDITORS.get(field.type, LineEditor)(field, lang, parent)


# ---------------------------------------------------------------- cells and grids


class FieldCell(QObject):
    """A field on screen: its label, editor and problem line."""

    def __init__(self, field: FieldDef, lang: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.editor = make_editor(field, lang, self)
        text = field.label.get(lang)
        mark = '<span style="color:#c5221f">*</span>' if field.required else ""
        self.label = QLabel(f"{mark}{text}")
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setBuddy(self.editor.focus_widgets()[0])
        if field.help:
            self.label.setToolTip(field.help.get(lang))
        self._error: QLabel | None = None  # made when first needed: most answers are right
        self.box = QWidget()
        self._column = QVBoxLayout(self.box)
        self._column.setContentsMargins(0, 0, 0, 0)
        self._column.setSpacing(1)
        self._column.addWidget(self.editor.widget)
        self.shown = True
        self.edited = False  # changed by the person since the answers were set
        self.touched = False  # edited and left: its problem may show

    def set_shown(self, shown: bool) -> None:
        """Show or hide the label, the answer and its problem."""
        self.shown = shown
        self.label.setVisible(shown)
        self.box.setVisible(shown)

    @property
    def error(self) -> QLabel:
        """The red line under the answer (hidden while the answer is right)."""
        if self._error is None:
            self._error = field_error()
            self._column.addWidget(self._error)
        return self._error

    def show_problem(self, problem: ProblemLike | None, lang: str) -> None:
        """Show ``problem`` under the answer, or clear it."""
        if problem is None:
            if self._error is not None and self._error.text():
                self._error.clear()
                self._error.hide()
            self.editor.set_invalid(False)
            return
        self.error.setText(problem.message(lang))
        self.error.setVisible(self.shown)
        self.editor.set_invalid(True)

    def has_problem(self) -> bool:
        """True while a problem is shown."""
        return self._error is not None and bool(self._error.text())


class FieldGrid(QWidget):
    """Label + answer pairs, ``columns`` to a row (fewer when the form is narrow, see
    :meth:`fit_width`); a hidden field leaves no gap."""

    def __init__(self, cells: list[FieldCell], columns: int, parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.cells = cells
        self.max_columns = max(1, columns)
        self.columns = self.max_columns
        self.hide_labels = False  # a lone field in a box of the same title
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(4, 4, 4, 4)
        self.grid.setHorizontalSpacing(8)
        self.grid.setVerticalSpacing(6)
        self._set_stretches()
        self.relayout()

    def _set_stretches(self) -> None:
        for col in range(2 * self.max_columns):
            self.grid.setColumnStretch(col, 1 if col % 2 and col < 2 * self.columns else 0)

    def needed_width(self, columns: int) -> int:
        """The width ``columns`` pairs to a row need (at most): the widest label and the
        widest answer in every column, the spacing and the margins."""
        shown = [c for c in self.cells if c.shown] or self.cells
        spacing = self.grid.horizontalSpacing()
        margins = self.grid.contentsMargins()
        label = 0 if self.hide_labels else max(c.label.sizeHint().width() for c in shown)
        narrow = [c for c in shown if not c.field.wide] or shown
        answer = max(c.box.minimumSizeHint().width() for c in narrow)
        pairs = min(columns, len(narrow))
        width = pairs * (label + answer) + (2 * pairs - 1) * spacing
        wide = [c for c in shown if c.field.wide]
        if wide:
            width = max(width, label + spacing + max(c.box.minimumSizeHint().width()
                                                     for c in wide))
        return width + margins.left() + margins.right()

    def fit_width(self, width: int) -> None:
        """As many pairs to a row as ``width`` pixels hold (at most the form's number), and
        as many tick boxes to a row of a multiple choice."""
        spacing = self.grid.horizontalSpacing()
        margins = self.grid.contentsMargins()
        label = 0 if self.hide_labels else max(
            (c.label.sizeHint().width() for c in self.cells if c.shown), default=0)
        room = width - margins.left() - margins.right() - label - spacing
        for cell in self.cells:
            editor = cell.editor
            if isinstance(editor, MultiChoiceEditor):
                editor.set_per_row(editor.per_row_for(room))
        columns = self.max_columns
        while columns > 1 and self.needed_width(columns) > width:
            columns -= 1
        self.set_columns(columns)

    def set_columns(self, columns: int) -> None:
        """Lay the pairs out ``columns`` to a row."""
        columns = max(1, min(columns, self.max_columns))
        if columns != self.columns:
            self.columns = columns
            self._set_stretches()
            self.relayout()

    def relayout(self) -> None:
        """Place the shown fields in reading order."""
        while self.grid.count():
            self.grid.takeAt(0)
        row = col = 0
        align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop
        for cell in self.cells:
            if not cell.shown:
                cell.set_shown(False)
                continue
            if cell.field.wide and col:
                row, col = row + 1, 0
            span = 2 * self.columns - 1 if cell.field.wide else 1
            start = 2 * col + 1
            if self.hide_labels:
                start, span = 2 * col, span + 1
            else:
                self.grid.addWidget(cell.label, row, 2 * col, align)
            # Top-aligned: a problem line under one answer must not shift its neighbours.
            self.grid.addWidget(cell.box, row, start, 1, span, Qt.AlignmentFlag.AlignTop)
            cell.set_shown(True)
            cell.label.setVisible(not self.hide_labels)
            col = self.columns if cell.field.wide else col + 1
            if col >= self.columns:
                row, col = row + 1, 0
        # Labels line up with the first line of their answer, not its problem line.
        for cell in self.cells:
            top = 1 if cell.field.type in ("bool", "multichoice") else 5
            cell.label.setContentsMargins(0, top, 0, 0)


# ---------------------------------------------------------------- repeating groups


class ItemCard(QFrame):
    """One item of a repeating group (one family member)."""

    sig_remove = Signal(object)

    def __init__(self, group: GroupDef, lang: str, columns: int, parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.group = group
        self.lang = lang
        self.row_id: str | None = None
        self.setObjectName("formItem")
        # A frame and a palette, not a style sheet: a widget style sheet would be applied
        # to each of the card's ~50 widgets and makes opening a household slow.
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor("#fafcfe"))
        self.setPalette(palette)
        self.cells = [FieldCell(f, lang, self) for f in group.fields]
        self.title = QLabel()
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        remove = QToolButton()
        remove.setText(self.tr("删除"))
        remove.setAutoRaise(True)
        remove.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab stays on the answers
        remove.setToolTip(self.tr("删除这一项（光标在其中时按 Ctrl+Delete），删除后可撤销"))
        remove.clicked.connect(lambda: self.sig_remove.emit(self))
        self.remove_button = remove
        head = QHBoxLayout()
        head.setContentsMargins(8, 4, 4, 0)
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(remove)
        self.grid = FieldGrid(self.cells, columns)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(0)
        layout.addLayout(head)
        layout.addWidget(self.grid)

    def values(self) -> dict[str, Any]:
        """This item's answers, with the row id it was pre-filled from."""
        out = {c.field.name: c.editor.value() for c in self.cells}
        if self.row_id:
            out[ITEM_ID] = self.row_id
        return out

    def set_values(self, values: dict[str, Any]) -> None:
        """Show an item's answers (nothing edited yet)."""
        row_id = values.get(ITEM_ID)
        self.row_id = row_id if isinstance(row_id, str) and row_id else None
        for cell in self.cells:
            cell.editor.set_value(values.get(cell.field.name))
            cell.edited = cell.touched = False

    def set_title(self, index: int) -> None:
        """“1. 田国庆 · 户主”: number, then the first answers that say who this is."""
        parts = [f"{self.group.item_label.get(self.lang)} {index + 1}"]
        for cell in self.cells[:2]:
            value = cell.editor.value()
            if cell.field.type in ("choice",):
                value = cell.field.choice_label(value, self.lang)
            if isinstance(value, str) and value.strip():
                parts.append(value.strip())
        self.title.setText(" · ".join(parts))

    def contains_focus(self) -> bool:
        """True when the keyboard focus is in this card."""
        focus = QApplication.focusWidget()
        return focus is not None and self.isAncestorOf(focus)


class GroupView(QWidget):
    """A repeating group: its cards, an add button, 撤销 after a removal."""

    sig_changed = Signal()  # an item was added or removed

    def __init__(self, group: GroupDef, lang: str, columns: int, parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.group = group
        self.lang = lang
        self.columns = columns
        self.cards: list[ItemCard] = []
        self._spare: list[ItemCard] = []  # hidden, after the shown cards, for reuse
        self._removed: tuple[int, dict[str, Any]] | None = None
        self.on_new_card: Any = None  # set by the FormView: wires a card's cells

        self.cards_box = QVBoxLayout()
        self.cards_box.setSpacing(6)
        self.empty = QLabel(self.tr("还没有{item}，按 Ctrl+N 或点“{add}”添加").format(
            item=group.item_label.get(lang), add=self.add_text()))
        self.empty.setObjectName("emptyState")
        self.add_button = QPushButton("+ " + self.add_text())
        self.add_button.setToolTip(self.tr("Ctrl+N"))
        self.add_button.clicked.connect(lambda: self.add_item(focus=True))
        self.undo_label = QLabel()
        self.undo_button = QPushButton(self.tr("撤销"))
        self.undo_button.clicked.connect(self.undo_remove)
        self.error = field_error()
        foot = QHBoxLayout()
        foot.addWidget(self.add_button)
        foot.addSpacing(12)
        foot.addWidget(self.undo_label)
        foot.addWidget(self.undo_button)
        foot.addWidget(self.error)
        foot.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.empty)
        layout.addLayout(self.cards_box)
        layout.addLayout(foot)
        self._show_undo(None)
        self.empty.setVisible(True)

    def add_text(self) -> str:
        """The add button's text (添加成员)."""
        if self.group.add_label:
            return self.group.add_label.get(self.lang)
        return self.tr("添加{item}").format(item=self.group.item_label.get(self.lang))

    def set_items(self, items: list[dict[str, Any]]) -> None:
        """Show these items (no change signal: the answers were set, not edited).

        Cards are reused from one household to the next and spare ones kept hidden at the
        end: making a card's fifty widgets is the slow part of opening a household.
        """
        pool = self.cards + self._spare
        self.cards, self._spare = [], []
        for card in pool[len(items):]:
            card.hide()
            self._spare.append(card)
        for values, card in zip(items, pool, strict=False):
            card.set_values(values)
            card.show()
            self.cards.append(card)
        for values in items[len(self.cards):]:
            self._insert(len(self.cards), values)
        self._show_undo(None)
        self._renumber()

    def _insert(self, index: int, values: dict[str, Any]) -> ItemCard:
        if self._spare and index == len(self.cards):
            card = self._spare.pop(0)  # already in the layout, right after the shown cards
            card.set_values(values)
            self.cards.append(card)
            card.show()
            return card
        card = self._make_card()
        card.set_values(values)
        self.cards.insert(index, card)
        self.cards_box.insertWidget(index, card)
        card.show()  # now, not on the next event loop turn: the answers are there at once
        return card

    def _make_card(self) -> ItemCard:
        card = ItemCard(self.group, self.lang, self.columns)
        card.sig_remove.connect(self.remove_card)
        if self.on_new_card is not None:
            self.on_new_card(card)
        return card

    def warm_up(self, total: int) -> None:
        """Make spare cards in idle moments, one per event-loop turn, up to ``total``,
        so the next household opens at once whatever its size."""
        def step() -> None:
            if not isValid(self) or len(self.cards) + len(self._spare) >= total:
                return
            card = self._make_card()
            card.hide()
            self.cards_box.addWidget(card)
            self._spare.append(card)
            QTimer.singleShot(0, step)

        QTimer.singleShot(0, step)

    def add_item(self, focus: bool = True, values: dict[str, Any] | None = None) -> ItemCard:
        """Add an empty item at the end (and put the cursor in it)."""
        card = self._insert(len(self.cards), values or {})
        self._renumber()
        self.sig_changed.emit()
        if focus:
            card.cells[0].editor.focus_widgets()[0].setFocus(Qt.FocusReason.OtherFocusReason)
        return card

    def remove_card(self, card: ItemCard) -> None:
        """Remove an item; 撤销 puts it back."""
        if card not in self.cards:
            return
        index = self.cards.index(card)
        self._removed = (index, card.values())
        self.cards.pop(index)
        name = card.cells[0].editor.value() if card.cells else ""
        card.setParent(None)
        card.deleteLater()
        self._renumber()
        label = self.group.item_label.get(self.lang)
        if isinstance(name, str) and name.strip():
            self._show_undo(self.tr("已删除{item}“{name}”").format(item=label, name=name.strip()))
        else:
            self._show_undo(self.tr("已删除{item} {n}").format(item=label, n=index + 1))
        self.sig_changed.emit()
        target = self.cards[min(index, len(self.cards) - 1)] if self.cards else None
        if target is not None:
            target.cells[0].editor.focus_widgets()[0].setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.add_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def undo_remove(self) -> None:
        """Put back the item removed last."""
        if self._removed is None:
            return
        index, values = self._removed
        card = self._insert(min(index, len(self.cards)), values)
        self._show_undo(None)
        self._renumber()
        self.sig_changed.emit()
        card.cells[0].editor.focus_widgets()[0].setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_undo(self, text: str | None) -> None:
        if text is None:
            self._removed = None
        self.undo_label.setText(text or "")
        self.undo_label.setVisible(bool(text))
        self.undo_button.setVisible(bool(text))

    def _renumber(self) -> None:
        for i, card in enumerate(self.cards):
            card.set_title(i)
        self.empty.setVisible(not self.cards)

    def card_with_focus(self) -> ItemCard | None:
        """The card the cursor is in."""
        return next((c for c in self.cards if c.contains_focus()), None)

    def values(self) -> list[dict[str, Any]]:
        """Every item's answers, in order."""
        return [card.values() for card in self.cards]

    def show_problem(self, problem: ProblemLike | None) -> None:
        """The group's own problem (e.g. at least one member)."""
        self.error.setText(problem.message(self.lang) if problem else "")
        self.error.setVisible(problem is not None)


# ---------------------------------------------------------------- the form


class FormView(QWidget):
    """A whole form, rendered from its definition."""

    sig_changed = Signal()  # the person changed an answer, added or removed an item

    def __init__(self, form: FormDef, lang: str = "zh", today: dt.date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = form
        self.lang = lang
        self._today = today
        self._show_all = False
        self._check: FormCheck | None = None
        self.cells: dict[str, FieldCell] = {}
        self.grids: list[FieldGrid] = []
        self.group_views: dict[str, GroupView] = {}
        self.section_boxes: dict[str, QGroupBox] = {}

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        for section in form.sections:
            box = QGroupBox(section.title.get(lang))
            inner = QVBoxLayout(box)
            inner.setContentsMargins(6, 8, 6, 6)
            columns = section.columns or DEFAULT_COLUMNS
            if section.group is not None:
                view = GroupView(section.group, lang, columns)
                view.on_new_card = self._wire_card
                view.sig_changed.connect(self._structure_changed)
                self.group_views[section.group.name] = view
                inner.addWidget(view)
            else:
                cells = []
                for f in section.fields:
                    cell = FieldCell(f, lang, self)
                    self._wire(cell, None)
                    self.cells[f.name] = cell
                    cells.append(cell)
                grid = FieldGrid(cells, columns)
                if len(cells) == 1 and cells[0].field.label.get(lang) == box.title():
                    # 备注 in a box titled 备注: the box says it once.
                    grid.hide_labels = True
                    grid.relayout()
                self.grids.append(grid)
                inner.addWidget(grid)
            self.section_boxes[section.key] = box
            layout.addWidget(box)
        layout.addStretch(1)
        self._fitted_width = -1
        self._watched: QWidget | None = None
        self._fix_tab_order()
        self.refresh()

    # ------------------------------------------------------------------ width

    def event(self, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.ParentChange, QEvent.Type.Show):
            self._watch_parent()
        return super().event(event)

    def _watch_parent(self) -> None:
        # In a scroll area the form is as wide as the viewport, never narrower than its
        # own minimum: the viewport's width says how many columns fit.
        parent = self.parentWidget()
        if parent is self._watched:
            return
        if self._watched is not None and isValid(self._watched):
            self._watched.removeEventFilter(self)
        self._watched = parent
        if parent is not None:
            parent.installEventFilter(self)
            self.fit_width(parent.width())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._watched and event.type() == QEvent.Type.Resize:
            self.fit_width(watched.width())  # type: ignore[attr-defined]
        return False

    def fit_width(self, width: int) -> None:
        """Reflow every box to ``width`` pixels: fewer label + answer pairs to a row on a
        narrow screen (a 1024-pixel netbook), so no answer is cut off at the right."""
        if width <= 0:
            return
        self._fitted_width = width
        for grid in self._all_grids(spare=True):
            grid.fit_width(width - self._outer_width(grid))

    def _outer_width(self, grid: FieldGrid) -> int:
        """The margins and frames between the form's edges and ``grid``'s."""
        outer = 0
        widget: QWidget | None = grid.parentWidget()
        while widget is not None and widget is not self:
            margins = widget.contentsMargins()
            outer += margins.left() + margins.right()
            layout = widget.layout()
            if layout is not None:
                inner = layout.contentsMargins()
                outer += inner.left() + inner.right()
            if isinstance(widget, QFrame):
                outer += 2 * widget.frameWidth()
            widget = widget.parentWidget()
        return outer + 4  # the group box's border under the style sheet

    # ------------------------------------------------------------------ answers

    def today(self) -> dt.date:
        """The day the conditions and date bounds use."""
        return self._today or dt.date.today()

    def answers(self) -> dict[str, Any]:
        """Every answer on screen, hidden ones included (the engine drops those)."""
        out: dict[str, Any] = {name: cell.editor.value() for name, cell in self.cells.items()}
        for name, view in self.group_views.items():
            out[name] = view.values()
        return out

    def set_answers(self, answers: dict[str, Any]) -> None:
        """Show a set of answers (pre-filled or a draft); problems are cleared."""
        self._show_all = False
        for name, cell in self.cells.items():
            cell.editor.set_value(answers.get(name))
            cell.edited = cell.touched = False
        for name, view in self.group_views.items():
            items = answers.get(name)
            view.set_items([i for i in items if isinstance(i, dict)]
                           if isinstance(items, list) else [])
        self._fix_tab_order()
        self.refresh()
        self._refit()

    def _refit(self) -> None:
        """Fit cards shown or added since the last fit to the width."""
        if self._fitted_width > 0:
            self.fit_width(self._fitted_width)

    def warm_up(self, items: int = 6) -> None:
        """Prepare spare group cards in idle moments (see :meth:`GroupView.warm_up`)."""
        for view in self.group_views.values():
            limit = view.group.max_items or items
            view.warm_up(min(items, limit))

    def check(self) -> FormCheck:
        """The engine's reading of the answers on screen."""
        return check_form(self.form, self.answers(), today=self.today(), lang=self.lang)

    # ------------------------------------------------------------------ cells

    def all_cells(self) -> Iterator[tuple[str, FieldCell]]:
        """(path, cell) of every field, in reading order."""
        for section in self.form.sections:
            if section.group is None:
                for f in section.fields:
                    yield f.name, self.cells[f.name]
            else:
                view = self.group_views[section.group.name]
                for i, card in enumerate(view.cards):
                    for cell in card.cells:
                        yield item_path(view.group.name, i, cell.field.name), cell

    def cell(self, path: str) -> FieldCell:
        """The field at ``path`` (``phone``, ``members[1].labour_capacity``)."""
        for p, cell in self.all_cells():
            if p == path:
                return cell
        raise KeyError(path)

    def editor_widget(self, path: str) -> QWidget:
        """The widget the cursor goes to for ``path``."""
        return self.cell(path).editor.focus_widgets()[0]

    def is_shown(self, path: str) -> bool:
        """True when the field at ``path`` is on screen (its condition holds)."""
        return self.cell(path).shown

    def first_editor(self) -> QWidget | None:
        """The first answer, where the cursor starts."""
        for _path, cell in self.all_cells():
            if cell.shown:
                return cell.editor.focus_widgets()[0]
        return None

    def _wire(self, cell: FieldCell, card: ItemCard | None) -> None:
        cell.editor.sig_changed.connect(lambda: self._edited(cell, card))
        cell.editor.sig_left.connect(lambda: self._left(cell, card))

    def _wire_card(self, card: ItemCard) -> None:
        for cell in card.cells:
            self._wire(cell, card)

    # ------------------------------------------------------------------ reacting

    def _edited(self, cell: FieldCell, card: ItemCard | None) -> None:
        cell.edited = True
        self.refresh(editing=cell)
        if card is not None and cell in card.cells[:2] and card in self._cards_of(card):
            card.set_title(self._cards_of(card).index(card))
        self.sig_changed.emit()

    def _cards_of(self, card: ItemCard) -> list[ItemCard]:
        return self.group_views[card.group.name].cards

    def _left(self, cell: FieldCell, card: ItemCard | None) -> None:
        if not isValid(self) or not isValid(cell.error):
            return
        if not cell.edited:
            return
        cell.touched = True
        raw = cell.editor.value()
        value, problem = read_value(cell.field, raw, today=self.today(), lang=self.lang)
        if problem is None:
            cell.editor.show_normalized(value)
        filled = False
        if cell.field.fills and problem is None:
            scope = card.cells if card is not None else list(self.cells.values())
            fields = tuple(c.field for c in scope)
            for name, derived in derived_values(cell.field, raw, fields, self.today()).items():
                target = next((c for c in scope if c.field.name == name), None)
                if target is not None and is_blank(target.editor.value()):
                    target.editor.set_value(derived)
                    target.edited = True
                    filled = True
        self.refresh()
        if filled:
            self.sig_changed.emit()

    def _structure_changed(self) -> None:
        self._fix_tab_order()
        self.refresh()
        self._refit()
        self.sig_changed.emit()

    def refresh(self, editing: FieldCell | None = None) -> None:
        """Show and hide fields for the current answers; show the problems due."""
        check = self.check()
        self._check = check
        dirty_grids: set[int] = set()
        for path, cell in self.all_cells():
            shown = check.visible.get(path, True)
            if shown != cell.shown:
                cell.shown = shown
                dirty_grids.add(id(cell))
            problem = check.problems.get(path) if shown else None
            if not (cell.touched or self._show_all):
                problem = None
            elif cell is editing and problem is not None and not cell.has_problem():
                problem = None  # no new complaint while typing; it comes on leaving
            cell.show_problem(problem, self.lang)
        for grid in self._all_grids():
            if any(id(c) in dirty_grids for c in grid.cells):
                grid.relayout()
        for name, view in self.group_views.items():
            view.show_problem(check.problems.get(name) if self._show_all else None)

    def _all_grids(self, spare: bool = False) -> Iterator[FieldGrid]:
        yield from self.grids
        for view in self.group_views.values():
            for card in view.cards + (view._spare if spare else []):
                yield card.grid

    def validate_all(self) -> dict[str, ProblemLike]:
        """Show every problem (before submitting); returns them by path."""
        self._show_all = True
        self.refresh()
        assert self._check is not None
        return self._check.problems

    def first_problem_widget(self) -> QWidget | None:
        """The first answer in reading order that shows a problem."""
        check = self._check
        if check is None:
            return None
        for path, cell in self.all_cells():
            if path in check.problems and cell.shown:
                return cell.editor.focus_widgets()[0]
        for name, view in self.group_views.items():
            if name in check.problems:
                return view.add_button
        return None

    # ------------------------------------------------------------------ items

    def group_for_keyboard(self) -> GroupView | None:
        """The group the cursor is in, else the first group."""
        for view in self.group_views.values():
            if view.card_with_focus() is not None:
                return view
        return next(iter(self.group_views.values()), None)

    def add_item(self, group: str | None = None) -> ItemCard | None:
        """Add an item to ``group`` (default: the group the cursor is in, or the first)."""
        view = self.group_views[group] if group else self.group_for_keyboard()
        return view.add_item(focus=True) if view is not None else None

    def remove_focused_item(self) -> bool:
        """Remove the item the cursor is in; False when the cursor is in none."""
        for view in self.group_views.values():
            card = view.card_with_focus()
            if card is not None:
                view.remove_card(card)
                return True
        return False

    # ------------------------------------------------------------------ Tab order

    def _tab_chain(self) -> list[QWidget]:
        chain: list[QWidget] = []
        for section in self.form.sections:
            if section.group is None:
                for f in section.fields:
                    chain += self.cells[f.name].editor.focus_widgets()
            else:
                view = self.group_views[section.group.name]
                for card in view.cards:
                    for cell in card.cells:
                        chain += cell.editor.focus_widgets()
                chain += [view.add_button, view.undo_button]
        return chain

    def set_tab_ends(self, before: QWidget | None, after: QWidget | None) -> None:
        """Widgets outside the form that Tab reaches just before and after it (the
        household chooser, the submit button)."""
        self._tab_before, self._tab_after = before, after
        self._fix_tab_order()

    def _fix_tab_order(self) -> None:
        """Tab follows reading order, also through cards added later.

        The whole chain is set each time: moving one widget in Qt's focus chain takes it
        out of its old place, so partial fixes would break the order around it.
        """
        ends = getattr(self, "_tab_before", None), getattr(self, "_tab_after", None)
        chain = [w for w in (ends[0], *self._tab_chain(), ends[1]) if w is not None]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
