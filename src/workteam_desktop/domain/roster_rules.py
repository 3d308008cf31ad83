"""Validating a roster before anything is written: rows → households and members.

Pure rules: the rows come as text with their Excel row numbers, the column mapping says
what each column holds, and the places of the data home come in as a :class:`VillageIndex`.
The result is a :class:`RosterPlan`: the households (with their members and income) that
can be imported, and every problem found, each naming the row, the column and the value.

A problem in a member's own cells skips that member's row; a problem in the household's
cells (village, type, income …) or in its head's row skips every row of the household,
since importing half a household would make its figures wrong.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import divisions as dv
from . import idnumber, phone
from . import roster_values as rv
from .problems import DomainError, Problem
from .roster_fields import FIELDS_BY_KEY, MONEY_FIELDS

PER_MEMBER = "member"
PER_HOUSEHOLD = "household"
LAYOUTS = (PER_MEMBER, PER_HOUSEHOLD)

_VILLAGE_SUFFIXES = ("村民委员会", "居民委员会", "村委会", "居委会", "安置社区", "社区", "村")


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One problem of the roster: Excel row number, column header, the cell's text."""

    row: int
    column: str
    value: str
    problem: Problem

    def message(self, lang: str = "zh") -> str:
        """What is wrong, in one sentence."""
        return self.problem.message(lang)


@dataclass(slots=True)
class MemberRecord:
    """A member as the roster gives it: only the fields with a value in the file."""

    row: int
    name: str
    id_number: str | None
    relation: str | None
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class IncomeRecord:
    """The year's income as the roster gives it."""

    year: int
    per_capita: float | None = None
    members: int | None = None  # 家庭人口 as written; None: count the members
    parts: dict[str, float] = field(default_factory=dict)  # wage, operating, … when given


@dataclass(slots=True)
class HouseholdRecord:
    """A household as the roster gives it, its head first among its members."""

    rows: list[int]
    head_id: str
    head_name: str
    village_code: str
    fields: dict[str, Any] = field(default_factory=dict)
    members: list[MemberRecord] = field(default_factory=list)
    income: IncomeRecord | None = None


@dataclass(slots=True)
class RosterPlan:
    """What a roster would import, and what is wrong with it."""

    layout: str
    rows_total: int
    households: list[HouseholdRecord] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    skipped_rows: set[int] = field(default_factory=set)

    @property
    def member_count(self) -> int:
        """Members that would be imported."""
        return sum(len(h.members) for h in self.households)


class VillageIndex:
    """The villages a roster may put households in: those of the data home.

    A cell may hold the 12-digit code, the name (王家堡村), the name without its suffix
    (王家堡), or the township and the name (西坪镇王家堡村). In a home set up for a real
    county (``counties``), names are matched against the county's administrative divisions
    (:mod:`workteam_desktop.domain.divisions`, with the home's own added villages): a name
    that two villages of the county share is a problem listing both, and a village of the
    county that is not one of the home's is a problem naming it, never a guess. Names the
    divisions do not know (a renamed village kept under its old name here) are matched
    against the home's own villages.
    """

    def __init__(self, villages: Iterable[tuple[str, str, str]], *, counties: Iterable[str] = (),
                 extra: Iterable[dv.Division] = (), divisions: dv.Divisions | None = None) -> None:
        """``villages``: (code, name, township name) of each village or community of the
        home; ``counties``: the codes of the home's counties; ``extra``: its local villages."""
        self._by_key: dict[str, str | None] = {}
        self._names: dict[str, str] = {}
        for code, name, township in villages:
            self._by_key[code] = code
            self._names[code] = name
            for key in {name, _bare(name), township + name, township + _bare(name)}:
                if key:
                    # A name two villages share finds neither (the code must be used).
                    self._by_key[key] = None if self._by_key.get(key, code) != code else code
        self._counties = [c for c in counties if c]
        self._extra = list(extra)
        self._divisions = divisions if divisions is not None or not self._counties else dv.shipped()

    def lookup(self, text: str) -> tuple[str | None, Problem | None]:
        """The code of the village ``text`` names, or the problem that keeps it from one."""
        value = "".join(unicodedata.normalize("NFKC", text).split())
        if self._divisions is not None:
            for county in self._counties:
                match = self._divisions.find_village(county, value, self._extra)
                if match.ambiguous:
                    return None, Problem("village.ambiguous", {
                        "value": value, "choices": self._choices(match.candidates)})
                if match.found is not None:
                    if match.found.code in self._names:
                        return match.found.code, None
                    return None, Problem("village.outside_team", {
                        "value": value, "name": self._where(match.found),
                        "villages": "、".join(self._names[c] for c in sorted(self._names)) or "无"})
        code = self._by_key.get(value) or self._by_key.get(_bare(value))
        if code is None:
            return None, Problem("roster.unknown_village", {"value": text.strip()})
        return code, None

    def find(self, text: str) -> str | None:
        """The code of the village ``text`` names, or None."""
        return self.lookup(text)[0]

    def _where(self, village: dv.Division, ours: bool = False) -> str:
        assert self._divisions is not None
        township = self._divisions.get(village.parent) if village.parent else None
        mark = "，本队所驻" if ours else ""
        return f"{township.short if township else ''}{village.short}（{village.code}{mark}）"

    def _choices(self, candidates: Iterable[dv.Division]) -> str:
        return "、".join(self._where(c, c.code in self._names) for c in candidates)

    def __len__(self) -> int:
        return len(self._by_key)


