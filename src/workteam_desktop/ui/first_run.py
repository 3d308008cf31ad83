"""开始使用: the first-run window, shown instead of an empty main window when the data home
is new or holds nothing (``store.setup.home_is_empty``).

Four ways to start:

- **连接服务器**: address, account and password; the login is checked with a throwaway
  client before anything is written (a wrong address, a wrong password or no network says
  which, and leaves no store file), then the store is made, the account kept and the first
  sync runs off the GUI thread with progress and cancel.
- **单机开始**: the county from the divisions, the team's villages (several, in one or more
  townships, villages missing from the divisions added by name), the team, its unit and
  cadres; checked by ``domain.team_setup.plan_setup`` (errors next to their field) and
  written by ``store.setup.set_up_home``.
- **从数据包开始**: the 从U盘导入 dialog of the 同步 page over a new store; nothing imported,
  nothing kept.
- **看看演示数据**: a demo county in a separate home beside this one (``<home>-demo``), so
  the real home stays empty and this window appears again next time.

Each way ends with ``sig_done(home)``: the home the main window should open.
"""

from __future__ import annotations

import contextlib
import errno
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..domain import catalogues as cat
from ..domain.problems import DomainError, Problem
from ..domain.team_setup import SetupPlan, plan_setup
from ..settings import load_settings
from ..store import Store
from ..store.setup import SetupResult, discard_empty_store, home_is_empty, set_up_home
from ..sync.account import login, read_ca_file
from ..sync.client import SyncClient, check_plain_http, normalize_url
from ..sync.errors import BadCredentials, ServerError, ServerUnreachable, SyncError
from ..sync.session import SyncReport, sync_once
from .ca_file import CaFileField
from .context import AppContext
from .division_pickers import CountyPicker, VillageChecklist
from .record_widgets import set_invalid, with_error
from .sync_progress import phase_words, show_progress, sync_word
from .tasks import Cancelled, JobState, TaskHandle, TaskRunner
from .widgets import accent_button, field_error, page_title

DEMO_HOUSEHOLDS = 600
# The device name of the login that only checks the password (revoked at once): the
# laptop's own device id exists only once its store does.
CHECK_DEVICE = "first-run-check"
# An address on the public internet: a socket "connected" to it (UDP sends nothing) tells
# whether this machine has any route out at all.
_PROBE_ADDRESS = ("223.5.5.5", 53)


# ------------------------------------------------------------ plain jobs (no Qt widgets)

def demo_home_for(home: Path) -> Path:
    """The demo's own home beside the real one: ``<home>-demo``."""
    return home.with_name(f"{home.name}-demo")


class ConnectFailure(Exception):
    """The first connection failed before anything was written. ``kind`` says why
    (no_network, no_host, refused, timeout, not_server, address, credentials, other);
    ``message`` is the client's own sentence (Chinese), ``url`` the address tried."""

    def __init__(self, kind: str, message: str = "", url: str = "") -> None:
        super().__init__(message or kind)
        self.kind = kind
        self.message = message
        self.url = url


def _has_route(ip: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect((ip, port))
        except OSError as e:
            if e.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EADDRNOTAVAIL):
                return False
            raise
    return True


def has_network() -> bool:
    """Whether this machine has a route out of itself (a network cable, WiFi, a hotspot)."""
    try:
        return _has_route(*_PROBE_ADDRESS)
    except OSError:
        return True  # unknown: do not blame the network


def diagnose_unreachable(url: str) -> str:
    """Why a server cannot be reached, as far as this machine can tell: ``no_network``,
    ``no_host`` (the name does not resolve), ``refused`` (nothing listens there: a wrong
    address or port, or the server is off), ``timeout`` or ``other``."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return "no_host" if has_network() else "no_network"
    ip = str(infos[0][4][0])
    try:
        if not _has_route(ip, port):
            return "no_network"
    except OSError:
        pass
    try:
        with socket.create_connection((ip, port), timeout=5):
            return "other"
    except ConnectionRefusedError:
        return "refused"
    except TimeoutError:
        return "timeout"
    except OSError as e:
        if e.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return "no_network"
        return "other"


def check_login(server: str, user: str, password: str, ca_file: str = "",
                allow_plain_http: bool = False) -> str:
    """Check the address, the account and the password with a throwaway client (the login
    is revoked at once); the address as stored. Raises :class:`ConnectFailure`.
    ``ca_file``: the county's own certificate authority, if it has one."""
    try:
        url = normalize_url(server)
    except SyncError as e:
        raise ConnectFailure("address", e.message, server.strip()) from None
    try:
        check_plain_http(url, allow_plain_http)
    except SyncError as e:
        raise ConnectFailure("plain_http", e.message, url) from None
    try:
        if ca_file.strip():
            if not url.startswith("https:"):
                raise SyncError("证书文件只用于 https:// 地址：请把服务器地址改为 https://…")
            read_ca_file(ca_file)
    except SyncError as e:
        raise ConnectFailure("other", e.message, url) from None
    try:
        with SyncClient(url, ca_file=ca_file.strip() or None,
                        allow_plain_http=allow_plain_http) as client:
            try:
                client.health()
            except ServerError as e:
                raise ConnectFailure("not_server", e.message, url) from None
            client.login(user.strip(), password, CHECK_DEVICE)
            with contextlib.suppress(SyncError):
                client.logout()
    except ServerUnreachable as e:
        raise ConnectFailure(diagnose_unreachable(url), e.message, url) from None
    except BadCredentials as e:
        kind = "credentials" if e.message == BadCredentials.default else "other"
        raise ConnectFailure(kind, e.message, url) from None
    except SyncError as e:
        raise ConnectFailure("other", e.message, url) from None
    return url


