"""Observation thresholds per year and region: edits go through the write path and
recompute every household's 观测对象 flag."""

from __future__ import annotations

import datetime as dt

import pytest

from workteam_desktop.store import Store
from workteam_desktop.store.thresholds import (
    ThresholdError,
    delete_threshold,
    list_thresholds,
    save_threshold,
    threshold_areas,
)


@pytest.fixture
def store(demo_copy):
    with Store.open(demo_copy(200, 3, dt.date(2026, 11, 29))) as s:
        yield s


def observation(store: Store, village_id: str | None = None) -> int:
    with store.read() as cur:
        sql = ("SELECT count(*) FROM household_facts f JOIN household h ON h.id = f.household_id "
               "WHERE f.observation = 1 AND h.deleted = 0")
        if village_id:
            return cur.execute(sql + " AND h.village_id = ?", (village_id,)).fetchone()[0]
        return cur.execute(sql).fetchone()[0]


def income_year(store: Store) -> int:
    with store.read() as cur:
        return cur.execute("SELECT max(year) FROM income WHERE deleted = 0").fetchone()[0]


def test_a_higher_county_threshold_flags_more_households_and_syncs(store: Store) -> None:
    year = income_year(store)
    rows = list_thresholds(store)
    # The demo county sets the last two years for the county itself.
    assert [(r.year, r.area_level, r.amount) for r in rows] == [
        (year, "county", 8800.0), (year - 1, "county", 8500.0)]
    county_row = rows[0]
    before = observation(store)
    seen: list[tuple[int, int]] = []
    save_threshold(store, year, county_row.area_id, 20000, threshold_id=county_row.id,
                   progress=lambda d, t: seen.append((d, t)))
    raised = observation(store)
    assert raised > before
    with store.read() as cur:
        total = cur.execute("SELECT count(*) FROM household").fetchone()[0]
        logged = cur.execute("SELECT count(*) FROM change_log WHERE entity = "
                             "'observation_threshold' AND row_id = ?", (county_row.id,)).fetchone()[0]
    assert seen[-1] == (total, total) and logged == 2  # made by the demo, changed here
    # A default for every region is less specific than the county's own row: no change.
    default_id = save_threshold(store, year, None, 1000)
    assert observation(store) == raised
    assert next((r.area_id, r.area_name) for r in list_thresholds(store) if r.year == year) == \
        (None, "")
    # Without the county's row the low default applies; back to 8,800 gives the first count.
    delete_threshold(store, county_row.id)
    assert observation(store) < before
    delete_threshold(store, default_id)
    save_threshold(store, year, county_row.area_id, 8800)
    assert observation(store) == before


def test_a_village_threshold_only_moves_that_village(store: Store) -> None:
    year = income_year(store)
    villages = [a for a in threshold_areas(store) if a.level in ("village", "community")]
    assert villages and any(a.level == "county" for a in threshold_areas(store))
    village = villages[0]
    others_before = observation(store) - observation(store, village.id)
    save_threshold(store, year, village.id, 50000)
    with store.read() as cur:
        in_village = cur.execute(
            "SELECT count(*) FROM household_facts f JOIN household h ON h.id = f.household_id "
            "WHERE h.village_id = ? AND f.per_capita_income < 50000 "
            "AND h.monitoring_status != 'monitored'", (village.id,)).fetchone()[0]
    assert observation(store, village.id) == in_village > 0
    assert observation(store) - observation(store, village.id) == others_before
    assert village.name in [r.area_name for r in list_thresholds(store)]


def test_bad_thresholds_are_refused_and_nothing_changes(store: Store) -> None:
    year = income_year(store)
    save_threshold(store, year, None, 9000)
    county = next(a for a in threshold_areas(store) if a.level == "county")
    with store.read() as cur:
        changes = cur.execute("SELECT count(*) FROM change_log").fetchone()[0]
    for args, message in (((year, None, 9500), "已有标准"), ((year, county.id, 1), "已有标准"),
                          ((1899, None, 9000), "年度"),
                          ((year, None, 0), "大于0"), ((year, None, float("nan")), "大于0"),
                          ((year, "no-such-area", 9000), "找不到")):
        with pytest.raises(ThresholdError, match=message):
            save_threshold(store, *args)
    with store.read() as cur:
        assert cur.execute("SELECT count(*) FROM change_log").fetchone()[0] == changes
    assert len(list_thresholds(store)) == 3


def test_a_cancelled_recompute_leaves_everything_as_it_was(store: Store) -> None:
    year = income_year(store)
    before = observation(store)

    class Cancelled(Exception):
        pass

    def cancel(done: int, total: int) -> None:
        raise Cancelled

    with pytest.raises(Cancelled):
        save_threshold(store, year, None, 30000, progress=cancel)
    assert observation(store) == before
    assert len(list_thresholds(store)) == 2
