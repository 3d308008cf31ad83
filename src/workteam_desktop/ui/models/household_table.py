"""The household list as a lazily paged table model.

A county holds up to 200,000 households: the model never loads them all. The row count
comes from one SQL count, rows come in pages of :data:`PAGE_SIZE` fetched off the GUI
thread when the view first asks for them, and only the most recently used pages are
kept (a bounded LRU). Filtering and sorting happen in SQL. With the number sort, the next
page continues from the previous page's last row (keyset paging), so scrolling to the
end of the list costs the same per page as the start.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from ...domain import catalogues as cat
from ...domain import rules
from ...domain.entities import ENTITIES
from ...store.households import HouseholdFilter, count_households, list_households
from ...store.store import Store
from ...store.sync_status import RowSyncState, SyncState, row_states
from ..context import AppContext
from ..widgets import date_text, money
from .badges import badge_pixmap

PAGE_SIZE = 200
MAX_CACHED_PAGES = 30  # 6,000 rows: a few screens either way of where the user is
MAX_WANTED_PAGES = 4  # pages asked for while scrolling fast; older ones are off screen
FLAGS_ROLE = int(Qt.ItemDataRole.UserRole) + 1  # [(word, "red"|"amber"), ...] of a badge column
ID_ROLE = int(Qt.ItemDataRole.UserRole) + 2  # the household id of a row

# Columns: (key, sort key or None). Headers are translated in headerData.
COLUMNS: list[tuple[str, str | None]] = [
    ("number", "number"), ("head_name", "head_name"), ("id_number", None),
    ("village", None), ("grid", None), ("type", None), ("status", None),
    ("members", None), ("income", "income"), ("updated", "updated"), ("sync", None),
    ("flags", None),
]
COLUMN_INDEX = {key: i for i, (key, _sort) in enumerate(COLUMNS)}
RIGHT_ALIGNED = {COLUMN_INDEX["members"], COLUMN_INDEX["income"]}
_FLAGS_COLUMN = COLUMN_INDEX["flags"]
_SYNC_COLUMN = COLUMN_INDEX["sync"]
# 已同步 stays calm grey; 被拒绝 needs action: red, with the word (never colour alone).
SYNC_COLOURS = {SyncState.SYNCED: QColor("#6b7b8c"), SyncState.REJECTED: QColor("#c5221f")}
FLAG_LEVELS = {rules.FLAG_OBSERVATION: "red", rules.FLAG_ZERO_EMPLOYMENT: "red",
               rules.FLAG_OVERDUE: "amber"}
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole)
_ROLES = frozenset({_DISPLAY, _DECORATION, _ALIGNMENT, _FOREGROUND, _TOOLTIP, _ACCESSIBLE,
                    FLAGS_ROLE, ID_ROLE})
_PLACEHOLDER = QColor("#9aa7b4")


class Row(NamedTuple):
    """One household as the table shows it (formatted off the GUI thread)."""

    id: str
    texts: tuple[str, ...]  # one per column
    flags: tuple[tuple[str, str], ...]  # (word, level)
    key: tuple[str, str]  # (number, id): where the next page continues
    sync: SyncState = SyncState.SYNCED
    sync_tip: str = ""  # why the server refused it (被拒绝), else what the word means


@dataclass(frozen=True, slots=True)
class ListQuery:
    """What the list shows: filter and order."""

    filter: HouseholdFilter = field(default_factory=HouseholdFilter)
    sort: str = "number"
    descending: bool = False


def sync_words(state: RowSyncState, lang: str) -> tuple[str, str]:
    """The sync column's word and tooltip for a household (translated; any thread)."""
    translate = QCoreApplication.translate
    if state.state is SyncState.REJECTED:
        reasons = "\n".join(
            translate("HouseholdTableModel", "{record}：{reason}").format(
                record=ENTITIES.label(entity, lang), reason=reason)
            for entity, reason in state.reasons)
        return (translate("HouseholdTableModel", "被拒绝"),
                translate("HouseholdTableModel", "服务器没有接受这户的修改：\n{reasons}").format(
                    reasons=reasons))
    if state.state is SyncState.PENDING:
        return (translate("HouseholdTableModel", "待同步"),
                translate("HouseholdTableModel", "这户有修改还没有发送到服务器"))
    return (translate("HouseholdTableModel", "已同步"),
            translate("HouseholdTableModel", "这户的修改都已发送到服务器"))


