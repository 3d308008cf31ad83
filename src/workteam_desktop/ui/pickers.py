"""Type-ahead pickers for households and cadres, for any page that picks one or several.

Typing searches the store off the GUI thread (after a short pause) and lists the matches
in a completer popup; ↓/↑ move, Enter picks (the first match when none is highlighted,
even if the search is still running), Tab picks the highlighted match or the only one,
Esc closes the list. With ``multiple=True`` each pick becomes a small chip beside the
field (under it with ``chips_below=True``) and the field empties for the next one;
Backspace in the empty field removes the last chip.

Use::

    picker = HouseholdPicker(ctx, multiple=True)
    picker.sig_changed.connect(...)      # the picked set changed
    picker.choices()                     # [{"id", "number", "head_name", "village_name"}]
    picker.ids()                         # ["0190…", …]
    picker.preselect("0012", then=fn)    # add a household by id or number (async)
    picker.set_choices(rows); picker.clear()
    picker.line_edit                     # the QLineEdit: focus it, put it in the Tab order

    one = HouseholdPicker(ctx)           # one household: the field then reads
    one.sig_picked.connect(...)          # “户主 · 户编号 · 村”; typing over it un-picks it
    one.choice()                         # the row picked, or None
    one.set_placeholder("…")             # another hint (the field widens to show it)

    cadres = CadrePicker(ctx)            # multiple by default
    cadres.load_ids(["…"], then=fn)      # e.g. the visitors used last time (async)
    cadres.choices()                     # [{"id", "name", "role_label", "team_name"}]

    DateEdit()                           # a date field Tab leaves at once (see below)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCompleter,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ..store import Store
from ..store.households import HouseholdFilter, list_households
from ..store.visits import cadre_choices, cadres_by_ids, household_choice
from .context import AppContext

SEARCH_DELAY_MS = 150  # wait for a pause in typing before asking the store
MAX_CHOICES = 20
_ROW_ROLE = Qt.ItemDataRole.UserRole + 1


def _search_households(store: Store, text: str) -> list[dict[str, Any]]:
    # The household list's own search (name, number, ID number, phone): the one way a
    # household is looked up by what a cadre types, on every page that picks one.
    rows = list_households(store, HouseholdFilter(search=text), limit=MAX_CHOICES)
    return [{"id": r["id"], "number": r["number"], "head_name": r["head_name"],
             "village_name": r["village_name"], "village_code": r["village"]} for r in rows]


def _lookup_households(store: Store, keys: Sequence[str]) -> list[dict[str, Any]]:
    found = (household_choice(store, key) for key in keys)
    return [row for row in found if row is not None]


class _Chip(QWidget):
    """A picked item: its name and a small × to remove it (the mouse's way; the
    keyboard's is Backspace in the empty field)."""

    sig_remove = Signal()

    def __init__(self, text: str, tooltip: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pickerChip")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("#pickerChip { background: #e8f0fc; border: 1px solid #c4d6f2;"
                           " border-radius: 10px; }")
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 1, 2, 1)
        row.setSpacing(2)
        self.label = QLabel(text)
        self.label.setToolTip(tooltip)
        close = QToolButton()
        close.setText("×")
        close.setAutoRaise(True)
        close.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab stays on the form's fields
        close.setToolTip(self.tr("移除"))
        close.clicked.connect(self.sig_remove.emit)
        row.addWidget(self.label)
        row.addWidget(close)


