"""A restored backup is a new device (issue 16): a data home knows whether a store is its own
(its home id), a store restored or copied into another home takes a new device id and keeps
its history, a rollback in the same home keeps the device id and never turns its clock back."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import dbfile
from workteam_desktop.cli import main as cli_main
from workteam_desktop.domain.hlc import Timestamp
from workteam_desktop.store import Store, home_key, sync_state
from workteam_desktop.store.backups import make_backup, restore
from workteam_desktop.store.home import store_path
from workteam_desktop.store.models import Area, Household
from workteam_desktop.store.store import (
    HOME_ID,
    HOME_ID_FILE,
    LOGIN_DEVICE,
    NEW_DEVICE,
    OTHER_HOME,
    PREVIOUS_DEVICES,
    read_home_id,
)

VILLAGE = "00000000-0000-7000-8000-0000000a0001"


def laptop(home: Path, households: int = 2) -> Path:
    """A home with a village and ``households`` households (none of it sent anywhere)."""
    with Store.open(home) as store, store.write() as w:
        w.insert(Area, [{"id": VILLAGE, "code": "140215100201", "name": "东村", "level": "village"}])
        w.insert(Household, [{"number": f"{i:04d}", "head_name": f"户主{i}", "village_id": VILLAGE}
                             for i in range(households)])
    return home


def log_lines(home: Path) -> list[tuple]:
    """Every logged change as it was stamped: id, hlc, device, origin, pushed."""
    with Store.open(home) as store, store.read() as cur:
        return [tuple(r) for r in cur.execute(
            "SELECT id, hlc, device, origin, pushed FROM change_log ORDER BY seq")]


def device_of(home: Path) -> str:
    with Store.open(home) as store:
        return store.device_id


def rename_first_household(home: Path, name: str) -> tuple[str, str]:
    """Edit a household's head; (the new change's HLC, the device that stamped it)."""
    with Store.open(home) as store:
        with store.write() as w:
            row = w.cursor.execute("SELECT id FROM household ORDER BY number LIMIT 1").fetchone()
            w.update(Household, row[0], {"head_name": name})
        with store.read() as cur:
            hlc = cur.execute("SELECT max(hlc) FROM change_log").fetchone()[0]
        return hlc, store.device_id


def test_a_home_knows_its_id_outside_the_store_and_in_it(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with Store.open(home) as store:
        kept = sync_state.get(store, HOME_ID)
        device = store.device_id
    assert kept and read_home_id(home) == kept
    assert (home / HOME_ID_FILE).read_text().strip() == kept
    with Store.open(home) as store:  # opening again changes nothing
        assert (store.device_id, sync_state.get(store, HOME_ID)) == (device, kept)
        assert store.previous_devices() == []


def test_a_backup_restored_into_another_home_is_a_new_device_with_the_old_history(
        tmp_path: Path) -> None:
    origin = laptop(tmp_path / "origin")
    old = device_of(origin)
    history = log_lines(origin)
    assert history and all(h[1].endswith(old) and h[4] == 0 for h in history)  # nothing sent yet
    backup = make_backup(origin, "manual", out=tmp_path / "u盘.sqlite3")

    result = restore(backup, tmp_path / "new-laptop")
    assert result is not None and result.new_device
    assert result.backup_device_id == old and result.device_id != old
    new = device_of(tmp_path / "new-laptop")
    assert new == result.device_id
    # Every logged change keeps its stamp, and is still waiting to be sent as it was made.
    assert log_lines(tmp_path / "new-laptop") == history
    with Store.open(tmp_path / "new-laptop") as store:
        [entry] = store.previous_devices()
        assert (entry["device"], entry["reason"]) == (old, OTHER_HOME)
        assert read_home_id(store.home) == sync_state.get(store, HOME_ID) != read_home_id(origin)
    # The clock goes on with the new id, later than everything stamped before.
    hlc, stamped_by = rename_first_household(tmp_path / "new-laptop", "新户主")
    assert stamped_by == new and Timestamp.decode(hlc).device == new
    assert hlc[:16] > max(h[1][:16] for h in history)
    # The home it came from is not touched.
    assert device_of(origin) == old and log_lines(origin) == history


def test_one_backup_into_two_homes_gives_two_devices(tmp_path: Path) -> None:
    origin = laptop(tmp_path / "origin")
    backup = make_backup(origin, "manual")
    other = laptop(tmp_path / "other", households=1)  # a laptop with data of its own
    other_device = device_of(other)
    first = restore(backup, tmp_path / "first")
    second = restore(backup, other)
    assert first is not None and second is not None and second.previous is not None
    devices = {device_of(origin), first.device_id, second.device_id, other_device}
    assert len(devices) == 4  # nobody stamps as anyone else


def test_a_rollback_in_the_same_home_keeps_the_device_and_never_turns_the_clock_back(
        tmp_path: Path) -> None:
    home = laptop(tmp_path / "home")
    device = device_of(home)
    backup = make_backup(home, "manual")
    # After the backup the laptop received a change from a clock 9 minutes ahead (within the
    # server's bound), so its own next stamp ran ahead of its wall clock too.
    with Store.open(home) as store:
        real_wall = store.wall
        store.wall = lambda: real_wall() + 9 * 60_000
        with store.write() as w:
            row = w.cursor.execute("SELECT id FROM household LIMIT 1").fetchone()[0]
            w.update(Household, row, {"head_name": "撤销前的修改"})
        with store.read() as cur:
            before_rollback = cur.execute("SELECT max(hlc) FROM change_log").fetchone()[0]

    result = restore(backup, home)
    assert result is not None and not result.new_device and result.device_id == device
    with Store.open(home) as store:
        assert store.previous_devices() == []
    hlc, stamped_by = rename_first_household(home, "撤销后的修改")
    assert stamped_by == device
    # Without keeping the clock, this edit would stamp earlier than the one it follows.
    assert hlc > before_rollback


def test_a_store_file_copied_by_hand_into_another_home_takes_a_new_device(tmp_path: Path) -> None:
    origin = laptop(tmp_path / "origin")
    old = device_of(origin)
    history = log_lines(origin)
    target = tmp_path / "new-laptop"
    target.mkdir()
    shutil.copyfile(store_path(origin), store_path(target))  # no home-id file there yet
    # (The encrypted store needs its key file: a file copied alone does not open at all.)
    shutil.copyfile(home_key.key_file(origin), home_key.key_file(target))
    with Store.open(target) as store:
        assert store.device_id != old
        assert [p["device"] for p in store.previous_devices()] == [old]
    assert log_lines(target) == history
    # A second laptop's folder with a home of its own: the same.
    third = tmp_path / "third"
    Store.open(third).close()
    shutil.copyfile(store_path(origin), store_path(third))
    shutil.copyfile(home_key.key_file(origin), home_key.key_file(third))
    assert device_of(third) not in (old, device_of(target))


def test_a_backup_from_before_home_ids_is_told_by_its_device_id(tmp_path: Path) -> None:
    home = laptop(tmp_path / "home")
    device = device_of(home)
    backup = make_backup(home, "manual", out=tmp_path / "old.sqlite3")
    db = dbfile.connect(backup)  # as a backup made by the previous version
    db.execute("DELETE FROM sync_state WHERE key = ?", (HOME_ID,))
    db.commit()
    db.close()
    same = restore(backup, home)
    assert same is not None and same.device_id == device and not same.new_device
    other = restore(backup, tmp_path / "elsewhere")
    assert other is not None and other.new_device and other.device_id != device


def test_a_copied_folder_gets_a_device_of_its_own_by_new_device(tmp_path: Path, capsys) -> None:
    """A whole folder copied to a second laptop carries the home id: it cannot tell by
    itself (the server refuses it, tests/sync/test_restored_laptops.py); ``workteam
    new-device`` makes it a laptop of its own, for good (a backup of the original restored
    into it later is another home's)."""
    origin = laptop(tmp_path / "origin")
    old = device_of(origin)
    with Store.open(origin) as store:
        sync_state.set_values(store, {sync_state.SERVER_URL: "https://county.example",
                                      sync_state.USERNAME: "wang"})
    copy = tmp_path / "copy"
    shutil.copytree(origin, copy)
    assert device_of(copy) == old
    assert cli_main.main(["--home", str(copy), "new-device", "--yes"]) == 0
    out = capsys.readouterr().out
    new = device_of(copy)
    assert new != old and f"新的设备编号 {new}" in out and old in out
    with Store.open(copy) as store:
        [entry] = store.previous_devices()
        assert (entry["device"], entry["reason"]) == (old, NEW_DEVICE)
        assert sync_state.get(store, LOGIN_DEVICE) == old  # the kept login is the old id's
        assert json.loads(sync_state.get(store, PREVIOUS_DEVICES) or "[]")[0]["device"] == old
    assert read_home_id(copy) != read_home_id(origin)
    assert log_lines(copy) == log_lines(origin)
    again = restore(make_backup(origin, "manual"), copy)
    assert again is not None and again.new_device and again.device_id not in (old, new)


def test_new_device_without_a_terminal_needs_yes(tmp_path: Path, capsys,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    home = laptop(tmp_path / "home")
    device = device_of(home)

    class NoTty:
        def isatty(self) -> bool:
            return False

    monkeypatch.setattr("sys.stdin", NoTty())
    assert cli_main.main(["--home", str(home), "new-device"]) != 0
    err = capsys.readouterr().err.strip()
    assert "--yes" in err and len(err.splitlines()) == 1
    assert device_of(home) == device
