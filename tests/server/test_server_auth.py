"""Logins and tokens on the real server: wrong password, disabled user, expiry, refresh,
rotation, revocation."""

from __future__ import annotations

import datetime as dt

import httpx
import sqlalchemy as sa

from serverlib import RunningServer
from workteam_server.auth import token_hash

PASSWORD = "right-pass-1"


def login(server: RunningServer, name: str, password: str) -> httpx.Response:
    return httpx.post(f"{server.url}/api/v1/auth/login",
                      json={"username": name, "password": password, "device": "laptop-1"})


def me(server: RunningServer, access: str) -> httpx.Response:
    return httpx.get(f"{server.url}/api/v1/me", headers={"Authorization": f"Bearer {access}"})


def refresh(server: RunningServer, token: str) -> httpx.Response:
    return httpx.post(f"{server.url}/api/v1/auth/refresh", json={"refresh_token": token})


def code(r: httpx.Response) -> str:
    return r.json()["detail"]["code"]


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
    assert second["refresh_token"] != first["refresh_token"]
    third = refresh(server, second["refresh_token"]).json()  # the successor is used ...
    again = refresh(server, first["refresh_token"])  # ... so the first token is dead for good
    assert again.status_code == 401 and code(again) == "refresh_revoked"
    assert refresh(server, third["refresh_token"]).status_code == 200
    again = refresh(server, second["refresh_token"])
    assert again.status_code == 401 and code(again) == "refresh_revoked"


def test_a_refresh_answer_lost_on_the_way_does_not_log_the_laptop_out(server: RunningServer) -> None:
    """The link drops after the server rotated the token but before the laptop got the new
    one: the laptop still holds the old token, which must work once more; the successor
    it never saw is revoked, so only one chain of tokens stays alive."""
    server.add_user("wang", "member", "140215101201", PASSWORD)
    first = login(server, "wang", PASSWORD).json()
    lost = refresh(server, first["refresh_token"]).json()  # the answer never arrives
    retried = refresh(server, first["refresh_token"])
    assert retried.status_code == 200
    assert me(server, retried.json()["access_token"]).status_code == 200
    r = refresh(server, lost["refresh_token"])  # the token nobody received is gone
    assert r.status_code == 401 and code(r) == "refresh_revoked"
    assert refresh(server, retried.json()["refresh_token"]).status_code == 200


def test_a_spent_token_stays_dead_after_logout_or_revocation(server: RunningServer) -> None:
    server.add_user("wang", "member", "140215101201", PASSWORD)
    first = login(server, "wang", PASSWORD).json()
    second = refresh(server, first["refresh_token"]).json()
    r = httpx.post(f"{server.url}/api/v1/auth/logout", json={"refresh_token": second["refresh_token"]})
    assert r.status_code == 204
    assert refresh(server, first["refresh_token"]).status_code == 401
    other = login(server, "wang", PASSWORD).json()
    refresh(server, other["refresh_token"])
    assert server.cli("tokens", "revoke", "wang").returncode == 0
    assert refresh(server, other["refresh_token"]).status_code == 401


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
