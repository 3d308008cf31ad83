"""Changing an observation threshold at county scale: every household's flags are
recomputed in the write transaction, reporting progress.

Figures: seconds for the whole change (write + recompute of all households), the number
of progress reports and the longest gap between two (what the progress bar shows), and
the 观测对象 count before and after. The write is rolled back by working on a copy.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from benchlib import record

from workteam_desktop.store import Store
from workteam_desktop.store.thresholds import list_thresholds, save_threshold


def _observation(store: Store) -> int:
    with store.read() as cur:
        return cur.execute("SELECT count(*) FROM household_facts WHERE observation = 1").fetchone()[0]


def test_threshold_change_recomputes_the_county(county_home: Path, tmp_path: Path) -> None:
    home = tmp_path / "county"
    shutil.copytree(county_home, home)
    with Store.open(home) as store:
        latest = list_thresholds(store)[0]
        before = _observation(store)
        reports: list[float] = []
        started = time.perf_counter()
        save_threshold(store, latest.year, latest.area_id, latest.amount + 2000,
                       threshold_id=latest.id, progress=lambda d, t: reports.append(time.perf_counter()))
        seconds = time.perf_counter() - started
        after = _observation(store)
        with store.read() as cur:
            households = cur.execute("SELECT count(*) FROM household").fetchone()[0]
    gaps = [b - a for a, b in zip([started, *reports], reports, strict=False)]
    record("threshold_recompute", households=households, seconds=round(seconds, 2),
           progress_reports=len(reports), longest_gap_ms=round(max(gaps) * 1000),
           observation_before=before, observation_after=after)
    assert after > before
    assert len(reports) >= households // 500
