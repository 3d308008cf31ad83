"""The whole content of a store, for tests that must prove a refused or cancelled operation
left it untouched."""

from __future__ import annotations

from pathlib import Path

import dbfile
from workteam_desktop.store.home import store_path


def dump(home: Path) -> dict[str, list[tuple]]:
    """Every row of every table, in order."""
    con = dbfile.connect(store_path(home))
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: con.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in tables}
    finally:
        con.close()


def snapshot_content(home: Path) -> dict[str, list[tuple]]:
    """Every row of every table a snapshot fills: all but the home's own (its device,
    clock, sync state and schema version: ``snapshot_store.HOME_TABLES``)."""
    from workteam_desktop.store.snapshot_store import HOME_TABLES

    return {t: rows for t, rows in dump(home).items() if t not in HOME_TABLES}


def table_names(db_file: Path) -> list[str]:
    """The tables of an SQLite file (a store or a backup), by name."""
    con = dbfile.connect(db_file)
    try:
        return [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    finally:
        con.close()


def dump_file(db_file: Path) -> dict[str, list[tuple]]:
    """Every row of every table of an SQLite file, in a stable order (rows sorted whole, so
    two files compare equal whatever order their rows were written in)."""
    con = dbfile.connect(db_file)
    try:
        return {t: sorted(con.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)
                for t in table_names(db_file)}
    finally:
        con.close()


def schema(home: Path) -> set[tuple[str, str, str]]:
    """Every table, index and trigger of a store, with its SQL."""
    con = dbfile.connect(store_path(home))
    try:
        return {tuple(r) for r in con.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL")}
    finally:
        con.close()
