"""A snapshot's store file (issue 17): built from the snapshot by the program's own loader,
copied table by table into a new laptop's encrypted store. The copy is the store a line
by line load makes; it refuses, writing nothing, a file of another schema, a store that
has rows, a file without its load result or a damaged one; a copy killed with SIGKILL
half-way leaves the empty store as it was, and copies again."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from test_snapshot_load_kill import VILLAGE, _snapshot

import store_content
from workteam_desktop.store import Store, snapshot_load, snapshot_store, sqlite, sync_state
from workteam_desktop.store.households import HouseholdFilter, list_households
from workteam_desktop.store.models import Household

HOUSEHOLDS = 300


def dump(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    return store_content.snapshot_content(store.home)


def schema(store: Store) -> set[tuple[str, str, str]]:
    return store_content.schema(store.home)


@pytest.fixture
def made(tmp_path: Path) -> tuple[Path, Path]:
    """(snapshot lines, the store file built from them)."""
    lines = tmp_path / "s.ndjson.gz"
    # Clocks a minute ahead of this laptop's: its next edit must still stamp past them.
    _snapshot(lines, HOUSEHOLDS, ms=int(time.time() * 1000) + 60_000)
    target = tmp_path / "s.store.gz"
    info = snapshot_store.build(lines, target)
    assert info["rows"] == HOUSEHOLDS + 1 and info["bytes"] == target.stat().st_size
    return lines, target


def test_a_copied_store_is_the_store_the_lines_make(tmp_path: Path, made: tuple[Path, Path]) -> None:
    lines, packed = made
    with Store.open(tmp_path / "loaded") as loaded:
        by_lines = snapshot_load.load(loaded, lines)
        expected = dump(loaded)
    with Store.open(tmp_path / "copied") as copied:
        assert copied.key is not None  # the laptop's own store is encrypted
        before = schema(copied)
        steps: list[tuple[int, int]] = []
        result = snapshot_store.copy(copied, snapshot_store.unpack(packed),
                                     then=lambda r: {"attachments_not_on_server": "[]"},
                                     progress=lambda done, total: steps.append((done, total)))
        assert result == by_lines and result.position == 77
        assert dump(copied) == expected  # rows, clocks, field sets, facts, search index
        assert schema(copied) == before  # the insert guards and search triggers are back
        assert steps[-1][0] == steps[-1][1] > 0
        assert sync_state.cursor(copied) == 77
        with copied.read() as cur:
            assert cur.execute("PRAGMA foreign_keys").fetchone()[0] == 1  # as every connection
            assert cur.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert cur.execute("PRAGMA foreign_key_check").fetchall() == []
            [top] = cur.execute("SELECT max(top) FROM row_clock").fetchone()
        # The search index came with the rows, and a local edit stamps past every loaded
        # clock (so it wins over the value it replaces everywhere).
        found = list_households(copied, HouseholdFilter(search="户主123"))
        assert [h["head_name"] for h in found] == ["户主123"]
        with copied.write() as w:
            w.update(Household, found[0]["id"], {"phone": "13800000000"})
            [stamp] = w.cursor.execute("SELECT hlc FROM change_log").fetchone()
        assert stamp > top


def _refused(store: Store, file: Path, message: str) -> None:
    before, rows, cursor = schema(store), dump(store), sync_state.cursor(store)
    with pytest.raises(snapshot_load.SnapshotError, match=message):
        snapshot_store.copy(store, file)
    assert schema(store) == before and dump(store) == rows
    assert sync_state.cursor(store) == cursor


@pytest.mark.parametrize("change, message", [
    ("UPDATE alembic_version SET version_num = '0009'", "格式"),
    ("ALTER TABLE household ADD COLUMN shoe_size INTEGER", "表结构.*household"),
    ("CREATE INDEX ix_extra ON member (name)", "表结构.*ix_extra"),
    ("DELETE FROM sync_state WHERE key = 'snapshot_load'", "载入结果"),
])
def test_a_file_of_another_schema_or_without_its_result_is_refused(
        tmp_path: Path, made: tuple[Path, Path], change: str, message: str) -> None:
    file = snapshot_store.unpack(made[1])
    conn = sqlite.connect(file, None)
    conn.execute(change)
    conn.commit()
    conn.close()
    with Store.open(tmp_path / "laptop") as store:
        _refused(store, file, message)


def test_a_store_with_rows_is_not_copied_into(tmp_path: Path, made: tuple[Path, Path]) -> None:
    with Store.open(tmp_path / "laptop") as store:
        snapshot_load.load(store, made[0])  # loaded once already
        _refused(store, snapshot_store.unpack(made[1]), "本机已有数据")


def test_a_damaged_file_is_refused(tmp_path: Path, made: tuple[Path, Path]) -> None:
    cut = tmp_path / "cut.gz"
    cut.write_bytes(made[1].read_bytes()[:5000])
    with pytest.raises(snapshot_load.SnapshotError, match="已损坏"):
        snapshot_store.unpack(cut)
    assert not cut.with_suffix(".sqlite3").exists()
    # Bytes that unpack but are not a database: refused, nothing written.
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database " * 1000)
    with Store.open(tmp_path / "laptop") as store:
        _refused(store, junk, "无法使用")


_COPY = """
import os, signal, sys
from pathlib import Path
from workteam_desktop.store import Store, snapshot_store
def progress(done, total):
    if done == int(sys.argv[3]):
        os.kill(os.getpid(), signal.SIGKILL)
with Store.open(Path(sys.argv[1])) as store:
    snapshot_store.copy(store, Path(sys.argv[2]), progress=progress)
"""


def test_a_copy_killed_half_way_leaves_the_empty_store_that_copies_again(
        tmp_path: Path, made: tuple[Path, Path]) -> None:
    file = snapshot_store.unpack(made[1])
    home = tmp_path / "laptop"
    with Store.open(home) as store:
        before, empty = schema(store), dump(store)
    # Killed after the first tables were written (the household rows among them), inside
    # the copy's transaction.
    done = subprocess.run([sys.executable, "-c", _COPY, str(home), str(file), "3"], check=False)
    assert done.returncode == -9
    with Store.open(home) as store:
        assert schema(store) == before and dump(store) == empty
        result = snapshot_store.copy(store, file)
        assert result.rows == HOUSEHOLDS + 1
        with store.read() as cur:
            assert cur.execute("SELECT count(*) FROM household").fetchone()[0] == HOUSEHOLDS
            assert cur.execute("SELECT count(*) FROM area WHERE id = ?",
                               (VILLAGE,)).fetchone()[0] == 1

