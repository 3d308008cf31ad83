"""Named periods a list or count is limited to: this month, quarter or year.

Two rules, named apart because they answer different questions:
:func:`period_so_far` is "since the start of this period, up to today" (the visit
list's 本月/本季/本年 counts a cadre has done so far); :func:`whole_period` is the whole
calendar period holding today (the 十送/帮扶 ledgers, where a record may be entered
ahead for a planned date later in the month).
"""

from __future__ import annotations

import datetime as dt

PERIODS = ("all", "month", "quarter", "year")
"""Named periods a list can be limited to (besides a custom range)."""


def _period_start(period: str, today: dt.date) -> dt.date:
    if period == "month":
        return today.replace(day=1)
    if period == "quarter":
        return dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    if period == "year":
        return dt.date(today.year, 1, 1)
    raise ValueError(f"unknown period {period}")


def period_so_far(period: str, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The first day of this ``month``, ``quarter`` or ``year``, and today."""
    today = today or dt.date.today()
    return _period_start(period, today), today


def whole_period(period: str, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """First and last day of the month, quarter or year holding ``today``;
    ``all`` is no limit (None, None)."""
    if period == "all":
        return None, None
    start = _period_start(period, today)
    months = {"month": 1, "quarter": 3, "year": 12}[period]
    month = start.month - 1 + months
    following = dt.date(start.year + month // 12, month % 12 + 1, 1)
    return start, following - dt.timedelta(days=1)
