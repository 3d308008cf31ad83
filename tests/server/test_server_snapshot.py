"""The snapshot (issue 17, step 3): a scope's rows folded from the log on the server equal
what an empty laptop makes of the same changes; only the scope's accounts get it; it is
reused until the log has grown past the threshold; a cut download resumes by range. On
SQLite and PostgreSQL, against the real server."""

from __future__ import annotations

import gzip
import hashlib
import json
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from serverlib import RunningServer, area_changes, pull_all, push, start_server, wire_change
from workteam_desktop.domain.changes import Change
from workteam_desktop.domain.entities import DECLARATIONS, NAMES
from workteam_desktop.domain.hlc import Timestamp
from workteam_desktop.store import Store
from workteam_desktop.store.changes import apply_page
from workteam_server.app import byte_range

PASSWORD = "snapshot-pass-1"
BASE_MS = 1_700_000_000_000


def hlc(ms: int, device: str, counter: int = 0) -> str:
    """An HLC in its canonical form, ``ms`` after the tests' epoch (in 2023: never ahead)."""
    return Timestamp(BASE_MS + ms, counter, device).encode()


def at(change: dict, stamp: str) -> dict:
    """The change with another HLC (and the device that stamped it)."""
    return {**change, "hlc": stamp, "device": stamp[16:]}


def household(row_id: str, village: str, **fields: Any) -> dict:
    return wire_change("household", row_id, {"number": row_id, "head_name": f"户主{row_id}",
                                             "village_id": village, **fields})


def member(row_id: str, household_id: str, **fields: Any) -> dict:
    return wire_change("member", row_id, {"household_id": household_id, "name": f"成员{row_id}",
                                          **fields})


# ------------------------------------------------------------------ reading both sides


def fetch(client: httpx.Client) -> tuple[dict, bytes]:
    """The snapshot of the client's scope: its description and its bytes (hash checked)."""
    r = client.get("/api/v1/snapshot", timeout=120)
    assert r.status_code == 200, r.text
    info = r.json()
    data = client.get(f"/api/v1/snapshot/{info['sha256']}")
    assert data.status_code == 200, data.text
    assert data.headers["content-type"] == "application/gzip"
    assert len(data.content) == info["bytes"]
    assert hashlib.sha256(data.content).hexdigest() == info["sha256"]
    return info, data.content


def parse(raw: bytes) -> tuple[dict, list[dict], list[dict]]:
    """Header, row lines and raw changes of a snapshot file (rows before changes)."""
    lines = [orjson.loads(line) for line in gzip.decompress(raw).splitlines()]
    header, rest = lines[0], lines[1:]
    rows = [x for x in rest if "e" in x]
    changes = [x["change"] for x in rest if "change" in x]
    assert rest == rows + [{"change": c} for c in changes]  # rows first, then the changes
    assert (header["rows"], header["changes"]) == (len(rows), len(changes))
    return header, rows, changes


def laptop(pulled: list[dict], cursor: int, home: Path) -> tuple[dict, set[str]]:
    """What an empty laptop holds after merging ``pulled`` (one page: every change the
    pull gave, as the sync client builds them): (entity, row id) → (values as the store
    holds them, field → the highest logged HLC naming it), and the rows still waiting."""
    changes = [Change(d["id"], d["entity"], d["row_id"], d["fields"], d["hlc"], d["device"],
                      d.get("user") or "", d.get("base") or {}) for d in pulled]
    with Store.open(home) as store:
        apply_page(store, changes, cursor)
        held: dict[tuple[str, str], tuple[dict, dict]] = {}
        with store.read() as cur:
            clocks: dict[str, dict[str, str]] = {}
            for row_id, fields, stamp in cur.execute(
                    "SELECT row_id, fields, hlc FROM change_log ORDER BY row_id, hlc"):
                for name in json.loads(fields):
                    clocks.setdefault(row_id, {})[name] = stamp
            for entity in NAMES:
                info = store.tables[entity]
                for row in cur.execute(f'SELECT * FROM "{entity}"'):
                    values = dict(zip(info.columns, row, strict=True))
                    held[(entity, values["id"])] = (values, clocks.get(values["id"], {}))
            waiting = {r[0] for r in cur.execute("SELECT row_id FROM pending_row")}
        tables = store.tables
    return {"rows": held, "tables": tables}, waiting


