"""The household list of the GUI on a 200,000-household county, each run in a fresh process
(gui_probe.py) so start-up and memory are measured cleanly.

(a) start to a usable main window with the first households shown: target < 1.0 s,
    reported with a bare QApplication + QMainWindow start and the ratio of the two;
(b) household search until the table holds the results: p95 < 100 ms over ~100 queries
    (full names, 1–2 character fragments, last 4 ID digits);
(c) peak RSS after scrolling the whole list top to bottom, a view page at a time: < 400 MB.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchlib import CACHE, record

from workteam_desktop.store import Store
from workteam_desktop.store.households import count_households

PROBE = Path(__file__).with_name("gui_probe.py")
START_RUNS = 3


def probe(*args: str, timeout: float = 600) -> dict:
    """Run gui_probe.py in a fresh process; its figures, with ``wall_s`` from before the
    process was started to the moment its window was usable."""
    # Bytecode cached, as in any installed program (this machine's environment sets
    # PYTHONDONTWRITEBYTECODE, which would make every start compile every module again).
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPYCACHEPREFIX": str(CACHE / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    before = time.time()
    done = subprocess.run([sys.executable, str(PROBE), *args], capture_output=True, text=True,
                          env=env, timeout=timeout, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    if "ready_at" in figures:
        figures["wall_s"] = figures["ready_at"] - before
    return figures


def test_start_to_the_first_households(county_home: Path) -> None:
    bare, start = [], []
    probe("start", str(county_home))  # warm: compiled modules, the file in the page cache
    for _ in range(START_RUNS):  # interleaved, so both see the same machine load
        bare.append(probe("bare"))
        start.append(probe("start", str(county_home)))
    bare_s = statistics.median(f["wall_s"] for f in bare)
    start_s = statistics.median(f["wall_s"] for f in start)
    stages = {k: round(statistics.median(f["stages"][k] for f in start), 3)
              for k in start[0]["stages"]}
    record("gui_start_households", households=start[0]["total"], runs=START_RUNS,
           start_s=round(start_s, 3), bare_qt_s=round(bare_s, 3),
           ratio=round(start_s / bare_s, 2), rows_shown=start[0]["rows_shown"],
           start_stages=stages,
           start_peak_rss_mb=max(f["peak_rss_mb"] for f in start),
           bare_peak_rss_mb=max(f["peak_rss_mb"] for f in bare), target_s=1.0,
           load_average=round(os.getloadavg()[0], 2))
    assert all(f["rows_shown"] > 0 for f in start)
    assert start_s < 1.0


def test_household_search_in_the_list(county_home: Path) -> None:
    figures = probe("search", str(county_home), "7")
    record("gui_household_search", **figures, target_p95_ms=100,
           load_average=round(os.getloadavg()[0], 2))
    assert figures["queries"] >= 100
    assert figures["mismatches"] == 0  # the table shows what the store function returns
    assert figures["p95_ms"] < 100


def test_scrolling_the_whole_list_keeps_memory_bounded(county_home: Path) -> None:
    figures = probe("scroll", str(county_home), timeout=1800)
    record("gui_scroll_households", **figures, target_peak_rss_mb=400,
           load_average=round(os.getloadavg()[0], 2))
    with Store.open(county_home) as store:
        total = count_households(store)
    assert figures["last_row_loaded"] and figures["rows"] == total
    assert figures["peak_rss_mb"] < 400
