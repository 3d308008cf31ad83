"""账号与工作队: the county's accounts and work teams, for a home signed in to the server as
an administrator or a supervisor (a supervisor sees and manages its own area's member
accounts and teams; the server decides, this page shows what it answers).

Accounts: name, role, team or area, state, and each laptop's last sync (local time) with
its unsent changes, a laptop silent for more than 7 days flagged amber with a word;
添加账号, 停用/启用, 重置密码, 调整工作队. Teams: name, unit, villages; 添加工作队 and 修改驻村
(villages ticked from the county's divisions). Every call goes through
``sync.admin.AdminClient`` off the GUI thread; a refusal is shown as the server's own
sentence. Without a keyring the page asks for the password once and keeps it in memory
while the program runs (never on disk).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QCoreApplication, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain import catalogues as cat
from ...domain import divisions as dv
from ...store.store import Store
from ...sync.account import Account
from ...sync.admin import AccountInfo, AdminClient, LaptopInfo, admin_session
from ...sync.client import TeamRef
from ...sync.errors import BadCredentials, NotLoggedIn, PasswordNeeded, SyncError
from ..columns import fit_columns_to_text
from ..context import AppContext
from ..division_pickers import TypeAheadCombo, VillageChecklist
from ..sync_controller import sync_controller
from ..widgets import accent_button, empty_state, field_error, page_title
from .base import Page

STALE_DAYS = 7  # a laptop silent for longer is flagged
MANAGER_ROLES = ("admin", "supervisor")
_AMBER = QColor("#fde7b0")
_RED = QColor("#c5221f")


# ------------------------------------------------------------ plain jobs (no Qt widgets)

@dataclass(frozen=True)
class SignedIn:
    """Who this home is signed in as (from ``sync_state``)."""

    server_url: str
    username: str
    role: str
    scopes: tuple[str, ...]


def signed_in(store: Store) -> SignedIn | None:
    """The home's server account, or None when it never logged in."""
    try:
        account = Account.load(store)
    except NotLoggedIn:
        return None
    return SignedIn(account.server_url, account.username, account.role, tuple(account.scopes))


@dataclass
class Directory:
    """What the server lists for the signed-in account, and the county it works in."""

    accounts: list[AccountInfo] = field(default_factory=list)
    teams: list[TeamRef] = field(default_factory=list)
    county: str = ""  # 12 digits, for the village pickers ("" when unknown)


def managed_county(store: Store, teams: Sequence[TeamRef], scopes: Sequence[str]) -> str:
    """The county the pickers offer: the home's own, else that of the teams' villages or
    the account's scope (12 digits; "" when none is known)."""
    from ...store.setup import home_counties

    codes = list(home_counties(store))
    codes += [code for team in teams for code, _ in team.villages]
    codes += [s for s in scopes if "#" not in s]
    for code in codes:
        digits = code.split("#")[0]
        if len(digits) >= 6 and digits[:6].isdigit() and digits[4:6] != "00":
            county = dv.shipped().get(digits[:6])
            if county is not None and county.level == "county":
                return county.code
    return ""


def load_directory(store: Store, password: str | None) -> Directory:
    """The accounts and teams the signed-in account manages (one server session)."""
    with admin_session(store, password) as admin:
        return _directory(store, admin)


def _directory(store: Store, admin: AdminClient) -> Directory:
    accounts, teams = admin.accounts(), admin.teams()
    scopes = signed_in(store)
    return Directory(accounts, teams, managed_county(store, teams, scopes.scopes if scopes else ()))


def run_admin(store: Store, password: str | None,
              action: Callable[[AdminClient], Any]) -> tuple[Any, Directory]:
    """Do one administrative action, then list again, in one server session."""
    with admin_session(store, password) as admin:
        result = action(admin)
        return result, _directory(store, admin)


def is_stale(laptop: LaptopInfo, now: dt.datetime) -> bool:
    """Whether a laptop has not synced for more than :data:`STALE_DAYS` days (or never)."""
    return laptop.last_sync is None or now - laptop.last_sync > dt.timedelta(days=STALE_DAYS)


def scope_names(scopes: Sequence[str]) -> str:
    """An account's area as people read it: 店湾镇、云兴镇 (codes a name cannot be found for
    are shown as they are)."""
    names = []
    for code in scopes:
        if "#" in code:
            continue
        found = dv.shipped().get(code) if code.isdigit() else None
        names.append(found.short if found is not None else code)
    return "、".join(names)


