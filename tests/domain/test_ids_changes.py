"""UUIDv7 ids and the change record used for sync."""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from workteam_desktop.domain.changes import Change, dumps, json_value
from workteam_desktop.domain.ids import new_id, uuid7_from

MS_MASK = (1 << 48) - 1
RAND_MASK = (1 << 74) - 1


def ms_of(text: str) -> int:
    return uuid.UUID(text).int >> 80


# --- ids ---------------------------------------------------------------------------------------


def test_new_id_is_a_version_7_uuid_near_now() -> None:
    before = time.time_ns() // 1_000_000
    text = new_id()
    value = uuid.UUID(text)
    assert str(value) == text
    assert value.version == 7
    assert value.variant == uuid.RFC_4122
    # Ids borrow the next millisecond only past 4,096 ids in one millisecond.
    assert before <= ms_of(text) <= before + 60_000


def test_new_ids_sort_in_creation_order() -> None:
    ids = [new_id() for _ in range(300)]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)
    assert all(uuid.UUID(i).version == 7 for i in ids)


def test_uuid7_from_example() -> None:
    text = uuid7_from(0x0123456789AB, 0)
    assert text == "01234567-89ab-7000-8000-000000000000"
    text = uuid7_from(0x0123456789AB, RAND_MASK)
    assert text == "01234567-89ab-7fff-bfff-ffffffffffff"


@given(st.integers(0, MS_MASK), st.integers(0, RAND_MASK))
def test_uuid7_from_is_a_valid_deterministic_v7(ms: int, rand: int) -> None:
    text = uuid7_from(ms, rand)
    value = uuid.UUID(text)
    assert str(value) == text
    assert value.version == 7
    assert value.variant == uuid.RFC_4122
    assert uuid7_from(ms, rand) == text
    # Every input bit is kept: the timestamp and the 74 random bits can be read back.
    assert value.int >> 80 == ms
    rand_a = (value.int >> 64) & 0xFFF
    rand_b = value.int & ((1 << 62) - 1)
    assert (rand_a << 62) | rand_b == rand


@given(st.integers(0, MS_MASK), st.integers(0, MS_MASK), st.integers(0, RAND_MASK),
       st.integers(0, RAND_MASK))
def test_uuid7_from_sorts_by_time(ms_a: int, ms_b: int, rand_a: int, rand_b: int) -> None:
    a, b = uuid7_from(ms_a, rand_a), uuid7_from(ms_b, rand_b)
    if ms_a < ms_b:
        assert a < b
    elif ms_a > ms_b:
        assert a > b


@given(st.integers(0, MS_MASK), st.integers(0, RAND_MASK), st.integers(0, RAND_MASK))
def test_uuid7_from_distinct_random_bits_give_distinct_ids(ms: int, a: int, b: int) -> None:
    assert (uuid7_from(ms, a) == uuid7_from(ms, b)) == (a == b)


def test_uuid7_from_masks_out_of_range_inputs() -> None:
    assert uuid7_from((1 << 48) + 5, 0) == uuid7_from(5, 0)
    assert uuid7_from(5, (1 << 74) | 9) == uuid7_from(5, 9)


# --- changes -------------------------------------------------------------------------------------

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**63),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(),
    st.text(alphabet="张王李赵户主村镇县收入黄花光伏\n\"\\ 𠀀é·、，。"),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
field_names = st.text(min_size=1, max_size=12)
changes = st.builds(
    Change,
    id=st.builds(uuid7_from, st.integers(0, MS_MASK), st.integers(0, RAND_MASK)),
    entity=st.sampled_from(["household", "member", "visit", "income", "村民"]),
    row_id=st.builds(uuid7_from, st.integers(0, MS_MASK), st.integers(0, RAND_MASK)),
    fields=st.dictionaries(field_names, json_values, max_size=6),
    hlc=st.text(alphabet="0123456789abcdef", min_size=16, max_size=16).map(lambda s: s + "dev"),
    device=st.text(min_size=1, max_size=10),
    user=st.text(max_size=10),
    base=st.dictionaries(field_names, st.text(max_size=20), max_size=4),
)


@settings(max_examples=150)
@given(changes)
def test_change_json_round_trip(change: Change) -> None:
    line = change.to_json()
    assert "\n" not in line
    assert Change.from_json(line) == change
    assert json.loads(line)["fields"] == change.fields


def test_change_json_keeps_chinese_readable_and_compact() -> None:
    change = Change("c1", "household", "r1", {"head_name": "张三", "village": "黄花村"},
                    "0000000000010000dev", "dev", "李四", {"head_name": "00000000000000000dev"})
    line = change.to_json()
    assert "张三" in line and "黄花村" in line and "李四" in line
    assert "\\u" not in line
    assert ", " not in line and ": " not in line
    assert json.loads(line) == {
        "id": "c1", "entity": "household", "row_id": "r1",
        "fields": {"head_name": "张三", "village": "黄花村"},
        "base": {"head_name": "00000000000000000dev"},
        "hlc": "0000000000010000dev", "device": "dev", "user": "李四",
    }


def test_dates_and_times_become_iso_text() -> None:
    change = Change("c1", "visit", "r1", {
        "visited_on": dt.date(2026, 11, 29),
        "at": dt.datetime(2026, 11, 29, 8, 30, 5),
        "time": dt.time(14, 5),
        "amount": 12.5,
    }, "h", "dev", "u")
    back = Change.from_json(change.to_json())
    assert back.fields == {
        "visited_on": "2026-11-29",
        "at": "2026-11-29 08:30:05",
        "time": "14:05:00",
        "amount": 12.5,
    }


@given(st.dates())
def test_any_date_becomes_its_iso_text(day: dt.date) -> None:
    assert json_value(day) == day.isoformat()
    assert dt.date.fromisoformat(json.loads(dumps({"d": day}))["d"]) == day


@given(st.datetimes())
def test_any_datetime_becomes_iso_text_with_a_space(moment: dt.datetime) -> None:
    text = json_value(moment)
    assert text == moment.isoformat(sep=" ")
    assert dt.datetime.fromisoformat(text) == moment


def test_json_value_leaves_other_values_alone() -> None:
    for value in (None, True, 3, 2.5, "文字", [1, 2], {"a": 1}):
        assert json_value(value) == value


def test_from_json_without_base_gives_an_empty_base() -> None:
    line = json.dumps({"id": "c", "entity": "e", "row_id": "r", "fields": {"a": 1},
                       "hlc": "h", "device": "d", "user": "u"})
    change = Change.from_json(line)
    assert change.base == {}
    assert change.fields == {"a": 1}
    null_base = json.dumps({"id": "c", "entity": "e", "row_id": "r", "fields": {},
                            "base": None, "hlc": "h", "device": "d", "user": "u"})
    assert Change.from_json(null_base).base == {}
