"""Figures for the dashboard and the wall charts (挂图作战), computed once for both.

The on-screen charts and the printed ones must show the same numbers, so both call
:func:`area_figures`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..domain import catalogues as cat
from ..domain import rules
from . import sqlite
from .store import Store


@dataclass(frozen=True, slots=True)
class Area:
    """A village, community or township one can pick on the dashboard."""

    id: str
    code: str
    name: str
    level: str


@dataclass(slots=True)
class AreaFigures:
    """What the dashboard and wall charts show for one area (or everything)."""

    households: int = 0
    people: int = 0
    observation: int = 0
    zero_employment: int = 0
    overdue: int = 0
    open_urgent_needs: int = 0
    visited_this_month: int = 0
    visit_coverage_month: float = 0.0
    income_year: int | None = None
    income_composition: dict[str, float] = field(default_factory=dict)  # INCOME_KINDS → yuan
    per_capita_income: float | None = None  # average of households' per-capita figures
    industries: dict[str, int] = field(default_factory=dict)  # INDUSTRIES → households
    monitoring: dict[str, int] = field(default_factory=dict)  # MONITORING_STATUSES → households
    relocated: int = 0


def pickable_areas(store: Store) -> list[Area]:
    """Townships, villages and communities, in code order."""
    with store.read() as cur:
        return [Area(r["id"], r["code"], r["name"], r["level"]) for r in cur.execute(
            "SELECT id, code, name, level FROM area WHERE deleted = 0 "
            "AND level IN ('township', 'village', 'community') ORDER BY code")]


def _village_ids(cur: sqlite.Cursor, area_id: str | None) -> list[str] | None:
    if area_id is None:
        return None
    ids, frontier = [], [area_id]
    while frontier:  # the area and everything below it
        ids += frontier
        marks = ",".join("?" * len(frontier))
        frontier = [r[0] for r in cur.execute(
            f"SELECT id FROM area WHERE parent_id IN ({marks}) AND deleted = 0", frontier)]
    return ids


def area_figures(store: Store, area_id: str | None = None, today: dt.date | None = None,
                 period_days: int = rules.DEFAULT_FORM_PERIOD_DAYS) -> AreaFigures:
    """The figures for the area ``area_id`` (with everything below it), or for all."""
    today = today or dt.date.today()
    out = AreaFigures()
    with store.read() as cur:
        villages = _village_ids(cur, area_id)
        where, params = "h.deleted = 0", []
        if villages is not None:
            where += f" AND h.village_id IN ({','.join('?' * len(villages))})"
            params += villages
        row = cur.execute(
            f"SELECT count(*), coalesce(sum(f.member_count), 0), "
            f"coalesce(sum(f.observation), 0), coalesce(sum(f.zero_employment), 0), "
            f"coalesce(sum(h.form_updated_on IS NULL OR h.form_updated_on < ?), 0), "
            f"coalesce(sum(h.relocated), 0), avg(f.per_capita_income), max(f.income_year) "
            f"FROM household h LEFT JOIN household_facts f ON f.household_id = h.id "
            f"WHERE {where}", [rules.overdue_cutoff(today, period_days).isoformat(), *params]
        ).fetchone()
        (out.households, out.people, out.observation, out.zero_employment, out.overdue,
         out.relocated) = row[:6]
        out.per_capita_income = round(row[6], 2) if row[6] is not None else None
        out.income_year = row[7]
        out.monitoring = {code: 0 for code in cat.MONITORING_STATUSES.codes()}
        for status, n in cur.execute(
                f"SELECT h.monitoring_status, count(*) FROM household h WHERE {where} "
                f"GROUP BY h.monitoring_status", params):
            out.monitoring[status] = n
        out.industries = {code: 0 for code in cat.INDUSTRIES.codes()}
        for industry, n in cur.execute(
                f"SELECT i.industry, count(DISTINCT i.household_id) FROM household_industry i "
                f"JOIN household h ON h.id = i.household_id WHERE i.deleted = 0 AND {where} "
                f"GROUP BY i.industry", params):
            out.industries[industry] = n
        if out.income_year is not None:
            sums = cur.execute(
                f"SELECT coalesce(sum(i.wage), 0), coalesce(sum(i.operating), 0), "
                f"coalesce(sum(i.property), 0), coalesce(sum(i.transfer), 0) FROM income i "
                f"JOIN household h ON h.id = i.household_id "
                f"WHERE i.deleted = 0 AND i.year = ? AND {where}",
                [out.income_year, *params]).fetchone()
            out.income_composition = dict(zip(cat.INCOME_KINDS.codes(), sums, strict=True))
        out.open_urgent_needs = cur.execute(
            f"SELECT count(*) FROM urgent_need u JOIN household h ON h.id = u.household_id "
            f"WHERE u.deleted = 0 AND u.status != 'resolved' AND {where}", params).fetchone()[0]
        month_start = today.replace(day=1).isoformat()
        out.visited_this_month = cur.execute(
            f"SELECT count(DISTINCT vh.household_id) FROM visit_household vh "
            f"JOIN visit v ON v.id = vh.visit_id JOIN household h ON h.id = vh.household_id "
            f"WHERE vh.deleted = 0 AND v.deleted = 0 AND v.visit_date >= ? "
            f"AND v.visit_date <= ? AND {where}",
            [month_start, today.isoformat(), *params]).fetchone()[0]
        out.visit_coverage_month = rules.visit_coverage(out.visited_this_month, out.households)
    return out
