"""A scroll area for a form on a small screen (1024×600).

While the form fits, it is exactly as tall as the view and its stretching rows take the
room, as without a scroll area; when it needs more height (red messages under the fields,
several households, photos) it keeps its minimum height and scrolls, and Tab brings the
focused field into view. A plain resizable QScrollArea gives a form with word-wrapped
messages its *preferred* height instead, so it would scroll even at 1366×768 with room to
spare."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLayout, QScrollArea, QWidget


class _MinimumHeightContent(QWidget):
    """The scrolled widget: asked its height for a width, it answers the least it needs."""

    def heightForWidth(self, width: int) -> int:
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth():
            margins = self.contentsMargins()
            needed = layout.minimumHeightForWidth(width - margins.left() - margins.right())
            if needed >= 0:
                return needed + margins.top() + margins.bottom()
        return self.minimumSizeHint().height()


class FormScrollArea(QScrollArea):
    """Holds ``layout`` (a form) and scrolls it only when it does not fit."""

    def __init__(self, layout: QLayout, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        content = _MinimumHeightContent()
        content.setLayout(layout)
        self.setWidget(content)
