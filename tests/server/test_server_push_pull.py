"""Push (idempotent, one result per change, in order) and pull (paged, by cursor, scoped)."""

from __future__ import annotations

import time

import httpx

from serverlib import RunningServer, area_changes, household_changes, pull_all, push, wire_change
from workteam_server.push import MAX_BATCH

PASSWORD = "push-pass-1"


def admin(server: RunningServer) -> httpx.Client:
    server.add_user("root", "admin", "", PASSWORD)
    return server.client("root", PASSWORD)


def statuses(results: list[dict]) -> list[str]:
    return [r["status"] for r in results]


def test_the_same_batch_twice_is_stored_once(server: RunningServer) -> None:
    with admin(server) as c:
        batch = area_changes() + household_changes("h1", "village1", members=3)
        assert statuses(push(c, batch)) == ["accepted"] * len(batch)
        assert statuses(push(c, batch)) == ["duplicate"] * len(batch)
        pulled, _ = pull_all(c)
        assert sorted(ch["id"] for ch in pulled) == sorted(ch["id"] for ch in batch)


def test_duplicates_across_and_within_batches(server: RunningServer) -> None:
    with admin(server) as c:
        push(c, area_changes())
        a, b, d = household_changes("h1", "village1", members=2)
        assert statuses(push(c, [a, b])) == ["accepted", "accepted"]
        # A batch cut off mid-way is sent again with more: the known part answers duplicate.
        assert statuses(push(c, [a, b, d])) == ["duplicate", "duplicate", "accepted"]
        e = wire_change("member", "h1-m9", {"household_id": "h1", "name": "重复"})
        assert statuses(push(c, [e, e])) == ["accepted", "duplicate"]
        ids = [ch["id"] for ch in pull_all(c)[0]]
        assert len(ids) == len(set(ids)) == len(area_changes()) + 4


def test_every_change_gets_its_own_result_in_order(server: RunningServer) -> None:
    server.add_user("wang", "member", "140215101201", PASSWORD)
    with admin(server) as root:
        push(root, area_changes())
    good = wire_change("household", "h1", {"number": "1", "village_id": "village1"})
    no_hlc = dict(wire_change("household", "h2", {"number": "2", "village_id": "village1"}), hlc="")
    bad_hlc = dict(wire_change("household", "h3", {"number": "3", "village_id": "village1"}), hlc="x")
    unknown = wire_change("spaceship", "s1", {"name": "?"})
    orphan = wire_change("member", "m1", {"household_id": "no-such-household", "name": "孤"})
    elsewhere = wire_change("household", "h4", {"number": "4", "village_id": "village_b"})
    child_of_elsewhere = wire_change("member", "h4-m", {"household_id": "h4", "name": "外"})
    area = wire_change("area", "village1", {"name": "改名"})
    moved = wire_change("household", "h1", {"village_id": "village2"})
    child = wire_change("member", "h1-m", {"household_id": "h1", "name": "户主"})
    team = wire_change("team", "t1", {"name": "队"})  # members may not create teams
    cadre = wire_change("cadre", "c1", {"name": "李", "team_id": "t1"})
    batch = [good, no_hlc, bad_hlc, unknown, orphan, elsewhere, child_of_elsewhere, area, moved,
             "not an object", child, team, cadre]
    with server.client("wang", PASSWORD) as c:
        results = push(c, batch)  # type: ignore[arg-type]
        assert [(r["status"], r.get("code")) for r in results] == [
            ("accepted", None),
            ("rejected", "bad_change"),
            ("rejected", "bad_hlc"),
            ("rejected", "unknown_entity"),
            ("rejected", "unknown_parent"),
            ("rejected", "out_of_scope"),
            ("rejected", "out_of_scope"),  # its parent's area, though the parent was refused
            ("rejected", "read_only"),
            ("rejected", "area_change"),
            ("rejected", "bad_change"),
            ("accepted", None),
            ("rejected", "read_only"),
            ("rejected", "unknown_parent"),  # its team was refused: never a dangling row
        ]
        assert [r["id"] for r in results[:9]] == [ch["id"] for ch in batch[:9]]
        assert all(r["reason"] for r in results if r["status"] == "rejected")
        assert "不在您的管辖范围内" in results[5]["reason"]
        stored = {ch["id"] for ch in pull_all(c)[0]}
    assert good["id"] in stored and child["id"] in stored
    assert not {ch["id"] for ch in batch[1:10] + batch[11:] if isinstance(ch, dict)} & stored


