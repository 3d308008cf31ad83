"""Attachments and forms.

Attachments: content-addressed; every upload read whole and its hash checked; the bytes
readable only through a row of the reader's scope for bytes uploaded within that scope (a
known hash gives nothing); no answer tells whether a file exists; a size limit and a quota
per account; uploads no row points to cleaned up (by the command and by the server itself).
Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from serverlib import RunningServer, area_changes, household_changes, push, start_server, wire_change
from workteam_desktop.store.attachments import read_content

PASSWORD = "files-pass-1"
REPO = Path(__file__).resolve().parents[2]
ABSENT = "0" * 64  # a hash nobody uploaded


def sha_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put(c: httpx.Client, data: bytes, sha: str | None = None) -> httpx.Response:
    return c.put(f"/api/v1/attachments/{sha or sha_of(data)}", content=data)


def missing(c: httpx.Client, shas: list[str]) -> list[str]:
    r = c.post("/api/v1/attachments/missing", json={"sha256": shas})
    r.raise_for_status()
    return r.json()["missing"]


def attach(c: httpx.Client, row_id: str, data: bytes, household: str) -> str:
    """Push an attachment row on ``household`` naming the bytes; its push status."""
    row = wire_change("attachment", row_id, {"sha256": sha_of(data), "owner_entity": "household",
                                             "owner_id": household, "filename": "门牌.jpg",
                                             "size": len(data)})
    return push(c, [row])[0]["status"]


def uploads(server: RunningServer) -> list[tuple[str, str, str, int]]:
    """The upload records: (sha256, account name, scopes, size), sorted."""
    engine = sa.create_engine(server.database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text(
                "SELECT u.sha256, a.name, u.scopes, u.size FROM attachment_upload u "
                "JOIN account a ON a.id = u.account_id ORDER BY u.sha256, a.name"))
            return [tuple(r) for r in rows]  # type: ignore[misc]
    finally:
        engine.dispose()


def age_uploads(server: RunningServer, days: float) -> None:
    """Make every upload record ``days`` older (what waiting would do, without waiting)."""
    engine = sa.create_engine(server.database_url)
    try:
        with engine.begin() as conn:
            stamp = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=days)
            conn.execute(sa.text("UPDATE attachment_upload SET uploaded_at = :t"), {"t": stamp})
    finally:
        engine.dispose()


def stored_files(server: RunningServer) -> set[str]:
    return {p.name for p in (server.home / "attachments").rglob("*") if p.is_file()}


def with_settings(home: Path, text: str) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    (home / "server.toml").write_text(text, encoding="utf-8")
    return home


def test_every_upload_is_read_whole_and_checked_and_answered_alike(server: RunningServer) -> None:
    server.add_user("wang", "member", "140215101201", PASSWORD)
    photo, other = "照片".encode() * 5000, b"\x89PNG other photo"
    sha, sha_other = sha_of(photo), sha_of(other)
    with server.client("wang", PASSWORD) as c:
        assert missing(c, [sha, sha_other]) == [sha, sha_other]
        assert put(c, photo).status_code == 201
        # The same bytes again: the same answer (the status never tells what is stored).
        assert put(c, photo).status_code == 201
        assert missing(c, [sha, sha_other]) == [sha_other]
        r = put(c, other + b"cut", sha_other)
        assert r.status_code == 422 and r.json()["detail"]["code"] == "hash_mismatch"
        assert missing(c, [sha_other]) == [sha_other]
        assert put(c, other, "not-a-hash").status_code == 422
        assert c.post("/api/v1/attachments/missing", json={"sha256": ["XYZ"]}).status_code == 422
        r = c.post("/api/v1/attachments/missing", json={"sha256": [ABSENT] * 5001})
        assert r.status_code == 422 and r.json()["detail"]["code"] == "bad_request"
    assert stored_files(server) == {sha}  # no half-written or wrong file left behind
    assert [(s, name, size) for s, name, _scopes, size in uploads(server)] == [(sha, "wang", len(photo))]


def test_attachment_download_follows_the_scope_of_its_row(server: RunningServer) -> None:
    server.add_user("root", "admin", "", PASSWORD)
    server.add_user("wang", "member", "140215101201", PASSWORD)
    server.add_user("zhao", "member", "140216", PASSWORD)
    photo = b"photo of household h1"
    sha = sha_of(photo)
    with server.client("root", PASSWORD) as root:
        push(root, area_changes())
    with server.client("wang", PASSWORD) as c:
        push(c, household_changes("h1", "village1"))
        assert put(c, photo).status_code == 201
        assert c.get(f"/api/v1/attachments/{sha}").status_code == 404  # no row points at it yet
        assert attach(c, "p1", photo, "h1") == "accepted"
        r = c.get(f"/api/v1/attachments/{sha}")
        assert r.status_code == 200 and r.content == photo
        absent = c.get(f"/api/v1/attachments/{ABSENT}")
        assert absent.status_code == 404 and absent.json()["detail"]["code"] == "not_found"
    with server.client("zhao", PASSWORD) as c:
        r = c.get(f"/api/v1/attachments/{sha}")
        # Not in zhao's scope: the very answer of a file that does not exist.
        assert (r.status_code, r.content) == (404, absent.content)
    with server.client("root", PASSWORD) as c:
        assert c.get(f"/api/v1/attachments/{sha}").content == photo


def test_a_known_hash_gives_nothing_until_the_bytes_are_uploaded(server: RunningServer) -> None:
    """The reported leak: member A (zhao) learns member B's (wang's) hash, points a row of
    its own household at it and asks for the bytes."""
    server.add_user("root", "admin", "", PASSWORD)
    server.add_user("wang", "member", "140215101201", PASSWORD)  # village1
    server.add_user("zhao", "member", "140215102201", PASSWORD)  # village3: another team
    photo = "王家户口本照片".encode() * 300
    sha = sha_of(photo)
    with server.client("root", PASSWORD) as root:
        push(root, area_changes())
    with server.client("wang", PASSWORD) as b:
        push(b, household_changes("h1", "village1"))
        assert put(b, photo).status_code == 201
        assert attach(b, "p1", photo, "h1") == "accepted"
    with server.client("zhao", PASSWORD) as a:
        absent = a.get(f"/api/v1/attachments/{ABSENT}")
        assert absent.status_code == 404
        assert a.get(f"/api/v1/attachments/{sha}").content == absent.content
        push(a, household_changes("h3", "village3"))
        assert attach(a, "p3", photo, "h3") == "accepted"  # its own row, its own household
        r = a.get(f"/api/v1/attachments/{sha}")
        assert (r.status_code, r.content) == (404, absent.content)
        # Asking tells nothing either: B's file is "missing" for A, like an absent one.
        assert missing(a, [sha, ABSENT]) == [sha, ABSENT]
        # Claiming the bytes without holding them: refused, nothing recorded.
        for forged in (b"", b"not the photo"):
            r = put(a, forged, sha)
            assert r.status_code == 422 and r.json()["detail"]["code"] == "hash_mismatch"
        assert [name for _sha, name, _scopes, _size in uploads(server)] == ["wang"]
        assert a.get(f"/api/v1/attachments/{sha}").status_code == 404
        # Holding the bytes is what counts: A uploads them (the same answer as a new file)
        # and reads them through its own row.
        assert put(a, photo).status_code == 201
        r = a.get(f"/api/v1/attachments/{sha}")
        assert r.status_code == 200 and r.content == photo
        assert missing(a, [sha]) == []
    assert {(name, scopes) for _sha, name, scopes, _size in uploads(server)} == {
        ("wang", "140215101201"), ("zhao", "140215102201")}


def test_teammates_and_the_supervisor_above_read_a_member_upload(server: RunningServer) -> None:
    server.add_user("root", "admin", "", PASSWORD)
    server.add_user("wang", "member", "140215101201", PASSWORD)
    server.add_user("li", "member", "140215101201", PASSWORD)  # wang's teammate
    server.add_user("chen", "supervisor", "140215101", PASSWORD)  # the township above
    server.add_user("zhao", "member", "140216", PASSWORD)  # another county
    photo = b"\xff\xd8\xff visit photo " * 100
    sha = sha_of(photo)
    with server.client("root", PASSWORD) as root:
        push(root, area_changes())
    with server.client("wang", PASSWORD) as c:
        push(c, household_changes("h1", "village1"))
        assert put(c, photo).status_code == 201
        assert attach(c, "p1", photo, "h1") == "accepted"
    with server.client("li", PASSWORD) as c:
        # The teammate's laptop holds the same photo: it is not asked to send it again.
        assert missing(c, [sha]) == []
        assert c.get(f"/api/v1/attachments/{sha}").content == photo
    with server.client("chen", PASSWORD) as c:
        assert c.get(f"/api/v1/attachments/{sha}").content == photo
        # Its rows elsewhere in the township could not be read through wang's upload.
        assert missing(c, [sha]) == [sha]
    with server.client("zhao", PASSWORD) as c:
        assert missing(c, [sha]) == [sha]
        assert c.get(f"/api/v1/attachments/{sha}").status_code == 404


def test_laptops_of_a_teammate_and_a_supervisor_download_a_members_photo(
        tmp_path: Path, server: RunningServer) -> None:
    """The desktop's own sync (asks ``missing``, uploads, downloads) under these rules."""
    from workteam_desktop.store import Store
    from workteam_desktop.store.attachments import add_attachment
    from workteam_desktop.store.models import Household
    from workteam_desktop.sync.account import login
    from workteam_desktop.sync.session import sync_once

    server.add_user("root", "admin", "", PASSWORD)
    server.add_user("wang", "member", "140215101201", PASSWORD)
    server.add_user("li", "member", "140215101201", PASSWORD)
    server.add_user("chen", "supervisor", "140215101", PASSWORD)
    with server.client("root", PASSWORD) as root:
        push(root, area_changes())
    laptops = {name: Store.open(tmp_path / name) for name in ("wang", "li", "chen")}
    try:
        accounts = {name: login(store, server.url, name, PASSWORD).account
                    for name, store in laptops.items()}
        wang, li, chen = laptops["wang"], laptops["li"], laptops["chen"]
        sync_once(wang, accounts["wang"])  # the villages arrive
        with wang.write() as w:
            [hid] = w.insert(Household, [{"number": "0001", "head_name": "王大", "village_id": "village1"}])
        photo = tmp_path / "门牌.jpg"
        photo.write_bytes(b"\xff\xd8\xff door plate " * 2000)
        add_attachment(wang, photo, "household", hid, caption="门牌")
        assert sync_once(wang, accounts["wang"]).attachments_up == 1
        sha = sha_of(photo.read_bytes())
        for name, laptop in (("li", li), ("chen", chen)):
            assert sync_once(laptop, accounts[name]).attachments_down == 1, name
            assert read_content(laptop.home, sha) == photo.read_bytes()
        # The teammate attaches the same photo to a household of its own: its laptop is
        # not asked to upload it again, and the row is readable through wang's upload.
        with li.write() as w:
            [own] = w.insert(Household, [{"number": "0002", "head_name": "李二", "village_id": "village1"}])
        add_attachment(li, photo, "household", own, caption="同一张")
        report = sync_once(li, accounts["li"])
        assert (report.pushed, report.rejected, report.attachments_up) == (2, 0, 0)
    finally:
        for store in laptops.values():
            store.close()