def assert_same(snapshot: bytes, pulled: list[dict], cursor: int, home: Path,
                only: set[str] | None = None) -> tuple[list[dict], list[dict]]:
    """The snapshot's rows are the laptop's rows (values and field clocks), its raw
    changes are every change of the rows the laptop keeps waiting; ``only``: compare these
    row ids (a server shared by several examples). The row lines and changes compared."""
    header, rows, changes = parse(snapshot)
    # A snapshot reused while only other scopes' changes came after it stops before the
    # end of the log; the pull that follows it has nothing of this scope after it.
    assert header["position"] <= cursor
    assert all(c["seq"] <= header["position"] for c in pulled)
    held, waiting = laptop(pulled, cursor, home)
    tables = held["tables"]
    mine = (lambda r: True) if only is None else (lambda r: r in only)
    lines = {(x["e"], x["id"]): x for x in rows if mine(x["id"])}
    made = {k: v for k, v in held["rows"].items() if mine(k[1])}
    assert set(lines) == set(made)
    for key, line in lines.items():
        values, clocks = made[key]
        info = tables[key[0]]
        assert set(line["v"]) == set(line["c"])
        for name, value in line["v"].items():
            assert info.db_value(name, value) == values[name], (key, name)
        assert line["c"] == clocks, key  # every field a change named, with its newest HLC
    # The changes of the rows the fold could not complete: all of them, each once, in the
    # order pulled (seq); the laptop keeps exactly those rows waiting.
    raw_rows = {c["row_id"] for c in changes if mine(c["row_id"])}
    assert raw_rows == {r for r in waiting if mine(r)}
    expected = []
    for c in pulled:
        if c["row_id"] in raw_rows and c["id"] not in {e["id"] for e in expected}:
            expected.append({k: v for k, v in c.items() if k != "seq"})
    assert [c for c in changes if mine(c["row_id"])] == expected
    # Parents first: a reference in a row line names a row that came before it.
    seen: set[tuple[str, str]] = set()
    refs = {e.name: e.references for e in DECLARATIONS}
    for x in rows:
        for name, parent in refs[x["e"]].items():
            if x["v"].get(name) is not None:
                assert (parent, x["v"][name]) in seen, (x["e"], x["id"], name)
        seen.add((x["e"], x["id"]))
    return [lines[k] for k in lines], [c for c in changes if mine(c["row_id"])]


# ------------------------------------------------------------------ the county


def _county(server: RunningServer) -> dict[str, str]:
    """A small county with edits, concurrent edits, a tombstone, an incomplete household
    and a member moved to another village; the change ids worth naming."""
    server.add_user("root", "admin", "", PASSWORD)
    server.add_user("a", "member", "140215101201", PASSWORD)  # village1
    server.add_user("a2", "member", "140215101201", PASSWORD)  # village1 too (a teammate)
    server.add_user("sup", "supervisor", "140215101", PASSWORD)  # the township of both
    server.add_user("other", "member", "140216", PASSWORD)  # another county
    with server.client("root", PASSWORD) as root:
        assert {r["status"] for r in push(root, area_changes())} == {"accepted"}
    named: dict[str, str] = {}
    with server.client("a", PASSWORD, device="laptop-a") as a:
        batch = [household("h1", "village1"), member("h1-m0", "h1"), member("h1-m1", "h1"),
                 household("h2", "village1"), member("h2-m0", "h2", sex="female"),
                 # No head_name: a household no laptop can make yet, and its member with it.
                 wire_change("household", "hx", {"number": "hx", "village_id": "village1"}),
                 member("hx-m0", "hx"),
                 wire_change("visit", "v1", {"visit_date": "2026-03-01", "purpose": "走访",
                                             "village_id": "village1"}),
                 wire_change("visit_household", "vh1", {"visit_id": "v1", "household_id": "h1"}),
                 wire_change("income", "h1-i", {"household_id": "h1", "year": 2025,
                                                "wage": 1234.5})]
        assert {r["status"] for r in push(a, batch)} == {"accepted"}
        # Edits: a later one wins; a concurrent one stamped earlier, pushed after, loses.
        later = at(wire_change("household", "h1", {"phone": "13800000001", "note": "新"}),
                   hlc(50_000_000, "dev-alpha"))
        earlier = at(wire_change("household", "h1", {"phone": "13900000002"}),
                     hlc(40_000_000, "dev-beta"))
        rename = wire_change("member", "h1-m0", {"name": "改名", "birth_date": "1980-02-03"})
        gone = wire_change("member", "h1-m1", {"deleted": True})
        assert {r["status"] for r in push(a, [later, earlier, rename, gone])} == {"accepted"}
        named.update(later=later["id"], earlier=earlier["id"])
    with server.client("root", PASSWORD) as root:
        assert {r["status"] for r in push(root, [household("hb", "village2"),
                                                 household("h3", "village3")])} == {"accepted"}
    with server.client("sup", PASSWORD, device="laptop-sup") as sup:
        # A supervisor moves a member of village1 under a household of village2.
        move = wire_change("member", "h2-m0", {"household_id": "hb"})
        assert [r["status"] for r in push(sup, [move])] == ["accepted"]
        named["move"] = move["id"]
    return named


