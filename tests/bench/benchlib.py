"""Recording benchmark results: figures printed and appended to .bench-cache/results.jsonl."""

from __future__ import annotations

import json
import os
import platform
import resource
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".bench-cache"
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
    """Peak resident memory of this process, in MB.

    VmHWM, not getrusage: ru_maxrss carries the parent's peak across fork and exec
    (the kernel keeps the larger of the two at exec), so a measured child started by a big
    pytest process would report the parent's memory.
    """
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