# ------------------------------------------------------------ dialogs

def _dialog_buttons(dialog: QDialog, ok_text: str) -> tuple[QDialogButtonBox, QPushButton]:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
        QCoreApplication.translate("AccountDialogs", "取消"))
    buttons.accepted.connect(dialog.submit)  # type: ignore[attr-defined]
    buttons.rejected.connect(dialog.reject)
    return buttons, ok


class _AdminDialog(QDialog):
    """A form whose OK hands the values to the page; the page's call answers with
    :meth:`succeeded` (closes) or :meth:`failed` (the server's sentence, input kept)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.on_submit: Callable[[dict[str, Any]], None] | None = None
        self.server_error = field_error()
        self.busy_label = QLabel(self.tr("正在提交…"))
        self.busy_label.setObjectName("tileLabel")
        self.busy_label.hide()

    def values(self) -> dict[str, Any] | None:
        """The checked values, or None with the errors shown."""
        raise NotImplementedError

    def submit(self) -> None:
        """OK: check, then hand the values over (the dialog stays until the server answers)."""
        self.server_error.hide()
        values = self.values()
        if values is None or self.on_submit is None:
            return
        self.ok_button.setEnabled(False)
        self.busy_label.show()
        self.on_submit(values)

    def succeeded(self) -> None:
        """The server did it."""
        self.busy_label.hide()
        self.accept()

    def failed(self, message: str) -> None:
        """The server refused: its sentence, the input kept for another try."""
        self.busy_label.hide()
        self.ok_button.setEnabled(True)
        self.server_error.setText(message)
        self.server_error.show()

    def _finish_layout(self, layout: QVBoxLayout, ok_text: str) -> None:
        layout.addWidget(self.server_error)
        layout.addWidget(self.busy_label)
        self.buttons, self.ok_button = _dialog_buttons(self, ok_text)
        layout.addWidget(self.buttons)


def _error_under(form: QFormLayout, label: str, widget: QWidget) -> QLabel:
    error = field_error()
    holder = QWidget()
    box = QVBoxLayout(holder)
    box.setContentsMargins(0, 0, 0, 0)
    box.setSpacing(2)
    box.addWidget(widget)
    box.addWidget(error)
    form.addRow(label, holder)
    return error


def _show(error: QLabel, message: str | None) -> bool:
    error.setText(message or "")
    error.setVisible(bool(message))
    return message is None


class PasswordFields:
    """A new password typed twice. Its strings are in one fixed context ("AccountDialogs"):
    ``dialog.tr`` would look them up under each dialog's own class name, which lupdate cannot
    know."""

    def __init__(self, dialog: QDialog, form: QFormLayout) -> None:
        self.dialog = dialog
        self.first = QLineEdit()
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.second = QLineEdit()
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        first_label = QCoreApplication.translate("AccountDialogs", "密码：")
        second_label = QCoreApplication.translate("AccountDialogs", "再输一次：")
        self.error = _error_under(form, first_label, self.first)
        self.second_error = _error_under(form, second_label, self.second)
        self.first.setPlaceholderText(QCoreApplication.translate("AccountDialogs", "至少8个字符"))

    def value(self) -> str | None:
        """The password when both agree, else None with the error shown."""
        first, second = self.first.text(), self.second.text()
        missing = QCoreApplication.translate("AccountDialogs", "请填写密码")
        if not _show(self.error, None if first else missing):
            self.first.setFocus()
            return None
        if not _show(self.second_error, None if first == second
                     else QCoreApplication.translate("AccountDialogs", "两次输入的密码不一致，请再输一次")):
            self.second.selectAll()
            self.second.setFocus()
            return None
        return first


class AddAccountDialog(_AdminDialog):
    """添加账号: name, role, the team (a member) or the area (a supervisor), password."""

    def __init__(self, lang: str, actor_role: str, teams: Sequence[TeamRef], county: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("添加账号"), parent)
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("登录用的名字，如 wangwei，不含空格"))
        self.name_error = _error_under(form, self.tr("用户名："), self.name)
        self.role = QComboBox()
        roles = ("member", "supervisor", "admin") if actor_role == "admin" else ("member",)
        for code in roles:
            self.role.addItem(cat.ACCOUNT_ROLES.label(code, lang), code)
        form.addRow(self.tr("角色："), self.role)
        self.team = TypeAheadCombo()
        self.team.set_items(((t.name, t.name) for t in teams), self.tr("选择工作队"))
        self.team_label = QLabel(self.tr("工作队："))
        self.team_error = field_error()
        team_box = QWidget()
        team_layout = QVBoxLayout(team_box)
        team_layout.setContentsMargins(0, 0, 0, 0)
        team_layout.addWidget(self.team)
        team_layout.addWidget(self.team_error)
        form.addRow(self.team_label, team_box)
        self.scope = TypeAheadCombo()
        county_division = dv.shipped().get(county) if county else None
        areas: list[tuple[str, str]] = []
        if county_division is not None:
            areas.append((self.tr("{county}（全县）").format(county=county_division.short),
                          county_division.code[:6]))
            areas += [(t.short, t.code[:9]) for t in dv.shipped().townships(county_division.code)]
        self.scope.set_items(areas, self.tr("督导的管辖范围：全县或一个乡镇"))
        self.scope_label = QLabel(self.tr("管辖范围："))
        self.scope_error = field_error()
        scope_box = QWidget()
        scope_layout = QVBoxLayout(scope_box)
        scope_layout.setContentsMargins(0, 0, 0, 0)
        scope_layout.addWidget(self.scope)
        scope_layout.addWidget(self.scope_error)
        self._scope_box = scope_box
        self._team_box = team_box
        form.addRow(self.scope_label, scope_box)
        self.password = PasswordFields(self, form)
        layout.addLayout(form)
        self.no_teams = QLabel(self.tr("还没有工作队：先在“工作队”页添加工作队，再为队员开账号。"))
        self.no_teams.setWordWrap(True)
        self.no_teams.setObjectName("tileLabel")
        layout.addWidget(self.no_teams)
        self._finish_layout(layout, self.tr("添加"))
        self.role.currentIndexChanged.connect(self._role_changed)
        self._teams = list(teams)
        self._role_changed()
        self.name.setFocus()

    def _role_changed(self) -> None:
        role = self.role.currentData()
        for w in (self.team_label, self._team_box):
            w.setVisible(role == "member")
        for w in (self.scope_label, self._scope_box):
            w.setVisible(role == "supervisor")
        self.no_teams.setVisible(role == "member" and not self._teams)

    def values(self) -> dict[str, Any] | None:
        name = self.name.text().strip()
        ok = _show(self.name_error, None if name and " " not in name
                   else self.tr("请填写用户名（不含空格）"))
        role = self.role.currentData()
        team = scope = None
        if role == "member":
            team = self.team.code()
            ok = _show(self.team_error, None if team else self.tr("请选择工作队")) and ok
        elif role == "supervisor":
            scope = self.scope.code()
            ok = _show(self.scope_error, None if scope else self.tr("请选择管辖范围")) and ok
        if not ok:
            (self.name if not name else self.team if role == "member" else self.scope).setFocus()
            return None
        password = self.password.value()
        if password is None:
            return None
        return {"name": name, "role": role, "team": team,
                "scopes": [scope] if scope else [], "password": password}


class ResetPasswordDialog(_AdminDialog):
    """重置密码: the new password twice; the account's laptops then sign in again."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("重置密码"), parent)
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        hint = QLabel(self.tr("为 {name} 设置新密码。设置后，此账号的电脑需要用新密码重新登录。").format(
            name=name))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.password = PasswordFields(self, form)
        layout.addLayout(form)
        self._finish_layout(layout, self.tr("重置密码"))
        self.password.first.setFocus()

    def values(self) -> dict[str, Any] | None:
        password = self.password.value()
        return None if password is None else {"password": password}