@dataclass(frozen=True)
class FirstSync:
    """What the first connection did: the sync's report, or the error that stopped the
    sync after the account was kept (the data home exists then)."""

    report: SyncReport | None
    error: SyncError | None = None
    cancelled: bool = False


def first_connect(state: JobState, home: Path, server: str, user: str, password: str,
                  progress: Callable[[int, int | None, str], None], ca_file: str = "",
                  allow_plain_http: bool = False) -> FirstSync:
    """Check the login, then make the store, keep the account and sync once. Nothing is
    written when the login fails (:class:`ConnectFailure`)."""
    url = check_login(server, user, password, ca_file, allow_plain_http)
    state.check()
    store = Store.open(home)
    try:
        result = login(store, url, user, password, ca_file=ca_file.strip() or None)
    except BaseException:
        store.close()
        discard_empty_store(home)
        raise
    try:
        report = sync_once(store, result.account, progress=progress, cancel=state.is_cancelled,
                           password=None if result.kept_in_keyring else password)
    except SyncError as e:
        return FirstSync(None, e, cancelled=state.is_cancelled())
    finally:
        store.close()
    return FirstSync(report)


def set_up_new_home(home: Path, plan: SetupPlan) -> SetupResult:
    """Make the store and set it up for ``plan``; a failure leaves no store file behind."""
    store = Store.open(home)
    try:
        result = set_up_home(store, plan)
    except BaseException:
        store.close()
        discard_empty_store(home)
        raise
    store.close()
    return result


def make_demo(state: JobState, demo_home: Path, households: int | None = None) -> Path:
    """Fill ``demo_home`` with the demo county (kept as it is when it has data already)."""
    from ..demo.generator import generate

    households = households or DEMO_HOUSEHOLDS
    if not home_is_empty(demo_home):
        return demo_home
    store = Store.open(demo_home)
    try:
        generate(store, households=households,
                 progress=lambda done, total: state.set_progress(done, total, ""),
                 cancelled=state.is_cancelled)
    except BaseException:
        store.close()
        discard_empty_store(demo_home)
        raise
    store.close()
    return demo_home


# ------------------------------------------------------------ panels

class _Panel(QWidget):
    """One step of the window: Enter confirms, Esc goes back (or cancels running work)."""

    sig_back = Signal()
    sig_done = Signal(object)  # the home to open (Path)

    def first_field(self) -> QWidget | None:
        """The field that gets focus when the panel is shown."""
        return None

    def confirm(self) -> None:
        """Enter: do the panel's main action."""

    def escape(self) -> None:
        """Esc: back to the choices (a panel with running work cancels it instead)."""
        self.sig_back.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.confirm()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.escape()
            event.accept()
            return
        super().keyPressEvent(event)


