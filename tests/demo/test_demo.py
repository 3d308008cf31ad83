"""The demo county generator: deterministic, realistic, fully logged, cancellable."""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from workteam_desktop.demo import DemoCancelled, generate, generator, producer
from workteam_desktop.demo.names import RARE_CHARACTERS, Namer
from workteam_desktop.demo.places import COMMUNITY_SIZES, VILLAGE_SIZES, plan_county
from workteam_desktop.domain import idnumber, phone
from workteam_desktop.domain.catalogues import DELIVERY_CATEGORIES
from workteam_desktop.store import Store
from workteam_desktop.store.models import SYNCED_MODELS

TODAY = dt.date(2025, 6, 15)


def query(store: Store, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Rows of a read-only SQL query on the store."""
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(sql, params).fetchall()]


def scalar(store: Store, sql: str, *params: Any) -> Any:
    """The single value of a query."""
    return query(store, sql, *params)[0][0]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, dict[str, int]]]:
    """The default demo (600 households, seed 1), made once for the realism tests."""
    store = Store.open(tmp_path_factory.mktemp("demo600"))
    counts = generate(store, 600, seed=1, today=TODAY)
    yield store, counts
    store.close()


def fingerprint(home: Path, households: int, seed: int) -> list[tuple[Any, ...]]:
    """Household numbers, head names, ID numbers and member counts of a fresh demo."""
    with Store.open(home) as store:
        generate(store, households, seed=seed, today=TODAY)
        return query(store, """
            SELECT h.number, h.head_name, h.id_number, h.id,
                   (SELECT count(*) FROM member m WHERE m.household_id = h.id),
                   (SELECT group_concat(m.id_number) FROM member m
                    WHERE m.household_id = h.id)
            FROM household h ORDER BY h.number""")


def test_same_seed_same_county_other_seed_other_county(tmp_path: Path) -> None:
    first = fingerprint(tmp_path / "a", 150, seed=7)
    again = fingerprint(tmp_path / "b", 150, seed=7)
    other = fingerprint(tmp_path / "c", 150, seed=8)
    assert len(first) == 150
    assert first == again
    assert [r[:3] for r in first] != [r[:3] for r in other]


def test_helper_process_makes_the_same_county(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    in_process = fingerprint(tmp_path / "a", 120, seed=5)
    monkeypatch.setattr(generator, "PARALLEL_FROM", 1)
    helped = fingerprint(tmp_path / "b", 120, seed=5)
    assert helped == in_process


def test_a_helper_that_cannot_run_is_done_without(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    in_process = fingerprint(tmp_path / "a", 60, seed=5)
    monkeypatch.setattr(generator, "PARALLEL_FROM", 1)
    monkeypatch.setattr(producer.sys, "executable", "/bin/false")  # exits, says nothing
    assert fingerprint(tmp_path / "b", 60, seed=5) == in_process
    monkeypatch.setattr(producer.sys, "executable", str(tmp_path / "no-such-python"))
    assert fingerprint(tmp_path / "c", 60, seed=5) == in_process


def test_no_households_is_an_error(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store, pytest.raises(ValueError):
        generate(store, 0, today=TODAY)


def test_default_demo_has_two_villages_and_a_community(demo: tuple[Store, dict]) -> None:
    store, counts = demo
    levels = Counter(level for (level,) in query(store, "SELECT level FROM area"))
    assert levels["county"] == 1 and levels["township"] == 1
    assert levels["village"] == 2 and levels["community"] == 1
    assert 6 <= levels["grid"] <= 18
    assert scalar(store, "SELECT count(*) FROM household") == 600
    assert counts["household"] == 600
    codes = [c for (c,) in query(store, "SELECT code FROM area WHERE level != 'grid'")]
    assert all(re.fullmatch(r"140215\d{6}", c) for c in codes)
    for (code, name) in query(store, "SELECT code, name FROM area WHERE level = 'community'"):
        assert code[9] == "0" and name.endswith("安置社区")
    for (code,) in query(store, "SELECT code FROM area WHERE level = 'village'"):
        assert code[9] == "2"


def test_counts_returned_match_the_tables(demo: tuple[Store, dict]) -> None:
    store, counts = demo
    for entity, count in counts.items():
        assert scalar(store, f'SELECT count(*) FROM "{entity}"') == count, entity


def test_id_numbers_are_valid_unique_and_fit_the_member(demo: tuple[Store, dict]) -> None:
    store, _ = demo
    members = query(store, "SELECT id_number, birth_date, sex, relation, household_id "
                           "FROM member")
    numbers = [m[0] for m in members]
    assert all(idnumber.is_valid(n, TODAY) for n in numbers)
    assert len(set(numbers)) == len(numbers)
    for number, birth, sex, _, _ in members:
        assert number.startswith("140215")
        assert idnumber.birth_date(number).isoformat() == birth
        assert idnumber.sex(number) == sex
    heads = {hid: number for number, _, _, relation, hid in members if relation == "head"}
    households = query(store, "SELECT id, id_number, number, phone FROM household")
    assert len(heads) == len(households)
    for hid, number, _, tel in households:
        assert idnumber.is_valid(number, TODAY)
        assert heads[hid] == number
        assert phone.problem(tel) is None
    assert len({h[2] for h in households}) == len(households)
    assert any(h[3] == "" for h in households) and any(h[3] for h in households)


def test_members_look_like_families(demo: tuple[Store, dict]) -> None:
    store, _ = demo
    sizes = [n for (n,) in query(store, "SELECT count(*) FROM member GROUP BY household_id")]
    assert min(sizes) >= 1 and max(sizes) <= 6
    assert 2.6 <= sum(sizes) / len(sizes) <= 3.4
    sexes = dict(query(store, "SELECT relation, group_concat(DISTINCT sex) FROM member "
                              "WHERE relation IN ('son', 'daughter', 'father', 'mother') "
                              "GROUP BY relation"))
    assert sexes == {"son": "male", "daughter": "female", "father": "male", "mother": "female"}
    # A child is younger than the head, a parent older.
    wrong = scalar(store, """
        SELECT count(*) FROM member m JOIN member h
          ON h.household_id = m.household_id AND h.relation = 'head'
        WHERE (m.relation IN ('son', 'daughter', 'grandson', 'granddaughter')
               AND m.birth_date <= h.birth_date)
           OR (m.relation IN ('father', 'mother') AND m.birth_date >= h.birth_date)""")
    assert wrong == 0
    assert scalar(store, "SELECT count(*) FROM member WHERE birth_date > ?",
                  TODAY.isoformat()) == 0
    assert scalar(store, "SELECT count(*) FROM member WHERE employment_stable = 1") > 0
    assert scalar(store, "SELECT count(*) FROM member WHERE certificates != ''") > 0


def test_names_include_the_rare_characters(demo: tuple[Store, dict]) -> None:
    store, _ = demo
    names = "".join(n for (n,) in query(store, "SELECT name FROM member UNION ALL "
                                              "SELECT name FROM cadre"))
    for char in "堃喆镕":
        assert char in names
    assert len(re.findall(f"[{RARE_CHARACTERS}]", names)) > 10


def test_rare_characters_in_two_to_three_percent_of_names() -> None:
    rng = random.Random(3)
    namer = Namer()
    names = [namer.full(rng, rng.random() < 0.5, rng.randint(1940, 2020)) for _ in range(20000)]
    share = sum(1 for n in names if re.search(f"[{RARE_CHARACTERS}]", n)) / len(names)
    assert 0.02 <= share <= 0.03


def test_household_rules_have_cases(demo: tuple[Store, dict]) -> None:
    store, _ = demo
    facts = query(store, "SELECT observation, zero_employment, per_capita_income, "
                         "income_year FROM household_facts")
    assert len(facts) == 600
    assert any(f[0] for f in facts) and any(f[1] for f in facts)
    assert {f[3] for f in facts} == {TODAY.year - 1}
    incomes = [f[2] for f in facts]
    assert 11000 <= sum(incomes) / len(incomes) <= 13500
    below = sum(1 for x in incomes if x < 8800) / len(incomes)
    assert 0.05 <= below <= 0.15
    cutoff = (TODAY - dt.timedelta(days=92)).isoformat()
    overdue = scalar(store, "SELECT count(*) FROM household WHERE form_updated_on < ?", cutoff)
    assert 20 <= overdue <= 120
    relocated_zero = scalar(store, """
        SELECT avg(f.zero_employment) FROM household_facts f
        JOIN household h ON h.id = f.household_id WHERE h.relocated = 1""")
    assert 0.0 < relocated_zero <= 0.12
    assert scalar(store, "SELECT count(*) FROM observation_threshold") == 2


def test_monitoring_has_history(demo: tuple[Store, dict]) -> None:
    store, _ = demo
    statuses = dict(query(store, "SELECT monitoring_status, count(*) FROM household "
                                 "GROUP BY monitoring_status"))
    assert statuses.get("monitored", 0) > 0 and statuses.get("removed", 0) > 0
    missing = scalar(store, """
        SELECT count(*) FROM household h WHERE h.monitoring_status IN ('monitored', 'removed')
        AND NOT EXISTS (SELECT 1 FROM monitoring_event e WHERE e.household_id = h.id
                        AND e.status = 'monitored')""")
    assert missing == 0
    removed_events = scalar(store, "SELECT count(*) FROM monitoring_event "
                                   "WHERE status = 'removed'")
    assert removed_events == statuses["removed"]
    assert scalar(store, "SELECT count(*) FROM household WHERE monitoring_status = 'removed' "
                         "AND (risk_removed_on IS NULL OR risk_removed_reason = '')") == 0


def test_every_relocated_household_has_25_rights(demo: tuple[Store, dict]) -> None:
    store, _ = demo
    per_household = query(store, """
        SELECT h.id, count(r.id), h.resettlement_site, h.origin_village, h.relocation_year
        FROM household h LEFT JOIN rights_item r ON r.household_id = h.id
        WHERE h.relocated = 1 GROUP BY h.id""")
    assert per_household
    for _, rights, site, origin, year in per_household:
        assert rights == 25
        assert site.endswith("安置社区") and origin.endswith("村") and 2017 <= year <= 2020
    sides = dict(query(store, "SELECT side, count(DISTINCT \"right\") FROM rights_item "
                              "GROUP BY side"))
    assert sides == {"origin": 8, "destination": 17}
    statuses = dict(query(store, "SELECT coalesce(status, '-'), count(*) FROM rights_item "
                                 "GROUP BY status"))
    assert statuses["secured"] > 0.85 * sum(statuses.values())
    assert statuses.get("problem", 0) > 0 and statuses.get("-", 0) > 0
    assert scalar(store, "SELECT count(*) FROM rights_item WHERE status IS NULL "
                         "AND responsible != ''") == 0
    assert scalar(store, "SELECT count(*) FROM household WHERE relocated = 0 AND id IN "
                         "(SELECT household_id FROM rights_item)") == 0


def test_work_records(demo: tuple[Store, dict]) -> None:
    store, _ = demo
    categories = {c for (c,) in query(store, "SELECT DISTINCT category FROM delivery_action")}
    assert categories == set(DELIVERY_CATEGORIES.codes())
    urgent = dict(query(store, "SELECT status, count(*) FROM urgent_need GROUP BY status"))
    assert urgent.get("resolved", 0) > 0
    assert urgent.get("open", 0) + urgent.get("in_progress", 0) > 0
    assert scalar(store, "SELECT count(*) FROM urgent_need WHERE status = 'resolved' AND "
                         "(resolved_on IS NULL OR resolved_on < raised_on "
                         "OR resolved_on > ?)", TODAY.isoformat()) == 0
    month = TODAY.replace(day=1).isoformat()
    assert scalar(store, "SELECT count(*) FROM visit WHERE visit_date >= ?", month) > 0
    visited = scalar(store, "SELECT count(*) FROM visit_household")
    assert 2.0 <= visited / 600 <= 3.0
    earliest = (TODAY - dt.timedelta(days=365)).isoformat()
    assert scalar(store, "SELECT count(*) FROM visit WHERE visit_date < ? OR visit_date > ?",
                  earliest, TODAY.isoformat()) == 0
    assert scalar(store, "SELECT count(*) FROM visit v WHERE NOT EXISTS "
                         "(SELECT 1 FROM visit_cadre c WHERE c.visit_id = v.id)") == 0
    roles = query(store, "SELECT team_id, sum(role = 'first_secretary'), sum(role = 'leader'), "
                         "count(*) FROM cadre GROUP BY team_id")
    assert len(roles) == 3
    assert all(r[1] == 1 and r[2] == 1 and 3 <= r[3] <= 5 for r in roles)
    per_team = query(store, "SELECT count(*) FROM training GROUP BY team_id")
    assert all(n == 12 for (n,) in per_team)
    beneficiaries = query(store, "SELECT count(*) FROM delivery_beneficiary GROUP BY action_id")
    assert all(3 <= n <= 20 for (n,) in beneficiaries)
    assert scalar(store, "SELECT count(*) FROM assistance_record") > 200


def test_every_row_is_in_the_change_log(demo: tuple[Store, dict]) -> None:
    store, _ = demo
    for model in SYNCED_MODELS:
        table = model.__tablename__
        rows = scalar(store, f'SELECT count(*) FROM "{table}"')
        logged = scalar(store, "SELECT count(DISTINCT row_id) FROM change_log "
                               "WHERE entity = ?", table)
        assert rows == logged, table


@pytest.mark.parametrize("helper", [False, True], ids=["in-process", "helper-process"])
def test_cancel_rolls_everything_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      helper: bool) -> None:
    if helper:
        monkeypatch.setattr(generator, "PARALLEL_FROM", 1)
    calls: list[tuple[int, int]] = []
    with Store.open(tmp_path) as store:
        with pytest.raises(DemoCancelled):
            generate(store, 150, seed=1, today=TODAY,
                     progress=lambda done, total: calls.append((done, total)),
                     cancelled=lambda: len(calls) >= 1)
        assert calls == [(0, 150)]
        assert scalar(store, "SELECT count(*) FROM household") == 0
        assert scalar(store, "SELECT count(*) FROM area") == 0
        assert scalar(store, "SELECT count(*) FROM change_log") == 0


def test_progress_reaches_the_total(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    with Store.open(tmp_path) as store:
        generate(store, 40, seed=2, today=TODAY,
                 progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, 40) and calls[-1] == (40, 40)


def test_large_county_layout() -> None:
    county = plan_county(200_000, random.Random(1))
    villages = county.villages
    assert sum(v.households for v in villages) == 200_000
    assert all(VILLAGE_SIZES[0] <= v.households <= 2000 for v in villages
               if not v.is_community)
    assert all(COMMUNITY_SIZES[0] <= v.households <= 2000 for v in villages if v.is_community)
    communities = sum(v.is_community for v in villages) / len(villages)
    assert 0.25 <= communities <= 0.42
    assert all(15 <= len(t.villages) <= 25 for t in county.townships)
    codes = [v.code for v in villages] + [t.code for t in county.townships]
    assert len(set(codes)) == len(codes)
    assert len({v.name for v in villages}) == len(villages)
    grids = [g.code for v in villages for g in v.grids]
    assert len(set(grids)) == len(grids)
    assert all(2 <= len(v.grids) <= 6 for v in villages)
