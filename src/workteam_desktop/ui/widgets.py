"""Small widgets and formatting shared by the pages."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication, QEvent, QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication, QMouseEvent, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

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


def fit_to_screen(near: QWidget | None, width: int, height: int) -> QSize:
    """``width`` × ``height``, made smaller where the screen (of ``near``, else the primary
    one) has less room: a dialog on a 1024×600 netbook must not run off the screen."""
    screen = near.screen() if near is not None else QGuiApplication.primaryScreen()
    if screen is None:
        return QSize(width, height)
    room = screen.availableGeometry()
    # Leave room for the window frame and title bar.
    return QSize(min(width, room.width() - 16), min(height, room.height() - 40))


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


class ReflowRow(QWidget):
    """Groups of widgets in one row when the width allows, else one row per group (the
    search box above, the other filters below): on a 1024×600 netbook every filter stays on
    screen instead of pushing the page wider than the window."""

    def __init__(self, groups: list[list[tuple[QWidget | None, int]]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._groups = groups
        self._wrapped: bool | None = None
        self._column = QVBoxLayout(self)
        self._column.setContentsMargins(0, 0, 0, 0)
        self._rows = [QHBoxLayout() for _group in groups]
        for row in self._rows:
            self._column.addLayout(row)
        self._place(False)

    @property
    def wrapped(self) -> bool:
        """True while the groups are on rows of their own."""
        return bool(self._wrapped)

    def _spacing(self) -> int:
        spacing = self._rows[0].spacing()
        return spacing if spacing >= 0 else self.style().layoutSpacing(
            self.sizePolicy().controlType(), self.sizePolicy().controlType(),
            Qt.Orientation.Horizontal)

    def _group_width(self, group: list[tuple[QWidget | None, int]]) -> int:
        shown = [w for w, _stretch in group if w is not None and not w.isHidden()]
        widths = [max(w.minimumSizeHint().width(), w.minimumWidth()) for w in shown]
        return sum(widths) + self._spacing() * max(len(widths) - 1, 0)

    def one_line_width(self) -> int:
        """The width the groups need side by side."""
        widths = [self._group_width(g) for g in self._groups]
        return sum(widths) + self._spacing() * max(len(widths) - 1, 0)

    def _place(self, wrapped: bool) -> None:
        if wrapped == self._wrapped:
            return
        self._wrapped = wrapped
        for row in self._rows:
            while row.count():
                row.takeAt(0)
        for index, group in enumerate(self._groups):
            row = self._rows[index if wrapped else 0]
            for widget, stretch in group:
                if widget is None:
                    row.addStretch(stretch)  # (None, n): a stretch between widgets
                else:
                    row.addWidget(widget, stretch)
            if wrapped and not any(stretch for _widget, stretch in group):
                row.addStretch(1)  # a row of lists keeps their natural widths
        self.updateGeometry()

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        narrowest = max(self._group_width(g) for g in self._groups)
        return QSize(narrowest, hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._place(event.size().width() < self.one_line_width())
        super().resizeEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest and self.width() > 0:
            # A child's text changed: it may fit on one row now, or no longer.
            self._place(self.width() < self.one_line_width())
        return super().event(event)


class ElidingLabel(QLabel):
    """A label for a hint that may shorten to "…" when space is short (never for a number:
    the whole text is its tooltip); it never widens the page."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())

    def is_elided(self) -> bool:
        """True while the text is shortened."""
        return self.fontMetrics().horizontalAdvance(self.text()) > self.contentsRect().width()

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.is_elided():
            super().paintEvent(event)
            return
        painter = QPainter(self)
        rect = self.contentsRect()
        painter.setPen(self.palette().color(self.foregroundRole()))
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight,
                                             rect.width())
        painter.drawText(rect, int(self.alignment() | Qt.AlignmentFlag.AlignVCenter), text)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.setToolTip(self.text() if self.is_elided() else "")
