"""Logins and tokens on the real server: wrong password, disabled user, expiry, refresh,
rotation, token families (a spent token reused, the grace window for a lost answer, logout,
a new login on the same laptop), revocation, malformed bodies."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import sqlalchemy as sa

from serverlib import RunningServer, start_server
from workteam_server.auth import token_hash

PASSWORD = "right-pass-1"


def login(server: RunningServer, name: str, password: str, device: str = "laptop-1") -> httpx.Response:
    return httpx.post(f"{server.url}/api/v1/auth/login",
                      json={"username": name, "password": password, "device": device})


def me(server: RunningServer, access: str) -> httpx.Response:
    return httpx.get(f"{server.url}/api/v1/me", headers={"Authorization": f"Bearer {access}"})


def refresh(server: RunningServer, token: str) -> httpx.Response:
    return httpx.post(f"{server.url}/api/v1/auth/refresh", json={"refresh_token": token})


def code(r: httpx.Response) -> str:
    return r.json()["detail"]["code"]


def _token_row(server: RunningServer, token: str) -> sa.Row:
    engine = sa.create_engine(server.database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT * FROM token WHERE token_hash = :h"),
                                {"h": token_hash(token)}).one()
    finally:
        engine.dispose()


def sealed(server: RunningServer, token: str) -> bool:
    """Whether the server still keeps a sealed trade answer for ``token``."""
    return _token_row(server, token).sealed_answer is not None


def family_tokens(server: RunningServer, token: str) -> dict[str, tuple[int, int]]:
    """The tokens of ``token``'s family by kind: (how many, how many not revoked)."""
    family = _token_row(server, token).family
    engine = sa.create_engine(server.database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text(
                "SELECT kind, count(*), sum(CASE WHEN revoked THEN 0 ELSE 1 END) FROM token "
                "WHERE family = :f GROUP BY kind"), {"f": family}).all()
    finally:
        engine.dispose()
    return {kind: (n, int(alive)) for kind, n, alive in rows}


