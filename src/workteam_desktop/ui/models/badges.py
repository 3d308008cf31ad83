"""Badges in table cells: the words of what needs action (观测对象, 零就业, 逾期未更新,
权益悬空) on red or amber, drawn once per set of words and then shown as a cell's
decoration, so that painting a table runs no Python per cell."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFontMetrics, QGuiApplication, QPainter, QPen, QPixmap

# The colours of QLabel[alert=…] in style.qss, so a word in a table looks like a badge
# on a page: what needs action is a word on red or amber, never colour alone.
BADGE_COLOURS = {"red": (QColor("#d93025"), QColor("#ffffff")),
                 "amber": (QColor("#f6b400"), QColor("#3d2a00"))}
_GAP = 4
_PAD = 6
_cache: dict[tuple[tuple[str, str], ...], QPixmap] = {}


def badge_pixmap(words: Sequence[tuple[str, str]]) -> QPixmap | None:
    """The words ((word, "red"|"amber"), …) as badges side by side (None for no words)."""
    key = tuple((w, level) for w, level in words)
    if not key:
        return None
    found = _cache.get(key)
    if found is not None:
        return found
    font = QGuiApplication.font()
    metrics = QFontMetrics(font)
    height = metrics.height() + 4
    widths = [metrics.horizontalAdvance(w) + 2 * _PAD for w, _level in key]
    ratio = QGuiApplication.primaryScreen().devicePixelRatio() \
        if QGuiApplication.primaryScreen() else 1.0
    pixmap = QPixmap(int((sum(widths) + _GAP * (len(key) - 1)) * ratio), int(height * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setFont(font)
    x = 0
    for (word, level), width in zip(key, widths, strict=True):
        background, foreground = BADGE_COLOURS.get(level, BADGE_COLOURS["red"])
        rect = QRect(x, 0, width, height)
        painter.setPen(QPen(Qt.PenStyle.NoPen))
        painter.setBrush(background)
        painter.drawRoundedRect(rect, 3, 3)
        painter.setPen(QPen(foreground))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, word)
        x += width + _GAP
    painter.end()
    _cache[key] = pixmap
    return pixmap
