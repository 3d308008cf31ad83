"""Writing a checked roster into the store: households, members and income in ONE
transaction through the Writer, so every change is logged and syncs like any other.

Households are matched by their head's ID number (then by village and household number,
for a household whose head changed), members by their own ID number (then by name within
the household). Only the fields the roster fills are compared and written: an empty cell
never erases a value, and re-importing the same file changes nothing and logs nothing.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..domain import idnumber
from ..domain.income import Income as IncomeFigures
from ..domain.income import per_capita_net
from ..domain.roster_rules import HouseholdRecord, IncomeRecord, MemberRecord
from . import sqlite
from .models import Household, Income, Member
from .store import Store
from .writer import Writer

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
"""Called with (households done, households in all, text); may raise to cancel (rollback)."""

CHUNK = 1000  # households planned and written per step (progress granularity)
_HOUSEHOLD_COLUMNS = ("id", "number", "head_name", "id_number", "phone", "address", "village_id",
                      "type", "monitoring_status", "risk_kind", "relocated", "note")
_MEMBER_COLUMNS = ("id", "household_id", "name", "relation", "sex", "birth_date", "id_number",
                   "education", "health", "labour_capacity", "employed", "employment_place",
                   "employment_months")
_INCOME_PARTS = ("wage", "operating", "property", "transfer", "costs")
_PC_TOLERANCE = 0.005  # per-capita figures are written to the fen


class ImportCancelled(Exception):
    """The user cancelled the import; nothing was written."""


class _DryRun(Exception):
    """Raised at the end of a dry run so the transaction rolls back."""


@dataclass(slots=True)
class ImportResult:
    """What an import wrote (or, for a dry run, would write)."""

    households_added: int = 0
    households_updated: int = 0  # existing households with any field, member or income changed
    households_unchanged: int = 0
    members_added: int = 0
    members_updated: int = 0
    incomes_written: int = 0
    changes_logged: int = 0
    dry_run: bool = False

    def to_json(self) -> dict[str, Any]:
        """The figures as a JSON object."""
        return {k: getattr(self, k) for k in self.__slots__}  # type: ignore[attr-defined]


def import_households(
    store: Store,
    households: Sequence[HouseholdRecord],
    *,
    user: str | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Create or update ``households`` (checked roster records) in one transaction.

    All or nothing: a cancel (``cancelled()`` turning true, or ``progress`` raising)
    rolls everything back. With ``dry_run`` the counts are computed and nothing is kept.
    """
    result = ImportResult(dry_run=dry_run)
    try:
        with store.write(user) as w:
            before = w.cursor.execute("SELECT count(*) FROM change_log").fetchone()[0]
            _Import(w, result).run(households, progress, cancelled)
            result.changes_logged = (
                w.cursor.execute("SELECT count(*) FROM change_log").fetchone()[0] - before)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    # Counts only: nothing of the roster's people is logged.
    log.info("roster import%s: %d households added, %d updated, %d unchanged; %d members "
             "added, %d updated; %d changes", " (dry run)" if dry_run else "",
             result.households_added, result.households_updated, result.households_unchanged,
             result.members_added, result.members_updated, result.changes_logged)
    return result


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


