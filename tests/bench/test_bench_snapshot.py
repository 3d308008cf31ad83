"""Building the server's snapshot of a county (issue 17, step 3).

The server home is the one the first-sync benchmark makes and caches (the county's
changes pushed through the API: tests/bench/test_bench_first_sync.py ``_load_server``),
``households`` (households, members, income and areas) or the whole ``county``. Timed, in
a fresh process each: ``snapshot.build`` for the administrator's scope (the county) and
for one village's scope, reporting the build time, its CPU, the file's size and the
process's peak resident memory (and its memory before the build, for the fold's share).

The county's size follows ``WORKTEAM_BENCH_HOUSEHOLDS`` (200,000 by default, as every
benchmark); ``WORKTEAM_BENCH_SNAPSHOT_PARTS`` picks the parts (``households,county``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from benchlib import CACHE, record
from test_bench_first_sync import _load_server

from workteam_desktop.store import migrate

ROOT = Path(__file__).resolve().parents[2]
# As tests/bench/conftest.py sizes the county (that module is not importable by name here).
COUNTY_HOUSEHOLDS = int(os.environ.get("WORKTEAM_BENCH_HOUSEHOLDS", "200000"))
PARTS = os.environ.get("WORKTEAM_BENCH_SNAPSHOT_PARTS", "households,county").split(",")

_BUILD = """
import json, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, "tests/bench")
from benchlib import peak_rss_mb
import sqlalchemy as sa
from workteam_server import snapshot
from workteam_server.scope import Scope
from workteam_server.store import ServerStore, sqlite_url
home, which = Path(sys.argv[1]), sys.argv[2]
store = ServerStore.open(sqlite_url(home), pool_size=1)
if which == "county":
    scope = Scope.of("admin", [])
else:  # the village with the most changes
    with store.engine.connect() as conn:
        code = conn.execute(sa.text(
            "SELECT area_code FROM change WHERE length(area_code) = 12 GROUP BY area_code "
            "ORDER BY count(*) DESC LIMIT 1")).scalar()
    scope = Scope.of("member", [code])
with store.engine.connect() as conn:
    end = store.log_end(conn)
before = peak_rss_mb()
with tempfile.TemporaryDirectory(dir=home) as folder:
    t, c = time.perf_counter(), time.process_time()
    made = snapshot.build(store, scope, end, Path(folder))
    seconds, cpu = time.perf_counter() - t, time.process_time() - c
    info = json.loads(next(Path(folder).glob("*.json")).read_text())
store.close()
print(json.dumps({"scope": which, "seconds": seconds, "cpu_seconds": cpu, "bytes": made.bytes,
                  "rows": made.rows, "changes": made.changes, "folded": info["folded"],
                  "rss_before_mb": before, "peak_rss_mb": peak_rss_mb()}))
"""


def _server_home(request: pytest.FixtureRequest, part: str) -> tuple[Path, str]:
    """The cached server home of ``part`` and the county's name. The county itself is
    asked for only when the server must be loaded: a county made by an earlier session
    cannot be opened again (its store key was in that session's test keyring)."""
    county = f"county-{COUNTY_HOUSEHOLDS}-seed1-{migrate.head_revision()}"
    home = CACHE / f"first-sync-server-{part}-{county}"
    if not (home / "complete").exists():
        home = _load_server(request.getfixturevalue("county_home"), part)
    return home, county


@pytest.mark.parametrize("part", PARTS)
def test_snapshot_build(request: pytest.FixtureRequest, part: str) -> None:
    home, county = _server_home(request, part)
    for which in ("county", "village"):
        done = subprocess.run([sys.executable, "-c", _BUILD, str(home), which],
                              capture_output=True, text=True, cwd=ROOT, check=False)
        assert done.returncode == 0, done.stderr[-3000:]
        got = json.loads(done.stdout.strip().splitlines()[-1])
        record("snapshot_build", part=part, households=county, **{
            k: round(v, 1) if isinstance(v, float) else v for k, v in got.items()},
            mb=round(got["bytes"] / 2**20, 1),
            fold_mb=round(got["peak_rss_mb"] - got["rss_before_mb"], 1),
            load_1min=round(os.getloadavg()[0], 2))
        if which == "county":
            assert got["folded"] > 0 and got["rows"] > 0
