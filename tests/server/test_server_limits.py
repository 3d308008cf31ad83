"""Limits every request meets, and the one error shape (docs/server.md, "Errors and limits"):
a body counted while it is read, JSON nesting bounded, pull pages bounded in bytes, and
``{"detail": {"code", "message"}}`` for every error, the framework's own included."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from serverlib import AREAS, RunningServer, area_changes, pull_all, push, start_server, wire_change

PASSWORD = "limits-pass-1"
MB = 1024 * 1024
VILLAGE = AREAS["village1"][0]


def memory(server: RunningServer, field: str) -> int:
    """A memory figure of the server process (``VmRSS``, or ``VmHWM``: its peak), in bytes."""
    assert server.process is not None
    for line in Path(f"/proc/{server.process.pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no {field}")


def reset_peak(server: RunningServer) -> int:
    """Start the server's peak-memory count afresh (Linux: ``5`` to ``clear_refs``); its
    resident memory now."""
    assert server.process is not None
    Path(f"/proc/{server.process.pid}/clear_refs").write_text("5")
    return memory(server, "VmRSS")


def chunks(total: int, size: int = 256 * 1024) -> Iterator[bytes]:
    """``total`` bytes of a JSON-looking body, sent chunked (no Content-Length)."""
    yield b'{"changes": ["'
    sent = 14
    while sent < total:
        yield b"x" * min(size, total - sent)
        sent += size


def error(r: httpx.Response, status: int, code: str) -> str:
    """Check the protocol's error shape; the message."""
    assert r.status_code == status, r.text
    detail = r.json()["detail"]
    assert detail["code"] == code and set(detail) == {"code", "message"}
    message = detail["message"]
    assert isinstance(message, str) and message and "\n" not in message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message)  # Chinese
    return message


def configured(tmp_path: Path, db_url: str | None, settings: str) -> RunningServer:
    """A server whose home has ``server.toml`` with ``settings``."""
    home = tmp_path / "server"
    home.mkdir(parents=True)
    (home / "server.toml").write_text(settings, encoding="utf-8")
    return start_server(home, db_url)


# ---------------------------------------------------------------- body size


def test_a_50_mb_body_is_refused_while_it_is_read(server: RunningServer) -> None:
    server.add_user("wang", "member", VILLAGE, PASSWORD)
    with server.client("wang", PASSWORD) as c:
        assert c.get("/api/v1/changes").status_code == 200
        idle = reset_peak(server)
        body = b'{"changes": ["' + b"x" * (50 * MB) + b'"]}'
        # Declared with Content-Length: refused before a byte of it is read.
        message = error(c.post("/api/v1/changes/push", content=body), 413, "body_too_large")
        assert "32 MB" in message
        del body
        # Chunked (no length): refused at the first chunk past the limit.
        for path in ("/api/v1/changes/push", "/api/v1/auth/login", "/api/v1/attachments/missing"):
            error(c.post(path, content=chunks(50 * MB), headers={"Content-Type": "application/json"}),
                  413, "body_too_large")
        grown = memory(server, "VmHWM") - idle
        print(f"peak RSS over idle after 50 MB bodies: {grown / MB:.1f} MB")
        assert grown < 100 * MB  # the limit's 32 MB at most, never 50 MB and its parse
        # The server goes on; an attachment of 20 MB (its own limit) still uploads whole.
        photo = os.urandom(20 * MB)
        sha = hashlib.sha256(photo).hexdigest()
        assert c.put(f"/api/v1/attachments/{sha}", content=photo).status_code in (200, 201)
        assert c.post("/api/v1/attachments/missing", json={"sha256": [sha]}).json() == {"missing": []}


def test_the_body_limit_holds_on_every_route_but_attachments_keep_theirs(
        tmp_path: Path, server_db: str | None) -> None:
    with configured(tmp_path, server_db, "[limits]\nmax_body_mb = 1\n") as server:
        server.add_user("wang", "member", VILLAGE, PASSWORD)
        with server.client("wang", PASSWORD) as c:
            big = [wire_change("household", f"h{i}", {"number": "x" * 400, "village_id": "village1"})
                   for i in range(3000)]
            message = error(c.post("/api/v1/changes/push", json={"changes": big}), 413, "body_too_large")
            assert "1 MB" in message
            padded = {"username": "wang", "password": PASSWORD, "pad": "x" * (2 * MB)}
            error(c.post("/api/v1/auth/login", json=padded), 413, "body_too_large")
            error(c.patch("/api/v1/admin/accounts/wang", json=padded), 413, "body_too_large")
            error(c.request("GET", "/api/v1/me", content=b"x" * (2 * MB)), 413, "body_too_large")
            # Below the limit all is as before.
            assert c.post("/api/v1/changes/push", json={"changes": big[:10]}).status_code == 200
            # An attachment is bounded by its own limit (20 MB), not the body limit.
            photo = os.urandom(3 * MB)
            sha = hashlib.sha256(photo).hexdigest()
            assert c.put(f"/api/v1/attachments/{sha}", content=photo).status_code in (200, 201)


