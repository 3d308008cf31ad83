"""帮扶记录: the assistance ledger with totals by measure kind, per household or for all,
and the form for one record."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain import catalogues as cat
from ...store import Store
from ...store.assistance import (
    AssistanceFilter,
    KindTotal,
    count_records,
    delete_record,
    household_brief,
    list_records,
    list_villages,
    record_detail,
    restore_record,
    totals_by_kind,
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
    money_text,
)
from ..widgets import accent_button, date_text, empty_state, page_title
from .assistance_dialog import AssistanceDialog, household_label
from .base import Page

TOTAL = "__total__"  # the 合计 tile




def _load_ledger(store: Store, flt: AssistanceFilter, offset: int, lang: str
                 ) -> tuple[dict[str, KindTotal], list[dict[str, Any]], int]:
    totals = totals_by_kind(store, flt)
    rows = list_records(store, flt, limit=PAGE_SIZE, offset=offset, lang=lang)
    return totals, rows, count_records(store, flt)


def _load_for_edit(store: Store, record_id: str, draft_key: str
                   ) -> tuple[dict[str, Any], dict[str, Any] | None]:
    return record_detail(store, record_id), load_draft(store, draft_key)


class AssistancePage(Page):
    """The assistance ledger: totals by measure kind above, filters, new/edit/delete."""

    name = "assistance"
    sig_loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.totals: dict[str, KindTotal] = {}
        self.household: dict[str, Any] | None = None  # the per-household view
        self.dialog: AssistanceDialog | None = None
        self._seq = 0
        self._villages_loaded = False
        self._opening = False
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        head.addWidget(page_title(self.tr("帮扶记录")))
        self.household_label = QLabel()
        self.household_label.setStyleSheet("font-size: 12pt; font-weight: bold; color: #2f6fdb;")
        self.all_button = QPushButton(self.tr("显示全部农户"))
        self.all_button.clicked.connect(lambda: self.show_household(None))
        head.addSpacing(16)
        head.addWidget(self.household_label)
        head.addWidget(self.all_button)
        head.addStretch(1)
        self.new_button = accent_button(self.tr("新建帮扶记录 (Ctrl+N)"))
        self.edit_button = QPushButton(self.tr("编辑"))
        self.delete_button = QPushButton(self.tr("删除"))
        self.new_button.clicked.connect(self.new_record)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        for button in (self.edit_button, self.delete_button, self.new_button):
            head.addWidget(button)
        layout.addLayout(head)

        self.totals_caption = QLabel()
        self.totals_caption.setObjectName("tileLabel")
        layout.addWidget(self.totals_caption)
        grid = QGridLayout()
        grid.setSpacing(6)
        self.tiles: dict[str, FilterTile] = {}
        codes = [*cat.MEASURE_KINDS.codes(), TOTAL]
        for i, code in enumerate(codes):
            caption = self.tr("合计") if code == TOTAL else cat.MEASURE_KINDS.label(code, ctx.lang)
            tile = FilterTile(caption)
            tile.value_label.setStyleSheet("font-size: 12.5pt; font-weight: bold;")
            tile.sig_clicked.connect(lambda code=code: self.toggle_kind(code))
            self.tiles[code] = tile
            grid.addWidget(tile, i // 6, i % 6)
        layout.addLayout(grid)

        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.tr("措施")))
        self.kind_box = catalogue_combo(cat.MEASURE_KINDS, ctx.lang, self.tr("全部措施"), 120)
        filters.addWidget(self.kind_box)
        filters.addSpacing(8)
        filters.addWidget(QLabel(self.tr("状态")))
        self.status_box = catalogue_combo(cat.ASSISTANCE_STATUSES, ctx.lang, self.tr("全部状态"), 104)
        filters.addWidget(self.status_box)
        filters.addSpacing(8)
        filters.addWidget(QLabel(self.tr("时间")))
        self.period = PeriodFilter("year")
        filters.addWidget(self.period)
        filters.addSpacing(8)
        filters.addWidget(QLabel(self.tr("村")))
        self.village_box = QComboBox()
        self.village_box.setMinimumWidth(150)
        self.village_box.addItem(self.tr("全部村"), None)
        filters.addWidget(self.village_box)
        filters.addSpacing(8)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("农户姓名、户编号"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(150)
        filters.addWidget(self.search_edit, 1)
        layout.addLayout(filters)

        self.notice = UndoNotice()
        layout.addWidget(self.notice)

        self.model = RowsModel([
            Column(self.tr("日期"), lambda r: date_text(r["record_date"])),
            Column(self.tr("农户"), lambda r: f"{r['head_name']}（{r['household_number']}）",
                   tooltip=True),
            Column(self.tr("措施类型"), lambda r: r["measure_label"]),
            Column(self.tr("内容"), lambda r: r["content"], tooltip=True),
            Column(self.tr("金额（元）"), lambda r: money_text(r["amount"]), numeric=True),
            Column(self.tr("帮扶责任人"), lambda r: r["cadre_name"]),
            Column(self.tr("状态"), lambda r: r["status_label"]),
            Column(self.tr("成效"), lambda r: r["result"], tooltip=True),
        ], self)
        self.table = make_table(self.model, [105, 190, 95, 240, 110, 100, 75, 200], [3, 7])
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

        QShortcut(QKeySequence("Ctrl+N"), self, activated=self.new_record)
        self.kind_box.currentIndexChanged.connect(lambda _i: self.reload())
        self.status_box.currentIndexChanged.connect(lambda _i: self.reload())
        self.period.sig_changed.connect(self.reload)
        self.village_box.currentIndexChanged.connect(lambda _i: self.reload())
        self.search_edit.textChanged.connect(lambda _t: self.reload())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        ctx.sig_data_changed.connect(self._data_changed)
        self._show_household_header()
        self._update_buttons()

    def title(self) -> str:
        return self.tr("帮扶记录")

    def activate(self, **params: Any) -> None:
        """Show all records, or with ``household=ID_OR_NUMBER`` those of one household;
        ``kind=CODE`` filters by measure kind."""
        if not self._villages_loaded:
            self.ctx.tasks.run(list_villages, self.ctx.store, done=self._fill_villages)
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

    def _fill_villages(self, villages: list[dict[str, Any]]) -> None:
        self._villages_loaded = True
        self.village_box.blockSignals(True)
        for v in villages:
            self.village_box.addItem(v["name"], v["id"])
        self.village_box.blockSignals(False)

    def _data_changed(self, entities: set[str]) -> None:
        if entities & {"assistance_record", "household", "cadre"} and self.isVisible():
            self.reload(self.pager.offset)

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

    def reload(self, offset: int = 0) -> None:
        """Reload totals and one page of the ledger off the GUI thread."""
        self._seq += 1
        seq = self._seq
        self.ctx.tasks.run(_load_ledger, self.ctx.store, self.current_filter(), offset,
                           self.ctx.lang, done=lambda result: self._show(seq, offset, result))

    def _show(self, seq: int, offset: int,
              result: tuple[dict[str, KindTotal], list[dict[str, Any]], int]) -> None:
        if seq != self._seq:
            return
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
            self.empty.setText(self._empty_text())
        self._update_buttons()
        self.sig_loaded.emit()

    def _empty_text(self) -> str:
        if self.household is not None:
            return self.tr("这户还没有帮扶记录，按 Ctrl+N 新建")
        flt = self.current_filter()
        if (flt.measure_kind or flt.status or flt.village_id or flt.search
                or self.period.period() != "year"):
            return self.tr("没有符合条件的帮扶记录。可以放宽上面的筛选条件，或按 Ctrl+N 新建")
        return self.tr("今年还没有帮扶记录，按 Ctrl+N 新建")

    # Rows -----------------------------------------------------------------------------

    def selected_row(self) -> dict[str, Any] | None:
        """The record selected in the ledger, if any."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        chosen = self.selected_row() is not None
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def _base_for_new(self) -> dict[str, Any]:
        base: dict[str, Any] = {"measure_kind": self.kind_box.currentData()
                                or cat.MEASURE_KINDS.codes()[0],
                                "record_date": dt.date.today().isoformat(),
                                "status": "in_progress"}
        h = self.household
        if h is not None:
            base["household"] = [h["id"], f"{h['head_name']}（{h['number']}，{h['village_name']}）"]
        return base

    def new_record(self) -> None:
        """Open the form for a new record (for the household shown, if one is)."""
        if self._opening:
            return
        self._opening = True
        self.ctx.tasks.run(load_draft, self.ctx.store, f"{AssistanceDialog.draft_kind}:new",
                           done=lambda draft: self._open_dialog(None, self._base_for_new(), draft),
                           failed=self._open_failed)

    def edit_selected(self) -> None:
        """Open the form for the selected record."""
        row = self.selected_row()
        if row is None or self._opening:
            return
        self._opening = True
        self.ctx.tasks.run(_load_for_edit, self.ctx.store, row["id"],
                           f"{AssistanceDialog.draft_kind}:{row['id']}",
                           done=lambda found: self._open_edit(row["id"], *found),
                           failed=self._open_failed)

    def _open_edit(self, record_id: str, detail: dict[str, Any],
                   draft: dict[str, Any] | None) -> None:
        base = {
            "household": [detail["household_id"], household_label(detail)],
            "measure_kind": detail["measure_kind"], "content": detail["content"],
            "amount": money_text(detail["amount"]) if detail["amount"] else "",
            "record_date": detail["record_date"],
            "cadre": [detail["cadre_id"], detail["cadre_name"]] if detail["cadre_id"] else None,
            "status": detail["status"], "result": detail["result"],
        }
        self._open_dialog(record_id, base, draft)

    def _open_failed(self, _error: BaseException) -> None:
        self._opening = False
        self.notice.show_notice(self.tr("这条记录已不存在，列表已刷新。"))
        self.reload(self.pager.offset)

    def _open_dialog(self, record_id: str | None, base: dict[str, Any],
                     draft: dict[str, Any] | None) -> None:
        self._opening = False
        if self.dialog is not None and not self.dialog.isVisible():
            self.dialog.deleteLater()  # its draft was written long ago; free the widgets
        self.dialog = AssistanceDialog(self.ctx, record_id, base, draft, self)
        self.dialog.accepted.connect(self._dialog_saved)
        self.dialog.open()

    def _dialog_saved(self) -> None:
        dialog = self.dialog
        if dialog is None or dialog.saved_id is None:
            return
        self.notice.show_notice(self.tr("已保存帮扶记录“{content}”").format(
            content=dialog.content_edit.text().strip()))
        self.ctx.data_changed("assistance_record")

    def delete_selected(self) -> None:
        """Ask once, tombstone the record, offer 撤销."""
        row = self.selected_row()
        if row is None:
            return
        what = self.tr("{name}的“{content}”").format(name=row["head_name"], content=row["content"])
        answer = QMessageBox.question(
            self, self.tr("删除帮扶记录"),
            self.tr("确定删除{what}吗？删除后几秒内可以撤销。").format(what=what),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.ctx.tasks.run(delete_record, self.ctx.store, row["id"],
                           done=lambda _r: self._deleted(row["id"], what),
                           failed=self._open_failed)

    def _deleted(self, record_id: str, what: str) -> None:
        self.notice.show_notice(self.tr("已删除{what}").format(what=what),
                                lambda: self.undo_delete(record_id, what))
        self.ctx.data_changed("assistance_record")

    def undo_delete(self, record_id: str, what: str) -> None:
        """Bring a deleted record back."""
        def restored(_result: object) -> None:
            self.notice.show_notice(self.tr("已恢复{what}").format(what=what))
            self.ctx.data_changed("assistance_record")

        self.ctx.tasks.run(restore_record, self.ctx.store, record_id, done=restored)

