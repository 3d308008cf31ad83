"""Open a home's store file (or a backup of it) directly, as SQL, with the home's key:
the tests look at what the program wrote, beside its own API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workteam_desktop.store import home_key, sqlite


def _home_of(path: Path) -> Path:
    """The data home a store file or backup belongs to (where its home-key.json is)."""
    for folder in (path.parent, path.parent.parent):
        if home_key.key_file(folder).exists():
            return folder
    return path.parent


def connect(path: str | Path, isolation_level: str | None = "", **kwargs: Any) -> Any:
    """A DB-API connection to ``path`` (``sqlite3.connect`` for the encrypted store)."""
    readonly = "mode=ro" in str(path)
    kwargs.pop("uri", None)
    path = Path(str(path).removeprefix("file:").split("?")[0])
    key = home_key.key_for_file(_home_of(path), path) if path.exists() else None
    conn = sqlite.connect(path, key, readonly=readonly)
    if isolation_level != "":
        conn.isolation_level = isolation_level
    return conn


def downgrade(path: str | Path, revision: str) -> None:
    """Take the store file ``path`` back to schema ``revision`` by the migrations' own
    downgrade steps: a home as an older version of the program left it."""
    from alembic import command

    from workteam_desktop.store import migrate
    from workteam_desktop.store.engine import make_engine

    path = Path(path)
    engine = make_engine(path, home_key.key_for_file(_home_of(path), path))
    config = migrate.alembic_config()
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, revision)
    finally:
        engine.dispose()
