"""帮扶记录: the assistance ledger with totals by measure kind, per household or for all,
and the form for one record.

The list, the form's opening, delete and undo are the record pages' own
(``record_page.RecordPage``); the form is in assistance_dialog.py.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QWidget

from ...domain import catalogues as cat
from ...domain.fields import money_text
from ...store import Store
from ...store.assistance import (
    AssistanceFilter,
    KindTotal,
    count_records,
    delete_record,
    household_brief,
    list_records,
    record_detail,
    restore_record,
    totals_by_kind,
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
from ..widgets import ReflowRow, date_text
from .assistance_dialog import AssistanceDialog, cadre_choice, household_choice
from .record_page import Loader, RecordPage

TOTAL = "__total__"  # the 合计 tile


def _load_ledger(store: Store, flt: AssistanceFilter, offset: int, lang: str
                 ) -> tuple[dict[str, KindTotal], list[dict[str, Any]], int]:
    totals = totals_by_kind(store, flt)
    rows = list_records(store, flt, limit=PAGE_SIZE, offset=offset, lang=lang)
    return totals, rows, count_records(store, flt)


def _gap(width: int) -> QWidget:
    """A little room between two filters."""
    gap = QWidget()
    gap.setFixedWidth(width)
    return gap


def _delete_record(store: Store, record_id: str) -> str:
    delete_record(store, record_id)
    return record_id  # what restore_record needs


class AssistancePage(RecordPage):
    """The assistance ledger: totals by measure kind above, filters, new/edit/delete."""

    name = "assistance"
    dialog_class = AssistanceDialog
    watched = frozenset({"assistance_record", "household", "cadre", "attachment"})
    changed = ("assistance_record", "attachment")
    stretch_column = 3  # 内容
    give_way_columns = (7, 2)  # 成效, 措施类型 (long in English)
    store_detail = staticmethod(record_detail)
    store_delete = staticmethod(_delete_record)
    store_restore = staticmethod(restore_record)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.totals: dict[str, KindTotal] = {}
        self.household: dict[str, Any] | None = None  # the per-household view
        self.household_label = QLabel()
        self.household_label.setStyleSheet("font-size: 12pt; font-weight: bold; color: #2f6fdb;")
        self.all_button = QPushButton(self.tr("显示全部农户"))
        self.all_button.clicked.connect(lambda: self.show_household(None))
        self.head.insertSpacing(1, 16)
        self.head.insertWidget(2, self.household_label)
        self.head.insertWidget(3, self.all_button)

        self.totals_caption = QLabel()
        self.totals_caption.setObjectName("tileLabel")
        self.top.addWidget(self.totals_caption)
        self.tile_grid = TileGrid()
        self.tiles: dict[str, FilterTile] = {}
        for code in [*cat.MEASURE_KINDS.codes(), TOTAL]:
            caption = self.tr("合计") if code == TOTAL else cat.MEASURE_KINDS.label(code, ctx.lang)
            tile = FilterTile(caption)
            tile.value_label.setStyleSheet("font-size: 12.5pt; font-weight: bold;")
            tile.note_label.hide()
            tile.sig_clicked.connect(lambda code=code: self.toggle_kind(code))
            self.tiles[code] = tile
            self.tile_grid.add(tile)
        self.top.addWidget(self.tile_grid)

        self.kind_box = catalogue_combo(cat.MEASURE_KINDS, ctx.lang, self.tr("全部措施"), 120)
        self.status_box = catalogue_combo(cat.ASSISTANCE_STATUSES, ctx.lang, self.tr("全部状态"), 104)
        self.period = PeriodFilter("year")
        self.village_box = VillageFilter(ctx, 150)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("农户姓名、户编号"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(150)
        # One row where it fits; on a netbook (or in English) the search goes under the lists.
        self.filters = ReflowRow([
            [(QLabel(self.tr("措施")), 0), (self.kind_box, 0), (_gap(8), 0),
             (QLabel(self.tr("状态")), 0), (self.status_box, 0), (_gap(8), 0),
             (QLabel(self.tr("时间")), 0), (self.period, 0), (_gap(8), 0),
             (QLabel(self.tr("村")), 0), (self.village_box, 0)],
            [(self.search_edit, 1)]])
        self.top.addWidget(self.filters)

        self.kind_box.currentIndexChanged.connect(lambda _i: self.reload())
        self.status_box.currentIndexChanged.connect(lambda _i: self.reload())
        self.period.sig_changed.connect(self.reload)
        self.village_box.currentIndexChanged.connect(lambda _i: self.reload())
        self.search_edit.textChanged.connect(lambda _t: self.reload())
        self._show_household_header()
        self._update_buttons()

    def title(self) -> str:
        return self.tr("帮扶记录")

    def new_button_text(self) -> str:
        return self.tr("新建帮扶记录 (Ctrl+N)")

    def columns(self) -> list[Column]:
        return [
            Column(self.tr("日期"), lambda r: date_text(r["record_date"])),
            Column(self.tr("农户"), lambda r: f"{r['head_name']}（{r['household_number']}）",
                   tooltip=True),
            Column(self.tr("措施类型"), lambda r: r["measure_label"], tooltip=True),
            Column(self.tr("内容"), lambda r: r["content"], tooltip=True),
            Column(self.tr("金额（元）"), lambda r: money_text(r["amount"]), numeric=True),
            Column(self.tr("帮扶责任人"), lambda r: r["cadre_name"]),
            Column(self.tr("状态"), lambda r: r["status_label"]),
            Column(self.tr("成效"), lambda r: r["result"], tooltip=True),
        ]

    def activate(self, **params: Any) -> None:
        """Show all records, or with ``household=ID_OR_NUMBER`` those of one household;
        ``kind=CODE`` filters by measure kind."""
        self.village_box.load()
        if params.get("kind"):
            self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(params["kind"])))
        key = params.get("household")
        if key:
            self.ctx.tasks.run(household_brief, self.ctx.store, str(key),
                               done=self.show_household, failed=lambda _e: self.show_household(None))
        else:
            self.show_household(None)

    def show_household(self, household: dict[str, Any] | None) -> None:
        """Limit the ledger to one household (its whole history), or show all again."""
        if (household is None) != (self.household is None):
            # One household's whole history; back to this year for everyone.
            self.period.set_period("all" if household else "year")
        self.household = household
        self._show_household_header()
        self.reload()

    def _show_household_header(self) -> None:
        h = self.household
        self.household_label.setVisible(h is not None)
        self.all_button.setVisible(h is not None)
        self.search_edit.setEnabled(h is None)
        self.village_box.setEnabled(h is None)
        if h is not None:
            self.household_label.setText(self.tr("农户：{name}（{number}，{village}）").format(
                name=h["head_name"], number=h["number"], village=h["village_name"]))

    # Filters --------------------------------------------------------------------------

    def current_filter(self) -> AssistanceFilter:
        """The filter the ledger and the totals show."""
        date_from, date_to = self.period.date_range()
        per_household = self.household is not None
        return AssistanceFilter(
            measure_kind=self.kind_box.currentData(), status=self.status_box.currentData(),
            date_from=date_from, date_to=date_to,
            village_id=None if per_household else self.village_box.currentData(),
            household_id=self.household["id"] if per_household else None,  # type: ignore[index]
            search=None if per_household else self.search_edit.text().strip() or None)

    def toggle_kind(self, code: str) -> None:
        """A tile click: filter by that measure kind, or clear it (合计 clears)."""
        current = self.kind_box.currentData()
        target = None if code in (TOTAL, current) else code
        self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(target)))

    # RecordPage -----------------------------------------------------------------------

    def loader(self, offset: int) -> Loader:
        return partial(_load_ledger, flt=self.current_filter(), offset=offset,
                       lang=self.ctx.lang)

    def show_result(self, result: tuple[dict[str, KindTotal], list[dict[str, Any]], int]
                    ) -> tuple[list[dict[str, Any]], int]:
        totals, rows, total = result
        self.totals = totals
        chosen = self.kind_box.currentData()
        self.totals_caption.setText(self.tr("按措施类型统计（与下方筛选条件一致，点击卡片筛选）"))
        for code, tile in self.tiles.items():
            if code == TOTAL:
                t = KindTotal(sum(k.count for k in totals.values()),
                              sum(round(k.amount * 100) for k in totals.values()) / 100)
            else:
                t = totals.get(code, KindTotal())
            tile.set_values(self.tr("{n} 项  {amount} 元").format(
                n=f"{t.count:,}", amount=money_text(t.amount)))
            tile.note_label.hide()
            tile.set_selected(code == chosen)
        return rows, total

    def empty_text(self) -> str:
        if self.household is not None:
            return self.tr("这户还没有帮扶记录，按 Ctrl+N 新建")
        flt = self.current_filter()
        if (flt.measure_kind or flt.status or flt.village_id or flt.search
                or self.period.period() != "year"):
            return self.tr("没有符合条件的帮扶记录。可以放宽上面的筛选条件，或按 Ctrl+N 新建")
        return self.tr("今年还没有帮扶记录，按 Ctrl+N 新建")

    def base_for_new(self) -> dict[str, Any]:
        base: dict[str, Any] = {"measure_kind": self.kind_box.currentData()
                                or cat.MEASURE_KINDS.codes()[0],
                                "record_date": dt.date.today().isoformat(),
                                "status": "in_progress", "photos": []}
        h = self.household
        if h is not None:
            base["household"] = {k: h[k] for k in ("id", "number", "head_name", "village_name")}
        return base

    def base_for_edit(self, detail: dict[str, Any]) -> dict[str, Any]:
        return {
            "household": household_choice(detail),
            "measure_kind": detail["measure_kind"], "content": detail["content"],
            "amount": money_text(detail["amount"]) if detail["amount"] else "",
            "record_date": detail["record_date"],
            "cadre": cadre_choice(detail),
            "status": detail["status"], "result": detail["result"],
            "photos": detail["photos"],
        }

    def make_dialog(self, record_id: str | None, base: dict[str, Any],
                    draft: dict[str, Any] | None) -> RecordDialog:
        return AssistanceDialog(self.ctx, record_id, base, draft, self)

    def saved_text(self, dialog: RecordDialog) -> str:
        assert isinstance(dialog, AssistanceDialog)
        return self.tr("已保存帮扶记录“{content}”").format(
            content=dialog.content_edit.text().strip())

    def describe(self, row: dict[str, Any]) -> str:
        return self.tr("{name}的“{content}”").format(name=row["head_name"], content=row["content"])

    def delete_title(self) -> str:
        return self.tr("删除帮扶记录")
