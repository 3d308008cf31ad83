"""Queries behind the printed reports (走访报告, 季度工作报告, 挂图作战, 权益清单).

Plain functions over a :class:`Store` returning plain data; ``reports/`` lays them out.
The dashboard's figures are not recomputed here: reports call
:func:`workteam_desktop.store.figures.area_figures` for those, so paper and screen agree.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..domain import catalogues as cat
from ..domain import phone, rules
from ..domain.problems import DomainError, Problem
from . import sqlite
from .household_detail import rights_ledger
from .households import find_household_id
from .store import Store
from .visits import find_cadre_id

_CHUNK = 500
DEFAULT_ISSUER = "驻村工作队"


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a report looks: one township, village or community, or everything."""

    area_id: str | None
    code: str | None
    name: str
    level: str | None
    village_ids: tuple[str, ...] | None  # None: every village

    def village_filter(self, column: str) -> tuple[str, list[Any]]:
        """An SQL condition restricting ``column`` (a village id) to the scope."""
        if self.village_ids is None:
            return "1 = 1", []
        return f"{column} IN ({','.join('?' * len(self.village_ids))})", list(self.village_ids)


def _chunks(ids: Sequence[str]) -> Iterator[list[str]]:
    for i in range(0, len(ids), _CHUNK):
        yield list(ids[i:i + _CHUNK])


def _below(cur: sqlite.Cursor, area_id: str) -> tuple[str, ...]:
    ids, frontier = [], [area_id]
    while frontier:  # the area and everything below it (grids are harmless extras)
        ids += frontier
        marks = ",".join("?" * len(frontier))
        frontier = [r[0] for r in cur.execute(
            f"SELECT id FROM area WHERE parent_id IN ({marks}) AND deleted = 0", frontier)]
    return tuple(ids)


def resolve_scope(store: Store, code: str | None) -> Scope:
    """The scope named by an area code (township, village or community); None is all.

    An unknown code raises :class:`DomainError` (``village.not_found``).
    """
    with store.read() as cur:
        if not code or not code.strip():
            counties = cur.execute(
                "SELECT name FROM area WHERE level = 'county' AND deleted = 0").fetchall()
            name = counties[0][0] if len(counties) == 1 else "全部"
            return Scope(None, None, name, None, None)
        row = cur.execute(
            "SELECT id, code, name, level FROM area WHERE code = ? AND deleted = 0 "
            "AND level IN ('township', 'village', 'community')", (code.strip(),)).fetchone()
        if row is None:
            raise DomainError(Problem("village.not_found", {"key": code.strip()}))
        return Scope(row["id"], row["code"], row["name"], row["level"], _below(cur, row["id"]))


def cadre_scope(store: Store, cadre_key: str) -> tuple[str, str, Scope]:
    """A cadre's id, name and the villages their team works in (for a cadre's report)."""
    with store.read() as cur:
        cadre_id = find_cadre_id(cur, cadre_key)
        name, team_id = cur.execute("SELECT name, team_id FROM cadre WHERE id = ?",
                                    (cadre_id,)).fetchone()
        villages = [r[0] for r in cur.execute(
            "SELECT ta.area_id FROM team_area ta WHERE ta.team_id = ? AND ta.deleted = 0",
            (team_id,))]
        ids: list[str] = []
        for v in villages:
            ids += _below(cur, v)
        names = [r[0] for r in cur.execute(
            f"SELECT name FROM area WHERE id IN ({','.join('?' * len(villages))}) ORDER BY code",
            villages)] if villages else []
    scope = Scope(None, None, "、".join(names) or "全部", None, tuple(ids) if villages else None)
    return cadre_id, name, scope