class TypeAheadPicker(QWidget):
    """A line edit whose completer lists store matches; picks one or several rows.

    Subclasses give the search (a plain function run off the GUI thread), the look-up of
    rows by key, and how a row reads in the list and as a chip.
    """

    sig_changed = Signal()  # the picked rows changed
    sig_picked = Signal(dict)  # one row was picked

    def __init__(self, ctx: AppContext, *, multiple: bool = False, chips_below: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.multiple = multiple
        self._picked: list[dict[str, Any]] = []
        self._results: list[dict[str, Any]] = []
        self._results_for: str | None = None  # the text the shown results match
        self._seq = 0  # searches started; a late answer to an older one is dropped
        self._pick_when_ready = False

        self.line_edit = QLineEdit()
        self.line_edit.setClearButtonEnabled(True)
        self.setFocusProxy(self.line_edit)
        self._model = QStandardItemModel(self)
        self.completer = QCompleter(self._model, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        # setWidget (not QLineEdit.setCompleter): the store already filtered the rows, and
        # the line edit must not rewrite its text as the list is browsed.
        self.completer.setWidget(self.line_edit)
        self.completer.popup().setMinimumWidth(380)
        self.completer.activated[QModelIndex].connect(self._on_activated)
        # While the list is open the keys go to it, and QCompleter's own handling of Enter
        # with no row highlighted only closes the list: ours runs first and picks the
        # first match, as Enter in the field does ("回车选中").
        self.completer.popup().installEventFilter(self)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._search)
        self.line_edit.textEdited.connect(self._on_text_edited)
        self.line_edit.installEventFilter(self)

        self.chip_row = QHBoxLayout()
        self.chip_row.setContentsMargins(0, 0, 0, 0)
        self.chip_row.setSpacing(4)
        self.chip_row.addStretch(1)
        # Several picks: chips beside the field (one row, as in a tag input), or under it
        # where the field is narrow.
        layout = QVBoxLayout(self) if chips_below or not multiple else QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3 if chips_below else 8)
        layout.addWidget(self.line_edit)
        if multiple:
            chips = QWidget()
            chips.setLayout(self.chip_row)
            chips.setMinimumHeight(24)
            layout.addWidget(chips, 1)
            if not chips_below:
                self.line_edit.setMaximumWidth(420)  # the rest of the row holds the chips

    def _fit_placeholder(self) -> None:
        """Make the field wide enough to show its placeholder (the hint is the help)."""
        width = self.line_edit.fontMetrics().horizontalAdvance(self.line_edit.placeholderText())
        self.line_edit.setMinimumWidth(min(420, max(200, width + 40)))

    def set_placeholder(self, text: str) -> None:
        """The hint shown in the empty field (the field widens to show it)."""
        self.line_edit.setPlaceholderText(text)
        self._fit_placeholder()

    # ------------------------------------------------------------------ to override

    def search(self, store: Store, text: str) -> list[dict[str, Any]]:
        """The rows matching ``text`` (runs off the GUI thread)."""
        raise NotImplementedError

    def lookup(self, store: Store, keys: Sequence[str]) -> list[dict[str, Any]]:
        """The rows named by ``keys`` (runs off the GUI thread)."""
        raise NotImplementedError

    def display(self, row: dict[str, Any]) -> str:
        """How a row reads in the list of matches."""
        raise NotImplementedError

    def chip_text(self, row: dict[str, Any]) -> str:
        """How a picked row reads as a chip."""
        return self.display(row)

    def no_match_text(self) -> str:
        """The line shown when nothing matches."""
        return self.tr("没有找到，请换个关键字")

    # ------------------------------------------------------------------ API

    def choices(self) -> list[dict[str, Any]]:
        """The picked rows, in the order they were picked."""
        return list(self._picked)

    def ids(self) -> list[str]:
        """The ids of the picked rows."""
        return [row["id"] for row in self._picked]

    def choice(self) -> dict[str, Any] | None:
        """The row picked (the last one in multiple mode), or None."""
        return dict(self._picked[-1]) if self._picked else None

    def pending_text(self) -> str:
        """Text typed in the field but not (yet) picked."""
        if not self.multiple and self._picked:
            return ""
        return self.line_edit.text().strip()

    def set_choices(self, rows: Sequence[dict[str, Any]]) -> None:
        """Replace the picked rows (without a search)."""
        self._picked = []
        for row in rows:
            if row["id"] not in self.ids():
                self._picked.append(dict(row))
        if not self.multiple:
            self._picked = self._picked[-1:]
            self.line_edit.setText(self.display(self._picked[0]) if self._picked else "")
        self._refresh_chips()
        self.sig_changed.emit()

    def add_choice(self, row: dict[str, Any]) -> None:
        """Pick ``row`` (in single mode: instead of the one picked before)."""
        if self.multiple:
            if row["id"] not in self.ids():
                self._picked.append(dict(row))
            self.line_edit.clear()
        else:
            self._picked = [dict(row)]
            self.line_edit.setText(self.display(row))
        self._refresh_chips()
        self.sig_picked.emit(dict(row))
        self.sig_changed.emit()

    def remove_choice(self, row_id: str) -> None:
        """Un-pick the row ``row_id``."""
        before = len(self._picked)
        self._picked = [r for r in self._picked if r["id"] != row_id]
        if len(self._picked) != before:
            if not self.multiple:
                self.line_edit.clear()
            self._refresh_chips()
            self.sig_changed.emit()

    def clear(self) -> None:
        """Un-pick everything and empty the field."""
        self._picked = []
        self.line_edit.clear()
        self._hide_popup()
        self._refresh_chips()
        self.sig_changed.emit()

    def load(self, keys: Sequence[str], *, replace: bool = True,
             then: Callable[[], None] | None = None) -> None:
        """Pick the rows named by ``keys`` (ids, or what the subclass accepts), looked up
        off the GUI thread; unknown keys are skipped. ``then()`` runs once they are in."""
        keys = [k for k in keys if k]
        if not keys:
            if replace:
                self.set_choices([])
            if then is not None:
                then()
            return

        def done(rows: list[dict[str, Any]]) -> None:
            if not isValid(self):
                return
            if replace:
                self.set_choices(rows)
            else:
                for row in rows:
                    self.add_choice(row)
            if then is not None:
                then()

        self.ctx.tasks.run(self.lookup, self.ctx.store, keys, done=done)

    # ------------------------------------------------------------------ searching

    def _on_text_edited(self, text: str) -> None:
        if not self.multiple and self._picked:
            # Typing over a picked row un-picks it: what is shown is what is picked.
            self._picked = []
            self.sig_changed.emit()
        self._pick_when_ready = False
        self._results_for = None
        if text.strip() or self.search_empty():
            self._timer.start()
        else:
            self._timer.stop()
            self._hide_popup()

    def search_empty(self) -> bool:
        """Whether an empty field lists rows (↓ in the empty field shows them)."""
        return False

    def _search(self) -> None:
        text = self.line_edit.text().strip()
        self._seq += 1
        seq = self._seq

        def done(rows: list[dict[str, Any]]) -> None:
            if isValid(self) and seq == self._seq:
                self._show_results(text, rows)

        self.ctx.tasks.run(self.search, self.ctx.store, text, done=done)

    def searching(self) -> bool:
        """True while a search for the current text is pending."""
        return self._timer.isActive() or self._results_for != self.line_edit.text().strip()

    def _show_results(self, text: str, rows: list[dict[str, Any]]) -> None:
        if text != self.line_edit.text().strip():
            return  # typed on meanwhile; the next search answers
        picked = set(self.ids()) if self.multiple else set()
        self._results = [r for r in rows if r["id"] not in picked]
        self._results_for = text
        self._model.clear()
        for row in self._results:
            item = QStandardItem(self.display(row))
            item.setData(row, _ROW_ROLE)
            item.setEditable(False)
            self._model.appendRow(item)
        if not self._results:
            item = QStandardItem(self.no_match_text())
            item.setEnabled(False)
            item.setSelectable(False)
            self._model.appendRow(item)
        if self._pick_when_ready:
            self._pick_when_ready = False
            if self._results:
                self.add_choice(self._results[0])
                self._hide_popup()
                return
        if self.line_edit.hasFocus():
            self.completer.complete()
            self.completer.popup().setCurrentIndex(self._model.index(-1, 0))

    def _hide_popup(self) -> None:
        if self.completer.popup().isVisible():
            self.completer.popup().hide()

    def _on_activated(self, index: QModelIndex) -> None:
        row = index.data(_ROW_ROLE)
        if row:
            self.add_choice(row)

    def _highlighted(self) -> dict[str, Any] | None:
        popup = self.completer.popup()
        if not popup.isVisible():
            return None
        index = popup.currentIndex()
        return index.data(_ROW_ROLE) if index.isValid() else None

    # ------------------------------------------------------------------ keys

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.line_edit and event.type() == QEvent.Type.KeyPress:
            return self._key(event)  # type: ignore[arg-type]
        if (watched is self.completer.popup() and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)  # type: ignore[attr-defined]
                and not self.completer.popup().currentIndex().isValid()):
            return self._key(event)  # type: ignore[arg-type]
        return super().eventFilter(watched, event)

    def _key(self, event: QKeyEvent) -> bool:
        key = event.key()
        unpicked = bool(self.pending_text())
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            row = self._highlighted()
            if row is None and not unpicked:
                return False  # nothing to pick: Enter goes on (a dialog's default button)
            if row is None and not self.searching():
                row = self._results[0] if self._results else None
            if row is not None:
                self.add_choice(row)
                self._hide_popup()
            elif self.searching():
                self._pick_when_ready = True  # typed fast: pick the first match on arrival
            return True
        if key == Qt.Key.Key_Tab and unpicked:
            row = self._highlighted()
            if row is None and not self.searching() and len(self._results) == 1:
                row = self._results[0]
            if row is not None:
                self.add_choice(row)
            self._hide_popup()
            return False  # Tab still moves on
        if key == Qt.Key.Key_Down and not self.completer.popup().isVisible():
            if not self.searching() and self._results:
                self.completer.complete()
            elif unpicked or self.search_empty():
                self._timer.start(0)
            return True
        if key == Qt.Key.Key_Backspace and self.multiple and not self.line_edit.text() \
                and self._picked:
            self.remove_choice(self._picked[-1]["id"])
            return True
        return False

    # ------------------------------------------------------------------ chips

    def _refresh_chips(self) -> None:
        if not self.multiple:
            return
        while self.chip_row.count() > 1:
            item = self.chip_row.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        for row in self._picked:
            chip = _Chip(self.chip_text(row), self.display(row))
            chip.sig_remove.connect(lambda rid=row["id"]: self.remove_choice(rid))
            self.chip_row.insertWidget(self.chip_row.count() - 1, chip)


