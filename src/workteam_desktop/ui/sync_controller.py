"""Network sync as the GUI runs it: one sync at a time, off the GUI thread, by a button or
by itself in the background.

The 同步 page and the status bar share one :class:`SyncController` (one per AppContext,
see :func:`sync_controller`). It runs ``sync.session.sync_once`` through the task runner
with progress and cancel, and schedules the next automatic sync with
``sync.schedule.Schedule`` (every 10 minutes when fine, backing off after failures,
waiting for a person when only a person can help). Automatic sync can be switched off
(setting ``sync/auto``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from ..domain.entities import ENTITIES
from ..store import sync_state
from ..store.store import Store
from ..sync import errors
from ..sync.schedule import START_DELAY_S, Outcome, Schedule
from .context import AppContext
from .tasks import JobState, TaskHandle

if TYPE_CHECKING:
    from ..sync.session import SyncReport

log = logging.getLogger(__name__)

AUTO_SETTING = "sync/auto"

# Failures only a person can fix: no automatic retry until they act.
# Errors a retry cannot fix: a person must act (a password, a new login, https or the
# county's certificate).
_NEEDS_PERSON = (errors.PasswordNeeded, errors.TokenRevoked, errors.NotLoggedIn,
                 errors.BadCredentials, errors.PlainHttpRefused, errors.CertificateRefused,
                 errors.DemoHome, errors.DeviceTaken)


def run_sync(state: JobState, store: Store, password: str | None,
             progress: Callable[[int, int | None, str], None]) -> SyncReport:
    """One sync with the stored account (a plain job: runs on a pool thread); it stops
    after the current batch once ``state`` is cancelled."""
    # Imported here: the HTTP client and the sync are not needed to show the window (a
    # tenth of the start-up time on a county laptop).
    from ..sync.account import Account
    from ..sync.session import sync_once

    return sync_once(store, Account.load(store), progress=progress,
                     cancel=state.is_cancelled, password=password)


def account_state(store: Store) -> tuple[bool, dt.datetime | None]:
    """Whether this data home has a server account, and when it last synced (a plain job)."""
    state = sync_state.read_all(store)
    last = state.get(sync_state.LAST_SYNC_AT)
    when = dt.datetime.fromisoformat(last) if last else None
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return bool(state.get(sync_state.SERVER_URL) and state.get(sync_state.USERNAME)), when


class SyncController(QObject):
    """Starts syncs, reports their progress and outcome, and schedules automatic ones."""

    sig_started = Signal(bool)  # automatic?
    sig_progress = Signal(int, object, str)  # done, total (None: unknown), phase
    sig_finished = Signal(object)  # SyncReport
    sig_failed = Signal(object)  # SyncError (its .message is for the user)
    sig_status_changed = Signal()  # status / status_text changed
    # From the pool thread; delivered on the GUI thread (queued: this object lives there).
    _sig_worker_progress = Signal(int, object, str)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.schedule = Schedule()
        self.status = "idle"  # idle, syncing, ok, offline, error, needs_person
        self.last_sync_at: dt.datetime | None = None  # UTC, the last sync that went well
        self.last_error = ""
        self._handle: TaskHandle | None = None
        self.automatic = False  # whether the running (or last) sync started by itself
        self._needs_password = False  # no keyring: each sync needs the password typed
        self._shut = False
        self._planned_s = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._auto_tick)
        self._sig_worker_progress.connect(self.sig_progress)

    # ------------------------------------------------------------------ state

    @property
    def running(self) -> bool:
        """True while a sync runs."""
        return self._handle is not None

    @property
    def auto_enabled(self) -> bool:
        """Whether syncs start by themselves (the setting, on unless switched off)."""
        value = self.ctx.settings.value(AUTO_SETTING, True)
        return value not in (False, "false", "0", 0)

    def set_auto_enabled(self, on: bool) -> None:
        """Switch automatic sync on or off (remembered)."""
        self.ctx.settings.setValue(AUTO_SETTING, bool(on))
        if on:
            self.schedule = Schedule(self.schedule.failures)
            self.start_auto()
        else:
            self._timer.stop()

    def person_acted(self) -> None:
        """A person logged in again: automatic syncs resume at the normal pace."""
        self.schedule = Schedule()

    def next_auto_in(self) -> int | None:
        """Seconds from when the next automatic sync was planned to when it runs (None:
        none planned)."""
        return self._planned_s if self._timer.isActive() else None

    def status_text(self) -> str:
        """For the status bar: 同步中…, 已同步 10:24, 离线, 上次同步：…"""
        if self.status == "syncing":
            return self.tr("同步中…")
        if self.status == "offline":
            return self.tr("离线")
        if self.status == "error":
            return self.tr("同步出错")
        if self.status == "needs_person":
            if self._needs_password:
                return self.tr("同步需要输入密码")
            return self.tr("同步需要登录")
        last = self.last_sync_at.astimezone() if self.last_sync_at is not None else None
        if self.status == "ok" and last is not None:
            if last.date() == dt.date.today():
                return self.tr("已同步 {time}").format(time=last.strftime("%H:%M"))
            return self.tr("已同步 {time}").format(time=last.strftime("%Y-%m-%d %H:%M"))
        if last is None:
            return self.tr("上次同步：从未同步")
        return self.tr("上次同步：{time}").format(time=last.strftime("%Y-%m-%d %H:%M"))

    def _set_status(self, status: str) -> None:
        self.status = status
        self.sig_status_changed.emit()

    # ------------------------------------------------------------------ running

    def start_auto(self, delay_s: int = START_DELAY_S) -> None:
        """Read the account and last sync; plan the first automatic sync (when logged in
        and switched on)."""
        if self._shut:
            return
        self.ctx.tasks.run(account_state, self.ctx.store,
                           done=lambda state: self._account_read(state, delay_s))

    def _account_read(self, state: tuple[bool, dt.datetime | None], delay_s: int) -> None:
        logged_in, last = state
        if last is not None and (self.last_sync_at is None or last > self.last_sync_at):
            self.last_sync_at = last
        self.sig_status_changed.emit()
        if logged_in:
            self._arm(delay_s)

    def _arm(self, delay_s: int | None) -> None:
        if self._shut or delay_s is None or not self.auto_enabled:
            return
        self._planned_s = delay_s
        self._timer.start(delay_s * 1000)

    def _auto_tick(self) -> None:
        if not self.running:
            self.sync_now(automatic=True)

    def sync_now(self, password: str | None = None, *, automatic: bool = False) -> bool:
        """Start a sync; False when one is running already (never two at once)."""
        if self.running or self._shut:
            return False
        self._timer.stop()
        self.automatic = automatic
        self.last_error = ""
        self._set_status("syncing")
        self._handle = self.ctx.tasks.run(
            run_sync, self.ctx.store, password, self._sig_worker_progress.emit,
            with_state=True, done=self._done, failed=self._failed)
        self.sig_started.emit(automatic)
        return True

    def cancel(self) -> None:
        """Ask the running sync to stop after its current batch."""
        if self._handle is not None:
            self._handle.cancel()

    def shutdown(self) -> None:
        """At exit: no new syncs; the running one stops after its batch."""
        self._shut = True
        self._timer.stop()
        self.cancel()

    def _done(self, report: SyncReport) -> None:
        self._handle = None
        self.last_sync_at = dt.datetime.now(dt.UTC)
        self.schedule = self.schedule.after(Outcome.OK)
        self._set_status("ok")
        self.sig_finished.emit(report)
        if report.applied:
            self.ctx.data_changed(*ENTITIES.codes())  # anything may have changed
        elif report.pushed or report.rejected or report.duplicates:
            self.ctx.data_changed("household", "visit")  # their sync column changed
        self._arm(self.schedule.next_delay())

    def _failed(self, exc: BaseException) -> None:
        self._handle = None
        if not isinstance(exc, errors.SyncError):
            # A bug, not the network: keep the details in the log, say it plainly.
            log.error("sync failed: %s", getattr(exc, "__traceback_text__", repr(exc)))
            exc = errors.SyncError(self.tr("同步失败，请稍后重试；如果一再出现，请导出诊断包交给管理员"))
        self.last_error = exc.message  # type: ignore[attr-defined]
        if isinstance(exc, errors.SyncCancelled):
            self._set_status("idle")
        elif isinstance(exc, _NEEDS_PERSON):
            self._needs_password = isinstance(exc, errors.PasswordNeeded)
            self.schedule = self.schedule.after(Outcome.NEEDS_PERSON)
            self._set_status("needs_person")
        else:
            self.schedule = self.schedule.after(Outcome.FAILED)
            self._set_status("offline" if isinstance(exc, errors.ServerUnreachable) else "error")
        self.sig_failed.emit(exc)
        self._arm(self.schedule.next_delay())


def sync_controller(ctx: AppContext) -> SyncController:
    """The one controller of ``ctx`` (made on first use; lives as long as ``ctx``)."""
    found = ctx.findChild(SyncController)
    if found is None:
        found = SyncController(ctx, ctx)
    return found