def _bare(name: str) -> str:
    for suffix in _VILLAGE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def detect_layout(mapping: Sequence[str | None], rows: Sequence[Sequence[str]] = ()) -> str:
    """One row per member or one row per household, from the mapping and the values.

    Per member when a relation column is mapped, or both a head-name and a member-name
    column, or when the household number or the head's ID number repeats across rows.
    (Head names alone prove nothing: two households may well both be headed by 王伟.)
    """
    keys = set(filter(None, mapping))
    if "relation" in keys or {"name", "head_name"} <= keys:
        return PER_MEMBER
    for key in ("number", "head_id_number"):
        if key in keys:
            col = list(mapping).index(key)
            values = [r[col].strip() for r in rows if col < len(r) and r[col].strip()]
            if len(values) != len(set(values)):
                return PER_MEMBER
    return PER_HOUSEHOLD


@dataclass(slots=True)
class _Row:
    number: int
    cells: dict[str, str]  # target field → text (non-empty only)
    problems: list[RowProblem] = field(default_factory=list)


class _Checker:
    """Parses one roster's rows, collecting problems."""

    def __init__(self, headers: Sequence[str], mapping: Sequence[str | None],
                 villages: VillageIndex, today: dt.date, default_year: int,
                 default_village: str | None = None) -> None:
        self.columns = {key: headers[i] if i < len(headers) else FIELDS_BY_KEY[key].zh
                        for i, key in enumerate(mapping) if key}
        self.villages = villages
        self.today = today
        self.default_year = default_year
        self.default_village = default_village

    def header(self, key: str) -> str:
        return self.columns.get(key) or FIELDS_BY_KEY[key].zh

    def problem(self, row: _Row, key: str, code: str | Problem, **params: Any) -> None:
        problem = code if isinstance(code, Problem) else Problem(code, params)
        row.problems.append(RowProblem(row.number, self.header(key), row.cells.get(key, ""),
                                       problem))

    def parse(self, row: _Row, key: str, parser: Callable[[str], Any]) -> Any:
        """The parsed value of a cell (None when empty or bad; a bad one is recorded)."""
        text = row.cells.get(key)
        if text is None:
            return None
        try:
            return parser(text)
        except DomainError as exc:
            self.problem(row, key, exc.problem)
            return None

    def id_number(self, row: _Row, key: str) -> str | None:
        text = row.cells.get(key)
        if text is None:
            return None
        found = idnumber.problem(text, self.today)
        if found is not None:
            self.problem(row, key, found)
            return None
        return idnumber.normalize(text)

    def household_fields(self, row: _Row) -> tuple[dict[str, Any], IncomeRecord | None, str | None]:
        """Household values on ``row``: (fields, income, village code)."""
        out: dict[str, Any] = {}
        village = None
        text = row.cells.get("village")
        if text is None and self.default_village is not None:
            village = self.default_village  # the roster of one village, named outside it
        elif text is None:
            self.problem(row, "village", "field.required", field=self.header("village"))
        else:
            village, problem = self.villages.lookup(text)
            if problem is not None:
                self.problem(row, "village", problem)
        for key, target in (("number", "number"), ("address", "address"), ("note", "note")):
            if key in row.cells:
                out[target] = row.cells[key].strip()
        if "group" in row.cells and "address" not in out:
            group = row.cells["group"].strip()
            out["address"] = group if not group.isdigit() else f"{group}组"
        value = self.parse(row, "phone", _parse_phone)
        if value is not None:
            out["phone"] = value
        value = self.parse(row, "type", rv.parse_household_type)
        if value is not None:
            out["type"] = value
        status = self.parse(row, "monitoring", rv.parse_monitoring)
        if status is not None:
            out["monitoring_status"], risk = status
            if risk is not None:
                out["risk_kind"] = risk
        value = self.parse(row, "risk_kind", rv.parse_risk_kind)
        if value is not None:
            out["risk_kind"] = value
        value = self.parse(row, "relocated", _parse_bool)
        if value is not None:
            out["relocated"] = value
        return out, self.income(row), village

    def income(self, row: _Row) -> IncomeRecord | None:
        parts: dict[str, float] = {}
        for key in MONEY_FIELDS:
            value = self.parse(row, key, lambda t, k=key: rv.parse_money(t, self.header(k)))
            if value is not None:
                parts[key] = value
        members = self.parse(row, "members", lambda t: rv.parse_count(t, self.header("members")))
        year = self.parse(row, "income_year", rv.parse_year)
        per_capita = parts.pop("per_capita_income", None)
        if per_capita is None and not parts:
            return IncomeRecord(year or self.default_year, None, members) if members else None
        return IncomeRecord(year or self.default_year, per_capita, members, parts)

    def member_fields(self, row: _Row) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, parser in (("sex", rv.parse_sex), ("labour_capacity", rv.parse_labour),
                            ("health", rv.parse_health), ("education", rv.parse_education),
                            ("employed", rv.parse_employed)):
            value = self.parse(row, key, parser)
            if value is not None:
                out[key] = value
        value = self.parse(row, "birth_date", _parse_date)
        if value is not None:
            out["birth_date"] = value
        value = self.parse(row, "employment_months",
                           lambda t: rv.parse_months(t, self.header("employment_months")))
        if value is not None:
            out["employment_months"] = value
        if "employment_place" in row.cells:
            out["employment_place"] = row.cells["employment_place"].strip()
        return out


