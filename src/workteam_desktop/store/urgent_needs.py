"""Urgent needs (急难愁盼) raised on visits: list them, resolve them.

A need stays open until it is resolved; the list shows open ones first (the most overdue
at the top) and measures how long each has been open, or took to resolve.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..domain import catalogues as cat
from ..domain.problems import DomainError, Problem
from .households import find_household_id
from .models import UrgentNeed
from .store import Store
from .visits import household_match

UNRESOLVED = "unresolved"
"""A status filter meaning every need not yet resolved (待解决 and 办理中)."""


@dataclass(frozen=True, slots=True)
class NeedFilter:
    """Which urgent needs a list shows. Empty fields do not filter.

    ``status`` is a code of URGENT_NEED_STATUSES or :data:`UNRESOLVED`.
    """

    status: str | None = None
    village_id: str | None = None
    search: str = ""  # the household's head, number, ID number or phone
    household: str | None = None  # one household's id or number


_COLUMNS = """
    u.id, u.household_id, u.visit_id, u.category, u.text, u.raised_on, u.due_date,
    u.status, u.resolved_on, u.resolution, h.number AS household_number,
    h.head_name, a.name AS village_name
"""
_FROM = """
    FROM urgent_need u
    JOIN household h ON h.id = u.household_id
    LEFT JOIN area a ON a.id = h.village_id
"""
# Open needs first, the earliest due at the top (no due date last); then resolved ones,
# the most recently resolved first.
_ORDER = """
    u.status = 'resolved',
    CASE WHEN u.status != 'resolved' THEN coalesce(u.due_date, '9999-12-31') END,
    u.resolved_on DESC, u.raised_on DESC, u.id
"""


def _where(cur: Any, flt: NeedFilter) -> tuple[str, list[Any]]:
    clauses, params = ["u.deleted = 0"], []
    if flt.status == UNRESOLVED:
        clauses.append("u.status != 'resolved'")
    elif flt.status:
        if flt.status not in cat.URGENT_NEED_STATUSES:
            raise ValueError(f"unknown urgent need status {flt.status}")
        clauses.append("u.status = ?")
        params.append(flt.status)
    if flt.village_id:
        clauses.append("h.village_id = ?")
        params.append(flt.village_id)
    if flt.household:
        clauses.append("u.household_id = ?")
        params.append(find_household_id(cur, flt.household))
    text = flt.search.strip()
    if text:
        match, match_params = household_match(text)
        clauses.append(f"u.household_id IN ({match})")
        params += match_params
    return " AND ".join(clauses), params


def _item(row: Any, today: dt.date, lang: str) -> dict[str, Any]:
    need = dict(row)
    raised = dt.date.fromisoformat(need["raised_on"])
    due = dt.date.fromisoformat(need["due_date"]) if need["due_date"] else None
    resolved = dt.date.fromisoformat(need["resolved_on"]) if need["resolved_on"] else None
    is_open = need["status"] != "resolved"
    need["category_label"] = cat.URGENT_NEED_CATEGORIES.label(need["category"], lang)
    need["status_label"] = cat.URGENT_NEED_STATUSES.label(need["status"], lang)
    need["open"] = is_open
    need["overdue"] = is_open and due is not None and due < today
    # Days open so far, or the days it took to resolve (时长, measured for assessment).
    end = today if is_open or resolved is None else resolved
    need["days_open"] = max(0, (end - raised).days)
    return need


def list_urgent_needs(store: Store, status: str | None = None, *, village_id: str | None = None,
                      search: str = "", household: str | None = None, limit: int | None = None,
                      offset: int = 0, today: dt.date | None = None,
                      lang: str = "zh") -> list[dict[str, Any]]:
    """Urgent needs, open ones first (earliest due at the top), one page.

    ``status`` is a status code or :data:`UNRESOLVED`; ``household`` an id or number. Each
    row has the need's fields, ``household_number``, ``head_name``, ``village_name``,
    ``category_label``, ``status_label``, ``open``, ``overdue`` (open and past its due
    date) and ``days_open`` (so far, or until it was resolved).
    """
    today = today or dt.date.today()
    flt = NeedFilter(status, village_id, search, household)
    with store.read() as cur:
        where, params = _where(cur, flt)
        sql = f"SELECT {_COLUMNS} {_FROM} WHERE {where} ORDER BY {_ORDER}"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [int(limit), int(offset)]
        return [_item(r, today, lang) for r in cur.execute(sql, params)]


@dataclass(frozen=True, slots=True)
class NeedCounts:
    """How many needs a filter selects, how many of them are unresolved and overdue."""

    total: int
    unresolved: int
    overdue: int


def count_urgent_needs(store: Store, status: str | None = None, *, village_id: str | None = None,
                       search: str = "", household: str | None = None,
                       today: dt.date | None = None) -> NeedCounts:
    """Count the needs the same arguments as :func:`list_urgent_needs` select."""
    today = today or dt.date.today()
    flt = NeedFilter(status, village_id, search, household)
    with store.read() as cur:
        where, params = _where(cur, flt)
        row = cur.execute(
            f"SELECT count(*), coalesce(sum(u.status != 'resolved'), 0), "
            f"coalesce(sum(u.status != 'resolved' AND u.due_date < ?), 0) {_FROM} "
            f"WHERE {where}", [today.isoformat(), *params]).fetchone()
    return NeedCounts(*row)


def get_urgent_need(store: Store, need_id: str, *, today: dt.date | None = None,
                    lang: str = "zh") -> dict[str, Any]:
    """One need as :func:`list_urgent_needs` shows it; LookupError if there is none."""
    with store.read() as cur:
        row = cur.execute(f"SELECT {_COLUMNS} {_FROM} WHERE u.id = ? AND u.deleted = 0",
                          (need_id,)).fetchone()
    if row is None:
        raise LookupError(f"urgent_need {need_id} does not exist")
    return _item(row, today or dt.date.today(), lang)


def resolve_urgent_need(store: Store, need_id: str, resolution: str,
                        resolved_on: dt.date | None = None, user: str | None = None) -> dict[str, Any]:
    """Mark a need resolved, with what was done and when (default today), through the
    write path. Returns the need as listed. Refuses an empty resolution and a date
    before the need was raised."""
    resolution = resolution.strip()
    resolved_on = resolved_on or dt.date.today()
    if not resolution:
        raise DomainError(Problem("field.required", {"field": "解决情况"}), "resolution")
    with store.write(user) as w:
        row = w.cursor.execute("SELECT raised_on FROM urgent_need WHERE id = ? AND deleted = 0",
                               (need_id,)).fetchone()
        if row is None:
            raise LookupError(f"urgent_need {need_id} does not exist")
        raised = dt.date.fromisoformat(row[0])
        if resolved_on < raised:
            raise DomainError(Problem("date.range", {"start": raised, "end": resolved_on}),
                              "resolved_on")
        w.update(UrgentNeed, need_id, {"status": "resolved", "resolved_on": resolved_on,
                                       "resolution": resolution})
    return get_urgent_need(store, need_id)


def set_urgent_need_status(store: Store, need_id: str, status: str,
                           user: str | None = None) -> bool:
    """Move a need to 待解决 or 办理中 (resolving takes :func:`resolve_urgent_need`);
    returns False when it already had that status."""
    if status not in cat.URGENT_NEED_STATUSES or status == "resolved":
        raise ValueError(f"use resolve_urgent_need to resolve; not a status: {status}")
    with store.write(user) as w:
        return w.update(UrgentNeed, need_id, {"status": status, "resolved_on": None,
                                              "resolution": ""})
