"""The idle lock: after N minutes without a key press or a mouse move the main window
hides every record behind a lock screen that asks for the local password.

Nothing is closed or reloaded: the pages stay as they were, unsaved edits included
(drafts are kept as always), only hidden. Without a local password set the window does
not lock (the settings page says so and offers to set one).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)

from ..store.lock import check_lock_password, has_lock_password
from ..store.store import Store
from .widgets import accent_button, field_error

_ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
             QEvent.Type.Wheel, QEvent.Type.TouchBegin}


class IdleWatcher(QObject):
    """Emits ``idle`` once the application saw no input for ``minutes``."""

    idle = Signal()

    def __init__(self, minutes: int | Callable[[], int], parent: QObject | None = None) -> None:
        super().__init__(parent)
        # A number, or where to read it (the settings page changes it while running).
        self._minutes = minutes
        self.last_input = time.monotonic()
        self._timer = QTimer(self)
        self._timer.setInterval(5000)
        self._timer.timeout.connect(self.check)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._timer.start()

    @property
    def minutes(self) -> int:
        """The idle limit now (0: never lock)."""
        return self._minutes() if callable(self._minutes) else self._minutes

    @minutes.setter
    def minutes(self, value: int) -> None:
        self._minutes = value

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY:
            self.last_input = time.monotonic()
        return False

    def check(self, now: float | None = None) -> None:
        """Emit ``idle`` when the input is older than the limit."""
        now = time.monotonic() if now is None else now
        if self.minutes > 0 and now - self.last_input >= self.minutes * 60:
            self.last_input = now  # once per idle spell
            self.idle.emit()


class LockScreen(QWidget):
    """Covers the whole window: the program's name, a password field, 解锁."""

    unlocked = Signal()

    def __init__(self, store: Store, parent: QWidget) -> None:
        super().__init__(parent)
        self.store = store
        self.setObjectName("lockScreen")
        self.setAutoFillBackground(True)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        title = QLabel(self.tr("已锁定"))
        title.setObjectName("pageTitle")
        hint = QLabel(self.tr("离开时间较长，已隐藏所有农户信息。请输入锁屏密码继续工作；"
                              "未保存的修改都还在。"))
        hint.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("锁屏密码"))
        self.password.setFixedWidth(320)
        self.error = field_error()
        self.unlock_button = accent_button(self.tr("解锁"))
        self.unlock_button.setFixedWidth(160)
        for widget in (title, hint, self.password, self.error, self.unlock_button):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        hint.setFixedWidth(480)
        hint.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        # A wrapped label gets the height of its lines at that width (else Qt squeezes it).
        hint.setMinimumHeight(hint.heightForWidth(480))
        layout.addStretch(3)
        self.unlock_button.clicked.connect(self.try_unlock)
        self.password.returnPressed.connect(self.try_unlock)

    def try_unlock(self) -> None:
        """Check the password; unlock or say it is wrong."""
        if check_lock_password(self.store, self.password.text()):
            self.password.clear()
            self.error.hide()
            self.unlocked.emit()
        else:
            self.error.setText(self.tr("密码不对"))
            self.error.show()
            self.password.selectAll()


class IdleLock(QObject):
    """Locks ``window`` (its central widget, menus and status bar hidden) when idle."""

    def __init__(self, window: QMainWindow, store: Store,
                 minutes: int | Callable[[], int]) -> None:
        super().__init__(window)
        self.window = window
        self.store = store
        self.watcher = IdleWatcher(minutes, self)
        self.watcher.idle.connect(self.lock)
        self.screen = LockScreen(store, window)
        self.screen.hide()
        self.screen.unlocked.connect(self.unlock)
        self._hidden: list[QWidget] = []
        window.installEventFilter(self)

    @property
    def locked(self) -> bool:
        """Whether the lock screen is showing."""
        return self.screen.isVisible()

    def lock(self) -> None:
        """Hide the records behind the lock screen (only when a password is set)."""
        if self.locked or not has_lock_password(self.store):
            return
        parts = [self.window.centralWidget(), self.window.menuBar(), self.window.statusBar()]
        parts += [d for d in self.window.findChildren(QWidget)
                  if d.isWindow() and d.isVisible() and d is not self.window]
        self._hidden = [w for w in parts if w is not None and w.isVisible()]
        for widget in self._hidden:
            widget.hide()
        self.screen.setGeometry(self.window.rect())
        self.screen.show()
        self.screen.raise_()
        self.screen.password.setFocus()

    def unlock(self) -> None:
        """Show everything again, as it was."""
        self.screen.hide()
        for widget in self._hidden:
            widget.show()
        self._hidden = []
        self.watcher.last_input = time.monotonic()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Resize and self.locked:
            self.screen.setGeometry(self.window.rect())
        return False
