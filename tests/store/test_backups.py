"""Backups of the store and restoring them: same content, bad files refused, pruning."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import pytest

import dbfile
from store_content import dump_file, table_names
from workteam_desktop.store import Store, backups, home_key, migrate
from workteam_desktop.store.backups import (
    BackupError,
    daily_backup_if_due,
    list_backups,
    make_backup,
    restore,
)
from workteam_desktop.store.home import store_path


@pytest.fixture
def home(demo_copy) -> Path:
    return demo_copy(60, 1, dt.date(2026, 11, 29))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_backup_is_a_checked_copy_with_exactly_the_stores_tables(home: Path) -> None:
    with Store.open(home) as store:
        path = make_backup(store, "manual", now=dt.datetime(2026, 11, 29, 8, 30, 5))
        with store.read() as cur:
            households = cur.execute("SELECT count(*) FROM household").fetchone()[0]
    assert path == home / "backups" / "workteam-20261129-083005-manual.sqlite3"
    # No secrets table can sneak in: the copy has the store's tables and no others.
    assert table_names(path) == table_names(store_path(home))
    assert dump_file(path) == dump_file(store_path(home))
    db = dbfile.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert db.execute("SELECT count(*) FROM household").fetchone()[0] == households == 60
    db.close()
    assert not list(path.parent.glob("*.partial")) and not Path(f"{path}-wal").exists()
    [info] = list_backups(home)
    assert (info.path, info.reason, info.automatic) == (path, "manual", False)


def test_backup_to_a_file_or_folder_and_never_over_a_file(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "usb" / "copy.sqlite3"
    out.parent.mkdir()
    assert make_backup(home, "manual", out=out) == out
    in_folder = make_backup(home, "manual", out=out.parent)
    assert in_folder.parent == out.parent and in_folder.name.startswith("workteam-")
    with pytest.raises(BackupError, match="已存在"):
        make_backup(home, "manual", out=out)
    assert list_backups(home) == []  # nothing went to backups/


# A restore into another home is another laptop: its own device id, clock and home id
# (tests/store/test_home_identity.py); every other table is the backup's.
_OWN = ("device", "clock_state", "sync_state")


def _content(db_file: Path) -> dict[str, list[tuple]]:
    return {t: rows for t, rows in dump_file(db_file).items() if t not in _OWN}


def test_restore_into_a_fresh_home_gives_the_same_content(home: Path, tmp_path: Path) -> None:
    backup = make_backup(home, "manual")
    fresh = tmp_path / "fresh"
    result = restore(backup, fresh)
    assert result is not None and result.previous is None
    assert result.revision == migrate.HEAD_REVISION
    assert _content(store_path(fresh)) == _content(store_path(home))
    assert result.new_device
    assert [p.name for p in fresh.iterdir() if p.name.startswith(".restore")] == []
    with Store.open(fresh) as store, store.read() as cur:
        assert cur.execute("SELECT count(*) FROM household").fetchone()[0] == 60


def test_restore_into_the_current_home_keeps_the_old_store_first(home: Path) -> None:
    backup = make_backup(home, "manual", now=dt.datetime(2020, 1, 1))
    before = dump_file(store_path(home))
    with Store.open(home) as store, store.write() as w:
        from workteam_desktop.store.models import Area

        w.insert(Area, [{"code": "140215100299", "name": "新村", "level": "village"}])
    after_edit = dump_file(store_path(home))
    result = restore(backup, home)
    assert result is not None and result.previous is not None
    assert result.previous.name.endswith("-before-restore.sqlite3")
    assert dump_file(result.previous) == after_edit
    restored = dump_file(store_path(home))
    # Everything as it was, but the device clock: it never goes back past what it stamped.
    assert restored.pop("clock_state") == after_edit["clock_state"] != before.pop("clock_state")
    assert restored == before and not result.new_device
    assert not Path(f"{store_path(home)}-wal").exists() or \
        Path(f"{store_path(home)}-wal").stat().st_size == 0


def test_restore_of_an_older_schema_upgrades_it(tmp_path: Path) -> None:
    from alembic import command

    from workteam_desktop.store.engine import make_engine

    old = tmp_path / "old.sqlite3"
    engine = make_engine(old)
    config = migrate.alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO change_log (id, entity, row_id, fields, base, hlc, device, user, "
            "origin, pushed) VALUES ('c1', 'area', 'a1', '{}', '{}', 'h1', 'd', '', 'local', 0)")
        conn.exec_driver_sql(
            "INSERT INTO area (id, updated_hlc, deleted, code, name, level) "
            "VALUES ('a1', 'h1', 0, '140215100201', '东村', 'village')")
    engine.dispose()
    result = restore(old, tmp_path / "home")
    assert result is not None and result.revision == "0001"
    with Store.open(tmp_path / "home") as store, store.read() as cur:
        assert migrate.current_revision(store.engine) == migrate.HEAD_REVISION
        assert cur.execute("SELECT name FROM area").fetchone()[0] == "东村"


def _bad_files(home: Path, folder: Path) -> dict[str, Path]:
    good = make_backup(home, "manual", out=folder / "good.sqlite3")
    data = good.read_bytes()
    bad = {}
    (text := folder / "notes.sqlite3").write_text("这不是数据库", encoding="utf-8")
    bad["not a database"] = text
    (short := folder / "truncated.sqlite3").write_bytes(data[: len(data) // 3])
    bad["truncated"] = short
    page = 4096
    corrupt = bytearray(data)
    for offset in range(2 * page, len(corrupt) - page, 7 * page):
        corrupt[offset + 100: offset + 900] = b"\xa5" * 800
    (broken := folder / "corrupt.sqlite3").write_bytes(bytes(corrupt))
    bad["corrupt"] = broken
    newer = folder / "newer.sqlite3"
    shutil.copyfile(good, newer)
    # A damaged copy still has its key file beside it (as on the USB stick it came from).
    for name in ("truncated", "corrupt", "newer"):
        shutil.copyfile(home_key.backup_key_file(good),
                        home_key.backup_key_file(folder / f"{name}.sqlite3"))
    db = dbfile.connect(newer)
    db.execute("UPDATE alembic_version SET version_num = '9999'")
    db.commit()
    db.close()
    bad["newer"] = newer
    other = folder / "other.sqlite3"
    db = dbfile.connect(other)
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()
    bad["other"] = other
    (empty := folder / "empty.sqlite3").write_bytes(b"")
    bad["empty"] = empty
    bad["missing"] = folder / "missing.sqlite3"
    return bad


MESSAGES = {"not a database": "不是", "truncated": "损坏", "corrupt": "损坏",
            "newer": "更新版本", "other": "不是", "empty": "不是", "missing": "找不到"}


def test_bad_backups_are_refused_and_nothing_changes(home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "usb"
    folder.mkdir()
    bad = _bad_files(home, folder)
    store_file = store_path(home)
    with Store.open(home):
        pass
    before, before_backups = digest(store_file), sorted((home / "backups").iterdir()) \
        if (home / "backups").exists() else []
    fresh = tmp_path / "fresh"
    for kind, path in bad.items():
        for target in (home, fresh):
            with pytest.raises(BackupError) as info:
                restore(path, target)
            message = str(info.value)
            assert MESSAGES[kind] in message, (kind, message)
            assert "\n" not in message and "Traceback" not in message
            assert digest(store_file) == before
            current = sorted((home / "backups").iterdir()) if (home / "backups").exists() else []
            assert current == before_backups
            assert [p.name for p in home.iterdir() if p.name.startswith(".restore")] == []
            assert not fresh.exists()


def test_declined_confirmation_changes_nothing(home: Path, tmp_path: Path) -> None:
    backup = make_backup(home, "manual")
    seen = []
    before = digest(store_path(home))
    assert restore(backup, home, confirm=lambda check: seen.append(check) or False) is None
    assert seen[0].households == 60 and seen[0].revision == migrate.HEAD_REVISION
    assert digest(store_path(home)) == before
    assert [b.reason for b in list_backups(home)] == ["manual"]


def test_pruning_keeps_the_newest_automatic_backups_only(home: Path) -> None:
    start = dt.datetime(2026, 11, 1, 9, 0, 0)
    manual = make_backup(home, "manual", now=start - dt.timedelta(days=30))
    upgrade = home / "backups" / "before-upgrade-0002-20261001-080000.sqlite3"
    shutil.copyfile(manual, upgrade)  # as migrate.upgrade names its backups
    for day in range(6):
        make_backup(home, "daily", keep=3, now=start + dt.timedelta(days=day))
    kept = list_backups(home)
    automatic = [b for b in kept if b.automatic]
    assert [b.created.day for b in automatic] == [6, 5, 4]
    assert manual in [b.path for b in kept]  # on-demand backups are never pruned
    assert not upgrade.exists()
    assert backups.prune(home, keep=1) and len([b for b in list_backups(home) if b.automatic]) == 1


def test_daily_backup_only_once_per_day(home: Path, tmp_path: Path) -> None:
    with Store.open(tmp_path / "empty") as empty:
        assert daily_backup_if_due(empty) is None  # nothing to keep yet
    with Store.open(home) as s:
        morning = dt.datetime(2026, 11, 29, 8, 0)
        first = daily_backup_if_due(s, now=morning)
        assert first is not None and first.name == "workteam-20261129-080000-daily.sqlite3"
        assert daily_backup_if_due(s, now=morning + dt.timedelta(hours=9)) is None
        assert daily_backup_if_due(s, now=morning + dt.timedelta(days=1)) is not None
        assert [b.reason for b in list_backups(home)] == ["daily", "daily"]


def test_a_restored_store_that_fails_to_open_is_rolled_back(
        home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    backup = make_backup(home, "manual", out=tmp_path / "b.sqlite3")
    with Store.open(home) as store, store.write() as w:
        from workteam_desktop.store.models import Area

        w.insert(Area, [{"code": "140215100299", "name": "新村", "level": "village"}])
    edited = dump_file(store_path(home))

    def broken(cls, *args, **kwargs):
        raise migrate.UpgradeError(store_path(home), None)

    monkeypatch.setattr(Store, "open", classmethod(broken))
    with pytest.raises(BackupError, match="原数据已放回"):
        restore(backup, home)
    assert dump_file(store_path(home)) == edited
    with pytest.raises(BackupError):
        restore(backup, tmp_path / "fresh")
    assert not store_path(tmp_path / "fresh").exists()