def audit_entries(server: RunningServer, action: str) -> list[dict]:
    """The audit log's entries of one action (through ``workteam-server audit --json``)."""
    done = server.cli("audit", "--action", action, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_login_answers_tokens_and_the_user(server: RunningServer) -> None:
    server.add_user("wang", "member", "140215101201", PASSWORD)
    r = login(server, "wang", PASSWORD)
    assert r.status_code == 200
    body = r.json()
    assert body["user"] == {"name": "wang", "role": "member", "scopes": ["140215101201"],
                            "team": None}
    assert body["expires_in"] == 15 * 60
    assert body["access_token"] != body["refresh_token"]
    assert me(server, body["access_token"]).json()["name"] == "wang"


def test_wrong_password_unknown_user_and_no_token_are_refused(server: RunningServer) -> None:
    server.add_user("wang", "member", "140215101201", PASSWORD)
    for name, password in (("wang", "wrong-pass"), ("nobody", PASSWORD), ("wang", "")):
        r = login(server, name, password)
        assert r.status_code == 401 and code(r) == "bad_credentials"
        assert r.json()["detail"]["message"] == "用户名或密码不正确"  # the same for both: no probing
    assert code(me(server, "made-up-token")) == "token_invalid"
    r = httpx.get(f"{server.url}/api/v1/me")
    assert r.status_code == 401 and code(r) == "token_missing"


def test_disabled_user_cannot_log_in_and_loses_tokens_at_once(server: RunningServer) -> None:
    server.add_user("wang", "member", "140215101201", PASSWORD)
    tokens = login(server, "wang", PASSWORD).json()
    done = server.cli("users", "disable", "wang")
    assert done.returncode == 0, done.stderr
    r = login(server, "wang", PASSWORD)
    assert r.status_code == 401 and code(r) == "user_disabled"
    assert me(server, tokens["access_token"]).status_code == 401
    assert refresh(server, tokens["refresh_token"]).status_code == 401


def _expire_access_tokens(server: RunningServer) -> None:
    engine = sa.create_engine(server.database_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE token SET expires_at = :t WHERE kind = 'access'"),
                     {"t": dt.datetime(2000, 1, 1)})
    engine.dispose()


def test_expired_access_token_is_refreshed(server: RunningServer) -> None:
    server.add_user("wang", "member", "140215101201", PASSWORD)
    tokens = login(server, "wang", PASSWORD).json()
    _expire_access_tokens(server)
    r = me(server, tokens["access_token"])
    assert r.status_code == 401 and code(r) == "token_expired"
    fresh = refresh(server, tokens["refresh_token"])
    assert fresh.status_code == 200
    assert me(server, fresh.json()["access_token"]).json()["name"] == "wang"


def test_refresh_token_rotates(server: RunningServer) -> None:
    server.add_user("wang", "member", "140215101201", PASSWORD)
    first = login(server, "wang", PASSWORD).json()
    second = refresh(server, first["refresh_token"]).json()
    third = refresh(server, second["refresh_token"]).json()
    tokens = {t[k] for t in (first, second, third) for k in ("access_token", "refresh_token")}
    assert len(tokens) == 6  # every trade makes new tokens
    assert me(server, third["access_token"]).json()["name"] == "wang"
    assert refresh(server, third["refresh_token"]).status_code == 200


def test_a_spent_token_used_again_ends_its_whole_family(server: RunningServer) -> None:
    """R0 traded for R1, R1 traded for R2: R0 handed in again means someone else holds a
    copy, so every token of that login dies (R2 and its access token too); the audit log
    says so. The same account's login on another laptop is not touched."""
    server.add_user("wang", "member", "140215101201", PASSWORD)
    first = login(server, "wang", PASSWORD).json()
    other = login(server, "wang", PASSWORD, device="laptop-2").json()
    second = refresh(server, first["refresh_token"]).json()
    third = refresh(server, second["refresh_token"]).json()
    again = refresh(server, first["refresh_token"])
    assert again.status_code == 401 and code(again) == "refresh_reused"
    assert "重新登录" in again.json()["detail"]["message"]
    for tokens in (second, third):
        r = me(server, tokens["access_token"])
        assert r.status_code == 401 and code(r) == "token_revoked"
    r = refresh(server, third["refresh_token"])
    assert r.status_code == 401 and code(r) == "refresh_revoked"
    assert me(server, other["access_token"]).status_code == 200
    assert refresh(server, other["refresh_token"]).status_code == 200
    reused = audit_entries(server, "refresh_reused")
    assert len(reused) == 1 and reused[0]["account"] == "wang"
    assert reused[0]["detail"]["device"] == "laptop-1"


def test_a_retry_within_the_grace_window_gets_the_same_successor(server: RunningServer) -> None:
    """The link drops after the server traded the token but before the laptop got the
    answer: the laptop hands in the old token again and gets the very same new tokens, so
    nothing it may already hold is lost and no second line of tokens comes to life."""
    server.add_user("wang", "member", "140215101201", PASSWORD)
    first = login(server, "wang", PASSWORD).json()
    lost = refresh(server, first["refresh_token"]).json()  # the answer never arrives
    retried = refresh(server, first["refresh_token"])
    assert retried.status_code == 200
    body = retried.json()
    assert (body["access_token"], body["refresh_token"]) == (lost["access_token"], lost["refresh_token"])
    assert 0 < body["expires_in"] <= 15 * 60
    assert body["user"]["name"] == "wang"
    assert me(server, body["access_token"]).status_code == 200
    assert family_tokens(server, first["refresh_token"]) == {"access": (2, 2), "refresh": (2, 1)}
    nxt = refresh(server, body["refresh_token"])  # the successor is used: no more retries
    assert nxt.status_code == 200
    r = refresh(server, first["refresh_token"])
    assert r.status_code == 401 and code(r) == "refresh_reused"
    assert me(server, nxt.json()["access_token"]).status_code == 401


def test_simultaneous_trades_of_one_token_make_one_successor(server: RunningServer) -> None:
    """Ten refreshes of one token at the same moment: one trade; the others are retries
    within the grace window and get that same answer. One working line of tokens."""
    server.add_user("wang", "member", "140215101201", PASSWORD)
    first = login(server, "wang", PASSWORD).json()
    start = threading.Barrier(10)

    def trade() -> httpx.Response:
        with httpx.Client(timeout=60) as http:
            start.wait()
            return http.post(f"{server.url}/api/v1/auth/refresh",
                             json={"refresh_token": first["refresh_token"]})

    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(lambda _: trade(), range(10)))
    assert {r.status_code for r in answers} == {200}
    assert len({(r.json()["access_token"], r.json()["refresh_token"]) for r in answers}) == 1
    # The login's pair, plus exactly one successor pair; one refresh token alive.
    assert family_tokens(server, first["refresh_token"]) == {"access": (2, 2), "refresh": (2, 1)}
    successor = answers[0].json()
    assert me(server, successor["access_token"]).status_code == 200
    assert refresh(server, successor["refresh_token"]).status_code == 200


