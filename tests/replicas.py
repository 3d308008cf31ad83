"""Empty replicas for merge and sync tests: copies of one migrated store, each with its own
device id (migrating a store per hypothesis example would dominate the run time)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import dbfile
from workteam_desktop.store import Store, home_key

_TEMPLATE: list[Path] = []


def fresh_replica(home: Path) -> Store:
    """A new, empty replica in ``home``: a copy of one migrated store, given its own device
    id and clock (a copy would otherwise share the template's)."""
    if not _TEMPLATE:
        template = Path(tempfile.mkdtemp()) / "template"
        Store.open(template).close()
        _TEMPLATE.append(template / "workteam.sqlite3")
    home.mkdir(parents=True)
    shutil.copy(_TEMPLATE[0], home / "workteam.sqlite3")
    shutil.copy(_TEMPLATE[0].with_name(home_key.KEY_FILE), home)
    db = dbfile.connect(home / "workteam.sqlite3")
    db.execute("DELETE FROM device")
    db.execute("DELETE FROM clock_state")
    db.commit()
    db.close()
    return Store.open(home)
