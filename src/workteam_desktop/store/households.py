"""Household operations: list, search, show and change households.

Plain functions over a :class:`Store`, called by the CLI, the GUI (off its thread) and
tests alike. Lists filter, sort and page in SQL so a county of 200,000 households never
has to be loaded whole.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..domain import catalogues as cat
from ..domain import fields, idnumber, phone, rules
from ..domain.problems import DomainError, Problem
from . import sqlite
from .store import Store
from .writer import Writer

_LIST_COLUMNS = """
    h.id, h.number, h.head_name, h.id_number, h.phone, h.type, h.monitoring_status,
    h.relocated, h.form_updated_on, v.code AS village_code, v.name AS village_name,
    g.name AS grid_name, f.per_capita_income, f.income_year, f.member_count,
    f.observation, f.zero_employment
"""
_LIST_FROM = """
    FROM household h
    JOIN area v ON v.id = h.village_id
    LEFT JOIN area g ON g.id = h.grid_id
    LEFT JOIN household_facts f ON f.household_id = h.id
"""
# Each sort: its terms as (SQL expression, where NULLs go). Household numbers begin with
# the village code's last six digits, so sorting by number alone keeps a village together
# and lets SQLite walk the number index instead of sorting 200,000 rows for every page.
# Every sort ends with h.number, h.id so that rows never swap places between pages.
SORTS: dict[str, tuple[tuple[str, str], ...]] = {
    "number": (("h.number", ""), ("h.id", "")),
    "head_name": (("h.head_name", ""), ("h.number", ""), ("h.id", "")),
    "income": (("f.per_capita_income", "LAST"), ("h.number", ""), ("h.id", "")),
    "updated": (("h.form_updated_on", "FIRST"), ("h.number", ""), ("h.id", "")),
}
SORT_KEYS = tuple(SORTS)


def order_by(sort: str, descending: bool = False, reverse: bool = False) -> str:
    """The ORDER BY terms of ``sort``.

    ``descending`` (what a user asks for) keeps NULLs where the ascending sort has them:
    no income stays at the end, never updated at the start. ``reverse`` gives the exact
    reverse of that order, for reading a page counted from the end of the list.
    """
    terms = []
    for expr, nulls in SORTS[sort]:
        down = descending != reverse
        if nulls and reverse:
            nulls = "FIRST" if nulls == "LAST" else "LAST"
        term = f"{expr} DESC" if down else expr
        if nulls:
            term += f" NULLS {nulls}"
        terms.append(term)
    return ", ".join(terms)


MIN_FTS_QUERY = 3  # the trigram index needs three characters


@dataclass(frozen=True, slots=True)
class HouseholdFilter:
    """What a household list shows. Empty fields do not filter."""

    village_code: str | None = None
    grid_id: str | None = None
    type: str | None = None
    monitoring_status: str | None = None
    flag: str | None = None  # one of rules.FLAGS
    search: str | None = None


def _fts_phrase(text: str) -> str:
    # A quoted FTS5 phrase: double quotes inside are doubled; the trigram tokenizer then
    # matches the text anywhere in a column.
    return '"' + text.replace('"', '""') + '"'


def _where(flt: HouseholdFilter, today: dt.date, period_days: int) -> tuple[str, list[Any]]:
    clauses = ["h.deleted = 0"]
    params: list[Any] = []
    if flt.village_code:
        # A subquery rather than v.code = ?: it lets the village index narrow the rows
        # and keeps counting free of the area join.
        clauses.append("h.village_id IN (SELECT id FROM area WHERE code = ? AND deleted = 0)")
        params.append(flt.village_code)
    if flt.grid_id:
        clauses.append("h.grid_id = ?")
        params.append(flt.grid_id)
    if flt.type:
        clauses.append("h.type = ?")
        params.append(flt.type)
    if flt.monitoring_status:
        clauses.append("h.monitoring_status = ?")
        params.append(flt.monitoring_status)
    if flt.flag == rules.FLAG_OBSERVATION:
        clauses.append("f.observation = 1")
    elif flt.flag == rules.FLAG_ZERO_EMPLOYMENT:
        clauses.append("f.zero_employment = 1")
    elif flt.flag == rules.FLAG_OVERDUE:
        clauses.append("(h.form_updated_on IS NULL OR h.form_updated_on < ?)")
        params.append(rules.overdue_cutoff(today, period_days).isoformat())
    elif flt.flag:
        raise ValueError(f"unknown flag {flt.flag}")
    text = (flt.search or "").strip()
    if text:
        normalized = idnumber.normalize(text)
        if len(normalized) >= MIN_FTS_QUERY:
            clauses.append("h.rowid IN (SELECT rowid FROM household_fts WHERE household_fts MATCH ?)")
            params.append(_fts_phrase(normalized))
        elif normalized.isascii():
            # One or two digits (a number being typed): common, so a page fills after a
            # few rows of the list.
            clauses.append("(instr(h.number, ?) > 0 OR instr(h.head_name, ?) > 0)")
            params += [normalized, normalized]
        elif len(normalized) == 2:
            # Two Chinese characters (a given name): usually rare, so scanning the list
            # until a page is full would read most of it. Scan the small covering index
            # of names instead (a household number has no Chinese in it).
            clauses.append("h.rowid IN (SELECT rowid FROM household INDEXED BY "
                           "ix_household_head_name WHERE instr(head_name, ?) > 0)")
            params.append(normalized)
        else:
            # One Chinese character (a surname): common, the page fills quickly.
            clauses.append("instr(h.head_name, ?) > 0")
            params.append(normalized)
    return " AND ".join(clauses), params


def household_flags(row: Mapping[str, Any], today: dt.date, period_days: int) -> list[str]:
    """The rule flags that hold for a household row of a list."""
    flags = []
    if row["observation"]:
        flags.append(rules.FLAG_OBSERVATION)
    if row["zero_employment"]:
        flags.append(rules.FLAG_ZERO_EMPLOYMENT)
    updated = row["form_updated_on"]
    if rules.is_form_overdue(dt.date.fromisoformat(updated) if updated else None, today,
                             period_days):
        flags.append(rules.FLAG_OVERDUE)
    return flags


def _list_item(row: sqlite.Row, today: dt.date, period_days: int) -> dict[str, Any]:
    return {
        "id": row["id"],
        "number": row["number"],
        "head_name": row["head_name"],
        "village": row["village_code"],
        "village_name": row["village_name"],
        "grid_name": row["grid_name"],
        "type": row["type"],
        "type_label": cat.HOUSEHOLD_TYPES.label(row["type"]),
        "monitoring_status": row["monitoring_status"],
        "monitoring_status_label": cat.MONITORING_STATUSES.label(row["monitoring_status"]),
        "relocated": bool(row["relocated"]),
        "member_count": row["member_count"] or 0,
        "income_year": row["income_year"],
        "per_capita_income": row["per_capita_income"],
        "flags": household_flags(row, today, period_days),
        "id_number_masked": idnumber.mask(row["id_number"]),
        "phone_masked": phone.mask(row["phone"]),
        "form_updated_on": row["form_updated_on"],
    }


def list_sql(flt: HouseholdFilter, *, sort: str = "number", descending: bool = False,
             limit: int | None = None, offset: int = 0,
             after: tuple[str, str] | None = None, from_end: bool = False,
             today: dt.date | None = None,
             period_days: int = rules.DEFAULT_FORM_PERIOD_DAYS) -> tuple[str, list[Any]]:
    """The SQL and parameters :func:`list_households` runs (tests read its query plan).

    With ``from_end`` the rows come in reverse order, ``offset`` counted from the end.
    """
    where, params = _where(flt, today or dt.date.today(), period_days)
    if after is not None:
        if sort != "number":
            raise ValueError("keyset paging (after) needs the number sort")
        # (number, id) past the previous page's last row: the number index starts right
        # there instead of stepping over every row before it as OFFSET would.
        where += " AND (h.number, h.id) " + ("<" if descending else ">") + " (?, ?)"
        params += list(after)
    if after is not None and from_end:
        raise ValueError("after and from_end do not go together")
    order = order_by(sort, descending, reverse=from_end)
    sql = f"SELECT {_LIST_COLUMNS} {_LIST_FROM} WHERE {where} ORDER BY {order}"
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [limit, offset]
    return sql, params


def list_households(
    store: Store,
    flt: HouseholdFilter = HouseholdFilter(),
    *,
    sort: str = "number",
    descending: bool = False,
    limit: int | None = None,
    offset: int = 0,
    after: tuple[str, str] | None = None,
    from_end: bool = False,
    today: dt.date | None = None,
    period_days: int = rules.DEFAULT_FORM_PERIOD_DAYS,
) -> list[dict[str, Any]]:
    """Households matching ``flt``, sorted, one page (all when ``limit`` is None).

    ``sort`` is one of :data:`SORT_KEYS`. With the number sort, ``after`` (the number and
    id of the previous page's last row) continues the list from there (keyset paging:
    as cheap at row 199,800 as at row 0); ``offset`` then counts from that row.
    With ``from_end``, ``offset`` counts from the end of the list (a page near the end
    is then as cheap as one near the start); the rows still come in list order.
    """
    today = today or dt.date.today()
    sql, params = list_sql(flt, sort=sort, descending=descending, limit=limit, offset=offset,
                           after=after, from_end=from_end, today=today,
                           period_days=period_days)
    with store.read() as cur:
        rows = [_list_item(r, today, period_days) for r in cur.execute(sql, params)]
    if from_end:
        rows.reverse()
    return rows


def count_sql(flt: HouseholdFilter, *, today: dt.date | None = None,
              period_days: int = rules.DEFAULT_FORM_PERIOD_DAYS) -> tuple[str, list[Any]]:
    """The SQL and parameters :func:`count_households` runs."""
    where, params = _where(flt, today or dt.date.today(), period_days)
    # No area joins (the filter names villages by subquery), and the facts join only when
    # a flag filter needs it: counting 200,000 rows should not look up 200,000 facts.
    join = " JOIN household_facts f ON f.household_id = h.id" if "f." in where else ""
    return f"SELECT count(*) FROM household h{join} WHERE {where}", params


def count_households(store: Store, flt: HouseholdFilter = HouseholdFilter(), *,
                     today: dt.date | None = None,
                     period_days: int = rules.DEFAULT_FORM_PERIOD_DAYS) -> int:
    """How many households match ``flt``."""
    sql, params = count_sql(flt, today=today, period_days=period_days)
    with store.read() as cur:
        return cur.execute(sql, params).fetchone()[0]


def find_household_id(cur: sqlite.Cursor, key: str) -> str:
    """The id of the household whose id, household number or (when only one household has
    it) head's name is ``key``."""
    key = key.strip()
    row = cur.execute("SELECT id FROM household WHERE id = ? AND deleted = 0", (key,)).fetchone()
    if row:
        return row[0]
    rows = cur.execute("SELECT id FROM household WHERE number = ? AND deleted = 0",
                       (key,)).fetchall()
    if len(rows) > 1:
        raise DomainError(Problem("household.ambiguous", {"key": key}))
    if rows:
        return rows[0][0]
    # A head's name, as a cadre says it: fine when one household has it.
    named = cur.execute("SELECT id, number FROM household WHERE head_name = ? AND deleted = 0 "
                        "ORDER BY number LIMIT 6", (key,)).fetchall()
    if not named:
        raise DomainError(Problem("household.not_found", {"key": key}))
    if len(named) > 1:
        shown = "、".join(r[1] for r in named[:5]) + ("…" if len(named) > 5 else "")
        raise DomainError(Problem("household.ambiguous_name", {"key": key, "candidates": shown}))
    return named[0][0]