class HouseholdPicker(TypeAheadPicker):
    """Pick households by head name, household number, ID number or phone.

    Rows are ``{"id", "number", "head_name", "village_name"}``; the list reads
    “户主 · 户编号 · 村”.
    """

    def __init__(self, ctx: AppContext, *, multiple: bool = False, chips_below: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, multiple=multiple, chips_below=chips_below, parent=parent)
        self.line_edit.setPlaceholderText(self.tr("输入户主姓名、户编号或身份证号，回车选中"))
        self._fit_placeholder()

    def search(self, store: Store, text: str) -> list[dict[str, Any]]:
        return _search_households(store, text)

    def lookup(self, store: Store, keys: Sequence[str]) -> list[dict[str, Any]]:
        return _lookup_households(store, keys)

    def display(self, row: dict[str, Any]) -> str:
        return f"{row['head_name']} · {row['number']} · {row['village_name']}"

    def chip_text(self, row: dict[str, Any]) -> str:
        return f"{row['head_name']} · {row['number']}"

    def no_match_text(self) -> str:
        return self.tr("没有找到这户，请换个关键字")

    def preselect(self, key: str, then: Callable[[], None] | None = None) -> None:
        """Pick the household whose id or number is ``key`` (added in multiple mode)."""
        self.load([key], replace=not self.multiple, then=then)


