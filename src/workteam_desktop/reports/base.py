"""What a report is asked for (:class:`ReportRequest`), what a builder hands back
(:class:`ReportDoc`), progress, and the checks on parameters (quarter, dates)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reportlab.platypus import Flowable

from .layout import PageInfo, Tick
from .tables import TableData

ProgressFn = Callable[[int, int], None]
"""``progress(done, total)``; it may raise (any exception) to cancel the build."""

KINDS: dict[str, str] = {
    "visits": "走访报告",
    "household": "一户一档",
    "quarter": "工作队季度工作报告",
    "wallchart": "挂图作战",
    "rights": "权益清单",
    "assessment": "工作队季度考核结果",
}
"""Report kinds and their Chinese names, in the order the 报表 page lists them."""


class ReportError(ValueError):
    """Parameters a report cannot be built with; the message is one Chinese sentence
    saying what to do."""


@dataclass(frozen=True, slots=True)
class Quarter:
    """A calendar quarter, e.g. 2026Q3."""

    year: int
    number: int

    @property
    def start(self) -> dt.date:
        """The quarter's first day."""
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        """The quarter's last day."""
        if self.number == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.number + 1, 1) - dt.timedelta(days=1)

    @property
    def code(self) -> str:
        """2026Q3."""
        return f"{self.year}Q{self.number}"

    @property
    def label(self) -> str:
        """2026年第3季度."""
        return f"{self.year}年第{self.number}季度"

    @classmethod
    def containing(cls, day: dt.date) -> Quarter:
        """The quarter ``day`` falls in."""
        return cls(day.year, (day.month - 1) // 3 + 1)


_QUARTER = re.compile(r"^\s*(\d{4})\s*(?:[-_/ ]?\s*[Qq]|年\s*第?)\s*(\d)\s*(?:季度?)?\s*$")


def parse_quarter(text: str) -> Quarter:
    """``2026Q3`` (also ``2026-Q3``, ``2026年第3季度``) as a :class:`Quarter`."""
    m = _QUARTER.match(text or "")
    if not m or not 1 <= int(m.group(2)) <= 4 or not 2000 <= int(m.group(1)) <= 2100:
        raise ReportError(f"季度“{text}”应写成 2026Q3 这样的形式（季度为1到4）")
    return Quarter(int(m.group(1)), int(m.group(2)))


@dataclass(frozen=True, slots=True)
class ReportRequest:
    """One report to build, as the CLI and the 报表 page ask for it."""

    kind: str
    village: str | None = None  # area code of a township, village or community; None: all
    cadre: str | None = None  # name or id (走访报告 of one cadre)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    quarter: str | None = None  # 2026Q3
    households: tuple[str, ...] = ()  # ids or household numbers (一户一档)
    full_id: bool = False  # full ID and phone numbers (含个人敏感信息)

    def check(self) -> None:
        """Refuse bad parameters before anything is read or written."""
        if self.kind not in KINDS:
            raise ReportError(f"没有名为“{self.kind}”的报表，可选：{'、'.join(KINDS)}")
        if self.quarter:
            parse_quarter(self.quarter)
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ReportError(f"开始日期{self.date_from}晚于结束日期{self.date_to}")

    def period(self, today: dt.date) -> tuple[dt.date, dt.date]:
        """The dates a period report covers: the given ones, else this month to date."""
        start = self.date_from or (self.date_to or today).replace(day=1)
        end = self.date_to or max(today, start)
        return start, end

    def the_quarter(self, today: dt.date) -> Quarter:
        """The quarter asked for, else the one ``today`` is in."""
        return parse_quarter(self.quarter) if self.quarter else Quarter.containing(today)


class Progress:
    """Counts steps of a build and passes them to the caller's ``progress(done, total)``."""

    def __init__(self, callback: ProgressFn | None) -> None:
        self._callback = callback
        self.done = 0
        self.total = 1

    def start(self, total: int) -> None:
        """Set how many steps the build has."""
        self.total = max(1, total)
        self.done = 0
        self._report()

    def step(self, n: int = 1) -> None:
        """Count ``n`` steps done (the callback may raise to cancel)."""
        self.done = min(self.total, self.done + n)
        self._report()

    def finish(self) -> None:
        """Report the build complete."""
        self.done = self.total
        self._report()

    def tick(self) -> Tick:
        """A flowable that counts one step when the layout reaches it."""
        return Tick(self.step)

    def _report(self) -> None:
        if self._callback is not None:
            self._callback(self.done, self.total)


@dataclass(slots=True)
class BuildContext:
    """What a builder gets besides the store and the request."""

    today: dt.date
    progress: Progress


@dataclass(slots=True)
class ReportDoc:
    """A report laid out as flowables, its tables (for Excel) and a file name."""

    info: PageInfo
    story: list[Flowable]
    tables: list[TableData]
    name: str  # readable Chinese file name without extension
    period: str
    summary: dict[str, Any] = field(default_factory=dict)  # key figures (tests, CLI)


@dataclass(frozen=True, slots=True)
class ReportResult:
    """A report written to disk."""

    kind: str
    title: str
    path: Any  # pathlib.Path
    pages: int
    sensitive: bool
    xlsx_path: Any = None
    summary: dict[str, Any] = field(default_factory=dict)