def issuer(store: Store, scope: Scope) -> str:
    """The issuing unit: the one team working in the scope, else the township, else a
    plain "驻村工作队"."""
    with store.read() as cur:
        where, params = scope.village_filter("ta.area_id")
        teams = [r[0] for r in cur.execute(
            f"SELECT DISTINCT t.name FROM team t JOIN team_area ta ON ta.team_id = t.id "
            f"WHERE t.deleted = 0 AND ta.deleted = 0 AND {where} ORDER BY t.name", params)]
        if len(teams) == 1:
            return teams[0]
        if scope.level == "township":
            return scope.name
        townships = [r[0] for r in cur.execute(
            "SELECT name FROM area WHERE level = 'township' AND deleted = 0")]
        if scope.area_id is None and len(townships) == 1:
            return townships[0]
        if scope.area_id is not None:  # a village with no team recorded: its township
            row = cur.execute(
                "SELECT p.name FROM area a JOIN area p ON p.id = a.parent_id "
                "WHERE a.id = ? AND p.level = 'township'", (scope.area_id,)).fetchone()
            if row:
                return row[0]
    return DEFAULT_ISSUER


def scope_household_ids(store: Store, scope: Scope) -> list[str]:
    """Ids of the households in the scope, in village-code and household-number order."""
    where, params = scope.village_filter("h.village_id")
    with store.read() as cur:
        return [r[0] for r in cur.execute(
            f"SELECT h.id FROM household h JOIN area v ON v.id = h.village_id "
            f"WHERE h.deleted = 0 AND {where} ORDER BY v.code, h.number", params)]


def scope_household_count(store: Store, code: str | None) -> int:
    """How many households a report over the area ``code`` (None: all) covers."""
    scope = resolve_scope(store, code)
    where, params = scope.village_filter("village_id")
    with store.read() as cur:
        return cur.execute(f"SELECT count(*) FROM household WHERE deleted = 0 AND {where}",
                           params).fetchone()[0]


def households_scope(store: Store, household_ids: Sequence[str]) -> Scope:
    """The villages the given households live in, as a scope (for the issuing unit)."""
    with store.read() as cur:
        villages: list[str] = []
        for chunk in _chunks(household_ids):
            villages += [r[0] for r in cur.execute(
                f"SELECT DISTINCT village_id FROM household "
                f"WHERE id IN ({','.join('?' * len(chunk))})", chunk)]
        villages = list(dict.fromkeys(villages))
        if len(villages) == 1:
            row = cur.execute("SELECT id, code, name, level FROM area WHERE id = ?",
                              (villages[0],)).fetchone()
            return Scope(row["id"], row["code"], row["name"], row["level"], (row["id"],))
    return Scope(None, None, "选定农户", None, tuple(villages))


def household_ids_for(store: Store, keys: Sequence[str]) -> list[str]:
    """Ids of the households named by ids or household numbers (DomainError if unknown)."""
    with store.read() as cur:
        return list(dict.fromkeys(find_household_id(cur, k) for k in keys))


# ---------------------------------------------------------------- visits

def _visit_filter(scope: Scope, cadre_id: str | None, date_from: dt.date,
                  date_to: dt.date) -> tuple[str, list[Any]]:
    where, params = scope.village_filter("h.village_id")
    clauses = ["v.deleted = 0", "v.visit_date >= ?", "v.visit_date <= ?",
               f"v.id IN (SELECT vh.visit_id FROM visit_household vh "
               f"JOIN household h ON h.id = vh.household_id "
               f"WHERE vh.deleted = 0 AND h.deleted = 0 AND {where})"]
    args: list[Any] = [date_from.isoformat(), date_to.isoformat(), *params]
    if cadre_id is not None:
        clauses.append("v.id IN (SELECT visit_id FROM visit_cadre WHERE deleted = 0 "
                       "AND cadre_id = ?)")
        args.append(cadre_id)
    return " AND ".join(clauses), args


