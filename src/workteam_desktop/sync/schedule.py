"""When the next automatic sync runs: every 10 minutes while the server answers, and after
failures with a growing pause (1, 2, 4, 8, 16, then every 30 minutes), so a laptop
without network neither hammers a mobile link nor waits long once it is back.

Pure functions, tested without Qt; the GUI's timer asks :func:`next_delay`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

OK_INTERVAL_S = 10 * 60  # after a successful sync
FIRST_RETRY_S = 60  # after the first failure
MAX_RETRY_S = 30 * 60  # the pause stops growing here
START_DELAY_S = 15  # after the program starts: let the first page load first


class Outcome(StrEnum):
    """How an automatic sync ended, as far as scheduling cares."""

    OK = "ok"  # synced
    FAILED = "failed"  # server unreachable or erring: try again later, backing off
    NEEDS_PERSON = "needs_person"  # password needed, login revoked, not logged in: wait


def retry_delay(failures: int) -> int:
    """Seconds to wait after ``failures`` failed attempts in a row (1 → 60 s, doubling,
    at most 30 minutes); 0 failures → the normal interval."""
    if failures <= 0:
        return OK_INTERVAL_S
    # Cap the exponent: a laptop offline for a month must not overflow the shift.
    return min(MAX_RETRY_S, FIRST_RETRY_S << min(failures - 1, 16))


@dataclass(frozen=True, slots=True)
class Schedule:
    """The automatic sync's state: failures in a row, and whether it waits for a person."""

    failures: int = 0
    waiting_for_person: bool = False

    def after(self, outcome: Outcome) -> Schedule:
        """The schedule after an attempt ended with ``outcome`` (manual syncs count too)."""
        if outcome is Outcome.OK:
            return Schedule()
        if outcome is Outcome.NEEDS_PERSON:
            return Schedule(self.failures, waiting_for_person=True)
        return Schedule(self.failures + 1)

    def next_delay(self) -> int | None:
        """Seconds until the next automatic attempt; None: none until a person acts
        (logs in, types the password, presses 立即同步)."""
        if self.waiting_for_person:
            return None
        return retry_delay(self.failures)
