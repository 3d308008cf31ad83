"""农户详情: one household's file. The essentials (who, where, type, monitoring, the rule
flags, income against the threshold) sit in the header; the rest in tabs. Basic fields,
the latest year's income and the rights ledger are edited in place, checked as each field
is left, autosaved as a draft, and saved together through the Writer (Ctrl+S).

This module composes the page: the header, the tab bar (with counts), save and discard,
one draft per household made of the tabs' parts, and the load and save tasks. Each tab is
its own widget in ``pages/household/`` (see ``household.tab.HouseholdTab``)."""

from __future__ import annotations

import contextlib
import time
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QHideEvent, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ...domain import catalogues as cat
from ...domain import rules
from ...domain.problems import DomainError
from ...store.drafts import delete_draft, load_draft, save_draft
from ...store.duplicates import merge_history
from ...store.household_detail import household_detail
from ...store.household_edit import SavedEdits, save_household_edits
from ...store.households import first_household_id
from ...store.rights import responsible_names
from ..catalogue_extensions import region_catalogue
from ..context import AppContext
from ..models.household_table import FLAG_LEVELS
from ..widgets import accent_button, alert_badge, date_text, empty_state, money
from .base import Page
from .household.basic import BasicTab
from .household.income import IncomeTab
from .household.lists import AssistanceTab, MembersTab, MonitoringTab
from .household.rights import RightsTab
from .household.tab import HouseholdTab
from .household.visits import VisitsTab

DRAFT_KIND = "household"
DRAFT_DELAY_MS = 1000  # autosave typed edits a second after the last change
# Changes to these entities show on this page.
DETAIL_ENTITIES = {"household", "member", "income", "monitoring_event", "rights_item",
                   "visit", "urgent_need", "assistance_record"}


def _draft_key(household_id: str) -> str:
    return f"household:{household_id}"


