"""Visit operations: log a visit with its urgent needs, list visits."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..domain import catalogues as cat
from ..domain.problems import DomainError, Problem
from .households import find_household_id
from .models import UrgentNeed, Visit, VisitCadre, VisitHousehold
from .store import Store


@dataclass(slots=True)
class UrgentNeedInput:
    """An urgent need (急难愁盼) raised on a visit."""

    text: str
    category: str = "other"
    due_date: dt.date | None = None


@dataclass(slots=True)
class VisitInput:
    """What a cadre records for a visit."""

    households: list[str]  # ids or household numbers
    visit_date: dt.date
    purpose: str
    findings: str = ""
    measures: str = ""
    visit_time: str = ""
    follow_up_date: dt.date | None = None
    visitors: list[str] = field(default_factory=list)  # cadre names or ids
    urgent_needs: list[UrgentNeedInput] = field(default_factory=list)


def find_cadre_id(cur: sqlite3.Cursor, key: str) -> str:
    """The id of the cadre whose id or name is ``key``."""
    row = cur.execute("SELECT id FROM cadre WHERE (id = ? OR name = ?) AND deleted = 0 "
                      "ORDER BY id = ? DESC LIMIT 1", (key, key, key)).fetchone()
    if row is None:
        raise DomainError(Problem("cadre.not_found", {"key": key}))
    return row[0]


def add_visit(store: Store, visit: VisitInput, user: str | None = None) -> str:
    """Log a visit, its households, visitors and urgent needs in one transaction."""
    if not visit.purpose.strip():
        raise DomainError(Problem("field.required", {"field": "走访事由"}), "purpose")
    with store.write(user) as w:
        cur = w.cursor
        household_ids = list(dict.fromkeys(find_household_id(cur, k) for k in visit.households))
        cadre_ids = list(dict.fromkeys(find_cadre_id(cur, k) for k in visit.visitors))
        village = cur.execute("SELECT village_id FROM household WHERE id = ?",
                              (household_ids[0],)).fetchone()[0]
        [visit_id] = w.insert(Visit, [{
            "visit_date": visit.visit_date, "visit_time": visit.visit_time,
            "village_id": village, "purpose": visit.purpose.strip(),
            "findings": visit.findings.strip(), "measures": visit.measures.strip(),
            "follow_up_date": visit.follow_up_date,
        }])
        w.insert(VisitHousehold, [{"visit_id": visit_id, "household_id": h}
                                  for h in household_ids])
        w.insert(VisitCadre, [{"visit_id": visit_id, "cadre_id": c} for c in cadre_ids])
        w.insert(UrgentNeed, [{
            "household_id": household_ids[0], "visit_id": visit_id, "category": need.category,
            "text": need.text.strip(), "raised_on": visit.visit_date, "due_date": need.due_date,
        } for need in visit.urgent_needs if need.text.strip()])
    return visit_id


def visits_of_households(cur: sqlite3.Cursor, household_ids: Sequence[str] | None = None, *,
                         date_from: dt.date | None = None, date_to: dt.date | None = None,
                         limit: int | None = None) -> list[dict[str, Any]]:
    """Visits (newest first), optionally of some households and within dates."""
    clauses, params = ["v.deleted = 0"], []
    if household_ids is not None:
        marks = ",".join("?" * len(household_ids))
        clauses.append(f"v.id IN (SELECT visit_id FROM visit_household WHERE deleted = 0 "
                       f"AND household_id IN ({marks}))")
        params += list(household_ids)
    if date_from:
        clauses.append("v.visit_date >= ?")
        params.append(date_from.isoformat())
    if date_to:
        clauses.append("v.visit_date <= ?")
        params.append(date_to.isoformat())
    sql = (f"SELECT v.id, v.visit_date, v.visit_time, v.purpose, v.findings, v.measures, "
           f"v.follow_up_date FROM visit v WHERE {' AND '.join(clauses)} "
           f"ORDER BY v.visit_date DESC, v.visit_time DESC")
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    visits = [dict(r) for r in cur.execute(sql, params)]
    if not visits:
        return []
    ids = [v["id"] for v in visits]
    households: dict[str, list[dict[str, Any]]] = defaultdict(list)
    visitors: dict[str, list[str]] = defaultdict(list)
    needs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for r in cur.execute(
                f"SELECT vh.visit_id, h.id, h.number, h.head_name FROM visit_household vh "
                f"JOIN household h ON h.id = vh.household_id "
                f"WHERE vh.deleted = 0 AND vh.visit_id IN ({marks})", chunk):
            households[r[0]].append({"id": r[1], "number": r[2], "head_name": r[3]})
        for r in cur.execute(
                f"SELECT vc.visit_id, c.name FROM visit_cadre vc JOIN cadre c ON c.id = vc.cadre_id "
                f"WHERE vc.deleted = 0 AND vc.visit_id IN ({marks})", chunk):
            visitors[r[0]].append(r[1])
        for r in cur.execute(
                f"SELECT id, visit_id, category, text, due_date, status, resolved_on "
                f"FROM urgent_need WHERE deleted = 0 AND visit_id IN ({marks})", chunk):
            needs[r["visit_id"]].append({
                "id": r["id"], "category": r["category"],
                "category_label": cat.URGENT_NEED_CATEGORIES.label(r["category"]),
                "text": r["text"], "due_date": r["due_date"], "status": r["status"],
                "status_label": cat.URGENT_NEED_STATUSES.label(r["status"]),
                "resolved_on": r["resolved_on"]})
    for v in visits:
        v["households"] = households[v["id"]]
        v["visitors"] = visitors[v["id"]]
        v["urgent_needs"] = needs[v["id"]]
    return visits


def list_visits(store: Store, *, household: str | None = None,
                date_from: dt.date | None = None, date_to: dt.date | None = None,
                limit: int | None = None) -> list[dict[str, Any]]:
    """Visits, newest first, of one household (id or number) or all, within dates."""
    if date_from and date_to and date_from > date_to:
        raise DomainError(Problem("date.range", {"start": date_from, "end": date_to}))
    with store.read() as cur:
        ids = [find_household_id(cur, household)] if household else None
        return visits_of_households(cur, ids, date_from=date_from, date_to=date_to, limit=limit)
