"""What every tab of 农户详情 offers the page that composes them.

A tab is filled with the household as read from the store (``fill``). An editable tab also
says whether it holds unsaved edits (``is_dirty``), which of its fields are wrong
(``problems``, each field showing its message), what it would save (``changes``), its part
of the household's draft (``draft`` and ``restore``, under ``draft_key``), and puts back
what was loaded (``discard``) or takes what was saved as loaded (``mark_saved``). It emits
``sig_edited`` whenever the cadre changes something; the page autosaves the draft then.

The tabs' words keep the translation context of the page, ``HouseholdDetailPage``: they are
written ``translate("HouseholdDetailPage", "…")`` (which lupdate reads as it reads
``self.tr``), so splitting the page moved no string and the English stays as translated."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QSize, Signal
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QStackedWidget,
    QStyle,
    QStyleOptionFrame,
    QWidget,
)

from ...context import AppContext
from ...widgets import empty_state

translate = QCoreApplication.translate


class HouseholdTab(QWidget):
    """One tab of the household page; read-only unless a subclass says otherwise."""

    sig_edited = Signal()  # the cadre changed something this tab saves
    # The key of this tab's part in the household's draft (None: nothing to keep).
    draft_key: str | None = None

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx

    def fill(self, detail: dict[str, Any]) -> None:
        """Show the household ``detail`` (``store.household_detail``), edits forgotten."""
        raise NotImplementedError

    def applies(self, detail: dict[str, Any]) -> bool:
        """Whether the tab is shown for this household."""
        return True

    def count(self) -> int | None:
        """How many rows the tab lists (shown in its title), or None for no count."""
        return None

    # ---------------------------------------------------------------- editing

    def is_dirty(self) -> bool:
        """True while the tab holds edits not saved yet."""
        return False

    def problems(self) -> list[str]:
        """The names of the changed fields that are wrong now (each shows its message)."""
        return []

    def owns(self, name: str) -> bool:
        """Whether the field ``name`` is on this tab."""
        return False

    def focus_field(self, name: str) -> None:
        """Put the cursor in the field ``name``."""

    def show_problem(self, name: str, message: str) -> bool:
        """Show a message the store gave for the field ``name``; False if not ours."""
        return False

    def changes(self) -> Any:
        """What saving would write (None or empty when nothing)."""
        return None

    def draft(self) -> Any:
        """This tab's part of the household's draft (plain data)."""
        return None

    def restore(self, part: Any) -> None:
        """Put back this tab's part of a draft (typed before the program closed)."""

    def discard(self) -> None:
        """Put back what was loaded."""

    def mark_saved(self) -> None:
        """What the tab shows has just been saved: it is what was loaded now."""


def with_empty(view: QWidget) -> tuple[QStackedWidget, QLabel]:
    """``view`` in a stack with an empty-state label that says what to do when it has no
    rows: show the label with ``stack.setCurrentIndex(1)``."""
    stack = QStackedWidget()
    stack.addWidget(view)
    label = empty_state("")
    stack.addWidget(label)
    return stack, label


def below(value: float | None, threshold: float) -> bool:
    """A per-capita income under the observation threshold."""
    return value is not None and value < threshold


class SampleWidthEdit(QLineEdit):
    """A line edit never made narrower than it takes to show ``sample`` whole (an ID
    number's 18 characters, a date, an amount): on a small screen the layout reflows or
    scrolls instead of hiding the start of the number."""

    def __init__(self, sample: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sample = sample

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        text = self.textMargins()
        frame = self.contentsMargins()
        # QLineEdit's own sizeHint adds 2 px each side of the text, then the style's frame.
        inner = (self.fontMetrics().horizontalAdvance(self.sample) + 4 + text.left()
                 + text.right() + frame.left() + frame.right())
        option = QStyleOptionFrame()
        self.initStyleOption(option)
        needed = self.style().sizeFromContents(
            QStyle.ContentsType.CT_LineEdit, option, QSize(inner, hint.height()), self)
        return QSize(max(hint.width(), needed.width()), hint.height())