class HouseholdDetailPage(Page):
    """One household: header with the essentials, tabs for the rest; edits saved together."""

    name = "household"
    drafts_survive_close = True  # typed edits go to a draft, the last ones as the program quits

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.detail: dict[str, Any] | None = None
        self.household_id: str | None = None
        self._requested: str | None = None
        self._stale = False
        self._saving = False
        self._save_started = 0
        self._saved_from: dict[str, int] = {}  # household id → when its last good save began
        self._restoring = False
        self._names_loaded = False
        self._own_change = False
        self._notice = ""

        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        layout.addLayout(self._build_header())
        # The red and amber words go here, under the name, when the header row is too
        # narrow for them (a 1024×600 netbook, English words).
        self.badge_row = QHBoxLayout()
        self.badge_row.addStretch(1)
        layout.addLayout(self.badge_row)
        # Under the name: who and where, then the key figures (each wraps when long).
        self.meta_label = QLabel()
        self.meta_label.setWordWrap(True)
        layout.addWidget(self.meta_label)
        self.facts_label = QLabel()
        self.facts_label.setObjectName("tileLabel")
        self.facts_label.setWordWrap(True)
        layout.addWidget(self.facts_label)
        # 合并记录: duplicates a supervisor merged into this household (shown when any).
        self.merge_label = QLabel()
        self.merge_label.setObjectName("tileLabel")
        self.merge_label.setWordWrap(True)
        self.merge_label.hide()
        layout.addWidget(self.merge_label)

        layout.addWidget(self._build_tabs(), 1)

        self.draft_timer = QTimer(self)
        self.draft_timer.setSingleShot(True)
        self.draft_timer.setInterval(DRAFT_DELAY_MS)
        self.draft_timer.timeout.connect(self._save_draft)
        save_shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        save_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save_shortcut.activated.connect(self.save)
        ctx.sig_data_changed.connect(self._data_changed)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self._save_draft_at_exit)
        self._update_state()

    # ------------------------------------------------------------------ building

    def _build_header(self) -> QHBoxLayout:
        head = self.head = QHBoxLayout()
        self.name_label = QLabel()
        self.name_label.setObjectName("pageTitle")
        head.addWidget(self.name_label)
        # What needs action, as red/amber words, right after the name.
        self.badge_box = QWidget()
        self.badges = QHBoxLayout(self.badge_box)
        self.badges.setContentsMargins(0, 0, 0, 0)
        self.badges.setSpacing(4)
        head.addSpacing(6)
        head.addWidget(self.badge_box)
        head.addStretch(1)
        self.state_label = QLabel()
        head.addWidget(self.state_label)
        self.back_button = QPushButton(self.tr("返回列表"))
        self.back_button.clicked.connect(lambda: self.ctx.navigate("households"))
        head.addWidget(self.back_button)
        self.discard_button = QPushButton(self.tr("放弃修改"))
        self.discard_button.clicked.connect(self.discard_changes)
        head.addWidget(self.discard_button)
        self.save_button = accent_button(self.tr("保存"))
        self.save_button.setToolTip(self.tr("保存修改（Ctrl+S）"))
        # Nothing to save: a paler button, so an enabled one means there is.
        self.save_button.setStyleSheet(
            "QPushButton:disabled { background: #a9c1ea; border-color: #a9c1ea; color: #f4f7fc; }")
        self.save_button.clicked.connect(self.save)
        head.addWidget(self.save_button)
        return head

    def _build_tabs(self) -> QStackedWidget:
        """The tabs, one widget each, and the message shown instead while there is no
        household to show."""
        self.basic = BasicTab(self.ctx)
        self.members = MembersTab(self.ctx)
        self.income = IncomeTab(self.ctx)
        self.monitoring = MonitoringTab(self.ctx)
        self.rights_tab = RightsTab(self.ctx)
        self.visits = VisitsTab(self.ctx)
        self.assistance = AssistanceTab(self.ctx)
        self.tabs = QTabWidget()
        self._parts: list[HouseholdTab] = []
        for tab, title in ((self.basic, self.tr("基本信息")),
                           (self.members, self.tr("家庭成员")),
                           (self.income, self.tr("收入")),
                           (self.monitoring, self.tr("监测记录")),
                           (self.rights_tab, self.tr("权益清单")),
                           (self.visits, self.tr("走访")),
                           (self.assistance, self.tr("帮扶"))):
            self.tabs.addTab(tab, title)
            tab.sig_edited.connect(self._edited)
            self._parts.append(tab)
        self._tab_titles = [self.tabs.tabText(i) for i in range(self.tabs.count())]
        self.visits.sig_need_resolved.connect(lambda: self.load(self.household_id))
        # A click on a tab takes the focus: a focused field on the page being hidden would
        # otherwise pass the focus on down the window's chain, to the navigation list.
        self.tabs.tabBar().setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        # What tests and other pages reach on the page itself.
        self.fields = self.basic.fields
        self.income_edits = self.income.income_edits
        self.income_errors = self.income.income_errors
        self.per_capita_label = self.income.per_capita_label
        self.below_badge = self.income.below_badge
        self.members_model = self.members.members_model
        self.rights_model = self.rights_tab.rights_model
        self.rights_alert = self.rights_tab.rights_alert
        self.visits_model = self.visits.visits_model
        self.visits_view = self.visits.visits_view
        self.resolve_button = self.visits.resolve_button
        self.assistance_model = self.assistance.assistance_model

        self.message = empty_state("")
        self.body = QStackedWidget()
        self.body.addWidget(self.tabs)
        self.body.addWidget(self.message)
        return self.body

    def title(self) -> str:
        return self.tr("农户详情")

    # ------------------------------------------------------------------ loading

    def activate(self, **params: Any) -> None:
        """Show the household ``household`` (id or number); without one, the household
        already shown, else the first of the list by number."""
        if not self._names_loaded:
            self.ctx.tasks.run(responsible_names, self.ctx.store, done=self._fill_names)
        # The first field takes the focus now, before the window is activated: otherwise
        # the navigation list would take it and jump to its first page.
        self.basic.focus_first()
        key = params.get("household")
        if key:
            key = str(key)
            if key in (self.household_id, (self.detail or {}).get("number")) and not self._stale:
                return
            self.load(key)
        elif self.household_id is None:
            self._show_message(self.tr("正在读取…"))
            self.ctx.tasks.run(first_household_id, self.ctx.store, done=self._first_found,
                               failed=self._load_failed)
        elif self._stale:
            self.load(self.household_id)

    def _first_found(self, household_id: str | None) -> None:
        if household_id is None:
            self._show_message(self.tr("还没有农户档案。\n请到“同步”页导入工作队的数据包。"))
            return
        self.load(household_id)

    def load(self, key: str) -> None:
        """Read the household ``key`` (id or number) off the GUI thread and show it."""
        self._requested = key
        self._stale = False
        self.state_label.setText(self.tr("正在读取…"))
        self.ctx.tasks.run(household_detail, self.ctx.store, key, full_id=True,
                           period_days=self.ctx.app_settings.form_period_days,
                           done=lambda detail, k=key: self._loaded(k, detail),
                           failed=self._load_failed)

    def _load_failed(self, exc: BaseException) -> None:
        if isinstance(exc, DomainError):
            text = self.tr("{problem}。\n请到“农户档案”页查找这户。").format(
                problem=exc.message(self.ctx.lang))
        else:
            text = self.tr("读取农户档案失败，请稍后重试。")
        self.detail = None
        self.household_id = None
        self._show_message(text)
        self._update_state()

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.body.setCurrentWidget(self.message)
        self.name_label.setText(self.tr("农户详情"))
        self.meta_label.setText("")
        self.facts_label.setText("")
        self.state_label.setText("")
        self._set_badges([])

    def _loaded(self, key: str, detail: dict[str, Any]) -> None:
        if key != self._requested:
            return  # another household was asked for meanwhile
        changed_household = detail["id"] != self.household_id
        self.detail = detail
        self.household_id = detail["id"]
        self.body.setCurrentWidget(self.tabs)
        self._fill_header(detail)
        for index, tab in enumerate(self._parts):
            tab.fill(detail)
            self.tabs.setTabVisible(index, tab.applies(detail))
            count = tab.count()
            if count is not None:
                self._set_tab_count(index, count)
        if changed_household:
            self.show_tab(0)
            self.basic.focus_first()
        self._say(self._notice, None)  # e.g. 已保存, kept across the reload after a save
        self._notice = ""
        self._update_state()
        household_id = detail["id"]
        self.ctx.tasks.run(load_draft, self.ctx.store, _draft_key(household_id),
                           done=lambda draft: self._restore_draft(household_id, draft))
        self.ctx.tasks.run(merge_history, self.ctx.store, household_id,
                           done=lambda merges: self._fill_merges(household_id, merges))

    def _fill_merges(self, household_id: str, merges: list[dict[str, Any]]) -> None:
        if household_id != self.household_id:
            return
        lines = [self.tr("合并记录：{when} {who} 把 {merged} 合并到本户").format(
            when=str(m["merged_at"])[:10], who=m["merged_by"] or self.tr("督导"),
            merged=m["merged_label"]) for m in merges if m["kept_id"] == household_id]
        self.merge_label.setText("\n".join(lines))
        self.merge_label.setVisible(bool(lines))

    def _fill_names(self, names: list[str]) -> None:
        self._names_loaded = True
        self.rights_tab.set_names(names)

    def _fill_header(self, d: dict[str, Any]) -> None:
        lang = self.ctx.lang
        self.name_label.setText(d["head_name"])
        place = " ".join(p for p in (d["village_name"], d["grid_name"]) if p)
        status = cat.MONITORING_STATUSES.label(d["monitoring_status"], lang)
        if d["risk_kind"]:
            status += f"（{cat.RISK_KINDS.label(d['risk_kind'], lang)}）"
        meta = [self.tr("户编号 {number}").format(number=d["number"]), place,
                cat.HOUSEHOLD_TYPES.label(d["type"], lang),
                self.tr("监测状态：{status}").format(status=status)]
        if d["phone"]:
            meta.append(self.tr("电话 {phone}").format(phone=d["phone"]))
        if d["relocated"]:
            year = self.tr("{year}年").format(year=d["relocation_year"]) \
                if d["relocation_year"] else ""
            meta.append(self.tr("易地搬迁：{year}自{origin}迁入{site}").format(
                year=year, origin=d["origin_village"] or "—", site=d["resettlement_site"] or "—"))
        self.meta_label.setText(" · ".join(meta))
        badges = [(rules.FLAG_LABELS[f][1 if lang == "en" else 0], FLAG_LEVELS[f])
                  for f in d["flags"]]
        dangling = sum(1 for r in d["rights"] if r["missing"] or r["unassigned"])
        if dangling:
            badges.append((self.tr("权益悬空 %n 项", "", dangling), "red"))
        open_needs = sum(1 for v in d["visits"] for n in v["urgent_needs"]
                         if n["status"] != "resolved")
        if open_needs:
            # %n: English needs the plural ("1 urgent need open"); Chinese has none.
            badges.append((self.tr("急难愁盼 %n 件未解决", "", open_needs), "amber"))
        self._set_badges(badges)

        parts = [self.tr("人口 %n 人", "", d["member_count"] or len(d["members"]))]
        if d["per_capita_income"] is not None:
            parts.append(self.tr("人均纯收入 {income}（{year}年，标准 {threshold}）").format(
                income=money(d["per_capita_income"]), year=d["income_year"],
                threshold=money(d["threshold"])))
        else:
            parts.append(self.tr("人均纯收入 未填写"))
        if d["industries"]:
            parts.append(self.tr("产业 {list}").format(list="、".join(
                f"{region_catalogue(cat.INDUSTRIES).label(i['industry'], self.ctx.lang)}"
                + (f"（{i['scale']}）" if i["scale"] else "") for i in d["industries"])))
        parts.append(self.tr("信息更新 {date}").format(
            date=date_text(d["form_updated_on"]) or self.tr("从未")))
        self.facts_label.setText("　".join(parts))

    def _set_badges(self, badges: list[tuple[str, str]]) -> None:
        while self.badges.count():
            item = self.badges.takeAt(0)
            if item.widget():
                item.widget().hide()
                item.widget().deleteLater()
        for word, level in badges:
            self.badges.addWidget(alert_badge(word, level), 0, Qt.AlignmentFlag.AlignVCenter)
        self._fit_header()

    def _fit_header(self) -> None:
        """The red and amber words beside the name while the header row has room for
        them, else on a row of their own under it: nothing is pushed off the screen."""
        margins = self.layout().contentsMargins()
        room = (self.parentWidget() or self).width() - margins.left() - margins.right()
        beside = self.head.indexOf(self.badge_box) >= 0
        self.head.invalidate()  # a label's new text: measure it now, not at the next layout
        needs = self.head.minimumSize().width()
        if not beside:
            needs += self.badge_box.minimumSizeHint().width() + 6 + max(self.head.spacing(), 0)
        if beside and needs > room:
            self.head.removeWidget(self.badge_box)
            self.badge_row.insertWidget(0, self.badge_box)
        elif not beside and needs <= room:
            self.badge_row.removeWidget(self.badge_box)
            self.head.insertWidget(self.head.indexOf(self.name_label) + 2, self.badge_box)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_header()

    def show_tab(self, index: int) -> None:
        """Switch to tab ``index`` (the tab bar holds the focus while pages swap)."""
        if self.tabs.currentIndex() != index:
            self.tabs.tabBar().setFocus()
            self.tabs.setCurrentIndex(index)

    def _set_tab_count(self, index: int, count: int) -> None:
        title = self._tab_titles[index]
        # Full-width brackets in Chinese, "Members (3)" in English: the words are translated.
        self.tabs.setTabText(index, self.tr("{title}（{count}）").format(title=title, count=count)
                             if count else title)

    # ------------------------------------------------------------------ editing

    def check_field(self, name: str) -> bool:
        """Check one basic field (as it is left); shows its message. True if valid."""
        return self.basic.check_field(name)

    def check_income_field(self, name: str) -> bool:
        """Check one income field (as it is left); shows its message. True if valid."""
        return self.income.check_income_field(name)

    def per_capita_preview(self) -> float | None:
        """The per-capita net income the income tab shows now."""
        return self.income.per_capita_preview()

    def _edited(self) -> None:
        if self._restoring:
            return
        self._update_state()
        if self.household_id:
            self.draft_timer.start()

    def has_unsaved_changes(self) -> bool:
        if self.detail is None:
            return False
        return any(tab.is_dirty() for tab in self._parts)

    def _update_state(self) -> None:
        dirty = self.has_unsaved_changes()
        self.save_button.setEnabled(dirty and not self._saving)
        self.discard_button.setVisible(dirty)
        if dirty and not self._saving:
            self.state_label.setProperty("alert", "amber")
            self.state_label.setText(self.tr("有未保存的修改"))
        elif self.state_label.property("alert") == "amber":
            self.state_label.setProperty("alert", None)
            self.state_label.setText("")
        self.state_label.style().unpolish(self.state_label)
        self.state_label.style().polish(self.state_label)
        self._fit_header()

    def discard_changes(self) -> None:
        """Put back what was loaded and forget the draft."""
        if self.detail is None:
            return
        self._restoring = True
        for tab in self._parts:
            tab.discard()
        self._restoring = False
        self.draft_timer.stop()
        if self.household_id:
            self.ctx.tasks.run(delete_draft, self.ctx.store, _draft_key(self.household_id))
        self._update_state()

    # ------------------------------------------------------------------ drafts

    def _draft_data(self) -> dict[str, Any]:
        """The household's one draft: each editable tab's part under its key."""
        data: dict[str, Any] = {
            # When the edits were captured: a draft captured before the last save began is
            # stale (its save may land after the save's own clean-up, on another thread).
            "captured": time.monotonic_ns(),
        }
        for tab in self._parts:
            if tab.draft_key:
                data[tab.draft_key] = tab.draft()
        return data

    def _save_draft(self) -> None:
        self.draft_timer.stop()
        if not self.household_id:
            return
        key = _draft_key(self.household_id)
        if self.has_unsaved_changes():
            self.ctx.tasks.run(save_draft, self.ctx.store, key, DRAFT_KIND, self._draft_data())
        else:
            self.ctx.tasks.run(delete_draft, self.ctx.store, key)

    def _save_draft_at_exit(self) -> None:
        # Quitting: no GUI left to freeze, and a task started now might not finish before
        # the store closes, so the last seconds of typing are written here and now.
        if not isValid(self) or not self.household_id or not self.has_unsaved_changes() \
                or self._saving:
            return
        with contextlib.suppress(Exception):  # quitting: nobody is left to tell
            save_draft(self.ctx.store, _draft_key(self.household_id), DRAFT_KIND,
                       self._draft_data())

    def hideEvent(self, event: QHideEvent) -> None:
        if self.draft_timer.isActive():
            self._save_draft()  # leaving the page: keep the last second of typing too
        super().hideEvent(event)

    def _restore_draft(self, household_id: str, draft: dict[str, Any] | None) -> None:
        if not draft or household_id != self.household_id or self.has_unsaved_changes():
            return
        if int(draft.get("captured") or 0) <= self._saved_from.get(household_id, -1):
            # Typed before a save that has since succeeded: not unsaved any more; its write
            # outran the save's clean-up, so clean up again.
            self.ctx.tasks.run(delete_draft, self.ctx.store, _draft_key(household_id))
            return
        self._restoring = True
        for tab in self._parts:
            if tab.draft_key:
                tab.restore(draft.get(tab.draft_key))
        self._restoring = False
        self._update_state()
        if self.has_unsaved_changes():
            self.state_label.setProperty("alert", "amber")
            self.state_label.setText(self.tr("已恢复上次未保存的修改，请保存或放弃"))
            self._fit_header()

    # ------------------------------------------------------------------ saving

    def problems(self) -> list[str]:
        """Names of the fields that are wrong now (each shows its message)."""
        return [name for tab in self._parts for name in tab.problems()]

    def save(self) -> None:
        """Save every change of this household at once; nothing if any field is wrong."""
        if self.detail is None or self._saving:
            return
        wrong = self.problems()
        if wrong:
            self._say(self.tr("有 %n 处填写有误，改正后再保存", "", len(wrong)), "red")
            first = wrong[0]
            tab = next(t for t in self._parts if t.owns(first))
            self.show_tab(self.tabs.indexOf(tab))
            tab.focus_field(first)
            return
        changed = self.basic.changes()
        income = self.income.changes()
        rights = self.rights_tab.changes()
        if not (changed or income or rights):
            self._say(self.tr("没有需要保存的修改"), None)
            return
        self._saving = True
        self._update_state()
        self._say(self.tr("正在保存…"), None)
        self.draft_timer.stop()
        household_id = self.household_id
        self._save_started = time.monotonic_ns()
        self.ctx.tasks.run(save_household_edits, self.ctx.store, household_id, changed, income,
                           rights, done=self._saved, failed=self._save_failed)

    def _say(self, text: str, level: str | None) -> None:
        self.state_label.setProperty("alert", level)
        self.state_label.setText(text)
        self.state_label.style().unpolish(self.state_label)
        self.state_label.style().polish(self.state_label)
        self._fit_header()

    def _saved(self, saved: SavedEdits) -> None:
        self._saving = False
        # Drafts captured before this save are stale, whichever thread writes or reads them
        # last (the mouse-speed save found in a walkthrough restored the refused value).
        self._saved_from[saved.household_id] = self._save_started
        self.ctx.tasks.run(delete_draft, self.ctx.store, _draft_key(saved.household_id))
        # What was typed is now what is stored: the page is clean until reloaded.
        for tab in self._parts:
            tab.mark_saved()
        self._own_change = True  # this page reloads itself below
        try:
            self.ctx.data_changed(*(saved.entities or {"household"}))
        finally:
            self._own_change = False
        self._notice = self.tr("已保存")
        self.load(saved.household_id)

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        self._update_state()
        if isinstance(exc, DomainError):
            message = exc.message(self.ctx.lang)
            for tab in self._parts:
                if tab.show_problem(exc.field_name or "", message):
                    break
            self._say(message, "red")
        else:
            self._say(self.tr("保存失败，数据没有改动，请再试一次"), "red")

    def _data_changed(self, entities: set[str]) -> None:
        if self._own_change or not entities & DETAIL_ENTITIES or self.household_id is None:
            return
        if self.isVisible() and not self.has_unsaved_changes():
            self.load(self.household_id)
        else:
            self._stale = True