def test_a_photo_not_yet_uploaded_is_fetched_at_a_later_sync(tmp_path: Path, server: RunningServer) -> None:
    """A row whose owner has not uploaded the bytes yet (404) does not fail the teammate's
    sync; the download is tried again at the next one."""
    from workteam_desktop.store import Store
    from workteam_desktop.sync.account import login
    from workteam_desktop.sync.session import sync_once

    server.add_user("root", "admin", "", PASSWORD)
    server.add_user("wang", "member", "140215101201", PASSWORD)
    server.add_user("li", "member", "140215101201", PASSWORD)
    photo = b"uploaded later " * 100
    with server.client("root", PASSWORD) as root:
        push(root, area_changes())
    with server.client("wang", PASSWORD) as c:
        push(c, household_changes("h1", "village1"))
        assert attach(c, "p1", photo, "h1") == "accepted"
    li = Store.open(tmp_path / "li")
    try:
        account = login(li, server.url, "li", PASSWORD).account
        assert sync_once(li, account).attachments_down == 0
        with server.client("wang", PASSWORD) as c:
            assert put(c, photo).status_code == 201
        assert sync_once(li, account).attachments_down == 1
        assert read_content(li.home, sha_of(photo)) == photo
    finally:
        li.close()


def test_size_limit_and_quota_per_account(tmp_path: Path, server_db: str | None) -> None:
    home = with_settings(tmp_path / "server", "[limits]\nattachment_max_mb = 0.01\n"
                                              "attachment_quota_mb = 0.02\n")
    limit, quota = int(0.01 * 1024 * 1024), int(0.02 * 1024 * 1024)  # 10,485 and 20,971 bytes
    files = [bytes([n]) * 8000 for n in range(3)]
    with start_server(home, server_db) as server:
        server.add_user("wang", "member", "140215101201", PASSWORD)
        server.add_user("li", "member", "140215101201", PASSWORD)
        with server.client("wang", PASSWORD) as c:
            big = b"x" * (limit + 1)
            r = put(c, big)  # refused from its declared length, before it is sent
            assert r.status_code == 413 and r.json()["detail"]["code"] == "too_large"

            def chunks() -> Iterator[bytes]:  # no declared length: counted while read
                yield big[:5000]
                yield big[5000:]

            r = c.put(f"/api/v1/attachments/{sha_of(big)}", content=chunks())
            assert r.status_code == 413 and r.json()["detail"]["code"] == "too_large"
            assert put(c, files[0]).status_code == 201
            assert put(c, files[1]).status_code == 201  # 16,000 of 20,971 bytes
            r = put(c, files[2])
            assert r.status_code == 413 and r.json()["detail"]["code"] == "quota_exceeded"
            assert "上限" in r.json()["detail"]["message"]
            assert put(c, files[0]).status_code == 201  # sent again: not counted again
            assert missing(c, [sha_of(f) for f in files]) == [sha_of(files[2])]
        with server.client("li", PASSWORD) as c:
            assert put(c, files[2]).status_code == 201  # the quota is per account
        assert stored_files(server) == {sha_of(f) for f in files}
        done = server.cli("attachments", "usage", "--json")
        assert done.returncode == 0, done.stderr
        usage = json.loads(done.stdout)
        assert usage["quota_bytes"] == quota and (usage["files"], usage["bytes"]) == (3, 24000)
        assert {a["name"]: (a["files"], a["bytes"]) for a in usage["accounts"]} == {
            "wang": (2, 16000), "li": (1, 8000)}
        text = server.cli("attachments", "usage")
        assert text.returncode == 0 and "wang" in text.stdout and "合计" in text.stdout


