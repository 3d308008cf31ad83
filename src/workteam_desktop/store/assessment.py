"""The quarterly assessment (季度考核) from the records, and the supervisor's manual scores.

:func:`team_indicators` counts, per team, what :mod:`workteam_desktop.domain.assessment`
scores: visit coverage, ten-deliveries actions by category, urgent needs resolved and
days to resolve, forms current, trainings and employment of relocated labour, plus the
manual score. Figures are grouped by village in SQL and summed per team. Cadres get
their own figures (:func:`cadre_figures`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..domain import assessment as da
from ..domain import rules
from .store import Store
from .supervisor import village_teams

SUBJECT_TEAM = "team"
SUBJECT_CADRE = "cadre"


@dataclass(frozen=True, slots=True)
class QuarterSpan:
    """A quarter's code and dates."""

    code: str
    start: dt.date
    end: dt.date


def quarter_span(code: str) -> QuarterSpan:
    """``2026Q3`` → its first and last day (ValueError with a Chinese message if bad)."""
    text = (code or "").strip().upper().replace("-", "")
    try:
        year_text, number_text = text.split("Q")
        year, number = int(year_text), int(number_text)
    except ValueError:
        raise ValueError(f"季度“{code}”应写成 2026Q3 这样的形式（季度为1到4）") from None
    if not 1 <= number <= 4 or not 2000 <= year <= 2100:
        raise ValueError(f"季度“{code}”应写成 2026Q3 这样的形式（季度为1到4）")
    start = dt.date(year, 3 * number - 2, 1)
    end = (dt.date(year + 1, 1, 1) if number == 4 else dt.date(year, 3 * number + 1, 1)
           ) - dt.timedelta(days=1)
    return QuarterSpan(f"{year}Q{number}", start, end)


def current_quarter(today: dt.date | None = None) -> str:
    """The code of the quarter ``today`` is in."""
    today = today or dt.date.today()
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


def previous_quarter(code: str) -> str:
    """The quarter before ``code``."""
    q = quarter_span(code)
    return current_quarter(q.start - dt.timedelta(days=1))


# ---------------------------------------------------------------- manual scores

def manual_scores(store: Store, quarter: str, kind: str = SUBJECT_TEAM) -> dict[str, float]:
    """The supervisor's scores for ``quarter`` by team (or cadre) id."""
    with store.read() as cur:
        return {r[0]: r[1] for r in cur.execute(
            "SELECT subject_id, score FROM supervisor_score WHERE quarter = ? AND subject_kind = ?",
            (quarter_span(quarter).code, kind))}


def set_manual_score(store: Store, quarter: str, subject_id: str, score: float | None,
                     kind: str = SUBJECT_TEAM, note: str = "", user: str | None = None) -> None:
    """Enter (or with None, clear) a manual score, 0–100 (ValueError otherwise)."""
    code = quarter_span(quarter).code
    if kind not in (SUBJECT_TEAM, SUBJECT_CADRE):
        raise ValueError(kind)
    if score is not None and not 0 <= float(score) <= 100:
        raise ValueError(f"督导评分应在0到100之间，现在是{score:g}")
    with store.write(user) as w:
        if score is None:
            w.cursor.execute("DELETE FROM supervisor_score WHERE quarter = ? AND subject_kind = ? "
                             "AND subject_id = ?", (code, kind, subject_id))
            return
        w.cursor.execute(
            "INSERT INTO supervisor_score (quarter, subject_kind, subject_id, score, note, "
            "entered_at, entered_by) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (quarter, subject_kind, subject_id) DO UPDATE SET score = excluded.score, "
            "note = excluded.note, entered_at = excluded.entered_at, entered_by = excluded.entered_by",
            (code, kind, subject_id, float(score), note,
             dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f"),
             user if user is not None else store.user))


# ---------------------------------------------------------------- team figures

