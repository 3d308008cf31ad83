"""Administrative divisions: village lookup by name, cold (first lookup in a county, which
reads its zip member) and warm, p50/p95/max; target p95 < 5 ms. Also the import time the
module adds (nothing is read at import), the first use (the index), and listing every
township and village of a county of about 400 villages."""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time

from benchlib import CACHE, record

from workteam_desktop.domain import divisions as dv

COLD_COUNTIES = 200
WARM_COUNTIES = 10
NAMES_PER_COUNTY = 40
BIG_COUNTY = "130321"  # 青龙满族自治县: 25 townships, 406 villages
BIGGEST_COUNTY = "310115"  # 浦东新区: 1,526 villages, the largest member
TARGET_MS = 5.0

_IMPORT = """
import time
import dataclasses, functools, hashlib, re, threading, unicodedata, zipfile
import workteam_desktop.paths
started = time.perf_counter()
import workteam_desktop.domain.divisions as dv
took = time.perf_counter() - started
assert dv.shipped.cache_info().currsize == 0
print(took * 1000)
"""


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _figures(times: list[float]) -> dict[str, float]:
    return {"p50_ms": round(statistics.median(times), 3), "p95_ms": round(_percentile(times, 0.95), 3),
            "max_ms": round(max(times), 3), "lookups": len(times)}


def _text(rng: random.Random, divisions: dv.Divisions, village: dv.Division) -> str:
    """A name as a roster may write it."""
    township = divisions.get(village.parent or "")
    assert township is not None
    return rng.choice([village.name, village.short, township.name + village.short,
                       f"{township.name} {village.name}"])


def _timed(divisions: dv.Divisions, county: str, text: str, village: dv.Division) -> float:
    started = time.perf_counter()
    match = divisions.find_village(county, text)
    took = (time.perf_counter() - started) * 1000
    assert match.found == village or village in match.candidates, text
    return took


def test_division_lookup() -> None:
    rng = random.Random(2023)
    path = dv.shipped().file

    # Byte code cached (as in an installed program), in the bench cache rather than the tree;
    # the first run writes it.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    command = [sys.executable, "-X", f"pycache_prefix={CACHE / 'pycache'}", "-c", _IMPORT]
    imports = [float(subprocess.run(command, check=True, capture_output=True, text=True,
                                    env=env).stdout) for _ in range(6)][1:]

    divisions = dv.Divisions(path)
    started = time.perf_counter()
    counties = [c.code[:6] for c in divisions.counties() if c.code[:6] != "350527"]
    first_use_ms = (time.perf_counter() - started) * 1000

    # Cold: the first lookup in a county reads, parses and indexes its member.
    cold = []
    sample = rng.sample(counties, COLD_COUNTIES)
    villages: dict[str, list[dv.Division]] = {}
    other = dv.shipped()  # chooses the names, so that `divisions` stays cold
    for county in sample:
        village = rng.choice(other.county_villages(county))
        cold.append(_timed(divisions, county, _text(rng, other, village), village))
        villages[county] = divisions.county_villages(county)

    # Warm: a few hundred names in counties already read.
    warm = []
    for county in sample[:WARM_COUNTIES]:
        for village in rng.sample(villages[county], min(NAMES_PER_COUNTY, len(villages[county]))):
            warm.append(_timed(divisions, county, _text(rng, divisions, village), village))

    # The biggest member, cold.
    biggest = rng.choice(other.county_villages(BIGGEST_COUNTY))
    biggest_cold_ms = _timed(divisions, BIGGEST_COUNTY, biggest.short, biggest)
    divisions.close()

    # Listing a county of ~400 villages: every township, then each township's villages.
    lister = dv.Divisions(path)
    lister.counties()  # the index read; the county not yet
    listing = {}
    for run in ("cold", "warm"):
        started = time.perf_counter()
        count = sum(len(lister.villages(t.code)) for t in lister.townships(BIG_COUNTY))
        listing[f"{run}_ms"] = round((time.perf_counter() - started) * 1000, 3)
    listing["villages"] = count
    lister.close()
    results = {"import_added_ms": round(statistics.median(imports), 2),
               "first_use_index_ms": round(first_use_ms, 2),
               "cold": _figures(cold), "warm": _figures(warm),
               "biggest_county_cold_ms": round(biggest_cold_ms, 3),
               "list_county_400": listing}
    record("division_lookup", zip_mb=round(path.stat().st_size / 2**20, 2), **results)
    assert results["cold"]["p95_ms"] < TARGET_MS
    assert results["warm"]["p95_ms"] < TARGET_MS
