"""十送行动: this year's actions per category as tiles, the list of actions, and the form.

The widgets it shares with the assistance page are in ui/record_widgets.py and
ui/record_dialog.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import (
    Qt,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain import catalogues as cat
from ...store import Store
from ...store.assistance import list_villages
from ...store.deliveries import (
    CategoryCount,
    DeletedAction,
    action_detail,
    category_counts,
    count_actions,
    delete_action,
    list_actions,
    restore_action,
)
from ...store.drafts import load_draft
from ..context import AppContext
from ..record_widgets import (
    PAGE_SIZE,
    Column,
    FilterTile,
    Pager,
    PeriodFilter,
    RowsModel,
    UndoNotice,
    catalogue_combo,
    make_table,
)
from ..widgets import accent_button, date_text, empty_state, page_title
from .base import Page
from .delivery_dialog import DeliveryDialog


def _load_deliveries(store: Store, year: int, category: str | None, date_from: dt.date | None,
                     date_to: dt.date | None, village_id: str | None, offset: int,
                     lang: str) -> tuple[dict[str, CategoryCount], list[dict[str, Any]], int]:
    counts = category_counts(store, year, village_id)
    rows = list_actions(store, category, date_from, date_to, village_id, limit=PAGE_SIZE,
                        offset=offset, lang=lang)
    total = count_actions(store, category, date_from, date_to, village_id)
    return counts, rows, total


def _load_for_edit(store: Store, action_id: str, draft_key: str
                   ) -> tuple[dict[str, Any], dict[str, Any] | None]:
    return action_detail(store, action_id), load_draft(store, draft_key)


class DeliveriesPage(Page):
    """Tiles per category (this year), the filtered list, new/edit/delete with undo."""

    name = "deliveries"
    sig_loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.year = dt.date.today().year
        self.counts: dict[str, CategoryCount] = {}
        self.villages: list[dict[str, Any]] = []
        self.dialog: DeliveryDialog | None = None
        self._seq = 0
        self._villages_loaded = False
        self._opening = False
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        head.addWidget(page_title(self.tr("十送行动")))
        head.addStretch(1)
        self.new_button = accent_button(self.tr("新建行动 (Ctrl+N)"))
        self.edit_button = QPushButton(self.tr("编辑"))
        self.delete_button = QPushButton(self.tr("删除"))
        self.new_button.clicked.connect(self.new_action)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        for button in (self.edit_button, self.delete_button, self.new_button):
            head.addWidget(button)
        layout.addLayout(head)

        self.tiles_caption = QLabel()
        self.tiles_caption.setObjectName("tileLabel")
        layout.addWidget(self.tiles_caption)
        tiles = QGridLayout()
        tiles.setSpacing(6)
        self.tiles: dict[str, FilterTile] = {}
        for i, entry in enumerate(cat.DELIVERY_CATEGORIES):
            tile = FilterTile(entry.label(ctx.lang))
            tile.sig_clicked.connect(lambda code=entry.code: self.toggle_category(code))
            self.tiles[entry.code] = tile
            tiles.addWidget(tile, 0, i)
        layout.addLayout(tiles)

        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.tr("类别")))
        self.category_box = catalogue_combo(cat.DELIVERY_CATEGORIES, ctx.lang, self.tr("全部类别"), 112)
        filters.addWidget(self.category_box)
        filters.addSpacing(10)
        filters.addWidget(QLabel(self.tr("时间")))
        self.period = PeriodFilter("year")
        filters.addWidget(self.period)
        filters.addSpacing(10)
        filters.addWidget(QLabel(self.tr("村")))
        self.village_box = QComboBox()
        self.village_box.setMinimumWidth(160)
        self.village_box.addItem(self.tr("全部村"), None)
        filters.addWidget(self.village_box)
        filters.addStretch(1)
        layout.addLayout(filters)

        self.notice = UndoNotice()
        layout.addWidget(self.notice)

        self.model = RowsModel([
            Column(self.tr("日期"), lambda r: date_text(r["action_date"])),
            Column(self.tr("类别"), lambda r: r["category_label"]),
            Column(self.tr("标题"), lambda r: r["title"], tooltip=True),
            Column(self.tr("地点"), lambda r: r["place"], tooltip=True),
            Column(self.tr("受益户数"), lambda r: f"{r['households']:,}", numeric=True),
            Column(self.tr("覆盖人数"), lambda r: f"{r['people_reached']:,}", numeric=True),
        ], self)
        self.table = make_table(self.model, [110, 90, 420, 260, 100, 100], [2])
        self.table.activated.connect(lambda _i: self.edit_selected())
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        QShortcut(QKeySequence(Qt.Key.Key_Delete), self.table, activated=self.delete_selected,
                  context=Qt.ShortcutContext.WidgetShortcut)
        self.empty = empty_state("")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        layout.addWidget(self.stack, 1)
        self.pager = Pager()
        self.pager.sig_offset.connect(self.reload)
        layout.addWidget(self.pager)

        QShortcut(QKeySequence("Ctrl+N"), self, activated=self.new_action)
        self.category_box.currentIndexChanged.connect(lambda _i: self.reload())
        self.period.sig_changed.connect(self.reload)
        self.village_box.currentIndexChanged.connect(lambda _i: self.reload())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        ctx.sig_data_changed.connect(self._data_changed)
        self._update_buttons()

    def title(self) -> str:
        return self.tr("十送行动")

    def activate(self, **params: Any) -> None:
        """Reload; ``category=CODE`` filters the list by that category."""
        if not self._villages_loaded:
            self.ctx.tasks.run(list_villages, self.ctx.store, done=self._fill_villages)
        if "category" in params:
            self.set_category(params["category"])
        self.reload()

    def _fill_villages(self, villages: list[dict[str, Any]]) -> None:
        self._villages_loaded = True
        self.villages = villages
        self.village_box.blockSignals(True)
        for v in villages:
            self.village_box.addItem(v["name"], v["id"])
        self.village_box.blockSignals(False)

    def _data_changed(self, entities: set[str]) -> None:
        if entities & {"delivery_action", "delivery_beneficiary", "household", "area"} \
                and self.isVisible():
            self.reload(self.pager.offset)

    # Filters --------------------------------------------------------------------------

    def category(self) -> str | None:
        """The category the list is filtered by (None: all)."""
        return self.category_box.currentData()

    def set_category(self, code: str | None) -> None:
        """Filter by ``code`` (None: all categories)."""
        self.category_box.setCurrentIndex(max(0, self.category_box.findData(code)))

    def toggle_category(self, code: str) -> None:
        """A tile click: filter by its category, or clear that filter when it is on."""
        self.set_category(None if self.category() == code else code)

    def reload(self, offset: int = 0) -> None:
        """Reload tiles and the list (one page from ``offset``) off the GUI thread."""
        self._seq += 1
        seq = self._seq
        self.year = dt.date.today().year  # the program may stay open over New Year
        date_from, date_to = self.period.date_range()
        self.ctx.tasks.run(_load_deliveries, self.ctx.store, self.year, self.category(),
                           date_from, date_to, self.village_box.currentData(), offset,
                           self.ctx.lang, done=lambda result: self._show(seq, offset, result))

    def _show(self, seq: int, offset: int,
              result: tuple[dict[str, CategoryCount], list[dict[str, Any]], int]) -> None:
        if seq != self._seq:
            return  # filters changed meanwhile; a newer load is on its way
        counts, rows, total = result
        self.counts = counts
        self.tiles_caption.setText(self.tr("{year} 年各类行动次数与覆盖人数（点击卡片按类别筛选）")
                                   .format(year=self.year))
        chosen = self.category()
        for code, tile in self.tiles.items():
            c = counts.get(code, CategoryCount())
            # %Ln: the count with the locale's grouping, and English plurals.
            tile.set_values(self.tr("%Ln 次", "", c.actions), self.tr("覆盖 %Ln 人", "", c.people))
            tile.set_selected(code == chosen)
        selected = self.selected_row()
        self.model.set_rows(rows)
        self.pager.set_page(offset, len(rows), total)
        if rows:
            self.stack.setCurrentWidget(self.table)
            keep = next((i for i, r in enumerate(rows)
                         if selected and r["id"] == selected["id"]), None)
            if keep is not None:
                self.table.selectRow(keep)
        else:
            self.stack.setCurrentWidget(self.empty)
            unfiltered = (chosen is None and self.period.period() == "year"
                          and self.village_box.currentData() is None)
            self.empty.setText(
                self.tr("今年还没有十送行动记录，按 Ctrl+N 新建") if unfiltered
                else self.tr("没有符合条件的十送行动记录。可以放宽上面的筛选条件，或按 Ctrl+N 新建"))
        self._update_buttons()
        self.sig_loaded.emit()

    # Rows -----------------------------------------------------------------------------

    def selected_row(self) -> dict[str, Any] | None:
        """The action selected in the list, if any."""
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.row(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        chosen = self.selected_row() is not None
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def _base_for_new(self) -> dict[str, Any]:
        village = self.village_box.currentData()
        if village is None and len(self.villages) == 1:
            village = self.villages[0]["id"]
        return {"category": self.category() or cat.DELIVERY_CATEGORIES.codes()[0],
                "action_date": dt.date.today().isoformat(), "village_id": village,
                "people_reached": 0, "households": []}

    def new_action(self) -> None:
        """Open the form for a new action (with the last unsaved draft, if any)."""
        if self._opening:
            return
        self._opening = True
        self.ctx.tasks.run(load_draft, self.ctx.store, f"{DeliveryDialog.draft_kind}:new",
                           done=lambda draft: self._open_dialog(None, self._base_for_new(), draft),
                           failed=self._open_failed)

    def edit_selected(self) -> None:
        """Open the form for the selected action."""
        row = self.selected_row()
        if row is None or self._opening:
            return
        self._opening = True
        self.ctx.tasks.run(_load_for_edit, self.ctx.store, row["id"],
                           f"{DeliveryDialog.draft_kind}:{row['id']}",
                           done=lambda found: self._open_edit(row["id"], *found),
                           failed=self._open_failed)

    def _open_edit(self, action_id: str, detail: dict[str, Any],
                   draft: dict[str, Any] | None) -> None:
        base = {k: detail[k] for k in ("category", "action_date", "village_id", "place", "title",
                                       "description", "people_reached", "outcome")}
        base["households"] = [
            [h["id"], f"{h['head_name']}（{h['number']}，{h['village_name']}）"]
            for h in detail["households"]]
        self._open_dialog(action_id, base, draft)

    def _open_failed(self, _error: BaseException) -> None:
        self._opening = False
        self.notice.show_notice(self.tr("这条记录已不存在，列表已刷新。"))
        self.reload(self.pager.offset)

    def _open_dialog(self, action_id: str | None, base: dict[str, Any],
                     draft: dict[str, Any] | None) -> None:
        self._opening = False
        if self.dialog is not None and not self.dialog.isVisible():
            self.dialog.deleteLater()  # its draft was written long ago; free the widgets
        self.dialog = DeliveryDialog(self.ctx, action_id, base, self.villages, draft, self)
        self.dialog.accepted.connect(self._dialog_saved)
        self.dialog.open()

    def _dialog_saved(self) -> None:
        dialog = self.dialog
        if dialog is None or dialog.saved_id is None:
            return
        self.notice.show_notice(self.tr("已保存“{title}”").format(
            title=dialog.title_edit.text().strip()))
        self.ctx.data_changed("delivery_action", "delivery_beneficiary")

    def delete_selected(self) -> None:
        """Ask once, tombstone the action and its beneficiaries, offer 撤销."""
        row = self.selected_row()
        if row is None:
            return
        answer = QMessageBox.question(
            self, self.tr("删除十送行动"),
            self.tr("确定删除“{title}”吗？删除后几秒内可以撤销。").format(title=row["title"]),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.ctx.tasks.run(delete_action, self.ctx.store, row["id"],
                           done=lambda deleted: self._deleted(row["title"], deleted),
                           failed=self._open_failed)

    def _deleted(self, title: str, deleted: DeletedAction) -> None:
        self.notice.show_notice(self.tr("已删除“{title}”").format(title=title),
                                lambda: self.undo_delete(deleted, title))
        self.ctx.data_changed("delivery_action", "delivery_beneficiary")

    def undo_delete(self, deleted: DeletedAction, title: str) -> None:
        """Bring a deleted action back, with the same beneficiaries."""
        def restored(_result: object) -> None:
            self.notice.show_notice(self.tr("已恢复“{title}”").format(title=title))
            self.ctx.data_changed("delivery_action", "delivery_beneficiary")

        self.ctx.tasks.run(restore_action, self.ctx.store, deleted, done=restored)
