"""同步: network sync with the county's server, the conflict queue, USB transfer, and what
is waiting to be sent.

The 网络同步 group shows the server, the account (login dialog), the last sync and the
outbox; 立即同步 runs a sync off the GUI thread with progress and cancel (through the
window's one :class:`~..sync_controller.SyncController`, which also syncs by itself in the
background). Conflicts wait behind a button with their count. Where there is no network,
changes travel by USB drive (bundles): export, import, and this laptop's key fingerprint
for a supervisor to compare.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...domain.entities import ENTITIES
from ...store.held import HeldChange, held
from ...store.outbox import pending_by_entity
from ...store.outbox import rejections as all_rejections
from ...store.rejections import RejectionGroup, group_rejections
from ...store.setup import is_demo
from ...store.store import Store
from ...store.sync_status import RejectionView, SyncOverview, list_rejections, overview
from ...sync.errors import BundleError, PasswordNeeded, message_in
from ...sync.session import SyncReport
from ..bundle_dialogs import ExportDialog, ImportDialog, own_fingerprint
from ..columns import fit_columns_to_text
from ..conflict_review import ConflictReviewDialog
from ..context import AppContext
from ..sync_controller import sync_controller
from ..sync_login import LoginDialog
from ..sync_progress import phase_words, show_progress, sync_word
from ..widgets import (
    ReflowRow,
    accent_button,
    alert_badge,
    empty_state,
    field_error,
    page_title,
)
from .base import Page


def rejection_summary(store: Store, lang: str) -> tuple[list[RejectionGroup], list[RejectionView]]:
    """Every refused change grouped by reason (the largest group first, each with a few
    examples), and the newest refusals one per record (a plain job)."""
    return (group_rejections(store, all_rejections(store), lang=lang),
            list_rejections(store, lang=lang))


class SyncPage(Page):
    """Network sync, conflicts, USB transfer and the outbox of this laptop."""

    name = "sync"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.sync = sync_controller(ctx)
        self.info: SyncOverview | None = None
        self.login_dialog: LoginDialog | None = None
        self.conflict_dialog: ConflictReviewDialog | None = None
        self.last_report: SyncReport | None = None
        # On a small screen (1024×600) with refused changes listed the groups need more
        # height than there is: the page scrolls instead of crushing them.
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        content = QWidget()
        scroll.setWidget(content)
        outer.addWidget(scroll)
        layout = QVBoxLayout(content)
        layout.addWidget(page_title(self.tr("同步")))
        # The network group and the outbox side by side, USB transfer below.
        self.top = QHBoxLayout()
        self.top.addWidget(self._build_network(), 3)
        layout.addLayout(self.top)
        self.page_layout = layout
        layout.addWidget(self._build_rejections())
        layout.addWidget(self._build_held())

        usb = QGroupBox(self.tr("U盘传输"))
        usb_layout = QVBoxLayout(usb)
        hint = QLabel(self.tr(
            "没有网络时，把本机的更改导出到U盘带给乡镇或县里；收到的数据包从U盘导入。"))
        hint.setWordWrap(True)
        usb_layout.addWidget(hint)
        buttons = QHBoxLayout()
        self.export_button = QPushButton(self.tr("导出到U盘…"))
        self.import_button = QPushButton(self.tr("从U盘导入…"))
        self.export_button.clicked.connect(self.open_export)
        self.import_button.clicked.connect(self.open_import)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        usb_layout.addLayout(buttons)
        device_title = QLabel(self.tr("设备编号："))
        self.device_label = QLabel(ctx.store.device_id)
        self.device_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        fingerprint_title = QLabel(self.tr("本机指纹："))
        self.fingerprint_label = QLabel()
        self.fingerprint_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.fingerprint_label.font()
        font.setFamily("monospace")
        font.setBold(True)
        self.fingerprint_label.setFont(font)
        self.fp_note = QLabel(self.tr("（对方首次导入本机的数据包时，需要与此核对）"))
        self.fp_note.setWordWrap(True)  # two lines rather than a page wider than the screen
        self.key_error = field_error()
        # Device and fingerprint side by side, or one under the other on a narrow screen.
        usb_layout.addWidget(ReflowRow([
            [(device_title, 0), (self.device_label, 0)],
            [(fingerprint_title, 0), (self.fingerprint_label, 0), (self.fp_note, 1),
             (self.key_error, 1)]]))
        layout.addWidget(usb)
        self.export_dialog: ExportDialog | None = None
        self.import_dialog: ImportDialog | None = None

        box = QGroupBox(self.tr("待同步的更改"))
        inner = QVBoxLayout(box)
        self.total_label = QLabel()
        inner.addWidget(self.total_label)
        self.model = QStandardItemModel(0, 2, self)
        self.model.setHorizontalHeaderLabels([self.tr("记录类型"), self.tr("更改数")])
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        fit_columns_to_text(self.table, stretch_column=1)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        inner.addWidget(self.table)
        self.empty = empty_state(self.tr("没有待发送的更改。"))
        inner.addWidget(self.empty)
        self.top.addWidget(box, 2)
        layout.addStretch(0)  # the room below when no refusals are listed

    def _build_network(self) -> QGroupBox:
        group = QGroupBox(self.tr("网络同步"))
        outer = QVBoxLayout(group)
        form = QFormLayout()
        form.setHorizontalSpacing(12)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.server_label = QLabel()
        self.server_label.setWordWrap(True)
        self.server_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        account_row = QHBoxLayout()
        self.account_label = QLabel()
        self.login_button = QPushButton(self.tr("登录…"))
        self.login_button.clicked.connect(self.open_login)
        account_row.addWidget(self.account_label)
        account_row.addSpacing(8)
        account_row.addWidget(self.login_button)
        account_row.addStretch(1)
        self.scope_label = QLabel()
        self.scope_label.setWordWrap(True)
        self.last_label = QLabel()
        self.pending_label = QLabel()
        form.addRow(self.tr("服务器："), self.server_label)
        form.addRow(self.tr("账号："), account_row)
        form.addRow(self.tr("管辖范围："), self.scope_label)
        form.addRow(self.tr("上次同步："), self.last_label)
        form.addRow(self.tr("待同步："), self.pending_label)
        outer.addLayout(form)

        run_row = QHBoxLayout()
        self.sync_button = accent_button(self.tr("立即同步"))
        self.sync_button.setToolTip(self.tr("把本机的更改发送到服务器，并取回别人的更改"))
        self.sync_button.clicked.connect(self.sync_now)
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.clicked.connect(self.cancel_sync)
        self.cancel_button.hide()
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(14)
        self.progress.hide()
        self.phase_label = QLabel()
        self.phase_label.setObjectName("tileLabel")
        run_row.addWidget(self.sync_button)
        run_row.addWidget(self.cancel_button)
        run_row.addWidget(self.progress, 1)
        run_row.addWidget(self.phase_label, 1)
        run_row.addStretch(0)  # takes the room while the progress bar is hidden
        outer.addLayout(run_row)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.hide()
        outer.addWidget(self.result_label)
        self.rejected_label = alert_badge("", "red")
        self.rejected_label.setWordWrap(True)
        self.rejected_label.hide()
        outer.addWidget(self.rejected_label)
        self.error_label = field_error()
        outer.addWidget(self.error_label)

        conflicts_row = QHBoxLayout()
        self.conflict_badge = alert_badge("", "amber")
        self.conflict_badge.hide()
        self.conflicts_button = QPushButton(self.tr("处理冲突…"))
        self.conflicts_button.setToolTip(self.tr("两台电脑同时修改了同一项内容时，在这里确认要用哪个值"))
        self.conflicts_button.clicked.connect(self.open_conflicts)
        self.no_conflicts = QLabel(self.tr("没有待处理的冲突"))
        self.no_conflicts.setObjectName("tileLabel")
        conflicts_row.addWidget(self.conflict_badge)
        conflicts_row.addWidget(self.conflicts_button)
        conflicts_row.addWidget(self.no_conflicts)
        conflicts_row.addStretch(1)
        outer.addLayout(conflicts_row)

        auto_row = QHBoxLayout()
        self.auto_box = QCheckBox(self.tr("有网络时自动同步（每10分钟）"))
        self.auto_box.setChecked(self.sync.auto_enabled)
        self.auto_box.toggled.connect(self._auto_toggled)
        auto_row.addWidget(self.auto_box)
        auto_row.addStretch(1)
        outer.addLayout(auto_row)
        outer.addStretch(1)

        self.sync.sig_started.connect(self._started)
        self.sync.sig_progress.connect(self._progress)
        self.sync.sig_finished.connect(self._finished)
        self.sync.sig_failed.connect(self._failed)
        if self.sync.running:
            self._started(False)
        return group

    def _build_rejections(self) -> QGroupBox:
        self.rejections_box = QGroupBox(self.tr("服务器没有接受的更改"))
        inner = QVBoxLayout(self.rejections_box)
        hint = QLabel(self.tr("这些更改只保存在本机。原因多为不在您的管辖范围或您的角色不能修改，"
                              "如需更正请联系县里的管理员。"))
        hint.setWordWrap(True)
        hint.setObjectName("tileLabel")
        inner.addWidget(hint)
        # One line per reason (count, reason, a few examples), as `workteam sync` prints
        # them; the whole list behind a button.
        self.groups_box = QVBoxLayout()
        self.groups_box.setSpacing(2)
        inner.addLayout(self.groups_box)
        self.group_labels: list[QLabel] = []
        self._rejection_rows = 0
        toggle_row = QHBoxLayout()
        self.all_rejections_button = QPushButton()
        self.all_rejections_button.setCheckable(True)
        self.all_rejections_button.toggled.connect(self._show_all_rejections)
        toggle_row.addWidget(self.all_rejections_button)
        toggle_row.addStretch(1)
        inner.addLayout(toggle_row)
        self.rejections_model = QStandardItemModel(0, 4, self)
        self.rejections_model.setHorizontalHeaderLabels(
            [self.tr("记录类型"), self.tr("记录"), self.tr("原因"), self.tr("时间")])
        self.rejections_table = QTableView()
        self.rejections_table.setModel(self.rejections_model)
        self.rejections_table.setAlternatingRowColors(True)
        self.rejections_table.verticalHeader().hide()
        self.rejections_table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.rejections_table.setWordWrap(False)
        fit_columns_to_text(self.rejections_table, stretch_column=2)  # 原因 takes the rest
        inner.addWidget(self.rejections_table)
        self.rejections_table.hide()
        self.rejections_box.hide()
        return self.rejections_box

    def _build_held(self) -> QGroupBox:
        """Received changes this program cannot apply: kept aside, the sync went on."""
        self.held_box = QGroupBox(self.tr("暂存的下载更改"))
        inner = QVBoxLayout(self.held_box)
        hint = QLabel(self.tr(
            "这些更改来自服务器或数据包，本版本程序无法应用（可能来自更新版本的程序，或数据有误），"
            "已单独存放，同步照常进行；升级程序后会自动重试。如一直存在，请告诉县里的管理员。"))
        hint.setWordWrap(True)
        hint.setObjectName("tileLabel")
        inner.addWidget(hint)
        self.held_label = QLabel()
        self.held_label.setWordWrap(True)
        self.held_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        inner.addWidget(self.held_label)
        self.held_box.hide()
        return self.held_box

    def _show_held(self, found: list[HeldChange]) -> None:
        self.held_box.setVisible(bool(found))
        if not found:
            return
        lines = [self.tr("共 {n} 条").format(n=len(found))]
        lines += [f"{ENTITIES.label(h.entity, self.ctx.lang)} {h.row_id[:13]}：{h.reason}"
                  for h in found[:5]]
        if len(found) > 5:
            lines.append("…")
        self.held_label.setText("\n".join(lines))

    def title(self) -> str:
        return self.tr("同步")

    def activate(self, **params: Any) -> None:
        self.refresh()
        if not self.fingerprint_label.text() and self.key_error.isHidden():
            self.ctx.tasks.run(own_fingerprint, self.ctx.store, done=self._show_fingerprint,
                               failed=self._fingerprint_failed)

    def refresh(self) -> None:
        """Re-read account, last sync, outbox and conflicts (off the GUI thread)."""
        self.ctx.tasks.run(overview, self.ctx.store, done=self._show_overview)
        self.ctx.tasks.run(rejection_summary, self.ctx.store, self.ctx.lang,
                           done=self._show_rejections)
        self.ctx.tasks.run(pending_by_entity, self.ctx.store, done=self._show_pending)
        self.ctx.tasks.run(held, self.ctx.store, done=self._show_held)

    def _show_overview(self, info: SyncOverview) -> None:
        self.info = info
        logged_in = bool(info.server_url)
        self.server_label.setText(info.server_url if logged_in else self.tr(
            "尚未登录。有网络时，点“登录…”填写县里提供的服务器地址和账号。"))
        roles = {"member": self.tr("工作队员"), "supervisor": self.tr("督导"),
                 "admin": self.tr("管理员")}
        if logged_in:
            role = roles.get(info.role, info.role)
            self.account_label.setText(self.tr("{user}（{role}）").format(
                user=info.username, role=role) if role else info.username)
        else:
            self.account_label.setText(self.tr("未登录"))
        self.login_button.setText(self.tr("切换账号…") if logged_in else self.tr("登录…"))
        names = [name or code for code, name in info.scopes]
        if not logged_in:
            self.scope_label.setText("—")
        elif info.role == "admin":
            self.scope_label.setText(self.tr("全部地区"))
        else:
            shown = "、".join(names[:6])
            self.scope_label.setText(self.tr("{names} 等 {n} 处").format(names=shown, n=len(names))
                                     if len(names) > 6 else (shown or self.tr("未分配")))
        if info.last_sync_at is not None:
            self.last_label.setText(info.last_sync_at.astimezone().strftime("%Y-%m-%d %H:%M"))
        else:
            self.last_label.setText(self.tr("从未同步"))
        self.pending_label.setText(self.tr("%Ln 条更改", "", info.pending))
        if info.last_error and not self.sync.running and self.error_label.isHidden():
            self.error_label.setText(self.tr("上次同步未完成：{message}").format(
                message=info.last_error))
            self.error_label.show()
        self.sync_button.setEnabled(logged_in and not self.sync.running)
        if is_demo(self.ctx.store):
            # Made-up households never go to a county's server: say so before anyone tries.
            self.server_label.setText(self.tr(
                "这是演示数据（虚构农户），不会同步到服务器。正式使用请在新的数据目录中开始。"))
            self.login_button.setEnabled(False)
            self.sync_button.setEnabled(False)
        self._show_conflict_count(info.open_conflicts)

    def _show_rejections(self, summary: tuple[list[RejectionGroup], list[RejectionView]]) -> None:
        groups, rejections = summary
        for label in self.group_labels:
            label.deleteLater()
        self.group_labels = []
        for g in groups:
            line = self.tr("{n} 条：{reason}").format(n=f"{g.count:,}", reason=g.reason)
            if g.examples:
                line += self.tr("（例如 {examples}）").format(examples="；".join(g.examples))
            label = QLabel(line)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.groups_box.addWidget(label)
            self.group_labels.append(label)
        self._rejection_rows = len(rejections)
        self._label_all_button()
        self.rejections_model.setRowCount(0)
        for r in rejections:
            when = r.at.astimezone().strftime("%Y-%m-%d %H:%M") if r.at else ""
            items = [QStandardItem(r.entity_label), QStandardItem(r.row_label),
                     QStandardItem(r.reason), QStandardItem(when)]
            items[2].setToolTip(r.reason)
            self.rejections_model.appendRow(items)
        self.rejections_box.setVisible(bool(rejections))

    def _label_all_button(self) -> None:
        n = self._rejection_rows
        self.all_rejections_button.setText(
            self.tr("收起逐条列表") if self.all_rejections_button.isChecked()
            else self.tr("逐条查看（%Ln 条记录）…", "", n))

    def _show_all_rejections(self, on: bool) -> None:
        self.rejections_table.setVisible(on)
        # The list takes the room below when open; the reason lines alone stay compact.
        self.page_layout.setStretchFactor(self.rejections_box, 1 if on else 0)
        self._label_all_button()

    def _show_conflict_count(self, n: int) -> None:
        self.conflict_badge.setText(self.tr("%Ln 处冲突待处理", "", n))
        self.conflict_badge.setVisible(n > 0)
        self.conflicts_button.setVisible(n > 0)
        self.no_conflicts.setVisible(n == 0)

    # ------------------------------------------------------------------ network sync

    def sync_now(self, password: str | None = None) -> None:
        """Start a sync now (the button); the controller refuses a second one."""
        self.error_label.hide()
        self.sync.sync_now(password if isinstance(password, str) else None)

    def cancel_sync(self) -> None:
        """Stop the running sync after its current batch (what was sent stays sent)."""
        self.cancel_button.setEnabled(False)
        self.phase_label.setText(self.tr("正在取消…"))
        self.sync.cancel()

    def _started(self, _automatic: bool) -> None:
        self.sync_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.cancel_button.show()
        self.progress.setRange(0, 0)
        self.progress.show()
        self.phase_label.setText(self.tr("正在连接服务器…"))
        self.result_label.hide()
        self.rejected_label.hide()
        self.error_label.hide()

    def _progress(self, done: int, total: int | None, phase: str) -> None:
        if not self.cancel_button.isEnabled():
            return  # cancelling: keep saying so until the batch in flight is done
        show_progress(self.progress, self.phase_label, done, total,
                      phase_words().get(phase) or sync_word())

    def _stopped(self) -> None:
        self.cancel_button.hide()
        self.progress.hide()
        self.phase_label.clear()
        self.sync_button.setEnabled(True)
        self.refresh()

    def _finished(self, report: SyncReport) -> None:
        self.last_report = report
        self._stopped()
        done = self.tr("同步完成：上传 {pushed} 条更改，收到 {applied} 条新更改。").format(
            pushed=f"{report.pushed + report.duplicates:,}", applied=f"{report.applied:,}")
        if report.snapshot_rows:
            done += self.tr("另从服务器的数据快照载入 {rows} 条记录。").format(
                rows=f"{report.snapshot_rows:,}")
        self.result_label.setText(done)
        self.result_label.show()
        if report.rejected:
            reasons = "；".join(dict.fromkeys(r.get("reason", "") for r in report.rejections))
            self.rejected_label.setText(self.tr(
                "{n} 条更改被服务器拒绝：{reasons}（见下方列表）").format(
                    n=f"{report.rejected:,}", reasons=reasons))
            self.rejected_label.show()

    def _failed(self, exc: BaseException) -> None:
        self._stopped()
        message = message_in(exc, self.ctx.lang)
        self.error_label.setText(message)
        self.error_label.show()
        # Ask only when a person pressed 立即同步: never pop up after an automatic try.
        if isinstance(exc, PasswordNeeded) and self.isVisible() and not self.sync.automatic:
            self.ask_password()

    def ask_password(self) -> None:
        """No keyring keeps the login: ask for the password and sync with it once."""
        password, ok = QInputDialog.getText(
            self, self.tr("输入密码"), self.tr("本机无法保存登录，请输入同步密码："),
            QLineEdit.EchoMode.Password)
        if ok and password:
            self.sync_now(password)

    def _auto_toggled(self, on: bool) -> None:
        self.sync.set_auto_enabled(on)

    def open_login(self) -> None:
        """Open the login dialog; a successful login syncs at once."""
        info = self.info
        server = info.server_url if info and info.server_url else self.ctx.app_settings.server_url
        self.login_dialog = LoginDialog(self.ctx, server, info.username if info else "", self)
        self.login_dialog.accepted.connect(self._logged_in)
        self.login_dialog.open()

    def _logged_in(self) -> None:
        self.refresh()
        self.sync.person_acted()
        self.sync_now()

    def open_conflicts(self) -> None:
        """Open the conflict review (window-modal, so the page stays responsive)."""
        self.conflict_dialog = ConflictReviewDialog(self.ctx, self)
        self.conflict_dialog.sig_resolved.connect(self._show_conflict_count)
        self.conflict_dialog.finished.connect(lambda _r: self.refresh())
        self.conflict_dialog.open()
        self.conflict_dialog.load()

    # ------------------------------------------------------------------ USB

    def _show_fingerprint(self, fp: str) -> None:
        self.fingerprint_label.setText(fp)

    def _fingerprint_failed(self, exc: BaseException) -> None:
        # Without a keyring there are no device keys: bundles cannot be signed either.
        self.key_error.setText(message_in(exc, self.ctx.lang) if isinstance(exc, BundleError)
                               else self.tr("无法读取本机密钥，U盘传输暂不可用。"))
        self.key_error.show()
        self.fingerprint_label.hide()
        self.fp_note.hide()

    def open_export(self) -> None:
        """Open the 导出到U盘 dialog (window-modal, so tests and the page stay responsive)."""
        self.export_dialog = ExportDialog(self.ctx, self)
        self.export_dialog.finished.connect(lambda _r: self.activate())
        self.export_dialog.open()

    def open_import(self) -> None:
        """Open the 从U盘导入 dialog."""
        self.import_dialog = ImportDialog(self.ctx, self)
        self.import_dialog.open()

    def _show_pending(self, counts: dict[str, int]) -> None:
        self.model.setRowCount(0)
        for entity, n in counts.items():
            name = QStandardItem(ENTITIES.label(entity, self.ctx.lang))
            value = QStandardItem(f"{n:,}")
            value.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.model.appendRow([name, value])
        total = sum(counts.values())
        self.total_label.setText(self.tr("共 %Ln 条更改尚未同步", "", total))
        self.total_label.setVisible(bool(counts))
        self.table.setVisible(bool(counts))
        self.empty.setVisible(not counts)
