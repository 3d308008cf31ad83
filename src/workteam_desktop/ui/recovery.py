"""Before the main window: encrypt a plain home (with progress), open a home whose key the
keyring lost (the recovery code), upgrade a store from an older version (with a busy
bar: a county's takes a minute or two), show a new recovery code once, to be printed, and ask
for the lock password a real home has not set yet.

:func:`prepare_home` runs these in order and says whether the home can be opened now.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt, QThread, QTimer, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..store import Store, encrypt, home_key, migrate, sqlite
from ..store.home import store_path
from .widgets import accent_button, field_error


class _EncryptThread(QThread):
    """Runs the encryption in place off the GUI thread."""

    progressed = Signal(int, int)

    def __init__(self, home: Path) -> None:
        super().__init__()
        self.home = home
        self.made: home_key.NewKey | None = None
        self.error: BaseException | None = None

    def _report(self, done: int, total: int) -> bool:
        self.progressed.emit(done, total)
        return False  # never cancelled half-way: it finishes or fails

    def run(self) -> None:
        try:
            self.made = encrypt.encrypt_home(self.home, self._report)
        except BaseException as exc:  # shown to the person by the dialog
            self.error = exc


class _JobDialog(QDialog):
    """A modal dialog over one long job before the main window: a line of text, a bar and
    the job's thread. It closes itself when the job is done (``accept``) or failed
    (``reject``); Esc does not stop the job half-way: it finishes or fails."""

    def __init__(self, thread: QThread, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModal(True)
        layout = QVBoxLayout(self)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.bar = QProgressBar()
        layout.addWidget(self.text)
        layout.addWidget(self.bar)
        self.thread = thread
        self.thread.finished.connect(self._finished)
        self.setMinimumWidth(520)

    def start(self) -> None:
        """Begin; the dialog closes itself when done (``accept``) or failed (``reject``)."""
        self.thread.start()

    def run(self, parent: QWidget | None) -> bool:
        """Start, wait (modal) and, when the job failed, say why in one message; True when
        it was done."""
        self.start()
        if self.exec() == QDialog.DialogCode.Accepted:
            return True
        QMessageBox.critical(parent, self.failed_title(), self.failed_text(self.thread.error))
        return False

    def failed_title(self) -> str:
        """The title of the message when the job failed."""
        raise NotImplementedError

    def failed_text(self, error: BaseException | None) -> str:
        """One line: what failed, and that nothing was lost."""
        raise NotImplementedError

    def _finished(self) -> None:
        if self.thread.error is None:
            self.accept()
        else:
            self.reject()

    def reject(self) -> None:  # see the class docstring
        if self.thread.isRunning():
            return
        super().reject()


class EncryptDialog(_JobDialog):
    """正在加密本机数据: the one-time encryption of a home from an older version."""

    def __init__(self, home: Path, parent: QWidget | None = None) -> None:
        super().__init__(_EncryptThread(home), parent)
        self.setWindowTitle(self.tr("加密本机数据"))
        self.text.setText(self.tr(
            "新版本把本机的农户信息加密保存（丢失或被盗的电脑上，别人读不出身份证号等信息）。\n"
            "正在加密，数据较多时需要几分钟，请不要关机。中途断电或关闭也不会丢失数据，"
            "下次启动会重新开始。"))
        self.bar.setRange(0, 1000)
        self.thread.progressed.connect(self._progressed)

    def _progressed(self, done: int, total: int) -> None:
        self.bar.setValue(int(1000 * done / max(total, 1)))

    def failed_title(self) -> str:
        """The title of the message when the encryption failed."""
        return self.tr("加密失败")

    def failed_text(self, error: BaseException | None) -> str:
        """One line: nothing was lost, and why it failed."""
        return self.tr("数据未加密，原数据完好：{reason}").format(reason=error)


class _UpgradeThread(QThread):
    """Opens the store once off the GUI thread: the upgrade runs inside ``Store.open``."""

    def __init__(self, home: Path) -> None:
        super().__init__()
        self.home = home
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            Store.open(self.home, create=False).close()
        except BaseException as exc:  # shown to the person by the dialog
            self.error = exc


class UpgradeDialog(_JobDialog):
    """正在升级本机数据: a store from an older version brought to this one's format (after
    a backup; a county's store is compacted, which takes a minute or two)."""

    def __init__(self, home: Path, parent: QWidget | None = None) -> None:
        super().__init__(_UpgradeThread(home), parent)
        self.setWindowTitle(self.tr("升级本机数据"))
        self.text.setText(self.tr(
            "新版本需要升级本机数据的保存格式，升级前会先自动备份。\n"
            "数据较多时（全县的数据）需要一两分钟，请不要关机。中途断电或关闭也不会丢失数据，"
            "下次启动会重新升级。"))
        self.bar.setRange(0, 0)  # busy: the upgrade does not say how far it is

    def failed_title(self) -> str:
        """The title of the message when the upgrade failed."""
        return self.tr("升级失败")

    def failed_text(self, error: BaseException | None) -> str:
        """One line: what failed (the upgrade's own message says nothing was changed and
        where the backup is)."""
        return str(error) if isinstance(error, migrate.UpgradeError) else self.tr(
            "本机数据升级失败，数据未改动：{reason}").format(reason=error)


