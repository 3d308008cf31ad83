"""The sync account of a data home: server, user, role, scopes; the login in the keyring.

Server address, user name, role and scopes are in the store's ``sync_state``. The refresh
token lives ONLY in the OS keyring (service ``workteam-sync``, key
``<server>|<user>|<device id>``): a copied data home or a backup holds no credential, and a
login is used only by the laptop (device id) that made it. A home restored from another
home's backup has a new device id (store/store.py) and so logs in again; the other home's
login is never taken for its own. (Logins kept by earlier versions under
``<server>|<user>`` are taken over by the home whose device made them.) When the machine
has no real keyring (the fail backend, a plain-text file backend) nothing is stored, and
each sync asks for the password instead.

Every login names the device id and this laptop's *instance* (:func:`laptop_instance`: a
hash of the machine's id and the data home's folder), so the server can tell a copy of the
home (same device id, another machine or folder) from the laptop itself logging in again
(docs/sync-protocol.md, Devices).

Transport: the county's own certificate authority, when it has one, is kept in the home as
``server-ca.pem`` (``workteam login --ca FILE``; it is not a secret) and used to verify the
server at every sync; ``[sync] allow_plain_http`` in the home's settings.toml is the one
exception to refusing unencrypted http:// to other machines (:func:`check_server_address`).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import keyring
import keyring.errors

from ..domain.problems import Problem
from ..settings import load_settings
from ..store import sync_state
from ..store.setup import is_demo
from ..store.store import LOGIN_DEVICE, Store
from .client import SyncClient, TeamRef, Tokens, check_plain_http, normalize_url, tls_context
from .errors import BundleError, DemoHome, NotLoggedIn, PasswordNeeded, SyncError, TokenRevoked
from .keys import _usable_backend

KEYRING_SERVICE = "workteam-sync"
SERVER_CA_FILE = "server-ca.pem"  # the county's certificate authority, in the data home
CA_MAX_BYTES = 1024 * 1024  # a CA file is a few KB; more is the wrong file


def check_server_address(server_url: str, home: str | os.PathLike[str]) -> str:
    """The server address as stored, if this home may use it: the one check the CLI and the
    GUI make before anything else (plain http:// only to this machine unless the home's
    settings allow it). Raises :class:`SyncError` (:class:`PlainHttpRefused`)."""
    url = normalize_url(server_url)
    check_plain_http(url, load_settings(home).allow_plain_http)
    return url


def check_login_options(server_url: str, home: str | os.PathLike[str],
                        ca_file: str | os.PathLike[str] | None = None) -> tuple[str, bytes | None]:
    """What ``login`` checks before it connects: the address (:func:`check_server_address`)
    and the CA file, if any (https only, a usable PEM certificate). The address as stored
    and the CA's content; :class:`SyncError` (Chinese) otherwise."""
    url = check_server_address(server_url, home)
    if ca_file is None or not str(ca_file).strip():
        return url, None
    if not url.startswith("https:"):
        raise SyncError("证书文件只用于 https:// 地址：请把服务器地址改为 https://…")
    return url, read_ca_file(ca_file)


def server_ca(home: str | os.PathLike[str]) -> Path | None:
    """The county's certificate authority kept in the home (``login --ca``), if any."""
    path = Path(home) / SERVER_CA_FILE
    return path if path.is_file() else None


def read_ca_file(path: str | os.PathLike[str]) -> bytes:
    """The content of a certificate authority file (PEM), checked; :class:`SyncError`
    (Chinese) for a missing, huge or unusable file."""
    file = Path(path).expanduser()
    try:
        if file.stat().st_size > CA_MAX_BYTES:
            raise SyncError(f"证书文件 {file.name} 太大，不像是证书，请向县里的管理员要证书文件")
        data = file.read_bytes()
    except FileNotFoundError:
        raise SyncError(f"找不到证书文件 {file}") from None
    except OSError as exc:
        raise SyncError(f"无法读取证书文件 {file}（{exc.strerror or exc}）") from None
    if b"-----BEGIN CERTIFICATE-----" not in data:
        raise SyncError(f"证书文件 {file.name} 不是 PEM 格式的证书（应以 -----BEGIN CERTIFICATE----- "
                        "开头），请向县里的管理员要证书文件")
    tls_context(file)  # OpenSSL must be able to use it
    return data


