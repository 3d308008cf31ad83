"""An area is the same row everywhere: laptops set up offline, the server's init and a
supervisor importing them all hold one row per administrative code."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workteam_desktop.domain import divisions as dv
from workteam_desktop.domain.areas import AreaRecord, area_id, full_code, reference_change
from workteam_desktop.domain.team_setup import plan_setup
from workteam_desktop.store import Store
from workteam_desktop.store.changes import all_changes, apply
from workteam_desktop.store.setup import set_up_home
from workteam_server.admin import county_records

COUNTY = "140226"  # 左云县: two townships share village names (曹家沟村, 刘家窑村)
VILLAGES = [v.code for v in dv.shipped().county_villages(COUNTY)]


def test_an_area_id_comes_from_its_code_alone() -> None:
    assert area_id("140226") == area_id("140226000000") == area_id(" 140226000000 ")
    assert area_id("140226102208") != area_id("140226101208")
    assert full_code("140226102") == "140226102000"
    assert full_code("140226102208G01") == "140226102208G01"  # a grid keeps its code
    village = AreaRecord("140226102208", "曹家沟村", "village", "140226102000")
    assert village.fields()["parent_id"] == area_id("140226102")


def test_the_same_record_makes_the_same_change_and_a_newer_edition_wins() -> None:
    record = AreaRecord("140226102208", "曹家沟村", "village", "140226102000")
    assert reference_change(record, "2023") == reference_change(record, "2023")
    renamed = AreaRecord("140226102208", "曹家沟新村", "village", "140226102000")
    assert reference_change(renamed, "2023").id != reference_change(record, "2023").id
    # Same row, and the 2024 edition's clock is above the 2023 one's, below any person's.
    newer = reference_change(renamed, "2024")
    assert newer.row_id == record.id and newer.hlc > reference_change(record, "2023").hlc
    assert newer.hlc < "0001"  # wall time 0: every real edit is later


def _areas(store: Store) -> list[tuple[str, str, str, str, str | None]]:
    with store.read() as cur:
        return sorted(tuple(r) for r in cur.execute(
            "SELECT id, code, name, level, parent_id FROM area WHERE deleted = 0"))


def _laptop(root: Path, name: str, villages: list[str], team: str) -> Store:
    store = Store.open(root / name)
    set_up_home(store, plan_setup(COUNTY, villages, team))
    return store


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(VILLAGES), min_size=1, max_size=6),
       st.lists(st.sampled_from(VILLAGES), min_size=1, max_size=6),
       st.randoms(use_true_random=False))
def test_joining_laptops_set_up_offline_and_the_server_never_duplicates_a_village(
        a_villages: list[str], b_villages: list[str], rng: random.Random) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        a = _laptop(root, "a", a_villages, "甲队")
        b = _laptop(root, "b", b_villages, "乙队")
        county = dv.shipped().get(COUNTY)
        assert county is not None
        server = [reference_change(r, dv.EDITION) for r in county_records(county, dv.shipped())]
        changes = [c for _, c in all_changes(a)] + [c for _, c in all_changes(b)] + server
        rng.shuffle(changes)
        supervisor = Store.open(root / "supervisor")
        # In any order, twice over (a bundle imported again, a page pulled again).
        apply(supervisor, changes + changes[: len(changes) // 2])
        rows = _areas(supervisor)
        codes = [r[1] for r in rows]
        assert len(codes) == len(set(codes)), "a village got two rows"
        assert all(r[0] == area_id(r[1]) for r in rows)
        assert len(rows) == 1 + len(dv.shipped().townships(COUNTY)) + len(VILLAGES)
        # Every laptop's own areas are the very rows the server and the supervisor hold.
        server_rows = set(rows)
        for laptop in (a, b):
            assert set(_areas(laptop)) <= server_rows
            laptop.close()
        supervisor.close()
