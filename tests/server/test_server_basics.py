"""The server's minimum on both databases: health, login, push, pull."""

from __future__ import annotations

import gzip

import httpx

from serverlib import RunningServer, area_changes, household_changes


def test_health_tells_the_database(server: RunningServer, server_db: str | None) -> None:
    r = httpx.get(f"{server.url}/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["protocol"] == 1
    assert body["database"] == ("sqlite" if server_db is None else "postgresql")
    assert httpx.get(f"{server.url}/openapi.json").json()["paths"]["/api/v1/changes/push"]
    assert httpx.get(f"{server.url}/docs").status_code == 200


def test_pushed_changes_come_back_by_pull(server: RunningServer) -> None:
    server.add_user("admin", "admin", "", "admin-pass")
    with server.client("admin", "admin-pass") as c:
        me = c.get("/api/v1/me").json()
        assert me == {"name": "admin", "role": "admin", "scopes": [], "team": None}
        sent = area_changes() + household_changes("h1", "village1", members=2)
        r = c.post("/api/v1/changes/push", json={"device": "d1", "changes": sent})
        assert r.status_code == 200
        results = r.json()["results"]
        assert [x["id"] for x in results] == [ch["id"] for ch in sent]
        assert {x["status"] for x in results} == {"accepted"}
        page = c.get("/api/v1/changes", params={"after": 0, "own": "true"}).json()
        assert page["more"] is False
        got = [{k: v for k, v in ch.items() if k != "seq"} for ch in page["changes"]]
        # Every field as sent, in the order sent; who sent it is what the token says (the
        # account and the laptop it logged in from), never what the body claims.
        assert got == [{**ch, "user": "admin", "device": "test-device"} for ch in sent]
        seqs = [ch["seq"] for ch in page["changes"]]
        assert seqs == sorted(seqs) and page["cursor"] == seqs[-1]
        end = c.get("/api/v1/changes", params={"after": page["cursor"], "own": "true"}).json()
        assert end.pop("now") > 0
        assert end == {"changes": [], "cursor": page["cursor"], "more": False}


def test_large_pages_are_gzipped(server: RunningServer) -> None:
    server.add_user("admin", "admin", "", "admin-pass")
    with server.client("admin", "admin-pass") as c:
        c.post("/api/v1/changes/push", json={"changes": area_changes()})
        raw = httpx.get(f"{server.url}/api/v1/changes", params={"own": "true"}, headers={
            "Authorization": c.headers["Authorization"], "Accept-Encoding": "gzip"})
        assert raw.headers["content-encoding"] == "gzip"
        assert len(raw.json()["changes"]) == len(area_changes())
        plain = httpx.get(f"{server.url}/api/v1/changes", params={"own": "true"}, headers={
            "Authorization": c.headers["Authorization"], "Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers
        assert len(gzip.compress(plain.content)) < len(plain.content)
