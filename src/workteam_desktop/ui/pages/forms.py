"""信息采集: fill in a household's information form (信息采集表) with the keyboard.

Pick a household (type-ahead, Ctrl+F), the form opens pre-filled from its file; Tab or
Enter moves from answer to answer, questions appear as answers make them relevant
(employment only for members who can work), each answer is checked as you leave it, and
Ctrl+S submits: the household, its members, income and industries are updated and the
submission keeps the form version. What is typed is autosaved as a draft every two
seconds; opening the household again brings the draft back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ...domain.catalogues import CATALOGUES, EXTENSIBLE
from ...domain.forms import HOUSEHOLD_SURVEY, FormDef, FormDefinitionError, FormInvalid, latest_form
from ...domain.problems import DomainError
from ...paths import forms_dir
from ...store import Store
from ...store.form_submissions import (
    FormOpening,
    SubmitResult,
    delete_form_draft,
    open_form,
    save_form_draft,
    submit,
)
from ...sync.session import form_folder
from ..catalogue_extensions import region_catalogue
from ..context import AppContext
from ..form_view import FormView
from ..pickers import HouseholdPicker
from ..widgets import (
    ElidingLabel,
    ReflowRow,
    accent_button,
    alert_badge,
    empty_state,
    page_title,
)
from .base import Page

AUTOSAVE_MS = 2000  # a crash or a closed window loses at most this much typing
FORM_ENTITIES = {"household", "member", "income", "household_industry"}
CHANGED_ENTITIES = ("household", "member", "income", "household_industry", "form_submission")


def submit_and_forget_draft(store: Store, form: FormDef, household_id: str,
                            answers: dict[str, Any], lang: str) -> SubmitResult:
    """Submit the form, then drop its draft (off the GUI thread)."""
    result = submit(store, form, household_id, answers, lang=lang)
    delete_form_draft(store, form.id, household_id)
    return result


class FormsPage(Page):
    """The household information form, rendered from ``forms/household_survey``."""

    name = "form"
    drafts_survive_close = True  # the draft is written as the program quits

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.form: FormDef | None = None
        self.view: FormView | None = None
        self.household: dict[str, Any] | None = None
        self._baseline: dict[str, Any] = {}  # the pre-filled answers, as the view holds them
        self._saved: dict[str, Any] | None = None  # the answers last handed to the draft
        self._seq = 0  # household loads started; a late answer to an older one is dropped
        self._draft_saving = False
        self._pending_submit: dict[str, Any] | None = None
        self._submitting = False
        self._own_change = False
        self._stale = False
        self._focus_form_after_load = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 6)
        layout.setSpacing(6)
        self.picker = HouseholdPicker(ctx)
        self.picker.line_edit.setToolTip(self.tr("换一户（Ctrl+F）"))
        self.picker.sig_picked.connect(self._picked)
        self.summary = QLabel()
        self.summary.setObjectName("tileLabel")
        self.overdue = alert_badge(self.tr("逾期未更新"), "amber")
        self.overdue.hide()
        self.submit_button = accent_button(self.tr("提交（Ctrl+S）"))
        self.submit_button.clicked.connect(self.submit)
        # The household's number, village and dates beside the chooser, or under it on a
        # narrow screen (a 1024-pixel netbook): never cut, never pushing the page wider.
        self.head_row = ReflowRow([[(page_title(self.tr("信息采集")), 0), (self.picker, 0)],
                                   [(self.summary, 0), (self.overdue, 0)]])
        head = QHBoxLayout()
        head.setSpacing(10)
        head.addWidget(self.head_row, 1)
        head.addWidget(self.submit_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(head)

        status = QHBoxLayout()
        self.status = QLabel()
        self.status.setObjectName("tileLabel")
        self.status.setWordWrap(True)  # a long message takes two lines, not the page's width
        status.addWidget(self.status, 1)
        self.discard_button = QPushButton(self.tr("放弃修改，恢复档案中的信息"))
        self.discard_button.setFlat(True)
        self.discard_button.setStyleSheet("color: #2f6fdb; padding: 0 4px; border: none;")
        self.discard_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.discard_button.clicked.connect(self.discard_changes)
        self.discard_button.hide()
        status.addWidget(self.discard_button)
        # The keys hint gives way ("…", whole in its tooltip) when the width is short.
        self.hint = ElidingLabel(self.tr("Tab/回车 下一项 · 数字键选择 · 空格勾选 · Ctrl+N 添加成员"))
        self.hint.setStyleSheet("color: #7a8896;")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        status.addWidget(self.hint, 1)
        status.addSpacing(12)
        self.version_label = QLabel()
        self.version_label.setObjectName("tileLabel")
        status.addWidget(self.version_label)
        layout.addLayout(status)

        self.stack = QStackedWidget()
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        # The form fits the width: only up and down scroll (a sideways bar hides answers).
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.empty = empty_state("")
        self.stack.addWidget(self.scroll)
        self.stack.addWidget(self.empty)
        layout.addWidget(self.stack, 1)

        self.autosave = QTimer(self)
        self.autosave.setSingleShot(True)
        self.autosave.setInterval(AUTOSAVE_MS)
        self.autosave.timeout.connect(self.save_draft_now)

        for keys, slot in (("Ctrl+S", self.submit), ("Ctrl+F", self._focus_picker),
                           ("Ctrl+N", self._add_item), ("Ctrl+Delete", self._remove_item)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

        app = QCoreApplication.instance()
        if app is not None:
            # Quitting: the last seconds of typing go to the draft before the store closes.
            app.aboutToQuit.connect(self._save_draft_at_exit)
        ctx.sig_data_changed.connect(self._data_changed)
        self._load_definition()

    # ------------------------------------------------------------------ set-up

    def _load_definition(self) -> None:
        try:
            # A small JSON file shipped with the program, or a newer version received from
            # the sync server into the data home: read once, when the page is made.
            # The region's extra industries are offered with the built-in ones.
            catalogues = {**CATALOGUES, **{name: region_catalogue(c)
                                           for name, c in EXTENSIBLE.items()}}
            self.form = latest_form([forms_dir(), form_folder(self.ctx.store.home)],
                                    HOUSEHOLD_SURVEY, catalogues)
        except FormDefinitionError as exc:
            self.empty.setText(self.tr("信息采集表的定义文件有误，请联系管理员更新程序。\n{detail}")
                               .format(detail=str(exc)))
            self.stack.setCurrentWidget(self.empty)
            self.submit_button.setEnabled(False)
            self.picker.setEnabled(False)
            return
        self.view = FormView(self.form, self.ctx.lang)
        self.view.sig_changed.connect(self._edited)
        self.scroll.setWidget(self.view)
        self.view.set_tab_ends(self.picker.line_edit, self.submit_button)
        self.version_label.setText(self.tr("{title}（表单版本 v{version}）").format(
            title=self.form.title.get(self.ctx.lang), version=self.form.version))
        self.view.setEnabled(False)  # until a household is open

    def title(self) -> str:
        return self.tr("信息采集")

    # ------------------------------------------------------------------ opening a household

    def activate(self, **params: Any) -> None:
        if self.form is None:
            return
        key = params.get("household")
        key = str(key) if key else None
        current = self.household
        if key and not (current and key in (current["id"], current["number"])):
            self.open_household(key, focus_form=True)
        elif current is None:
            self.open_household(None, focus_form=bool(key))
        elif self._stale and not self.has_unsaved_changes():
            self.open_household(current["id"], focus_form=False)
        if not key:
            QTimer.singleShot(0, self._focus_picker)

    def open_household(self, key: str | None, focus_form: bool = True) -> None:
        """Open the form of household ``key`` (id or number; None: the first by number)."""
        if self.form is None:
            return
        note = ""
        if self.household is not None and self._needs_draft_save() and not self._submitting:
            self.save_draft_now()  # the household being left keeps what was typed
            note = self.tr("“{name}”户未提交的修改已存为草稿，再打开这户可以接着填。").format(
                name=self.household["head_name"])
        self._seq += 1
        seq = self._seq
        self._stale = False
        self._focus_form_after_load = focus_form
        self.autosave.stop()

        def done(opening: FormOpening | None) -> None:
            if isValid(self) and seq == self._seq:
                self._opened(opening, note)

        def failed(exc: BaseException) -> None:
            if isValid(self) and seq == self._seq:
                self._open_failed(exc)

        self.ctx.tasks.run(open_form, self.ctx.store, self.form, key, done=done, failed=failed)

    def _opened(self, opening: FormOpening | None, message: str = "") -> None:
        assert self.view is not None and self.form is not None
        if opening is None:
            self.household = None
            self._show_empty(self.tr("还没有农户。请先在“农户档案”中添加或导入农户，再来采集信息。"))
            self.submit_button.setEnabled(False)
            return
        self.stack.setCurrentWidget(self.scroll)
        self.hint.show()
        household = opening.household
        self.household = household
        self.picker.set_choices([{k: household[k] for k in
                                  ("id", "number", "head_name", "village_name")}])
        self._show_summary(household, opening.last_submitted)
        self.view.setEnabled(True)
        self.submit_button.setEnabled(True)
        self.view.set_answers(opening.answers)
        self._baseline = self.view.answers()
        draft = opening.draft
        if draft and isinstance(draft.get("answers"), dict):
            self.view.set_answers(draft["answers"])
            self._saved = self.view.answers()
            if self.has_unsaved_changes():
                self._say(self.tr("已恢复 {time} 自动保存的草稿，尚未提交。").format(
                    time=draft.get("saved_at", "")))
                self.discard_button.show()
            else:
                self._say(message)
                self.discard_button.hide()
        else:
            self._saved = None
            self._say(message)
            self.discard_button.hide()
        self.scroll.verticalScrollBar().setValue(0)
        self.view.warm_up()  # spare member cards for the next household, made while idle
        if self._focus_form_after_load:
            first = self.view.first_editor()
            if first is not None:
                first.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_summary(self, household: dict[str, Any], last_submitted: str | None) -> None:
        updated = household.get("form_updated_on") or self.tr("从未采集")
        text = self.tr("户编号 {number} · {village} · 上次采集 {updated}").format(
            number=household["number"], village=household["village_name"], updated=updated)
        if last_submitted:
            text += self.tr(" · 上次提交 {time}").format(time=last_submitted)
        self.summary.setText(text)
        self.overdue.setVisible(bool(household.get("overdue")))

    def _open_failed(self, exc: BaseException) -> None:
        if isinstance(exc, DomainError):
            self._say(self.tr("{problem}，请在上方输入户主姓名或户编号重新选择").format(
                problem=exc.message(self.ctx.lang)), "red")
        else:
            self._say(self.tr("打不开这户的信息，请重新选择农户"), "red")
        if self.household is None:
            self.submit_button.setEnabled(False)
            self._show_empty(self.tr("请在上方输入户主姓名、户编号或身份证号，选出要采集信息的农户。"))
        self._focus_picker()

    def _show_empty(self, text: str) -> None:
        self.empty.setText(text)
        self.stack.setCurrentWidget(self.empty)
        self.hint.hide()

    def _picked(self, row: dict[str, Any]) -> None:
        if self.household is None or row["id"] != self.household["id"]:
            self.open_household(row["id"], focus_form=True)
        elif self.view is not None:
            first = self.view.first_editor()
            if first is not None:
                first.setFocus(Qt.FocusReason.OtherFocusReason)


    # ------------------------------------------------------------------ editing and drafts

    def has_unsaved_changes(self) -> bool:
        """True when the form holds answers not submitted (typed, or a restored draft)."""
        if self.view is None or self.household is None:
            return False
        return self.view.answers() != self._baseline

    def discard_changes(self) -> None:
        """Put back the household's file as stored and forget the draft."""
        if self.view is None or self.household is None or self.form is None:
            return
        self.autosave.stop()
        self._pending_submit = None
        self.view.set_answers(self._baseline)
        self._saved = None
        self.ctx.tasks.run(delete_form_draft, self.ctx.store, self.form.id, self.household["id"])
        self.discard_button.hide()
        self._say(self.tr("已放弃草稿，显示的是档案中的信息"))

    def _edited(self) -> None:
        self.discard_button.setVisible(self.has_unsaved_changes())
        if not self.autosave.isActive():
            self.autosave.start()  # every ~2 s while typing goes on, not 2 s after it stops

    def _needs_draft_save(self) -> bool:
        return self.view is not None and self.view.answers() != (
            self._saved if self._saved is not None else self._baseline)

    def save_draft_now(self) -> None:
        """Hand the answers typed so far to the draft (off the GUI thread)."""
        self.autosave.stop()
        if self.view is None or self.form is None or self.household is None \
                or self._submitting or not self._needs_draft_save():
            return
        answers = self.view.answers()
        hid = self.household["id"]
        self._saved = answers
        self._draft_saving = True
        if answers == self._baseline:  # everything typed was undone: no draft to keep
            self.ctx.tasks.run(delete_form_draft, self.ctx.store, self.form.id, hid,
                               done=self._draft_saved, failed=self._draft_failed)
        else:
            self.ctx.tasks.run(save_form_draft, self.ctx.store, self.form, hid, answers,
                               done=self._draft_saved, failed=self._draft_failed)

    def _draft_saved(self, _result: Any) -> None:
        self._draft_saving = False
        if self._pending_submit is not None:
            answers, self._pending_submit = self._pending_submit, None
            self._start_submit(answers)
        elif self.household is not None and self.has_unsaved_changes():
            self._say(self.tr("草稿已自动保存 {time}").format(
                time=dt.datetime.now().strftime("%H:%M:%S")))

    def _draft_failed(self, _exc: BaseException) -> None:
        self._draft_saving = False
        self._saved = None  # try again with the next change
        self._say(self.tr("草稿没能自动保存，请尽快提交"), "amber")
        if self._pending_submit is not None:
            answers, self._pending_submit = self._pending_submit, None
            self._start_submit(answers)

    def _save_draft_at_exit(self) -> None:
        # The program is quitting: there is no GUI left to freeze, and a task started now
        # might not finish before the store closes, so the last draft is written here.
        if not isValid(self) or self.view is None or self.form is None or self.household is None:
            return
        if self._needs_draft_save() and not self._submitting \
                and self.view.answers() != self._baseline:
            with contextlib.suppress(Exception):  # quitting: nothing left to tell the user
                save_form_draft(self.ctx.store, self.form, self.household["id"],
                                self.view.answers())

    def hideEvent(self, event: QHideEvent) -> None:
        if self._needs_draft_save():
            self.save_draft_now()  # leaving the page: keep the last seconds too
        super().hideEvent(event)

    # ------------------------------------------------------------------ submitting

    def submit(self) -> None:
        """Check every answer; submit when all are right, else go to the first problem."""
        if self.view is None or self.household is None or self._submitting:
            return
        problems = self.view.validate_all()
        if problems:
            self._say(self.tr("有 %n 处需要修改，光标已移到第一处", "", len(problems)), "red")
            widget = self.view.first_problem_widget()
            if widget is not None:
                self.scroll.ensureWidgetVisible(widget, 40, 80)
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        answers = self.view.answers()
        self.autosave.stop()
        self._submitting = True
        self.submit_button.setEnabled(False)
        self.view.setEnabled(False)  # what is on screen is what is being submitted
        self._say(self.tr("正在提交…"))
        if self._draft_saving:
            self._pending_submit = answers  # after the draft write, so it cannot come back
        else:
            self._start_submit(answers)

    def _start_submit(self, answers: dict[str, Any]) -> None:
        assert self.form is not None and self.household is not None
        seq = self._seq
        hid = self.household["id"]

        def done(result: SubmitResult) -> None:
            if isValid(self):
                self._submitted(result, seq == self._seq)

        def failed(exc: BaseException) -> None:
            if isValid(self):
                self._submit_failed(exc)

        self.ctx.tasks.run(submit_and_forget_draft, self.ctx.store, self.form, hid, answers,
                           self.ctx.lang, done=done, failed=failed)

    def _submitted(self, result: SubmitResult, same_household: bool) -> None:
        self._submitting = False
        self._saved = None
        self._own_change = True
        try:
            self.ctx.data_changed(*CHANGED_ENTITIES)
        finally:
            self._own_change = False
        message = self.tr("已提交（表单版本 v{version}），户档案已更新。").format(
            version=result.form_version)
        if not same_household:
            return
        self._seq += 1
        seq = self._seq
        self._focus_form_after_load = False

        def done(opening: FormOpening | None) -> None:
            if isValid(self) and seq == self._seq:
                self._opened(opening, message)
                self.picker.line_edit.setFocus(Qt.FocusReason.OtherFocusReason)

        # Read back what was stored: new members now have their row ids.
        assert self.form is not None
        self.ctx.tasks.run(open_form, self.ctx.store, self.form, result.household_id,
                           done=done, failed=self._open_failed)
        self._say(message)

    def _submit_failed(self, exc: BaseException) -> None:
        self._submitting = False
        assert self.view is not None
        self.view.setEnabled(True)
        self.submit_button.setEnabled(True)
        if isinstance(exc, FormInvalid):
            self.view.validate_all()
            self._say(str(exc), "red")
        elif isinstance(exc, DomainError):
            self._say(exc.message(self.ctx.lang), "red")
        else:
            self._say(self.tr("提交没有成功，档案没有改动；草稿还在，请再试一次"), "red")
        self.save_draft_now()

    # ------------------------------------------------------------------ helpers

    def _say(self, text: str, level: str | None = None) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(
            {"red": "color: #c5221f; font-weight: bold;", "amber": "color: #8a5a00;"}.get(
                level or "", "color: #4a5a6a;"))

    def _focus_picker(self) -> None:
        if isValid(self) and self.picker.isEnabled():
            self.picker.line_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.picker.line_edit.selectAll()

    def _add_item(self) -> None:
        if self.view is not None and self.view.isEnabled():
            card = self.view.add_item()
            if card is not None:
                QTimer.singleShot(0, lambda: isValid(card) and self.scroll.ensureWidgetVisible(
                    card, 20, 20))

    def _remove_item(self) -> None:
        if self.view is not None and self.view.isEnabled():
            self.view.remove_focused_item()

    def _data_changed(self, entities: set[str]) -> None:
        if self._own_change or not entities & FORM_ENTITIES or self.household is None:
            return
        if self.isVisible() and not self.has_unsaved_changes() and not self._submitting:
            self.open_household(self.household["id"], focus_form=False)
        else:
            self._stale = True
