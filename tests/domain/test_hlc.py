"""Hybrid logical clock: timestamps and their text form, and a clock that never goes back."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workteam_desktop.domain.hlc import MAX_COUNTER, HybridClock, Timestamp, wall_ms

MS_LIMIT = 16**12  # 12 hex digits
YEAR_MS = 365 * 24 * 3600 * 1000
NOW_MS = 1_764_400_000_000  # 2025-11-29, a plausible wall clock

ms_values = st.integers(0, MS_LIMIT - 1)
counters = st.integers(0, MAX_COUNTER)
devices = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12
)
timestamps = st.builds(Timestamp, ms_values, counters, devices)


def fixed_length_devices(length: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789abcdef-", min_size=length, max_size=length)


def wall_from(values: list[int]) -> Callable[[], int]:
    """A wall clock that returns ``values`` in turn, then keeps returning the last one."""
    it: Iterator[int] = iter(values)
    last = [values[-1] if values else 0]

    def wall() -> int:
        value = next(it, None)
        if value is not None:
            last[0] = value
        return last[0]

    return wall


def key(ts: Timestamp) -> tuple[int, int]:
    return ts.wall_ms, ts.counter


# --- timestamps -----------------------------------------------------------------------------


def test_encode_example() -> None:
    ts = Timestamp(0x19ABCDEF012, 3, "dev-1")
    assert ts.encode() == "019abcdef0120003dev-1"
    assert Timestamp.decode("019abcdef0120003dev-1") == ts


@given(timestamps)
def test_encode_decode_round_trip(ts: Timestamp) -> None:
    text = ts.encode()
    assert len(text) == 16 + len(ts.device)
    assert Timestamp.decode(text) == ts


@pytest.mark.parametrize("text", ["", "0" * 16, "019abcdef0120003"])
def test_decode_rejects_text_without_device(text: str) -> None:
    with pytest.raises(ValueError, match="not an HLC timestamp"):
        Timestamp.decode(text)


@st.composite
def timestamp_pairs(draw: st.DrawFn) -> tuple[Timestamp, Timestamp]:
    length = draw(st.integers(1, 10))
    device = fixed_length_devices(length)
    # Share parts often, so ties on wall_ms and counter are exercised.
    ms = draw(ms_values)
    counter = draw(counters)
    a = Timestamp(
        draw(st.one_of(st.just(ms), ms_values)),
        draw(st.one_of(st.just(counter), counters)),
        draw(device),
    )
    b = Timestamp(
        draw(st.one_of(st.just(ms), ms_values)),
        draw(st.one_of(st.just(counter), counters)),
        draw(st.one_of(st.just(a.device), device)),
    )
    return a, b


@settings(max_examples=300)
@given(timestamp_pairs())
def test_text_order_equals_time_order(pair: tuple[Timestamp, Timestamp]) -> None:
    a, b = pair
    as_tuples = (a.wall_ms, a.counter, a.device), (b.wall_ms, b.counter, b.device)
    assert (a < b) == (as_tuples[0] < as_tuples[1])
    assert (a < b) == (a.encode() < b.encode())
    assert (a == b) == (a.encode() == b.encode())


def test_wall_ms_is_near_the_real_clock() -> None:
    import time

    before = time.time() * 1000
    value = wall_ms()
    after = time.time() * 1000
    assert before - 1 <= value <= after + 1


# --- the clock ---------------------------------------------------------------------------------


def test_readings_follow_the_wall_clock_when_it_moves_forward() -> None:
    clock = HybridClock("a", wall=wall_from([NOW_MS, NOW_MS + 5, NOW_MS + 5]))
    first, second, third = clock.now(), clock.now(), clock.now()
    assert first == Timestamp(NOW_MS, 0, "a")
    assert second == Timestamp(NOW_MS + 5, 0, "a")
    assert third == Timestamp(NOW_MS + 5, 1, "a")
    assert clock.last == (NOW_MS + 5, 1)


def test_readings_increase_when_the_wall_clock_goes_back_a_year() -> None:
    walls = [NOW_MS, NOW_MS + 1, NOW_MS - YEAR_MS, NOW_MS - YEAR_MS + 10, NOW_MS - YEAR_MS]
    clock = HybridClock("a", wall=wall_from(walls))
    readings = [clock.now() for _ in walls]
    assert all(x < y for x, y in itertools.pairwise(readings))
    # The clock holds the high-water mark instead of following the wall clock back.
    assert all(r.wall_ms == NOW_MS + 1 for r in readings[1:])
    assert [r.counter for r in readings[1:]] == [0, 1, 2, 3]


def test_receive_a_remote_clock_far_in_the_future() -> None:
    remote = Timestamp(NOW_MS + 10 * YEAR_MS, 7, "b")
    clock = HybridClock("a", wall=wall_from([NOW_MS]))
    clock.now()
    got = clock.receive(remote)
    assert key(got) > key(remote)
    assert got == Timestamp(remote.wall_ms, 8, "a")
    # Local events afterwards stay later than the remote, though the wall clock lags.
    after = clock.now()
    assert key(after) > key(got)


def test_receive_a_remote_clock_in_the_past_keeps_local_time() -> None:
    clock = HybridClock("a", wall=wall_from([NOW_MS]))
    local = clock.now()
    got = clock.receive(Timestamp(NOW_MS - YEAR_MS, 99, "b"))
    assert got == Timestamp(NOW_MS, local.counter + 1, "a")


def test_receive_when_the_wall_clock_is_ahead_of_both() -> None:
    clock = HybridClock("a", last=(NOW_MS, 4), wall=wall_from([NOW_MS + 100]))
    assert clock.receive(Timestamp(NOW_MS + 50, 9, "b")) == Timestamp(NOW_MS + 100, 0, "a")


def test_receive_on_a_tie_takes_the_larger_counter() -> None:
    clock = HybridClock("a", last=(NOW_MS, 4), wall=wall_from([NOW_MS - 10]))
    assert clock.receive(Timestamp(NOW_MS, 9, "b")) == Timestamp(NOW_MS, 10, "a")
    clock = HybridClock("a", last=(NOW_MS, 12), wall=wall_from([NOW_MS - 10]))
    assert clock.receive(Timestamp(NOW_MS, 9, "b")) == Timestamp(NOW_MS, 13, "a")


def test_counter_overflow_borrows_the_next_millisecond() -> None:
    clock = HybridClock("a", wall=wall_from([NOW_MS]))
    readings = [clock.now() for _ in range(MAX_COUNTER + 3)]
    assert readings[MAX_COUNTER] == Timestamp(NOW_MS, MAX_COUNTER, "a")
    assert readings[MAX_COUNTER + 1] == Timestamp(NOW_MS + 1, 0, "a")
    assert readings[MAX_COUNTER + 2] == Timestamp(NOW_MS + 1, 1, "a")
    assert all(x < y for x, y in itertools.pairwise(readings))
    assert all(r.counter <= MAX_COUNTER for r in readings)
    # Encoded readings keep their fixed width, so text order still holds.
    encoded = [r.encode() for r in readings[-5:]]
    assert encoded == sorted(encoded)


def test_receive_of_a_full_counter_borrows_the_next_millisecond() -> None:
    clock = HybridClock("a", wall=wall_from([NOW_MS]))
    got = clock.receive(Timestamp(NOW_MS + 1000, MAX_COUNTER, "b"))
    assert got == Timestamp(NOW_MS + 1001, 0, "a")


def test_restoring_from_last_continues_monotonic() -> None:
    first = HybridClock("a", wall=wall_from([NOW_MS]))
    for _ in range(5):
        before = first.now()
    saved = first.last
    assert saved == (before.wall_ms, before.counter)
    # Restarted with a wall clock that has gone back.
    second = HybridClock("a", last=saved, wall=wall_from([NOW_MS - YEAR_MS]))
    after = second.now()
    assert after > before
    assert after == Timestamp(NOW_MS, 5, "a")
    # Restored with a full counter: the next millisecond.
    third = HybridClock("a", last=(NOW_MS, MAX_COUNTER), wall=wall_from([NOW_MS]))
    assert third.now() == Timestamp(NOW_MS + 1, 0, "a")


def test_a_fresh_clock_uses_the_real_wall_clock() -> None:
    clock = HybridClock("a")
    assert clock.last == (0, 0)
    reading = clock.now()
    assert abs(reading.wall_ms - wall_ms()) < 60_000
    assert reading.device == "a"


walls = st.integers(NOW_MS - 2 * YEAR_MS, NOW_MS + 2 * YEAR_MS)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("now"), walls),
        st.tuples(
            st.just("receive"),
            walls,
            st.one_of(walls, st.integers(NOW_MS - 5, NOW_MS + 5)),
            st.one_of(counters, st.just(MAX_COUNTER)),
        ),
        # Bursts on a frozen wall clock.
        st.tuples(st.just("burst"), st.integers(NOW_MS - 2, NOW_MS + 2), st.integers(1, 50)),
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=200)
@given(operations, st.tuples(st.integers(0, NOW_MS + 3 * YEAR_MS), counters))
def test_any_interleaving_gives_strictly_increasing_readings(
    ops: list[tuple], last: tuple[int, int]
) -> None:
    current = [0]
    clock = HybridClock("a", last=last, wall=lambda: current[0])
    previous = last
    for op in ops:
        kind, wall = op[0], op[1]
        current[0] = wall
        if kind == "now":
            readings = [clock.now()]
        elif kind == "burst":
            readings = [clock.now() for _ in range(op[2])]
        else:
            remote = Timestamp(op[2], op[3], "b")
            readings = [clock.receive(remote)]
            assert key(readings[0]) > key(remote)
        for reading in readings:
            assert key(reading) > previous
            assert reading.wall_ms >= wall
            assert 0 <= reading.counter <= MAX_COUNTER
            assert reading.device == "a"
            previous = key(reading)
        assert clock.last == previous
