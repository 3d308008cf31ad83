"""A new laptop's first sync from the server's snapshot (issue 17, step 4), against the real
server: the rows, photos and later edits arrive as by the change-by-change pull; a cut
download resumes; a damaged one is refused with one line and nothing loaded; an ``--all``
bundle of a loaded laptop carries its rows with their clocks."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from synclib import PASSWORD, add_households, add_village, synced_tables

from serverlib import RunningServer, start_server
from workteam_desktop.store import Store, sync_state
from workteam_desktop.store.attachments import add_attachment, read_content
from workteam_desktop.store.models import Household
from workteam_desktop.sync import session
from workteam_desktop.sync.account import Account, login
from workteam_desktop.sync.bundle import export_bundle
from workteam_desktop.sync.bundle_import import import_bundle
from workteam_desktop.sync.errors import ServerError
from workteam_desktop.sync.session import sync_once

_users = iter(range(1000))


@pytest.fixture
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A server of the test's own: the snapshot of the scope holds this test's rows only."""
    with start_server(tmp_path_factory.mktemp("server")) as s:
        yield s


@pytest.fixture
def user(server: RunningServer) -> str:
    name = f"wang{next(_users)}"
    server.add_user(name, "supervisor", ["140215"], PASSWORD)
    return name


@pytest.fixture(autouse=True)
def small_snapshots(monkeypatch: pytest.MonkeyPatch) -> None:
    """Snapshots for the test's small scopes (a county's laptop loads one above 20,000 rows)."""
    monkeypatch.setattr(session, "SNAPSHOT_MIN_ROWS", 10)


def _clocks(store: Store, row_ids: list[str]) -> dict[str, dict[str, str]]:
    """The field clocks of households ``row_ids``."""
    with store.write() as w:  # the clocks a local edit names as its base (nothing written)
        return {r: w.field_clocks("household", r) for r in row_ids}


def _first_laptop(tmp_path: Path, server: RunningServer, user: str) -> tuple[Store, list[str]]:
    """A laptop with a village, 40 households and a photo, synced."""
    a = Store.open(tmp_path / "a")
    add_village(a)
    ids = add_households(a, 40)
    photo = tmp_path / "门牌.jpg"
    photo.write_bytes(b"\xff\xd8\xff door plate " + user.encode() * 500)
    add_attachment(a, photo, "household", ids[0], caption="门牌")
    sync_once(a, login(a, server.url, user, PASSWORD).account)
    return a, ids


def test_a_first_sync_loads_the_snapshot_and_goes_on_by_changes(tmp_path, server, user) -> None:
    a, ids = _first_laptop(tmp_path, server, user)
    b = Store.open(tmp_path / "b")
    acc_b = login(b, server.url, user, PASSWORD).account
    phases: list[str] = []
    report = sync_once(b, acc_b, progress=lambda _d, _t, phase: phases.append(phase))
    # 1 village + 40 households + 1 photo: loaded as rows, no change logged for them
    assert report.snapshot_rows == 42 and report.attachments_down == 1
    # The page shows each step: the download, the rows, the indexes and facts after them
    seen = list(dict.fromkeys(p for p in phases if p in ("snapshot", "snapshot_load", "index")))
    assert seen == ["snapshot", "snapshot_load", "index"]
    assert synced_tables(b) == synced_tables(a)
    with b.read() as cur:
        assert cur.execute("SELECT count(*) FROM change_log").fetchone()[0] == 0
        sha = cur.execute("SELECT sha256 FROM attachment").fetchone()[0]
    assert read_content(b.home, sha) == read_content(a.home, sha)
    assert _clocks(b, ids) == _clocks(a, ids)
    assert sync_state.cursor(b) > 0 and list((b.home / session.SNAPSHOT_DIR).glob("*")) == []

    # Later edits go both ways by changes; an edit of a loaded row names its loaded clock
    # as its base, so the other laptop takes it without a conflict.
    _edits_both_ways(server, user, a, b, acc_b, ids)
    a.close()
    b.close()


