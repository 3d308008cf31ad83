"""Benchmark fixtures: a 200,000-household county, generated once and cached.

Benchmarks run on demand (`make bench`), never in CI. The county is cached under
`.bench-cache/` (ignored by git) and rebuilt when the schema or the generator's
parameters change; each benchmark works on a copy when it writes.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from benchlib import CACHE, record

from workteam_desktop.store import Store, migrate

COUNTY_HOUSEHOLDS = int(os.environ.get("WORKTEAM_BENCH_HOUSEHOLDS", "200000"))


@pytest.fixture(scope="session")
def county_home() -> Path:
    """A data home holding the demo county at benchmark scale (cached between runs)."""
    from workteam_desktop.demo import generate

    key = f"county-{COUNTY_HOUSEHOLDS}-seed1-{migrate.head_revision()}"
    home = CACHE / key
    done = home / "complete"
    if not done.exists():
        shutil.rmtree(home, ignore_errors=True)
        started = time.perf_counter()
        with Store.open(home) as store:
            counts = generate(store, households=COUNTY_HOUSEHOLDS, seed=1)
        record("demo_generate", households=COUNTY_HOUSEHOLDS,
               seconds=round(time.perf_counter() - started, 1), rows=counts)
        done.write_text("ok")
    return home
