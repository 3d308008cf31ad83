"""A loaded row's newest clock is kept once (migration 0011): ``row_clock.top`` stays empty
while it is the row's own ``updated_hlc``, a trigger writes it out before that moves, and
the field clocks a local edit names, the clock a rewind goes back to and an upgrade of an
existing store all stay what they were with the clock written twice."""

from __future__ import annotations

import gzip
from pathlib import Path

import orjson
import pytest
from alembic import command

from workteam_desktop.domain.hlc import Timestamp
from workteam_desktop.store import Store, migrate, row_clock, snapshot_load, sqlite
from workteam_desktop.store.models import Household

VILLAGE = "00000000-0000-7000-8000-0000000a0001"
OLD = Timestamp(1_700_000_000_000, 0, "dev-a").encode()
NEW = Timestamp(1_700_000_500_000, 3, "dev-b").encode()
NEWEST = Timestamp(1_700_000_900_000, 0, "dev-c").encode()
HOUSEHOLDS = [f"00000000-0000-7000-8000-{i:012d}" for i in range(6)]


def _snapshot(path: Path) -> None:
    """A village and six households: the first made by one change, the others with their
    head's name set later (two clocks), the last one newest of all."""
    lines: list[dict] = [
        {"snapshot": 1, "position": 9, "scope": "*", "rows": 7, "changes": 0},
        {"e": "area", "id": VILLAGE, "v": {"code": "140215100201", "name": "东村",
                                            "level": "village"},
         "c": dict.fromkeys(("code", "name", "level"), OLD)}]
    for i, row_id in enumerate(HOUSEHOLDS):
        values = {"number": f"{i:04d}", "head_name": f"户主{i}", "village_id": VILLAGE}
        clocks = dict.fromkeys(values, OLD)
        if i:
            clocks["head_name"] = NEWEST if i == 5 else NEW
        lines.append({"e": "household", "id": row_id, "v": values, "c": clocks})
    path.write_bytes(gzip.compress(b"\n".join(orjson.dumps(x) for x in lines) + b"\n"))


def _clocks(store: Store) -> dict[str, dict[str, str]]:
    with store.write() as w:  # the clocks a local edit names as its base (nothing written)
        return {r: w.field_clocks("household", r) for r in HOUSEHOLDS}


def _tops(store: Store) -> dict[str, str]:
    with store.read() as cur:
        return dict(cur.execute("SELECT row_id, top FROM row_clock").fetchall())


@pytest.fixture
def loaded(tmp_path: Path) -> Store:
    snap = tmp_path / "s.ndjson.gz"
    _snapshot(snap)
    store = Store.open(tmp_path / "home")
    snapshot_load.load(store, snap)
    yield store
    store.close()


EXPECTED = {row_id: {"number": OLD, "village_id": OLD,
                     "head_name": OLD if i == 0 else NEWEST if i == 5 else NEW}
            for i, row_id in enumerate(HOUSEHOLDS)}


def test_a_loaded_row_keeps_its_newest_clock_once(loaded: Store) -> None:
    tops = _tops(loaded)
    # Every loaded row's top is its own updated_hlc: not written again; the newest of them
    # in the entry of no row.
    assert {k: v for k, v in tops.items() if k} == dict.fromkeys([VILLAGE, *HOUSEHOLDS], "")
    assert tops[row_clock.NEWEST] == NEWEST
    assert _clocks(loaded) == EXPECTED
    with loaded.read() as cur:
        assert row_clock.loaded_count(cur) == 7
        assert row_clock.newest(cur, None) == NEWEST
        assert row_clock.newest(cur, OLD) == NEWEST


def test_a_local_edit_of_a_loaded_row_names_the_loaded_clocks_and_keeps_them(
        loaded: Store) -> None:
    with loaded.write() as w:
        assert w.update(Household, HOUSEHOLDS[1], {"number": "9999"})
    with loaded.read() as cur:
        [(hlc, base)] = cur.execute("SELECT hlc, base FROM change_log WHERE row_id = ?",
                                    (HOUSEHOLDS[1],)).fetchall()
    assert orjson.loads(base) == {"number": OLD}
    # The trigger wrote the row's old clock out before it moved: the head's name still
    # has the clock it was loaded with, the number the edit's.
    assert _tops(loaded)[HOUSEHOLDS[1]] == NEW
    assert _clocks(loaded)[HOUSEHOLDS[1]] == {"number": hlc, "village_id": OLD, "head_name": NEW}
    # A second edit keeps the written top (the trigger writes only an empty one).
    with loaded.write() as w:
        assert w.update(Household, HOUSEHOLDS[1], {"head_name": "王哲"})
    assert _tops(loaded)[HOUSEHOLDS[1]] == NEW
    assert _clocks(loaded)[HOUSEHOLDS[1]]["village_id"] == OLD
    assert {k: v for k, v in _clocks(loaded).items() if k != HOUSEHOLDS[1]} == {
        k: v for k, v in EXPECTED.items() if k != HOUSEHOLDS[1]}


def test_a_write_that_moves_a_loaded_rows_clock_without_the_log_is_still_refused(
        loaded: Store) -> None:
    db = loaded.engine.raw_connection()
    try:
        with pytest.raises(sqlite.IntegrityError, match="bypassed the change log"):
            db.execute("UPDATE household SET number = 'x', updated_hlc = ? WHERE id = ?",
                       (NEWEST, HOUSEHOLDS[0]))
        db.rollback()
    finally:
        db.close()
    assert _tops(loaded)[HOUSEHOLDS[0]] == ""  # the refused write left it as it was
    assert _clocks(loaded) == EXPECTED


def test_the_upgrade_of_a_store_that_wrote_every_top_keeps_its_clocks(loaded: Store) -> None:
    config = migrate.alembic_config()
    with loaded.engine.begin() as conn:  # back to 0010: every top written out
        config.attributes["connection"] = conn
        command.downgrade(config, "0010")
    tops = _tops(loaded)
    assert row_clock.NEWEST not in tops
    assert tops == {VILLAGE: OLD, **{r: OLD if i == 0 else NEWEST if i == 5 else NEW
                                     for i, r in enumerate(HOUSEHOLDS)}}
    assert _clocks(loaded) == EXPECTED
    with loaded.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    tops = _tops(loaded)
    assert tops[row_clock.NEWEST] == NEWEST
    assert {k: v for k, v in tops.items() if k} == dict.fromkeys([VILLAGE, *HOUSEHOLDS], "")
    assert _clocks(loaded) == EXPECTED