def test_rows_placed_by_their_children_in_the_same_batch(server: RunningServer) -> None:
    server.add_user("boss", "supervisor", "140215101201", PASSWORD)
    server.add_user("other", "member", "140215102201", PASSWORD)
    with admin(server) as root:
        push(root, area_changes() + household_changes("h1", "village1"))
    team = wire_change("team", "t9", {"name": "新队"})
    link = wire_change("team_area", "t9-a", {"team_id": "t9", "area_id": "village1"})
    cadre = wire_change("cadre", "c9", {"name": "张", "team_id": "t9"})
    visit = wire_change("visit", "v9", {"visit_date": "2026-11-01", "purpose": "走访", "village_id": None})
    visited = wire_change("visit_household", "v9-h", {"visit_id": "v9", "household_id": "h1"})
    photo = wire_change("attachment", "p9", {"sha256": "ab" * 32, "owner_entity": "visit", "owner_id": "v9"})
    with server.client("boss", PASSWORD) as c:
        assert statuses(push(c, [team, link, cadre, visit, visited, photo])) == ["accepted"] * 6
    with server.client("other", PASSWORD) as c:  # another township: sees none of it
        rows = {ch["row_id"] for ch in pull_all(c)[0]}
    assert not rows & {"t9", "t9-a", "c9", "v9", "v9-h", "p9"}


def test_batch_limits_and_malformed_bodies(server: RunningServer) -> None:
    with admin(server) as c:
        too_many = [wire_change("area", f"a{i}", {"code": "140215101201"})
                    for i in range(MAX_BATCH + 1)]
        r = c.post("/api/v1/changes/push", json={"changes": too_many})
        assert r.status_code == 413 and r.json()["detail"]["code"] == "batch_too_large"
        r = c.post("/api/v1/changes/push", content=b"{not json")
        assert r.status_code == 422 and r.json()["detail"]["code"] == "bad_request"
        assert r.json()["detail"]["message"].startswith("请求格式不正确")
        r = c.get("/api/v1/changes", params={"limit": 20001})
        assert r.status_code == 422 and r.json()["detail"]["code"] == "bad_request"
        assert pull_all(c)[0] == []  # nothing half-stored


def test_pull_pages_by_cursor(server: RunningServer) -> None:
    with admin(server) as c:
        batch = area_changes() + household_changes("h1", "village1", members=16)
        push(c, batch)
        pages, after = [], 0
        while True:
            body = c.get("/api/v1/changes", params={"after": after, "limit": 10, "own": "true"}).json()
            pages.append(body)
            assert body["cursor"] > after or not body["changes"]
            after = body["cursor"]
            if not body["more"]:
                break
        sizes = [len(p["changes"]) for p in pages]
        assert sizes[:-1] == [10] * (len(sizes) - 1) and sum(sizes) == len(batch)
        assert [ch["id"] for p in pages for ch in p["changes"]] == [ch["id"] for ch in batch]
        # A cursor past the end (a server restored from an older backup) is brought back.
        body = c.get("/api/v1/changes", params={"after": after + 1000, "own": "true"}).json()
        now = body.pop("now")
        assert body == {"changes": [], "cursor": after, "more": False}
        assert abs(now - time.time() * 1000) < 60_000  # the server's clock, told every page


def test_cursor_passes_changes_outside_the_scope(server: RunningServer) -> None:
    server.add_user("wang", "member", "140215101201", PASSWORD)
    with admin(server) as root:
        push(root, area_changes())
        push(root, household_changes("mine1", "village1"))
        push(root, household_changes("theirs", "village_b", members=30))
        push(root, household_changes("mine2", "village1"))
        end = pull_all(root)[1]
    with server.client("wang", PASSWORD) as c:
        changes, cursor = pull_all(c, limit=3)
        assert cursor == end  # the client will not read the other county's changes again
        households = {ch["row_id"] for ch in changes if ch["entity"] == "household"}
        assert households == {"mine1", "mine2"}
        assert c.get("/api/v1/changes", params={"after": cursor}).json()["changes"] == []


