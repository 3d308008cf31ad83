"""One task runner for work that must not run on the GUI thread.

Jobs are plain functions, testable without Qt. A long job takes a :class:`JobState` as
its first argument to report progress and notice a cancel; results and errors come back
on the GUI thread through signals. The runner counts running tasks so the window can
wait for them before closing (and tests can fail a test that leaves one running).
"""

from __future__ import annotations

import gc
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class Cancelled(Exception):
    """Raised inside a job when the user cancelled it."""


class JobState:
    """What a long job sees of the GUI: progress to report, a cancel to notice."""

    def __init__(self, on_progress: Callable[[int, int, str], None] | None = None) -> None:
        self._cancel = threading.Event()
        self._on_progress = on_progress

    def set_progress(self, done: int, total: int, text: str = "") -> None:
        """Report progress; raises :class:`Cancelled` if the user cancelled."""
        if self._on_progress is not None:
            self._on_progress(done, total, text)
        self.check()

    def is_cancelled(self) -> bool:
        """True once the user asked to cancel."""
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` if the user cancelled."""
        if self._cancel.is_set():
            raise Cancelled

    def cancel(self) -> None:
        """Ask the job to stop at its next check."""
        self._cancel.set()


class _Signals(QObject):
    sig_done = Signal(object)
    sig_failed = Signal(object)
    sig_progress = Signal(int, int, str)
    sig_finished = Signal()


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self._fn = fn
        self._signals = signals

    def run(self) -> None:  # runs on a pool thread
        try:
            result = self._fn()
        except BaseException as exc:
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self._signals.sig_failed.emit(exc)
        else:
            self._signals.sig_done.emit(result)
        finally:
            self._signals.sig_finished.emit()


class TaskHandle:
    """A started task: cancel it, or ask whether it has finished."""

    def __init__(self, state: JobState) -> None:
        self.state = state
        self.finished = False

    def cancel(self) -> None:
        """Ask the job to stop."""
        self.state.cancel()


class TaskRunner(QObject):
    """Runs jobs on a thread pool and calls back on the GUI thread."""

    sig_busy_changed = Signal(int)

    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._active: set[_Signals] = set()

    @property
    def active_count(self) -> int:
        """How many tasks are running or queued."""
        return len(self._active)

    def run(self, fn: Callable[..., Any], *args: Any,
            done: Callable[[Any], None] | None = None,
            failed: Callable[[BaseException], None] | None = None,
            progress: Callable[[int, int, str], None] | None = None,
            with_state: bool = False, **kwargs: Any) -> TaskHandle:
        """Run ``fn(*args, **kwargs)`` off the GUI thread (``fn(state, *args)`` if
        ``with_state``); ``done(result)`` or ``failed(error)`` run on the GUI thread."""
        signals = _Signals()
        state = JobState(signals.sig_progress.emit)
        handle = TaskHandle(state)
        if done is not None:
            signals.sig_done.connect(done)
        if failed is not None:
            signals.sig_failed.connect(failed)
        if progress is not None:
            signals.sig_progress.connect(progress)

        def finished() -> None:
            handle.finished = True
            self._active.discard(signals)
            if not self._active:
                gc.unfreeze()
            self.sig_busy_changed.emit(len(self._active))

        signals.sig_finished.connect(finished)
        if not self._active:
            # While work runs off the GUI thread, the objects the GUI already holds are set
            # aside from the cyclic collector: a full collection triggered by the work's own
            # allocations (a sync's pages, an import's rows) would otherwise rescan all of
            # them while holding the GIL, and the window froze for 0.3-1 s at a time
            # (measured during a sync of a demo county). Collected again once all work ended.
            gc.freeze()
        self._active.add(signals)
        self.sig_busy_changed.emit(len(self._active))
        call = (lambda: fn(state, *args, **kwargs)) if with_state else (lambda: fn(*args, **kwargs))
        self._pool.start(_Runnable(call, signals))
        return handle

    def wait(self, msecs: int = 30000) -> bool:
        """Wait for every task's thread to finish (at shutdown); True if all did."""
        return self._pool.waitForDone(msecs)
