"""Attachments (content-addressed, upload once, hash checked, scope checked) and forms."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import httpx

from serverlib import RunningServer, area_changes, household_changes, push, wire_change

PASSWORD = "files-pass-1"
REPO = Path(__file__).resolve().parents[2]


def test_attachments_upload_once_and_check_the_hash(server: RunningServer) -> None:
    server.add_user("wang", "member", "140215101201", PASSWORD)
    photo, other = "照片".encode() * 5000, b"\x89PNG other photo"
    sha, sha_other = hashlib.sha256(photo).hexdigest(), hashlib.sha256(other).hexdigest()
    with server.client("wang", PASSWORD) as c:
        assert c.post("/api/v1/attachments/missing", json={"sha256": [sha, sha_other]}).json() == {
            "missing": [sha, sha_other]}
        assert c.put(f"/api/v1/attachments/{sha}", content=photo).status_code == 201
        assert c.put(f"/api/v1/attachments/{sha}", content=photo).status_code == 200  # already there
        assert c.post("/api/v1/attachments/missing", json={"sha256": [sha, sha_other]}).json() == {
            "missing": [sha_other]}
        r = c.put(f"/api/v1/attachments/{sha_other}", content=other + b"cut")
        assert r.status_code == 422 and r.json()["detail"]["code"] == "hash_mismatch"
        assert c.post("/api/v1/attachments/missing", json={"sha256": [sha_other]}).json() == {
            "missing": [sha_other]}
        r = c.put("/api/v1/attachments/not-a-hash", content=other)
        assert r.status_code == 422
        r = c.post("/api/v1/attachments/missing", json={"sha256": ["XYZ"]})
        assert r.status_code == 422
    leftovers = [p for p in (server.home / "attachments").rglob("*") if p.is_file()]
    assert [p.name for p in leftovers] == [sha]  # no half-written or wrong file left behind


def test_attachment_download_follows_the_scope_of_its_row(server: RunningServer) -> None:
    server.add_user("root", "admin", "", PASSWORD)
    server.add_user("wang", "member", "140215101201", PASSWORD)
    server.add_user("zhao", "member", "140216", PASSWORD)
    photo = b"photo of household h1"
    sha = hashlib.sha256(photo).hexdigest()
    with server.client("root", PASSWORD) as root:
        push(root, area_changes())
    with server.client("wang", PASSWORD) as c:
        push(c, household_changes("h1", "village1"))
        assert c.put(f"/api/v1/attachments/{sha}", content=photo).status_code == 201
        row = wire_change("attachment", "p1", {"sha256": sha, "owner_entity": "household", "owner_id": "h1",
                                               "filename": "门牌.jpg", "size": len(photo)})
        assert push(c, [row])[0]["status"] == "accepted"
        r = c.get(f"/api/v1/attachments/{sha}")
        assert r.status_code == 200 and r.content == photo
        assert c.get(f"/api/v1/attachments/{'0' * 64}").status_code == 404
    with server.client("zhao", PASSWORD) as c:
        r = c.get(f"/api/v1/attachments/{sha}")
        assert r.status_code == 403 and r.json()["detail"]["code"] == "out_of_scope"
    with server.client("root", PASSWORD) as c:
        assert c.get(f"/api/v1/attachments/{sha}").content == photo


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
