"""The queries behind the printed reports (store/report_queries.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from workteam_desktop.demo import generate
from workteam_desktop.domain.problems import DomainError
from workteam_desktop.store import report_queries as rq
from workteam_desktop.store.models import UrgentNeed
from workteam_desktop.store.visits import UrgentNeedInput, VisitInput, add_visit

TODAY = dt.date(2026, 11, 29)


@pytest.fixture
def demo(store):
    generate(store, households=60, seed=1, today=TODAY)
    return store


def _village(store) -> tuple[str, str, str]:
    with store.read() as cur:
        return tuple(cur.execute("SELECT id, code, name FROM area WHERE level = 'village' "
                                 "ORDER BY code LIMIT 1").fetchone())


def test_scope_of_a_village_and_of_everything(demo) -> None:
    vid, code, name = _village(demo)
    scope = rq.resolve_scope(demo, code)
    assert (scope.area_id, scope.name, scope.level) == (vid, name, "village")
    assert vid in scope.village_ids
    everything = rq.resolve_scope(demo, None)
    assert everything.village_ids is None and everything.name == "云州区"
    with pytest.raises(DomainError, match="找不到村"):
        rq.resolve_scope(demo, "140215999999")


def test_issuer_is_the_team_of_the_village_else_the_township(demo) -> None:
    vid, code, _ = _village(demo)
    with demo.read() as cur:
        team = cur.execute("SELECT t.name FROM team t JOIN team_area ta ON ta.team_id = t.id "
                           "WHERE ta.area_id = ?", (vid,)).fetchone()[0]
        township = cur.execute("SELECT name FROM area WHERE level = 'township'").fetchone()[0]
    assert rq.issuer(demo, rq.resolve_scope(demo, code)) == team
    assert rq.issuer(demo, rq.resolve_scope(demo, None)) == township


def _quiet_window(store) -> dt.date:
    """The first day of 30 days before today with no visit in the store."""
    with store.read() as cur:
        dates = {dt.date.fromisoformat(str(r[0])[:10]) for r in cur.execute(
            "SELECT visit_date FROM visit")}
    day = dt.date.today() - dt.timedelta(days=31)
    while any(day <= d <= day + dt.timedelta(days=30) for d in dates):
        day -= dt.timedelta(days=31)
    return day


def test_visit_report_counts(demo) -> None:
    _, code, _ = _village(demo)
    scope = rq.resolve_scope(demo, code)
    [hid] = rq.scope_household_ids(demo, scope)[:1]
    # A window the demo's activity leaves empty (it starts in the past: a visit cannot be
    # logged ahead of today), so only our visits count.
    start = _quiet_window(demo)
    add_visit(demo, VisitInput(households=[hid], visit_date=start, purpose="入户走访",
                               urgent_needs=[UrgentNeedInput("屋顶漏雨", "housing")]))
    add_visit(demo, VisitInput(households=[hid], visit_date=start + dt.timedelta(days=3),
                               purpose="回访"))
    data = rq.visit_report(demo, scope, start, start + dt.timedelta(days=30))
    s = data["summary"]
    assert (s["visits"], s["households_visited"], s["needs_raised"], s["needs_open"]) == (
        2, 1, 1, 1)
    assert s["coverage"] == pytest.approx(1 / s["households"])
    assert [v["purpose"] for v in data["visits"]] == ["入户走访", "回访"]  # oldest first
    assert data["visits"][0]["urgent_needs"][0]["status_label"] == "待解决"


def test_quarter_median_days_to_resolve(demo) -> None:
    _, code, _ = _village(demo)
    scope = rq.resolve_scope(demo, code)
    hid = rq.scope_household_ids(demo, scope)[0]
    q_start, q_end = dt.date(2027, 1, 1), dt.date(2027, 3, 31)
    before = rq.quarter_figures(demo, scope, q_start, q_end)  # older needs still open
    with demo.write() as w:
        for raised, resolved in ((q_start, q_start + dt.timedelta(days=4)),
                                 (q_start, q_start + dt.timedelta(days=10)),
                                 (q_start + dt.timedelta(days=20), None)):
            w.insert(UrgentNeed, [{"household_id": hid, "text": "需求", "raised_on": raised,
                                   "status": "resolved" if resolved else "open",
                                   "resolved_on": resolved}])
    q = rq.quarter_figures(demo, scope, q_start, q_end)
    assert (q.needs_raised, q.needs_resolved) == (3, 2)
    assert q.needs_open_at_end == before.needs_open_at_end + 1
    assert q.median_days_to_resolve == 7
    assert q.visits == 0 and q.households_visited == 0


def test_rights_issues_find_unassigned_and_missing_rights(demo) -> None:
    with demo.read() as cur:
        code = cur.execute("SELECT code FROM area WHERE level = 'community'").fetchone()[0]
        hid, item = cur.execute(
            "SELECT household_id, id FROM rights_item WHERE status = 'secured' "
            "AND responsible != '' LIMIT 1").fetchone()
    scope = rq.resolve_scope(demo, code)
    before = rq.rights_issues(demo, scope)
    from workteam_desktop.store.models import RightsItem

    with demo.write() as w:
        w.update(RightsItem, item, {"responsible": ""})
    after = rq.rights_issues(demo, scope)
    assert after["counts"]["unassigned"] == before["counts"]["unassigned"] + 1
    with demo.write() as w:
        w.delete(RightsItem, item)
    gone = rq.rights_issues(demo, scope)
    assert gone["counts"]["missing"] == before["counts"]["missing"] + 1
    listed = next(h for h in gone["households"] if h["id"] == hid)
    assert any("missing" in i["issues"] for i in listed["items"])


def test_monitoring_rows_name_measures_and_the_responsible_cadre(demo) -> None:
    rows = rq.monitoring_rows(demo, rq.resolve_scope(demo, None))
    with demo.read() as cur:
        expected = cur.execute("SELECT count(*) FROM household "
                               "WHERE monitoring_status != 'none'").fetchone()[0]
    assert len(rows) == expected > 0
    order = [r["monitoring_status"] for r in rows]
    assert order == sorted(order, key=["monitored", "observation", "removed"].index)
    with_measures = [r for r in rows if r["measures"]]
    assert with_measures and all(r["responsible"] for r in with_measures)
