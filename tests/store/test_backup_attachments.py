"""Backups carry the attachment files (photos) and never a secret."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from pathlib import Path

import pytest

import dbfile
from store_content import dump_file, table_names
from workteam_desktop.store import Store
from workteam_desktop.store.attachments import add_attachment, read_content
from workteam_desktop.store.backups import (
    CONTENT_TABLE,
    POOL_DIR,
    BackupError,
    make_backup,
    restore,
)
from workteam_desktop.store.home import store_path


@pytest.fixture
def home(demo_copy, tmp_path: Path) -> Path:
    """A small demo county with three photos attached to visits (one of them twice)."""
    home = demo_copy(60, 1, dt.date(2026, 11, 29))
    photos = tmp_path / "photos"
    photos.mkdir()
    with Store.open(home) as store:
        with store.read() as cur:
            visits = [r[0] for r in cur.execute("SELECT id FROM visit ORDER BY id LIMIT 2")]
        for i in range(3):
            photo = photos / f"照片{i}.jpg"
            photo.write_bytes(os.urandom(2000 + i) + f"photo {i}".encode())
            add_attachment(store, photo, "visit", visits[0])
        add_attachment(store, photos / "照片0.jpg", "visit", visits[1])
    return home


def records(db_file: Path) -> dict[str, list[tuple]]:
    """The store's tables and rows, but what belongs to the laptop: restored into another
    home, a backup gives it a device id of its own (device, clock_state, sync_state)."""
    return {t: rows for t, rows in dump_file(db_file).items()
            if t not in ("device", "clock_state", "sync_state")}


def attachment_files(home: Path) -> dict[str, bytes]:
    """Every attachment of a home, by name, as its content (each home seals its files
    with its own key: the bytes on the disk differ, the photos do not)."""
    folder = home / "attachments"
    return {p.name: read_content(home, p.name) for p in folder.glob("*/*") if p.is_file()}


def test_restore_into_a_fresh_home_gives_the_same_rows_and_photos(home: Path,
                                                                 tmp_path: Path) -> None:
    files = attachment_files(home)
    assert len(files) == 3
    backup = make_backup(home, "manual")
    pool = backup.parent / POOL_DIR
    assert {p.name for p in pool.glob("*/*")} == set(files)
    # The backup file itself stays the store's tables only: the photos are in the pool.
    assert table_names(backup) == table_names(store_path(home))
    fresh = tmp_path / "fresh"
    result = restore(backup, fresh)
    assert result is not None and result.missing_attachments == 0
    assert records(store_path(fresh)) == records(store_path(home))
    assert attachment_files(fresh) == files
    with Store.open(fresh) as store, store.read() as cur:
        for (sha,) in cur.execute("SELECT sha256 FROM attachment"):
            assert hashlib.sha256(read_content(fresh, sha)).hexdigest() == sha


def test_a_backup_on_a_usb_stick_carries_its_photos_and_its_key_file(home: Path,
                                                                       tmp_path: Path) -> None:
    files = attachment_files(home)
    usb = tmp_path / "usb"
    usb.mkdir()
    backup = make_backup(home, "manual", out=usb / "村里.sqlite3")
    # The photos inside; beside it only the key file (the key wrapped under the home's
    # recovery code, no key).
    assert sorted(p.name for p in usb.iterdir()) == ["村里.sqlite3", "村里.sqlite3.key.json"]
    assert table_names(backup) == sorted([*table_names(store_path(home)), CONTENT_TABLE])
    # Moved to another machine with its key file, it still restores the photos.
    other = tmp_path / "other-laptop"
    other.mkdir()
    moved = other / "copy.sqlite3"
    moved.write_bytes(backup.read_bytes())
    (other / "copy.sqlite3.key.json").write_bytes((usb / "村里.sqlite3.key.json").read_bytes())
    result = restore(moved, other / "home")
    assert result is not None and result.missing_attachments == 0
    assert attachment_files(other / "home") == files
    assert records(store_path(other / "home")) == records(store_path(home))  # no extra table left
    assert (other / "home" / "workteam.sqlite3").stat().st_size < backup.stat().st_size


def test_a_damaged_photo_in_a_backup_is_refused_and_nothing_changes(home: Path,
                                                                   tmp_path: Path) -> None:
    backup = make_backup(home, "manual", out=tmp_path / "b.sqlite3")
    db = dbfile.connect(backup)
    db.execute(f"UPDATE {CONTENT_TABLE} SET content = ? WHERE rowid = 1", (b"not the photo",))
    db.commit()
    db.close()
    fresh = tmp_path / "fresh"
    with pytest.raises(BackupError, match="附件已损坏"):
        restore(backup, fresh)
    assert not fresh.exists()


def test_a_missing_photo_is_counted_not_fatal(home: Path, tmp_path: Path) -> None:
    backup = make_backup(home, "manual", out=tmp_path / "b.sqlite3")
    db = dbfile.connect(backup)
    db.execute(f"DELETE FROM {CONTENT_TABLE} WHERE rowid = 1")
    db.commit()
    db.close()
    result = restore(backup, tmp_path / "fresh")
    assert result is not None and result.missing_attachments == 1
    assert len(attachment_files(tmp_path / "fresh")) == 2


def test_restore_into_the_same_home_keeps_its_photos(home: Path) -> None:
    files = attachment_files(home)
    backup = make_backup(home, "manual")
    result = restore(backup, home)
    assert result is not None and result.missing_attachments == 0
    assert attachment_files(home) == files


def test_pool_files_of_pruned_backups_go(home: Path) -> None:
    start = dt.datetime(2026, 11, 1, 9, 0)
    make_backup(home, "daily", now=start)
    pool = home / "backups" / POOL_DIR
    assert len(list(pool.glob("*/*"))) == 3
    # The photos' rows go away from a later store state (in the backup made next).
    extra = pool / "ab" / ("ab" + "0" * 62)
    extra.parent.mkdir(parents=True, exist_ok=True)
    extra.write_bytes(b"left over from a backup pruned long ago")
    make_backup(home, "daily", keep=1, now=start + dt.timedelta(days=1))
    assert not extra.exists()
    assert len(list(pool.glob("*/*"))) == 3  # still named by the kept backup


def test_backups_never_hold_a_secret(home: Path, tmp_path: Path, memory_keyring) -> None:
    """Device keys and sync tokens live in the keyring; no backup carries them."""
    from workteam_desktop.sync import keys

    with Store.open(home) as store:
        keys.load_or_create(store.device_id, store.user)
        device = store.device_id
    memory_keyring.set_password("workteam", "refresh-token", "rT0k3n-Very-Secret-abcdef123456")
    assert memory_keyring.secrets  # the device key is there
    secrets = list(memory_keyring.secrets.values())
    needles = set()
    for text in secrets:
        needles.add(text.encode())
        needles.update(m.encode() for m in re.findall(r"[A-Za-z0-9+/=_-]{24,}", text))
    made = [make_backup(home, "manual"), make_backup(home, "manual", out=tmp_path / "u.sqlite3"),
            make_backup(home, "daily", now=dt.datetime(2026, 11, 2))]
    restored = restore(made[1], tmp_path / "fresh")
    assert restored is not None
    every_file = [*made, *(home / "backups").rglob("*"), *(tmp_path / "fresh").rglob("*")]
    checked = 0
    for path in every_file:
        if path.is_file():
            data = path.read_bytes()
            for needle in needles:
                assert needle not in data, (path, needle[:8])
            checked += 1
    assert checked >= 8
    assert device  # the device id itself is not secret (it is in every change)


def test_check_backup_tells_what_a_backup_holds_and_changes_nothing(home: Path,
                                                                   tmp_path: Path) -> None:
    from workteam_desktop.store.backups import check_backup

    backup = make_backup(home, "manual", out=tmp_path / "b.sqlite3")
    before = backup.read_bytes()
    check = check_backup(backup)
    assert (check.households, check.attachments, check.path) == (60, 3, backup)
    assert backup.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "b.sqlite3", "b.sqlite3.key.json", "home", "photos"]
    (bad := tmp_path / "notes.sqlite3").write_text("不是数据库", encoding="utf-8")
    with pytest.raises(BackupError, match="不是"):
        check_backup(bad)