def test_a_snapshot_holds_what_an_empty_laptop_makes_of_the_log(
        server: RunningServer, tmp_path: Path) -> None:
    _county(server)
    with server.client("a", PASSWORD, device="laptop-a") as a:
        info, raw = fetch(a)
        pulled, cursor = pull_all(a)
    lines, changes = assert_same(raw, pulled, cursor, tmp_path / "a")
    by_id = {x["id"]: x for x in lines}
    # What village1 holds: its areas (and those above it), its households but the
    # incomplete one, the moved member sent raw (its household is in village2).
    assert set(by_id) == {"county", "town1", "village1", "h1", "h1-m0", "h1-m1", "h2",
                          "v1", "vh1", "h1-i"}
    assert by_id["h1"]["v"]["phone"] == "13800000001"  # the later edit, not the one pushed last
    assert by_id["h1"]["c"]["phone"] == hlc(50_000_000, "dev-alpha")
    assert by_id["h1"]["c"]["number"] != by_id["h1"]["c"]["phone"]
    assert by_id["h1-m1"]["v"]["deleted"] is True  # a tombstone is a row like any other
    assert by_id["h1-m0"]["v"]["name"] == "改名"
    assert {c["row_id"] for c in changes} == {"hx", "hx-m0", "h2-m0"}
    assert info["rows"] == len(lines) and info["changes"] == len(changes) == 4
    assert info["position"] == cursor
    # The header names the scope; the areas come parents first.
    header, rows, _ = parse(raw)
    assert header["scope"] == "140215101201" and header["snapshot"] == 1
    assert [x["id"] for x in rows[:3]] == ["county", "town1", "village1"]

    # The administrator's scope: everything, the moved member in its new household.
    with server.client("root", PASSWORD) as root:
        _, everything = fetch(root)
        pulled, cursor = pull_all(root)
    lines, changes = assert_same(everything, pulled, cursor, tmp_path / "root")
    assert {x["id"] for x in lines} >= {"h2-m0", "hb", "h3", "county_b", "village_b"}
    assert {c["row_id"] for c in changes} == {"hx", "hx-m0"}


def test_only_the_accounts_of_a_scope_get_its_snapshot(server: RunningServer) -> None:
    _county(server)
    with server.client("a", PASSWORD, device="laptop-a") as a:
        info, _ = fetch(a)
    with server.client("a2", PASSWORD, device="laptop-a2") as a2:
        assert a2.get("/api/v1/snapshot").json() == info  # a teammate shares it
    for name in ("other", "root", "sup"):
        with server.client(name, PASSWORD, device=f"laptop-{name}") as c:
            r = c.get(f"/api/v1/snapshot/{info['sha256']}")
            assert r.status_code == 404, name
            assert r.json()["detail"]["code"] == "not_found"
            assert r.json()["detail"]["message"].startswith("没有这个快照")
    with server.client("other", PASSWORD, device="laptop-other") as c:
        theirs, raw = fetch(c)
        assert theirs["sha256"] != info["sha256"]
        _, rows, changes = parse(raw)
        assert {x["id"] for x in rows} == {"county_b", "town_b", "village_b"}
        assert changes == []
        assert c.get("/api/v1/snapshot/" + "0" * 64).status_code == 404
        assert c.get("/api/v1/snapshot/not-a-hash").status_code == 404
    assert httpx.get(f"{server.url}/api/v1/snapshot").status_code == 401