class UnlockDialog(QDialog):
    """输入恢复码: the keyring does not have this home's key."""

    def __init__(self, home: Path, reason: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.home = home
        self.setWindowTitle(self.tr("输入恢复码"))
        layout = QVBoxLayout(self)
        why = QLabel(self.tr(
            "本机密钥环中没有这个数据目录的加密密钥（重装了系统、换了系统用户或换了电脑）。"
            "请输入设置时打印的恢复码（25位字母和数字）：") if reason != "no_keyring" else self.tr(
            "系统没有可用的密钥环，无法取出加密密钥。请输入恢复码（25位字母和数字）；"
            "Linux 桌面安装 gnome-keyring 并重新登录后，恢复一次即可记住。"))
        why.setWordWrap(True)
        why.setMinimumWidth(520)  # wrapped text gets its full height from the first layout
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText("ABCDE-FGHJK-MNPQR-STVWX-YZ012")
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(mono.pointSizeF() * 1.3)
        self.code_edit.setFont(mono)
        self.error = field_error()
        self.open_button = accent_button(self.tr("打开"))
        self.open_button.setDefault(True)
        cancel = QPushButton(self.tr("退出"))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.open_button)
        layout.addWidget(why)
        layout.addWidget(self.code_edit)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.open_button.clicked.connect(self.try_code)
        cancel.clicked.connect(self.reject)
        self._until = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)
        self.setMinimumWidth(560)
        # Word-wrapped labels: the dialog takes the height their wrapping needs.
        why.setMinimumHeight(why.heightForWidth(why.minimumWidth()))

    def try_code(self) -> None:
        """Check the code typed; open on success, one line of why otherwise."""
        try:
            home_key.recover(self.home, self.code_edit.text())
        except home_key.RecoveryRefused as exc:
            self.error.setText(exc.message)
            self.error.show()
            self.code_edit.selectAll()
            self.code_edit.setFocus()
            if exc.wait_seconds:
                self._until = time.monotonic() + exc.wait_seconds
                self.open_button.setEnabled(False)
                self._timer.start()
            return
        self.accept()

    def _tick(self) -> None:
        left = int(self._until - time.monotonic() + 0.999)
        if left <= 0:
            self._timer.stop()
            self.open_button.setEnabled(True)
            self.open_button.setText(self.tr("打开"))
        else:
            self.open_button.setText(self.tr("%n 秒后可再试", "", left))


