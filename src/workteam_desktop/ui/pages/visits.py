"""走访日志: the visits made (newest first) and the urgent needs they raised (急难愁盼).

Both lists filter and page in SQL and load off the GUI thread: the table asks for the
next page as it is scrolled. Ctrl+N opens 记录走访; Enter on a visit opens its household;
Enter on an urgent need marks it resolved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFontMetrics, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ...domain.periods import period_so_far
from ...store import Store
from ...store.setup import is_demo
from ...store.sync_status import SyncState, row_states
from ...store.urgent_needs import UNRESOLVED, NeedCounts, count_urgent_needs, list_urgent_needs
from ...store.visits import (
    VisitFilter,
    VisitSummary,
    list_visit_rows,
    visit_summary,
    visit_villages,
)
from ..columns import fit_columns_to_text
from ..context import AppContext
from ..dialogs_urgent import ResolveNeedDialog
from ..pickers import DateEdit
from ..widgets import accent_button, empty_state, page_title
from .base import Page

PAGE_SIZE = 100
SEARCH_DELAY_MS = 300
BADGE_ROLE = Qt.ItemDataRole.UserRole + 10  # (word, "red" | "amber") drawn after the text
ROW_ROLE = Qt.ItemDataRole.UserRole + 11
_BADGE_COLOURS = {"red": ("#d93025", "#ffffff"), "amber": ("#f6b400", "#3d2a00")}


# ---------------------------------------------------------------- jobs (off the GUI thread)

def _load_visits(store: Store, flt: VisitFilter, offset: int) -> tuple[list[dict[str, Any]], bool]:
    """One page of visits, and whether the store holds any visit at all."""
    rows = list_visit_rows(store, flt, limit=PAGE_SIZE, offset=offset)
    states = row_states(store, "visit", [r["id"] for r in rows])  # this page only: cheap
    for row in rows:
        row["sync"] = states[row["id"]]
    return rows, bool(rows) or offset > 0 or bool(list_visit_rows(store, limit=1))


def _load_needs(store: Store, status: str | None, village_id: str | None, search: str,
                offset: int, with_counts: bool, lang: str
                ) -> tuple[list[dict[str, Any]], NeedCounts | None, NeedCounts | None]:
    """One page of urgent needs; with the first, the counts shown and the unresolved ones."""
    rows = list_urgent_needs(store, status, village_id=village_id, search=search,
                             limit=PAGE_SIZE, offset=offset, lang=lang)
    if not with_counts:
        return rows, None, None
    shown = count_urgent_needs(store, status, village_id=village_id, search=search)
    everywhere = count_urgent_needs(store, UNRESOLVED)
    return rows, shown, everywhere


# ---------------------------------------------------------------- table pieces

class BadgeDelegate(QStyledItemDelegate):
    """Draws a cell's text, then its alert word (BADGE_ROLE) as a small red/amber badge:
    what needs action is a word in colour, never colour alone."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        badge = index.data(BADGE_ROLE)
        if not badge:
            super().paint(painter, option, index)
            return
        word, level = badge
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        metrics = QFontMetrics(opt.font)
        rect = opt.rect.adjusted(6, 0, -4, 0)
        painter.save()
        x = rect.left()
        if text:
            painter.setPen(opt.palette.text().color())
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                             text)
            x += metrics.horizontalAdvance(text) + 6
        background, foreground = _BADGE_COLOURS.get(level, _BADGE_COLOURS["amber"])
        width = metrics.horizontalAdvance(word) + 12
        height = metrics.height() + 2
        box = QRect(x, rect.center().y() - height // 2 + 1, width, height)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(background))
        painter.drawRoundedRect(box, 3, 3)
        painter.setPen(QColor(foreground))
        painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), word)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        badge = index.data(BADGE_ROLE)
        if badge:
            size.setWidth(size.width() + QFontMetrics(option.font).horizontalAdvance(badge[0]) + 24)
        return size