class _EnterStays(QObject):
    """Enter in a search or add field does that field's job (``returnPressed``) and goes
    no further: it does not also confirm the whole form."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and isinstance(watched, QLineEdit)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):  # type: ignore[attr-defined]
            watched.returnPressed.emit()
            return True
        return False


class _ChoiceButton(QPushButton):
    """A large choice: a bold title and a line saying what it does."""

    def __init__(self, title: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRunChoice")
        self.setAutoDefault(True)  # Enter on a focused choice picks it
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(104)
        self.setAccessibleName(title)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        self.title_label = QLabel(title)
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title_label.setFont(font)
        self.text_label = QLabel(text)
        self.text_label.setWordWrap(True)
        self.text_label.setObjectName("tileLabel")
        for label in (self.title_label, self.text_label):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        layout.addWidget(self.title_label)
        layout.addWidget(self.text_label)
        layout.addStretch(1)


class ChoicePanel(_Panel):
    """The four ways to start."""

    sig_chosen = Signal(str)  # connect, offline, bundle, demo

    def __init__(self, home: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # The focused choice stands out (keyboard users see where Enter goes).
        self.setStyleSheet(
            "QPushButton#firstRunChoice { text-align: left; border: 1px solid #c3cdd8;"
            " border-radius: 6px; background: #ffffff; }"
            "QPushButton#firstRunChoice:hover { border: 1px solid #3d8bfd; background: #f5f9ff; }"
            "QPushButton#firstRunChoice:focus { border: 2px solid #2f6fdb; background: #f5f9ff; }")
        outer = QHBoxLayout(self)
        outer.setContentsMargins(32, 24, 32, 16)
        column = QWidget()
        column.setMaximumWidth(1040)
        outer.addWidget(column)
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(page_title(self.tr("欢迎使用驻村工作队工作平台")))
        intro = QLabel(self.tr("这台电脑上还没有工作队的数据。请选择怎样开始："))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addSpacing(8)
        grid = QGridLayout()
        grid.setSpacing(14)
        self.buttons: dict[str, _ChoiceButton] = {
            "connect": _ChoiceButton(self.tr("连接服务器"), self.tr(
                "县里有同步服务器时选这个：填写服务器地址、用户名和密码，本机取回您工作队的全部数据。")),
            "offline": _ChoiceButton(self.tr("单机开始"), self.tr(
                "暂时没有服务器：选择所在的县和所驻的村，填写工作队和驻村干部。以后仍可登录服务器同步。")),
            "bundle": _ChoiceButton(self.tr("从数据包开始"), self.tr(
                "乡镇或县里用U盘给了数据包（.wtb 文件）：选择它，核对后导入。")),
            "demo": _ChoiceButton(self.tr("看看演示数据"), self.tr(
                "先熟悉一下程序：打开一个虚构的演示县。演示数据单独存放，不会混进正式数据。")),
        }
        for i, (key, button) in enumerate(self.buttons.items()):
            button.clicked.connect(lambda _c=False, k=key: self.sig_chosen.emit(k))
            grid.addWidget(button, i // 2, i % 2)
        layout.addLayout(grid)
        self.message = field_error()
        layout.addWidget(self.message)
        layout.addStretch(1)
        where = QLabel(self.tr("数据目录：{home}").format(home=str(home)))
        where.setObjectName("tileLabel")
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        where.setWordWrap(True)
        layout.addWidget(where)

    def first_field(self) -> QWidget | None:
        return self.buttons["connect"]

    def escape(self) -> None:
        pass  # nothing to go back to

    def say(self, text: str) -> None:
        """A one-sentence note under the choices (e.g. why nothing was imported)."""
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Arrow keys move between the choices as Tab does.
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Right):
            self.focusNextChild()
            return
        if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Left):
            self.focusPreviousChild()
            return
        super().keyPressEvent(event)


def _bottom_bar(back_text: str, go_text: str) -> tuple[QHBoxLayout, QPushButton, QPushButton]:
    row = QHBoxLayout()
    back = QPushButton(back_text)
    go = accent_button(go_text)
    go.setDefault(True)
    row.addWidget(back)
    row.addStretch(1)
    row.addWidget(go)
    return row, back, go


class ConnectPanel(_Panel):
    """连接服务器: check the login, then make the store and sync once."""

    # From the pool thread (queued onto the GUI thread: this object lives there).
    _sig_worker_progress = Signal(int, object, str)

    def __init__(self, home: Path, tasks: TaskRunner, server: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.home = home
        self.tasks = tasks
        self.task: TaskHandle | None = None
        self.result: FirstSync | None = None
        self._sig_worker_progress.connect(self._progress)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 16)
        layout.addWidget(page_title(self.tr("连接服务器")))
        hint = QLabel(self.tr("服务器地址、用户名和初始密码由县里的管理员提供。连接成功后，"
                              "本机会取回您工作队的全部数据，以后有网络时自动同步。"))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        form = QFormLayout()
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(10)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.server_edit = QLineEdit(server)
        self.server_edit.setPlaceholderText(self.tr("如 https://192.168.1.10:8800"))
        self.user_edit = QLineEdit()
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        # The county's own certificate authority: usually empty (public certificates).
        self.ca = CaFileField()
        self.ca_edit, self.ca_button = self.ca.edit, self.ca.button
        self.ca.setMaximumWidth(460)  # as wide as the fields above, the button inside
        for edit in (self.server_edit, self.user_edit, self.password_edit, self.ca_edit):
            edit.setMaximumWidth(460)
            edit.textEdited.connect(lambda _t: self.error.hide())
        form.addRow(self.tr("服务器地址："), self.server_edit)
        form.addRow(self.tr("用户名："), self.user_edit)
        form.addRow(self.tr("密码："), self.password_edit)
        form.addRow(self.tr("证书："), self.ca)  # last: rarely needed
        layout.addLayout(form)
        self.error = field_error()
        layout.addWidget(self.error)

        run_row = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(14)
        self.phase_label = QLabel()
        self.phase_label.setObjectName("tileLabel")
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.clicked.connect(self.cancel)
        run_row.addWidget(self.progress, 2)
        run_row.addWidget(self.phase_label, 3)
        run_row.addWidget(self.cancel_button)
        layout.addLayout(run_row)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.hide()
        layout.addWidget(self.note)
        layout.addStretch(1)
        bar, self.back_button, self.connect_button = _bottom_bar(self.tr("返回"),
                                                                 self.tr("连接并同步"))
        self.back_button.clicked.connect(self.sig_back)
        self.connect_button.clicked.connect(self.confirm)
        self.open_button = accent_button(self.tr("进入程序"))
        self.open_button.clicked.connect(lambda: self.sig_done.emit(self.home))
        self.open_button.hide()
        bar.addWidget(self.open_button)
        layout.addLayout(bar)
        self._running(False)

    @property
    def running(self) -> bool:
        """True while the check or the first sync runs."""
        return self.task is not None

    def first_field(self) -> QWidget | None:
        return next((e for e in (self.server_edit, self.user_edit, self.password_edit)
                     if not e.text()), self.password_edit)

    def escape(self) -> None:
        if self.running:
            self.cancel()
        elif self.open_button.isVisible():
            self.sig_done.emit(self.home)  # the account is kept: nothing to go back to
        else:
            self.sig_back.emit()

    def confirm(self) -> None:
        """Check the fields, then connect off the GUI thread."""
        if self.running:
            return
        if self.open_button.isVisible():
            self.sig_done.emit(self.home)
            return
        server = self.server_edit.text().strip()
        user = self.user_edit.text().strip()
        password = self.password_edit.text()
        for edit, value, message in (
                (self.server_edit, server, self.tr("请填写服务器地址")),
                (self.user_edit, user, self.tr("请填写用户名")),
                (self.password_edit, password, self.tr("请填写密码"))):
            if not value:
                self._show_error(message)
                edit.setFocus()
                return
        self.error.hide()
        self._running(True)
        self.phase_label.setText(self.tr("正在连接服务器…"))
        self.task = self.tasks.run(first_connect, self.home, server, user, password,
                                   self._sig_worker_progress.emit, self.ca_edit.text().strip(),
                                   load_settings(self.home).allow_plain_http, with_state=True,
                                   done=self._done, failed=self._failed)

    def cancel(self) -> None:
        """Stop: before the login nothing is kept; during the sync whole pages are."""
        if self.task is not None:
            self.cancel_button.setEnabled(False)
            self.phase_label.setText(self.tr("正在取消…"))
            self.task.cancel()

    def _running(self, on: bool) -> None:
        for w in (self.progress, self.phase_label, self.cancel_button):
            w.setVisible(on)
        self.cancel_button.setEnabled(on)
        self.progress.setRange(0, 0)
        for w in (self.server_edit, self.user_edit, self.password_edit, self.ca_edit,
                  self.ca_button, self.connect_button, self.back_button):
            w.setEnabled(not on)

    def _progress(self, done: int, total: int | None, phase: str) -> None:
        if not self.cancel_button.isEnabled():
            return  # cancelling: keep saying so
        # A new laptop takes everything: "data", where the sync page says "changes".
        words = {**phase_words(), "pull": self.tr("正在取回数据")}
        show_progress(self.progress, self.phase_label, done, total,
                      words.get(phase) or sync_word())

    def _done(self, result: FirstSync) -> None:
        self.task = None
        self.result = result
        self._running(False)
        self.password_edit.clear()
        if result.report is not None:
            self.sig_done.emit(self.home)
            return
        # The account is kept; the sync stopped half-way. What came stays; the 同步 page
        # (and the automatic sync) continues from there.
        if result.cancelled:
            text = self.tr("已取消。账号已保存，已取回的数据也已保存；进入程序后在“同步”页继续。")
        else:
            message = result.error.message if result.error is not None else ""
            text = self.tr("账号已保存，但第一次同步没有完成：{message}。进入程序后在“同步”页重试。").format(
                message=message.rstrip("。"))
        self.note.setText(text)
        self.note.show()
        for w in (self.server_edit, self.user_edit, self.password_edit, self.ca_edit,
                  self.ca_button, self.connect_button, self.back_button):
            w.setEnabled(False)
        self.connect_button.hide()
        self.back_button.hide()
        self.open_button.show()
        self.open_button.setFocus()

    def _failed(self, exc: BaseException) -> None:
        self.task = None
        self._running(False)
        if isinstance(exc, Cancelled):
            self._show_error(self.tr("已取消，没有保存任何内容。"))
            self.server_edit.setFocus()
            return
        self._show_error(self.failure_text(exc))
        if isinstance(exc, ConnectFailure) and exc.kind == "credentials":
            self.password_edit.selectAll()
            self.password_edit.setFocus()
        elif isinstance(exc, ConnectFailure) and exc.kind in ("no_host", "refused", "not_server",
                                                              "address"):
            self.server_edit.selectAll()
            self.server_edit.setFocus()

    def failure_text(self, exc: BaseException) -> str:
        """One sentence saying what went wrong and what to do."""
        if not isinstance(exc, ConnectFailure):
            if isinstance(exc, SyncError):
                return exc.message
            return self.tr("连接失败，没有保存任何内容。请重试；如果一再出现，请联系县里的管理员。")
        url = exc.url
        texts = {
            "no_network": self.tr("这台电脑没有连上网络：请先接好网线或连上WiFi，再点“连接并同步”。"),
            "no_host": self.tr("找不到服务器“{url}”：请核对服务器地址是否写对。"),
            "refused": self.tr("{url} 上没有同步服务器在运行：请核对地址和端口号，"
                               "或请管理员确认服务器已开启。"),
            "timeout": self.tr("服务器 {url} 没有响应：网络可能不通或太慢，请稍后重试。"),
            "not_server": self.tr("{url} 不是同步服务器：请核对服务器地址。"),
            "address": self.tr("服务器地址“{url}”写得不对，应形如 https://192.168.1.10:8800。"),
            "credentials": self.tr("用户名或密码不正确：请核对后重试（密码区分大小写）。"),
            "plain_http": self.tr("“{url}”是不加密的 http:// 地址，账号和数据会明文经过网络："
                                  "请改用县里提供的 https:// 地址。"),
        }
        text = texts.get(exc.kind)
        return text.format(url=url) if text is not None else exc.message

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()


class _CadreRow(QWidget):
    """A cadre: name, role, and a button to remove the row."""

    sig_remove = Signal(object)

    def __init__(self, lang: str, role: str = "member", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("姓名"))
        self.role = QComboBox()
        for entry in cat.CADRE_ROLES:
            self.role.addItem(entry.label(lang), entry.code)
        self.role.setCurrentIndex(max(0, self.role.findData(role)))
        self.remove = QToolButton()
        self.remove.setText(self.tr("删除"))
        self.remove.setToolTip(self.tr("删除这一行"))
        self.remove.clicked.connect(lambda: self.sig_remove.emit(self))
        row.addWidget(self.name, 3)
        row.addWidget(self.role, 2)
        row.addWidget(self.remove)

    def text(self) -> str:
        """``姓名:role`` as ``plan_setup`` takes it ("" when no name was typed)."""
        name = self.name.text().strip()
        return f"{name}:{self.role.currentData()}" if name else ""


class CadreRows(QWidget):
    """The team's cadres: one row each, a button to add one."""

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.rows: list[_CadreRow] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.box = QVBoxLayout()
        self.box.setSpacing(4)
        layout.addLayout(self.box)
        self.add_button: QPushButton | None = None
        # The first rows are made before the button: Tab follows the order widgets are made.
        self.add_row("first_secretary")
        self.add_row("member")
        self.add_button = QPushButton(self.tr("再添加一名干部"))
        self.add_button.clicked.connect(lambda: self.add_row().name.setFocus())
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_button)
        add_row.addStretch(1)
        layout.addLayout(add_row)
        self.error = field_error()
        layout.addWidget(self.error)

    def add_row(self, role: str = "member") -> _CadreRow:
        """A new empty row."""
        row = _CadreRow(self.lang, role)
        row.sig_remove.connect(self._remove)
        row.name.textEdited.connect(lambda _t: self.error.hide())
        self.rows.append(row)
        self.box.addWidget(row)
        if self.add_button is not None:
            # A row added later: put it before 再添加一名干部 in the Tab order.
            QWidget.setTabOrder(self.rows[-2].remove, row.name)
            QWidget.setTabOrder(row.name, row.role)
            QWidget.setTabOrder(row.role, row.remove)
            QWidget.setTabOrder(row.remove, self.add_button)
        return row

    def _remove(self, row: _CadreRow) -> None:
        if len(self.rows) == 1:
            row.name.clear()
            return
        self.rows.remove(row)
        row.deleteLater()

    def texts(self) -> list[str]:
        """The filled rows as ``姓名:role``."""
        return [t for t in (r.text() for r in self.rows) if t]


