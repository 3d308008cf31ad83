"""Visit operations: log a visit with its urgent needs and photos, list and count visits,
and the look-ups the visit form needs (households and cadres to pick).

Lists page in SQL (``LIMIT``/``OFFSET``) so a county's visits are never loaded whole.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..domain import catalogues as cat
from ..domain import idnumber
from ..domain.fields import parse_time
from ..domain.problems import DomainError, Problem
from . import sqlite
from .attachments import add_attachment
from .households import MIN_FTS_QUERY, find_household_id
from .models import UrgentNeed, Visit, VisitCadre, VisitHousehold
from .store import Store


@dataclass(slots=True)
class UrgentNeedInput:
    """An urgent need (急难愁盼) raised on a visit."""

    text: str
    category: str = "other"
    due_date: dt.date | None = None
    status: str = "open"  # URGENT_NEED_STATUSES; "resolved" when settled on the spot
    household: str | None = None  # id or number; None: the visit's first household
    resolution: str = ""


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
    photos: list[str] = field(default_factory=list)  # files on disk, copied on save
    # The cadre confirmed a date before the team's start (or over a year back): see
    # :func:`check_early_date`.
    early_date_confirmed: bool = False


EARLY_CODES = ("visit.before_team_start", "visit.long_ago")
"""Problems that ask the cadre to confirm rather than refuse (a visit logged late)."""
LONG_AGO_DAYS = 366  # ask before anything older than a year (or the team start)


def check_early_date(cur: sqlite.Cursor, visit_date: dt.date,
                     today: dt.date | None = None) -> None:
    """Ask (raise one of :data:`EARLY_CODES`) before a visit dated before the work team
    arrived (the earliest 进驻日期 in the store) when that is over a year back, or else
    before anything more than a year back: ``1999-01-01`` is a slip of the keyboard far
    more often than a visit found in an old notebook. A team set up in the program today
    (its 进驻日期 then says today) still logs last month's visits without a question."""
    today = today or dt.date.today()
    year_ago = today - dt.timedelta(days=LONG_AGO_DAYS)
    row = cur.execute("SELECT min(started_on) FROM team WHERE deleted = 0 "
                      "AND started_on IS NOT NULL").fetchone()
    start = dt.date.fromisoformat(str(row[0])[:10]) if row and row[0] else None
    if start is not None and start < year_ago:
        if visit_date < start:
            raise DomainError(Problem("visit.before_team_start",
                                      {"date": visit_date, "start": start}), "visit_date")
    elif visit_date < year_ago:
        raise DomainError(Problem("visit.long_ago", {"date": visit_date}), "visit_date")


def check_visit(visit: VisitInput) -> None:
    """Refuse a visit that cannot be saved (raises :class:`DomainError` naming the field)."""
    if not visit.households:
        raise DomainError(Problem("field.required", {"field": "走访的农户"}), "households")
    if not visit.purpose.strip():
        raise DomainError(Problem("field.required", {"field": "走访事由"}), "purpose")
    today = dt.date.today()
    if visit.visit_date > today:
        raise DomainError(Problem("visit.in_future", {"date": visit.visit_date, "today": today}),
                          "visit_date")
    try:
        parse_time(visit.visit_time)
    except ValueError:
        raise DomainError(Problem("visit.time_invalid", {"value": visit.visit_time}),
                          "visit_time") from None
    if visit.follow_up_date is not None and visit.follow_up_date < visit.visit_date:
        raise DomainError(Problem("visit.follow_up_before", {
            "visit": visit.visit_date, "follow_up": visit.follow_up_date}), "follow_up_date")
    for need in visit.urgent_needs:
        if need.category not in cat.URGENT_NEED_CATEGORIES:
            raise DomainError(Problem("choice.invalid", {
                "value": need.category, "field": "问题类别",
                "choices": "、".join(e.zh for e in cat.URGENT_NEED_CATEGORIES)}), "urgent_needs")
        if need.status not in cat.URGENT_NEED_STATUSES:
            raise DomainError(Problem("choice.invalid", {
                "value": need.status, "field": "办理状态",
                "choices": "、".join(e.zh for e in cat.URGENT_NEED_STATUSES)}), "urgent_needs")


def find_cadre_id(cur: sqlite.Cursor, key: str) -> str:
    """The id of the cadre whose id or name is ``key``."""
    row = cur.execute("SELECT id FROM cadre WHERE (id = ? OR name = ?) AND deleted = 0 "
                      "ORDER BY id = ? DESC LIMIT 1", (key, key, key)).fetchone()
    if row is None:
        raise DomainError(Problem("cadre.not_found", {"key": key}))
    return row[0]


