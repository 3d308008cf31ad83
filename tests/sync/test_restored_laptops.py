"""A restored backup is a new device (issue 16), with a real server on a real socket: one
backup restored into two homes makes two laptops that both sync and converge; a rollback in
the same home keeps its device id and its login; a copied home is refused by the server
while the original keeps syncing; changes made before the backup and never sent are sent
by the restored laptop."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from synclib import PASSWORD, add_households, add_village, server_changes

from serverlib import RunningServer, start_server, wire_change
from workteam_desktop.domain.hlc import Timestamp
from workteam_desktop.domain.problems import Problem
from workteam_desktop.store import Store, sync_state
from workteam_desktop.store.backups import make_backup, restore
from workteam_desktop.store.conflicts import list_conflicts
from workteam_desktop.store.models import Household
from workteam_desktop.store.outbox import pending_count
from workteam_desktop.sync.account import Account, laptop_instance, login
from workteam_desktop.sync.errors import DeviceTaken, TokenRevoked
from workteam_desktop.sync.session import sync_once

_users = iter(range(1000))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with start_server(tmp_path_factory.mktemp("server")) as s:
        yield s


def new_user(server: RunningServer) -> str:
    name = f"zhao{next(_users)}"
    server.add_user(name, "supervisor", ["140215"], PASSWORD)
    return name


def synced_laptop(home: Path, server: RunningServer, user: str, households: int = 1) -> Store:
    """A laptop with a village and households, logged in and synced."""
    store = Store.open(home)
    add_village(store)
    add_households(store, households)
    login(store, server.url, user, PASSWORD)
    sync_once(store, Account.load(store))
    return store


def head(store: Store, household: str) -> str:
    with store.read() as cur:
        return cur.execute("SELECT head_name FROM household WHERE id = ?", (household,)).fetchone()[0]


def first_household(store: Store) -> str:
    with store.read() as cur:
        return cur.execute("SELECT id FROM household ORDER BY number LIMIT 1").fetchone()[0]


def rename(store: Store, household: str, name: str) -> str:
    """Edit a household's head; the HLC of the edit."""
    with store.write() as w:
        w.update(Household, household, {"head_name": name})
        return w.cursor.execute("SELECT max(hlc) FROM change_log").fetchone()[0]


def test_one_backup_in_two_homes_makes_two_laptops_that_converge(tmp_path, server) -> None:
    user = new_user(server)
    origin = synced_laptop(tmp_path / "origin", server, user)
    household = first_household(origin)
    old_device = origin.device_id
    backup = make_backup(origin, "manual", out=tmp_path / "u盘.sqlite3")
    origin.close()

    a_result = restore(backup, tmp_path / "a")
    b_result = restore(backup, tmp_path / "b")
    assert a_result is not None and b_result is not None
    assert len({old_device, a_result.device_id, b_result.device_id}) == 3
    a, b = Store.open(tmp_path / "a"), Store.open(tmp_path / "b")
    # The origin's login is not theirs: each laptop logs in again, as itself.
    with pytest.raises(TokenRevoked) as refused:
        sync_once(a, Account.load(a))
    assert refused.value.message == Problem("sync.new_device_login").message()
    login(a, server.url, user, PASSWORD)
    login(b, server.url, user, PASSWORD)
    acc_a, acc_b = Account.load(a), Account.load(b)
    sync_once(a, acc_a)
    sync_once(b, acc_b)

    lost_hlc = rename(a, household, "张三")  # edited on both, neither knowing the other
    kept_hlc = rename(b, household, "李四")
    assert Timestamp.decode(lost_hlc).device == a.device_id
    assert Timestamp.decode(kept_hlc).device == b.device_id
    assert kept_hlc > lost_hlc
    for store, account in ((a, acc_a), (b, acc_b), (a, acc_a)):
        sync_once(store, account)
    # The same value on both (the later edit), and the other one waits for a person.
    assert head(a, household) == head(b, household) == "李四"
    lost = [c for c in list_conflicts(a) if c.row_id == household and c.field == "head_name"]
    assert [(c.kept.text, c.lost.text) for c in lost] == [("李四", "张三")]
    # The server holds both edits, each stamped by its own laptop.
    stamps = {c["hlc"] for c in server_changes(server.url, user)}
    assert {lost_hlc, kept_hlc} <= stamps
    a.close()
    b.close()


