"""Supervisor mode (督导): who is a supervisor, which team a village belongs to, and the
township/county overview across teams (全域总览).

A supervisor imports the bundles of many teams into one data home. Households belong to
a team through their village (``team_area``); a village no team works in shows as
未分配工作队.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..domain import rules
from ..settings import load_settings
from . import sqlite
from .store import Store

SUPERVISOR_ROLES = frozenset({"supervisor", "admin"})
NO_TEAM = ""  # the team id of villages no team works in


def is_supervisor(store: Store) -> bool:
    """True when this data home is used in supervisor mode: ``role = "supervisor"`` in
    settings.toml, or the sync account's role (``sync_state``) is a supervisor's."""
    if load_settings(store.home).role == "supervisor":
        return True
    return sync_role(store) in SUPERVISOR_ROLES


def sync_role(store: Store) -> str | None:
    """The role of the sync account, if this home has logged in to a server."""
    with store.read() as cur:
        known = cur.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                            "AND name = 'sync_state'").fetchone()
        if known is None:
            return None
        row = cur.execute("SELECT value FROM sync_state WHERE key = 'role'").fetchone()
        return row[0] if row else None


@dataclass(frozen=True, slots=True)
class TeamInfo:
    """A work team and the villages it works in."""

    id: str
    name: str
    villages: tuple[str, ...]


def village_teams(cur: sqlite.Cursor) -> dict[str, TeamInfo]:
    """For each village id, the team working in it (the first by name when several do)."""
    teams: dict[str, dict[str, object]] = {}
    order: list[tuple[str, str, str]] = []
    for team_id, name, village in cur.execute(
            "SELECT t.id, t.name, ta.area_id FROM team t JOIN team_area ta ON ta.team_id = t.id "
            "WHERE t.deleted = 0 AND ta.deleted = 0 ORDER BY t.name, t.id"):
        teams.setdefault(team_id, {"name": name, "villages": []})
        teams[team_id]["villages"].append(village)  # type: ignore[union-attr]
        order.append((team_id, name, village))
    out: dict[str, TeamInfo] = {}
    for team_id, name, village in order:
        if village not in out:
            out[village] = TeamInfo(team_id, name, tuple(teams[team_id]["villages"]))  # type: ignore[arg-type]
    return out


def team_list(store: Store) -> list[TeamInfo]:
    """Every team with its villages, by name."""
    with store.read() as cur:
        seen: dict[str, TeamInfo] = {}
        for info in village_teams(cur).values():
            seen.setdefault(info.id, info)
    return sorted(seen.values(), key=lambda t: (t.name, t.id))


# ---------------------------------------------------------------- overview

@dataclass(slots=True)
class OverviewRow:
    """One village of one team in the overview (or the totals)."""

    team_id: str
    team_name: str
    village_id: str
    village_code: str
    village_name: str
    township: str = ""
    households: int = 0
    people: int = 0
    visited: int = 0  # households visited this quarter
    coverage: float = 0.0
    deliveries: int = 0  # ten-deliveries actions this quarter
    urgent_open: int = 0
    urgent_resolved: int = 0  # resolved this quarter
    overdue: int = 0
    observation: int = 0


@dataclass(slots=True)
class Overview:
    """The overview table: one row per team and village, and the totals."""

    quarter_start: dt.date
    quarter_end: dt.date
    rows: list[OverviewRow] = field(default_factory=list)
    totals: OverviewRow | None = None


def quarter_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the quarter ``day`` is in."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = dt.date(day.year, first_month, 1)
    end = (dt.date(day.year + 1, 1, 1) if first_month == 10
           else dt.date(day.year, first_month + 3, 1)) - dt.timedelta(days=1)
    return start, end


def overview(store: Store, today: dt.date | None = None,
             period_days: int = rules.DEFAULT_FORM_PERIOD_DAYS) -> Overview:
    """Per team and village: households, people, visit coverage this quarter, ten-deliveries
    actions, urgent needs open and resolved, forms overdue, observation households.

    Everything is grouped by village in SQL (one pass per table), so a county of 200,000
    households takes a few queries, not a loop over households. The household figures
    use the same definitions as :func:`~workteam_desktop.store.figures.area_figures`
    (tests check that the totals agree).
    """
    today = today or dt.date.today()
    start, end = quarter_bounds(today)
    span = (start.isoformat(), min(end, today).isoformat())
    out = Overview(start, end)
    with store.read() as cur:
        teams = village_teams(cur)
        villages = {r["id"]: r for r in cur.execute(
            "SELECT v.id, v.code, v.name, coalesce(p.name, '') AS township FROM area v "
            "LEFT JOIN area p ON p.id = v.parent_id "
            "WHERE v.level IN ('village', 'community') AND v.deleted = 0")}
        rows: dict[str, OverviewRow] = {}

        def row(vid: str) -> OverviewRow:
            if vid not in rows:
                v = villages.get(vid)
                team = teams.get(vid)
                rows[vid] = OverviewRow(team.id if team else NO_TEAM, team.name if team else "",
                                        vid, v["code"] if v else "", v["name"] if v else "",
                                        v["township"] if v else "")
            return rows[vid]

        for vid, n, people, overdue, observation in cur.execute(
                "SELECT h.village_id, count(*), coalesce(sum(f.member_count), 0), "
                "coalesce(sum(h.form_updated_on IS NULL OR h.form_updated_on < ?), 0), "
                "coalesce(sum(f.observation), 0) FROM household h "
                "LEFT JOIN household_facts f ON f.household_id = h.id "
                "WHERE h.deleted = 0 GROUP BY h.village_id",
                (rules.overdue_cutoff(today, period_days).isoformat(),)):
            r = row(vid)
            r.households, r.people, r.overdue, r.observation = n, people, overdue, observation
        for vid, visited in cur.execute(
                "SELECT h.village_id, count(DISTINCT vh.household_id) FROM visit v "
                "JOIN visit_household vh ON vh.visit_id = v.id AND vh.deleted = 0 "
                "JOIN household h ON h.id = vh.household_id AND h.deleted = 0 "
                "WHERE v.deleted = 0 AND v.visit_date BETWEEN ? AND ? GROUP BY h.village_id",
                span):
            row(vid).visited = visited
        for vid, actions in cur.execute(
                "SELECT village_id, count(*) FROM delivery_action WHERE deleted = 0 "
                "AND village_id IS NOT NULL AND action_date BETWEEN ? AND ? GROUP BY village_id",
                span):
            row(vid).deliveries = actions
        for vid, still_open, resolved in cur.execute(
                "SELECT h.village_id, coalesce(sum(u.status != 'resolved'), 0), "
                "coalesce(sum(u.status = 'resolved' AND u.resolved_on BETWEEN ? AND ?), 0) "
                "FROM urgent_need u JOIN household h ON h.id = u.household_id AND h.deleted = 0 "
                "WHERE u.deleted = 0 GROUP BY h.village_id", span):
            r = row(vid)
            r.urgent_open, r.urgent_resolved = still_open, resolved
    for r in rows.values():
        r.coverage = rules.visit_coverage(r.visited, r.households)
    out.rows = sorted(rows.values(), key=lambda r: (r.team_name == "", r.team_name, r.village_code))
    total = OverviewRow("", "", "", "", "")
    for r in out.rows:
        for name in ("households", "people", "visited", "deliveries", "urgent_open",
                     "urgent_resolved", "overdue", "observation"):
            setattr(total, name, getattr(total, name) + getattr(r, name))
    total.coverage = rules.visit_coverage(total.visited, total.households)
    out.totals = total
    return out


def home_of(store: Store) -> Path:
    """The data home (for settings)."""
    return store.home