def village_id_for_code(cur: sqlite.Cursor, code: str) -> str:
    """The id of the village or community with administrative code ``code``."""
    row = cur.execute(
        "SELECT id FROM area WHERE code = ? AND level IN ('village', 'community') AND deleted = 0",
        (code.strip(),)).fetchone()
    if row is None:
        raise DomainError(Problem("village.not_found", {"key": code}))
    return row[0]


def set_household_fields(store: Store, key: str, assignments: Mapping[str, str],
                         user: str | None = None) -> dict[str, Any]:
    """Set household fields from typed text (``{"phone": "138…"}``), validated, logged.

    Every value is parsed before anything is written: one bad value writes nothing.
    ``village`` takes a village code. A new ``id_number`` also goes to the head member
    when the head's number was the household's old one. Returns the fields changed.
    """
    parsed, village_code = parse_household_assignments(assignments)
    with store.write(user) as w:
        household_id = find_household_id(w.cursor, key)
        return write_household_fields(w, household_id, parsed, village_code)


def parse_household_assignments(
        assignments: Mapping[str, str]) -> tuple[dict[str, Any], str | None]:
    """Typed text per field, parsed: (values to store, village code or None).

    Raises :class:`DomainError` for the first bad value, naming the field.
    """
    parsed: dict[str, Any] = {}
    village_code = None
    for name, text in assignments.items():
        if name == "village":
            village_code = text
        else:
            parsed[name] = fields.parse_household_field(name, text)
    return parsed, village_code