class MoveTeamDialog(_AdminDialog):
    """调整工作队: another team for a member (its area follows the team's villages)."""

    def __init__(self, name: str, current: str, teams: Sequence[TeamRef],
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("调整工作队"), parent)
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        hint = QLabel(self.tr("把 {name}（现属{team}）调到另一个工作队。调整后，此账号只能同步"
                              "新工作队所驻的村。").format(name=name, team=current))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.team = TypeAheadCombo()
        self.team.set_items(((t.name, t.name) for t in teams if t.name != current),
                            self.tr("选择工作队"))
        self.team_error = _error_under(form, self.tr("新的工作队："), self.team)
        layout.addLayout(form)
        self._finish_layout(layout, self.tr("调整"))
        self.team.setFocus()

    def values(self) -> dict[str, Any] | None:
        team = self.team.code()
        if not _show(self.team_error, None if team else self.tr("请选择工作队")):
            return None
        return {"team": team}


class TeamDialog(_AdminDialog):
    """添加工作队 (name, unit, villages) or 修改驻村 (the villages of one team)."""

    def __init__(self, lang: str, county: str, team: TeamRef | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("修改驻村") if team is not None else self.tr("添加工作队"), parent)
        self.team = team
        self.setMinimumSize(620, 520)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.name = QLineEdit(team.name if team else "")
        self.name.setPlaceholderText(self.tr("如 店湾村驻村工作队"))
        self.name.setReadOnly(team is not None)
        self.name_error = _error_under(form, self.tr("工作队名称："), self.name)
        self.unit = QLineEdit(team.unit if team else "")
        self.unit.setPlaceholderText(self.tr("如 县财政局"))
        form.addRow(self.tr("派驻单位："), self.unit)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("所驻的村（可多选，可跨乡镇；一个村只能有一个工作队）：")))
        # Only villages the server knows (its county's divisions): no adding by name here.
        self.villages = VillageChecklist(lang, list_height=200, allow_local=False)
        divisions = dv.shipped()
        county_division = divisions.get(county) if county else None
        self.villages.set_county(county_division)
        if team is not None:
            known = []
            for code, name in team.villages:
                found = divisions.get(code)
                if found is None and len(code) == 12:
                    found = dv.local_village(code[:9] + "000", name or code, code)
                if found is not None:
                    known.append(found)
            self.villages.add_known_local([v for v in known if v.local])
            self.villages.set_checked(known)
        if county_division is None:
            self.villages.show_error(self.tr("不知道本县是哪个县：请先在“同步”页同步一次。"))
        layout.addWidget(self.villages, 1)
        self._finish_layout(layout, self.tr("保存") if team is not None else self.tr("添加"))
        (self.villages.township if team is not None else self.name).setFocus()

    def values(self) -> dict[str, Any] | None:
        name = " ".join(self.name.text().split())
        ok = _show(self.name_error, None if name else self.tr("请填写工作队名称"))
        villages = [v.code for v in self.villages.checked()]
        if not villages:
            self.villages.show_error(self.tr("请至少勾选一个村"))
            ok = False
        if not ok:
            return None
        return {"name": name, "unit": self.unit.text().strip(), "villages": villages}


