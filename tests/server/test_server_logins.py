"""Login throttling on the real server (SQLite and PostgreSQL): growing delays and a lockout
per account name and per client address, refused before the password is hashed; unlocking
and the audit log through the command line; a flood from one address while another
address logs in."""

from __future__ import annotations

import datetime as dt
import json
import statistics
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import sqlalchemy as sa

from serverlib import RunningServer, start_server
from workteam_server.auth import client_address, throttle_keys, throttled
from workteam_server.settings import ServerSettings
from workteam_server.store import Throttle

PASSWORD = "right-pass-1"


def started(tmp_path: Path, server_db: str | None, logins: str = "") -> RunningServer:
    """A server whose server.toml has ``[logins]`` set to ``logins`` (written before start)."""
    home = tmp_path / "server"
    home.mkdir()
    if logins:
        (home / "server.toml").write_text(f"[logins]\n{logins}\n", encoding="utf-8")
    return start_server(home, server_db)


def http_from(address: str) -> httpx.Client:
    """A client whose connections come from ``address`` (any 127.x.y.z is this machine)."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=60)


def attempt(server: RunningServer, name: str, password: str,
            client: httpx.Client | None = None) -> httpx.Response:
    body = {"username": name, "password": password, "device": "laptop-1"}
    if client is not None:
        return client.post(f"{server.url}/api/v1/auth/login", json=body)
    return httpx.post(f"{server.url}/api/v1/auth/login", json=body, timeout=60)


def code(r: httpx.Response) -> str:
    return r.json()["detail"]["code"]


def sql(server: RunningServer, statement: str, **params: object) -> list[sa.Row]:
    engine = sa.create_engine(server.database_url)
    try:
        with engine.begin() as conn:
            result = conn.execute(sa.text(statement), params)
            return result.all() if result.returns_rows else []
    finally:
        engine.dispose()


def time_passes(server: RunningServer) -> None:
    """As if every wait had passed: the last failures move to long ago (lockouts stay)."""
    sql(server, "UPDATE login_throttle SET last_failure_at = :t", t=dt.datetime(2000, 1, 1))


def failures(server: RunningServer) -> dict[str, int]:
    return dict(sql(server, "SELECT key, failures FROM login_throttle"))


def audit(server: RunningServer, *args: str) -> list[dict]:
    done = server.cli("audit", "--json", *args)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_wrong_passwords_are_delayed_then_locked_and_the_cli_unlocks(tmp_path: Path,
                                                                     server_db: str | None) -> None:
    with started(tmp_path, server_db, "max_failures = 3") as server:
        server.add_user("wang", "member", "140215101201", PASSWORD)
        for _ in range(3):
            assert code(attempt(server, "wang", "wrong-pass")) == "bad_credentials"
        for _ in range(6):  # failures 4 … 9, each after its wait
            time_passes(server)
            assert code(attempt(server, "wang", "wrong-pass")) == "bad_credentials"
        r = attempt(server, "wang", PASSWORD)  # even the right password must wait now
        assert r.status_code == 429 and code(r) == "login_throttled"
        wait = int(r.headers["Retry-After"])
        assert 32 < wait <= 64  # 2^(9-3) seconds after the last failure
        assert r.json()["detail"]["message"] == f"登录失败次数过多，请 {wait} 秒后再试"
        for _ in range(3):  # failures 10 … 12 (= 4 x max_failures)
            time_passes(server)
            assert code(attempt(server, "wang", "wrong-pass")) == "bad_credentials"
        assert failures(server) == {"user:wang": 12, "addr:127.0.0.1": 12}
        time_passes(server)  # a lockout is not a wait: it stays
        r = attempt(server, "wang", PASSWORD)
        assert r.status_code == 429 and code(r) == "login_locked"
        assert 15 * 60 - 30 < int(r.headers["Retry-After"]) <= 15 * 60
        assert "15 分钟后再试" in r.json()["detail"]["message"]

        done = server.cli("users", "unlock", "wang")
        assert done.returncode == 0 and done.stdout.strip() == "已解除用户 wang 的登录限制"
        r = attempt(server, "wang", PASSWORD)  # the address is still locked
        assert code(r) == "login_locked" and "网络地址" in r.json()["detail"]["message"]
        done = server.cli("users", "unlock", "--address", "127.0.0.1")
        assert done.returncode == 0, done.stderr
        assert attempt(server, "wang", PASSWORD).status_code == 200
        assert failures(server) == {}
        done = server.cli("users", "unlock", "wang")
        assert done.returncode == 0 and "无需解锁" in done.stdout

        actions = Counter(e["action"] for e in audit(server))
        assert actions["login_failed"] == 12 and actions["login"] == 1
        assert actions["login_unlocked"] == 3
        keys = {e["detail"]["key"] for e in audit(server, "--action", "login_locked")}
        assert keys == {"user:wang", "addr:127.0.0.1"}
        keys = {e["detail"]["key"] for e in audit(server, "--action", "login_throttled")}
        assert keys == {"user:wang", "addr:127.0.0.1"}
        everything = server.cli("audit", "--limit", "1000").stdout
        assert "wrong-pass" not in everything and PASSWORD not in everything


def test_a_success_clears_the_failures_of_the_name_and_the_address(tmp_path: Path,
                                                                    server_db: str | None) -> None:
    with started(tmp_path, server_db, "max_failures = 3") as server:
        server.add_user("wang", "member", "140215101201", PASSWORD)
        for _ in range(2):
            assert code(attempt(server, "wang", "wrong-pass")) == "bad_credentials"
        assert attempt(server, "wang", PASSWORD).status_code == 200
        assert failures(server) == {}
        for _ in range(2):  # two more are again below the limit: no wait
            assert code(attempt(server, "wang", "wrong-pass")) == "bad_credentials"
        assert attempt(server, "wang", PASSWORD).status_code == 200


def test_throttled_attempts_are_answered_before_any_password_check(tmp_path: Path,
                                                                   server_db: str | None) -> None:
    """Refused attempts are not checked: not counted, not written, and answered in a
    fraction of the time one argon2 check takes. The address is throttled for every name
    (also a name that does not exist), and another address is not."""
    with started(tmp_path, server_db, "max_failures = 2") as server:
        server.add_user("wang", "member", "140215101201", PASSWORD)
        server.add_user("li", "member", "140215101201", PASSWORD)
        checked = []
        with http_from("127.0.0.1") as http:
            for _ in range(7):  # 7 failures: the next attempt waits 2^5 = 32 seconds
                time_passes(server)
                began = time.perf_counter()
                assert code(attempt(server, "wang", "wrong-pass", http)) == "bad_credentials"
                checked.append(time.perf_counter() - began)
            refused = []
            for name in ("wang", "li", "nobody") * 4:
                began = time.perf_counter()
                r = attempt(server, name, PASSWORD, http)
                refused.append(time.perf_counter() - began)
                assert r.status_code == 429 and code(r) == "login_throttled"
                assert 16 < int(r.headers["Retry-After"]) <= 32
        assert max(refused) < min(checked) / 3, (refused, checked)
        assert failures(server) == {"user:wang": 7, "addr:127.0.0.1": 7}
        assert len(audit(server, "--action", "login_failed")) == 7
        with http_from("127.0.0.3") as other:
            assert attempt(server, "li", PASSWORD, other).status_code == 200
            # wang's name stays throttled from any address
            assert code(attempt(server, "wang", PASSWORD, other)) == "login_throttled"


def test_the_wait_doubles_from_max_failures_and_the_lockout_follows() -> None:
    """The rule itself, on the states the database keeps (auth.throttled is what every
    login asks before the password is checked)."""
    settings = ServerSettings(max_failures=5, lockout_minutes=15)
    at = dt.datetime(2026, 12, 6, 8, 0, 0)

    def refusal(failures: int, ago: float, locked: dt.datetime | None = None,
                key: str = "user:wang") -> tuple[str, int | None] | None:
        state = Throttle(key, failures, at - dt.timedelta(seconds=ago), locked)
        error = throttled([state], settings, at)
        return (error.code, error.retry_after) if error else None

    assert refusal(4, 0) is None  # below max_failures: no wait
    assert refusal(5, 0) == ("login_throttled", 1)  # then 1, 2, 4 … seconds
    assert refusal(5, 1) is None
    assert refusal(7, 1) == ("login_throttled", 3)
    assert refusal(12, 0) == ("login_throttled", 128)
    assert refusal(19, 0) == ("login_throttled", 15 * 60)  # never longer than a lockout
    locked = refusal(20, 0, at + dt.timedelta(minutes=15))
    assert locked == ("login_locked", 15 * 60)
    assert refusal(20, 3600, at - dt.timedelta(seconds=1)) is None  # the lockout is over
    both = throttled([Throttle("user:wang", 5, at, None),
                      Throttle("addr:10.0.0.1", 6, at, None)], settings, at)
    assert both is not None and both.retry_after == 2  # the longer wait wins
    error = throttled([Throttle("addr:10.0.0.1", 20, at, at + dt.timedelta(seconds=61))], settings, at)
    assert error is not None and error.status == 429
    assert error.message == "您所在的网络地址登录失败次数过多，已暂时锁定，请 2 分钟后再试，或请管理员解锁"
    assert client_address("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert client_address("::ffff:10.1.2.3") == "10.1.2.3"
    assert throttle_keys("wang", "10.1.2.3") == ["user:wang", "addr:10.1.2.3"]


def test_a_lockout_ends_by_itself(tmp_path: Path, server_db: str | None) -> None:
    with started(tmp_path, server_db, "max_failures = 1\nlockout_minutes = 0.02") as server:
        server.add_user("wang", "member", "140215101201", PASSWORD)
        for _ in range(4):
            time_passes(server)
            assert code(attempt(server, "wang", "wrong-pass")) == "bad_credentials"
        r = attempt(server, "wang", PASSWORD)
        assert code(r) == "login_locked" and r.headers["Retry-After"] in ("1", "2")
        time.sleep(1.5)  # the lockout is 1.2 seconds
        assert attempt(server, "wang", PASSWORD).status_code == 200


def test_a_flood_from_one_address_does_not_hold_up_a_login_from_another(
        tmp_path: Path, server_db: str | None) -> None:
    """Waves of 100 simultaneous wrong logins from 127.0.0.1 (100 threads with httpx), while
    another account logs in from 127.0.0.2 with every wave. Without the per-address gate a
    wave's 100 argon2 checks would queue ahead of that login (100 checks over 4 hashing
    slots: many seconds); with it at most two of a wave are checked, the rest are refused
    at once, and soon every attempt is throttled, then locked, without a check. The login
    from the other address takes less than a second more than it takes without the flood
    (the time of one argon2 check on this machine is the part no gate can remove).

    Wall time on a two-core machine that also runs the 100 client threads is noisy, so the
    bounds leave room for it and still fail without the gate: the first wave may take up to
    2 s more than a login alone (without the gate it queues behind 100 checks, 100 x 0.13 s
    over two cores: 4.5 s measured), and the typical (median) wave at most 0.5 s more. The
    flood's connections are opened before the first wave (a GET of /health), so that wave
    times the gate, not 100 TCP handshakes."""
    with started(tmp_path, server_db, "max_failures = 1") as server:
        server.add_user("wang", "member", "140215101201", PASSWORD)
        server.add_user("li", "member", "140215101201", PASSWORD)
        stop = threading.Event()
        wave = threading.Barrier(101)
        answers: list[tuple[int, str, str | None]] = []

        def flood() -> None:
            with http_from("127.0.0.1") as http:
                http.get(f"{server.url}/health").raise_for_status()
                while True:
                    wave.wait()
                    if stop.is_set():
                        return
                    r = attempt(server, "wang", "wrong-pass", http)
                    answers.append((r.status_code, code(r), r.headers.get("Retry-After")))

        def timed_login(http: httpx.Client) -> float:
            began = time.perf_counter()
            r = attempt(server, "li", PASSWORD, http)
            assert r.status_code == 200, r.text
            return time.perf_counter() - began

        threads = [threading.Thread(target=flood) for _ in range(100)]
        with http_from("127.0.0.2") as http:
            alone = [timed_login(http) for _ in range(3)]
            for t in threads:
                t.start()
            during = []
            try:
                while len(during) < 12 or not any(c == "login_locked" for _, c, _ in answers):
                    wave.wait()  # the 100 threads send their wrong logins now
                    during.append(timed_login(http))
                    time.sleep(0.2)
                    assert len(during) < 200, "the flood was never locked out"
            finally:
                stop.set()
                wave.wait()
                for t in threads:
                    t.join()
        print(f"\nlogin from 127.0.0.2 alone: {', '.join(f'{x:.2f}' for x in alone)} s; during "
              f"{len(during)} waves of 100 wrong logins: {', '.join(f'{x:.2f}' for x in during)} s; "
              f"flood answers {dict(Counter(c for _, c, _ in answers))}")
        assert max(during) < max(alone) + 2.0, (alone, during)
        assert statistics.median(during) < max(alone) + 0.5, (alone, during)
        codes = Counter(c for _, c, _ in answers)
        assert set(codes) <= {"bad_credentials", "busy", "login_throttled", "login_locked"}
        assert codes["busy"] > 0 and codes["login_locked"] > 0
        assert codes["bad_credentials"] <= 4 + 2  # the lockout's count, plus checks in flight
        assert all(s == 429 and after for s, c, after in answers if c != "bad_credentials")
        logins = audit(server, "--action", "login", "--account", "li")
        assert len(logins) == 3 + len(during)
        assert {e["address"] for e in logins} == {"127.0.0.2"}


def test_the_audit_log_through_the_cli(server: RunningServer) -> None:
    server.add_user("wang", "member", "140215101201", PASSWORD)
    assert code(attempt(server, "wang", "wrong-pass")) == "bad_credentials"
    first = attempt(server, "wang", PASSWORD).json()
    r = httpx.post(f"{server.url}/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert r.status_code == 200
    httpx.post(f"{server.url}/api/v1/auth/logout", json={"refresh_token": r.json()["refresh_token"]})
    r = httpx.post(f"{server.url}/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert code(r) == "refresh_revoked"
    entries = audit(server)
    assert [e["action"] for e in entries] == ["refresh_refused", "logout", "login", "login_failed"]
    failed = entries[-1]
    assert failed["account"] == "wang" and failed["address"] == "127.0.0.1"
    assert failed["detail"]["reason"] == "bad_credentials" and failed["at"].endswith("Z")
    assert entries[0]["detail"]["reason"] == "revoked"
    assert all(first["refresh_token"] not in json.dumps(e) for e in entries)
    assert [e["action"] for e in audit(server, "--action", "login")] == ["login"]
    assert audit(server, "--since", "2999-01-01") == []
    assert len(audit(server, "--since", "2000-01-01T00:00:00Z", "--limit", "2")) == 2
    text = server.cli("audit", "--account", "wang")
    assert text.returncode == 0
    lines = text.stdout.strip().splitlines()
    assert len(lines) == 4 and lines[-1].split("\t")[1:4] == ["login_failed", "wang", "127.0.0.1"]
    assert server.cli("audit", "--since", "3000-01-01").stdout.strip() == "审计日志中没有符合条件的记录"
    for args in (("audit", "--since", "yesterday"), ("users", "unlock"),
                 ("users", "unlock", "nobody"), ("users", "unlock", "--address", "not-an-ip")):
        done = server.cli(*args)
        assert done.returncode == 1 and len(done.stderr.strip().splitlines()) == 1, args
        assert done.stderr.startswith("错误："), done.stderr