def test_a_snapshot_is_reused_until_the_log_has_grown_past_the_threshold(
        tmp_path: Path, server_db: str | None) -> None:
    home = tmp_path / "server"
    home.mkdir()
    (home / "server.toml").write_text("[sync]\nsnapshot_stale_changes = 5\n", encoding="utf-8")
    with start_server(home, server_db) as server:
        _county(server)
        with server.client("a", PASSWORD, device="laptop-a") as a:
            first = a.get("/api/v1/snapshot").json()
            # Changes of other scopes do not count: village3 is not village1's.
            with server.client("root", PASSWORD) as root:
                push(root, [household(f"o{i}", "village3") for i in range(8)])
            assert a.get("/api/v1/snapshot").json() == first
            push(a, [household("n1", "village1"), household("n2", "village1"),
                     member("n1-m0", "n1"), member("n2-m0", "n2")])
            assert a.get("/api/v1/snapshot").json() == first  # 4 changes: fewer than 5
            push(a, [household("n3", "village1")])
            second, raw = fetch(a)  # 5: a new one at the new end of the log
            assert second["sha256"] != first["sha256"]
            assert second["position"] > first["position"]
            _, cursor = pull_all(a)
            assert second["position"] == cursor
            assert {"n1", "n2", "n3"} <= {x["id"] for x in parse(raw)[1]}
            # The old one is gone once the new one is complete.
            assert a.get(f"/api/v1/snapshot/{first['sha256']}").status_code == 404
        files = sorted(p.name for p in (home / "snapshots").iterdir() if not p.name.endswith(".lock"))
        assert len(files) == 2 and f"{second['sha256']}.ndjson.gz" in files  # file, description


def test_a_store_file_goes_to_laptops_of_its_schema_with_its_snapshot(
        tmp_path: Path, server_db: str | None) -> None:
    """A snapshot from ``snapshot_store_rows`` rows on has a store file: offered only to a
    laptop naming the same schema revision, served by its hash to the scope's accounts
    only, holding the snapshot's rows, and removed with its snapshot."""
    from workteam_desktop.store import migrate, snapshot_store
    from workteam_server import snapshot

    home = tmp_path / "server"
    home.mkdir()
    (home / "server.toml").write_text(
        "[sync]\nsnapshot_stale_changes = 5\nsnapshot_store_rows = 3\n", encoding="utf-8")
    with start_server(home, server_db) as server:
        _county(server)
        with server.client("a", PASSWORD, device="laptop-a") as a:
            lines = a.get("/api/v1/snapshot").json()
            assert "store" not in lines  # a laptop that does not name its schema
            assert "store" not in a.get("/api/v1/snapshot", params={"store": "0001"}).json()
            info = a.get("/api/v1/snapshot", params={"store": migrate.HEAD_REVISION}).json()
            kept = info.pop("store")
            assert info == lines and kept["revision"] == migrate.HEAD_REVISION
            packed = a.get(f"/api/v1/snapshot/{kept['sha256']}")
            assert packed.status_code == 200 and len(packed.content) == kept["bytes"]
            assert hashlib.sha256(packed.content).hexdigest() == kept["sha256"]
            rows = {x["id"] for x in parse(a.get(f"/api/v1/snapshot/{lines['sha256']}").content)[1]}
            (tmp_path / "s.store.gz").write_bytes(packed.content)
            file = snapshot_store.unpack(tmp_path / "s.store.gz")
            with Store.open(tmp_path / "laptop") as laptop:
                result = snapshot_store.copy(laptop, file)
                assert result.position == lines["position"] and result.rows == lines["rows"]
                with laptop.read() as cur:
                    copied = {r[0] for t in NAMES
                              for r in cur.execute(f'SELECT id FROM "{t}"')}
                assert copied == rows
        with server.client("other", PASSWORD, device="laptop-other") as c:
            assert c.get(f"/api/v1/snapshot/{kept['sha256']}").status_code == 404
        with server.client("a", PASSWORD, device="laptop-a") as a:
            push(a, [household(f"n{i}", "village1") for i in range(5)])
            newer = a.get("/api/v1/snapshot", params={"store": migrate.HEAD_REVISION}).json()
            assert newer["store"]["sha256"] != kept["sha256"]
            assert a.get(f"/api/v1/snapshot/{kept['sha256']}").status_code == 404
        folder = home / snapshot.FOLDER
        files = sorted(p.name for p in folder.iterdir() if not p.name.endswith(".lock"))
        assert len(files) == 3 and f"{newer['store']['sha256']}.store.gz" in files
        # A snapshot described by a server from before store files (no "store" in its
        # description) is made again, with its store file, at the next request.
        [described] = folder.glob("*.json")
        old = json.loads(described.read_text())
        del old["store"]
        described.write_text(json.dumps(old))
        (folder / f"{newer['store']['sha256']}.store.gz").unlink()
        with server.client("a", PASSWORD, device="laptop-a") as a:
            again = a.get("/api/v1/snapshot", params={"store": migrate.HEAD_REVISION}).json()
            made = again.pop("store")
            assert again == {k: v for k, v in newer.items() if k != "store"}  # same lines
            assert a.get(f"/api/v1/snapshot/{made['sha256']}").status_code == 200
        # A store file of the schema before an upgrade of the program: made again too.
        [described] = folder.glob("*.json")
        old = json.loads(described.read_text())
        old["store"]["revision"] = "0001"
        described.write_text(json.dumps(old))
        with server.client("a", PASSWORD, device="laptop-a") as a:
            assert "store" not in a.get("/api/v1/snapshot", params={"store": "0001"}).json()
            fresh = a.get("/api/v1/snapshot", params={"store": migrate.HEAD_REVISION}).json()
            assert fresh["store"]["revision"] == migrate.HEAD_REVISION
        assert snapshot.discard(folder) == 1
        assert [p for p in folder.iterdir() if not p.name.endswith(".lock")] == []


