"""Derived household facts: what the domain rules say, stored for fast lists and filters.

Recomputed for the households a write touched (and for all of them when thresholds
change), in the same transaction, so a list never shows a stale flag.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from ..domain import rules
from ..domain.income import Income, per_capita_net

_CHUNK = 500


def _chunks(ids: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i:i + _CHUNK]


def load_thresholds(cur: sqlite3.Cursor) -> rules.Thresholds:
    """The observation thresholds set in the store, keyed by year and area code."""
    table: dict[tuple[int, str | None], float] = {}
    for year, code, amount in cur.execute(
            "SELECT t.year, a.code, t.amount FROM observation_threshold t "
            "LEFT JOIN area a ON a.id = t.area_id WHERE t.deleted = 0"):
        table[(year, code)] = amount
    return rules.Thresholds(table)


def area_chains(cur: sqlite3.Cursor) -> dict[str, list[str]]:
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


def refresh(cur: sqlite3.Cursor, household_ids: Iterable[str] | None = None, *,
            progress: Callable[[int, int], None] | None = None) -> int:
    """Recompute facts for the given households (all when None); returns how many.

    ``progress(done, total)`` is called after each chunk; it may raise to abandon the
    transaction (a cancelled task), which then leaves every fact as it was.
    """
    if household_ids is None:
        ids = [r[0] for r in cur.execute("SELECT id FROM household")]
    else:
        ids = list(dict.fromkeys(household_ids))
    if not ids:
        return 0
    thresholds = load_thresholds(cur)
    chains = area_chains(cur)
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
        out = []
        for hid, relocated, status, village in cur.execute(
                f"SELECT id, relocated, monitoring_status, village_id FROM household "
                f"WHERE id IN ({marks})", chunk):
            people = members.get(hid, [])
            income_row = incomes.get(hid)
            year = per_capita = None
            count = len(people)
            if income_row is not None:
                _, year, wage, operating, prop, transfer, costs, counted = income_row
                per_capita = per_capita_net(
                    Income(wage, operating, prop, transfer, costs), counted or count)
            threshold = thresholds.for_year(year or 0, chains.get(village, []))
            out.append((
                hid, count, year, per_capita,
                rules.is_observation(per_capita, threshold, status),
                rules.is_zero_employment(bool(relocated), people),
            ))
        cur.executemany(
            "INSERT OR REPLACE INTO household_facts (household_id, member_count, income_year, "
            "per_capita_income, observation, zero_employment) VALUES (?, ?, ?, ?, ?, ?)", out)
        done += len(chunk)
        if progress is not None:
            progress(done, len(ids))
    return len(ids)