# ---------------------------------------------------------------- nesting


def nested(depth: int) -> object:
    """A JSON value ``depth`` levels deep (lists inside an object at the bottom)."""
    value: object = {"leaf": 1}
    for _ in range(depth - 1):
        value = [value]
    return value


@pytest.mark.parametrize("depth", [70, 300, 1000, 5000])
def test_deeply_nested_bodies_are_refused_not_crashed_on(sqlite_server: RunningServer, depth: int) -> None:
    sqlite_server.add_user("root", "admin", "", PASSWORD)
    with sqlite_server.client("root", PASSWORD) as c:
        push(c, area_changes())
        change = wire_change("household", "h1", {"number": "1", "village_id": "village1", "note": "NOTE"})
        # Spelled out: no JSON library here writes past about 255 levels.
        raw = httpx.Request("POST", "/", json={"changes": [change]}).content.replace(
            b'"NOTE"', b"[" * depth + b'{"leaf": 1}' + b"]" * depth)
        r = c.post("/api/v1/changes/push", content=raw, headers={"Content-Type": "application/json"})
        error(r, 422, "bad_request")
        # The login route (parsed by the framework) refuses such a body the same way.
        r = c.post("/api/v1/auth/login", content=b'{"username": ' + b"[" * depth + b"]" * depth + b"}",
                   headers={"Content-Type": "application/json"})
        error(r, 422, "bad_request")
        assert len(pull_all(c)[0]) == len(AREAS)  # nothing stored; the server goes on


def test_ordinary_nesting_is_accepted(sqlite_server: RunningServer) -> None:
    sqlite_server.add_user("root", "admin", "", PASSWORD)
    with sqlite_server.client("root", PASSWORD) as c:
        r = c.post("/api/v1/changes/push", json={"changes": [{"fields": {"note": nested(40)}}]})
        assert r.status_code == 200  # judged change by change (rejected: bad_change)
        assert r.json()["results"][0]["status"] == "rejected"


# ---------------------------------------------------------------- pull pages in bytes


def test_pull_pages_are_bounded_in_bytes_and_skip_nothing(tmp_path: Path, server_db: str | None) -> None:
    page_limit = 100 * 1024
    with configured(tmp_path, server_db, "[limits]\npull_page_mb = 0.09765625\n") as server:
        server.add_user("root", "admin", "", PASSWORD)
        with server.client("root", PASSWORD) as c:
            areas = area_changes()
            push(c, areas)
            # 120 households with notes of 6 to 9 KB in UTF-8 (2,000 to 3,190 Chinese
            # characters), a small change after each.
            sent = []
            for i in range(120):
                sent.append(wire_change("household", f"h{i}", {
                    "number": f"{i}", "head_name": "张三", "village_id": "village1",
                    "note": "记" * (2000 + 10 * i)}))
                sent.append(wire_change("member", f"h{i}-m", {"household_id": f"h{i}", "name": "李四"}))
            for start in range(0, len(sent), 40):
                assert {r["status"] for r in push(c, sent[start:start + 40])} == {"accepted"}
            sizes = [len(httpx.Request("POST", "/", json=ch).content) for ch in sent]

            after, pages, seen = 0, 0, []
            while True:
                r = c.get("/api/v1/changes", params={"after": after, "limit": 5000, "own": "true"})
                assert r.status_code == 200
                body = r.json()
                assert len(r.content) <= page_limit + max(sizes)  # the limit, or one change past it
                seqs = [ch["seq"] for ch in body["changes"]]
                assert seqs == sorted(seqs) and all(s > after for s in seqs)
                if body["more"]:
                    assert body["changes"] and body["cursor"] == seqs[-1]  # continues right after
                seen += body["changes"]
                after, pages = body["cursor"], pages + 1
                if not body["more"]:
                    break
            ids = [ch["id"] for ch in seen]
            assert len(ids) == len(set(ids))  # nothing twice
            assert ids == [ch["id"] for ch in areas + sent]  # nothing skipped, in order
            assert pages >= sum(sizes) / (page_limit + max(sizes))  # paged by size, not by count
            # The count limit still holds.
            r = c.get("/api/v1/changes", params={"after": 0, "limit": 3, "own": "true"}).json()
            assert len(r["changes"]) == 3 and r["more"] and r["cursor"] == r["changes"][-1]["seq"]
            # A change larger than a whole page comes alone, and the next page follows it.
            server.stop()
            (server.home / "server.toml").write_text("[limits]\npull_page_mb = 0.001\n")
            server.start()
        with server.client("root", PASSWORD) as c:
            pulled, _ = pull_all(c)
            assert [ch["id"] for ch in pulled] == [ch["id"] for ch in areas + sent]
            page = c.get("/api/v1/changes",
                         params={"after": pulled[len(areas) - 1]["seq"], "own": "true"}).json()
            assert [ch["id"] for ch in page["changes"]] == [sent[0]["id"]] and page["more"]
            page = c.get("/api/v1/changes", params={"after": page["cursor"], "own": "true"}).json()
            assert page["changes"][0]["id"] == sent[1]["id"]


