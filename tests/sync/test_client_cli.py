"""``workteam login`` / ``sync`` / ``conflicts list`` against a real server: the token only in
the keyring, the counts, rejections with their reason, a repeated sync that does nothing,
and one Chinese line with exit 1 for every failure."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from synclib import (
    PASSWORD,
    add_households,
    add_village,
    change_ids,
    scan_for,
    synced_tables,
)

from serverlib import RunningServer, start_server
from workteam_desktop.cli import main as cli_main
from workteam_desktop.store import Store
from workteam_desktop.store.models import Household
from workteam_desktop.sync.account import KEYRING_SERVICE


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """One real server for the module; each test uses its own users."""
    with start_server(tmp_path_factory.mktemp("server")) as s:
        yield s


_users = iter(range(1000))


@pytest.fixture
def user(server: RunningServer) -> str:
    """A fresh supervisor of county 140215 on the module's server (a supervisor may write
    the village rows the test replicas start from; members may not)."""
    name = f"wang{next(_users)}"
    server.add_user(name, "supervisor", ["140215"], PASSWORD)
    return name


def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *argv: object,
        stdin: str = "") -> tuple[int, str, str]:
    """``workteam ARGS…`` in process; (exit code, stdout, stderr)."""
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = cli_main.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _home(tmp_path: Path, name: str, households: int = 0) -> Path:
    home = tmp_path / name
    with Store.open(home) as store:
        add_village(store)
        add_households(store, households)
    return home


def _login(capsys, monkeypatch, home: Path, server: RunningServer, user: str) -> None:
    code, _out, err = run(capsys, monkeypatch, "login", "--home", home, "--server", server.url,
                          "--user", user, "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0, err


def test_login_keeps_the_token_only_in_the_keyring(tmp_path, capsys, monkeypatch, server, user,
                                                   memory_keyring) -> None:
    home = _home(tmp_path, "a")
    code, out, err = run(capsys, monkeypatch, "login", "--home", home, "--server", server.url,
                         "--user", user, "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0, err
    assert f"已登录 {server.url}，用户 {user}（督导，范围 140215）" in out
    with Store.open(home) as store:  # kept per laptop: server, user and device id
        key = (KEYRING_SERVICE, f"{server.url}|{user}|{store.device_id}")
    token = memory_keyring.secrets[key]
    assert len(token) >= 20
    assert scan_for(home, token) == []
    assert scan_for(home, PASSWORD) == []
    # The sync uses the kept login (no password asked), rotates it, and still keeps it
    # nowhere but the keyring.
    code, _out, err = run(capsys, monkeypatch, "sync", "--home", home)
    assert code == 0, err
    rotated = memory_keyring.secrets[key]
    assert rotated != token
    assert scan_for(home, rotated) == [] and scan_for(home, token) == []


def test_sync_counts_then_a_second_laptop_gets_everything_and_resync_does_nothing(
        tmp_path, capsys, monkeypatch, server, user) -> None:
    a, b = _home(tmp_path, "a", households=5), tmp_path / "b"
    _login(capsys, monkeypatch, a, server, user)
    code, out, err = run(capsys, monkeypatch, "sync", "--home", a, "--json")
    assert code == 0, err
    first = json.loads(out)
    assert (first["pushed"], first["duplicates"], first["rejected"]) == (6, 0, 0)
    # Its own changes never come back (no echo); earlier tests' village rows are new here.
    assert first["conflicts"] == 0 and first["applied"] == first["pulled"]

    _login(capsys, monkeypatch, b, server, user)
    code, out, err = run(capsys, monkeypatch, "sync", "--home", b, "--json")
    assert code == 0, err
    second = json.loads(out)
    assert second["pushed"] == 0 and second["applied"] >= 6
    with Store.open(a) as sa, Store.open(b) as sb:
        assert synced_tables(sa) == synced_tables(sb)
        before = (synced_tables(sa), sorted(change_ids(sa)))

    code, out, err = run(capsys, monkeypatch, "sync", "--home", a, "--json")
    again = json.loads(out)
    assert code == 0 and again["pushed"] == again["pulled"] == again["applied"] == 0
    with Store.open(a) as sa:
        assert (synced_tables(sa), sorted(change_ids(sa))) == before

    code, out, err = run(capsys, monkeypatch, "sync", "--home", a)
    assert code == 0 and out.startswith("上传 0 条（重复 0，被拒 0），下载 0 条（新 0），冲突 0 条")


def test_a_change_outside_the_scope_is_rejected_with_its_reason(tmp_path, capsys, monkeypatch,
                                                                 server, user) -> None:
    home = _home(tmp_path, "a", households=1)
    with Store.open(home) as store:
        other = add_village(store, other=True)
        [hid] = add_households(store, 1, village=other, start=10)
    _login(capsys, monkeypatch, home, server, user)
    code, out, err = run(capsys, monkeypatch, "sync", "--home", home)
    assert code == 2, err  # the sync ran, but something was refused
    assert "被拒 2" in out  # the village outside the scope and its household
    # One line per reason, with its count and the records named as people read them.
    [line] = [line for line in out.splitlines() if "out_of_scope" in line]
    assert line.strip().startswith("2 条：") and "地区 东村；农户 户主10（0010）" in line
    with Store.open(home) as store, store.read() as cur:
        reason = cur.execute("SELECT code, reason FROM sync_rejection WHERE row_id = ?",
                             (hid,)).fetchone()
        assert reason["code"] == "out_of_scope" and reason["reason"]
        assert reason["reason"] in out
        pushed = cur.execute("SELECT pushed FROM change_log WHERE row_id = ?", (hid,)).fetchone()
        assert pushed[0] == 2
    # A rejected change is not sent again.
    code, out, _err = run(capsys, monkeypatch, "sync", "--home", home, "--json")
    assert code == 0
    assert json.loads(out)["rejected"] == 0 and json.loads(out)["pushed"] == 0
    # The whole list stays available, each refusal with its record and reason.
    code, out, _err = run(capsys, monkeypatch, "sync", "--home", home, "--rejections", "--json")
    listed = {r["row_id"]: r for r in json.loads(out)}
    assert code == 0 and listed[hid]["code"] == "out_of_scope" and listed[hid]["record"] == "户主10（0010）"


def test_conflicts_list_shows_both_values(tmp_path, capsys, monkeypatch, server, user) -> None:
    a, b = _home(tmp_path, "a"), tmp_path / "b"
    with Store.open(a) as store:
        [hid] = add_households(store, 1)
    _login(capsys, monkeypatch, a, server, user)
    _login(capsys, monkeypatch, b, server, user)
    assert run(capsys, monkeypatch, "sync", "--home", a)[0] == 0
    assert run(capsys, monkeypatch, "sync", "--home", b)[0] == 0
    for home, phone in ((a, "13800000001"), (b, "13900000002")):
        with Store.open(home) as store, store.write() as w:
            w.update(Household, hid, {"address": f"地址{phone}", "phone": phone})
    for home in (a, b, a):
        assert run(capsys, monkeypatch, "sync", "--home", home)[0] == 0
    code, out, err = run(capsys, monkeypatch, "conflicts", "list", "--home", a, "--json")
    assert code == 0, err
    listed = json.loads(out)
    listed = [c for c in listed if c["row_id"] == hid]
    fields = {c["field"] for c in listed}
    assert fields == {"address", "phone"}
    addresses = next(c for c in listed if c["field"] == "address")
    assert {addresses["kept"]["value"], addresses["lost"]["value"]} == {
        "地址13800000001", "地址13900000002"}
    phones = next(c for c in listed if c["field"] == "phone")
    assert "*" in phones["kept"]["text"] and "*" in phones["lost"]["text"]  # masked
    code, out, _err = run(capsys, monkeypatch, "conflicts", "list", "--home", a)
    assert code == 0 and "电话" in out and "*" in out


def test_server_down_wrong_password_revoked_and_not_logged_in_are_one_line_and_exit_1(
        tmp_path, capsys, monkeypatch, server, user) -> None:
    home = _home(tmp_path, "a", households=1)
    code, out, err = run(capsys, monkeypatch, "sync", "--home", home)
    assert (code, out) == (1, "") and err.startswith("workteam: 尚未登录同步服务器")

    code, _out, err = run(capsys, monkeypatch, "login", "--home", home, "--server", server.url,
                          "--user", user, "--password-stdin", stdin="wrong-password\n")
    assert code == 1 and err == "workteam: 用户名或密码不正确\n"

    _login(capsys, monkeypatch, home, server, user)
    done = server.cli("tokens", "revoke", user)
    assert done.returncode == 0, done.stderr
    code, _out, err = run(capsys, monkeypatch, "sync", "--home", home)
    assert code == 1 and err.startswith("workteam: 登录已失效") and err.count("\n") == 1

    _login(capsys, monkeypatch, home, server, user)
    dead = start_server(tmp_path / "dead")
    dead_url = dead.url
    dead.stop()  # nothing listens on that port any more
    code, _out, err = run(capsys, monkeypatch, "login", "--home", home, "--server", dead_url,
                          "--user", user, "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 1 and err.startswith(f"workteam: 无法连接同步服务器 {dead_url}")
    assert err.count("\n") == 1
    with Store.open(home) as store:  # the failed login changed nothing
        from workteam_desktop.store import sync_state

        assert sync_state.get(store, "server_url") == server.url
        sync_state.set_values(store, {"server_url": dead_url})
    keyring.set_password(KEYRING_SERVICE, f"{dead_url}|{user}", "x" * 40)
    code, _out, err = run(capsys, monkeypatch, "sync", "--home", home)
    assert code == 1 and err.startswith(f"workteam: 无法连接同步服务器 {dead_url}")
    with Store.open(home) as store:
        from workteam_desktop.store import sync_state

        assert sync_state.get(store, "last_error", "").startswith("无法连接同步服务器")


def test_without_a_keyring_the_password_is_asked_at_each_sync(tmp_path, capsys, monkeypatch,
                                                              server, user) -> None:
    keyring.set_keyring(fail.Keyring())
    home = _home(tmp_path, "a", households=2)
    code, out, err = run(capsys, monkeypatch, "login", "--home", home, "--server", server.url,
                         "--user", user, "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0 and "系统没有可用的密钥环" in err and "每次同步都需要输入密码" in err
    code, out, err = run(capsys, monkeypatch, "sync", "--home", home)
    assert code == 1 and "系统没有可用的密钥环" in err and "--password-stdin" in err
    code, out, err = run(capsys, monkeypatch, "sync", "--home", home, "--json", "--password-stdin",
                         stdin=PASSWORD + "\n")
    assert code == 0, err
    assert json.loads(out)["pushed"] == 3
    assert scan_for(home, PASSWORD) == []
    with Store.open(home) as store, store.read() as cur:
        assert cur.execute("SELECT count(*) FROM change_log WHERE pushed = 0").fetchone()[0] == 0


def test_a_demo_home_never_reaches_a_server(tmp_path, capsys, monkeypatch, server, user) -> None:
    """Made-up households must not be sent to a county's server: login and sync refuse a
    demo home with one line, and nothing is kept (issue 15)."""
    from workteam_desktop.demo import generate

    home = tmp_path / "demo"
    with Store.open(home) as store:
        generate(store, households=5, seed=3)
    code, _, err = run(capsys, monkeypatch, "login", "--home", home, "--server", server.url,
                       "--user", user, "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 1
    assert err.strip().count("\n") == 0 and "演示数据" in err
    code, _, err = run(capsys, monkeypatch, "sync", "--home", home)
    assert code == 1 and err.strip().count("\n") == 0
    assert keyring.get_password(KEYRING_SERVICE, f"{server.url}|{user}") is None