class _Import:
    """One import inside one write."""

    def __init__(self, w: Writer, result: ImportResult) -> None:
        self.w = w
        self.cur: sqlite.Cursor = w.cursor
        self.result = result
        self.villages = {code: vid for vid, code in self.cur.execute(
            "SELECT id, code FROM area WHERE level IN ('village', 'community') AND deleted = 0")}
        self.next_serial: dict[str, int] = {}
        self.h_info = w.tables["household"]
        self.m_info = w.tables["member"]
        self.i_info = w.tables["income"]

    def run(self, households: Sequence[HouseholdRecord], progress: Progress | None,
            cancelled: Callable[[], bool] | None) -> None:
        total = len(households)
        done = 0
        if progress is not None:
            progress(0, total, "")
        for chunk in _chunks(households, CHUNK):
            if cancelled is not None and cancelled():
                raise ImportCancelled
            self._chunk(chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, total, "")

    # ------------------------------------------------------------ loading what exists

    def _select(self, sql: str, columns: Sequence[str], keys: Sequence[str]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for part in _chunks(list(keys), 500):
            marks = ",".join("?" * len(part))
            cols = ", ".join(columns)
            out += [dict(zip(columns, row, strict=True))
                    for row in self.cur.execute(sql.format(cols=cols, marks=marks), list(part))]
        return out

    def _chunk(self, chunk: Sequence[HouseholdRecord]) -> None:
        by_head = {row["id_number"]: row for row in self._select(
            "SELECT {cols} FROM household WHERE deleted = 0 AND id_number IN ({marks})",
            _HOUSEHOLD_COLUMNS, [h.head_id for h in chunk])}
        numbers = [h.fields["number"] for h in chunk
                   if h.head_id not in by_head and h.fields.get("number")]
        by_number: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for row in self._select(
                "SELECT {cols} FROM household WHERE deleted = 0 AND number IN ({marks})",
                _HOUSEHOLD_COLUMNS, numbers):
            by_number[(row["village_id"], row["number"])].append(row)

        # Phase 1: the households (new ones first, so members can point at them).
        matched: list[tuple[HouseholdRecord, str, bool]] = []
        changed: set[str] = set()  # existing households with anything written
        new_rows: list[dict[str, Any]] = []
        for record in chunk:
            village_id = self.villages[record.village_code]
            wanted = {"head_name": record.head_name, "id_number": record.head_id,
                      "village_id": village_id, **record.fields}
            existing = by_head.get(record.head_id)
            if existing is None and record.fields.get("number"):
                same = by_number.get((village_id, record.fields["number"]), [])
                existing = same[0] if len(same) == 1 else None
            if existing is None:
                if not wanted.get("number"):
                    wanted["number"] = self._new_number(record.village_code)
                new_rows.append(wanted)
                matched.append((record, "", True))
                continue
            diff = _diff(self.h_info, existing, wanted)
            if diff:
                self.w.update(Household, existing["id"], diff)
                changed.add(existing["id"])
            matched.append((record, existing["id"], False))
        ids = iter(self.w.insert(Household, new_rows))
        self.result.households_added += len(new_rows)
        matched = [(r, hid or next(ids), new) for r, hid, new in matched]

        # Phase 2: members, matched by ID number, else by name within the household.
        old_ids = [hid for _, hid, new in matched if not new]
        members_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in self._select(
                "SELECT {cols} FROM member WHERE deleted = 0 AND household_id IN ({marks})",
                _MEMBER_COLUMNS, old_ids):
            members_of[row["household_id"]].append(row)
        member_ids = [m.id_number for r, _, _ in matched for m in r.members if m.id_number]
        by_id = {row["id_number"]: row for row in self._select(
            "SELECT {cols} FROM member WHERE deleted = 0 AND id_number IN ({marks})",
            _MEMBER_COLUMNS, member_ids)}
        new_members: list[dict[str, Any]] = []
        counts: dict[str, int] = {}
        for record, hid, _new in matched:
            present = {row["id"]: row for row in members_of.get(hid, [])}
            added = 0
            head_row: str | None = None
            for member in record.members:
                existing = self._find_member(member, hid, present, by_id)
                wanted = _member_values(member, hid, existing is None)
                if existing is None:
                    new_members.append(wanted)
                    added += 1
                    changed.add(hid)
                    continue
                if member.relation == "head":
                    head_row = existing["id"]
                present[existing["id"]] = {**existing, "household_id": hid}
                diff = _diff(self.m_info, existing, wanted)
                if diff:
                    self.w.update(Member, existing["id"], diff)
                    self.result.members_updated += 1
                    changed.add(hid)
            # A new head (the roster's head is someone else now): the one stored before
            # stays a member of the household, no longer its head.
            for row in members_of.get(hid, []):
                if row["relation"] == "head" and row["id"] != head_row:
                    self.w.update(Member, row["id"], {"relation": "other"})
                    self.result.members_updated += 1
                    changed.add(hid)
            counts[hid] = len(present) + added
        self.w.insert(Member, new_members)
        self.result.members_added += len(new_members)

        # Phase 3: the year's income.
        incomes = {(row["household_id"], row["year"]): row for row in self._select(
            "SELECT {cols} FROM income WHERE deleted = 0 AND household_id IN ({marks}) "
            "ORDER BY id DESC",
            ("id", "household_id", "year", *_INCOME_PARTS, "members"), old_ids)}
        new_incomes: list[dict[str, Any]] = []
        for record, hid, _new in matched:
            if record.income is None:
                continue
            existing = incomes.get((hid, record.income.year))
            wanted = _income_values(record.income, existing, counts.get(hid, 0))
            if wanted is None:
                continue
            if existing is None:
                new_incomes.append({"household_id": hid, "year": record.income.year, **wanted})
            elif self.w.update(Income, existing["id"], wanted):
                self.result.incomes_written += 1
                changed.add(hid)
        self.w.insert(Income, new_incomes)
        self.result.incomes_written += len(new_incomes)
        changed.update(row["household_id"] for row in new_incomes)
        for _record, hid, new in matched:
            if not new:
                if hid in changed:
                    self.result.households_updated += 1
                else:
                    self.result.households_unchanged += 1

    def _find_member(self, member: MemberRecord, hid: str, present: Mapping[str, dict[str, Any]],
                     by_id: Mapping[str, dict[str, Any]]) -> dict[str, Any] | None:
        if member.id_number:
            return by_id.get(member.id_number)
        same_name = [row for row in present.values()
                     if row["name"] == member.name and not row["id_number"]]
        return same_name[0] if len(same_name) == 1 else None

    def _new_number(self, village_code: str) -> str:
        """The next free household number of a village: its code's last six digits and a
        four-digit serial, as the demo county and the monitoring system number them."""
        prefix = village_code[6:]
        serial = self.next_serial.get(prefix)
        if serial is None:
            row = self.cur.execute(
                "SELECT max(number) FROM household WHERE number LIKE ? AND length(number) = ?",
                (prefix + "%", len(prefix) + 4)).fetchone()
            tail = (row[0] or "")[len(prefix):]
            serial = int(tail) if tail.isdigit() else 0
        serial += 1
        self.next_serial[prefix] = serial
        return f"{prefix}{serial:04d}"


def _diff(info: Any, existing: Mapping[str, Any], wanted: Mapping[str, Any]) -> dict[str, Any]:
    """The wanted values that differ from the stored ones (compared as SQLite stores them)."""
    return {k: v for k, v in wanted.items() if info.db_value(k, v) != existing.get(k)}


def _member_values(member: MemberRecord, household_id: str, new: bool) -> dict[str, Any]:
    values: dict[str, Any] = {"household_id": household_id, "name": member.name, **member.fields}
    if member.relation is not None:
        values["relation"] = member.relation
    if member.id_number:
        values["id_number"] = member.id_number
        if new:  # what the ID number says, unless the roster says otherwise
            values.setdefault("sex", idnumber.sex(member.id_number))
            values.setdefault("birth_date", idnumber.birth_date(member.id_number))
    return values


def _income_values(income: IncomeRecord, existing: Mapping[str, Any] | None,
                   member_count: int) -> dict[str, Any] | None:
    """The income fields to write for the roster's figures (None: nothing to write).

    With the parts (工资性收入 …) given, those are written. With only 人均纯收入, the year's
    net income is per-capita × household size; the roster does not say where it came
    from, so it is written as one sum (in 工资性收入, the other parts 0) unless the stored
    row already gives the same per-capita figure, which is then left as it is.
    """
    if income.parts:
        values: dict[str, Any] = dict(income.parts)
        if income.members is not None:
            values["members"] = income.members
        return values
    if income.per_capita is None:
        return None
    count = income.members or member_count
    if count <= 0:
        return None
    if existing is not None:
        counted = existing["members"] or member_count
        figures = IncomeFigures(*(existing[p] for p in _INCOME_PARTS))
        current = per_capita_net(figures, counted)
        if (current is not None and abs(current - income.per_capita) < _PC_TOLERANCE
                and (income.members is None or income.members == counted)):
            return None
    return {"wage": round(income.per_capita * count, 2), "operating": 0.0, "property": 0.0,
            "transfer": 0.0, "costs": 0.0, "members": income.members}