def _parse_phone(text: str) -> str:
    found = phone.problem(text)
    if found is not None:
        raise DomainError(found)
    return phone.normalize(text)


def _parse_bool(text: str) -> bool:
    from .fields import parse_bool
    return parse_bool(rv.clean(text))


def _parse_date(text: str) -> dt.date:
    from .fields import parse_date
    value = rv.clean(text)
    if re.fullmatch(r"\d{8}", value):
        value = f"{value[:4]}-{value[4:6]}-{value[6:]}"
    elif re.fullmatch(r"\d{4}[.-]\d{1,2}", value):  # 出生年月 1980.05
        value = value.replace(".", "-") + "-01"
    return parse_date(value.replace(".", "-"))


def build_plan(
    headers: Sequence[str],
    rows: Iterable[tuple[int, Sequence[str]]],
    mapping: Sequence[str | None],
    villages: VillageIndex,
    *,
    layout: str | None = None,
    today: dt.date | None = None,
    default_year: int | None = None,
    default_village: str | None = None,
) -> RosterPlan:
    """Check every row of a roster; returns what can be imported and what is wrong.

    ``rows`` are (Excel row number, cell texts); ``mapping`` gives each column's target
    field (None: the column is not imported). ``default_year`` is the income year when
    the roster has no 收入年度 column (default: last year, as the monitoring system does);
    ``default_village`` the village code of rows whose village cell is empty (a roster of
    one village often has no village column).
    """
    today = today or dt.date.today()
    checker = _Checker(headers, mapping, villages, today, default_year or today.year - 1,
                       default_village)
    parsed: list[_Row] = []
    for number, cells in rows:
        values = {key: str(cells[i]) for i, key in enumerate(mapping)
                  if key and i < len(cells) and cells[i] is not None and str(cells[i]).strip()}
        if values:
            parsed.append(_Row(number, values))
    raw = [[r.cells.get(k, "") if k else "" for k in mapping] for r in parsed]
    chosen = layout or detect_layout(mapping, raw)
    plan = RosterPlan(chosen, len(parsed))
    groups = _group(parsed, chosen)
    seen_ids: dict[str, int] = {}
    for group in groups:
        record = _household(checker, group, chosen, seen_ids)
        for row in group:
            plan.problems.extend(row.problems)
        if record is None:
            plan.skipped_rows.update(r.number for r in group)
            continue
        kept = {m.row for m in record.members}
        plan.skipped_rows.update(r.number for r in group if r.number not in kept)
        plan.households.append(record)
    plan.problems.sort(key=lambda p: p.row)
    return plan


