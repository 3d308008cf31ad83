"""`make bench` entry for the server load benchmark (tests/bench/bench_server_load.py).

Issue 14 put every pushed change through the entity declarations, the clock bound and the
parent checks; the push throughput must stay at >= 0.8x of the server before them. Both
servers run in this one run, alternately (baseline, checked, baseline, checked), on the
same machine and the same fresh PostgreSQL; the better of each pair's two runs counts.
"""

from __future__ import annotations

from bench_server_load import baseline_code, run
from benchlib import record

# The last commit before the checks of issue 14 (server hardening).
BASELINE = "1c8df36"


def test_bench_server_load() -> None:
    old = baseline_code(BASELINE)
    figures: dict[str, list[dict]] = {"baseline": [], "checked": []}
    for _ in range(2):
        figures["baseline"].append(run(n_clients=200, per_client=500, batch=100, workers=2,
                                       code=old, label="baseline " + BASELINE))
        figures["checked"].append(run(n_clients=200, per_client=500, batch=100, workers=2))
    for runs in figures.values():
        for f in runs:
            assert f["server_changes"] == 100_000 + 45  # the clients' changes and the areas
            assert f["lost"] == 0 and f["duplicated"] == 0
    best = {k: max(f["push_changes_per_s"] for f in runs) for k, runs in figures.items()}
    ratio = best["checked"] / best["baseline"]
    record("server_load_checks_ratio", baseline_push_per_s=best["baseline"],
           checked_push_per_s=best["checked"], ratio=round(ratio, 2), target=">= 0.8")
    assert ratio >= 0.8, best
