"""The base of the record pages (十送行动, 帮扶记录, 培训): one kind of record as a paged
list under its filters, a new or edited record in its form (a :class:`RecordDialog`, whose
typed input is kept as a draft), delete asked once and undone from the notice.

A page gives only what differs: its words, its filters and tiles (put into ``self.top``),
its columns, how one page of rows is loaded, its form, and the store functions that
read, delete and restore one record. Everything runs off the GUI thread through
``ctx.tasks``; a load answered after a newer one was asked for is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ...store import Store
from ...store.drafts import load_draft
from ..context import AppContext
from ..record_dialog import RecordDialog
from ..record_widgets import Column, Pager, RowsModel, UndoNotice, make_table
from ..widgets import accent_button, empty_state, page_title
from .base import Page

Loader = Callable[[Store], Any]
"""One page of rows (and whatever the page shows above them), read off the GUI thread."""


def _load_for_edit(detail: Callable[[Store, str], dict[str, Any]], store: Store,
                   record_id: str, draft_key: str
                   ) -> tuple[dict[str, Any], dict[str, Any] | None]:
    return detail(store, record_id), load_draft(store, draft_key)


class RecordPage(Page):
    """A paged list of records with new (Ctrl+N), edit (Enter, double-click), delete
    (Delete, asked once) and 撤销.

    Subclasses set the class attributes and implement the hooks below; the public
    methods (:meth:`new_record`, :meth:`edit_selected`, :meth:`delete_selected`,
    :meth:`undo_delete`, :meth:`reload`, :meth:`selected_row`) are the same on every page.
    """

    sig_loaded = Signal()  # a load was shown

    dialog_class: type[RecordDialog] = RecordDialog
    watched: frozenset[str] = frozenset()  # record types whose change reloads the list
    changed: tuple[str, ...] = ()  # record types a save, delete or undo changes
    stretch_column: int | None = None  # the column that takes the spare width
    give_way_columns: tuple[int, ...] = ()  # other free text that shrinks on a small screen
    # The store functions (plain functions, run off the GUI thread):
    store_detail: Callable[[Store, str], dict[str, Any]]  # one record, for the form
    store_delete: Callable[[Store, str], Any]  # tombstones it; returns what to undo
    store_restore: Callable[[Store, Any], Any]  # undoes that

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.dialog: RecordDialog | None = None
        self._seq = 0  # loads asked for; an older answer is dropped
        self._opening = False  # a form is being opened (its record and draft are read)
        layout = QVBoxLayout(self)
        self.head = QHBoxLayout()
        self.head.addWidget(page_title(self.title()))
        self.head.addStretch(1)
        self.new_button = accent_button(self.new_button_text())
        self.edit_button = QPushButton(self.tr("编辑"))
        self.delete_button = QPushButton(self.tr("删除"))
        self.new_button.clicked.connect(self.new_record)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        for button in (self.edit_button, self.delete_button, self.new_button):
            self.head.addWidget(button)
        layout.addLayout(self.head)
        # The page's own filters and tiles go here, between the title and the list.
        self.top = QVBoxLayout()
        self.top.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.top)

        self.notice = UndoNotice()
        layout.addWidget(self.notice)
        self.model = RowsModel(self.columns(), self)
        self.table = make_table(self.model, self.stretch_column, self.give_way_columns)
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
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        ctx.sig_data_changed.connect(self._data_changed)

    # ------------------------------------------------------------------ hooks

    def new_button_text(self) -> str:
        """The words of the new-record button (with its shortcut)."""
        raise NotImplementedError

    def columns(self) -> list[Column]:
        """The list's columns."""
        raise NotImplementedError

    def loader(self, offset: int) -> Loader:
        """What to read for the page of rows from ``offset`` under the current filters."""
        raise NotImplementedError

    def show_result(self, result: Any) -> tuple[list[dict[str, Any]], int]:
        """Show what :meth:`loader` read above the list (tiles, totals); return the rows
        of the page and how many rows match in all."""
        raise NotImplementedError

    def empty_text(self) -> str:
        """What the empty list says to do first."""
        raise NotImplementedError

    def can_create(self) -> bool:
        """Whether a new record can be made now."""
        return True

    def base_for_new(self) -> dict[str, Any]:
        """The form's values for a new record (from the filters shown)."""
        raise NotImplementedError

    def base_for_edit(self, detail: dict[str, Any]) -> dict[str, Any]:
        """The form's values for the record ``detail`` (as :attr:`store_detail` reads it)."""
        raise NotImplementedError

    def make_dialog(self, record_id: str | None, base: dict[str, Any],
                    draft: dict[str, Any] | None) -> RecordDialog:
        """The form for the record ``record_id`` (None: a new one)."""
        raise NotImplementedError

    def saved_text(self, dialog: RecordDialog) -> str:
        """The notice after the form saved."""
        raise NotImplementedError

    def describe(self, row: dict[str, Any]) -> str:
        """How the record ``row`` is named in the delete question and notices."""
        raise NotImplementedError

    def delete_title(self) -> str:
        """The title of the delete question."""
        raise NotImplementedError

    # ------------------------------------------------------------------ loading

    def _data_changed(self, entities: set[str]) -> None:
        if entities & self.watched and self.isVisible():
            self.reload(self.pager.offset)

    def reload(self, offset: int = 0) -> None:
        """Reload the list (one page from ``offset``) and what is above it, off the GUI
        thread."""
        self._seq += 1
        seq = self._seq
        self.ctx.tasks.run(self.loader(offset), self.ctx.store,
                           done=lambda result: self._show(seq, offset, result))

    def _show(self, seq: int, offset: int, result: Any) -> None:
        if seq != self._seq:
            return  # filters changed meanwhile; a newer load is on its way
        rows, total = self.show_result(result)
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
            self.empty.setText(self.empty_text())
        self._update_buttons()
        self.sig_loaded.emit()

    # ------------------------------------------------------------------ rows

    def selected_row(self) -> dict[str, Any] | None:
        """The record selected in the list, if any."""
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.row(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        chosen = self.selected_row() is not None
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    # ------------------------------------------------------------------ the form

    def new_record(self) -> None:
        """Open the form for a new record (with the last unsaved draft, if any)."""
        if self._opening or not self.can_create():
            return
        self._opening = True
        base = self.base_for_new()
        self.ctx.tasks.run(load_draft, self.ctx.store, f"{self.dialog_class.draft_kind}:new",
                           done=lambda draft: self._open_dialog(None, base, draft),
                           failed=self._open_failed)

    def edit_selected(self) -> None:
        """Open the form for the selected record (with its unsaved draft, if any)."""
        row = self.selected_row()
        if row is None or self._opening:
            return
        self._opening = True
        self.ctx.tasks.run(_load_for_edit, self.store_detail, self.ctx.store, row["id"],
                           f"{self.dialog_class.draft_kind}:{row['id']}",
                           done=lambda found: self._open_edit(row["id"], *found),
                           failed=self._open_failed)

    def _open_edit(self, record_id: str, detail: dict[str, Any],
                   draft: dict[str, Any] | None) -> None:
        self._open_dialog(record_id, self.base_for_edit(detail), draft)

    def _open_failed(self, _error: BaseException) -> None:
        self._opening = False
        self.notice.show_notice(self.tr("这条记录已不存在，列表已刷新。"))
        self.reload(self.pager.offset)

    def _open_dialog(self, record_id: str | None, base: dict[str, Any],
                     draft: dict[str, Any] | None) -> None:
        self._opening = False
        if self.dialog is not None and not self.dialog.isVisible():
            self.dialog.deleteLater()  # its draft was written long ago; free the widgets
        self.dialog = self.make_dialog(record_id, base, draft)
        self.dialog.accepted.connect(self._dialog_saved)
        self.dialog.open()

    def _dialog_saved(self) -> None:
        dialog = self.dialog
        if dialog is None or dialog.saved_id is None:
            return
        self.notice.show_notice(self.saved_text(dialog))
        self.ctx.data_changed(*self.changed)

    # ------------------------------------------------------------------ delete and undo

    def delete_selected(self) -> None:
        """Ask once, tombstone the record (and its parts), offer 撤销."""
        row = self.selected_row()
        if row is None:
            return
        what = self.describe(row)
        answer = QMessageBox.question(
            self, self.delete_title(),
            self.tr("确定删除{what}吗？删除后几秒内可以撤销。").format(what=what),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.ctx.tasks.run(self.store_delete, self.ctx.store, row["id"],
                           done=lambda deleted: self._deleted(what, deleted),
                           failed=self._open_failed)

    def _deleted(self, what: str, deleted: Any) -> None:
        self.notice.show_notice(self.tr("已删除{what}").format(what=what),
                                lambda: self.undo_delete(deleted, what))
        self.ctx.data_changed(*self.changed)

    def undo_delete(self, deleted: Any, what: str) -> None:
        """Bring a deleted record back as it was (``deleted``: what the delete returned)."""
        def restored(_result: object) -> None:
            self.notice.show_notice(self.tr("已恢复{what}").format(what=what))
            self.ctx.data_changed(*self.changed)

        self.ctx.tasks.run(self.store_restore, self.ctx.store, deleted, done=restored)
