"""Supervisor mode on the 200,000-household county: quality checks, duplicate search,
the overview and a quarter's assessment. Read-only, so it works on the cached county.

Targets: the quality checks and the duplicate search each within a few seconds (they run
off the GUI thread, behind a progress label), which needs SQL over indexes, not Python
loops over the rows.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchlib import peak_rss_mb, record

from workteam_desktop.store import Store
from workteam_desktop.store.assessment import assess_quarter, current_quarter, previous_quarter
from workteam_desktop.store.duplicates import find_duplicates
from workteam_desktop.store.quality import quality_checks
from workteam_desktop.store.supervisor import overview

RUNS = 3


def _best(fn: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(RUNS):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return round(best, 3), result


def test_supervisor_queries(county_home: Path) -> None:
    with Store.open(county_home) as store:
        with store.read() as cur:
            households = cur.execute("SELECT count(*) FROM household").fetchone()[0]
            members = cur.execute("SELECT count(*) FROM member").fetchone()[0]
        checks_s, report = _best(lambda: quality_checks(store, limit=500))
        dups_s, pairs = _best(lambda: find_duplicates(store))
        overview_s, view = _best(lambda: overview(store))
        quarter = previous_quarter(current_quarter())
        assess_s, result = _best(lambda: assess_quarter(store, quarter))
    record("supervisor_queries", households=households, members=members,
           quality_checks_s=checks_s, quality_findings=report.total,
           duplicates_s=dups_s, duplicate_pairs=len(pairs),
           overview_s=overview_s, overview_rows=len(view.rows),
           assessment_s=assess_s, teams=len(result.teams),
           peak_rss_mb=round(peak_rss_mb()))
    assert households >= 1000
    assert checks_s < 10 and dups_s < 10
