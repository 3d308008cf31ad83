"""The nesting bound of a push body (limits.too_deep) against a plain recursive count, and
the push's walk of only what its per-change check left unjudged (push.too_deep_batch)
against the whole walk."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from workteam_server import push
from workteam_server.limits import MAX_DEPTH, too_deep


def depth(value: Any) -> int:
    """Levels of objects and arrays: a scalar 0, ``[]`` 1, ``[{}]`` 2."""
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    return 0


_JSON = st.recursive(st.none() | st.integers() | st.text(max_size=3),
                     lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.text(max_size=3), inner, max_size=3), max_leaves=30)
# A push's shape: a list of records whose values are scalars or one more object or list.
_RECORDS = st.lists(st.dictionaries(st.sampled_from(["id", "fields", "base", "x"]), _JSON,
                                    max_size=4) | _JSON, max_size=5)


@given(_JSON | _RECORDS, st.integers(min_value=0, max_value=12))
def test_too_deep_counts_levels_as_a_recursive_walk_does(value: Any, limit: int) -> None:
    assert too_deep(value, limit) == (depth(value) > limit)


def nested(levels: int) -> Any:
    """A value ``levels`` deep, alternating arrays and objects."""
    value: Any = "村"
    for n in range(levels):
        value = [value] if n % 2 else {"k": value}
    return value


def test_every_place_of_a_push_is_bounded_exactly() -> None:
    """A value nested d levels in each place a change can hold one, against every bound."""
    for d in range(7):
        bodies = {  # the body's depth: the list, the change, its fields, then the value
            3 + d: [{"id": "a", "fields": {"name": nested(d)}}],
            2 + d: [{"id": "a", "fields": nested(d)}],
            1 + d: [nested(d)],
        }
        for expected, body in bodies.items():
            assert depth(body) == max(expected, 1)
            for limit in range(1, 12):
                assert too_deep(body, limit) == (depth(body) > limit), (d, expected, limit)


# A push's changes with a value nested around the bound (MAX_DEPTH) in every place a change
# can hold one: the batch check, which walks only what the per-change check did not find
# flat, must say what the whole walk says.
_HLC = "0000018f2a3b4c5d0000laptop-1"
_DEEP = st.integers(min_value=MAX_DEPTH - 6, max_value=MAX_DEPTH + 2).map(nested)
_PLACE = st.sampled_from(["device", "user", "x", "fields", "field", "base", "id", "record"])


@st.composite
def _change(draw: st.DrawFn) -> Any:
    change: dict[str, Any] = {"id": "c-1", "entity": "household", "row_id": "h-1",
                              "fields": {"number": "0001", "head_name": "王哲"},
                              "base": {"number": _HLC}, "hlc": _HLC,
                              "device": "laptop-1", "user": "zhang"}
    if draw(st.booleans()):
        return change  # flat, passes the check
    value, place = draw(_DEEP | _JSON), draw(_PLACE)
    if place == "record":
        return value
    if place == "field":
        change["fields"]["note"] = value
    else:
        change[place] = value
    return change


@given(st.lists(_change(), max_size=4))
def test_a_pushed_batch_is_bounded_as_the_whole_walk_bounds_it(changes: list[Any]) -> None:
    problems = [push._shape(c) for c in changes]
    assert push.too_deep_batch(changes, problems) == too_deep(changes, MAX_DEPTH - 1)