@pytest.fixture
def store_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A server that makes store files of the test's small snapshots (a county's: from
    20,000 rows) and makes a snapshot again after 5 changes (50,000)."""
    home = tmp_path_factory.mktemp("server")
    (home / "server.toml").write_text(
        "[sync]\nsnapshot_store_rows = 10\nsnapshot_stale_changes = 5\n", encoding="utf-8")
    with start_server(home) as s:
        yield s


def test_a_first_sync_copies_the_snapshots_store_file(tmp_path, store_server) -> None:
    user = f"wang{next(_users)}"
    store_server.add_user(user, "supervisor", ["140215"], PASSWORD)
    a, ids = _first_laptop(tmp_path, store_server, user)
    b = Store.open(tmp_path / "b")
    acc_b = login(b, store_server.url, user, PASSWORD).account
    phases: list[str] = []
    report = sync_once(b, acc_b, progress=lambda _d, _t, phase: phases.append(phase))
    assert report.snapshot_copied and report.snapshot_rows == 42
    assert report.attachments_down == 1  # the photo a copied row names arrives too
    # The download, then the copy (its indexes and facts came with it: no index step).
    assert list(dict.fromkeys(p for p in phases if p.startswith(("snapshot", "index")))) == [
        "snapshot", "snapshot_copy"]
    assert synced_tables(b) == synced_tables(a)
    assert _clocks(b, ids) == _clocks(a, ids)
    with b.read() as cur:
        assert cur.execute("SELECT count(*) FROM change_log").fetchone()[0] == 0
    assert sync_state.cursor(b) > 0 and list((b.home / session.SNAPSHOT_DIR).glob("*")) == []
    _edits_both_ways(store_server, user, a, b, acc_b, ids)

    # A laptop whose store is not of the file's schema (an index of its own here) loads
    # the snapshot's lines instead, and ends with the same rows.
    c = Store.open(tmp_path / "c")
    with c.read() as cur:
        cur.execute("CREATE INDEX ix_own ON household (phone)")
    report = sync_once(c, login(c, store_server.url, user, PASSWORD).account)
    assert not report.snapshot_copied and report.snapshot_rows == 42
    assert report.applied == 2  # the two edits after the snapshot, pulled
    assert synced_tables(c) == synced_tables(a)
    for store in (a, b, c):
        store.close()


def test_a_team_members_new_laptop_in_a_real_county_copies_its_teams_rows(
        tmp_path, store_server) -> None:
    """A server set up as a county starts (左云县 140226 from the shipped divisions, a team
    on two villages, a member): the member's second laptop copies the store file of its
    team's scope (the county and township above, its two villages, its team, the
    households), and edits go both ways after it."""
    server = store_server

    def cli(*args: str, stdin: str | None = None) -> None:
        done = server.cli(*args, stdin=stdin)
        assert done.returncode == 0, done.stderr

    cli("init", "--county", "140226")
    cli("teams", "add", "店湾工作队", "--villages", "140226102208,140226102209")
    cli("users", "add", "wang", "--role", "member", "--team", "店湾工作队",
        "--password-stdin", stdin=PASSWORD + "\n")
    a = Store.open(tmp_path / "a")
    acc_a = login(a, server.url, "wang", PASSWORD).account
    sync_once(a, acc_a)
    with a.read() as cur:
        [village] = cur.execute("SELECT id FROM area WHERE code = '140226102208'").fetchone()
    ids = add_households(a, 30, village=village)
    sync_once(a, acc_a)

    # A's first sync made the scope's snapshot (7 rows then); 30 households later it is
    # stale (server.toml here: after 5 changes) and made again for B.
    b = Store.open(tmp_path / "b")
    report = sync_once(b, login(b, server.url, "wang", PASSWORD).account)
    assert report.snapshot_copied and report.snapshot_rows >= 30 + 4 + 1  # + areas, team
    assert synced_tables(b) == synced_tables(a)
    with b.read() as cur:
        codes = {r[0] for r in cur.execute("SELECT code FROM area")}
    assert {"140226000000", "140226102000", "140226102208", "140226102209"} <= codes
    assert _clocks(b, ids) == _clocks(a, ids)
    with b.write() as w:
        w.update(Household, ids[0], {"head_name": "新户主"})
    sync_once(b, login(b, server.url, "wang", PASSWORD).account)
    assert sync_once(a, acc_a).applied == 1
    assert synced_tables(b) == synced_tables(a)
    a.close()
    b.close()


def _edits_both_ways(server: RunningServer, user: str, a: Store, b: Store, acc_b: Account,
                     ids: list[str]) -> session.SyncReport:
    """``a`` edits one household and ``b`` another, naming as its base the clock it holds
    (loaded or compacted); after syncing, each took the other's edit without a conflict
    and both hold the same rows and clocks. ``b``'s report of its sync."""
    with a.write() as w:
        w.update(Household, ids[1], {"head_name": "甲改"})
    sync_once(a, login(a, server.url, user, PASSWORD).account)
    held = _clocks(b, [ids[2]])[ids[2]]["head_name"]
    with b.write() as w:
        w.update(Household, ids[2], {"head_name": "乙改"})
    with b.read() as cur:
        [base] = cur.execute("SELECT base FROM change_log WHERE row_id = ?", (ids[2],)).fetchone()
    assert json.loads(base) == {"head_name": held}
    later = sync_once(b, acc_b)
    assert (later.applied, later.conflicts) == (1, 0)
    again = sync_once(a, login(a, server.url, user, PASSWORD).account)
    assert (again.applied, again.conflicts) == (1, 0)
    assert synced_tables(b) == synced_tables(a)
    assert _clocks(b, ids) == _clocks(a, ids)
    return later


