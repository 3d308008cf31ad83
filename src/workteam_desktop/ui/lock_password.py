"""设置锁屏密码: the local password the idle lock asks for (ui/idle_lock.py).

Asked once the home is ready at the start of a real home that has none yet (after the
recovery code, :func:`ui.recovery.prepare_home`), and from 设置 → 安全 to set or change
it. 以后再说 (Esc) stores nothing: the next start asks again.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..domain.problems import DomainError
from ..store.lock import MIN_LENGTH, check_new_lock_password, set_lock_password
from ..store.store import Store
from .widgets import accent_button, field_error


class LockPasswordDialog(QDialog):
    """Two password fields, one line of why, 以后再说 / 确定 (``at_start``) or 取消 / 确定."""

    def __init__(self, store: Store, lang: str = "zh", minutes: int = 10, *,
                 at_start: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.lang = lang
        self.setWindowTitle(self.tr("设置锁屏密码"))
        self.setModal(True)
        layout = QVBoxLayout(self)
        if minutes > 0:
            text = self.tr("锁屏密码：电脑闲置 %n 分钟后窗口自动锁屏，输入此密码才能继续工作。\n"
                           "它只用来解锁本机窗口，不是恢复码。", "", minutes)
        else:
            text = self.tr("锁屏密码：选好“无操作自动锁定”的时间后，电脑闲置时窗口自动锁屏，"
                           "输入此密码才能继续工作。\n它只用来解锁本机窗口，不是恢复码。")
        self.intro = QLabel(text)
        self.intro.setWordWrap(True)
        self.intro.setMinimumWidth(480)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("至少{n}个字符").format(n=MIN_LENGTH))
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(self.tr("锁屏密码："), self.password)
        form.addRow(self.tr("再输一次："), self.again)
        self.error = field_error()
        self.ok_button = accent_button(self.tr("确定"))
        self.ok_button.setDefault(True)
        self.later_button = QPushButton(self.tr("以后再说") if at_start else self.tr("取消"))
        if at_start:
            self.later_button.setToolTip(self.tr("下次启动时会再问"))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.later_button)
        buttons.addWidget(self.ok_button)
        layout.addWidget(self.intro)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.ok_button.clicked.connect(self.save)
        self.later_button.clicked.connect(self.reject)
        self.password.editingFinished.connect(self._password_left)
        self.password.textEdited.connect(self._edited)
        self.again.textEdited.connect(self._edited)
        self.setTabOrder(self.password, self.again)
        self.setTabOrder(self.again, self.ok_button)
        self.setTabOrder(self.ok_button, self.later_button)
        # A wrapped label gets the height of its lines at that width (else Qt squeezes it).
        self.intro.setMinimumHeight(self.intro.heightForWidth(self.intro.minimumWidth()))
        self.setMinimumWidth(520)
        self.password.setFocus()

    # ------------------------------------------------------------------ checks

    def _say(self, text: str, field: QLineEdit) -> None:
        self.error.setText(text)
        self.error.show()
        field.setFocus()
        field.selectAll()

    def _edited(self, _text: str) -> None:
        self.error.hide()

    def _short(self) -> str:
        """The Problem message for a password too short to set ("" when long enough)."""
        try:
            check_new_lock_password(self.password.text())
        except DomainError as exc:
            return exc.message(self.lang)
        return ""

    def _password_left(self) -> None:
        # Said as the field is left (UI.md), not while still typing the first characters.
        problem = self._short() if self.password.text() else ""
        if problem:
            self.error.setText(problem)
            self.error.show()

    def next_field(self) -> None:
        """Enter in the first field: on to the second, unless the password is too short."""
        problem = self._short()
        if problem:
            self._say(problem, self.password)
            return
        self.again.setFocus()
        self.again.selectAll()

    def save(self) -> None:
        """Set the password (both fields the same, long enough) and close; else say why."""
        problem = self._short()
        if problem:
            self._say(problem, self.password)
            return
        if self.password.text() != self.again.text():
            self._say(self.tr("两次输入的密码不一致，请再输一次"), self.again)
            return
        try:
            set_lock_password(self.store, self.password.text())
        except DomainError as exc:  # the store's rule, should it ever differ
            self._say(exc.message(self.lang), self.password)
            return
        self.password.clear()
        self.again.clear()
        self.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter moves from the password to the repeat, and there saves; a focused button
        # takes its own Enter before it reaches here.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.focusWidget() is self.password:
                self.next_field()
            else:
                self.save()
            return
        super().keyPressEvent(event)
