"""Household search on a county: p50/p95 of `households list --search`, target p95 < 50 ms."""

from __future__ import annotations

import random
import statistics
import time
from pathlib import Path

from benchlib import record

from workteam_desktop.store import Store
from workteam_desktop.store.households import HouseholdFilter, list_households

RUNS = 200
PAGE = 50


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _measure(store: Store, queries: list[str]) -> dict[str, float]:
    times = []
    hits = 0
    for q in queries:
        started = time.perf_counter()
        rows = list_households(store, HouseholdFilter(search=q), limit=PAGE)
        times.append((time.perf_counter() - started) * 1000)
        hits += bool(rows)
    return {"p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(_percentile(times, 0.95), 2),
            "max_ms": round(max(times), 2), "queries": len(queries),
            "queries_with_hits": hits}


def test_household_search(county_home: Path) -> None:
    rng = random.Random(7)
    with Store.open(county_home) as store:
        with store.read() as cur:
            heads = [tuple(r) for r in cur.execute(
                "SELECT head_name, id_number FROM household ORDER BY random() LIMIT 2000")]
            total = cur.execute("SELECT count(*) FROM household").fetchone()[0]
        sample = rng.sample(heads, RUNS)
        full_names = [name for name, _ in sample]
        given_names = [name[1:] for name, _ in sample]  # 1–2 characters: no trigram index
        id_tails = [idn[-4:] for _, idn in sample]
        list_households(store, HouseholdFilter(search="热身"), limit=PAGE)  # warm the cache
        results = {
            "full_name": _measure(store, full_names),
            "given_name_fragment": _measure(store, given_names),
            "id_last4": _measure(store, id_tails),
        }
    record("household_search", households=total, page=PAGE, **results)
    for kind, figures in results.items():
        assert figures["queries_with_hits"] == RUNS, kind
