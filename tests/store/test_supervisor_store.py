"""Supervisor store functions on real stores: overview, quality checks, duplicates and
merges (through the Writer, synced by bundle), assessment and manual scores."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from supervisor_data import copy_household, other_village

from workteam_desktop.demo import generate
from workteam_desktop.domain import assessment as da
from workteam_desktop.store import Store, sync_state
from workteam_desktop.store.assessment import (
    assess_quarter,
    cadre_figures,
    manual_scores,
    quarter_span,
    set_manual_score,
    star_ratings,
    team_indicators,
)
from workteam_desktop.store.duplicates import (
    REASON_HEAD_ID,
    REASON_MEMBER_ID,
    REASON_NAME_VILLAGE,
    compare_pair,
    dismiss_pair,
    find_duplicates,
    merge_history,
    merge_households,
)
from workteam_desktop.store.figures import area_figures
from workteam_desktop.store.quality import quality_checks
from workteam_desktop.store.supervisor import is_supervisor, overview, team_list

TODAY = dt.date(2026, 11, 29)


@pytest.fixture
def county(store: Store) -> Store:
    """A demo county of 120 households (three villages, three teams)."""
    generate(store, households=120, seed=3, today=TODAY)
    return store


def _one(store: Store, sql: str, *params: object) -> tuple:
    with store.read() as cur:
        return tuple(cur.execute(sql, params).fetchone())


def _relocated_household(store: Store) -> str:
    return _one(store, "SELECT id FROM household WHERE relocated = 1 AND deleted = 0 "
                       "AND id_number IS NOT NULL ORDER BY number LIMIT 1")[0]


# ---------------------------------------------------------------- role, overview

def test_supervisor_mode_comes_from_settings_or_the_sync_role(store: Store) -> None:
    assert not is_supervisor(store)
    (store.home / "settings.toml").write_text('role = "supervisor"\n', encoding="utf-8")
    assert is_supervisor(store)
    (store.home / "settings.toml").write_text('role = "member"\n', encoding="utf-8")
    assert not is_supervisor(store)
    sync_state.set_values(store, {sync_state.ROLE: "member"})
    assert not is_supervisor(store)
    sync_state.set_values(store, {sync_state.ROLE: "supervisor"})  # the sync account's role
    assert is_supervisor(store)


def test_overview_rows_per_team_and_village_add_up_to_the_dashboard_figures(county: Store) -> None:
    view = overview(county, TODAY)
    figures = area_figures(county, None, TODAY)
    teams = team_list(county)
    assert {r.team_id for r in view.rows} == {t.id for t in teams}
    assert all(r.team_name and r.village_name for r in view.rows)
    total = view.totals
    assert total is not None
    assert total.households == figures.households == 120
    assert total.people == figures.people
    assert total.observation == figures.observation
    assert total.overdue == figures.overdue
    assert total.urgent_open == figures.open_urgent_needs
    assert sum(r.households for r in view.rows) == total.households
    assert 0 < total.coverage <= 1
    # This quarter's visits: compare one village with a direct count.
    row = view.rows[0]
    visited = _one(county,
                   "SELECT count(DISTINCT vh.household_id) FROM visit v JOIN visit_household vh "
                   "ON vh.visit_id = v.id JOIN household h ON h.id = vh.household_id "
                   "WHERE h.village_id = ? AND v.visit_date BETWEEN '2026-10-01' AND '2026-11-29' "
                   "AND v.deleted = 0 AND vh.deleted = 0", row.village_id)[0]
    assert row.visited == visited


# ---------------------------------------------------------------- quality

def test_quality_checks_find_each_rule_with_a_chinese_explanation(county: Store) -> None:
    hid = _relocated_household(county)
    with county.read() as cur:
        right_id = cur.execute("SELECT id FROM rights_item WHERE household_id = ? LIMIT 1",
                               (hid,)).fetchone()[0]
        income_id, year = cur.execute(
            "SELECT id, year FROM income WHERE household_id = ? ORDER BY year DESC LIMIT 1",
            (hid,)).fetchone()
        visit_id = cur.execute("SELECT visit_id FROM visit_household LIMIT 1").fetchone()[0]
        member_id = cur.execute("SELECT id FROM member WHERE household_id = ? LIMIT 1",
                                (hid,)).fetchone()[0]
    before = quality_checks(county, today=TODAY)
    with county.write("测试") as w:
        w.delete("rights_item", right_id)
        w.update("income", income_id, {"property": -500.0, "wage": 9_000_000.0})
        w.update("visit", visit_id, {"findings": "  "})
        w.update("member", member_id, {"labour_capacity": "none", "employed": True})
        w.update("household", hid, {"form_updated_on": None})
    after = quality_checks(county, today=TODAY)
    assert after.counts["rights_missing"] == before.counts["rights_missing"] + 1
    assert after.counts["income_negative"] == before.counts["income_negative"] + 1
    assert after.counts["income_too_high"] >= before.counts["income_too_high"] + 1
    assert after.counts["visit_no_findings"] == before.counts["visit_no_findings"] + 1
    assert after.counts["employed_without_labour"] == before.counts["employed_without_labour"] + 1
    assert after.counts["form_never"] == before.counts["form_never"] + 1
    mine = {f.rule: f for f in after.findings if f.household_id == hid}
    assert mine["rights_missing"].explanation.startswith("易地搬迁户的权益清单缺 1 项")
    assert "财产净收入" in mine["income_negative"].explanation
    assert str(year) in mine["income_negative"].explanation
    assert mine["income_negative"].ref_id == income_id
    assert "从未填写" in mine["form_never"].explanation
    assert mine["rights_missing"].team_name
    visit_finding = next(f for f in after.findings if f.rule == "visit_no_findings"
                         and f.ref_id == visit_id)
    assert "没有填写发现的情况" in visit_finding.explanation


def test_quality_limit_keeps_the_counts_complete(county: Store) -> None:
    full = quality_checks(county, today=TODAY)
    capped = quality_checks(county, today=TODAY, limit=1)
    assert capped.counts == full.counts
    assert all(sum(f.rule == r for f in capped.findings) <= 1 for r in capped.counts)
    with pytest.raises(KeyError):
        quality_checks(county, only=["no_such_rule"])


# ---------------------------------------------------------------- duplicates

def test_duplicates_by_head_id_member_id_and_name_in_village(county: Store) -> None:
    hid = _relocated_household(county)
    village = _one(county, "SELECT village_id FROM household WHERE id = ?", hid)[0]
    elsewhere = other_village(county, village)
    same_head = copy_household(county, hid, village_id=elsewhere, grid_id=None,
                               number="X0001", members=1)
    # Only a (non-head) member in common.
    member_only = copy_household(county, hid, village_id=elsewhere, grid_id=None, number="X0002",
                                 head_name="另一户", id_number=None, members=0)
    with county.read() as cur:
        child = dict(cur.execute(
            "SELECT name, id_number FROM member WHERE household_id = ? AND relation != 'head' "
            "AND id_number IS NOT NULL LIMIT 1", (hid,)).fetchone())
    with county.write("测试") as w:
        w.insert("member", [{"household_id": member_only, "name": child["name"],
                             "relation": "child", "id_number": child["id_number"]}])
    name_village = copy_household(county, hid, number="X0003", id_number=None, members=0)
    pairs = {p.key: p for p in find_duplicates(county)}

    def reasons(x: str, y: str) -> list[str]:
        return pairs[tuple(sorted((x, y)))].reasons  # type: ignore[index]

    assert reasons(hid, same_head) == [REASON_HEAD_ID]
    assert REASON_MEMBER_ID in reasons(hid, member_only)
    assert reasons(hid, name_village) == [REASON_NAME_VILLAGE]
    pair = pairs[tuple(sorted((hid, same_head)))]  # type: ignore[index]
    assert pair.a_team and pair.b_team and pair.a_team != pair.b_team
    # Strongest evidence first.
    assert find_duplicates(county)[0].reasons[0] == REASON_HEAD_ID


def test_a_dismissed_pair_is_remembered(county: Store) -> None:
    hid = _relocated_household(county)
    twin = copy_household(county, hid, number="X0009", id_number=None, members=0)
    assert any(p.key == tuple(sorted((hid, twin))) for p in find_duplicates(county))
    dismiss_pair(county, twin, hid, user="督导")
    assert not any(p.key == tuple(sorted((hid, twin))) for p in find_duplicates(county))
    assert any(p.key == tuple(sorted((hid, twin)))
               for p in find_duplicates(county, include_dismissed=True))


def test_compare_shows_both_sides_masked(county: Store) -> None:
    hid = _relocated_household(county)
    village = _one(county, "SELECT village_id FROM household WHERE id = ?", hid)[0]
    twin = copy_household(county, hid, village_id=other_village(county, village), grid_id=None,
                          number="X0010", phone="13900000000", members=1)
    view = compare_pair(county, hid, twin)
    assert "phone" in view["differs"] and "village" in view["differs"]
    assert "head_name" not in view["differs"]
    assert "*" in view["a"]["shown"]["id_number"]
    assert view["b"]["counts"]["member"] == 1
    assert view["a"]["counts"]["member"] > 1
    assert view["a"]["team"] != view["b"]["team"]


def test_merge_moves_children_tombstones_the_other_and_keeps_history(county: Store) -> None:
    hid = _relocated_household(county)
    village = _one(county, "SELECT village_id FROM household WHERE id = ?", hid)[0]
    twin = copy_household(county, hid, village_id=other_village(county, village), grid_id=None,
                          number="X0020", phone="13900000000", members=1)
    with county.write("测试") as w:
        w.insert("visit", [{"id": "visit-twin", "visit_date": TODAY, "purpose": "走访",
                            "findings": "正常"}])
        w.insert("visit_household", [{"visit_id": "visit-twin", "household_id": twin}])
        w.insert("urgent_need", [{"household_id": twin, "text": "看病难", "raised_on": TODAY}])
        w.insert("income", [{"household_id": twin, "year": 2019, "wage": 100.0}])
    members_before = _one(county, "SELECT count(*) FROM member WHERE household_id = ? "
                                  "AND deleted = 0", hid)[0]
    changes_before = _one(county, "SELECT count(*) FROM change_log")[0]
    result = merge_households(county, hid, twin, {"phone": "merged", "village": "kept"},
                              user="督导甲")
    assert result.fields_taken == ["phone"]
    assert _one(county, "SELECT phone, village_id FROM household WHERE id = ?", hid) == (
        "13900000000", village)
    assert _one(county, "SELECT deleted FROM household WHERE id = ?", twin) == (1,)
    # The twin's head is the same person (same ID number): tombstoned, not doubled.
    assert _one(county, "SELECT count(*) FROM member WHERE household_id = ? AND deleted = 0",
                hid)[0] == members_before
    assert result.dropped.get("member") == 1
    assert _one(county, "SELECT household_id FROM visit_household WHERE visit_id = 'visit-twin'"
                        " AND deleted = 0") == (hid,)
    assert _one(county, "SELECT count(*) FROM urgent_need WHERE household_id = ? "
                        "AND text = '看病难' AND deleted = 0", hid) == (1,)
    assert _one(county, "SELECT count(*) FROM income WHERE household_id = ? AND year = 2019 "
                        "AND deleted = 0", hid) == (1,)
    for table in ("member", "income", "visit_household", "urgent_need", "rights_item"):
        assert _one(county, f"SELECT count(*) FROM {table} WHERE household_id = ? AND deleted = 0",
                    twin) == (0,), table
    # Everything went through the Writer: logged changes, signed by the merging user.
    assert _one(county, "SELECT count(*) FROM change_log")[0] > changes_before
    assert _one(county, "SELECT user FROM change_log WHERE row_id = ? ORDER BY seq DESC LIMIT 1",
                twin) == ("督导甲",)
    history = merge_history(county, hid)
    assert len(history) == 1
    record = history[0]
    assert record["merged_id"] == twin and record["merged_by"] == "督导甲"
    assert record["choices"]["phone"] == "merged" and record["choices"]["village"] == "kept"
    assert "X0020" in record["merged_label"]
    assert record["moved"]["moved"]["urgent_need"] >= 1
    assert not any(twin in p.key for p in find_duplicates(county))


def test_a_merge_refuses_bad_choices_and_changes_nothing(county: Store) -> None:
    hid = _relocated_household(county)
    twin = copy_household(county, hid, number="X0030", members=0)
    before = _one(county, "SELECT count(*) FROM change_log")
    with pytest.raises(ValueError):
        merge_households(county, hid, twin, {"updated_hlc": "merged"})
    with pytest.raises(ValueError):
        merge_households(county, hid, hid, {})
    assert _one(county, "SELECT count(*) FROM change_log") == before


def test_a_merge_reaches_the_team_by_bundle(tmp_path: Path) -> None:
    from workteam_desktop.sync.bundle import export_bundle
    from workteam_desktop.sync.bundle_import import import_bundle
    from workteam_desktop.sync.keys import TrustedSigners, load_or_create

    def export(home: Path, out: Path, everything: bool = False) -> None:
        with Store.open(home) as s:
            assert export_bundle(s, out, everything=everything) is not None

    def trust(receiver: Path, sender: Path) -> None:
        with Store.open(sender) as s:
            keys = load_or_create(s.device_id, s.user)
        TrustedSigners(receiver).add(keys.signing_public, keys.device, keys.user)

    team, supervisor = tmp_path / "team", tmp_path / "supervisor"
    with Store.open(team) as s:
        generate(s, households=12, seed=4, today=TODAY)
        hid = _relocated_household(s) if _one(s, "SELECT count(*) FROM household "
                                                 "WHERE relocated = 1")[0] else _one(
            s, "SELECT id FROM household ORDER BY number LIMIT 1")[0]
        twin = copy_household(s, hid, number="X0040", members=1)
    Store.open(supervisor).close()
    export(team, tmp_path / "team.wtb", everything=True)
    trust(supervisor, team)
    with Store.open(supervisor) as s:
        import_bundle(s, tmp_path / "team.wtb")
        assert any({hid, twin} == set(p.key) for p in find_duplicates(s))
        merge_households(s, hid, twin, {"phone": "kept"}, user="督导")
    export(supervisor, tmp_path / "back.wtb")
    trust(team, supervisor)
    with Store.open(team) as s:
        import_bundle(s, tmp_path / "back.wtb")
        assert _one(s, "SELECT deleted FROM household WHERE id = ?", twin) == (1,)
        assert _one(s, "SELECT count(*) FROM member WHERE household_id = ? AND deleted = 0",
                    twin) == (0,)


# ---------------------------------------------------------------- assessment

def test_team_indicators_match_direct_counts(county: Store) -> None:
    q = quarter_span("2026Q3")
    teams = team_indicators(county, "2026Q3")
    assert len(teams) == 3
    t = teams[0]
    villages = [r[0] for r in _all(county, "SELECT area_id FROM team_area WHERE team_id = ?",
                                   t.team_id)]
    marks = ",".join("?" * len(villages))
    households = _one(county, f"SELECT count(*) FROM household WHERE deleted = 0 "
                              f"AND village_id IN ({marks})", *villages)[0]
    trainings = _one(county, "SELECT count(*) FROM training WHERE team_id = ? AND deleted = 0 "
                             "AND training_date BETWEEN ? AND ?", t.team_id,
                     q.start.isoformat(), q.end.isoformat())[0]
    actions = _one(county, "SELECT count(*), count(DISTINCT category) FROM delivery_action "
                           "WHERE deleted = 0 AND team_id = ? AND action_date BETWEEN ? AND ?",
                   t.team_id, q.start.isoformat(), q.end.isoformat())
    assert t.households == households
    assert t.trainings == trainings == 3  # one a month in the demo
    assert (t.delivery_actions, t.delivery_categories) == actions
    assert sum(t.deliveries_by_category.values()) == t.delivery_actions
    assert 0 <= t.households_visited <= t.households
    assert t.relocated_employed_households <= t.relocated_labour_households


def _all(store: Store, sql: str, *params: object) -> list[tuple]:
    with store.read() as cur:
        return [tuple(r) for r in cur.execute(sql, params)]


def test_manual_scores_enter_the_ranking_and_stay_local(county: Store) -> None:
    teams = team_list(county)
    before = assess_quarter(county, "2026Q3")
    last = before.teams[-1].indicators.team_id
    changes = _one(county, "SELECT count(*) FROM change_log")
    set_manual_score(county, "2026q3", last, 100.0, user="督导")
    assert manual_scores(county, "2026Q3") == {last: 100.0}
    assert _one(county, "SELECT count(*) FROM change_log") == changes  # local, not synced
    after = assess_quarter(county, "2026Q3")
    mine = next(t for t in after.teams if t.indicators.team_id == last)
    old = next(t for t in before.teams if t.indicators.team_id == last)
    assert mine.scores["manual"] == 100.0
    assert mine.total == pytest.approx(old.total + 10.0, abs=0.02)  # weight 0.10
    with pytest.raises(ValueError):
        set_manual_score(county, "2026Q3", last, 101)
    set_manual_score(county, "2026Q3", last, None)
    assert manual_scores(county, "2026Q3") == {}
    assert len(after.teams) == len(teams)
    assert [t.rank for t in after.teams] == sorted(t.rank for t in after.teams)


def test_weights_change_the_totals(county: Store) -> None:
    only_trainings = {k: 0.0 for k in da.INDICATORS} | {"trainings": 5.0}
    result = assess_quarter(county, "2026Q3", only_trainings)
    assert result.weights["trainings"] == 1.0
    assert all(t.total == t.scores["trainings"] for t in result.teams)


def test_star_ratings_come_from_the_two_quarters(county: Store) -> None:
    half = da.HalfYear(2026, 2)
    ratings = star_ratings(county, half)
    q3 = {t.indicators.team_id: t.total for t in assess_quarter(county, "2026Q3").teams}
    q4 = {t.indicators.team_id: t.total for t in assess_quarter(county, "2026Q4").teams}
    for r in ratings:
        assert r.first == q3[r.team_id] and r.second == q4[r.team_id]
        assert r.mean == pytest.approx((q3[r.team_id] + q4[r.team_id]) / 2, abs=0.01)
        assert r.stars == da.stars_for(r.mean)
    assert [r.mean for r in ratings] == sorted((r.mean for r in ratings), reverse=True)


def test_cadre_figures(county: Store) -> None:
    rows = cadre_figures(county, "2026Q3")
    assert rows and all(r["team_name"] for r in rows)
    top = rows[0]
    visits = _one(county, "SELECT count(DISTINCT v.id) FROM visit v JOIN visit_cadre vc "
                          "ON vc.visit_id = v.id WHERE vc.cadre_id = ? AND v.deleted = 0 "
                          "AND v.visit_date BETWEEN '2026-07-01' AND '2026-09-30'", top["id"])[0]
    assert top["visits"] == visits
    assert [r["rank"] for r in rows] == sorted(r["rank"] for r in rows)
    assert json.dumps(rows, default=str)
