"""十送行动: this year's actions per category as tiles, the list of actions, and the form.

The list, the form's opening, delete and undo are the record pages' own
(``record_page.RecordPage``); the widgets are in ui/record_widgets.py, the form in
delivery_dialog.py.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from ...domain import catalogues as cat
from ...store import Store
from ...store.deliveries import (
    CategoryCount,
    action_detail,
    category_counts,
    count_actions,
    delete_action,
    list_actions,
    restore_action,
)
from ..context import AppContext
from ..record_dialog import RecordDialog
from ..record_widgets import (
    PAGE_SIZE,
    Column,
    FilterTile,
    PeriodFilter,
    TileGrid,
    VillageFilter,
    catalogue_combo,
)
from ..widgets import date_text
from .delivery_dialog import DeliveryDialog, household_row
from .record_page import Loader, RecordPage


def _load_deliveries(store: Store, year: int, category: str | None, date_from: dt.date | None,
                     date_to: dt.date | None, village_id: str | None, offset: int,
                     lang: str) -> tuple[dict[str, CategoryCount], list[dict[str, Any]], int]:
    counts = category_counts(store, year, village_id)
    rows = list_actions(store, category, date_from, date_to, village_id, limit=PAGE_SIZE,
                        offset=offset, lang=lang)
    total = count_actions(store, category, date_from, date_to, village_id)
    return counts, rows, total


class DeliveriesPage(RecordPage):
    """Tiles per category (this year), the filtered list, new/edit/delete with undo."""

    name = "deliveries"
    dialog_class = DeliveryDialog
    watched = frozenset({"delivery_action", "delivery_beneficiary", "household", "area",
                         "attachment"})
    changed = ("delivery_action", "delivery_beneficiary", "attachment")
    stretch_column = 2  # 标题
    store_detail = staticmethod(action_detail)
    store_delete = staticmethod(delete_action)
    store_restore = staticmethod(restore_action)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.year = dt.date.today().year
        self.counts: dict[str, CategoryCount] = {}
        self.tiles_caption = QLabel()
        self.tiles_caption.setObjectName("tileLabel")
        self.top.addWidget(self.tiles_caption)
        self.tile_grid = TileGrid()
        self.tiles: dict[str, FilterTile] = {}
        for entry in cat.DELIVERY_CATEGORIES:
            tile = FilterTile(entry.label(ctx.lang))
            tile.sig_clicked.connect(lambda code=entry.code: self.toggle_category(code))
            self.tiles[entry.code] = tile
            self.tile_grid.add(tile)
        self.top.addWidget(self.tile_grid)

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
        self.village_box = VillageFilter(ctx, 160)
        filters.addWidget(self.village_box)
        filters.addStretch(1)
        self.top.addLayout(filters)

        self.category_box.currentIndexChanged.connect(lambda _i: self.reload())
        self.period.sig_changed.connect(self.reload)
        self.village_box.currentIndexChanged.connect(lambda _i: self.reload())
        self._update_buttons()

    @property
    def villages(self) -> list[dict[str, Any]]:
        """The villages of the store (id, code, name), once read."""
        return self.village_box.villages

    def title(self) -> str:
        return self.tr("十送行动")

    def new_button_text(self) -> str:
        return self.tr("新建行动 (Ctrl+N)")

    def columns(self) -> list[Column]:
        return [
            Column(self.tr("日期"), lambda r: date_text(r["action_date"])),
            Column(self.tr("类别"), lambda r: r["category_label"]),
            Column(self.tr("标题"), lambda r: r["title"], tooltip=True),
            Column(self.tr("地点"), lambda r: r["place"], tooltip=True),
            Column(self.tr("受益户数"), lambda r: f"{r['households']:,}", numeric=True),
            Column(self.tr("覆盖人数"), lambda r: f"{r['people_reached']:,}", numeric=True),
        ]

    def activate(self, **params: Any) -> None:
        """Reload; ``category=CODE`` filters the list by that category."""
        self.village_box.load()
        if "category" in params:
            self.set_category(params["category"])
        self.reload()

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

    # RecordPage -----------------------------------------------------------------------

    def loader(self, offset: int) -> Loader:
        self.year = dt.date.today().year  # the program may stay open over New Year
        date_from, date_to = self.period.date_range()
        return partial(_load_deliveries, year=self.year, category=self.category(),
                       date_from=date_from, date_to=date_to,
                       village_id=self.village_box.currentData(), offset=offset,
                       lang=self.ctx.lang)

    def show_result(self, result: tuple[dict[str, CategoryCount], list[dict[str, Any]], int]
                    ) -> tuple[list[dict[str, Any]], int]:
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
        return rows, total

    def empty_text(self) -> str:
        unfiltered = (self.category() is None and self.period.period() == "year"
                      and self.village_box.currentData() is None)
        return (self.tr("今年还没有十送行动记录，按 Ctrl+N 新建") if unfiltered
                else self.tr("没有符合条件的十送行动记录。可以放宽上面的筛选条件，或按 Ctrl+N 新建"))

    def base_for_new(self) -> dict[str, Any]:
        village = self.village_box.currentData()
        if village is None and len(self.villages) == 1:
            village = self.villages[0]["id"]
        return {"category": self.category() or cat.DELIVERY_CATEGORIES.codes()[0],
                "action_date": dt.date.today().isoformat(), "village_id": village,
                "people_reached": 0, "households": [], "photos": []}

    def base_for_edit(self, detail: dict[str, Any]) -> dict[str, Any]:
        base = {k: detail[k] for k in ("category", "action_date", "village_id", "place", "title",
                                       "description", "people_reached", "outcome")}
        base["households"] = [household_row(h) for h in detail["households"]]
        base["photos"] = detail["photos"]
        return base

    def make_dialog(self, record_id: str | None, base: dict[str, Any],
                    draft: dict[str, Any] | None) -> RecordDialog:
        return DeliveryDialog(self.ctx, record_id, base, self.villages, draft, self)

    def saved_text(self, dialog: RecordDialog) -> str:
        assert isinstance(dialog, DeliveryDialog)
        return self.tr("已保存“{title}”").format(title=dialog.title_edit.text().strip())

    def describe(self, row: dict[str, Any]) -> str:
        return self.tr("“{title}”").format(title=row["title"])

    def delete_title(self) -> str:
        return self.tr("删除十送行动")

    def new_action(self) -> None:
        """Open the form for a new action (with the last unsaved draft, if any)."""
        self.new_record()
