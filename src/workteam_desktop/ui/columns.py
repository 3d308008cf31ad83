"""Column widths that come from the text: a table's columns are as wide as their header and
their widest visible cell in the current language and font, so "贫困户" and "Poverty-stricken
household" both fit without anyone choosing pixel widths by hand.

``fit_columns_to_text(view, stretch_column)`` sizes every column once now and again whenever
the model is reset, rows arrive, the header texts change (language) or the font changes; the
stretch column takes whatever width the others leave. A column the user has dragged to a
width of their own keeps it."""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QEvent, QModelIndex, QObject, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics, QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyleOptionHeader,
    QStyleOptionViewItem,
    QTableView,
)
from shiboken6 import isValid

# Cells are measured for at most this many rows (the visible ones, else the first ones): a
# view over 200,000 rows must never read them all.
SAMPLE_ROWS = 60
# Breathing room right of the text beyond what the style already adds, in pixels.
CELL_PADDING = 10
HEADER_PADDING = 6
# No column is made wider than this many CJK characters by its cells (a long note elides
# rather than push every other column off screen).
CAP_CHARS = 22
# The stretch column (a note, a finding) gives way down to its header or this many CJK
# characters before the table scrolls sideways.
STRETCH_MIN_CHARS = 8
# A give-way column (fit_columns_to_text's ``give_way``: its full text is in the tooltip)
# shrinks down to its header or this many.
GIVE_WAY_MIN_CHARS = 6
FITTER_NAME = "_columnFitter"


def fit_columns_to_text(view: QTableView, stretch_column: int | None = None,
                        give_way: tuple[int, ...] = ()) -> None:
    """Size each column of ``view`` to its header text and widest visible cell text (current
    font and language) plus padding, capped sensibly; ``stretch_column`` (if given) takes the
    remaining width of the viewport. Keeps doing so as the model, language or font change.

    ``give_way``: other free-text columns (an outcome, a remark) that also shrink, down to
    their header or :data:`GIVE_WAY_MIN_CHARS` characters, when the table would otherwise
    scroll sideways (English headers on a 1024-pixel screen); their text elides. Columns
    holding numbers, dates or names never belong here.

    Call it after ``view.setModel``; calling it again (e.g. with another stretch column)
    replaces the earlier fit. Only columns in the Interactive resize mode (Qt's default) are
    sized: one set to Stretch or ResizeToContents keeps that mode."""
    fitter = view.findChild(_ColumnFitter, FITTER_NAME)
    if fitter is None:
        fitter = _ColumnFitter(view)
    fitter.stretch_column = stretch_column
    fitter.give_way = tuple(give_way)
    if stretch_column is not None:
        view.horizontalHeader().setStretchLastSection(False)  # one column takes the rest
    fitter.attach_model()
    fitter.fit()


def needed_widths(view: QTableView) -> list[int]:
    """What each column needs for its header and its widest sampled cell (no stretch)."""
    return [_needed_width(view, column) for column in range(_column_count(view))]


def header_needed_width(view: QTableView, column: int) -> int:
    """What column ``column``'s header text needs to show uncut, in the header's font as the
    style sheet sets it; the sorted column makes room for its arrow too."""
    header = view.horizontalHeader()
    model = view.model()
    if model is None:
        return 0
    option = QStyleOptionHeader()
    option.initFrom(header)
    option.orientation = Qt.Orientation.Horizontal
    option.section = column
    text = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
    option.text = "" if text is None else str(text)
    font = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.FontRole)
    if isinstance(font, QFont):
        option.fontMetrics = QFontMetrics(font)
    icon = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DecorationRole)
    if isinstance(icon, QIcon):
        option.icon = icon
    style = header.style()
    width = style.sizeFromContents(QStyle.ContentsType.CT_HeaderSection, option, QSize(),
                                  header).width()
    # Headers are bold by the style sheet; a style that measured them in the regular font
    # gets the difference added.
    bold = QFont(font if isinstance(font, QFont) else header.font())
    bold.setBold(True)
    lines = option.text.split("\n")
    regular_width = max(option.fontMetrics.horizontalAdvance(line) for line in lines)
    bold_width = max(QFontMetrics(bold).horizontalAdvance(line) for line in lines)
    plain_option = QStyleOptionHeader(option)
    plain_option.text = ""
    text_part = width - style.sizeFromContents(QStyle.ContentsType.CT_HeaderSection,
                                               plain_option, QSize(), header).width()
    width += max(bold_width - max(text_part, regular_width), 0)
    if header.isSortIndicatorShown() and header.sortIndicatorSection() == column:
        # Room for the arrow beside the (centred) text, on both sides to keep it centred.
        option.rect = QRect(0, 0, 400, max(header.height(), header.sizeHint().height()))
        option.sortIndicator = QStyleOptionHeader.SortIndicator.SortDown
        arrow = style.subElementRect(QStyle.SubElement.SE_HeaderArrow, option, header).width()
        if arrow <= 0:
            arrow = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, option, header)
        width += 2 * (arrow + style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, option,
                                                header))
    return width + HEADER_PADDING


