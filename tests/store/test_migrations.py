"""Schema only through alembic: the models and the migrations agree; upgrades back up first."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import dbfile
from workteam_desktop.store import Store, migrate
from workteam_desktop.store.migrate import include_name
from workteam_desktop.store.models import Household


def test_models_and_migrations_agree(store: Store) -> None:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_name": include_name, "compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []


def test_new_store_is_at_head_with_wal_and_foreign_keys(store: Store) -> None:
    assert migrate.current_revision(store.engine) == migrate.head_revision()
    assert store.last_backup is None  # a new file has nothing to back up
    with store.read() as cur:
        assert cur.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cur.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_reopening_an_up_to_date_store_makes_no_backup(tmp_path) -> None:
    Store.open(tmp_path).close()
    again = Store.open(tmp_path)
    assert again.last_backup is None
    again.close()


def test_failed_upgrade_keeps_the_data_and_a_backup(tmp_path) -> None:
    store = Store.open(tmp_path)
    area_id = _village(store)
    with store.write() as w:
        w.insert(Household, [{"number": "0001", "head_name": "郭堃", "village_id": area_id}])
    store.close()
    # Lose the record of the schema version: the next start tries to create every table
    # again, which fails half-way.
    db = dbfile.connect(tmp_path / "workteam.sqlite3")
    db.execute("DELETE FROM alembic_version")
    db.commit()
    db.close()

    with pytest.raises(migrate.UpgradeError, match="升级失败，数据未改动") as failure:
        Store.open(tmp_path)
    backup = failure.value.backup
    assert backup is not None and backup.parent == tmp_path / "backups"
    for path in (tmp_path / "workteam.sqlite3", backup):
        db = dbfile.connect(path)
        assert db.execute("SELECT head_name FROM household").fetchall() == [("郭堃",)]
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        db.close()


def _village(store: Store) -> str:
    from workteam_desktop.store.models import Area

    with store.write() as w:
        [area_id] = w.insert(Area, [{"code": "140215100201", "name": "东村", "level": "village"}])
    return area_id


def test_upgrade_from_an_older_schema_backs_up_first_and_keeps_the_data(tmp_path) -> None:
    from alembic import command

    from workteam_desktop.store.engine import make_engine

    path = tmp_path / "workteam.sqlite3"
    engine = make_engine(path)
    config = migrate.alembic_config()
    with engine.begin() as conn:  # a store as the first release left it
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

    store = Store.open(tmp_path)
    assert migrate.current_revision(store.engine) == migrate.head_revision() != "0001"
    assert store.last_backup is not None
    assert store.last_backup.name.startswith("before-upgrade-0001-")
    with store.read() as cur:
        assert cur.execute("SELECT name FROM area").fetchall()[0][0] == "东村"
        assert cur.execute("SELECT count(*) FROM draft").fetchone()[0] == 0  # the new table
    store.close()
    backup = dbfile.connect(store.last_backup)
    assert backup.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    assert backup.execute("SELECT name FROM area").fetchone()[0] == "东村"
    backup.close()


def test_the_head_revision_constant_matches_the_migration_scripts() -> None:
    assert migrate.head_revision() == migrate.HEAD_REVISION


def test_opening_an_up_to_date_store_does_not_import_alembic(tmp_path) -> None:
    import subprocess
    import sys

    Store.open(tmp_path).close()
    probe = ("import sys; from workteam_desktop.store import Store; "
             f"Store.open({str(tmp_path)!r}).close(); "
             "print(any(m == 'alembic' or m.startswith('alembic.') for m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"