def test_a_laptop_sends_the_photos_it_may_and_names_the_refusal(
        tmp_path: Path, server_db: str | None) -> None:
    """One photo over the limit does not keep the others off the server; the sync ends
    with the server's reason, and the refused photo is asked about again next time."""
    from workteam_desktop.store import Store
    from workteam_desktop.store.attachments import add_attachment
    from workteam_desktop.store.models import Household
    from workteam_desktop.sync.account import login
    from workteam_desktop.sync.errors import ServerError
    from workteam_desktop.sync.session import sync_once

    home = with_settings(tmp_path / "server", "[limits]\nattachment_max_mb = 0.01\n")
    with start_server(home, server_db) as server:
        server.add_user("root", "admin", "", PASSWORD)
        server.add_user("wang", "member", "140215101201", PASSWORD)
        with server.client("root", PASSWORD) as root:
            push(root, area_changes())
        laptop = Store.open(tmp_path / "wang")
        try:
            account = login(laptop, server.url, "wang", PASSWORD).account
            sync_once(laptop, account)
            with laptop.write() as w:
                [hid] = w.insert(Household, [{"number": "0001", "head_name": "王大",
                                              "village_id": "village1"}])
            small, large = tmp_path / "small.jpg", tmp_path / "large.jpg"
            small.write_bytes(b"small photo " * 100)
            large.write_bytes(b"L" * 20000)
            add_attachment(laptop, large, "household", hid)
            add_attachment(laptop, small, "household", hid)
            with pytest.raises(ServerError, match=r"附件超过 0\.01 MB"):
                sync_once(laptop, account)
            with server.client("wang", PASSWORD) as c:
                shas = [sha_of(small.read_bytes()), sha_of(large.read_bytes())]
                assert missing(c, shas) == [shas[1]]
            with pytest.raises(ServerError, match=r"附件超过 0\.01 MB"):
                sync_once(laptop, account)  # asked again, refused again
        finally:
            laptop.close()


