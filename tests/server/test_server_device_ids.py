"""Who may use a device id (docs/sync-protocol.md, Devices), on the real server and both
databases: a laptop's login names its device id and its instance; a second laptop with
the same device id (a copied data home) is refused while the first one's login lives, by
login and by push; the laptop itself logging in again, or changing hands, is not."""

from __future__ import annotations

import httpx
import sqlalchemy as sa

from serverlib import RunningServer, area_changes, wire_change
from workteam_desktop.domain.problems import Problem

PASSWORD = "right-pass-1"
DEVICE = "3f2a9c0d1e2b4a5c"
LAPTOP, COPY = "a" * 32, "b" * 32  # instances: the laptop, and a copy of its data home


def login(server: RunningServer, name: str, instance: str | None = None,
          device: str = DEVICE) -> httpx.Response:
    body = {"username": name, "password": PASSWORD, "device": device}
    if instance is not None:
        body["instance"] = instance
    return httpx.post(f"{server.url}/api/v1/auth/login", json=body, timeout=30)


def me(server: RunningServer, answer: httpx.Response) -> int:
    return httpx.get(f"{server.url}/api/v1/me", timeout=30, headers={
        "Authorization": f"Bearer {answer.json()['access_token']}"}).status_code


def push(server: RunningServer, answer: httpx.Response, changes: list[dict]) -> httpx.Response:
    return httpx.post(f"{server.url}/api/v1/changes/push", timeout=30, headers={
        "Authorization": f"Bearer {answer.json()['access_token']}"},
        json={"device": DEVICE, "changes": changes})


def taken(answer: httpx.Response, device: str = DEVICE) -> bool:
    """Whether the answer is the refusal of a device id held by another laptop."""
    return answer.status_code == 409 and answer.json()["detail"] == {
        "code": "device_taken", "message": Problem("sync.device_taken", {"device": device}).message()}


def audit_actions(server: RunningServer) -> list[tuple[str, str]]:
    engine = sa.create_engine(server.database_url)
    try:
        with engine.connect() as conn:
            return [(r.action, r.account) for r in conn.execute(
                sa.text("SELECT action, account FROM audit_log ORDER BY id"))]
    finally:
        engine.dispose()


def test_a_second_laptop_with_the_same_device_id_is_refused_at_login(server: RunningServer) -> None:
    for name in ("wang", "li"):
        server.add_user(name, "supervisor", ["140215"], PASSWORD)
    first = login(server, "wang", LAPTOP)
    assert first.status_code == 200
    # A copy of the data home: another account, or the same person, from another instance.
    assert taken(login(server, "li", COPY))
    assert taken(login(server, "wang", COPY))
    assert me(server, first) == 200  # the first laptop keeps its login
    assert ("device_taken", "li") in audit_actions(server)
    assert ("device_taken", "wang") in audit_actions(server)

    # The laptop itself logging in again is never refused (its earlier login ends, as always).
    again = login(server, "wang", LAPTOP)
    assert again.status_code == 200 and me(server, first) == 401 and me(server, again) == 200
    # The same laptop and data home changing hands: the new account takes the device id,
    # the earlier account's login on it ends.
    handed = login(server, "li", LAPTOP)
    assert handed.status_code == 200 and me(server, again) == 401
    assert taken(login(server, "wang", COPY))
    # Once no live login holds it (logged out), another laptop may have the device id.
    httpx.post(f"{server.url}/api/v1/auth/logout", timeout=30,
               json={"refresh_token": handed.json()["refresh_token"]})
    assert login(server, "wang", COPY).status_code == 200


def test_logins_from_an_earlier_program_are_not_checked_but_count(server: RunningServer) -> None:
    server.add_user("zhou", "supervisor", ["140215"], PASSWORD)
    server.add_user("sun", "supervisor", ["140215"], PASSWORD)
    # Logins that name no instance (scripts, earlier programs) are not checked: two accounts
    # may share a device name, as before.
    zhou, sun = login(server, "zhou"), login(server, "sun")
    assert zhou.status_code == sun.status_code == 200 and me(server, zhou) == me(server, sun) == 200
    # The upgraded program logging in with its instance: sun's live login on the device id
    # is another account's, from a laptop that cannot be told apart: refused until it ends.
    assert taken(login(server, "zhou", LAPTOP))
    httpx.post(f"{server.url}/api/v1/auth/logout", timeout=30,
               json={"refresh_token": sun.json()["refresh_token"]})
    # zhou's own earlier login (no instance) is this laptop's: taken over, and ended.
    upgraded = login(server, "zhou", LAPTOP)
    assert upgraded.status_code == 200 and me(server, zhou) == 401 and me(server, upgraded) == 200


def test_a_push_with_a_device_id_another_account_holds_stores_nothing(server: RunningServer) -> None:
    server.add_user("admin1", "admin", [], PASSWORD)
    server.add_user("qian", "admin", [], PASSWORD)
    holder = login(server, "admin1", LAPTOP)
    assert holder.status_code == 200
    areas = area_changes()
    assert [r["status"] for r in push(server, holder, areas[:1]).json()["results"]] == ["accepted"]
    older = login(server, "qian")  # an earlier program: no instance, gets a token
    assert older.status_code == 200
    refused = push(server, older, areas[1:2])
    assert taken(refused)
    with httpx.Client(base_url=server.url, timeout=30, headers={
            "Authorization": f"Bearer {holder.json()['access_token']}"}) as http:
        page = http.get("/api/v1/changes", params={"after": 0, "own": "true"}).json()
        held = [c["id"] for c in page["changes"]]
    assert areas[1]["id"] not in held  # nothing of the refused batch was stored
    # The holder sends on, also changes stamped by an earlier device id of its own (a laptop
    # restored from a backup sends what its old id made, as it was made).
    old_stamp = wire_change("area", "county", {"name": "县"}, device="0ld0device0id000")
    results = push(server, holder, [*areas[1:2], old_stamp]).json()["results"]
    assert [r["status"] for r in results] == ["accepted", "accepted"]
