"""Everything about one household, gathered for display (CLI ``show``, GUI, reports)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..domain import catalogues as cat
from ..domain import idnumber, rules
from ..domain.income import Income, per_capita_net
from . import facts, sqlite
from .households import find_household_id, household_flags
from .store import Store
from .visits import visits_of_households

_HIDDEN = {"updated_hlc", "deleted", "id_number", "village_id", "grid_id"}


def _rows(cur: sqlite.Cursor, sql: str, *params: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in cur.execute(sql, params)]


def household_detail(store: Store, key: str, *, full_id: bool = False,
                     today: dt.date | None = None, visits: int = 20,
                     period_days: int = rules.DEFAULT_FORM_PERIOD_DAYS) -> dict[str, Any]:
    """The household ``key`` (id or number) with members, income, rights, visits, assistance.

    ID numbers are masked unless ``full_id``.
    """
    today = today or dt.date.today()
    with store.read() as cur:
        hid = find_household_id(cur, key)
        h = dict(cur.execute(
            "SELECT h.*, v.code AS village_code, v.name AS village_name, g.name AS grid_name, "
            "f.per_capita_income, f.income_year, f.member_count, f.observation, "
            "f.zero_employment FROM household h JOIN area v ON v.id = h.village_id "
            "LEFT JOIN area g ON g.id = h.grid_id "
            "LEFT JOIN household_facts f ON f.household_id = h.id WHERE h.id = ?",
            (hid,)).fetchone())
        out: dict[str, Any] = {k: v for k, v in h.items() if k not in _HIDDEN}
        out["village"] = h["village_code"]
        out.pop("village_code")
        for flag in ("relocated", "accident_insured", "relapse_insured"):
            out[flag] = bool(h[flag])
        out["type_label"] = cat.HOUSEHOLD_TYPES.label(h["type"])
        out["monitoring_status_label"] = cat.MONITORING_STATUSES.label(h["monitoring_status"])
        out["risk_kind_label"] = cat.RISK_KINDS.label(h["risk_kind"])
        out["id_number_masked"] = idnumber.mask(h["id_number"])
        if full_id:
            out["id_number"] = h["id_number"]
        out["flags"] = household_flags(h, today, period_days)
        out["observation"] = bool(h["observation"])
        out["zero_employment"] = bool(h["zero_employment"])
        chain = facts.area_chains(cur).get(h["village_id"], [])
        thresholds = facts.load_thresholds(cur)
        out["threshold"] = thresholds.for_year(h["income_year"] or today.year - 1, chain)

        members = _rows(cur, "SELECT * FROM member WHERE household_id = ? AND deleted = 0 "
                             "ORDER BY relation = 'head' DESC, birth_date", hid)
        for m in members:
            m["id_number_masked"] = idnumber.mask(m["id_number"])
            if not full_id:
                m.pop("id_number")
            m["relation_label"] = cat.RELATIONS.label(m["relation"])
            m["labour_capacity_label"] = cat.LABOUR_CAPACITIES.label(m["labour_capacity"])
            for key_ in ("employed", "employment_stable"):
                m[key_] = bool(m[key_])
            for key_ in ("updated_hlc", "deleted", "household_id"):
                m.pop(key_)
        out["members"] = members

        incomes = _rows(cur, "SELECT year, wage, operating, property, transfer, costs, members "
                             "FROM income WHERE household_id = ? AND deleted = 0 ORDER BY year",
                        hid)
        for inc in incomes:
            counted = inc["members"] or len(members)
            inc["per_capita_income"] = per_capita_net(
                Income(inc["wage"], inc["operating"], inc["property"], inc["transfer"],
                       inc["costs"]), counted)
            inc["threshold"] = thresholds.for_year(inc["year"], chain)
        out["income"] = incomes

        out["monitoring_history"] = _rows(
            cur, "SELECT event_date, status, risk_kind, reason FROM monitoring_event "
                 "WHERE household_id = ? AND deleted = 0 ORDER BY event_date", hid)
        out["industries"] = [
            {**r, "industry_label": cat.INDUSTRIES.label(r["industry"])}
            for r in _rows(cur, "SELECT industry, scale FROM household_industry "
                                "WHERE household_id = ? AND deleted = 0", hid)]
        out["rights"] = rights_ledger(cur, hid) if h["relocated"] else []
        out["assistance"] = _rows(
            cur, "SELECT a.id, a.record_date, a.measure_kind, a.content, a.amount, a.status, "
                 "a.result, c.name AS cadre_name FROM assistance_record a "
                 "LEFT JOIN cadre c ON c.id = a.cadre_id "
                 "WHERE a.household_id = ? AND a.deleted = 0 ORDER BY a.record_date DESC", hid)
        out["visits"] = visits_of_households(cur, [hid], limit=visits)
    return out


def rights_ledger(cur: sqlite.Cursor, household_id: str) -> list[dict[str, Any]]:
    """All 25 rights of a relocated household; a right with no row or no one in charge
    is reported as ``missing`` or ``unassigned`` (权益悬空), never silently left out."""
    rows = {r["right"]: dict(r) for r in cur.execute(
        "SELECT id, right, status, responsible, note FROM rights_item "
        "WHERE household_id = ? AND deleted = 0", (household_id,))}
    ledger = []
    for entry in cat.ALL_RIGHTS:
        row = rows.get(entry.code)
        item = {
            "right": entry.code,
            "right_label": entry.zh,
            "side": cat.right_side(entry.code),
            "status": row["status"] if row else None,
            "status_label": cat.RIGHT_STATUSES.label(row["status"]) if row else "",
            "responsible": row["responsible"] if row else "",
            "note": row["note"] if row else "",
            "missing": row is None,
        }
        item["unassigned"] = not item["responsible"] or item["status"] is None
        ledger.append(item)
    return ledger