def test_unreferenced_uploads_are_cleaned_and_referenced_ones_kept(server: RunningServer) -> None:
    server.add_user("root", "admin", "", PASSWORD)
    server.add_user("wang", "member", "140215101201", PASSWORD)
    server.add_user("zhao", "member", "140216", PASSWORD)
    kept, dropped, legacy = b"on a household" * 50, b"never attached" * 50, b"before uploads" * 50
    with server.client("root", PASSWORD) as root:
        push(root, area_changes())
    with server.client("wang", PASSWORD) as c:
        push(c, household_changes("h1", "village1"))
        assert put(c, kept).status_code == 201 and attach(c, "p1", kept, "h1") == "accepted"
        assert put(c, dropped).status_code == 201
        # A row naming bytes nobody recorded an upload of (stored before uploads were).
        assert attach(c, "p2", legacy, "h1") == "accepted"
    with server.client("zhao", PASSWORD) as c:
        assert put(c, kept).status_code == 201  # no row of zhao's scope points at it
    root_dir = server.home / "attachments"
    old = time.time() - 2 * 86400
    for data in (legacy, b"orphan: no record, no row"):
        path = root_dir / sha_of(data)[:2] / sha_of(data)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        os.utime(path, (old, old))
    stale, fresh = root_dir / ".incoming" / "crashed-upload", root_dir / ".incoming" / "in-progress"
    stale.write_bytes(b"half")
    fresh.write_bytes(b"half")
    os.utime(stale, (old, old))

    done = server.cli("attachments", "clean", "--json")  # 24 hours by default: all too young
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"hours": 24, "uploads": 0, "files": 1,
                                       "bytes": len(b"orphan: no record, no row"), "incoming": 1}
    assert len(uploads(server)) == 3
    done = server.cli("attachments", "clean", "--hours", "0", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"hours": 0, "uploads": 2, "files": 1,
                                       "bytes": len(dropped), "incoming": 0}
    assert [(s, name) for s, name, _scopes, _size in uploads(server)] == [(sha_of(kept), "wang")]
    assert stored_files(server) == {sha_of(kept), sha_of(legacy), "in-progress"}
    with server.client("wang", PASSWORD) as c:
        assert c.get(f"/api/v1/attachments/{sha_of(kept)}").content == kept
        assert missing(c, [sha_of(kept), sha_of(dropped)]) == [sha_of(dropped)]
    text = server.cli("attachments", "clean")
    assert text.returncode == 0 and "已清理" in text.stdout
    assert server.cli("attachments", "clean", "--hours", "-1").returncode == 1