def test_a_reuse_after_the_grace_window_ends_the_family(tmp_path: Path, server_db: str | None) -> None:
    """Past ``refresh_grace_seconds`` the sealed answer is gone: the old token handed in
    again ends the family, even though its successor was never used. The sealed answers
    of the account are dropped at its next trade."""
    home = tmp_path / "server"
    home.mkdir()
    (home / "server.toml").write_text("[logins]\nrefresh_grace_seconds = 1\n", encoding="utf-8")
    with start_server(home, server_db) as server:
        server.add_user("wang", "member", "140215101201", PASSWORD)
        first = login(server, "wang", PASSWORD).json()
        other = login(server, "wang", PASSWORD, device="laptop-2").json()
        second = refresh(server, first["refresh_token"]).json()
        assert sealed(server, first["refresh_token"])
        time.sleep(1.2)  # past the one second of grace
        refresh(server, other["refresh_token"])  # any trade of the account sweeps its seals
        assert not sealed(server, first["refresh_token"])
        r = refresh(server, first["refresh_token"])
        assert r.status_code == 401 and code(r) == "refresh_reused"
        assert me(server, second["access_token"]).status_code == 401
        assert refresh(server, second["refresh_token"]).status_code == 401


def test_logout_ends_the_whole_family(server: RunningServer) -> None:
    server.add_user("wang", "member", "140215101201", PASSWORD)
    first = login(server, "wang", PASSWORD).json()
    second = refresh(server, first["refresh_token"]).json()
    r = httpx.post(f"{server.url}/api/v1/auth/logout", json={"refresh_token": second["refresh_token"]})
    assert r.status_code == 204
    for token in (first["refresh_token"], second["refresh_token"]):  # R0 too, within grace
        r = refresh(server, token)
        assert r.status_code == 401 and code(r) == "refresh_revoked"
    for access in (first["access_token"], second["access_token"]):
        assert code(me(server, access)) == "token_revoked"
    assert not sealed(server, first["refresh_token"])  # nobody may collect it any more
    r = httpx.post(f"{server.url}/api/v1/auth/logout", json={"refresh_token": second["refresh_token"]})
    assert r.status_code == 204  # twice is fine
    assert [e["account"] for e in audit_entries(server, "logout")] == ["wang"]


def test_a_new_login_on_the_same_laptop_ends_its_older_logins(server: RunningServer) -> None:
    server.add_user("wang", "member", "140215101201", PASSWORD)
    first = login(server, "wang", PASSWORD).json()
    second = refresh(server, first["refresh_token"]).json()
    elsewhere = login(server, "wang", PASSWORD, device="laptop-2").json()
    fresh = login(server, "wang", PASSWORD).json()  # laptop-1 again
    for token in (first["refresh_token"], second["refresh_token"]):
        r = refresh(server, token)
        assert r.status_code == 401 and code(r) in ("refresh_revoked", "refresh_reused")
    assert code(me(server, second["access_token"])) == "token_revoked"
    assert me(server, fresh["access_token"]).status_code == 200
    assert me(server, elsewhere["access_token"]).status_code == 200  # another laptop's login
    assert refresh(server, elsewhere["refresh_token"]).status_code == 200


