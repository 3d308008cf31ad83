"""农户档案: every household of the data home in one table that scrolls, filters and
sorts in SQL (a county of 200,000 households included), with type-ahead search."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDir, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...domain import catalogues as cat
from ...domain import rules
from ...store.households import HouseholdFilter
from ...store.places import VillageOption, village_options
from ...store.setup import is_demo
from ..columns import fit_columns_to_text
from ..context import AppContext
from ..models.household_table import (
    COLUMN_INDEX,
    COLUMNS,
    HouseholdTableModel,
    ListQuery,
)
from ..widgets import ElidingLabel, ReflowRow, empty_state, page_title
from .base import Page

if TYPE_CHECKING:
    from ..roster_import import RosterImportDialog

SEARCH_DELAY_MS = 200  # type-ahead: wait for a pause in typing before asking the store
# Entities whose changes show in the list.
LIST_ENTITIES = {"household", "member", "income", "area"}


class HouseholdsPage(Page):
    """The household list: search, filters, a lazily paged table; Enter opens one."""

    name = "households"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._filter = HouseholdFilter()
        self._villages: list[VillageOption] = []
        self._villages_loaded = False
        self._villages_asked = False
        self._stale = False
        self._started = False

        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        head.addWidget(page_title(self.tr("农户档案")))
        self.count_label = QLabel()
        self.count_label.setObjectName("tileLabel")
        head.addSpacing(12)
        head.addWidget(self.count_label)
        head.addStretch(1)
        hint = ElidingLabel(self.tr("回车或双击打开农户详情"))  # gives way on a netbook
        hint.setObjectName("tileLabel")
        head.addWidget(hint)
        head.addSpacing(12)
        self.roster_status = QLabel()
        self.roster_status.setObjectName("tileLabel")
        head.addWidget(self.roster_status)
        self.import_roster_button = QPushButton(self.tr("导入花名册"))
        self.import_roster_button.clicked.connect(self.open_roster_import)
        head.addWidget(self.import_roster_button)
        self.export_roster_button = QPushButton(self.tr("导出花名册"))
        self.export_roster_button.clicked.connect(self._choose_export)
        head.addWidget(self.export_roster_button)
        layout.addLayout(head)

        layout.addWidget(self._build_filters())

        self.model = HouseholdTableModel(ctx, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        vertical = self.table.verticalHeader()
        vertical.hide()
        # Fixed row heights: a view over 200,000 rows must never measure them.
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(30)
        header = self.table.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(COLUMN_INDEX["number"], Qt.SortOrder.AscendingOrder)
        header.sectionClicked.connect(self._sort_by)
        # Columns as wide as their header and the rows on screen, in the language shown
        # ("Poverty-stricken" as well as 脱贫户; the last four digits of an ID number are how
        # a cadre finds a household); 提示 takes the rest.
        fit_columns_to_text(self.table, stretch_column=COLUMN_INDEX["flags"])
        self.table.activated.connect(lambda index: self.open_household(index.row()))

        self.empty = empty_state("")
        self.body = QStackedWidget()
        self.body.addWidget(self.table)
        self.body.addWidget(self.empty)
        layout.addWidget(self.body, 1)

        self.model.sig_loaded.connect(self._loaded)
        self.model.sig_total_changed.connect(self._show_count)
        self.model.sig_failed.connect(self.count_label.setText)
        ctx.sig_data_changed.connect(self._data_changed)
        self.search_box.installEventFilter(self)

    def _build_filters(self) -> ReflowRow:
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText(self.tr("查找：户主姓名、户编号、身份证号或电话"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMinimumWidth(220)
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.apply_search)
        self.search_box.textChanged.connect(lambda _text: self.search_timer.start())

        self.village_box = QComboBox()
        self.village_box.setEditable(True)  # type-ahead: type part of a village's name
        self.village_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.village_box.setMinimumWidth(150)
        self.village_box.addItem(self.tr("全部村（社区）"), None)
        completer = self.village_box.completer()
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.village_box.currentIndexChanged.connect(self._village_chosen)
        self.village_box.lineEdit().editingFinished.connect(self._village_typed)

        self.grid_box = QComboBox()
        self.grid_box.addItem(self.tr("全部网格"), None)
        self.grid_box.setEnabled(False)
        self.grid_box.currentIndexChanged.connect(lambda _i: self._filters_changed())

        self.type_box = QComboBox()
        self.type_box.addItem(self.tr("全部户类型"), None)
        for entry in cat.HOUSEHOLD_TYPES:
            self.type_box.addItem(entry.label(self.ctx.lang), entry.code)
        self.type_box.currentIndexChanged.connect(lambda _i: self._filters_changed())

        self.status_box = QComboBox()
        self.status_box.addItem(self.tr("全部监测状态"), None)
        for entry in cat.MONITORING_STATUSES:
            self.status_box.addItem(entry.label(self.ctx.lang), entry.code)
        self.status_box.currentIndexChanged.connect(lambda _i: self._filters_changed())

        self.flag_box = QComboBox()
        self.flag_box.addItem(self.tr("全部提示"), None)
        self.flag_box.addItem(self.tr("观测对象"), rules.FLAG_OBSERVATION)
        self.flag_box.addItem(self.tr("零就业"), rules.FLAG_ZERO_EMPLOYMENT)
        self.flag_box.addItem(self.tr("逾期未更新"), rules.FLAG_OVERDUE)
        self.flag_box.currentIndexChanged.connect(lambda _i: self._filters_changed())

        self.clear_button = QPushButton(self.tr("清除筛选"))
        self.clear_button.clicked.connect(self.clear_filters)
        # One row where it fits; on a netbook the lists go under the search box.
        self.filters = ReflowRow([
            [(self.search_box, 2), (self.village_box, 1)],
            [(self.grid_box, 0), (self.type_box, 0), (self.status_box, 0), (self.flag_box, 0),
             (self.clear_button, 0)]])
        return self.filters

    def title(self) -> str:
        return self.tr("农户档案")

    # ------------------------------------------------------------------ activation

    def activate(self, **params: Any) -> None:
        """Show the list; ``flag``, ``village`` (code), ``grid``, ``type``, ``status`` or
        ``search`` given (e.g. from a dashboard tile) replace the current filters;
        ``import_roster`` opens the roster import (the dashboard's next step)."""
        if params.get("import_roster"):
            QTimer.singleShot(0, self.open_roster_import)
        wanted = {k: params[k] for k in ("flag", "village", "grid", "type", "status", "search")
                  if k in params}
        if wanted:
            self._filter = HouseholdFilter(
                village_code=wanted.get("village") or None, grid_id=wanted.get("grid") or None,
                type=wanted.get("type") or None,
                monitoring_status=wanted.get("status") or None,
                flag=wanted.get("flag") or None, search=wanted.get("search") or None)
            self._show_filter()
            self._run_query()
        elif not self._started or self._stale:
            if self._started:
                self._stale = False
                self.model.refresh()
            else:
                self._run_query()
        # A demo home never syncs: a 同步 column saying 待同步 on every row would mislead.
        self.table.setColumnHidden(COLUMN_INDEX["sync"], is_demo(self.ctx.store))
        if not self._villages_loaded and not self._villages_asked:
            # After the list's first page has been asked for: the rows come first.
            self._villages_asked = True
            self.ctx.tasks.run(village_options, self.ctx.store, done=self._fill_villages)
        self.search_box.setFocus()

    def _run_query(self) -> None:
        self._started = True
        self._stale = False
        self.count_label.setText(self.tr("正在查找…"))
        self.model.set_query(replace(self.model.query, filter=self._filter))

    def _data_changed(self, entities: set[str]) -> None:
        if not entities & LIST_ENTITIES or not self._started:
            return
        if self.isVisible():
            self.model.refresh()
        else:
            self._stale = True

    # ------------------------------------------------------------------ filters

    def apply_search(self) -> None:
        """Filter by the search box now (the type-ahead timer calls this)."""
        self.search_timer.stop()
        self._filters_changed()

    def _current_filter(self) -> HouseholdFilter:
        village = self.village_box.currentData()
        return HouseholdFilter(
            village_code=village.code if village else None,
            grid_id=self.grid_box.currentData() if village else None,
            type=self.type_box.currentData(),
            monitoring_status=self.status_box.currentData(),
            flag=self.flag_box.currentData(),
            search=self.search_box.text().strip() or None)

    def _filters_changed(self) -> None:
        flt = self._current_filter()
        if not self._villages_loaded:
            # The village list is still loading: keep a village asked for by code.
            flt = replace(flt, village_code=self._filter.village_code,
                          grid_id=self._filter.grid_id)
        if flt != self._filter:
            self._filter = flt
            self._run_query()

    def clear_filters(self) -> None:
        """Show every household again."""
        self._filter = HouseholdFilter()
        self._show_filter()
        self._run_query()
        self.search_box.setFocus()

    def _show_filter(self) -> None:
        """Put self._filter into the widgets (without triggering queries)."""
        widgets = (self.search_box, self.village_box, self.grid_box, self.type_box,
                   self.status_box, self.flag_box)
        for w in widgets:
            w.blockSignals(True)
        self.search_timer.stop()
        self.search_box.setText(self._filter.search or "")
        self._select_village(self._filter.village_code)
        self._fill_grids()
        _select_data(self.grid_box, self._filter.grid_id)
        _select_data(self.type_box, self._filter.type)
        _select_data(self.status_box, self._filter.monitoring_status)
        _select_data(self.flag_box, self._filter.flag)
        for w in widgets:
            w.blockSignals(False)

    def _fill_villages(self, villages: list[VillageOption]) -> None:
        self._villages = villages
        self._villages_loaded = True
        self.village_box.blockSignals(True)
        for village in villages:
            self.village_box.addItem(village.name, village)
        self.village_box.blockSignals(False)
        self._show_filter()

    def _select_village(self, code: str | None) -> None:
        for i in range(self.village_box.count()):
            village = self.village_box.itemData(i)
            if (village.code if village else None) == code:
                self.village_box.setCurrentIndex(i)
                return
        self.village_box.setCurrentIndex(0)

    def _fill_grids(self) -> None:
        village = self.village_box.currentData()
        self.grid_box.blockSignals(True)
        self.grid_box.clear()
        self.grid_box.addItem(self.tr("全部网格"), None)
        for grid in village.grids if village else []:
            self.grid_box.addItem(grid.name, grid.id)
        self.grid_box.setEnabled(bool(village and village.grids))
        self.grid_box.blockSignals(False)

    def _village_chosen(self, _index: int) -> None:
        self._fill_grids()
        self._filters_changed()

    def _village_typed(self) -> None:
        # Typed text that names no village: back to the chosen one (or 全部).
        text = self.village_box.currentText().strip()
        index = self.village_box.findText(text)
        if index < 0:
            index = 0 if not text else self.village_box.currentIndex()
        if index != self.village_box.currentIndex():
            self.village_box.setCurrentIndex(index)
        else:
            self.village_box.setEditText(self.village_box.itemText(index))

    def _sort_by(self, column: int) -> None:
        sort = COLUMNS[column][1]
        query = self.model.query
        header = self.table.horizontalHeader()
        if sort is None:  # not sortable: keep the indicator where the order really is
            current = next(i for i, (_k, s) in enumerate(COLUMNS) if s == query.sort)
            header.setSortIndicator(
                current, Qt.SortOrder.DescendingOrder if query.descending
                else Qt.SortOrder.AscendingOrder)
            return
        descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        self.count_label.setText(self.tr("正在排序…"))
        self.model.set_query(ListQuery(self._filter, sort, descending))

    # ------------------------------------------------------------------ results

    def _loaded(self) -> None:
        """The first page arrived: show it (or say why there is nothing)."""
        total = self.model.total
        if not self.model.counted:
            self.count_label.setText(self.tr("正在统计…"))
        if total:
            self.body.setCurrentWidget(self.table)
            if not self.table.currentIndex().isValid():
                self.table.setCurrentIndex(self.model.index(0, 0))
            return
        if self._filter != HouseholdFilter():
            self.empty.setText(self.tr(
                "没有符合条件的农户。\n请换个查找内容，或点“清除筛选”查看全部农户。"))
        else:
            self.empty.setText(self.tr(
                "还没有农户档案。\n请到“同步”页导入工作队的数据包。"))
        self.body.setCurrentWidget(self.empty)

    def _show_count(self, total: int) -> None:
        if self._filter != HouseholdFilter():
            self.count_label.setText(self.tr("共 {count} 户（已筛选）").format(count=f"{total:,}"))
        else:
            self.count_label.setText(self.tr("共 {count} 户").format(count=f"{total:,}"))

    # ------------------------------------------------------------------ rosters

    def open_roster_import(self) -> RosterImportDialog:
        """Open the 导入花名册 wizard (window-modal); returns it."""
        from ..roster_import import RosterImportDialog  # the roster's stores: on first use

        dialog = RosterImportDialog(self.ctx, self)
        dialog.open()
        return dialog

    def _choose_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("导出花名册"), self.tr("花名册.xlsx"),
                                              self.tr("Excel 文件 (*.xlsx)"))
        if path:
            self.export_roster_to(path if path.lower().endswith(".xlsx") else path + ".xlsx")

    def export_roster_to(self, path: str) -> None:
        """Write every household and member to ``path`` (.xlsx), off the GUI thread."""
        self.export_roster_button.setEnabled(False)
        self.roster_status.setText(self.tr("正在导出花名册…"))

        def done(counts: tuple[int, int]) -> None:
            self.export_roster_button.setEnabled(True)
            self.roster_status.setText(self.tr("已导出{h}户、{m}人").format(
                h=f"{counts[0]:,}", m=f"{counts[1]:,}"))
            self.roster_status.setToolTip(QDir.toNativeSeparators(path))

        def failed(_exc: BaseException) -> None:
            self.export_roster_button.setEnabled(True)
            self.roster_status.setText(self.tr("导出失败，请换个位置再试"))

        from ..roster_import import run_export

        self.ctx.tasks.run(run_export, self.ctx.store, path, with_state=True, done=done,
                           failed=failed)

    def open_household(self, row: int) -> None:
        """Open the household at ``row`` on the detail page."""
        household = self.model.household_id(row)
        if household:
            self.ctx.navigate("household", household=household)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # From the search box, Down or Enter moves into the list (keyboard first).
        if (watched is self.search_box and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            if self.search_timer.isActive():
                self.apply_search()
            if self.model.total:
                self.table.setFocus()
                if not self.table.currentIndex().isValid():
                    self.table.setCurrentIndex(self.model.index(0, 0))
                self.table.selectRow(self.table.currentIndex().row())
            return True
        return super().eventFilter(watched, event)


def _select_data(box: QComboBox, value: object) -> None:
    index = box.findData(value)
    box.setCurrentIndex(index if index >= 0 else 0)