class RecoveryCodeDialog(QDialog):
    """The recovery code, shown once: print it (or write it down) and say so."""

    def __init__(self, home: Path, code: str, team: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.home, self.code, self.team = home, code, team
        self.setWindowTitle(self.tr("数据恢复码"))
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr(
            "本机数据已加密保存。请打印或抄写下面的恢复码，由第一书记和乡镇各保管一份：\n"
            "重装系统、换电脑或密钥环丢失时，只有它能打开这些数据。点“完成”后此码不再显示。"))
        intro.setWordWrap(True)
        intro.setMinimumWidth(560)
        self.code_label = QLabel(code)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(max(font.pointSizeF(), 10) * 2)
        font.setWeight(QFont.Weight.Bold)
        self.code_label.setFont(font)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code_label.setObjectName("recoveryCode")
        self.print_button = QPushButton(self.tr("保存为PDF以便打印…"))
        self.saved_label = QLabel()
        self.saved_label.setWordWrap(True)
        self.kept_box = QCheckBox(self.tr("我已打印或抄写，并将交乡镇保管一份"))
        self.done_button = accent_button(self.tr("完成"))
        self.done_button.setEnabled(False)
        later = QPushButton(self.tr("稍后再说"))
        later.setToolTip(self.tr("下次启动时会再次显示"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        buttons.addWidget(later)
        buttons.addWidget(self.done_button)
        layout.addWidget(intro)
        layout.addWidget(self.code_label)
        layout.addWidget(self.saved_label)
        layout.addWidget(self.kept_box)
        layout.addLayout(buttons)
        self.kept_box.toggled.connect(self.done_button.setEnabled)
        self.print_button.clicked.connect(self._choose_pdf)
        self.done_button.clicked.connect(self.accept)
        later.clicked.connect(self.reject)
        self.setMinimumWidth(600)
        intro.setMinimumHeight(intro.heightForWidth(intro.minimumWidth()))

    def _choose_pdf(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("保存恢复码页"),
                                              str(Path.home() / "数据恢复码.pdf"), "PDF (*.pdf)")
        if path:
            self.save_pdf(Path(path if path.lower().endswith(".pdf") else path + ".pdf"))

    def save_pdf(self, out: Path) -> None:
        """Write the printable page to ``out`` (a file the person chose)."""
        from ..reports.recovery_sheet import build_recovery_sheet

        try:
            build_recovery_sheet(self.code, self.home, out, team=self.team)
        except Exception as exc:  # a full disk, a file open elsewhere: say so, keep going
            self.saved_label.setText(self.tr("无法保存：{reason}").format(reason=exc))
            return
        self.saved_label.setText(self.tr("已保存到 {path}：请打印后删除该文件").format(path=out))

    def accept(self) -> None:
        home_key.recovery_code_kept(self.home)
        super().accept()


def prepare_home(home: Path, parent: QWidget | None = None) -> bool:
    """Make ``home`` ready to open: encrypt it if it is plain (a keyring is there), ask for
    the recovery code if the keyring lost its key, upgrade its store if it is older than
    this program, show a new code once, then ask for the
    lock password if none is set (:func:`ask_lock_password`). False: the person gave up
    (the program ends; nothing was changed)."""
    file = store_path(home)
    encrypting = file.exists() and encrypt.needs_encryption(home)
    if encrypting and not EncryptDialog(home, parent).run(parent):
        return False
    key = None
    if file.exists() and not sqlite.is_plain(file):
        try:
            key = home_key.load(home)
        except home_key.StoreLocked as locked:
            if UnlockDialog(home, locked.reason, parent).exec() != QDialog.DialogCode.Accepted:
                return False
            key = home_key.load(home)  # the code put it back in the keyring
    if migrate.upgrade_pending(file, key) and not UpgradeDialog(home, parent).run(parent):
        return False
    code = home_key.pending_recovery_code(home)
    if code:
        RecoveryCodeDialog(home, code, parent=parent).exec()
    ask_lock_password(home, parent)
    return True


def ask_lock_password(home: Path, parent: QWidget | None = None) -> bool:
    """Show 设置锁屏密码 for a real home (not a demo) without a lock password, unless the
    window is set never to lock. 以后再说 stores nothing: the next start asks again.
    True when the dialog was shown."""
    from ..settings import load_settings
    from ..store import Store
    from ..store.lock import has_lock_password
    from ..store.setup import is_demo
    from .app import choose_lang
    from .lock_password import LockPasswordDialog

    minutes = load_settings(home).lock_minutes
    if minutes <= 0 or not store_path(home).exists():
        return False
    with Store.open(home, create=False) as store:
        if is_demo(store) or has_lock_password(store):
            return False
        LockPasswordDialog(store, choose_lang(home), minutes, parent=parent).exec()
    return True
