"""A data home as a version before encryption left it: a plain store of a demo county."""

from __future__ import annotations

from pathlib import Path

import keyring
from keyring.backends.fail import Keyring as FailKeyring

from workteam_desktop.demo import generate
from workteam_desktop.store import Store


def plain_home(home: Path, households: int, seed: int,
               tables: tuple[str, ...] = ("household",)) -> dict[str, int]:
    """Make ``home`` with a plain store (no keyring while it is made, as on a machine of an
    older version) holding a demo county; the row counts of ``tables``."""
    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())
    try:
        with Store.open(home) as store:
            assert store.key is None
            generate(store, households=households, seed=seed)
            with store.read() as cur:
                return {t: cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    finally:
        keyring.set_keyring(previous)
