"""Household list queries (paging, sorting, search, counts, query plans) and the saves
of the household page (fields, income, rights: validated, logged, all or nothing)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from workteam_desktop.demo import generate
from workteam_desktop.domain import idnumber
from workteam_desktop.domain.problems import DomainError
from workteam_desktop.store import Store
from workteam_desktop.store.household_detail import household_detail
from workteam_desktop.store.household_edit import save_household_edits
from workteam_desktop.store.households import (
    SORT_KEYS,
    HouseholdFilter,
    count_households,
    count_sql,
    first_household_id,
    list_households,
    list_sql,
)
from workteam_desktop.store.income import IncomeEdit, parse_income_field, preview_per_capita
from workteam_desktop.store.places import village_options
from workteam_desktop.store.rights import RightEdit, responsible_names

TODAY = dt.date(2026, 11, 29)


@pytest.fixture
def demo(store: Store) -> Store:
    """A small demo county (60 households, seed 1)."""
    generate(store, households=60, seed=1, today=TODAY)
    return store


def _ids(rows: list[dict]) -> list[str]:
    return [r["id"] for r in rows]


def _changes(store: Store) -> int:
    with store.read() as cur:
        return cur.execute("SELECT count(*) FROM change_log").fetchone()[0]


def _plan(store: Store, sql: str, params: list) -> str:
    with store.read() as cur:
        return " | ".join(r[3] for r in cur.execute("EXPLAIN QUERY PLAN " + sql, params))


# ---------------------------------------------------------------- paging and sorting

@pytest.mark.parametrize("descending", [False, True])
def test_keyset_pages_are_the_offset_pages(demo: Store, descending: bool) -> None:
    everyone = list_households(demo, sort="number", descending=descending, today=TODAY)
    assert len(everyone) == 60
    pages, after = [], None
    while True:
        page = list_households(demo, sort="number", descending=descending, limit=7,
                               after=after, today=TODAY)
        if not page:
            break
        pages += page
        after = (page[-1]["number"], page[-1]["id"])
    assert _ids(pages) == _ids(everyone)
    # A page counted on from an earlier page's last row (the model skips a page so).
    skipped = list_households(demo, descending=descending, limit=7, offset=7,
                              after=(everyone[6]["number"], everyone[6]["id"]), today=TODAY)
    assert _ids(skipped) == _ids(everyone[14:21])


@pytest.mark.parametrize("sort", SORT_KEYS)
@pytest.mark.parametrize("descending", [False, True])
def test_pages_counted_from_the_end_are_the_same_rows(demo: Store, sort: str,
                                                      descending: bool) -> None:
    everyone = list_households(demo, sort=sort, descending=descending, today=TODAY)
    last_page = list_households(demo, sort=sort, descending=descending, limit=7, offset=0,
                                from_end=True, today=TODAY)
    middle = list_households(demo, sort=sort, descending=descending, limit=7, offset=10,
                             from_end=True, today=TODAY)
    assert _ids(last_page) == _ids(everyone[-7:])
    assert _ids(middle) == _ids(everyone[-17:-10])


def test_sorts_order_as_a_cadre_expects(demo: Store) -> None:
    by_number = list_households(demo, today=TODAY)
    assert [r["number"] for r in by_number] == sorted(r["number"] for r in by_number)
    by_income = list_households(demo, sort="income", descending=True, today=TODAY)
    incomes = [r["per_capita_income"] for r in by_income if r["per_capita_income"] is not None]
    assert incomes == sorted(incomes, reverse=True)
    # Households without an income stay at the end whichever way income is sorted.
    assert all(r["per_capita_income"] is None
               for r in by_income[len(incomes):])
    by_name = list_households(demo, sort="head_name", today=TODAY)
    assert [r["head_name"] for r in by_name] == sorted(r["head_name"] for r in by_name)


def test_number_order_walks_the_number_index(demo: Store) -> None:
    sql, params = list_sql(HouseholdFilter(), limit=200, offset=0, today=TODAY)
    plan = _plan(demo, sql, params)
    assert "USING INDEX ix_household_number" in plan
    assert "TEMP B-TREE FOR ORDER BY" not in plan  # no sort of the whole list per page
    sql, params = list_sql(HouseholdFilter(), limit=200, after=("1000010020", "x"),
                           today=TODAY)
    assert "ix_household_number (number>?)" in _plan(demo, sql, params)
    sql, params = list_sql(HouseholdFilter(), limit=200, from_end=True, today=TODAY)
    plan = _plan(demo, sql, params)
    assert "USING INDEX ix_household_number" in plan
    assert "TEMP B-TREE FOR ORDER BY" not in plan


def test_counting_does_not_join_what_the_filter_does_not_need(demo: Store) -> None:
    sql, params = count_sql(HouseholdFilter(), today=TODAY)
    assert "household_facts" not in sql and " area " not in sql
    village = village_options(demo)[0]
    sql, params = count_sql(HouseholdFilter(village_code=village.code), today=TODAY)
    assert "ix_household_village_id" in _plan(demo, sql, params)


# ---------------------------------------------------------------- filters and search

def _filters(store: Store) -> list[HouseholdFilter]:
    village = village_options(store)[0]
    some = list_households(store, today=TODAY)[5]
    return [
        HouseholdFilter(), HouseholdFilter(flag="observation"),
        HouseholdFilter(flag="zero-employment"), HouseholdFilter(flag="overdue"),
        HouseholdFilter(village_code=village.code),
        HouseholdFilter(village_code=village.code, grid_id=village.grids[0].id),
        HouseholdFilter(type="alleviated", monitoring_status="none"),
        HouseholdFilter(search=some["head_name"]), HouseholdFilter(search=some["head_name"][0]),
        HouseholdFilter(search=some["head_name"][-2:]), HouseholdFilter(search="10"),
    ]


def test_counts_agree_with_the_lists(demo: Store) -> None:
    for flt in _filters(demo):
        assert count_households(demo, flt, today=TODAY) == len(
            list_households(demo, flt, today=TODAY)), flt


@pytest.mark.parametrize("length", [1, 2, 3])
def test_short_and_long_searches_find_what_a_cadre_typed(demo: Store, length: int) -> None:
    everyone = list_households(demo, today=TODAY)
    with demo.read() as cur:
        phones = dict(cur.execute("SELECT id, phone FROM household"))
        full_ids = dict(cur.execute("SELECT id, id_number FROM household"))
    for row in everyone[:12]:
        text = row["head_name"][-length:] if length < 3 else full_ids[row["id"]][-4:]
        found = list_households(demo, HouseholdFilter(search=text), today=TODAY)
        expected = [r for r in everyone if text in r["head_name"] or text in r["number"]
                    or (length >= 3 and (text in (full_ids[r["id"]] or "")
                                         or text in phones[r["id"]]))]
        assert _ids(found) == _ids(expected), text


def test_village_filter_and_grid_options(demo: Store) -> None:
    villages = village_options(demo)
    assert {v.level for v in villages} == {"village", "community"}
    assert all(v.grids for v in villages)
    with demo.read() as cur:
        area_code = dict(cur.execute("SELECT id, code FROM area"))
        village_of = dict(cur.execute("SELECT id, village_id FROM household"))
        grid_of = dict(cur.execute("SELECT id, grid_id FROM household"))
    for village in villages:
        rows = list_households(demo, HouseholdFilter(village_code=village.code), today=TODAY)
        assert rows and all(area_code[village_of[r["id"]]] == village.code for r in rows)
        grid = village.grids[-1]
        in_grid = list_households(demo, HouseholdFilter(village_code=village.code,
                                                        grid_id=grid.id), today=TODAY)
        assert all(grid_of[r["id"]] == grid.id for r in in_grid)
        assert all(r["grid_name"] == grid.name for r in in_grid)


def test_first_household_is_the_first_by_number(demo: Store) -> None:
    assert first_household_id(demo) == list_households(demo, limit=1)[0]["id"]


def test_first_household_of_an_empty_store_is_none(tmp_path) -> None:
    with Store.open(tmp_path / "empty") as empty:
        assert first_household_id(empty) is None


# ---------------------------------------------------------------- income

def test_income_fields_are_parsed_with_messages_next_to_them() -> None:
    assert parse_income_field("wage", "12,345.5 元") == 12345.5
    assert parse_income_field("costs", "") == 0.0
    assert parse_income_field("members", "") is None
    with pytest.raises(DomainError) as bad:
        parse_income_field("wage", "一万")
    assert bad.value.message() == "“一万”不是有效金额，请填写数字"
    with pytest.raises(DomainError) as negative:
        parse_income_field("operating", "-5")
    assert negative.value.message() == "经营净收入不能为负数"
    with pytest.raises(DomainError) as zero:
        parse_income_field("members", "0")
    assert zero.value.message() == "家庭人口至少为1人"


def test_per_capita_preview_matches_the_rule() -> None:
    texts = {"wage": "20,000", "operating": "5000", "property": "", "transfer": "1000",
             "costs": "2000", "members": ""}
    assert preview_per_capita(texts, 3) == 8000.0
    assert preview_per_capita({**texts, "members": "4"}, 3) == 6000.0
    assert preview_per_capita({**texts, "wage": "两万"}, 3) is None
    assert preview_per_capita(texts, 0) is None


# ---------------------------------------------------------------- saving the page

def _relocated(store: Store) -> dict:
    row = next(r for r in list_households(store, today=TODAY) if r["relocated"])
    return household_detail(store, row["id"], full_id=True, today=TODAY)


def test_a_bad_value_writes_nothing(demo: Store) -> None:
    target = _relocated(demo)
    before = _changes(demo)
    good = target["id_number"]
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(DomainError) as wrong:
        save_household_edits(demo, target["id"], {"phone": "13912345678", "id_number": bad},
                             IncomeEdit(2025, {"wage": "1"}),
                             [RightEdit("vote", "secured", "李喆")])
    assert wrong.value.message() == f"身份证号第18位校验码应为{idnumber.check_char(good[:17])}"
    with pytest.raises(DomainError):
        save_household_edits(demo, target["id"], {"phone": "13912345678"},
                             IncomeEdit(2025, {"wage": "很多"}))
    assert _changes(demo) == before
    after = household_detail(demo, target["id"], full_id=True, today=TODAY)
    assert after["phone"] == target["phone"] and after["id_number"] == good


def test_fields_income_and_rights_are_saved_together_and_logged(demo: Store) -> None:
    target = _relocated(demo)
    year = target["income"][-1]["year"]
    dangling = next((r for r in target["rights"] if r["missing"] or r["unassigned"]),
                    target["rights"][0])
    saved = save_household_edits(
        demo, target["number"], {"phone": "13912345678", "note": "已核实"},
        IncomeEdit(year, {"wage": "100", "operating": "0", "property": "0", "transfer": "0",
                          "costs": "0", "members": "2"}),
        [RightEdit(dangling["right"], "in_progress", "李喆", "正在办理")], user="测试员")
    assert saved.household_id == target["id"]
    assert saved.fields == {"phone": "13912345678", "note": "已核实"}
    assert saved.income and saved.rights == 1
    assert saved.entities == {"household", "income", "rights_item"}
    after = household_detail(demo, target["id"], today=TODAY)
    assert after["phone"] == "13912345678" and after["note"] == "已核实"
    # The facts follow the income in the same transaction: 50 yuan a head is observed.
    assert after["per_capita_income"] == 50.0
    assert "observation" in after["flags"] or after["monitoring_status"] == "monitored"
    right = next(r for r in after["rights"] if r["right"] == dangling["right"])
    assert (right["status"], right["responsible"], right["note"]) == (
        "in_progress", "李喆", "正在办理")
    assert not right["unassigned"] and not right["missing"]
    with demo.read() as cur:
        logged = {r[0]: json.loads(r[1]) for r in cur.execute(
            "SELECT entity, fields FROM change_log WHERE user = '测试员'")}
    assert logged["household"] == {"phone": "13912345678", "note": "已核实"}
    assert logged["income"]["wage"] == 100.0 and logged["income"]["members"] == 2
    assert logged["rights_item"]["responsible"] == "李喆"


def test_a_missing_income_year_and_a_missing_right_are_created(demo: Store) -> None:
    target = _relocated(demo)
    with demo.write() as w:  # a right gone missing from the ledger (悬空, 漏项)
        row = w.cursor.execute("SELECT id FROM rights_item WHERE household_id = ? "
                               "AND right = 'new_housing'", (target["id"],)).fetchone()
        w.delete("rights_item", row[0])
    ledger = household_detail(demo, target["id"], today=TODAY)["rights"]
    assert next(r for r in ledger if r["right"] == "new_housing")["missing"]
    save_household_edits(demo, target["id"], income=IncomeEdit(2026, {"wage": "30000"}),
                         rights=[RightEdit("new_housing", "secured", "王书记")])
    after = household_detail(demo, target["id"], today=TODAY)
    assert [i["year"] for i in after["income"]][-1] == 2026
    assert after["income"][-1]["wage"] == 30000.0
    item = next(r for r in after["rights"] if r["right"] == "new_housing")
    assert not item["missing"] and item["side"] == "destination"
    assert item["responsible"] == "王书记"


def test_nothing_changed_logs_nothing(demo: Store) -> None:
    target = _relocated(demo)
    before = _changes(demo)
    saved = save_household_edits(demo, target["id"], {"phone": target["phone"]})
    assert saved.fields == {} and saved.entities == set()
    assert _changes(demo) == before


def test_responsible_names_offer_cadres_and_people_in_charge(demo: Store) -> None:
    names = responsible_names(demo)
    with demo.read() as cur:
        cadres = {r[0] for r in cur.execute("SELECT name FROM cadre")}
        named = {r[0] for r in cur.execute(
            "SELECT responsible FROM rights_item WHERE responsible != ''")}
    assert set(names) == cadres | named
    assert len(names) == len(set(names))

