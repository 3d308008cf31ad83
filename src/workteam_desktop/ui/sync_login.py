"""登录同步服务器: server address, user name and password; the login runs off the GUI
thread (``sync.account.login``) and keeps the refresh token in the OS keyring.

An optional 证书 field takes the county's own certificate authority (``workteam login
--ca``); an unencrypted http:// address of another machine is refused at once with the
same message as the command line (``sync.account.check_server_address``)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ..sync.account import LoginResult, check_server_address, login, server_ca
from ..sync.errors import SyncError, message_in
from .ca_file import CaFileField
from .context import AppContext
from .widgets import field_error


class LoginDialog(QDialog):
    """Log in to the county's sync server (window-modal; Esc cancels)."""

    def __init__(self, ctx: AppContext, server: str = "", user: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.result_value: LoginResult | None = None
        self.setWindowTitle(self.tr("登录同步服务器"))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        hint = QLabel(self.tr("服务器地址、用户名和初始密码由县里的管理员提供。"))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        form = QFormLayout()
        self.server_edit = QLineEdit(server)
        self.server_edit.setPlaceholderText(self.tr("如 https://192.168.1.10:8800"))
        # The county's own certificate authority: usually empty (public certificates).
        self.ca = CaFileField(self.tr("沿用已保存的县里的证书")
                              if server_ca(ctx.store.home) is not None else "")
        self.ca_edit, self.ca_button = self.ca.edit, self.ca.button
        self.user_edit = QLineEdit(user)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("服务器地址："), self.server_edit)
        form.addRow(self.tr("用户名："), self.user_edit)
        form.addRow(self.tr("密码："), self.password_edit)
        form.addRow(self.tr("证书："), self.ca)  # last: rarely needed, after the usual fields
        layout.addLayout(form)
        self.status = QLabel()
        self.status.hide()
        layout.addWidget(self.status)
        self.error = field_error()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.login_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.login_button.setText(self.tr("登录"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.start_login)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        # The first empty field has focus: a returning user types only the password.
        first = next((e for e in (self.server_edit, self.user_edit, self.password_edit)
                      if not e.text()), self.password_edit)
        first.setFocus()

    def start_login(self) -> None:
        """Check the fields, then log in off the GUI thread."""
        server = self.server_edit.text().strip()
        user = self.user_edit.text().strip()
        password = self.password_edit.text()
        ca_file = self.ca_edit.text().strip() or None
        for edit, value, message in (
                (self.server_edit, server, self.tr("请填写服务器地址")),
                (self.user_edit, user, self.tr("请填写用户名")),
                (self.password_edit, password, self.tr("请填写密码"))):
            if not value:
                self._show_error(message)
                edit.setFocus()
                return
        try:  # the command line's rule and message: refused before any connection
            check_server_address(server, self.ctx.store.home)
        except SyncError as exc:
            self._show_error(exc.message)
            self.server_edit.setFocus()
            return
        self.error.hide()
        self.status.setText(self.tr("正在登录…"))
        self.status.show()
        self.login_button.setEnabled(False)
        self.ctx.tasks.run(login, self.ctx.store, server, user, password, ca_file=ca_file,
                           done=self._logged_in, failed=self._failed)

    def _logged_in(self, result: LoginResult) -> None:
        self.result_value = result
        self.password_edit.clear()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.status.hide()
        self.login_button.setEnabled(True)
        self._show_error(message_in(exc, self.ctx.lang) if isinstance(exc, SyncError)
                         else self.tr("登录失败，请检查服务器地址后重试"))
        self.password_edit.selectAll()
        self.password_edit.setFocus()

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