def _column_count(view: QTableView) -> int:
    model = view.model()
    return model.columnCount() if model is not None else 0


def _sample_rows(view: QTableView) -> range:
    model = view.model()
    rows = model.rowCount() if model is not None else 0
    if not rows:
        return range(0)
    first = view.rowAt(0)
    if first < 0 or not view.isVisible():
        return range(min(rows, SAMPLE_ROWS))
    last = view.rowAt(max(view.viewport().height() - 1, 0))
    if last < 0:
        last = rows - 1
    return range(first, min(last + 1, first + SAMPLE_ROWS, rows))


def _cell_width(view: QTableView, index: QModelIndex) -> int:
    delegate = view.itemDelegateForIndex(index)
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.font = view.font()
    option.fontMetrics = view.fontMetrics()
    option.widget = view
    option.decorationSize = view.iconSize() if view.iconSize().isValid() else option.decorationSize
    option.features = QStyleOptionViewItem.ViewItemFeature.None_
    if view.wordWrap():
        option.features |= QStyleOptionViewItem.ViewItemFeature.WrapText
    width = delegate.sizeHint(option, index).width() if delegate is not None else 0
    widget = view.indexWidget(index)
    if widget is not None:  # a list or button put in the cell (e.g. 导入为)
        width = max(width, widget.sizeHint().width())
    # The longest line of the text in the cell's own font, in case a delegate under-reports.
    text = index.data(Qt.ItemDataRole.DisplayRole)
    if text is not None and text != "":
        font = index.data(Qt.ItemDataRole.FontRole)
        metrics = QFontMetrics(font) if isinstance(font, QFont) else view.fontMetrics()
        advance = max(metrics.horizontalAdvance(line) for line in str(text).split("\n"))
        margin = view.style().pixelMetric(view.style().PixelMetric.PM_FocusFrameHMargin,
                                          None, view) + 1
        width = max(width, advance + 2 * margin)
    return width


def _metrics(font: object):
    from PySide6.QtGui import QFont, QFontMetrics

    return QFontMetrics(font if isinstance(font, QFont) else QFont())


def _needed_width(view: QTableView, column: int) -> int:
    model = view.model()
    if model is None or view.isColumnHidden(column):
        return 0
    cap = view.fontMetrics().horizontalAdvance("汉") * CAP_CHARS
    cells = 0
    for row in _sample_rows(view):
        index = model.index(row, column)
        if index.isValid():
            cells = max(cells, _cell_width(view, index))
    if view.showGrid():
        cells += 1
    cells = min(cells + CELL_PADDING, cap) if cells else 0
    return max(header_needed_width(view, column), cells,
               view.horizontalHeader().minimumSectionSize())


