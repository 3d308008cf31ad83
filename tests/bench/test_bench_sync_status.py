"""Benchmark: the 同步 column of the household list, one page of 200 rows at a time, at the
start, the middle and the end of the county's list (one indexed query per page)."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from benchlib import record

from workteam_desktop.store import Store
from workteam_desktop.store.households import HouseholdFilter, list_households
from workteam_desktop.store.sync_status import SyncState, row_states

PAGE = 200


def test_sync_state_of_a_page_of_households(county_home: Path) -> None:
    with Store.open(county_home) as store:
        with store.read() as cur:
            total = cur.execute("SELECT count(*) FROM household").fetchone()[0]
        timings: list[float] = []
        for offset in (0, total // 2, max(0, total - PAGE)) * 5:
            ids = [h["id"] for h in list_households(store, HouseholdFilter(), limit=PAGE,
                                                    offset=offset)]
            started = time.perf_counter()
            states = row_states(store, "household", ids)
            timings.append(time.perf_counter() - started)
            assert len(states) == len(ids)
            # The demo county was never sent: every household is waiting.
            assert {s.state for s in states.values()} == {SyncState.PENDING}
    record("sync_status_page", households=total, page=PAGE,
           p50_ms=round(statistics.median(timings) * 1000, 2),
           max_ms=round(max(timings) * 1000, 2))
    assert statistics.median(timings) < 0.05