def _snapshot_bytes(server: RunningServer, user: str) -> tuple[str, bytes]:
    with server.client(user, PASSWORD, device="peek") as c:
        info = c.get("/api/v1/snapshot").json()
        return info["sha256"], c.get(f"/api/v1/snapshot/{info['sha256']}").content


def test_a_cut_download_resumes_and_a_damaged_one_loads_nothing(tmp_path, server, user) -> None:
    a, _ = _first_laptop(tmp_path, server, user)
    sha, raw = _snapshot_bytes(server, user)
    assert hashlib.sha256(raw).hexdigest() == sha

    # Cut half-way: the next sync asks for the rest only and loads it.
    c = Store.open(tmp_path / "c")
    part = c.home / session.SNAPSHOT_DIR / f"{sha}.part"
    part.parent.mkdir(parents=True)
    part.write_bytes(raw[: len(raw) // 2])
    asked: list[int] = []
    original = session.SyncClient.snapshot_part

    def counting(self, sha256: str, start: int, length: int) -> bytes | None:
        asked.append(start)
        return original(self, sha256, start, length)

    session.SyncClient.snapshot_part = counting  # type: ignore[method-assign]
    try:
        report = sync_once(c, login(c, server.url, user, PASSWORD).account)
    finally:
        session.SyncClient.snapshot_part = original  # type: ignore[method-assign]
    assert asked == [len(raw) // 2]
    assert report.snapshot_rows == 42 and not part.exists()
    assert synced_tables(c) == synced_tables(a)

    # Damaged on the way (the file is whole but its bytes are not the server's): one line,
    # nothing loaded, the damaged file gone; the next sync loads it.
    d = Store.open(tmp_path / "d")
    part = d.home / session.SNAPSHOT_DIR / f"{sha}.part"
    part.parent.mkdir(parents=True)
    part.write_bytes(bytes(len(raw)))
    acc_d = login(d, server.url, user, PASSWORD).account
    with pytest.raises(ServerError, match="数据快照已损坏（校验不符）"):
        sync_once(d, acc_d)
    assert synced_tables(d)["household"] == [] and not part.exists()
    assert sync_once(d, acc_d).snapshot_rows == 42
    assert synced_tables(d) == synced_tables(a)
    for store in (a, c, d):
        store.close()


def test_an_all_bundle_of_a_loaded_laptop_carries_its_rows_and_clocks(
        tmp_path, server, user) -> None:
    a, ids = _first_laptop(tmp_path, server, user)
    b = Store.open(tmp_path / "b")
    sync_once(b, login(b, server.url, user, PASSWORD).account)
    with b.write() as w:  # one field set again after the load: its own change says it
        w.update(Household, ids[3], {"head_name": "丙改"})
    out = export_bundle(b, tmp_path / "all.wtb", everything=True)
    assert out is not None and out.counts["household"] == 41  # 40 loaded + 1 edit
    e = Store.open(tmp_path / "e")
    result = import_bundle(e, out.path, trust=True)
    assert result.conflicts == 0
    assert synced_tables(e) == synced_tables(b)
    assert _clocks(e, ids) == _clocks(b, ids)
    # The same bundle again changes nothing (its made-up change ids are stable).
    assert import_bundle(e, out.path, trust=True).applied == 0
    for store in (a, b, e):
        store.close()


def test_a_county_laptop_pulling_change_by_change_compacts_what_it_received(
        tmp_path, server, user, monkeypatch: pytest.MonkeyPatch) -> None:
    """A laptop that pulls change by change (no snapshot: its scope is small here) and is
    due (20,000 received changes; 10 here) ends the sync by compacting them: the step is
    shown, the photo still arrives, later edits both ways take no conflict, and nothing is
    taken twice."""
    from workteam_desktop.store import compact

    monkeypatch.setattr(session, "SNAPSHOT_MIN_ROWS", 10**9)
    monkeypatch.setattr(compact, "COMPACT_AT", 10)
    a, ids = _first_laptop(tmp_path, server, user)
    b = Store.open(tmp_path / "b")
    acc_b = login(b, server.url, user, PASSWORD).account
    phases: list[str] = []
    report = sync_once(b, acc_b, progress=lambda _d, _t, phase: phases.append(phase))
    assert report.snapshot_rows == 0 and report.applied == 42 and report.attachments_down == 1
    assert report.compacted == 41 and phases[-1] == "compact"  # all but the log's last
    with b.read() as cur:
        assert cur.execute("SELECT count(*) FROM change_log").fetchone()[0] == 1
    assert synced_tables(b) == synced_tables(a)
    assert _clocks(b, ids) == _clocks(a, ids)

    later = _edits_both_ways(server, user, a, b, acc_b, ids)
    assert later.compacted == 0  # 2 received changes logged: not due
    a.close()
    b.close()