class _ColumnFitter(QObject):
    """Lives on the view; refits on model, header-text and font changes, stretches on resize."""

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self.setObjectName(FITTER_NAME)
        self.view = view
        self.stretch_column: int | None = None
        self.give_way: tuple[int, ...] = ()
        self._needed: list[int] = []
        self._user_sized: set[int] = set()
        self._fitting = False
        self._model = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.fit)
        header = view.horizontalHeader()
        header.sectionResized.connect(self._section_resized)
        header.sortIndicatorChanged.connect(self._later)  # the arrow moves to another column
        self._viewport = view.viewport()
        view.installEventFilter(self)
        self._viewport.installEventFilter(self)

    def attach_model(self) -> None:
        model = self.view.model()
        if model is self._model:
            return
        if self._model is not None:
            for signal in self._signals(self._model):
                with contextlib.suppress(RuntimeError, TypeError):
                    signal.disconnect(self._later)
        self._model = model
        self._user_sized.clear()
        if model is not None:
            for signal in self._signals(model):
                signal.connect(self._later)

    @staticmethod
    def _signals(model):
        return (model.modelReset, model.layoutChanged, model.rowsInserted,
                model.rowsRemoved, model.headerDataChanged, model.columnsInserted)

    def _later(self, *_args: object) -> None:
        self._timer.start()

    def fit(self) -> None:
        """Measure every column again and lay the widths out."""
        self._timer.stop()
        if not isValid(self.view):
            return
        if self.view.model() is not self._model:
            self.attach_model()
        self._needed = needed_widths(self.view)
        header = self.view.horizontalHeader()
        self._fitting = True
        try:
            for column, width in enumerate(self._needed):
                if (column not in self._user_sized and not self.view.isColumnHidden(column)
                        and header.sectionResizeMode(column)
                        == QHeaderView.ResizeMode.Interactive):
                    header.resizeSection(column, width)
        finally:
            self._fitting = False
        self._stretch()

    def _stretch(self) -> None:
        column = self.stretch_column
        if column is None or column >= len(self._needed) or column in self._user_sized:
            return
        header = self.view.horizontalHeader()
        giving = [c for c in self.give_way if c < len(self._needed) and c != column
                  and c not in self._user_sized and not header.isSectionHidden(c)]
        widths = {c: self._needed[c] for c in giving}  # the give-way columns at full width
        others = sum(header.sectionSize(c) for c in range(header.count())
                     if c != column and c not in widths and not header.isSectionHidden(c))
        room = self.view.viewport().width() - others - sum(widths.values())
        least = self._least(column)
        if room < least and giving:
            # The give-way columns shrink, the widest first, by just what keeps the table
            # within the viewport (each down to its own least).
            short = least - room
            for c in sorted(giving, key=lambda c: -widths[c]):
                cut = min(short, max(0, widths[c] - self._least(c, GIVE_WAY_MIN_CHARS)))
                widths[c] -= cut
                room += cut
                short -= cut
            if room < least:  # still too wide: every text column keeps its text whole
                widths = {c: self._needed[c] for c in giving}
                room = -1
        # Giving way helps only when it saves the sideways scroll: when the other columns
        # need that anyway, the stretch column keeps its text whole.
        width = max(least, room) if room >= least else self._needed[column]
        self._fitting = True
        try:
            for c, w in [*widths.items(), (column, width)]:
                if header.sectionSize(c) != w:
                    header.resizeSection(c, w)
        finally:
            self._fitting = False

    def _least(self, column: int, chars: int = STRETCH_MIN_CHARS) -> int:
        """How narrow a free-text column may get: its header, or ``chars`` characters."""
        return max(header_needed_width(self.view, column), min(
            self._needed[column], self.view.fontMetrics().horizontalAdvance("汉") * chars))

    def _section_resized(self, column: int, _old: int, _new: int) -> None:
        if self._fitting:
            return
        header = self.view.horizontalHeader()
        # Only a drag by the user counts (Qt resizes sections itself e.g. on model resets).
        if header.underMouse() or QAbstractItemView.State.DraggingState == self.view.state():
            self._user_sized.add(column)
        self._stretch()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if not isValid(self.view):
            return False
        if watched is self._viewport and kind == QEvent.Type.Resize:
            self._stretch()
        elif watched is self.view and kind in (QEvent.Type.FontChange, QEvent.Type.StyleChange,
                                               QEvent.Type.LanguageChange, QEvent.Type.Show):
            self._later()
        return False
