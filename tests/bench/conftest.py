"""Benchmark fixtures: a 200,000-household county, generated once and cached.

Benchmarks run on demand (`make bench`), never in CI. The county is cached under
`.bench-cache/` (ignored by git) and rebuilt when the schema or the generator's
parameters change; each benchmark works on a copy when it writes.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import time
from pathlib import Path

import pytest

from workteam_desktop.store import Store, migrate

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".bench-cache"
COUNTY_HOUSEHOLDS = int(os.environ.get("WORKTEAM_BENCH_HOUSEHOLDS", "200000"))
RESULTS = CACHE / "results.jsonl"


def machine() -> str:
    """A one-line description of this machine."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {mem_gib:.0f} GiB, Python {platform.python_version()}"


def record(name: str, **figures: object) -> None:
    """Print a benchmark's figures and append them to the results file."""
    entry = {"bench": name, "date": time.strftime("%Y-%m-%d"), "machine": machine(), **figures}
    print("\nBENCH", json.dumps(entry, ensure_ascii=False))
    CACHE.mkdir(exist_ok=True)
    with RESULTS.open("a", encoding="utf-8") as f:
        f.write(json.dumps(entry, ensure_ascii=False) + "\n")


def peak_rss_mb() -> float:
    """Peak resident memory of this process, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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