def test_a_store_file_that_cannot_be_built_leaves_the_snapshot_without_one(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from workteam_server import snapshot

    junk = tmp_path / "junk.ndjson.gz"
    junk.write_bytes(gzip.compress(b'{"not": "a snapshot"}\n'))
    made = snapshot.SnapshotFile("*", 1, "0" * 64, junk.stat().st_size, 1, 0, junk)
    assert snapshot._store_file(tmp_path, made) is None
    assert "不是本程序能读的快照文件" in caplog.text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["junk.ndjson.gz"]  # nothing left


def test_a_store_file_is_made_from_the_size_a_laptop_loads_a_snapshot() -> None:
    from workteam_desktop.sync import session
    from workteam_server.settings import ServerSettings

    assert ServerSettings().snapshot_store_rows == session.SNAPSHOT_MIN_ROWS


def test_a_cut_download_resumes_by_range(server: RunningServer) -> None:
    _county(server)
    with server.client("a", PASSWORD, device="laptop-a") as a:
        info, whole = fetch(a)
        url = f"/api/v1/snapshot/{info['sha256']}"
        rest = a.get(url, headers={"Range": "bytes=100-"})
        assert rest.status_code == 206
        assert rest.headers["content-range"] == f"bytes 100-{len(whole) - 1}/{len(whole)}"
        assert rest.headers["content-type"] == "application/gzip"
        assert "content-encoding" not in rest.headers  # never compressed again on the way
        assert whole[:100] + rest.content == whole
        assert hashlib.sha256(whole[:100] + rest.content).hexdigest() == info["sha256"]
        # A resumed download with a stream of its own: chunk by chunk, as a laptop saves it.
        got = bytearray(whole[:37])
        with a.stream("GET", url, headers={"Range": f"bytes={len(got)}-",
                                           "Accept-Encoding": "gzip"}) as r:
            assert r.status_code == 206
            for chunk in r.iter_raw():
                got += chunk
        assert bytes(got) == whole
        middle = a.get(url, headers={"Range": "bytes=10-19"})
        assert middle.status_code == 206 and middle.content == whole[10:20]
        past = a.get(url, headers={"Range": f"bytes={len(whole)}-"})
        assert past.status_code == 416
        assert past.headers["content-range"] == f"bytes */{len(whole)}"
        assert past.json()["detail"]["code"] == "range_not_satisfiable"
        odd = a.get(url, headers={"Range": "lines=1-2"})  # not understood: the whole file
        assert odd.status_code == 200 and odd.content == whole


def test_byte_ranges() -> None:
    assert byte_range(None, 10) == (0, 10, False)
    assert byte_range("bytes=3-", 10) == (3, 10, True)
    assert byte_range("bytes=3-5", 10) == (3, 6, True)
    assert byte_range("bytes=3-50", 10) == (3, 10, True)
    assert byte_range("bytes=-4", 10) == (6, 10, True)
    assert byte_range("bytes=10-", 10) is None
    for ignored in ("bytes=5-3", "bytes=0-1,4-5", "items=1-2", "bytes=x-", "bytes=-", "bytes=-0"):
        assert byte_range(ignored, 10) == (0, 10, False), ignored


def test_every_reference_names_an_earlier_table() -> None:
    """The row lines can come in declaration order only if every reference points at a
    table declared before (or at its own, done by depth: one such reference at most)."""
    order = {name: i for i, name in enumerate(NAMES)}
    for e in DECLARATIONS:
        own = [f for f, table in e.references.items() if table == e.name]
        assert len(own) <= 1, e.name
        for table in e.references.values():
            assert order[table] <= order[e.name], (e.name, table)


# ------------------------------------------------------------------ the property


DEVICES = ("dev-a", "dev-b", "dev-c")
HOUSEHOLD_FIELDS = {
    "head_name": st.sampled_from(["王", "李"]),  # never given: the row cannot be made
    "phone": st.sampled_from(["1", "2", ""]),
    "village_id": st.sampled_from(["village1", "village2", "village1"]),
    "deleted": st.booleans(),
}
MEMBER_FIELDS = {
    "name": st.sampled_from(["甲", "乙"]),
    "household_id": st.sampled_from(["h0", "h1", "h2"]),
    "sex": st.sampled_from(["male", "female", None]),
    "deleted": st.booleans(),
}


@st.composite
def edits(draw: st.DrawFn) -> list[tuple[str, str, dict, tuple[int, int, str]]]:
    """(entity, row, fields, (ms, counter, device)) of a few households and members."""
    out = []
    for _ in range(draw(st.integers(1, 14))):
        if draw(st.booleans()):
            entity, row, spec = "household", draw(st.sampled_from(["h0", "h1", "h2"])), HOUSEHOLD_FIELDS
        else:
            entity, row, spec = "member", draw(st.sampled_from(["m0", "m1"])), MEMBER_FIELDS
        names = draw(st.lists(st.sampled_from(sorted(spec)), min_size=1, unique=True))
        fields = {n: draw(spec[n]) for n in names}
        stamp = (draw(st.integers(0, 40)), draw(st.integers(0, 2)), draw(st.sampled_from(DEVICES)))
        out.append((entity, row, fields, stamp))
    return out


def property_server(tmp_path_factory: pytest.TempPathFactory, name: str
                    ) -> Iterator[RunningServer]:
    """One SQLite server for every example of a property test (each example's rows have
    ids of their own); every change makes the next snapshot a new one. Accounts: ``root``
    (the county) and ``a`` (village1)."""
    home = tmp_path_factory.mktemp(name) / "server"
    home.mkdir()
    (home / "server.toml").write_text("[sync]\nsnapshot_stale_changes = 1\n", encoding="utf-8")
    with start_server(home) as server:
        server.add_user("root", "admin", "", PASSWORD)
        server.add_user("a", "member", "140215101201", PASSWORD)
        with server.client("root", PASSWORD) as root:
            push(root, area_changes())
        yield server


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    yield from property_server(tmp_path_factory, "snapshot-property")


def plan_changes(tag: str, plan: list[tuple[str, str, dict, tuple[int, int, str]]]
                 ) -> list[dict]:
    """The wire changes of an :func:`edits` plan, row ids prefixed with ``tag``: a stamp
    used twice is left out; the first change of a row places it (a household names its
    village, a member its household)."""
    used: set[tuple[int, int, str]] = set()
    batch: list[dict] = []
    for entity, row, fields, (ms, counter, device) in plan:
        if (ms, counter, device) in used:
            continue
        used.add((ms, counter, device))
        first = not any(c["row_id"] == f"{tag}-{row}" for c in batch)
        if entity == "household":
            fields = {"number": row, "village_id": "village1", **fields} if first else fields
        else:
            fields = {"household_id": "h0", **fields} if first else dict(fields)
            if "household_id" in fields:
                fields["household_id"] = f"{tag}-{fields['household_id']}"
        change = wire_change(entity, f"{tag}-{row}", fields)
        batch.append(at(change, hlc(1000 + ms, device, counter)))
    return batch


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=edits())
def test_the_fold_is_the_laptops_merge(shared_server: RunningServer,
                                       plan: list[tuple[str, str, dict, tuple[int, int, str]]]
                                       ) -> None:
    """Random edits of a few households and members by three laptops with random clocks
    (ties of distinct changes left out: no stamp is used twice), pushed by an administrator
    (moves between villages included): for the administrator's scope and for village1's,
    the snapshot's rows and clocks are what an empty laptop makes of the pulled changes,
    and its raw changes those of the rows the laptop keeps waiting."""
    tag = uuid.uuid4().hex[:8]
    batch = plan_changes(tag, plan)
    with shared_server.client("root", PASSWORD) as root:
        push(root, batch)  # some may be refused (a member of a household never made)
    ours = {f"{tag}-{r}" for r in ("h0", "h1", "h2", "m0", "m1")}
    for name in ("root", "a"):
        with shared_server.client(name, PASSWORD, device=f"laptop-{name}") as c:
            _, raw = fetch(c)
            pulled, cursor = pull_all(c)
        with tempfile.TemporaryDirectory() as home:
            lines, changes = assert_same(raw, pulled, cursor, Path(home), only=ours)
        event(f"{name}: rows made" if lines else f"{name}: no row made")
        event(f"{name}: rows sent raw" if changes else f"{name}: no row raw")
        if any(len(set(x["c"].values())) > 1 for x in lines):
            event(f"{name}: a row whose fields have different clocks")


