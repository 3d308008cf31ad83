"""Automatic sync schedule: every 10 minutes when fine, backing off 1, 2, 4 … 30 minutes
after failures, and no retries while only a person can help."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from workteam_desktop.sync.schedule import Outcome, Schedule, retry_delay


def test_backoff_doubles_from_one_minute_up_to_half_an_hour() -> None:
    assert [retry_delay(n) for n in range(0, 8)] == [
        600, 60, 120, 240, 480, 960, 1800, 1800]
    assert retry_delay(10_000) == 1800  # a month offline: still half an hour, no overflow


def test_a_success_resets_the_backoff_and_a_person_stops_the_retries() -> None:
    s = Schedule()
    assert s.next_delay() == 600
    for expected in (60, 120, 240):
        s = s.after(Outcome.FAILED)
        assert s.next_delay() == expected
    assert s.after(Outcome.OK) == Schedule()
    waiting = s.after(Outcome.NEEDS_PERSON)
    assert waiting.next_delay() is None
    assert waiting.after(Outcome.OK).next_delay() == 600  # after logging in, syncing again


@given(st.lists(st.sampled_from(list(Outcome)), max_size=40))
def test_delays_stay_between_one_and_thirty_minutes_and_never_shrink_while_failing(
        outcomes: list[Outcome]) -> None:
    s = Schedule()
    previous = 0
    for outcome in outcomes:
        s = s.after(outcome)
        delay = s.next_delay()
        if delay is None:
            assert outcome is Outcome.NEEDS_PERSON
            continue
        assert 60 <= delay <= 1800
        if outcome is Outcome.FAILED:
            assert delay >= previous or previous == 600
        previous = delay