def test_a_rollback_in_the_same_home_keeps_its_device_and_its_login(tmp_path, server) -> None:
    user = new_user(server)
    store = synced_laptop(tmp_path / "home", server, user)
    device, household = store.device_id, first_household(store)
    backup = make_backup(store, "manual")
    rename(store, household, "备份之后改的")
    sync_once(store, Account.load(store))
    store.close()

    result = restore(backup, tmp_path / "home")
    assert result is not None and result.device_id == device and not result.new_device
    with Store.open(tmp_path / "home") as store:
        assert head(store, household) != "备份之后改的"
        # A pull leaves out this laptop's own changes (no echo), but not after a rollback.
        assert sync_state.get(store, sync_state.PULL_OWN) == "1"
        report = sync_once(store, Account.load(store))  # the kept login: no password
        assert report.applied >= 1
        assert head(store, household) == "备份之后改的"  # its own edit comes back
        assert store.previous_devices() == []
        assert sync_state.get(store, sync_state.PULL_OWN) is None  # caught up: no echo again
        edit = rename(store, household, "回滚之后又改的")
        report = sync_once(store, Account.load(store))
        assert report.pushed == 1
        with store.read() as cur:  # its edit is logged once, as made here
            assert tuple(cur.execute("SELECT count(*), min(origin) FROM change_log WHERE hlc = ?",
                                     (edit,)).fetchone()) == (1, "local")


def test_a_copied_home_is_refused_and_the_original_keeps_syncing(tmp_path, server) -> None:
    owner, other = new_user(server), new_user(server)
    original = synced_laptop(tmp_path / "original", server, owner)
    device = original.device_id
    original.close()
    shutil.copytree(tmp_path / "original", tmp_path / "copy")  # the whole folder, to a 2nd laptop
    copy = Store.open(tmp_path / "copy")
    assert copy.device_id == device
    assert laptop_instance(copy.home) != laptop_instance(tmp_path / "original")

    expected = Problem("sync.device_taken", {"device": device}).message()
    for name in (other, owner):  # another account, or the same person on the copy
        with pytest.raises(DeviceTaken) as refused:
            login(copy, server.url, name, PASSWORD)
        assert refused.value.message == expected
        assert "\n" not in refused.value.message and "workteam new-device" in expected

    original = Store.open(tmp_path / "original")
    login(original, server.url, owner, PASSWORD)  # the laptop itself logs in again: fine
    add_households(original, 1, start=50)
    report = sync_once(original, Account.load(original))
    assert report.pushed == 1 and report.rejected == 0

    # A program that names no laptop at login (an older one) gets a token, but cannot send
    # with a device id another account's laptop holds; nothing is stored.
    with httpx.Client(base_url=server.url, timeout=30) as http:
        token = http.post("/api/v1/auth/login", json={
            "username": other, "password": PASSWORD, "device": device}).json()["access_token"]
        before = len(server_changes(server.url, owner))
        answer = http.post("/api/v1/changes/push", headers={"Authorization": f"Bearer {token}"},
                           json={"device": device, "changes": [
                               wire_change("household", "copy-1", {"number": "9", "village_id": "x"},
                                           device=device)]})
    assert answer.status_code == 409
    assert answer.json()["detail"] == {"code": "device_taken", "message": expected}
    assert len(server_changes(server.url, owner)) == before
    assert sync_once(original, Account.load(original)).rejected == 0  # still its own

    # ``workteam new-device`` makes the copy a laptop of its own: it may log in and sync.
    new = copy.take_new_device()
    assert new != device
    login(copy, server.url, other, PASSWORD)
    report = sync_once(copy, Account.load(copy))
    assert report.rejected == 0
    original.close()
    copy.close()


def test_changes_never_sent_before_the_backup_are_sent_by_the_restored_laptop(
        tmp_path, server) -> None:
    user = new_user(server)
    origin = synced_laptop(tmp_path / "origin", server, user)
    old_device = origin.device_id
    unsent = add_households(origin, 3, start=10)  # made offline, never sent
    assert pending_count(origin) == 3
    backup = make_backup(origin, "manual", out=tmp_path / "u盘.sqlite3")
    with origin.read() as cur:
        waiting = {r[0]: r[1] for r in cur.execute(
            "SELECT id, hlc FROM change_log WHERE pushed = 0")}
    # The origin laptop is lost; the backup goes onto a new one.
    origin.close()
    result = restore(backup, tmp_path / "new-laptop")
    assert result is not None and result.new_device
    restored = Store.open(tmp_path / "new-laptop")
    assert pending_count(restored) == 3
    login(restored, server.url, user, PASSWORD)
    report = sync_once(restored, Account.load(restored))
    assert (report.pushed, report.rejected) == (3, 0)
    on_server = {c["id"]: c for c in server_changes(server.url, user)}
    for change_id, hlc in waiting.items():  # as they were made: the old device's stamps
        assert on_server[change_id]["hlc"] == hlc and hlc.endswith(old_device)
        assert on_server[change_id]["device"] == restored.device_id  # sent by the new laptop
    with restored.read() as cur:
        assert {r[0] for r in cur.execute("SELECT id FROM household")} >= set(unsent)
    # Had the origin come back, its copies of those changes are duplicates, nothing twice.
    with Store.open(tmp_path / "origin") as origin:
        again = sync_once(origin, Account.load(origin))
        assert (again.pushed, again.duplicates) == (0, 3)
    restored.close()