def visit_report(store: Store, scope: Scope, date_from: dt.date, date_to: dt.date,
                 cadre_id: str | None = None) -> dict[str, Any]:
    """Visits in the scope and period (oldest first), with households, visitors and the
    urgent needs they raised, and a summary (visits, households visited, coverage, needs)."""
    where, params = _visit_filter(scope, cadre_id, date_from, date_to)
    with store.read() as cur:
        visits = [dict(r) for r in cur.execute(
            f"SELECT v.id, v.visit_date, v.visit_time, v.purpose, v.findings, v.measures, "
            f"v.follow_up_date, v.confirmed FROM visit v WHERE {where} "
            f"ORDER BY v.visit_date, v.visit_time, v.id", params)]
        ids = [v["id"] for v in visits]
        households: dict[str, list[dict[str, Any]]] = defaultdict(list)
        visitors: dict[str, list[str]] = defaultdict(list)
        needs: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            for r in cur.execute(
                    f"SELECT vh.visit_id, h.id, h.number, h.head_name, h.village_id "
                    f"FROM visit_household vh JOIN household h ON h.id = vh.household_id "
                    f"WHERE vh.deleted = 0 AND vh.visit_id IN ({marks}) ORDER BY h.number",
                    chunk):
                households[r[0]].append({"id": r[1], "number": r[2], "head_name": r[3],
                                         "village_id": r[4]})
            for r in cur.execute(
                    f"SELECT vc.visit_id, c.name FROM visit_cadre vc "
                    f"JOIN cadre c ON c.id = vc.cadre_id "
                    f"WHERE vc.deleted = 0 AND vc.visit_id IN ({marks}) ORDER BY c.name", chunk):
                visitors[r[0]].append(r[1])
            for r in cur.execute(
                    f"SELECT visit_id, category, text, status, raised_on, resolved_on, resolution "
                    f"FROM urgent_need WHERE deleted = 0 AND visit_id IN ({marks}) "
                    f"ORDER BY raised_on, id", chunk):
                needs[r["visit_id"]].append({
                    "category_label": cat.URGENT_NEED_CATEGORIES.label(r["category"]),
                    "text": r["text"], "status": r["status"],
                    "status_label": cat.URGENT_NEED_STATUSES.label(r["status"]),
                    "raised_on": r["raised_on"], "resolved_on": r["resolved_on"],
                    "resolution": r["resolution"]})
        hwhere, hparams = scope.village_filter("village_id")
        total = cur.execute(f"SELECT count(*) FROM household WHERE deleted = 0 AND {hwhere}",
                            hparams).fetchone()[0]
    in_scope = set(scope.village_ids) if scope.village_ids is not None else None
    visited: set[str] = set()
    for v in visits:
        v["households"] = households[v["id"]]
        v["visitors"] = visitors[v["id"]]
        v["urgent_needs"] = needs[v["id"]]
        visited.update(h["id"] for h in v["households"]
                       if in_scope is None or h["village_id"] in in_scope)
    raised = [n for v in visits for n in v["urgent_needs"]]
    summary = {
        "visits": len(visits),
        "households": total,
        "households_visited": len(visited),
        "coverage": rules.visit_coverage(len(visited), total),
        "needs_raised": len(raised),
        "needs_resolved": sum(n["status"] == "resolved" for n in raised),
        "needs_open": sum(n["status"] != "resolved" for n in raised),
    }
    return {"visits": visits, "summary": summary}


# ---------------------------------------------------------------- quarter

@dataclass(slots=True)
class QuarterFigures:
    """What the quarterly team report (工作队季度工作报告) counts for one quarter."""

    start: dt.date
    end: dt.date
    households: int = 0
    visits: int = 0
    households_visited: int = 0
    coverage: float = 0.0
    villages: list[dict[str, Any]] = field(default_factory=list)  # per village: visits, coverage
    deliveries: dict[str, dict[str, int]] = field(default_factory=dict)  # category → counts
    assistance: dict[str, dict[str, float]] = field(default_factory=dict)  # measure → counts
    needs_raised: int = 0
    needs_resolved: int = 0
    needs_open_at_end: int = 0
    median_days_to_resolve: float | None = None
    needs_by_category: dict[str, dict[str, int]] = field(default_factory=dict)
    trainings: int = 0
    training_attendees: int = 0
    training_hours: float = 0.0
    training_participants: int = 0  # household members listed as taking part
    training_certificates: int = 0  # certificates they obtained (人人持证)


