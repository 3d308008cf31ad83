"""The local password that unlocks the window after it locked itself when left idle.

Set at set-up (or on the settings page); kept in the store (encrypted with it) as an
Argon2id hash, never as text. It is not the recovery code and opens nothing on the disk:
it stops a person at an unattended laptop, while the disk encryption stops a thief.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..domain.problems import DomainError, Problem
from . import sync_state
from .store import Store

KEY = "lock_password"
MIN_LENGTH = 6
_hasher = PasswordHasher(time_cost=2, memory_cost=32 * 1024, parallelism=1)


def has_lock_password(store: Store) -> bool:
    """Whether a local password is set."""
    return bool(sync_state.get(store, KEY))


def check_new_lock_password(password: str) -> None:
    """Raise :class:`DomainError` (``lock.too_short``) for a password too short to set;
    nothing is stored (a caller checks before it changes anything else)."""
    if len(password) < MIN_LENGTH:
        raise DomainError(Problem("lock.too_short", {"min": MIN_LENGTH}), "password")


def set_lock_password(store: Store, password: str) -> None:
    """Set (or change) the local password; refuses one shorter than six characters."""
    check_new_lock_password(password)
    sync_state.set_values(store, {KEY: _hasher.hash(password)})


def check_lock_password(store: Store, password: str) -> bool:
    """True when ``password`` is the local password."""
    stored = sync_state.get(store, KEY)
    if not stored:
        return False
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