class CadrePicker(TypeAheadPicker):
    """Pick cadres (several by default) by name; ↓ in the empty field lists them all.

    Rows are ``{"id", "name", "role", "role_label", "team_name"}``.
    """

    def __init__(self, ctx: AppContext, *, multiple: bool = True, chips_below: bool = False,
                 serving_only: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(ctx, multiple=multiple, chips_below=chips_below, parent=parent)
        self.serving_only = serving_only  # new records: cadres who left are not offered
        self.line_edit.setPlaceholderText(self.tr("输入干部姓名，回车选中；↓ 列出全部"))
        self._fit_placeholder()

    def search(self, store: Store, text: str) -> list[dict[str, Any]]:
        return cadre_choices(store, text, MAX_CHOICES, serving_only=self.serving_only)

    def lookup(self, store: Store, keys: Sequence[str]) -> list[dict[str, Any]]:
        return cadres_by_ids(store, keys, serving_only=self.serving_only)

    def display(self, row: dict[str, Any]) -> str:
        parts = [row["name"], row.get("role_label", ""), row.get("team_name", "")]
        return " · ".join(p for p in parts if p)

    def chip_text(self, row: dict[str, Any]) -> str:
        return row["name"]

    def no_match_text(self) -> str:
        return self.tr("没有这位干部，请换个关键字")

    def search_empty(self) -> bool:
        return True

    def load_ids(self, ids: Sequence[str], then: Callable[[], None] | None = None) -> None:
        """Pick the cadres ``ids`` (e.g. the visitors used last time)."""
        self.load(ids, then=then)


class DateEdit(QDateEdit):
    """A date field shown as 2026-11-29 with a calendar popup, that Tab leaves at once.

    QDateEdit's Tab walks year → month → day before it leaves the field; on a form
    filled with the keyboard that costs two extra key presses per date. Here Tab moves
    on; ←/→ (or typing "-") move between the parts, ↑/↓ change the part under the cursor.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setMinimumWidth(130)

    def focusNextPrevChild(self, forward: bool) -> bool:
        return QWidget.focusNextPrevChild(self, forward)