def _row(item: dict[str, Any], lang: str, sync: RowSyncState) -> Row:
    flags = tuple((rules.FLAG_LABELS[f][1 if lang == "en" else 0], FLAG_LEVELS[f])
                  for f in item["flags"])
    word, tip = sync_words(sync, lang)
    texts = (
        item["number"], item["head_name"], item["id_number_masked"], item["village_name"],
        item["grid_name"] or "", cat.HOUSEHOLD_TYPES.label(item["type"], lang),
        cat.MONITORING_STATUSES.label(item["monitoring_status"], lang),
        f"{item['member_count']:,}", money(item["per_capita_income"]),
        date_text(item["form_updated_on"]), word, "、".join(w for w, _level in flags),
    )
    return Row(item["id"], texts, flags, (item["number"], item["id"]), sync.state, tip)


def fetch_page(store: Store, query: ListQuery, offset: int, limit: int,
               after: tuple[str, str] | None, from_end: bool, today: dt.date,
               lang: str, period_days: int = rules.DEFAULT_FORM_PERIOD_DAYS) -> list[Row]:
    """One page of rows, formatted, with their sync state (runs off the GUI thread)."""
    items = list_households(store, query.filter, sort=query.sort,
                            descending=query.descending, limit=limit, offset=offset,
                            after=after, from_end=from_end, today=today, period_days=period_days)
    # Only the rows of this page: one indexed query, whatever the size of the county.
    states = row_states(store, "household", [item["id"] for item in items])
    return [_row(item, lang, states[item["id"]]) for item in items]


def count_rows(store: Store, query: ListQuery, today: dt.date,
               period_days: int = rules.DEFAULT_FORM_PERIOD_DAYS) -> int:
    """How many households the query matches (runs off the GUI thread)."""
    return count_households(store, query.filter, today=today, period_days=period_days)