def _group(rows: list[_Row], layout: str) -> list[list[_Row]]:
    """Rows of one household together, in file order."""
    if layout == PER_HOUSEHOLD:
        return [[r] for r in rows]
    groups: dict[tuple[str, ...], list[_Row]] = {}
    for row in rows:
        c = row.cells
        if "number" in c:
            key: tuple[str, ...] = ("n", c.get("village", ""), c["number"].strip())
        elif "head_id_number" in c:
            key = ("i", idnumber.normalize(c["head_id_number"]))
        else:
            key = ("h", c.get("village", ""), c.get("head_name", "").strip())
        groups.setdefault(key, []).append(row)
    return list(groups.values())


def _household(checker: _Checker, group: list[_Row], layout: str,
               seen_ids: dict[str, int]) -> HouseholdRecord | None:
    """The household of ``group`` (None when it cannot be imported; problems recorded)."""
    first = group[0]
    household_ok = True
    fields: dict[str, Any] = {}
    income: IncomeRecord | None = None
    village: str | None = None
    for row in group:
        before = len(row.problems)
        values, row_income, row_village = checker.household_fields(row)
        if len(row.problems) > before:
            household_ok = False
        for k, v in values.items():
            fields.setdefault(k, v)
        if row_income is not None and income is None:
            income = row_income
        village = village or row_village
    members: list[MemberRecord] = []
    head: MemberRecord | None = None
    head_failed = False
    head_name = (first.cells.get("head_name") or "").strip()
    for row in group:
        before = len(row.problems)
        name_key = "name" if "name" in row.cells or layout == PER_MEMBER else "head_name"
        if layout == PER_HOUSEHOLD and "name" not in row.cells:
            name_key = "head_name"
        name = (row.cells.get(name_key) or "").strip()
        id_key = "id_number" if "id_number" in row.cells else (
            "head_id_number" if layout == PER_HOUSEHOLD else "id_number")
        relation = checker.parse(row, "relation", rv.parse_relation)
        is_head = (layout == PER_HOUSEHOLD or relation == "head"
                   or ("relation" not in row.cells and bool(head_name) and name == head_name))
        if not name:
            checker.problem(row, name_key, "field.required", field=checker.header(name_key))
        number = checker.id_number(row, id_key)
        if number is not None:
            if number in seen_ids:
                checker.problem(row, id_key, "roster.duplicate_id", other=seen_ids[number])
                number = None
            else:
                seen_ids[number] = row.number
        extra = checker.member_fields(row)
        failed = len(row.problems) > before
        if is_head and head is None:
            if failed:
                head_failed = True
                continue
            head = MemberRecord(row.number, name, number, "head", extra)
            if not head_name:
                head_name = name
            continue
        if failed:
            continue
        if is_head:  # a second 户主 in one household
            relation = "other"
        members.append(MemberRecord(row.number, name, number, relation, extra))
    head_id = head.id_number if head is not None else None
    if head is not None and head_id is None and "head_id_number" in first.cells:
        # The head's own row has no number but the household's column does.
        head_id = checker.id_number(first, "head_id_number")
        head.id_number = head_id
        if head_id is None:
            head_failed = True
    if head is None or head_id is None:
        if not head_failed:
            key = "head_name" if "head_name" in checker.columns else "relation"
            checker.problem(first, key if key in checker.columns else "head_name",
                            "roster.missing_head")
        household_ok = False
    if not household_ok or village is None or head is None or head_id is None:
        bad = "、".join(str(r.number) for r in group if r.problems)
        for row in group:
            if not row.problems:
                checker.problem(row, "head_name", "roster.household_skipped", rows=bad)
        return None
    return HouseholdRecord([r.number for r in group], head_id, head_name or head.name, village,
                           fields, [head, *members], income)
