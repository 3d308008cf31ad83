"""Schema upgrades of the local store: alembic, configured in code, scripts in the package.

On start the app backs the file up (SQLite online backup) and then upgrades it, so a
failed migration can always be rolled back by hand from ``backups/``.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

# Tables the migrations make that the models do not describe (full-text index and its
# shadow tables): left out of the models-vs-migrations comparison.
_UNMODELLED_PREFIXES = ("household_fts",)


def include_name(name: str | None, type_: str, _parent: object) -> bool:
    """Alembic filter: skip the FTS tables, which only the migrations describe."""
    return not (type_ == "table" and name is not None and name.startswith(_UNMODELLED_PREFIXES))


def alembic_config() -> Config:
    """An alembic Config whose scripts are the package's own migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The newest revision the package knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the store file is at; None for a new, empty file."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def backup_file(source: Path, target: Path) -> Path:
    """Copy a live SQLite file with the online backup API (safe while it is open)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def upgrade(engine: Engine, store_file: Path, backups: Path) -> Path | None:
    """Bring the store to the newest schema; back it up first if it holds data.

    Returns the backup made, or None when nothing needed doing or the file was new.
    """
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return None
    backup = None
    if current is not None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        backup = backup_file(store_file, backups / f"before-upgrade-{current}-{stamp}.sqlite3")
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    return backup