def quarter_figures(store: Store, scope: Scope, start: dt.date, end: dt.date) -> QuarterFigures:
    """Visits, ten-deliveries actions, assistance, urgent needs and trainings in a quarter."""
    out = QuarterFigures(start, end)
    span = [start.isoformat(), end.isoformat()]
    hwhere, hparams = scope.village_filter("h.village_id")
    with store.read() as cur:
        per_village = {r["id"]: {"code": r["code"], "name": r["name"], "households": r["n"],
                                 "visited": 0, "visits": 0}
                       for r in cur.execute(
                           f"SELECT v.id, v.code, v.name, count(h.id) AS n FROM area v "
                           f"JOIN household h ON h.village_id = v.id AND h.deleted = 0 "
                           f"WHERE {hwhere} GROUP BY v.id ORDER BY v.code", hparams)}
        for vid, visited, visits in cur.execute(
                f"SELECT h.village_id, count(DISTINCT vh.household_id), count(DISTINCT v.id) "
                f"FROM visit v JOIN visit_household vh ON vh.visit_id = v.id AND vh.deleted = 0 "
                f"JOIN household h ON h.id = vh.household_id "
                f"WHERE v.deleted = 0 AND v.visit_date BETWEEN ? AND ? AND h.deleted = 0 "
                f"AND {hwhere} GROUP BY h.village_id", [*span, *hparams]):
            if vid in per_village:
                per_village[vid]["visited"] = visited
                per_village[vid]["visits"] = visits
        for row in per_village.values():
            row["coverage"] = rules.visit_coverage(row["visited"], row["households"])
        out.villages = list(per_village.values())
        out.households = sum(r["households"] for r in out.villages)
        out.households_visited = sum(r["visited"] for r in out.villages)
        out.coverage = rules.visit_coverage(out.households_visited, out.households)
        out.visits = cur.execute(
            f"SELECT count(DISTINCT v.id) FROM visit v "
            f"JOIN visit_household vh ON vh.visit_id = v.id AND vh.deleted = 0 "
            f"JOIN household h ON h.id = vh.household_id "
            f"WHERE v.deleted = 0 AND v.visit_date BETWEEN ? AND ? AND {hwhere}",
            [*span, *hparams]).fetchone()[0]

        dwhere, dparams = scope.village_filter("a.village_id")
        out.deliveries = {c: {"actions": 0, "people": 0, "households": 0}
                          for c in cat.DELIVERY_CATEGORIES.codes()}
        for category, actions, people in cur.execute(
                f"SELECT a.category, count(*), coalesce(sum(a.people_reached), 0) "
                f"FROM delivery_action a WHERE a.deleted = 0 AND a.action_date BETWEEN ? AND ? "
                f"AND {dwhere} GROUP BY a.category", [*span, *dparams]):
            out.deliveries.setdefault(category, {"actions": 0, "people": 0, "households": 0})
            out.deliveries[category].update(actions=actions, people=people)
        for category, n in cur.execute(
                f"SELECT a.category, count(DISTINCT b.household_id) FROM delivery_action a "
                f"JOIN delivery_beneficiary b ON b.action_id = a.id AND b.deleted = 0 "
                f"WHERE a.deleted = 0 AND a.action_date BETWEEN ? AND ? AND {dwhere} "
                f"GROUP BY a.category", [*span, *dparams]):
            out.deliveries[category]["households"] = n

        out.assistance = {m: {"records": 0, "households": 0, "amount": 0.0}
                          for m in cat.MEASURE_KINDS.codes()}
        for kind, records, households, amount in cur.execute(
                f"SELECT r.measure_kind, count(*), count(DISTINCT r.household_id), "
                f"coalesce(sum(r.amount), 0) FROM assistance_record r "
                f"JOIN household h ON h.id = r.household_id "
                f"WHERE r.deleted = 0 AND r.record_date BETWEEN ? AND ? AND {hwhere} "
                f"GROUP BY r.measure_kind", [*span, *hparams]):
            out.assistance[kind] = {"records": records, "households": households,
                                    "amount": float(amount)}

        out.needs_by_category = {c: {"raised": 0, "resolved": 0}
                                 for c in cat.URGENT_NEED_CATEGORIES.codes()}
        days: list[float] = []
        for r in cur.execute(
                f"SELECT u.category, u.raised_on, u.resolved_on, u.status FROM urgent_need u "
                f"JOIN household h ON h.id = u.household_id "
                f"WHERE u.deleted = 0 AND u.raised_on <= ? AND {hwhere} "
                f"AND (u.raised_on >= ? OR u.resolved_on IS NULL OR u.resolved_on >= ?)",
                [span[1], *hparams, span[0], span[0]]):
            raised = dt.date.fromisoformat(r["raised_on"])
            resolved = (dt.date.fromisoformat(r["resolved_on"])
                        if r["resolved_on"] and r["status"] == "resolved" else None)
            counts = out.needs_by_category.setdefault(r["category"], {"raised": 0, "resolved": 0})
            if raised >= start:
                out.needs_raised += 1
                counts["raised"] += 1
            if resolved is not None and start <= resolved <= end:
                out.needs_resolved += 1
                counts["resolved"] += 1
                days.append((resolved - raised).days)
            if resolved is None or resolved > end:
                out.needs_open_at_end += 1
        out.median_days_to_resolve = statistics.median(days) if days else None

        twhere, tparams = scope.village_filter("ta.area_id")
        row = cur.execute(
            f"SELECT count(*), coalesce(sum(attendees), 0), coalesce(sum(hours), 0) "
            f"FROM training t WHERE t.deleted = 0 AND t.training_date BETWEEN ? AND ? "
            f"AND t.team_id IN (SELECT ta.team_id FROM team_area ta "
            f"WHERE ta.deleted = 0 AND {twhere})", [*span, *tparams]).fetchone()
        out.trainings, out.training_attendees, out.training_hours = row[0], row[1], float(row[2])
        out.training_participants, out.training_certificates = cur.execute(
            f"SELECT count(*), coalesce(sum(p.certificate <> ''), 0) FROM training_participant p "
            f"JOIN training t ON t.id = p.training_id "
            f"WHERE p.deleted = 0 AND t.deleted = 0 AND t.training_date BETWEEN ? AND ? "
            f"AND t.team_id IN (SELECT ta.team_id FROM team_area ta "
            f"WHERE ta.deleted = 0 AND {twhere})", [*span, *tparams]).fetchone()
    return out


