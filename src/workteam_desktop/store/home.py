"""The data home: where the store file, backups and attachments live."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

STORE_FILE = "workteam.sqlite3"
ENV_HOME = "WORKTEAM_HOME"


def resolve_home(home: str | os.PathLike[str] | None = None) -> Path:
    """``--home DIR``, else ``$WORKTEAM_HOME``, else the platform's user data directory."""
    if home:
        return Path(home).expanduser()
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("workteam", appauthor=False))


def store_path(home: Path) -> Path:
    """The SQLite file of a home."""
    return home / STORE_FILE


def backups_dir(home: Path) -> Path:
    """Where backups of the store go."""
    return home / "backups"