# ---------------------------------------------------------------- the one error shape


def test_every_error_has_the_protocol_shape(server: RunningServer) -> None:
    server.add_user("wang", "member", VILLAGE, PASSWORD)
    with server.client("wang", PASSWORD) as c:
        message = error(c.get("/api/v1/no-such-thing"), 404, "not_found")
        assert "/api/v1/no-such-thing" in message
        error(c.get("/nothing"), 404, "not_found")
        r = c.delete("/api/v1/me")
        error(r, 405, "method_not_allowed")
        assert r.headers["allow"] == "GET"
        r = c.delete(f"/api/v1/attachments/{'0' * 64}")
        error(r, 405, "method_not_allowed")
        assert r.headers["allow"] == "GET, PUT"  # both routes of the path
        r = c.put("/api/v1/attachments/missing", content=b"{}")
        error(r, 405, "method_not_allowed")
        assert r.headers["allow"] == "POST"  # its own path, not the attachment's
        r = c.get("/api/v1/admin/teams/x")
        error(r, 405, "method_not_allowed")
        assert r.headers["allow"] == "PATCH"
        # Malformed JSON anywhere: 422 bad_request.
        for path in ("/api/v1/auth/login", "/api/v1/changes/push", "/api/v1/attachments/missing",
                     "/api/v1/admin/teams"):
            for raw in (b"{", b'{"changes": [}', b"\xff\xfe{}", b"", b"[1, 2"):
                error(c.post(path, content=raw, headers={"Content-Type": "application/json"}),
                      422, "bad_request")
        error(c.get("/api/v1/changes", params={"after": -1}), 422, "bad_request")
        error(c.get("/api/v1/changes", params={"after": 2**64}), 422, "bad_request")
        error(c.get("/api/v1/changes", params={"pending": 2**40}), 422, "bad_request")
        error(c.post("/api/v1/changes/push", json={"device": 5, "changes": []}), 422, "bad_request")
        error(c.post("/api/v1/changes/push", json={"changes": {}}), 422, "bad_request")
        error(c.post("/api/v1/changes/push", json=[]), 422, "bad_request")
        error(httpx.get(f"{server.url}/api/v1/me"), 401, "token_missing")
        error(httpx.get(f"{server.url}/api/v1/me", headers={"Authorization": "Basic d2FuZzp4"}),
              401, "token_missing")


def test_a_server_fault_is_an_internal_error_without_its_details(server: RunningServer) -> None:
    server.add_user("wang", "member", VILLAGE, PASSWORD)
    with server.client("wang", PASSWORD) as c:
        assert c.get("/api/v1/changes").status_code == 200
        # A broken database (the change log gone): the server's fault, not the caller's.
        engine = sa.create_engine(server.database_url)
        with engine.begin() as conn:
            conn.execute(sa.text('ALTER TABLE "change" RENAME TO change_lost'))
        engine.dispose()
        r = c.get("/api/v1/changes")
        error(r, 500, "internal_error")
        assert "Traceback" not in r.text and "change" not in r.json()["detail"]["message"]
        assert "change_lost" not in r.text and "sql" not in r.text.lower()
        for _ in range(50):  # the log is read by a thread: give it a moment
            if any("Traceback" in line for line in server.log):
                break
            time.sleep(0.1)
        assert any("Traceback" in line for line in server.log), "".join(server.log[-20:])
        assert c.get("/api/v1/me").status_code == 200  # the rest goes on
