"""One editable field of a form: its widget, the text it holds, the text it was loaded
with (so a page knows what changed), and the red message shown next to it."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QWidget

from ...domain import fields as domain_fields
from ...domain.problems import DomainError
from ..widgets import field_error

YES, NO = "是", "否"  # a tick box's value as the household field parsers read it


class FieldEditor:
    """One editable household field: its widget, the text it holds, the text it was
    loaded with, and the red message next to it."""

    def __init__(self, name: str, widget: QWidget) -> None:
        self.name = name
        self.widget = widget
        self.error = field_error()
        self.original = ""

    def text(self) -> str:
        """What the field holds, as :func:`domain.fields.parse_household_field` reads it."""
        w = self.widget
        if isinstance(w, QLineEdit):
            return w.text()
        if isinstance(w, QComboBox):
            return w.currentData() or ""
        if isinstance(w, QCheckBox):
            return YES if w.isChecked() else NO
        raise TypeError(type(w))

    def set_text(self, text: str) -> None:
        """Show ``text`` (a code for a list, 是/否 for a tick box)."""
        w = self.widget
        w.blockSignals(True)
        if isinstance(w, QLineEdit):
            w.setText(text)
        elif isinstance(w, QComboBox):
            found = w.findData(text) if text else -1
            w.setCurrentIndex(found if found >= 0 else 0)
        elif isinstance(w, QCheckBox):
            w.setChecked(text == YES)
        w.blockSignals(False)

    def load(self, text: str) -> None:
        """Show a value read from the store (the field is then unchanged)."""
        self.original = text
        self.set_text(text)
        self.show_problem(None)

    def is_dirty(self) -> bool:
        """True when the field differs from what was loaded."""
        return self.text() != self.original

    def problem(self, lang: str) -> str | None:
        """The message for what is wrong with the field, or None."""
        try:
            domain_fields.parse_household_field(self.name, self.text())
        except DomainError as exc:
            return exc.message(lang)
        return None

    def recheck(self, lang: str) -> None:
        """As the person types: clear a shown problem once the text is right (a new problem
        is shown only when the field is left, not at every keystroke)."""
        if self.error.isVisible() and self.problem(lang) is None:
            self.show_problem(None)

    def show_problem(self, message: str | None) -> None:
        """Show (or clear) the message next to the field."""
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        if isinstance(self.widget, QLineEdit):
            self.widget.setProperty("invalid", bool(message))
            self.widget.style().unpolish(self.widget)
            self.widget.style().polish(self.widget)