def add_visit(store: Store, visit: VisitInput, user: str | None = None) -> str:
    """Log a visit, its households, visitors, urgent needs and photos in one transaction.

    Photos are copied into the data home's content store (once per content) and each
    gets an attachment row owned by the visit. Returns the visit's id.
    """
    check_visit(visit)
    visit = dataclasses.replace(visit, visit_time=parse_time(visit.visit_time))  # "930" → 09:30
    with store.write(user) as w:
        cur = w.cursor
        if not visit.early_date_confirmed:
            check_early_date(cur, visit.visit_date)
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
            "household_id": find_household_id(cur, need.household) if need.household
            else household_ids[0],
            "visit_id": visit_id, "category": need.category, "text": need.text.strip(),
            "raised_on": visit.visit_date, "due_date": need.due_date, "status": need.status,
            "resolved_on": visit.visit_date if need.status == "resolved" else None,
            "resolution": need.resolution.strip(),
        } for need in visit.urgent_needs if need.text.strip()])
        for photo in dict.fromkeys(visit.photos):
            add_attachment(w, photo, "visit", visit_id, home=store.home)
    return visit_id


def visits_of_households(cur: sqlite.Cursor, household_ids: Sequence[str] | None = None, *,
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


# ---------------------------------------------------------------- the visit list (GUI)

@dataclass(frozen=True, slots=True)
class VisitFilter:
    """Which visits the list shows. Empty fields do not filter."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    village_id: str | None = None
    search: str = ""  # a household's head, number, ID number or phone



def household_match(text: str) -> tuple[str, list[Any]]:
    """SQL selecting the ids of households whose head, number, ID number or phone
    contains ``text`` (the same matching as the household list's search)."""
    normalized = idnumber.normalize(text)
    if len(normalized) >= MIN_FTS_QUERY:
        phrase = '"' + normalized.replace('"', '""') + '"'
        return ("SELECT id FROM household WHERE deleted = 0 AND rowid IN "
                "(SELECT rowid FROM household_fts WHERE household_fts MATCH ?)", [phrase])
    return ("SELECT id FROM household WHERE deleted = 0 "
            "AND (instr(head_name, ?) > 0 OR instr(number, ?) > 0)", [normalized, normalized])


def _visit_where(flt: VisitFilter) -> tuple[str, list[Any]]:
    if flt.date_from and flt.date_to and flt.date_from > flt.date_to:
        raise DomainError(Problem("date.range", {"start": flt.date_from, "end": flt.date_to}))
    clauses, params = ["v.deleted = 0"], []
    if flt.date_from:
        clauses.append("v.visit_date >= ?")
        params.append(flt.date_from.isoformat())
    if flt.date_to:
        clauses.append("v.visit_date <= ?")
        params.append(flt.date_to.isoformat())
    if flt.village_id:
        clauses.append("v.village_id = ?")
        params.append(flt.village_id)
    text = flt.search.strip()
    if text:
        match, match_params = household_match(text)
        clauses.append(f"v.id IN (SELECT visit_id FROM visit_household WHERE deleted = 0 "
                       f"AND household_id IN ({match}))")
        params += match_params
    return " AND ".join(clauses), params


def list_visit_rows(store: Store, flt: VisitFilter = VisitFilter(), *, limit: int = 100,
                    offset: int = 0, today: dt.date | None = None) -> list[dict[str, Any]]:
    """One page of visits for the visit list, newest first.

    Each row has the visit's fields, ``village_name``, ``households`` (id, number,
    head_name), ``visitors`` (names) and its urgent needs counted: ``needs_total``,
    ``needs_open`` (not resolved) and ``needs_overdue`` (not resolved, past the due date).
    """
    today = today or dt.date.today()
    where, params = _visit_where(flt)
    with store.read() as cur:
        rows = [dict(r) for r in cur.execute(
            f"SELECT v.id, v.visit_date, v.visit_time, v.purpose, v.findings, v.measures, "
            f"v.follow_up_date, a.name AS village_name FROM visit v "
            f"LEFT JOIN area a ON a.id = v.village_id WHERE {where} "
            f"ORDER BY v.visit_date DESC, v.visit_time DESC, v.id DESC LIMIT ? OFFSET ?",
            [*params, int(limit), int(offset)])]
        if not rows:
            return []
        ids = [r["id"] for r in rows]
        marks = ",".join("?" * len(ids))
        households: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in cur.execute(
                f"SELECT vh.visit_id, h.id, h.number, h.head_name FROM visit_household vh "
                f"JOIN household h ON h.id = vh.household_id "
                f"WHERE vh.deleted = 0 AND vh.visit_id IN ({marks}) ORDER BY vh.id", ids):
            households[r[0]].append({"id": r[1], "number": r[2], "head_name": r[3]})
        visitors: dict[str, list[str]] = defaultdict(list)
        for r in cur.execute(
                f"SELECT vc.visit_id, c.name FROM visit_cadre vc JOIN cadre c ON c.id = vc.cadre_id "
                f"WHERE vc.deleted = 0 AND vc.visit_id IN ({marks}) ORDER BY vc.id", ids):
            visitors[r[0]].append(r[1])
        counts = {r[0]: tuple(r[1:]) for r in cur.execute(
            f"SELECT visit_id, count(*), coalesce(sum(status != 'resolved'), 0), "
            f"coalesce(sum(status != 'resolved' AND due_date < ?), 0) FROM urgent_need "
            f"WHERE deleted = 0 AND visit_id IN ({marks}) GROUP BY visit_id",
            [today.isoformat(), *ids])}
    for row in rows:
        row["households"] = households[row["id"]]
        row["visitors"] = visitors[row["id"]]
        row["needs_total"], row["needs_open"], row["needs_overdue"] = counts.get(
            row["id"], (0, 0, 0))
    return rows


@dataclass(frozen=True, slots=True)
class VisitSummary:
    """How many visits a filter selects and how many households they reached."""

    visits: int
    households: int


def visit_summary(store: Store, flt: VisitFilter = VisitFilter()) -> VisitSummary:
    """Count the visits ``flt`` selects and the distinct households they covered."""
    where, params = _visit_where(flt)
    with store.read() as cur:
        visits = cur.execute(f"SELECT count(*) FROM visit v WHERE {where}", params).fetchone()[0]
        households = cur.execute(
            f"SELECT count(DISTINCT vh.household_id) FROM visit_household vh "
            f"JOIN visit v ON v.id = vh.visit_id WHERE vh.deleted = 0 AND {where}",
            params).fetchone()[0]
    return VisitSummary(visits, households)


def visit_villages(store: Store) -> list[dict[str, str]]:
    """Villages and communities (id, code, name) in code order, for the list's filter."""
    with store.read() as cur:
        return [dict(r) for r in cur.execute(
            "SELECT id, code, name FROM area WHERE deleted = 0 "
            "AND level IN ('village', 'community') ORDER BY code")]


# ---------------------------------------------------------------- pick lists (GUI)

def household_choice(store: Store, key: str) -> dict[str, Any] | None:
    """The household whose id or number is ``key`` as a picker shows it, or None."""
    with store.read() as cur:
        try:
            hid = find_household_id(cur, key)
        except DomainError:
            return None
        row = cur.execute(
            "SELECT h.id, h.number, h.head_name, a.name AS village_name FROM household h "
            "JOIN area a ON a.id = h.village_id WHERE h.id = ?", (hid,)).fetchone()
    return dict(row)


def _cadre_rows(cur: sqlite.Cursor, where: str, params: list[Any],
                limit: int | None = None) -> list[dict[str, Any]]:
    sql = (f"SELECT c.id, c.name, c.role, t.name AS team_name FROM cadre c "
           f"LEFT JOIN team t ON t.id = c.team_id WHERE c.deleted = 0 AND {where} "
           f"ORDER BY c.name, c.id")
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    out = []
    for r in cur.execute(sql, params):
        row = dict(r)
        row["role_label"] = cat.CADRE_ROLES.label(row["role"])
        row["team_name"] = row["team_name"] or ""
        out.append(row)
    return out


_SERVING = "(c.ended_on IS NULL OR c.ended_on > ?)"  # in post today (left: ended_on set)


def cadre_choices(store: Store, text: str = "", limit: int = 20, *,
                  serving_only: bool = False) -> list[dict[str, Any]]:
    """Cadres whose name contains ``text`` (all when empty): id, name, role, role_label,
    team_name (at most ``limit``); with ``serving_only`` not those who left (for new
    records: a rotated-out cadre keeps the records they made, but makes no new ones)."""
    text = text.strip()
    where, params = (["instr(c.name, ?) > 0"], [text]) if text else (["1"], [])
    if serving_only:
        where.append(_SERVING)
        params.append(dt.date.today().isoformat())
    with store.read() as cur:
        return _cadre_rows(cur, " AND ".join(where), params, limit)


def cadres_by_ids(store: Store, ids: Sequence[str], *,
                  serving_only: bool = False) -> list[dict[str, Any]]:
    """The cadres ``ids`` that still exist (and with ``serving_only`` are in post), in the
    order given (as cadre_choices)."""
    if not ids:
        return []
    where, params = f"c.id IN ({','.join('?' * len(ids))})", list(ids)
    if serving_only:
        where += f" AND {_SERVING}"
        params.append(dt.date.today().isoformat())
    with store.read() as cur:
        rows = {r["id"]: r for r in _cadre_rows(cur, where, params)}
    return [rows[i] for i in ids if i in rows]
