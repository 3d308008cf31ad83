"""Recording benchmark results: figures printed and appended to .bench-cache/results.jsonl;
the keyring a benchmark (and the processes it starts) runs with."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import resource
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".bench-cache"
RESULTS = CACHE / "results.jsonl"
# The tests' file keyring (tests/keyring_for_tests.py): its file, and the backend's name
# for PYTHON_KEYRING_BACKEND in the processes a benchmark starts.
KEYRING_ENV = "WORKTEAM_TEST_KEYRING"
FILE_KEYRING = "keyring_for_tests.FileKeyring"
FAIL_KEYRING = "keyring.backends.fail.Keyring"
COUNTY_KEYRING = "bench-keyring.json"  # in the encrypted county's folder (conftest.py)


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


def county_keyring(home: Path) -> Path:
    """The keyring file holding the key of the cached encrypted county ``home``."""
    return home / COUNTY_KEYRING


def keyring_env(keyring_file: Path | None) -> dict[str, str]:
    """Environment variables that give a process started with them the keyring of
    ``keyring_file`` (the tests' FileKeyring: the store keys of the homes made with it), or
    with None no keyring at all (the fail backend: the program keeps a plain store and
    encrypts nothing)."""
    if keyring_file is None:
        return {"PYTHON_KEYRING_BACKEND": FAIL_KEYRING}
    tests = str(ROOT / "tests")
    path = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    return {"PYTHON_KEYRING_BACKEND": FILE_KEYRING, KEYRING_ENV: str(keyring_file),
            "PYTHONPATH": os.pathsep.join([tests, *(p for p in path if p != tests)])}


@contextlib.contextmanager
def use_keyring(keyring_file: Path | None) -> Iterator[Any]:
    """In this process, and the processes it starts meanwhile: the keyring of
    ``keyring_file``, or with None no keyring (see :func:`keyring_env`). Restores the
    keyring and environment there were."""
    import keyring

    env = keyring_env(keyring_file)
    saved = {k: os.environ.get(k) for k in (*env, KEYRING_ENV)}
    previous = keyring.get_keyring()
    os.environ.update(env)
    if keyring_file is None:
        from keyring.backends.fail import Keyring as FailKeyring

        backend: Any = FailKeyring()
    else:
        from keyring_for_tests import FileKeyring  # tests/, on sys.path under pytest

        backend = FileKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def encrypted_vs_plain(runs: dict[str, list[dict]]) -> dict[str, object]:
    """The figures of plain and encrypted runs of one thing, measured in the same run
    (``runs["plain"]``, ``runs["encrypted"]``: each run's ``seconds``, ``cpu_seconds``,
    ``peak_mb``): medians, the ratio plain / encrypted (target 0.8) and every run."""
    import statistics

    median = {k: statistics.median(r["seconds"] for r in v) for k, v in runs.items()}
    return {
        "plain_seconds": round(median["plain"], 2),
        "encrypted_seconds": round(median["encrypted"], 2),
        "ratio_plain_to_encrypted": round(median["plain"] / median["encrypted"], 3),
        "target": 0.8,
        **{f"{mode}_runs_s": [round(r["seconds"], 2) for r in runs[mode]]
           for mode in ("plain", "encrypted")},
        **{f"{mode}_cpu_s": [round(r["cpu_seconds"], 1) for r in runs[mode]]
           for mode in ("plain", "encrypted")},
        **{f"{mode}_peak_rss_mb": max(round(r["peak_mb"], 1) for r in runs[mode])
           for mode in ("plain", "encrypted")},
    }
