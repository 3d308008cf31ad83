"""Benchmark: the demo county of 200,000 households into a fresh home.

Run as a plain script (``python tests/bench/bench_demo.py [households] [--keep]``). Prints
the elapsed seconds (generation and writing, then the final facts refresh and commit),
rows per table, the store's size on disk and the peak RSS of this process and of the
helper process that makes the rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import shutil
import tempfile
import time
from pathlib import Path

from workteam_desktop.demo import generate, generator
from workteam_desktop.store import Store
from workteam_desktop.store.home import store_path

TODAY = dt.date(2025, 6, 15)  # fixed, so runs on different days write the same rows


def main() -> None:
    """Generate the county, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("households", nargs="?", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary home")
    parser.add_argument("--in-process", action="store_true",
                        help="make the rows in this process (no helper process)")
    args = parser.parse_args()
    if args.in_process:
        generator.PARALLEL_FROM = 2**62

    home = Path(tempfile.mkdtemp(prefix="workteam-bench-"))
    last_progress = [0.0]
    try:
        store = Store.open(home)
        start = time.perf_counter()
        counts = generate(store, args.households, seed=args.seed, today=TODAY,
                          progress=lambda done, total: last_progress.__setitem__(
                              0, time.perf_counter()))
        end = time.perf_counter()
        store.close()
        closed = time.perf_counter()
        size = store_path(home).stat().st_size
        print(f"households          {args.households:>12,}")
        print(f"elapsed             {end - start:>12.1f} s")
        print(f"  rows made+written {last_progress[0] - start:>12.1f} s")
        print(f"  facts + commit    {end - last_progress[0]:>12.1f} s")
        print(f"close (checkpoint)  {closed - end:>12.1f} s")
        print(f"rows                {sum(counts.values()):>12,}")
        for entity, count in sorted(counts.items(), key=lambda kv: -kv[1]):
            print(f"  {entity:<22}{count:>10,}")
        print(f"store file          {size / 2**20:>12,.0f} MiB")
        own = resource.getrusage(resource.RUSAGE_SELF)
        child = resource.getrusage(resource.RUSAGE_CHILDREN)
        # CPU seconds tell the work apart from waiting for a busy machine's other jobs.
        print(f"CPU time            {own.ru_utime + own.ru_stime:>12.1f} s "
              f"(helper process {child.ru_utime + child.ru_stime:.1f} s)")
        # ru_maxrss is in KiB on Linux.
        print(f"peak RSS            {own.ru_maxrss / 1024:>12,.0f} MiB "
              f"(helper process {child.ru_maxrss / 1024:,.0f} MiB)")
    finally:
        if args.keep:
            print(f"home kept at {home}")
        else:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