# ------------------------------------------------------------ the page

def _item(text: str, tooltip: str = "", right: bool = False) -> QStandardItem:
    item = QStandardItem(text)
    if tooltip:
        item.setToolTip(tooltip)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _table(model: QSortFilterProxyModel, stretch: int) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
    view.setSortingEnabled(True)
    view.verticalHeader().hide()
    view.setWordWrap(True)
    # Widths from the texts in the language shown (English labels are longer).
    fit_columns_to_text(view, stretch_column=stretch)
    return view


class AccountsPage(Page):
    """The county's accounts and teams, managed from this laptop."""

    name = "accounts"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.who: SignedIn | None = None
        self.directory = Directory()
        self._password: str | None = None  # typed when no keyring keeps the login (memory only)
        self._retry: Callable[[], None] | None = None
        self.dialog: _AdminDialog | None = None
        self.now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
        self._busy = 0

        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        head.addWidget(page_title(self.tr("账号与工作队")))
        head.addSpacing(12)
        self.who_label = QLabel()
        self.who_label.setObjectName("tileLabel")
        head.addWidget(self.who_label, 1)
        self.refresh_button = QPushButton(self.tr("刷新"))
        self.refresh_button.clicked.connect(self.reload)
        head.addWidget(self.refresh_button)
        layout.addLayout(head)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.hide()
        layout.addWidget(self.status)
        self.error = field_error()
        layout.addWidget(self.error)

        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.not_manager = empty_state(self.tr(
            "本机还没有以管理员或督导的账号登录服务器。在“同步”页用管理员或督导的账号登录后，"
            "这里可以为工作队员开账号、停用账号、重置密码和调整工作队。"))
        holder = QWidget()
        holder_layout = QVBoxLayout(holder)
        holder_layout.addStretch(1)
        holder_layout.addWidget(self.not_manager)
        self.to_sync_button = QPushButton(self.tr("去“同步”页登录"))
        self.to_sync_button.clicked.connect(lambda: self.ctx.navigate("sync"))
        holder_layout.addWidget(self.to_sync_button, 0, Qt.AlignmentFlag.AlignHCenter)
        holder_layout.addStretch(1)
        self.not_manager_box = holder
        self.stack.addWidget(holder)
        self.tabs = QTabWidget()
        self.stack.addWidget(self.tabs)
        self.tabs.addTab(self._build_accounts(), self.tr("账号"))
        self.tabs.addTab(self._build_teams(), self.tr("工作队"))
        self.stack.setCurrentWidget(self.not_manager_box)

    # ------------------------------------------------------------------ building

    def _build_accounts(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        bar = QHBoxLayout()
        self.add_account_button = accent_button(self.tr("添加账号…"))
        self.add_account_button.clicked.connect(self.open_add_account)
        self.disable_button = QPushButton(self.tr("停用"))
        self.disable_button.setToolTip(self.tr("停用后此账号不能再登录和同步；可随时重新启用"))
        self.disable_button.clicked.connect(self.toggle_disabled)
        self.password_button = QPushButton(self.tr("重置密码…"))
        self.password_button.clicked.connect(self.open_reset_password)
        self.move_button = QPushButton(self.tr("调整工作队…"))
        self.move_button.clicked.connect(self.open_move_team)
        for w in (self.add_account_button, self.disable_button, self.password_button,
                  self.move_button):
            bar.addWidget(w)
        bar.addStretch(1)
        self.account_search = QLineEdit()
        self.account_search.setPlaceholderText(self.tr("查找用户名或工作队"))
        self.account_search.setClearButtonEnabled(True)
        self.account_search.setMinimumWidth(220)
        bar.addWidget(self.account_search)
        layout.addLayout(bar)
        self.account_model = QStandardItemModel(0, 5, self)
        self.account_model.setHorizontalHeaderLabels([
            self.tr("用户名"), self.tr("角色"), self.tr("工作队或管辖范围"), self.tr("状态"),
            self.tr("电脑与上次同步")])
        self.account_proxy = QSortFilterProxyModel(self)
        self.account_proxy.setSourceModel(self.account_model)
        self.account_proxy.setFilterKeyColumn(-1)
        self.account_proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.account_search.textChanged.connect(self.account_proxy.setFilterFixedString)
        self.account_table = _table(self.account_proxy, stretch=4)
        self.account_table.selectionModel().selectionChanged.connect(self._account_selected)
        self.account_table.doubleClicked.connect(lambda _i: self.open_reset_password())
        layout.addWidget(self.account_table, 1)
        self.accounts_empty = empty_state(self.tr(
            "还没有您可以管理的账号。点“添加账号…”为工作队员开账号。"))
        layout.addWidget(self.accounts_empty)
        self.accounts_empty.hide()
        legend = QLabel(self.tr("电脑超过{days}天未同步的，以黄色标出。").format(days=STALE_DAYS))
        legend.setObjectName("tileLabel")
        layout.addWidget(legend)
        self._account_selected()
        return box

    def _build_teams(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        bar = QHBoxLayout()
        self.add_team_button = accent_button(self.tr("添加工作队…"))
        self.add_team_button.clicked.connect(self.open_add_team)
        self.edit_team_button = QPushButton(self.tr("修改驻村…"))
        self.edit_team_button.clicked.connect(self.open_edit_team)
        bar.addWidget(self.add_team_button)
        bar.addWidget(self.edit_team_button)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.team_model = QStandardItemModel(0, 4, self)
        self.team_model.setHorizontalHeaderLabels([
            self.tr("工作队"), self.tr("派驻单位"), self.tr("队员账号"), self.tr("所驻的村")])
        self.team_proxy = QSortFilterProxyModel(self)
        self.team_proxy.setSourceModel(self.team_model)
        self.team_table = _table(self.team_proxy, stretch=3)
        self.team_table.selectionModel().selectionChanged.connect(self._team_selected)
        self.team_table.doubleClicked.connect(lambda _i: self.open_edit_team())
        layout.addWidget(self.team_table, 1)
        self.teams_empty = empty_state(self.tr(
            "还没有工作队。点“添加工作队…”，填写名称并勾选所驻的村。"))
        layout.addWidget(self.teams_empty)
        self.teams_empty.hide()
        self._team_selected()
        return box

    def title(self) -> str:
        return self.tr("账号与工作队")

    # ------------------------------------------------------------------ loading

    def activate(self, **params: Any) -> None:
        self.ctx.tasks.run(signed_in, self.ctx.store, done=self._signed_in)

    def _signed_in(self, who: SignedIn | None) -> None:
        self.who = who
        if who is None or who.role not in MANAGER_ROLES:
            self.stack.setCurrentWidget(self.not_manager_box)
            self.who_label.setText("")
            self.refresh_button.setEnabled(False)
            return
        role = cat.ACCOUNT_ROLES.label(who.role, self.ctx.lang)
        self.who_label.setText(self.tr("以 {user}（{role}）身份管理 · {server}").format(
            user=who.username, role=role, server=who.server_url))
        self.refresh_button.setEnabled(True)
        self.stack.setCurrentWidget(self.tabs)
        self.reload()

    def reload(self) -> None:
        """List accounts and teams again (off the GUI thread)."""
        if self.who is None or self.who.role not in MANAGER_ROLES:
            return
        self._call(lambda password: self.ctx.tasks.run(
            load_directory, self.ctx.store, password, done=self._loaded,
            failed=lambda e: self._failed(e, None, self.reload)))

    def _call(self, start: Callable[[str | None], Any]) -> None:
        """Start a server call; after a running sync (one login at a time on this laptop)."""
        sync = sync_controller(self.ctx)
        if sync.running:
            self._say(self.tr("正在同步，同步结束后继续…"))

            def later(*_args: Any) -> None:
                sync.sig_finished.disconnect(later)
                sync.sig_failed.disconnect(later)
                self._call(start)

            sync.sig_finished.connect(later)
            sync.sig_failed.connect(later)
            return
        self.error.hide()
        self._set_busy(True)
        start(self._password)

    def _set_busy(self, on: bool) -> None:
        self._busy += 1 if on else -1
        self.refresh_button.setEnabled(self._busy == 0)

    def _loaded(self, directory: Directory) -> None:
        self._set_busy(False)
        self.directory = directory
        self._fill_accounts(directory.accounts)
        self._fill_teams(directory.teams, directory.accounts)

    def _failed(self, exc: BaseException, dialog: _AdminDialog | None,
                retry: Callable[[], None] | None) -> None:
        self._set_busy(False)
        if isinstance(exc, PasswordNeeded) and retry is not None:
            if self._ask_password():
                retry()
                return
            message = exc.message
        elif isinstance(exc, BadCredentials) and self._password is not None:
            self._password = None  # a wrong password typed here: ask again next time
            message = exc.message
        elif isinstance(exc, SyncError):
            message = exc.message
        else:
            message = self.tr("操作失败，请稍后重试；如果一再出现，请导出诊断包交给管理员")
        if dialog is not None and dialog.isVisible():
            dialog.failed(message)
        else:
            self.error.setText(message)
            self.error.show()

    def _ask_password(self) -> bool:
        password, ok = QInputDialog.getText(
            self, self.tr("输入密码"), self.tr("本机无法保存登录，请输入您的登录密码："),
            QLineEdit.EchoMode.Password)
        if ok and password:
            self._password = password
            return True
        return False

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    # ------------------------------------------------------------------ tables

    def _fill_accounts(self, accounts: Sequence[AccountInfo]) -> None:
        selected = self.selected_account()
        model = self.account_model
        model.setRowCount(0)
        now = self.now()
        for a in accounts:
            role = cat.ACCOUNT_ROLES.label(a.role, self.ctx.lang)
            if a.team:
                where = a.team
            elif a.role == "admin" and not a.scopes:
                where = self.tr("全部地区")
            else:
                where = scope_names(a.scopes) or self.tr("未分配")
            state = _item(self.tr("已停用") if a.disabled else self.tr("正常"))
            if a.disabled:
                state.setForeground(QBrush(_RED))
                font = state.font()
                font.setBold(True)
                state.setFont(font)
            lines, stale = self.laptop_lines(a.laptops, now)
            laptops = _item("\n".join(lines) if lines else self.tr("还没有电脑同步过"),
                            "\n".join(f"{laptop.device}" for laptop in a.laptops))
            if stale:
                laptops.setBackground(QBrush(_AMBER))
            if not lines:
                laptops.setForeground(QBrush(QColor("#6b7b8c")))
            name = _item(a.name)
            name.setData(a.name, Qt.ItemDataRole.UserRole)
            model.appendRow([name, _item(role), _item(where, where), state, laptops])
        self.account_table.resizeRowsToContents()
        self.tabs.setTabText(0, self.tr("账号（{n}）").format(n=len(accounts)))
        self.accounts_empty.setVisible(not accounts)
        self.account_table.setVisible(bool(accounts))
        if selected:
            self.select_account(selected)
        self._account_selected()

    def _fill_teams(self, teams: Sequence[TeamRef], accounts: Sequence[AccountInfo]) -> None:
        selected = self.selected_team()
        members: dict[str, int] = {}
        for a in accounts:
            if a.team:
                members[a.team] = members.get(a.team, 0) + 1
        model = self.team_model
        model.setRowCount(0)
        for t in teams:
            villages = "、".join(name or code for code, name in t.villages) or self.tr("尚未驻村")
            name = _item(t.name)
            name.setData(t.name, Qt.ItemDataRole.UserRole)
            count = _item(f"{members.get(t.name, 0):,}", right=True)
            model.appendRow([name, _item(t.unit), count, _item(villages, villages)])
        self.team_table.resizeRowsToContents()
        self.tabs.setTabText(1, self.tr("工作队（{n}）").format(n=len(teams)))
        self.teams_empty.setVisible(not teams)
        self.team_table.setVisible(bool(teams))
        if selected:
            self.select_team(selected)
        self._team_selected()

    def laptop_lines(self, laptops: Sequence[LaptopInfo],
                     now: dt.datetime) -> tuple[list[str], bool]:
        """Each laptop as a line (last sync in local time, unsent changes, a word when it
        has been silent too long), and whether one of them has."""
        lines: list[str] = []
        any_stale = False
        for laptop in laptops:
            when = (laptop.last_sync.astimezone().strftime("%Y-%m-%d %H:%M")
                    if laptop.last_sync is not None else self.tr("从未同步"))
            line = self.tr("{when} · 电脑 {device}").format(device=laptop.device[:6], when=when)
            if laptop.pending:
                line += self.tr(" · 待同步 {n} 条").format(n=f"{laptop.pending:,}")
            if is_stale(laptop, now):
                line += self.tr(" · 超过{days}天未同步").format(days=STALE_DAYS)
                any_stale = True
            lines.append(line)
        return lines, any_stale

    def selected_account(self) -> AccountInfo | None:
        """The account of the selected row."""
        rows = self.account_table.selectionModel().selectedRows()
        if not rows:
            return None
        name = self.account_proxy.index(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        return next((a for a in self.directory.accounts if a.name == name), None)

    def select_account(self, account: AccountInfo | str) -> None:
        """Select an account's row by name."""
        name = account if isinstance(account, str) else account.name
        for row in range(self.account_proxy.rowCount()):
            if self.account_proxy.index(row, 0).data(Qt.ItemDataRole.UserRole) == name:
                self.account_table.selectRow(row)
                return

    def selected_team(self) -> TeamRef | None:
        """The team of the selected row."""
        rows = self.team_table.selectionModel().selectedRows()
        if not rows:
            return None
        name = self.team_proxy.index(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        return next((t for t in self.directory.teams if t.name == name), None)

    def select_team(self, team: TeamRef | str) -> None:
        """Select a team's row by name."""
        name = team if isinstance(team, str) else team.name
        for row in range(self.team_proxy.rowCount()):
            if self.team_proxy.index(row, 0).data(Qt.ItemDataRole.UserRole) == name:
                self.team_table.selectRow(row)
                return

    def _account_selected(self, *_args: Any) -> None:
        account = self.selected_account()
        self.disable_button.setText(self.tr("启用") if account and account.disabled
                                    else self.tr("停用"))
        self.disable_button.setEnabled(account is not None)
        self.password_button.setEnabled(account is not None)
        self.move_button.setEnabled(account is not None and account.role == "member")

    def _team_selected(self, *_args: Any) -> None:
        self.edit_team_button.setEnabled(self.selected_team() is not None)

    # ------------------------------------------------------------------ actions

    def _act(self, action: Callable[[AdminClient], Any], done_text: Callable[[Any], str],
             dialog: _AdminDialog | None = None, select: str = "") -> None:
        """Run ``action`` on the server, then list again; success closes ``dialog``."""
        def start(password: str | None) -> None:
            self.ctx.tasks.run(run_admin, self.ctx.store, password, action,
                               done=lambda r: self._acted(r, done_text, dialog, select),
                               failed=lambda e: self._failed(
                                   e, dialog, lambda: self._act(action, done_text, dialog, select)))
        self._say("")
        self._call(start)

    def _acted(self, answer: tuple[Any, Directory], done_text: Callable[[Any], str],
               dialog: _AdminDialog | None, select: str) -> None:
        result, directory = answer
        self._loaded(directory)
        if dialog is not None:
            dialog.succeeded()
        self._say(done_text(result))
        if select:
            (self.select_team if self.tabs.currentIndex() == 1 else self.select_account)(select)

    def open_add_account(self) -> None:
        """添加账号…"""
        role = self.who.role if self.who else "member"
        dialog = AddAccountDialog(self.ctx.lang, role, self.directory.teams,
                                  self.directory.county, self)
        dialog.on_submit = lambda v: self._act(
            lambda admin: admin.add_account(v["name"], v["role"], v["password"], team=v["team"],
                                            scopes=v["scopes"]),
            lambda a: self.tr("已添加账号 {name}。请把用户名和密码告诉本人，"
                              "第一次登录后可在“同步”页使用。").format(name=a.name),
            dialog, v["name"])
        self._open(dialog)

    def toggle_disabled(self) -> None:
        """停用 or 启用 the selected account (reversible: no question asked)."""
        account = self.selected_account()
        if account is None:
            return
        disable = not account.disabled
        self._act(lambda admin: admin.edit_account(account.name, disabled=disable),
                  lambda a: (self.tr("已停用 {name}：此账号不能再登录和同步。要恢复，选中后点“启用”。")
                             if disable else self.tr("已启用 {name}。")).format(name=a.name),
                  None, account.name)

    def open_reset_password(self) -> None:
        """重置密码…"""
        account = self.selected_account()
        if account is None:
            return
        dialog = ResetPasswordDialog(account.name, self)
        dialog.on_submit = lambda v: self._act(
            lambda admin: admin.edit_account(account.name, password=v["password"]),
            lambda a: self.tr("已为 {name} 重置密码。").format(name=a.name), dialog, account.name)
        self._open(dialog)

    def open_move_team(self) -> None:
        """调整工作队…"""
        account = self.selected_account()
        if account is None or account.role != "member":
            return
        dialog = MoveTeamDialog(account.name, account.team, self.directory.teams, self)
        dialog.on_submit = lambda v: self._act(
            lambda admin: admin.edit_account(account.name, team=v["team"]),
            lambda a: self.tr("{name} 已调到 {team}。").format(name=a.name, team=a.team),
            dialog, account.name)
        self._open(dialog)

    def open_add_team(self) -> None:
        """添加工作队…"""
        dialog = TeamDialog(self.ctx.lang, self.directory.county, None, self)
        dialog.on_submit = lambda v: self._act(
            lambda admin: admin.add_team(v["name"], v["unit"], v["villages"]),
            lambda t: self.tr("已添加工作队 {name}。").format(name=t.name), dialog, v["name"])
        self._open(dialog)

    def open_edit_team(self) -> None:
        """修改驻村…"""
        team = self.selected_team()
        if team is None:
            return
        dialog = TeamDialog(self.ctx.lang, self.directory.county, team, self)
        dialog.on_submit = lambda v: self._act(
            lambda admin: admin.edit_team(team.name, villages=v["villages"], unit=v["unit"]),
            lambda t: self.tr("已保存 {name} 的驻村：{villages}。").format(
                name=t.name, villages="、".join(n for _, n in t.villages)),
            dialog, team.name)
        self._open(dialog)

    def _open(self, dialog: _AdminDialog) -> None:
        self.dialog = dialog
        dialog.open()