class OfflinePanel(_Panel):
    """单机开始: county, villages, team, unit and cadres, then ``set_up_home``."""

    def __init__(self, home: Path, tasks: TaskRunner, lang: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.home = home
        self.tasks = tasks
        self.lang = lang
        self.task: TaskHandle | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 16, 24, 12)
        outer.addWidget(page_title(self.tr("单机开始")))
        hint = QLabel(self.tr("没有服务器也能用：选择所在的县和所驻的村，填写工作队。"
                              "以后县里有了服务器，登录后数据会一并同步上去。"))
        hint.setWordWrap(True)
        outer.addWidget(hint)

        body = QWidget()
        columns = QHBoxLayout(body)
        columns.setContentsMargins(0, 0, 0, 0)
        columns.setSpacing(16)

        area = QGroupBox(self.tr("所在县和驻村"))
        area_layout = QVBoxLayout(area)
        area_layout.addWidget(QLabel(self.tr("县（区）：")))
        self.county = CountyPicker(lang)
        area_layout.addWidget(self.county)
        area_layout.addWidget(QLabel(self.tr("所驻的村（可多选，可跨乡镇）：")))
        self.villages = VillageChecklist(lang, list_height=150)
        area_layout.addWidget(self.villages, 1)
        self.county.sig_changed.connect(self.villages.set_county)
        columns.addWidget(area, 5)

        team = QGroupBox(self.tr("工作队"))
        team_layout = QVBoxLayout(team)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.team_name = QLineEdit()
        self.team_name.setPlaceholderText(self.tr("如 店湾村驻村工作队"))
        self.team_error = field_error()
        self.unit = QLineEdit()
        self.unit.setPlaceholderText(self.tr("如 县财政局"))
        self.unit_error = field_error()
        form.addRow(self.tr("工作队名称："), with_error(self.team_name, self.team_error))
        form.addRow(self.tr("派驻单位："), with_error(self.unit, self.unit_error))
        team_layout.addLayout(form)
        team_layout.addWidget(QLabel(self.tr("驻村干部（一个工作队只有一名第一书记）：")))
        self.cadres = CadreRows(lang)
        team_layout.addWidget(self.cadres)
        team_layout.addStretch(1)
        columns.addWidget(team, 4)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self.error = field_error()
        outer.addWidget(self.error)
        self.status = QLabel()
        self.status.setObjectName("tileLabel")
        self.status.hide()
        outer.addWidget(self.status)
        bar, self.back_button, self.start_button = _bottom_bar(self.tr("返回"),
                                                               self.tr("开始使用"))
        self.back_button.clicked.connect(self.sig_back)
        self.start_button.clicked.connect(self.confirm)
        outer.addLayout(bar)

        self._enter_stays = _EnterStays(self)
        for edit in (self.county.search, self.villages.add_edit, self.villages.filter):
            edit.installEventFilter(self._enter_stays)
        self.county.search.returnPressed.connect(self._county_entered)
        self._touched: set[QLineEdit] = set()
        self.team_name.textEdited.connect(lambda _t: self._touch(self.team_name, self.team_error))
        self.team_name.editingFinished.connect(self._check_team_name)
        self.unit.textEdited.connect(lambda _t: self._touch(self.unit, self.unit_error))
        self.county.sig_changed.connect(lambda _c: self.error.hide())
        self.villages.sig_changed.connect(self.error.hide)

    def first_field(self) -> QWidget | None:
        return self.county.search

    def _county_entered(self) -> None:
        if self.county.county() is not None and self.county.error.isHidden():
            self.villages.township.setFocus()

    def escape(self) -> None:
        if self.task is None:
            self.sig_back.emit()

    def _touch(self, edit: QLineEdit, error: QLabel) -> None:
        self._touched.add(edit)
        set_invalid(edit, error, None)

    def _check_team_name(self) -> None:
        if self.team_name in self._touched and not self.team_name.text().strip():
            set_invalid(self.team_name, self.team_error, self.tr("请填写工作队名称"))

    def clear_errors(self) -> None:
        """Hide every field's message."""
        self.county.error.hide()
        self.villages.show_error(None)
        set_invalid(self.team_name, self.team_error, None)
        set_invalid(self.unit, self.unit_error, None)
        self.cadres.error.hide()
        self.error.hide()

    def plan(self) -> SetupPlan | None:
        """The checked set-up, or None with each error shown next to its field."""
        self.clear_errors()
        county = self.county.county()
        if county is None:
            self.county.find_typed()
            county = self.county.county()
        if county is None:
            if self.county.error.isHidden():
                self.county.error.setText(self.tr("请选择县（区），或输入县名、6位代码"))
                self.county.error.show()
            self.county.search.setFocus()
            return None
        villages = self.villages.checked()
        # What the form itself can tell, all at once (plan_setup stops at the first).
        missing = False
        if not villages:
            self.villages.show_error(self.tr("请至少勾选一个所驻的村"))
            self.villages.township.setFocus()
            missing = True
        if not self.team_name.text().strip():
            set_invalid(self.team_name, self.team_error, self.tr("请填写工作队名称"))
            if not missing:
                self.team_name.setFocus()
            missing = True
        if missing:
            return None
        try:
            return plan_setup(county.code, [v.code for v in villages], self.team_name.text(),
                              self.unit.text(), self.cadres.texts(),
                              extra=self.villages.local_villages())
        except DomainError as e:
            self.show_problem(e)
            return None

    def show_problem(self, e: DomainError) -> None:
        """Put a refusal next to the field it is about (the bottom line otherwise)."""
        message = e.message(self.lang)
        where = field_of(e.problem)
        if where == "county":
            self.county.error.setText(message)
            self.county.error.show()
            self.county.search.setFocus()
        elif where == "villages":
            self.villages.show_error(message)
            self.villages.township.setFocus()
        elif where == "team":
            set_invalid(self.team_name, self.team_error, message)
            self.team_name.setFocus()
        elif where == "unit":
            set_invalid(self.unit, self.unit_error, message)
            self.unit.setFocus()
        elif where == "cadres":
            self.cadres.error.setText(message)
            self.cadres.error.show()
            if self.cadres.rows:
                self.cadres.rows[0].name.setFocus()
        else:
            self.error.setText(message)
            self.error.show()

    def confirm(self) -> None:
        """Check everything, then set the home up off the GUI thread."""
        if self.task is not None:
            return
        plan = self.plan()
        if plan is None:
            return
        self.start_button.setEnabled(False)
        self.back_button.setEnabled(False)
        self.status.setText(self.tr("正在设置…"))
        self.status.show()
        self.task = self.tasks.run(set_up_new_home, self.home, plan, done=self._done,
                                   failed=self._failed)

    def _done(self, _result: SetupResult) -> None:
        self.task = None
        self.status.hide()
        self.sig_done.emit(self.home)

    def _failed(self, exc: BaseException) -> None:
        self.task = None
        self.status.hide()
        self.start_button.setEnabled(True)
        self.back_button.setEnabled(True)
        if isinstance(exc, DomainError):
            self.show_problem(exc)
        else:
            self.error.setText(self.tr("设置没有完成，没有保存任何内容：{error}").format(error=str(exc)))
            self.error.show()


