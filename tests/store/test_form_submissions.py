"""Submitting the household form: the submission record and the household's rows, together."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest

from workteam_desktop.demo import generate
from workteam_desktop.domain import idnumber, rules
from workteam_desktop.domain.forms import (
    HOUSEHOLD_SURVEY,
    ITEM_ID,
    FormInvalid,
    latest_form,
    parse_form,
)
from workteam_desktop.domain.problems import DomainError
from workteam_desktop.paths import forms_dir
from workteam_desktop.store import Store
from workteam_desktop.store import form_submissions as fs
from workteam_desktop.store.households import HouseholdFilter, list_households

FORM = latest_form(forms_dir(), HOUSEHOLD_SURVEY)
TODAY = dt.date.today()


@pytest.fixture
def demo(store: Store) -> Store:
    generate(store, households=60, seed=1, today=TODAY)
    return store


def rows(store: Store, sql: str, *params: Any) -> list[dict[str, Any]]:
    with store.read() as cur:
        return [dict(r) for r in cur.execute(sql, params)]


def change_count(store: Store, entity: str | None = None) -> int:
    sql = "SELECT count(*) AS n FROM change_log" + (" WHERE entity = ?" if entity else "")
    return rows(store, sql, *([entity] if entity else []))[0]["n"]


def household_with(store: Store, where: str = "1") -> str:
    """A household with at least three members matching ``where`` (SQL on h)."""
    return rows(store, f"""
        SELECT h.id FROM household h WHERE {where} AND
        (SELECT count(*) FROM member m WHERE m.household_id = h.id AND m.deleted = 0) >= 3
        ORDER BY h.number LIMIT 1""")[0]["id"]


def live_members(store: Store, hid: str) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in rows(
        store, "SELECT * FROM member WHERE household_id = ? AND deleted = 0", hid)}


def test_submit_updates_household_members_income_industries_and_records_the_version(
        demo: Store) -> None:
    hid = household_with(demo, "(SELECT count(*) FROM member m WHERE m.household_id = h.id "
                               "AND m.employed = 1 AND m.deleted = 0) >= 2")
    answers = fs.prefill(demo, FORM, hid)
    members = answers["members"]
    removed = members.pop()[ITEM_ID]
    changed = next(m for m in members if m["employed"])
    changed["labour_capacity"] = "none"  # the employment questions disappear
    newcomer_id = idnumber.make("140215", dt.date(2025, 4, 3), 17)
    members.append({"name": "田小宝", "relation": "grandson", "id_number": newcomer_id,
                    "sex": "male", "birth_date": "2025-04-03", "labour_capacity": "none"})
    answers.update(phone="13900001111", wage="20,000", industries=["grains", "fungi"])

    result = fs.submit(demo, FORM, hid, answers, today=TODAY)

    household = rows(demo, "SELECT * FROM household WHERE id = ?", hid)[0]
    assert household["phone"] == "13900001111"
    assert household["form_updated_on"] == TODAY.isoformat()
    now = live_members(demo, hid)
    assert removed not in now
    assert rows(demo, "SELECT deleted FROM member WHERE id = ?", removed)[0]["deleted"] == 1
    assert now[changed[ITEM_ID]]["labour_capacity"] == "none"
    assert now[changed[ITEM_ID]]["employed"] == 0 and now[changed[ITEM_ID]]["employment_stable"] == 0
    newcomer = next(m for m in now.values() if m["id_number"] == newcomer_id)
    assert (newcomer["name"], newcomer["birth_date"], newcomer["relation"]) == (
        "田小宝", "2025-04-03", "grandson")
    income = rows(demo, "SELECT * FROM income WHERE household_id = ? AND year = ? AND deleted = 0",
                  hid, answers["income_year"])
    assert len(income) == 1 and income[0]["wage"] == 20000.0
    industries = rows(demo, "SELECT industry FROM household_industry WHERE household_id = ? "
                            "AND deleted = 0", hid)
    assert sorted(r["industry"] for r in industries) == ["fungi", "grains"]
    (submission,) = rows(demo, "SELECT * FROM form_submission WHERE household_id = ?", hid)
    assert (submission["form_id"], submission["form_version"]) == ("household_survey", 1)
    assert submission["id"] == result.submission_id
    data = json.loads(submission["data"])
    # The record keeps which member row each answer went to, and no hidden answers.
    assert [m[ITEM_ID] for m in data["members"]][-1] == newcomer["id"]
    assert set(m[ITEM_ID] for m in data["members"]) == set(now)
    assert "employed" not in data["members"][members.index(changed)]
    assert (result.members_added, result.members_removed) == (1, 1)
    # The submission is logged for sync like any write.
    assert change_count(demo, "form_submission") == 1


def test_submitting_clears_the_overdue_flag(demo: Store) -> None:
    overdue = list_households(demo, HouseholdFilter(flag=rules.FLAG_OVERDUE), today=TODAY)
    assert overdue, "the demo county has overdue forms"
    hid = overdue[0]["id"]
    fs.submit(demo, FORM, hid, fs.prefill(demo, FORM, hid), today=TODAY)
    still = list_households(demo, HouseholdFilter(flag=rules.FLAG_OVERDUE), today=TODAY)
    assert hid not in {h["id"] for h in still}
    assert len(still) == len(overdue) - 1


def test_prefill_round_trips_and_an_unchanged_form_changes_nothing_else(demo: Store) -> None:
    hid = household_with(demo, "h.relocated = 1")
    first = fs.prefill(demo, FORM, hid)
    assert first["relocated"] is True and first["origin_village"]
    assert all(ITEM_ID in m for m in first["members"])
    before = {e: change_count(demo, e) for e in ("member", "income", "household_industry")}
    fs.submit(demo, FORM, hid, copy.deepcopy(first), today=TODAY)
    assert {e: change_count(demo, e) for e in before} == before
    assert fs.prefill(demo, FORM, hid) == first


def test_a_submission_with_a_bad_id_number_writes_nothing(demo: Store) -> None:
    hid = household_with(demo)
    answers = fs.prefill(demo, FORM, hid)
    good = answers["members"][1]["id_number"]
    wrong = "0" if good[-1] != "0" else "1"
    answers["members"][1]["id_number"] = good[:17] + wrong
    answers["phone"] = "13900001111"
    before = change_count(demo)
    stamp = rows(demo, "SELECT form_updated_on FROM household WHERE id = ?", hid)
    with pytest.raises(FormInvalid) as err:
        fs.submit(demo, FORM, hid, answers, today=TODAY)
    assert {k: p.message() for k, p in err.value.problems.items()} == {
        "members[1].id_number": f"身份证号第18位校验码应为{good[-1]}"}
    assert change_count(demo) == before
    assert rows(demo, "SELECT form_updated_on FROM household WHERE id = ?", hid) == stamp
    assert rows(demo, "SELECT count(*) AS n FROM form_submission")[0]["n"] == 0


def test_members_without_row_ids_are_matched_by_id_number(demo: Store) -> None:
    hid = household_with(demo)
    ids = set(live_members(demo, hid))
    answers = fs.prefill(demo, FORM, hid)
    for m in answers["members"]:
        del m[ITEM_ID]  # e.g. typed in from a paper form
    answers["members"].reverse()
    answers["members"][0]["skills"] = "电焊"
    result = fs.submit(demo, FORM, hid, answers, today=TODAY)
    assert set(live_members(demo, hid)) == ids
    assert (result.members_added, result.members_removed) == (0, 0)
    assert result.members_updated == 1


def test_a_new_income_year_adds_a_row_and_keeps_the_old_one(demo: Store) -> None:
    hid = household_with(demo)
    answers = fs.prefill(demo, FORM, hid)
    old_year = answers["income_year"]
    old = rows(demo, "SELECT * FROM income WHERE household_id = ? AND year = ?", hid, old_year)
    answers.update(income_year=old_year + 1, wage=1000, operating=None, property="0",
                   transfer=500, costs="")
    fs.submit(demo, FORM, hid, answers, today=TODAY)
    assert rows(demo, "SELECT * FROM income WHERE household_id = ? AND year = ?", hid,
                old_year) == old
    (new,) = rows(demo, "SELECT * FROM income WHERE household_id = ? AND year = ?", hid,
                  old_year + 1)
    assert (new["wage"], new["operating"], new["transfer"], new["costs"]) == (1000, 0, 500, 0)
    # The household's facts follow the newest year: (1000 + 500) / members.
    facts = rows(demo, "SELECT * FROM household_facts WHERE household_id = ?", hid)[0]
    assert facts["income_year"] == old_year + 1
    assert facts["per_capita_income"] == pytest.approx(1500 / facts["member_count"], abs=0.01)
    assert facts["observation"] == 1


def test_hidden_answers_reset_their_columns(demo: Store) -> None:
    hid = household_with(demo, "h.relocated = 1")
    answers = fs.prefill(demo, FORM, hid)
    answers["relocated"] = False
    fs.submit(demo, FORM, hid, answers, today=TODAY)
    household = rows(demo, "SELECT * FROM household WHERE id = ?", hid)[0]
    assert (household["relocated"], household["origin_village"], household["resettlement_site"],
            household["relocation_year"]) == (0, "", "", None)
    data = json.loads(rows(demo, "SELECT data FROM form_submission")[0]["data"])
    assert "origin_village" not in data


def test_nobody_in_stable_work_flags_a_relocated_household(demo: Store) -> None:
    hid = household_with(demo, "h.relocated = 1 AND h.id IN (SELECT household_id FROM "
                               "household_facts WHERE zero_employment = 0)")
    answers = fs.prefill(demo, FORM, hid)
    answers["members"][0]["labour_capacity"] = "full"
    for m in answers["members"]:
        m["employment_stable"] = False
    fs.submit(demo, FORM, hid, answers, today=TODAY)
    assert rows(demo, "SELECT zero_employment FROM household_facts WHERE household_id = ?",
                hid)[0]["zero_employment"] == 1


def test_a_household_number_finds_the_household_and_an_unknown_one_is_refused(
        demo: Store) -> None:
    number = rows(demo, "SELECT number FROM household ORDER BY number LIMIT 1")[0]["number"]
    answers = fs.prefill(demo, FORM, number)
    assert fs.submit(demo, FORM, number, answers, today=TODAY).household_id
    with pytest.raises(DomainError, match="找不到农户“nope”"):
        fs.submit(demo, FORM, "nope", answers, today=TODAY)


def test_drafts_are_kept_per_form_and_household(demo: Store) -> None:
    hid = household_with(demo)
    assert fs.draft_key("household_survey", hid) == f"form:household_survey:{hid}"
    assert fs.load_form_draft(demo, FORM.id, hid) is None
    fs.save_form_draft(demo, FORM, hid, {"phone": "139"})
    draft = fs.load_form_draft(demo, FORM.id, hid)
    assert draft is not None
    assert (draft["answers"], draft["form_version"], draft["household_id"]) == (
        {"phone": "139"}, 1, hid)
    opened = fs.open_form(demo, FORM, hid, today=TODAY)
    assert opened is not None and opened.draft == draft
    fs.delete_form_draft(demo, FORM.id, hid)
    assert fs.load_form_draft(demo, FORM.id, hid) is None


def test_open_form_starts_with_the_first_household_by_number(demo: Store, tmp_path) -> None:
    first = rows(demo, "SELECT id, number FROM household ORDER BY number LIMIT 1")[0]
    opened = fs.open_form(demo, FORM, None, today=TODAY)
    assert opened is not None
    assert (opened.household["id"], opened.household["number"]) == (first["id"], first["number"])
    assert opened.last_submitted is None
    fs.submit(demo, FORM, first["id"], opened.answers, today=TODAY)
    again = fs.open_form(demo, FORM, first["number"], today=TODAY)
    assert again is not None and again.last_submitted is not None
    assert again.household["overdue"] is False
    with Store.open(tmp_path / "empty") as empty:
        assert fs.open_form(empty, FORM, None) is None


def test_every_mapping_names_a_column_the_form_may_write() -> None:
    assert fs.mapping_problems(FORM) == []
    bad = parse_form({"id": "f", "version": 1, "title": "表", "sections": [
        {"key": "s", "title": "节", "fields": [
            {"name": "a", "type": "text", "label": "甲", "maps_to": "household.colour"},
            {"name": "b", "type": "date", "label": "乙", "maps_to": "household.form_updated_on"},
        ]}]})
    assert fs.mapping_problems(bad) == ["f v1：household.colour 不是可以填写的列",
                                        "f v1：household.form_updated_on 不是可以填写的列"]