class PagedRowsModel(QAbstractTableModel):
    """Rows of dicts shown a page at a time; the view asks for more as it is scrolled.

    A full page means there may be more; ``total`` (how many in all) is for display and
    may arrive later than the rows (counting a county's visits takes longer).
    """

    sig_fetch_more = Signal()

    def __init__(self, headers: list[str], cell: Callable[[dict[str, Any], int, int], Any],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.headers = headers
        self._cell = cell
        self.rows: list[dict[str, Any]] = []
        self.total: int | None = None
        self.more = False
        self.fetching = False

    def reset(self, rows: list[dict[str, Any]]) -> None:
        """Show the first page of a new result."""
        self.beginResetModel()
        self.rows = list(rows)
        self.more = len(rows) >= PAGE_SIZE
        self.total = None if self.more else len(rows)
        self.fetching = False
        self.endResetModel()

    def append(self, rows: list[dict[str, Any]]) -> None:
        """Add the next page."""
        self.fetching = False
        self.more = len(rows) >= PAGE_SIZE
        if not rows:
            return
        start = len(self.rows)
        self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
        self.rows.extend(rows)
        self.endInsertRows()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == ROW_ROLE:
            return row
        return self._cell(row, index.column(), role)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:
        return not parent.isValid() and not self.fetching and self.more

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:
        if self.canFetchMore(parent):
            self.fetching = True
            self.sig_fetch_more.emit()


def _table(model: PagedRowsModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(30)
    view.setItemDelegate(BadgeDelegate(view))
    view.horizontalHeader().setHighlightSections(False)
    return view


def _right(role: int) -> Any:
    if role == Qt.ItemDataRole.TextAlignmentRole:
        return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return None


# ---------------------------------------------------------------- the page

class VisitsPage(Page):
    """走访日志 with a second tab for the urgent needs."""

    name = "visits"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._visit_seq = 0  # loads started; a late answer to an older filter is dropped
        self._summary_seq = -1  # the load whose count is shown
        self._need_seq = 0
        self._villages_loaded = False
        self._need_counts = NeedCounts(0, 0, 0)
        self.resolve_dialog: ResolveNeedDialog | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 8)
        layout.setSpacing(8)
        head = QHBoxLayout()
        head.addWidget(page_title(self.tr("走访日志")))
        head.addSpacing(16)
        self.summary = QLabel()
        self.summary.setObjectName("tileLabel")
        head.addWidget(self.summary, 1)
        self.new_button = accent_button(self.tr("记录走访（Ctrl+N）"))
        self.new_button.clicked.connect(lambda: ctx.navigate("visit"))
        head.addWidget(self.new_button)
        layout.addLayout(head)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_visits_tab(), self.tr("走访记录"))
        self.tabs.addTab(self._build_needs_tab(), self.tr("急难愁盼"))
        self.tabs.currentChanged.connect(self._on_tab)
        layout.addWidget(self.tabs, 1)

        QShortcut(QKeySequence("Ctrl+N"), self, activated=lambda: ctx.navigate("visit"))
        ctx.sig_data_changed.connect(self._on_data_changed)

    def title(self) -> str:
        return self.tr("走访日志")

    # ------------------------------------------------------------------ visits tab

    def _build_visits_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(8, 8, 8, 6)
        filters = QHBoxLayout()
        filters.setSpacing(6)
        self.period = QComboBox()
        for text, code in ((self.tr("本月"), "month"), (self.tr("本季度"), "quarter"),
                           (self.tr("本年"), "year"), (self.tr("全部"), "all"),
                           (self.tr("自定义"), "custom")):
            self.period.addItem(text, code)
        self.period.setMinimumWidth(96)
        self.date_from = DateEdit()
        self.date_to = DateEdit()
        for edit in (self.date_from, self.date_to):
            edit.hide()
        today = QDate.currentDate()
        self.date_from.setDate(QDate(today.year(), today.month(), 1))
        self.date_to.setDate(today)
        self.to_label = QLabel(self.tr("至"))
        self.to_label.hide()
        self.village = self._village_box()
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("按户主、户编号或身份证号筛选"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(240)
        filters.addWidget(QLabel(self.tr("期间")))
        filters.addWidget(self.period)
        filters.addWidget(self.date_from)
        filters.addWidget(self.to_label)
        filters.addWidget(self.date_to)
        filters.addSpacing(12)
        filters.addWidget(QLabel(self.tr("村")))
        filters.addWidget(self.village)
        filters.addSpacing(12)
        filters.addWidget(self.search)
        filters.addStretch(1)
        layout.addLayout(filters)

        self.visit_model = PagedRowsModel(
            [self.tr("日期"), self.tr("村"), self.tr("农户"), self.tr("事由"),
             self.tr("发现情况"), self.tr("走访干部"), self.tr("急难愁盼"), self.tr("同步")],
            self._visit_cell, self)
        self.visit_model.sig_fetch_more.connect(lambda: self._load_visits(more=True))
        self.visit_view = _table(self.visit_model)
        # Widths from the text in the language shown; 发现情况 takes the rest.
        fit_columns_to_text(self.visit_view, stretch_column=4)
        self.visit_view.activated.connect(self._open_household)
        self.visit_empty = empty_state("")
        self.visit_stack = QStackedWidget()
        self.visit_stack.addWidget(self.visit_view)
        self.visit_stack.addWidget(self.visit_empty)
        layout.addWidget(self.visit_stack, 1)
        self.visit_footer = QLabel()
        self.visit_footer.setObjectName("tileLabel")
        layout.addWidget(self.visit_footer)

        self.period.currentIndexChanged.connect(self._on_period)
        self.date_from.dateChanged.connect(lambda _d: self._load_visits())
        self.date_to.dateChanged.connect(lambda _d: self._load_visits())
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._load_visits)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        return tab

    def _village_box(self) -> QComboBox:
        box = QComboBox()
        box.setEditable(True)  # type-ahead over the villages of a county
        box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        box.setMinimumWidth(170)
        box.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        box.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        box.addItem(self.tr("全部村"), None)
        box.lineEdit().editingFinished.connect(lambda b=box: self._settle_village(b))
        return box

    def _settle_village(self, box: QComboBox) -> None:
        # Text that names no village goes back to the village picked before.
        index = box.findText(box.currentText())
        if index < 0:
            box.setEditText(box.itemText(box.currentIndex()))
        elif index != box.currentIndex():
            box.setCurrentIndex(index)

    def _visit_filter(self) -> VisitFilter:
        code = self.period.currentData()
        date_from = date_to = None
        if code in ("month", "quarter", "year"):
            date_from, date_to = period_so_far(code)
        elif code == "custom":
            date_from = self.date_from.date().toPython()
            date_to = self.date_to.date().toPython()
        return VisitFilter(date_from=date_from, date_to=date_to,
                           village_id=self.village.currentData(), search=self.search.text())

    def _on_period(self, _index: int) -> None:
        custom = self.period.currentData() == "custom"
        for widget in (self.date_from, self.to_label, self.date_to):
            widget.setVisible(custom)
        self._load_visits()

    def _load_visits(self, more: bool = False) -> None:
        flt = self._visit_filter()
        if flt.date_from and flt.date_to and flt.date_from > flt.date_to:
            self.visit_footer.setText(self.tr("开始日期晚于结束日期，请调整期间"))
            return
        if not more:
            self._visit_seq += 1
        seq = self._visit_seq
        offset = len(self.visit_model.rows) if more else 0

        def done(result: tuple[list[dict[str, Any]], bool]) -> None:
            if isValid(self) and seq == self._visit_seq:
                self._show_visits(result, more)

        def counted(summary: VisitSummary) -> None:
            if isValid(self) and seq == self._visit_seq:
                self._show_summary(summary)

        self.ctx.tasks.run(_load_visits, self.ctx.store, flt, offset, done=done,
                           failed=self._failed)
        if not more:  # counted apart: the rows show before a county-sized count is done
            self.ctx.tasks.run(visit_summary, self.ctx.store, flt, done=counted,
                               failed=self._failed)

    def _show_visits(self, result: tuple[list[dict[str, Any]], bool], more: bool) -> None:
        rows, any_visits = result
        if more:
            self.visit_model.append(rows)
        else:
            total = self.visit_model.total if self._summary_seq == self._visit_seq else None
            self.visit_model.reset(rows)
            if total is not None:
                self.visit_model.total = total
            if not any_visits:
                self.visit_empty.setText(self.tr("还没有走访记录，按 Ctrl+N 新建"))
            else:
                self.visit_empty.setText(self.tr("这段期间没有符合条件的走访记录。\n"
                                                 "换个期间、村或农户试试，或按 Ctrl+N 新建"))
            self.visit_stack.setCurrentWidget(self.visit_view if rows else self.visit_empty)
        self._visit_footer()

    def _show_summary(self, summary: VisitSummary) -> None:
        self._summary_seq = self._visit_seq
        self.visit_model.total = summary.visits
        self.summary.setText(self._summary_text(summary))
        self._visit_footer()

    def _visit_footer(self) -> None:
        total, shown = self.visit_model.total, len(self.visit_model.rows)
        if total is None:
            text = self.tr("已显示 {shown} 次走访，正在统计总数…").format(shown=f"{shown:,}")
        elif total == 0:
            text = ""  # the empty state says it
        else:
            text = self.tr("共 {total} 次走访").format(total=f"{total:,}")
            if shown < total:
                text += self.tr("，已显示 {shown} 次，向下滚动显示更多").format(shown=f"{shown:,}")
        self.visit_footer.setText(text)

    def _summary_text(self, summary: VisitSummary) -> str:
        visits, households = f"{summary.visits:,}", f"{summary.households:,}"
        code = self.period.currentData()
        if code == "month":
            return self.tr("本月走访 {visits} 次，覆盖 {households} 户").format(
                visits=visits, households=households)
        if code == "quarter":
            return self.tr("本季度走访 {visits} 次，覆盖 {households} 户").format(
                visits=visits, households=households)
        if code == "year":
            return self.tr("本年走访 {visits} 次，覆盖 {households} 户").format(
                visits=visits, households=households)
        if code == "custom":
            return self.tr("{start} 至 {end} 走访 {visits} 次，覆盖 {households} 户").format(
                start=self.date_from.date().toString("yyyy-MM-dd"),
                end=self.date_to.date().toString("yyyy-MM-dd"),
                visits=visits, households=households)
        return self.tr("共走访 {visits} 次，覆盖 {households} 户").format(
            visits=visits, households=households)

    def _visit_cell(self, row: dict[str, Any], column: int, role: int) -> Any:
        names = "、".join(h["head_name"] for h in row["households"])
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return row["visit_date"]
            if column == 1:
                return row["village_name"] or ""
            if column == 2:
                return names
            if column == 3:
                return row["purpose"]
            if column == 4:
                return row["findings"].replace("\n", " ")
            if column == 5:
                return "、".join(row["visitors"])
            if column == 6:
                if row["needs_total"] and not row["needs_open"]:
                    return self.tr("{n} 项已解决").format(n=row["needs_total"])
                return ""
            if column == 7:
                return self._sync_words(row)[0]
        elif role == BADGE_ROLE and column == 6 and row["needs_open"]:
            if row["needs_overdue"]:
                return (self.tr("{n} 项逾期").format(n=row["needs_overdue"]), "red")
            return (self.tr("{n} 项未解决").format(n=row["needs_open"]), "amber")
        elif role == Qt.ItemDataRole.ToolTipRole:
            if column == 0:
                return f"{row['visit_date']} {row['visit_time']}".strip()
            if column == 2:
                return "\n".join(f"{h['head_name']}（{h['number']}）" for h in row["households"])
            if column == 4:
                text = row["findings"]
                if row["measures"]:
                    text += "\n" + self.tr("措施：{measures}").format(measures=row["measures"])
                return text
            if column == 7:
                return self._sync_words(row)[1]
        elif role == Qt.ItemDataRole.ForegroundRole and column == 6 and not row["needs_open"]:
            return QColor("#6b7b8c")
        elif role == Qt.ItemDataRole.ForegroundRole and column == 7:
            state = row["sync"].state
            if state is SyncState.SYNCED:
                return QColor("#6b7b8c")
            return QColor("#c5221f") if state is SyncState.REJECTED else None
        return None

    def _sync_words(self, row: dict[str, Any]) -> tuple[str, str]:
        """The 同步 column: the word, and what it means (the server's reason if refused)."""
        state = row["sync"]
        if state.state is SyncState.REJECTED:
            reasons = "\n".join(reason for _entity, reason in state.reasons)
            return self.tr("被拒绝"), self.tr("服务器没有接受这次走访的修改：\n{reasons}").format(
                reasons=reasons)
        if state.state is SyncState.PENDING:
            return self.tr("待同步"), self.tr("这次走访有修改还没有发送到服务器")
        return self.tr("已同步"), self.tr("这次走访的修改都已发送到服务器")

    def _open_household(self, index: QModelIndex) -> None:
        row = index.data(ROW_ROLE)
        if row and row["households"]:
            self.ctx.navigate("household", household=row["households"][0]["id"])

    # ------------------------------------------------------------------ urgent needs tab

    def _build_needs_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(8, 8, 8, 6)
        filters = QHBoxLayout()
        filters.setSpacing(6)
        self.need_status = QComboBox()
        for text, code in ((self.tr("未解决"), UNRESOLVED), (self.tr("待解决"), "open"),
                           (self.tr("办理中"), "in_progress"), (self.tr("已解决"), "resolved"),
                           (self.tr("全部"), None)):
            self.need_status.addItem(text, code)
        self.need_village = self._village_box()
        self.need_search = QLineEdit()
        self.need_search.setPlaceholderText(self.tr("按户主、户编号或身份证号筛选"))
        self.need_search.setClearButtonEnabled(True)
        self.need_search.setMinimumWidth(240)
        self.resolve_button = QPushButton(self.tr("标记已解决…"))
        self.resolve_button.setToolTip(self.tr("选中一条未解决的问题，按回车也可以"))
        self.resolve_button.setEnabled(False)
        self.resolve_button.clicked.connect(self.resolve_selected)
        filters.addWidget(QLabel(self.tr("状态")))
        filters.addWidget(self.need_status)
        filters.addSpacing(12)
        filters.addWidget(QLabel(self.tr("村")))
        filters.addWidget(self.need_village)
        filters.addSpacing(12)
        filters.addWidget(self.need_search)
        filters.addStretch(1)
        filters.addWidget(self.resolve_button)
        layout.addLayout(filters)

        self.need_model = PagedRowsModel(
            [self.tr("类别"), self.tr("问题"), self.tr("农户"), self.tr("村"), self.tr("提出日期"),
             self.tr("期限"), self.tr("状态"), self.tr("已用天数")], self._need_cell, self)
        self.need_model.sig_fetch_more.connect(lambda: self._load_needs(more=True))
        self.need_view = _table(self.need_model)
        fit_columns_to_text(self.need_view, stretch_column=1)  # 问题 takes the rest
        self.need_view.activated.connect(lambda _i: self.resolve_selected())
        self.need_view.selectionModel().currentRowChanged.connect(
            lambda _c, _p: self._update_resolve_button())
        self.need_view.installEventFilter(self)
        self.need_empty = empty_state("")
        self.need_stack = QStackedWidget()
        self.need_stack.addWidget(self.need_view)
        self.need_stack.addWidget(self.need_empty)
        layout.addWidget(self.need_stack, 1)
        self.need_footer = QLabel()
        self.need_footer.setObjectName("tileLabel")
        layout.addWidget(self.need_footer)

        self.need_status.currentIndexChanged.connect(lambda _i: self._load_needs())
        self._need_search_timer = QTimer(self)
        self._need_search_timer.setSingleShot(True)
        self._need_search_timer.setInterval(SEARCH_DELAY_MS)
        self._need_search_timer.timeout.connect(self._load_needs)
        self.need_search.textChanged.connect(lambda _t: self._need_search_timer.start())
        return tab

    def _load_needs(self, more: bool = False) -> None:
        if not more:
            self._need_seq += 1
        seq = self._need_seq
        offset = len(self.need_model.rows) if more else 0

        def done(result: tuple[list[dict[str, Any]], NeedCounts | None, NeedCounts | None]
                 ) -> None:
            if isValid(self) and seq == self._need_seq:
                self._show_needs(result, more)

        self.ctx.tasks.run(_load_needs, self.ctx.store, self.need_status.currentData(),
                           self.need_village.currentData(), self.need_search.text(), offset,
                           not more, self.ctx.lang, done=done, failed=self._failed)

    def _show_needs(self, result: tuple[list[dict[str, Any]], NeedCounts | None,
                                        NeedCounts | None], more: bool) -> None:
        rows, shown, everywhere = result
        if more:
            self.need_model.append(rows)
        else:
            assert shown is not None and everywhere is not None
            self.need_model.reset(rows)
            self.need_model.total = shown.total
            self.tabs.setTabText(1, self.tr("急难愁盼（{n} 条未解决）").format(
                n=f"{everywhere.total:,}") if everywhere.total else self.tr("急难愁盼"))
            if self.need_status.currentData() in (UNRESOLVED, "open", "in_progress"):
                self.need_empty.setText(self.tr("没有未解决的急难愁盼。走访中发现的问题会列在这里"))
            else:
                self.need_empty.setText(self.tr("没有符合条件的急难愁盼"))
            self.need_stack.setCurrentWidget(self.need_view if rows else self.need_empty)
            if rows:
                self.need_view.selectRow(0)
            self._need_counts = shown
        counts = self._need_counts
        total, shown = self.need_model.total or 0, len(self.need_model.rows)
        text = self.tr("共 {total} 条").format(total=f"{total:,}")
        if shown < total:
            text += self.tr("，已显示 {shown} 条，向下滚动显示更多").format(shown=f"{shown:,}")
        if counts.unresolved and counts.unresolved != total:
            text += self.tr("；其中未解决 {n} 条").format(n=f"{counts.unresolved:,}")
        if counts.overdue:
            text += self.tr("；逾期 {n} 条").format(n=f"{counts.overdue:,}")
        self.need_footer.setText(text)
        self._update_resolve_button()

    def _need_cell(self, row: dict[str, Any], column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (row["category_label"], row["text"], row["head_name"],
                    row["village_name"] or "", row["raised_on"], row["due_date"] or "",
                    "" if row["status"] == "open" else row["status_label"],
                    f"{row['days_open']:,}")[column]
        if role == BADGE_ROLE:
            if column == 5 and row["overdue"]:
                return (self.tr("逾期"), "red")
            if column == 6 and row["status"] == "open":
                return (row["status_label"], "amber")
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column in (1, 6) and row["resolution"]:
                return self.tr("{resolved} 解决：{resolution}").format(
                    resolved=row["resolved_on"] or "", resolution=row["resolution"])
            if column == 1:
                return row["text"]
            if column == 2:
                return f"{row['head_name']}（{row['household_number']}）"
            if column == 7:
                return self.tr("未解决的：提出至今的天数；已解决的：解决用了多少天")
            return None
        if role == Qt.ItemDataRole.ForegroundRole and not row["open"] and column != 1:
            return QColor("#6b7b8c")
        if column == 7:
            return _right(role)
        return None

    def selected_need(self) -> dict[str, Any] | None:
        """The urgent need the cursor is on."""
        index = self.need_view.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def _update_resolve_button(self) -> None:
        need = self.selected_need()
        self.resolve_button.setEnabled(bool(need and need["open"]))

    def resolve_selected(self) -> None:
        """Open the dialog that marks the selected need resolved."""
        need = self.selected_need()
        if not need or not need["open"]:
            return
        self.resolve_dialog = ResolveNeedDialog(self.ctx, need, self)
        self.resolve_dialog.sig_resolved.connect(lambda _need: self._load_needs())
        self.resolve_dialog.finished.connect(lambda _r: self.need_view.setFocus())
        self.resolve_dialog.open()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # QTableView's Enter does not emit ``activated`` on every platform: make it so.
        if (watched is self.need_view and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):  # type: ignore[attr-defined]
            self.resolve_selected()
            return True
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------------ loading

    def activate(self, **params: Any) -> None:
        if params.get("urgent"):
            self.tabs.blockSignals(True)
            self.tabs.setCurrentIndex(1)
            self.tabs.blockSignals(False)
            # The dashboard's "open" counts every need not yet resolved.
            status = UNRESOLVED if params["urgent"] == "open" else params["urgent"]
            self.need_status.blockSignals(True)
            self.need_status.setCurrentIndex(max(0, self.need_status.findData(status)))
            self.need_status.blockSignals(False)
        # A demo home never syncs: its 同步 column would say 待同步 on every row.
        self.visit_view.setColumnHidden(self.visit_model.columnCount() - 1,
                                        is_demo(self.ctx.store))
        if not self._villages_loaded:
            self._villages_loaded = True
            self.ctx.tasks.run(visit_villages, self.ctx.store, done=self._fill_villages)
        self._load_visits()
        self._load_needs()
        view = self.need_view if self.tabs.currentIndex() == 1 else self.visit_view
        QTimer.singleShot(0, lambda: isValid(view) and view.setFocus())

    def _fill_villages(self, villages: list[dict[str, str]]) -> None:
        if not isValid(self):
            return
        for box, reload in ((self.village, self._load_visits), (self.need_village,
                                                                  self._load_needs)):
            box.blockSignals(True)
            for village in villages:
                box.addItem(village["name"], village["id"])
            box.blockSignals(False)
            box.currentIndexChanged.connect(lambda _i, r=reload: r())

    def _on_tab(self, index: int) -> None:
        (self.need_view if index == 1 else self.visit_view).setFocus()

    def _on_data_changed(self, entities: set[str]) -> None:
        if not entities & {"visit", "urgent_need", "household", "cadre", "area"}:
            return
        if self.isVisible():  # a hidden page reloads when it is shown again
            self._load_visits()
            self._load_needs()

    def _failed(self, _error: BaseException) -> None:
        if not isValid(self):
            return
        self.visit_model.fetching = False
        self.need_model.fetching = False
        self.visit_footer.setText(self.tr("没有读出走访记录，请稍后再试"))