def field_of(problem: Problem) -> str:
    """Which field of 单机开始 a set-up refusal is about: county, villages, team, unit,
    cadres, or "" (none in particular)."""
    code = problem.code
    if code in ("setup.unknown_county", "setup.ambiguous_county", "setup.other_county"):
        return "county"
    if code.startswith("village.") or code in ("setup.no_villages", "setup.unknown_village",
                                               "setup.village_outside", "setup.not_a_village"):
        return "villages"
    if code.startswith("team.") or code == "choice.invalid":
        return "cadres"
    if code in ("field.required", "text.too_long"):
        return {"工作队名称": "team", "派驻单位": "unit", "干部姓名": "cadres",
                "村名": "villages"}.get(str(problem.params.get("field", "")), "")
    return ""




class WorkPanel(_Panel):
    """A long job with progress and cancel (the demo county)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.task: TaskHandle | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 16)
        self.title = page_title(title)
        layout.addWidget(self.title)
        self.text = QLabel()
        self.text.setWordWrap(True)
        layout.addWidget(self.text)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        layout.addWidget(self.progress)
        layout.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.clicked.connect(self.escape)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)

    def first_field(self) -> QWidget | None:
        return self.cancel_button

    def escape(self) -> None:
        if self.task is not None:
            self.cancel_button.setEnabled(False)
            self.text.setText(self.tr("正在取消…"))
            self.task.cancel()

    def start(self, text: str, handle: TaskHandle) -> None:
        """Show ``text`` while the job of ``handle`` runs."""
        self.task = handle
        self.text.setText(text)
        self.progress.setRange(0, 0)
        self.cancel_button.setEnabled(True)

    def show_progress(self, done: int, total: int, _text: str) -> None:
        """Move the bar."""
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))


# ------------------------------------------------------------ the window

class FirstRunWindow(QWidget):
    """The window shown on a new or empty data home; ``sig_done(home)`` when a way to
    start has succeeded (the home to open: this one, or the demo's)."""

    sig_done = Signal(object)

    def __init__(self, home: Path, lang: str = "zh", server: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.home = home
        self.lang = lang
        self.tasks = TaskRunner(self)
        self.import_dialog = None
        self._bundle: tuple[Store, AppContext] | None = None
        self.setWindowTitle(self.tr("驻村工作队工作平台 · 开始使用"))
        self.setMinimumSize(760, 520)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack)
        self.choices = ChoicePanel(home)
        self.connect_panel = ConnectPanel(home, self.tasks, server)
        self.offline = OfflinePanel(home, self.tasks, lang)
        self.work = WorkPanel(self.tr("看看演示数据"))
        for panel in (self.choices, self.connect_panel, self.offline, self.work):
            self.stack.addWidget(panel)
            panel.sig_back.connect(self.show_choices)
            panel.sig_done.connect(self._finish)
        self.choices.sig_chosen.connect(self.choose)
        screen = QGuiApplication.primaryScreen()
        available = screen.availableGeometry() if screen is not None else None
        width = min(1100, available.width()) if available is not None else 1100
        height = min(720, available.height()) if available is not None else 720
        self.resize(width, height)
        self.show_panel(self.choices)

    def show_panel(self, panel: _Panel) -> None:
        """Show a step and focus its first field."""
        self.stack.setCurrentWidget(panel)
        first = panel.first_field()
        if first is not None:
            first.setFocus()

    def show_choices(self) -> None:
        """Back to the four ways to start."""
        self.show_panel(self.choices)

    def choose(self, key: str) -> None:
        """Start one of the ways: connect, offline, bundle or demo."""
        self.choices.say("")
        if key == "connect":
            self.show_panel(self.connect_panel)
        elif key == "offline":
            self.show_panel(self.offline)
        elif key == "bundle":
            self.open_bundle()
        elif key == "demo":
            self.open_demo()

    # ------------------------------------------------------------------ demo

    def open_demo(self) -> None:
        """Make (or reuse) the demo county beside this home, then open it."""
        demo = demo_home_for(self.home)
        self.show_panel(self.work)
        handle = self.tasks.run(make_demo, demo, with_state=True, done=self._finish,
                                failed=self._demo_failed, progress=self.work.show_progress)
        self.work.start(self.tr("正在生成演示数据（约 {n} 户虚构农户），请稍候…\n演示数据存放在 {home}，"
                                "不会混进正式数据。").format(n=DEMO_HOUSEHOLDS, home=str(demo)),
                        handle)

    def _demo_failed(self, exc: BaseException) -> None:
        self.work.task = None
        self.show_choices()
        from ..demo.generator import DemoCancelled

        if isinstance(exc, (Cancelled, DemoCancelled)):
            self.choices.say(self.tr("已取消生成演示数据。"))
        else:
            self.choices.say(self.tr("演示数据没有生成：{error}").format(error=str(exc)))

    # ------------------------------------------------------------------ bundle

    def open_bundle(self) -> None:
        """The 从U盘导入 dialog over a new store; kept only if something was imported."""
        from .bundle_dialogs import ImportDialog

        store = Store.open(self.home)
        ctx = AppContext(store, QSettings(str(self.home / "gui.ini"), QSettings.Format.IniFormat),
                         self.lang, self)
        self._bundle = (store, ctx)
        self.import_dialog = ImportDialog(ctx, self)
        self.import_dialog.finished.connect(self._bundle_closed)
        self.import_dialog.open()

    def _bundle_closed(self, _result: int) -> None:
        if self._bundle is None:
            return
        store, ctx = self._bundle
        self._bundle = None
        ctx.tasks.wait()
        store.close()
        ctx.deleteLater()
        if home_is_empty(self.home):
            discard_empty_store(self.home)
            self.choices.say(self.tr("没有导入数据包。可以重新选择，或换一种方式开始。"))
            self.choices.buttons["bundle"].setFocus()
            return
        self._finish(self.home)

    # ------------------------------------------------------------------ end

    def _finish(self, home: object) -> None:
        self.sig_done.emit(Path(str(home)))

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        # A running job stops at its next check; its own code removes what it had begun.
        if self.import_dialog is not None and self.import_dialog.isVisible():
            self.import_dialog.reject()  # closes (or keeps, if imported) the new store
        for panel in (self.connect_panel, self.work):
            if panel.task is not None:
                panel.task.cancel()
        if self.offline.task is not None:
            self.offline.task.cancel()
        self.tasks.wait()
        event.accept()