def test_the_server_cleans_unreferenced_uploads_by_itself(server: RunningServer) -> None:
    server.add_user("root", "admin", "", PASSWORD)
    server.add_user("wang", "member", "140215101201", PASSWORD)
    kept, dropped = b"attached photo" * 40, b"forgotten upload" * 40
    with server.client("root", PASSWORD) as root:
        push(root, area_changes())
    with server.client("wang", PASSWORD) as c:
        push(c, household_changes("h1", "village1"))
        assert put(c, kept).status_code == 201 and attach(c, "p1", kept, "h1") == "accepted"
        assert put(c, dropped).status_code == 201
    age_uploads(server, days=2)
    server.restart()  # the server cleans at start, then hourly
    # The file goes before the record's removal commits: once the record is gone, so is it.
    deadline = time.monotonic() + 60
    while len(uploads(server)) > 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [(s, name) for s, name, _scopes, _size in uploads(server)] == [(sha_of(kept), "wang")]
    assert stored_files(server) == {sha_of(kept)}


def test_forms_shipped_and_new_versions_from_the_home(server: RunningServer) -> None:
    server.add_user("wang", "member", "140215101201", PASSWORD)
    shipped = (REPO / "forms" / "household_survey" / "v1.json").read_bytes()
    with server.client("wang", PASSWORD) as c:
        listed = c.get("/api/v1/forms").json()
        assert {"form_id": "household_survey", "version": 1,
                "sha256": hashlib.sha256(shipped).hexdigest()} in listed
        assert c.get("/api/v1/forms/household_survey/1").content == shipped
        # An administrator drops a new version (and a broken file) into the server home.
        folder = server.home / "forms" / "household_survey"
        folder.mkdir(parents=True)
        v2 = json.loads(shipped)
        v2["version"] = 2
        v2["title"]["zh"] = "信息采集表（2027版）"
        v2_bytes = json.dumps(v2, ensure_ascii=False, indent=1).encode()
        (folder / "v2.json").write_bytes(v2_bytes)
        (folder / "v3.json").write_text('{"id": "household_survey", "version": 3', encoding="utf-8")
        versions = {(f["form_id"], f["version"]) for f in c.get("/api/v1/forms").json()}
        assert ("household_survey", 2) in versions and ("household_survey", 3) not in versions
        assert c.get("/api/v1/forms/household_survey/2").content == v2_bytes
        r = c.get("/api/v1/forms/household_survey/3")
        assert r.status_code == 404 and r.json()["detail"]["code"] == "not_found"
        assert httpx.get(f"{server.url}/api/v1/forms").status_code == 401
