"""Upgrading a server database that already holds data: what worked before still works."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

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