def test_administrator_revocation_kills_every_family(server: RunningServer) -> None:
    server.add_user("wang", "member", "140215101201", PASSWORD)
    first = login(server, "wang", PASSWORD).json()
    refresh(server, first["refresh_token"])
    other = login(server, "wang", PASSWORD, device="laptop-2").json()
    assert server.cli("tokens", "revoke", "wang").returncode == 0
    for token in (first["refresh_token"], other["refresh_token"]):
        assert refresh(server, token).status_code == 401
    assert not sealed(server, first["refresh_token"])


def test_revoked_tokens_stop_working_immediately(server: RunningServer) -> None:
    server.add_user("wang", "member", "140215101201", PASSWORD)
    server.add_user("li", "member", "140215101201", PASSWORD)
    wang = login(server, "wang", PASSWORD).json()
    li = login(server, "li", PASSWORD).json()
    done = server.cli("tokens", "revoke", "wang")
    assert done.returncode == 0, done.stderr
    r = refresh(server, wang["refresh_token"])
    assert r.status_code == 401 and code(r) == "refresh_revoked"
    r = me(server, wang["access_token"])
    assert r.status_code == 401 and code(r) == "token_revoked"
    assert me(server, li["access_token"]).status_code == 200  # only wang's
    assert login(server, "wang", PASSWORD).status_code == 200  # a new login works


def test_logout_revokes_the_refresh_token(server: RunningServer) -> None:
    server.add_user("wang", "member", "140215101201", PASSWORD)
    tokens = login(server, "wang", PASSWORD).json()
    r = httpx.post(f"{server.url}/api/v1/auth/logout", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 204
    assert refresh(server, tokens["refresh_token"]).status_code == 401


def test_tokens_are_stored_only_hashed(server: RunningServer) -> None:
    server.add_user("wang", "member", "140215101201", PASSWORD)
    tokens = login(server, "wang", PASSWORD).json()
    engine = sa.create_engine(server.database_url)
    with engine.connect() as conn:
        stored = set(conn.execute(sa.text("SELECT token_hash FROM token")).scalars())
        hashes = set(conn.execute(sa.text("SELECT password_hash FROM account")).scalars())
    engine.dispose()
    assert tokens["access_token"] not in stored and tokens["refresh_token"] not in stored
    assert token_hash(tokens["refresh_token"]) in stored
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in hashes)


def test_malformed_bodies_answer_bad_request(server: RunningServer) -> None:
    """Broken JSON, the wrong shape, and text no database can hold (NUL, a lone surrogate:
    PostgreSQL and the hashing refused them with a bare 500) all answer 422 with the
    protocol's {code, message}."""
    bodies = [b"{not json", b"", b"[]", b'"x"', b"null",
              b'{"username": "wang\\u0000", "password": "x", "refresh_token": "a\\u0000"}',
              b'{"username": "\\ud800", "password": "\\ud800", "refresh_token": "\\udfff"}',
              b'{"username": "wang", "password": "x", "device": "\\u0000", "refresh_token": 5}',
              b'{"username": "' + b"w" * 65 + b'", "password": "x", "refresh_token": "' + b"t" * 201 + b'"}']
    for path in ("login", "refresh", "logout"):
        for body in bodies:
            r = httpx.post(f"{server.url}/api/v1/auth/{path}", content=body,
                           headers={"Content-Type": "application/json"})
            assert r.status_code == 422, (path, body, r.text)
            detail = r.json()["detail"]
            assert detail["code"] == "bad_request" and detail["message"].startswith("请求格式不正确")