def test_a_laptop_never_pulls_back_what_it_pushed(server: RunningServer) -> None:
    """No echo: the pushing laptop's pull leaves its own changes out and its cursor moves
    past them; the same account on another laptop, and another account, get them all."""
    server.add_user("root", "admin", "", PASSWORD)
    with (server.client("root", PASSWORD, device="laptop-a") as a,
          server.client("root", PASSWORD, device="laptop-b") as b):
        mine = area_changes() + household_changes("h1", "village1", members=3)
        push(a, mine)
        theirs = household_changes("h2", "village1", members=1)
        push(b, theirs)
        more_mine = household_changes("h3", "village1", members=2)
        push(a, more_mine)
        end = pull_all(a, own=True)[1]
        # Laptop a, paged by 2: only laptop b's changes, in order; the cursor reaches the end.
        got, after = [], 0
        while True:
            body = a.get("/api/v1/changes", params={"after": after, "limit": 2}).json()
            got += body["changes"]
            assert body["cursor"] >= after
            after = body["cursor"]
            if not body["more"]:
                break
        assert [ch["id"] for ch in got] == [ch["id"] for ch in theirs]
        assert after == end
        # From that cursor nothing more is sent, not even its own.
        assert a.get("/api/v1/changes", params={"after": after}).json()["changes"] == []
        # Laptop b gets what a pushed (and not its own).
        assert [ch["id"] for ch in pull_all(b, own=False)[0]] == [ch["id"] for ch in mine + more_mine]
        # A rolled-back laptop asks for its own too: everything, in server order.
        assert [ch["id"] for ch in pull_all(a, own=True)[0]] == [
            ch["id"] for ch in mine + theirs + more_mine]


def test_an_account_without_any_scope_pulls_nothing(server: RunningServer) -> None:
    """A member whose team lost its every village has no scope prefixes: it reads nothing
    (the filter once became an empty OR, which SQLAlchemy drops: it read the whole log)."""
    server.add_user("nobody", "member", "", PASSWORD)
    with admin(server) as c:
        push(c, area_changes() + household_changes("h1", "village1"))
    with server.client("nobody", PASSWORD, device="laptop-nobody") as c:
        changes, _ = pull_all(c)
    assert changes == []


def test_the_short_answer_lists_what_was_not_accepted_by_its_place(server: RunningServer) -> None:
    """A laptop that asks for the short answer (``"answer": "short"``) gets only the
    changes not accepted, each with its place in the batch, and the count accepted: the
    same judgements as the full answer gives the same batch."""
    with admin(server) as c:
        push(c, area_changes())
        a, b, d = household_changes("h1", "village1", members=2)
        push(c, [a])
        bad = wire_change("household", "h2", {"number": 7, "village_id": "village1"})
        orphan = wire_change("member", "m1", {"household_id": "no-such-household", "name": "孤"})
        batch = [a, b, bad, d, orphan, b]
        r = c.post("/api/v1/changes/push",
                   json={"device": "dev-test", "answer": "short", "changes": batch})
        r.raise_for_status()
        body = r.json()
        assert body["accepted"] == 2
        assert [(x["i"], x["id"], x["status"]) for x in body["results"]] == [
            (0, a["id"], "duplicate"), (2, bad["id"], "rejected"), (4, orphan["id"], "rejected"),
            (5, b["id"], "duplicate")]
        assert body["results"][1]["code"] == "bad_value" and body["results"][1]["reason"]
        assert isinstance(body["cursor"], int) and isinstance(body["now"], int)
        # Asked again in full: the same judgements, one result per change.
        assert statuses(push(c, batch)) == ["duplicate", "duplicate", "rejected", "duplicate",
                                            "rejected", "duplicate"]


def test_an_answer_form_the_server_does_not_know_stores_nothing(server: RunningServer) -> None:
    with admin(server) as c:
        r = c.post("/api/v1/changes/push",
                   json={"device": "dev-test", "answer": "long", "changes": area_changes()})
        assert r.status_code == 422 and r.json()["detail"]["code"] == "bad_request"
        assert pull_all(c)[0] == []
        full = c.post("/api/v1/changes/push",
                      json={"device": "dev-test", "answer": "full", "changes": area_changes()})
        assert statuses(full.json()["results"]) == ["accepted"] * len(area_changes())
