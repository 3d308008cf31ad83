"""TLS between a laptop and the server (docs/server.md, "TLS"), against a real server.

``workteam-server serve --tls-cert/--tls-key`` with a throwaway certificate authority
(trustme); ``workteam login --ca`` keeps the county's CA in the data home and every later
sync verifies the server with it; without it the login fails with one Chinese line. Plain
``http://`` goes only to this machine unless settings.toml allows it, and a refused address
is refused before any connection (watched through Python's ``socket.connect`` audit event).
The GUI's login dialog shows the same refusals and takes the CA file too.
"""

from __future__ import annotations

import contextlib
import io
import json
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
from PySide6.QtCore import QSettings, Qt
from synclib import PASSWORD, add_households, add_village

from serverlib import RunningServer, TlsFiles, start_server
from workteam_desktop.cli import main as cli_main
from workteam_desktop.settings import SETTINGS_FILE, load_settings
from workteam_desktop.store import Store, sync_state
from workteam_desktop.sync.account import KEYRING_SERVICE, SERVER_CA_FILE, Account
from workteam_desktop.sync.client import PLAIN_HTTP_REFUSED, is_loopback
from workteam_desktop.sync.errors import NotLoggedIn
from workteam_server import cli as server_cli

UNTRUSTED = "无法验证同步服务器 127.0.0.1 的证书（证书不是受信任的机构签发的）"
FAR_AWAY = "10.255.255.1"  # not this machine; a connection to it would hang, then time out


# ---------------------------------------------------------------- certificates and servers

class Pki:
    """A county's certificate authority, the server's certificate and key, and a CA that
    did not sign it (all PEM files in one folder)."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.authority = trustme.CA(organization_name="左云县乡村振兴局")
        self.ca = folder / "county-ca.pem"
        self.authority.cert_pem.write_to_path(str(self.ca))
        self.other_ca = folder / "other-ca.pem"
        trustme.CA().cert_pem.write_to_path(str(self.other_ca))
        self.cert, self.key = self.issue(folder, "server", "127.0.0.1", "localhost")

    def issue(self, folder: Path, name: str, *hosts: str) -> tuple[Path, Path]:
        """A certificate for ``hosts`` signed by the county's CA: (chain file, key file)."""
        issued = self.authority.issue_cert(*hosts)
        cert, key = folder / f"{name}-cert.pem", folder / f"{name}-key.pem"
        cert.write_bytes(b"".join(p.bytes() for p in issued.cert_chain_pems))
        issued.private_key_pem.write_to_path(str(key))
        return cert, key


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """The test county's certificates."""
    return Pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory, pki: Pki) -> Iterator[RunningServer]:
    """One real server over https for the module; each test uses its own users."""
    with start_server(tmp_path_factory.mktemp("tls-server"),
                      tls=TlsFiles(pki.cert, pki.key, pki.ca)) as s:
        yield s


@pytest.fixture(scope="module")
def http_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A plain-http server on loopback (the test set-up and `serve`'s default)."""
    with start_server(tmp_path_factory.mktemp("http-server")) as s:
        yield s


_users = iter(range(1000))


def new_user(server: RunningServer) -> str:
    """A fresh supervisor of county 140215 (may write the test village's rows)."""
    name = f"li{next(_users)}"
    server.add_user(name, "supervisor", ["140215"], PASSWORD)
    return name


def laptop(tmp_path: Path, name: str, households: int = 2) -> Path:
    """A data home with the test village and a few households."""
    home = tmp_path / name
    with Store.open(home) as store:
        add_village(store)
        add_households(store, households)
    return home


def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *argv: object,
        stdin: str = "") -> tuple[int, str, str]:
    """``workteam ARGS…`` in process; (exit code, stdout, stderr). The stdin given is left
    in ``sys.stdin`` so a test can see whether the password was read."""
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = cli_main.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    """A CLI error: exactly one line on stderr, no traceback; the line without its prefix."""
    assert err.endswith("\n") and err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith("workteam: "), err
    return err.removeprefix("workteam: ").rstrip("\n")


# ---------------------------------------------------------------- watching connections

