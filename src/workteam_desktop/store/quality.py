"""Data-quality checks (数据质量) over everything a supervisor imported.

Each rule of :mod:`workteam_desktop.domain.quality` is one SQL query that finds the rows
breaking it, plus one that counts them: no Python loop over all households, so a county
of 200,000 households is checked in seconds (tests/bench/bench_supervisor.py). A check
returns at most ``limit`` findings per rule (the count is always complete).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..domain import catalogues as cat
from ..domain import quality, rules
from ..domain.fields import money_text
from . import sqlite
from .facts import load_thresholds
from .store import Store
from .supervisor import village_teams

RIGHTS_TOTAL = len(cat.ORIGIN_RIGHTS) + len(cat.DESTINATION_RIGHTS)  # 25
_WORKING = "('full', 'partial')"


@dataclass(frozen=True, slots=True)
class Finding:
    """One household (or visit, member, income row) breaking one rule."""

    rule: str
    household_id: str
    number: str
    head_name: str
    village_id: str
    village_name: str
    team_name: str
    explanation: str
    ref_id: str = ""  # the visit, member or income row concerned, if not the household


@dataclass(slots=True)
class QualityReport:
    """Counts per rule (complete) and the findings (at most ``limit`` per rule)."""

    counts: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    limit: int = 0

    @property
    def total(self) -> int:
        """Findings in all, over every rule."""
        return sum(self.counts.values())


def _money(value: float) -> str:
    return money_text(value)


def _queries(today: dt.date, period_days: int, high_limit: float
             ) -> dict[str, tuple[str, list[Any]]]:
    """Per rule: SQL selecting ``hid, ref, a, b, c`` (household, the row concerned, and
    up to three details for the explanation) of every offending row."""
    cutoff = rules.overdue_cutoff(today, period_days).isoformat()
    return {
        "rights_missing": (
            f"SELECT h.id, '', {RIGHTS_TOTAL} - count(DISTINCT r.right), NULL, NULL "
            f"FROM household h LEFT JOIN rights_item r ON r.household_id = h.id AND r.deleted = 0 "
            f"WHERE h.deleted = 0 AND h.relocated = 1 GROUP BY h.id "
            f"HAVING count(DISTINCT r.right) < {RIGHTS_TOTAL}", []),
        "rights_unassigned": (
            "SELECT r.household_id, '', count(*), NULL, NULL FROM rights_item r "
            "JOIN household h ON h.id = r.household_id AND h.deleted = 0 AND h.relocated = 1 "
            "WHERE r.deleted = 0 AND (trim(r.responsible) = '' OR r.status IS NULL) "
            "GROUP BY r.household_id", []),
        "form_never": (
            "SELECT h.id, '', NULL, NULL, NULL FROM household h "
            "WHERE h.deleted = 0 AND h.form_updated_on IS NULL", []),
        "form_overdue": (
            "SELECT h.id, '', h.form_updated_on, NULL, NULL FROM household h "
            "WHERE h.deleted = 0 AND h.form_updated_on < ?", [cutoff]),
        "visit_no_findings": (
            "SELECT min(vh.household_id), v.id, v.visit_date, NULL, NULL FROM visit v "
            "JOIN visit_household vh ON vh.visit_id = v.id AND vh.deleted = 0 "
            "WHERE v.deleted = 0 AND trim(v.findings) = '' GROUP BY v.id", []),
        "income_negative": (
            "SELECT i.household_id, i.id, i.year, "
            "CASE WHEN i.wage < 0 THEN 'wage' WHEN i.operating < 0 THEN 'operating' "
            "WHEN i.property < 0 THEN 'property' WHEN i.transfer < 0 THEN 'transfer' "
            "ELSE 'costs' END, min(i.wage, i.operating, i.property, i.transfer, i.costs) "
            "FROM income i JOIN household h ON h.id = i.household_id AND h.deleted = 0 "
            "WHERE i.deleted = 0 AND min(i.wage, i.operating, i.property, i.transfer, i.costs) < 0",
            []),
        "income_net_negative": (
            "SELECT f.household_id, '', f.income_year, f.per_capita_income, NULL "
            "FROM household_facts f JOIN household h ON h.id = f.household_id AND h.deleted = 0 "
            "WHERE f.per_capita_income < 0", []),
        "income_too_high": (
            "SELECT f.household_id, '', f.income_year, f.per_capita_income, NULL "
            "FROM household_facts f JOIN household h ON h.id = f.household_id AND h.deleted = 0 "
            "WHERE f.per_capita_income > ?", [high_limit]),
        "wage_without_labour": (
            # The households with labour once, as a set, rather than a lookup per income.
            "SELECT i.household_id, i.id, i.year, i.wage, NULL FROM household_facts f "
            "JOIN household h ON h.id = f.household_id AND h.deleted = 0 "
            "JOIN income i ON i.household_id = f.household_id AND i.year = f.income_year "
            "AND i.deleted = 0 LEFT JOIN (SELECT DISTINCT household_id FROM member "
            f"WHERE deleted = 0 AND labour_capacity IN {_WORKING}) l "
            "ON l.household_id = f.household_id WHERE i.wage > 0 AND l.household_id IS NULL", []),
        "employed_without_labour": (
            "SELECT m.household_id, m.id, m.name, NULL, NULL FROM member m "
            "JOIN household h ON h.id = m.household_id AND h.deleted = 0 "
            "WHERE m.deleted = 0 AND (m.employed = 1 OR m.employment_stable = 1) "
            "AND m.labour_capacity = 'none'", []),
    }


def _explain(rule: str, row: sqlite.Row | tuple, today: dt.date, period_days: int,
             lang: str) -> str:
    r = quality.RULES[rule]
    a, b = row[2], row[3]
    values: dict[str, object] = {}
    if rule in ("rights_missing", "rights_unassigned"):
        values = {"count": a}
    elif rule == "form_overdue":
        values = {"updated": a, "days": period_days}
    elif rule == "visit_no_findings":
        values = {"date": a}
    elif rule == "income_negative":
        values = {"year": a, "item": cat.INCOME_KINDS.label(b, lang) if b in cat.INCOME_KINDS
                  else ("生产经营支出" if lang == "zh" else "Costs"), "amount": _money(row[4])}
    elif rule in ("income_net_negative", "income_too_high"):
        values = {"year": a, "amount": _money(b), "factor": f"{quality.INCOME_HIGH_FACTOR:g}"}
    elif rule == "wage_without_labour":
        values = {"year": a, "amount": _money(b)}
    elif rule == "employed_without_labour":
        values = {"name": a}
    return r.explain(lang, **values)


def high_income_limit(cur: sqlite.Cursor) -> float:
    """Per-capita income above this is implausible: 20 × the highest threshold set."""
    thresholds = load_thresholds(cur)
    highest = max([*thresholds._table.values(), rules.DEFAULT_OBSERVATION_THRESHOLD])
    return quality.high_income_limit(highest)


def quality_checks(store: Store, *, today: dt.date | None = None,
                   period_days: int = rules.DEFAULT_FORM_PERIOD_DAYS, limit: int = 500,
                   only: Iterable[str] | None = None, lang: str = "zh") -> QualityReport:
    """Run the checks (all, or the rule codes in ``only``); findings ordered by village
    and household number within each rule."""
    today = today or dt.date.today()
    wanted = list(only) if only is not None else list(quality.RULES)
    unknown = [w for w in wanted if w not in quality.RULES]
    if unknown:
        raise KeyError(unknown[0])
    report = QualityReport(limit=limit)
    with store.read() as cur:
        teams = village_teams(cur)
        queries = _queries(today, period_days, high_income_limit(cur))
        for rule in wanted:
            sql, params = queries[rule]
            # One pass per rule: every offending row is counted, the first ``limit`` (by
            # village and household number) are kept.
            count = 0
            for row in cur.execute(
                    f"WITH q(hid, ref, a, b, c) AS ({sql}) "
                    f"SELECT q.*, h.number, h.head_name, h.village_id, v.name FROM q "
                    f"JOIN household h ON h.id = q.hid JOIN area v ON v.id = h.village_id "
                    f"ORDER BY v.code, h.number, q.ref", params):
                count += 1
                if count > limit:
                    continue
                team = teams.get(row[7])
                report.findings.append(Finding(
                    rule, row[0], row[5], row[6], row[7], row[8], team.name if team else "",
                    _explain(rule, row, today, period_days, lang), row[1] or ""))
            report.counts[rule] = count
    return report

