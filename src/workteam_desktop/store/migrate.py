"""Schema upgrades of the local store: alembic, configured in code, scripts in the package.

On start the app backs the file up (SQLite online backup) and then upgrades it, so a
failed migration can always be rolled back by hand from ``backups/``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from . import sqlite

if TYPE_CHECKING:
    from alembic.config import Config

# The newest revision in migrations/versions (a test keeps this in step). Knowing it
# without alembic lets an up-to-date store open without importing alembic at all, which
# is a seventh of the GUI's start-up time.
HEAD_REVISION = "0012"

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

# Tables the migrations make that the models do not describe (full-text index and its
# shadow tables): left out of the models-vs-migrations comparison.
_UNMODELLED_PREFIXES = ("household_fts",)


class UpgradeError(RuntimeError):
    """The schema upgrade failed; the store is unchanged and a backup exists."""

    def __init__(self, store_file: Path, backup: Path | None) -> None:
        where = f"，升级前的备份在 {backup}" if backup else ""
        super().__init__(f"数据库 {store_file} 升级失败，数据未改动{where}。请联系技术支持。")
        self.backup = backup


def include_name(name: str | None, type_: str, _parent: object) -> bool:
    """Alembic filter: skip the FTS tables, which only the migrations describe."""
    return not (type_ == "table" and name is not None and name.startswith(_UNMODELLED_PREFIXES))


def alembic_config() -> Config:
    """An alembic Config whose scripts are the package's own migrations."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The newest revision the package's migration scripts know (asks alembic)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the store file is at; None for a new, empty file."""
    with engine.connect() as conn:
        known = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).first()
        if known is None:
            return None
        row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return row[0] if row else None


def upgrade_pending(store_file: Path, key: bytes | None) -> bool:
    """True when an existing store file is at an older revision than this program's: opening
    it will upgrade it (which may take a while: the GUI shows it)."""
    if not store_file.exists():
        return False
    from .engine import make_engine

    engine = make_engine(store_file, key)
    try:
        current = current_revision(engine)
    finally:
        engine.dispose()
    return current is not None and current != HEAD_REVISION


def backup_file(source: Path, target: Path, key: bytes | None = None) -> Path:
    """Copy a live store file with the online backup API (safe while it is open); the
    copy is encrypted with the same ``key``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite.connect(source, key)
    try:
        dst = sqlite.connect(target, key)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def _has_tables(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'").scalar_one() > 0


def upgrade(engine: Engine, store_file: Path, backups: Path, key: bytes | None = None
            ) -> Path | None:
    """Bring the store to the newest schema; back it up first if it holds data.

    Returns the backup made, or None when nothing needed doing or the file was new.
    """
    current = current_revision(engine)
    if current == HEAD_REVISION:
        return None
    from alembic import command

    backup = None
    if _has_tables(engine):
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        backup = backup_file(store_file,
                             backups / f"before-upgrade-{current or 'none'}-{stamp}.sqlite3", key)
    config = alembic_config()
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    except Exception as exc:
        # The upgrade ran in one transaction, so the file is as it was; say where the
        # backup is all the same.
        raise UpgradeError(store_file, backup) from exc
    _give_space_back(engine)
    return backup


def _give_space_back(engine: Engine) -> None:
    """VACUUM when an upgrade left a quarter of the file unused (0010 deletes a county's
    received changes from the log: 2.8 GB of file would stay 2.8 GB without it)."""
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        free = raw.execute("PRAGMA freelist_count").fetchone()[0]
        pages = raw.execute("PRAGMA page_count").fetchone()[0]
        if pages and free * 4 > pages:
            # VACUUM builds the new file in a temporary database: on disk, not in memory
            # (the store keeps temporary tables in memory; a county's 1.4 GB would be RSS).
            raw.execute("PRAGMA temp_store=FILE")
            try:
                raw.execute("VACUUM")
            finally:
                raw.execute("PRAGMA temp_store=MEMORY")
