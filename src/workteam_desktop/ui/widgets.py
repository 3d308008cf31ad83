"""Small widgets and formatting shared by the pages."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from ..domain.fields import money_text


def money(value: float | None) -> str:
    """1,234.50 元 (empty when unknown)."""
    if value is None:
        return ""
    return QCoreApplication.translate("Money", "{amount} 元").format(amount=money_text(value))


def number(value: float | None) -> str:
    """A count or amount with thousands separators, no unit."""
    if value is None:
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def date_text(value: dt.date | str | None) -> str:
    """2026-11-29 (tables use ISO dates)."""
    if not value:
        return ""
    return value if isinstance(value, str) else value.isoformat()


def page_title(text: str) -> QLabel:
    """The heading at the top of a page."""
    label = QLabel(text)
    label.setObjectName("pageTitle")
    return label


def empty_state(text: str) -> QLabel:
    """A calm label that says what to do first, for an empty list."""
    label = QLabel(text)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    label.setObjectName("emptyState")
    return label


def alert_badge(text: str, level: str = "red") -> QLabel:
    """A word in red or amber for what needs action (never colour alone)."""
    label = QLabel(text)
    label.setProperty("alert", level)
    return label


def field_error() -> QLabel:
    """The red one-sentence message shown next to a field that is wrong."""
    label = QLabel()
    label.setObjectName("fieldError")
    label.setWordWrap(True)
    label.hide()
    return label


def accent_button(text: str) -> QPushButton:
    """The page's main action button."""
    button = QPushButton(text)
    button.setProperty("accent", True)
    return button


class Tile(QFrame):
    """A dashboard tile: a big number, a label, clickable."""

    sig_clicked = Signal()

    def __init__(self, label: str, level: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tile")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        layout = QVBoxLayout(self)
        self.value_label = QLabel("…")
        self.value_label.setObjectName("tileValue")
        self.caption = QLabel(label)
        self.caption.setObjectName("tileLabel")
        self.caption.setWordWrap(True)
        layout.addWidget(self.value_label)
        layout.addWidget(self.caption)
        self.level = level

    def set_value(self, text: str, needs_action: bool = False) -> None:
        """Show the figure; red or amber when it needs action."""
        self.value_label.setText(text)
        colour = {"red": "#c5221f", "amber": "#b06d00"}.get(self.level, "#1f2d3d")
        self.value_label.setStyleSheet(f"color: {colour if needs_action else '#1f2d3d'};")

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.sig_clicked.emit()
        super().mouseReleaseEvent(event)