def team_indicators(store: Store, quarter: str,
                    period_days: int = rules.DEFAULT_FORM_PERIOD_DAYS) -> list[da.TeamIndicators]:
    """Every team's raw indicators for ``quarter``, by team name."""
    q = quarter_span(quarter)
    span = (q.start.isoformat(), q.end.isoformat())
    per_village: dict[str, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    with store.read() as cur:
        teams = village_teams(cur)
        for vid, n, current in cur.execute(
                "SELECT village_id, count(*), coalesce(sum(form_updated_on >= ?), 0) "
                "FROM household WHERE deleted = 0 GROUP BY village_id",
                (rules.overdue_cutoff(q.end, period_days).isoformat(),)):
            per_village[vid].update(households=n, forms_current=current)
        for vid, visited in cur.execute(
                "SELECT h.village_id, count(DISTINCT vh.household_id) FROM visit v "
                "JOIN visit_household vh ON vh.visit_id = v.id AND vh.deleted = 0 "
                "JOIN household h ON h.id = vh.household_id AND h.deleted = 0 "
                "WHERE v.deleted = 0 AND v.visit_date BETWEEN ? AND ? GROUP BY h.village_id", span):
            per_village[vid]["visited"] = visited
        for vid, resolved, still_open, days in cur.execute(
                "SELECT h.village_id, "
                "coalesce(sum(u.status = 'resolved' AND u.resolved_on BETWEEN ? AND ?), 0), "
                "coalesce(sum(u.raised_on <= ? AND (u.status != 'resolved' OR u.resolved_on IS NULL "
                "OR u.resolved_on > ?)), 0), "
                "coalesce(sum(CASE WHEN u.status = 'resolved' AND u.resolved_on BETWEEN ? AND ? "
                "THEN julianday(u.resolved_on) - julianday(u.raised_on) END), 0) "
                "FROM urgent_need u JOIN household h ON h.id = u.household_id AND h.deleted = 0 "
                "WHERE u.deleted = 0 GROUP BY h.village_id", (*span, span[1], span[1], *span)):
            per_village[vid].update(resolved=resolved, open=still_open, days=days)
        for vid, labour, employed in cur.execute(
                "SELECT h.village_id, count(*), coalesce(sum(NOT f.zero_employment), 0) "
                "FROM household h JOIN household_facts f ON f.household_id = h.id "
                "WHERE h.deleted = 0 AND h.relocated = 1 AND EXISTS (SELECT 1 FROM member m "
                "WHERE m.household_id = h.id AND m.deleted = 0 "
                "AND m.labour_capacity IN ('full', 'partial')) GROUP BY h.village_id"):
            per_village[vid].update(labour=labour, employed=employed)
        # Ten-deliveries actions count for the team that recorded them, else the village's.
        deliveries: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for team_id, vid, category, n in cur.execute(
                "SELECT team_id, village_id, category, count(*) FROM delivery_action "
                "WHERE deleted = 0 AND action_date BETWEEN ? AND ? "
                "GROUP BY team_id, village_id, category", span):
            owner = team_id or (teams[vid].id if vid in teams else None)
            if owner:
                deliveries[owner][category] += n
        trainings = dict(cur.execute(
            "SELECT team_id, count(*) FROM training WHERE deleted = 0 AND team_id IS NOT NULL "
            "AND training_date BETWEEN ? AND ? GROUP BY team_id", span).fetchall())
        names = dict(cur.execute("SELECT id, name FROM team WHERE deleted = 0").fetchall())
    manual = manual_scores(store, q.code)
    sums: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for vid, figures in per_village.items():
        team = teams.get(vid)
        if team is None:
            continue
        for key, value in figures.items():
            sums[team.id][key] += value
    out = []
    for team_id, name in names.items():
        s = sums.get(team_id, {})
        by_category = dict(deliveries.get(team_id, {}))
        resolved = int(s.get("resolved", 0))
        out.append(da.TeamIndicators(
            team_id=team_id, team_name=name, households=int(s.get("households", 0)),
            households_visited=int(s.get("visited", 0)),
            delivery_actions=sum(by_category.values()),
            delivery_categories=sum(1 for n in by_category.values() if n > 0),
            needs_resolved=resolved, needs_open=int(s.get("open", 0)),
            mean_resolve_days=round(s["days"] / resolved, 1) if resolved else None,
            forms_current=int(s.get("forms_current", 0)), trainings=trainings.get(team_id, 0),
            relocated_labour_households=int(s.get("labour", 0)),
            relocated_employed_households=int(s.get("employed", 0)),
            manual=manual.get(team_id), deliveries_by_category=by_category))
    out.sort(key=lambda t: (t.team_name, t.team_id))
    return out


@dataclass(slots=True)
class Assessment:
    """A quarter's scored and ranked teams, with the weights used."""

    quarter: str
    weights: dict[str, float]
    teams: list[da.TeamScore] = field(default_factory=list)


def assess_quarter(store: Store, quarter: str, weights: Mapping[str, float] | None = None,
                   period_days: int = rules.DEFAULT_FORM_PERIOD_DAYS) -> Assessment:
    """Score and rank every team for ``quarter`` (weights normalised; default weights
    when None)."""
    norm = da.normalise_weights(weights if weights is not None else da.DEFAULT_WEIGHTS)
    code = quarter_span(quarter).code
    return Assessment(code, norm, da.assess(team_indicators(store, code, period_days), norm))


@dataclass(frozen=True, slots=True)
class StarRating:
    """A team's half-year rating."""

    team_id: str
    team_name: str
    first: float | None  # total of the first quarter of the half year
    second: float | None
    mean: float
    stars: int


def star_ratings(store: Store, half: da.HalfYear, weights: Mapping[str, float] | None = None,
                 period_days: int = rules.DEFAULT_FORM_PERIOD_DAYS) -> list[StarRating]:
    """Stars for every team from the half year's two quarterly assessments, best first."""
    q1, q2 = (assess_quarter(store, q, weights, period_days) for q in half.quarters)
    first = {t.indicators.team_id: t.total for t in q1.teams}
    second = {t.indicators.team_id: t.total for t in q2.teams}
    names = {t.indicators.team_id: t.indicators.team_name for t in (*q1.teams, *q2.teams)}
    out = []
    for team_id, name in names.items():
        mean = da.half_year_mean(first.get(team_id), second.get(team_id))
        out.append(StarRating(team_id, name, first.get(team_id), second.get(team_id), mean,
                              da.stars_for(mean)))
    out.sort(key=lambda r: (-r.mean, r.team_name, r.team_id))
    return out


# ---------------------------------------------------------------- cadres

def cadre_figures(store: Store, quarter: str) -> list[dict[str, Any]]:
    """Per cadre: team, role, visits made and households visited in the quarter, assistance
    records they are responsible for, urgent needs raised on their visits and resolved,
    and the manual score; by team and name."""
    q = quarter_span(quarter)
    span = (q.start.isoformat(), q.end.isoformat())
    with store.read() as cur:
        cadres = {r["id"]: {**dict(r), "visits": 0, "households_visited": 0, "assistance": 0,
                            "needs_raised": 0, "needs_resolved": 0}
                  for r in cur.execute(
                      "SELECT c.id, c.name, c.role, c.team_id, coalesce(t.name, '') AS team_name "
                      "FROM cadre c LEFT JOIN team t ON t.id = c.team_id WHERE c.deleted = 0")}
        for cid, visits, households in cur.execute(
                "SELECT vc.cadre_id, count(DISTINCT v.id), count(DISTINCT vh.household_id) "
                "FROM visit_cadre vc JOIN visit v ON v.id = vc.visit_id AND v.deleted = 0 "
                "LEFT JOIN visit_household vh ON vh.visit_id = v.id AND vh.deleted = 0 "
                "WHERE vc.deleted = 0 AND v.visit_date BETWEEN ? AND ? GROUP BY vc.cadre_id", span):
            if cid in cadres:
                cadres[cid].update(visits=visits, households_visited=households)
        for cid, n in cur.execute(
                "SELECT cadre_id, count(*) FROM assistance_record WHERE deleted = 0 "
                "AND record_date BETWEEN ? AND ? GROUP BY cadre_id", span):
            if cid in cadres:
                cadres[cid]["assistance"] = n
        for cid, raised, resolved in cur.execute(
                "SELECT vc.cadre_id, count(DISTINCT u.id), "
                "count(DISTINCT CASE WHEN u.status = 'resolved' THEN u.id END) FROM urgent_need u "
                "JOIN visit_cadre vc ON vc.visit_id = u.visit_id AND vc.deleted = 0 "
                "WHERE u.deleted = 0 AND u.raised_on BETWEEN ? AND ? GROUP BY vc.cadre_id", span):
            if cid in cadres:
                cadres[cid].update(needs_raised=raised, needs_resolved=resolved)
    manual = manual_scores(store, q.code, SUBJECT_CADRE)
    rows = list(cadres.values())
    for r in rows:
        r["manual"] = manual.get(r["id"])
        r["score"] = da.cadre_score(da.CadreIndicators(
            r["households_visited"], r["assistance"], r["needs_raised"], r["needs_resolved"],
            r["manual"]))
    ranks = da.rank_totals([r["score"] for r in rows])
    for r, rank in zip(rows, ranks, strict=True):
        r["rank"] = rank
    rows.sort(key=lambda r: (r["rank"], r["team_name"], r["name"], r["id"]))
    return rows
