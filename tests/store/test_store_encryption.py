"""The encrypted store (issue 16): nothing personal readable on the disk, the key only in
the keyring, plain homes encrypted in place (kill -9 safe), and the recovery code."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import keyring
import pytest
from hypothesis import given
from hypothesis import strategies as st
from keyring.backends.fail import Keyring as FailKeyring

from plain_homes import plain_home
from workteam_desktop.demo import generate
from workteam_desktop.store import Store, home_key, sqlite
from workteam_desktop.store.encrypt import SUFFIX
from workteam_desktop.store.home import store_path


def _personal(store: Store) -> set[bytes]:
    """ID numbers, phones and names of a store, as the bytes they would be on disk."""
    found: set[str] = set()
    with store.read() as cur:
        for sql in ("SELECT id_number, phone, head_name FROM household",
                    "SELECT id_number, name FROM member"):
            for row in cur.execute(sql):
                found.update(v for v in row if v and len(v) >= 2)
    return {v.encode("utf-8") for v in found}


def _home_bytes(home: Path) -> list[tuple[Path, bytes]]:
    return [(p, p.read_bytes()) for p in home.rglob("*") if p.is_file()]


def _readable(needles: set[bytes], files: list[tuple[Path, bytes]]) -> list[str]:
    return [f"{path.name}: {needle.decode()}" for path, data in files for needle in needles
            if needle in data]


def test_a_demo_county_leaves_no_personal_data_readable_on_the_disk(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with Store.open(home) as store:
        generate(store, households=120, seed=3)
        needles = _personal(store)
        # While open, the WAL holds the latest pages: they are encrypted as well.
        assert Path(f"{store.path}-wal").exists()
        assert not _readable(needles, _home_bytes(home))
    assert len(needles) > 300  # ID numbers, phones and names were there to find
    assert not _readable(needles, _home_bytes(home))
    assert not sqlite.is_plain(store_path(home))
    # The key is in the keyring, not in the home; the key file names it only.
    key = home_key.load(home)
    assert not any(key in data or key.hex().encode() in data for _, data in _home_bytes(home))


def test_the_store_opens_only_with_its_key(tmp_path: Path) -> None:
    home = tmp_path / "home"
    Store.open(home).close()
    assert not sqlite.key_opens(store_path(home), None)
    assert not sqlite.key_opens(store_path(home), os.urandom(32))
    assert sqlite.key_opens(store_path(home), home_key.load(home))


def _plain_home(path: Path, households: int = 60) -> dict[str, int]:
    """A home as the previous version left it: a plain SQLite file (made with no keyring)."""
    return plain_home(path, households, seed=5, tables=COUNTED)


COUNTED = ("household", "member", "visit", "change_log")


def _counts(store: Store) -> dict[str, int]:
    with store.read() as cur:
        return {t: cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED}


def test_a_plain_home_is_encrypted_in_place_at_the_first_start(tmp_path: Path) -> None:
    home = tmp_path / "home"
    before = _plain_home(home)
    assert sqlite.is_plain(store_path(home))
    with Store.open(home) as store:
        assert store.key is not None and store.recovery_code
        assert _counts(store) == before
        code = store.recovery_code
    assert not sqlite.is_plain(store_path(home))
    assert not list(home.glob(f"*{SUFFIX}*"))
    home_key.recovery_code_kept(home)
    # The code shown at the migration opens the home when the keyring lost the key.
    home_key.remove_from_keyring(home)
    with pytest.raises(home_key.StoreLocked):
        Store.open(home)
    home_key.recover(home, code)
    with Store.open(home) as store:
        assert _counts(store) == before and store.recovery_code is None


_KILL_PROBE = """
import sys
from pathlib import Path
from workteam_desktop.store.encrypt import encrypt_home
encrypt_home(Path(sys.argv[1]))
print("done")
"""


def test_a_killed_encryption_leaves_the_old_or_the_new_store_whole(tmp_path: Path) -> None:
    """kill -9 at points spread over the run: each time either the plain store or the
    encrypted one is whole, and the next start finishes the job with the same rows."""
    template = tmp_path / "template"
    before = _plain_home(template, households=400)
    started = time.perf_counter()
    whole = tmp_path / "timing"
    _copy_home(template, whole)
    subprocess.run([sys.executable, "-c", _KILL_PROBE, str(whole)], check=True, timeout=120)
    duration = time.perf_counter() - started
    outcomes = {"plain": 0, "encrypted": 0}
    for trial in range(8):
        home = tmp_path / f"trial-{trial}"
        _copy_home(template, home)
        probe = subprocess.Popen([sys.executable, "-c", _KILL_PROBE, str(home)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(duration * trial / 8)
        probe.send_signal(signal.SIGKILL)
        probe.wait()
        file = store_path(home)
        if sqlite.is_plain(file):
            outcomes["plain"] += 1
            assert sqlite.key_opens(file, None)
        else:
            outcomes["encrypted"] += 1
            assert sqlite.key_opens(file, home_key.load(home))
        with Store.open(home) as store:
            assert store.key is not None
            assert _counts(store) == before
        assert not list(home.glob(f"*{SUFFIX}*"))
    assert outcomes["plain"] >= 1  # the kills did land before the switch


def _copy_home(source: Path, target: Path) -> None:
    import shutil

    shutil.copytree(source, target)


def test_a_wrong_recovery_code_changes_nothing_and_repeated_tries_wait(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with Store.open(home) as store:
        code = store.recovery_code
        assert code
    home_key.remove_from_keyring(home)
    files = {p: p.read_bytes() for p in home.rglob("*") if p.is_file()}
    now = 1_000_000.0
    wrong = "00000-00000-00000-00000-00000"
    for attempt in range(3):
        with pytest.raises(home_key.RecoveryRefused) as refused:
            home_key.recover(home, wrong, now=now + attempt)
        assert "恢复码不对" in refused.value.message
    assert refused.value.wait_seconds == 30
    # Too soon: refused without even looking at the code (the right one included).
    with pytest.raises(home_key.RecoveryRefused, match=r"请.*后再试"):
        home_key.recover(home, code, now=now + 10)
    with pytest.raises(home_key.RecoveryRefused, match="25位"):
        home_key.recover(home, "abc", now=now + 40)
    assert home_key.delay_after(4) == 60  # the next wait doubles
    for path, data in files.items():
        assert path.read_bytes() == data, path
    with pytest.raises(home_key.StoreLocked):
        Store.open(home)
    key = home_key.recover(home, code.lower().replace("-", " "), now=now + 200)
    assert key == home_key.load(home)
    Store.open(home).close()


def test_a_new_recovery_code_replaces_the_old_one(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with Store.open(home) as store:
        old = store.recovery_code
        new = home_key.new_recovery_code(home, store.key)
    home_key.remove_from_keyring(home)
    with pytest.raises(home_key.RecoveryRefused):
        home_key.recover(home, old)
    home_key.recover(home, new)


@given(st.text(alphabet=home_key.ALPHABET, min_size=25, max_size=25),
       st.sampled_from(["", "-", " ", "  "]), st.booleans())
def test_a_code_reads_back_however_it_is_typed(code: str, sep: str, lower: bool) -> None:
    shown = home_key.format_code(code).replace("-", sep)
    typed = shown.lower() if lower else shown
    assert home_key.normalize_code(typed) == code
    # Letters a person confuses on paper read as the digits they look like.
    assert home_key.normalize_code(code.replace("0", "O").replace("1", "I")) == code


@given(st.text(min_size=0, max_size=40))
def test_anything_else_is_not_a_code(text: str) -> None:
    normalized = home_key.normalize_code(text)
    assert normalized == "" or (len(normalized) == 25
                                and set(normalized) <= set(home_key.ALPHABET))


def test_a_machine_without_a_keyring_keeps_a_plain_store(tmp_path: Path) -> None:
    keyring.set_keyring(FailKeyring())
    with Store.open(tmp_path / "home") as store:
        assert store.key is None and store.recovery_code is None
    assert sqlite.is_plain(store_path(tmp_path / "home"))
