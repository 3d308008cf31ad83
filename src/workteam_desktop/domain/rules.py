"""Rules from the seed bulletin, computed from the records (never typed in).

- 观测对象: per-capita net income below the year's threshold, and not already monitored.
- 一户一就业: a relocated household with labour capacity has a member in stable work;
  households breaking it are 零就业家庭.
- 定期采集更新: a household's form is updated at least every period; else it is overdue.
- 走访经常化: visit coverage = households visited in a period / households.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

DEFAULT_OBSERVATION_THRESHOLD = 8500.0  # yuan per person per year, the seed's 2022 figure
DEFAULT_FORM_PERIOD_DAYS = 92  # a quarter

FLAG_OBSERVATION = "observation"
FLAG_ZERO_EMPLOYMENT = "zero-employment"
FLAG_OVERDUE = "overdue"
FLAGS = (FLAG_OBSERVATION, FLAG_ZERO_EMPLOYMENT, FLAG_OVERDUE)
FLAG_LABELS = {
    FLAG_OBSERVATION: ("观测对象", "Observation"),
    FLAG_ZERO_EMPLOYMENT: ("零就业", "Zero employment"),
    FLAG_OVERDUE: ("逾期未更新", "Form overdue"),
}

WORKING_CAPACITIES = frozenset({"full", "partial"})


@dataclass(frozen=True, slots=True)
class MemberWork:
    """What the employment rule needs to know about one member."""

    labour_capacity: str | None
    employment_stable: bool


class Thresholds:
    """Observation thresholds by year and region, most specific first.

    Keys are ``(year, area_code)``; ``area_code`` None is the default for every region.
    A year with no setting uses the latest earlier year's; nothing at all gives 8,500.
    """

    def __init__(self, table: Mapping[tuple[int, str | None], float] | None = None) -> None:
        self._table = dict(table or {})

    def for_year(self, year: int, area_codes: Iterable[str] = ()) -> float:
        """Threshold for ``year`` in the region whose codes are given, most specific first."""
        codes = [*area_codes, None]
        years = sorted({y for y, _ in self._table if y <= year}, reverse=True)
        for y in years:
            for code in codes:
                if (y, code) in self._table:
                    return self._table[(y, code)]
        return DEFAULT_OBSERVATION_THRESHOLD


def is_observation(per_capita: float | None, threshold: float, monitoring_status: str) -> bool:
    """观测对象: income below the threshold and not already a monitored household."""
    return per_capita is not None and per_capita < threshold and monitoring_status != "monitored"


def is_zero_employment(relocated: bool, members: Iterable[MemberWork]) -> bool:
    """零就业: a relocated household with labour capacity but no member in stable work."""
    if not relocated:
        return False
    members = list(members)
    has_labour = any(m.labour_capacity in WORKING_CAPACITIES for m in members)
    return has_labour and not any(m.employment_stable for m in members)


def overdue_cutoff(today: dt.date, period_days: int = DEFAULT_FORM_PERIOD_DAYS) -> dt.date:
    """Forms updated before this date are overdue."""
    return today - dt.timedelta(days=period_days)


def is_form_overdue(
    form_updated_on: dt.date | None, today: dt.date, period_days: int = DEFAULT_FORM_PERIOD_DAYS
) -> bool:
    """逾期未更新: the form was never updated, or last updated more than a period ago."""
    return form_updated_on is None or form_updated_on < overdue_cutoff(today, period_days)


def visit_coverage(visited: int, households: int) -> float:
    """Share of households visited in a period (0.0–1.0); 0 when there are no households."""
    if households <= 0:
        return 0.0
    return min(visited, households) / households
