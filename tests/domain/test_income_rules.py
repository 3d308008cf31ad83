"""Per-capita net income and the rules computed from the records."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from workteam_desktop.domain import rules
from workteam_desktop.domain.income import Income, per_capita_net
from workteam_desktop.domain.rules import (
    DEFAULT_FORM_PERIOD_DAYS,
    DEFAULT_OBSERVATION_THRESHOLD,
    MemberWork,
    Thresholds,
    is_form_overdue,
    is_observation,
    is_zero_employment,
    overdue_cutoff,
    visit_coverage,
)

amounts = st.floats(min_value=0, max_value=1_000_000, allow_nan=False, allow_infinity=False)
signed_amounts = st.floats(
    min_value=-1_000_000, max_value=1_000_000, allow_nan=False, allow_infinity=False
)
incomes = st.builds(
    Income,
    wage=amounts,
    operating=signed_amounts,  # an operating loss is possible
    property=amounts,
    transfer=amounts,
    costs=amounts,
)
members_counts = st.integers(1, 30)
INCOME_KINDS = ("wage", "operating", "property", "transfer")
STATUSES = ("none", "observation", "monitored", "removed")

# --- income ----------------------------------------------------------------------------------


def test_gross_and_net() -> None:
    income = Income(wage=10_000, operating=5_000, property=500, transfer=2_000, costs=1_500)
    assert income.gross == 17_500
    assert income.net == 16_000


@pytest.mark.parametrize(
    ("income", "members", "expected"),
    [
        (Income(wage=30_000, operating=6_000, costs=2_000), 4, 8_500.0),
        (Income(wage=10_000), 3, 3_333.33),
        (Income(wage=20_000), 3, 6_666.67),
        (Income(transfer=100, costs=400), 2, -150.0),
        (Income(), 1, 0.0),
        (Income(wage=1, operating=2, property=3, transfer=4, costs=0.5), 1, 9.5),
    ],
)
def test_per_capita_net_examples(income: Income, members: int, expected: float) -> None:
    assert per_capita_net(income, members) == expected


@pytest.mark.parametrize("members", [0, -1, -5])
def test_per_capita_net_without_members_is_none(members: int) -> None:
    assert per_capita_net(Income(wage=10_000), members) is None


@given(incomes, members_counts)
def test_per_capita_times_members_is_net_within_rounding(income: Income, members: int) -> None:
    per_capita = per_capita_net(income, members)
    assert per_capita is not None
    assert per_capita == round(per_capita, 2)
    assert abs(per_capita * members - income.net) <= 0.01 * members


@given(incomes, members_counts, st.sampled_from(INCOME_KINDS), amounts)
def test_more_income_never_lowers_per_capita(
    income: Income, members: int, kind: str, extra: float
) -> None:
    more = dataclasses.replace(income, **{kind: getattr(income, kind) + extra})
    assert per_capita_net(more, members) >= per_capita_net(income, members)


@given(incomes, members_counts, amounts)
def test_more_costs_never_raise_per_capita(income: Income, members: int, extra: float) -> None:
    more = dataclasses.replace(income, costs=income.costs + extra)
    assert per_capita_net(more, members) <= per_capita_net(income, members)


# --- thresholds ------------------------------------------------------------------------------


def test_default_threshold_when_nothing_is_set() -> None:
    assert DEFAULT_OBSERVATION_THRESHOLD == 8500.0
    assert Thresholds().for_year(2024) == 8500.0
    assert Thresholds({}).for_year(2024, ["140212"]) == 8500.0


def test_most_specific_region_wins() -> None:
    table = Thresholds({
        (2024, None): 8_500.0,
        (2024, "1402"): 8_800.0,
        (2024, "140212"): 9_000.0,
    })
    assert table.for_year(2024, ["140212", "1402"]) == 9_000.0
    assert table.for_year(2024, ["140213", "1402"]) == 8_800.0
    assert table.for_year(2024, ["440101", "4401"]) == 8_500.0
    assert table.for_year(2024) == 8_500.0


def test_latest_earlier_year_is_used() -> None:
    table = Thresholds({(2020, None): 7_000.0, (2022, None): 8_500.0, (2024, None): 9_000.0})
    assert table.for_year(2023) == 8_500.0
    assert table.for_year(2022) == 8_500.0
    assert table.for_year(2021) == 7_000.0
    assert table.for_year(2030) == 9_000.0


def test_a_later_year_is_not_used_for_an_earlier_one() -> None:
    table = Thresholds({(2024, None): 9_000.0, (2024, "140212"): 9_500.0})
    assert table.for_year(2023) == DEFAULT_OBSERVATION_THRESHOLD
    assert table.for_year(2023, ["140212"]) == DEFAULT_OBSERVATION_THRESHOLD


def test_a_year_with_settings_only_for_other_regions_falls_back_to_an_earlier_year() -> None:
    table = Thresholds({(2022, None): 8_500.0, (2024, "440101"): 9_900.0})
    assert table.for_year(2024, ["140212"]) == 8_500.0
    assert table.for_year(2024, ["440101"]) == 9_900.0


@given(
    st.dictionaries(st.integers(2015, 2030), st.floats(1_000, 20_000, allow_nan=False)),
    st.integers(2010, 2035),
)
def test_default_region_threshold_is_the_latest_not_later_year(
    by_year: dict[int, float], year: int
) -> None:
    table = Thresholds({(y, None): value for y, value in by_year.items()})
    earlier = [y for y in by_year if y <= year]
    expected = by_year[max(earlier)] if earlier else DEFAULT_OBSERVATION_THRESHOLD
    assert table.for_year(year, ["140212", "1402"]) == expected


# --- observation objects ---------------------------------------------------------------------


@pytest.mark.parametrize("status", ["none", "observation", "removed"])
def test_below_threshold_is_observation(status: str) -> None:
    assert is_observation(8_499.99, 8_500.0, status) is True
    assert is_observation(8_500.0, 8_500.0, status) is False
    assert is_observation(12_000.0, 8_500.0, status) is False


def test_monitored_households_are_not_observation_objects() -> None:
    assert is_observation(100.0, 8_500.0, "monitored") is False


def test_unknown_income_is_not_observation() -> None:
    for status in STATUSES:
        assert is_observation(None, 8_500.0, status) is False


@given(
    st.floats(-10_000, 50_000, allow_nan=False),
    st.floats(0, 50_000, allow_nan=False),
    st.floats(1_000, 20_000, allow_nan=False),
    st.sampled_from(STATUSES),
)
def test_observation_is_monotonic_in_income(
    income: float, less: float, threshold: float, status: str
) -> None:
    if is_observation(income, threshold, status):
        assert is_observation(income - less, threshold, status)
    assert is_observation(income, threshold, status) == (
        income < threshold and status != "monitored"
    )


# --- zero employment -------------------------------------------------------------------------


def test_not_relocated_is_never_zero_employment() -> None:
    assert is_zero_employment(False, [MemberWork("full", False)]) is False
    assert is_zero_employment(False, []) is False


def test_relocated_with_labour_and_no_stable_work_is_zero_employment() -> None:
    assert is_zero_employment(True, [MemberWork("full", False), MemberWork("none", False)])
    assert is_zero_employment(True, [MemberWork("partial", False)])


def test_one_member_in_stable_work_is_enough() -> None:
    members = [MemberWork("full", False), MemberWork("partial", True), MemberWork(None, False)]
    assert is_zero_employment(True, members) is False


def test_no_labour_members_is_not_zero_employment() -> None:
    assert is_zero_employment(True, [MemberWork("none", False), MemberWork(None, False)]) is False
    assert is_zero_employment(True, []) is False


def test_members_may_be_a_generator() -> None:
    members = (MemberWork(c, False) for c in ("none", "full"))
    assert is_zero_employment(True, members) is True


member_works = st.builds(
    MemberWork, st.sampled_from(["full", "partial", "none", None]), st.booleans()
)


@given(st.booleans(), st.lists(member_works, max_size=8))
def test_zero_employment_matches_the_definition(
    relocated: bool, members: list[MemberWork]
) -> None:
    has_labour = any(m.labour_capacity in ("full", "partial") for m in members)
    anyone_stable = any(m.employment_stable for m in members)
    expected = relocated and has_labour and not anyone_stable
    assert is_zero_employment(relocated, members) is expected


# --- overdue forms ---------------------------------------------------------------------------


def test_overdue_cutoff() -> None:
    today = dt.date(2026, 11, 29)
    assert DEFAULT_FORM_PERIOD_DAYS == 92
    assert overdue_cutoff(today) == dt.date(2026, 8, 29)
    assert overdue_cutoff(today, 30) == dt.date(2026, 10, 30)


def test_form_overdue_examples() -> None:
    today = dt.date(2026, 11, 29)
    assert is_form_overdue(None, today) is True
    assert is_form_overdue(dt.date(2026, 8, 29), today) is False  # exactly one period ago
    assert is_form_overdue(dt.date(2026, 8, 28), today) is True
    assert is_form_overdue(today, today) is False
    assert is_form_overdue(dt.date(2026, 11, 1), today, period_days=7) is True


dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1))


@given(dates, st.integers(-400, 400), st.integers(1, 400))
def test_form_overdue_matches_the_period(today: dt.date, days_ago: int, period: int) -> None:
    updated = today - dt.timedelta(days=days_ago)
    assert is_form_overdue(updated, today, period) == (days_ago > period)
    assert is_form_overdue(None, today, period)


@given(dates, dates, dates)
def test_an_older_form_is_at_least_as_overdue(today: dt.date, a: dt.date, b: dt.date) -> None:
    older, newer = sorted((a, b))
    if is_form_overdue(newer, today):
        assert is_form_overdue(older, today)


# --- visit coverage --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("visited", "households", "expected"),
    [(0, 10, 0.0), (5, 10, 0.5), (10, 10, 1.0), (12, 10, 1.0), (3, 0, 0.0), (0, 0, 0.0),
     (1, 3, 1 / 3)],
)
def test_visit_coverage_examples(visited: int, households: int, expected: float) -> None:
    assert visit_coverage(visited, households) == pytest.approx(expected)


@given(st.integers(0, 10_000), st.integers(-5, 10_000))
def test_visit_coverage_is_a_share(visited: int, households: int) -> None:
    coverage = visit_coverage(visited, households)
    assert 0.0 <= coverage <= 1.0
    if households > 0 and visited <= households:
        assert coverage == visited / households
    if households <= 0:
        assert coverage == 0.0


@given(st.integers(0, 1_000), st.integers(0, 1_000), st.integers(1, 1_000))
def test_more_visits_never_lower_coverage(a: int, b: int, households: int) -> None:
    assume(a != b)
    fewer, more = sorted((a, b))
    assert visit_coverage(fewer, households) <= visit_coverage(more, households)


def test_flags_have_labels() -> None:
    assert set(rules.FLAG_LABELS) == set(rules.FLAGS)
    assert rules.FLAG_LABELS[rules.FLAG_OBSERVATION] == ("观测对象", "Observation")