class HouseholdTableModel(QAbstractTableModel):
    """Households matching a :class:`ListQuery`, paged in lazily."""

    sig_loaded = Signal()  # the current query's first page and total arrived
    sig_page_loaded = Signal(int)  # page number
    sig_total_changed = Signal(int)
    sig_failed = Signal(str)  # a short message for the user

    def __init__(self, ctx: AppContext, parent: Any = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._query = ListQuery()
        self._total = 0
        self._counted = False  # False while the total is only the first page's length
        self._pages: OrderedDict[int, list[Row]] = OrderedDict()
        self._generation = 0
        self._resetting = False  # a new query's first page is on its way
        self._wanted: OrderedDict[int, None] = OrderedDict()
        self._inflight: int | None = None
        self._today = dt.date.today()
        self._loading_text = self.tr("载入中…")
        self._headers = [
            self.tr("户编号"), self.tr("户主"), self.tr("身份证号"), self.tr("村（社区）"),
            self.tr("网格"), self.tr("户类型"), self.tr("监测状态"), self.tr("人口"),
            self.tr("人均纯收入"), self.tr("信息更新"), self.tr("同步"), self.tr("提示"),
        ]

    # ------------------------------------------------------------------ queries

    @property
    def query(self) -> ListQuery:
        """What the list shows now (or is about to)."""
        return self._query

    @property
    def total(self) -> int:
        """How many households match (0 until the count arrives)."""
        return self._total

    @property
    def counted(self) -> bool:
        """True once :attr:`total` is the real count (not just the first page)."""
        return self._counted

    @property
    def loading(self) -> bool:
        """True while the current query's first page has not arrived."""
        return self._resetting

    def set_query(self, query: ListQuery) -> None:
        """Show ``query``'s households from the top (the old rows stay until then)."""
        self._query = query
        self._start(reset=True)

    def set_filter(self, flt: HouseholdFilter) -> None:
        """Filter the list (keeps the order)."""
        self.set_query(replace(self._query, filter=flt))

    def refresh(self) -> None:
        """Reload after records changed, keeping the scroll position."""
        self._start(reset=False)

    def _start(self, reset: bool) -> None:
        # The first page comes first and alone: it is on screen at once. Only a full
        # first page needs a count (which may take tens of milliseconds on a county).
        self._generation += 1
        self._resetting = self._resetting or reset
        self._wanted.clear()
        self._today = dt.date.today()
        generation = self._generation
        self.ctx.tasks.run(
            fetch_page, self.ctx.store, self._query, 0, PAGE_SIZE, None, False, self._today,
            self.ctx.lang, self.ctx.app_settings.form_period_days,
            done=lambda rows: self._first_page(generation, rows),
            failed=lambda _exc: self._failed(generation))

    def _first_page(self, generation: int, rows: list[Row]) -> None:
        if generation != self._generation:
            return  # a newer query was asked for meanwhile
        complete = len(rows) < PAGE_SIZE
        if self._resetting:
            self.beginResetModel()
            self._pages.clear()
            self._pages[0] = rows
            self._total = len(rows)
            self._counted = complete
            self._inflight = None
            self._resetting = False
            self.endResetModel()
        else:
            # Same query, fresh data: rows on screen reload as they are painted.
            self._pages.clear()
            self._pages[0] = rows
            self._inflight = None
            if complete:
                self._resize(len(rows))
            if self._total:
                self.dataChanged.emit(self.index(0, 0),
                                      self.index(self._total - 1, len(COLUMNS) - 1))
        if complete:
            self.sig_total_changed.emit(self._total)
        else:
            self.ctx.tasks.run(count_rows, self.ctx.store, self._query, self._today,
                               self.ctx.app_settings.form_period_days,
                               done=lambda total: self._count_arrived(generation, total),
                               failed=lambda _exc: self._failed(generation))
        self.sig_loaded.emit()

    def _count_arrived(self, generation: int, total: int) -> None:
        if generation != self._generation:
            return
        self._counted = True
        self._resize(total)
        self.sig_total_changed.emit(total)

    def _resize(self, total: int) -> None:
        """Change the row count at the end of the list (the view keeps its position)."""
        if total > self._total:
            self.beginInsertRows(QModelIndex(), self._total, total - 1)
            self._total = total
            self.endInsertRows()
        elif total < self._total:
            self.beginRemoveRows(QModelIndex(), total, self._total - 1)
            self._total = total
            self.endRemoveRows()

    def _failed(self, generation: int) -> None:
        if generation != self._generation:
            return
        self._resetting = False
        self._inflight = None
        self.sig_failed.emit(self.tr("读取农户列表失败，请稍后重试"))

    # ------------------------------------------------------------------ paging

    def _request(self, page: int) -> None:
        if page == self._inflight or self._resetting:
            return
        self._wanted[page] = None
        self._wanted.move_to_end(page)
        while len(self._wanted) > MAX_WANTED_PAGES:
            self._wanted.popitem(last=False)
        self._pump()

    def _pump(self) -> None:
        """Fetch the most recently wanted page (one at a time: the newest is on screen)."""
        while self._inflight is None and self._wanted:
            page, _ = self._wanted.popitem(last=True)
            if page not in self._pages:
                self._fetch(page)

    def _fetch(self, page: int) -> None:
        self._inflight = page
        generation = self._generation
        self.ctx.tasks.run(
            fetch_page, self.ctx.store, self._query, *self._start_of(page), self._today,
            self.ctx.lang, self.ctx.app_settings.form_period_days,
            done=lambda rows: self._page_arrived(generation, page, rows),
            failed=lambda _exc: self._failed(generation))

    def _start_of(self, page: int) -> tuple[int, int, tuple[str, str] | None, bool]:
        """(offset, limit, after, from_end) for ``page``.

        Continue after the nearest cached page before it when the order allows keyset
        paging; else count from whichever end of the list is nearer (SQLite steps over
        every row an OFFSET skips).
        """
        first = page * PAGE_SIZE
        if self._query.sort == "number":
            before = [p for p in self._pages if p < page and self._pages[p]]
            if before:
                nearest = max(before)
                return ((page - nearest - 1) * PAGE_SIZE, PAGE_SIZE,
                        self._pages[nearest][-1].key, False)
        if self._counted and first > self._total // 2:
            end = min(self._total, first + PAGE_SIZE)
            return self._total - end, end - first, None, True
        return first, PAGE_SIZE, None, False

    def _page_arrived(self, generation: int, page: int, rows: list[Row]) -> None:
        if generation != self._generation:
            return
        self._inflight = None
        self._pages[page] = rows
        while len(self._pages) > MAX_CACHED_PAGES:
            self._pages.popitem(last=False)
        first = page * PAGE_SIZE
        last = min(self._total, first + PAGE_SIZE) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))
        self.sig_page_loaded.emit(page)
        self._pump()

    def row(self, row: int) -> Row | None:
        """The household at ``row`` if its page is loaded (never fetches)."""
        rows = self._pages.get(row // PAGE_SIZE)
        if rows is None:
            return None
        offset = row % PAGE_SIZE
        return rows[offset] if offset < len(rows) else None

    def household_id(self, row: int) -> str | None:
        """The id of the household at ``row``, if loaded."""
        found = self.row(row)
        return found.id if found else None

    def is_loaded(self, first: int, last: int) -> bool:
        """True when every row from ``first`` to ``last`` is loaded."""
        last = min(last, self._total - 1)
        return all(p in self._pages for p in range(first // PAGE_SIZE, last // PAGE_SIZE + 1))

    def loaded_rows(self) -> list[Row]:
        """The rows of the cached pages, in list order (for tests and benchmarks)."""
        return [r for p in sorted(self._pages) for r in self._pages[p]]

    def cached_pages(self) -> int:
        """How many pages are held in memory."""
        return len(self._pages)

    # ------------------------------------------------------------------ Qt model API

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section in RIGHT_ALIGNED:
            return _RIGHT
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = _DISPLAY) -> Any:
        # Called for every role of every visible cell on each paint: plain int
        # comparisons, and the roles a table never shows answered first.
        if role not in _ROLES:
            return None
        row_number = index.row()
        page = row_number // PAGE_SIZE
        rows = self._pages.get(page)
        column = index.column()
        if rows is None:
            if role == _DISPLAY:
                self._request(page)
                return self._loading_text if column == 0 else ""
            return _PLACEHOLDER if role == _FOREGROUND else None
        offset = row_number % PAGE_SIZE
        if offset >= len(rows):
            return None  # the list shrank since it was counted; a refresh is coming
        if role == _DISPLAY:
            self._pages.move_to_end(page)
            return "" if column == _FLAGS_COLUMN else rows[offset].texts[column]
        if role == _ALIGNMENT:
            return _RIGHT if column in RIGHT_ALIGNED else None
        if role == ID_ROLE:
            return rows[offset].id
        if column == _SYNC_COLUMN:
            if role == _FOREGROUND:
                return SYNC_COLOURS.get(rows[offset].sync)
            if role == _TOOLTIP:
                return rows[offset].sync_tip
            return None
        if column != _FLAGS_COLUMN:
            return None
        if role == _DECORATION:
            return badge_pixmap(rows[offset].flags)
        if role == FLAGS_ROLE:
            return rows[offset].flags
        if role in (_TOOLTIP, _ACCESSIBLE):
            return rows[offset].texts[column]
        return None
