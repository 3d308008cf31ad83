"""Benchmark fixtures: a 200,000-household county, generated once and cached; its
encrypted copy (issue 16), also cached.

Benchmarks run on demand (`make bench`), never in CI. The county is cached under
`.bench-cache/` (ignored by git) and rebuilt when the schema or the generator's
parameters change; each benchmark works on a copy when it writes.

The cached county is a **plain** store (made without a keyring). A store opened while a
usable keyring exists is encrypted in place with a new key (issue 16); the tests' keyring
file lives only as long as the run, so the county would be left encrypted under a lost
key. Every benchmark using ``county_home`` therefore runs with no keyring (in its own
process and the ones it starts, unless it sets one itself): the county stays plain, as
the figures measured on it before issue 16 were. ``encrypted_county_home`` is the same
county encrypted, with its key kept in a keyring file in its own folder.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from benchlib import CACHE, county_keyring, record, use_keyring

from workteam_desktop.store import Store, migrate, sqlite
from workteam_desktop.store.home import store_path

COUNTY_HOUSEHOLDS = int(os.environ.get("WORKTEAM_BENCH_HOUSEHOLDS", "200000"))


@pytest.fixture(scope="session")
def county_home() -> Path:
    """A data home holding the demo county at benchmark scale (cached between runs): a
    plain store."""
    from workteam_desktop.demo import generate

    key = f"county-{COUNTY_HOUSEHOLDS}-seed1-{migrate.head_revision()}"
    home = CACHE / key
    done = home / "complete"
    if done.exists() and not sqlite.is_plain(store_path(home)):
        # Encrypted in place by a run with a keyring, under a key since lost.
        done.unlink()
    if not done.exists():
        shutil.rmtree(home, ignore_errors=True)
        started = time.perf_counter()
        with use_keyring(None), Store.open(home) as store:
            counts = generate(store, households=COUNTY_HOUSEHOLDS, seed=1)
        record("demo_generate", households=COUNTY_HOUSEHOLDS,
               seconds=round(time.perf_counter() - started, 1), rows=counts)
        assert sqlite.is_plain(store_path(home))
        done.write_text("ok")
    return home


@pytest.fixture(autouse=True)
def _county_stays_plain(request: pytest.FixtureRequest, memory_keyring: object) -> Iterator[None]:
    """No keyring for a benchmark on the cached plain county (see the module docstring)."""
    if "county_home" not in request.fixturenames:
        yield
        return
    with use_keyring(None):
        yield


def _key_kept(home: Path) -> bool:
    """Whether the encrypted county's store is encrypted and its keyring file opens it."""
    from workteam_desktop.store import home_key

    if not (home / "complete").exists() or not county_keyring(home).is_file():
        return False
    try:
        if sqlite.is_plain(store_path(home), strict=True):
            return False
        home_key.forget(home)  # not the key this process remembers: the file's
        with use_keyring(county_keyring(home)):
            key = home_key.load(home)
        db = sqlite.connect(store_path(home), key, readonly=True)
        try:
            db.execute("SELECT count(*) FROM household").fetchone()
        finally:
            db.close()
        return True
    except (OSError, sqlite.Error, home_key.StoreLocked, home_key.RecoveryRefused):
        return False


@pytest.fixture(scope="session")
def encrypted_county_home(county_home: Path) -> Path:
    """The county of ``county_home`` encrypted (a copy of it encrypted in place by
    ``encrypt_home``, as the first start of a version that encrypts does), cached beside
    it. Its key is in the keyring file ``benchlib.county_keyring(home)`` inside the folder: open it
    with ``use_keyring(county_keyring(home))`` (``keyring_env`` for a process). Rebuilt
    when that file does not open it."""
    from workteam_desktop.store import home_key
    from workteam_desktop.store.encrypt import encrypt_home

    home = CACHE / f"{county_home.name}-encrypted"
    if _key_kept(home):
        return home
    shutil.rmtree(home, ignore_errors=True)
    started = time.perf_counter()
    shutil.copytree(county_home, home, ignore=shutil.ignore_patterns("complete"))
    copied = time.perf_counter()
    with use_keyring(county_keyring(home)):
        encrypt_home(home)
        home_key.recovery_code_kept(home)  # as after the first start: no code to show
    record("encrypted_county_cache", households=COUNTY_HOUSEHOLDS,
           copy_s=round(copied - started, 1),
           encrypt_home_s=round(time.perf_counter() - copied, 1))
    (home / "complete").write_text("ok")
    assert _key_kept(home)
    return home
