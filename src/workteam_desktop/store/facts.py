"""Derived household facts: what the domain rules say, stored for fast lists and filters.

Recomputed for the households a write touched (and for all of them when thresholds
change), in the same transaction, so a list never shows a stale flag.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from ..domain import rules
from ..domain.income import Income, per_capita_net
from . import sqlite

_CHUNK = 500


def _chunks(ids: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i:i + _CHUNK]


def load_thresholds(cur: sqlite.Cursor) -> rules.Thresholds:
    """The observation thresholds set in the store, keyed by year and area code."""
    table: dict[tuple[int, str | None], float] = {}
    for year, code, amount in cur.execute(
            "SELECT t.year, a.code, t.amount FROM observation_threshold t "
            "LEFT JOIN area a ON a.id = t.area_id WHERE t.deleted = 0"):
        table[(year, code)] = amount
    return rules.Thresholds(table)


def area_chains(cur: sqlite.Cursor) -> dict[str, list[str]]:
    """For each area id, its own code and its ancestors' codes, most specific first."""
    rows = {aid: (code, parent) for aid, code, parent in
            cur.execute("SELECT id, code, parent_id FROM area")}
    chains: dict[str, list[str]] = {}
    for aid in rows:
        chain, node, seen = [], aid, set()
        while node in rows and node not in seen:
            seen.add(node)
            code, parent = rows[node]
            chain.append(code)
            node = parent
        chains[aid] = chain
    return chains


_UPSERT = ("INSERT OR REPLACE INTO household_facts (household_id, member_count, income_year, "
           "per_capita_income, observation, zero_employment) VALUES (?, ?, ?, ?, ?, ?)")

# One household's fact row: (id, member count, income year, per capita, observation, zero).
_Fact = tuple[str, int, int | None, float | None, bool, bool]


class _Rules:
    """The thresholds and area chains the facts of one refresh are computed with."""

    def __init__(self, cur: sqlite.Cursor) -> None:
        self.thresholds = load_thresholds(cur)
        self.chains = area_chains(cur)
        self.known: dict[tuple[int, str], float] = {}  # (year, village) → threshold

    def threshold(self, year: int, village: str) -> float:
        """The observation threshold of a year in a village (asked once per pair)."""
        found = self.known.get((year, village))
        if found is None:
            found = self.known[(year, village)] = self.thresholds.for_year(
                year, self.chains.get(village, []))
        return found

    def fact(self, hid: str, relocated: object, status: str, village: str,
             people: list[rules.MemberWork], income_row: tuple | None) -> _Fact:
        """The facts of one household from its row, members and newest income."""
        year = per_capita = None
        count = len(people)
        if income_row is not None:
            _, year, wage, operating, prop, transfer, costs, counted = income_row
            per_capita = per_capita_net(
                Income(wage, operating, prop, transfer, costs), counted or count)
        threshold = self.threshold(year or 0, village)
        return (hid, count, year, per_capita,
                rules.is_observation(per_capita, threshold, status),
                rules.is_zero_employment(bool(relocated), people))


def refresh(cur: sqlite.Cursor, household_ids: Iterable[str] | None = None, *,
            progress: Callable[[int, int], None] | None = None) -> int:
    """Recompute facts for the given households (all when None); returns how many.

    ``progress(done, total)`` is called after each chunk; it may raise to abandon the
    transaction (a cancelled task), which then leaves every fact as it was.
    """
    if household_ids is None:
        return _refresh_all(cur, progress)
    ids = list(dict.fromkeys(household_ids))
    if not ids:
        return 0
    facts = _Rules(cur)
    done = 0
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        members: dict[str, list[rules.MemberWork]] = defaultdict(list)
        for hid, labour, stable in cur.execute(
                f"SELECT household_id, labour_capacity, employment_stable FROM member "
                f"WHERE deleted = 0 AND household_id IN ({marks})", chunk):
            members[hid].append(rules.MemberWork(labour, bool(stable)))
        incomes: dict[str, tuple] = {}
        for row in cur.execute(
                f"SELECT household_id, year, wage, operating, property, transfer, costs, members "
                f"FROM income WHERE deleted = 0 AND household_id IN ({marks}) "
                f"ORDER BY household_id, year", chunk):
            incomes[row[0]] = row  # the last (newest) year wins
        out = [facts.fact(hid, relocated, status, village, members.get(hid, []),
                          incomes.get(hid))
               for hid, relocated, status, village in cur.execute(
                   f"SELECT id, relocated, monitoring_status, village_id FROM household "
                   f"WHERE id IN ({marks})", chunk)]
        cur.executemany(_UPSERT, out)
        done += len(chunk)
        if progress is not None:
            progress(done, len(ids))
    return len(ids)


def _refresh_all(cur: sqlite.Cursor, progress: Callable[[int, int], None] | None) -> int:
    """Every household's facts, reading households, members and incomes once each in
    household order and walking the three together (two thirds of the time of asking
    for them 500 households at a time: 4.1 s instead of 6.0 s for 200,000)."""
    total = cur.execute("SELECT count(*) FROM household").fetchone()[0]
    if not total:
        return 0
    facts = _Rules(cur)
    connection = cur.connection
    members = connection.execute(
        "SELECT household_id, labour_capacity, employment_stable FROM member "
        "WHERE deleted = 0 ORDER BY household_id")
    incomes = connection.execute(
        "SELECT household_id, year, wage, operating, property, transfer, costs, members "
        "FROM income WHERE deleted = 0 ORDER BY household_id, year")
    households = connection.execute(
        "SELECT id, relocated, monitoring_status, village_id FROM household ORDER BY id")
    # Ids are UUID text: SQLite's and Python's orders agree, so the walks stay in step.
    member = next(members, None)
    income = next(incomes, None)
    out: list[_Fact] = []
    done = 0
    for hid, relocated, status, village in households:
        while member is not None and member[0] < hid:  # a member of no household: skip
            member = next(members, None)
        people: list[rules.MemberWork] = []
        while member is not None and member[0] == hid:
            people.append(rules.MemberWork(member[1], bool(member[2])))
            member = next(members, None)
        while income is not None and income[0] < hid:
            income = next(incomes, None)
        newest = None
        while income is not None and income[0] == hid:
            newest = income  # the last (newest) year wins
            income = next(incomes, None)
        out.append(facts.fact(hid, relocated, status, village, people, newest))
        if len(out) >= _CHUNK:
            # The reads above run on their own cursors of the same connection and
            # transaction; writing household_facts does not disturb them.
            cur.executemany(_UPSERT, out)
            done += len(out)
            out.clear()
            if progress is not None:
                progress(done, total)
    if out:
        cur.executemany(_UPSERT, out)
        done += len(out)
        if progress is not None:
            progress(done, total)
    return done
