"""The record form dialog the record pages use (十送行动, 帮扶记录, 培训): keyboard-first,
validation next to the field, typed input autosaved as a draft, never taller than the
screen (a 1024×600 netbook)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QTimer,
)
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..domain.problems import DomainError
from ..store import Store
from ..store.drafts import delete_draft, save_draft
from .context import AppContext
from .widgets import accent_button, field_error

# Room left on the screen for the window's title bar and frame.
FRAME_ALLOWANCE = 40


def _save_then_forget_draft(save: Callable[..., str], store: Store, data: Any,
                            record_id: str | None, draft_key: str) -> str:
    record_id = save(store, data, record_id)
    delete_draft(store, draft_key)
    return record_id


class RecordDialog(QDialog):
    """A form for one record: first field focused, Tab in reading order, Ctrl+S or Enter
    saves, Esc cancels. What is typed is autosaved as a draft until it is saved."""

    draft_kind = ""

    def __init__(self, ctx: AppContext, record_id: str | None, base: dict[str, Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.record_id = record_id
        self.base = base
        self.draft_key = f"{self.draft_kind}:{record_id or 'new'}"
        self.saved_id: str | None = None
        self._loading = False
        self._dirty = False
        self._saving = False
        self._draft_busy = False
        self._draft_again = False
        self._pending_save: Any = None
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(800)
        self._draft_timer.timeout.connect(self._write_draft)
        self.setModal(True)

        self.draft_note = QLabel(self.tr("已恢复上次未保存的内容"))
        self.draft_note.setProperty("alert", "amber")
        self.discard_button = QPushButton(self.tr("放弃草稿"))
        self.discard_button.setAutoDefault(False)
        self.discard_button.clicked.connect(self.discard_draft)
        self.error_label = field_error()
        self.save_button = accent_button(self.tr("保存 (Ctrl+S)"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.fit_to_screen()

    def fit_to_screen(self) -> None:
        """Open as tall as the form wants, as far as the screen has room: Qt opens a window
        at most two thirds of the screen high, which cut the beneficiary list to three rows
        on a 1366×768 laptop; on a 1024×600 netbook the lists (beneficiaries,
        participants) give way instead of the buttons falling off the bottom."""
        screen = self.screen()
        if screen is None:
            return
        room = screen.availableGeometry().height() - FRAME_ALLOWANCE
        height = max(self.minimumSizeHint().height(), min(self.sizeHint().height(), room))
        if self.height() != height:
            self.resize(self.width(), height)

    def button_row(self) -> QVBoxLayout:
        """The error line and the draft note, 取消 and 保存, for the bottom of the form."""
        box = QVBoxLayout()
        box.addWidget(self.error_label)
        row = QHBoxLayout()
        row.addWidget(self.draft_note)
        row.addWidget(self.discard_button)
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        row.addWidget(self.save_button)
        box.addLayout(row)
        return box

    def start(self, draft: dict[str, Any] | None, watched: Sequence[QWidget]) -> None:
        """Fill the form (the record, then a draft over it) and watch it for changes."""
        self._loading = True
        self.set_values(self.base)
        if draft is not None:
            self.set_values(draft)
        self._loading = False
        self._dirty = draft is not None
        self.draft_note.setVisible(draft is not None)
        self.discard_button.setVisible(draft is not None)
        for w in watched:
            if isinstance(w, QLineEdit):
                w.textEdited.connect(self.mark_dirty)
            elif isinstance(w, QPlainTextEdit):
                w.textChanged.connect(self.mark_dirty)
            elif isinstance(w, QComboBox):
                w.currentIndexChanged.connect(self.mark_dirty)
            elif isinstance(w, QDateEdit):
                w.dateChanged.connect(self.mark_dirty)

    # The form's own parts -------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """What is typed, as plain JSON values (for the draft)."""
        raise NotImplementedError

    def set_values(self, values: dict[str, Any]) -> None:
        """Fill the fields from :meth:`values`-shaped data."""
        raise NotImplementedError

    def parse(self) -> Any:
        """The input to save, or None after showing what is wrong next to the fields."""
        raise NotImplementedError

    def save_function(self) -> Callable[..., str]:
        """``fn(store, parsed, record_id) -> id``, run off the GUI thread."""
        raise NotImplementedError

    def show_problem(self, error: DomainError) -> None:
        """Show a refused save next to its field (default: under the form)."""
        self.error_label.setText(error.message(self.ctx.lang))
        self.error_label.show()

    # Saving and drafts ----------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        """True when the form holds input not yet saved."""
        return self._dirty

    def mark_dirty(self, *_args: Any) -> None:
        """Note a change and schedule the draft autosave."""
        if self._loading or self._saving:
            return
        self._dirty = True
        self._draft_timer.start()

    def save(self) -> None:
        """Validate, then save off the GUI thread; the dialog closes when the store has it."""
        if self._saving:
            return
        parsed = self.parse()
        if parsed is None:
            return
        self.error_label.hide()
        self._saving = True
        self._draft_timer.stop()
        self.save_button.setEnabled(False)
        if self._draft_busy:
            self._pending_save = parsed  # after the draft write, so it cannot outlive the save
            return
        self._start_save(parsed)

    def _start_save(self, parsed: Any) -> None:
        self.ctx.tasks.run(_save_then_forget_draft, self.save_function(), self.ctx.store, parsed,
                           self.record_id, self.draft_key, done=self._saved,
                           failed=self._save_failed)

    def _saved(self, record_id: str) -> None:
        self.saved_id = record_id
        self._dirty = False
        self._saving = False
        self.accept()

    def _save_failed(self, error: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        if isinstance(error, DomainError):
            self.show_problem(error)
        else:
            self.error_label.setText(self.tr("没有保存成功，请再试一次；填写的内容已保留为草稿。"))
            self.error_label.show()
            self._write_draft()

    def _write_draft(self) -> None:
        if self._draft_busy:
            self._draft_again = True
            return
        self._draft_busy = True
        self.ctx.tasks.run(save_draft, self.ctx.store, self.draft_key, self.draft_kind,
                           self.values(), done=self._draft_written, failed=self._draft_written)

    def _draft_written(self, _result: object) -> None:
        self._draft_busy = False
        if self._pending_save is not None:
            parsed, self._pending_save = self._pending_save, None
            self._start_save(parsed)
        elif self._draft_again and not self._saving:
            self._draft_again = False
            self._write_draft()

    def discard_draft(self) -> None:
        """Forget the restored draft and show the record as saved (or an empty form)."""
        self._draft_timer.stop()
        self.ctx.tasks.run(delete_draft, self.ctx.store, self.draft_key)
        self._loading = True
        self.set_values(self.base)
        self._loading = False
        self._dirty = False
        self.draft_note.hide()
        self.discard_button.hide()

    def reject(self) -> None:
        """Esc: close; what was typed stays as a draft for next time."""
        if self._saving:
            return
        self._draft_timer.stop()
        if self._dirty:
            self._write_draft()
        super().reject()


# ====================================================================== the action form