# ---------------------------------------------------------------- wall charts

def teams_and_cadres(store: Store, scope: Scope, *, full_phone: bool = False,
                     today: dt.date | None = None) -> list[dict[str, Any]]:
    """The teams working in the scope, each with its villages and the cadres in post
    ``today`` (phones masked unless ``full_phone``)."""
    day = (today or dt.date.today()).isoformat()
    where, params = scope.village_filter("ta.area_id")
    with store.read() as cur:
        teams: dict[str, dict[str, Any]] = {}
        for r in cur.execute(
                f"SELECT t.id, t.name, t.unit, t.started_on, a.name AS village FROM team t "
                f"JOIN team_area ta ON ta.team_id = t.id AND ta.deleted = 0 "
                f"JOIN area a ON a.id = ta.area_id "
                f"WHERE t.deleted = 0 AND {where} ORDER BY a.code", params):
            team = teams.setdefault(r["id"], {"name": r["name"], "unit": r["unit"],
                                              "started_on": r["started_on"], "villages": [],
                                              "cadres": []})
            team["villages"].append(r["village"])
        order = {code: i for i, code in enumerate(cat.CADRE_ROLES.codes())}
        for tid, team in teams.items():
            rows = cur.execute("SELECT name, role, phone FROM cadre WHERE team_id = ? "
                               "AND deleted = 0 AND (ended_on IS NULL OR ended_on > ?)",
                               (tid, day)).fetchall()
            rows.sort(key=lambda r: (order.get(r["role"], 99), r["name"]))
            team["cadres"] = [{"name": r["name"], "role": r["role"],
                               "role_label": cat.CADRE_ROLES.label(r["role"]),
                               "phone": r["phone"] if full_phone else phone.mask(r["phone"])}
                              for r in rows]
    return list(teams.values())


def village_rows(store: Store, scope: Scope) -> list[dict[str, Any]]:
    """Per village or community in the scope: households, people, relocated, monitored."""
    where, params = scope.village_filter("h.village_id")
    with store.read() as cur:
        return [dict(r) for r in cur.execute(
            f"SELECT v.code, v.name, v.level, count(*) AS households, "
            f"coalesce(sum(f.member_count), 0) AS people, sum(h.relocated) AS relocated, "
            f"sum(h.monitoring_status = 'monitored') AS monitored, "
            f"avg(f.per_capita_income) AS per_capita_income "
            f"FROM household h JOIN area v ON v.id = h.village_id "
            f"LEFT JOIN household_facts f ON f.household_id = h.id "
            f"WHERE h.deleted = 0 AND {where} GROUP BY v.id ORDER BY v.code", params)]


