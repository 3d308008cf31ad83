"""Assessment scoring and star rating: monotone, weights normalised, ties ranked stably."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workteam_desktop.domain import assessment as da

counts = st.integers(min_value=0, max_value=500)


@st.composite
def indicators(draw: st.DrawFn) -> da.TeamIndicators:
    households = draw(counts)
    labour = draw(counts)
    return da.TeamIndicators(
        team_id=draw(st.text("abc", min_size=1, max_size=3)), team_name="队",
        households=households, households_visited=draw(st.integers(0, households)),
        delivery_actions=draw(counts), delivery_categories=draw(st.integers(0, 10)),
        needs_resolved=draw(counts), needs_open=draw(counts),
        mean_resolve_days=draw(st.none() | st.floats(0, 400)),
        forms_current=draw(st.integers(0, households)), trainings=draw(st.integers(0, 20)),
        relocated_labour_households=labour,
        relocated_employed_households=draw(st.integers(0, labour)),
        manual=draw(st.none() | st.floats(0, 100)))


weights_st = st.dictionaries(st.sampled_from(da.INDICATORS), st.floats(0, 10), min_size=1)

# (field, step that makes the indicator better)
BETTER = [
    ("households_visited", 1), ("delivery_actions", 1), ("delivery_categories", 1),
    ("needs_resolved", 1), ("needs_open", -1), ("forms_current", 1), ("trainings", 1),
    ("relocated_employed_households", 1),
]


@given(indicators(), weights_st, st.sampled_from(BETTER))
def test_a_better_indicator_never_lowers_the_score(ind: da.TeamIndicators, weights: dict,
                                                   change: tuple[str, int]) -> None:
    name, step = change
    value = getattr(ind, name) + step
    if value < 0:
        return
    better = dataclasses.replace(ind, **{name: value})
    if name in ("households_visited", "forms_current"):
        better = dataclasses.replace(better, households=max(better.households, value))
    if name == "relocated_employed_households":
        better = dataclasses.replace(
            better, relocated_labour_households=max(better.relocated_labour_households, value))
        if better.relocated_labour_households != ind.relocated_labour_households:
            return  # more labour households is a different situation, not a better one
    if better.households != ind.households:
        return
    before = da.weighted_total(da.indicator_scores(ind), weights)
    after = da.weighted_total(da.indicator_scores(better), weights)
    assert after >= before


@given(indicators(), weights_st, st.floats(0, 100), st.floats(0, 100))
def test_fewer_days_and_a_higher_manual_score_never_lower_the_score(
        ind: da.TeamIndicators, weights: dict, x: float, y: float) -> None:
    low, high = sorted((x, y))
    slow = da.weighted_total(da.indicator_scores(dataclasses.replace(ind, mean_resolve_days=high)),
                             weights)
    fast = da.weighted_total(da.indicator_scores(dataclasses.replace(ind, mean_resolve_days=low)),
                             weights)
    assert fast >= slow
    lower = da.weighted_total(da.indicator_scores(dataclasses.replace(ind, manual=low)), weights)
    higher = da.weighted_total(da.indicator_scores(dataclasses.replace(ind, manual=high)), weights)
    assert higher >= lower


@given(indicators())
def test_every_indicator_score_lies_between_0_and_100(ind: da.TeamIndicators) -> None:
    scores = da.indicator_scores(ind)
    assert set(scores) == set(da.INDICATORS)
    assert all(0 <= v <= 100 for v in scores.values())
    assert 0 <= da.weighted_total(scores, da.DEFAULT_WEIGHTS) <= 100


@given(st.dictionaries(st.sampled_from([*da.INDICATORS, "unknown"]),
                       st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=3)))
def test_weights_are_normalised_to_sum_one(weights: dict) -> None:
    norm = da.normalise_weights(weights)
    assert set(norm) == set(da.INDICATORS)
    assert sum(norm.values()) == pytest.approx(1.0)
    assert all(v >= 0 for v in norm.values())


def test_scaling_all_weights_changes_nothing_and_zero_weights_fall_back_to_defaults() -> None:
    scores = {k: float(i * 10) for i, k in enumerate(da.INDICATORS)}
    doubled = {k: 2 * v for k, v in da.DEFAULT_WEIGHTS.items()}
    assert da.weighted_total(scores, doubled) == da.weighted_total(scores, da.DEFAULT_WEIGHTS)
    assert da.normalise_weights({k: 0 for k in da.INDICATORS}) == da.DEFAULT_WEIGHTS
    assert sum(da.DEFAULT_WEIGHTS.values()) == pytest.approx(1.0)
    assert [e.code for e in da.INDICATOR_LABELS] == list(da.INDICATORS)


@given(st.lists(indicators(), min_size=1, max_size=8))
def test_ties_share_a_rank_and_keep_a_stable_order(teams: list[da.TeamIndicators]) -> None:
    teams = [dataclasses.replace(t, team_id=f"t{i}", team_name=f"队{i % 3}")
             for i, t in enumerate(teams)]
    result = da.assess(teams)
    again = da.assess(list(reversed(teams)))
    assert [r.indicators.team_id for r in result] == [r.indicators.team_id for r in again]
    totals = [r.total for r in result]
    assert totals == sorted(totals, reverse=True)
    for before, after in itertools.pairwise(result):
        if before.total == after.total:
            assert before.rank == after.rank
            assert (before.indicators.team_name, before.indicators.team_id) <= (
                after.indicators.team_name, after.indicators.team_id)
        else:
            assert after.rank > before.rank


def test_rank_totals_is_competition_ranking() -> None:
    assert da.rank_totals([70.0, 90.0, 70.0, 50.0]) == [2, 1, 2, 4]


def test_indicator_rules_on_a_known_team() -> None:
    ind = da.TeamIndicators("t", "队", households=200, households_visited=150, delivery_actions=15,
                            delivery_categories=5, needs_resolved=3, needs_open=1,
                            mean_resolve_days=7.0, forms_current=180, trainings=2,
                            relocated_labour_households=10, relocated_employed_households=9,
                            manual=80.0)
    s = da.indicator_scores(ind)
    assert s["visit_coverage"] == 75.0
    assert s["deliveries"] == 60 * 0.5 + 40 * 0.5
    assert s["urgent_resolved"] == 75.0
    assert s["resolve_days"] == 100.0
    assert s["forms_current"] == 90.0
    assert s["trainings"] == pytest.approx(66.6667)
    assert s["relocated_employment"] == 90.0
    assert s["manual"] == 80.0
    # No needs at all is nothing left waiting; open needs with none resolved is the worst.
    calm = da.indicator_scores(da.TeamIndicators("t", "队"))
    assert calm["urgent_resolved"] == 100.0 and calm["resolve_days"] == 100.0
    stuck = da.indicator_scores(da.TeamIndicators("t", "队", needs_open=3))
    assert stuck["urgent_resolved"] == 0.0 and stuck["resolve_days"] == 0.0


@pytest.mark.parametrize(("mean", "stars"), [(100, 5), (90, 5), (89.99, 4), (80, 4), (79.5, 3),
                                             (70, 3), (60, 2), (59.99, 1), (0, 1)])
def test_star_bands(mean: float, stars: int) -> None:
    assert da.stars_for(mean) == stars


@given(st.floats(0, 100), st.floats(0, 100))
def test_stars_never_fall_when_the_mean_rises(x: float, y: float) -> None:
    low, high = sorted((x, y))
    assert da.stars_for(high) >= da.stars_for(low)


def test_half_years() -> None:
    assert da.parse_half_year("2026H2") == da.HalfYear(2026, 2)
    assert da.HalfYear(2026, 2).quarters == ("2026Q3", "2026Q4")
    assert da.HalfYear(2026, 1).label == "2026年上半年"
    assert da.parse_half_year("2026H3") is None
    assert da.half_year_of_quarter(2026, 2) == da.HalfYear(2026, 1)
    assert da.half_year_mean(90.0, None) == 45.0


@given(st.integers(0, 100), st.integers(0, 30), st.integers(0, 20), st.integers(0, 20),
       st.none() | st.floats(0, 100))
def test_cadre_score_is_monotone_and_bounded(visited: int, assistance: int, raised: int,
                                             resolved: int, manual: float | None) -> None:
    resolved = min(resolved, raised)
    base = da.CadreIndicators(visited, assistance, raised, resolved, manual)
    score = da.cadre_score(base)
    assert 0 <= score <= 100
    assert da.cadre_score(dataclasses.replace(base, households_visited=visited + 1)) >= score
    assert da.cadre_score(dataclasses.replace(base, assistance_records=assistance + 1)) >= score
    if resolved < raised:
        assert da.cadre_score(dataclasses.replace(base, needs_resolved=resolved + 1)) >= score