def test_a_change_a_laptop_cannot_apply_goes_raw_and_quarantine_drops_the_snapshots(
        server: RunningServer, tmp_path: Path) -> None:
    """A change stored before the server checked changes (an unknown field, written here
    straight into the database) is never folded: its row goes raw, for the laptop to keep
    aside. Taking it out of the log removes the snapshots that hold it."""
    import sqlalchemy as sa

    _county(server)
    bad = wire_change("household", "h1", {"evil_field": 1})
    engine = sa.create_engine(server.database_url)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO change (id, entity, row_id, area_code, account, body) "
                             "VALUES (:i, 'household', 'h1', '140215101201', 'a', :b)"),
                     {"i": bad["id"], "b": orjson.dumps(bad).decode()})
        seq = conn.execute(sa.text("SELECT seq FROM change WHERE id = :i"), {"i": bad["id"]}).scalar()
    engine.dispose()
    with server.client("a", PASSWORD, device="laptop-a") as a:
        before, raw = fetch(a)
        _, rows, changes = parse(raw)
        # h1 and every row under it go raw, its changes with the bad one among them.
        assert {"h1", "h1-m0", "h1-m1", "vh1", "h1-i"}.isdisjoint(x["id"] for x in rows)
        assert bad["id"] in {c["id"] for c in changes}
        done = server.cli("changes", "quarantine", str(seq), "--reason", "未知字段，笔记本无法应用")
        assert done.returncode == 0, done.stderr
        assert a.get(f"/api/v1/snapshot/{before['sha256']}").status_code == 404
        after, raw = fetch(a)
        assert after["sha256"] != before["sha256"]
        pulled, cursor = pull_all(a)
    lines, changes = assert_same(raw, pulled, cursor, tmp_path / "a")
    assert "h1" in {x["id"] for x in lines}
    assert bad["id"] not in {c["id"] for c in changes}


