"""Household operations: list, search, show and change households.

Plain functions over a :class:`Store`, called by the CLI, the GUI (off its thread) and
tests alike. Lists filter, sort and page in SQL so a county of 200,000 households never
has to be loaded whole.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..domain import catalogues as cat
from ..domain import fields, idnumber, phone, rules
from ..domain.problems import DomainError, Problem
from .models import Household, Member
from .store import Store

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
SORT_KEYS = {
    "number": "v.code, h.number",
    "head_name": "h.head_name, h.number",
    "income": "f.per_capita_income IS NULL, f.per_capita_income, h.number",
    "updated": "h.form_updated_on IS NOT NULL, h.form_updated_on, h.number",
}
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
        clauses.append("v.code = ?")
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
        else:
            # One or two characters (a surname, a given name): too short for trigrams, so
            # match the name and number directly; still bounded by the page size.
            clauses.append("(instr(h.head_name, ?) > 0 OR instr(h.number, ?) > 0)")
            params += [normalized, normalized]
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


def _list_item(row: sqlite3.Row, today: dt.date, period_days: int) -> dict[str, Any]:
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


def list_households(
    store: Store,
    flt: HouseholdFilter = HouseholdFilter(),
    *,
    sort: str = "number",
    limit: int | None = None,
    offset: int = 0,
    today: dt.date | None = None,
    period_days: int = rules.DEFAULT_FORM_PERIOD_DAYS,
) -> list[dict[str, Any]]:
    """Households matching ``flt``, sorted, one page (all when ``limit`` is None)."""
    today = today or dt.date.today()
    where, params = _where(flt, today, period_days)
    sql = f"SELECT {_LIST_COLUMNS} {_LIST_FROM} WHERE {where} ORDER BY {SORT_KEYS[sort]}"
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [limit, offset]
    with store.read() as cur:
        return [_list_item(r, today, period_days) for r in cur.execute(sql, params)]


def count_households(store: Store, flt: HouseholdFilter = HouseholdFilter(), *,
                     today: dt.date | None = None,
                     period_days: int = rules.DEFAULT_FORM_PERIOD_DAYS) -> int:
    """How many households match ``flt``."""
    where, params = _where(flt, today or dt.date.today(), period_days)
    with store.read() as cur:
        return cur.execute(f"SELECT count(*) {_LIST_FROM} WHERE {where}", params).fetchone()[0]


def find_household_id(cur: sqlite3.Cursor, key: str) -> str:
    """The id of the household whose id or household number is ``key``."""
    key = key.strip()
    row = cur.execute("SELECT id FROM household WHERE id = ? AND deleted = 0", (key,)).fetchone()
    if row:
        return row[0]
    rows = cur.execute("SELECT id FROM household WHERE number = ? AND deleted = 0",
                       (key,)).fetchall()
    if not rows:
        raise DomainError(Problem("household.not_found", {"key": key}))
    if len(rows) > 1:
        raise DomainError(Problem("household.ambiguous", {"key": key}))
    return rows[0][0]


def village_id_for_code(cur: sqlite3.Cursor, code: str) -> str:
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
    parsed: dict[str, Any] = {}
    village_code = None
    for name, text in assignments.items():
        if name == "village":
            village_code = text
        else:
            parsed[name] = fields.parse_household_field(name, text)
    with store.write(user) as w:
        cur = w.cursor
        household_id = find_household_id(cur, key)
        if village_code is not None:
            parsed["village_id"] = village_id_for_code(cur, village_code)
        old_id = cur.execute("SELECT id_number FROM household WHERE id = ?",
                             (household_id,)).fetchone()[0]
        changed = w.update(Household, household_id, parsed)
        if changed and "id_number" in parsed and parsed["id_number"] != old_id:
            head = cur.execute(
                "SELECT id FROM member WHERE household_id = ? AND relation = 'head' "
                "AND deleted = 0 AND (id_number IS ? OR id_number IS NULL)",
                (household_id, old_id)).fetchone()
            if head:
                w.update(Member, head[0], {"id_number": parsed["id_number"]})
    return parsed if changed else {}
