"""Exporting the households of the data home as a roster: one row per member, the
household's columns repeated, headers that the import maps back by itself.

Importing such an export into the same data home changes nothing (tested).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..domain import catalogues as cat
from ..domain import idnumber, phone
from ..domain.roster_fields import FIELDS_BY_KEY
from ..store import Store, sqlite

EXPORT_FIELDS = (
    "village", "number", "head_name", "relation", "name", "id_number", "sex", "birth_date",
    "phone", "address", "type", "monitoring", "risk_kind", "relocated", "members",
    "per_capita_income", "income_year", "labour_capacity", "health", "education", "employed",
    "employment_place", "employment_months", "note",
)
HEADERS = [FIELDS_BY_KEY[k].zh for k in EXPORT_FIELDS]
_CHUNK = 2000


def export_roster(store: Store, path: str | Path,
                  progress: Callable[[int, int, str], None] | None = None, *,
                  full_id: bool = False) -> tuple[int, int]:
    """Write every household and member to an .xlsx roster; returns (households, rows).

    ID numbers and phones are masked (as in lists and PDFs) unless ``full_id``: a file
    that leaves the laptop is not encrypted, so full ones only when the person asked
    (a roster to import again needs them)."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet("花名册")
    ws.append(HEADERS)
    households = rows = 0
    with store.read() as cur:
        village_label = _village_labels(cur)
        ids = [r[0] for r in cur.execute(
            "SELECT id FROM household WHERE deleted = 0 ORDER BY number, id")]
        total = len(ids)
        for start in range(0, total, _CHUNK):
            chunk = ids[start:start + _CHUNK]
            for line in _rows(cur, chunk, village_label, full_id):
                ws.append(line)
                rows += 1
            households += len(chunk)
            if progress is not None:
                progress(households, total, "")
    book.save(path)
    return households, rows


def _village_labels(cur: sqlite.Cursor) -> dict[str, str]:
    """Each village's name, or its code where two villages share the name."""
    areas = cur.execute("SELECT id, code, name FROM area WHERE deleted = 0 "
                        "AND level IN ('village', 'community')").fetchall()
    names = Counter(a["name"] for a in areas)
    return {a["id"]: a["name"] if names[a["name"]] == 1 else a["code"] for a in areas}


def _rows(cur: sqlite.Cursor, ids: list[str], village_label: dict[str, str],
          full_id: bool) -> list[list[Any]]:
    id_text = (lambda v: v or "") if full_id else idnumber.mask
    phone_text = (lambda v: v or "") if full_id else phone.mask
    marks = ",".join("?" * len(ids))
    members: dict[str, list[sqlite.Row]] = defaultdict(list)
    for m in cur.execute(
            f"SELECT * FROM member WHERE deleted = 0 AND household_id IN ({marks}) "
            f"ORDER BY relation != 'head', rowid", ids):
        members[m["household_id"]].append(m)
    counted: dict[str, int | None] = {}
    for hid, members_counted in cur.execute(
            f"SELECT i.household_id, i.members FROM income i JOIN household_facts f "
            f"ON f.household_id = i.household_id AND f.income_year = i.year "
            f"WHERE i.deleted = 0 AND i.household_id IN ({marks}) ORDER BY i.id", ids):
        counted[hid] = members_counted
    out: list[list[Any]] = []
    for h in cur.execute(
            f"SELECT h.*, f.per_capita_income, f.income_year, f.member_count FROM household h "
            f"LEFT JOIN household_facts f ON f.household_id = h.id WHERE h.id IN ({marks}) "
            f"ORDER BY h.number, h.id", ids):
        size = counted.get(h["id"]) or h["member_count"] or None
        household = {
            "village": village_label.get(h["village_id"], ""), "number": h["number"],
            "head_name": h["head_name"], "phone": phone_text(h["phone"]),
            "address": h["address"],
            "type": cat.HOUSEHOLD_TYPES.label(h["type"]),
            "monitoring": cat.MONITORING_STATUSES.label(h["monitoring_status"]),
            "risk_kind": cat.RISK_KINDS.label(h["risk_kind"]),
            "relocated": "是" if h["relocated"] else "否",
            "members": size if h["per_capita_income"] is not None else None,
            "per_capita_income": h["per_capita_income"],
            "income_year": h["income_year"] if h["per_capita_income"] is not None else None,
            "note": h["note"],
        }
        for m in members.get(h["id"], []):
            person = {
                "relation": cat.RELATIONS.label(m["relation"]), "name": m["name"],
                "id_number": id_text(m["id_number"]), "sex": cat.SEXES.label(m["sex"]),
                "birth_date": m["birth_date"] or "",
                "labour_capacity": cat.LABOUR_CAPACITIES.label(m["labour_capacity"]),
                "health": cat.HEALTH_STATES.label(m["health"]),
                "education": cat.EDUCATION_LEVELS.label(m["education"]),
                "employed": "务工" if m["employed"] else "未务工",
                "employment_place": m["employment_place"],
                "employment_months": m["employment_months"],
            }
            out.append([_cell({**household, **person}.get(k)) for k in EXPORT_FIELDS])
    return out


def _cell(value: Any) -> Any:
    return "" if value is None else value