def test_areas_come_after_their_parent_and_a_cycle_is_never_made(tmp_path: Path) -> None:
    """The fold alone (no server): a village logged before its township, a township
    moved under another county later, two areas naming each other; the rows that go out
    and their order against what an empty laptop makes of the same changes."""
    from workteam_server import snapshot

    def area(row_id: str, code: str, parent: str | None) -> dict:
        return wire_change("area", row_id, {"code": code, "name": row_id, "level": "village",
                                            "parent_id": parent})

    log = [area("v", "140215101201", "t"), area("t", "140215101000", "c1"),
           area("c1", "140215000000", None), area("c2", "140216000000", None),
           wire_change("area", "t", {"parent_id": "c2"}),
           area("x", "140217000000", "y"), area("y", "140218000000", "x"),
           area("z", "140219000000", "x")]
    fold = snapshot._Fold()
    for c in log:
        fold.add(orjson.dumps(c).decode())
    lines, trailing = fold.decide()
    assert lines["area"] == ["c1", "c2", "t", "v"]
    assert trailing == {("area", "x"), ("area", "y"), ("area", "z")}
    held, waiting = laptop(log, 1, tmp_path / "laptop")
    assert {k[1] for k in held["rows"]} == set(lines["area"])
    assert waiting == {"x", "y", "z"}
    assert orjson.loads(fold.clocks(fold.rows["area"]["t"]))["parent_id"] == log[4]["hlc"]