def keep_server_ca(home: str | os.PathLike[str], data: bytes) -> Path:
    """Keep the county's certificate authority in the home (atomically); its path."""
    path = Path(home) / SERVER_CA_FILE
    name = ""
    try:
        fd, name = tempfile.mkstemp(prefix=".server-ca-", suffix=".pem", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(name, path)
    except OSError as exc:
        raise SyncError(f"无法把证书保存到数据目录 {path.parent}（{exc.strerror or exc}）") from None
    finally:
        if name:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(name)
    return path


@functools.cache
def _machine_id() -> str:
    """This machine's own id (Linux machine-id, Windows MachineGuid, macOS platform UUID),
    else its host name."""
    for path in ("/etc/machine-id", "/var/lib/dbus/machine-id"):
        with contextlib.suppress(OSError, UnicodeDecodeError):
            text = Path(path).read_text(encoding="ascii").strip()
            if text:
                return text
    if sys.platform == "win32":
        import winreg

        with contextlib.suppress(OSError), winreg.OpenKey(
                winreg.HKEY_LOCAL_MACHINE, r"SOFTWARE\Microsoft\Cryptography", 0,
                winreg.KEY_READ | winreg.KEY_WOW64_64KEY) as key:
            return str(winreg.QueryValueEx(key, "MachineGuid")[0])
    if sys.platform == "darwin":
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(["ioreg", "-rd1", "-c", "IOPlatformExpertDevice"],
                                 capture_output=True, text=True, timeout=5, check=False).stdout
            found = re.search(r'"IOPlatformUUID"\s*=\s*"([^"]+)"', out)
            if found:
                return found.group(1)
    return socket.gethostname()


def laptop_instance(home: str | os.PathLike[str]) -> str:
    """What tells this laptop's data home apart from a copy with the same device id: 32 hex
    digits of a hash of the machine's id and the home folder's full path (neither is sent
    as it is). A copied folder, on another machine or in another folder, has another."""
    folder = os.path.normcase(str(Path(home).resolve()))
    text = f"workteam laptop v1\n{_machine_id()}\n{folder}"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def keyring_available() -> bool:
    """Whether a keyring that keeps secrets safely exists (not fail, null or plain text)."""
    try:
        _usable_backend()
    except BundleError:
        return False
    return True


@dataclass
class Account:
    """The server account this data home syncs with."""

    server_url: str
    username: str
    role: str = ""
    scopes: list[str] = field(default_factory=list)
    team: TeamRef | None = None  # the work team of a member account (from the server)
    # How to reach the server, from the home (not from sync_state): the county's certificate
    # authority and the settings' exception for plain http (see the module docstring).
    ca_file: Path | None = field(default=None, compare=False)
    allow_plain_http: bool = field(default=False, compare=False)
    # The short-lived access token of the last connection, in memory only (never written):
    # the next sync within its life skips one round trip. (token, monotonic expiry)
    _access: tuple[str, float] | None = field(default=None, repr=False, compare=False)
    # This laptop: its device id (the store's), its instance (laptop_instance), and the
    # device id its kept login was made with (sync_state; None: made before it was kept).
    device: str = field(default="", compare=False)
    instance: str = field(default="", compare=False, repr=False)
    login_device: str | None = field(default=None, compare=False)

    @property
    def keyring_key(self) -> str:
        """The keyring user name under which the refresh token is kept (per device id)."""
        legacy = f"{self.server_url}|{self.username}"
        return f"{legacy}|{self.device}" if self.device else legacy

    @classmethod
    def load(cls, store: Store) -> Account:
        """The account stored in ``sync_state``; :class:`NotLoggedIn` when there is none."""
        state = sync_state.read_all(store)
        url, user = state.get(sync_state.SERVER_URL), state.get(sync_state.USERNAME)
        if not url or not user:
            raise NotLoggedIn()
        return cls(url, user, state.get(sync_state.ROLE, ""),
                   list(json.loads(state.get(sync_state.SCOPES) or "[]")),
                   TeamRef.from_json(json.loads(state.get(sync_state.TEAM) or "null")),
                   ca_file=server_ca(store.home),
                   allow_plain_http=load_settings(store.home).allow_plain_http,
                   device=store.device_id, instance=laptop_instance(store.home),
                   login_device=state.get(LOGIN_DEVICE) or None)

    def client(self, transport: httpx.BaseTransport | None = None) -> SyncClient:
        """A client of this account's server (not logged in), with the home's TLS rules."""
        return SyncClient(self.server_url, transport=transport, ca_file=self.ca_file,
                          allow_plain_http=self.allow_plain_http)

    # ------------------------------------------------------------------ keyring

    def stored_token(self) -> str | None:
        """The refresh token from the keyring (None: none kept, or no usable keyring)."""
        if not keyring_available():
            return None
        try:
            token = keyring.get_password(KEYRING_SERVICE, self.keyring_key)
            if token is None and self.device and self.login_device in (None, self.device):
                # Kept by an earlier version under <server>|<user>: this laptop's own login
                # (a home with a new device id never takes it), moved under its device id.
                legacy = f"{self.server_url}|{self.username}"
                token = keyring.get_password(KEYRING_SERVICE, legacy)
                if token is not None and self.keep_token(token):
                    with contextlib.suppress(keyring.errors.KeyringError):
                        keyring.delete_password(KEYRING_SERVICE, legacy)
            return token
        except keyring.errors.KeyringError:
            return None

    def keep_token(self, token: str) -> bool:
        """Keep the refresh token in the keyring; False when no usable keyring exists."""
        if not keyring_available():
            return False
        try:
            keyring.set_password(KEYRING_SERVICE, self.keyring_key, token)
            # Read back: a backend that silently drops secrets would log us out tomorrow.
            return keyring.get_password(KEYRING_SERVICE, self.keyring_key) == token
        except keyring.errors.KeyringError:
            return False

    def forget_token(self) -> None:
        """Remove the refresh token from the keyring (log out on this laptop)."""
        if not keyring_available():
            return
        with contextlib.suppress(keyring.errors.KeyringError):
            keyring.delete_password(KEYRING_SERVICE, self.keyring_key)

    # ------------------------------------------------------------------ connecting

    def connect(self, password: str | None = None, *, device: str = "",
                transport: httpx.BaseTransport | None = None) -> SyncClient:
        """A client logged in to the server: by the kept refresh token, else by password.

        Raises :class:`PasswordNeeded` when no keyring exists and no password is given,
        :class:`TokenRevoked` when the kept login is gone and no password is given.
        """
        device = device or self.device  # the keyring key stays this account's laptop's
        client = self.client(transport)
        try:
            token = self.stored_token()
            if token is not None and password is None:
                client.refresh_token = token
                # The server rotates the refresh token: keep the new one at once.
                client.on_refresh = self._rotated
                if self._access is not None and self._access[1] > time.monotonic():
                    client.access_token = self._access[0]  # an expired one is refreshed once
                else:
                    self._update_user(client.refresh())
                if self.device and self.login_device is None:
                    self.login_device = self.device  # kept since before login_device was
            elif password is not None:
                tokens = client.login(self.username, password, device, self.instance)
                self._update_user(tokens)
                self._remember(tokens)
                self.login_device = device or None
                if keyring_available():
                    client.on_refresh = self._rotated
                    self.keep_token(tokens.refresh_token)
            elif not keyring_available():
                raise PasswordNeeded()
            elif self.device and self.login_device not in (None, self.device):
                # Restored or copied from another home: that home's login is not this one's.
                raise TokenRevoked(Problem("sync.new_device_login").message())
            else:
                raise TokenRevoked("本机没有保存的登录，请重新登录（workteam login）或输入密码")
        except BaseException:
            client.close()
            raise
        return client

    def _rotated(self, tokens: Tokens) -> None:
        if not self.keep_token(tokens.refresh_token):
            raise SyncError("无法把新的登录凭据保存到系统密钥环，请检查密钥环服务后重新登录")
        self._remember(tokens)

    def _remember(self, tokens: Tokens) -> None:
        # A minute's margin: a token about to expire is not worth a failed request.
        self._access = (tokens.access_token, time.monotonic() + max(0, tokens.expires_in - 60))

    def _update_user(self, tokens: Tokens) -> None:
        self.role, self.scopes = tokens.user.role, list(tokens.user.scopes)
        self.team = tokens.user.team

    def save(self, store: Store) -> None:
        """Store server, user, role and scopes in ``sync_state`` (no write when unchanged)."""
        stored = sync_state.read_all(store)
        previous = stored.get(sync_state.SERVER_URL)
        values: dict[str, str | None] = {
            sync_state.SERVER_URL: self.server_url, sync_state.USERNAME: self.username,
            sync_state.ROLE: self.role, sync_state.SCOPES: json.dumps(self.scopes),
            sync_state.TEAM: json.dumps(self.team.to_json(), ensure_ascii=False) if self.team else None}
        if self.login_device:
            values[LOGIN_DEVICE] = self.login_device
        if all(stored.get(k) == v for k, v in values.items()):
            return
        if previous is not None and previous != self.server_url:
            # Another server numbers its changes differently: pull it from the start
            # (merging what we already have again changes nothing).
            values[sync_state.CURSOR] = None
        sync_state.set_values(store, values)


@dataclass(frozen=True)
class LoginResult:
    """What ``login`` did: the account, and whether the keyring keeps the login."""

    account: Account
    kept_in_keyring: bool


def login(store: Store, server_url: str, username: str, password: str, *,
          ca_file: str | os.PathLike[str] | None = None,
          transport: httpx.BaseTransport | None = None) -> LoginResult:
    """Log in to a server, remember the account in the store and the login in the keyring.

    Without a usable keyring the account is still remembered, but the refresh token is
    revoked at once (it could not be kept safely) and each sync asks for the password.
    ``ca_file``: the county's certificate authority (PEM); the server must verify with it,
    and only then is it kept in the home for every later sync. Without it a CA the home
    already keeps is used. Plain http:// follows :func:`check_server_address`.
    """
    if is_demo(store):
        raise DemoHome()  # made-up households must never reach a county's server
    url, ca_data = check_login_options(server_url, store.home, ca_file)
    account = Account(url, username.strip(), ca_file=server_ca(store.home),
                      allow_plain_http=load_settings(store.home).allow_plain_http,
                      device=store.device_id, instance=laptop_instance(store.home),
                      login_device=store.device_id)
    if not account.username:
        raise SyncError("请填写用户名")
    if ca_data is not None and ca_file is not None:  # verify with the file as given
        account.ca_file = Path(ca_file).expanduser()
    with account.client(transport) as client:
        client.health()
        tokens = client.login(account.username, password, store.device_id, account.instance)
        account._update_user(tokens)
        kept = account.keep_token(tokens.refresh_token)
        if not kept:
            with contextlib.suppress(SyncError):
                client.logout()  # a token no one can keep should not stay valid
    if ca_data is not None:  # it verified the server: keep it for the syncs to come
        account.ca_file = keep_server_ca(store.home, ca_data)
    account.save(store)
    if not store.user:
        store.set_user(account.username)  # changes made from now on name who made them
    return LoginResult(account, kept)


def logout(store: Store) -> None:
    """Forget the login on this laptop (and revoke it on the server when reachable)."""
    account = Account.load(store)
    token = account.stored_token()
    if token:
        try:
            with account.client() as client:
                client.refresh_token = token
                client.logout()
        except SyncError:
            pass  # offline: the token is forgotten here; an admin can revoke it
    account.forget_token()