def write_household_fields(w: Writer, household_id: str, parsed: Mapping[str, Any],
                           village_code: str | None = None) -> dict[str, Any]:
    """Write parsed household fields inside the write ``w``; returns the fields set
    (empty when nothing differed). The head member follows a new ID number."""
    cur = w.cursor
    values = dict(parsed)
    if village_code is not None:
        values["village_id"] = village_id_for_code(cur, village_code)
    old_id = cur.execute("SELECT id_number FROM household WHERE id = ?",
                         (household_id,)).fetchone()[0]
    new_id = values.get("id_number")
    if new_id and new_id != old_id:
        # A person's ID number belongs to one household: search and roster re-import match
        # by it. Joining two households is the supervisor's duplicate merge.
        other = cur.execute(
            "SELECT h.number, h.head_name FROM household h WHERE h.deleted = 0 AND h.id != ? "
            "AND (h.id_number = ? OR EXISTS (SELECT 1 FROM member m WHERE m.household_id = h.id "
            "AND m.deleted = 0 AND m.id_number = ?)) LIMIT 1",
            (household_id, new_id, new_id)).fetchone()
        if other is not None:
            raise DomainError(Problem("id_number.taken", {"number": other[0], "head": other[1]}),
                              "id_number")
    changed = w.update("household", household_id, values)
    if changed and "id_number" in values and values["id_number"] != old_id:
        head = cur.execute(
            "SELECT id FROM member WHERE household_id = ? AND relation = 'head' "
            "AND deleted = 0 AND (id_number IS ? OR id_number IS NULL)",
            (household_id, old_id)).fetchone()
        if head:
            w.update("member", head[0], {"id_number": values["id_number"]})
    return values if changed else {}


def first_household_id(store: Store, flt: HouseholdFilter = HouseholdFilter()) -> str | None:
    """The id of the first household of the list by number (None when there is none)."""
    rows = list_households(store, flt, limit=1)
    return rows[0]["id"] if rows else None