_watch_lock = threading.Lock()
_watching: list[list[str]] = []


def _audit(event: str, args: tuple) -> None:
    if event == "socket.connect" and _watching:
        address = args[1]
        host = address[0] if isinstance(address, tuple) else str(address)
        with _watch_lock:
            for seen in _watching:
                seen.append(host)


sys.addaudithook(_audit)  # cannot be removed; does nothing unless a test is watching


@pytest.fixture
def connections() -> Iterator[list[str]]:
    """The hosts this process opens TCP connections to during the test (audit events)."""
    seen: list[str] = []
    with _watch_lock:
        _watching.append(seen)
    yield seen
    with _watch_lock:
        _watching.remove(seen)


class Relay:
    """Listens on this machine's network address (not loopback) and forwards each
    connection to the server on 127.0.0.1: a server "on the village network"."""

    def __init__(self, target_port: int) -> None:
        self.host = lan_address()
        self.target = ("127.0.0.1", target_port)
        self.listener = socket.create_server((self.host, 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):  # the other direction ends too
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
            src.close()  # each socket is the source of exactly one pump

    def close(self) -> None:
        self.listener.close()


def lan_address() -> str:
    """This machine's address on its network (the interface a packet to 10.255.255.1 would
    leave by; a UDP "connect" sends nothing)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect((FAR_AWAY, 9))
        except OSError as exc:
            raise RuntimeError("this test needs a network interface besides loopback "
                               f"(no route to {FAR_AWAY}: {exc})") from None
        address = s.getsockname()[0]
    assert not is_loopback(address), address
    return address


# ---------------------------------------------------------------- https with the county's CA

def test_login_with_the_county_ca_then_every_sync_verifies_with_the_kept_copy(
        tmp_path, capsys, monkeypatch, pki, tls_server, memory_keyring) -> None:
    user = new_user(tls_server)
    home = laptop(tmp_path, "a", households=3)
    download = tmp_path / "downloads" / "县里的证书.pem"  # as a cadre would receive it
    download.parent.mkdir()
    download.write_bytes(pki.ca.read_bytes())
    code, out, err = run(capsys, monkeypatch, "login", "--home", home, "--server", tls_server.url,
                         "--user", user, "--ca", download, "--password-stdin",
                         stdin=PASSWORD + "\n")
    assert code == 0, err
    assert out.splitlines() == [
        f"已登录 {tls_server.url}，用户 {user}（督导，范围 140215）",
        f"已把证书保存到数据目录（{SERVER_CA_FILE}），以后每次同步都用它验证服务器"]
    assert tls_server.url.startswith("https://127.0.0.1:")
    assert (home / SERVER_CA_FILE).read_bytes() == pki.ca.read_bytes()
    with Store.open(home) as store:  # kept per laptop: server, user and device id
        assert (KEYRING_SERVICE, f"{tls_server.url}|{user}|{store.device_id}") in memory_keyring.secrets

    download.unlink()  # the copy in the home is what later syncs use
    code, out, err = run(capsys, monkeypatch, "sync", "--home", home, "--json")
    assert code == 0, err
    report = json.loads(out)
    assert (report["pushed"], report["rejected"]) == (4, 0)  # the village and 3 households
    code, out, err = run(capsys, monkeypatch, "sync", "--home", home, "--json")
    assert code == 0 and json.loads(out)["pushed"] == 0, err

    # The kept CA really is what the server is checked against: another one fails the sync.
    (home / SERVER_CA_FILE).write_bytes(pki.other_ca.read_bytes())
    code, out, err = run(capsys, monkeypatch, "sync", "--home", home)
    assert code == 1 and out == ""
    assert one_line(err).startswith(UNTRUSTED)


def test_login_without_the_ca_fails_with_one_chinese_line_and_keeps_nothing(
        tmp_path, capsys, monkeypatch, tls_server, memory_keyring) -> None:
    user = new_user(tls_server)
    home = laptop(tmp_path, "a")
    code, out, err = run(capsys, monkeypatch, "login", "--home", home, "--server", tls_server.url,
                         "--user", user, "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 1 and out == ""
    line = one_line(err)
    assert line == (f"{UNTRUSTED}：若县里使用自己的证书颁发机构，请用 workteam login --ca 证书文件 "
                    "重新登录（登录窗口：在“证书”栏选择文件），否则请联系县里的管理员")
    assert not (home / SERVER_CA_FILE).exists()
    assert memory_keyring.secrets == {}
    with Store.open(home) as store, pytest.raises(NotLoggedIn):
        Account.load(store)


def test_a_ca_that_did_not_sign_the_server_is_refused_and_not_kept(
        tmp_path, capsys, monkeypatch, pki, tls_server, memory_keyring) -> None:
    user = new_user(tls_server)
    home = laptop(tmp_path, "a")
    code, _out, err = run(capsys, monkeypatch, "login", "--home", home, "--server",
                          tls_server.url, "--user", user, "--ca", pki.other_ca,
                          "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 1 and one_line(err).startswith(UNTRUSTED)
    assert not (home / SERVER_CA_FILE).exists() and memory_keyring.secrets == {}


def test_a_file_that_is_no_certificate_is_refused_before_the_password_is_read(
        tmp_path, capsys, monkeypatch, pki, tls_server, connections) -> None:
    home = tmp_path / "a"
    for content, expected in ((b"not a certificate\n", "不是 PEM 格式的证书"),
                              (b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                               "无法读取或不是 PEM 格式的证书")):
        bad = tmp_path / "bad.pem"
        bad.write_bytes(content)
        code, _out, err = run(capsys, monkeypatch, "login", "--home", home, "--server",
                              tls_server.url, "--user", "x", "--ca", bad, "--password-stdin",
                              stdin=PASSWORD + "\n")
        assert code == 1 and expected in one_line(err)
        assert sys.stdin.read() == PASSWORD + "\n"  # not asked for
    code, _out, err = run(capsys, monkeypatch, "login", "--home", home, "--server", tls_server.url,
                          "--user", "x", "--ca", tmp_path / "missing.pem", "--password-stdin",
                          stdin=PASSWORD + "\n")
    assert code == 1 and one_line(err) == f"找不到证书文件 {tmp_path / 'missing.pem'}"
    code, _out, err = run(capsys, monkeypatch, "login", "--home", home, "--server",
                          "http://127.0.0.1:9", "--user", "x", "--ca", pki.ca, "--password-stdin",
                          stdin=PASSWORD + "\n")
    assert code == 1 and one_line(err) == "证书文件只用于 https:// 地址：请把服务器地址改为 https://…"
    assert sys.stdin.read() == PASSWORD + "\n"
    assert connections == [] and not home.exists()


def test_a_certificate_for_another_name_is_refused(tmp_path, capsys, monkeypatch, pki) -> None:
    cert, key = pki.issue(tmp_path, "elsewhere", "sync.county.example")
    with start_server(tmp_path / "server", tls=TlsFiles(cert, key, pki.ca)) as server:
        user = new_user(server)
        code, _out, err = run(capsys, monkeypatch, "login", "--home", laptop(tmp_path, "a"),
                              "--server", server.url, "--user", user, "--ca", pki.ca,
                              "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 1
    assert one_line(err).startswith("无法验证同步服务器 127.0.0.1 的证书（证书上的IP地址与服务器地址不符）")


def test_https_to_a_plain_http_server_says_so(tmp_path, capsys, monkeypatch, http_server) -> None:
    url = http_server.url.replace("http://", "https://")
    code, _out, err = run(capsys, monkeypatch, "login", "--home", laptop(tmp_path, "a"),
                          "--server", url, "--user", "x", "--password-stdin",
                          stdin=PASSWORD + "\n")
    assert code == 1
    assert one_line(err).startswith("无法与同步服务器 127.0.0.1 建立加密连接（它可能没有启用 https")


# ---------------------------------------------------------------- plain http

def test_loopback_names() -> None:
    for host in ("127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost", "LOCALHOST.",
                 "::ffff:127.0.0.1"):
        assert is_loopback(host), host
    for host in ("10.0.0.1", "192.168.1.10", "0.0.0.0", "128.0.0.1", "::", "fe80::1",
                 "county.example", "localhost.example", "127.0.0.1.example", ""):
        assert not is_loopback(host), host


def test_plain_http_to_another_machine_is_refused_before_any_connection(
        tmp_path, capsys, monkeypatch, connections) -> None:
    home = tmp_path / "a"
    for server in (f"http://{FAR_AWAY}:9", f"{FAR_AWAY}:9", "http://county.example:8800"):
        started = time.monotonic()
        code, out, err = run(capsys, monkeypatch, "login", "--home", home, "--server", server,
                             "--user", "wang", "--password-stdin", stdin=PASSWORD + "\n")
        assert code == 1 and out == ""
        host = server.removeprefix("http://").rsplit(":", 1)[0]
        assert one_line(err) == PLAIN_HTTP_REFUSED.format(host=host)
        assert time.monotonic() - started < 2
        assert sys.stdin.read() == PASSWORD + "\n"  # the password was not even asked for
    assert one_line(err) == (
        "不能用不加密的 http:// 连接 county.example：密码和农户信息会明文经过网络。请改用 https:// 地址"
        "（不清楚的请问县里的管理员）；仅限测试网络：在数据目录的 settings.toml 中设置 "
        "[sync] allow_plain_http = true")
    assert connections == [] and not home.exists()


def test_a_home_logged_in_over_plain_http_earlier_is_refused_at_sync(
        tmp_path, capsys, monkeypatch, connections) -> None:
    home = laptop(tmp_path, "a")
    with Store.open(home) as store:  # as an earlier version let it log in
        sync_state.set_values(store, {sync_state.SERVER_URL: f"http://{FAR_AWAY}:9",
                                      sync_state.USERNAME: "wang"})
    code, _out, err = run(capsys, monkeypatch, "sync", "--home", home, "--password-stdin",
                          stdin=PASSWORD + "\n")
    assert code == 1 and one_line(err) == PLAIN_HTTP_REFUSED.format(host=FAR_AWAY)
    assert connections == []


def test_plain_http_on_loopback_still_works(tmp_path, capsys, monkeypatch, http_server) -> None:
    user = new_user(http_server)
    home = laptop(tmp_path, "a")
    assert http_server.url.startswith("http://127.0.0.1:")
    code, _out, err = run(capsys, monkeypatch, "login", "--home", home, "--server",
                          http_server.url, "--user", user, "--password-stdin",
                          stdin=PASSWORD + "\n")
    assert code == 0, err
    code, out, err = run(capsys, monkeypatch, "sync", "--home", home, "--json")
    assert code == 0 and json.loads(out)["pushed"] == 3, err
    assert not (home / SERVER_CA_FILE).exists()


def test_the_setting_allows_plain_http_on_a_test_network(
        tmp_path, capsys, monkeypatch, http_server, connections) -> None:
    relay = Relay(http_server.port)
    try:
        user = new_user(http_server)
        home = laptop(tmp_path, "a")
        code, _out, err = run(capsys, monkeypatch, "login", "--home", home, "--server",
                              relay.url, "--user", user, "--password-stdin",
                              stdin=PASSWORD + "\n")
        assert code == 1 and one_line(err) == PLAIN_HTTP_REFUSED.format(host=relay.host)
        assert relay.host not in connections

        (home / SETTINGS_FILE).write_text('[sync]\nallow_plain_http = true\n', encoding="utf-8")
        assert load_settings(home).allow_plain_http
        code, out, err = run(capsys, monkeypatch, "login", "--home", home, "--server",
                             relay.url, "--user", user, "--password-stdin",
                             stdin=PASSWORD + "\n")
        assert code == 0 and out.startswith(f"已登录 {relay.url}，"), err
        code, out, err = run(capsys, monkeypatch, "sync", "--home", home, "--json")
        assert code == 0 and json.loads(out)["pushed"] == 3, err
        assert relay.host in connections  # it really went over the network address
    finally:
        relay.close()


# ---------------------------------------------------------------- the GUI's login dialog

def test_login_dialog_refuses_plain_http_then_logs_in_with_the_ca(
        qtbot, tmp_path, pki, tls_server, connections) -> None:
    from workteam_desktop.ui.context import AppContext
    from workteam_desktop.ui.sync_login import LoginDialog

    user = new_user(tls_server)
    home = laptop(tmp_path, "gui")
    store = Store.open(home)
    ctx = AppContext(store, QSettings(str(home / "gui.ini"), QSettings.Format.IniFormat), "zh")
    try:
        dialog = LoginDialog(ctx)
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.ca_edit.placeholderText() == "可不填：县里用自己的证书时才需要"
        hint = dialog.sizeHint()
        assert hint.width() <= 1024 and hint.height() <= 600 - 40  # fits a netbook's screen

        qtbot.keyClicks(dialog.server_edit, f"http://{FAR_AWAY}:9")
        qtbot.keyClicks(dialog.user_edit, user)
        qtbot.keyClicks(dialog.password_edit, PASSWORD)
        qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
        # At once, on the GUI thread, with the command line's message; nothing started.
        assert not dialog.error.isHidden()
        assert dialog.error.text() == PLAIN_HTTP_REFUSED.format(host=FAR_AWAY)
        assert ctx.tasks.active_count == 0 and connections == []
        assert dialog.login_button.isEnabled()

        dialog.server_edit.setText(tls_server.url)  # https, but no CA chosen
        qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not dialog.error.isHidden() and dialog.login_button.isEnabled(),
                        timeout=20000)
        assert dialog.error.text().startswith(UNTRUSTED)

        dialog.ca_edit.setText(str(pki.ca))
        with qtbot.waitSignal(dialog.accepted, timeout=20000):
            qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
        assert dialog.result_value is not None
        assert dialog.result_value.account.server_url == tls_server.url
        assert (home / SERVER_CA_FILE).read_bytes() == pki.ca.read_bytes()
        # Opened again, the dialog says the home keeps a CA (the field may stay empty).
        again = LoginDialog(ctx, tls_server.url, user)
        qtbot.addWidget(again)
        assert again.ca_edit.placeholderText() == "沿用已保存的县里的证书"
    finally:
        # Every task delivered its result (queued to this thread) before ctx goes away.
        qtbot.waitUntil(lambda: ctx.tasks.active_count == 0, timeout=10000)
        store.close()


# ---------------------------------------------------------------- the server's options

def test_serve_checks_its_tls_files_and_proxies_before_starting(
        tmp_path, capsys, pki) -> None:
    home = tmp_path / "server"
    other_cert, other_key = pki.issue(tmp_path, "other", "127.0.0.1")
    missing = tmp_path / "missing.pem"
    cases = [
        (["--tls-cert", pki.cert], "--tls-cert 和 --tls-key 要一起给出：证书文件和它的私钥文件"),
        (["--tls-key", pki.key], "--tls-cert 和 --tls-key 要一起给出：证书文件和它的私钥文件"),
        (["--tls-cert", missing, "--tls-key", pki.key], f"--tls-cert：找不到文件 {missing}"),
        (["--tls-cert", pki.cert, "--tls-key", other_key],
         f"无法使用证书 {pki.cert} 和私钥 {other_key}：私钥与证书不匹配"),
        (["--tls-cert", pki.key, "--tls-key", pki.key],
         f"无法使用证书 {pki.key} 和私钥 {pki.key}：不是 PEM 格式的证书和私钥"),
        (["--forwarded-allow-ips", "*"],
         "--forwarded-allow-ips 不能是 *：那样谁都能伪造来源地址、绕过登录次数限制；请写反向代理的IP地址"),
        (["--forwarded-allow-ips", "10.0.0.5,proxy"], "--forwarded-allow-ips：“proxy”不是IP地址或网段"),
    ]
    for args, message in cases:
        code = server_cli.main(["serve", "--home", str(home), *map(str, args)])
        out, err = capsys.readouterr()
        assert (code, out, err) == (1, "", f"错误：{message}\n"), args
    assert not home.exists()  # nothing was started or created
    assert other_cert.exists()