_MONITORING_ORDER = {"monitored": 0, "observation": 1, "removed": 2}


def monitoring_rows(store: Store, scope: Scope) -> list[dict[str, Any]]:
    """Every household under monitoring (监测对象, 观测对象, 风险已消除) with its risk, the
    assistance measures taken, who is responsible (帮扶责任人) and its status."""
    where, params = scope.village_filter("h.village_id")
    with store.read() as cur:
        rows = [dict(r) for r in cur.execute(
            f"SELECT h.id, h.number, h.head_name, h.monitoring_status, h.risk_kind, "
            f"h.monitoring_since, h.risk_removed_on, v.name AS village_name, "
            f"f.member_count, f.per_capita_income, f.observation FROM household h "
            f"JOIN area v ON v.id = h.village_id "
            f"LEFT JOIN household_facts f ON f.household_id = h.id "
            f"WHERE h.deleted = 0 AND {where} AND h.monitoring_status != 'none' "
            f"ORDER BY v.code, h.number", params)]
        measures: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for chunk in _chunks([r["id"] for r in rows]):
            marks = ",".join("?" * len(chunk))
            for r in cur.execute(
                    f"SELECT a.household_id, a.measure_kind, a.content, a.status, a.record_date, "
                    f"c.name AS cadre FROM assistance_record a LEFT JOIN cadre c ON c.id = a.cadre_id "
                    f"WHERE a.deleted = 0 AND a.household_id IN ({marks}) "
                    f"ORDER BY a.record_date DESC", chunk):
                measures[r["household_id"]].append(dict(r))
    for row in rows:
        taken = measures[row["id"]]
        row["measures"] = [{"kind_label": cat.MEASURE_KINDS.label(m["measure_kind"]),
                            "content": m["content"],
                            "status_label": cat.ASSISTANCE_STATUSES.label(m["status"])}
                           for m in taken]
        # The responsible person is whoever recorded the latest measure (newest first).
        row["responsible"] = list(dict.fromkeys(m["cadre"] for m in taken if m["cadre"]))
        row["status_label"] = cat.MONITORING_STATUSES.label(row["monitoring_status"])
        row["risk_label"] = cat.RISK_KINDS.label(row["risk_kind"])
        row["open_measures"] = sum(m["status"] != "done" for m in taken)
    rows.sort(key=lambda r: _MONITORING_ORDER.get(r["monitoring_status"], 9))
    return rows


# ---------------------------------------------------------------- rights

def rights_issues(store: Store, scope: Scope) -> dict[str, Any]:
    """Relocated households whose rights ledger has a right missing, with no one in
    charge, a problem or still in progress, with those items; plus counts."""
    where, params = scope.village_filter("h.village_id")
    with store.read() as cur:
        relocated = [dict(r) for r in cur.execute(
            f"SELECT h.id, h.number, h.head_name, h.resettlement_site, h.origin_village, "
            f"v.name AS village_name FROM household h JOIN area v ON v.id = h.village_id "
            f"WHERE h.deleted = 0 AND h.relocated = 1 AND {where} ORDER BY v.code, h.number",
            params)]
        households = []
        counts = {"missing": 0, "unassigned": 0, "problem": 0, "in_progress": 0}
        for h in relocated:
            items = []
            for item in rights_ledger(cur, h["id"]):
                kinds = []
                if item["missing"]:
                    kinds.append("missing")
                elif not item["responsible"] or item["status"] is None:
                    kinds.append("unassigned")
                if item["status"] in ("problem", "in_progress"):
                    kinds.append(item["status"])
                if kinds:
                    for k in kinds:
                        counts[k] += 1
                    items.append({**item, "issues": kinds,
                                  "side_label": cat.RIGHT_SIDES.label(item["side"])})
            if items:
                households.append({**h, "items": items})
    return {"relocated": len(relocated), "households": households, "counts": counts,
            "items": sum(len(h["items"]) for h in households)}
