"""Upgrading a server database that already holds data: what worked before still works."""

from __future__ import annotations

from pathlib import Path

import orjson
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from workteam_server.scope import Scope
from workteam_server.store import MIGRATIONS_DIR, ServerStore, make_engine


def test_files_uploaded_before_upload_records_stay_readable_where_they_were(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'server.db'}"
    engine = make_engine(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.connect() as conn:
        conn = conn.execution_options(write=True)
        config.attributes["connection"] = conn
        command.upgrade(config, "0003")
        conn.commit()
        conn.execute(sa.text("INSERT INTO account (name, role, scopes, password_hash, disabled, "
                             "created_at) VALUES ('wang', 'member', '140215101201', 'x', 0, "
                             "'2026-01-01')"))
        conn.execute(sa.text("INSERT INTO attachment_area (sha256, area_code) VALUES "
                             "(:s, '140215101201'), (:s, '140215101202'), (:t, '')"),
                     {"s": "ab" * 32, "t": "cd" * 32})
        conn.commit()
    engine.dispose()
    store = ServerStore.open(url)  # upgrades to the newest revision
    try:
        with store.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT sha256, scopes, size FROM attachment_upload")).all()
        assert [tuple(r) for r in rows] == [("ab" * 32, "140215101201,140215101202", 0)]
    finally:
        store.close()


def test_changes_stored_before_the_device_column_are_not_echoed_to_their_laptop(
        tmp_path: Path, server_db: str | None) -> None:
    """0006: the device of every stored change is taken from the body the server wrote
    (from the token); a re-served copy (no account) keeps none and goes to everyone."""
    url = server_db or f"sqlite:///{tmp_path / 'server.db'}"
    engine = make_engine(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    body = '{"id":"%s","entity":"area","row_id":"a%s","fields":{},"base":{},"hlc":"h",' \
           '"device":"%s","user":"wang"}'
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn = conn.execution_options(write=True)
        config.attributes["connection"] = conn
        command.upgrade(config, "0005")
        conn.commit()
        conn.execute(sa.text(
            "INSERT INTO change (id, entity, row_id, area_code, account, body) VALUES "
            "(:i, 'area', :r, '140215', :a, :b)"), [
                {"i": "c1", "r": "a1", "a": "wang", "b": body % ("c1", 1, "laptop-1")},
                {"i": "c2", "r": "a2", "a": "li", "b": body % ("c2", 2, "laptop-2")},
                {"i": "c3", "r": "a3", "a": "", "b": body % ("c3", 3, "laptop-1")},
                {"i": "c4", "r": "a4", "a": "old", "b": body % ("c4", 4, "?")}])
        conn.commit()
    engine.dispose()
    store = ServerStore.open(url)  # upgrades to the newest revision
    try:
        with store.engine.connect() as conn:
            devices = dict(conn.execute(sa.text("SELECT id, device FROM change")).all())
        assert devices == {"c1": "laptop-1", "c2": "laptop-2", "c3": None, "c4": None}
        everything = Scope.of("admin", ())
        rows, cursor, more = store.pull(everything, 0, 100, skip_device="laptop-1")
        assert [orjson.loads(b)["id"] for _, b in rows] == ["c2", "c3", "c4"]
        assert not more and cursor == store.pull(everything, 0, 100)[1]
    finally:
        store.close()
